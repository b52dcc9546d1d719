/**
 * The one default window of everything the footprint store knows: the start-up summary of `npm start`, `report`,
 * `kpis`, the query API and the dashboard all use it, so they cover the same figures for the same store.
 *
 * Whole UTC days, [first day with intervals, day after the last one) — day-aligned so that every default view is
 * answered from daily roll-ups alone. From the roll-up manifests (one query) when the store keeps them; otherwise
 * (nothing rolled up yet, or a store without roll-up pieces) from the inventory: first resource start to the latest
 * activity (cursor, end or start + 1 h), widened to whole days.
 */
import { alignDown, alignUp, DAY_SEC, HOUR_SEC, parseIsoInstant, type Window } from '../domain/time';
import { resourceKey } from '../domain/types';
import type { FootprintStore } from '../ports';
import { hasRollupPieces } from './rollup';

/** The default window (whole UTC days); undefined for an empty store. */
export async function dataWindow(store: FootprintStore): Promise<Window | undefined> {
  if (hasRollupPieces(store)) {
    const days = (await store.getRollupManifests()).filter((m) => m.intervals > 0).map((m) => parseIsoInstant(m.day)).sort((a, b) => a - b);
    if (days.length) return { startSec: days[0], endSec: days[days.length - 1] + DAY_SEC };
  }
  const rs = await store.listAllResources();
  if (!rs.length) return undefined;
  const start = Math.min(...rs.map((r) => r.startSec));
  const cursors = await Promise.all(rs.map((r) => store.getCursor(resourceKey(r))));
  const end = Math.max(...cursors.map((c) => c?.collectedToSec ?? 0), ...rs.map((r) => r.endSec ?? 0), start + HOUR_SEC);
  const startSec = alignDown(start, DAY_SEC);
  return { startSec, endSec: Math.max(alignUp(end, DAY_SEC), startSec + DAY_SEC) };
}
