/**
 * Intensity fallback chain: per hour, the best available value —
 * actual → provider forecast → own forecast → yearly average | demo (demo never beats an actual or forecast;
 * between yearly average and demo the caller's priority order decides) —
 * and time-weighted means of intensity over arbitrary windows. Pure.
 *
 * Intensity is intensive: it is averaged over time (weighted by overlap), never summed.
 */
import type { EpochSec, Window } from '../time';
import { HOUR_SEC, alignDown, overlapSec, splitAligned } from '../time';
import type { IntensityPoint, IntensityQuality, IntensitySignal } from '../types';

/** Quality rank, best first, for labelling the worst quality used; demo ranks last so any demo input taints the result. */
export const QUALITY_RANK: Readonly<Record<IntensityQuality, number>> = Object.freeze({
  actual: 0,
  'provider-forecast': 1,
  'own-forecast': 2,
  'yearly-average': 3,
  demo: 4,
});

/**
 * Selection tiers for resolveHourly. Yearly average and demo share the last tier: neither is an hourly
 * observation, so the caller's priority order decides between them (a demo run lists the demo provider
 * first to get a daily shape; production lists only the yearly provider).
 */
const SELECTION_TIER: Readonly<Record<IntensityQuality, number>> = Object.freeze({
  actual: 0,
  'provider-forecast': 1,
  'own-forecast': 2,
  'yearly-average': 3,
  demo: 3,
});

/** The worse (lower-ranked) of two qualities. */
export const worseQuality = (a: IntensityQuality, b: IntensityQuality): IntensityQuality =>
  QUALITY_RANK[a] >= QUALITY_RANK[b] ? a : b;

export class MixedSignalError extends Error {
  readonly retryable = false;
  constructor(readonly signals: IntensitySignal[]) {
    super(`Intensity candidates mix signals (${signals.join(', ')}); location-based figures must use one signal`);
    this.name = 'MixedSignalError';
  }
}

export class NoIntensityDataError extends Error {
  readonly retryable = true;
  constructor(readonly window: Window) {
    super(`No intensity point overlaps [${window.startSec}, ${window.endSec})`);
    this.name = 'NoIntensityDataError';
  }
}

const assertOneSignal = (points: Iterable<IntensityPoint>): IntensitySignal | undefined => {
  const seen = new Set<IntensitySignal>();
  for (const p of points) seen.add(p.signal);
  if (seen.size > 1) throw new MixedSignalError([...seen].sort());
  return seen.values().next().value;
};

/** Within one candidate, keep one point per period: the better quality, then the later-issued forecast. */
const dedupe = (pts: readonly IntensityPoint[]): IntensityPoint[] => {
  const byKey = new Map<string, IntensityPoint>();
  for (const p of pts) {
    const k = `${p.tSec}/${p.periodSec}`;
    const q = byKey.get(k);
    if (
      !q ||
      QUALITY_RANK[p.quality] < QUALITY_RANK[q.quality] ||
      (p.quality === q.quality && (p.issuedAtSec ?? -Infinity) > (q.issuedAtSec ?? -Infinity))
    )
      byKey.set(k, p);
  }
  return [...byKey.values()];
};

const pointWindow = (p: IntensityPoint): Window => ({ startSec: p.tSec, endSec: p.tSec + p.periodSec });

export interface ResolvedHourly {
  /** One point per (clipped) hour slot of the window that any candidate covers; slots nobody covers are absent. */
  points: IntensityPoint[];
  /** Per hour slot of the window (in order): the quality used, or null when no candidate had data. */
  hours: { tSec: EpochSec; quality: IntensityQuality | null; coveredSec: number; periodSec: number }[];
  /** Signal of all candidates (undefined when every candidate is empty). */
  signal?: IntensitySignal;
}

/**
 * Choose per hour the best candidate: a real hourly value (actual/forecast) over demo; then full coverage of
 * the hour; then the better tier (actual > provider forecast > own forecast > yearly average = demo); then
 * earlier in `candidates` (priority order); then the more recently issued forecast. The chosen candidate's points
 * within the hour are time-weighted into one point. Throws MixedSignalError if candidates differ in signal.
 */
