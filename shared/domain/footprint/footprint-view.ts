/**
 * A footprint view (pure): the facts of one window — day cells and resource entries — whether they were summed from
 * intervals (the interval path, drill-down and baseline) or read from roll-ups (shared/use-cases/footprint-view-loader.ts).
 * Every report, time series, top-emitter table and KPI is computed from a view by the same code, and every sum in
 * it is exact, so both paths give the same doubles.
 *
 * Filters (team, region) select cells by their key and entries by their key; the kind of a view (`--by job`) does
 * the same. Entries are kept as parts (one map per piece read) and merged per key only for the fields a result needs.
 */
import type { FootprintInterval, ResourceKind } from '../types';
import type { Window } from '../time';
import {
  countAcross, factsOfIntervals, mergedOf, parseCellKey, parseEntryKey, valueAcross,
  type CellAcc, type EntryKeyParts, type FactsAcc,
} from './rollup-facts';

export interface FootprintView {
  /** UTC day start (epoch s) → cells of that day by key. */
  days: ReadonlyMap<number, ReadonlyMap<string, CellAcc>>;
  /** Resource entries by key, in parts (the same key may appear in several parts: merge them). */
  entryParts: readonly ReadonlyMap<string, FactsAcc>[];
}

export interface ViewFilter {
  team?: string;
  region?: string;
}

/** The view of a set of intervals (those starting in `window` when given). */
export function viewOfIntervals(intervals: Iterable<FootprintInterval>, window?: Window): FootprintView {
  const inWindow = window ? filterIter(intervals, (i) => i.intervalStartSec >= window.startSec && i.intervalStartSec < window.endSec) : intervals;
  const f = factsOfIntervals(inWindow);
  return { days: f.days, entryParts: [f.entries] };
}

function* filterIter<T>(xs: Iterable<T>, keep: (x: T) => boolean): Iterable<T> {
  for (const x of xs) if (keep(x)) yield x;
}

/** Several views (disjoint in time) as one. */
export function combineViews(views: readonly FootprintView[]): FootprintView {
  const days = new Map<number, ReadonlyMap<string, CellAcc>>();
  for (const v of views) for (const [d, cells] of v.days) {
    if (days.has(d)) throw new Error(`views overlap on day ${d}`);
    days.set(d, cells);
  }
  return { days, entryParts: views.flatMap((v) => v.entryParts) };
}

export interface FilteredCell {
  daySec: number;
  key: { team: string; region: string; kind: ResourceKind };
  cell: CellAcc;
}

const matches = (f: ViewFilter, team: string, region: string) => (f.team === undefined || f.team === team) && (f.region === undefined || f.region === region);

/** The cells that pass the filter (and kind, when given), in day order. */
export function filteredCells(v: FootprintView, f: ViewFilter, kind?: ResourceKind): FilteredCell[] {
  const out: FilteredCell[] = [];
  for (const d of [...v.days.keys()].sort((a, b) => a - b)) {
    for (const [k, cell] of v.days.get(d)!) {
      const key = parseCellKey(k);
      if (matches(f, key.team, key.region) && (kind === undefined || key.kind === kind)) out.push({ daySec: d, key, cell });
    }
  }
  return out;
}

export interface ViewEntry {
  key: EntryKeyParts;
  parts: FactsAcc[];
}

/** Entries that pass the filter (and kind), each with its parts, sorted by key. */
export function filteredEntries(v: FootprintView, f: ViewFilter, kind?: ResourceKind): ViewEntry[] {
  const byKey = new Map<string, ViewEntry>();
  for (const part of v.entryParts) {
    for (const [k, acc] of part) {
      let e = byKey.get(k);
      if (!e) {
        const key = parseEntryKey(k);
        if (!matches(f, key.team, key.region) || (kind !== undefined && key.kind !== kind)) continue;
        byKey.set(k, (e = { key, parts: [] }));
      }
      e.parts.push(acc);
    }
  }
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}

/** Entries grouped by a function of their key (e.g. resource id); groups sorted by key. */
export function groupEntries(entries: readonly ViewEntry[], by: (k: EntryKeyParts) => string): { key: string; entries: ViewEntry[]; parts: FactsAcc[] }[] {
  const g = new Map<string, { key: string; entries: ViewEntry[]; parts: FactsAcc[] }>();
  for (const e of entries) {
    const k = by(e.key);
    let x = g.get(k);
    if (!x) g.set(k, (x = { key: k, entries: [], parts: [] }));
    x.entries.push(e);
    x.parts.push(...e.parts);
  }
  return [...g.keys()].sort().map((k) => g.get(k)!);
}

/** Total intervals in the cells of a view that pass the filter. */
export const intervalCount = (v: FootprintView, f: ViewFilter = {}): number => countAcross(filteredCells(v, f).map((c) => c.cell), 'intervals');

export { mergedOf, valueAcross, countAcross };
