/**
 * Reduction-target vocabulary shared by the pure target domain and the zod contract (shared/contracts/targets.ts,
 * checked against these types at compile time).
 */
import type { BudgetScope, EmissionBasis } from '../budgets/types';

export const TARGET_METRICS = [
  'total-emissions',
  'inference-intensity',
  'training-emissions-per-run',
  'gpu-hour-intensity',
  'low-carbon-training-share',
  'budget-utilisation',
] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];

export const TARGET_METHODS = ['absolute-contraction', 'intensity', 'kpi-threshold'] as const;
export type TargetMethod = (typeof TARGET_METHODS)[number];

/** `below` <, `at-most` ≤, `at-least` ≥ the pathway value. */
export const COMPARATORS = ['below', 'at-most', 'at-least'] as const;
export type Comparator = (typeof COMPARATORS)[number];

/** Unit, method and default comparator of each metric. */
export const METRIC_INFO: Readonly<Record<TargetMetric, { unit: string; method: TargetMethod; comparator: Comparator }>> = Object.freeze({
  'total-emissions': { unit: 'kgCO2e', method: 'absolute-contraction', comparator: 'at-most' },
  'inference-intensity': { unit: 'gCO2e/inference', method: 'intensity', comparator: 'below' },
  'training-emissions-per-run': { unit: 'kgCO2e/run', method: 'intensity', comparator: 'below' },
  'gpu-hour-intensity': { unit: 'kgCO2e/GPU-hour', method: 'intensity', comparator: 'below' },
  'low-carbon-training-share': { unit: '% of training hours', method: 'kpi-threshold', comparator: 'at-least' },
  'budget-utilisation': { unit: '%', method: 'kpi-threshold', comparator: 'below' },
});

/**
 * SBTi 1.5 °C-aligned linear annual reduction, % of base-year emissions per year: the cross-sector absolute
 * contraction approach (SBTi Corporate Near-Term Criteria v5, ambition of scope 1+2 targets; 2.5 %/yr is the
 * well-below-2 °C rate).
 */
export const SBTI_1_5C_ANNUAL_REDUCTION_PCT = 4.2;
/**
 * SBTi: recalculate the target when base-year emissions change by 5 % or more (Corporate Near-Term Criteria v5,
 * C27 "mandatory target recalculation"; Corporate Net-Zero Standard v1, target recalculation criteria).
 */
export const SBTI_RECALCULATION_THRESHOLD_PCT = 5;
/** SBTi accepts base years from 2015 (SBTi target-setting FAQ, "choice of base year"). */
export const EARLIEST_BASE_YEAR = 2015;

export interface TargetBaseDef {
  value: number;
  basis: EmissionBasis;
  note?: string;
}

/** A validated target definition (what the user set, defaults applied). */
export interface TargetDef {
  id: string;
  name?: string;
  metric: TargetMetric;
  method: TargetMethod;
  scope?: BudgetScope;
  basis: EmissionBasis;
  baseYear: number;
  base?: TargetBaseDef;
  targetYear: number;
  annualReductionPct?: number;
  targetReductionPct?: number;
  targetValue?: number;
  comparator: Comparator;
  demo?: boolean;
}
