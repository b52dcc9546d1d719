/**
 * Use case: the footprint view of a window (shared/domain/footprint/footprint-view.ts), read from roll-ups, with
 * intervals only where roll-ups cannot answer — the interval path stays reachable as the drill-down and baseline.
 *
 * Reads for a window of D whole UTC days (N resources, C cells a day):
 * - 1 query for the D day manifests (they give the hash every piece must have);
 * - D cube pieces (C cells each) — every view;
 * - for per-resource views (top, by job/endpoint/instance/project/model, KPIs): the aligned blocks covering the
 *   days, ≤ 2·log2 D resource pieces of ≤ N entries (a 30-day window: ≈ 5 pieces, ≈ 5·N entries, instead of 30·N);
 * - intervals only for the partial first/last day of a window that does not start/end at 00:00 UTC, for days
 *   never rolled up (no manifest: a store from before roll-ups) and for a day whose pieces are being rewritten.
 * Decoded pieces are cached per store by (piece, hash): the hash comes from the manifests read on every request, so
 * a cached piece is exactly what the store holds; concurrent requests for the same piece share one read.
 */
import { createHash } from 'node:crypto';
import type { FootprintStore, RollupPieceStore } from '../ports';
import { alignDown, alignUp, DAY_SEC, parseIsoInstant, type Window } from '../domain/time';
import type { ResourceRef } from '../domain/types';
import { decodePiece, EMPTY_PIECE_HASH, factsOfIntervals, type CellAcc, type FactsAcc, type PieceChunk } from '../domain/footprint/rollup-facts';
import { childrenOf, cubePieceId, dayOfIndex, decomposeDays, epochDay, expectedBlockHash, resourcePieceId, type BlockRef, type RollupManifest } from '../domain/footprint/rollup-tree';
import { viewOfIntervals, type FootprintView } from '../domain/footprint/footprint-view';
import { hasRollupPieces } from './rollup';

/** Where a view's figures come from: roll-ups (default) or every interval of the window (drill-down, baseline). */
export type FootprintSource = 'rollups' | 'intervals';

export interface ViewRequest {
  /** Per-resource entries are needed (top, per-resource reports, KPIs); cube-only views skip reading them. */
  entries?: boolean;
  source?: FootprintSource;
}

/** How a view was read (for benchmarks and logs). */
export interface ViewProvenance {
  source: FootprintSource;
  rollupDays: number;
  intervalDays: number;
  resourcePieces: number;
  intervals: number;
  /**
   * Present when the view came from roll-ups alone (no interval read): a hash of the window, whether entries were
   * read, and every day's piece hashes — what the view is a pure function of (memoOfView keys results by it).
   */
  signature?: string;
}

// ---- piece cache ---------------------------------------------------------------------------------------------

/** Decoded pieces kept per store; bounded by an estimate of their size. */
export const PIECE_CACHE_BYTES = 512 * 1024 * 1024;

class PieceCache {
  private readonly entries = new Map<string, { value: Promise<unknown>; bytes: number }>();
  private bytes = 0;
  constructor(private readonly budget: number) {}

  get<T>(key: string, load: () => Promise<{ value: T; bytes: number } | undefined>): Promise<T | undefined> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key); // LRU: move to the end
      this.entries.set(key, hit);
      return hit.value as Promise<T | undefined>;
    }
    const slot = { value: Promise.resolve(undefined as unknown), bytes: 0 };
    slot.value = load().then(
      (r) => {
        if (!r) {
          this.entries.delete(key); // absent or mid-rewrite: ask again next time
          return undefined;
        }
        slot.bytes = r.bytes;
        this.bytes += r.bytes;
        this.evict();
        return r.value;
      },
      (e: unknown) => {
        this.entries.delete(key);
        throw e;
      },
    );
    this.entries.set(key, slot);
    return slot.value as Promise<T | undefined>;
  }

  private evict(): void {
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.budget) break;
      if (!v.bytes) continue; // still loading
      this.entries.delete(k);
      this.bytes -= v.bytes;
    }
  }
}

const caches = new WeakMap<object, PieceCache>();
const cacheOf = (store: object): PieceCache => {
  let c = caches.get(store);
  if (!c) caches.set(store, (c = new PieceCache(PIECE_CACHE_BYTES)));
  return c;
};

/** Drop the decoded pieces cached for a store (benchmarks measure cold reads with it). */
export const dropPieceCache = (store: object): void => void caches.delete(store);

const chunkBytes = (chunks: readonly PieceChunk[]) => chunks.reduce((n, c) => n + c.keys.length * 4 + c.lens.length * 24 + c.nums.byteLength * 6, 0);

