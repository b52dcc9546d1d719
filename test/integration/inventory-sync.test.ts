/**
 * Inventory lifecycle on the real store (dynalite through the real SDK): compare-and-set writes, endpoint events on
 * every variant, ending what a complete sweep no longer lists, and reopening a restarted instance so the collector
 * picks it up again from its cursor.
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { createTableInput } from '../../shared/adapters/aws/table-schema';
import { DynamoFootprintStore } from '../../shared/adapters/aws/dynamodb-footprint-store';
import { DemoMetricsSource } from '../../shared/adapters/local/demo-fleet';
import { DemoIntensityProvider } from '../../shared/adapters/intensity/demo-intensity-provider';
import { makeInventorySweep, makeStateChangeHandler, type InventoryDeps } from '../../shared/use-cases/inventory-sync';
import { makeCollectFootprint } from '../../shared/use-cases/collect-footprint';
import { makeIntensityResolver } from '../../shared/use-cases/intensity-resolver';
import { lookupInstance } from '../../shared/domain/power/instance-catalog';
import { getRegionInfo } from '../../shared/domain/regions/region-catalog';
import { DEFAULT_ATTRIBUTION_KEYS } from '../../shared/domain/attribution';
import { resourceKey, type ResourceRef } from '../../shared/domain/types';
import type { RegionListing, WorkloadInventory } from '../../shared/ports';
import { T0, job } from '../helpers/fixtures';

const H = 3600;
let db: EmbeddedDynamo;
let store: DynamoFootprintStore;
let tables = 0;
beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'inventory-test' });
  store = new DynamoFootprintStore(db.client, db.tableName);
});
afterAll(() => db.close());

/** A fresh table per test that needs an empty registry. */
async function freshStore(): Promise<DynamoFootprintStore> {
  const name = `inv-${++tables}`;
  await db.client.send(new CreateTableCommand(createTableInput(name)));
  return new DynamoFootprintStore(db.client, name);
}

const ec2 = (over: Partial<ResourceRef> = {}) => job({ kind: 'ec2-instance', id: 'i-race', status: 'running', ...over });
const variant = (id: string, over: Partial<ResourceRef> = {}) =>
  job({ kind: 'endpoint', id, status: 'InService', instanceType: 'ml.g5.xlarge', counts: [{ atSec: T0, instanceCount: 2 }], ...over });

/** A scripted inventory: per region, what its listing shows (or that it fails); records every region swept. */
const scripted = (byRegion: Record<string, ResourceRef[] | 'fails'>) => {
  const swept: string[] = [];
  const inventory: WorkloadInventory = {
    listActive: async () => {
      throw new Error('the sweep must use listRegions');
    },
    listRegions: async (w, regions): Promise<RegionListing[]> =>
      regions.map((region) => {
        swept.push(region);
        const shown = byRegion[region] ?? [];
        if (shown === 'fails') return { region, listedAtSec: w.endSec, resources: [], completeKinds: [], presentKeys: [], error: 'ThrottlingException: Rate exceeded' };
        return { region, listedAtSec: w.endSec, resources: shown, completeKinds: ['endpoint', 'ec2-instance'], presentKeys: shown.map(resourceKey) };
      }),
  };
  return { inventory, swept };
};

const deps = (s: DynamoFootprintStore, inventory: WorkloadInventory, nowSec: number): InventoryDeps => ({
  store: s, inventory, clock: { nowSec: () => nowSec }, regions: ['us-east-1', 'eu-west-1'], lookbackSec: 86_400,
});

