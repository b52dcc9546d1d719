/**
 * Roll-ups against a real DynamoDB API (dynalite) through the real SDK: every query route gives the same body from
 * roll-ups as from the intervals (identical doubles, not "close"), for any window and filter; roll-ups follow every
 * change of intervals; a stale block is never read; a day never rolled up is read from its intervals.
 */
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { DynamoFootprintStore } from '../../shared/adapters/aws/dynamodb-footprint-store';
import { makeCore, tableStores } from '../../shared/composition/factories';
import { queryDepsOf } from '../../shared/composition/local';
import { loadConfig } from '../../shared/contracts/config';
import { ManualClock } from '../../shared/adapters/local/manual-clock';
import { queryRoutes } from '../../shared/http/query-routes';
import { dispatch, type Route } from '../../shared/http/router';
import { makeRollup } from '../../shared/use-cases/rollup';
import { dropInventorySnapshot, loadFootprintView } from '../../shared/use-cases/footprint-view-loader';
import { dataWindow } from '../../shared/use-cases/data-window';
import { makeRecomputeCarbon } from '../../shared/use-cases/recompute-carbon';
import { encodePiece, newFacts } from '../../shared/domain/footprint/rollup-facts';
import { epochDay, resourcePieceId } from '../../shared/domain/footprint/rollup-tree';
import { DAY_SEC, HOUR_SEC, isoUtc, utcDay } from '../../shared/domain/time';
import type { IntensityProvider } from '../../shared/ports';
import { resourceKey } from '../../shared/domain/types';
import { fleetDayIntervals, fleetResources, silentResource, type FleetOptions } from '../../bench/lib/query-fleet';

jest.setTimeout(300_000);

const START = Date.UTC(2026, 9, 1) / 1000; // 2026-10-01, epoch day 20727
const FLEET: FleetOptions = { resources: 9, startSec: START, days: 42, seed: 7, teams: 3 };
/** Day 21 is written but never rolled up (a store from before roll-ups): its figures must still be there. */
const LEGACY_DAY = 38;
const day = (d: number, h = 0) => isoUtc(START + d * DAY_SEC + h * HOUR_SEC);

let db: EmbeddedDynamo;
let store: DynamoFootprintStore;
let rollups: Route[];
let intervals: Route[];
/** The interval path reads the same intervals for many cases: memoised per window here (cleared after every write). */
const memo = new Map<string, Promise<unknown>>();
const get = (routes: Route[], path: string, qs: string) => dispatch(routes, { method: 'GET', path, query: new URLSearchParams(qs), body: undefined });

beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'rollup-test' });
  store = new DynamoFootprintStore(db.client, db.tableName);
  const fleet = fleetResources(FLEET);
  for (const r of [...fleet.map((f) => f.ref), silentResource(FLEET)]) await store.putResource(r);
  for (let d = 0; d < FLEET.days; d++) {
    const xs = fleetDayIntervals(FLEET, fleet, d);
    for (let k = 0; k < xs.length; k += 50) await Promise.all(xs.slice(k, k + 50).map((i) => store.putInterval(i)));
  }
  const days = Array.from({ length: FLEET.days }, (_, d) => utcDay(START + d * DAY_SEC)).filter((_, d) => d !== LEGACY_DAY);
  await makeRollup({ store })(days);
  const core = makeCore({ config: loadConfig({ MONITORED_REGIONS: '' }), stores: tableStores(db.client, db.tableName), clock: new ManualClock(START + 41 * DAY_SEC), demo: true, log: () => undefined });
  const deps = { ...queryDepsOf(core), store };
  const memoStore = Object.assign(Object.create(store) as DynamoFootprintStore, {
    queryIntervals: (w: { startSec: number; endSec: number }) => {
      const k = `${w.startSec}-${w.endSec}`;
      if (!memo.has(k)) memo.set(k, store.queryIntervals(w));
      return memo.get(k) as ReturnType<DynamoFootprintStore['queryIntervals']>;
    },
  });
  const scheduler = async () => ({ jobs: [
    { realisedCo2eKg: 5, runNowCo2eKg: 8, lowCarbonHours: 3, hours: 4, ownerTags: { team: 'team-01' }, regions: ['eu-west-1'], startSec: START + 2 * DAY_SEC, endSec: START + 2 * DAY_SEC + 4 * HOUR_SEC },
    { realisedCo2eKg: 2, runNowCo2eKg: 2.5, lowCarbonHours: 1, hours: 2, ownerTags: { team: 'team-02' }, regions: ['us-east-1'], startSec: START + 30 * DAY_SEC, endSec: START + 30 * DAY_SEC + 2 * HOUR_SEC },
  ] });
  rollups = queryRoutes(deps, { source: 'rollups', schedulerOutcomes: scheduler });
  intervals = queryRoutes({ ...deps, store: memoStore }, { source: 'intervals', schedulerOutcomes: scheduler });
});
afterAll(() => db?.close());

