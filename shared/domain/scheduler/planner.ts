/**
 * Carbon-aware training planner (pure).
 *
 * Chooses when, where and (for interruptible jobs) in how many pause/resume segments to run a deferrable
 * training job so that expected emissions = Σ powerKw × forecast intensity × PUE are minimal, with the
 * deadline as a HARD constraint minus a safety margin. Exact search over hourly slots, no enumeration of
 * combinations. With H = slots up to the deadline, R = regions, K = slots of work, B = maxSegments (4):
 * - non-interruptible: one sliding-window sum per region, time O(R × H), memory O(R × H);
 * - interruptible: a dynamic programme over (slots done, segments started, ran last slot) per slot, time
 *   O(R × H × min(K, H − K + B·⌈overhead⌉) × B) (only states that can still finish by the deadline are visited),
 *   memory O(R × H) floats plus one traceback bit per state and slot (H × K × (B + 1) × 2 bits: ≈ 70 KB for a
 *   14-day horizon and a 7-day job).
 * Both are linear in H for a given job; the edge bounds H (MAX_PLAN_HORIZON_DAYS) and K (duration ≤ horizon).
 */
import { isoUtc, HOUR_SEC, type EpochSec } from '../time';
import { durationText, whenText } from './plan-text';

/** Forecast of one allowed region (only regions that hold the job's data are passed). */
export interface RegionForecast {
  region: string;
  zone: string;
  /** Facility / IT energy ratio applied to this region. */
  pue: number;
  /** Hour-aligned start of forecast[0]. */
  startSec: EpochSec;
  /** Hourly intensity forecast, g CO2e/kWh, with its 90 % interval. */
  point: number[];
  low: number[];
  high: number[];
  issuedAtSec: EpochSec;
  signal: string;
  /** Where the forecast came from (provider, method, blend weight), repeated in the plan's reasons. */
  source?: string;
}

export interface PlanRequest {
  nowSec: EpochSec;
  earliestStartSec: EpochSec;
  deadlineSec: EpochSec;
  /** Work still to do, s (a caller resuming a paused job adds its restart overhead here). */
  durationSec: number;
  powerKw: number;
  interruptible: boolean;
  /** Time (at full power) lost at each resume after a pause. */
  restartOverheadSec: number;
  /** Allowed regions; regions[0] is where the job was submitted ("run now" reference). */
  regions: RegionForecast[];
  /** Override of the safety margin (e.g. 0 for a perfect-knowledge oracle). */
  safetyMarginSec?: number;
  /** Cap on run segments for interruptible jobs (default 4). */
  maxSegments?: number;
  /**
   * Evidence needed to wait (fraction): a plan starting later is chosen only if it beats the best plan starting
   * now by this share of its expected emissions. 0 (default) = pure minimum; > 0 starts sooner under forecast doubt.
   */
  waitHurdle?: number;
}

export interface PlanSegment {
  region: string;
  startSec: EpochSec;
  endSec: EpochSec;
}

/** A part of a plan that lies past the end of its region's forecast, where the planner valued hours at a fallback. */
export interface BeyondForecast {
  region: string;
  /** End of the region's hourly forecast (its start + `forecastHours`). */
  forecastEndSec: EpochSec;
  forecastHours: number;
  /** The plan's run time from `fromSec` to `toSec` that lies after `forecastEndSec`, s. */
  runSecBeyond: number;
  fromSec: EpochSec;
  toSec: EpochSec;
  /** What those hours were planned on: the mean of the last 24 forecast hours (see `cellValue`), g/kWh. */
  fallback: 'mean-of-last-24-forecast-hours';
  fallbackGPerKwh: number;
}

export interface Plan {
  /** false: no plan meets the deadline minus its safety margin; the job runs as early as allowed (DEADLINE AT RISK). */
  feasible: boolean;
  segments: PlanSegment[];
  expectedCo2eKg: { point: number; low: number; high: number };
  /** The reference: starting as early as allowed (now, or the earliest start) in the home region. */
  runNow: { region: string; co2eKg: number };
  savingsPct: number;
  reasons: string[];
  forecastIssuedAtSec: EpochSec;
  latestSafeStartSec: EpochSec;
  /** Start of the first segment, and whether that is the planning time itself (absent on plans stored before them). */
  startSec?: EpochSec;
  startsNow?: boolean;
  /** Parts of the plan past the forecast horizon (empty when it lies within it). */
  beyondForecast?: BeyondForecast[];
  /** What a user must read first: the deadline at risk, parts of the plan beyond the forecast (also in `reasons`). */
  warnings?: string[];
}