export function resolveHourly(window: Window, candidates: IntensityPoint[][]): ResolvedHourly {
  const signal = assertOneSignal(candidates.flat());
  const slots = splitAligned(window, HOUR_SEC);
  // Bucket each candidate's points into the hour slots they overlap: O(points + slots), any period length.
  const base = alignDown(window.startSec, HOUR_SEC);
  const slotIndex = (tSec: EpochSec): number => Math.max(0, Math.floor((tSec - base) / HOUR_SEC));
  const buckets = candidates.map((pts) => {
    const b = new Map<number, IntensityPoint[]>();
    for (const p of dedupe(pts)) {
      const w = pointWindow(p);
      if (overlapSec(w, window) <= 0) continue;
      for (let i = slotIndex(Math.max(w.startSec, window.startSec)); i < slots.length && slots[i].startSec < w.endSec; i++) {
        if (overlapSec(w, slots[i]) <= 0) continue;
        const arr = b.get(i);
        if (arr) arr.push(p);
        else b.set(i, [p]);
      }
    }
    return b;
  });
  const points: IntensityPoint[] = [];
  const hours: ResolvedHourly['hours'] = [];

  slots.forEach((slot, slotIdx) => {
    const slotLen = slot.endSec - slot.startSec;
    type Option = { idx: number; used: IntensityPoint[]; coveredSec: number; quality: IntensityQuality; issuedAtSec: number };
    let best: Option | undefined;
    buckets.forEach((b, idx) => {
      const used = b.get(slotIdx);
      if (!used) return;
      const coveredSec = Math.min(slotLen, used.reduce((s, p) => s + overlapSec(pointWindow(p), slot), 0));
      const quality = used.reduce<IntensityQuality>((q, p) => worseQuality(q, p.quality), used[0].quality);
      const issuedAtSec = Math.min(...used.map((p) => p.issuedAtSec ?? Number.POSITIVE_INFINITY));
      const o: Option = { idx, used, coveredSec, quality, issuedAtSec };
      if (!best || better(o, best, slotLen)) best = o;
    });
    if (!best) {
      hours.push({ tSec: slot.startSec, quality: null, coveredSec: 0, periodSec: slotLen });
      return;
    }
    const twm = timeWeightedIntensity(best.used, slot);
    const p: IntensityPoint = {
      tSec: slot.startSec,
      periodSec: slotLen,
      gPerKwh: twm.gPerKwh,
      zone: twm.zone,
      signal: twm.signal,
      provider: twm.provider,
      quality: twm.quality,
    };
    if (twm.issuedAtSec !== undefined) p.issuedAtSec = twm.issuedAtSec;
    const cfe = carbonFreeShare(best.used, slot);
    if (cfe !== undefined) p.cfePct = cfe;
    const fetched = best.used.map((x) => x.fetchedAtSec).filter((x): x is number => x !== undefined);
    if (fetched.length) p.fetchedAtSec = Math.min(...fetched);
    points.push(p);
    hours.push({ tSec: slot.startSec, quality: p.quality, coveredSec: best.coveredSec, periodSec: slotLen });
  });
  return signal === undefined ? { points, hours } : { points, hours, signal };

  function better(a: { idx: number; coveredSec: number; quality: IntensityQuality; issuedAtSec: number }, b: typeof a, slotLen: number): boolean {
    // Demo never wins over a real hourly value (actual or forecast), even one covering only part of the hour.
    const aDemo = a.quality === 'demo';
    const bDemo = b.quality === 'demo';
    if (aDemo !== bDemo && SELECTION_TIER[aDemo ? b.quality : a.quality] < SELECTION_TIER['yearly-average']) return bDemo;
    const aFull = a.coveredSec >= slotLen;
    const bFull = b.coveredSec >= slotLen;
    if (aFull !== bFull) return aFull;
    if (!aFull && a.coveredSec !== b.coveredSec) return a.coveredSec > b.coveredSec;
    if (SELECTION_TIER[a.quality] !== SELECTION_TIER[b.quality]) return SELECTION_TIER[a.quality] < SELECTION_TIER[b.quality];
    if (a.idx !== b.idx) return a.idx < b.idx;
    return a.issuedAtSec > b.issuedAtSec;
  }
}

/** Time-weighted carbon-free share of the points used for a slot; undefined unless every one of them has it (never a partial guess). */
const carbonFreeShare = (used: readonly IntensityPoint[], slot: Window): number | undefined => {
  let w = 0;
  let cw = 0;
  for (const p of used) {
    if (p.cfePct === undefined) return undefined;
    const sec = overlapSec(pointWindow(p), slot);
    w += sec;
    cw += sec * p.cfePct;
  }
  return w > 0 ? cw / w : undefined;
};

export interface TimeWeightedIntensity {
  gPerKwh: number;
  /** Worst quality among the points used. */
  quality: IntensityQuality;
  /** Provider of the points used; several providers are joined with '+'. */
  provider: string;
  signal: IntensitySignal;
  zone: string;
  /** Oldest issue time among forecast points used (undefined when none was a forecast). */
  issuedAtSec?: EpochSec;
  /** Seconds of the window covered by points, and that as a percentage. */
  coveredSec: number;
  coveragePct: number;
}

/**
 * Time-weighted mean intensity over `window`: Σ g·overlap / Σ overlap over points of any period length.
 * Uncovered parts of the window are reported through coveragePct, not filled. Throws NoIntensityDataError if
 * nothing overlaps and MixedSignalError if the overlapping points differ in signal.
 */
export function timeWeightedIntensity(points: readonly IntensityPoint[], window: Window): TimeWeightedIntensity {
  let wSum = 0;
  let gw = 0;
  const used: IntensityPoint[] = [];
  for (const p of points) {
    const o = overlapSec(pointWindow(p), window);
    if (o <= 0) continue;
    used.push(p);
    wSum += o;
    gw += p.gPerKwh * o;
  }
  if (!used.length) throw new NoIntensityDataError(window);
  const signal = assertOneSignal(used)!;
  const quality = used.reduce<IntensityQuality>((q, p) => worseQuality(q, p.quality), used[0].quality);
  const provider = [...new Set(used.map((p) => p.provider))].join('+');
  const zone = [...new Set(used.map((p) => p.zone))].join('+');
  const issued = used.map((p) => p.issuedAtSec).filter((x): x is number => x !== undefined);
  const len = window.endSec - window.startSec;
  const coveredSec = Math.min(wSum, len);
  const out: TimeWeightedIntensity = {
    gPerKwh: gw / wSum,
    quality,
    provider,
    signal,
    zone,
    coveredSec,
    coveragePct: len > 0 ? (100 * coveredSec) / len : 0,
  };
  if (issued.length) out.issuedAtSec = Math.min(...issued);
  return out;
}
