/**
 * Shared HTTP plumbing for the grid-intensity provider adapters (Electricity Maps, WattTime, NESO):
 * typed errors, `fetchJson` with timeout / bounded retries / Retry-After, zod validation that names
 * the offending field, and the hourly aligner every adapter uses (sub-hourly → hourly means,
 * duplicate timestamps → keep the latest, missing hours reported, never invented).
 *
 * Secrets (tokens, passwords) are never put in error messages: URLs are reduced to origin + path +
 * non-secret query keys, response bodies are not echoed, and every message is scrubbed of the
 * secrets the caller declares as a last line of defence.
 */
import { z } from 'zod';
import { alignDown, chunkWindow, HOUR_SEC, parseIsoInstant, type EpochSec, type Window } from '../../domain/time';
import type { IntensityPoint, IntensityQuality, IntensitySignal } from '../../domain/types';
import type { IntensityProvider } from '../../ports';
import { worseQuality } from '../../domain/intensity/fallback-chain';

// ---------------------------------------------------------------------------------------------
// Typed errors
// ---------------------------------------------------------------------------------------------

/** Base class: every provider failure says which provider, whether a retry can help, and the HTTP status if any. */
export abstract class ProviderError extends Error {
  abstract readonly retryable: boolean;
  constructor(
    readonly provider: string,
    message: string,
    readonly status?: number,
  ) {
    super(`${provider}: ${message}`);
    this.name = new.target.name;
  }
}

/** 401/403: bad or expired credentials, or no access to the zone. Terminal (after WattTime's one re-login). */
export class ProviderAuthError extends ProviderError {
  readonly retryable = false;
}

/** 429: slow down. Retryable; `retryAfterSec` comes from the Retry-After header when the provider sent one. */
export class ProviderRateLimitError extends ProviderError {
  readonly retryable = true;
  constructor(provider: string, message: string, readonly retryAfterSec?: number) {
    super(provider, message, 429);
  }
}

/** 5xx, timeouts and network failures. Retryable. */
export class ProviderUnavailableError extends ProviderError {
  readonly retryable = true;
}

/** Malformed JSON or a body that does not match the documented schema. Terminal; names the field. */
export class ProviderResponseError extends ProviderError {
  readonly retryable = false;
  constructor(provider: string, message: string, readonly field?: string, status?: number) {
    super(provider, field ? `${message} (field: ${field})` : message, status);
  }
}

/** Other 4xx (bad zone, bad parameters, window too long). Terminal: retrying the same request cannot help. */
export class ProviderRequestError extends ProviderError {
  readonly retryable = false;
}

/**
 * A response over the byte or point cap (a provider fault, a wrong base URL, or a window the adapter should have
 * chunked). Terminal: the same request would get the same answer. Says which provider, which cap and by how much.
 */
export class ProviderResponseTooLargeError extends ProviderError {
  readonly retryable = false;
  constructor(
    provider: string,
    message: string,
    readonly limit: number,
    readonly unit: 'bytes' | 'points',
    status?: number,
  ) {
    super(provider, message, status);
  }
}

// ---------------------------------------------------------------------------------------------
// fetchJson
// ---------------------------------------------------------------------------------------------

export type FetchFn = typeof fetch;

/** Retry/timeout knobs an adapter passes through to `fetchJson` (tests inject `sleep` and `nowMs`). */
export interface HttpTuning {
  /** Per-attempt timeout, ms (default 10 000). */
  timeoutMs?: number;
  /** Total attempts including the first (default 3). Only retryable errors are retried. */
  maxAttempts?: number;
  /** Injected sleep so tests do not wait (default: setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  /** Wall clock in ms, used only to resolve an HTTP-date Retry-After (default Date.now). */
  nowMs?: () => number;
  /** First backoff delay, ms (default 500); doubles each attempt, capped at `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** A Retry-After longer than this is not slept through: the rate-limit error is thrown for the caller to schedule (default 60 000). */
  maxRetryAfterMs?: number;
  /** Largest response body read, bytes after decompression (default DEFAULT_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
  /** Longest array accepted anywhere in a response (default DEFAULT_MAX_RESPONSE_POINTS). */
  maxResponsePoints?: number;
}

