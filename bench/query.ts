/**
 * bench:query — how fast do the dashboard routes and the `report` / `kpis` CLI paths answer from roll-ups, side by
 * side with the interval-scanning path (the baseline), and do both give the same numbers?
 *   npm run bench:query -- --resources 10000 --days 30 --out FILE.json
 *     [--seed 1] [--concurrency 1,20] [--baseline-resources 100] [--warm-requests 100] [--cold-requests 3]
 *
 * Product code only: the real DynamoFootprintStore on the embedded DynamoDB API (dynalite, in memory, real SDK),
 * `makeRollup` builds the roll-ups, `queryRoutes` answered through `dispatch` (the router the API Lambda and the local
 * server use; the JSON serialisation of the body is inside the timing, the HTTP socket is not), and `loadReport` /
 * `loadKpiReport` — the functions behind `carbonpilot report` and `carbonpilot kpis` (without the CLI's rendering,
 * store opening and budget KPIs). Fleet: bench/lib/query-fleet.ts (synthetic, deterministic from --seed, demo).
 *
 * Two scales, each with its own store:
 * - generated (--resources × --days, the headline): resources, roll-up pieces and manifests really live in dynalite,
 *   but 10,000 × 30 days is ≈ 6.3 M hourly intervals — too many to write to dynalite on two cores — so the store is
 *   the real DynamoFootprintStore with one method decorated: `queryIntervals` returns the generator's intervals of
 *   the window. `makeRollup` builds the real pieces from them (a day at a time) and writes them to dynalite. The
 *   baseline reads the same generator: the window's intervals are generated ONCE before its first timed request and
 *   then served from memory, so its timings exclude generation and any DynamoDB read time — it favours the baseline.
 *   Each baseline request aggregates every interval of the window (≈ 40 s of CPU at 10,000 × 30), so it is measured
 *   with ONE request per route at 1 concurrent request (that request is also the one compared for `identical`); at
 *   20 concurrent requests its figures are DERIVED, not measured: the interval path is synchronous CPU work on one
 *   event loop, so 20 requests in flight finish one after another at k × t (k = 1 … 20, t = the measured request),
 *   and p50/p99 are taken over those 20 latencies — a lower bound (it ignores the GC cost of 20 windows in flight).
 *   The stored scale shows this model against real measurements.
 * - stored (--baseline-resources × --baseline-days, default 25 × 7): every interval really written to dynalite;
 *   both paths read the real store and both are measured at every level. Small because dynalite reads ≈ 8,000
 *   intervals/s here (the JSON gives the rate): the interval path pays that on every request. The rate also gives an
 *   estimate of the read time the generated baseline leaves out (`baselineExcludedReadTime`).
 *
 * Per route, path and concurrency level C:
 * - cold: the decoded-piece cache and the inventory snapshot dropped (`dropPieceCache`, `dropInventorySnapshot`: what
 *   a fresh store object — a new Lambda container — starts with), then C requests at once; repeated --cold-requests
 *   times at C = 1, once at C > 1;
 * - warm: after one warm-up request, C workers each sending their next request as soon as the previous one answered,
 *   until --warm-requests requests (at C = 1: min(--warm-requests, 20)) have answered.
 * A route whose first request takes over SLOW_REQUEST_MS gets fewer samples (2 cold + 5 warm at C = 1, one round of
 * C at C > 1) so that the run stays within minutes; every figure carries its sample count n.
 * p50/p99: linear interpolation between the closest ranks of the sorted latencies (wall-clock, performance.now()).
 * `identical`: the JSON body (or report / KPI object) of every route from roll-ups equals the one from intervals,
 * character for character, at both scales.
 *
 * /api/kpis and `kpis` append the interval-based scope, lifecycle and optimisation KPIs only when the window holds at
 * most MAX_INTERVAL_KPI_INTERVALS intervals (shared/http/query-routes.ts); the count comes from the view, so both
 * paths take the same branch: at 10,000 × 30 both answer the core KPIs plus one `interval-kpis` KPI saying why the
 * rest is not computed; at the stored scale both read the window's intervals for them. The comparison is like for
 * like either way (the JSON says which branch was taken).
 *
 * Output (headline = the generated scale, warm, 20 concurrent requests; every level under `scales`):
 *   { resources, days, concurrency, identical, routes: { <route>: { rollup: { p50Ms, p99Ms }, intervals: { p50Ms,
 *     p99Ms }, p99Ratio } }, goal, method, scales: { generated, stored }, machine }
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../shared/adapters/local/embedded-dynamodb';
import { DynamoFootprintStore } from '../shared/adapters/aws/dynamodb-footprint-store';
import { ManualClock } from '../shared/adapters/local/manual-clock';
import { makeCore, tableStores } from '../shared/composition/factories';
import { queryDepsOf } from '../shared/composition/local';
import { loadConfig } from '../shared/contracts/config';
import { loadKpiReport, loadReport, MAX_INTERVAL_KPI_INTERVALS, queryRoutes } from '../shared/http/query-routes';
import { dispatch, type Route } from '../shared/http/router';
import { dropInventorySnapshot, dropPieceCache, dropViewResults, loadFootprintView, type FootprintSource } from '../shared/use-cases/footprint-view-loader';
import { makeRollup } from '../shared/use-cases/rollup';
import { DAY_SEC, HOUR_SEC, isoUtc, utcDay, type Window } from '../shared/domain/time';
import type { SchedulerOutcomes } from '../shared/domain/kpis';
import type { FootprintInterval } from '../shared/domain/types';
import { writeJson } from './lib/bench-args';
import { fleetDayIntervals, fleetResources, silentResource, type FleetOptions } from './lib/query-fleet';

// ---- arguments -----------------------------------------------------------------------------------------------

const USAGE = 'usage: npm run bench:query -- --resources N --days D --out FILE.json [--seed S] [--concurrency 1,20] [--baseline-resources N] [--baseline-days D] [--warm-requests N] [--cold-requests N]';
const fail = (msg: string): never => {
  console.error(`bench:query: ${msg}\n${USAGE}`);
  process.exit(2);
};
let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      resources: { type: 'string' }, days: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '1,20' }, 'baseline-resources': { type: 'string', default: '25' }, 'baseline-days': { type: 'string', default: '7' },
      'warm-requests': { type: 'string', default: '100' }, 'cold-requests': { type: 'string', default: '3' },
    },
    strict: true, allowPositionals: false,
  });
}
try {
  parsed = parse();
} catch (e) {
  fail((e as Error).message);
}
const int = (name: string, v: string | undefined, min: number, max: number): number => {
  const n = Number(v);
  if (v === undefined) return fail(`--${name} is required`);
  if (!Number.isInteger(n) || n < min || n > max) return fail(`--${name}: an integer in [${min}, ${max}], got "${v}"`);
  return n;
};
const a = parsed!.values;
const RESOURCES = int('resources', a.resources, 1, 100_000);
const DAYS = int('days', a.days, 1, 93);
const OUT = a.out ?? fail('--out is required');
const SEED = int('seed', a.seed, 0, 2 ** 31);
const BASELINE_RESOURCES = int('baseline-resources', a['baseline-resources'], 0, 10_000);
const BASELINE_DAYS = int('baseline-days', a['baseline-days'], 1, 93);
const WARM_REQUESTS = int('warm-requests', a['warm-requests'], 1, 10_000);
const COLD_REQUESTS = int('cold-requests', a['cold-requests'], 1, 100);
const LEVELS = a.concurrency.split(',').map((s) => int('concurrency', s.trim(), 1, 200));
if (new Set(LEVELS).size !== LEVELS.length) fail('--concurrency: repeated level');
const HEADLINE_C = Math.max(...LEVELS);

// The baseline holds the whole window's intervals (≈ 0.9 KB each): give the heap room once, by re-running this
// script with a larger --max-old-space-size (the npm script stays `tsx bench/query.ts`).
const windowIntervalsEstimate = RESOURCES * DAYS * 24 * 0.9;
const heapNeededMb = Math.ceil((2_000 + (windowIntervalsEstimate * 950) / 1e6) / 256) * 256;
if (getHeapStatistics().heap_size_limit / 2 ** 20 < heapNeededMb && !process.env.BENCH_QUERY_REEXEC) {
  const r = spawnSync(process.execPath, [...process.execArgv, `--max-old-space-size=${heapNeededMb}`, ...process.argv.slice(1)], {
    stdio: 'inherit', env: { ...process.env, BENCH_QUERY_REEXEC: '1' },
  });
  process.exit(r.status ?? 1);
}

// ---- measurement helpers -------------------------------------------------------------------------------------

/** Percentile by linear interpolation between closest ranks (R type 7). */
function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((x, y) => x - y);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
}
const r1 = (x: number) => Math.round(x * 10) / 10;
const stats = (xs: readonly number[]) => ({ p50Ms: r1(pct(xs, 0.5)), p99Ms: r1(pct(xs, 0.99)), n: xs.length });
const log = (s: string) => console.error(`[bench:query ${(process.uptime()).toFixed(0)}s] ${s}`);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** C workers, each sending its next request when the previous answered, until `total` have answered. */
async function closedLoop(fn: () => Promise<string>, c: number, total: number): Promise<number[]> {
  const out: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(c, total) }, async () => {
    while (next < total) {
      next++;
      out.push(await timed(fn));
    }
  }));
  return out;
}