const WINDOWS: [string, string][] = [
  ['all 42 days (the default window)', ''],
  ['30 whole days from an odd day', `from=${day(3)}&to=${day(33)}`],
  ['one aligned 32-day block (epoch days 20736–20767)', `from=${day(9)}&to=${day(41)}`],
  ['partial first and last day', `from=${day(2, 5)}&to=${day(19, 17)}`],
  ['inside one day', `from=${day(6, 3)}&to=${day(6, 9)}`],
  ['over the day never rolled up', `from=${day(35)}&to=${day(42)}`],
];
const FILTERS = ['', 'team=team-01', 'region=eu-west-1', 'team=team-02&region=us-east-1'];
const ROUTES: [string, string][] = [
  ['/api/footprint', 'by=team'], ['/api/footprint', 'by=kind'], ['/api/footprint', 'by=day'], ['/api/footprint', 'by=job'],
  ['/api/footprint', 'by=endpoint'], ['/api/footprint', 'by=model'], ['/api/footprint', 'by=project'],
  ['/api/timeseries', 'stack=team&bucket=day'], ['/api/timeseries', 'stack=region&bucket=hour'],
  ['/api/top', 'kind=job&limit=3'], ['/api/top', 'kind=endpoint&limit=10'], ['/api/top', 'kind=instance&limit=5'],
  ['/api/kpis', ''], ['/api/scheduler', ''],
];

describe('roll-ups answer every route exactly as the intervals do', () => {
  // Every window unfiltered, every filter over 30 days and over partial days, and the edge cases of attribution.
  const cases = [
    ...WINDOWS.map(([wName, w]) => [wName, w, ''] as const),
    ...FILTERS.slice(1).map((f) => [WINDOWS[1][0], WINDOWS[1][1], f] as const),
    [WINDOWS[3][0], WINDOWS[3][1], FILTERS[3]] as const,
    [WINDOWS[5][0], WINDOWS[5][1], FILTERS[1]] as const,
    ['all days', '', 'team=team-retagged'] as const,
    ['all days', '', 'team=nobody'] as const,
  ];
  it.each(cases)('%s, filter "%s"', async (_name, w, f) => {
    for (const [path, qs] of ROUTES) {
      const q = [qs, w, f].filter(Boolean).join('&');
      const a = await get(rollups, path, q);
      const b = await get(intervals, path, q);
      expect({ path, q, status: a.status }).toEqual({ path, q, status: b.status });
      expect({ path, q, body: a.body }).toEqual({ path, q, body: b.body }); // toEqual on doubles: the same numbers, bit for bit
    }
  });

  it('a filtered view is not the whole store, and figures are really there (the test can fail)', async () => {
    const all = (await get(rollups, '/api/footprint', 'by=team')).body as { totals: { co2eKg: number; intervals: number } };
    const one = (await get(rollups, '/api/footprint', 'by=team&team=team-01')).body as { totals: { co2eKg: number; intervals: number } };
    expect(all.totals.intervals).toBeGreaterThan(5_000);
    expect(one.totals.co2eKg).toBeGreaterThan(0);
    expect(one.totals.co2eKg).toBeLessThan(all.totals.co2eKg);
  });

  it('reads a 30-day window from ≤ 2·log2(30) resource pieces and no interval', async () => {
    const w = { startSec: START + 3 * DAY_SEC, endSec: START + 33 * DAY_SEC };
    const { provenance } = await loadFootprintView(store, w, { entries: true });
    expect(provenance).toMatchObject({ source: 'rollups', rollupDays: 30, intervals: 0 });
    expect(provenance.resourcePieces).toBeLessThanOrEqual(10);
  });

  it('the default window is whole UTC days over the rolled-up data', async () => {
    expect(await dataWindow(store)).toEqual({ startSec: START, endSec: START + FLEET.days * DAY_SEC });
    expect(((await get(rollups, '/api/meta', '')).body as { from: string; to: string })).toMatchObject({ from: day(0), to: day(FLEET.days) });
  });
});