/**
 * Response caps. The largest legitimate answers the adapters ask for: WattTime /v3/historical, 30 days of 5-minute
 * MOER = 8,640 points (≈ 0.6 MB); Electricity Maps past-range, 10 days at 5-minute granularity = 2,880 points
 * (≈ 0.7 MB); NESO, 14 days of half-hours = 672 points (windows per the providers' v3 / API docs, chunked by the
 * adapters). The caps leave about 6× (points) and 10× (bytes) headroom, and keep a runaway answer from exhausting
 * memory or the stack.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_RESPONSE_POINTS = 50_000;

const mib = (bytes: number): string => (bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`);

export interface FetchJsonOptions<T> extends HttpTuning {
  fetch: FetchFn;
  /** Provider name used in error messages. */
  provider: string;
  /** Zod schema of the documented response body. */
  schema: z.ZodType<T>;
  /** Strings that must never appear in an error message (tokens, passwords). */
  secrets?: readonly string[];
}

const SECRET_QUERY_KEYS = /^(token|auth|auth-token|api[-_]?key|key|password|secret)$/i;

/** Origin + path + query with secret-looking parameters redacted: safe to put in an error message. */
export const describeUrl = (url: string): string => {
  try {
    const u = new URL(url);
    for (const k of [...u.searchParams.keys()]) if (SECRET_QUERY_KEYS.test(k)) u.searchParams.set(k, 'REDACTED');
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
};

/** Remove every declared secret from a message (defence in depth; messages are built without secrets anyway). */
export const scrub = (message: string, secrets: readonly string[] = []): string =>
  secrets.filter((s) => s.length >= 4).reduce((m, s) => m.split(s).join('***'), message);

/**
 * Parse a Retry-After header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
 * Returns seconds to wait (≥ 0) or undefined when absent or unparseable.
 */
export const parseRetryAfterSec = (value: string | null | undefined, nowMs: number): number | undefined => {
  if (value == null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const dateMs = Date.parse(v);
  if (!Number.isFinite(dateMs)) return undefined;
  return Math.max(0, Math.ceil((dateMs - nowMs) / 1000));
};

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Map a non-2xx response to a typed error (never includes the body: it may echo credentials). */
const errorForStatus = (provider: string, res: Response, where: string, nowMs: number): ProviderError => {
  const s = res.status;
  if (s === 401 || s === 403) return new ProviderAuthError(provider, `HTTP ${s} (authentication/authorisation failed) for ${where}`, s);
  if (s === 429) {
    const retryAfterSec = parseRetryAfterSec(res.headers.get('retry-after'), nowMs);
    return new ProviderRateLimitError(provider, `HTTP 429 (rate limited${retryAfterSec !== undefined ? `, retry after ${retryAfterSec}s` : ''}) for ${where}`, retryAfterSec);
  }
  if (s >= 500) return new ProviderUnavailableError(provider, `HTTP ${s} (provider unavailable) for ${where}`, s);
  return new ProviderRequestError(provider, `HTTP ${s} (request rejected) for ${where}`, s);
};

/** Human-readable path of the first zod issue, e.g. `data.3.point_time`. */
const issuePath = (issue: { path: PropertyKey[] }): string => (issue.path.length ? issue.path.map(String).join('.') : '<root>');

/** The body as text, reading at most `limit` bytes: a larger Content-Length or stream is cancelled and refused. */
const readCapped = async (res: Response, limit: number, provider: string, where: string): Promise<string> => {
  const declared = Number(res.headers.get('content-length'));
  if (declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    throw new ProviderResponseTooLargeError(provider, `response over ${mib(limit)} limit (Content-Length ${declared}) from ${where}`, limit, 'bytes', res.status);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new ProviderResponseTooLargeError(provider, `response over ${mib(limit)} limit from ${where}`, limit, 'bytes', res.status);
    }
    parts.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(parts)); // as Response.text(): UTF-8, BOM dropped
};

/** The first array longer than `limit` anywhere in a parsed JSON value (iterative walk: no recursion depth to exhaust). */
const longestArrayOver = (root: unknown, limit: number): { path: string; length: number } | undefined => {
  const stack: { v: unknown; path: string }[] = [{ v: root, path: '' }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      if (v.length > limit) return { path: path || '<root>', length: v.length };
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], path: path ? `${path}.${i}` : String(i) });
    } else for (const [k, x] of Object.entries(v)) stack.push({ v: x, path: path ? `${path}.${k}` : k });
  }
  return undefined;
};

