/**
 * Sustainability KPIs (pure). Every KPI is either a computed value or `{ value: null, reason }` saying why it cannot
 * be computed from the data at hand — never a silent 0. All emissions are location-based (never mixed with
 * market-based figures); energy includes PUE.
 *
 * KPIs are computed from `KpiFacts` — exact sums of a footprint view (shared/domain/footprint/footprint-view.ts),
 * read from roll-ups or summed from intervals, identical either way — by a list of contributors: the core KPIs
 * here, and capabilities (budgets, targets, scopes) append their own `KpiContributor`s to the list they pass.
 */
import { resourceKey, type FootprintInterval, type IntensityPoint, type ResourceKind, type ResourceRef } from './types';
import { HOUR_SEC, type EpochSec, type Window } from './time';
import { LOW_CARBON_PERCENTILE, LOW_CARBON_TRAILING_SEC, MIN_TRAILING_HOURS, percentileOfSorted } from './scheduler/windows';
import { countAcross, countOf, mergedOf, newFacts, valueAcross, valueOf, type FactsAcc } from './footprint/rollup-facts';
import { filteredCells, filteredEntries, groupEntries, viewOfIntervals, type FootprintView, type ViewFilter } from './footprint/footprint-view';

export const KPI_IDS = [
  'total-emissions',
  'total-energy',
  'training-emissions-per-run',
  'inference-intensity',
  'monitoring-coverage',
  'measured-share',
  'gpu-utilisation',
  'low-carbon-training-share',
  'scheduler-savings',
] as const;
/** KPIs other capabilities append where the report is assembled (budget utilisation, target status: shared/use-cases/budget-kpis.ts). */
export const CONTRIBUTED_KPI_IDS = ['budget-utilisation', 'target-status'] as const;
export type KpiId = (typeof KPI_IDS)[number] | (typeof CONTRIBUTED_KPI_IDS)[number];

export interface KpiBreakdownRow {
  key: string;
  value: number;
  /** E.g. number of training runs behind a per-run figure. */
  count?: number;
}

export interface Kpi {
  /** One of KPI_IDS, or the id of a contributed KPI (scope KPIs, budgets …: their own modules list theirs). */
  id: KpiId | (string & {});
  label: string;
  unit: string;
  /** null = cannot be computed; `reason` says why. */
  value: number | null;
  low?: number;
  high?: number;
  reason?: string;
  /** How the value was derived (basis, exclusions). */
  detail?: string;
  breakdown?: KpiBreakdownRow[];
}

/** Outcome of carbon-aware scheduling, from the scheduler (optional: absent until it has run). */
export interface SchedulerOutcomes {
  jobs: {
    realisedCo2eKg: number;
    runNowCo2eKg: number;
    lowCarbonHours: number;
    hours: number;
    /** The job's owner tags (team through the attribution keys), the regions it ran in and its first/end hour: for filtered views. */
    ownerTags?: Record<string, string>;
    regions?: string[];
    startSec?: EpochSec;
    endSec?: EpochSec;
  }[];
}

/** What the core KPIs read: exact sums of a window's footprint view, after the team/region filter. */
export interface KpiFacts {
  /** Every cell that passes the filter, merged. */
  total: FactsAcc;
  byKind: ReadonlyMap<ResourceKind, FactsAcc>;
  /** Training seconds by `zone\u001fhourStartSec\u001fintensityGPerKwh`. */
  trainingLowCarbon: ReadonlyMap<string, number>;
  signals: string[];
  /** Distinct training resources with intervals in the window. */
  trainingRuns: number;
  /** Per model: exact kgCO2e of its training intervals and its distinct runs. */
  trainingByModel: { model: string; co2eKg: number; runs: number }[];
  /** Per endpoint id: gCO2e and invocations of the intervals that had invocation metrics. */
  endpointsById: { key: string; g: number; invocations: number }[];
  /** Resource keys with at least one interval with telemetry. */
  withTelemetry: ReadonlySet<string>;
}

