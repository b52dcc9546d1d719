/**
 * Cold detection (pure). An endpoint variant is idle while CloudWatch `Invocations` (AWS/SageMaker, Sum, per
 * variant) is 0 or absent — SageMaker publishes the metric only for periods with invocations — which our footprint
 * intervals carry as `invocations`. Idle days run from the end of the last hour with an invocation to the end of the
 * newest interval; when no invocation was seen at all, from the first interval we hold, and the figure is a lower
 * bound (`idleLowerBound`). The idle time's kgCO2e is the sum of the idle run's intervals (measured footprint,
 * location-based). Inference components are judged on their own daily `Invocations` sums; registry packages on how
 * long no live endpoint has served them.
 */
import { DAY_SEC, HOUR_SEC, type EpochSec, type Window } from '../time';
import type { FootprintInterval, Ranged, ResourceRef } from '../types';
import { resourceKey } from '../types';
import type { InferenceComponentInfo, LifecycleState, ModelPackageInfo } from './types';

const zero = (): Ranged => ({ point: 0, low: 0, high: 0 });
const add = (a: Ranged, b: Ranged): Ranged => ({ point: a.point + b.point, low: a.low + b.low, high: a.high + b.high });
const div = (a: Ranged, k: number): Ranged => (k > 0 ? { point: a.point / k, low: a.low / k, high: a.high / k } : zero());

/** Instance-seconds of a resource inside a window, from its count history (steps between count changes). */
export function instanceSecondsIn(r: Pick<ResourceRef, 'counts' | 'startSec' | 'endSec'>, w: Window): number {
  const from = Math.max(w.startSec, r.startSec);
  const to = Math.min(w.endSec, r.endSec ?? Number.POSITIVE_INFINITY);
  if (!(to > from)) return 0;
  const counts = [...r.counts].sort((a, b) => a.atSec - b.atSec);
  let total = 0;
  let level = 0;
  for (const c of counts) if (c.atSec <= from) level = c.instanceCount;
  let at = from;
  for (const c of counts) {
    if (c.atSec <= from) continue;
    if (c.atSec >= to) break;
    total += level * (c.atSec - at);
    at = c.atSec;
    level = c.instanceCount;
  }
  return total + level * (to - at);
}

/** Instance count at an instant (the last change at or before it). */
export const countAt = (r: Pick<ResourceRef, 'counts'>, tSec: EpochSec): number => {
  let n = 0;
  for (const c of [...r.counts].sort((a, b) => a.atSec - b.atSec)) if (c.atSec <= tSec) n = c.instanceCount;
  return n;
};

export interface VariantIdleness {
  resourceKey: string;
  /** End of the last hour that had an invocation; null when none was seen in the data held. */
  lastInvocationSec: EpochSec | null;
  idleSinceSec: EpochSec;
  idleDays: number;
  /** No invocation in the data held: the endpoint has been idle at least this long. */
  idleLowerBound: boolean;
  observedFromSec: EpochSec;
  observedToSec: EpochSec;
  idleHours: number;
  /** Measured footprint of the idle run (facility energy incl. PUE, location-based kgCO2e). */
  idleEnergyKwh: Ranged;
  idleItEnergyKwh: Ranged;
  wastedKgCo2e: Ranged;
  /** Over all intervals held: invocations per allocated GPU-hour (null without GPU-hours). */
  invocations: number;
  gpuHours: number;
  invocationsPerGpuHour: number | null;
  pue: number;
}

/**
 * Idleness of one endpoint variant from its intervals (any order) and its count history. `accelerators` = GPUs per
 * instance. Intervals without telemetry still count as idle hours (no invocation was published for them).
 */
export function variantIdleness(r: ResourceRef, intervals: readonly FootprintInterval[], accelerators: number): VariantIdleness | undefined {
  const xs = [...intervals].sort((a, b) => a.intervalStartSec - b.intervalStartSec);
  if (!xs.length) return undefined;
  const end = (i: FootprintInterval) => i.intervalStartSec + i.intervalSec;
  const observedFromSec = xs[0].intervalStartSec;
  const observedToSec = Math.max(...xs.map(end));
  let last = -1;
  for (let k = 0; k < xs.length; k++) if ((xs[k].invocations ?? 0) > 0) last = k;
  const idleSinceSec = last >= 0 ? end(xs[last]) : observedFromSec;
  const idleRun = xs.filter((i) => i.intervalStartSec >= idleSinceSec);
  let invocations = 0;
  let gpuSec = 0;
  for (const i of xs) {
    invocations += i.invocations ?? 0;
    gpuSec += instanceSecondsIn(r, { startSec: i.intervalStartSec, endSec: end(i) }) * accelerators;
  }
  const gpuHours = gpuSec / HOUR_SEC;
  const pues = idleRun.map((i) => i.pue).filter((p) => p > 0);
  return {
    resourceKey: resourceKey(r),
    lastInvocationSec: last >= 0 ? end(xs[last]) : null,
    idleSinceSec,
    idleDays: Math.max(0, observedToSec - idleSinceSec) / DAY_SEC,
    idleLowerBound: last < 0,
    observedFromSec,
    observedToSec,
    idleHours: idleRun.reduce((a, i) => a + i.intervalSec, 0) / HOUR_SEC,
    idleEnergyKwh: idleRun.reduce((a, i) => add(a, i.energyKwh), zero()),
    idleItEnergyKwh: idleRun.reduce((a, i) => add(a, i.itEnergyKwh), zero()),
    wastedKgCo2e: idleRun.reduce((a, i) => add(a, i.co2eKg), zero()),
    invocations,
    gpuHours,
    invocationsPerGpuHour: gpuHours > 0 ? invocations / gpuHours : null,
    pue: pues.length ? pues[pues.length - 1] : xs[xs.length - 1].pue,
  };
}

