/**
 * Use cases: set, list and delete reduction targets, and their progress. A target is validated in full before
 * anything is written; writes are compare-and-set on the stored version. Setting a target records the base-year
 * value it was set with (entered, or computed from the store when the store holds the whole base year), so a later
 * restatement of ≥ 5 % raises the SBTi recalculation flag.
 */
import { parseTargetDefinition } from '../contracts/targets';
import { budgetStatus, historyDays } from '../domain/budgets/status';
import { sumInScope } from '../domain/budgets/emissions';
import { daysIn, periodOf, yearWindow } from '../domain/budgets/periods';
import type { BudgetDef, BudgetScope } from '../domain/budgets/types';
import type { KpiReport } from '../domain/kpis';
import type { InstanceSpec } from '../domain/power/instance-catalog';
import { gpuHourIntensity, metricFromKpis, type MetricValue } from '../domain/targets/metrics';
import { targetPathway, type Pathway } from '../domain/targets/pathway';
import { recalculationFlag, targetProgress, type RecalculationFlag, type TargetMeasurement, type TargetProgress } from '../domain/targets/progress';
import { SBTI_RECALCULATION_THRESHOLD_PCT, type TargetDef } from '../domain/targets/types';
import { DAY_SEC, isoUtc, utcDay, type EpochSec, type Window } from '../domain/time';
import type { BudgetStore, StoredTarget, TargetBaseline, TargetStore } from '../ports/budget-ports';
import { loadBudgetInputs, type BudgetDataDeps, type LoadedBudgetInputs } from './budget-data';
import { deleteDefinition, VersionConflictError, type SetResult } from './budgets-crud';
import { makeBudgetStatuses, type BudgetStatusDeps } from './evaluate-budgets';

export interface TargetDeps extends BudgetDataDeps {
  targets: TargetStore;
  /** Budgets, for the budget-utilisation target. */
  budgets?: BudgetStore;
  lookupInstance: (instanceType: string) => InstanceSpec | undefined;
  /** The KPI report over a window (the CLI and API pass the same loader the KPI panel uses). */
  kpiReport: (w: Window) => Promise<KpiReport>;
}

/** Budgets and targets together (API routes, KPIs, CLI): the budget store is required. */
export type BudgetingDeps = TargetDeps & BudgetStatusDeps;

/** Window the intensity and KPI targets are measured over (the recent value is carried forward). */
export const RECENT_WINDOW_DAYS = 30;

export interface BaseValue {
  value?: number;
  source: 'entered' | 'store';
  /** Why there is no value (the store does not hold the whole base year …). */
  reason?: string;
}

export interface TargetStatus {
  target: StoredTarget;
  base: BaseValue & { basis: TargetDef['basis'] };
  pathway: Pathway | undefined;
  current: TargetProgress;
  recalculation: RecalculationFlag;
  demo: boolean;
}

/** Total emissions in scope over a year from the loaded inputs, when the store covers the whole year up to the watermark. */
function yearTotal(inputs: LoadedBudgetInputs, scope: BudgetScope, year: number): BaseValue {
  const w = yearWindow(year);
  if (inputs.dataStartSec > w.startSec) return { source: 'store', reason: `the store holds data from ${utcDay(inputs.dataStartSec)} only; base year ${year} is not fully covered` };
  if (inputs.watermarkSec < w.endSec) return { source: 'store', reason: `base year ${year} is not over yet (data to ${isoUtc(inputs.watermarkSec)})` };
  return { source: 'store', value: sumInScope(inputs.rows, scope, inputs.facts, w) };
}

/** The KPI-type value of a metric over a window. */
async function metricOver(d: TargetDeps, t: TargetDef, w: Window, inputs: LoadedBudgetInputs): Promise<MetricValue> {
  if (t.metric === 'gpu-hour-intensity') return gpuHourIntensity(await d.store.queryIntervals(w), inputs.resources, d.lookupInstance);
  if (t.metric === 'budget-utilisation') {
    if (!d.budgets) return { value: null, reason: 'budgets are not available here' };
    // The target's inputs already cover every budget period and the forecast history: no second load.
    const s = await makeBudgetStatuses({ ...d, budgets: d.budgets })({ watermarkSec: inputs.watermarkSec, inputs });
    const fs = s.statuses.filter((x) => x.forecastUtilisationPct !== null).map((x) => x.forecastUtilisationPct!);
    if (!s.statuses.length) return { value: null, reason: 'no budgets defined' };
    if (!fs.length) return { value: null, reason: 'no budget has a forecast yet' };
    return { value: Math.max(...fs), detail: `highest forecast utilisation at period end among ${fs.length} budget(s)` };
  }
  return metricFromKpis(t.metric, await d.kpiReport(w)) ?? { value: null, reason: `metric ${t.metric} has no measurement` };
}

