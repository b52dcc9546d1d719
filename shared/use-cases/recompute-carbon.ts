/**
 * Use case (on `Intensity Actuals Updated`): intervals in the window that used the updated zone and signal with a
 * quality below 'actual' get their carbon recomputed from the best intensity now available. Replace, never add:
 * `putInterval` only replaces on a higher revision, and energy is left as it was.
 */
import type { EventPublisher, FootprintStore, IntensityProvider, PutOutcome } from '../ports';
import { improvesInterval, recomputeIntervalCarbon } from '../domain/footprint/recompute';
import { alignDown, alignUp, HOUR_SEC, utcDay } from '../domain/time';
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

export const makeRecomputeCarbon = (d: RecomputeDeps) =>
  async (u: IntensityActualsUpdated): Promise<RecomputeResult> => {
    const window = { startSec: alignDown(u.fromSec, HOUR_SEC), endSec: alignUp(u.toSec, HOUR_SEC) };
    const intervals = await d.store.queryIntervals(window);
    const candidates = intervals.filter((i) => i.intensityZone === u.zone && i.intensitySignal === u.signal && i.intensityQuality !== 'actual');
    const res: RecomputeResult = { examined: intervals.length, candidates: candidates.length, replaced: 0, notImproved: 0, unchanged: 0, days: [], errors: [] };
    if (!candidates.length) return res;
    const resolver = makeIntensityResolver(d.providers, u.signal);
    await resolver.prefetch(u.zone, window);
    const days = new Set<string>();
    for (const iv of candidates) {
      try {
        const w = { startSec: iv.intervalStartSec, endSec: iv.intervalStartSec + iv.intervalSec };
        const intensity = await resolver.forInterval(u.zone, w);
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
    res.days = [...days].sort();
    if (d.publisher && res.days.length) {
      await d.publisher.publish([{ source: EVENT_SOURCE, detailType: DetailTypes.intervalsWritten, detail: { days: res.days } }]);
    }
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
    const intervals = await d.store.queryIntervals(window);
    const zones = [...new Set(intervals.filter((i) => i.intensitySignal === signal && i.intensityQuality !== 'actual').map((i) => i.intensityZone))].sort();
    const recompute = makeRecomputeCarbon(d);
    let replaced = 0;
    let errors = 0;
    for (const zone of zones) {
      const r = await recompute({ zone, signal, fromSec: window.startSec, toSec: window.endSec });
      replaced += r.replaced;
      errors += r.errors.length;
    }
    return { zones, replaced, errors };
  };
