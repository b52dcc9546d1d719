/**
 * The facts every report, dashboard route and KPI reads, accumulated from footprint intervals (pure). One
 * accumulator serves both paths: the interval path adds intervals into it, the roll-up path merges stored
 * accumulators. Every extensive figure is an exact sum (shared/domain/exact-sum.ts) and every intensive one
 * (measured share, coverage, utilisation) is kept as its numerator and weight, so a figure read from roll-ups is
 * the same double as the one summed from the intervals, whatever the grouping.
 *
 * Two kinds of accumulator:
 * - a *cell*: one UTC day × (team, region, kind), with hourly emissions/energy (for hourly time series), the
 *   training seconds per (zone, hour, intensity) (for the low-carbon KPI), and the signals, intensity sources and
 *   embodied model versions seen;
 * - an *entry*: one resource × attribution (team, project, model) over a span of days, with the start and
 *   instance type of its first interval (for the top-emitters table).
 */
import { createHash } from 'node:crypto';
import { exactAdd, exactMerge, exactValue, exactZero, type ExactSum } from '../exact-sum';
import { alignDown, DAY_SEC, HOUR_SEC } from '../time';
import type { FootprintInterval, Ranged, ResourceKind } from '../types';
import { SENSITIVITY_LIFETIME_YEARS } from '../embodied/embodied-factors';

/** Exact (extensive) sums, by index. */
export const EXACT_FIELDS = [
  'energy', 'energyLow', 'energyHigh', 'co2e', 'co2eLow', 'co2eHigh', 'itKwh', 'measuredKwh', 'coverageSec', 'invocations',
  'embodied', 'embodiedLow', 'embodiedHigh', 'embodied4y', 'embodied4yLow', 'embodied4yHigh',
  'invCo2e', 'invCo2eLow', 'invCo2eHigh', 'gpuWeightSec', 'gpuUtilWeighted',
] as const;
/** Counts (integers: summed exactly as plain doubles below 2^53). */
export const COUNT_FIELDS = [
  'intervals', 'intervalSec', 'withInvocations', 'provisional', 'unmodelled', 'demo',
  'embodiedComputed', 'embodiedUnmodelled', 'embodiedNotComputed', 'withTelemetry', 'withUtilisation',
] as const;
export type ExactField = (typeof EXACT_FIELDS)[number];
export type CountField = (typeof COUNT_FIELDS)[number];
const X = Object.fromEntries(EXACT_FIELDS.map((f, k) => [f, k])) as Record<ExactField, number>;
/** Index of an exact field in `FactsAcc.x`. */
export const EXACT_INDEX: Readonly<Record<ExactField, number>> = X;
const C = Object.fromEntries(COUNT_FIELDS.map((f, k) => [f, k])) as Record<CountField, number>;

export interface FactsAcc {
  x: ExactSum[];
  c: number[];
  /** Start of the earliest interval (+Infinity when none) and its instance type. */
  firstStartSec: number;
  firstInstanceType: string;
}

export interface CellAcc extends FactsAcc {
  /** Per UTC hour of the cell's day (0–23): exact emissions and energy (points). */
  hourCo2e: ExactSum[];
  hourEnergy: ExactSum[];
  /** Training seconds by `${zone}\u001f${hourStartSec}\u001f${intensityGPerKwh}` (low-carbon-hours KPI). */
  lowCarbon: Map<string, number>;
  signals: Set<string>;
  /** `${provider} [${quality}, ${signal}]`, as the report prints them. */
  sources: Set<string>;
  embodiedVersions: Set<string>;
}

const SEP = '\u001f';

export const newFacts = (): FactsAcc => ({ x: EXACT_FIELDS.map(exactZero), c: COUNT_FIELDS.map(() => 0), firstStartSec: Infinity, firstInstanceType: '' });
export const newCell = (): CellAcc => ({
  ...newFacts(),
  hourCo2e: Array.from({ length: 24 }, exactZero),
  hourEnergy: Array.from({ length: 24 }, exactZero),
  lowCarbon: new Map(), signals: new Set(), sources: new Set(), embodiedVersions: new Set(),
});

