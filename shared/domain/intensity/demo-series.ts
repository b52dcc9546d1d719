/**
 * Deterministic synthetic hourly grid intensity for demos (never presented as real data: quality 'demo').
 *
 * value(h) = mean × daily(h) × (1 + σ·x(h)), clamped to ≥ 2 % of the mean, where
 *  - daily(h): a solar dip around local midday whose depth scales with the zone's renewable share, plus a
 *    small evening-peak bump; both are zero-mean over a local day, so they do not move the daily mean;
 *  - x(h): unit-variance AR(1) "weather" noise with a ~2-day correlation time, seeded by the zone name and
 *    computed from the absolute UTC hour index — so an hour has the same value whatever window asks for it.
 * Over a year the mean is within a few per cent of the yearly mean (the AR(1) mean over 8 760 h has a
 * standard deviation of ≈ σ / √(N / 2τ) ≈ 1.6 %).
 */
import type { EpochSec, Window } from '../time';
import { HOUR_SEC, alignDown } from '../time';
import type { IntensityPoint } from '../types';

export const DEMO_PROVIDER_NAME = 'demo (synthetic)';

/** What the generator needs to know about a zone for one UTC year. */
export interface DemoZoneYear {
  /** Yearly mean intensity, g/kWh (life-cycle). */
  meanGPerKwh: number;
  /** Renewable share of consumption, 0–100. */
  renewablePct: number;
}

export interface DemoSeriesOptions {
  /** Local standard-time offset used to place midday; defaults to ZONE_UTC_OFFSET_HOURS[zone] ?? 0. */
  utcOffsetHours?: number;
  /** Relative standard deviation of the weather noise (default 0.15). */
  noiseSigma?: number;
  /** Correlation time of the weather noise in hours (default 48). */
  correlationHours?: number;
}

/** Standard-time UTC offsets (h) of the grid zones in the region catalog (IANA zone of each area, no DST: demo only). */
export const ZONE_UTC_OFFSET_HOURS: Readonly<Record<string, number>> = Object.freeze({
  'US-MIDA-PJM': -5, 'US-CAL-CISO': -8, 'US-NW-BPAT': -8, 'US-NW-PACW': -8, 'CA-QC': -5, 'CA-AB': -7, MX: -6,
  'BR-CS': -3, IE: 0, GB: 0, FR: 1, DE: 1, CH: 1, 'SE-SE3': 1, 'IT-NO': 1, ES: 1, IL: 2, BH: 3, AE: 4, ZA: 2,
  'IN-WE': 5.5, 'IN-SO': 5.5, HK: 8, TW: 8, SG: 8, 'AU-NSW': 10, ID: 7, 'AU-VIC': 10, 'MY-WM': 8, NZ: 12, TH: 7,
  'JP-TK': 9, KR: 9, 'JP-KN': 9,
});

// ---- daily shape ------------------------------------------------------------------------------
// Solar output as a half-sine between 06:00 and 19:00 local time (a rough equinox day; demo only).
const SOLAR_START_H = 6;
const SOLAR_LEN_H = 13;
const solar = (localHour: number): number => {
  const x = (localHour - SOLAR_START_H) / SOLAR_LEN_H;
  return x > 0 && x < 1 ? Math.sin(Math.PI * x) : 0;
};
// Evening demand peak (gas peakers) as a Gaussian bump centred at 19:30 local.
const evening = (localHour: number): number => {
  const d = Math.min(Math.abs(localHour - 19.5), 24 - Math.abs(localHour - 19.5));
  return Math.exp(-(d * d) / (2 * 1.5 * 1.5));
};
const mean24 = (f: (h: number) => number): number => {
  let s = 0;
  for (let h = 0; h < 24; h++) s += f(h + 0.5);
  return s / 24;
};
const SOLAR_MEAN = mean24(solar);
const EVENING_MEAN = mean24(evening);

/** Multiplicative daily factor for a local hour (mean 1 over the 24 local hours). */
export function dailyFactor(localHour: number, renewablePct: number): number {
  const share = Math.min(1, Math.max(0, renewablePct / 100));
  const dip = 0.45 * share; // a fully renewable grid dips by up to 45 % at solar noon (demo choice, not data)
  const peak = 0.08 * (1 - share); // fossil-heavy grids peak a little in the evening
  return 1 - dip * (solar(localHour) - SOLAR_MEAN) + peak * (evening(localHour) - EVENING_MEAN);
}