/** One attempt: fetch with timeout, map status, parse JSON, validate. */
const attempt = async <T>(url: string, init: RequestInit, o: FetchJsonOptions<T>, timeoutMs: number, nowMs: () => number): Promise<T> => {
  const where = describeUrl(url);
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  let res: Response;
  let text: string;
  try {
    res = await o.fetch(url, { ...init, signal: ctl.signal });
    if (!res.ok) {
      // Drain the body so keep-alive sockets are released; its content is not used.
      await res.text().catch(() => undefined);
      throw errorForStatus(o.provider, res, where, nowMs());
    }
    text = await readCapped(res, o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, o.provider, where);
  } catch (e) {
    if (e instanceof ProviderError) throw e;
    const reason = ctl.signal.aborted ? `timed out after ${timeoutMs} ms` : `network error (${(e as Error)?.name ?? 'Error'})`;
    throw new ProviderUnavailableError(o.provider, `${reason} for ${where}`);
  } finally {
    clearTimeout(timer);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProviderResponseError(o.provider, `malformed JSON from ${where}`, '<body>', res.status);
  }
  const maxPoints = o.maxResponsePoints ?? DEFAULT_MAX_RESPONSE_POINTS;
  const longest = longestArrayOver(json, maxPoints);
  if (longest) {
    throw new ProviderResponseTooLargeError(o.provider, `${longest.length} points > limit ${maxPoints} (field: ${longest.path}) from ${where}`, maxPoints, 'points', res.status);
  }
  const parsed = o.schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProviderResponseError(o.provider, `response does not match the documented schema: ${issue.message} from ${where}`, issuePath(issue), res.status);
  }
  return parsed.data;
};

/**
 * GET/POST JSON with a per-attempt timeout and bounded retries of retryable errors (429, 5xx,
 * timeouts, network). A 429 waits `Retry-After` when given (up to `maxRetryAfterMs`, else it is
 * thrown at once), otherwise exponential backoff. Terminal errors are thrown immediately.
 */
export const fetchJson = async <T>(url: string, init: RequestInit, o: FetchJsonOptions<T>): Promise<T> => {
  const maxAttempts = Math.max(1, o.maxAttempts ?? 3);
  const timeoutMs = o.timeoutMs ?? 10_000;
  const sleep = o.sleep ?? defaultSleep;
  const nowMs = o.nowMs ?? (() => Date.now());
  const base = o.baseBackoffMs ?? 500;
  const cap = o.maxBackoffMs ?? 8_000;
  const maxRetryAfterMs = o.maxRetryAfterMs ?? 60_000;
  for (let i = 1; ; i++) {
    try {
      return await attempt(url, init, o, timeoutMs, nowMs);
    } catch (e) {
      const err = e instanceof ProviderError ? e : new ProviderUnavailableError(o.provider, `unexpected failure (${(e as Error)?.name ?? 'Error'})`);
      err.message = scrub(err.message, o.secrets);
      if (!err.retryable || i >= maxAttempts) throw err;
      let waitMs = Math.min(cap, base * 2 ** (i - 1));
      if (err instanceof ProviderRateLimitError && err.retryAfterSec !== undefined) {
        if (err.retryAfterSec * 1000 > maxRetryAfterMs) throw err;
        waitMs = err.retryAfterSec * 1000;
      }
      await sleep(waitMs);
    }
  }
};

/** Zod: an ISO-8601 instant that names its zone (`Z` or ±hh:mm); offsets are normalised to UTC by `parseIsoInstant`. */
export const zIsoInstant = z.string().refine((s) => Number.isFinite(parseIsoInstant(s)), 'not an ISO-8601 instant with a zone');

// ---------------------------------------------------------------------------------------------
// Hourly alignment shared by the adapters
// ---------------------------------------------------------------------------------------------