describe('inventory sync', () => {
  it('putResource with a version is a compare-and-set', async () => {
    const r = job({ id: 'cas' });
    expect(await store.putResource(r, 0)).toBe(true);
    expect(await store.putResource(r, 0)).toBe(false); // already exists
    const v = await store.getResourceVersioned('training-job#us-east-1#cas');
    expect(v?.version).toBe(1);
    expect(await store.putResource({ ...r, status: 'Completed' }, 1)).toBe(true);
    expect(await store.putResource({ ...r, status: 'Failed' }, 1)).toBe(false); // stale version
    expect((await store.getResource('training-job#us-east-1#cas'))?.status).toBe('Completed');
  });

  it('a sweep and a state-change event racing on one resource both land', async () => {
    await store.putResource(ec2({ counts: [{ atSec: T0, instanceCount: 1 }] }), 0);
    const clock = { nowSec: () => T0 + 7200 };
    // The sweep sees an earlier stop/start the event stream missed; the event reports a later stop.
    const sweep = makeInventorySweep({
      store, clock, regions: ['us-east-1'], lookbackSec: 86400,
      inventory: { listActive: async () => [ec2({ counts: [{ atSec: T0, instanceCount: 1 }, { atSec: T0 + 600, instanceCount: 0 }, { atSec: T0 + 1200, instanceCount: 1 }] })] },
    });
    const onEvent = makeStateChangeHandler({ store, clock, regions: ['us-east-1'], lookbackSec: 86400, inventory: { listActive: async () => [] } });
    await Promise.all([sweep(), onEvent({ kind: 'ec2-instance', region: 'us-east-1', id: 'i-race', state: 'stopped', atSec: T0 + 3600 })]);
    const got = await store.getResource('ec2-instance#us-east-1#i-race');
    expect(got?.counts).toEqual([
      { atSec: T0, instanceCount: 1 },
      { atSec: T0 + 600, instanceCount: 0 },
      { atSec: T0 + 1200, instanceCount: 1 },
      { atSec: T0 + 3600, instanceCount: 0 },
    ]);
  });
});

describe('endpoint state-change events', () => {
  it('a Deleting event ends every open variant of the endpoint at the event time, without a sweep', async () => {
    // Prepare: two variants of "chat" and one of "chat-2" (a name that shares the prefix but is another endpoint).
    const s = await freshStore();
    for (const r of [variant('chat/blue'), variant('chat/green'), variant('chat-2/AllTraffic')]) await s.putResource(r, 0);
    const { inventory, swept } = scripted({});
    // Act
    const res = await makeStateChangeHandler(deps(s, inventory, T0 + 2 * H))({ kind: 'endpoint', region: 'us-east-1', id: 'chat', state: 'Deleting', atSec: T0 + H });
    // Assess
    expect(res).toMatchObject({ seen: 2, changed: 2, errors: [] });
    expect(swept).toEqual([]);
    for (const id of ['chat/blue', 'chat/green']) expect(await s.getResource(`endpoint#us-east-1#${id}`)).toMatchObject({ endSec: T0 + H, status: 'Deleting' });
    expect((await s.getResource('endpoint#us-east-1#chat-2/AllTraffic'))?.endSec).toBeUndefined();
  });

  it('an event for an endpoint with no stored variant sweeps its region only', async () => {
    const s = await freshStore();
    const { inventory, swept } = scripted({ 'eu-west-1': [variant('new-ep/AllTraffic', { region: 'eu-west-1' })] });
    const res = await makeStateChangeHandler(deps(s, inventory, T0 + H))({ kind: 'endpoint', region: 'eu-west-1', id: 'new-ep', state: 'InService', atSec: T0 + 600 });
    expect(swept).toEqual(['eu-west-1']);
    expect(res.changed).toBe(1);
    expect(await s.getResource('endpoint#eu-west-1#new-ep/AllTraffic')).toBeDefined();
  });

  it('a live event for an endpoint whose variants all ended (re-created under its name) sweeps, and the sweep reopens it', async () => {
    // Prepare: deleted at T0+1h, done collecting; re-created at T0+5h with 3 instances.
    const s = await freshStore();
    await s.putResource(variant('chat/AllTraffic', { status: 'Deleting', endSec: T0 + H }), 0);
    await s.markCollectionComplete('endpoint#us-east-1#chat/AllTraffic', T0 + H);
    const recreated = variant('chat/AllTraffic', { startSec: T0 + 5 * H, counts: [{ atSec: T0 + 5 * H, instanceCount: 3 }] });
    const { inventory, swept } = scripted({ 'us-east-1': [recreated] });
    // Act
    await makeStateChangeHandler(deps(s, inventory, T0 + 5 * H + 900))({ kind: 'endpoint', region: 'us-east-1', id: 'chat', state: 'InService', atSec: T0 + 5 * H + 600 });
    // Assess
    expect(swept).toEqual(['us-east-1']);
    const got = await s.getResource('endpoint#us-east-1#chat/AllTraffic');
    expect(got?.endSec).toBeUndefined();
    expect(got?.counts).toEqual([{ atSec: T0, instanceCount: 2 }, { atSec: T0 + H, instanceCount: 0 }, { atSec: T0 + 5 * H, instanceCount: 3 }]);
    expect((await s.listResources()).map((r) => r.id)).toContain('chat/AllTraffic'); // back in the active list
  });

  it('a non-live event for an endpoint whose variants all ended changes nothing and sweeps nothing', async () => {
    const s = await freshStore();
    await s.putResource(variant('chat/AllTraffic', { status: 'Deleting', endSec: T0 + H }), 0);
    const { inventory, swept } = scripted({});
    const res = await makeStateChangeHandler(deps(s, inventory, T0 + 2 * H))({ kind: 'endpoint', region: 'us-east-1', id: 'chat', state: 'Deleting', atSec: T0 + H + 5 });
    expect(swept).toEqual([]);
    expect(res.changed).toBe(0);
  });
});