/** The KPI facts of a footprint view for the cells and entries that pass the filter. */
export function kpiFactsOfView(v: FootprintView, f: ViewFilter = {}): KpiFacts {
  const cells = filteredCells(v, f);
  const byKindParts = new Map<ResourceKind, FactsAcc[]>();
  const trainingLowCarbon = new Map<string, number>();
  const signals = new Set<string>();
  for (const c of cells) {
    byKindParts.set(c.key.kind, [...(byKindParts.get(c.key.kind) ?? []), c.cell]);
    for (const s of c.cell.signals) signals.add(s);
    if (c.key.kind === 'training-job') for (const [k, sec] of c.cell.lowCarbon) trainingLowCarbon.set(k, (trainingLowCarbon.get(k) ?? 0) + sec);
  }
  const entries = filteredEntries(v, f);
  const training = entries.filter((e) => e.key.kind === 'training-job');
  const trainingByModel = groupEntries(training, (k) => k.model).map((g) => ({ model: g.key, co2eKg: valueAcross(g.parts, 'co2e'), runs: new Set(g.entries.map((e) => e.key.resourceKey)).size }));
  const endpointsById = groupEntries(entries.filter((e) => e.key.kind === 'endpoint'), (k) => k.resourceId)
    .filter((g) => countAcross(g.parts, 'withInvocations') > 0)
    .map((g) => ({ key: g.key, g: valueAcross(g.parts, 'invCo2e') * 1000, invocations: valueAcross(g.parts, 'invocations') }));
  const withTelemetry = new Set(entries.filter((e) => countAcross(e.parts, 'withTelemetry') > 0).map((e) => e.key.resourceKey));
  return {
    total: mergedOf(cells.map((c) => c.cell)),
    byKind: new Map([...byKindParts.entries()].map(([k, parts]) => [k, mergedOf(parts)])),
    trainingLowCarbon,
    signals: [...signals].sort(),
    trainingRuns: new Set(training.map((e) => e.key.resourceKey)).size,
    trainingByModel,
    endpointsById,
    withTelemetry,
  };
}

export interface KpiInput {
  window: Window;
  /** The window's facts (from roll-ups or intervals); or give `intervals` and they are summed here. */
  facts?: KpiFacts;
  /** Footprint intervals whose start lies in the window (when `facts` is not given). */
  intervals?: readonly FootprintInterval[];
  /** Every discovered AI resource (filtered here to those active in the window; the caller applies team/region). */
  resources: readonly ResourceRef[];
  /** Hourly intensity per grid zone covering [window.start − 30 d, window.end), for the low-carbon-window KPI. */
  zoneHourly?: ReadonlyMap<string, readonly IntensityPoint[]>;
  scheduler?: SchedulerOutcomes;
}

/** What a KPI contributor reads. */
export interface KpiContext {
  window: Window;
  facts: KpiFacts;
  /** Discovered AI resources active in the window. */
  activeResources: readonly ResourceRef[];
  zoneHourly?: ReadonlyMap<string, readonly IntensityPoint[]>;
  scheduler?: SchedulerOutcomes;
}

/** A module's KPIs, computed from the shared context (pure). */
export type KpiContributor = (ctx: KpiContext) => Kpi[];

export interface KpiReport {
  window: Window;
  kpis: Kpi[];
  demo: boolean;
  signals: string[];
}

/** Trailing window of the low-carbon rule (shared/domain/scheduler/windows.ts: 30th percentile of 30 days). */
export { LOW_CARBON_TRAILING_SEC };

const na = (id: KpiId, label: string, unit: string, reason: string): Kpi => ({ id, label, unit, value: null, reason });

const active = (r: ResourceRef, w: Window): boolean => r.startSec < w.endSec && (r.endSec === undefined || r.endSec > w.startSec);

/** The core KPIs, in report order. */
export const CORE_KPIS: readonly KpiContributor[] = [
  ({ facts }) => [totalEmissions(facts), totalEnergy(facts), trainingPerRun(facts), inferenceIntensity(facts)],
  ({ facts, activeResources }) => [monitoringCoverage(facts, activeResources), measuredShare(facts), gpuUtilisation(facts)],
  ({ facts, zoneHourly }) => [lowCarbonTrainingShare(facts, zoneHourly)],
  ({ scheduler }) => [schedulerSavings(scheduler)],
];

/** Compute every KPI the data supports (core KPIs, then any further contributors); the others come back with a reason. */
export function computeKpis(input: KpiInput, contributors: readonly KpiContributor[] = CORE_KPIS): KpiReport {
  const { window } = input;
  const facts = input.facts ?? kpiFactsOfView(viewOfIntervals(input.intervals ?? []));
  const ctx: KpiContext = { window, facts, activeResources: input.resources.filter((r) => active(r, window)), zoneHourly: input.zoneHourly, scheduler: input.scheduler };
  return {
    window,
    kpis: contributors.flatMap((c) => c(ctx)),
    demo: countOf(facts.total, 'demo') > 0 || input.resources.some((r) => r.demo === true),
    signals: facts.signals,
  };
}

const kindFacts = (f: KpiFacts, k: ResourceKind): FactsAcc => f.byKind.get(k) ?? newFacts();
const byValue = (a: KpiBreakdownRow, b: KpiBreakdownRow) => b.value - a.value || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function totalEmissions(f: KpiFacts): Kpi {
  const label = 'Total emissions (location-based)';
  const n = countOf(f.total, 'intervals');
  if (!n) return na('total-emissions', label, 'kgCO2e', 'no footprint intervals in the window');
  return {
    id: 'total-emissions', label, unit: 'kgCO2e',
    value: valueOf(f.total, 'co2e'), low: valueOf(f.total, 'co2eLow'), high: valueOf(f.total, 'co2eHigh'),
    detail: `${n} intervals; includes PUE`,
  };
}