// ---- the fleet store -----------------------------------------------------------------------------------------

const START = Date.UTC(2026, 9, 1) / 1000; // 2026-10-01T00:00Z (any UTC midnight)

interface Scale {
  name: 'generated' | 'stored';
  db: EmbeddedDynamo;
  /** The store the routes read (the real DynamoFootprintStore, or it with queryIntervals served by the generator). */
  store: DynamoFootprintStore;
  fleet: FleetOptions;
  window: Window;
  setupMs: Record<string, number>;
  intervals: number;
  /** Generated scale: generate the window's intervals once, before the baseline's first timed request. */
  prepareBaseline(): void;
  releaseBaseline(): void;
}

async function putAll<T>(xs: readonly T[], put: (x: T) => Promise<unknown>, parallel = 32): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < xs.length) await put(xs[next++]);
  }));
}

async function buildScale(name: Scale['name'], resources: number, days: number): Promise<Scale> {
  const fleet: FleetOptions = { resources, startSec: START, days, seed: SEED };
  const window = { startSec: START, endSec: START + days * DAY_SEC };
  const setupMs: Record<string, number> = {};
  let t = performance.now();
  const db = await startEmbeddedDynamo({ tableName: `bench-query-${name}` });
  const base = new DynamoFootprintStore(db.client, db.tableName);
  const rs = fleetResources(fleet);
  await putAll([...rs.map((f) => f.ref), silentResource(fleet)], (r) => base.putResource(r));
  setupMs.putResources = Math.round(performance.now() - t);
  log(`${name}: ${rs.length + 1} resources written (${setupMs.putResources} ms)`);

  let intervals = 0;
  let store: DynamoFootprintStore = base;
  let windowIntervals: FootprintInterval[] | undefined;
  let prepare = () => undefined as void;
  if (name === 'stored') {
    t = performance.now();
    for (let d = 0; d < days; d++) {
      const xs = fleetDayIntervals(fleet, rs, d);
      intervals += xs.length;
      await putAll(xs, (i) => base.putInterval(i));
    }
    setupMs.putIntervals = Math.round(performance.now() - t);
    log(`${name}: ${intervals} intervals written (${setupMs.putIntervals} ms)`);
  } else {
    const dayOf = (sec: number) => Math.floor((sec - START) / DAY_SEC);
    const generate = (w: Window): FootprintInterval[] => {
      const out: FootprintInterval[] = [];
      for (let d = Math.max(0, dayOf(w.startSec)); d < days && START + d * DAY_SEC < w.endSec; d++) {
        for (const i of fleetDayIntervals(fleet, rs, d)) if (i.intervalStartSec >= w.startSec && i.intervalStartSec < w.endSec) out.push(i);
      }
      return out;
    };
    // The real store with one method decorated: intervals come from the generator (the whole window from memory
    // once prepared), everything else from dynalite.
    const decorated = Object.create(base) as DynamoFootprintStore;
    decorated.queryIntervals = async (w: Window) =>
      windowIntervals && w.startSec === window.startSec && w.endSec === window.endSec ? windowIntervals : generate(w);
    store = decorated;
    prepare = () => {
      if (windowIntervals) return;
      const g = performance.now();
      windowIntervals = generate(window);
      setupMs.generateWindowIntervals = Math.round(performance.now() - g);
      log(`${name}: ${windowIntervals.length} window intervals generated (${setupMs.generateWindowIntervals} ms, outside the timings)`);
    };
  }

  t = performance.now();
  const built = await makeRollup({ store })(Array.from({ length: days }, (_, d) => utcDay(START + d * DAY_SEC)));
  setupMs.makeRollup = Math.round(performance.now() - t);
  if (name === 'generated') intervals = (await store.getRollupManifests()).reduce((n, m) => n + m.intervals, 0);
  log(`${name}: roll-ups of ${built.days} days, ${built.blocks} blocks, ${built.rows} entries (${setupMs.makeRollup} ms)`);
  return {
    name, db, store, fleet, window, setupMs, intervals,
    prepareBaseline: prepare,
    releaseBaseline: () => void (windowIntervals = undefined),
  };
}