/** Add one interval's figures to an accumulator. */
export function addInterval(a: FactsAcc, i: FootprintInterval): void {
  const x = a.x;
  const c = a.c;
  exactAdd(x[X.energy], i.energyKwh.point); exactAdd(x[X.energyLow], i.energyKwh.low); exactAdd(x[X.energyHigh], i.energyKwh.high);
  exactAdd(x[X.co2e], i.co2eKg.point); exactAdd(x[X.co2eLow], i.co2eKg.low); exactAdd(x[X.co2eHigh], i.co2eKg.high);
  exactAdd(x[X.itKwh], i.itEnergyKwh.point);
  exactAdd(x[X.measuredKwh], i.measuredShare * i.itEnergyKwh.point);
  exactAdd(x[X.coverageSec], i.coveragePct * i.intervalSec);
  c[C.intervals]++;
  c[C.intervalSec] += i.intervalSec;
  if (i.invocations !== undefined && i.invocations !== null) {
    exactAdd(x[X.invocations], i.invocations);
    exactAdd(x[X.invCo2e], i.co2eKg.point); exactAdd(x[X.invCo2eLow], i.co2eKg.low); exactAdd(x[X.invCo2eHigh], i.co2eKg.high);
    c[C.withInvocations]++;
  }
  if (i.embodiedKgCo2e) {
    const e = i.embodiedKgCo2e;
    const k = (i.embodiedBasis?.lifetimeYears ?? 6) / SENSITIVITY_LIFETIME_YEARS;
    exactAdd(x[X.embodied], e.point); exactAdd(x[X.embodiedLow], e.low); exactAdd(x[X.embodiedHigh], e.high);
    exactAdd(x[X.embodied4y], e.point * k); exactAdd(x[X.embodied4yLow], e.low * k); exactAdd(x[X.embodied4yHigh], e.high * k);
    c[C.embodiedComputed]++;
  } else if (i.embodiedStatus === 'unmodelled') c[C.embodiedUnmodelled]++;
  else c[C.embodiedNotComputed]++;
  if (i.meanGpuUtilPct !== undefined && i.meanGpuUtilPct !== null) {
    // Utilisation is intensive: weighted by covered time (interval length × telemetry coverage), never averaged.
    const w = i.intervalSec * (i.coveragePct / 100);
    exactAdd(x[X.gpuWeightSec], w);
    exactAdd(x[X.gpuUtilWeighted], w * i.meanGpuUtilPct);
    c[C.withUtilisation]++;
  }
  if (i.coveragePct > 0 && i.method !== 'no-telemetry') c[C.withTelemetry]++;
  if (i.provisional) c[C.provisional]++;
  if (i.method === 'unmodelled') c[C.unmodelled]++;
  if (i.demo) c[C.demo]++;
  if (i.intervalStartSec < a.firstStartSec) {
    a.firstStartSec = i.intervalStartSec;
    a.firstInstanceType = i.instanceType;
  }
}

/** Add one interval to a day cell (facts, hourly series, low-carbon seconds, provenance sets). */
export function addIntervalToCell(a: CellAcc, i: FootprintInterval): void {
  addInterval(a, i);
  const h = Math.floor((i.intervalStartSec - alignDown(i.intervalStartSec, DAY_SEC)) / HOUR_SEC);
  exactAdd(a.hourCo2e[h], i.co2eKg.point);
  exactAdd(a.hourEnergy[h], i.energyKwh.point);
  if (i.kind === 'training-job') {
    const k = `${i.intensityZone}${SEP}${alignDown(i.intervalStartSec, HOUR_SEC)}${SEP}${i.intensityGPerKwh}`;
    a.lowCarbon.set(k, (a.lowCarbon.get(k) ?? 0) + i.intervalSec);
  }
  a.signals.add(i.intensitySignal);
  a.sources.add(`${i.intensityProvider} [${i.intensityQuality}, ${i.intensitySignal}]`);
  if (i.embodiedModelVersion) a.embodiedVersions.add(i.embodiedModelVersion);
}

