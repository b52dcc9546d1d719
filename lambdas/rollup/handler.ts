/** Recomputes daily roll-ups for the days new intervals touched (EventBridge: Footprint Intervals Written). */
import middy from '@middy/core';
import { BACKSTOP_DAYS, EventBridgeEnvelope, IntervalsWritten, parseOrThrow } from '../../shared/contracts/events';
import { recentDays } from '../../shared/domain/time';
import type { DepsGetter } from '../../shared/composition/deps';
import { makeRollup } from '../../shared/use-cases/rollup';
import { awsDeps } from '../../shared/composition/aws';

export const makeHandler = (getDeps: DepsGetter<'rollup'>) =>
  middy().handler(async (event: unknown) => {
    const e = parseOrThrow(EventBridgeEnvelope, event, 'event');
    // The daily backstop recomputes the last few days: covers an event lost after retries and index reads that
    // lagged the write that triggered them.
    const fromEvent = e['detail-type'] === 'Scheduled Event' ? undefined : parseOrThrow(IntervalsWritten, e.detail, 'detail');
    const deps = await getDeps();
    const days = fromEvent?.days ?? recentDays(deps.clock.nowSec(), BACKSTOP_DAYS);
    const result = await makeRollup(deps)(days);
    deps.log('rollup', result);
    return result;
  });

export const handler = makeHandler(awsDeps('rollup'));
