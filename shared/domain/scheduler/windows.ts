/** Low-carbon windows: the "share of training in low-carbon windows" KPI. */

/** Share of trailing values below which an hour counts as low-carbon (30th percentile). */
export const LOW_CARBON_PERCENTILE = 30;

/** p-th percentile (0–100) of the finite values, linear interpolation between order statistics (Hyndman–Fan type 7). */
export const percentile = (values: ArrayLike<number>, p: number): number => {
  const xs: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) xs.push(values[i]);
  xs.sort((a, b) => a - b);
  return percentileOfSorted(xs, p);
};

/** `percentile` of values already sorted ascending and all finite (no copy, no sort): the same number. */
export const percentileOfSorted = (xs: ArrayLike<number>, p: number): number => {
  if (xs.length === 0) return NaN;
  const h = (xs.length - 1) * Math.min(1, Math.max(0, p / 100));
  const lo = Math.floor(h);
  return xs[lo] + (h - lo) * ((xs[Math.min(lo + 1, xs.length - 1)] ?? xs[lo]) - xs[lo]);
};

/**
 * True when an hour's intensity is at or below the 30th percentile of the same zone's trailing 30 days
 * (gaps ignored). False when there is no trailing data or the value itself is missing.
 */
export const isLowCarbonHour = (valueGPerKwh: number, trailing30dValues: ArrayLike<number>): boolean => {
  if (!Number.isFinite(valueGPerKwh)) return false;
  const threshold = lowCarbonThreshold(trailing30dValues);
  return Number.isFinite(threshold) && valueGPerKwh <= threshold;
};

/** The low-carbon threshold itself (30th percentile of the trailing values), for callers that test many hours against one window. */
export const lowCarbonThreshold = (trailing30dValues: ArrayLike<number>): number => percentile(trailing30dValues, LOW_CARBON_PERCENTILE);

/** Trailing window of the low-carbon rule, s (30 days). */
export const LOW_CARBON_TRAILING_SEC = 30 * 86400;
/** Trailing hours needed before a threshold is drawn (a day), so it never rests on a handful of values. */
export const MIN_TRAILING_HOURS = 24;

/**
 * The low-carbon threshold for the hour starting at `atSec`: 30th percentile of the points in the 30 days before it
 * (points sorted by tSec); NaN with fewer than MIN_TRAILING_HOURS of them.
 */
export function trailingLowCarbonThreshold(sorted: readonly { tSec: number; gPerKwh: number }[], atSec: number): number {
  const lo = lowerBound(sorted, atSec - LOW_CARBON_TRAILING_SEC);
  const hi = lowerBound(sorted, atSec);
  return hi - lo >= MIN_TRAILING_HOURS ? lowCarbonThreshold(sorted.slice(lo, hi).map((p) => p.gPerKwh)) : NaN;
}

/** First index whose tSec ≥ t (points sorted by tSec). */
function lowerBound(pts: readonly { tSec: number }[], t: number): number {
  let lo = 0;
  let hi = pts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pts[mid].tSec < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