function cachedPiece(store: FootprintStore & RollupPieceStore, schema: 'cell', id: string, hash: string): Promise<Map<string, CellAcc> | undefined>;
function cachedPiece(store: FootprintStore & RollupPieceStore, schema: 'entry', id: string, hash: string): Promise<Map<string, FactsAcc> | undefined>;
function cachedPiece(store: FootprintStore & RollupPieceStore, schema: 'cell' | 'entry', id: string, hash: string): Promise<Map<string, FactsAcc> | undefined> {
  return cacheOf(store).get(`${id}@${hash}`, async () => {
    const chunks = await store.getRollupPiece(id, hash);
    if (!chunks) return undefined;
    return { value: schema === 'cell' ? decodePiece('cell', chunks) : decodePiece('entry', chunks), bytes: chunkBytes(chunks) };
  });
}

// ---- the view ------------------------------------------------------------------------------------------------

/** The view of `w` summed from every interval in it (the interval path). */
export async function intervalFootprintView(store: FootprintStore, w: Window): Promise<{ view: FootprintView; provenance: ViewProvenance }> {
  const intervals = w.endSec > w.startSec ? await store.queryIntervals(w) : [];
  return {
    view: viewOfIntervals(intervals, w),
    provenance: { source: 'intervals', rollupDays: 0, intervalDays: Math.ceil((w.endSec - alignDown(w.startSec, DAY_SEC)) / DAY_SEC), resourcePieces: 0, intervals: intervals.length },
  };
}

/** The view of `w`: roll-ups for whole rolled-up days, intervals for the rest. */
export async function loadFootprintView(store: FootprintStore, w: Window, req: ViewRequest = {}): Promise<{ view: FootprintView; provenance: ViewProvenance }> {
  if (req.source === 'intervals' || !hasRollupPieces(store) || w.endSec <= w.startSec) return intervalFootprintView(store, w);
  const a = alignUp(w.startSec, DAY_SEC);
  const b = alignDown(w.endSec, DAY_SEC);
  if (a >= b) return intervalFootprintView(store, w);
  const fromIdx = epochDay(a);
  const toIdx = epochDay(b);
  const manifests = new Map<number, RollupManifest>();
  for (const m of await store.getRollupManifests(dayOfIndex(fromIdx), dayOfIndex(toIdx - 1))) manifests.set(epochDay(parseIsoInstant(m.day)), m);

  const days = new Map<number, ReadonlyMap<string, CellAcc>>();
  /** Days read from intervals entirely; and days whose cells came from roll-ups but whose entries must come from intervals. */
  const intervalDays = new Set<number>();
  const entryOnlyDays = new Set<number>();
  await Promise.all(Array.from({ length: toIdx - fromIdx }, async (_, k) => {
    const idx = fromIdx + k;
    const m = manifests.get(idx);
    if (!m) return void intervalDays.add(idx);
    if (m.cubeHash === EMPTY_PIECE_HASH) return void days.set(idx * DAY_SEC, new Map());
    const cells = await cachedPiece(store, 'cell', cubePieceId(m.day), m.cubeHash);
    if (cells) days.set(idx * DAY_SEC, cells);
    else intervalDays.add(idx);
  }));

  const entryParts: ReadonlyMap<string, FactsAcc>[] = [];
  let resourcePieces = 0;
  if (req.entries) {
    const memo = new Map<string, string | undefined>();
    const hashOf = (blk: BlockRef) => expectedBlockHash(blk, (idx) => (intervalDays.has(idx) ? undefined : manifests.get(idx)?.resourceHash), memo);
    const parts: (ReadonlyMap<string, FactsAcc> | undefined)[] = [];
    const load = async (blk: BlockRef): Promise<void> => {
      const hash = hashOf(blk);
      if (hash === EMPTY_PIECE_HASH) return;
      const piece = hash === undefined ? undefined : await cachedPiece(store, 'entry', resourcePieceId(blk.level, blk.firstIdx), hash);
      if (piece) {
        resourcePieces++;
        parts.push(piece);
        return;
      }
      if (blk.level === 0) {
        if (!intervalDays.has(blk.firstIdx)) entryOnlyDays.add(blk.firstIdx);
        return;
      }
      await Promise.all(childrenOf(blk).map(load));
    };
    // Runs of days rolled up, each covered by aligned blocks.
    const blocks: BlockRef[] = [];
    let runStart: number | undefined;
    for (let idx = fromIdx; idx <= toIdx; idx++) {
      const ok = idx < toIdx && !intervalDays.has(idx);
      if (ok && runStart === undefined) runStart = idx;
      if (!ok && runStart !== undefined) {
        blocks.push(...decomposeDays(runStart, idx));
        runStart = undefined;
      }
    }
    await Promise.all(blocks.map(load));
    for (const p of parts) if (p) entryParts.push(p);
  }

  // Intervals: partial edge days, days without roll-ups, and the entries of days whose resource piece is unreadable.
  const windows: { w: Window; cells: boolean }[] = [];
  if (w.startSec < a) windows.push({ w: { startSec: w.startSec, endSec: a }, cells: true });
  for (const idx of intervalDays) windows.push({ w: { startSec: idx * DAY_SEC, endSec: (idx + 1) * DAY_SEC }, cells: true });
  if (req.entries) for (const idx of entryOnlyDays) windows.push({ w: { startSec: idx * DAY_SEC, endSec: (idx + 1) * DAY_SEC }, cells: false });
  if (b < w.endSec) windows.push({ w: { startSec: b, endSec: w.endSec }, cells: true });
  let intervals = 0;
  for (const x of windows.sort((p, q) => p.w.startSec - q.w.startSec)) {
    const xs = await store.queryIntervals(x.w);
    intervals += xs.length;
    const f = factsOfIntervals(xs.filter((i) => i.intervalStartSec >= w.startSec && i.intervalStartSec < w.endSec));
    if (x.cells) for (const [d, cells] of f.days) days.set(d, cells);
    if (req.entries) entryParts.push(f.entries);
  }
  let signature: string | undefined;
  if (!windows.length) {
    const h = createHash('sha256').update(`${w.startSec}|${w.endSec}|${req.entries ? 1 : 0}`);
    for (let idx = fromIdx; idx < toIdx; idx++) h.update(`|${manifests.get(idx)!.cubeHash}/${manifests.get(idx)!.resourceHash}`);
    signature = h.digest('hex');
  }
  return {
    view: { days, entryParts },
    provenance: { source: 'rollups', rollupDays: toIdx - fromIdx - intervalDays.size, intervalDays: windows.length, resourcePieces, intervals, signature },
  };
}

