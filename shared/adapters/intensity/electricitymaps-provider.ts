/**
 * Electricity Maps API v3 adapter (https://api.electricitymap.org/v3, header `auth-token`).
 *
 * - `/carbon-intensity/history?zone=` (last 24 h, also on the free tier) when the window lies in the
 *   last 24 h, otherwise `/carbon-intensity/past-range?zone=&start=&end=` in chunks of at most 10 days
 *   (the documented hourly range limit).
 * - `/carbon-intensity/forecast?zone=` for provider forecasts, `/carbon-intensity/latest?zone=` for "now".
 * - `emissionFactorType=lifecycle|direct` selects the signal; each returned point's own
 *   `emissionFactorType` decides `average-lifecycle` vs `average-direct`, and a point that disagrees with
 *   the requested signal is a schema mismatch (signals are never mixed silently). Electricity Maps has no
 *   marginal signal: a `marginal` request returns no points.
 * - Values are consumption-based (flow-traced) gCO2eq/kWh. `isEstimated` points are still the provider's
 *   best actual for that hour (quality 'actual'); `carbonIntensity: null` hours are left missing.
 * - With `carbonFreeShare`, the grid's carbon-free share of each hour comes from `/v3/power-breakdown/history` or
 *   `/past-range` (same window, same chunks): `fossilFreePercentage`, the share of consumption (flow-traced) from
 *   non-fossil sources — renewables and nuclear, i.e. what hourly 24/7 matching counts as carbon-free (Electricity
 *   Maps API v3 docs, power breakdown; the data portal's "Carbon-free energy percentage"). It lands on each point as
 *   `cfePct`; `null` hours stay unknown. A plan without that endpoint (401/403) or any failure of it only loses the
 *   share, with a note — the intensity series is returned as fetched.
 */
import { z } from 'zod';
import { alignDown, HOUR_SEC, parseIsoInstant, type EpochSec, type Window } from '../../domain/time';
import type { IntensityPoint, IntensitySignal } from '../../domain/types';
import {
  alignHourly,
  chunkWindow,
  fetchJson,
  forecastWindow,
  isoMinuteUtc,
  ProviderError,
  ProviderResponseError,
  type RawSample,
  type SeriesReport,
  zIsoInstant,
  HttpIntensityProvider,
  type HttpProviderOptions,
} from './http';

export const ELECTRICITY_MAPS_PROVIDER = 'Electricity Maps';
const DEFAULT_BASE_URL = 'https://api.electricitymap.org';
/** past-range accepts at most 10 days of hourly data per request (Electricity Maps API v3 docs). */
const PAST_RANGE_MAX_SEC = 10 * 24 * HOUR_SEC;
/** /history covers the last 24 hours (Electricity Maps API v3 docs). */
const HISTORY_SPAN_SEC = 24 * HOUR_SEC;

const emissionFactorType = z.enum(['lifecycle', 'direct']);
const GRANULARITY_SEC: Record<string, number> = { '5_minutes': 300, '15_minutes': 900, hourly: HOUR_SEC };

export const EmPointSchema = z.object({
  zone: z.string().optional(),
  carbonIntensity: z.number().nonnegative().nullable(),
  datetime: zIsoInstant,
  updatedAt: zIsoInstant.optional(),
  createdAt: zIsoInstant.optional(),
  emissionFactorType: emissionFactorType.optional(),
  isEstimated: z.boolean().nullable().optional(),
  estimationMethod: z.string().nullable().optional(),
  temporalGranularity: z.string().optional(),
});
export const EmHistorySchema = z.object({ zone: z.string(), history: z.array(EmPointSchema) });
export const EmPastRangeSchema = z.object({ zone: z.string(), data: z.array(EmPointSchema) });
export const EmLatestSchema = EmPointSchema.extend({ zone: z.string() });
/** One hour of `/v3/power-breakdown/*` (only the field read here; the breakdowns themselves are not used). */
const EmBreakdownPointSchema = z.object({
  zone: z.string().optional(),
  datetime: zIsoInstant,
  fossilFreePercentage: z.number().min(0).max(100).nullable().optional(),
});
export const EmBreakdownHistorySchema = z.object({ zone: z.string(), history: z.array(EmBreakdownPointSchema) });
export const EmBreakdownPastRangeSchema = z.object({ zone: z.string(), data: z.array(EmBreakdownPointSchema) });
export const EmForecastSchema = z.object({
  zone: z.string(),
  forecast: z.array(
    z.object({ carbonIntensity: z.number().nonnegative().nullable(), datetime: zIsoInstant, emissionFactorType: emissionFactorType.optional() }),
  ),
  updatedAt: zIsoInstant.optional(),
  emissionFactorType: emissionFactorType.optional(),
});
type EmPoint = z.infer<typeof EmPointSchema>;

