/**
 * The shapes budgets and targets are shown in, the same for `carbonpilot budgets|targets list --format json` and
 * `GET /api/budgets|targets`, and the one-line text of a `Carbon Budget Threshold Crossed` event (printed by the
 * local runtime, where AWS delivers it to the SNS topic).
 */
import { BudgetThresholdCrossedDetail } from '../contracts/budgets';
import { scopeLabel } from '../domain/budgets/emissions';
import { METRIC_INFO } from '../domain/targets/types';
import { isoUtc, type EpochSec } from '../domain/time';
import type { BudgetStatusView, BudgetStatuses } from '../use-cases/evaluate-budgets';
import type { TargetStatus } from '../use-cases/targets-crud';

/** One budget as `budgets list --format json` (and the API) show it. */
export function budgetView(s: BudgetStatusView) {
  const b = s.budget;
  const f = s.forecast;
  return {
    id: b.id,
    name: b.name,
    scope: b.scope,
    period: b.period,
    mode: b.mode,
    basis: b.basis,
    includeEmbodied: b.includeEmbodied,
    limitKgCo2e: b.limitKgCo2e,
    currentPeriod: { key: s.period.key, from: isoUtc(s.period.startSec), to: isoUtc(s.period.endSec) },
    available: s.available,
    ...(s.reason ? { reason: s.reason } : {}),
    actualKgCo2e: s.actualKgCo2e,
    /** With includeEmbodied: actual = operational + embodied, and what has no embodied figure; null otherwise. */
    embodied: s.embodied,
    forecastKgCo2e: {
      p50: f?.p50KgCo2e ?? null,
      p90: f?.p90KgCo2e ?? null,
      status: f?.status ?? 'not-available',
      ...(f?.status === 'insufficient-data' ? { reason: f.reason } : {}),
      method: f?.method ?? null,
      components: f?.components ?? null,
    },
    utilisationPct: s.utilisationPct,
    forecastUtilisationPct: s.forecastUtilisationPct,
    remainingKgCo2e: s.remainingKgCo2e,
    remainingBasis: s.remainingBasis,
    notifications: s.notifications.map((n) => {
      const stored = s.states.find((x) => x.index === n.index);
      return {
        index: n.index,
        type: n.type,
        threshold: n.threshold,
        thresholdType: n.thresholdType,
        thresholdKgCo2e: n.thresholdKgCo2e,
        /** The condition now (null when it cannot be evaluated). */
        state: n.condition,
        /** What the budget evaluation last stored and published for this period (null before its first run). */
        stored: stored ? { state: stored.state, asOf: isoUtc(stored.asOfSec), alarmPublishedAt: stored.alarmPublishedAtSec === undefined ? null : isoUtc(stored.alarmPublishedAtSec), clearPublishedAt: stored.clearPublishedAtSec === undefined ? null : isoUtc(stored.clearPublishedAtSec) } : null,
      };
    }),
    topContributors: s.topContributors,
    version: b.version,
    updatedAt: isoUtc(b.updatedAtSec),
    demo: s.demo,
  };
}

/** One target as `targets list --format json` (and the API) show it. */
export function targetView(s: TargetStatus) {
  const t = s.target;
  return {
    id: t.id,
    name: t.name,
    metric: t.metric,
    method: t.method,
    unit: METRIC_INFO[t.metric].unit,
    comparator: t.comparator,
    ...(t.scope ? { scope: t.scope } : {}),
    basis: t.basis,
    baseYear: t.baseYear,
    targetYear: t.targetYear,
    ...(t.targetValue !== undefined ? { targetValue: t.targetValue } : {}),
    ...(t.annualReductionPct !== undefined ? { annualReductionPct: t.annualReductionPct } : {}),
    ...(t.targetReductionPct !== undefined ? { targetReductionPct: t.targetReductionPct } : {}),
    base: { value: s.base.value ?? null, basis: s.base.basis, source: s.base.source, ...(t.base?.note ? { note: t.base.note } : {}), ...(s.base.reason ? { reason: s.base.reason } : {}) },
    pathway: s.pathway ?? null,
    current: {
      period: s.current.period,
      value: s.current.actual,
      forecast: s.current.forecast,
      forecastMethod: s.current.forecastMethod,
      pathwayValue: s.current.pathwayValue,
    },
    status: s.current.status,
    statusReason: s.current.reason,
    recalculation: s.recalculation,
    version: t.version,
    updatedAt: isoUtc(t.updatedAtSec),
    demo: s.demo,
  };
}

/** `{ asOf, demo, budgets: [...] }`: the body of `GET /api/budgets` and of `budgets list --format json`. */
export const budgetsBody = (r: Pick<BudgetStatuses, 'watermarkSec' | 'statuses' | 'demo'>) => ({
  asOf: r.watermarkSec === undefined ? null : isoUtc(r.watermarkSec),
  demo: r.demo,
  budgets: r.statuses.map(budgetView),
});

/** `{ asOf, demo, targets: [...] }`: the body of `GET /api/targets` and of `targets list --format json`. */
export const targetsBody = (r: { watermarkSec: EpochSec | undefined; statuses: TargetStatus[]; demo: boolean }) => ({
  asOf: r.watermarkSec === undefined ? null : isoUtc(r.watermarkSec),
  demo: r.demo,
  targets: r.statuses.map(targetView),
});

const kgText = (x: number | null) => (x === null ? 'n/a' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1));

/** One line for a notification event (`npm start` prints it); an event that does not fit the contract says so. */
export function notificationLine(e: { 'detail-type': string; detail: unknown }): string {
  const p = BudgetThresholdCrossedDetail.safeParse(e.detail);
  if (!p.success) return `[${e['detail-type']}] (detail not readable: ${p.error.issues[0]?.message ?? 'invalid'})`;
  const d = p.data;
  const t = d.threshold;
  const threshold = `${t.type} > ${t.threshold}${t.thresholdType === 'PERCENTAGE' ? ' %' : ' kg'} (${kgText(t.thresholdKgCo2e)} kgCO2e)`;
  const amount = t.type === 'FORECASTED' ? `forecast P50 ${kgText(d.forecastKgCo2e.p50)} (P90 ${kgText(d.forecastKgCo2e.p90)})` : `actual ${kgText(d.actualKgCo2e)}`;
  return `${d.demo ? 'DEMO ' : ''}budget alert: ${d.budget.id} (${scopeLabel(d.budget.scope)}, ${d.period.key}) ${threshold} ${d.previousState} → ${d.state}: ` +
    `${amount} of ${kgText(d.budget.limitKgCo2e)} kgCO2e limit, data to ${d.asOf}` +
    (d.topContributors.length ? `; top: ${d.topContributors.slice(0, 3).map((c) => `${c.resourceId} ${c.sharePct.toFixed(0)} %`).join(', ')}` : '');
}
