/**
 * Utilisation → power model for accelerators and hosts, with an uncertainty range.
 *
 * Why not linear idle→max: nvidia-smi `utilization.gpu` is the share of time ≥1 kernel ran, not how hard the chip
 * worked. Measured averages of busy GPUs sit well below TDP, and a GPU holding a CUDA context with no kernel
 * running draws well above its idle figure. The model therefore has three states, each a fraction of the
 * accelerator's own board limit (maxW) so it transfers across GPU models:
 *   - floor  (util 0, context held):            point 0.18·max, range [idle, 0.35·max]
 *   - busy   (util 100):                        point 0.70·max, range [0.30·max, 0.95·max]
 *   - stall  (util pinned ≥ 99.5 % for ≥ 10 s): point 0.45·max, range [0.20·max, 0.95·max]
 * and power is interpolated linearly in utilisation between floor and busy. Utilisation is a time share, so
 * power ≈ time-weighted mix of the two states; being linear, the estimate is the same for 100 ms samples and
 * for their 1-minute CloudWatch averages (energy commutes with averaging), which is what production gets.
 *
 * Calibration (fractions of max board power):
 *   busy: ML.ENERGY leaderboard v3 (2026-02), avg power per GPU, H100 median 0.71–0.78, B200 0.63–0.85, p5 0.32–0.70;
 *         Zeus NSDI'23 traces at the highest power limit, median 0.48–0.73, p95 0.69–0.97 (V100, A40, RTX6000, P100);
 *         grantwilkins/training_profile nvidia-smi traces: util 80–99 % samples 0.79 (H100), 0.66–0.75 (Titan X).
 *   floor: same traces, util 0 % with a CUDA context: 0.14–0.20 (H100), 0.34–0.36 (Titan X).
 *   stall: same traces, long runs of exactly 100 % while a peer rank checkpoints (NCCL collective spinning):
 *         0.22–0.23 (H100). A pinned plateau can also be a genuinely compute-saturated kernel (GPU burn, large
 *         GEMMs), so the point sits midway and the range spans both.
 * The range of a total is the sum of per-sample bounds: the calibration error is systematic per workload, so
 * per-sample errors do not average out.
 */
import type { Ranged } from '../types';
import type { AcceleratorSpec, InstanceSpec } from './instance-catalog';

export const POWER_MODEL_VERSION = 'gpu-util-v1';

/** Fractions of the accelerator's maxW (see header for sources). */
export const ACCELERATOR_STATE_FRACTIONS = {
  floor: { point: 0.18, high: 0.35 },
  busy: { low: 0.3, point: 0.7, high: 0.95 },
  stall: { low: 0.2, point: 0.45, high: 0.95 },
} as const;

/** Utilisation at or above this reads as "pinned" (nvidia-smi reports integers; CloudWatch averages them). */
export const PINNED_UTIL_PCT = 99.5;
/** A pinned run this long is longer than any training step: treated as a possible stall (see header). */
export const STALL_MIN_SEC = 10;

/** Thrown for utilisation that is not a finite number (NaN, ±Infinity): there is nothing to clamp it to. */
export class InvalidUtilizationError extends RangeError {
  readonly retryable = false;
  constructor(value: number) {
    super(`utilisation must be a finite number, got ${value}`);
    this.name = 'InvalidUtilizationError';
  }
}

/**
 * Validates a utilisation reading. Policy: non-finite → InvalidUtilizationError (rejected);
 * finite values outside 0–100 are clamped and flagged (`clamped: true`), since counters such as
 * SageMaker's GPUUtilization (0–100 × GPUs) or rounding can overshoot slightly.
 */
export function sanitizeUtilPct(utilPct: number): { utilPct: number; clamped: boolean } {
  if (typeof utilPct !== 'number' || !Number.isFinite(utilPct)) throw new InvalidUtilizationError(utilPct);
  const c = Math.min(100, Math.max(0, utilPct));
  return { utilPct: c, clamped: c !== utilPct };
}

const stateW = (acc: AcceleratorSpec) => {
  const f = ACCELERATOR_STATE_FRACTIONS;
  const m = acc.maxW;
  const floorPoint = Math.max(acc.idleW, f.floor.point * m);
  const floor = { low: acc.idleW, point: floorPoint, high: Math.max(floorPoint, f.floor.high * m) };
  const busyPoint = Math.max(floorPoint, f.busy.point * m);
  const busy = {
    low: Math.max(floor.low, f.busy.low * m),
    point: busyPoint,
    high: Math.max(busyPoint, floor.high, f.busy.high * m),
  };
  const stallPoint = Math.max(acc.idleW, f.stall.point * m);
  const stall = {
    low: Math.min(stallPoint, Math.max(acc.idleW, f.stall.low * m)),
    point: stallPoint,
    high: Math.max(stallPoint, f.stall.high * m),
  };
  return { floor, busy, stall };
};

const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;

/** Per-accelerator power (W) from per-accelerator utilisation 0–100 (clamped; non-finite rejected). */
export function estimateAcceleratorPowerW(acc: AcceleratorSpec, utilPct: number): Ranged {
  const { utilPct: u } = sanitizeUtilPct(utilPct);
  const { floor, busy } = stateW(acc);
  const t = u / 100;
  return { point: lerp(floor.point, busy.point, t), low: lerp(floor.low, busy.low, t), high: lerp(floor.high, busy.high, t) };
}