/** One value as the provider reported it, before hourly alignment. */
export interface RawSample {
  tSec: EpochSec;
  periodSec: number;
  gPerKwh: number;
  quality: IntensityQuality;
  issuedAtSec?: EpochSec;
  /** Ordering key for "keep the latest" among duplicates (e.g. updatedAt); ties → later in the response wins. */
  revisionSec?: number;
}

/** What the aligner did, so callers can report it: gaps stay gaps. */
export interface AlignReport {
  /** Hour starts inside the window with no (or too little) data. */
  missingHoursSec: EpochSec[];
  /** Hours emitted from less than full sub-hourly coverage (mean of what was there). */
  partialHoursSec: EpochSec[];
  /** Raw samples dropped because another sample had the same start time (the latest was kept). */
  duplicatesDropped: number;
  /** Raw samples outside the window, or with an unusable period or value. */
  outsideWindow: number;
  /** Raw samples averaged into hours (their period was shorter than an hour). */
  subHourlyAveraged: number;
}

export interface AlignOptions {
  zone: string;
  signal: IntensitySignal;
  provider: string;
  fetchedAtSec?: EpochSec;
  /** An hour needs at least this share of its 3600 s covered to be emitted (default 0.5). */
  minHourCoverage?: number;
}

/**
 * Align provider samples to UTC hours inside `window`: exact-duplicate starts keep the latest
 * (by `revisionSec`, then response order); sub-hourly samples are time-weighted into their hour;
 * samples of an hour or longer are kept as hourly points; hours with no data are listed, not filled.
 */
export const alignHourly = (samples: readonly RawSample[], window: Window, o: AlignOptions): { points: IntensityPoint[]; report: AlignReport } => {
  const report: AlignReport = { missingHoursSec: [], partialHoursSec: [], duplicatesDropped: 0, outsideWindow: 0, subHourlyAveraged: 0 };
  const minCoverage = o.minHourCoverage ?? 0.5;
  const byStart = new Map<EpochSec, RawSample>();
  for (const s of samples) {
    if (!(s.periodSec > 0) || !Number.isFinite(s.gPerKwh) || s.tSec + s.periodSec <= window.startSec || s.tSec >= window.endSec) {
      report.outsideWindow++;
      continue;
    }
    const prev = byStart.get(s.tSec);
    if (prev) {
      report.duplicatesDropped++;
      if ((prev.revisionSec ?? -Infinity) > (s.revisionSec ?? -Infinity)) continue;
    }
    byStart.set(s.tSec, s);
  }
  // Accumulate per hour: Σ value·seconds and Σ seconds of each sample's overlap with that hour.
  const hours = new Map<EpochSec, { wSum: number; sec: number; quality: IntensityQuality; issuedAtSec?: EpochSec }>();
  for (const s of byStart.values()) {
    if (s.periodSec < HOUR_SEC) report.subHourlyAveraged++;
    const end = s.tSec + s.periodSec;
    for (let h = alignDown(s.tSec, HOUR_SEC); h < end; h += HOUR_SEC) {
      const sec = Math.min(end, h + HOUR_SEC) - Math.max(s.tSec, h);
      if (sec <= 0) continue;
      const acc = hours.get(h) ?? { wSum: 0, sec: 0, quality: s.quality, issuedAtSec: s.issuedAtSec };
      acc.wSum += s.gPerKwh * sec;
      acc.sec += sec;
      acc.quality = worseQuality(acc.quality, s.quality); // an hour mixing actual and forecast halves takes the worse
      if (s.issuedAtSec !== undefined) acc.issuedAtSec = Math.max(acc.issuedAtSec ?? -Infinity, s.issuedAtSec);
      hours.set(h, acc);
    }
  }
  const points: IntensityPoint[] = [];
  for (let h = alignDown(window.startSec, HOUR_SEC); h < window.endSec; h += HOUR_SEC) {
    const acc = hours.get(h);
    const covered = acc ? Math.min(acc.sec, HOUR_SEC) / HOUR_SEC : 0;
    if (!acc || covered < minCoverage) {
      report.missingHoursSec.push(h);
      continue;
    }
    if (covered < 1) report.partialHoursSec.push(h);
    const p: IntensityPoint = {
      tSec: h,
      periodSec: HOUR_SEC,
      gPerKwh: acc.wSum / acc.sec,
      zone: o.zone,
      signal: o.signal,
      provider: o.provider,
      quality: acc.quality,
    };
    if (acc.quality !== 'actual' && acc.issuedAtSec !== undefined) p.issuedAtSec = acc.issuedAtSec;
    if (o.fetchedAtSec !== undefined) p.fetchedAtSec = o.fetchedAtSec;
    points.push(p);
  }
  return { points, report };
};