// ---- the routes ----------------------------------------------------------------------------------------------

interface Target {
  /** Name in the JSON: the CLI path or the route with its query. */
  name: string;
  /** Reads the window's view (roll-ups or every interval); the others run the same code on both paths. */
  readsView: boolean;
  call(source: FootprintSource): Promise<string>;
}

function targetsOf(s: Scale): Target[] {
  const config = loadConfig({ MONITORED_REGIONS: '' });
  const core = makeCore({ config, stores: tableStores(s.db.client, s.db.tableName), clock: new ManualClock(s.window.endSec), demo: true, log: () => undefined });
  const deps = { ...queryDepsOf(core), store: s.store };
  // A few scheduler outcomes (synthetic, bench): /api/scheduler and the scheduler KPIs have something to show.
  const outcomes: SchedulerOutcomes = { jobs: [
    { realisedCo2eKg: 5, runNowCo2eKg: 8, lowCarbonHours: 3, hours: 4, ownerTags: { team: 'team-01' }, regions: ['eu-west-1'], startSec: START + 2 * DAY_SEC, endSec: START + 2 * DAY_SEC + 4 * HOUR_SEC },
    { realisedCo2eKg: 2, runNowCo2eKg: 2.5, lowCarbonHours: 1, hours: 2, ownerTags: { team: 'team-02' }, regions: ['us-east-1'], startSec: START + DAY_SEC, endSec: START + DAY_SEC + 2 * HOUR_SEC },
  ] };
  const routes: Record<FootprintSource, Route[]> = {
    rollups: queryRoutes(deps, { source: 'rollups', schedulerOutcomes: async () => outcomes }),
    intervals: queryRoutes(deps, { source: 'intervals', schedulerOutcomes: async () => outcomes }),
  };
  const win = `from=${isoUtc(s.window.startSec)}&to=${isoUtc(s.window.endSec)}`;
  const route = (path: string, qs: string, readsView: boolean): Target => ({
    name: qs.replace(/&?from=[^&]*&to=[^&]*/, '') ? `${path}?${qs.replace(/&?from=[^&]*&to=[^&]*/, '')}` : path, // the window is the same for all
    readsView,
    call: async (source) => {
      const r = await dispatch(routes[source], { method: 'GET', path, query: new URLSearchParams(qs), body: undefined });
      return JSON.stringify({ status: r.status, body: r.body });
    },
  });
  return [
    { name: 'report --by job', readsView: true, call: async (source) => JSON.stringify(await loadReport(s.store, s.window, 'job', {}, source)) },
    { name: 'kpis', readsView: true, call: async (source) => JSON.stringify(await loadKpiReport(deps, s.window, { scheduler: outcomes, source })) },
    route('/api/footprint', `by=team&${win}`, true),
    route('/api/timeseries', `stack=team&bucket=hour&${win}`, true),
    route('/api/top', `kind=job&limit=10&${win}`, true),
    route('/api/kpis', win, true),
    route('/api/intensity/heatmap', `region=eu-west-1&${win}`, false),
    route('/api/meta', '', false),
    route('/api/scheduler', win, false),
  ];
}

