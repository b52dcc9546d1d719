/**
 * Aggregation of footprint intervals (pure). Energy and emissions are summed; shares and coverage are weighted.
 *
 * Three emission figures are kept apart and named: `operationalKgCo2e` (location-based scope 2 of the energy, the same
 * number as the long-standing `co2eKg`), `embodiedKgCo2e` (scope 3 hardware, shared/domain/embodied) and their
 * explicit sum `totalKgCo2e`. `marketBasedKgCo2e` appears only when a market-based allocation is passed in
 * (shared/domain/market/market-based.ts) and is never mixed into the location-based figures.
 */
import type { RollupRow } from '../../ports';
import type { FootprintInterval, Ranged } from '../types';
import { utcDay } from '../time';
import { SENSITIVITY_LIFETIME_YEARS } from '../embodied/embodied-factors';
import { intervalKey, type MarketBasedResult } from '../market/market-based';

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

export interface ReportRow extends EmissionScopes {
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

/** The emission figures of a row or the totals, each named and kept apart. */
export interface EmissionScopes {
  /** Location-based operational emissions (= co2eKg with its bounds). */
  operationalKgCo2e: Ranged;
  /** Embodied hardware emissions (scope 3) over a 6-year lifetime; only intervals with `embodiedStatus: computed`. */
  embodiedKgCo2e: Ranged;
  /** The same embodied emissions amortised over 4 years (sensitivity). */
  embodiedKgCo2eSensitivity4y: Ranged;
  /** Operational + embodied, explicitly summed. */
  totalKgCo2e: Ranged;
  /** How many intervals carry an embodied figure, are unmodelled, or predate embodied accounting (not computed). */
  embodiedIntervals: { computed: number; unmodelled: number; notComputed: number };
  /** Market-based scope 2, present only when instruments exist (a separate figure, never mixed with the above). */
  marketBasedKgCo2e?: Ranged;
}

export interface ReportTotals extends EmissionScopes {
  energyKwh: number; energyKwhLow: number; energyKwhHigh: number; co2eKg: number; co2eKgLow: number; co2eKgHigh: number; intervals: number; unmodelledIntervals: number;
}

export interface Report {
  by: ReportDimension;
  rows: ReportRow[];
  totals: ReportTotals;
  signals: string[];
  demo: boolean;
  /** Embodied factor-table versions summed (more than one = mixed versions, shown rather than hidden). */
  embodiedModelVersions: string[];
  /** With market-based figures: the model version and the fallbacks/flags it used. */
  marketBased?: { modelVersion: string; flags: string[] };
}

export interface AggregateOptions {
  /** A market-based allocation over (at least) these intervals; adds `marketBasedKgCo2e` to rows and totals. */
  marketBased?: MarketBasedResult;
}

interface Acc {
  e: number; el: number; eh: number; c: number; cl: number; ch: number;
  itKwh: number; measuredKwh: number; covW: number; sec: number; n: number;
  inv: number; hasInv: boolean; prov: number; unmodelled: number; demo: boolean;
  emb: Ranged; emb4: Ranged; embComputed: number; embUnmodelled: number; embNotComputed: number;
  mb: Ranged;
}
const zero = (): Ranged => ({ point: 0, low: 0, high: 0 });
const newAcc = (): Acc => ({
  e: 0, el: 0, eh: 0, c: 0, cl: 0, ch: 0, itKwh: 0, measuredKwh: 0, covW: 0, sec: 0, n: 0, inv: 0, hasInv: false, prov: 0, unmodelled: 0, demo: false,
  emb: zero(), emb4: zero(), embComputed: 0, embUnmodelled: 0, embNotComputed: 0, mb: zero(),
});
const addR = (a: Ranged, b: Ranged, k = 1): void => {
  a.point += b.point * k;
  a.low += b.low * k;
  a.high += b.high * k;
};
const sumR = (a: Ranged, b: Ranged): Ranged => ({ point: a.point + b.point, low: a.low + b.low, high: a.high + b.high });

const add = (a: Acc, i: FootprintInterval, market?: MarketBasedResult): void => {
  if (i.embodiedKgCo2e) {
    addR(a.emb, i.embodiedKgCo2e);
    addR(a.emb4, i.embodiedKgCo2e, (i.embodiedBasis?.lifetimeYears ?? 6) / SENSITIVITY_LIFETIME_YEARS);
    a.embComputed++;
  } else if (i.embodiedStatus === 'unmodelled') a.embUnmodelled++;
  else a.embNotComputed++;
  const mb = market?.byInterval.get(intervalKey(i));
  if (mb) addR(a.mb, mb.marketBasedKgCo2e);
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

/** The emission figures of an accumulator, named (operational, embodied, total, market-based when given). */
const scopes = (a: Acc, market: boolean): EmissionScopes => {
  const operationalKgCo2e: Ranged = { point: a.c, low: a.cl, high: a.ch };
  return {
    operationalKgCo2e,
    embodiedKgCo2e: { ...a.emb },
    embodiedKgCo2eSensitivity4y: { ...a.emb4 },
    totalKgCo2e: sumR(operationalKgCo2e, a.emb),
    embodiedIntervals: { computed: a.embComputed, unmodelled: a.embUnmodelled, notComputed: a.embNotComputed },
    ...(market ? { marketBasedKgCo2e: { ...a.mb } } : {}),
  };
};

/** Aggregate intervals by a dimension; rows sorted by emissions, largest first, ties by key. */
export function aggregate(intervals: FootprintInterval[], by: ReportDimension, opts: AggregateOptions = {}): Report {
  const groups = new Map<string, Acc>();
  const total = newAcc();
  const signals = new Set<string>();
  const versions = new Set<string>();
  const market = opts.marketBased;
  for (const i of intervals) {
    const k = groupKey(i, by);
    if (k === undefined) continue;
    let a = groups.get(k);
    if (!a) groups.set(k, (a = newAcc()));
    add(a, i, market);
    add(total, i, market);
    signals.add(i.intensitySignal);
    if (i.embodiedModelVersion) versions.add(i.embodiedModelVersion);
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
    ...scopes(a, market !== undefined),
  }));
  rows.sort((x, y) => y.co2eKg - x.co2eKg || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return {
    by,
    rows,
    totals: {
      energyKwh: total.e, energyKwhLow: total.el, energyKwhHigh: total.eh, co2eKg: total.c, co2eKgLow: total.cl, co2eKgHigh: total.ch, intervals: total.n, unmodelledIntervals: total.unmodelled,
      ...scopes(total, market !== undefined),
    },
    signals: [...signals].sort(),
    demo: total.demo || (market?.demo ?? false),
    embodiedModelVersions: [...versions].sort(),
    ...(market ? { marketBased: { modelVersion: market.modelVersion, flags: market.flags } } : {}),
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
      out.push({ day, dimension, key, energyKwh: a.e, co2eKg: a.c, embodiedKgCo2e: a.emb.point, measuredKwh: a.measuredKwh, coverageWeightedSec: a.covW, intervalSec: a.sec, intervals: a.n, demo: a.demo });
    }
  }
  return out;
}
