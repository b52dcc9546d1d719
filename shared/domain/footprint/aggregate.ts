/** Aggregation of footprint intervals (pure). Energy and emissions are summed; shares and coverage are weighted. */
import type { RollupRow } from '../../ports';
import type { FootprintInterval } from '../types';
import { utcDay } from '../time';

export const REPORT_DIMENSIONS = ['job', 'endpoint', 'instance', 'team', 'project', 'model', 'region', 'day', 'kind'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

/** Group key of an interval for a dimension; undefined = the interval does not belong to that view (e.g. an endpoint in `--by job`). */
export function groupKey(i: FootprintInterval, by: ReportDimension): string | undefined {
  switch (by) {
    case 'job':
      return i.kind === 'training-job' ? i.resourceId : undefined;
    case 'endpoint':
      return i.kind === 'endpoint' ? i.resourceId : undefined;
    case 'instance':
      return i.kind === 'ec2-instance' ? i.resourceId : undefined;
    case 'team':
      return i.attribution.team;
    case 'project':
      return i.attribution.project;
    case 'model':
      return i.attribution.model;
    case 'region':
      return i.region;
    case 'day':
      return utcDay(i.intervalStartSec);
    case 'kind':
      return i.kind;
  }
}

export interface ReportRow {
  key: string;
  energyKwh: number;
  energyKwhLow: number;
  energyKwhHigh: number;
  co2eKg: number;
  co2eKgLow: number;
  co2eKgHigh: number;
  /** Share of IT energy that was measured board power, 0–1. */
  measuredShare: number;
  /** Interval-time-weighted telemetry coverage, 0–100. */
  coveragePct: number;
  intervals: number;
  invocations?: number;
  /** gCO2e per inference, endpoints only, when invocation metrics exist. */
  gCo2ePerInference?: number;
  provisionalIntervals: number;
  /** Intervals whose energy could not be modelled (unknown instance type, serverless): not in the totals. */
  unmodelledIntervals: number;
  demo: boolean;
}

export interface Report {
  by: ReportDimension;
  rows: ReportRow[];
  totals: { energyKwh: number; energyKwhLow: number; energyKwhHigh: number; co2eKg: number; co2eKgLow: number; co2eKgHigh: number; intervals: number; unmodelledIntervals: number };
  signals: string[];
  demo: boolean;
}

interface Acc {
  e: number; el: number; eh: number; c: number; cl: number; ch: number;
  itKwh: number; measuredKwh: number; covW: number; sec: number; n: number;
  inv: number; hasInv: boolean; prov: number; unmodelled: number; demo: boolean;
}
const newAcc = (): Acc => ({ e: 0, el: 0, eh: 0, c: 0, cl: 0, ch: 0, itKwh: 0, measuredKwh: 0, covW: 0, sec: 0, n: 0, inv: 0, hasInv: false, prov: 0, unmodelled: 0, demo: false });

const add = (a: Acc, i: FootprintInterval): void => {
  a.e += i.energyKwh.point; a.el += i.energyKwh.low; a.eh += i.energyKwh.high;
  a.c += i.co2eKg.point; a.cl += i.co2eKg.low; a.ch += i.co2eKg.high;
  a.itKwh += i.itEnergyKwh.point;
  a.measuredKwh += i.measuredShare * i.itEnergyKwh.point;
  a.covW += i.coveragePct * i.intervalSec;
  a.sec += i.intervalSec;
  a.n++;
  if (i.invocations !== undefined) { a.inv += i.invocations; a.hasInv = true; }
  if (i.provisional) a.prov++;
  if (i.method === 'unmodelled') a.unmodelled++;
  a.demo ||= i.demo;
};

/** Aggregate intervals by a dimension; rows sorted by emissions, largest first, ties by key. */
export function aggregate(intervals: FootprintInterval[], by: ReportDimension): Report {
  const groups = new Map<string, Acc>();
  const total = newAcc();
  const signals = new Set<string>();
  for (const i of intervals) {
    const k = groupKey(i, by);
    if (k === undefined) continue;
    let a = groups.get(k);
    if (!a) groups.set(k, (a = newAcc()));
    add(a, i);
    add(total, i);
    signals.add(i.intensitySignal);
  }
  const rows: ReportRow[] = [...groups.entries()].map(([key, a]) => ({
    key,
    energyKwh: a.e, energyKwhLow: a.el, energyKwhHigh: a.eh,
    co2eKg: a.c, co2eKgLow: a.cl, co2eKgHigh: a.ch,
    measuredShare: a.itKwh > 0 ? a.measuredKwh / a.itKwh : 0,
    coveragePct: a.sec > 0 ? a.covW / a.sec : 0,
    intervals: a.n,
    invocations: a.hasInv ? a.inv : undefined,
    gCo2ePerInference: a.hasInv && a.inv > 0 ? (a.c * 1000) / a.inv : undefined,
    provisionalIntervals: a.prov,
    unmodelledIntervals: a.unmodelled,
    demo: a.demo,
  }));
  rows.sort((x, y) => y.co2eKg - x.co2eKg || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return {
    by,
    rows,
    totals: { energyKwh: total.e, energyKwhLow: total.el, energyKwhHigh: total.eh, co2eKg: total.c, co2eKgLow: total.cl, co2eKgHigh: total.ch, intervals: total.n, unmodelledIntervals: total.unmodelled },
    signals: [...signals].sort(),
    demo: total.demo,
  };
}

const ROLLUP_DIMENSIONS: { dimension: string; by: ReportDimension | 'resource' | 'total' }[] = [
  { dimension: 'resource', by: 'resource' },
  { dimension: 'kind', by: 'kind' },
  { dimension: 'team', by: 'team' },
  { dimension: 'project', by: 'project' },
  { dimension: 'model', by: 'model' },
  { dimension: 'region', by: 'region' },
  { dimension: 'total', by: 'total' },
];

/** Roll-up rows of one UTC day, recomputed from that day's intervals. */
export function rollupsForDay(day: string, intervals: FootprintInterval[]): RollupRow[] {
  const out: RollupRow[] = [];
  for (const { dimension, by } of ROLLUP_DIMENSIONS) {
    const groups = new Map<string, Acc>();
    for (const i of intervals) {
      if (utcDay(i.intervalStartSec) !== day) continue;
      const k = by === 'resource' ? i.resourceKey : by === 'total' ? 'all' : groupKey(i, by)!;
      let a = groups.get(k);
      if (!a) groups.set(k, (a = newAcc()));
      add(a, i);
    }
    for (const [key, a] of groups) {
      out.push({ day, dimension, key, energyKwh: a.e, co2eKg: a.c, measuredKwh: a.measuredKwh, coverageWeightedSec: a.covW, intervalSec: a.sec, intervals: a.n, demo: a.demo });
    }
  }
  return out;
}