export interface ElectricityMapsProviderOptions extends HttpProviderOptions {
  credentials: { token: string };
  /** Also read the grid's carbon-free share per hour (power breakdown `fossilFreePercentage`) onto the points as `cfePct`. */
  carbonFreeShare?: boolean;
}

const SIGNAL_TO_EFT: Partial<Record<IntensitySignal, 'lifecycle' | 'direct'>> = { 'average-lifecycle': 'lifecycle', 'average-direct': 'direct' };
const EFT_TO_SIGNAL = { lifecycle: 'average-lifecycle', direct: 'average-direct' } as const;

/** Electricity Maps v3 as an `IntensityProvider` (average-lifecycle and average-direct signals). */
export class ElectricityMapsProvider extends HttpIntensityProvider<ElectricityMapsProviderOptions> {
  readonly name = ELECTRICITY_MAPS_PROVIDER;
  readonly signals: readonly IntensitySignal[] = ['average-lifecycle', 'average-direct'];

  constructor(o: ElectricityMapsProviderOptions) {
    super(o, DEFAULT_BASE_URL);
  }

  /** Hourly actuals for [window) with a report of gaps, duplicates and calls made. */
  protected async fetchSeries(zone: string, signal: IntensitySignal, window: Window): Promise<{ points: IntensityPoint[]; report: SeriesReport }> {
    const eft = SIGNAL_TO_EFT[signal];
    const fetchedAtSec = this.clock();
    if (!eft) throw new Error(`unreachable: ${signal} is not an Electricity Maps signal`);
    const raw: EmPoint[] = [];
    let apiCalls = 0;
    let field = 'data';
    const notes: string[] = [];
    if (window.startSec >= fetchedAtSec - HISTORY_SPAN_SEC) {
      const body = await this.get('/v3/carbon-intensity/history', { zone, emissionFactorType: eft }, EmHistorySchema);
      apiCalls++;
      this.checkZone(body.zone, zone, 'zone');
      for (const p of body.history) raw.push(p); // no spread: a response can be long
      field = 'history';
      notes.push('source: /v3/carbon-intensity/history');
    } else {
      for (const c of chunkWindow({ startSec: alignDown(window.startSec, HOUR_SEC), endSec: window.endSec }, PAST_RANGE_MAX_SEC)) {
        const body = await this.get(
          '/v3/carbon-intensity/past-range',
          { zone, start: isoMinuteUtc(c.startSec), end: isoMinuteUtc(c.endSec), emissionFactorType: eft },
          EmPastRangeSchema,
        );
        apiCalls++;
        this.checkZone(body.zone, zone, 'zone');
        for (const p of body.data) raw.push(p);
      }
      notes.push('source: /v3/carbon-intensity/past-range');
    }
    const samples: RawSample[] = [];
    raw.forEach((p, i) => {
      this.checkZone(p.zone, zone, `${field}.${i}.zone`);
      this.checkSignal(p.emissionFactorType, signal, `${field}.${i}.emissionFactorType`);
      if (p.carbonIntensity === null) return; // provider has no value for this hour: left missing
      samples.push({
        tSec: parseIsoInstant(p.datetime),
        periodSec: GRANULARITY_SEC[p.temporalGranularity ?? 'hourly'] ?? HOUR_SEC,
        gPerKwh: p.carbonIntensity,
        quality: 'actual',
        revisionSec: p.updatedAt ? parseIsoInstant(p.updatedAt) : undefined,
      });
    });
    const estimated = raw.filter((p) => p.isEstimated).length;
    if (estimated) notes.push(`${estimated} of ${raw.length} values flagged isEstimated by Electricity Maps`);
    const { points, report } = alignHourly(samples, window, { zone, signal, provider: this.name, fetchedAtSec });
    if (this.o.carbonFreeShare && points.length) {
      const cfe = await this.carbonFreeShares(zone, window, field === 'history');
      apiCalls += cfe.apiCalls;
      notes.push(...cfe.notes);
      for (const p of points) {
        const v = cfe.byHour.get(p.tSec);
        if (v !== undefined) p.cfePct = v;
      }
    }
    return { points, report: { ...report, apiCalls, notes } };
  }

