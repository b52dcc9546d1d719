/**
 * WattTime API v3 adapter (https://api.watttime.org): marginal operating emissions rate (MOER).
 *
 * - `GET /login` with HTTP basic auth returns `{ token }`; data calls send `Authorization: Bearer <token>`.
 *   Tokens expire after 30 minutes (WattTime docs), so the adapter logs in again after 25 minutes, and
 *   once more on a 401 from a data call (a second 401 is a terminal `ProviderAuthError`).
 * - `GET /v3/historical?region=&signal_type=co2_moer&start=&end=` for actuals, chunked to 30 days
 *   (WattTime limits one historical request to 32 days); `GET /v3/forecast?region=&signal_type=co2_moer&horizon_hours=`
 *   for the provider forecast, whose `meta.generated_at` becomes `issuedAtSec`.
 * - Values arrive every 5 minutes (`meta.data_point_period_seconds`, default 300) in `meta.units`,
 *   normally `lbs_co2_per_mwh`; they are converted to g/kWh and time-averaged into UTC hours.
 *   The `/v3/signal-index` percentile (0–100) is not an intensity and is not exposed here.
 * - Only the `marginal` signal exists; other signals return no points.
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
  ProviderAuthError,
  ProviderResponseError,
  type RawSample,
  type SeriesReport,
  zIsoInstant,
  HttpIntensityProvider,
  type HttpProviderOptions,
} from './http';

export const WATTTIME_PROVIDER = 'WattTime';
const DEFAULT_BASE_URL = 'https://api.watttime.org';
/** WattTime tokens are valid for 30 minutes (WattTime API v3 docs, "Login & Obtain Token"); renew early. */
const TOKEN_RENEW_AFTER_SEC = 25 * 60;
/** /v3/historical accepts at most 32 days per request (WattTime API v3 docs); stay under it. */
const HISTORICAL_MAX_SEC = 30 * 24 * HOUR_SEC;
/** Default 5-minute MOER resolution (WattTime API v3 docs, meta.data_point_period_seconds). */
const DEFAULT_POINT_PERIOD_SEC = 300;

/**
 * Factors to g/kWh. 1 lb = 453.59237 g exactly (international avoirdupois pound, 1959 agreement; NIST SP 811),
 * so lbs/MWh × 453.59237 g/lb ÷ 1000 kWh/MWh = lbs/MWh × 0.45359237. kg/MWh and g/kWh are the same quantity.
 */
export const WATTTIME_UNIT_TO_G_PER_KWH: Record<string, number> = {
  lbs_co2_per_mwh: 0.45359237,
  kg_co2_per_mwh: 1,
  g_co2_per_kwh: 1,
};

export const WtLoginSchema = z.object({ token: z.string().min(1) });
const WtPointSchema = z.object({ point_time: zIsoInstant, value: z.number() });
const WtMetaSchema = z.object({
  region: z.string(),
  signal_type: z.string(),
  units: z.string(),
  data_point_period_seconds: z.number().positive().optional(),
  generated_at: zIsoInstant.optional(),
  warnings: z.array(z.unknown()).optional(),
  model: z.object({ date: z.string().optional() }).passthrough().optional(),
});
export const WtDataSchema = z.object({ data: z.array(WtPointSchema), meta: WtMetaSchema });
type WtData = z.infer<typeof WtDataSchema>;

export interface WattTimeProviderOptions extends HttpProviderOptions {
  credentials: { username: string; password: string };
  /** Forecast horizon requested from /v3/forecast, hours (default 24; WattTime allows up to 72). */
  forecastHorizonHours?: number;
}

/** WattTime v3 MOER as an `IntensityProvider` (signal 'marginal'). */
export class WattTimeProvider extends HttpIntensityProvider<WattTimeProviderOptions> {
  readonly name = WATTTIME_PROVIDER;
  readonly signals: readonly IntensitySignal[] = ['marginal'];
  private token?: { value: string; obtainedAtSec: EpochSec };
  private pendingLogin?: Promise<string>;
  /** Logins performed (observable for tests and cost accounting). */
  logins = 0;

  constructor(o: WattTimeProviderOptions) {
    super(o, DEFAULT_BASE_URL);
  }

