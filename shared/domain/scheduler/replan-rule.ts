/**
 * The hourly re-plan rule for a job that has not started yet (pure). Called by the product's re-plan use case
 * (shared/use-cases/replan-jobs.ts) and by bench:scheduler, so the benchmark measures the rule the product runs.
 *
 * The current plan's segments and the fresh plan are both costed under the NEW forecast: the question is whether
 * what we now expect from the plan we hold is worse than what we now expect from the best plan, by more than a
 * threshold (churn guard: every re-plan deletes and recreates schedules, and a small forecast wiggle should not
 * move a job back and forth). An infeasible fresh plan never replaces a held one.
 */
import { segmentsCo2eKg, type Plan, type PlanSegment, type RegionForecast } from './planner';

export interface ReplanInput {
  /** Segments of the current plan revision, none started yet. */
  pending: readonly PlanSegment[];
  /** The planner's answer on the new forecasts (same job inputs, planned now). */
  fresh: Plan;
  /** The new forecasts of the job's allowed regions (the ones `fresh` was planned on). */
  forecasts: readonly RegionForecast[];
  powerKw: number;
  /** Re-plan only when the fresh optimum is more than this share (%) below the current plan. */
  thresholdPct: number;
}

export interface ReplanDecision {
  replan: boolean;
  /** (current − fresh) ÷ current expected kg CO2e under the new forecast, %; 0 when the current plan costs nothing. */
  gainPct: number;
  /** Expected kg CO2e of the current segments under the new forecast. */
  currentKg: number;
}

/** Whether a not-yet-started job should move to the fresh plan: feasible and more than `thresholdPct` % cleaner. */
export function replanDecision(x: ReplanInput): ReplanDecision {
  const currentKg = segmentsCo2eKg(x.pending, x.forecasts, x.powerKw);
  const gainPct = currentKg > 0 ? ((currentKg - x.fresh.expectedCo2eKg.point) / currentKg) * 100 : 0;
  return { replan: x.fresh.feasible && gainPct > x.thresholdPct, gainPct, currentKg };
}
