/**
 * Target pathways (pure): the value a target allows each year and month from its base year to its target year.
 *
 * - absolute contraction: E(y) = base × (1 − r·(y − baseYear)), floored at 0, with r = annualReductionPct (default
 *   4.2 %/yr, SBTi 1.5 °C) or targetReductionPct ÷ (targetYear − baseYear). Monthly values are the year's allowance
 *   split by days (extensive: the months add up to the year).
 * - intensity: linear from the base-year value to targetValue in the target year (intensive: a month's value is the
 *   line at the month's middle); without a base value the pathway is targetValue throughout.
 * - kpi-threshold: targetValue throughout.
 */
import { daysIn, monthWindow, yearWindow } from '../budgets/periods';
import { METRIC_INFO, SBTI_1_5C_ANNUAL_REDUCTION_PCT, type TargetDef } from './types';

export interface PathwayPoint {
  /** `YYYY` or `YYYY-MM`. */
  period: string;
  value: number;
}

export interface Pathway {
  unit: string;
  /** Annual reduction applied, % of base per year (absolute contraction only). */
  annualReductionPct?: number;
  yearly: PathwayPoint[];
  monthly: PathwayPoint[];
}

/** The annual linear reduction rate of an absolute-contraction target, % of base-year emissions per year. */
export const annualRatePct = (t: Pick<TargetDef, 'annualReductionPct' | 'targetReductionPct' | 'baseYear' | 'targetYear'>): number =>
  t.targetReductionPct !== undefined ? t.targetReductionPct / (t.targetYear - t.baseYear) : (t.annualReductionPct ?? SBTI_1_5C_ANNUAL_REDUCTION_PCT);

/** The pathway of a target, or undefined when it needs a base value that is not known. */
export function targetPathway(t: TargetDef, baseValue: number | undefined): Pathway | undefined {
  const unit = METRIC_INFO[t.metric].unit;
  const years = Array.from({ length: t.targetYear - t.baseYear + 1 }, (_, i) => t.baseYear + i);
  const months = (y: number) => Array.from({ length: 12 }, (_, m) => ({ y, m: m + 1, key: `${y}-${String(m + 1).padStart(2, '0')}` }));
  if (t.method === 'absolute-contraction') {
    if (baseValue === undefined) return undefined;
    const r = annualRatePct(t) / 100;
    const yearValue = (y: number) => baseValue * Math.max(0, 1 - r * (y - t.baseYear));
    return {
      unit,
      annualReductionPct: r * 100,
      yearly: years.map((y) => ({ period: String(y), value: yearValue(y) })),
      monthly: years.flatMap((y) => months(y).map(({ m, key }) => ({ period: key, value: (yearValue(y) * daysIn(monthWindow(y, m))) / daysIn(yearWindow(y)) }))),
    };
  }
  const target = t.targetValue ?? 0;
  const start = t.method === 'intensity' && baseValue !== undefined ? baseValue : target;
  const at = (yearFrac: number) => start + ((target - start) * Math.min(1, Math.max(0, yearFrac - t.baseYear))) / (t.targetYear - t.baseYear);
  return {
    unit,
    yearly: years.map((y) => ({ period: String(y), value: at(y) })),
    monthly: years.flatMap((y) => months(y).map(({ m, key }) => ({ period: key, value: at(y + (m - 0.5) / 12) }))),
  };
}

/** The pathway's value for a year or a month (`YYYY` / `YYYY-MM`); undefined outside base…target year. */
export const pathwayValue = (p: Pathway, period: string): number | undefined =>
  (period.length === 4 ? p.yearly : p.monthly).find((x) => x.period === period)?.value;