  /** Hourly means of 5-minute MOER actuals in [window), with gaps and duplicates reported. */
  protected async fetchSeries(zone: string, signal: IntensitySignal, window: Window): Promise<{ points: IntensityPoint[]; report: SeriesReport }> {
    const fetchedAtSec = this.clock();
    const samples: RawSample[] = [];
    let apiCalls = 0;
    for (const c of chunkWindow({ startSec: alignDown(window.startSec, HOUR_SEC), endSec: window.endSec }, HISTORICAL_MAX_SEC)) {
      const body = await this.authedGet('/v3/historical', { region: zone, signal_type: 'co2_moer', start: isoMinuteUtc(c.startSec), end: isoMinuteUtc(c.endSec) });
      apiCalls++;
      for (const x of this.toSamples(body, zone, 'actual')) samples.push(x); // no spread: a response can be long
    }
    const { points, report } = alignHourly(samples, window, { zone, signal, provider: this.name, fetchedAtSec });
    return { points, report: { ...report, apiCalls, notes: ['5-minute MOER averaged into UTC hours; converted to g/kWh'] } };
  }

  /** Latest WattTime MOER forecast, hourly from the hour containing `issuedNowSec`; issuedAtSec = meta.generated_at. */
  async getForecast(zone: string, signal: IntensitySignal, issuedNowSec: EpochSec): Promise<IntensityPoint[]> {
    if (signal !== 'marginal') return [];
    const fetchedAtSec = this.clock();
    const body = await this.authedGet('/v3/forecast', { region: zone, signal_type: 'co2_moer', horizon_hours: String(this.o.forecastHorizonHours ?? 24) });
    const issuedAtSec = body.meta.generated_at ? parseIsoInstant(body.meta.generated_at) : issuedNowSec;
    const samples = this.toSamples(body, zone, 'provider-forecast', issuedAtSec);
    if (!samples.length) return [];
    return alignHourly(samples, forecastWindow(samples, alignDown(issuedNowSec, HOUR_SEC)), { zone, signal, provider: this.name, fetchedAtSec }).points;
  }

  private toSamples(body: WtData, zone: string, quality: 'actual' | 'provider-forecast', issuedAtSec?: EpochSec): RawSample[] {
    const { meta } = body;
    if (meta.region !== zone) throw new ProviderResponseError(this.name, `region '${meta.region}' returned for requested region '${zone}'`, 'meta.region');
    if (meta.signal_type !== 'co2_moer') throw new ProviderResponseError(this.name, `signal_type '${meta.signal_type}' returned, expected 'co2_moer'`, 'meta.signal_type');
    const factor = WATTTIME_UNIT_TO_G_PER_KWH[meta.units];
    if (factor === undefined) throw new ProviderResponseError(this.name, `unsupported units '${meta.units}'`, 'meta.units');
    const periodSec = meta.data_point_period_seconds ?? DEFAULT_POINT_PERIOD_SEC;
    return body.data.map((d, i) => {
      // MOER can legitimately be negative only in exotic cases; WattTime documents it as ≥ 0, so reject instead of guessing.
      if (d.value < 0) throw new ProviderResponseError(this.name, 'negative MOER value', `data.${i}.value`);
      return { tSec: parseIsoInstant(d.point_time), periodSec, gPerKwh: d.value * factor, quality, issuedAtSec };
    });
  }

  private secrets(): string[] {
    const { username, password } = this.o.credentials;
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    return [password, basic, ...(this.token ? [this.token.value] : [])];
  }

  private async login(): Promise<string> {
    if (!this.pendingLogin) {
      const { username, password } = this.o.credentials;
      const basic = Buffer.from(`${username}:${password}`).toString('base64');
      this.pendingLogin = fetchJson(`${this.baseUrl}/login`, { method: 'GET', headers: { authorization: `Basic ${basic}`, accept: 'application/json' } }, {
        fetch: this.o.fetch,
        provider: this.name,
        schema: WtLoginSchema,
        secrets: this.secrets(),
        ...this.o.http,
      })
        .then((b) => {
          this.logins++;
          this.token = { value: b.token, obtainedAtSec: this.clock() };
          return b.token;
        })
        .finally(() => {
          this.pendingLogin = undefined;
        });
    }
    return this.pendingLogin;
  }

  private async currentToken(): Promise<string> {
    if (this.token && this.clock() - this.token.obtainedAtSec < TOKEN_RENEW_AFTER_SEC) return this.token.value;
    return this.login();
  }

  /** GET with the bearer token; one re-login on 401 (expired token), then the 401 is terminal. */
  private async authedGet(path: string, query: Record<string, string>): Promise<WtData> {
    const url = `${this.baseUrl}${path}?${new URLSearchParams(query).toString()}`;
    const call = (token: string) =>
      fetchJson(url, { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, {
        fetch: this.o.fetch,
        provider: this.name,
        schema: WtDataSchema,
        secrets: this.secrets(),
        ...this.o.http,
      });
    const token = await this.currentToken();
    try {
      return await call(token);
    } catch (e) {
      if (!(e instanceof ProviderAuthError) || e.status !== 401) throw e;
      if (this.token?.value === token) this.token = undefined;
      return call(await this.currentToken());
    }
  }
}
