/**
 * Exactly-once accounting as a property: whatever the order, timing or duplication of collector runs,
 * the stored totals equal those of one clean run. Real store (dynalite) through the real SDK.
 */
import fc from 'fast-check';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { ensureTable } from '../../shared/adapters/local/embedded-dynamodb';
import { createTableInput } from '../../shared/adapters/aws/table-schema';
import { DynamoFootprintStore } from '../../shared/adapters/aws/dynamodb-footprint-store';
import { DemoMetricsSource } from '../../shared/adapters/local/demo-fleet';
import { DemoIntensityProvider } from '../../shared/adapters/intensity/demo-intensity-provider';
import { makeCollectFootprint, sliceTelemetry } from '../../shared/use-cases/collect-footprint';
import { makeIntensityResolver } from '../../shared/use-cases/intensity-resolver';
import { lookupInstance } from '../../shared/domain/power/instance-catalog';
import { getRegionInfo } from '../../shared/domain/regions/region-catalog';
import { DEFAULT_ATTRIBUTION_KEYS } from '../../shared/domain/attribution';
import { aggregate } from '../../shared/domain/footprint/aggregate';
import { resourceKey, type ResourceRef } from '../../shared/domain/types';
import type { MetricsSource } from '../../shared/ports';

const T0 = 1_763_596_800; // 2025-11-20T00:00:00Z
const END = T0 + 10 * 3600;

const FLEET: ResourceRef[] = [
  { kind: 'training-job', id: 'pj-1', region: 'us-east-1', instanceType: 'ml.g5.12xlarge', counts: [{ atSec: T0 + 900, instanceCount: 2 }], startSec: T0 + 900, endSec: T0 + 6 * 3600 + 120, status: 'Completed', tags: { team: 'a' }, demo: true },
  { kind: 'endpoint', id: 'pe/AllTraffic', region: 'eu-north-1', instanceType: 'ml.g4dn.xlarge', counts: [{ atSec: T0 - 3600, instanceCount: 1 }, { atSec: T0 + 4 * 3600, instanceCount: 3 }], startSec: T0 - 3600, status: 'InService', tags: { team: 'b' }, demo: true },
  { kind: 'ec2-instance', id: 'i-p1', region: 'us-west-2', instanceType: 'g6.xlarge', counts: [{ atSec: T0, instanceCount: 1 }], startSec: T0, status: 'running', tags: { 'carbonpilot:demo-power': 'measured' }, demo: true },
  { kind: 'training-job', id: 'pj-unknown', region: 'eu-west-1', instanceType: 'ml.zz9.huge', counts: [{ atSec: T0, instanceCount: 1 }], startSec: T0, endSec: T0 + 3 * 3600, status: 'Completed', tags: {}, demo: true },
];

let db: EmbeddedDynamo;
let tables = 0;
beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'prop-0' });
});
afterAll(() => db.close());

async function freshStore(): Promise<DynamoFootprintStore> {
  const name = `prop-${++tables}`;
  await db.client.send(new CreateTableCommand(createTableInput(name)));
  await ensureTable(db.client, name); // dynalite activates a new table asynchronously: wait for ACTIVE
  const store = new DynamoFootprintStore(db.client, name);
  for (const r of FLEET) await store.putResource(r);
  return store;
}

async function runAt(store: DynamoFootprintStore, nowSec: number) {
  const clock = { nowSec: () => nowSec };
  const metrics: MetricsSource = new DemoMetricsSource(clock, (t) => {
    const s = lookupInstance(t);
    return s && { count: s.acceleratorCount, idleW: s.accelerator.idleW, maxW: s.accelerator.maxW };
  });
  const collect = makeCollectFootprint({
    store, metrics, clock,
    intensity: makeIntensityResolver([new DemoIntensityProvider()], 'average-lifecycle'),
    lookupInstance, regionInfo: (r) => getRegionInfo(r), attributionKeys: DEFAULT_ATTRIBUTION_KEYS,
    periodSec: 60, intervalSec: 3600, lagSec: 600, maxCatchUpSec: 4 * 3600, storeRawSamples: false,
  });
  return collect(FLEET.map(resourceKey));
}