// ---- one scale -----------------------------------------------------------------------------------------------

type Stat = ReturnType<typeof stats>;
interface PathResult { cold: Record<string, Stat>; warm: Record<string, Stat>; samples: string; derived?: string }

/** A request slower than this gets the light sample counts (2 cold, 5 warm at C = 1; C warm at C > 1). */
const SLOW_REQUEST_MS = 250;

async function measurePath(s: Scale, t: Target, source: FootprintSource, oneRequest: boolean): Promise<{ result: PathResult; body: string }> {
  const drop = () => {
    dropPieceCache(s.store);
    dropInventorySnapshot(s.store);
    dropViewResults(s.store);
  };
  const fn = () => t.call(source);
  const cold: Record<string, Stat> = {};
  const warm: Record<string, Stat> = {};
  // The first cold request: the body compared, and the speed that decides the sample counts.
  drop();
  let body = '';
  const first = await timed(async () => void (body = await fn()));
  if (oneRequest) {
    for (const c of LEVELS) {
      const xs = Array.from({ length: c }, (_, k) => (k + 1) * first);
      cold[`c${c}`] = stats(xs);
      warm[`c${c}`] = stats(xs);
    }
    return { result: { cold, warm, samples: 'one measured request', derived: `one measured request (${r1(first)} ms, cold); every level C derived as k × ${r1(first)} ms for k = 1 … C (CPU-bound requests queue on one event loop), not measured` }, body };
  }
  const light = first > SLOW_REQUEST_MS;
  const coldC1 = light ? 2 : COLD_REQUESTS;
  const warmC1 = light ? 5 : Math.min(WARM_REQUESTS, 20);
  const warmN = (c: number) => (light ? c : Math.max(c, WARM_REQUESTS));
  for (const c of LEVELS) {
    const xs: number[] = c === 1 ? [first] : [];
    for (let k = c === 1 ? 1 : 0; k < (c === 1 ? coldC1 : 1); k++) {
      drop();
      xs.push(...(await Promise.all(Array.from({ length: c }, () => timed(fn)))));
    }
    cold[`c${c}`] = stats(xs);
  }
  await fn(); // warm-up
  for (const c of LEVELS) warm[`c${c}`] = stats(await closedLoop(fn, c, c === 1 ? warmC1 : warmN(c)));
  const samples = light
    ? `light (first request ${r1(first)} ms > ${SLOW_REQUEST_MS} ms): cold ${coldC1} at C = 1 and one round of C at C > 1; warm ${warmC1} at C = 1, C at C > 1`
    : `cold ${coldC1} at C = 1 and one round of C at C > 1; warm ${warmC1} at C = 1, ${WARM_REQUESTS} at C > 1`;
  return { result: { cold, warm, samples }, body };
}

