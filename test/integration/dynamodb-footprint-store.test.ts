/** The footprint store against a real DynamoDB API (dynalite, in memory) through the real AWS SDK. */
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { DynamoFootprintStore, PIECE_ENCODING } from '../../shared/adapters/aws/dynamodb-footprint-store';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/adapters/aws/dynamodb-helpers';
import { mulberry32 } from '../../shared/domain/random';
import type { PieceChunk } from '../../shared/domain/footprint/rollup-facts';
import { computeInterval } from '../../shared/domain/footprint/compute-interval';
import type { FootprintInterval } from '../../shared/domain/types';
import { TEST_SPEC, T0, job, minuteSamples, telemetryOf } from '../helpers/fixtures';

let db: EmbeddedDynamo;
let store: DynamoFootprintStore;
beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'store-test' });
  store = new DynamoFootprintStore(db.client, db.tableName);
});
afterAll(() => db.close());

const interval = (startSec: number, over: { partial?: boolean; util?: number; id?: string } = {}): FootprintInterval => {
  const r = job({ id: over.id ?? 'job-store', startSec: T0 - 86400, counts: [{ atSec: T0 - 86400, instanceCount: 1 }] });
  return computeInterval({
    resource: r,
    spec: TEST_SPEC,
    attribution: { team: 'nlp', project: 'p', model: 'm' },
    interval: { startSec, endSec: startSec + 3600 },
    telemetry: telemetryOf(r, [{ host: 'h', samples: minuteSamples(startSec, 60, () => ({ gpuUtilPct: over.util ?? 70, cpuUtilPct: 30 })) }], over.partial ?? false),
    pue: 1.1,
    pueSource: 'test',
    intensity: { gPerKwh: 300, signal: 'average-lifecycle', zone: 'Z', provider: 'test', quality: 'actual' },
  });
};

describe('DynamoFootprintStore', () => {
  it('writes an interval once; a repeat with the same revision is a no-op, never an addition', async () => {
    const i = interval(T0);
    expect(await store.putInterval(i)).toBe('written');
    expect(await store.putInterval(i)).toBe('unchanged');
    const got = await store.queryResourceIntervals(i.resourceKey, { startSec: T0, endSec: T0 + 3600 });
    expect(got).toHaveLength(1);
    expect(got[0].energyKwh.point).toBeCloseTo(i.energyKwh.point, 12);
  });

  it('replaces a provisional interval with a higher revision and refuses to go back', async () => {
    const prov = interval(T0 + 3600, { partial: true, util: 20 });
    const fin = interval(T0 + 3600, { partial: false, util: 90 });
    expect(await store.putInterval(prov)).toBe('written');
    expect(await store.putInterval(fin)).toBe('replaced');
    expect(await store.putInterval(prov)).toBe('unchanged');
    const [got] = await store.queryResourceIntervals(fin.resourceKey, { startSec: T0 + 3600, endSec: T0 + 7200 });
    expect(got.provisional).toBe(false);
    expect(got.energyKwh.point).toBeCloseTo(fin.energyKwh.point, 12);
  });

  it('advances a cursor only by compare-and-set, never backwards', async () => {
    const key = 'training-job#us-east-1#cursor-test';
    expect(await store.getCursor(key)).toBeUndefined();
    expect(await store.advanceCursor(key, 0, T0 + 3600)).toBe(true);
    expect(await store.advanceCursor(key, 0, T0 + 7200)).toBe(false); // stale version: another run won
    const c = await store.getCursor(key);
    expect(c).toEqual({ resourceKey: key, collectedToSec: T0 + 3600, version: 1 });
    expect(await store.advanceCursor(key, 1, T0)).toBe(false); // backwards
    expect(await store.advanceCursor(key, 1, T0 + 7200)).toBe(true);
    expect((await store.getCursor(key))?.version).toBe(2);
  });

  it('queries intervals across UTC days through the day index, with pagination', async () => {
    // 60 intervals across 3 days for several resources; items are large enough that dynalite pages the GSI query.
    const writes = [];
    for (let h = 0; h < 60; h++) writes.push(store.putInterval(interval(T0 + 86400 * 10 + h * 3600, { id: `job-q${h % 4}` })));
    await Promise.all(writes);
    const all = await store.queryIntervals({ startSec: T0 + 86400 * 10, endSec: T0 + 86400 * 10 + 60 * 3600 });
    expect(all).toHaveLength(60);
    const part = await store.queryIntervals({ startSec: T0 + 86400 * 10 + 5 * 3600, endSec: T0 + 86400 * 10 + 30 * 3600 });
    expect(part).toHaveLength(25);
  });

  it('keeps resources active until marked complete', async () => {
    const r = job({ id: 'job-life' });
    await store.putResource(r);
    expect((await store.listResources()).map((x) => x.id)).toContain('job-life');
    await store.markCollectionComplete('training-job#us-east-1#job-life');
    expect((await store.listResources()).map((x) => x.id)).not.toContain('job-life');
    expect((await store.listAllResources()).map((x) => x.id)).toContain('job-life');
    expect(await store.getResource('training-job#us-east-1#job-life')).toEqual(r);
  });

  it('lists resources by key prefix across the active and done lists', async () => {
    const v = (id: string) => job({ kind: 'endpoint', id, endSec: T0 + 3600 });
    for (const id of ['pfx/blue', 'pfx/green', 'pfx-2/AllTraffic']) await store.putResource(v(id));
    await store.markCollectionComplete('endpoint#us-east-1#pfx/green', T0 + 3600);
    const got = await store.listResourcesByKeyPrefix('endpoint#us-east-1#pfx/');
    expect(got.map((r) => r.id).sort()).toEqual(['pfx/blue', 'pfx/green']);
  });

  it('marks collection complete only while the record still ends where the collector planned', async () => {
    const key = 'training-job#us-east-1#job-end';
    await store.putResource(job({ id: 'job-end', endSec: T0 + 7200 }));
    expect(await store.markCollectionComplete(key, T0 + 3600)).toBe(false); // the end moved
    expect((await store.listResources()).map((x) => x.id)).toContain('job-end');
    expect(await store.markCollectionComplete(key, T0 + 7200)).toBe(true);
    expect((await store.listResources()).map((x) => x.id)).not.toContain('job-end');
  });

  it('stores raw samples with a TTL and replaces roll-ups by key', async () => {
    await store.putRawSamples('training-job#us-east-1#raw', T0, [{ host: 'h', periodSec: 60, samples: [] }]);
    await store.putRollups([{ day: '2025-11-20', dimension: 'team', key: 'nlp', energyKwh: 1, co2eKg: 2, measuredKwh: 0, coverageWeightedSec: 3600, intervalSec: 3600, intervals: 1, demo: false }]);
    await store.putRollups([{ day: '2025-11-20', dimension: 'team', key: 'nlp', energyKwh: 5, co2eKg: 6, measuredKwh: 0, coverageWeightedSec: 3600, intervalSec: 3600, intervals: 1, demo: false }]);
    const rows = await store.getRollups('2025-11-20');
    expect(rows).toHaveLength(1);
    expect(rows[0].energyKwh).toBe(5);
  });
});

