/**
 * Right-sizing (pure): for a resource (endpoint variant) or a recurring training family whose GPUs run at low
 * utilisation (minute-level p95 ≤ 50 % per GPU), the smaller or newer configuration that would carry the same measured work with the least energy —
 * fewer GPUs, a newer family with more throughput per watt (g5 → g6/g6e, p4d → p5), or fewer instances.
 *
 * Method. Each observed minute's work is utilisation × GPUs × the source GPU's dense FP16 throughput
 * (accelerator-throughput.ts). A candidate (type, count) must carry the minute-level p95 of that work at ≤ 80 %
 * utilisation, in the pessimistic case too. Energy of both, minute by minute, comes from the same power model
 * (shared/domain/power/power-model.ts) at the same bound, so its systematic error largely cancels in the difference:
 *   point — model point, datasheet throughput ratio;
 *   low   — model high bound, and only half the datasheet advantage (ratio^0.5) where the target is faster;
 *   high  — model low bound, datasheet ratio.
 * kgCO2e = IT energy × the resource's own measured kgCO2e per IT kWh (its PUE and grid intensity, location-based).
 * No recommendation from fewer than `minObservedHours` hours of minute samples.
 */
import { HOUR_SEC } from '../time';
import type { Ranged } from '../types';
import type { InstanceSpec } from '../power/instance-catalog';
import { estimateAcceleratorPowerW, estimateHostRestPowerW } from '../power/power-model';
import { ACCELERATOR_THROUGHPUT, GPU_MEMORY_GB_BY_FAMILY } from './accelerator-throughput';
import { HOURS_PER_MONTH } from './ladder';

/** Headroom: the candidate must carry the p95 minute at or below this utilisation (design choice, not an AWS figure). */
export const MAX_TARGET_P95_UTIL_PCT = 80;
/** "Low GPU utilisation" (the scope): per-GPU p95 at or below this (design choice). */
export const LOW_UTILISATION_P95_PCT = 50;
/** A recommendation must save at least this share of the current energy at the point estimate. */
export const MIN_SAVING_SHARE = 0.2;
/**
 * Default minimum evidence: one week of minute samples, so a weekly traffic cycle is seen once. (AWS Compute
 * Optimizer needs at least 30 consecutive hours of metrics before it recommends anything — Compute Optimizer User
 * Guide, "Metrics analyzed"; a week is our stricter choice.)
 */
export const DEFAULT_MIN_OBSERVED_HOURS = 168;
/** SageMaker recommends two or more instances for production endpoints (Developer Guide, "Best practices for deploying models … high availability"): an endpoint running ≥ 2 keeps ≥ 2. */
export const MIN_ENDPOINT_INSTANCES_FOR_AVAILABILITY = 2;

export interface UtilisationMinute {
  /** Mean utilisation per GPU in this minute, 0–100. */
  utilPct: number;
  /** Instances this minute's mean stands for (endpoint averages; a training host is 1). */
  instances: number;
  /** Mean CPU utilisation, 0–100, or null. */
  cpuUtilPct: number | null;
}

export interface RightsizingSubject {
  resource: string;
  kind: 'endpoint' | 'training-family';
  region: string;
  instanceType: string;
  /** Minute samples (one per resource-minute; training: one per job-minute, hosts summed into `instances`). */
  minutes: readonly UtilisationMinute[];
  observedDays: number;
  /** Measured kgCO2e per IT kWh over the same intervals (PUE × intensity, location-based). */
  kgCo2ePerItKwh: Ranged;
  /** Where the p95 came from: minute samples (raw audit samples) or hourly means when those had expired. */
  p95Basis: 'minute samples' | 'hourly means';
  demo: boolean;
}

export interface RightsizingConfig {
  instanceType: string;
  instanceCount: number;
  gpus: number;
}

