/**
 * UK NESO (National Energy System Operator, formerly National Grid ESO) Carbon Intensity API adapter
 * (https://api.carbonintensity.org.uk, no key, CC BY 4.0).
 *
 * Signal: NESO's figure counts CO2 from generation only (large metered power stations, interconnector
 * imports, embedded wind/solar; no upstream/lifecycle emissions; see carbonintensity.org.uk
 * "Methodology"), so it is labelled `average-direct`. `average-lifecycle` and `marginal` return no points.
 *
 * Zones: `GB` = national (`/intensity/{from}/{to}`, `/intensity/{from}/fw48h`);
 * `GB-region-<id>` = a NESO region (`/regional/intensity/{from}/{to}/regionid/{id}`, forecast only).
 *
 * Values are half-hourly (`from`/`to`, UTC, e.g. `2024-03-01T12:00Z`) and are averaged into UTC hours.
 * A half-hour with an `actual` is 'actual'; one with only a `forecast` is 'provider-forecast' (NESO
 * publishes no issue time, so `issuedAtSec` is the fetch time: the forecast as known then). An hour
 * mixing both takes the lower quality.
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
  ProviderRequestError,
  ProviderResponseError,
  type RawSample,
  type SeriesReport,
  zIsoInstant,
  HttpIntensityProvider,
  type HttpProviderOptions,
} from './http';

export const NESO_PROVIDER = 'NESO Carbon Intensity API';
const DEFAULT_BASE_URL = 'https://api.carbonintensity.org.uk';
/** /intensity/{from}/{to} and the regional equivalent serve at most 14 days per request (API docs). */
const RANGE_MAX_SEC = 14 * 24 * HOUR_SEC;

const gPerKwh = z.number().nonnegative().nullable();
const NesoPeriodSchema = z.object({
  from: zIsoInstant,
  to: zIsoInstant,
  intensity: z.object({ forecast: gPerKwh.optional(), actual: gPerKwh.optional(), index: z.string().optional() }),
});
export const NesoNationalSchema = z.object({ data: z.array(NesoPeriodSchema) });
const NesoRegionSchema = z.object({ regionid: z.number(), shortname: z.string().optional(), data: z.array(NesoPeriodSchema) });
/** Regional answers are documented as `{ data: { regionid, data: [...] } }`; some endpoints wrap the region in an array. */
export const NesoRegionalSchema = z.object({ data: z.union([NesoRegionSchema, z.array(NesoRegionSchema)]) });
type NesoPeriod = z.infer<typeof NesoPeriodSchema>;

export interface NesoProviderOptions extends HttpProviderOptions {
  /** NESO needs no key; accepted for a uniform constructor and ignored. */
  credentials?: Record<string, never>;
}

type Target = { kind: 'national' } | { kind: 'regional'; regionId: number };

/** NESO Carbon Intensity API as an `IntensityProvider` (signal 'average-direct', zones `GB` and `GB-region-<id>`). */
export class NesoProvider extends HttpIntensityProvider<NesoProviderOptions> {
  readonly name = NESO_PROVIDER;
  readonly signals: readonly IntensitySignal[] = ['average-direct'];

  constructor(o: NesoProviderOptions) {
    super(o, DEFAULT_BASE_URL);
  }

  protected readonly signalNote = ' (its figure is direct, generation-only)';

  /** Hourly means of the half-hourly values in [window), with gaps and duplicates reported. */
  protected async fetchSeries(zone: string, signal: IntensitySignal, window: Window): Promise<{ points: IntensityPoint[]; report: SeriesReport }> {
    const fetchedAtSec = this.clock();
    const target = this.target(zone);
    const samples: RawSample[] = [];
    let apiCalls = 0;
    for (const c of chunkWindow({ startSec: alignDown(window.startSec, HOUR_SEC), endSec: window.endSec }, RANGE_MAX_SEC)) {
      const range = `${isoMinuteUtc(c.startSec)}/${isoMinuteUtc(c.endSec)}`;
      for (const x of this.toSamples(await this.periods(target, range), fetchedAtSec)) samples.push(x); // no spread: a response can be long
      apiCalls++;
    }
    const { points, report } = alignHourly(samples, window, { zone, signal, provider: this.name, fetchedAtSec });
    const notes = ['half-hourly values averaged into UTC hours'];
    if (target.kind === 'regional') notes.push('NESO regional data is forecast only');
    return { points, report: { ...report, apiCalls, notes } };
  }

  /** NESO 48-hour forecast from the hour containing `issuedNowSec`. */
  async getForecast(zone: string, signal: IntensitySignal, issuedNowSec: EpochSec): Promise<IntensityPoint[]> {
    if (signal !== 'average-direct') return [];
    const fetchedAtSec = this.clock();
    const fromSec = alignDown(issuedNowSec, HOUR_SEC);
    const periods = await this.periods(this.target(zone), `${isoMinuteUtc(fromSec)}/fw48h`);
    // Forecast values only, even where NESO already has an actual for the current half-hour: a forecast
    // series that mixed in actuals would flatter any forecast-skill comparison.
    const samples = this.toSamples(periods, fetchedAtSec, true);
    if (!samples.length) return [];
    return alignHourly(samples, forecastWindow(samples, fromSec), { zone, signal, provider: this.name, fetchedAtSec }).points;
  }

  private target(zone: string): Target {
    if (zone === 'GB') return { kind: 'national' };
    const m = /^GB-region-(\d{1,2})$/.exec(zone);
    if (m) return { kind: 'regional', regionId: Number(m[1]) };
    throw new ProviderRequestError(this.name, `unknown zone '${zone}' (expected 'GB' or 'GB-region-<id>')`);
  }

  private async periods(target: Target, range: string): Promise<NesoPeriod[]> {
    const http = { fetch: this.o.fetch, provider: this.name, ...this.o.http };
    const init = { method: 'GET', headers: { accept: 'application/json' } };
    if (target.kind === 'national') {
      return (await fetchJson(`${this.baseUrl}/intensity/${range}`, init, { ...http, schema: NesoNationalSchema })).data;
    }
    const body = await fetchJson(`${this.baseUrl}/regional/intensity/${range}/regionid/${target.regionId}`, init, { ...http, schema: NesoRegionalSchema });
    const regions = Array.isArray(body.data) ? body.data : [body.data];
    const region = regions.find((r) => r.regionid === target.regionId);
    if (!region) throw new ProviderResponseError(this.name, `region ${target.regionId} missing from the response`, 'data.regionid');
    return region.data;
  }

  private toSamples(periods: NesoPeriod[], fetchedAtSec: EpochSec, forecastOnly = false): RawSample[] {
    const out: RawSample[] = [];
    periods.forEach((p, i) => {
      const tSec = parseIsoInstant(p.from);
      const periodSec = parseIsoInstant(p.to) - tSec;
      if (!(periodSec > 0)) throw new ProviderResponseError(this.name, "'to' is not after 'from'", `data.${i}.to`);
      const { actual, forecast } = p.intensity;
      if (actual != null && !forecastOnly) out.push({ tSec, periodSec, gPerKwh: actual, quality: 'actual' });
      else if (forecast != null) out.push({ tSec, periodSec, gPerKwh: forecast, quality: 'provider-forecast', issuedAtSec: fetchedAtSec });
      // neither: the half-hour stays missing
    });
    return out;
  }
}
