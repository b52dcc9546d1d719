/** The lifecycle store on the real DynamoDB API (dynalite): compare-and-set records and heads, write-once snapshots and ledger ends, evaluations per run, raw samples as the collector stores them. */
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { DynamoLifecycleStore } from '../../shared/adapters/aws/dynamodb-lifecycle-store';
import { DynamoFootprintStore } from '../../shared/adapters/aws/dynamodb-footprint-store';
import { newActionRecord, transition } from '../../shared/domain/lifecycle/action-machine';
import type { EvaluationSummary } from '../../shared/ports/lifecycle-ports';
import type { HostSeries } from '../../shared/domain/types';

let db: EmbeddedDynamo;
let store: DynamoLifecycleStore;
beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'lifecycle-store-test' });
  store = new DynamoLifecycleStore(db.client, db.tableName);
});
afterAll(() => db.close());

const rec = (id: string) =>
  newActionRecord({ actionId: id, subject: { kind: 'endpoint', region: 'eu-west-1', name: id }, action: 'park', mode: 'recommend', atSec: 100, by: 'a', reason: 'r', proposal: { action: 'park' } as never, approved: true, vetoWindowSec: 0, demo: false });

describe('DynamoLifecycleStore', () => {
  it('creates a record once and then moves it only by compare-and-set; open and done lists follow its status', async () => {
    const r = rec('a1');
    expect(await store.putAction(r, 0)).toBe(true);
    expect(await store.putAction(r, 0)).toBe(false);
    const moved = transition(r, 'failed', { atSec: 101, by: 'x', why: 'y' });
    expect(await store.putAction(moved, 5)).toBe(false); // stale version
    expect(await store.putAction(moved, 1)).toBe(true);
    expect((await store.listActions({ openOnly: true })).map((x) => x.actionId)).not.toContain('a1');
    expect((await store.listActions()).find((x) => x.actionId === 'a1')?.status).toBe('failed');
  });

  it('guards subject heads by version, keeps the first snapshot and ends a ledger entry once', async () => {
    expect(await store.putHead({ subjectKey: 'k', openActionId: 'a1', episodes: 1, version: 1 }, 0)).toBe(true);
    expect(await store.putHead({ subjectKey: 'k', episodes: 1, version: 2 }, 0)).toBe(false);
    expect(await store.putHead({ subjectKey: 'k', episodes: 1, version: 2 }, 1)).toBe(true);
    expect(await store.getHead('k')).toEqual({ subjectKey: 'k', episodes: 1, version: 2 });
    expect(await store.putSnapshot('a1', { kind: 'package', package: { takenAtSec: 1, modelPackageArn: 'first' } })).toBe('written');
    expect(await store.putSnapshot('a1', { kind: 'package', package: { takenAtSec: 2, modelPackageArn: 'second' } })).toBe('exists');
    expect(await store.getSnapshot('a1')).toMatchObject({ package: { modelPackageArn: 'first' } });
    const e = { actionId: 'a1', subject: { kind: 'endpoint' as const, region: 'eu-west-1', name: 'x' }, action: 'park' as const, resourceKeys: [], effectiveFromSec: 100, basis: null, demo: false };
    expect(await store.putLedgerEntry(e)).toBe('written');
    expect(await store.putLedgerEntry({ ...e, effectiveFromSec: 999 })).toBe('exists');
    await store.endLedgerEntry('a1', 200);
    await store.endLedgerEntry('a1', 300); // a repeated step: the first end holds
    expect(await store.listLedger()).toEqual([{ ...e, effectiveToSec: 200 }]);
  });

  it('stores evaluations per day and shows only the subjects of the latest run of that day', async () => {
    const s = (atSec: number, day: string): EvaluationSummary => ({ day, atSec, subjects: 1, coldNotActed: 1, acted: 0, excluded: 0, demo: false, proposed: [], executed: [], errors: [] });
    const D1 = Date.UTC(2026, 10, 1) / 1000;
    await store.putEvaluation(s(D1 + 1_000, '2026-11-01'), [{ subjectKey: 'a' }, { subjectKey: 'b' }]);
    await store.putEvaluation(s(D1 + 2_000, '2026-11-01'), [{ subjectKey: 'a' }]); // b went away in the second run
    expect((await store.evaluationResources('2026-11-01')) as { subjectKey: string }[]).toEqual([{ subjectKey: 'a' }]);
    await store.putEvaluation(s(D1 + 90_000, '2026-11-02'), [{ subjectKey: 'c' }]);
    expect((await store.latestEvaluation(D1 + 50_000))?.day).toBe('2026-11-01');
    expect((await store.latestEvaluation(D1 + 86_400 + 1_000))?.day).toBe('2026-11-01'); // the 2nd's ran later that day
    expect((await store.latestEvaluation(D1 + 200_000))?.day).toBe('2026-11-02');
  });

  it('keeps a package\'s last live time at its maximum and the first observation of a region', async () => {
    await store.markPackageLive('eu-west-1', 'arn:p', 500);
    await store.markPackageLive('eu-west-1', 'arn:p', 400);
    expect(await store.packageLastLive('eu-west-1', 'arn:p')).toBe(500);
    expect(await store.observedSince('eu-west-1', 10)).toBe(10);
    expect(await store.observedSince('eu-west-1', 20)).toBe(10);
  });

  it('reads raw minute samples as the collector writes them, gzipped or not', async () => {
    const fp = new DynamoFootprintStore(db.client, db.tableName);
    const small: HostSeries[] = [{ host: 'h', periodSec: 60, samples: [{ tSec: 3600, gpuUtilPct: 5, gpuPowerW: null, cpuUtilPct: 1 }] }];
    const big: HostSeries[] = [{ host: 'h', periodSec: 60, samples: Array.from({ length: 2000 }, (_, k) => ({ tSec: 7200 + k, gpuUtilPct: k % 100, gpuPowerW: null, cpuUtilPct: 1 })) }];
    await fp.putRawSamples('endpoint#eu-west-1#x/v', 3600, small);
    await fp.putRawSamples('endpoint#eu-west-1#x/v', 7200, big);
    const raw = await store.rawSamples('endpoint#eu-west-1#x/v', { startSec: 0, endSec: 10_800 });
    expect(raw.map((r) => [r.intervalStartSec, r.hosts[0].samples.length])).toEqual([[3600, 1], [7200, 2000]]);
  });
});