async function totals(store: DynamoFootprintStore) {
  const all = await store.queryIntervals({ startSec: T0 - 7200, endSec: END + 7200 });
  const rep = aggregate(all, 'kind');
  return { n: all.length, energy: rep.totals.energyKwh, co2e: rep.totals.co2eKg, provisional: all.filter((i) => i.provisional).length };
}

describe('collector exactly-once', () => {
  let reference: Awaited<ReturnType<typeof totals>>;
  beforeAll(async () => {
    const store = await freshStore();
    // Catch-up is capped at 4 h per run: three runs at the end time bring a clean store fully up to date.
    for (let i = 0; i < 4; i++) await runAt(store, END);
    reference = await totals(store);
  });

  it('the reference run produced final intervals with energy', () => {
    expect(reference.n).toBeGreaterThan(15);
    expect(reference.energy).toBeGreaterThan(0);
    expect(reference.provisional).toBe(0);
  });

  it('any order, duplication and timing of runs gives the same totals as one clean run', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: T0, max: END }), { minLength: 1, maxLength: 6 }), async (times) => {
        const store = await freshStore();
        for (const t of times) await runAt(store, t);
        for (let i = 0; i < 4; i++) await runAt(store, END); // the schedule eventually runs at the end time
        const got = await totals(store);
        expect(got.n).toBe(reference.n);
        expect(got.provisional).toBe(0);
        expect(got.energy).toBeCloseTo(reference.energy, 9);
        expect(got.co2e).toBeCloseTo(reference.co2e, 9);
      }),
      { numRuns: 8, seed: 20251120 },
    );
  });

  it('once caught up, a duplicate run at the same time writes nothing', async () => {
    const store = await freshStore();
    for (let i = 0; i < 4; i++) await runAt(store, END);
    const again = await runAt(store, END);
    expect(again.written + again.replaced).toBe(0);
    expect(again.errors).toEqual([]);
  });

  it('one bad resource does not stop the batch', async () => {
    const store = await freshStore();
    const res = await (async () => {
      const clock = { nowSec: () => END };
      return makeCollectFootprint({
        store,
        metrics: new DemoMetricsSource(clock, () => ({ count: 1, idleW: 50, maxW: 300 })),
        clock,
        intensity: makeIntensityResolver([new DemoIntensityProvider()], 'average-lifecycle'),
        lookupInstance,
        // eu-west-1 is made unknown: that resource fails, the others are collected.
        regionInfo: (r) => (r === 'eu-west-1' ? undefined : getRegionInfo(r)),
        attributionKeys: DEFAULT_ATTRIBUTION_KEYS,
        periodSec: 60, intervalSec: 3600, lagSec: 600, maxCatchUpSec: 86400, storeRawSamples: true,
      })([...FLEET.map(resourceKey), 'training-job#us-east-1#does-not-exist']);
    })();
    expect(res.errors).toEqual([{ resourceKey: 'training-job#eu-west-1#pj-unknown', error: expect.stringMatching(/region eu-west-1/) }]);
    expect(res.skipped).toEqual([{ resourceKey: 'training-job#us-east-1#does-not-exist', reason: 'unknown resource' }]);
    expect(res.written).toBeGreaterThan(10);
  });

  it('if announcing the written days fails, no cursor moves and the retry announces them again', async () => {
    const store = await freshStore();
    const clock = { nowSec: () => END };
    const announced: string[][] = [];
    let fail = true;
    const collect = makeCollectFootprint({
      store, clock,
      metrics: new DemoMetricsSource(clock, () => ({ count: 1, idleW: 50, maxW: 300 })),
      intensity: makeIntensityResolver([new DemoIntensityProvider()], 'average-lifecycle'),
      publisher: {
        publish: async (entries) => {
          if (fail) throw new Error('PutEvents throttled');
          announced.push(...entries.map((e) => (e.detail as { days: string[] }).days));
        },
      },
      lookupInstance, regionInfo: (r) => getRegionInfo(r), attributionKeys: DEFAULT_ATTRIBUTION_KEYS,
      periodSec: 60, intervalSec: 3600, lagSec: 600, maxCatchUpSec: 86400, storeRawSamples: false,
    });
    const keys = FLEET.map(resourceKey);
    await expect(collect(keys)).rejects.toThrow(/throttled/);
    for (const k of keys) expect(await store.getCursor(k)).toBeUndefined();
    fail = false;
    const retry = await collect(keys);
    expect(retry.written + retry.replaced).toBe(0); // the intervals were already written
    expect(announced).toEqual([['2025-11-19', '2025-11-20']]); // the endpoint started at 23:00 the day before
    expect((await store.getCursor(keys[0]))?.collectedToSec).toBeGreaterThan(T0);
  });

  it('a raw-sample write that fails is reported, and accounting still moves on', async () => {
    const store = await freshStore();
    const failing = Object.create(store) as DynamoFootprintStore;
    failing.putRawSamples = async () => {
      throw new Error('item too large');
    };
    const clock = { nowSec: () => END };
    const res = await makeCollectFootprint({
      store: failing, clock,
      metrics: new DemoMetricsSource(clock, () => ({ count: 1, idleW: 50, maxW: 300 })),
      intensity: makeIntensityResolver([new DemoIntensityProvider()], 'average-lifecycle'),
      lookupInstance, regionInfo: (r) => getRegionInfo(r), attributionKeys: DEFAULT_ATTRIBUTION_KEYS,
      periodSec: 60, intervalSec: 3600, lagSec: 600, maxCatchUpSec: 86400, storeRawSamples: true,
    })(FLEET.map(resourceKey));
    expect(res.errors).toEqual([]);
    expect(res.skipped.some((s) => /raw samples .* not stored: item too large/.test(s.reason))).toBe(true);
    expect((await store.getCursor(resourceKey(FLEET[2])))?.collectedToSec).toBeGreaterThan(T0);
  });
});