describe('roll-up pieces (compressed, split into items under the 400 KB limit)', () => {
  const u = mulberry32(7);
  // Random doubles barely compress: 3 chunks of 25,000 are ≈ 600 KB deflated, so the piece needs two items.
  const chunk = (n: number, tag: string): PieceChunk => ({
    keys: JSON.stringify(Array.from({ length: n / 100 }, (_, i) => [`${tag}-${i}`, ''])),
    lens: Uint8Array.from({ length: n }, (_, i) => i % 3),
    nums: Float64Array.from({ length: n }, () => u() * 1e6),
  });
  const same = (a: PieceChunk[] | undefined, b: PieceChunk[]) => {
    expect(a).toHaveLength(b.length);
    a!.forEach((c, i) => {
      expect(c.keys).toBe(b[i].keys);
      expect(Array.from(c.lens)).toEqual(Array.from(b[i].lens));
      expect(Array.from(c.nums)).toEqual(Array.from(b[i].nums));
    });
  };
  const items = async (id: string) =>
    (await documentClient(db.client).send(new QueryCommand({ TableName: db.tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `RPIECE#${id}` } }))).Items ?? [];

  it('reads back exactly what was written, across several items', async () => {
    const chunks = [chunk(25_000, 'a'), chunk(25_000, 'b'), chunk(25_000, 'c')];
    await store.putRollupPiece('test-big', 'h1', chunks);
    const stored = await items('test-big');
    expect(stored.length).toBeGreaterThan(1);
    for (const it of stored) {
      expect(it.enc).toBe(PIECE_ENCODING);
      expect((it.b as Uint8Array).byteLength).toBeLessThanOrEqual(350_000);
    }
    same(await store.getRollupPiece('test-big', 'h1'), chunks);
    expect(await store.getRollupPiece('test-big', 'other-hash')).toBeUndefined();
  });

  it('stores a typical piece in fewer bytes than its plain chunks', async () => {
    // Counts and repeated keys, as roll-up entries have them.
    const c: PieceChunk = { keys: JSON.stringify(Array.from({ length: 2000 }, (_, i) => [`endpoint#us-east-1#ep-${i}/AllTraffic`, 'ml.g5.xlarge'])), lens: new Uint8Array(60_000).fill(1), nums: Float64Array.from({ length: 60_000 }, (_, i) => (i % 4 === 0 ? u() : i % 24)) };
    await store.putRollupPiece('test-typical', 'h', [c]);
    const bytes = (await items('test-typical')).reduce((n, it) => n + (it.b as Uint8Array).byteLength, 0);
    expect(bytes).toBeLessThan((c.keys.length + c.lens.length + c.nums.byteLength) / 2);
    same(await store.getRollupPiece('test-typical', 'h'), [c]);
  });

  it('still reads pieces in the plain format written before compression, and a rewrite over them', async () => {
    const chunks = [chunk(1000, 'x'), chunk(1000, 'y'), chunk(1000, 'z')];
    const doc = documentClient(db.client);
    await Promise.all(chunks.map((c, n) => doc.send(new PutCommand({
      TableName: db.tableName,
      Item: { pk: 'RPIECE#test-legacy', sk: `S00${n}`, type: 'rollup-piece', hash: 'h0', chunks: 3, k: c.keys, l: c.lens, v: new Uint8Array(c.nums.buffer) },
    }))));
    same(await store.getRollupPiece('test-legacy', 'h0'), chunks);
    // The same hash written again in the new format: one item over S000, the plain S001/S002 left behind are ignored.
    await store.putRollupPiece('test-legacy', 'h0', chunks);
    expect((await items('test-legacy')).length).toBe(3);
    same(await store.getRollupPiece('test-legacy', 'h0'), chunks);
  });
});
