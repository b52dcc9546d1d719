/**
 * The state of one budget at a watermark (pure): actual emissions in its current period, the forecast to period end,
 * utilisation, each notification's condition and the top contributors. The use cases load the inputs (roll-ups,
 * intervals, inventory, job plans) and persist notification transitions; everything computed lives here.
 */
import { DAY_SEC, alignDown, isoUtc, type EpochSec, type Window } from '../time';
import type { Attribution, Ranged } from '../types';
import {
  basisUnavailable,
  embodiedCoverage,
  matchesScope,
  sumInScope,
  topContributors,
  unscheduledDailyTotals,
  type Contributor,
  type EmissionRow,
  type ResourceFacts,
} from './emissions';
import { DEFAULT_FORECAST_OPTIONS, forecastPeriodTotal, type ForecastOptions, type PeriodForecast, type PlannedWork } from './forecast';
import { periodOf, type CalendarPeriod } from './periods';
import type { BudgetDef, BudgetNotificationDef, NotificationState } from './types';

/** A job the carbon-aware scheduler has planned and not finished (from the job store). */
export interface ScheduledJobFacts {
  jobId: string;
  /** From the request's ownerTags with the configured attribution keys. */
  attribution: Attribution;
  segments: readonly { region: string; startSec: EpochSec; endSec: EpochSec }[];
  expectedCo2eKg: Ranged;
  /**
   * Embodied kgCO2e per second of the job's reserved instances (the embodied model's rate for its instance type ×
   * count); absent when the instance type is not modelled. Counted only by budgets that include embodied emissions.
   */
  embodiedKgPerSec?: Ranged;
  demo: boolean;
}

/** What the evaluation of budgets reads, loaded once for all budgets. */
export interface BudgetInputs {
  /** Emission rows from the start of the longest period (and the forecast history) to the watermark. */
  rows: readonly EmissionRow[];
  facts: (resourceKey: string) => ResourceFacts;
  scheduled: readonly ScheduledJobFacts[];
  /** First instant the store fully covers (start of its first complete UTC day). */
  dataStartSec: EpochSec;
  /** Actuals are counted up to here (the collectors' cursors); the forecast covers the rest. */
  watermarkSec: EpochSec;
  demo: boolean;
}

export interface NotificationStatus extends BudgetNotificationDef {
  index: number;
  thresholdKgCo2e: number;
  /** The amount compared: actual, or the forecast's P50 for FORECASTED. Null when it cannot be computed. */
  amountKgCo2e: number | null;
  /** The condition now: ALARM when the amount is over the threshold; null when the amount is not available. */
  condition: NotificationState | null;
}

export interface BudgetStatus {
  budget: BudgetDef;
  period: CalendarPeriod;
  watermarkSec: EpochSec;
  /** False when the budget's basis cannot be counted (market-based): every figure is then null. */
  available: boolean;
  reason?: string;
  /** Actual emissions to date on the budget's counting: operational, plus embodied when the budget includes it. */
  actualKgCo2e: number | null;
  /**
   * For a budget that includes embodied emissions: the split of the actual (operational + embodied = actual) and
   * what has no embodied figure (resources in scope with unmodelled hardware or data from before embodied
   * accounting; planned jobs on unmodelled instance types): those count operational emissions only. Null otherwise.
   */
  embodied: {
    operationalKgCo2e: number;
    embodiedKgCo2e: number;
    resourcesWithoutFigure: number;
    resourcesInScope: number;
    plannedJobsWithoutFigure: number;
  } | null;
  forecast: PeriodForecast | null;
  /** Actual ÷ limit, %. */
  utilisationPct: number | null;
  /** Forecast P50 ÷ limit, %. */
  forecastUtilisationPct: number | null;
  /** Limit − forecast P50 (or − actual when there is no forecast). */
  remainingKgCo2e: number | null;
  remainingBasis: 'forecast-p50' | 'actual' | null;
  notifications: NotificationStatus[];
  topContributors: Contributor[];
  demo: boolean;
}

/** kgCO2e a notification's threshold stands for. */
export const thresholdKg = (n: BudgetNotificationDef, limitKgCo2e: number): number =>
  n.thresholdType === 'PERCENTAGE' ? (limitKgCo2e * n.threshold) / 100 : n.threshold;

/** Complete UTC days available as run-rate history before the watermark, newest `maxDays`. */
export function historyDays(dataStartSec: EpochSec, watermarkSec: EpochSec, maxDays: number): Window[] {
  const first = Math.ceil(dataStartSec / DAY_SEC) * DAY_SEC;
  const end = alignDown(watermarkSec, DAY_SEC);
  const out: Window[] = [];
  for (let d = Math.max(first, end - maxDays * DAY_SEC); d < end; d += DAY_SEC) out.push({ startSec: d, endSec: d + DAY_SEC });
  return out;
}

/**
 * Scheduled work of the jobs whose segments fall in the budget's scope (training-job kind, segment region, job
 * attribution). A budget that includes embodied emissions adds each job's embodied rate × its planned time to the
 * plan's expected range (prorated by segment time like the operational part).
 */
export function plannedInScope(b: Pick<BudgetDef, 'scope'> & Partial<Pick<BudgetDef, 'includeEmbodied'>>, jobs: readonly ScheduledJobFacts[]): PlannedWork[] {
  const out: PlannedWork[] = [];
  for (const j of jobs) {
    const segments = j.segments.filter((s) => matchesScope(b.scope, { kind: 'training-job', region: s.region, attribution: j.attribution }));
    if (!segments.length) continue;
    const planSec = j.segments.reduce((a, s) => a + (s.endSec - s.startSec), 0);
    const e = b.includeEmbodied ? j.embodiedKgPerSec : undefined;
    const expectedCo2eKg = e
      ? { low: j.expectedCo2eKg.low + e.low * planSec, point: j.expectedCo2eKg.point + e.point * planSec, high: j.expectedCo2eKg.high + e.high * planSec }
      : j.expectedCo2eKg;
    out.push({ jobId: j.jobId, segments, planSec, expectedCo2eKg });
  }
  return out;
}

