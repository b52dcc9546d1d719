/**
 * Values of the intensity and KPI target metrics (pure). Per-inference, per-run and low-carbon-hours figures are the
 * KPIs of shared/domain/kpis.ts (the same numbers the KPI panel shows); kgCO2e per GPU-hour is computed here.
 */
import { instanceCountAt } from '../footprint/compute-interval';
import type { Kpi, KpiId, KpiReport } from '../kpis';
import type { InstanceSpec } from '../power/instance-catalog';
import { resourceKey, type FootprintInterval, type ResourceRef } from '../types';
import type { TargetMetric } from './types';

/** A metric's value, or null with the reason it cannot be computed. */
export interface MetricValue {
  value: number | null;
  reason?: string;
  detail?: string;
}

const KPI_OF: Partial<Record<TargetMetric, KpiId>> = {
  'inference-intensity': 'inference-intensity',
  'training-emissions-per-run': 'training-emissions-per-run',
  'low-carbon-training-share': 'low-carbon-training-share',
};

/** The metric's value from a KPI report, for the metrics that are KPIs; undefined for the others. */
export function metricFromKpis(metric: TargetMetric, report: KpiReport): MetricValue | undefined {
  const id = KPI_OF[metric];
  if (!id) return undefined;
  const k: Kpi | undefined = report.kpis.find((x) => x.id === id);
  if (!k) return { value: null, reason: `KPI ${id} not computed` };
  return k.value === null ? { value: null, reason: k.reason } : { value: k.value, detail: k.detail };
}

/**
 * kgCO2e per accelerator-hour: Σ emissions ÷ Σ accelerator-hours with telemetry (accelerators × time-weighted instance
 * count × interval length × coverage, since energy covers only the minutes with telemetry). Intervals of unmodelled
 * or unknown instance types, or without accelerators, are left out of both sums.
 */
export function gpuHourIntensity(
  intervals: readonly FootprintInterval[],
  resources: readonly ResourceRef[],
  lookupInstance: (instanceType: string) => InstanceSpec | undefined,
): MetricValue {
  const byKey = new Map(resources.map((r) => [resourceKey(r), r]));
  let kg = 0;
  let gpuHours = 0;
  let excluded = 0;
  for (const i of intervals) {
    const spec = lookupInstance(i.instanceType);
    const r = byKey.get(i.resourceKey);
    if (!spec || !r || spec.acceleratorCount <= 0 || i.method === 'unmodelled') {
      excluded++;
      continue;
    }
    // Instance-seconds while the resource ran in the interval (minute steps, as computeInterval counts them).
    const from = Math.max(i.intervalStartSec, r.startSec);
    const to = Math.min(i.intervalStartSec + i.intervalSec, r.endSec ?? Number.POSITIVE_INFINITY);
    let instanceSec = 0;
    for (let t = from; t < to; t += 60) instanceSec += instanceCountAt(r, t) * Math.min(60, to - t);
    const h = (spec.acceleratorCount * instanceSec * (i.coveragePct / 100)) / 3600;
    if (h <= 0) continue;
    gpuHours += h;
    kg += i.co2eKg.point;
  }
  if (!(gpuHours > 0)) return { value: null, reason: 'no accelerator-hours with telemetry in the window' };
  return { value: kg / gpuHours, detail: `${gpuHours.toFixed(0)} accelerator-hours with telemetry${excluded ? `; ${excluded} intervals without a modelled accelerator excluded` : ''}` };
}