/** Report of one provider query: the alignment report plus the HTTP calls it took. */
export interface SeriesReport extends AlignReport {
  apiCalls: number;
  notes: string[];
}

/** Provider range limits split windows with the shared helper (re-exported for the adapters). */
export { chunkWindow };

/**
 * Longest span a provider forecast is read over: WattTime serves ≤ 72 h, Electricity Maps 72 h, NESO 48 h (their
 * docs); a point further out is counted outside the window instead of stretching the hourly grid to it.
 */
export const MAX_PROVIDER_FORECAST_SEC = 7 * 24 * HOUR_SEC;

/** The window a provider forecast covers: from `fromSec` to the end of its last sample, at most MAX_PROVIDER_FORECAST_SEC (no spread: any length). */
export const forecastWindow = (samples: readonly RawSample[], fromSec: EpochSec): Window => {
  let endSec = fromSec;
  for (const s of samples) endSec = Math.max(endSec, s.tSec + s.periodSec);
  return { startSec: fromSec, endSec: Math.min(endSec, fromSec + MAX_PROVIDER_FORECAST_SEC) };
};

/** ISO-8601 UTC with minutes precision, the format NESO and Electricity Maps document (`2024-03-01T12:00Z`). */
export const isoMinuteUtc = (tSec: EpochSec): string => new Date(tSec * 1000).toISOString().slice(0, 16) + 'Z';

/** Options every HTTP intensity provider takes. */
export interface HttpProviderOptions {
  fetch: FetchFn;
  /** The provider's credentials (never logged, never in error messages). */
  credentials?: unknown;
  baseUrl?: string;
  /** Epoch seconds (default: wall clock). */
  clock?: () => EpochSec;
  http?: HttpTuning;
}

/** What the provider adapters share: base URL, clock, and `getSeries` as the points of `getSeriesWithReport`. */
export abstract class HttpIntensityProvider<O extends HttpProviderOptions> implements IntensityProvider {
  abstract readonly name: string;
  abstract readonly signals: readonly IntensitySignal[];
  protected readonly baseUrl: string;
  protected readonly clock: () => EpochSec;

  constructor(
    protected readonly o: O,
    defaultBaseUrl: string,
  ) {
    this.baseUrl = (o.baseUrl ?? defaultBaseUrl).replace(/\/+$/, '');
    this.clock = o.clock ?? (() => Math.floor(Date.now() / 1000));
  }

  async getSeries(zone: string, signal: IntensitySignal, window: Window): Promise<IntensityPoint[]> {
    return (await this.getSeriesWithReport(zone, signal, window)).points;
  }

  /** Hourly actuals for [window) with a report of gaps, duplicates and calls; a signal the provider lacks → [] and no call. */
  async getSeriesWithReport(zone: string, signal: IntensitySignal, window: Window): Promise<{ points: IntensityPoint[]; report: SeriesReport }> {
    if (!this.signals.includes(signal)) {
      const { report } = alignHourly([], window, { zone, signal, provider: this.name });
      return { points: [], report: { ...report, apiCalls: 0, notes: [`${this.name} publishes no '${signal}' signal${this.signalNote}`] } };
    }
    return this.fetchSeries(zone, signal, window);
  }

  /** Appended to the "publishes no signal" note (why the provider has only what it has). */
  protected readonly signalNote: string = '';

  /** Fetch a signal the provider publishes. */
  protected abstract fetchSeries(zone: string, signal: IntensitySignal, window: Window): Promise<{ points: IntensityPoint[]; report: SeriesReport }>;
}
