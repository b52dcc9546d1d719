/** Low-carbon windows: the "share of training in low-carbon windows" KPI. */

/** Share of trailing values below which an hour counts as low-carbon (30th percentile). */
export const LOW_CARBON_PERCENTILE = 30;

/** p-th percentile (0–100) of the finite values, linear interpolation between order statistics (Hyndman–Fan type 7). */
export const percentile = (values: ArrayLike<number>, p: number): number => {
  const xs: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) xs.push(values[i]);
  if (xs.length === 0) return NaN;
  xs.sort((a, b) => a - b);
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