  /** Carbon-free share per UTC hour (mean of the hour's values), from the power breakdown over the same window. */
  private async carbonFreeShares(zone: string, window: Window, recent: boolean): Promise<{ byHour: Map<EpochSec, number>; apiCalls: number; notes: string[] }> {
    const raw: z.infer<typeof EmBreakdownPointSchema>[] = [];
    let apiCalls = 0;
    try {
      if (recent) {
        const body = await this.get('/v3/power-breakdown/history', { zone }, EmBreakdownHistorySchema);
        apiCalls++;
        this.checkZone(body.zone, zone, 'zone');
        for (const p of body.history) raw.push(p);
      } else {
        for (const c of chunkWindow({ startSec: alignDown(window.startSec, HOUR_SEC), endSec: window.endSec }, PAST_RANGE_MAX_SEC)) {
          const body = await this.get('/v3/power-breakdown/past-range', { zone, start: isoMinuteUtc(c.startSec), end: isoMinuteUtc(c.endSec) }, EmBreakdownPastRangeSchema);
          apiCalls++;
          this.checkZone(body.zone, zone, 'zone');
          for (const p of body.data) raw.push(p);
        }
      }
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e;
      // The intensity is what the footprint needs; without the share, hourly CFE says "insufficient data" for those hours.
      return { byHour: new Map(), apiCalls, notes: [`carbon-free share unavailable (/v3/power-breakdown): ${e.message}`] };
    }
    const acc = new Map<EpochSec, { sum: number; n: number }>();
    for (const p of raw) {
      if (p.fossilFreePercentage === null || p.fossilFreePercentage === undefined) continue;
      const h = alignDown(parseIsoInstant(p.datetime), HOUR_SEC);
      const a = acc.get(h) ?? { sum: 0, n: 0 };
      a.sum += p.fossilFreePercentage;
      a.n++;
      acc.set(h, a);
    }
    const byHour = new Map([...acc].map(([h, a]) => [h, a.sum / a.n] as [EpochSec, number]));
    return { byHour, apiCalls, notes: [`carbon-free share: /v3/power-breakdown fossilFreePercentage for ${byHour.size} hour(s)`] };
  }

  /** Provider forecast issued at or before `issuedNowSec`, hourly from the hour containing it. */
  async getForecast(zone: string, signal: IntensitySignal, issuedNowSec: EpochSec): Promise<IntensityPoint[]> {
    const eft = SIGNAL_TO_EFT[signal];
    if (!eft) return [];
    const fetchedAtSec = this.clock();
    const body = await this.get('/v3/carbon-intensity/forecast', { zone, emissionFactorType: eft }, EmForecastSchema);
    this.checkZone(body.zone, zone, 'zone');
    this.checkSignal(body.emissionFactorType, signal, 'emissionFactorType');
    const issuedAtSec = body.updatedAt ? parseIsoInstant(body.updatedAt) : issuedNowSec;
    const samples: RawSample[] = [];
    body.forecast.forEach((f, i) => {
      this.checkSignal(f.emissionFactorType, signal, `forecast.${i}.emissionFactorType`);
      if (f.carbonIntensity === null) return;
      samples.push({ tSec: parseIsoInstant(f.datetime), periodSec: HOUR_SEC, gPerKwh: f.carbonIntensity, quality: 'provider-forecast', issuedAtSec });
    });
    if (!samples.length) return [];
    return alignHourly(samples, forecastWindow(samples, alignDown(issuedNowSec, HOUR_SEC)), { zone, signal, provider: this.name, fetchedAtSec }).points;
  }

  /** The most recent value (`/latest`), hour-aligned; undefined when the provider has none. */
  async getLatest(zone: string, signal: IntensitySignal): Promise<IntensityPoint | undefined> {
    const eft = SIGNAL_TO_EFT[signal];
    if (!eft) return undefined;
    const p = await this.get('/v3/carbon-intensity/latest', { zone, emissionFactorType: eft }, EmLatestSchema);
    this.checkZone(p.zone, zone, 'zone');
    this.checkSignal(p.emissionFactorType, signal, 'emissionFactorType');
    if (p.carbonIntensity === null) return undefined;
    const tSec = alignDown(parseIsoInstant(p.datetime), HOUR_SEC);
    return { tSec, periodSec: HOUR_SEC, gPerKwh: p.carbonIntensity, zone, signal, provider: this.name, quality: 'actual', fetchedAtSec: this.clock() };
  }

  private checkZone(got: string | undefined, want: string, field: string): void {
    if (got !== undefined && got !== want) throw new ProviderResponseError(this.name, `zone '${got}' returned for requested zone '${want}'`, field);
  }

  private checkSignal(eft: 'lifecycle' | 'direct' | undefined, want: IntensitySignal, field: string): void {
    if (eft !== undefined && EFT_TO_SIGNAL[eft] !== want) {
      throw new ProviderResponseError(this.name, `emission factor type '${eft}' returned for requested signal '${want}'`, field);
    }
  }

  private get<T>(path: string, query: Record<string, string>, schema: z.ZodType<T>): Promise<T> {
    const url = `${this.baseUrl}${path}?${new URLSearchParams(query).toString()}`;
    return fetchJson(url, { method: 'GET', headers: { 'auth-token': this.o.credentials.token, accept: 'application/json' } }, {
      fetch: this.o.fetch,
      provider: this.name,
      schema,
      secrets: [this.o.credentials.token],
      ...this.o.http,
    });
  }
}
