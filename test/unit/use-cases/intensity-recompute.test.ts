/** Late actuals recompute footprint intervals: replace, never add; a worse intensity never replaces. Real stores on dynalite. */
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../shared/adapters/local/embedded-dynamodb';
import { DynamoFootprintStore } from '../../../shared/adapters/aws/dynamodb-footprint-store';
import { DynamoIntensityStore } from '../../../shared/adapters/aws/dynamodb-intensity-store';
import { StoredIntensityProvider } from '../../../shared/adapters/intensity/stored-intensity-provider';
import { computeInterval } from '../../../shared/domain/footprint/compute-interval';
import type { IntensityQuality } from '../../../shared/domain/types';
import { makeRecomputeCarbon, makeRecomputeSweep } from '../../../shared/use-cases/recompute-carbon';
import { makeHandler } from '../../../lambdas/footprint-recompute/handler';
import { TEST_SPEC, T0, job, minuteSamples, telemetryOf } from '../../helpers/fixtures';

const H = 3600;
let db: EmbeddedDynamo;
let footprints: DynamoFootprintStore;
let intensity: DynamoIntensityStore;
beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'recompute-test' });
  footprints = new DynamoFootprintStore(db.client, db.tableName);
  intensity = new DynamoIntensityStore(db.client, db.tableName);
});
afterAll(() => db.close());

const interval = (id: string, startSec: number, quality: IntensityQuality, gPerKwh: number, zone = 'DE', signal: 'average-lifecycle' | 'marginal' = 'average-lifecycle') => {
  const r = job({ id, startSec: T0 - 86400, counts: [{ atSec: T0 - 86400, instanceCount: 1 }] });
  return computeInterval({
    resource: r,
    spec: TEST_SPEC,
    attribution: { team: 'nlp', project: 'p', model: 'm' },
    interval: { startSec, endSec: startSec + H },
    telemetry: telemetryOf(r, [{ host: 'h', samples: minuteSamples(startSec, 60, () => ({ gpuUtilPct: 80, cpuUtilPct: 40 })) }]),
    pue: 1.1,
    pueSource: 'test',
    intensity: { gPerKwh, signal, zone, provider: 'forecaster', quality, issuedAtSec: startSec - H },
  });
};
const actual = (zone: string, tSec: number, gPerKwh: number) => ({ tSec, periodSec: H, gPerKwh, zone, signal: 'average-lifecycle' as const, provider: 'Electricity Maps', quality: 'actual' as const });