function totalEnergy(f: KpiFacts): Kpi {
  const label = 'Total energy (facility, incl. PUE)';
  if (!countOf(f.total, 'intervals')) return na('total-energy', label, 'kWh', 'no footprint intervals in the window');
  return {
    id: 'total-energy', label, unit: 'kWh',
    value: valueOf(f.total, 'energy'), low: valueOf(f.total, 'energyLow'), high: valueOf(f.total, 'energyHigh'),
  };
}

function trainingPerRun(f: KpiFacts): Kpi {
  const label = 'Training emissions per run';
  const training = kindFacts(f, 'training-job');
  if (!countOf(training, 'intervals')) return na('training-emissions-per-run', label, 'kgCO2e/run', 'no training jobs in the window');
  const runs = f.trainingRuns;
  return {
    id: 'training-emissions-per-run', label, unit: 'kgCO2e/run',
    value: valueOf(training, 'co2e') / runs,
    detail: `${runs} training runs (emissions inside the window only; a run that spans the window edge counts its part)`,
    breakdown: f.trainingByModel.map((m) => ({ key: m.model, value: m.co2eKg / m.runs, count: m.runs })).sort(byValue),
  };
}

function inferenceIntensity(f: KpiFacts): Kpi {
  const label = 'Inference intensity';
  const unit = 'gCO2e/inference';
  const ep = kindFacts(f, 'endpoint');
  const n = countOf(ep, 'intervals');
  if (!n) return na('inference-intensity', label, unit, 'no endpoints in the window');
  // Numerator and denominator from the same intervals: only those that had invocation metrics.
  const withInv = countOf(ep, 'withInvocations');
  if (!withInv) return na('inference-intensity', label, unit, 'no invocation metrics');
  const inv = valueOf(ep, 'invocations');
  if (inv <= 0) return na('inference-intensity', label, unit, 'endpoints recorded no invocations');
  return {
    id: 'inference-intensity', label, unit,
    value: (valueOf(ep, 'invCo2e') * 1000) / inv,
    low: (valueOf(ep, 'invCo2eLow') * 1000) / inv,
    high: (valueOf(ep, 'invCo2eHigh') * 1000) / inv,
    detail: `${inv} invocations; ${n - withInv} endpoint intervals without invocation metrics excluded`,
    breakdown: f.endpointsById.filter((e) => e.invocations > 0).map((e) => ({ key: e.key, value: e.g / e.invocations, count: e.invocations })).sort(byValue),
  };
}

function monitoringCoverage(f: KpiFacts, resources: readonly ResourceRef[]): Kpi {
  const label = 'Energy-monitoring coverage';
  if (!resources.length) return na('monitoring-coverage', label, '% of resources', 'no AI resources discovered in the window');
  const keys = resources.map(resourceKey);
  const n = keys.filter((k) => f.withTelemetry.has(k)).length;
  return {
    id: 'monitoring-coverage', label, unit: '% of resources',
    value: (100 * n) / keys.length,
    detail: `${n} of ${keys.length} discovered AI resources active in the window have telemetry`,
  };
}

function measuredShare(f: KpiFacts): Kpi {
  const label = 'Measured energy share';
  const it = valueOf(f.total, 'itKwh');
  if (!(it > 0)) return na('measured-share', label, '%', 'no energy recorded in the window');
  return {
    id: 'measured-share', label, unit: '%',
    value: (100 * valueOf(f.total, 'measuredKwh')) / it,
    detail: 'share of IT energy from measured GPU board power; the rest is estimated from utilisation',
  };
}

function gpuUtilisation(f: KpiFacts): Kpi {
  const label = 'Average GPU utilisation';
  // Intensive: weighted by covered time (interval length × telemetry coverage), not summed.
  const w = valueOf(f.total, 'gpuWeightSec');
  if (!(w > 0)) return na('gpu-utilisation', label, '%', 'no GPU utilisation telemetry');
  return { id: 'gpu-utilisation', label, unit: '%', value: valueOf(f.total, 'gpuUtilWeighted') / w, detail: 'per-GPU mean, weighted by covered time' };
}

