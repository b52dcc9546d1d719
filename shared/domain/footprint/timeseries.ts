/** Footprint over time, stacked by a dimension (pure). Energy and emissions are extensive: bucket sums. */
import type { FootprintInterval } from '../types';
import { groupKey } from './aggregate';
import { alignDown, DAY_SEC, HOUR_SEC, isoUtc, type Window } from '../time';

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

/** Team, region and kind are defined for every interval. */
const stackKey = (i: FootprintInterval, by: StackDimension): string => groupKey(i, by)!;

/** Sum intervals into UTC hour or day buckets of `window`, one series per key of `stack`; an interval counts in the bucket of its start. */
export function stackedTimeseries(intervals: readonly FootprintInterval[], window: Window, stack: StackDimension, bucket: Bucket): Timeseries {
  const step = bucket === 'hour' ? HOUR_SEC : DAY_SEC;
  const first = alignDown(window.startSec, step);
  const n = Math.max(0, Math.ceil((window.endSec - first) / step));
  const bySeries = new Map<string, StackedSeries>();
  let co2eKg = 0;
  let energyKwh = 0;
  let demo = false;
  for (const i of intervals) {
    if (i.intervalStartSec < window.startSec || i.intervalStartSec >= window.endSec) continue;
    const idx = Math.floor((i.intervalStartSec - first) / step);
    const key = stackKey(i, stack);
    let s = bySeries.get(key);
    if (!s) bySeries.set(key, (s = { key, co2eKg: new Array<number>(n).fill(0), energyKwh: new Array<number>(n).fill(0) }));
    s.co2eKg[idx] += i.co2eKg.point;
    s.energyKwh[idx] += i.energyKwh.point;
    co2eKg += i.co2eKg.point;
    energyKwh += i.energyKwh.point;
    demo ||= i.demo;
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const series = [...bySeries.values()].sort((a, b) => sum(b.co2eKg) - sum(a.co2eKg) || (a.key < b.key ? -1 : 1));
  const buckets = Array.from({ length: n }, (_, k) => isoUtc(first + k * step));
  return { stack, bucket, buckets, series, totals: { co2eKg, energyKwh }, demo };
}
