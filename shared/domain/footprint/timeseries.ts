/**
 * Footprint over time, stacked by a dimension (pure). Energy and emissions are extensive: exact bucket sums, from the
 * day cells of a footprint view (hourly figures per cell for hour buckets), so roll-ups and intervals agree bit for bit.
 */
import type { FootprintInterval } from '../types';
import { alignDown, DAY_SEC, HOUR_SEC, isoUtc, type Window } from '../time';
import { exactMerge, exactValue, exactZero, type ExactSum } from '../exact-sum';
import { countOf, EXACT_INDEX } from './rollup-facts';
import { filteredCells, viewOfIntervals, type FootprintView, type ViewFilter } from './footprint-view';

export const STACK_DIMENSIONS = ['team', 'region', 'kind'] as const;
export type StackDimension = (typeof STACK_DIMENSIONS)[number];
export const BUCKETS = ['hour', 'day'] as const;
export type Bucket = (typeof BUCKETS)[number];

export interface StackedSeries {
  key: string;
  /** One value per bucket, same order as `Timeseries.buckets`. */
  co2eKg: number[];
  energyKwh: number[];
}

export interface Timeseries {
  stack: StackDimension;
  bucket: Bucket;
  /** Bucket start instants (ISO-8601 UTC), contiguous over the window, empty buckets included as 0-height. */
  buckets: string[];
  /** Largest total emitter first. */
  series: StackedSeries[];
  totals: { co2eKg: number; energyKwh: number };
  demo: boolean;
}

const CO2E = EXACT_INDEX.co2e;
const ENERGY = EXACT_INDEX.energy;

/** Sum intervals into UTC hour or day buckets of `window`, one series per key of `stack`; an interval counts in the bucket of its start. */
export function stackedTimeseries(intervals: readonly FootprintInterval[], window: Window, stack: StackDimension, bucket: Bucket): Timeseries {
  return timeseriesOfView(viewOfIntervals(intervals, window), window, stack, bucket);
}

/** The stacked time series of a footprint view (its cells hold only intervals that start in `window`). */
export function timeseriesOfView(v: FootprintView, window: Window, stack: StackDimension, bucket: Bucket, f: ViewFilter = {}): Timeseries {
  const step = bucket === 'hour' ? HOUR_SEC : DAY_SEC;
  const first = alignDown(window.startSec, step);
  const n = Math.max(0, Math.ceil((window.endSec - first) / step));
  const bySeries = new Map<string, { co2e: ExactSum[]; energy: ExactSum[] }>();
  const co2eKg = exactZero();
  const energyKwh = exactZero();
  let demo = false;
  const add = (acc: ExactSum[], idx: number, s: ExactSum) => {
    if (idx >= 0 && idx < n) exactMerge(acc[idx], s);
  };
  for (const c of filteredCells(v, f)) {
    const key = c.key[stack];
    let s = bySeries.get(key);
    if (!s) bySeries.set(key, (s = { co2e: Array.from({ length: n }, exactZero), energy: Array.from({ length: n }, exactZero) }));
    if (bucket === 'day') {
      const idx = Math.floor((c.daySec - first) / step);
      add(s.co2e, idx, c.cell.x[CO2E]);
      add(s.energy, idx, c.cell.x[ENERGY]);
    } else {
      for (let h = 0; h < 24; h++) {
        const idx = Math.floor((c.daySec + h * HOUR_SEC - first) / step);
        add(s.co2e, idx, c.cell.hourCo2e[h]);
        add(s.energy, idx, c.cell.hourEnergy[h]);
      }
    }
    exactMerge(co2eKg, c.cell.x[CO2E]);
    exactMerge(energyKwh, c.cell.x[ENERGY]);
    demo ||= countOf(c.cell, 'demo') > 0;
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const series: StackedSeries[] = [...bySeries.entries()].map(([key, s]) => ({ key, co2eKg: s.co2e.map(exactValue), energyKwh: s.energy.map(exactValue) }));
  series.sort((a, b) => sum(b.co2eKg) - sum(a.co2eKg) || (a.key < b.key ? -1 : 1));
  const buckets = Array.from({ length: n }, (_, k) => isoUtc(first + k * step));
  return { stack, bucket, buckets, series, totals: { co2eKg: exactValue(co2eKg), energyKwh: exactValue(energyKwh) }, demo };
}