/** Merge `b` into `a` (exact; the earliest first interval wins, ties by instance type). */
export function mergeFacts(a: FactsAcc, b: FactsAcc): void {
  for (let k = 0; k < a.x.length; k++) if (b.x[k].partials.length || b.x[k].special !== 0) exactMerge(a.x[k], b.x[k]);
  for (let k = 0; k < a.c.length; k++) a.c[k] += b.c[k];
  if (b.firstStartSec < a.firstStartSec || (b.firstStartSec === a.firstStartSec && b.firstInstanceType < a.firstInstanceType)) {
    a.firstStartSec = b.firstStartSec;
    a.firstInstanceType = b.firstInstanceType;
  }
}

export function mergeCell(a: CellAcc, b: CellAcc): void {
  mergeFacts(a, b);
  for (let h = 0; h < 24; h++) {
    exactMerge(a.hourCo2e[h], b.hourCo2e[h]);
    exactMerge(a.hourEnergy[h], b.hourEnergy[h]);
  }
  for (const [k, s] of b.lowCarbon) a.lowCarbon.set(k, (a.lowCarbon.get(k) ?? 0) + s);
  for (const s of b.signals) a.signals.add(s);
  for (const s of b.sources) a.sources.add(s);
  for (const s of b.embodiedVersions) a.embodiedVersions.add(s);
}

/** The correctly rounded value of an exact field. */
export const valueOf = (a: FactsAcc, f: ExactField): number => exactValue(a.x[X[f]]);
export const countOf = (a: FactsAcc, f: CountField): number => a.c[C[f]];
export const rangedOf = (a: FactsAcc, point: ExactField, low: ExactField, high: ExactField): Ranged => ({ point: valueOf(a, point), low: valueOf(a, low), high: valueOf(a, high) });

/** Exact sum of one field over several accumulators (without merging the rest). */
export function valueAcross(parts: readonly FactsAcc[], f: ExactField): number {
  if (parts.length === 1) return valueOf(parts[0], f);
  const s = exactZero();
  const k = X[f];
  for (const p of parts) exactMerge(s, p.x[k]);
  return exactValue(s);
}
export const countAcross = (parts: readonly FactsAcc[], f: CountField): number => parts.reduce((n, p) => n + p.c[C[f]], 0);

/** One accumulator from several (a new object; the parts are left as they are). */
export function mergedOf(parts: readonly FactsAcc[]): FactsAcc {
  const a = newFacts();
  for (const p of parts) mergeFacts(a, p);
  return a;
}
export function mergedCellOf(parts: readonly CellAcc[]): CellAcc {
  const a = newCell();
  for (const p of parts) mergeCell(a, p);
  return a;
}

// ---- keys ----------------------------------------------------------------------------------------------------

/** Cell key within a day: team, region, kind. */
export const cellKey = (team: string, region: string, kind: ResourceKind): string => `${team}${SEP}${region}${SEP}${kind}`;
export function parseCellKey(k: string): { team: string; region: string; kind: ResourceKind } {
  const [team, region, kind] = k.split(SEP);
  return { team, region, kind: kind as ResourceKind };
}
/**
 * Entry key: the resource (kind, region, id) and the interval's attribution (a re-tagged resource gets one entry per
 * attribution). The resource key is spelt out only when it is not the canonical `kind#region#id`.
 */