export interface EndpointIdleness {
  /** The endpoint is as idle as its busiest variant. */
  idleDays: number;
  idleLowerBound: boolean;
  lastInvocationSec: EpochSec | null;
  wastedKgCo2e: Ranged;
  /** Mean measured draw over the idle run, per hour (for proposals and the ledger's counterfactual). */
  idleItKwhPerHour: Ranged;
  idleKwhPerHour: Ranged;
  idleKgCo2ePerHour: Ranged;
  idleHours: number;
  invocationsPerGpuHour: number | null;
  pue: number;
  variants: VariantIdleness[];
}

/** Combine the variants of one endpoint. Undefined when no variant has intervals. */
export function endpointIdleness(variants: readonly VariantIdleness[]): EndpointIdleness | undefined {
  if (!variants.length) return undefined;
  const busiest = variants.reduce((a, v) => (v.idleDays < a.idleDays ? v : a));
  // Per-hour draw: each variant's idle-run total over its own idle hours, summed (they run side by side).
  const perHour = (f: (v: VariantIdleness) => Ranged) => variants.reduce((a, v) => add(a, div(f(v), v.idleHours)), zero());
  const inv = variants.reduce((a, v) => a + v.invocations, 0);
  const gpuH = variants.reduce((a, v) => a + v.gpuHours, 0);
  const lasts = variants.map((v) => v.lastInvocationSec).filter((x): x is number => x !== null);
  return {
    idleDays: busiest.idleDays,
    idleLowerBound: variants.every((v) => v.idleLowerBound),
    lastInvocationSec: lasts.length ? Math.max(...lasts) : null,
    wastedKgCo2e: variants.reduce((a, v) => add(a, v.wastedKgCo2e), zero()),
    idleItKwhPerHour: perHour((v) => v.idleItEnergyKwh),
    idleKwhPerHour: perHour((v) => v.idleEnergyKwh),
    idleKgCo2ePerHour: perHour((v) => v.wastedKgCo2e),
    idleHours: Math.min(...variants.map((v) => v.idleHours)),
    invocationsPerGpuHour: gpuH > 0 ? inv / gpuH : null,
    pue: busiest.pue,
    variants: [...variants],
  };
}

/** active → cooling → cold by idle days against the subject's thresholds. */
export function idleState(idleDays: number, t: { coolingAfterDays: number; coldAfterDays: number }): Extract<LifecycleState, 'active' | 'cooling' | 'cold'> {
  if (idleDays >= t.coldAfterDays) return 'cold';
  if (idleDays >= t.coolingAfterDays) return 'cooling';
  return 'active';
}

export interface ComponentIdleness {
  lastInvocationDaySec: EpochSec | null;
  idleSinceSec: EpochSec;
  idleDays: number;
  idleLowerBound: boolean;
  invocations: number;
}

/** Idleness of an inference component from its daily Invocations sums up to `observedToSec` (end of the last full day queried). */
export function componentIdleness(ic: Pick<InferenceComponentInfo, 'dailyInvocations' | 'observedFromSec' | 'createdSec'>, observedToSec: EpochSec): ComponentIdleness {
  const days = [...ic.dailyInvocations].sort((a, b) => a.daySec - b.daySec);
  const active = days.filter((d) => d.sum > 0);
  const last = active.length ? active[active.length - 1].daySec : null;
  const from = Math.max(ic.observedFromSec, ic.createdSec);
  const idleSinceSec = last !== null ? last + DAY_SEC : from;
  return {
    lastInvocationDaySec: last,
    idleSinceSec,
    idleDays: Math.max(0, observedToSec - idleSinceSec) / DAY_SEC,
    // Created inside the queried range with no invocation: idle since creation, exactly.
    idleLowerBound: last === null && ic.observedFromSec > ic.createdSec,
    invocations: days.reduce((a, d) => a + d.sum, 0),
  };
}

export interface PackageFreeze {
  frozen: boolean;
  /** Days without a live endpoint serving it, as far as CarbonPilot has observed. */
  daysWithoutLiveEndpoint: number;
  /** True when the count starts at CarbonPilot's first observation (it may have been unserved for longer). */
  lowerBound: boolean;
  live: boolean;
}

/**
 * A registry package is frozen when no live endpoint has served it for `frozenAfterDays`. Without a recorded last
 * live time the count starts at the later of its creation and CarbonPilot's first observation of the region, so a
 * package is never called frozen for time nobody observed.
 */
export function packageFreeze(
  p: Pick<ModelPackageInfo, 'createdSec'>,
  o: { live: boolean; lastLiveSec?: EpochSec; observedSinceSec: EpochSec; nowSec: EpochSec; frozenAfterDays: number },
): PackageFreeze {
  if (o.live) return { frozen: false, daysWithoutLiveEndpoint: 0, lowerBound: false, live: true };
  const since = o.lastLiveSec ?? Math.max(p.createdSec, o.observedSinceSec);
  const days = Math.max(0, o.nowSec - since) / DAY_SEC;
  return { frozen: days >= o.frozenAfterDays, daysWithoutLiveEndpoint: days, lowerBound: o.lastLiveSec === undefined && o.observedSinceSec > p.createdSec, live: false };
}
