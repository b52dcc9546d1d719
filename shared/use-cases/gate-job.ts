/**
 * Use case: the pre-flight budget gate for a job plan (before POST /api/jobs schedules it, or for `carbonpilot plan`).
 * Evaluates the enforcing budgets the plan falls in (each period its segments touch), decides allow / refuse /
 * allow-with-override (pure: shared/domain/budgets/gate.ts), records overrides with their reason, and — when refused
 * and the caller can make alternatives (later start, other allowed region; `alternativePlans` in schedule-job.ts) —
 * offers the cheapest plan that fits.
 */
import type { BudgetOverride } from '../contracts/budgets';
import { resolveAttribution } from '../domain/attribution';
import { gateJob, pickFittingPlan, planText, violationText, type GateBudgetState, type GateDecision, type GateJob, type GatePlan } from '../domain/budgets/gate';
import { periodOf, periodsOverlapping } from '../domain/budgets/periods';
import { budgetStatus } from '../domain/budgets/status';
import { DEFAULT_FORECAST_OPTIONS } from '../domain/budgets/forecast';
import { DAY_SEC, type Window } from '../domain/time';
import type { Ranged } from '../domain/types';
import type { StoredBudget } from '../ports/budget-ports';
import { loadBudgetInputs, type LoadedBudgetInputs } from './budget-data';
import type { BudgetStatusDeps } from './evaluate-budgets';

/** The plan would break an enforcing budget and the request carries no override: HTTP 409, CLI exit 3. Terminal. */
export class BudgetExceededError extends Error {
  readonly retryable = false;
  readonly exitCode = 3;
  readonly httpStatus = 409;
  constructor(
    readonly decision: Extract<GateDecision, { decision: 'refuse' }>,
    /** A plan that fits, when the scheduler could offer one. */
    readonly fittingPlan?: GatePlan,
  ) {
    super(`${decision.message}${fittingPlan ? `; a plan that fits: ${planText(fittingPlan)}` : ''}; to run anyway, add budgetOverride: { reason } to the request (the reason is recorded)`);
    this.name = 'BudgetExceededError';
  }
}

export interface GateRequest<P extends GatePlan = GatePlan> {
  jobId: string;
  /** The request's ownerTags (resolved to team/project/model with the configured attribution keys). */
  ownerTags: Record<string, string>;
  plan: P;
  /** The job's embodied rate (`embodiedRate` of its ResourceConfig), counted by budgets that include embodied emissions. */
  embodiedKgPerSec?: Ranged;
  override?: BudgetOverride;
  /** Record the override with the budget (default true); a plan preview stores nothing. */
  recordOverride?: boolean;
  demo?: boolean;
  /** Alternative plans to offer when refused, given the refusal and the enforcing budgets (e.g. `alternativePlans` below). */
  alternatives?: (refused: Extract<GateDecision, { decision: 'refuse' }>, enforcing: readonly StoredBudget[]) => Promise<P[]>;
}

export interface GateResult<P extends GatePlan = GatePlan> {
  decision: GateDecision;
  /** The cheapest alternative the gate allows, when the plan was refused and one exists. */
  fittingPlan?: P;
  overridesRecorded: number;
}

const planWindow = (p: GatePlan): Window =>
  p.segments.length ? { startSec: Math.min(...p.segments.map((s) => s.startSec)), endSec: Math.max(...p.segments.map((s) => s.endSec)) } : { startSec: 0, endSec: 0 };

/** Gate a job plan against the enforcing budgets. */
export const makeGateJob = (d: BudgetStatusDeps) =>
  async <P extends GatePlan>(req: GateRequest<P>): Promise<GateResult<P>> => {
    const enforcing = (await d.budgets.listBudgets()).filter((b) => b.mode === 'enforcing');
    const job = (plan: GatePlan): GateJob => ({ jobId: req.jobId, attribution: resolveAttribution(req.ownerTags, d.attributionKeys), plan, ...(req.embodiedKgPerSec ? { embodiedKgPerSec: req.embodiedKgPerSec } : {}) });
    if (!enforcing.length) return { decision: gateJob(job(req.plan), []), overridesRecorded: 0 };

    const historyDays = { ...DEFAULT_FORECAST_OPTIONS, ...d.forecast }.historyDays;
    let inputs: LoadedBudgetInputs | undefined;
    let loaded = false;
    const cache = new Map<string, GateBudgetState>();
    const statesFor = async (plan: GatePlan): Promise<GateBudgetState[]> => {
      if (!loaded) {
        loaded = true;
        inputs = await loadBudgetInputs(d, { fromSec: (w) => Math.min(w - (historyDays + 1) * DAY_SEC, ...enforcing.map((b) => periodOf(b.period, w).startSec)) });
      }
      const out: GateBudgetState[] = [];
      for (const b of enforcing) {
        for (const period of periodsOverlapping(b.period, planWindow(plan))) {
          const key = `${b.id}|${period.key}`;
          let st = cache.get(key);
          if (!st) {
            st = stateOf(b, period, inputs);
            cache.set(key, st);
          }
          out.push(st);
        }
      }
      return out;
    };

    const decision = gateJob(job(req.plan), await statesFor(req.plan), req.override);
    let overridesRecorded = 0;
    if (decision.decision === 'allow-with-override' && req.recordOverride !== false) {
      for (const v of decision.violations) {
        const r = await d.budgets.recordOverride({
          budgetId: v.budgetId, periodKey: v.periodKey, jobId: req.jobId, reason: req.override!.reason, approvedBy: req.override!.approvedBy,
          planKgCo2e: v.planKgCo2e, remainingKgCo2e: v.remainingKgCo2e, atSec: d.clock.nowSec(), demo: req.demo === true,
        });
        if (r === 'recorded') overridesRecorded++;
      }
    }
    let fittingPlan: P | undefined;
    if (decision.decision === 'refuse' && req.alternatives) {
      const candidates = await req.alternatives(decision, enforcing);
      const decided = new Map<P, GateDecision>();
      for (const c of candidates) decided.set(c, gateJob(job(c), await statesFor(c)));
      fittingPlan = pickFittingPlan(candidates, (c) => decided.get(c)!);
    }
    return { decision, fittingPlan, overridesRecorded };
  };

/** An enforcing budget in a period as the gate sees it (a later period has no actuals yet: its forecast is run-rate + plans). */
function stateOf(b: StoredBudget, period: ReturnType<typeof periodOf>, inputs: LoadedBudgetInputs | undefined): GateBudgetState {
  if (!inputs) return { budget: b, period, available: true, remainingKgCo2e: b.limitKgCo2e, remainingBasis: 'actual' };
  const s = budgetStatus(b, inputs, { period });
  return { budget: b, period, available: s.available, reason: s.reason, remainingKgCo2e: s.remainingKgCo2e, remainingBasis: s.remainingBasis };
}

/** Throw BudgetExceededError for a refusal (the call sites map it to 409 / exit 3). */
export function assertAllowed<P extends GatePlan>(r: GateResult<P>): void {
  if (r.decision.decision === 'refuse') throw new BudgetExceededError(r.decision, r.fittingPlan);
}

/** The refusal lines, for logs and CLI output. */
export const refusalLines = (d: GateDecision): string[] => (d.decision === 'allow' ? [] : d.violations.map(violationText));