export class PlanRequestError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'PlanRequestError';
  }
}

/**
 * Default limit on how far ahead a deadline may lie, days (the edge rejects later ones; MAX_PLAN_HORIZON_DAYS
 * overrides it). Forecasts reach 96 h; beyond them every hour gets the same tail value, so a later deadline adds
 * no information to the plan, only work. Two weeks keeps common "by next sprint" deadlines and the hourly
 * re-plan moves the job as fresh forecasts arrive. Engineering choice, not a physical constant.
 */
export const DEFAULT_MAX_PLAN_HORIZON_DAYS = 14;

/**
 * The planner never searches further than this many days past the earliest start (and MAX_PLAN_HORIZON_DAYS may
 * not exceed it): a later deadline is planned as if it fell here, which still meets it. Bounds the work of any
 * caller, e.g. the hourly re-plan of a job stored before the edge limit existed.
 */
export const PLAN_HORIZON_CEILING_DAYS = 90;

const SLOT_SEC = HOUR_SEC;
const DEFAULT_MAX_SEGMENTS = 4;
/** A plan other than "run now at home" must beat it by this relative amount (avoids churn on float noise). */
const MIN_RELATIVE_GAIN = 1e-9;

/**
 * Safety margin before the deadline, s. Grows with duration (run-time estimates of long jobs drift: 2 % of
 * duration) and with forecast uncertainty (up to +5 % of duration at ±100 % relative half-width), plus one
 * minute for dispatch latency. Engineering choice, not a physical constant.
 */
export const safetyMarginSec = (durationSec: number, relativeUncertainty: number): number =>
  Math.round(60 + durationSec * (0.02 + 0.05 * Math.min(1, Math.max(0, relativeUncertainty))));

/** Value of an hourly forecast at cell index k; beyond the horizon, the mean of the last 24 forecast hours. */
const cellValue = (values: number[], k: number, tailMean: number): number => {
  if (k < 0) return values[0];
  if (k >= values.length) return tailMean;
  const v = values[k];
  return Number.isFinite(v) ? v : tailMean;
};

const tailMeanOf = (values: number[]): number => {
  let s = 0;
  let n = 0;
  for (let i = Math.max(0, values.length - 24); i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      s += values[i];
      n++;
    }
  }
  return n > 0 ? s / n : NaN;
};

/** Intensity of each planning slot [t0 + j·SLOT, t0 + (j+1)·SLOT), time-weighted over the hourly cells it overlaps. */
const slotSeries = (f: RegionForecast, values: number[], t0: EpochSec, nSlots: number): Float64Array => {
  const out = new Float64Array(nSlots);
  const tail = tailMeanOf(values);
  for (let j = 0; j < nSlots; j++) {
    const a = t0 + j * SLOT_SEC;
    const k = Math.floor((a - f.startSec) / SLOT_SEC);
    const cellStart = f.startSec + k * SLOT_SEC;
    const w = (cellStart + SLOT_SEC - a) / SLOT_SEC; // share of the slot in cell k
    out[j] = w >= 1 ? cellValue(values, k, tail) : w * cellValue(values, k, tail) + (1 - w) * cellValue(values, k + 1, tail);
  }
  return out;
};

interface RegionSlots {
  f: RegionForecast;
  point: Float64Array;
  low: Float64Array;
  high: Float64Array;
}

/** Slots used by a candidate: slot index → used fraction of the slot (1 except the final slot). */
interface Candidate {
  regionIdx: number;
  slots: { j: number; frac: number }[];
  cost: number; // Σ intensity × fraction, g/kWh·slot (PUE applied by caller)
  /** Slot series the slots index into, and the start of slot 0. */
  grid: RegionSlots[];
  origin: EpochSec;
}

/** Work slots and last-slot fraction needed with `b` segments. */
const workShape = (durationSec: number, overheadSec: number, b: number): { k: number; frac: number } => {
  const total = durationSec + (b - 1) * overheadSec;
  const k = Math.max(1, Math.ceil(total / SLOT_SEC - 1e-9));
  return { k, frac: (total - (k - 1) * SLOT_SEC) / SLOT_SEC };
};