/** The base-year value of a target: entered, or computed from the store. */
async function baseValueOf(d: TargetDeps, t: TargetDef, inputs: LoadedBudgetInputs): Promise<BaseValue> {
  if (t.base) return { source: 'entered', value: t.base.value };
  if (t.method === 'kpi-threshold') return { source: 'store', reason: 'a kpi-threshold target has no base value' };
  if (t.metric === 'total-emissions') return yearTotal(inputs, t.scope ?? { dimension: 'account' }, t.baseYear);
  const w = yearWindow(t.baseYear);
  if (inputs.dataStartSec > w.startSec || inputs.watermarkSec < w.endSec) return { source: 'store', reason: `the store does not hold the whole base year ${t.baseYear}` };
  const m = await metricOver(d, t, w, inputs);
  return m.value === null ? { source: 'store', reason: m.reason } : { source: 'store', value: m.value };
}

/** Current-year measurement of an absolute target: the year's forecast P50, or the annualised run-rate when the store starts mid-year. */
function absoluteMeasurement(t: TargetDef, inputs: LoadedBudgetInputs): TargetMeasurement {
  const year = periodOf('year', inputs.watermarkSec);
  const scope = t.scope ?? { dimension: 'account' as const };
  const probe: BudgetDef = { id: t.id, scope, period: 'year', limitKgCo2e: 1, basis: t.basis, includeEmbodied: false, mode: 'advisory', notifications: [] };
  const s = budgetStatus(probe, inputs);
  if (!s.available) return { period: year.key, actual: null, forecast: null, forecastMethod: 'forecast', reason: s.reason };
  if (inputs.dataStartSec > year.startSec) {
    // The store starts after 1 January: the year so far is incomplete, so compare the recent daily rate over a full year.
    const days = historyDays(inputs.dataStartSec, inputs.watermarkSec, 42);
    if (!days.length) return { period: year.key, actual: s.actualKgCo2e, forecast: null, forecastMethod: 'annualised run-rate', reason: 'no complete day of data yet' };
    const daily = days.reduce((a, w) => a + sumInScope(inputs.rows, scope, inputs.facts, w), 0) / days.length;
    return {
      period: year.key,
      actual: s.actualKgCo2e,
      forecast: daily * daysIn(year),
      forecastMethod: `annualised run-rate (mean of ${days.length} complete day(s) × ${daysIn(year)}; the store covers ${year.key} from ${utcDay(inputs.dataStartSec)} only)`,
    };
  }
  if (s.forecast?.status !== 'ok') return { period: year.key, actual: s.actualKgCo2e, forecast: null, forecastMethod: 'year forecast P50', reason: s.forecast?.status === 'insufficient-data' ? s.forecast.reason : 'no forecast' };
  return { period: year.key, actual: s.actualKgCo2e, forecast: s.forecast.p50KgCo2e, forecastMethod: 'year forecast P50' };
}