export const entryKey = (i: Pick<FootprintInterval, 'resourceKey' | 'kind' | 'region' | 'resourceId' | 'attribution'>): string => {
  const canonical = `${i.kind}#${i.region}#${i.resourceId}`;
  return [i.kind, i.region, i.resourceId, i.attribution.team, i.attribution.project, i.attribution.model, i.resourceKey === canonical ? '' : i.resourceKey].join(SEP);
};
export interface EntryKeyParts { resourceKey: string; kind: ResourceKind; region: string; resourceId: string; team: string; project: string; model: string }
export function parseEntryKey(k: string): EntryKeyParts {
  const [kind, region, resourceId, team, project, model, rk] = k.split(SEP);
  return { resourceKey: rk || `${kind}#${region}#${resourceId}`, kind: kind as ResourceKind, region, resourceId, team, project, model };
}

/** The cells (by key) and entries (by key) of a set of intervals. */
export interface DayFacts {
  cells: Map<string, CellAcc>;
  entries: Map<string, FactsAcc>;
}

/** Accumulate intervals into cells (one map per UTC day start) and entries. */
export function factsOfIntervals(intervals: Iterable<FootprintInterval>): { days: Map<number, Map<string, CellAcc>>; entries: Map<string, FactsAcc>; intervals: number } {
  const days = new Map<number, Map<string, CellAcc>>();
  const entries = new Map<string, FactsAcc>();
  let n = 0;
  for (const i of intervals) {
    n++;
    const d = alignDown(i.intervalStartSec, DAY_SEC);
    let cells = days.get(d);
    if (!cells) days.set(d, (cells = new Map()));
    const ck = cellKey(i.attribution.team, i.region, i.kind);
    let cell = cells.get(ck);
    if (!cell) cells.set(ck, (cell = newCell()));
    addIntervalToCell(cell, i);
    const ek = entryKey(i);
    let e = entries.get(ek);
    if (!e) entries.set(ek, (e = newFacts()));
    addInterval(e, i);
  }
  return { days, entries, intervals: n };
}

// ---- codec: accumulators as compact binary chunks -----------------------------------------------------------

/** One stored chunk of a roll-up piece: entry keys (with a JSON extra each), exact-sum lengths and the numbers. */
export interface PieceChunk {
  /** JSON: [[key, extra], …]. */
  keys: string;
  /** Per entry and exact field: the number of partials (255 = one non-finite value). */
  lens: Uint8Array;
  nums: Float64Array;
}

export type PieceSchema = 'cell' | 'entry';
const NON_FINITE = 255;

/** Items of DynamoDB are at most 400 KB; chunks stay well below, keys and attribute names included. */
export const MAX_CHUNK_BYTES = 300_000;

function encodeExact(s: ExactSum, lens: number[], nums: number[]): void {
  if (s.special !== 0 || Number.isNaN(s.special)) {
    lens.push(NON_FINITE);
    nums.push(s.special);
    return;
  }
  if (s.partials.length >= NON_FINITE) throw new Error(`exact sum with ${s.partials.length} partials cannot be encoded`);
  lens.push(s.partials.length);
  for (const p of s.partials) nums.push(p);
}

