/**
 * Raw audit samples and their interval: the samples are written first, under the interval's revision rule, and the
 * interval write is the commit point. A crash between the two (here: the interval write failing) leaves the hour to
 * be collected again, never an interval whose samples are lost; a re-collection that leaves the interval unchanged
 * leaves its samples unchanged too. Real store (dynalite) through the real SDK.
 */
import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { createTableInput } from '../../shared/adapters/aws/table-schema';
import { DynamoFootprintStore } from '../../shared/adapters/aws/dynamodb-footprint-store';
import { DemoMetricsSource } from '../../shared/adapters/local/demo-fleet';
import { DemoIntensityProvider } from '../../shared/adapters/intensity/demo-intensity-provider';
import { makeCollectFootprint } from '../../shared/use-cases/collect-footprint';
import { makeIntensityResolver } from '../../shared/use-cases/intensity-resolver';
import { lookupInstance } from '../../shared/domain/power/instance-catalog';
import { getRegionInfo } from '../../shared/domain/regions/region-catalog';
import { DEFAULT_ATTRIBUTION_KEYS } from '../../shared/domain/attribution';
import { resourceKey, type HostSeries, type ResourceRef } from '../../shared/domain/types';
import type { MetricsSource } from '../../shared/ports';

const T0 = 1_763_596_800; // 2025-11-20T00:00:00Z
const H = 3600;
const EC2: ResourceRef = { kind: 'ec2-instance', id: 'i-raw', region: 'us-west-2', instanceType: 'g6.xlarge', counts: [{ atSec: T0, instanceCount: 1 }], startSec: T0, status: 'running', tags: { 'carbonpilot:demo-power': 'measured' }, demo: true };
const KEY = resourceKey(EC2);

let db: EmbeddedDynamo;
let tables = 0;
beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'raw-0' });
});
afterAll(() => db.close());

async function freshStore(): Promise<{ store: DynamoFootprintStore; table: string }> {
  const table = `raw-${++tables}`;
  await db.client.send(new CreateTableCommand(createTableInput(table)));
  const store = new DynamoFootprintStore(db.client, table);
  await store.putResource(EC2);
  return { store, table };
}

const demoMetrics = (clock: { nowSec: () => number }): MetricsSource =>
  new DemoMetricsSource(clock, (t) => {
    const s = lookupInstance(t);
    return s && { count: s.acceleratorCount, idleW: s.accelerator.idleW, maxW: s.accelerator.maxW };
  });

const collector = (store: DynamoFootprintStore, nowSec: number, metrics: MetricsSource = demoMetrics({ nowSec: () => nowSec })) =>
  makeCollectFootprint({
    store, metrics, clock: { nowSec: () => nowSec },
    intensity: makeIntensityResolver([new DemoIntensityProvider()], 'average-lifecycle'),
    lookupInstance, regionInfo: (r) => getRegionInfo(r), attributionKeys: DEFAULT_ATTRIBUTION_KEYS,
    periodSec: 60, intervalSec: H, lagSec: 600, maxCatchUpSec: 6 * H, storeRawSamples: true,
  });

async function rawOf(table: string, startSec: number): Promise<{ revision?: number; hosts: HostSeries[] } | undefined> {
  const out = await db.client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: `RES#${KEY}` }, sk: { S: `RAW#${String(startSec).padStart(11, '0')}` } }, ConsistentRead: true }));
  if (!out.Item) return undefined;
  return { ...(out.Item.revision ? { revision: Number(out.Item.revision.N) } : {}), hosts: JSON.parse(out.Item.hosts.S!) as HostSeries[] };
}

describe('collect-footprint: raw samples before (and with the revision of) their interval', () => {
  it('a crash before the interval write loses no samples: the rerun writes the interval, every interval has its samples', async () => {
    // Prepare: the interval write of the third hour fails (the process dies there).
    const { store, table } = await freshStore();
    const crashing = Object.create(store) as DynamoFootprintStore;
    crashing.putInterval = async (i) => {
      if (i.intervalStartSec === T0 + 2 * H) throw new Error('killed');
      return store.putInterval(i);
    };
    const now = T0 + 4 * H + 900;

    // Act
    const first = await collector(crashing, now)([KEY]);
    const afterCrash = await rawOf(table, T0 + 2 * H);
    const rerun = await collector(store, now)([KEY]);

    // Assess
    expect(first.errors).toEqual([{ resourceKey: KEY, error: 'killed' }]);
    expect(afterCrash?.hosts[0].samples.length).toBe(60); // the samples were already kept
    expect((await store.queryResourceIntervals(KEY, { startSec: T0, endSec: T0 + 2 * H + 1 })).map((i) => i.intervalStartSec)).toEqual([T0, T0 + H, T0 + 2 * H]);
    expect(rerun.errors).toEqual([]);
    for (const i of await store.queryResourceIntervals(KEY, { startSec: T0, endSec: now })) {
      const raw = await rawOf(table, i.intervalStartSec);
      expect({ start: i.intervalStartSec, revision: raw?.revision }).toEqual({ start: i.intervalStartSec, revision: i.revision });
    }
  });

  it('a re-collection that leaves a provisional interval unchanged leaves its samples unchanged', async () => {
    // Prepare: CloudWatch-like PartialData for the last hour, first with 30 samples, then (same revision) with 45.
    const { store, table } = await freshStore();
    const slot = T0;
    const now = T0 + H + 700;
    const partialMetrics = (n: number): MetricsSource => ({
      fetch: async (_r, w) => ({
        telemetry: [
          {
            resourceKey: KEY,
            window: w,
            hosts: [{ host: 'i-raw', periodSec: 60, instancesRepresented: 1, samples: Array.from({ length: n }, (_, k) => ({ tSec: slot + 60 * k, gpuUtilPct: 50, gpuPowerW: 40, cpuUtilPct: 10 })) }],
            partial: true,
            issues: [],
          },
        ],
        skipped: [],
        metricsRequested: 2,
        apiCalls: 1,
      }),
    });

    // Act
    await collector(store, now, partialMetrics(30))([KEY]);
    const stored = (await store.queryResourceIntervals(KEY, { startSec: slot, endSec: slot + H }))[0];
    const again = await collector(store, now, partialMetrics(45))([KEY]);

    // Assess: the interval kept its first version, and so did its samples.
    expect(stored.provisional).toBe(true);
    expect(again.unchanged).toBe(1);
    expect((await rawOf(table, slot))?.hosts[0].samples.length).toBe(30);
  });
});