/** Progress of every live target (or of `ids` only) at the store's watermark. */
export const makeTargetStatuses = (deps: TargetDeps) =>
  async (opts: { watermarkSec?: EpochSec; ids?: readonly string[] } = {}): Promise<{ watermarkSec: EpochSec | undefined; statuses: TargetStatus[]; demo: boolean }> => {
    const targets = (await deps.targets.listTargets()).filter((t) => !opts.ids || opts.ids.includes(t.id));
    if (!targets.length) return { watermarkSec: undefined, statuses: [], demo: false };
    // One KPI report per window for the whole listing: the KPI targets share the recent window, and each report
    // reads every interval of it (the reason `targets list` once took ~10 s on the demo store).
    const d: TargetDeps = { ...deps, kpiReport: memoByWindow(deps.kpiReport) };
    const minBase = Math.min(...targets.map((t) => yearWindow(t.baseYear).startSec));
    const inputs = await loadBudgetInputs(d, { watermarkSec: opts.watermarkSec, fromSec: (w) => Math.min(minBase, periodOf('year', w).startSec, w - 43 * DAY_SEC) });
    const statuses: TargetStatus[] = [];
    for (const t of targets) {
      const demo = t.demo === true || (inputs?.demo ?? false);
      if (!inputs) {
        statuses.push({
          target: t, base: { source: t.base ? 'entered' : 'store', value: t.base?.value, basis: t.basis }, pathway: targetPathway(t, t.base?.value), demo,
          current: { status: 'insufficient-data', reason: 'the store holds no collected data yet', period: '', pathwayValue: null, actual: null, forecast: null, forecastMethod: '', unit: '' },
          recalculation: recalculationFlag(undefined, undefined),
        });
        continue;
      }
      const base = await baseValueOf(d, t, inputs);
      const pathway = targetPathway(t, base.value);
      let m: TargetMeasurement;
      if (t.metric === 'total-emissions') m = absoluteMeasurement(t, inputs);
      else {
        const w = { startSec: Math.max(inputs.dataStartSec, inputs.watermarkSec - RECENT_WINDOW_DAYS * DAY_SEC), endSec: inputs.watermarkSec };
        const v = await metricOver(d, t, w, inputs);
        m = {
          period: periodOf('month', inputs.watermarkSec).key,
          actual: v.value,
          forecast: v.value,
          forecastMethod: `value over ${utcDay(w.startSec)}…${isoUtc(w.endSec)} carried forward`,
          reason: v.reason,
        };
      }
      const restated = t.baseline.restatedFrom;
      const recalculation = restated
        ? { required: true, changePct: restated.changePct, reason: `base-year value restated by ${restated.changePct.toFixed(1)} % in version ${t.version} (≥ ${SBTI_RECALCULATION_THRESHOLD_PCT} %): recalculate the target (SBTi Near-Term Criteria C27)` }
        : recalculationFlag(t.baseline.recordedValue, base.value);
      statuses.push({ target: t, base: { ...base, basis: t.basis }, pathway, current: targetProgress(t, pathway, m, base.reason), recalculation, demo });
    }
    return { watermarkSec: inputs?.watermarkSec, statuses, demo: statuses.some((s) => s.demo) };
  };

/** One call per distinct window (the promise is shared, so concurrent callers wait for the same read). */
function memoByWindow<R>(f: (w: Window) => Promise<R>): (w: Window) => Promise<R> {
  const seen = new Map<string, Promise<R>>();
  return (w) => {
    const k = `${w.startSec}|${w.endSec}`;
    let p = seen.get(k);
    if (!p) seen.set(k, (p = f(w)));
    return p;
  };
}

/** Create or replace a target, recording the base-year value it is set with. */
export const makeSetTarget = (d: TargetDeps) =>
  async (raw: unknown, opts: { expectedVersion?: number } = {}): Promise<SetResult<StoredTarget>> => {
    const def = parseTargetDefinition(raw);
    const existing = await d.targets.getTarget(def.id, { includeDeleted: true });
    const live = existing && !existing.deleted ? existing : undefined;
    if (opts.expectedVersion !== undefined && (live?.version ?? 0) !== opts.expectedVersion) {
      throw new VersionConflictError('target', def.id, opts.expectedVersion, live?.version);
    }
    const now = d.clock.nowSec();
    let baseline: TargetBaseline;
    if (def.base) {
      baseline = { source: 'entered', recordedValue: def.base.value, recordedAtSec: now };
      const before = live?.baseline.recordedValue;
      if (live && before !== undefined && before > 0 && live.baseYear === def.baseYear && live.metric === def.metric) {
        const changePct = (100 * (def.base.value - before)) / before;
        if (Math.abs(changePct) >= SBTI_RECALCULATION_THRESHOLD_PCT) baseline.restatedFrom = { value: before, changePct, version: live.version };
      }
    } else {
      const inputs = await loadBudgetInputs(d, { fromSec: yearWindow(def.baseYear).startSec });
      baseline = { source: 'store', recordedValue: inputs ? (await baseValueOf(d, def, inputs)).value : undefined, recordedAtSec: now };
    }
    const stored = await d.targets.putTarget(def, baseline, existing?.version ?? 0, now);
    if (!stored) throw new VersionConflictError('target', def.id, existing?.version, undefined);
    return { record: stored, created: !live };
  };

export const makeListTargets = (d: Pick<TargetDeps, 'targets'>) => (): Promise<StoredTarget[]> => d.targets.listTargets();

/** Delete (tombstone) a target. */
export const makeDeleteTarget = (d: Pick<TargetDeps, 'targets' | 'clock'>) =>
  (id: string, opts: { expectedVersion?: number } = {}): Promise<{ id: string; version: number }> =>
    deleteDefinition('target', id, opts.expectedVersion, { get: (x) => d.targets.getTarget(x), del: (x, v) => d.targets.deleteTarget(x, v, d.clock.nowSec()) });
