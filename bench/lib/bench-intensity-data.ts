/**
 * Benchmark data preparation: the reference hourly series and published provider forecasts as the points the
 * product's intensity store holds in production (actuals from the ingest; provider forecast vintages from the
 * Electricity Maps / WattTime forecast feeds). No product decision is made here.
 *
 * CarbonCast's published vintages stand in for a provider forecast feed. CarbonCast forecasts its own
 * production-based series, while the benchmark accounts on Electricity Maps' consumption-based series: levels
 * differ, shapes agree (r ≈ 0.97–0.99, ../shared/data/carboncast/SOURCE.md). A production feed forecasts the
 * series it is scored on, so each vintage is put on the Electricity Maps level with one factor,
 * Σ EM ÷ Σ CarbonCast actuals over the 7 days before its issue time — history only, nothing after the issue.
 */
import { HOUR_SEC, type EpochSec } from '../../shared/domain/time';
import type { IntensitySignal } from '../../shared/domain/types';
import type { StoredIntensityPoint } from '../../shared/ports/intensity-store';
import type { CarbonCastRegion } from './hourly-data';

/** Provider name of the actuals the bench stores (the reference data, labelled as such in every plan reason). */
export const REFERENCE_ACTUALS_PROVIDER = 'electricitymaps-hourly (reference data)';
/** Hours before a vintage's issue time used to put it on the zone's level. */
export const CALIBRATION_H = 7 * 24;

/** An hourly series as stored actuals (missing hours are left out, as the ingest does). */
export function actualPoints(zone: string, signal: IntensitySignal, firstHourSec: EpochSec, values: ArrayLike<number>, provider = REFERENCE_ACTUALS_PROVIDER): StoredIntensityPoint[] {
  const out: StoredIntensityPoint[] = [];
  for (let i = 0; i < values.length; i++) {
    const g = values[i];
    if (Number.isFinite(g) && g >= 0) out.push({ tSec: firstHourSec + i * HOUR_SEC, periodSec: HOUR_SEC, gPerKwh: g, zone, signal, provider, quality: 'actual' });
  }
  return out;
}

/** Σ zone ÷ Σ provider actuals over the CALIBRATION_H hours before `issueSec` (both observed); undefined if none. */
export function levelFactor(zone: { firstHourSec: EpochSec; lca: ArrayLike<number> }, provider: { firstHourSec: EpochSec; lca: ArrayLike<number> }, issueSec: EpochSec): number | undefined {
  const e0 = Math.floor((issueSec - zone.firstHourSec) / HOUR_SEC);
  const p0 = Math.floor((issueSec - provider.firstHourSec) / HOUR_SEC);
  let em = 0;
  let pc = 0;
  for (let k = 1; k <= CALIBRATION_H; k++) {
    const a = zone.lca[e0 - k];
    const b = provider.lca[p0 - k];
    if (Number.isFinite(a) && Number.isFinite(b) && b > 0) {
      em += a;
      pc += b;
    }
  }
  return pc > 0 && em > 0 ? em / pc : undefined;
}

/**
 * A zone's CarbonCast vintages as stored provider-forecast points on the zone's level (see the file comment).
 * Vintages that cannot be levelled (no CarbonCast actuals in the 7 days before) are left out.
 */
export function carbonCastVintagePoints(
  zoneName: string,
  signal: IntensitySignal,
  zone: { firstHourSec: EpochSec; lca: ArrayLike<number> },
  cc: Required<Pick<CarbonCastRegion, 'region' | 'vintages' | 'history'>>,
): { points: StoredIntensityPoint[]; vintages: number; provider: string } {
  const provider = `carboncast:${cc.region}`;
  const points: StoredIntensityPoint[] = [];
  let vintages = 0;
  for (const v of cc.vintages) {
    const f = levelFactor(zone, cc.history, v.issueSec);
    if (f === undefined) continue;
    vintages++;
    for (let i = 0; i < v.forecast.length; i++) {
      const g = v.forecast[i];
      if (Number.isFinite(g) && g > 0) {
        points.push({ tSec: v.issueSec + i * HOUR_SEC, periodSec: HOUR_SEC, gPerKwh: g * f, zone: zoneName, signal, provider, quality: 'provider-forecast', issuedAtSec: v.issueSec });
      }
    }
  }
  return { points, vintages, provider };
}
