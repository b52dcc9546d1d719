/**
 * Use case: recompute the roll-ups of the given UTC days from their intervals (never incremented), then the
 * multi-day resource blocks that contain them (shared/domain/footprint/rollup-tree.ts).
 *
 * Every path that writes intervals runs it for the days it touched: the collector and the recompute announce them
 * (`Footprint Intervals Written` → the rollup function), the CLI's intensity import/backfill calls it directly, and a
 * daily schedule recomputes the last days as a backstop. Per day: one interval query, one cube piece, one resource
 * piece, one manifest (written last). Per block level (1 … 6): the blocks over the changed days, each merged from its
 * two halves. A block built from halves that changed meanwhile is left with a hash no reader expects (they descend
 * to its halves); each run re-reads the manifests at the end and rebuilds what moved under it. With a publisher,
 * `Rollups Updated` follows the writes (budget evaluation runs on fresh roll-ups).
 */
import type { EventPublisher, FootprintStore, RollupPieceStore } from '../ports';
import { rollupsForDay } from '../domain/footprint/aggregate';
import { countOf, decodePiece, EMPTY_PIECE_HASH, encodePiece, factsOfIntervals, mergeFacts, newFacts, parseCellKey, type FactsAcc } from '../domain/footprint/rollup-facts';
import {
  blockContaining, childrenOf, cubePieceId, dayOfIndex, epochDay, expectedBlockHash, MAX_LEVEL, resourcePieceId,
  type BlockRef, type RollupManifest,
} from '../domain/footprint/rollup-tree';
import { DAY_SEC, parseIsoInstant } from '../domain/time';
import { DetailTypes, EVENT_SOURCE } from '../pipeline';

/** A store that keeps roll-up pieces. */
export const hasRollupPieces = (s: FootprintStore): s is FootprintStore & RollupPieceStore =>
  typeof s.putRollupPiece === 'function' && typeof s.getRollupPiece === 'function' && typeof s.putRollupManifest === 'function' && typeof s.getRollupManifests === 'function';

export class InvalidRollupDayError extends Error {
  readonly retryable = false;
  constructor(day: string) {
    super(`rollup: invalid day "${day}" (expected YYYY-MM-DD)`);
    this.name = 'InvalidRollupDayError';
  }
}

export type RollupResult = {
  days: number;
  /** Roll-up entries written (cells + resource entries, or per-dimension rows on a store without pieces). */
  rows: number;
  /** Multi-day blocks rebuilt. */
  blocks?: number;
};

/** Up to this many changed days keep their decoded entries in memory for the block rebuild. */
const KEEP_DAYS_IN_MEMORY = 4;

/** Merge two decoded resource pieces into a new map. */
function mergePieces(a: ReadonlyMap<string, FactsAcc>, b: ReadonlyMap<string, FactsAcc>): Map<string, FactsAcc> {
  const out = new Map<string, FactsAcc>();
  for (const src of [a, b]) {
    for (const [k, acc] of src) {
      let t = out.get(k);
      if (!t) out.set(k, (t = newFacts()));
      mergeFacts(t, acc);
    }
  }
  return out;
}

export const makeRollup = (d: { store: FootprintStore; publisher?: EventPublisher }) =>
  async (days: string[]): Promise<RollupResult> => {
    const r = await rollupDays(d.store, days);
    if (d.publisher && r.days) await d.publisher.publish([{ source: EVENT_SOURCE, detailType: DetailTypes.rollupsUpdated, detail: { days: [...new Set(days)].sort() } }]);
    return r;
  };

