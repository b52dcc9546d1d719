/**
 * Sustainability KPIs (pure). Every KPI is either a computed value or `{ value: null, reason }` saying why it cannot
 * be computed from the data at hand — never a silent 0. All emissions are location-based (never mixed with
 * market-based figures); energy includes PUE.
 */
import { resourceKey, type FootprintInterval, type IntensityPoint, type ResourceRef } from './types';
import { HOUR_SEC, type EpochSec, type Window } from './time';
import { LOW_CARBON_PERCENTILE, LOW_CARBON_TRAILING_SEC, trailingLowCarbonThreshold } from './scheduler/windows';

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
  jobs: { realisedCo2eKg: number; runNowCo2eKg: number; lowCarbonHours: number; hours: number }[];
}

export interface KpiInput {
  window: Window;
  /** Footprint intervals whose start lies in the window. */
  intervals: readonly FootprintInterval[];
  /** Every discovered AI resource (filtered here to those active in the window). */
  resources: readonly ResourceRef[];
  /** Hourly intensity per grid zone covering [window.start − 30 d, window.end), for the low-carbon-window KPI. */
  zoneHourly?: ReadonlyMap<string, readonly IntensityPoint[]>;
  scheduler?: SchedulerOutcomes;
}

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

/** Compute every KPI the data supports; the others come back with a reason. */
export function computeKpis(input: KpiInput): KpiReport {
  const { intervals, window } = input;
  const kpis: Kpi[] = [
    totalEmissions(intervals),
    totalEnergy(intervals),
    trainingPerRun(intervals),
    inferenceIntensity(intervals),
    monitoringCoverage(intervals, input.resources.filter((r) => active(r, window))),
    measuredShare(intervals),
    gpuUtilisation(intervals),
    lowCarbonTrainingShare(intervals, input.zoneHourly),
    schedulerSavings(input.scheduler),
  ];
  return {
    window,
    kpis,
    demo: intervals.some((i) => i.demo) || input.resources.some((r) => r.demo === true),
    signals: [...new Set(intervals.map((i) => i.intensitySignal))].sort(),
  };
}

function totalEmissions(xs: readonly FootprintInterval[]): Kpi {
  const label = 'Total emissions (location-based)';
  if (!xs.length) return na('total-emissions', label, 'kgCO2e', 'no footprint intervals in the window');
  return {
    id: 'total-emissions', label, unit: 'kgCO2e',
    value: sum(xs, (i) => i.co2eKg.point), low: sum(xs, (i) => i.co2eKg.low), high: sum(xs, (i) => i.co2eKg.high),
    detail: `${xs.length} intervals; includes PUE`,
  };
}

function totalEnergy(xs: readonly FootprintInterval[]): Kpi {
  const label = 'Total energy (facility, incl. PUE)';
  if (!xs.length) return na('total-energy', label, 'kWh', 'no footprint intervals in the window');
  return {
    id: 'total-energy', label, unit: 'kWh',
    value: sum(xs, (i) => i.energyKwh.point), low: sum(xs, (i) => i.energyKwh.low), high: sum(xs, (i) => i.energyKwh.high),
  };
}

function trainingPerRun(xs: readonly FootprintInterval[]): Kpi {
  const label = 'Training emissions per run';
  const training = xs.filter((i) => i.kind === 'training-job');
  if (!training.length) return na('training-emissions-per-run', label, 'kgCO2e/run', 'no training jobs in the window');
  const byModel = new Map<string, { kg: number; runs: Set<string> }>();
  for (const i of training) {
    let m = byModel.get(i.attribution.model);
    if (!m) byModel.set(i.attribution.model, (m = { kg: 0, runs: new Set() }));
    m.kg += i.co2eKg.point;
    m.runs.add(i.resourceKey);
  }
  const runs = new Set(training.map((i) => i.resourceKey)).size;
  const breakdown = [...byModel.entries()]
    .map(([key, m]) => ({ key, value: m.kg / m.runs.size, count: m.runs.size }))
    .sort((a, b) => b.value - a.value || (a.key < b.key ? -1 : 1));
  return {
    id: 'training-emissions-per-run', label, unit: 'kgCO2e/run',
    value: sum(training, (i) => i.co2eKg.point) / runs,
    detail: `${runs} training runs (emissions inside the window only; a run that spans the window edge counts its part)`,
    breakdown,
  };
}

function inferenceIntensity(xs: readonly FootprintInterval[]): Kpi {
  const label = 'Inference intensity';
  const unit = 'gCO2e/inference';
  const endpoints = xs.filter((i) => i.kind === 'endpoint');
  if (!endpoints.length) return na('inference-intensity', label, unit, 'no endpoints in the window');
  // Numerator and denominator from the same intervals: only those that had invocation metrics.
  const withInv = endpoints.filter((i) => i.invocations !== undefined && i.invocations !== null);
  if (!withInv.length) return na('inference-intensity', label, unit, 'no invocation metrics');
  const inv = sum(withInv, (i) => i.invocations!);
  if (inv <= 0) return na('inference-intensity', label, unit, 'endpoints recorded no invocations');
  const byEndpoint = new Map<string, { g: number; inv: number }>();
  for (const i of withInv) {
    let e = byEndpoint.get(i.resourceId);
    if (!e) byEndpoint.set(i.resourceId, (e = { g: 0, inv: 0 }));
    e.g += i.co2eKg.point * 1000;
    e.inv += i.invocations!;
  }
  return {
    id: 'inference-intensity', label, unit,
    value: (sum(withInv, (i) => i.co2eKg.point) * 1000) / inv,
    low: (sum(withInv, (i) => i.co2eKg.low) * 1000) / inv,
    high: (sum(withInv, (i) => i.co2eKg.high) * 1000) / inv,
    detail: `${inv} invocations; ${endpoints.length - withInv.length} endpoint intervals without invocation metrics excluded`,
    breakdown: [...byEndpoint.entries()].filter(([, e]) => e.inv > 0).map(([key, e]) => ({ key, value: e.g / e.inv, count: e.inv })).sort((a, b) => b.value - a.value),
  };
}

