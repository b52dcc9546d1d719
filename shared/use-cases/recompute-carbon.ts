/**
 * Use case (on `Intensity Actuals Updated`): intervals in the window that used the updated zone and signal with a
 * quality below 'actual' get their carbon recomputed from the best intensity now available. Replace, never add:
 * `putInterval` only replaces on a higher revision, and energy is left as it was.
 */
import type { EventPublisher, FootprintStore, IntensityProvider, PutOutcome } from '../ports';
import { improvesInterval, recomputeIntervalCarbon } from '../domain/footprint/recompute';
import { alignDown, alignUp, HOUR_SEC, utcDay, type Window } from '../domain/time';
import type { FootprintInterval, IntensitySignal } from '../domain/types';
import { DetailTypes, EVENT_SOURCE } from '../pipeline';
import { makeIntensityResolver } from './intensity-resolver';
import type { IntensityActualsUpdated } from './ingest-intensity';

export interface RecomputeDeps {
  store: FootprintStore;
  /** Intensity providers in priority order, the intensity store first (as the collector uses them). */
  providers: IntensityProvider[];
  publisher?: EventPublisher;
}

export interface RecomputeResult {
  /** Intervals in the window. */
  examined: number;
  /** Of those: same zone and signal, quality below 'actual'. */
  candidates: number;
  replaced: number;
  /** Candidates the new intensity does not improve (no better data for their hours yet). */
  notImproved: number;
  unchanged: number;
  days: string[];
  errors: { resourceKey: string; intervalStartSec: number; error: string }[];
}

const isCandidate = (i: FootprintInterval, signal: IntensitySignal) => i.intensitySignal === signal && i.intensityQuality !== 'actual';

/** Recompute the candidate intervals of one zone from the best intensity now available (no announcement). */
async function recomputeZone(d: RecomputeDeps, zone: string, signal: IntensitySignal, window: Window, candidates: FootprintInterval[], res: RecomputeResult, days: Set<string>) {
  const resolver = makeIntensityResolver(d.providers, signal);
  await resolver.prefetch(zone, window);
  for (const iv of candidates) {
    try {
      const w = { startSec: iv.intervalStartSec, endSec: iv.intervalStartSec + iv.intervalSec };
      const intensity = await resolver.forInterval(zone, w);
      if (!improvesInterval(iv, intensity)) {
        res.notImproved++;
        continue;
      }
      const outcome: PutOutcome = await d.store.putInterval(recomputeIntervalCarbon(iv, intensity));
      if (outcome === 'unchanged') res.unchanged++;
      else {
        res.replaced++;
        days.add(utcDay(iv.intervalStartSec));
      }
    } catch (e) {
      // One bad interval is reported and skipped; the rest of the batch continues.
      res.errors.push({ resourceKey: iv.resourceKey, intervalStartSec: iv.intervalStartSec, error: e instanceof Error ? e.message : String(e) });
    }
  }
}

/** Announce the days whose intervals changed (roll-up and export follow), once per run. */
async function announce(d: RecomputeDeps, days: Set<string>): Promise<string[]> {
  const sorted = [...days].sort();
  if (d.publisher && sorted.length) await d.publisher.publish([{ source: EVENT_SOURCE, detailType: DetailTypes.intervalsWritten, detail: { days: sorted } }]);
  return sorted;
}

const emptyResult = (examined: number, candidates: number): RecomputeResult => ({ examined, candidates, replaced: 0, notImproved: 0, unchanged: 0, days: [], errors: [] });

export const makeRecomputeCarbon = (d: RecomputeDeps) =>
  async (u: IntensityActualsUpdated): Promise<RecomputeResult> => {
    const window = { startSec: alignDown(u.fromSec, HOUR_SEC), endSec: alignUp(u.toSec, HOUR_SEC) };
    const intervals = await d.store.queryIntervals(window);
    const candidates = intervals.filter((i) => i.intensityZone === u.zone && isCandidate(i, u.signal));
    const res = emptyResult(intervals.length, candidates.length);
    if (!candidates.length) return res;
    const days = new Set<string>();
    await recomputeZone(d, u.zone, u.signal, window, candidates, res, days);
    res.days = await announce(d, days);
    return res;
  };

/** Hours a scheduled sweep looks back for intervals still on forecast or fallback intensity. */
export const RECOMPUTE_SWEEP_SEC = 72 * HOUR_SEC;

/**
 * Backstop (scheduled): every zone with intervals below 'actual' quality in the trailing window is recomputed.
 * Catches intervals written just after an `Intensity Actuals Updated` event was handled (a collector racing the
 * recompute), which that event will never see again.
 */
export const makeRecomputeSweep = (d: RecomputeDeps) =>
  async (signal: IntensityActualsUpdated['signal'], nowSec: number): Promise<{ zones: string[]; replaced: number; errors: number }> => {
    const window = { startSec: alignDown(nowSec, HOUR_SEC) - RECOMPUTE_SWEEP_SEC, endSec: alignDown(nowSec, HOUR_SEC) };
    // One read of the window and one announcement for every zone.
    const intervals = await d.store.queryIntervals(window);
    const byZone = new Map<string, FootprintInterval[]>();
    for (const i of intervals) if (isCandidate(i, signal)) byZone.set(i.intensityZone, [...(byZone.get(i.intensityZone) ?? []), i]);
    const zones = [...byZone.keys()].sort();
    const res = emptyResult(intervals.length, 0);
    const days = new Set<string>();
    for (const zone of zones) await recomputeZone(d, zone, signal, window, byZone.get(zone)!, res, days);
    await announce(d, days);
    return { zones, replaced: res.replaced, errors: res.errors.length };
  };
