/**
 * Reduction targets: the definition a user sets (HTTP body, CLI flags or `--file`). Strict zod contract, types via
 * z.infer; a bad definition names its field and nothing is stored.
 *
 * Methods:
 * - `absolute-contraction` (metric `total-emissions`): a straight line from the base year's emissions, by default
 *   4.2 % of the base a year — the SBTi cross-sector absolute contraction rate for 1.5 °C-aligned near-term scope 1+2
 *   targets (SBTi Corporate Near-Term Criteria v5, ambition criterion; 2.5 %/yr is the well-below-2 °C rate) — or
 *   a total reduction by the target year (`targetReductionPct`), spread linearly.
 * - `intensity` (gCO2e per inference, kgCO2e per training run, kgCO2e per GPU-hour): from the base year's intensity,
 *   when known, linearly to `targetValue` in the target year; without a base the pathway is `targetValue` throughout.
 * - `kpi-threshold` (share of training hours in low-carbon windows, budget utilisation): `targetValue` throughout.
 */
import { z } from 'zod';
import { BUDGET_ID, BudgetScope, EMISSION_BASES, parseDefinition } from './budgets';
import {
  COMPARATORS, EARLIEST_BASE_YEAR, METRIC_INFO, SBTI_1_5C_ANNUAL_REDUCTION_PCT, SBTI_RECALCULATION_THRESHOLD_PCT, TARGET_METHODS, TARGET_METRICS,
  type Comparator, type TargetDef, type TargetMethod, type TargetMetric,
} from '../domain/targets/types';

export {
  TARGET_METRICS, TARGET_METHODS, COMPARATORS, METRIC_INFO, SBTI_1_5C_ANNUAL_REDUCTION_PCT, SBTI_RECALCULATION_THRESHOLD_PCT, EARLIEST_BASE_YEAR,
  type TargetMetric, type TargetMethod, type Comparator,
};

const year = z.number({ error: 'expected a calendar year' }).int('expected a whole year').min(EARLIEST_BASE_YEAR, `no earlier than ${EARLIEST_BASE_YEAR}`).max(2100);
const pct = z.number({ error: 'expected a number' }).positive('must be > 0').max(100, 'at most 100');

export const TargetBase = z
  .object({
    /** Base-year value in the metric's unit (kgCO2e for total emissions). */
    value: z.number({ error: 'expected a number' }).positive('must be > 0').finite(),
    basis: z.enum(EMISSION_BASES).default('location-based'),
    /** Where the figure comes from (an inventory, an audit); shown with it. */
    note: z.string().max(300).optional(),
  })
  .strict();

export const TargetDefinition = z
  .object({
    id: z.string({ error: 'required' }).regex(BUDGET_ID, '1–64 of a-z, 0-9 and inner hyphens'),
    name: z.string().trim().min(1).max(128).optional(),
    metric: z.enum(TARGET_METRICS, { error: `expected one of ${TARGET_METRICS.join(', ')}` }),
    method: z.enum(TARGET_METHODS, { error: `expected one of ${TARGET_METHODS.join(', ')}` }).optional(),
    /** Which emissions a total-emissions target covers (default: the whole account). */
    scope: BudgetScope.optional(),
    basis: z.enum(EMISSION_BASES).default('location-based'),
    baseYear: year,
    /** Entered base-year value; absent = computed from the store once it holds the whole base year. */
    base: TargetBase.optional(),
    targetYear: year,
    annualReductionPct: pct.optional(),
    targetReductionPct: pct.optional(),
    targetValue: z.number({ error: 'expected a number' }).min(0, 'must be ≥ 0').finite().optional(),
    comparator: z.enum(COMPARATORS).optional(),
    demo: z.boolean().optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const info = METRIC_INFO[t.metric];
    if (t.targetYear <= t.baseYear) ctx.addIssue({ code: 'custom', path: ['targetYear'], message: `must be after baseYear (${t.baseYear})` });
    if (t.method !== undefined && t.method !== info.method) {
      ctx.addIssue({ code: 'custom', path: ['method'], message: `${t.metric} targets use the ${info.method} method` });
    }
    if (t.base && t.base.basis !== t.basis) ctx.addIssue({ code: 'custom', path: ['base', 'basis'], message: `must match the target's basis (${t.basis}): location- and market-based figures are never mixed` });
    if (t.scope !== undefined && t.metric !== 'total-emissions') ctx.addIssue({ code: 'custom', path: ['scope'], message: 'only total-emissions targets take a scope (the KPIs are account-wide)' });
    if (info.method === 'absolute-contraction') {
      if (t.annualReductionPct !== undefined && t.targetReductionPct !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['targetReductionPct'], message: 'give annualReductionPct or targetReductionPct, not both' });
      }
      if (t.targetValue !== undefined) ctx.addIssue({ code: 'custom', path: ['targetValue'], message: 'an absolute-contraction target is set by annualReductionPct or targetReductionPct' });
    } else {
      if (t.targetValue === undefined) ctx.addIssue({ code: 'custom', path: ['targetValue'], message: `required: the ${info.unit} to reach` });
      for (const f of ['annualReductionPct', 'targetReductionPct'] as const) {
        if (t[f] !== undefined) ctx.addIssue({ code: 'custom', path: [f], message: `only for total-emissions targets; set targetValue` });
      }
      if (info.method === 'kpi-threshold' && t.base !== undefined) ctx.addIssue({ code: 'custom', path: ['base'], message: 'a kpi-threshold target has no base value' });
      if (/%/.test(info.unit) && t.targetValue !== undefined && t.targetValue > 100) ctx.addIssue({ code: 'custom', path: ['targetValue'], message: 'a percentage: at most 100' });
    }
  })
  .transform((t) => ({
    ...t,
    method: METRIC_INFO[t.metric].method,
    comparator: t.comparator ?? METRIC_INFO[t.metric].comparator,
    scope: t.metric === 'total-emissions' ? (t.scope ?? { dimension: 'account' as const }) : undefined,
  }));
export type TargetDefinition = z.infer<typeof TargetDefinition>;
// The contract and the domain's type cannot drift: this line fails to compile if they do.
const _sameShape = (t: TargetDefinition): TargetDef => t;
void _sameShape;
export type TargetDefinitionInput = z.input<typeof TargetDefinition>;

export const parseTargetDefinition = (value: unknown): TargetDefinition => parseDefinition(TargetDefinition, value, 'target');
