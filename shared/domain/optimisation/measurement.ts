/**
 * Energy and carbon per inference of a baseline and a candidate variant that served the same traffic (pure).
 *
 * Inputs are our own footprint intervals, one per variant and hour (GPU energy from the power model, host share from
 * CPU utilisation, × PUE; shared/domain/footprint/compute-interval.ts), and the variants' error counts. Per variant:
 *   J/inference = Σ facility energy ÷ Σ successful invocations (invocations − 4XX − 5XX errors),
 * with the low/high of the energy range (the power model's calibration range: systematic, shared by both variants).
 * The change candidate ÷ baseline − 1 gets a 95 % percentile bootstrap interval that resamples *hours* with both
 * variants together (paired by hour), so the hour-to-hour traffic mix cancels out of the comparison (Efron &
 * Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 13 — percentile interval; the statistic is the ratio of
 * sums over the resampled hours). The generator is seeded from the attempt, so a re-run gives the same interval.
 */
import type { Ranged } from '../types';
import type { EpochSec, Window } from '../time';
import { HOUR_SEC } from '../time';
import { fnv1a64Hex } from '../scheduler/job-name';

/** One variant's footprint in one hour. */
export interface VariantHour {
  /** Facility energy (IT × PUE), kWh. */
  energyKwh: Ranged;
  /** Location-based operational emissions, kg. */
  co2eKg: Ranged;
  invocations: number;
  /** Invocation4XXErrors + Invocation5XXErrors in the hour. */
  errors: number;
}

export interface PairedHour {
  hourStartSec: EpochSec;
  baseline: VariantHour;
  candidate: VariantHour;
}

export interface LatencySummary {
  p50Ms?: number;
  p95Ms?: number;
}

export interface VariantFigures {
  jPerInference: Ranged;
  gCo2ePerInference: Ranged;
  energyKwh: Ranged;
  co2eKg: Ranged;
  invocations: number;
  successfulInvocations: number;
  errorRatePct: number;
  latencyP50Ms?: number;
  latencyP95Ms?: number;
}

export interface Measurement {
  window: Window;
  pairedHours: number;
  baseline: VariantFigures;
  candidate: VariantFigures;
  /** J/inference change of the candidate vs the baseline, %, with the 95 % paired-by-hour bootstrap interval. */
  changePct: Ranged;
  /** The same for gCO2e/inference (same hours, same intensity: follows the energy change). */
  gCo2eChangePct: Ranged;
  method: string;
  uncertainty: string;
  bootstrap: { resamples: number; confidence: number; seed: string };
}