// ---- results derived from a view -----------------------------------------------------------------------------

/** Results kept per store (reports, time series, KPI facts): few and small next to the pieces. */
export const VIEW_RESULT_CACHE_ENTRIES = 64;
const results = new WeakMap<object, Map<string, unknown>>();

/**
 * `compute()` for a view read from roll-ups alone, remembered per store by the view's signature and `key` (the
 * derivation and its parameters): the result is a pure function of both, so a repeated request — the same panel on
 * 20 screens, a refresh — is answered without folding the pieces again, and a changed day changes the signature.
 * Without a signature (any interval read) it is computed every time. Callers must not mutate the result.
 */
export function memoOfView<T>(store: object, provenance: ViewProvenance, key: string, compute: () => T): T {
  if (!provenance.signature) return compute();
  let m = results.get(store);
  if (!m) results.set(store, (m = new Map()));
  const k = `${provenance.signature}|${key}`;
  if (m.has(k)) {
    const v = m.get(k) as T;
    m.delete(k); // LRU: move to the end
    m.set(k, v);
    return v;
  }
  const v = compute();
  m.set(k, v);
  if (m.size > VIEW_RESULT_CACHE_ENTRIES) m.delete(m.keys().next().value as string);
  return v;
}

/** Drop the results remembered for a store (benchmarks measure cold requests with it). */
export const dropViewResults = (store: object): void => void results.delete(store);

// ---- inventory snapshot --------------------------------------------------------------------------------------

/**
 * The resource list, shared by requests for a few seconds: KPIs (coverage denominators) and meta read the inventory,
 * which at 10,000 resources is thousands of items per read. Inventory changes reach the dashboard within this time.
 */
export const INVENTORY_SNAPSHOT_MS = 30_000;
const inventories = new WeakMap<object, { atMs: number; value: Promise<ResourceRef[]> }>();

/** Every registered resource, from a snapshot at most INVENTORY_SNAPSHOT_MS old (monotonic clock). */
export function inventorySnapshot(store: FootprintStore, maxAgeMs = INVENTORY_SNAPSHOT_MS): Promise<ResourceRef[]> {
  const now = performance.now();
  const hit = inventories.get(store);
  if (hit && now - hit.atMs <= maxAgeMs) return hit.value;
  const value = store.listAllResources();
  inventories.set(store, { atMs: now, value });
  value.catch(() => inventories.delete(store));
  return value;
}

/** Forget the inventory snapshot of a store (after writing resources in the same process, and in benchmarks). */
export const dropInventorySnapshot = (store: object): void => void inventories.delete(store);
