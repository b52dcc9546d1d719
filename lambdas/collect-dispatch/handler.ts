/** Hourly fan-out of collection requests (EventBridge schedule). */
import middy from '@middy/core';
import { EventBridgeEnvelope, parseOrThrow } from '../../shared/contracts/events';
import type { DepsGetter } from '../../shared/composition/deps';
import { makeCollectDispatch } from '../../shared/use-cases/collect-dispatch';
import { awsDeps } from '../../shared/composition/aws';

export const makeHandler = (getDeps: DepsGetter<'collect-dispatch'>) =>
  middy().handler(async (event: unknown) => {
    parseOrThrow(EventBridgeEnvelope, event, 'event');
    const deps = await getDeps();
    const result = await makeCollectDispatch(deps)();
    deps.log('collect-dispatch', result);
    return result;
  });

export const handler = makeHandler(awsDeps('collect-dispatch'));