/** Deterministic uniform [0, 1) generator (splitmix32) from a string seed. */
export function seededRandom(seed: string): () => number {
  let s = Number.parseInt(fnv1a64Hex(seed).slice(0, 8), 16) >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

const ok = (v: VariantHour) => v.invocations - v.errors;
const JOULES_PER_KWH = 3.6e6;

/** Hours usable for the comparison: both variants with successful invocations. */
export const usablePairs = (pairs: readonly PairedHour[]): PairedHour[] => pairs.filter((p) => ok(p.baseline) > 0 && ok(p.candidate) > 0);

function figures(hours: readonly VariantHour[], latency: LatencySummary): VariantFigures {
  const sum = (f: (h: VariantHour) => number) => hours.reduce((a, h) => a + f(h), 0);
  const energy = { point: sum((h) => h.energyKwh.point), low: sum((h) => h.energyKwh.low), high: sum((h) => h.energyKwh.high) };
  const co2e = { point: sum((h) => h.co2eKg.point), low: sum((h) => h.co2eKg.low), high: sum((h) => h.co2eKg.high) };
  const invocations = sum((h) => h.invocations);
  const successful = sum(ok);
  const per = (x: number, scale: number) => (successful > 0 ? (x * scale) / successful : 0);
  return {
    jPerInference: { point: per(energy.point, JOULES_PER_KWH), low: per(energy.low, JOULES_PER_KWH), high: per(energy.high, JOULES_PER_KWH) },
    gCo2ePerInference: { point: per(co2e.point, 1000), low: per(co2e.low, 1000), high: per(co2e.high, 1000) },
    energyKwh: energy,
    co2eKg: co2e,
    invocations,
    successfulInvocations: successful,
    errorRatePct: invocations > 0 ? (100 * sum((h) => h.errors)) / invocations : 0,
    ...(latency.p50Ms !== undefined ? { latencyP50Ms: latency.p50Ms } : {}),
    ...(latency.p95Ms !== undefined ? { latencyP95Ms: latency.p95Ms } : {}),
  };
}

/** (Σ cand / Σ cand ok) ÷ (Σ base / Σ base ok) − 1, in %, over the chosen hours. */
function ratioChangePct(pairs: readonly PairedHour[], idx: readonly number[], value: (v: VariantHour) => number): number {
  let cb = 0;
  let nb = 0;
  let cc = 0;
  let nc = 0;
  for (const i of idx) {
    const p = pairs[i];
    cb += value(p.baseline);
    nb += ok(p.baseline);
    cc += value(p.candidate);
    nc += ok(p.candidate);
  }
  return (100 * (cc / nc)) / (cb / nb) - 100;
}

const quantile = (sorted: readonly number[], q: number): number => {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
};

/** Percentile bootstrap interval of the change, resampling hours jointly (paired). */
export function pairedBootstrapPct(
  pairs: readonly PairedHour[],
  value: (v: VariantHour) => number,
  o: { resamples: number; confidence: number; seed: string },
): Ranged {
  const all = pairs.map((_, i) => i);
  const point = ratioChangePct(pairs, all, value);
  const random = seededRandom(o.seed);
  const stats: number[] = [];
  const idx = new Array<number>(pairs.length);
  for (let b = 0; b < o.resamples; b++) {
    for (let k = 0; k < pairs.length; k++) idx[k] = Math.floor(random() * pairs.length);
    const s = ratioChangePct(pairs, idx, value);
    if (Number.isFinite(s)) stats.push(s);
  }
  stats.sort((a, b) => a - b);
  const alpha = (1 - o.confidence) / 2;
  return { point, low: quantile(stats, alpha), high: quantile(stats, 1 - alpha) };
}

export const BOOTSTRAP_RESAMPLES = 2000;

/** The measurement of one attempt from its paired hours (at least one usable hour). */
export function summariseMeasurement(
  pairs: readonly PairedHour[],
  o: { seed: string; latency: { baseline: LatencySummary; candidate: LatencySummary }; resamples?: number; modelVersion?: string },
): Measurement {
  const use = usablePairs(pairs).sort((a, b) => a.hourStartSec - b.hourStartSec);
  if (!use.length) throw new RangeError('no hour where both variants served successful invocations');
  const boot = { resamples: o.resamples ?? BOOTSTRAP_RESAMPLES, confidence: 0.95, seed: o.seed };
  return {
    window: { startSec: use[0].hourStartSec, endSec: use[use.length - 1].hourStartSec + HOUR_SEC },
    pairedHours: use.length,
    baseline: figures(use.map((p) => p.baseline), o.latency.baseline),
    candidate: figures(use.map((p) => p.candidate), o.latency.candidate),
    changePct: pairedBootstrapPct(use, (v) => v.energyKwh.point, boot),
    gCo2eChangePct: pairedBootstrapPct(use, (v) => v.co2eKg.point, { ...boot, seed: `${boot.seed}|co2e` }),
    method:
      'our footprint intervals per variant and hour: facility energy (GPU power estimated from GPUUtilization' +
      `${o.modelVersion ? ` by ${o.modelVersion}` : ''}, host share from CPUUtilization, × PUE) ÷ successful invocations (Invocations − 4XX − 5XX); ` +
      'both variants on the same requests (shadow test), compared hour by hour',
    uncertainty:
      `change: 95 % percentile bootstrap of the ratio of sums, ${boot.resamples} resamples of ${use.length} paired hours; ` +
      'J and gCO2e per inference: low/high of the power-model range (systematic, shared by both variants, so it does not widen the change)',
    bootstrap: boot,
  };
}
