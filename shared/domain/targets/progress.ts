/**
 * Target progress (pure): actual and forecast against the pathway, a status with its reason, and the SBTi
 * recalculation flag when base-year emissions are restated by 5 % or more.
 */
import { METRIC_INFO, SBTI_RECALCULATION_THRESHOLD_PCT, type Comparator, type TargetDef } from './types';
import { pathwayValue, type Pathway } from './pathway';

export type TargetStatusValue = 'on-track' | 'off-track' | 'insufficient-data';

/** What was measured for the current year (absolute) or the recent window (intensity and KPI targets). */
export interface TargetMeasurement {
  /** `YYYY` (absolute contraction) or `YYYY-MM` (intensity, KPI): the pathway point compared with. */
  period: string;
  /** Absolute: the year's emissions so far; intensity/KPI: the value over the recent window. Null = not measurable. */
  actual: number | null;
  /** Absolute: the year's total P50 forecast; intensity/KPI: the recent value carried forward. */
  forecast: number | null;
  /** How the forecast was made (shown with it). */
  forecastMethod: string;
  /** Why actual or forecast is null. */
  reason?: string;
}

export interface TargetProgress {
  status: TargetStatusValue;
  reason: string;
  period: string;
  pathwayValue: number | null;
  actual: number | null;
  forecast: number | null;
  forecastMethod: string;
  unit: string;
}

/** value meets the pathway value under the comparator. */
export const meets = (value: number, target: number, c: Comparator): boolean =>
  c === 'below' ? value < target : c === 'at-most' ? value <= target : value >= target;

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2));
const sign: Record<Comparator, string> = { below: '<', 'at-most': '≤', 'at-least': '≥' };

/** Status of a target: on-track when the forecast meets the pathway for the measured period. */
export function targetProgress(t: TargetDef, pathway: Pathway | undefined, m: TargetMeasurement, baseReason?: string): TargetProgress {
  const unit = METRIC_INFO[t.metric].unit;
  const base = { period: m.period, actual: m.actual, forecast: m.forecast, forecastMethod: m.forecastMethod, unit };
  if (!pathway) return { ...base, status: 'insufficient-data', reason: baseReason ?? 'no base-year value', pathwayValue: null };
  const pv = pathwayValue(pathway, m.period);
  if (pv === undefined) {
    return { ...base, status: 'insufficient-data', reason: `${m.period} is outside the target's pathway (${t.baseYear}–${t.targetYear})`, pathwayValue: null };
  }
  if (m.forecast === null) return { ...base, status: 'insufficient-data', reason: m.reason ?? 'no measurement', pathwayValue: pv };
  const ok = meets(m.forecast, pv, t.comparator);
  return {
    ...base,
    pathwayValue: pv,
    status: ok ? 'on-track' : 'off-track',
    reason: `${m.forecastMethod} ${fmt(m.forecast)} ${unit} ${ok ? 'meets' : 'misses'} the ${m.period} pathway ${sign[t.comparator]} ${fmt(pv)} ${unit}`,
  };
}

export interface RecalculationFlag {
  required: boolean;
  /** Signed change of the base-year value against the one the target was set with, %. */
  changePct: number | null;
  reason: string;
}

/** SBTi recalculation trigger: base-year emissions restated by ≥ 5 % since the target was set. */
export function recalculationFlag(recordedBase: number | undefined, currentBase: number | undefined): RecalculationFlag {
  if (recordedBase === undefined || currentBase === undefined || !(recordedBase > 0)) {
    return { required: false, changePct: null, reason: 'no recorded and current base-year value to compare' };
  }
  const changePct = (100 * (currentBase - recordedBase)) / recordedBase;
  const required = Math.abs(changePct) >= SBTI_RECALCULATION_THRESHOLD_PCT;
  return {
    required,
    changePct,
    reason: required
      ? `base-year emissions restated by ${changePct.toFixed(1)} % (≥ ${SBTI_RECALCULATION_THRESHOLD_PCT} %): recalculate the target (SBTi Near-Term Criteria C27)`
      : `base-year emissions within ${SBTI_RECALCULATION_THRESHOLD_PCT} % of the value the target was set with (${changePct.toFixed(1)} %)`,
  };
}
