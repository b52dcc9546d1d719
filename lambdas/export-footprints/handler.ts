/** Exports the days new intervals touched to S3 as partitioned JSON lines (EventBridge: Footprint Intervals Written). */
import middy from '@middy/core';
import { BACKSTOP_DAYS, EventBridgeEnvelope, IntervalsWritten, parseOrThrow } from '../../shared/contracts/events';
import { recentDays } from '../../shared/domain/time';
import type { DepsGetter } from '../../shared/composition/deps';
import { awsDeps } from '../../shared/composition/aws';
import { makeExportFootprints, makeExportMarketBased, monthsOfDays } from '../../shared/use-cases/export-footprints';

export const makeHandler = (getDeps: DepsGetter<'export-footprints'>) =>
  middy().handler(async (event: unknown) => {
    const e = parseOrThrow(EventBridgeEnvelope, event, 'event');
    // The daily backstop recomputes the last few days: covers an event lost after retries and index reads that
    // lagged the write that triggered them.
    const fromEvent = e['detail-type'] === 'Scheduled Event' ? undefined : parseOrThrow(IntervalsWritten, e.detail, 'detail');
    const deps = await getDeps();
    const days = fromEvent?.days ?? recentDays(deps.clock.nowSec(), BACKSTOP_DAYS);
    if (!deps.writer) {
      deps.log('export-footprints: disabled (no EXPORT_BUCKET / EXPORT_DIR)', { days });
      return { written: [], empty: [], disabled: true };
    }
    const result = await makeExportFootprints({ store: deps.store, writer: deps.writer })(days);
    deps.log('export-footprints', { written: result.written.length, rows: result.written.reduce((a, w) => a + w.rows, 0), empty: result.empty });
    // Market-based figures need the year-to-date allocation: once a day (the backstop), for the months of its days.
    if (!fromEvent && deps.instruments) {
      const market = await makeExportMarketBased({ store: deps.store, instruments: deps.instruments, writer: deps.writer })(monthsOfDays(days));
      deps.log('export-footprints market-based', { written: market.written.length, noInstruments: market.noInstruments });
      return { ...result, marketBased: market };
    }
    return result;
  });

export const handler = makeHandler(awsDeps('export-footprints'));
