/**
 * Energy and carbon of one resource over one aligned interval (pure).
 * Measured board power is used where present; otherwise power is estimated from utilisation with a
 * low/high range. Gaps are reported as coverage < 100 %, never filled.
 */
import type { Attribution, FootprintInterval, IntensityQuality, IntensitySignal, Ranged, ResourceRef, ResourceTelemetry } from '../types';
import { resourceKey } from '../types';
import { overlapSec, type Window } from '../time';
import type { InstanceSpec } from '../power/instance-catalog';
import { estimateAcceleratorPowerW, estimateHostRestPowerW, POWER_MODEL_VERSION } from '../power/power-model';
import { estimateEmbodied } from '../embodied/embodied-model';

export interface IntervalIntensity {
  gPerKwh: number;
  signal: IntensitySignal;
  zone: string;
  provider: string;
  quality: IntensityQuality;
  issuedAtSec?: number;
}

export interface ComputeIntervalInput {
  resource: ResourceRef;
  /** undefined = instance type not in the catalog: an explicit 'unmodelled' record, never a silent zero. */
  spec: InstanceSpec | undefined;
  attribution: Attribution;
  interval: Window;
  /** Telemetry of this resource; samples outside the interval are ignored. */
  telemetry: ResourceTelemetry | undefined;
  pue: number;
  pueSource: string;
  intensity: IntervalIntensity;
}

const J_PER_KWH = 3.6e6;

/** Rank of intensity quality: a better value replaces a worse one (revision bump). */
const QUALITY_RANK: Record<IntensityQuality, number> = {
  demo: 1,
  'yearly-average': 1,
  'own-forecast': 2,
  'provider-forecast': 3,
  actual: 4,
};

/**
 * Revision of an interval: final telemetry beats provisional (PartialData), then better intensity beats worse.
 * Equal revision = identical inputs = no-op on rewrite.
 */
export const intervalRevision = (provisional: boolean, quality: IntensityQuality): number =>
  (provisional ? 0 : 10) + QUALITY_RANK[quality];

/** Instance count of a resource at `tSec` from its count history. */
export const instanceCountAt = (r: ResourceRef, tSec: number): number => {
  let n = r.counts[0]?.instanceCount ?? 0;
  for (const c of r.counts) {
    if (c.atSec <= tSec) n = c.instanceCount;
    else break;
  }
  return n;
};

const activeWindow = (r: ResourceRef, w: Window): Window => ({
  startSec: Math.max(w.startSec, r.startSec),
  endSec: Math.min(w.endSec, r.endSec ?? Number.POSITIVE_INFINITY),
});

const zero = (): Ranged => ({ point: 0, low: 0, high: 0 });
const scale = (r: Ranged, k: number): Ranged => ({ point: r.point * k, low: r.low * k, high: r.high * k });