// ---- seeded noise -----------------------------------------------------------------------------
/** FNV-1a 32-bit hash of a string (the zone seed). */
export function seedOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
const mix32 = (x: number): number => {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
};
const uniform = (seed: number, i: number, stream: number): number =>
  (mix32(seed ^ mix32((i | 0) + Math.imul(stream, 0x9e3779b9))) + 0.5) / 4294967296;
/** Standard normal for (seed, absolute hour index) via Box–Muller. */
const gauss = (seed: number, hourIndex: number): number =>
  Math.sqrt(-2 * Math.log(uniform(seed, hourIndex, 1))) * Math.cos(2 * Math.PI * uniform(seed, hourIndex, 2));

/**
 * Unit-variance AR(1) noise for consecutive absolute hour indices [firstHour, firstHour + n), as the truncated
 * moving average x(h) = c · Σ_{k<K} φ^k ε(h−k). Computed in fixed blocks of absolute hours, each warmed up from
 * scratch, so an hour's value is bit-identical whatever window it is computed in.
 */
export function ar1Noise(seed: number, firstHour: number, n: number, correlationHours = 48): number[] {
  const phi = Math.exp(-1 / correlationHours);
  const K = Math.ceil(correlationHours * 6); // φ^K = e^-6 ≈ 0.25 %
  const phiK = Math.pow(phi, K);
  const c = Math.sqrt((1 - phi * phi) / (1 - phiK * phiK));
  const BLOCK = 168;
  const out: number[] = new Array(n);
  const end = firstHour + n;
  for (let b = Math.floor(firstHour / BLOCK) * BLOCK; b < end; b += BLOCK) {
    let x = 0;
    for (let k = K - 1; k >= 0; k--) x = phi * x + gauss(seed, b - k);
    for (let h = b; h < b + BLOCK && h < end; h++) {
      if (h > b) x = phi * x + gauss(seed, h) - phiK * gauss(seed, h - K);
      if (h >= firstHour) out[h - firstHour] = c * x;
    }
  }
  return out;
}

const utcYear = (tSec: EpochSec): number => new Date(tSec * 1000).getUTCFullYear();

/** Synthetic hourly intensity points (quality 'demo', signal 'average-lifecycle') covering `window`. */
export function demoHourlySeries(
  zone: string,
  window: Window,
  zoneYear: (utcYear: number) => DemoZoneYear,
  opts: DemoSeriesOptions = {},
): IntensityPoint[] {
  const first = alignDown(window.startSec, HOUR_SEC);
  const n = Math.max(0, Math.ceil((window.endSec - first) / HOUR_SEC));
  if (n === 0) return [];
  const offsetH = opts.utcOffsetHours ?? ZONE_UTC_OFFSET_HOURS[zone] ?? 0;
  const sigma = opts.noiseSigma ?? 0.15;
  const noise = ar1Noise(seedOf(zone), first / HOUR_SEC, n, opts.correlationHours);
  const out: IntensityPoint[] = [];
  let zy: DemoZoneYear = zoneYear(utcYear(first));
  let nextYearSec = Date.UTC(utcYear(first) + 1, 0, 1) / 1000;
  for (let i = 0; i < n; i++) {
    const tSec = first + i * HOUR_SEC;
    if (tSec >= nextYearSec) {
      const y = utcYear(tSec);
      zy = zoneYear(y);
      nextYearSec = Date.UTC(y + 1, 0, 1) / 1000;
    }
    const localHour = ((((tSec / HOUR_SEC + offsetH) % 24) + 24) % 24) + 0.5; // middle of the hour
    const raw = zy.meanGPerKwh * dailyFactor(localHour, zy.renewablePct) * (1 + sigma * noise[i]);
    const gPerKwh = Math.max(raw, 0.02 * zy.meanGPerKwh);
    out.push({ tSec, periodSec: HOUR_SEC, gPerKwh, zone, signal: 'average-lifecycle', provider: DEMO_PROVIDER_NAME, quality: 'demo' });
  }
  return out;
}