describe('roll-ups follow every change of intervals', () => {
  it('after a recompute replaces intervals (higher revision) and the changed days are rolled up, both paths agree on the new figures', async () => {
    const qs = `by=team&from=${day(0)}&to=${day(32)}`;
    const before = (await get(rollups, '/api/footprint', qs)).body as { totals: { co2eKg: number } };
    // A provider now gives 'actual' intensity for zone IE on days 4–5: every demo-quality interval there is recomputed.
    const actual: IntensityProvider = {
      name: 'test actuals',
      getSeries: async (zone, signal, w) => Array.from({ length: (w.endSec - w.startSec) / HOUR_SEC }, (_, k) => ({ tSec: w.startSec + k * HOUR_SEC, periodSec: HOUR_SEC, gPerKwh: 999, zone, signal, provider: 'test actuals', quality: 'actual' as const })),
    };
    const events: { detail: unknown }[] = [];
    memo.clear();
    const r = await makeRecomputeCarbon({ store, providers: [actual], publisher: { publish: async (es) => void events.push(...es) } })({ zone: 'IE', signal: 'average-lifecycle', fromSec: START + 4 * DAY_SEC, toSec: START + 6 * DAY_SEC });
    expect(r.replaced).toBeGreaterThan(0);
    const stale = (await get(rollups, '/api/footprint', qs)).body as { totals: { co2eKg: number } };
    expect(stale.totals.co2eKg).toBe(before.totals.co2eKg); // not rolled up yet: this is what a lost event would leave
    // The rollup function's part: the announced days.
    await makeRollup({ store })((events[0].detail as { days: string[] }).days);
    const a = (await get(rollups, '/api/footprint', qs)).body;
    const b = (await get(intervals, '/api/footprint', qs)).body;
    expect(a).toEqual(b);
    expect((a as { totals: { co2eKg: number } }).totals.co2eKg).toBeGreaterThan(before.totals.co2eKg);
  });

  it('concurrent roll-ups of two days of the same blocks converge on the right figures', async () => {
    const i = (await store.queryIntervals({ startSec: START + 8 * DAY_SEC, endSec: START + 8 * DAY_SEC + HOUR_SEC }))[0];
    const j = (await store.queryIntervals({ startSec: START + 9 * DAY_SEC, endSec: START + 9 * DAY_SEC + HOUR_SEC }))[0];
    await store.putInterval({ ...i, revision: i.revision + 10, co2eKg: { point: 50, low: 40, high: 60 } });
    await store.putInterval({ ...j, revision: j.revision + 10, co2eKg: { point: 70, low: 60, high: 80 } });
    memo.clear();
    await Promise.all([makeRollup({ store })([utcDay(i.intervalStartSec)]), makeRollup({ store })([utcDay(j.intervalStartSec)])]);
    for (const [path, qs] of [['/api/top', 'kind=instance&limit=50'], ['/api/kpis', ''], ['/api/footprint', 'by=job']]) {
      const q = `${qs}&from=${day(0)}&to=${day(32)}`;
      expect((await get(rollups, path, q)).body).toEqual((await get(intervals, path, q)).body);
    }
  });

  it('a block whose stored version does not match its days is never read (the halves are read instead)', async () => {
    // Overwrite the first chunk of the 8-day block over epoch days 20736–20743 (fleet days 9–16) with other content
    // under another hash, as a crashed or raced builder would leave it: the stored version is now incomplete.
    const first = 20736;
    expect(epochDay(START) + 9).toBe(first);
    const k = 'ec2-instance\u001feu-west-1\u001fi-bogus\u001fteam-01\u001fp\u001fm\u001f';
    const bogus = new Map([[k, newFacts()]]);
    bogus.get(k)!.c[0] = 99;
    await store.putRollupPiece(resourcePieceId(3, first), 'stale-hash', encodePiece('entry', bogus).chunks);
    const q = `kind=instance&limit=100&from=${isoUtc(first * DAY_SEC)}&to=${isoUtc((first + 8) * DAY_SEC)}`;
    const a = (await get(rollups, '/api/top', q)).body as { rows: { key: string }[] };
    expect(a.rows.map((r) => r.key)).not.toContain('i-bogus');
    expect(a).toEqual((await get(intervals, '/api/top', q)).body);
  });

  it('KPI coverage follows the inventory: a resource added later counts once the snapshot is refreshed', async () => {
    const q = `from=${day(0)}&to=${day(42)}`;
    const kpi = async () => ((await get(rollups, '/api/kpis', q)).body as { kpis: { id: string; detail?: string }[] }).kpis.find((k) => k.id === 'monitoring-coverage')!.detail;
    const before = await kpi();
    await store.putResource({ ...silentResource(FLEET), id: 'i-silent-2' });
    dropInventorySnapshot(store);
    expect(await kpi()).not.toBe(before);
    expect(resourceKey(silentResource(FLEET))).toBe('ec2-instance#eu-west-1#i-silent');
  });
});