async function measureScale(s: Scale, fullBaseline: boolean) {
  const targets = targetsOf(s);
  const routes: Record<string, { readsView: boolean; identical: boolean; rollup: PathResult; intervals: PathResult; p99Ratio: Record<string, number> }> = {};
  const bodies = new Map<string, string>();
  const rollups: Record<string, PathResult> = {};
  // A window small enough for the interval-based KPIs makes the roll-up path read its intervals too: serve them from
  // memory from the start then (as the baseline's), so generation never lands in a timing.
  if (s.intervals <= MAX_INTERVAL_KPI_INTERVALS) s.prepareBaseline();
  for (const t of targets) {
    const m = await measurePath(s, t, 'rollups', false);
    rollups[t.name] = m.result;
    bodies.set(t.name, m.body);
    log(`${s.name}: rollups   ${t.name.padEnd(40).slice(0, 40)} warm p99 ${LEVELS.map((c) => `c${c} ${m.result.warm[`c${c}`].p99Ms}`).join(' ')} ms`);
  }
  const { provenance } = await loadFootprintView(s.store, s.window, { entries: true });
  let readMs: number | undefined;
  if (s.name === 'stored') readMs = await timed(async () => String((await s.store.queryIntervals(s.window)).length));
  s.prepareBaseline();
  for (const t of targets) {
    const m = await measurePath(s, t, 'intervals', t.readsView && !fullBaseline);
    const rollup = rollups[t.name];
    const p99Ratio = Object.fromEntries(Object.keys(m.result.warm).map((k) => [k, Math.round((m.result.warm[k].p99Ms / rollup.warm[k].p99Ms) * 10) / 10]));
    routes[t.name] = { readsView: t.readsView, identical: m.body === bodies.get(t.name), rollup, intervals: m.result, p99Ratio };
    log(`${s.name}: intervals ${t.name.padEnd(40).slice(0, 40)} warm p99 ${LEVELS.map((c) => `c${c} ${m.result.warm[`c${c}`].p99Ms}`).join(' ')} ms, identical ${routes[t.name].identical}`);
  }
  s.releaseBaseline();
  const kpis = JSON.parse(bodies.get('kpis')!) as { kpis: { id: string }[] };
  return {
    resources: s.fleet.resources, days: s.fleet.days, intervals: s.intervals,
    intervalsSource: s.name === 'stored' ? 'every interval written to dynalite; both paths read the real store' : 'generated in memory behind queryIntervals (resources, roll-up pieces, manifests in dynalite)',
    baselineRequests: fullBaseline ? 'fully measured (as the roll-ups)' : 'one measured request per view-reading route; the other levels derived (see method)',
    intervalKpis: kpis.kpis.some((k) => k.id === 'interval-kpis') ? `not computed on either path (window > ${MAX_INTERVAL_KPI_INTERVALS} intervals): core KPIs + the interval-kpis n/a KPI` : 'computed on both paths (both read the window\'s intervals for the scope/lifecycle/optimisation KPIs)',
    rollupView: provenance,
    ...(readMs !== undefined ? { queryIntervalsMs: Math.round(readMs), queryIntervalsMsPer1000: r1((readMs / Math.max(1, s.intervals)) * 1000) } : {}),
    setupMs: s.setupMs,
    identical: Object.values(routes).every((r) => r.identical),
    routes,
  };
}