export interface RightsizingRecommendation {
  resource: string;
  kind: RightsizingSubject['kind'];
  region: string;
  from: RightsizingConfig;
  to: RightsizingConfig;
  observedHours: number;
  observedDays: number;
  p95UtilisationPct: number;
  meanUtilisationPct: number;
  projectedP95UtilisationPct: number;
  currentKgCo2ePerMonth: Ranged;
  projectedKgCo2ePerMonth: Ranged;
  savingKgCo2ePerMonth: Ranged;
  savingKwhPerMonth: Ranged;
  /** Datasheet throughput per GPU of the target over the source, and throughput per watt (board power) likewise. */
  throughputRatio: number;
  throughputPerWattRatio: number;
  p95Basis: RightsizingSubject['p95Basis'];
  evidence: string[];
  caveats: string[];
  sources: string[];
  demo: boolean;
}

export type RightsizingOutcome = { recommendation: RightsizingRecommendation } | { skipped: string };

const quantile = (xs: number[], q: number): number => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[idx];
};

type Bound = 'point' | 'low' | 'high';

/**
 * Minutes grouped by (utilisation to 0.1 %, instances, CPU to 1 %): the power model is evaluated once per group
 * (a week of minutes is ~10,000 samples but a few hundred distinct groups), weighted by its count.
 */
interface MinuteGroup {
  utilPct: number;
  instances: number;
  cpuUtilPct: number | null;
  n: number;
}
function groupMinutes(minutes: readonly UtilisationMinute[]): MinuteGroup[] {
  const m = new Map<string, MinuteGroup>();
  for (const x of minutes) {
    const u = Math.round(x.utilPct * 10) / 10;
    const c = x.cpuUtilPct === null ? null : Math.round(x.cpuUtilPct);
    const k = `${u}|${x.instances}|${c}`;
    const g = m.get(k);
    if (g) g.n++;
    else m.set(k, { utilPct: u, instances: x.instances, cpuUtilPct: c, n: 1 });
  }
  return [...m.values()];
}

/** Mean IT power (W) of `count` × `spec` carrying each group's work (source demand per GPU-minute × source GPUs). */
function meanPowerW(spec: InstanceSpec, count: number, tputPerGpu: number, groups: readonly MinuteGroup[], demandOf: (g: MinuteGroup) => number, bound: Bound): number {
  let total = 0;
  let n = 0;
  for (const g of groups) {
    const util = Math.min(100, (100 * demandOf(g)) / (count * spec.acceleratorCount * tputPerGpu));
    const acc = estimateAcceleratorPowerW(spec.accelerator, util)[bound] * spec.acceleratorCount;
    total += g.n * count * (acc + estimateHostRestPowerW(spec, g.cpuUtilPct)[bound]);
    n += g.n;
  }
  return n ? total / n : 0;
}

/** Mean IT power (W) of the configuration as observed (each minute's instances at its utilisation). */
function observedPowerW(spec: InstanceSpec, groups: readonly MinuteGroup[], bound: Bound): number {
  let total = 0;
  let n = 0;
  for (const g of groups) {
    const acc = estimateAcceleratorPowerW(spec.accelerator, g.utilPct)[bound] * spec.acceleratorCount;
    total += g.n * g.instances * (acc + estimateHostRestPowerW(spec, g.cpuUtilPct)[bound]);
    n += g.n;
  }
  return n ? total / n : 0;
}

const familyOf = (spec: InstanceSpec) => spec.family;

/**
 * The best right-sizing for one subject among `catalog` (instance specs), or why there is none. `candidateTypes`
 * limits the search (e.g. the ml.* types an endpoint can use); the default is every catalog type.
 */