describe('a sweep ends what a complete listing no longer shows', () => {
  it('ends an absent endpoint variant and EC2 instance at the sweep time (status Missing), and nothing else', async () => {
    // Prepare
    const s = await freshStore();
    const now = T0 + 10 * H;
    const stored = [
      variant('gone/AllTraffic'), // deleted, its event lost
      variant('kept/AllTraffic'), // still listed
      ec2({ id: 'i-gone' }), // terminated more than an hour ago, event lost
      job({ id: 'train-1' }), // training jobs are listed by window: never ended by absence
      variant('young/AllTraffic', { startSec: now - 60, counts: [{ atSec: now - 60, instanceCount: 1 }] }), // newer than the listing's grace
      variant('far/AllTraffic', { region: 'eu-west-1' }), // its region's listing failed
      variant('demo/AllTraffic', { demo: true }), // demo data is never judged by a real listing
    ];
    for (const r of stored) await s.putResource(r, 0);
    const { inventory } = scripted({ 'us-east-1': [variant('kept/AllTraffic')], 'eu-west-1': 'fails' });
    // Act
    const res = await makeInventorySweep(deps(s, inventory, now))();
    // Assess
    expect(res.ended).toBe(2);
    expect(res.errors.join()).toMatch(/listing failed, nothing ended in eu-west-1/);
    const by = new Map((await s.listAllResources()).map((r) => [r.id, r]));
    expect(by.get('gone/AllTraffic')).toMatchObject({ endSec: now, status: 'Missing' });
    expect(by.get('i-gone')).toMatchObject({ endSec: now, status: 'Missing' });
    for (const id of ['kept/AllTraffic', 'train-1', 'young/AllTraffic', 'far/AllTraffic', 'demo/AllTraffic']) expect(by.get(id)?.endSec).toBeUndefined();
    // A second identical sweep is a no-op.
    expect((await makeInventorySweep(deps(s, inventory, now))()).ended).toBe(0);
  });

  it('an inventory without per-region listings never ends anything', async () => {
    const s = await freshStore();
    await s.putResource(variant('gone/AllTraffic'), 0);
    const res = await makeInventorySweep(deps(s, { listActive: async () => [] }, T0 + 10 * H))();
    expect(res.ended).toBe(0);
    expect((await s.getResource('endpoint#us-east-1#gone/AllTraffic'))?.endSec).toBeUndefined();
  });
});

