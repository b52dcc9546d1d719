/** Time is data: UTC epoch seconds, half-open [startSec, endSec) windows. No local-time getters anywhere. */
export type EpochSec = number;

export interface Window {
  startSec: EpochSec;
  endSec: EpochSec;
}

export const HOUR_SEC = 3600;
export const DAY_SEC = 86400;

/** Floor `tSec` to a multiple of `periodSec` (UTC epoch grid). */
export const alignDown = (tSec: EpochSec, periodSec: number): EpochSec => Math.floor(tSec / periodSec) * periodSec;

/** Ceil `tSec` to a multiple of `periodSec`. */
export const alignUp = (tSec: EpochSec, periodSec: number): EpochSec => Math.ceil(tSec / periodSec) * periodSec;

/** UTC calendar day of an instant, `YYYY-MM-DD`. */
export const utcDay = (tSec: EpochSec): string => new Date(tSec * 1000).toISOString().slice(0, 10);

/** ISO-8601 UTC string of an instant (seconds precision). */
export const isoUtc = (tSec: EpochSec): string => new Date(tSec * 1000).toISOString().replace('.000Z', 'Z');

/** Zero-padded epoch seconds so lexical order equals time order in sort keys. */
export const padSec = (tSec: EpochSec): string => String(Math.floor(tSec)).padStart(11, '0');

/** Seconds of overlap between two half-open windows. */
export const overlapSec = (a: Window, b: Window): number =>
  Math.max(0, Math.min(a.endSec, b.endSec) - Math.max(a.startSec, b.startSec));

/** Split a window into consecutive aligned slots of `periodSec` (partial first/last slots are clipped). */
export const splitAligned = (w: Window, periodSec: number): Window[] => {
  const out: Window[] = [];
  for (let s = alignDown(w.startSec, periodSec); s < w.endSec; s += periodSec) {
    out.push({ startSec: Math.max(s, w.startSec), endSec: Math.min(s + periodSec, w.endSec) });
  }
  return out;
};

/** The `n` UTC days ending with the day of `tSec`, oldest first. */
export const recentDays = (tSec: EpochSec, n: number): string[] =>
  Array.from({ length: n }, (_, i) => utcDay(tSec - (n - 1 - i) * DAY_SEC));

/** Parse an ISO-8601 instant that names its zone (Z or ±hh:mm); returns epoch seconds or NaN. */
export const parseIsoInstant = (s: string): EpochSec => {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(s.trim())) return NaN;
  const withZone = s.length === 10 ? `${s}T00:00:00Z` : s;
  const ms = Date.parse(withZone);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : NaN;
};

/** Split a window into consecutive chunks of at most `maxSec` (API range and datapoint limits). */
export const chunkWindow = (w: Window, maxSec: number): Window[] => {
  const out: Window[] = [];
  for (let s = w.startSec; s < w.endSec; s += maxSec) out.push({ startSec: s, endSec: Math.min(w.endSec, s + maxSec) });
  return out;
};