function monitoringCoverage(xs: readonly FootprintInterval[], resources: readonly ResourceRef[]): Kpi {
  const label = 'Energy-monitoring coverage';
  if (!resources.length) return na('monitoring-coverage', label, '% of resources', 'no AI resources discovered in the window');
  const withTelemetry = new Set(xs.filter((i) => i.coveragePct > 0 && i.method !== 'no-telemetry').map((i) => i.resourceKey));
  const keys = resources.map(resourceKey);
  const n = keys.filter((k) => withTelemetry.has(k)).length;
  return {
    id: 'monitoring-coverage', label, unit: '% of resources',
    value: (100 * n) / keys.length,
    detail: `${n} of ${keys.length} discovered AI resources active in the window have telemetry`,
  };
}

function measuredShare(xs: readonly FootprintInterval[]): Kpi {
  const label = 'Measured energy share';
  const it = sum(xs, (i) => i.itEnergyKwh.point);
  if (!(it > 0)) return na('measured-share', label, '%', 'no energy recorded in the window');
  return {
    id: 'measured-share', label, unit: '%',
    value: (100 * sum(xs, (i) => i.measuredShare * i.itEnergyKwh.point)) / it,
    detail: 'share of IT energy from measured GPU board power; the rest is estimated from utilisation',
  };
}

function gpuUtilisation(xs: readonly FootprintInterval[]): Kpi {
  const label = 'Average GPU utilisation';
  // Intensive: weighted by covered time (interval length × telemetry coverage), not summed.
  let w = 0;
  let uw = 0;
  for (const i of xs) {
    if (i.meanGpuUtilPct === undefined || i.meanGpuUtilPct === null) continue;
    const wi = i.intervalSec * (i.coveragePct / 100);
    w += wi;
    uw += wi * i.meanGpuUtilPct;
  }
  if (!(w > 0)) return na('gpu-utilisation', label, '%', 'no GPU utilisation telemetry');
  return { id: 'gpu-utilisation', label, unit: '%', value: uw / w, detail: 'per-GPU mean, weighted by covered time' };
}

function lowCarbonTrainingShare(xs: readonly FootprintInterval[], zoneHourly: KpiInput['zoneHourly']): Kpi {
  const id = 'low-carbon-training-share';
  const label = 'Training hours in low-carbon windows';
  const unit = '% of training hours';
  const training = xs.filter((i) => i.kind === 'training-job');
  if (!training.length) return na(id, label, unit, 'no training jobs in the window');
  if (!zoneHourly) return na(id, label, unit, 'no hourly grid-intensity series available');
  // A flat yearly average has no hours below its own 30th percentile to speak of: only real hourly values count.
  const hourly = new Map<string, IntensityPoint[]>();
  for (const [zone, pts] of zoneHourly) {
    hourly.set(zone, pts.filter((p) => p.quality !== 'yearly-average' && Number.isFinite(p.gPerKwh)).sort((a, b) => a.tSec - b.tSec));
  }
  const thresholds = new Map<string, number>();
  const threshold = (zone: string, atSec: EpochSec): number => {
    const k = `${zone}@${Math.floor(atSec / HOUR_SEC)}`;
    let t = thresholds.get(k);
    if (t === undefined) {
      t = trailingLowCarbonThreshold(hourly.get(zone) ?? [], atSec);
      thresholds.set(k, t);
    }
    return t;
  };
  let classifiedSec = 0;
  let lowSec = 0;
  let unclassifiedSec = 0;
  for (const i of training) {
    const t = threshold(i.intensityZone, i.intervalStartSec);
    if (!Number.isFinite(t) || !Number.isFinite(i.intensityGPerKwh)) {
      unclassifiedSec += i.intervalSec;
      continue;
    }
    classifiedSec += i.intervalSec;
    if (i.intensityGPerKwh <= t) lowSec += i.intervalSec;
  }
  if (!(classifiedSec > 0)) return na(id, label, unit, 'no trailing hourly grid intensity for the training zones (yearly averages only)');
  return {
    id, label, unit,
    value: (100 * lowSec) / classifiedSec,
    detail: `low-carbon = at or below the ${LOW_CARBON_PERCENTILE}th percentile of the zone's trailing 30 days; ` +
      `${(classifiedSec / HOUR_SEC).toFixed(0)} job-hours classified${unclassifiedSec ? `, ${(unclassifiedSec / HOUR_SEC).toFixed(0)} without trailing data excluded` : ''}`,
  };
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

const sum = <T>(xs: readonly T[], f: (x: T) => number): number => xs.reduce((a, x) => a + f(x), 0);