type FirstSlot = 'any' | 'run' | 'idle';
type SlotUse = { j: number; frac: number };
/** A slot set's cost is accepted only when it beats the incumbent by this relative amount: earliest wins ties. */
const TIE_EPS = 1e-12;

/** Slots the search may use: `usable` start before the hard end; `whole` also end by it (all but the final slot). */
const slotLimits = (n: number, t0: EpochSec, hardEndSec: EpochSec): { usable: number; whole: number } => {
  let usable = 0;
  while (usable < n && t0 + usable * SLOT_SEC < hardEndSec) usable++;
  let whole = 0;
  while (whole < usable && t0 + whole * SLOT_SEC + SLOT_SEC <= hardEndSec) whole++;
  return { usable, whole };
};

/**
 * One contiguous run: the cheapest window of `k` slots (the last used for `frac` of an hour) ending by the hard end.
 * A compensated (Neumaier) sliding sum keeps every window within a few ulps of the in-order sum, so near-ties
 * resolve as an exhaustive search would (earliest wins). O(slots) time, O(1) extra memory.
 */
const bestWindow = (
  I: Float64Array,
  t0: EpochSec,
  hardEndSec: EpochSec,
  shape: { k: number; frac: number },
  firstSlot: FirstSlot,
): { cost: number; slots: SlotUse[] } | undefined => {
  const { usable, whole } = slotLimits(I.length, t0, hardEndSec);
  const { k, frac } = shape;
  let sum = 0;
  let comp = 0;
  const add = (x: number) => {
    const t = sum + x;
    comp += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  };
  let best: { cost: number; end: number } | undefined;
  // Window ending at e: whole slots e−k+1 … e−1 (all must fit whole) and the final slot e.
  for (let e = 0; e < usable; e++) {
    if (e >= 1) add(I[e - 1]);
    if (e - k >= 0) add(-I[e - k]);
    const start = e - k + 1;
    if (start < 0) continue;
    if (k >= 2 && e - 1 >= whole) break;
    if (firstSlot === 'run' && start > 0) break;
    if (firstSlot === 'idle' && start === 0) continue;
    if (t0 + e * SLOT_SEC + frac * SLOT_SEC > hardEndSec + 1e-6) continue;
    const total = sum + comp + frac * I[e];
    if (best === undefined || total < best.cost * (1 - TIE_EPS)) best = { cost: total, end: e };
  }
  if (!best) return undefined;
  const start = best.end - k + 1;
  return { cost: best.cost, slots: Array.from({ length: k }, (_, i) => ({ j: start + i, frac: i === k - 1 ? frac : 1 })) };
};

/**
 * Exact DP over slots for one region: minimum of Σ I_j·used_j over sets of run slots that form at most
 * `maxB` contiguous segments, finish the work (incl. overhead per resume) and end by `hardEndSec`.
 * State (k slots done, b segments started, s = slot j−1 ran); only states that can still finish are visited, and
 * the traceback keeps one bit per state and slot (the predecessor's s: with k and b it names the predecessor).
 */
