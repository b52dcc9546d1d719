/**
 * Recompute the carbon of a stored footprint interval from a new time-weighted intensity (pure).
 * Energy is unchanged (it does not depend on the grid); carbon = facility energy × intensity; the revision follows
 * `intervalRevision`, so a better intensity quality replaces the interval and a worse one never does.
 */
import type { FootprintInterval } from '../types';
import { intervalRevision, type IntervalIntensity } from './compute-interval';

/** The new intensity is for another signal or zone than the interval's: recomputing would mix them. */
export class RecomputeMismatchError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'RecomputeMismatchError';
  }
}

/** True when `intensity` would give `interval` a higher revision (i.e. a better intensity quality). */
export const improvesInterval = (interval: FootprintInterval, intensity: Pick<IntervalIntensity, 'quality'>): boolean =>
  intervalRevision(interval.provisional, intensity.quality) > interval.revision;

/** The interval with carbon recomputed from `intensity`; energy, coverage and attribution are kept as they were. */
export function recomputeIntervalCarbon(interval: FootprintInterval, intensity: IntervalIntensity): FootprintInterval {
  if (intensity.signal !== interval.intensitySignal) {
    throw new RecomputeMismatchError(`interval ${interval.resourceKey}@${interval.intervalStartSec} uses ${interval.intensitySignal}, not ${intensity.signal}`);
  }
  if (intensity.zone !== interval.intensityZone) {
    throw new RecomputeMismatchError(`interval ${interval.resourceKey}@${interval.intervalStartSec} uses zone ${interval.intensityZone}, not ${intensity.zone}`);
  }
  if (!Number.isFinite(intensity.gPerKwh) || intensity.gPerKwh < 0) {
    throw new RecomputeMismatchError(`intensity ${intensity.gPerKwh} g/kWh is not a finite non-negative value`);
  }
  const kgPerKwh = intensity.gPerKwh / 1000;
  const e = interval.energyKwh;
  const out: FootprintInterval = {
    ...interval,
    co2eKg: { point: e.point * kgPerKwh, low: e.low * kgPerKwh, high: e.high * kgPerKwh },
    intensityGPerKwh: intensity.gPerKwh,
    intensityProvider: intensity.provider,
    intensityQuality: intensity.quality,
    revision: intervalRevision(interval.provisional, intensity.quality),
  };
  if (intensity.issuedAtSec !== undefined) out.intensityIssuedAtSec = intensity.issuedAtSec;
  else delete out.intensityIssuedAtSec;
  return out;
}
