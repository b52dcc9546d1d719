/**
 * The read-only query API behind the dashboard (and the `kpis` CLI): footprint by dimension, stacked time series,
 * top emitters, per-region intensity heatmap, KPIs, scheduler outcomes and metadata. Parameters are validated with
 * zod; a bad one is a 400 naming it. Every body says `demo: true` when the data is the generated demo fleet.
 */
import { z } from 'zod';
import type { QueryDeps } from '../composition/deps';
import { aggregate, REPORT_DIMENSIONS } from '../domain/footprint/aggregate';
import { BUCKETS, STACK_DIMENSIONS, stackedTimeseries } from '../domain/footprint/timeseries';
import { fetchHourly } from '../use-cases/intensity-resolver';
import { computeKpis, LOW_CARBON_TRAILING_SEC, type KpiReport, type SchedulerOutcomes } from '../domain/kpis';
import { alignDown, alignUp, DAY_SEC, HOUR_SEC, isoUtc, parseIsoInstant, utcDay, type Window } from '../domain/time';
import { noSignalZoneMessage, signalZone } from '../domain/regions/region-catalog';
import type { FootprintInterval, IntensityPoint, IntensitySignal } from '../domain/types';
import type { FootprintStore, IntensityProvider } from '../ports';
import { dataWindow } from '../use-cases/data-window';
import { contributeOptimisationKpis } from '../use-cases/optimise-ledger';
import { HttpError, validate, type Route } from './router';

/** Longest window one request may aggregate (keeps a single query bounded). */
export const MAX_WINDOW_SEC = 93 * DAY_SEC;
export const MAX_HEATMAP_SEC = 31 * DAY_SEC;
export const MAX_TIMESERIES_BUCKETS = 2000;

export interface QueryRouteOptions {
  /** Outcomes of the carbon-aware scheduler; undefined (or resolving to undefined) = no scheduler runs yet. */
  schedulerOutcomes?: () => Promise<SchedulerOutcomes | undefined>;
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
const KpisQuery = z.object({ ...windowFields }).strict();
const EmptyQuery = z.object({}).strict();

const params = (q: URLSearchParams): Record<string, string> => Object.fromEntries(q.entries());
const ok = (body: unknown) => ({ status: 200, body });

/** Resolve from/to against the data the store holds; 400 when reversed or too long. */
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

const filtered = (xs: FootprintInterval[], f: { team?: string; region?: string }): FootprintInterval[] =>
  xs.filter((i) => (f.team === undefined || i.attribution.team === f.team) && (f.region === undefined || i.region === f.region));

const windowBody = (w: Window) => ({ from: isoUtc(w.startSec), to: isoUtc(w.endSec) });

/** Best hourly series of a zone from the providers in priority order (same chain as the collector's resolver). */
export const hourlyIntensity = (providers: readonly IntensityProvider[], zone: string, signal: IntensitySignal, w: Window): Promise<IntensityPoint[]> =>
  fetchHourly(providers, zone, signal, w); // a view: a failing provider (unknown zone, outage) never blanks it

export type KpiSources = Pick<QueryDeps, 'store' | 'intensityProviders' | 'signal' | 'optimisations'>;

/** Gather what the KPIs need (intervals, resources, 30 days of trailing hourly intensity) and compute them. */
export async function loadKpiReport(d: KpiSources, w: Window, scheduler?: SchedulerOutcomes): Promise<KpiReport> {
  const [intervals, resources] = await Promise.all([d.store.queryIntervals(w), d.store.listAllResources()]);
  const zones = [...new Set(intervals.filter((i) => i.kind === 'training-job').map((i) => i.intensityZone))].sort();
  const zoneHourly = new Map<string, IntensityPoint[]>();
  for (const zone of zones) {
    zoneHourly.set(zone, await hourlyIntensity(d.intensityProviders, zone, d.signal, { startSec: w.startSec - LOW_CARBON_TRAILING_SEC, endSec: w.endSec }));
  }
  return contributeOptimisationKpis(computeKpis({ window: w, intervals, resources, zoneHourly, scheduler }), d.optimisations, intervals);
}

/** The query routes, bound to the app's dependencies. */
export function queryRoutes(deps: QueryDeps, opts: QueryRouteOptions = {}): Route[] {
  const store = deps.store;
  const scheduler = async () => (opts.schedulerOutcomes ? await opts.schedulerOutcomes() : undefined);
  return [
    {
      method: 'GET',
      path: '/api/footprint',
      handle: async (req) => {
        const q = validate(FootprintQuery, params(req.query), 'query');
        const w = await resolveWindow(store, q);
        const r = aggregate(filtered(await store.queryIntervals(w), q), q.by);
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
        return ok({ ...windowBody(w), ...stackedTimeseries(filtered(await store.queryIntervals(w), q), w, q.stack, q.bucket) });
      },
    },
    {
      method: 'GET',
      path: '/api/top',
      handle: async (req) => {
        const q = validate(TopQuery, params(req.query), 'query');
        const w = await resolveWindow(store, q);
        const xs = filtered(await store.queryIntervals(w), q);
        const r = aggregate(xs, q.kind);
        const about = new Map<string, FootprintInterval>();
        const kind = q.kind === 'job' ? 'training-job' : q.kind === 'endpoint' ? 'endpoint' : 'ec2-instance';
        for (const i of xs) if (i.kind === kind && !about.has(i.resourceId)) about.set(i.resourceId, i);
        const rows = r.rows.slice(0, q.limit).map((row) => {
          const i = about.get(row.key);
          return { ...row, team: i?.attribution.team, model: i?.attribution.model, region: i?.region, instanceType: i?.instanceType };
        });
        return ok({ ...windowBody(w), kind: q.kind, rows, totalRows: r.rows.length, totals: r.totals, demo: r.demo });
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
        const r = await loadKpiReport(deps, w, await scheduler());
        return ok({ ...windowBody(w), kpis: r.kpis, signals: r.signals, demo: r.demo });
      },
    },
    {
      method: 'GET',
      path: '/api/scheduler',
      handle: async (req) => {
        validate(EmptyQuery, params(req.query), 'query');
        const s = await scheduler();
        if (!s || !s.jobs.length) return ok({ available: false, reason: 'no scheduler runs yet', jobs: [], demo: false });
        const runNowCo2eKg = s.jobs.reduce((a, j) => a + j.runNowCo2eKg, 0);
        const realisedCo2eKg = s.jobs.reduce((a, j) => a + j.realisedCo2eKg, 0);
        return ok({ available: true, jobs: s.jobs, totals: { runNowCo2eKg, realisedCo2eKg, savedCo2eKg: runNowCo2eKg - realisedCo2eKg }, demo: false });
      },
    },
    {
      method: 'GET',
      path: '/api/meta',
      handle: async (req) => {
        validate(EmptyQuery, params(req.query), 'query');
        const [w, resources] = await Promise.all([dataWindow(store), store.listAllResources()]);
        const teams = new Set<string>();
        const regions = new Set(resources.map((r) => r.region));
        if (w) {
          // Teams come from the daily roll-ups (cheap), newest days first, at most the last 93 days.
          const lastDay = alignDown(w.endSec - 1, DAY_SEC);
          for (let t = lastDay; t >= Math.max(alignDown(w.startSec, DAY_SEC), lastDay - MAX_WINDOW_SEC); t -= DAY_SEC) {
            for (const row of await store.getRollups(utcDay(t))) {
              if (row.dimension === 'team') teams.add(row.key);
              if (row.dimension === 'region') regions.add(row.key);
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
          demo: resources.some((r) => r.demo === true),
        });
      },
    },
  ];
}
