/**
 * Use case (scheduled hourly; runs locally too): for every monitored zone and signal, fetch recent actuals and the
 * provider's forecast from the configured live providers, compute our own forecast from the stored history, store
 * everything with provenance, and announce late actuals so affected footprint intervals are recomputed.
 *
 * One provider per (zone, signal) — the first configured one that serves it — so two sources never overwrite each
 * other's actuals hour by hour. No provider configured is not an error: fetching is skipped with a log line, and
 * our forecast is still made from whatever history is stored (e.g. imported files).
 */
import { z } from 'zod';
import { FORECASTER_VERSION, MAX_HORIZON_H, forecastHourly } from '../domain/intensity/forecaster';
import { signalZone, type RegionInfo } from '../domain/regions/region-catalog';
import { alignDown, HOUR_SEC, type EpochSec, type Window } from '../domain/time';
import type { IntensityPoint, IntensitySignal } from '../domain/types';
import type { Clock, EventPublisher } from '../ports';
import type { IntensityStore, StoredIntensityPoint } from '../ports/intensity-store';
import type { LiveProvider } from '../adapters/intensity/live-providers';
import { EVENT_SOURCE } from '../pipeline';

export const INTENSITY_ACTUALS_UPDATED = 'Intensity Actuals Updated';
export const SIGNALS = ['average-lifecycle', 'average-direct', 'marginal'] as const satisfies readonly IntensitySignal[];

/** Event detail: stored actuals changed for [fromSec, toSec) of one zone and signal. */
export const IntensityActualsUpdated = z
  .object({
    zone: z.string().min(1),
    signal: z.enum(SIGNALS),
    fromSec: z.number().int().nonnegative(),
    toSec: z.number().int().positive(),
  })
  .refine((d) => d.fromSec < d.toSec, { message: 'fromSec must be before toSec', path: ['toSec'] });
export type IntensityActualsUpdated = z.infer<typeof IntensityActualsUpdated>;

export interface IngestTarget {
  zone: string;
  signal: IntensitySignal;
}

/** Zones to ingest: the Electricity Maps zone for average signals, the WattTime region for marginal; deduplicated. */
export function ingestTargets(regions: readonly string[], regionInfo: (r: string) => RegionInfo | undefined, signals: readonly IntensitySignal[]): { targets: IngestTarget[]; unknown: string[] } {
  const seen = new Set<string>();
  const targets: IngestTarget[] = [];
  const unknown: string[] = [];
  for (const region of regions) {
    const info = regionInfo(region);
    if (!info) {
      unknown.push(region);
      continue;
    }
    for (const signal of signals) {
      const zone = signalZone(info, signal);
      if (!zone || seen.has(`${zone}|${signal}`)) continue;
      seen.add(`${zone}|${signal}`);
      targets.push({ zone, signal });
    }
  }
  return { targets, unknown };
}

export type IngestLog = (message: string, fields?: Record<string, unknown>) => void;

export interface IngestDeps {
  store: IntensityStore;
  /** Configured live providers in priority order; empty = none configured. */
  providers: readonly LiveProvider[];
  clock: Clock;
  publisher?: EventPublisher;
  log: IngestLog;
  /** Actuals re-fetched each run, hours (late corrections and gaps within it are picked up). Default 48. */
  actualsLookbackH?: number;
  /** Our forecast's horizon, hours (≤ 96). Default 96. */
  forecastHorizonH?: number;
  /** Stored history our forecaster learns from, hours. Default 8 weeks (the forecaster's 6-week training window + lookback). */
  historyH?: number;
  /** Fewest stored actual hours before we forecast: the seasonal baseline is the same hour over the last 7 days. Default 168. */
  minHistoryH?: number;
}

export interface IngestResult {
  targets: number;
  providers: string[];
  actualsWritten: number;
  providerForecastsWritten: number;
  ownForecastsWritten: number;
  events: IntensityActualsUpdated[];
  skipped: { zone: string; signal: IntensitySignal; reason: string }[];
  errors: { zone: string; signal: IntensitySignal; step: string; error: string }[];
}

export const OWN_FORECAST_PROVIDER = `CarbonPilot forecaster ${FORECASTER_VERSION}`;