describe('collector with the marginal signal', () => {
  it('reads marginal intensity under the WattTime region, and names the region that has none', async () => {
    const store = await freshStore();
    const clock = { nowSec: () => END };
    const asked: string[] = [];
    // A marginal source keyed the way WattTime publishes (balancing authority), 700 g/kWh every hour.
    const moer = {
      name: 'test-moer',
      getSeries: async (zone: string, signal: string, w: { startSec: number; endSec: number }) => {
        asked.push(`${zone}|${signal}`);
        if (signal !== 'marginal' || !['PJM_DC', 'BPA'].includes(zone)) return [];
        const pts = [];
        for (let t = w.startSec; t < w.endSec; t += 3600) pts.push({ tSec: t, periodSec: 3600, gPerKwh: 700, zone, signal: 'marginal' as const, provider: 'test-moer', quality: 'actual' as const });
        return pts;
      },
    };
    const res = await makeCollectFootprint({
      store, clock,
      metrics: new DemoMetricsSource(clock, () => ({ count: 1, idleW: 50, maxW: 300 })),
      intensity: makeIntensityResolver([moer], 'marginal'),
      lookupInstance, regionInfo: (r) => getRegionInfo(r), attributionKeys: DEFAULT_ATTRIBUTION_KEYS,
      periodSec: 60, intervalSec: 3600, lagSec: 600, maxCatchUpSec: 86400, storeRawSamples: false,
    })(FLEET.slice(0, 3).map(resourceKey));
    const stored = await store.queryIntervals({ startSec: T0 - 7200, endSec: END + 7200 });
    const pj = stored.filter((i) => i.resourceKey === resourceKey(FLEET[0]));
    expect(pj.length).toBeGreaterThan(3);
    expect(new Set(pj.map((i) => `${i.intensityZone}|${i.intensitySignal}|${i.intensityGPerKwh}`))).toEqual(new Set(['PJM_DC|marginal|700']));
    expect(stored.some((i) => i.intensityZone === 'BPA')).toBe(true);
    expect(asked.every((k) => !k.startsWith('US-MIDA-PJM'))).toBe(true);
    // eu-north-1 has no WattTime region: an explicit error for that resource, never an average value.
    expect(res.errors).toEqual([{ resourceKey: resourceKey(FLEET[1]), error: expect.stringMatching(/eu-north-1 has no WattTime region/) }]);
    expect(stored.some((i) => i.region === 'eu-north-1')).toBe(false);
  });
});