describe('a stopped EC2 instance that restarts is collected again', () => {
  const periodsWithEnergy = (ivs: { intervalStartSec: number; energyKwh: { point: number } }[]) =>
    ivs.sort((a, b) => a.intervalStartSec - b.intervalStartSec).map((i) => [(i.intervalStartSec - T0) / H, i.energyKwh.point > 0]);

  it('reopens from the done list, resumes at its cursor, and gives the stopped hours no energy', async () => {
    // Prepare: a measured-power g6.xlarge launched at T0, seen stopped by a sweep at T0+2h (end from StateTransitionReason).
    const s = await freshStore();
    const key = 'ec2-instance#us-east-1#i-gpu';
    const base = ec2({ id: 'i-gpu', instanceType: 'g6.xlarge', counts: [{ atSec: T0, instanceCount: 1 }], tags: { 'carbonpilot:demo-power': 'measured' } });
    await s.putResource(base, 0);
    const at = (nowSec: number) => ({ nowSec: () => nowSec });
    const collector = (nowSec: number) =>
      makeCollectFootprint({
        store: s, clock: at(nowSec),
        metrics: new DemoMetricsSource(at(nowSec), (t) => {
          const spec = lookupInstance(t);
          return spec && { count: spec.acceleratorCount, idleW: spec.accelerator.idleW, maxW: spec.accelerator.maxW };
        }),
        intensity: makeIntensityResolver([new DemoIntensityProvider()], 'average-lifecycle'),
        lookupInstance, regionInfo: (r) => getRegionInfo(r), attributionKeys: DEFAULT_ATTRIBUTION_KEYS,
        periodSec: 60, intervalSec: H, lagSec: 600, maxCatchUpSec: 24 * H, storeRawSamples: false,
      })([key]);
    const stopped = ec2({ id: 'i-gpu', instanceType: 'g6.xlarge', status: 'stopped', endSec: T0 + 2 * H, counts: [{ atSec: T0, instanceCount: 1 }], tags: base.tags });
    await makeInventorySweep(deps(s, scripted({ 'us-east-1': [stopped] }).inventory, T0 + 2 * H + 300))();
    await collector(T0 + 3 * H); // hours 0 and 1, cursor → T0+2h
    expect((await collector(T0 + 3 * H)).completed).toBe(1); // past its end: marked complete
    expect((await s.listResources()).map((r) => r.id)).not.toContain('i-gpu');

    // Act: a sweep at T0+5h sees it running again, launched at T0+4h; then the hourly collection runs.
    const restarted = ec2({ id: 'i-gpu', instanceType: 'g6.xlarge', startSec: T0 + 4 * H, counts: [{ atSec: T0 + 4 * H, instanceCount: 1 }], tags: base.tags });
    await makeInventorySweep(deps(s, scripted({ 'us-east-1': [restarted] }).inventory, T0 + 5 * H))();
    const active = await s.listResources();
    const run = await collector(T0 + 7 * H);

    // Assess
    expect(active.map((r) => r.id)).toContain('i-gpu');
    expect(await s.getResource(key)).toMatchObject({ startSec: T0, status: 'running', counts: [{ atSec: T0, instanceCount: 1 }, { atSec: T0 + 2 * H, instanceCount: 0 }, { atSec: T0 + 4 * H, instanceCount: 1 }] });
    expect(run.errors).toEqual([]);
    const ivs = await s.queryResourceIntervals(key, { startSec: T0, endSec: T0 + 7 * H });
    expect(periodsWithEnergy(ivs)).toEqual([[0, true], [1, true], [2, false], [3, false], [4, true], [5, true]]);
    expect((await s.getCursor(key))?.collectedToSec).toBe(T0 + 6 * H);
  });

  it('the collector does not drop a record from the active list when it was reopened after the collector read it', async () => {
    const s = await freshStore();
    const key = 'ec2-instance#us-east-1#i-late';
    await s.putResource(ec2({ id: 'i-late', status: 'stopped', endSec: T0 + H }), 0);
    // The reopen lands between the collector's read (end T0+1h) and its markCollectionComplete.
    await makeStateChangeHandler(deps(s, scripted({}).inventory, T0 + 3 * H))({ kind: 'ec2-instance', region: 'us-east-1', id: 'i-late', state: 'running', atSec: T0 + 2 * H });
    expect(await s.markCollectionComplete(key, T0 + H)).toBe(false);
    expect((await s.listResources()).map((r) => r.id)).toContain('i-late');
  });
});