const bestInRegion = (
  I: Float64Array,
  t0: EpochSec,
  hardEndSec: EpochSec,
  durationSec: number,
  overheadSec: number,
  maxB: number,
  firstSlot: FirstSlot = 'any',
): { cost: number; slots: SlotUse[] } | undefined => {
  const shapes = Array.from({ length: maxB + 1 }, (_, b) => workShape(durationSec, overheadSec, Math.max(1, b)));
  if (maxB === 1) return bestWindow(I, t0, hardEndSec, shapes[1], firstSlot);
  const kOf = Int32Array.from(shapes, (x) => x.k);
  const fracOf = Float64Array.from(shapes, (x) => x.frac);
  const kMax = kOf[maxB];
  const { usable, whole } = slotLimits(I.length, t0, hardEndSec);
  const B1 = maxB + 1;
  const nStates = kMax * B1 * 2;
  const idx = (k: number, b: number, s: number) => (k * B1 + b) * 2 + s;
  let cur = new Float64Array(nStates).fill(Infinity);
  let nxt = new Float64Array(nStates).fill(Infinity);
  const bits = new Uint8Array(Math.ceil(((usable + 1) * nStates) / 8));
  const setBit = (i: number, v: number) => {
    if (v) bits[i >> 3] |= 1 << (i & 7);
    else bits[i >> 3] &= ~(1 << (i & 7));
  };
  const getBit = (i: number) => (bits[i >> 3] >> (i & 7)) & 1;
  cur[idx(0, 0, 0)] = 0;
  let best: { cost: number; j: number; prev: number; b: number } | undefined;
  for (let j = 0; j < usable; j++) {
    const slotStart = t0 + j * SLOT_SEC;
    const fullFits = j < whole;
    // A state with k slots done at slot j can finish only if k + (slots left) reaches the fewest slots any plan needs.
    const kLo = Math.max(0, shapes[1].k - (usable - j));
    const kHi = Math.min(j, kMax - 1);
    if (kLo > kHi) break;
    nxt.fill(Infinity, idx(kLo, 0, 0), idx(Math.min(kMax, kHi + 2), 0, 0));
    const pBase = (j + 1) * nStates;
    const idleOk = !(j === 0 && firstSlot === 'run');
    const runOk = !(j === 0 && firstSlot === 'idle');
    const Ij = I[j];
    for (let k = kLo; k <= kHi; k++) {
      // Reachable states have b ≥ 1 once work started and k < K[b] (K grows with b): skip the rest, all Infinity.
      let b = k === 0 ? 0 : 1;
      while (b <= maxB && k >= kOf[b]) b++;
      for (; b <= maxB; b++) {
        const base = (k * B1 + b) * 2;
        for (let s = 0; s < 2; s++) {
          const st = base + s;
          const c = cur[st];
          if (c === Infinity) continue;
          // idle in slot j → (k, b, 0)
          if (idleOk && c < nxt[base]) {
            nxt[base] = c;
            setBit(pBase + base, s);
          }
          // run in slot j → (k + 1, b2, 1), or the final slot when k + 1 = K[b2]
          const b2 = s === 1 ? b : b + 1;
          if (b2 > maxB || !runOk) continue;
          const k2 = k + 1;
          if (k2 === kOf[b2]) {
            if (slotStart + fracOf[b2] * SLOT_SEC <= hardEndSec + 1e-6) {
              const total = c + fracOf[b2] * Ij;
              if (best === undefined || total < best.cost * (1 - TIE_EPS)) best = { cost: total, j, prev: st, b: b2 };
            }
          } else if (k2 < kOf[b2] && fullFits) {
            const run = (k2 * B1 + b2) * 2 + 1;
            const total = c + Ij;
            if (total < nxt[run]) {
              nxt[run] = total;
              setBit(pBase + run, s);
            }
          }
        }
      }
    }
    const tmp = cur;
    cur = nxt;
    nxt = tmp;
  }
  if (!best) return undefined;
  const slots: SlotUse[] = [{ j: best.j, frac: shapes[best.b].frac }];
  let st = best.prev;
  for (let j = best.j - 1; j >= 0; j--) {
    const s = st & 1;
    const b = (st >> 1) % B1;
    const k = ((st >> 1) - b) / B1;
    const ps = getBit((j + 1) * nStates + st);
    if (s === 1) {
      slots.push({ j, frac: 1 });
      st = idx(k - 1, ps === 1 ? b : b - 1, ps);
    } else st = idx(k, b, ps);
  }
  slots.reverse();
  return { cost: best.cost, slots };
};

const sumAlong = (I: Float64Array, slots: { j: number; frac: number }[]): number => {
  let s = 0;
  for (const { j, frac } of slots) s += frac * I[j];
  return s;
};

const contiguousFromStart = (k: number, frac: number): { j: number; frac: number }[] =>
  Array.from({ length: k }, (_, j) => ({ j, frac: j === k - 1 ? frac : 1 }));

/** kg CO2e of running `powerKw` over the slots at intensity I (g/kWh) in a region with `pue`. */
const kgOf = (I: Float64Array, slots: { j: number; frac: number }[], powerKw: number, pue: number): number =>
  (powerKw * pue * sumAlong(I, slots) * (SLOT_SEC / HOUR_SEC)) / 1000;

