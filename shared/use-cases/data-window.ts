/** The window of everything the footprint store knows (CLI reports and the query API default to it). */
import { alignDown, alignUp, HOUR_SEC, type Window } from '../domain/time';
import { resourceKey } from '../domain/types';
import type { FootprintStore } from '../ports';

/** First resource start → latest activity (cursor, end or start + 1 h), hour-aligned; undefined for an empty store. */
export async function dataWindow(store: FootprintStore): Promise<Window | undefined> {
  const rs = await store.listAllResources();
  if (!rs.length) return undefined;
  const start = Math.min(...rs.map((r) => r.startSec));
  const cursors = await Promise.all(rs.map((r) => store.getCursor(resourceKey(r))));
  const end = Math.max(...cursors.map((c) => c?.collectedToSec ?? 0), ...rs.map((r) => r.endSec ?? 0), start + HOUR_SEC);
  return { startSec: alignDown(start, HOUR_SEC), endSec: alignUp(end + HOUR_SEC, HOUR_SEC) };
}
