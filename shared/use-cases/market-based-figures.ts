/**
 * Use case: the market-based allocation for a reporting window. Allocation is chronological within each calendar
 * year (shared/domain/market/market-based.ts), so it reads the intervals from 1 January of the window's first year
 * up to the window's end; figures for the window's intervals then do not depend on how wide the window is.
 */
import type { FootprintStore, InstrumentStore } from '../ports';
import type { Window } from '../domain/time';
import type { Instrument } from '../domain/market/instrument-types';
import { computeMarketBased, type MarketBasedResult } from '../domain/market/market-based';
import type { FootprintInterval } from '../domain/types';

const yearStartSec = (tSec: number) => Date.UTC(new Date(tSec * 1000).getUTCFullYear(), 0, 1) / 1000;

export interface MarketBasedFigures {
  result: MarketBasedResult;
  /** The intervals the allocation ran over (year start → window end). */
  allocatedOver: FootprintInterval[];
  instruments: Instrument[];
}

/** Market-based figures for `window`, or undefined when no instruments are registered (no market-based figure then). */
export async function marketBasedFigures(
  d: { store: FootprintStore; instruments: InstrumentStore | { currentRegistry(): Promise<{ instruments: Instrument[] } | undefined> } },
  window: Window,
  windowIntervals?: FootprintInterval[],
): Promise<MarketBasedFigures | undefined> {
  const reg = await d.instruments.currentRegistry();
  if (!reg || reg.instruments.length === 0) return undefined;
  const from = yearStartSec(window.startSec);
  const before = from < window.startSec ? await d.store.queryIntervals({ startSec: from, endSec: window.startSec }) : [];
  const inWindow = windowIntervals ?? (await d.store.queryIntervals(window));
  const allocatedOver = [...before, ...inWindow];
  return { result: computeMarketBased(allocatedOver, reg.instruments), allocatedOver, instruments: reg.instruments };
}