export function rightsize(s: RightsizingSubject, o: { lookup: (t: string) => InstanceSpec | undefined; catalogTypes: readonly string[]; minObservedHours?: number }): RightsizingOutcome {
  const minHours = o.minObservedHours ?? DEFAULT_MIN_OBSERVED_HOURS;
  const src = o.lookup(s.instanceType);
  if (!src) return { skipped: `${s.instanceType} is not in the instance catalog` };
  const srcTput = ACCELERATOR_THROUGHPUT[src.accelerator.model];
  const srcMem = GPU_MEMORY_GB_BY_FAMILY[familyOf(src)];
  if (!srcTput || srcMem === undefined) return { skipped: `${src.accelerator.model} has no published throughput figure to compare (Inferentia/Trainium are not right-sized)` };
  const observedHours = (s.minutes.length * 60) / HOUR_SEC;
  if (observedHours < minHours) return { skipped: `only ${observedHours.toFixed(1)} h of utilisation samples; at least ${minHours} h are required` };

  const utils = s.minutes.map((m) => m.utilPct);
  const p95 = quantile(utils, 0.95);
  const mean = utils.reduce((a, x) => a + x, 0) / utils.length;
  if (p95 > LOW_UTILISATION_P95_PCT) return { skipped: `GPU utilisation is not low: p95 ${p95.toFixed(0)} % per GPU (right-sizing looks at p95 ≤ ${LOW_UTILISATION_P95_PCT} %)` };
  const demandOf = (m: { utilPct: number; instances: number }) => (m.utilPct / 100) * m.instances * src.acceleratorCount * srcTput.fp16DenseTflops;
  const p95Demand = quantile(s.minutes.map(demandOf), 0.95);
  const groups = groupMinutes(s.minutes);
  const maxInstances = Math.max(...s.minutes.map((m) => m.instances));
  const minInstances = Math.min(...s.minutes.map((m) => m.instances));
  const keepAtLeast = s.kind === 'endpoint' && minInstances >= MIN_ENDPOINT_INSTANCES_FOR_AVAILABILITY ? MIN_ENDPOINT_INSTANCES_FOR_AVAILABILITY : 1;
  const prefix = s.instanceType.toLowerCase().startsWith('ml.') ? 'ml.' : '';

  const current = { point: observedPowerW(src, groups, 'point'), low: observedPowerW(src, groups, 'low'), high: observedPowerW(src, groups, 'high') };

  let best: { spec: InstanceSpec; count: number; tput: number; ratio: number; power: Record<Bound, number>; p95Util: number; saving: number } | undefined;
  for (const t of o.catalogTypes) {
    const spec = o.lookup(t);
    if (!spec) continue;
    const tput = ACCELERATOR_THROUGHPUT[spec.accelerator.model];
    const mem = GPU_MEMORY_GB_BY_FAMILY[familyOf(spec)];
    // Never onto GPUs with less memory each than the model runs on today.
    if (!tput || mem === undefined || mem < srcMem) continue;
    const ratio = tput.fp16DenseTflops / srcTput.fp16DenseTflops;
    const pessTput = ratio > 1 ? srcTput.fp16DenseTflops * Math.sqrt(ratio) : tput.fp16DenseTflops;
    for (let count = keepAtLeast; count <= Math.max(keepAtLeast, maxInstances); count++) {
      const p95Util = (100 * p95Demand) / (count * spec.acceleratorCount * pessTput);
      if (p95Util > MAX_TARGET_P95_UTIL_PCT) continue;
      if (spec.instanceType === src.instanceType && count >= maxInstances) continue; // that is today's configuration
      const power = {
        point: meanPowerW(spec, count, tput.fp16DenseTflops, groups, demandOf, 'point'),
        low: meanPowerW(spec, count, tput.fp16DenseTflops, groups, demandOf, 'low'),
        high: meanPowerW(spec, count, pessTput, groups, demandOf, 'high'),
      };
      const saving = current.point - power.point;
      if (!best || saving > best.saving) best = { spec, count, tput: tput.fp16DenseTflops, ratio, power, p95Util, saving };
      break; // more instances of the same type only cost more
    }
  }
  if (!best || best.saving < MIN_SAVING_SHARE * current.point) {
    return { skipped: `no configuration saves ≥ ${MIN_SAVING_SHARE * 100} % at ≤ ${MAX_TARGET_P95_UTIL_PCT} % p95 utilisation (p95 ${p95.toFixed(0)} %, mean ${mean.toFixed(0)} % per GPU)` };
  }
  const kwhPerMonth = (w: number) => (w / 1000) * HOURS_PER_MONTH;
  // Saving bounds: the same power-model bound on both sides (see header); low also takes the pessimistic throughput.
  const savingKwh = [current.high - best.power.high, current.point - best.power.point, current.low - best.power.low].map(kwhPerMonth);
  const savingKwhRanged: Ranged = { low: Math.min(...savingKwh), point: savingKwh[1], high: Math.max(...savingKwh) };
  const kg = s.kgCo2ePerItKwh;
  const ranged = (r: Ranged): Ranged => ({ point: r.point, low: r.low, high: r.high });
  const currentKg = ranged({ point: kwhPerMonth(current.point) * kg.point, low: kwhPerMonth(current.low) * kg.low, high: kwhPerMonth(current.high) * kg.high });
  const projectedKg = ranged({ point: kwhPerMonth(best.power.point) * kg.point, low: kwhPerMonth(best.power.low) * kg.low, high: kwhPerMonth(best.power.high) * kg.high });
  const savingKg: Ranged = { low: savingKwhRanged.low * kg.point, point: savingKwhRanged.point * kg.point, high: savingKwhRanged.high * kg.point };
  const targetType = `${prefix}${best.spec.instanceType}`;
  const perWatt = (best.tput / best.spec.accelerator.maxW) / (srcTput.fp16DenseTflops / src.accelerator.maxW);
  const caveats = [
    `GPU memory use is not measured: check the model fits in ${best.spec.acceleratorCount} × ${GPU_MEMORY_GB_BY_FAMILY[best.spec.family]} GB per instance (today ${src.acceleratorCount} × ${srcMem} GB)`,
    'throughput is the datasheet dense FP16 peak; memory-bound serving (LLM decoding) scales with memory bandwidth instead — validate with a load test or a shadow variant first',
  ];
  if (s.kind === 'endpoint' && maxInstances !== minInstances) caveats.push(`the endpoint scaled between ${minInstances} and ${maxInstances} instances; review the auto scaling bounds for the new type`);
  if (prefix && best.spec.instanceType !== src.instanceType) caveats.push(`check that ${targetType} is offered by SageMaker in ${s.region}`);
  if (s.p95Basis === 'hourly means') caveats.push('p95 from hourly means (minute samples expired): minute peaks may be higher');
  return {
    recommendation: {
      resource: s.resource,
      kind: s.kind,
      region: s.region,
      from: { instanceType: s.instanceType, instanceCount: maxInstances, gpus: maxInstances * src.acceleratorCount },
      to: { instanceType: targetType, instanceCount: best.count, gpus: best.count * best.spec.acceleratorCount },
      observedHours,
      observedDays: s.observedDays,
      p95UtilisationPct: p95,
      meanUtilisationPct: mean,
      projectedP95UtilisationPct: best.p95Util,
      currentKgCo2ePerMonth: currentKg,
      projectedKgCo2ePerMonth: projectedKg,
      savingKgCo2ePerMonth: savingKg,
      savingKwhPerMonth: savingKwhRanged,
      throughputRatio: best.ratio,
      throughputPerWattRatio: perWatt,
      p95Basis: s.p95Basis,
      evidence: [
        `${observedHours.toFixed(0)} h of utilisation over ${s.observedDays.toFixed(1)} days`,
        `per-GPU utilisation p95 ${p95.toFixed(1)} %, mean ${mean.toFixed(1)} % on ${src.acceleratorCount} × ${src.accelerator.model}`,
        `projected p95 ${best.p95Util.toFixed(1)} % on ${best.count} × ${targetType} (pessimistic throughput)`,
        `energy from power model gpu-util-v1 at the measured utilisation; ${(kg.point * 1000).toFixed(0)} gCO2e per IT kWh measured (PUE × grid, location-based)`,
      ],
      caveats,
      sources: [srcTput.source, ACCELERATOR_THROUGHPUT[best.spec.accelerator.model].source, `power: ${best.spec.accelerator.source}`],
      demo: s.demo,
    },
  };
}
