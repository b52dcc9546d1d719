/**
 * Footprint reports (pure): rows by a dimension and totals, from a footprint view (shared/domain/footprint/footprint-view.ts)
 * — summed from intervals or read from roll-ups, with the same exact sums either way. Energy and emissions are
 * summed; shares and coverage are recombined from their numerators and weights, never averaged.
 *
 * Three emission figures are kept apart and named: `operationalKgCo2e` (location-based scope 2 of the energy, the same
 * number as the long-standing `co2eKg`), `embodiedKgCo2e` (scope 3 hardware, shared/domain/embodied) and their
 * explicit sum `totalKgCo2e`. `marketBasedKgCo2e` appears only when a market-based allocation is passed in
 * (shared/domain/market/market-based.ts) and is never mixed into the location-based figures.
 */
import type { RollupRow } from '../../ports';
import type { FootprintInterval, Ranged, ResourceKind } from '../types';
import { alignDown, DAY_SEC, parseIsoInstant, utcDay } from '../time';
import { intervalKey, type MarketBasedResult } from '../market/market-based';
import { exactAdd, exactValue, exactZero, type ExactSum } from '../exact-sum';
import { countOf, factsOfIntervals, mergedOf, rangedOf, valueOf, type CellAcc, type FactsAcc } from './rollup-facts';
import { filteredCells, filteredEntries, groupEntries, valueAcross, viewOfIntervals, type FootprintView, type ViewFilter } from './footprint-view';

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

/** Kinds behind the per-resource views. */
export const KIND_OF_VIEW: Partial<Record<ReportDimension, ResourceKind>> = { job: 'training-job', endpoint: 'endpoint', instance: 'ec2-instance' };
/** Dimensions answered from the day cells (team, region, kind, day); the others from resource entries. */
const CELL_DIMENSIONS = new Set<ReportDimension>(['team', 'region', 'kind', 'day']);

/** The emission figures of an accumulator, named (market-based added by the caller when given). */
const scopes = (a: FactsAcc): EmissionScopes => {
  const operationalKgCo2e = rangedOf(a, 'co2e', 'co2eLow', 'co2eHigh');
  const embodiedKgCo2e = rangedOf(a, 'embodied', 'embodiedLow', 'embodiedHigh');
  return {
    operationalKgCo2e,
    embodiedKgCo2e,
    embodiedKgCo2eSensitivity4y: rangedOf(a, 'embodied4y', 'embodied4yLow', 'embodied4yHigh'),
    totalKgCo2e: { point: operationalKgCo2e.point + embodiedKgCo2e.point, low: operationalKgCo2e.low + embodiedKgCo2e.low, high: operationalKgCo2e.high + embodiedKgCo2e.high },
    embodiedIntervals: { computed: countOf(a, 'embodiedComputed'), unmodelled: countOf(a, 'embodiedUnmodelled'), notComputed: countOf(a, 'embodiedNotComputed') },
  };
};

/** A report row of an accumulator. */
export function reportRowOf(key: string, a: FactsAcc): ReportRow {
  const co2e = valueOf(a, 'co2e');
  const it = valueOf(a, 'itKwh');
  const sec = countOf(a, 'intervalSec');
  const hasInv = countOf(a, 'withInvocations') > 0;
  const inv = valueOf(a, 'invocations');
  return {
    key,
    energyKwh: valueOf(a, 'energy'), energyKwhLow: valueOf(a, 'energyLow'), energyKwhHigh: valueOf(a, 'energyHigh'),
    co2eKg: co2e, co2eKgLow: valueOf(a, 'co2eLow'), co2eKgHigh: valueOf(a, 'co2eHigh'),
    measuredShare: it > 0 ? valueOf(a, 'measuredKwh') / it : 0,
    coveragePct: sec > 0 ? valueOf(a, 'coverageSec') / sec : 0,
    intervals: countOf(a, 'intervals'),
    invocations: hasInv ? inv : undefined,
    gCo2ePerInference: hasInv && inv > 0 ? (co2e * 1000) / inv : undefined,
    provisionalIntervals: countOf(a, 'provisional'),
    unmodelledIntervals: countOf(a, 'unmodelled'),
    demo: countOf(a, 'demo') > 0,
    ...scopes(a),
  };
}

