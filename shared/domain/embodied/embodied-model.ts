/**
 * Embodied (scope 3, hardware) emissions of reserved instance time (pure).
 *
 *   M = platform kgCO2e × share × reserved hours ÷ (lifetime years × 8,760 h)
 *
 * the SCI (ISO/IEC 21031) embodied term M = TE × (TiR ÷ EL) × (RR ÷ TR): TE = the platform's boards + host, TiR =
 * reserved time, EL = expected lifetime, RR/TR = the share of the platform the instance reserves — its share of the
 * accelerators for accelerated instances (a g5.xlarge reserves 1 of a g5.48xlarge host's 8 A10G, so 1/8 of the host
 * too), its share of the vCPUs otherwise. Reserved time is the instance-hours from the resource's count history while
 * it ran (endpoint instance counts; training-job instances while running; 0 while an EC2 instance is stopped), not
 * the telemetry coverage: hardware is embodied whether or not CloudWatch saw it.
 *
 * Versioning: intervals store EMBODIED_FACTORS_VERSION. A new factor table does NOT re-revise stored intervals by
 * itself (that would rewrite reported history silently, like an unannounced base-year restatement); a deliberate
 * recompute with the new version is a separate, stated step. Reports list the versions they sum.
 */
import type { Ranged, ResourceRef } from '../types';
import type { Window } from '../time';
import { lookupInstance } from '../power/instance-catalog';
import {
  DEFAULT_LIFETIME_YEARS,
  EMBODIED_FACTORS_VERSION,
  EMBODIED_PLATFORMS,
  HOURS_PER_YEAR,
  type PlatformEmbodied,
} from './embodied-factors';

export type EmbodiedAllocation = 'accelerator-share' | 'vcpu-share';

export interface EmbodiedBasis {
  platform: string;
  allocation: EmbodiedAllocation;
  /** Share of the platform the instance reserves, 0–1. */
  share: number;
  lifetimeYears: number;
  reservedInstanceHours: number;
}

export type EmbodiedEstimate =
  | ({ status: 'computed'; kgCo2e: Ranged; modelVersion: string } & EmbodiedBasis)
  | { status: 'unmodelled'; reason: string; modelVersion: string };

const byFamily = new Map<string, PlatformEmbodied>();
for (const p of EMBODIED_PLATFORMS) for (const f of p.families) byFamily.set(f, p);

const familyOf = (instanceType: string): string => instanceType.trim().toLowerCase().replace(/^ml\./, '').split('.')[0];

/** The platform row and the share of it an instance type reserves; undefined when the type is not modelled. */
export function platformShare(instanceType: string): { platform: PlatformEmbodied; allocation: EmbodiedAllocation; share: number } | undefined {
  const spec = lookupInstance(instanceType);
  const platform = byFamily.get(familyOf(instanceType));
  if (!spec || !platform) return undefined;
  if (spec.acceleratorCount > 0 && platform.accelerators > 0) {
    return { platform, allocation: 'accelerator-share', share: Math.min(1, spec.acceleratorCount / platform.accelerators) };
  }
  return { platform, allocation: 'vcpu-share', share: Math.min(1, spec.vcpus / platform.vcpus) };
}

/** Whole-platform embodied emissions (accelerators + host), kgCO2e. */
export const platformKgCo2e = (p: PlatformEmbodied): Ranged => ({
  low: p.accelerators * p.accelerator.kgCo2e.low + p.hostKgCo2e.low,
  point: p.accelerators * p.accelerator.kgCo2e.point + p.hostKgCo2e.point,
  high: p.accelerators * p.accelerator.kgCo2e.high + p.hostKgCo2e.high,
});

/** Embodied kgCO2e per reserved instance-hour of an instance type; undefined when the type is not modelled. */
export function embodiedPerInstanceHourKg(instanceType: string, lifetimeYears = DEFAULT_LIFETIME_YEARS): Ranged | undefined {
  const ps = platformShare(instanceType);
  if (!ps) return undefined;
  const k = ps.share / (lifetimeYears * HOURS_PER_YEAR);
  const total = platformKgCo2e(ps.platform);
  return { low: total.low * k, point: total.point * k, high: total.high * k };
}

/**
 * `{ embodiedKgPerSec }` of `InstanceCount` reserved instances of `InstanceType` (a training job's ResourceConfig):
 * what a planned job will be allocated per second it runs; nothing when the type is not modelled.
 */
export function embodiedRate(rc: { InstanceType: string; InstanceCount: number } | undefined): { embodiedKgPerSec?: Ranged } {
  const perHour = rc ? embodiedPerInstanceHourKg(rc.InstanceType) : undefined;
  if (!rc || !perHour) return {};
  const k = rc.InstanceCount / 3600;
  return { embodiedKgPerSec: { low: perHour.low * k, point: perHour.point * k, high: perHour.high * k } };
}

/** Instance-seconds a resource reserved inside `w`: its count history integrated over the time it ran. */
export function reservedInstanceSec(r: Pick<ResourceRef, 'counts' | 'startSec' | 'endSec'>, w: Window): number {
  const start = Math.max(w.startSec, r.startSec);
  const end = Math.min(w.endSec, r.endSec ?? Number.POSITIVE_INFINITY);
  if (!(end > start) || r.counts.length === 0) return 0;
  let total = 0;
  for (let i = 0; i < r.counts.length; i++) {
    // The first entry also covers any time before it (as instanceCountAt does); each entry lasts until the next.
    const segStart = i === 0 ? Number.NEGATIVE_INFINITY : r.counts[i].atSec;
    const segEnd = i + 1 < r.counts.length ? r.counts[i + 1].atSec : Number.POSITIVE_INFINITY;
    const s = Math.max(start, segStart);
    const e = Math.min(end, segEnd);
    if (e > s) total += (e - s) * Math.max(0, r.counts[i].instanceCount);
  }
  return total;
}

/** Embodied emissions of a resource's reserved time in one interval; unknown types are 'unmodelled', never 0. */
export function estimateEmbodied(input: { resource: ResourceRef; interval: Window; lifetimeYears?: number }): EmbodiedEstimate {
  const { resource: r, interval } = input;
  const lifetimeYears = input.lifetimeYears ?? DEFAULT_LIFETIME_YEARS;
  if (r.serverless) {
    return { status: 'unmodelled', reason: 'serverless variant: no reserved instance to amortise hardware over', modelVersion: EMBODIED_FACTORS_VERSION };
  }
  const ps = platformShare(r.instanceType);
  const perHour = embodiedPerInstanceHourKg(r.instanceType, lifetimeYears);
  if (!ps || !perHour) {
    return {
      status: 'unmodelled',
      reason: `unmodelled instance type ${r.instanceType}: no embodied factors for its platform; embodied emissions not estimated`,
      modelVersion: EMBODIED_FACTORS_VERSION,
    };
  }
  const hours = reservedInstanceSec(r, interval) / 3600;
  return {
    status: 'computed',
    kgCo2e: { low: perHour.low * hours, point: perHour.point * hours, high: perHour.high * hours },
    modelVersion: EMBODIED_FACTORS_VERSION,
    platform: ps.platform.platform,
    allocation: ps.allocation,
    share: ps.share,
    lifetimeYears,
    reservedInstanceHours: hours,
  };
}
