/**
 * The read-only query API behind the dashboard (and the `kpis` CLI): footprint by dimension, stacked time series,
 * top emitters, per-region intensity heatmap, KPIs, scheduler outcomes and metadata. Parameters are validated with
 * zod; a bad one is a 400 naming it. Every body says `demo: true` when the data is the generated demo fleet.
 *
 * Footprint figures come from roll-ups (shared/use-cases/footprint-view-loader.ts); `source: 'intervals'` reads every
 * interval instead (the baseline, identical numbers). Every route that can be filtered takes the same filters:
 * `from`/`to` (half-open window), `team`, `region`. The heatmap is per region by nature (no team), and meta lists
 * what the filters can take.
 */
import { z } from 'zod';
import type { QueryDeps } from '../composition/deps';
import { KIND_OF_VIEW, REPORT_DIMENSIONS, reportOfView, reportSources, topOfView, type Report, type ReportDimension } from '../domain/footprint/aggregate';
import { BUCKETS, STACK_DIMENSIONS, timeseriesOfView } from '../domain/footprint/timeseries';
import { fetchHourly } from '../use-cases/intensity-resolver';
import { computeKpis, CORE_KPIS, kpiFactsOfView, LOW_CARBON_TRAILING_SEC, type Kpi, type KpiReport, type SchedulerOutcomes } from '../domain/kpis';
import { alignDown, alignUp, DAY_SEC, HOUR_SEC, isoUtc, parseIsoInstant, utcDay, type Window } from '../domain/time';
import { noSignalZoneMessage, signalZone } from '../domain/regions/region-catalog';
import { DEFAULT_ATTRIBUTION_KEYS, resolveAttribution, type AttributionKeys } from '../domain/attribution';
import type { FootprintInterval, IntensityPoint, IntensitySignal, ResourceRef } from '../domain/types';
import type { FootprintView, ViewFilter } from '../domain/footprint/footprint-view';
import { countOf } from '../domain/footprint/rollup-facts';
import type { FootprintStore, IntensityProvider } from '../ports';
import { dataWindow } from '../use-cases/data-window';
import { scopeKpiContributor } from '../use-cases/scope-kpi-contributor';
import { inventorySnapshot, loadFootprintView, memoOfView, type FootprintSource } from '../use-cases/footprint-view-loader';
import { hasRollupPieces } from '../use-cases/rollup';
import { optimisationKpiContributor } from '../use-cases/optimise-ledger';
import { HttpError, validate, type Route } from './router';
import { lifecycleKpiContributor } from '../use-cases/lifecycle-ledger';

/** Longest window one request may aggregate (keeps a single query bounded). */
export const MAX_WINDOW_SEC = 93 * DAY_SEC;
export const MAX_HEATMAP_SEC = 31 * DAY_SEC;
export const MAX_TIMESERIES_BUCKETS = 2000;

export interface QueryRouteOptions {
  /** Outcomes of the carbon-aware scheduler; undefined (or resolving to undefined) = no scheduler runs yet. */
  schedulerOutcomes?: () => Promise<SchedulerOutcomes | undefined>;
  /** Roll-ups (default) or every interval (the baseline and drill-down path; the same numbers). */
  source?: FootprintSource;
  /** KPIs appended to /api/kpis after the core and scope KPIs (budget utilisation, target status, lifecycle …). */
  kpiContributors?: readonly KpiAppender[];
}