/**
 * Expected kg CO2e of running `powerKw` over `segments` under the regions' point forecasts (hourly cells,
 * time-weighted, PUE applied, the planner's value beyond the horizon); NaN if a segment's region has no forecast.
 */
export function segmentsCo2eKg(segments: readonly PlanSegment[], regions: readonly RegionForecast[], powerKw: number): number {
  let kg = 0;
  for (const s of segments) {
    const f = regions.find((x) => x.region === s.region);
    if (!f) return NaN;
    const tail = tailMeanOf(f.point);
    for (let t = s.startSec; t < s.endSec; ) {
      const k = Math.floor((t - f.startSec) / SLOT_SEC);
      const until = Math.min(f.startSec + (k + 1) * SLOT_SEC, s.endSec);
      kg += (powerKw * f.pue * cellValue(f.point, k, tail) * ((until - t) / HOUR_SEC)) / 1000;
      t = until;
    }
  }
  return kg;
}

/** Plan one deferrable job: minimise expected emissions subject to the deadline minus a safety margin. */
export function planJob(req: PlanRequest): Plan {
  if (!(req.durationSec > 0)) throw new PlanRequestError(`durationSec must be > 0, got ${req.durationSec}`);
  if (!(req.powerKw >= 0)) throw new PlanRequestError(`powerKw must be >= 0, got ${req.powerKw}`);
  if (!(req.restartOverheadSec >= 0)) throw new PlanRequestError('restartOverheadSec must be >= 0');
  const usable = req.regions.filter((r) => r.point.length > 0 && Number.isFinite(tailMeanOf(r.point)));
  if (usable.length === 0) throw new PlanRequestError('no allowed region has a usable forecast');
  const reasons: string[] = [];
  for (const r of req.regions) if (!usable.includes(r)) reasons.push(`${r.region}: no usable forecast, not considered`);

  const t0 = Math.max(req.nowSec, req.earliestStartSec);
  const D = req.durationSec;
  const O = req.restartOverheadSec;
  const maxB = req.interruptible ? Math.max(1, req.maxSegments ?? DEFAULT_MAX_SEGMENTS) : 1;
  const ceilingSec = t0 + PLAN_HORIZON_CEILING_DAYS * 86400;
  const deadlineSec = Math.min(req.deadlineSec, ceilingSec);
  // Enough slots to cover the window and a run-now fallback.
  const nSlots = Math.max(Math.ceil((deadlineSec - t0) / SLOT_SEC), workShape(D, O, 1).k) + 1;

  const slotsFrom = (origin: EpochSec, n: number): RegionSlots[] =>
    usable.map((f) => ({
      f,
      point: slotSeries(f, f.point, origin, n),
      low: slotSeries(f, f.low.length ? f.low : f.point, origin, n),
      high: slotSeries(f, f.high.length ? f.high : f.point, origin, n),
    }));
  const regs = slotsFrom(t0, nSlots);

  // Relative forecast uncertainty over the window (mean 90 % half-width / point).
  const windowSlots = Math.max(1, Math.min(nSlots, Math.ceil((deadlineSec - t0) / SLOT_SEC)));
  let relSum = 0;
  let relN = 0;
  for (const r of regs) {
    for (let j = 0; j < windowSlots; j++) {
      if (r.point[j] > 0) {
        relSum += (r.high[j] - r.low[j]) / (2 * r.point[j]);
        relN++;
      }
    }
  }
  const relUnc = relN ? relSum / relN : 0;
  const marginSec = req.safetyMarginSec ?? safetyMarginSec(D, relUnc);
  const hardEndSec = deadlineSec - marginSec;
  const latestSafeStartSec = hardEndSec - D;

  const home = regs.find((r) => r.f === req.regions[0]) ?? regs[0];
  const homeIdx = regs.indexOf(home);
  const shape1 = workShape(D, O, 1);
  const nowSlots = contiguousFromStart(shape1.k, shape1.frac);
  const runNowKg = kgOf(home.point, nowSlots, req.powerKw, home.f.pue);

  // Search: run-now at home is the incumbent; others must be strictly better. Plans that start now and plans
  // that wait are searched separately so that waiting can be asked to clear a hurdle.
  const hurdle = req.waitHurdle ?? 0;
  let chosen: Candidate | undefined;
  const homeFits = t0 + D <= hardEndSec;
  if (homeFits) chosen = { regionIdx: homeIdx, slots: nowSlots, cost: sumAlong(home.point, nowSlots) * home.f.pue, grid: regs, origin: t0 };
  const order = [homeIdx, ...regs.map((_, i) => i).filter((i) => i !== homeIdx)];
  let later: Candidate | undefined;
  const consider = (grid: RegionSlots[], origin: EpochSec, modes: readonly ('any' | 'run' | 'idle')[]) => {
    for (const i of order) {
      const r = grid[i];
      for (const mode of modes) {
        const best = bestInRegion(r.point, origin, hardEndSec, D, O, maxB, mode);
        if (!best) continue;
        const cost = best.cost * r.f.pue;
        const cand = { regionIdx: i, slots: best.slots, cost, grid, origin };
        if (mode !== 'idle' && origin === t0) {
          if (!chosen || cost < chosen.cost * (1 - MIN_RELATIVE_GAIN)) chosen = cand;
        } else if (!later || cost < later.cost * (1 - MIN_RELATIVE_GAIN)) later = cand;
      }
    }
  };
  consider(regs, t0, hurdle === 0 ? ['any'] : ['run', 'idle']);
  // The safety margin rarely falls on a slot boundary: also search slots aligned to end exactly at deadline − margin
  // (starting a fraction of an hour early), so the margin costs minutes of intensity, not a whole slot of options.
  const endAligned = hardEndSec - Math.floor((hardEndSec - t0) / SLOT_SEC) * SLOT_SEC;
  if (endAligned > t0 + 1 && endAligned < hardEndSec) {
    const nB = Math.max(Math.ceil((deadlineSec - endAligned) / SLOT_SEC), workShape(D, O, 1).k) + 1;
    consider(slotsFrom(endAligned, nB), endAligned, ['any']);
  }
  if (later && (!chosen || later.cost < chosen.cost * (1 - (hurdle === 0 ? MIN_RELATIVE_GAIN : hurdle)))) chosen = later;

  const when = (tSec: EpochSec) => whenText(tSec, req.nowSec);
  /** "now", or "at 14:00 UTC (in 5 h)" when the earliest start (or the plan) lies ahead. */
  const startWords = (tSec: EpochSec) => (tSec <= req.nowSec ? 'now' : `at ${when(tSec)}`);
  const warnings: string[] = [];
  let feasible = true;
  if (!chosen) {
    // No plan fits: run now in the cleanest allowed region and say why.
    feasible = false;
    let bi = homeIdx;
    let bc = Infinity;
    for (const i of order) {
      const c = sumAlong(regs[i].point, nowSlots) * regs[i].f.pue;
      if (c < bc * (1 - MIN_RELATIVE_GAIN)) {
        bc = c;
        bi = i;
      }
    }
    chosen = { regionIdx: bi, slots: nowSlots, cost: bc, grid: regs, origin: t0 };
    const lateBySec = t0 + D - deadlineSec;
    const why =
      lateBySec > 0
        ? `deadline cannot be met: ${durationText(D)} of work starting ${startWords(t0)} ends ${durationText(lateBySec)} after the deadline, ${when(req.deadlineSec)}; starting ${startWords(t0)} in ${regs[bi].f.region}`
        : `deadline too tight for the ${durationText(marginSec)} safety margin (latest safe start ${when(latestSafeStartSec)} is before the earliest possible start, ${startWords(t0)}); starting ${startWords(t0)} in ${regs[bi].f.region}`;
    reasons.unshift(why); // first: it matters more than anything else the plan says
    warnings.push(`DEADLINE AT RISK: ${why}`);
  }

  const r = chosen.grid[chosen.regionIdx];
  const segments: PlanSegment[] = [];
  for (const { j, frac } of chosen.slots) {
    const a = chosen.origin + j * SLOT_SEC;
    const b = a + frac * SLOT_SEC;
    const last = segments[segments.length - 1];
    if (last && last.endSec === a) last.endSec = b;
    else segments.push({ region: r.f.region, startSec: a, endSec: b });
  }
  const expected = {
    point: kgOf(r.point, chosen.slots, req.powerKw, r.f.pue),
    low: kgOf(r.low, chosen.slots, req.powerKw, r.f.pue),
    high: kgOf(r.high, chosen.slots, req.powerKw, r.f.pue),
  };
  const savingsPct = runNowKg > 0 ? ((runNowKg - expected.point) / runNowKg) * 100 : 0;

  const start = segments[0].startSec;
  const end = segments[segments.length - 1].endSec;
  if (feasible) {
    const where = r.f.region;
    const baseline = t0 > req.nowSec ? `starting at the earliest start in ${home.f.region}` : `starting now in ${home.f.region}`;
    const pct = `${Math.round(savingsPct)} % below ${baseline}`;
    if (segments.length > 1) {
      reasons.push(
        `run in ${segments.length} segments in ${where} (first ${startWords(start)}, ${segments.length - 1} pause(s), each resume costs ${durationText(O)} at full power): ${pct}`,
      );
    } else if (start <= t0 && r.f === home.f) {
      reasons.push(`start ${startWords(start)}${t0 > req.nowSec ? ' (the earliest start)' : ''} in ${where}: no later start${regs.length > 1 ? ' or other allowed region' : ''} is forecast to be cleaner`);
    } else {
      reasons.push(`start ${startWords(start)} in ${where}: ${pct}`);
    }
    reasons.push(`finishes ${when(end)}, deadline ${when(req.deadlineSec)} with a ${durationText(marginSec)} safety margin (forecast uncertainty ±${Math.round(relUnc * 100)} %)`);
  }

  // Past the end of a region's forecast every hour gets the mean of its last 24 forecast hours (cellValue): say so.
  const forecastEndOf = (f: RegionForecast) => f.startSec + f.point.length * SLOT_SEC;
  const chosenEnd = forecastEndOf(r.f);
  const beyondForecast: BeyondForecast[] = [];
  const runBeyond = segments.reduce((sum, s) => sum + Math.max(0, s.endSec - Math.max(s.startSec, chosenEnd)), 0);
  if (runBeyond > 0) {
    const from = Math.max(chosenEnd, segments.find((s) => s.endSec > chosenEnd)!.startSec);
    const b: BeyondForecast = {
      region: r.f.region, forecastEndSec: chosenEnd, forecastHours: r.f.point.length, runSecBeyond: runBeyond, fromSec: from, toSec: end,
      fallback: 'mean-of-last-24-forecast-hours', fallbackGPerKwh: tailMeanOf(r.f.point),
    };
    beyondForecast.push(b);
    const w =
      `${durationText(runBeyond)} of the plan (from ${when(from)}) lies beyond the ${b.forecastHours} h forecast horizon of ${b.region} (it ends ${when(chosenEnd)}): ` +
      `there the plan assumes the mean of the last 24 forecast hours, ${b.fallbackGPerKwh.toFixed(0)} g/kWh, not a forecast; the hourly re-plan revisits it as new forecasts arrive`;
    reasons.push(w);
    warnings.push(`WARNING: ${w}`);
  } else {
    const earliestEnd = Math.min(...usable.map(forecastEndOf));
    if (hardEndSec > earliestEnd) {
      reasons.push(`the window to the deadline reaches past the ${Math.min(...usable.map((u) => u.point.length))} h forecast horizon (${when(earliestEnd)}): hours after it were compared at each region's mean of its last 24 forecast hours`);
    }
  }

  if (req.deadlineSec > ceilingSec) reasons.push(`deadline more than ${PLAN_HORIZON_CEILING_DAYS} d ahead: planned to finish within ${PLAN_HORIZON_CEILING_DAYS} d`);
  reasons.push(
    `expected ${expected.point.toFixed(3)} kg CO2e (90 % range ${expected.low.toFixed(3)}–${expected.high.toFixed(3)}) on ${r.f.signal} forecasts issued ${isoUtc(Math.min(...usable.map((u) => u.issuedAtSec)))}`,
  );
  for (const u of usable) if (u.source) reasons.push(`${u.region} forecast (${u.zone}): ${u.source}`);

  return {
    feasible,
    segments,
    expectedCo2eKg: expected,
    runNow: { region: home.f.region, co2eKg: runNowKg },
    savingsPct,
    reasons,
    forecastIssuedAtSec: Math.min(...usable.map((u) => u.issuedAtSec)),
    latestSafeStartSec,
    startSec: start,
    startsNow: start <= req.nowSec,
    beyondForecast,
    warnings,
  };
}