async function rollupDays(store: FootprintStore, days: string[]): Promise<RollupResult> {
    const unique = [...new Set(days)].sort();
    const starts = unique.map((day) => {
      const start = parseIsoInstant(day);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !Number.isFinite(start)) throw new InvalidRollupDayError(day);
      return start;
    });
    if (!hasRollupPieces(store)) {
      let rows = 0;
      for (const [k, start] of starts.entries()) {
        const out = rollupsForDay(unique[k], await store.queryIntervals({ startSec: start, endSec: start + DAY_SEC }));
        await store.putRollups(out);
        rows += out.length;
      }
      return { days: unique.length, rows };
    }
    let rows = 0;
    const built = new Map<string, Map<string, FactsAcc>>(); // `${pieceId}@${hash}` → resource entries built in this run
    for (const [k, start] of starts.entries()) {
      const day = unique[k];
      const f = factsOfIntervals(await store.queryIntervals({ startSec: start, endSec: start + DAY_SEC }));
      const cells = f.days.get(start) ?? new Map();
      const cube = encodePiece('cell', cells);
      const res = encodePiece('entry', f.entries);
      const resId = resourcePieceId(0, epochDay(start));
      if (cube.chunks.length) await store.putRollupPiece(cubePieceId(day), cube.hash, cube.chunks);
      if (res.chunks.length) await store.putRollupPiece(resId, res.hash, res.chunks);
      // Kept for the block rebuild when few days change (the usual hourly case); a backfill reads them back instead.
      if (unique.length <= KEEP_DAYS_IN_MEMORY) built.set(`${resId}@${res.hash}`, f.entries);
      const keys = [...cells.keys()].map(parseCellKey);
      const manifest: RollupManifest = {
        day, cubeHash: cube.hash, resourceHash: res.hash, intervals: f.intervals,
        teams: [...new Set(keys.map((x) => x.team))].sort(), regions: [...new Set(keys.map((x) => x.region))].sort(),
        demo: [...cells.values()].some((c) => countOf(c, 'demo') > 0),
    }
      // Last: a day's pieces are trusted through its manifest.
      await store.putRollupManifest(manifest);
      rows += cube.entries + res.entries;
    }
    const blocks = unique.length ? await rebuildBlocks(store, starts.map(epochDay), built) : 0;
    return { days: unique.length, rows, blocks };
  };

/** Rebuild every block (levels 1 … MAX_LEVEL) over the changed days whose days all have manifests. */
async function rebuildBlocks(store: FootprintStore & RollupPieceStore, changed: number[], built: Map<string, Map<string, FactsAcc>>): Promise<number> {
  const tops = [...new Set(changed.map((i) => blockContaining(i, MAX_LEVEL).firstIdx))];
  const fromIdx = Math.min(...tops);
  const toIdx = Math.max(...tops) + 2 ** MAX_LEVEL;
  let rebuilt = 0;
  let want = new Map<string, BlockRef>();
  for (const i of changed) for (let level = 1; level <= MAX_LEVEL; level++) {
    const b = blockContaining(i, level);
    want.set(`${b.level}#${b.firstIdx}`, b);
  }
  for (let pass = 0; pass < 3 && want.size; pass++) {
    const manifests = new Map((await store.getRollupManifests(dayOfIndex(fromIdx), dayOfIndex(toIdx - 1))).map((m) => [epochDay(parseIsoInstant(m.day)), m]));
    const memo = new Map<string, string | undefined>();
    const hashOf = (b: BlockRef) => expectedBlockHash(b, (idx) => manifests.get(idx)?.resourceHash, memo);
    const ensure = async (b: BlockRef): Promise<Map<string, FactsAcc> | undefined> => {
      const hash = hashOf(b);
      if (hash === undefined) return undefined;
      if (hash === EMPTY_PIECE_HASH) return new Map();
      const id = resourcePieceId(b.level, b.firstIdx);
      const mine = built.get(`${id}@${hash}`);
      if (mine) return mine;
      const stored = await store.getRollupPiece(id, hash);
      if (stored) return decodePiece('entry', stored);
      if (b.level === 0) return undefined; // the day's piece is missing or being rewritten: the block waits for its next run
      const [l, r] = childrenOf(b);
      const left = await ensure(l);
      const right = left && (await ensure(r));
      if (!left || !right) return undefined;
      const merged = mergePieces(left, right);
      const enc = encodePiece('entry', merged);
      await store.putRollupPiece(id, hash, enc.chunks);
      built.set(`${id}@${hash}`, merged);
      rebuilt++;
      return merged;
    };
    // Bottom-up, so every level reuses the one below it.
    const order = [...want.values()].sort((a, b) => a.level - b.level || a.firstIdx - b.firstIdx);
    const used = new Map<string, string | undefined>();
    for (const b of order) {
      // Levels below the previous one are done with: drop them (a backfill of many days would hold them all).
      for (const k of built.keys()) if (Number(k.split('#')[1]) < b.level - 1) built.delete(k);
      await ensure(b);
      used.set(`${b.level}#${b.firstIdx}`, hashOf(b));
    }
    // Re-read: a day that changed while we built gets its blocks rebuilt now.
    const again = new Map((await store.getRollupManifests(dayOfIndex(fromIdx), dayOfIndex(toIdx - 1))).map((m) => [epochDay(parseIsoInstant(m.day)), m]));
    const memo2 = new Map<string, string | undefined>();
    const next = new Map<string, BlockRef>();
    for (const b of order) {
      if (expectedBlockHash(b, (idx) => again.get(idx)?.resourceHash, memo2) !== used.get(`${b.level}#${b.firstIdx}`)) next.set(`${b.level}#${b.firstIdx}`, b);
    }
    want = next;
  }
  return rebuilt;
}
