/**
 * Use case: the savings ledger over a window (avoided figures recomputed from each entry's basis, the hourly grid
 * intensity of its region on the footprint signal, and the subject's own measured intervals) and the lifecycle KPIs
 * contributed to the KPI report. Avoided figures are labelled avoided and never merged into measured totals.
 */
import type { FootprintStore, IntensityProvider } from '../ports';
import type { LifecycleStore } from '../ports/lifecycle-ports';
import { alignDown, HOUR_SEC, isoUtc, type EpochSec, type Window } from '../domain/time';
import type { FootprintInterval, IntensitySignal, ResourceRef } from '../domain/types';
import { signalZone, type RegionInfo } from '../domain/regions/region-catalog';
import { avoidedFor, ledgerTotals, type AvoidedFigures, type LedgerTotals } from '../domain/lifecycle/ledger';
import { instanceSecondsIn } from '../domain/lifecycle/cold-detection';
import { hardwareUtilisation, lifecycleKpis, type LifecycleKpi } from '../domain/lifecycle/lifecycle-kpis';
import type { LedgerEntry } from '../domain/lifecycle/types';
import type { Kpi } from '../domain/kpis';
import { lookupInstance } from '../domain/power/instance-catalog';
import { fetchHourly } from './intensity-resolver';

export interface LedgerDeps {
  store: LifecycleStore;
  footprint: FootprintStore;
  intensityProviders: readonly IntensityProvider[];
  regionInfo: (region: string) => RegionInfo | undefined;
  signal: IntensitySignal;
  lookupInstance: (instanceType: string) => { acceleratorCount: number } | undefined;
}

export interface LedgerRow {
  actionId: string;
  resource: string;
  kind: string;
  region: string;
  action: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  avoided: AvoidedFigures;
  basis: LedgerEntry['basis'];
  note?: string;
  demo: boolean;
}

export interface LedgerReport {
  window: Window;
  rows: LedgerRow[];
  totals: LedgerTotals;
  signal: IntensitySignal;
  label: 'AVOIDED emissions (counterfactual), not measured; location-based; never included in footprint totals';
  demo: boolean;
}

/** The ledger over `window` at `nowSec` (effects still in place count up to now). */
export async function ledgerReport(d: LedgerDeps, window: Window, nowSec: EpochSec): Promise<LedgerReport> {
  const entries = (await d.store.listLedger()).filter((e) => e.effectiveFromSec < window.endSec && (e.effectiveToSec ?? nowSec) > window.startSec);
  const rows: LedgerRow[] = [];
  const intensity = new Map<string, Map<number, number>>();
  for (const e of entries.sort((a, b) => a.effectiveFromSec - b.effectiveFromSec)) {
    const from = Math.max(window.startSec, e.effectiveFromSec);
    const to = Math.min(window.endSec, e.effectiveToSec ?? nowSec, nowSec);
    let byHour = new Map<number, number>();
    const info = d.regionInfo(e.subject.region);
    const zone = info && signalZone(info, d.signal);
    if (e.basis && zone && to > from) {
      const k = `${zone}|${alignDown(from, HOUR_SEC)}|${to}`;
      byHour = intensity.get(k) ?? new Map((await fetchHourly(d.intensityProviders as IntensityProvider[], zone, d.signal, { startSec: alignDown(from, HOUR_SEC), endSec: to })).map((p) => [alignDown(p.tSec, HOUR_SEC), p.gPerKwh]));
      intensity.set(k, byHour);
    }
    const actual: FootprintInterval[] = [];
    let gpuSec = 0;
    if (to > from) {
      for (const key of e.resourceKeys) {
        const xs = await d.footprint.queryResourceIntervals(key, { startSec: alignDown(from, HOUR_SEC), endSec: to });
        actual.push(...xs);
        const r: ResourceRef | undefined = await d.footprint.getResource(key);
        // GPU-hours still held, measured like the energy: over the intervals that exist (count history × accelerators).
        if (r) for (const i of xs) gpuSec += instanceSecondsIn(r, { startSec: Math.max(from, i.intervalStartSec), endSec: Math.min(to, i.intervalStartSec + i.intervalSec) }) * (d.lookupInstance(r.instanceType)?.acceleratorCount ?? 0);
      }
    }
    rows.push({
      actionId: e.actionId,
      resource: e.subject.name,
      kind: e.subject.kind,
      region: e.subject.region,
      action: e.action,
      effectiveFrom: isoUtc(e.effectiveFromSec),
      effectiveTo: e.effectiveToSec !== undefined ? isoUtc(e.effectiveToSec) : null,
      avoided: avoidedFor(e, window, nowSec, { intensityAt: (h) => byHour.get(h), actual, actualGpuHours: gpuSec / HOUR_SEC }),
      basis: e.basis,
      ...(e.note ? { note: e.note } : {}),
      demo: e.demo,
    });
  }
  return {
    window,
    rows,
    totals: ledgerTotals(rows.filter((r) => r.basis).map((r) => r.avoided)),
    signal: d.signal,
    label: 'AVOIDED emissions (counterfactual), not measured; location-based; never included in footprint totals',
    demo: rows.some((r) => r.demo),
  };
}

/**
 * The lifecycle KPIs for a window, from what the KPI report already loaded (its intervals and resources) plus the
 * lifecycle store: the newest evaluation's counts, GPU-hour-weighted utilisation, the ledger's avoided kgCO2e.
 */
export async function lifecycleKpisFor(d: LedgerDeps, w: Window, loaded: { intervals: readonly FootprintInterval[]; resources: readonly ResourceRef[] }): Promise<LifecycleKpi[]> {
  const nowSec = w.endSec;
  const [latest, ledger] = await Promise.all([d.store.latestEvaluation(w.endSec), ledgerReport(d, w, nowSec)]);
  const evaluation = latest && latest.atSec >= w.startSec ? latest : undefined;
  return lifecycleKpis({
    evaluation,
    utilisation: hardwareUtilisation(loaded.intervals, loaded.resources, (t) => d.lookupInstance(t)?.acceleratorCount),
    avoided: ledger.totals,
    avoidedWindowHours: (w.endSec - w.startSec) / HOUR_SEC,
  });
}

/**
 * The lifecycle KPIs of a window (the KPI report's interval contributors call this). Without a lifecycle store only
 * hardware utilisation is computed; the others say why not.
 */
export async function lifecycleKpiContributor(
  d: { store: FootprintStore; intensityProviders: readonly IntensityProvider[]; signal: IntensitySignal; regionInfo?: (region: string) => RegionInfo | undefined; lifecycle?: LifecycleStore },
  w: Window,
  loaded: { intervals: readonly FootprintInterval[]; resources: readonly ResourceRef[] },
): Promise<Kpi[]> {
  return d.lifecycle && d.regionInfo
    ? await lifecycleKpisFor({ store: d.lifecycle, footprint: d.store, intensityProviders: d.intensityProviders, regionInfo: d.regionInfo, signal: d.signal, lookupInstance }, w, loaded)
    : lifecycleKpis({ utilisation: hardwareUtilisation(loaded.intervals, loaded.resources, (t) => lookupInstance(t)?.acceleratorCount), avoided: ledgerTotals([]), avoidedWindowHours: 0 }).map((k) => (k.id === 'hardware-utilisation' ? k : { ...k, value: null, reason: 'no lifecycle store in this view' }));
}