export const makeIngestIntensity = (d: IngestDeps) =>
  async (targets: readonly IngestTarget[]): Promise<IngestResult> => {
    const nowSec = d.clock.nowSec();
    const issueHour = alignDown(nowSec, HOUR_SEC);
    const lookbackH = d.actualsLookbackH ?? 48;
    const res: IngestResult = {
      targets: targets.length,
      providers: d.providers.map((p) => p.name),
      actualsWritten: 0,
      providerForecastsWritten: 0,
      ownForecastsWritten: 0,
      events: [],
      skipped: [],
      errors: [],
    };
    if (!d.providers.length) {
      d.log('intensity ingest: no live providers configured (set ELECTRICITYMAPS_API_TOKEN or WATTTIME_USERNAME/WATTTIME_PASSWORD, or NESO_ENABLED=true); fetching skipped');
    }
    for (const t of targets) {
      const fail = (step: string, e: unknown) => res.errors.push({ ...t, step, error: e instanceof Error ? e.message : String(e) });
      const provider = d.providers.find((p) => p.signals.includes(t.signal) && p.supportsZone(t.zone));
      if (d.providers.length && !provider) res.skipped.push({ ...t, reason: `no configured provider serves ${t.signal} for ${t.zone}` });
      if (provider) {
        // 1. Recent actuals: overwrite per hour; announce the hours whose stored value is new or changed.
        try {
          const window = { startSec: issueHour - lookbackH * HOUR_SEC, endSec: issueHour + HOUR_SEC };
          const fetched = await provider.getSeries(t.zone, t.signal, window);
          const { actuals, forecasts } = splitByQuality(fetched, t, nowSec);
          const changed = await changedActuals(d.store, t, window, actuals);
          res.actualsWritten += (await d.store.putPoints(actuals)).written;
          res.providerForecastsWritten += (await d.store.putPoints(forecasts)).written;
          if (changed) res.events.push({ ...t, fromSec: changed.startSec, toSec: changed.endSec });
        } catch (e) {
          fail(`actuals from ${provider.name}`, e);
        }
        // 2. The provider's forecast: a new vintage (older vintages are kept).
        try {
          const f = await provider.getForecast(t.zone, t.signal, nowSec);
          res.providerForecastsWritten += (await d.store.putPoints(splitByQuality(f, t, nowSec).forecasts)).written;
        } catch (e) {
          fail(`forecast from ${provider.name}`, e);
        }
      }
      // 3. Our own forecast from stored actuals only (never from forecasts), issued now.
      try {
        const own = await ownForecast(d, t, nowSec, issueHour);
        if (typeof own === 'string') {
          if (provider) res.skipped.push({ ...t, reason: own });
        } else res.ownForecastsWritten += (await d.store.putPoints(own)).written;
      } catch (e) {
        fail('own forecast', e);
      }
    }
    if (d.publisher && res.events.length) {
      await d.publisher.publish(res.events.map((detail) => ({ source: EVENT_SOURCE, detailType: INTENSITY_ACTUALS_UPDATED, detail })));
    }
    return res;
  };

/** Provider points for this target only, labelled: actuals as they are; forecasts carry an issue time. */
function splitByQuality(points: readonly IntensityPoint[], t: IngestTarget, nowSec: EpochSec) {
  const actuals: StoredIntensityPoint[] = [];
  const forecasts: StoredIntensityPoint[] = [];
  for (const p of points) {
    if (p.zone !== t.zone || p.signal !== t.signal || !Number.isFinite(p.gPerKwh)) continue;
    if (p.quality === 'actual') actuals.push(p);
    else if (p.quality === 'provider-forecast') forecasts.push({ ...p, issuedAtSec: p.issuedAtSec ?? p.fetchedAtSec ?? nowSec });
  }
  return { actuals, forecasts };
}

/** The span of hours whose incoming actual differs from (or is absent in) the store, or undefined. */
async function changedActuals(store: IntensityStore, t: IngestTarget, w: Window, incoming: readonly StoredIntensityPoint[]): Promise<Window | undefined> {
  if (!incoming.length) return undefined;
  const before = new Map((await store.getActuals(t.zone, t.signal, w)).map((p) => [p.tSec, p]));
  let from = Infinity;
  let to = -Infinity;
  for (const p of incoming) {
    const b = before.get(p.tSec);
    if (b && b.gPerKwh === p.gPerKwh && b.provider === p.provider && b.periodSec === p.periodSec) continue;
    from = Math.min(from, p.tSec);
    to = Math.max(to, p.tSec + p.periodSec);
  }
  return from < to ? { startSec: from, endSec: to } : undefined;
}

/** Our forecast points (value = point forecast, low/high = 90 % interval), or the reason there is none. */
async function ownForecast(d: IngestDeps, t: IngestTarget, nowSec: EpochSec, issueHour: EpochSec): Promise<StoredIntensityPoint[] | string> {
  const historyH = d.historyH ?? 8 * 7 * 24;
  const first = issueHour - historyH * HOUR_SEC;
  const stored = await d.store.getActuals(t.zone, t.signal, { startSec: first, endSec: issueHour });
  const history = new Array<number>(historyH).fill(NaN);
  const bases = new Set<string>();
  let n = 0;
  for (const p of stored) {
    const i = (p.tSec - first) / HOUR_SEC;
    if (p.periodSec !== HOUR_SEC || !Number.isInteger(i) || i < 0 || i >= historyH) continue;
    history[i] = p.gPerKwh;
    bases.add(p.provider);
    n++;
  }
  const minH = d.minHistoryH ?? 168;
  if (n < minH) return `own forecast needs ≥ ${minH} stored actual hours, ${n} stored`;
  const horizonH = Math.min(MAX_HORIZON_H, d.forecastHorizonH ?? MAX_HORIZON_H);
  const f = forecastHourly(history, horizonH, { firstHourSec: first });
  const out: StoredIntensityPoint[] = [];
  for (let h = 0; h < horizonH; h++) {
    if (!Number.isFinite(f.point[h])) continue;
    out.push({
      tSec: issueHour + h * HOUR_SEC,
      periodSec: HOUR_SEC,
      gPerKwh: Math.max(0, f.point[h]),
      lowGPerKwh: Math.max(0, f.low[h]),
      highGPerKwh: Math.max(0, f.high[h]),
      zone: t.zone,
      signal: t.signal,
      provider: `${OWN_FORECAST_PROVIDER} on ${[...bases].sort().join('+')}`,
      quality: 'own-forecast',
      issuedAtSec: nowSec,
      fetchedAtSec: nowSec,
    });
  }
  return out;
}