// ---- main ----------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, totalMemGb: Math.round(totalmem() / 2 ** 30), loadavgAtStart: loadavg().map((x) => Math.round(x * 100) / 100) };
  const scales: Record<string, Awaited<ReturnType<typeof measureScale>>> = {};
  if (BASELINE_RESOURCES > 0) {
    const s = await buildScale('stored', BASELINE_RESOURCES, BASELINE_DAYS);
    scales.stored = await measureScale(s, true);
    await s.db.close();
  }
  const g = await buildScale('generated', RESOURCES, DAYS);
  scales.generated = await measureScale(g, false);
  await g.db.close();
  // What the generated baseline leaves out: reading its intervals, at the stored scale's dynalite rate (an estimate).
  const perK = scales.stored?.queryIntervalsMsPer1000;
  const excluded = perK === undefined ? undefined : { dynaliteReadMsPer1000Intervals: perK, estimatedSecPerRequest: Math.round((perK * scales.generated.intervals) / 1e6) };

  const h = `c${HEADLINE_C}`;
  const routes = Object.fromEntries(Object.entries(scales.generated.routes).map(([k, r]) => [k, {
    rollup: { p50Ms: r.rollup.warm[h].p50Ms, p99Ms: r.rollup.warm[h].p99Ms },
    intervals: { p50Ms: r.intervals.warm[h].p50Ms, p99Ms: r.intervals.warm[h].p99Ms, ...(r.intervals.derived ? { derived: true } : {}) },
    p99Ratio: r.p99Ratio[h],
  }]));
  const worst = Object.entries(routes).sort((x, y) => y[1].rollup.p99Ms - x[1].rollup.p99Ms)[0];
  const result = {
    benchmark: 'query',
    resources: RESOURCES,
    days: DAYS,
    concurrency: HEADLINE_C,
    identical: Object.values(scales).every((s) => s.identical),
    routes,
    headline: `routes: ${RESOURCES} resources × ${DAYS} days (the generated scale), warm, ${HEADLINE_C} concurrent requests; p99Ratio = intervals p99 ÷ rollup p99. ` +
      'Baseline figures marked derived are k × one measured request (see method); scales.stored has both paths fully measured on a real store. Every level (cold/warm, each concurrency) is under scales.',
    concurrencyLevels: LEVELS,
    goal: { text: `a ${DAYS}-day view of ${RESOURCES} resources answers well under 1 s at p99 with ${HEADLINE_C} concurrent requests`, p99UnderMs: 1000, met: worst[1].rollup.p99Ms < 1000, worstRoute: worst[0], worstRollupP99Ms: worst[1].rollup.p99Ms },
    method: {
      store: 'real DynamoFootprintStore on dynalite (in memory, real AWS SDK), one store per scale; roll-ups built by makeRollup',
      requests: 'queryRoutes answered through dispatch (JSON.stringify of the body inside the timing; no HTTP socket); report = loadReport(--by job), kpis = loadKpiReport with the bench scheduler outcomes (no CLI rendering, no budget KPIs)',
      cold: `dropPieceCache + dropInventorySnapshot + dropViewResults (what a fresh store object starts with), then C requests at once; ${COLD_REQUESTS}× at C = 1, once at C > 1`,
      warm: `after one warm-up request, C closed-loop workers until ${WARM_REQUESTS} requests answered (${Math.min(WARM_REQUESTS, 20)} at C = 1)`,
      slowRequests: `a route whose first request takes over ${SLOW_REQUEST_MS} ms gets fewer samples (2 cold and 5 warm at C = 1, one round of C at C > 1); each figure's n and each path's samples say what was taken`,
      percentiles: 'linear interpolation between closest ranks of the wall-clock latencies',
      identical: 'JSON of every route/CLI result from roll-ups === JSON from intervals (character for character), at both scales',
      baseline: 'generated scale: the window\'s intervals are generated once, before the first timed baseline request, and served from memory (no generation, no DynamoDB read inside the timings: favours the baseline); one measured request per view-reading route (also the identical check); its 20-concurrent p50/p99 are derived as k × t (k = 1 … 20): the interval path is synchronous CPU work, so concurrent requests queue on one event loop — a lower bound. Routes that do not read the view (heatmap, meta, scheduler) run the same code on both paths and are measured on both. stored scale: every interval in dynalite, both paths fully measured.',
      kpis: `interval-based KPIs (scope, lifecycle, optimisation) are appended by both paths only when the window holds ≤ ${MAX_INTERVAL_KPI_INTERVALS} intervals (count from the view): see scales.*.intervalKpis`,
    },
    baselineExcludedReadTime: excluded ?? 'not estimated (no stored scale)',
    scales,
    machine,
    elapsedSec: Math.round((Date.now() - started) / 1000),
    demo: true,
  };
  writeJson(OUT, result);
  log(`wrote ${OUT}: identical ${result.identical}, worst rollup p99 ${worst[1].rollup.p99Ms} ms (${worst[0]})`);
  for (const [k, r] of Object.entries(routes)) console.log(`${k.padEnd(60)} rollup p99 ${String(r.rollup.p99Ms).padStart(9)} ms   intervals p99 ${String(r.intervals.p99Ms).padStart(10)} ms${r.intervals.derived ? ' (derived)' : ''}   × ${r.p99Ratio}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