/** Encode accumulators (sorted by key) into chunks of at most `maxBytes`, and the content hash of the piece. */
export function encodePiece(schema: PieceSchema, accs: ReadonlyMap<string, FactsAcc>, maxBytes = MAX_CHUNK_BYTES): { hash: string; chunks: PieceChunk[]; entries: number } {
  const keys = [...accs.keys()].sort();
  const chunks: PieceChunk[] = [];
  const hash = createHash('sha256');
  let cur: { keys: [string, string][]; lens: number[]; nums: number[]; bytes: number } = { keys: [], lens: [], nums: [], bytes: 0 };
  const flush = () => {
    if (!cur.keys.length) return;
    chunks.push({ keys: JSON.stringify(cur.keys), lens: Uint8Array.from(cur.lens), nums: Float64Array.from(cur.nums) });
    cur = { keys: [], lens: [], nums: [], bytes: 0 };
  };
  for (const k of keys) {
    const a = accs.get(k)!;
    const lens: number[] = [];
    const nums: number[] = [...a.c, a.firstStartSec];
    for (const s of a.x) encodeExact(s, lens, nums);
    let extra: string = a.firstInstanceType;
    if (schema === 'cell') {
      const c = a as CellAcc;
      for (const s of c.hourCo2e) encodeExact(s, lens, nums);
      for (const s of c.hourEnergy) encodeExact(s, lens, nums);
      extra = JSON.stringify([[...c.lowCarbon.entries()].sort(), [...c.signals].sort(), [...c.sources].sort(), [...c.embodiedVersions].sort()]);
    }
    // The hash covers the content, not how it is cut into chunks.
    const f64 = Float64Array.from(nums);
    hash.update(JSON.stringify([k, extra])).update(Uint8Array.from(lens)).update(new Uint8Array(f64.buffer));
    const bytes = k.length + extra.length + 8 + lens.length + nums.length * 8;
    if (cur.bytes + bytes > maxBytes) flush();
    cur.keys.push([k, extra]);
    for (const l of lens) cur.lens.push(l);
    for (const n of nums) cur.nums.push(n);
    cur.bytes += bytes;
  }
  flush();
  return { hash: chunks.length ? hash.digest('hex').slice(0, 32) : EMPTY_PIECE_HASH, chunks, entries: keys.length };
}

/** Hash of a piece with no entries (nothing is stored for it). */
export const EMPTY_PIECE_HASH = 'empty';

/** Read position in a chunk's nums while decoding (one object per piece, not a tuple per exact sum). */
interface NumCursor { ni: number }

function decodeExact(lens: Uint8Array, li: number, nums: Float64Array, at: NumCursor): ExactSum {
  const n = lens[li];
  if (n === NON_FINITE) return { partials: [], special: nums[at.ni++] };
  const partials = new Array<number>(n);
  for (let k = 0; k < n; k++) partials[k] = nums[at.ni + k];
  at.ni += n;
  return { partials, special: 0 };
}

/** Decode the chunks of a piece back into accumulators. */
export function decodePiece(schema: 'cell', chunks: readonly PieceChunk[]): Map<string, CellAcc>;
export function decodePiece(schema: 'entry', chunks: readonly PieceChunk[]): Map<string, FactsAcc>;
export function decodePiece(schema: PieceSchema, chunks: readonly PieceChunk[]): Map<string, FactsAcc> {
  const out = new Map<string, FactsAcc>();
  const nx = EXACT_FIELDS.length;
  const nc = COUNT_FIELDS.length;
  for (const ch of chunks) {
    const keys = JSON.parse(ch.keys) as [string, string][];
    let li = 0;
    const at: NumCursor = { ni: 0 };
    for (const [key, extra] of keys) {
      const c = new Array<number>(nc);
      for (let k = 0; k < nc; k++) c[k] = ch.nums[at.ni + k];
      at.ni += nc;
      const firstStartSec = ch.nums[at.ni++];
      const x = new Array<ExactSum>(nx);
      for (let k = 0; k < nx; k++) x[k] = decodeExact(ch.lens, li++, ch.nums, at);
      if (schema === 'entry') {
        out.set(key, { x, c, firstStartSec, firstInstanceType: extra });
        continue;
      }
      const hourCo2e = new Array<ExactSum>(24);
      const hourEnergy = new Array<ExactSum>(24);
      for (let h = 0; h < 24; h++) hourCo2e[h] = decodeExact(ch.lens, li++, ch.nums, at);
      for (let h = 0; h < 24; h++) hourEnergy[h] = decodeExact(ch.lens, li++, ch.nums, at);
      const [lc, signals, sources, versions] = JSON.parse(extra) as [[string, number][], string[], string[], string[]];
      const cell: CellAcc = { x, c, firstStartSec, firstInstanceType: '', hourCo2e, hourEnergy, lowCarbon: new Map(lc), signals: new Set(signals), sources: new Set(sources), embodiedVersions: new Set(versions) };
      out.set(key, cell);
    }
  }
  return out;
}
