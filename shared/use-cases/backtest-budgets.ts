/**
 * Use case: back-test the budget forecast on a store (the demo store, or a real one). Builds each scope's daily
 * series from the same inputs budget evaluation reads, then runs the pure back-test: every complete period, every
 * UTC day cut, forecast from data before the cut only vs the realised total.
 */
import { backtestForecast, type BacktestResult, type BacktestSeries } from '../domain/budgets/backtest';
import { scopeLabel, sumInScope, unscheduledDailyTotals } from '../domain/budgets/emissions';
import type { ForecastOptions } from '../domain/budgets/forecast';
import { plannedInScope, type ScheduledJobFacts } from '../domain/budgets/status';
import type { BudgetPeriodType, BudgetScope } from '../domain/budgets/types';
import { resolveAttribution } from '../domain/attribution';
import { JOB_STATUSES } from '../domain/scheduler/job-state';
import { DAY_SEC, alignDown, type EpochSec, type Window } from '../domain/time';
import { loadBudgetInputs, type BudgetDataDeps } from './budget-data';

export interface BacktestRequest {
  scopes: BudgetScope[];
  periodTypes: BudgetPeriodType[];
  forecast?: Partial<ForecastOptions>;
}

export interface BacktestReport extends BacktestResult {
  firstDay: string;
  days: number;
  demo: boolean;
}

export const makeBudgetBacktest = (d: BudgetDataDeps) =>
  async (req: BacktestRequest): Promise<BacktestReport | undefined> => {
    const inputs = await loadBudgetInputs(d, { fromSec: 0 });
    if (!inputs) return undefined;
    const first = Math.ceil(inputs.dataStartSec / DAY_SEC) * DAY_SEC;
    const end = alignDown(inputs.watermarkSec, DAY_SEC);
    const days: Window[] = [];
    for (let t = first; t < end; t += DAY_SEC) days.push({ startSec: t, endSec: t + DAY_SEC });
    // Every job the scheduler ever planned, with the time it was planned: a cut only sees jobs planned before it.
    const jobs: (ScheduledJobFacts & { createdAtSec: EpochSec })[] = [];
    if (d.jobs) {
      for (const s of JOB_STATUSES) {
        for (const j of await d.jobs.listByStatus(s)) {
          jobs.push({ jobId: j.jobId, attribution: resolveAttribution(j.request.ownerTags ?? {}, d.attributionKeys), segments: j.plan.segments, expectedCo2eKg: j.plan.expectedCo2eKg, demo: j.demo, createdAtSec: j.createdAtSec });
        }
      }
    }
    const series: BacktestSeries[] = req.scopes.map((scope) => ({
      scope: scopeLabel(scope),
      firstDaySec: first,
      totalDailyKgCo2e: days.map((w) => sumInScope(inputs.rows, scope, inputs.facts, w)),
      unscheduledDailyKgCo2e: unscheduledDailyTotals(inputs.rows, scope, inputs.facts, days),
      plannedAt: (cutSec) => plannedInScope({ scope }, jobs.filter((j) => j.createdAtSec < cutSec)),
    }));
    return { ...backtestForecast(series, req.periodTypes, req.forecast), firstDay: days.length ? new Date(first * 1000).toISOString().slice(0, 10) : '', days: days.length, demo: inputs.demo };
  };