function lowCarbonTrainingShare(f: KpiFacts, zoneHourly: KpiInput['zoneHourly']): Kpi {
  const id = 'low-carbon-training-share';
  const label = 'Training hours in low-carbon windows';
  const unit = '% of training hours';
  if (!countOf(kindFacts(f, 'training-job'), 'intervals')) return na(id, label, unit, 'no training jobs in the window');
  if (!zoneHourly) return na(id, label, unit, 'no hourly grid-intensity series available');
  // A flat yearly average has no hours below its own 30th percentile to speak of: only real hourly values count.
  const hourly = new Map<string, IntensityPoint[]>();
  for (const [zone, pts] of zoneHourly) {
    hourly.set(zone, pts.filter((p) => p.quality !== 'yearly-average' && Number.isFinite(p.gPerKwh)).sort((a, b) => a.tSec - b.tSec));
  }
  const thresholds = trailingThresholds(hourly, f.trainingLowCarbon.keys());
  let classifiedSec = 0;
  let lowSec = 0;
  let unclassifiedSec = 0;
  for (const [k, sec] of f.trainingLowCarbon) {
    const [zone, hour, g] = k.split('\u001f');
    const gPerKwh = Number(g);
    const t = thresholds.get(`${zone}@${hour}`) ?? NaN;
    if (!Number.isFinite(t) || !Number.isFinite(gPerKwh)) {
      unclassifiedSec += sec;
      continue;
    }
    classifiedSec += sec;
    if (gPerKwh <= t) lowSec += sec;
  }
  if (!(classifiedSec > 0)) return na(id, label, unit, 'no trailing hourly grid intensity for the training zones (yearly averages only)');
  return {
    id, label, unit,
    value: (100 * lowSec) / classifiedSec,
    detail: `low-carbon = at or below the ${LOW_CARBON_PERCENTILE}th percentile of the zone's trailing 30 days; ` +
      `${(classifiedSec / HOUR_SEC).toFixed(0)} job-hours classified${unclassifiedSec ? `, ${(unclassifiedSec / HOUR_SEC).toFixed(0)} without trailing data excluded` : ''}`,
  };
}

/**
 * The trailing low-carbon threshold of every (zone, hour) the keys name — the same numbers as
 * `trailingLowCarbonThreshold` (30th percentile of the zone's 30 days before the hour), computed in one pass per zone
 * over a sliding sorted window instead of one sort per hour (a 30-day window has 720 hours per zone).
 */
function trailingThresholds(hourly: ReadonlyMap<string, IntensityPoint[]>, keys: Iterable<string>): Map<string, number> {
  const hoursByZone = new Map<string, Set<number>>();
  for (const k of keys) {
    const [zone, hour] = k.split('\u001f');
    let s = hoursByZone.get(zone);
    if (!s) hoursByZone.set(zone, (s = new Set()));
    s.add(Number(hour));
  }
  const out = new Map<string, number>();
  /** First index of a sorted array whose value is ≥ v. */
  const lowerBoundOf = (xs: readonly number[], v: number) => {
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const insert = (xs: number[], v: number) => void xs.splice(lowerBoundOf(xs, v), 0, v);
  const remove = (xs: number[], v: number) => void xs.splice(lowerBoundOf(xs, v), 1);
  for (const [zone, hours] of hoursByZone) {
    const pts = hourly.get(zone) ?? [];
    const window: number[] = [];
    let lo = 0; // first point in the window (tSec ≥ atSec − 30 d)
    let hi = 0; // first point after it (tSec ≥ atSec)
    for (const atSec of [...hours].sort((a, b) => a - b)) {
      while (hi < pts.length && pts[hi].tSec < atSec) insert(window, pts[hi++].gPerKwh);
      while (lo < hi && pts[lo].tSec < atSec - LOW_CARBON_TRAILING_SEC) remove(window, pts[lo++].gPerKwh);
      // `window` is kept sorted and holds finite values only (filtered above): no copy or sort per hour.
      out.set(`${zone}@${atSec}`, hi - lo >= MIN_TRAILING_HOURS ? percentileOfSorted(window, LOW_CARBON_PERCENTILE) : NaN);
    }
  }
  return out;
}

function schedulerSavings(s: SchedulerOutcomes | undefined): Kpi {
  const label = 'Scheduler savings';
  if (!s || !s.jobs.length) return na('scheduler-savings', label, 'kgCO2e', 'not available: no scheduler runs yet');
  const runNow = s.jobs.reduce((a, j) => a + j.runNowCo2eKg, 0);
  const realised = s.jobs.reduce((a, j) => a + j.realisedCo2eKg, 0);
  const hours = s.jobs.reduce((a, j) => a + j.hours, 0);
  const lowHours = s.jobs.reduce((a, j) => a + j.lowCarbonHours, 0);
  return {
    id: 'scheduler-savings', label, unit: 'kgCO2e',
    value: runNow - realised,
    detail: `${s.jobs.length} scheduled jobs; ${runNow > 0 ? ((100 * (runNow - realised)) / runNow).toFixed(1) : 'n/a'} % below running immediately; ` +
      `${hours > 0 ? ((100 * lowHours) / hours).toFixed(0) : 'n/a'} % of their hours in low-carbon windows`,
  };
}