/** Compute the footprint interval. */
export function computeInterval(input: ComputeIntervalInput): FootprintInterval {
  const { resource: r, spec, interval, telemetry, pue, intensity } = input;
  const issues: string[] = [...(telemetry?.issues ?? [])];
  const active = activeWindow(r, interval);
  const activeSec = Math.max(0, active.endSec - active.startSec);
  const periodSec = telemetry?.hosts[0]?.periodSec ?? 60;

  // Expected instance-seconds while the resource ran in this interval.
  let expectedInstanceSec = 0;
  for (let t = active.startSec; t < active.endSec; t += periodSec) {
    expectedInstanceSec += instanceCountAt(r, t) * Math.min(periodSec, active.endSec - t);
  }

  const it = zero();
  let measuredJ = 0;
  let coveredInstanceSec = 0;
  let utilWeighted = 0;
  let utilSec = 0;
  let invocations = 0;
  const hasInvocations = (telemetry?.hosts ?? []).some((h) => h.samples.some((s) => s.invocations != null));
  let method: FootprintInterval['method'];

  if (r.serverless) {
    method = 'unmodelled';
    issues.push('serverless variant: no instance type to model; energy not estimated');
  } else if (!spec) {
    method = 'unmodelled';
    issues.push(`unmodelled instance type ${r.instanceType}: not in the power catalog; energy not estimated`);
  } else {
    let measuredSamples = 0;
    for (const host of telemetry?.hosts ?? []) {
      for (const s of host.samples) {
        const slot: Window = { startSec: s.tSec, endSec: s.tSec + host.periodSec };
        const sec = overlapSec(slot, active);
        if (sec <= 0) continue;
        if (s.invocations != null) invocations += s.invocations;
        if (s.gpuUtilPct === null && s.gpuPowerW === null) continue; // a gap: reported via coverage
        const instances = host.instancesRepresented ?? 1;
        const n = spec.acceleratorCount;
        let accW: Ranged;
        if (s.gpuPowerW !== null) {
          accW = { point: s.gpuPowerW, low: s.gpuPowerW, high: s.gpuPowerW };
          measuredJ += s.gpuPowerW * sec * instances;
          measuredSamples++;
        } else {
          accW = scale(estimateAcceleratorPowerW(spec.accelerator, s.gpuUtilPct as number), n);
        }
        const restW = estimateHostRestPowerW(spec, s.cpuUtilPct);
        const k = (sec * instances) / J_PER_KWH;
        it.point += (accW.point + restW.point) * k;
        it.low += (accW.low + restW.low) * k;
        it.high += (accW.high + restW.high) * k;
        coveredInstanceSec += sec * instances;
        if (s.gpuUtilPct !== null) {
          utilWeighted += s.gpuUtilPct * sec * instances;
          utilSec += sec * instances;
        }
      }
    }
    // 'mixed': GPU board power measured, host (CPU, memory, platform) power still estimated.
    method = coveredInstanceSec === 0 ? 'no-telemetry' : measuredSamples === 0 ? 'estimated' : 'mixed';
    if (coveredInstanceSec === 0 && activeSec > 0) issues.push('no telemetry for the active period');
  }

  // Unmodelled work is not accounted, so it is never "covered" (a serverless variant has no instances to expect).
  const coveragePct =
    method === 'unmodelled' ? 0 : expectedInstanceSec > 0 ? Math.min(100, (coveredInstanceSec / expectedInstanceSec) * 100) : 100;
  if (coveragePct < 100 && method !== 'unmodelled' && coveredInstanceSec > 0) {
    issues.push(`telemetry coverage ${coveragePct.toFixed(1)} %: missing periods are not filled`);
  }
  const energyKwh = scale(it, pue);
  const kgPerKwh = intensity.gPerKwh / 1000;
  const provisional = telemetry?.partial ?? false;
  const measuredKwh = measuredJ / J_PER_KWH;
  // Embodied (scope 3) depends on the reserved time and the factor table only, not on telemetry or intensity: it
  // neither moves the revision nor is added to co2eKg (operational, location-based).
  const embodied = estimateEmbodied({ resource: r, interval });
  if (embodied.status === 'unmodelled') issues.push(embodied.reason);

  const out: FootprintInterval = {
    resourceKey: resourceKey(r),
    kind: r.kind,
    resourceId: r.id,
    region: r.region,
    instanceType: r.instanceType,
    attribution: input.attribution,
    intervalStartSec: interval.startSec,
    intervalSec: interval.endSec - interval.startSec,
    itEnergyKwh: it,
    pue,
    pueSource: input.pueSource,
    energyKwh,
    co2eKg: scale(energyKwh, kgPerKwh),
    intensityGPerKwh: intensity.gPerKwh,
    intensitySignal: intensity.signal,
    intensityZone: intensity.zone,
    intensityProvider: intensity.provider,
    intensityQuality: intensity.quality,
    intensityIssuedAtSec: intensity.issuedAtSec,
    method,
    measuredShare: it.point > 0 ? Math.min(1, measuredKwh / it.point) : 0,
    coveragePct,
    meanGpuUtilPct: utilSec > 0 ? utilWeighted / utilSec : undefined,
    invocations: r.kind === 'endpoint' && hasInvocations ? invocations : undefined,
    modelVersion: POWER_MODEL_VERSION,
    provisional,
    revision: intervalRevision(provisional, intensity.quality),
    issues,
    demo: r.demo ?? false,
    embodiedStatus: embodied.status,
    embodiedModelVersion: embodied.modelVersion,
  };
  if (embodied.status === 'computed') {
    out.embodiedKgCo2e = embodied.kgCo2e;
    out.embodiedBasis = {
      platform: embodied.platform,
      allocation: embodied.allocation,
      share: embodied.share,
      lifetimeYears: embodied.lifetimeYears,
      reservedInstanceHours: embodied.reservedInstanceHours,
    };
  }
  return out;
}