const instant = z.string().transform((s, ctx) => {
  const t = parseIsoInstant(s);
  if (!Number.isFinite(t)) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not an ISO-8601 instant with a zone (e.g. 2026-11-01T00:00:00Z or 2026-11-01)` });
    return z.NEVER;
  }
  return t;
});
const label = z.string().min(1).max(128);
const windowFields = { from: instant.optional(), to: instant.optional() };
const filterFields = { team: label.optional(), region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected an AWS region like eu-west-1').optional() };

const FootprintQuery = z.object({ by: z.enum(['team', 'region', 'kind', 'job', 'endpoint', 'instance', 'day', 'model', 'project']).default('team'), ...windowFields, ...filterFields }).strict();
const TimeseriesQuery = z.object({ stack: z.enum(STACK_DIMENSIONS).default('team'), bucket: z.enum(BUCKETS).default('hour'), ...windowFields, ...filterFields }).strict();
const TopQuery = z.object({ kind: z.enum(['job', 'endpoint', 'instance']).default('job'), limit: z.coerce.number().int().min(1).max(100).default(10), ...windowFields, ...filterFields }).strict();
const HeatmapQuery = z.object({ region: filterFields.region.unwrap(), ...windowFields }).strict();
const KpisQuery = z.object({ ...windowFields, ...filterFields }).strict();
const SchedulerQuery = z.object({ ...windowFields, ...filterFields }).strict();
const EmptyQuery = z.object({}).strict();

const params = (q: URLSearchParams): Record<string, string> => Object.fromEntries(q.entries());
const ok = (body: unknown) => ({ status: 200, body });

/** Resolve from/to against the data the store holds (the shared default window); 400 when reversed or too long. */
async function resolveWindow(store: FootprintStore, q: { from?: number; to?: number }, maxSec = MAX_WINDOW_SEC, defaultSpanSec?: number): Promise<Window> {
  if (q.from !== undefined && q.to !== undefined && q.from >= q.to) throw new HttpError(400, 'invalid query: from must be before to', [{ field: 'from', message: 'must be before to' }]);
  let startSec = q.from;
  let endSec = q.to;
  if (startSec === undefined || endSec === undefined) {
    const all = (await dataWindow(store)) ?? { startSec: 0, endSec: 0 };
    endSec ??= all.endSec;
    startSec ??= defaultSpanSec !== undefined ? Math.max(all.startSec, endSec - defaultSpanSec) : all.startSec;
    if (startSec >= endSec) startSec = endSec - DAY_SEC;
  }
  if (endSec - startSec > maxSec) {
    throw new HttpError(400, `invalid query: window longer than ${maxSec / DAY_SEC} days`, [{ field: 'to', message: `window longer than ${maxSec / DAY_SEC} days` }]);
  }
  return { startSec, endSec };
}

const filterOf = (q: { team?: string; region?: string }): ViewFilter => ({ team: q.team, region: q.region });

const windowBody = (w: Window) => ({ from: isoUtc(w.startSec), to: isoUtc(w.endSec) });

/** Best hourly series of a zone from the providers in priority order (same chain as the collector's resolver). */
export const hourlyIntensity = (providers: readonly IntensityProvider[], zone: string, signal: IntensitySignal, w: Window): Promise<IntensityPoint[]> =>
  fetchHourly(providers, zone, signal, w); // a view: a failing provider (unknown zone, outage) never blanks it

export type KpiSources = Pick<QueryDeps, 'store' | 'intensityProviders' | 'signal'> & Partial<Pick<QueryDeps, 'attributionKeys' | 'instruments' | 'regionInfo' | 'lifecycle' | 'optimisations'>>;

/** KPIs a capability appends to the report for a window (e.g. budget utilisation and target status). */
export type KpiAppender = (w: Window) => Promise<Kpi[]>;

export interface KpiLoadOptions {
  scheduler?: SchedulerOutcomes;
  filter?: ViewFilter;
  source?: FootprintSource;
  /** Appended after the core and scope KPIs (they report on the whole account, not the filter). */
  appenders?: readonly KpiAppender[];
  /** Bound of the interval-based KPIs; default MAX_INTERVAL_KPI_INTERVALS (tests pass a small one). */
  maxIntervalKpiIntervals?: number;
}
/** Resources that pass a team/region filter (team resolved from their tags, as the collector attributes them). */
export function filterResources(rs: readonly ResourceRef[], f: ViewFilter, keys: AttributionKeys = DEFAULT_ATTRIBUTION_KEYS): ResourceRef[] {
  return rs.filter((r) => (f.region === undefined || r.region === f.region) && (f.team === undefined || resolveAttribution(r.tags, keys).team === f.team));
}

/** Scheduler outcomes of the jobs that pass a team/region/time filter (jobs carry their owner tags, regions and hours). */
export function filterScheduler(s: SchedulerOutcomes | undefined, f: ViewFilter, w: Window | undefined, keys: AttributionKeys = DEFAULT_ATTRIBUTION_KEYS): SchedulerOutcomes | undefined {
  if (!s) return s;
  const jobs = s.jobs.filter((j) =>
    (f.team === undefined || resolveAttribution(j.ownerTags ?? {}, keys).team === f.team) &&
    (f.region === undefined || (j.regions ?? []).includes(f.region)) &&
    (w === undefined || j.startSec === undefined || j.endSec === undefined || (j.startSec < w.endSec && j.endSec > w.startSec)));
  return { jobs };
}

/** Account-wide KPIs computed from the window's intervals (read once per request and shared), in report order. */
type IntervalKpiContributor = (
  d: KpiSources,
  x: { w: Window; intervals: FootprintInterval[]; resources: readonly ResourceRef[] },
) => Promise<{ kpis: Kpi[]; demo?: boolean }>;
const INTERVAL_KPIS: readonly IntervalKpiContributor[] = [
  async (d, x) => ({ kpis: await scopeKpiContributor(d, x.w, x.intervals) }), // SCI per inference, embodied, renewable share, CFE %, market-based
  async (d, x) => ({ kpis: await lifecycleKpiContributor(d, x.w, x) }),
  (d, x) => optimisationKpiContributor(d.optimisations, x.intervals, x.w),
];

/** How long the KPIs' trailing hourly intensity of a zone is shared by requests (as the inventory snapshot is). */
export const INTENSITY_SNAPSHOT_MS = 30_000;
const intensitySnapshots = new WeakMap<object, Map<string, { atMs: number; points: Promise<IntensityPoint[]> }>>();

/**
 * The hourly series of a zone over a window for the low-carbon KPI, shared by requests for INTENSITY_SNAPSHOT_MS: every
 * KPI request of a 30-day view reads 60 days per training zone, and an import or ingest reaches the KPI within that time.
 */
function trailingIntensity(providers: readonly IntensityProvider[], zone: string, signal: IntensitySignal, w: Window): Promise<IntensityPoint[]> {
  let m = intensitySnapshots.get(providers);
  if (!m) intensitySnapshots.set(providers, (m = new Map()));
  const k = JSON.stringify([zone, signal, w.startSec, w.endSec]);
  const hit = m.get(k);
  const now = Date.now();
  if (hit && now - hit.atMs < INTENSITY_SNAPSHOT_MS) return hit.points;
  for (const [key, v] of m) if (now - v.atMs >= INTENSITY_SNAPSHOT_MS) m.delete(key);
  const points = hourlyIntensity(providers, zone, signal, w);
  m.set(k, { atMs: now, points });
  points.catch(() => m!.delete(k));
  return points;
}

/** Gather what the KPIs need (the window's facts, resources, 30 days of trailing hourly intensity) and compute them. */
export async function loadKpiReport(d: KpiSources, w: Window, opts: KpiLoadOptions = {}): Promise<KpiReport> {
  const f = opts.filter ?? {};
  const [{ view, provenance }, resources] = await Promise.all([loadFootprintView(d.store, w, { entries: true, source: opts.source }), inventorySnapshot(d.store)]);
  const facts = memoOfView(d.store, provenance, JSON.stringify(['kpi-facts', f.team, f.region]), () => kpiFactsOfView(view, f));
  const zones = [...new Set([...facts.trainingLowCarbon.keys()].map((k) => k.split('\u001f')[0]))].sort();
  const zoneHourly = new Map<string, IntensityPoint[]>(
    await Promise.all(zones.map(async (zone) => [zone, await trailingIntensity(d.intensityProviders, zone, d.signal, { startSec: w.startSec - LOW_CARBON_TRAILING_SEC, endSec: w.endSec })] as const)),
  );
  const keys = d.attributionKeys ?? DEFAULT_ATTRIBUTION_KEYS;
  const report = computeKpis({ window: w, facts, resources: filterResources(resources, f, keys), zoneHourly, scheduler: filterScheduler(opts.scheduler, f, w, keys) }, CORE_KPIS);
  // INTERVAL_KPIS are account-wide and read the window's intervals (once, shared; not from roll-ups yet). Bounded:
  // above MAX_INTERVAL_KPI_INTERVALS (counted from the view, no read) one KPI says why they are not computed.
  const stored = intervalsInView(view);
  const maxIntervals = opts.maxIntervalKpiIntervals ?? MAX_INTERVAL_KPI_INTERVALS;
  if (stored > maxIntervals) report.kpis.push(intervalKpisTooLarge(stored, maxIntervals));
  else {
    const x = { w, intervals: w.endSec > w.startSec ? await d.store.queryIntervals(w) : [], resources };
    for (const c of INTERVAL_KPIS) {
      const r = await c(d, x);
      report.kpis.push(...r.kpis);
      report.demo ||= r.demo === true;
    }
  }
  for (const c of opts.appenders ?? []) report.kpis.push(...(await c(w)));
  return report;
}

/**
 * Most intervals the interval-based KPIs (scope, lifecycle, optimisation) read in one request. Measured by bench:query
 * at 0.13–0.25 ms per interval read through the DynamoDB API (dynalite, two cores), so at most ≈ 7–12 s of work for
 * one request; the 14-day demo holds about 6,000, 70 GPU resources for a month about 50,000.
 */
export const MAX_INTERVAL_KPI_INTERVALS = 50_000;

/** Intervals a view covers (the cells' counts: read from roll-ups, nothing queried). */
export function intervalsInView(v: FootprintView): number {
  let n = 0;
  for (const cells of v.days.values()) for (const c of cells.values()) n += countOf(c, 'intervals');
  return n;
}

const intervalKpisTooLarge = (n: number, max: number): Kpi => ({
  id: 'interval-kpis',
  label: 'Scope, lifecycle and optimisation KPIs',
  unit: '',
  value: null,
  reason: `not computed: the window holds ${n} intervals, more than the ${max} these KPIs read per request; narrow the window (from/to) to see them`,
});

/** The footprint report of a window by a dimension (roll-ups, or intervals as the baseline), and its intensity sources. */
export async function loadReport(store: FootprintStore, w: Window, by: ReportDimension, f: ViewFilter = {}, source?: FootprintSource): Promise<{ report: Report; sources: string[] }> {
  const cellOnly = by === 'team' || by === 'region' || by === 'kind' || by === 'day';
  const { view, provenance } = await loadFootprintView(store, w, { entries: !cellOnly, source });
  return memoOfView(store, provenance, JSON.stringify(['report', by, f.team, f.region]), () => ({ report: reportOfView(view, by, f), sources: reportSources(view, by, f) }));
}
/** The query routes, bound to the app's dependencies. */
export function queryRoutes(deps: QueryDeps, opts: QueryRouteOptions = {}): Route[] {
  const store = deps.store;
  const source = opts.source;
  const keys = deps.attributionKeys ?? DEFAULT_ATTRIBUTION_KEYS;
  const scheduler = async () => (opts.schedulerOutcomes ? await opts.schedulerOutcomes() : undefined);
  return [
    {
      method: 'GET',
      path: '/api/footprint',
      handle: async (req) => {
        const q = validate(FootprintQuery, params(req.query), 'query');
        const w = await resolveWindow(store, q);
        const { report: r } = await loadReport(store, w, q.by, filterOf(q), source);
        return ok({ ...windowBody(w), by: r.by, rows: r.rows, totals: r.totals, signals: r.signals, demo: r.demo, filters: { team: q.team, region: q.region } });
      },
    },
    {
      method: 'GET',
      path: '/api/timeseries',
      handle: async (req) => {
        const q = validate(TimeseriesQuery, params(req.query), 'query');
        const w = await resolveWindow(store, q);
        const step = q.bucket === 'hour' ? HOUR_SEC : DAY_SEC;
        if ((w.endSec - alignDown(w.startSec, step)) / step > MAX_TIMESERIES_BUCKETS) {
          throw new HttpError(400, `invalid query: more than ${MAX_TIMESERIES_BUCKETS} buckets; use bucket=day or a shorter window`, [{ field: 'bucket', message: 'too many buckets for the window' }]);
        }
        const { view, provenance } = await loadFootprintView(store, w, { source });
        const f = filterOf(q);
        const series = memoOfView(store, provenance, JSON.stringify(['timeseries', q.stack, q.bucket, f.team, f.region]), () => timeseriesOfView(view, w, q.stack, q.bucket, f));
        return ok({ ...windowBody(w), ...series, filters: { team: q.team, region: q.region } });
      },
    },
    {
      method: 'GET',
      path: '/api/top',
      handle: async (req) => {
        const q = validate(TopQuery, params(req.query), 'query');
        const w = await resolveWindow(store, q);
        const { view, provenance } = await loadFootprintView(store, w, { entries: true, source });
        const f = filterOf(q);
        const t = memoOfView(store, provenance, JSON.stringify(['top', q.kind, q.limit, f.team, f.region]), () => topOfView(view, q.kind, q.limit, f));
        return ok({ ...windowBody(w), kind: q.kind, rows: t.rows, totalRows: t.totalRows, totals: t.totals, demo: t.demo, filters: { team: q.team, region: q.region } });
      },
    },
    {
      method: 'GET',
      path: '/api/intensity/heatmap',
      handle: async (req) => {
        const q = validate(HeatmapQuery, params(req.query), 'query');
        const info = deps.regionInfo(q.region);
        if (!info) throw new HttpError(400, `invalid query: region: unknown region ${q.region}`, [{ field: 'region', message: 'unknown region' }]);
        const w0 = await resolveWindow(store, q, MAX_HEATMAP_SEC, 7 * DAY_SEC);
        const w = { startSec: alignDown(w0.startSec, DAY_SEC), endSec: alignUp(w0.endSec, DAY_SEC) };
        if (w.endSec - w.startSec > MAX_HEATMAP_SEC) w.startSec = w.endSec - MAX_HEATMAP_SEC;
        const zone = signalZone(info, deps.signal);
        if (!zone) {
          const message = noSignalZoneMessage(q.region, deps.signal);
          throw new HttpError(400, `invalid query: region: ${message}`, [{ field: 'region', message }]);
        }
        const points = await hourlyIntensity(deps.intensityProviders, zone, deps.signal, w);
        const days = Array.from({ length: (w.endSec - w.startSec) / DAY_SEC }, (_, k) => utcDay(w.startSec + k * DAY_SEC));
        const cells: (number | null)[][] = days.map(() => new Array<number | null>(24).fill(null));
        for (const p of points) {
          const d = Math.floor((p.tSec - w.startSec) / DAY_SEC);
          const h = Math.floor((p.tSec % DAY_SEC) / HOUR_SEC);
          if (d >= 0 && d < days.length) cells[d][h] = p.gPerKwh;
        }
        const values = points.map((p) => p.gPerKwh);
        const providers = [...new Set(points.map((p) => p.provider))].sort();
        const qualities = [...new Set(points.map((p) => p.quality))].sort();
        return ok({
          ...windowBody(w),
          region: q.region, zone, zoneSource: info.zoneSource,
          signal: deps.signal, providers, qualities, unit: 'gCO2e/kWh',
          days, cells,
          min: values.length ? Math.min(...values) : null,
          max: values.length ? Math.max(...values) : null,
          demo: qualities.includes('demo'),
        });
      },
    },
    {
      method: 'GET',
      path: '/api/kpis',
      handle: async (req) => {
        const q = validate(KpisQuery, params(req.query), 'query');
        const w = await resolveWindow(store, q);
        const r = await loadKpiReport(deps, w, { scheduler: await scheduler(), filter: filterOf(q), source, appenders: opts.kpiContributors });
        return ok({ ...windowBody(w), kpis: r.kpis, signals: r.signals, demo: r.demo, filters: { team: q.team, region: q.region } });
      },
    },
    {
      method: 'GET',
      path: '/api/scheduler',
      handle: async (req) => {
        const q = validate(SchedulerQuery, params(req.query), 'query');
        const filtered = q.team !== undefined || q.region !== undefined || q.from !== undefined || q.to !== undefined;
        if (q.from !== undefined && q.to !== undefined && q.from >= q.to) throw new HttpError(400, 'invalid query: from must be before to', [{ field: 'from', message: 'must be before to' }]);
        const all = await scheduler();
        const w = q.from !== undefined || q.to !== undefined ? { startSec: q.from ?? -Infinity, endSec: q.to ?? Infinity } : undefined;
        const s = filterScheduler(all, filterOf(q), w, keys);
        if (!all || !all.jobs.length) return ok({ available: false, reason: 'no scheduler runs yet', jobs: [], demo: false });
        if (!s || !s.jobs.length) return ok({ available: false, reason: filtered ? 'no data for this filter' : 'no scheduler runs yet', jobs: [], demo: false, filters: { team: q.team, region: q.region } });
        const runNowCo2eKg = s.jobs.reduce((a, j) => a + j.runNowCo2eKg, 0);
        const realisedCo2eKg = s.jobs.reduce((a, j) => a + j.realisedCo2eKg, 0);
        return ok({ available: true, jobs: s.jobs, totals: { runNowCo2eKg, realisedCo2eKg, savedCo2eKg: runNowCo2eKg - realisedCo2eKg }, demo: false, filters: { team: q.team, region: q.region } });
      },
    },
    {
      method: 'GET',
      path: '/api/meta',
      handle: async (req) => {
        validate(EmptyQuery, params(req.query), 'query');
        const [w, resources] = await Promise.all([dataWindow(store), inventorySnapshot(store)]);
        const teams = new Set<string>();
        const regions = new Set(resources.map((r) => r.region));
        if (w) {
          // Teams and regions from the day manifests of the last 93 days (one query), or the older per-day roll-up rows.
          const lastDay = alignDown(w.endSec - 1, DAY_SEC);
          const firstDay = Math.max(alignDown(w.startSec, DAY_SEC), lastDay - MAX_WINDOW_SEC);
          if (hasRollupPieces(store)) {
            for (const m of await store.getRollupManifests(utcDay(firstDay), utcDay(lastDay))) {
              for (const t of m.teams) teams.add(t);
              for (const r of m.regions) regions.add(r);
            }
          }
          if (!teams.size) {
            for (let t = lastDay; t >= firstDay; t -= DAY_SEC) {
              for (const row of await store.getRollups(utcDay(t))) {
                if (row.dimension === 'team') teams.add(row.key);
                if (row.dimension === 'region') regions.add(row.key);
              }
            }
          }
        }
        return ok({
          from: w ? isoUtc(w.startSec) : null,
          to: w ? isoUtc(w.endSec) : null,
          regions: [...regions].sort(),
          teams: [...teams].sort(),
          resources: resources.length,
          signal: deps.signal,
          dimensions: REPORT_DIMENSIONS,
          kinds: Object.keys(KIND_OF_VIEW),
          demo: resources.some((r) => r.demo === true),
        });
      },
    },
  ];
}
