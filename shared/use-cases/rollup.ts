/** Use case: recompute the roll-ups of the given UTC days from their intervals (never incremented). */
import type { EventPublisher, FootprintStore } from '../ports';
import { rollupsForDay } from '../domain/footprint/aggregate';
import { DAY_SEC, parseIsoInstant } from '../domain/time';
import { DetailTypes, EVENT_SOURCE } from '../pipeline';

/** With a publisher, `Rollups Updated` follows the writes (budget evaluation runs on fresh roll-ups). */
export const makeRollup = (d: { store: FootprintStore; publisher?: EventPublisher }) =>
  async (days: string[]): Promise<{ days: number; rows: number }> => {
    let rows = 0;
    for (const day of days) {
      const start = parseIsoInstant(day);
      if (!Number.isFinite(start)) throw new Error(`rollup: invalid day "${day}" (expected YYYY-MM-DD)`);
      const intervals = await d.store.queryIntervals({ startSec: start, endSec: start + DAY_SEC });
      const out = rollupsForDay(day, intervals);
      await d.store.putRollups(out);
      rows += out.length;
    }
    if (d.publisher && days.length) await d.publisher.publish([{ source: EVENT_SOURCE, detailType: DetailTypes.rollupsUpdated, detail: { days } }]);
    return { days: days.length, rows };
  };