/** Report totals of an accumulator. */
export function reportTotalsOf(a: FactsAcc): ReportTotals {
  return {
    energyKwh: valueOf(a, 'energy'), energyKwhLow: valueOf(a, 'energyLow'), energyKwhHigh: valueOf(a, 'energyHigh'),
    co2eKg: valueOf(a, 'co2e'), co2eKgLow: valueOf(a, 'co2eLow'), co2eKgHigh: valueOf(a, 'co2eHigh'),
    intervals: countOf(a, 'intervals'), unmodelledIntervals: countOf(a, 'unmodelled'),
    ...scopes(a),
  };
}

const byEmissions = (x: ReportRow, y: ReportRow) => y.co2eKg - x.co2eKg || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);

/** The rows' group key of a cell for a cell dimension. */
const cellGroup = (by: ReportDimension, c: { daySec: number; key: { team: string; region: string; kind: string } }): string =>
  by === 'team' ? c.key.team : by === 'region' ? c.key.region : by === 'kind' ? c.key.kind : utcDay(c.daySec);

/** Intensity sources (`provider [quality, signal]`) of the cells a report covers. */
export function reportSources(v: FootprintView, by: ReportDimension, f: ViewFilter = {}): string[] {
  const s = new Set<string>();
  for (const c of filteredCells(v, f, KIND_OF_VIEW[by])) for (const x of c.cell.sources) s.add(x);
  return [...s].sort();
}

/** A report of a footprint view by a dimension, for the cells and entries that pass the filter; rows largest first, ties by key. */
export function reportOfView(v: FootprintView, by: ReportDimension, f: ViewFilter = {}): Report {
  const kind = KIND_OF_VIEW[by];
  const cells = filteredCells(v, f, kind);
  let rows: ReportRow[];
  if (CELL_DIMENSIONS.has(by)) {
    const groups = new Map<string, CellAcc[]>();
    for (const c of cells) {
      const k = cellGroup(by, c);
      groups.set(k, [...(groups.get(k) ?? []), c.cell]);
    }
    rows = [...groups.entries()].map(([k, parts]) => reportRowOf(k, mergedOf(parts)));
  } else {
    const key = (k: { resourceId: string; project: string; model: string }) => (by === 'project' ? k.project : by === 'model' ? k.model : k.resourceId);
    rows = groupEntries(filteredEntries(v, f, kind), key).map((g) => reportRowOf(g.key, mergedOf(g.parts)));
  }
  rows.sort(byEmissions);
  const total = mergedOf(cells.map((c) => c.cell));
  const signals = new Set<string>();
  const versions = new Set<string>();
  for (const c of cells) {
    for (const s of c.cell.signals) signals.add(s);
    for (const s of c.cell.embodiedVersions) versions.add(s);
  }
  return { by, rows, totals: reportTotalsOf(total), signals: [...signals].sort(), demo: countOf(total, 'demo') > 0, embodiedModelVersions: [...versions].sort() };
}

/** A top-emitter row: the report row of a resource id and what its first interval in the window says about it. */
export interface TopRow extends ReportRow {
  team?: string;
  model?: string;
  region?: string;
  instanceType?: string;
}

export type TopKind = 'job' | 'endpoint' | 'instance';

/**
 * The `limit` largest emitters of a kind (rows as in `reportOfView(v, kind)`), with the team, model, region and
 * instance type of each one's earliest interval (ties: the smaller entry key); ranking reads only emissions, the
 * full rows are built for the top rows alone.
 */
export function topOfView(v: FootprintView, kind: TopKind, limit: number, f: ViewFilter = {}): { rows: TopRow[]; totalRows: number; totals: ReportTotals; demo: boolean } {
  const k = KIND_OF_VIEW[kind]!;
  const groups = groupEntries(filteredEntries(v, f, k), (e) => e.resourceId).map((g) => ({ g, co2e: valueAcross(g.parts, 'co2e') }));
  groups.sort((x, y) => y.co2e - x.co2e || (x.g.key < y.g.key ? -1 : x.g.key > y.g.key ? 1 : 0));
  const rows = groups.slice(0, limit).map(({ g }) => {
    let first: { startSec: number; e: (typeof g.entries)[number]; instanceType: string } | undefined;
    for (const e of g.entries) {
      const m = mergedOf(e.parts);
      if (!first || m.firstStartSec < first.startSec) first = { startSec: m.firstStartSec, e, instanceType: m.firstInstanceType };
    }
    return { ...reportRowOf(g.key, mergedOf(g.parts)), team: first?.e.key.team, model: first?.e.key.model, region: first?.e.key.region, instanceType: first?.instanceType };
  });
  const total = mergedOf(filteredCells(v, f, k).map((c) => c.cell));
  return { rows, totalRows: groups.length, totals: reportTotalsOf(total), demo: countOf(total, 'demo') > 0 };
}

