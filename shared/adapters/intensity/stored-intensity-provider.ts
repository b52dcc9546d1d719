/**
 * The intensity store as an `IntensityProvider`: per hour the stored actual if any, else the newest stored
 * forecast (a provider's forecast beats our own). Empty when nothing is stored, so the resolver falls back to
 * demo / yearly. Forecasts are queried only for the hours that lack an actual (past hours usually have one),
 * which keeps reads small although every hourly vintage is kept.
 */
import { alignDown, alignUp, HOUR_SEC, type Window } from '../../domain/time';
import type { IntensityPoint, IntensitySignal } from '../../domain/types';
import type { Clock, IntensityProvider } from '../../ports';
import type { IntensityStore } from '../../ports/intensity-store';

export const STORED_PROVIDER_NAME = 'intensity store';
const MAX_GAP_QUERIES = 4;

export class StoredIntensityProvider implements IntensityProvider {
  readonly name = STORED_PROVIDER_NAME;

  /** `clock`: when given, only forecasts issued at or before now are used (a replay never sees the future). */
  constructor(
    private readonly store: IntensityStore,
    private readonly clock?: Clock,
  ) {}

  async getSeries(zone: string, signal: IntensitySignal, window: Window): Promise<IntensityPoint[]> {
    const w = { startSec: alignDown(window.startSec, HOUR_SEC), endSec: alignUp(window.endSec, HOUR_SEC) };
    if (w.endSec <= w.startSec) return [];
    const actuals = await this.store.getActuals(zone, signal, w);
    const covered = new Set<number>();
    for (const a of actuals) for (let t = alignDown(a.tSec, HOUR_SEC); t < a.tSec + a.periodSec; t += HOUR_SEC) covered.add(t);
    const out: IntensityPoint[] = actuals.map(strip);
    const cutoff = this.clock?.nowSec();
    let gaps = missingRuns(w, covered);
    // Many small gaps (a patchy import): one query over their span is cheaper than one per gap.
    if (gaps.length > MAX_GAP_QUERIES) gaps = [{ startSec: gaps[0].startSec, endSec: gaps[gaps.length - 1].endSec }];
    for (const gap of gaps) {
      const f = await this.store.getForecasts(zone, signal, gap, cutoff === undefined ? {} : { issuedAtOrBefore: cutoff });
      out.push(...f.filter((p) => !covered.has(alignDown(p.tSec, HOUR_SEC))).map(strip));
    }
    return out.filter((p) => p.tSec < window.endSec && p.tSec + p.periodSec > window.startSec).sort((a, b) => a.tSec - b.tSec);
  }
}

/** Contiguous runs of hours in `w` that are not in `covered`. */
function missingRuns(w: Window, covered: Set<number>): Window[] {
  const runs: Window[] = [];
  for (let t = w.startSec; t < w.endSec; t += HOUR_SEC) {
    if (covered.has(t)) continue;
    const last = runs[runs.length - 1];
    if (last && last.endSec === t) last.endSec = t + HOUR_SEC;
    else runs.push({ startSec: t, endSec: t + HOUR_SEC });
  }
  return runs;
}

/** The IntensityPoint part (drops the forecast interval bounds the chain does not use). */
const strip = (p: IntensityPoint & { lowGPerKwh?: number; highGPerKwh?: number }): IntensityPoint => {
  const { lowGPerKwh: _l, highGPerKwh: _h, ...rest } = p;
  return rest;
};