/** Power (W) of a pinned-utilisation stall sample (see header); used by the energy integrator. */
export function estimateStalledAcceleratorPowerW(acc: AcceleratorSpec): Ranged {
  return { ...stateW(acc).stall };
}

/**
 * CPU W vs utilisation deviates from the linear CCF interpolation by up to ≈15 % (SPECpower curves are concave;
 * CCF methodology, 2021); the ±15 % range expresses that.
 */
const HOST_LINEAR_REL_ERR = 0.15;
/** CCF assumes 50 % average CPU utilisation when it is unknown (CCF methodology). */
const HOST_DEFAULT_CPU_UTIL_PCT = 50;

/** Host (non-accelerator) power (W) from CPU utilisation 0–100; null = unknown -> idle…max range around 50 %. */
export function estimateHostRestPowerW(spec: InstanceSpec, cpuUtilPct: number | null): Ranged {
  const span = spec.hostMaxW - spec.hostIdleW;
  if (cpuUtilPct === null) {
    return { point: spec.hostIdleW + span * (HOST_DEFAULT_CPU_UTIL_PCT / 100), low: spec.hostIdleW, high: spec.hostMaxW };
  }
  const { utilPct: u } = sanitizeUtilPct(cpuUtilPct);
  const point = spec.hostIdleW + (span * u) / 100;
  return {
    point,
    low: Math.max(spec.hostIdleW * (1 - HOST_LINEAR_REL_ERR), point * (1 - HOST_LINEAR_REL_ERR)),
    high: Math.min(spec.hostMaxW * (1 + HOST_LINEAR_REL_ERR), point * (1 + HOST_LINEAR_REL_ERR)),
  };
}

export interface UtilSample {
  tSec: number;
  utilPct: number;
}

export interface AcceleratorEnergyDetail {
  energyJ: Ranged;
  durationSec: number;
  /** Seconds classified as a pinned-utilisation stall. */
  stallSec: number;
  /** Samples whose utilisation was outside 0–100 and was clamped. */
  clampedSamples: number;
}

const medianStepSec = (ts: number[]): number => {
  const d: number[] = [];
  for (let i = 1; i < ts.length; i++) if (ts[i] > ts[i - 1]) d.push(ts[i] - ts[i - 1]);
  if (d.length === 0) return 0;
  d.sort((a, b) => a - b);
  const m = d.length >> 1;
  return d.length % 2 ? d[m] : (d[m - 1] + d[m]) / 2;
};

/**
 * Energy (J) of one accelerator over a utilisation series, with flags. Each sample holds until the next; the last
 * sample lasts the median step (0 for a single sample). A run of pinned samples (≥ PINNED_UTIL_PCT) lasting
 * ≥ STALL_MIN_SEC uses the stall state; this is a series-level feature, so splitting a series inside such a run
 * can change the result.
 */
export function estimateAcceleratorEnergyDetailed(acc: AcceleratorSpec, samples: UtilSample[]): AcceleratorEnergyDetail {
  const s = [...samples].sort((a, b) => a.tSec - b.tSec);
  let clampedSamples = 0;
  const utils = s.map((x) => {
    if (!Number.isFinite(x.tSec)) throw new RangeError(`sample time must be finite, got ${x.tSec}`);
    const r = sanitizeUtilPct(x.utilPct);
    if (r.clamped) clampedSamples++;
    return r.utilPct;
  });
  const ts = s.map((x) => x.tSec);
  const last = medianStepSec(ts);
  const dur = ts.map((t, i) => (i + 1 < ts.length ? ts[i + 1] - t : last));

  // Mark stalls: maximal runs of pinned samples whose total duration reaches STALL_MIN_SEC.
  const stalled = new Array<boolean>(s.length).fill(false);
  for (let i = 0; i < s.length; ) {
    if (utils[i] < PINNED_UTIL_PCT) {
      i++;
      continue;
    }
    let j = i;
    let runSec = 0;
    while (j < s.length && utils[j] >= PINNED_UTIL_PCT) runSec += dur[j++];
    if (runSec >= STALL_MIN_SEC) for (let k = i; k < j; k++) stalled[k] = true;
    i = j;
  }

  const stall = estimateStalledAcceleratorPowerW(acc);
  const e = { point: 0, low: 0, high: 0 };
  let stallSec = 0;
  let durationSec = 0;
  for (let i = 0; i < s.length; i++) {
    const p = stalled[i] ? stall : estimateAcceleratorPowerW(acc, utils[i]);
    e.point += p.point * dur[i];
    e.low += p.low * dur[i];
    e.high += p.high * dur[i];
    durationSec += dur[i];
    if (stalled[i]) stallSec += dur[i];
  }
  return { energyJ: e, durationSec, stallSec, clampedSamples };
}

/** Energy (J) of one accelerator over a utilisation series; the range is for the total. */
export function estimateAcceleratorEnergyJ(acc: AcceleratorSpec, samples: UtilSample[]): Ranged {
  return estimateAcceleratorEnergyDetailed(acc, samples).energyJ;
}

/** Baseline used by benchmarks: linear idle→max in utilisation (what most calculators do). */
export function linearAcceleratorPowerW(acc: AcceleratorSpec, utilPct: number): number {
  const { utilPct: u } = sanitizeUtilPct(utilPct);
  return acc.idleW + ((acc.maxW - acc.idleW) * u) / 100;
}