/** Aggregate intervals by a dimension; rows sorted by emissions, largest first, ties by key. */
export function aggregate(intervals: FootprintInterval[], by: ReportDimension, opts: AggregateOptions = {}): Report {
  const r = reportOfView(viewOfIntervals(intervals), by);
  const market = opts.marketBased;
  if (!market) return r;
  // Market-based scope 2 is allocated per interval: summed here, beside (never into) the location-based figures.
  const groups = new Map<string, ExactSum[]>();
  const total = [exactZero(), exactZero(), exactZero()];
  for (const i of intervals) {
    const k = groupKey(i, by);
    if (k === undefined) continue;
    const mb = market.byInterval.get(intervalKey(i));
    if (!mb) continue;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = [exactZero(), exactZero(), exactZero()]));
    for (const acc of [g, total]) {
      exactAdd(acc[0], mb.marketBasedKgCo2e.point);
      exactAdd(acc[1], mb.marketBasedKgCo2e.low);
      exactAdd(acc[2], mb.marketBasedKgCo2e.high);
    }
  }
  const ranged = (g: ExactSum[] | undefined): Ranged => (g ? { point: exactValue(g[0]), low: exactValue(g[1]), high: exactValue(g[2]) } : { point: 0, low: 0, high: 0 });
  return {
    ...r,
    rows: r.rows.map((row) => ({ ...row, marketBasedKgCo2e: ranged(groups.get(row.key)) })),
    totals: { ...r.totals, marketBasedKgCo2e: ranged(total) },
    demo: r.demo || market.demo,
    marketBased: { modelVersion: market.modelVersion, flags: market.flags },
  };
}

/** Roll-up rows in the per-dimension shape (resource, kind, team, project, model, region, total) of one UTC day's cells and entries. */
export function rollupRowsOf(day: string, cells: ReadonlyMap<string, CellAcc>, entries: ReadonlyMap<string, FactsAcc>): RollupRow[] {
  const v: FootprintView = { days: new Map([[parseIsoInstant(day), cells]]), entryParts: [entries] };
  const row = (dimension: string, key: string, a: FactsAcc): RollupRow => ({
    day, dimension, key,
    energyKwh: valueOf(a, 'energy'), co2eKg: valueOf(a, 'co2e'), embodiedKgCo2e: valueOf(a, 'embodied'),
    embodiedGapIntervals: countOf(a, 'embodiedUnmodelled') + countOf(a, 'embodiedNotComputed'),
    measuredKwh: valueOf(a, 'measuredKwh'), coverageWeightedSec: valueOf(a, 'coverageSec'), intervalSec: countOf(a, 'intervalSec'),
    intervals: countOf(a, 'intervals'), demo: countOf(a, 'demo') > 0,
  });
  const out: RollupRow[] = [];
  const entriesAll = filteredEntries(v, {});
  for (const g of groupEntries(entriesAll, (k) => k.resourceKey)) out.push(row('resource', g.key, mergedOf(g.parts)));
  const cellsAll = filteredCells(v, {});
  for (const dim of ['kind', 'team', 'region'] as const) {
    const groups = new Map<string, CellAcc[]>();
    for (const c of cellsAll) groups.set(c.key[dim], [...(groups.get(c.key[dim]) ?? []), c.cell]);
    for (const [k, parts] of [...groups.entries()].sort()) out.push(row(dim, k, mergedOf(parts)));
  }
  for (const dim of ['project', 'model'] as const) {
    for (const g of groupEntries(entriesAll, (k) => k[dim])) out.push(row(dim, g.key, mergedOf(g.parts)));
  }
  if (cellsAll.length) out.push(row('total', 'all', mergedOf(cellsAll.map((c) => c.cell))));
  return out;
}

/** Roll-up rows of one UTC day, recomputed from that day's intervals. */
export function rollupsForDay(day: string, intervals: FootprintInterval[]): RollupRow[] {
  const d = parseIsoInstant(day);
  const f = factsOfIntervals(intervals.filter((i) => alignDown(i.intervalStartSec, DAY_SEC) === d));
  return rollupRowsOf(day, f.days.get(d) ?? new Map(), f.entries);
}