describe('sliceTelemetry', () => {
  const t = { resourceKey: 'k', window: { startSec: T0, endSec: T0 + 4 * 3600 }, hosts: [], partial: true, issues: [] };
  it('keeps only the hours reaching into the unsettled tail provisional', () => {
    const withTail = { ...t, provisionalFromSec: T0 + 2 * 3600 + 120 };
    const hour = (h: number) => ({ startSec: T0 + h * 3600, endSec: T0 + (h + 1) * 3600 });
    expect([0, 1, 2, 3].map((h) => sliceTelemetry(withTail, hour(h)).partial)).toEqual([false, false, true, true]);
  });
  it('without a settled prefix the whole window stays provisional', () => {
    expect(sliceTelemetry(t, { startSec: T0, endSec: T0 + 3600 }).partial).toBe(true);
    expect(sliceTelemetry({ ...t, partial: false }, { startSec: T0, endSec: T0 + 3600 }).partial).toBe(false);
  });
});

describe('an active resource with no telemetry at all', () => {
  /** A metrics source that answers, but with no datapoint for anything (a missing agent, a misconfigured region). */
  const silent: MetricsSource = {
    fetch: async (resources, window, periodSec) => ({
      telemetry: resources.map((r) => ({ resourceKey: resourceKey(r), window, hosts: [{ host: r.id, periodSec, samples: [] }], partial: false, issues: [] })),
      skipped: [],
      metricsRequested: 0,
      apiCalls: 1,
    }),
  };
  const GRACE = 6 * 3600;
  const collectAt = (store: DynamoFootprintStore, nowSec: number) =>
    makeCollectFootprint({
      store, metrics: silent, clock: { nowSec: () => nowSec },
      intensity: makeIntensityResolver([new DemoIntensityProvider()], 'average-lifecycle'),
      lookupInstance, regionInfo: (r) => getRegionInfo(r), attributionKeys: DEFAULT_ATTRIBUTION_KEYS,
      periodSec: 60, intervalSec: 3600, lagSec: 600, maxCatchUpSec: 86400, storeRawSamples: false, noTelemetryGraceSec: GRACE,
    })([resourceKey(FLEET[2])]);

  it('stays provisional and reported during the grace period, then becomes a final no-telemetry hour', async () => {
    // Prepare: the EC2 instance runs from T0; it is one hour after its first hour ended.
    const store = await freshStore();
    const key = resourceKey(FLEET[2]);
    // Act: within the grace period
    const early = await collectAt(store, T0 + 3600 + 900);
    const [first] = await store.queryResourceIntervals(key, { startSec: T0, endSec: T0 + 3600 });
    // Assess: written, but provisional; cursor held; reported
    expect(first).toMatchObject({ method: 'no-telemetry', coveragePct: 0, provisional: true });
    expect(early.noTelemetry).toEqual([{ resourceKey: key, intervalStartSec: T0, final: false }]);
    expect((await store.getCursor(key))?.collectedToSec ?? T0).toBe(T0);
    // Act: after the grace period
    const late = await collectAt(store, T0 + 3600 + GRACE);
    const [again] = await store.queryResourceIntervals(key, { startSec: T0, endSec: T0 + 3600 });
    // Assess: replaced by the final hour (a higher revision, never added), still reported, cursor moved on
    expect(again).toMatchObject({ method: 'no-telemetry', coveragePct: 0, provisional: false });
    expect(again.revision).toBeGreaterThan(first.revision);
    expect(late.noTelemetry.filter((n) => n.intervalStartSec === T0)).toEqual([{ resourceKey: key, intervalStartSec: T0, final: true }]);
    expect((await store.getCursor(key))!.collectedToSec).toBeGreaterThan(T0);
  });
});
