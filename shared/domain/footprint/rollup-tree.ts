/**
 * The roll-up layout (pure): which pieces exist, what they are called, and which ones a window reads.
 *
 * Per UTC day (recomputed from that day's intervals only, so concurrent roll-ups of different days never race):
 * - a **cube** piece `C#<day>`: one cell per (team, region, kind) with the full facts, hourly emissions and energy
 *   and the training seconds per (zone, hour, intensity) — read by every cube-shaped view (by team, region, kind,
 *   day, time series, KPI totals);
 * - a **resource** piece `R#0#<day>`: one entry per (resource, team, project, model) — level 0 of the tree below;
 * - a **manifest** with the two content hashes, the interval count, the teams and regions seen.
 *
 * Resource pieces also exist for aligned blocks of 2^k days (k = 1 … MAX_LEVEL, block j covers epoch days
 * [j·2^k, (j+1)·2^k)), each the exact merge of its two halves. A window of D whole days then reads at most
 * 2·MAX_LEVEL resource pieces (≈ 2·log2 D) instead of D: a 30-day window of 10,000 resources reads ≈ 5 pieces of
 * ≤ 10,000 entries (≈ 50,000 entries) rather than 300,000 day entries, and 30 small cube pieces.
 *
 * A block's hash is derived from its children's hashes, and a day's from its manifest, so a reader computes the
 * hash every piece *should* have from the manifests alone (one query) and uses a stored piece only when it matches:
 * a block left stale by a crash or a race is never read, the reader descends to its halves instead.
 */
import { createHash } from 'node:crypto';
import { DAY_SEC, utcDay } from '../time';
import { EMPTY_PIECE_HASH } from './rollup-facts';

/** Largest block: 2^6 = 64 days (the query API's longest window is 93 days). */
export const MAX_LEVEL = 6;

/** What a day's roll-up says about it (one small item per day). */
export interface RollupManifest {
  /** YYYY-MM-DD (UTC). */
  day: string;
  cubeHash: string;
  resourceHash: string;
  intervals: number;
  teams: string[];
  regions: string[];
  demo: boolean;
}

export const epochDay = (daySec: number): number => Math.floor(daySec / DAY_SEC);
export const dayOfIndex = (idx: number): string => utcDay(idx * DAY_SEC);

export const cubePieceId = (day: string): string => `C#${day}`;
/** Resource piece of level `level` (0 = one day) whose first epoch day is `firstIdx`. */
export const resourcePieceId = (level: number, firstIdx: number): string => `R#${level}#${dayOfIndex(firstIdx)}`;

export interface BlockRef {
  level: number;
  /** First epoch day covered. */
  firstIdx: number;
}
export const blockDays = (b: BlockRef): number => 2 ** b.level;

/** Aligned blocks covering epoch days [fromIdx, toIdx) exactly, largest first where alignment allows. */
export function decomposeDays(fromIdx: number, toIdx: number, maxLevel = MAX_LEVEL): BlockRef[] {
  const out: BlockRef[] = [];
  let i = fromIdx;
  while (i < toIdx) {
    let level = 0;
    while (level < maxLevel && i % 2 ** (level + 1) === 0 && i + 2 ** (level + 1) <= toIdx) level++;
    out.push({ level, firstIdx: i });
    i += 2 ** level;
  }
  return out;
}

/** The two halves of a block (level ≥ 1). */
export const childrenOf = (b: BlockRef): [BlockRef, BlockRef] => [
  { level: b.level - 1, firstIdx: b.firstIdx },
  { level: b.level - 1, firstIdx: b.firstIdx + 2 ** (b.level - 1) },
];

/** The block of `level` that contains epoch day `idx`. */
export const blockContaining = (idx: number, level: number): BlockRef => ({ level, firstIdx: Math.floor(idx / 2 ** level) * 2 ** level });

/**
 * The hash a resource piece must carry, from the days' manifests (`resourceHashOfDay(idx)`: the manifest's resource
 * hash, or undefined when the day was never rolled up — then no block over it can be trusted). Empty blocks hash
 * to EMPTY_PIECE_HASH and are never stored.
 */
export function expectedBlockHash(b: BlockRef, resourceHashOfDay: (idx: number) => string | undefined, memo = new Map<string, string | undefined>()): string | undefined {
  if (b.level === 0) return resourceHashOfDay(b.firstIdx);
  const id = `${b.level}#${b.firstIdx}`;
  if (memo.has(id)) return memo.get(id);
  const [l, r] = childrenOf(b);
  const hl = expectedBlockHash(l, resourceHashOfDay, memo);
  const hr = hl === undefined ? undefined : expectedBlockHash(r, resourceHashOfDay, memo);
  const h = hl === undefined || hr === undefined
    ? undefined
    : hl === EMPTY_PIECE_HASH && hr === EMPTY_PIECE_HASH
      ? EMPTY_PIECE_HASH
      : createHash('sha256').update(`${b.level}:${b.firstIdx}:${hl}:${hr}`).digest('hex').slice(0, 32);
  memo.set(id, h);
  return h;
}