/** The budget's state at the inputs' watermark (or in `period`, e.g. a later one a job plan reaches into). */
export function budgetStatus(b: BudgetDef, inputs: BudgetInputs, opts: { period?: CalendarPeriod; forecast?: Partial<ForecastOptions> } = {}): BudgetStatus {
  const period = opts.period ?? periodOf(b.period, inputs.watermarkSec);
  const unavailable = basisUnavailable(b.basis);
  const base = { budget: b, period, watermarkSec: inputs.watermarkSec, demo: inputs.demo || b.demo === true };
  if (unavailable) {
    return {
      ...base, available: false, reason: unavailable, actualKgCo2e: null, embodied: null, forecast: null, utilisationPct: null, forecastUtilisationPct: null,
      remainingKgCo2e: null, remainingBasis: null, topContributors: [],
      notifications: b.notifications.map((n, index) => ({ ...n, index, thresholdKgCo2e: thresholdKg(n, b.limitKgCo2e), amountKgCo2e: null, condition: null })),
    };
  }
  const toDate = { startSec: period.startSec, endSec: Math.max(period.startSec, Math.min(inputs.watermarkSec, period.endSec)) };
  const withEmbodied = b.includeEmbodied;
  const actual = sumInScope(inputs.rows, b.scope, inputs.facts, toDate, withEmbodied);
  const planned = plannedInScope(b, inputs.scheduled);
  const o = { ...DEFAULT_FORECAST_OPTIONS, ...opts.forecast };
  const days = historyDays(inputs.dataStartSec, inputs.watermarkSec, o.historyDays);
  const forecast = forecastPeriodTotal({
    period,
    asOfSec: inputs.watermarkSec,
    actualKgCo2e: actual,
    historyDailyKgCo2e: unscheduledDailyTotals(inputs.rows, b.scope, inputs.facts, days, withEmbodied),
    planned,
    options: o,
  });
  const p50 = forecast.p50KgCo2e;
  return {
    ...base,
    available: true,
    actualKgCo2e: actual,
    embodied: withEmbodied ? embodiedSplit(b, inputs, toDate, planned) : null,
    forecast,
    utilisationPct: (100 * actual) / b.limitKgCo2e,
    forecastUtilisationPct: p50 === null ? null : (100 * p50) / b.limitKgCo2e,
    remainingKgCo2e: b.limitKgCo2e - (p50 ?? actual),
    remainingBasis: p50 === null ? 'actual' : 'forecast-p50',
    notifications: b.notifications.map((n, index) => {
      const amount = n.type === 'ACTUAL' ? actual : p50;
      const t = thresholdKg(n, b.limitKgCo2e);
      // AWS Budgets' GREATER_THAN: the notification holds when the amount is over the threshold.
      return { ...n, index, thresholdKgCo2e: t, amountKgCo2e: amount, condition: amount === null ? null : amount > t ? 'ALARM' : 'OK' };
    }),
    topContributors: topContributors(inputs.rows, b.scope, inputs.facts, toDate, 5, withEmbodied),
  };
}

/** The operational/embodied split of an embodied-including budget's actual, and what carries no embodied figure. */
function embodiedSplit(b: BudgetDef, inputs: BudgetInputs, toDate: Window, planned: readonly PlannedWork[]): NonNullable<BudgetStatus['embodied']> {
  const inPlan = new Set(planned.map((p) => p.jobId));
  return {
    ...embodiedCoverage(inputs.rows, b.scope, inputs.facts, toDate),
    plannedJobsWithoutFigure: inputs.scheduled.filter((j) => inPlan.has(j.jobId) && !j.embodiedKgPerSec).length,
  };
}

/** One line for logs and CLI tables: `team=nlp 2026-11: 412.3 of 500 kgCO2e (82 %), forecast P50 530 / P90 610`. */
export function describeStatus(s: BudgetStatus): string {
  const scope = s.budget.scope.dimension === 'account' ? 'account' : `${s.budget.scope.dimension}=${s.budget.scope.value}`;
  if (!s.available) return `${s.budget.id} (${scope}, ${s.period.key}): not available — ${s.reason}`;
  const f = s.forecast?.status === 'ok' ? `forecast P50 ${s.forecast.p50KgCo2e.toFixed(1)} / P90 ${s.forecast.p90KgCo2e.toFixed(1)}` : `no forecast (${s.forecast?.status === 'insufficient-data' ? s.forecast.reason : 'n/a'})`;
  const e = s.embodied;
  const split = e
    ? ` (operational ${e.operationalKgCo2e.toFixed(1)} + embodied ${e.embodiedKgCo2e.toFixed(1)}${e.resourcesWithoutFigure ? `; ${e.resourcesWithoutFigure} of ${e.resourcesInScope} resources without an embodied figure` : ''})`
    : '';
  return `${s.budget.id} (${scope}, ${s.period.key} to ${isoUtc(s.watermarkSec)}): ${s.actualKgCo2e!.toFixed(1)} of ${s.budget.limitKgCo2e} kgCO2e${split} (${s.utilisationPct!.toFixed(0)} %), ${f}`;
}
