/**
 * KPI contributor: carbon budget utilisation and reduction-target status, in the KPI shape (`value: null` + `reason`
 * when they cannot be computed, never 0), appended to the KPI report where it is assembled (`kpis` CLI and
 * /api/kpis). Both are states "as of" the window's end (never after the data's watermark), not sums over the window.
 * Location-based, like every budget figure today.
 */
import type { Kpi } from '../domain/kpis';
import type { Window } from '../domain/time';
import { dataWatermark } from './budget-data';
import { makeBudgetStatuses, type BudgetStatuses } from './evaluate-budgets';
import { makeTargetStatuses, type BudgetingDeps, type TargetStatus } from './targets-crud';

const na = (id: Kpi['id'], label: string, unit: string, reason: string): Kpi => ({ id, label, unit, value: null, reason });

/** Highest forecast utilisation (P50 ÷ limit at period end) among the budgets: the KPI "carbon budget utilisation < 90 %". */
export function budgetUtilisationKpi(r: Pick<BudgetStatuses, 'statuses'>): Kpi {
  const label = 'Carbon budget utilisation (forecast at period end)';
  const unit = '% of limit';
  if (!r.statuses.length) return na('budget-utilisation', label, unit, 'no carbon budgets defined');
  const withForecast = r.statuses.filter((s) => s.forecastUtilisationPct !== null);
  if (!withForecast.length) {
    const why = r.statuses.map((s) => (!s.available ? s.reason : s.forecast?.status === 'insufficient-data' ? s.forecast.reason : undefined)).find(Boolean);
    return na('budget-utilisation', label, unit, `no budget has a forecast yet${why ? ` (${why})` : ''}`);
  }
  const top = withForecast.reduce((a, s) => (s.forecastUtilisationPct! > a.forecastUtilisationPct! ? s : a));
  const maxActual = Math.max(...r.statuses.map((s) => s.utilisationPct ?? 0));
  return {
    id: 'budget-utilisation', label, unit,
    value: top.forecastUtilisationPct!,
    detail: `highest of ${withForecast.length} budget(s): ${top.budget.id} (${top.period.key}); actual so far at most ${maxActual.toFixed(0)} % of a limit; location-based`,
    breakdown: withForecast
      .map((s) => ({ key: `${s.budget.id} (${s.period.key})`, value: s.forecastUtilisationPct! }))
      .sort((a, b) => b.value - a.value || (a.key < b.key ? -1 : 1)),
  };
}

/** Share of the measurable reduction targets that are on track, %, naming each target under its status. */
export function targetStatusKpi(statuses: readonly TargetStatus[]): Kpi {
  const label = 'Reduction targets on track';
  if (!statuses.length) return na('target-status', label, 'targets', 'no reduction targets defined');
  const by = (st: string) => statuses.filter((s) => s.current.status === st).map((s) => s.target.id);
  const on = by('on-track');
  const off = by('off-track');
  const insufficient = by('insufficient-data');
  const detail = [`on-track: ${on.join(', ') || 'none'}`, `off-track: ${off.join(', ') || 'none'}`, ...(insufficient.length ? [`insufficient data: ${insufficient.join(', ')}`] : [])].join('; ');
  const measurable = on.length + off.length;
  if (!measurable) return { ...na('target-status', label, 'targets', `no target measurable yet (${statuses[0].current.reason})`), detail };
  return { id: 'target-status', label, unit: `% of ${measurable} measurable targets`, value: (100 * on.length) / measurable, detail };
}

/** The contributor: both KPIs as of the window's end (or the data's watermark, whichever is earlier). */
export const makeBudgetKpis = (d: BudgetingDeps) =>
  async (w: Window): Promise<Kpi[]> => {
    const data = await dataWatermark(d.store, await d.store.listAllResources(), d.clock.nowSec());
    const watermarkSec = data === undefined ? undefined : Math.min(data, w.endSec);
    const [budgets, targets] = await Promise.all([makeBudgetStatuses(d)({ watermarkSec }), makeTargetStatuses(d)({ watermarkSec })]);
    return [budgetUtilisationKpi(budgets), targetStatusKpi(targets.statuses)];
  };
