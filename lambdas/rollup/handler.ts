/** Recomputes daily roll-ups for the days new intervals touched (EventBridge: Footprint Intervals Written). */
import middy from '@middy/core';
import { EventBridgeEnvelope, IntervalsWritten, parseOrThrow } from '../../shared/contracts/events';
import type { AppDeps } from '../../shared/composition/deps';
import { makeRollup } from '../../shared/use-cases/rollup';
import { awsDeps } from '../../shared/composition/aws';

export const makeHandler = (getDeps: () => Promise<AppDeps>) =>
  middy().handler(async (event: unknown) => {
    const e = parseOrThrow(EventBridgeEnvelope, event, 'event');
    const { days } = parseOrThrow(IntervalsWritten, e.detail, 'detail');
    const deps = await getDeps();
    const result = await makeRollup({ store: deps.store })(days);
    deps.log('rollup', result);
    return result;
  });

export const handler = makeHandler(awsDeps);
