/**
 * Lifecycle KPIs (pure), in the KPI shape of shared/domain/kpis.ts (`value: null` + `reason` when not computable):
 *   - share of cold models parked or archived (the seed's goal: > 90 %);
 *   - average hardware utilisation, weighted by allocated GPU-hours (the seed's goal: > 85 %);
 *   - kgCO2e avoided by lifecycle actions — AVOIDED (a counterfactual), never part of the measured totals.
 */
import type { Kpi } from '../kpis';
import { resourceKey, type FootprintInterval, type Ranged, type ResourceRef } from '../types';
import { HOUR_SEC, isoUtc } from '../time';
import { instanceSecondsIn } from './cold-detection';
import type { LedgerTotals } from './ledger';

export const LIFECYCLE_KPI_IDS = ['lifecycle-cold-acted-share', 'hardware-utilisation', 'lifecycle-avoided-emissions'] as const;
export type LifecycleKpiId = (typeof LIFECYCLE_KPI_IDS)[number];

/** A KPI of the report (shared/domain/kpis.ts) with one of this module's ids. */
export type LifecycleKpi = Omit<Kpi, 'id'> & { id: LifecycleKpiId };

/** Counts of one lifecycle evaluation (the newest one in the window). */
export interface EvaluationCounts {
  atSec: number;
  /** Cold endpoints/components and frozen packages not yet acted on (excluded ones not counted). */
  coldNotActed: number;
  /** Parked endpoints, components at zero, archived packages. */
  acted: number;
  /** Cold or frozen but excluded (keep-warm tag, shadow test). */
  excluded: number;
  demo: boolean;
}

export interface HardwareUtilisation {
  /** Allocated GPU-hours with utilisation telemetry. */
  gpuHours: number;
  /** Σ utilisation × GPU-hours / 100. */
  busyGpuHours: number;
  byKind: Record<string, { gpuHours: number; busyGpuHours: number }>;
}

/**
 * GPU-hour-weighted utilisation: each interval weighs its allocated GPU-hours (instance-hours from the count history
 * × accelerators) × telemetry coverage — an idle 8-GPU endpoint weighs eight times a 1-GPU one.
 */
export function hardwareUtilisation(intervals: readonly FootprintInterval[], resources: readonly ResourceRef[], acceleratorsOf: (instanceType: string) => number | undefined): HardwareUtilisation {
  const byKey = new Map(resources.map((r) => [resourceKey(r), r]));
  const out: HardwareUtilisation = { gpuHours: 0, busyGpuHours: 0, byKind: {} };
  for (const i of intervals) {
    if (i.meanGpuUtilPct === undefined || i.meanGpuUtilPct === null) continue;
    const r = byKey.get(i.resourceKey);
    const acc = acceleratorsOf(i.instanceType);
    if (!r || !acc) continue;
    const gpuH = (instanceSecondsIn(r, { startSec: i.intervalStartSec, endSec: i.intervalStartSec + i.intervalSec }) * acc * (i.coveragePct / 100)) / HOUR_SEC;
    if (!(gpuH > 0)) continue;
    out.gpuHours += gpuH;
    out.busyGpuHours += (gpuH * i.meanGpuUtilPct) / 100;
    const k = (out.byKind[i.kind] ??= { gpuHours: 0, busyGpuHours: 0 });
    k.gpuHours += gpuH;
    k.busyGpuHours += (gpuH * i.meanGpuUtilPct) / 100;
  }
  return out;
}

const na = (id: LifecycleKpiId, label: string, unit: string, reason: string): LifecycleKpi => ({ id, label, unit, value: null, reason });

/** The three lifecycle KPIs. */
export function lifecycleKpis(input: { evaluation?: EvaluationCounts; utilisation: HardwareUtilisation; avoided: LedgerTotals; avoidedWindowHours: number }): LifecycleKpi[] {
  const out: LifecycleKpi[] = [];
  const e = input.evaluation;
  const shareLabel = 'Cold models parked or archived';
  if (!e) out.push(na('lifecycle-cold-acted-share', shareLabel, '%', 'no lifecycle evaluation in the window yet'));
  else if (e.acted + e.coldNotActed === 0) out.push(na('lifecycle-cold-acted-share', shareLabel, '%', `no cold or frozen models${e.excluded ? ` (${e.excluded} excluded)` : ''}`));
  else {
    out.push({
      id: 'lifecycle-cold-acted-share', label: shareLabel, unit: '%',
      value: (100 * e.acted) / (e.acted + e.coldNotActed),
      detail: `${e.acted} parked/archived of ${e.acted + e.coldNotActed} cold or frozen (evaluation of ${isoUtc(e.atSec)}; ${e.excluded} excluded by keep-warm tag or shadow test not counted)`,
    });
  }
  const u = input.utilisation;
  const utilLabel = 'Average hardware utilisation (GPU-hour weighted)';
  if (!(u.gpuHours > 0)) out.push(na('hardware-utilisation', utilLabel, '%', 'no GPU utilisation telemetry'));
  else {
    out.push({
      id: 'hardware-utilisation', label: utilLabel, unit: '%',
      value: (100 * u.busyGpuHours) / u.gpuHours,
      detail: `${u.gpuHours.toFixed(0)} allocated GPU-hours with telemetry; each interval weighted by its GPUs × hours × coverage`,
      breakdown: Object.entries(u.byKind).map(([key, k]) => ({ key, value: (100 * k.busyGpuHours) / k.gpuHours, count: Math.round(k.gpuHours) })).sort((a, b) => a.key.localeCompare(b.key)),
    });
  }
  const a = input.avoided;
  const avLabel = 'Emissions avoided by lifecycle actions (AVOIDED, not measured)';
  if (!a.entries) out.push(na('lifecycle-avoided-emissions', avLabel, 'kgCO2e', 'no lifecycle action has taken effect in the window'));
  else {
    const r: Ranged = a.co2eKg;
    out.push({
      id: 'lifecycle-avoided-emissions', label: avLabel, unit: 'kgCO2e',
      value: r.point, low: r.low, high: r.high,
      detail: `${a.entries} action(s), ${a.hours.toFixed(0)} h of effect, ${a.gpuHours.toFixed(0)} GPU-hours and ${a.energyKwh.point.toFixed(1)} kWh avoided; counterfactual at each resource's measured idle draw, location-based; not included in total emissions`,
    });
  }
  return out;
}
