/**
 * Pre-flight gate (pure): may a job plan run under the enforcing budgets whose scope it falls in?
 *
 * A plan counts against a budget with its upper bound (`expectedCo2eKg.high`, the planner's 90 % range): the gate
 * errs on the side of the limit. Only the part of the plan inside the budget's scope (training-job kind, the
 * segment's region, the job's team/project/model) and inside the budget's period counts, prorated by segment time.
 * The room left is limit − the budget's forecast P50 to period end (actuals + scheduled jobs + run-rate), or
 * limit − actual when there is no forecast. A budget that includes embodied emissions also counts the job's embodied
 * rate (its instances' share of their hardware's manufacturing emissions, upper bound) for the same time. An enforcing budget that cannot be evaluated (its basis is not recorded
 * yet) refuses: an enforcing limit that cannot be checked is not silently waived.
 */
import { isoUtc, overlapSec } from '../time';
import type { Attribution, Ranged } from '../types';
import { matchesScope, scopeLabel } from './emissions';
import type { CalendarPeriod } from './periods';
import type { BudgetDef } from './types';

export interface GatePlan {
  segments: readonly { region: string; startSec: number; endSec: number }[];
  expectedCo2eKg: Ranged;
}

export interface GateJob {
  jobId: string;
  attribution: Attribution;
  plan: GatePlan;
  /** Embodied kgCO2e per second of the job's reserved instances; absent when the instance type is not modelled. */
  embodiedKgPerSec?: Ranged;
}

/** An enforcing budget in one period, as the gate sees it. */
export interface GateBudgetState {
  budget: BudgetDef;
  period: CalendarPeriod;
  available: boolean;
  reason?: string;
  remainingKgCo2e: number | null;
  remainingBasis: 'forecast-p50' | 'actual' | null;
}

export interface GateCheck {
  budgetId: string;
  name?: string;
  scope: string;
  periodKey: string;
  limitKgCo2e: number;
  remainingKgCo2e: number | null;
  remainingBasis: GateBudgetState['remainingBasis'];
  /** The plan's upper-bound kgCO2e inside this budget's scope and period. */
  planKgCo2e: number;
  fits: boolean;
  reason?: string;
}

export type GateDecision =
  | { decision: 'allow'; checks: GateCheck[] }
  | { decision: 'refuse'; checks: GateCheck[]; violations: GateCheck[]; message: string }
  | { decision: 'allow-with-override'; checks: GateCheck[]; violations: GateCheck[]; overrideReason: string; message: string };

/** Upper-bound kgCO2e of the plan inside a budget's scope and period (prorated by segment time; plus embodied when the budget includes it). */
export function planKgInBudget(job: Pick<GateJob, 'attribution' | 'plan' | 'embodiedKgPerSec'>, budget: Pick<BudgetDef, 'scope'> & Partial<Pick<BudgetDef, 'includeEmbodied'>>, period: CalendarPeriod): number {
  const total = job.plan.segments.reduce((a, s) => a + (s.endSec - s.startSec), 0);
  if (!(total > 0)) return 0;
  let inside = 0;
  for (const s of job.plan.segments) {
    if (!matchesScope(budget.scope, { kind: 'training-job', region: s.region, attribution: job.attribution })) continue;
    inside += overlapSec(s, period);
  }
  const embodied = budget.includeEmbodied && job.embodiedKgPerSec ? job.embodiedKgPerSec.high * inside : 0;
  return (job.plan.expectedCo2eKg.high * inside) / total + embodied;
}

const kg = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));

/** What a refusal says: the budget, its remaining kg and the plan's kg, for each violated budget. */
export const violationText = (v: GateCheck): string =>
  v.reason
    ? `enforcing budget ${v.budgetId} (${v.scope}, ${v.periodKey}) cannot be checked: ${v.reason}`
    : `enforcing budget ${v.budgetId} (${v.scope}, ${v.periodKey}) has ${kg(Math.max(0, v.remainingKgCo2e ?? 0))} kgCO2e remaining of ${kg(v.limitKgCo2e)} ` +
      `(${v.remainingBasis === 'forecast-p50' ? 'after its forecast to period end' : 'after its actual emissions'}` +
      `${(v.remainingKgCo2e ?? 0) < 0 ? `, which is already ${kg(-(v.remainingKgCo2e ?? 0))} kgCO2e over the limit` : ''}); the plan needs up to ${kg(v.planKgCo2e)} kgCO2e`;

/** Allow, refuse (naming each violated budget) or allow with a recorded override reason. */
export function gateJob(job: GateJob, states: readonly GateBudgetState[], override?: { reason: string }): GateDecision {
  const checks: GateCheck[] = [];
  for (const s of states) {
    if (s.budget.mode !== 'enforcing') continue;
    const planKg = planKgInBudget(job, s.budget, s.period);
    if (!(planKg > 0)) continue;
    const base = { budgetId: s.budget.id, name: s.budget.name, scope: scopeLabel(s.budget.scope), periodKey: s.period.key, limitKgCo2e: s.budget.limitKgCo2e, remainingKgCo2e: s.remainingKgCo2e, remainingBasis: s.remainingBasis, planKgCo2e: planKg };
    if (!s.available || s.remainingKgCo2e === null) checks.push({ ...base, fits: false, reason: s.reason ?? 'no figures for the period' });
    else checks.push({ ...base, fits: planKg <= s.remainingKgCo2e });
  }
  const violations = checks.filter((c) => !c.fits);
  if (!violations.length) return { decision: 'allow', checks };
  const message = `job ${job.jobId} would exceed its carbon budget: ${violations.map(violationText).join('; ')}`;
  if (override) return { decision: 'allow-with-override', checks, violations, overrideReason: override.reason, message: `${message} — overridden: ${override.reason}` };
  return { decision: 'refuse', checks, violations, message };
}

/**
 * The cheapest candidate plan (by expected point emissions) the gate allows without an override, or undefined.
 * The scheduler passes alternatives it can make (a later start, another allowed region); `decide` gates each.
 */
export function pickFittingPlan<P extends GatePlan>(candidates: readonly P[], decide: (plan: P) => GateDecision): P | undefined {
  let best: P | undefined;
  for (const p of candidates) {
    if (decide(p).decision !== 'allow') continue;
    if (!best || p.expectedCo2eKg.point < best.expectedCo2eKg.point) best = p;
  }
  return best;
}

/** A one-line description of a plan for refusal messages (`eu-north-1 from 2026-12-01T00:00:00Z, 4.1 kgCO2e`). */
export const planText = (p: GatePlan): string =>
  p.segments.length ? `${[...new Set(p.segments.map((s) => s.region))].join('+')} from ${isoUtc(p.segments[0].startSec)}, up to ${kg(p.expectedCo2eKg.high)} kgCO2e` : 'an empty plan';

/** One line on what the gate decided, for plan previews (`carbonpilot plan`). */
export function gateSummary(d: GateDecision): string {
  if (d.decision !== 'allow') return d.message;
  if (!d.checks.length) return 'carbon budgets: no enforcing budget covers this plan';
  return `carbon budgets: fits ${d.checks.map((c) => `${c.budgetId} (${c.periodKey}: up to ${kg(c.planKgCo2e)} of ${kg(Math.max(0, c.remainingKgCo2e ?? 0))} kgCO2e remaining)`).join(', ')}`;
}