describe('makeRecomputeCarbon', () => {
  it('forecast → actual replaces the interval carbon (energy unchanged), skips other zones, signals and actual intervals, and announces the day', async () => {
    // Prepare: intervals at hours 0 and 1 on forecast intensity; one already on actuals; one in another zone; one marginal
    const fc0 = interval('a', T0, 'own-forecast', 500);
    const fc1 = interval('a', T0 + H, 'provider-forecast', 480);
    const done = interval('b', T0, 'actual', 333);
    const otherZone = interval('c', T0, 'own-forecast', 500, 'FR');
    const marginal = interval('d', T0, 'own-forecast', 700, 'DE', 'marginal');
    for (const i of [fc0, fc1, done, otherZone, marginal]) await footprints.putInterval(i);
    await intensity.putPoints([actual('DE', T0, 200), actual('DE', T0 + H, 220)]);
    const events: unknown[] = [];
    const recompute = makeRecomputeCarbon({ store: footprints, providers: [new StoredIntensityProvider(intensity)], publisher: { publish: async (e) => void events.push(...e) } });
    // Act
    const res = await recompute({ zone: 'DE', signal: 'average-lifecycle', fromSec: T0, toSec: T0 + 2 * H });
    // Assess
    expect(res).toMatchObject({ examined: 5, candidates: 2, replaced: 2, unchanged: 0, errors: [] });
    const [a0, a1] = await footprints.queryResourceIntervals(fc0.resourceKey, { startSec: T0, endSec: T0 + 2 * H });
    expect(a0.energyKwh).toEqual(fc0.energyKwh);
    expect(a0.co2eKg.point).toBeCloseTo(fc0.energyKwh.point * 0.2, 12);
    expect(a1.co2eKg.point).toBeCloseTo(fc1.energyKwh.point * 0.22, 12);
    expect([a0.intensityQuality, a1.intensityQuality]).toEqual(['actual', 'actual']);
    const [b] = await footprints.queryResourceIntervals(done.resourceKey, { startSec: T0, endSec: T0 + H });
    expect(b.co2eKg).toEqual(done.co2eKg);
    const [c] = await footprints.queryResourceIntervals(otherZone.resourceKey, { startSec: T0, endSec: T0 + H });
    expect(c.intensityQuality).toBe('own-forecast');
    expect(events).toEqual([{ source: 'carbonpilot', detailType: 'Footprint Intervals Written', detail: { days: ['2025-11-20'] } }]);
    // Replayed event (at-least-once delivery): nothing changes, nothing is added
    const again = await recompute({ zone: 'DE', signal: 'average-lifecycle', fromSec: T0, toSec: T0 + 2 * H });
    expect(again).toMatchObject({ candidates: 0, replaced: 0 });
  });

  it('a lower-quality intensity never replaces: only forecasts available → the provider-forecast interval stays', async () => {
    const iv = interval('e', T0 + 5 * H, 'provider-forecast', 480, 'PL');
    await footprints.putInterval(iv);
    await intensity.putPoints([{ ...actual('PL', T0 + 5 * H, 900), quality: 'own-forecast', issuedAtSec: T0, provider: 'own' }]);
    const res = await makeRecomputeCarbon({ store: footprints, providers: [new StoredIntensityProvider(intensity)] })({ zone: 'PL', signal: 'average-lifecycle', fromSec: T0 + 5 * H, toSec: T0 + 6 * H });
    expect(res).toMatchObject({ candidates: 1, replaced: 0, notImproved: 1 });
    const [got] = await footprints.queryResourceIntervals(iv.resourceKey, { startSec: T0 + 5 * H, endSec: T0 + 6 * H });
    expect(got).toEqual(iv);
  });
});

describe('makeRecomputeSweep (scheduled backstop)', () => {
  it('finds zones with intervals still below actual in the trailing 72 h and recomputes them', async () => {
    const now = T0 + 40 * H;
    const late = interval('race', T0 + 30 * H, 'own-forecast', 500, 'NL'); // written after its actuals were announced
    const old = interval('race', T0 - 40 * H, 'own-forecast', 500, 'NL'); // outside the window: left alone
    await footprints.putInterval(late);
    await footprints.putInterval(old);
    await intensity.putPoints([actual('NL', T0 + 30 * H, 250), actual('NL', T0 - 40 * H, 250)]);
    const res = await makeRecomputeSweep({ store: footprints, providers: [new StoredIntensityProvider(intensity)] })('average-lifecycle', now);
    expect(res.zones).toContain('NL');
    expect(res.replaced).toBeGreaterThanOrEqual(1);
    const [got] = await footprints.queryResourceIntervals(late.resourceKey, { startSec: T0 + 30 * H, endSec: T0 + 31 * H });
    expect(got.intensityQuality).toBe('actual');
    expect(got.co2eKg.point).toBeCloseTo(late.energyKwh.point * 0.25, 12);
    const [kept] = await footprints.queryResourceIntervals(old.resourceKey, { startSec: T0 - 40 * H, endSec: T0 - 39 * H });
    expect(kept.intensityQuality).toBe('own-forecast');
  });
});

describe('footprint-recompute handler', () => {
  it('rejects a malformed event naming the field', async () => {
    const h = makeHandler(async () => ({}) as never);
    await expect(h({ 'detail-type': 'Intensity Actuals Updated', source: 'carbonpilot', time: 't', detail: { zone: 'DE', signal: 'average-lifecycle', fromSec: 10, toSec: 5 } }, {} as never)).rejects.toThrow(/detail: toSec: fromSec must be before toSec/);
    await expect(h({ 'detail-type': 'x', source: 'carbonpilot', time: 't', detail: { zone: 'DE', signal: 'lunar', fromSec: 0, toSec: 5 } }, {} as never)).rejects.toThrow(/signal/);
  });
});
