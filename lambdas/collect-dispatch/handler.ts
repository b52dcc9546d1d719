/** Hourly fan-out of collection requests (EventBridge schedule). */
import middy from '@middy/core';
import { EventBridgeEnvelope, parseOrThrow } from '../../shared/contracts/events';
import type { AppDeps } from '../../shared/composition/deps';
import { makeCollectDispatch } from '../../shared/use-cases/collect-dispatch';
import { awsDeps } from '../../shared/composition/aws';

export const makeHandler = (getDeps: () => Promise<AppDeps>) =>
  middy().handler(async (event: unknown) => {
    parseOrThrow(EventBridgeEnvelope, event, 'event');
    const deps = await getDeps();
    const result = await makeCollectDispatch({ store: deps.store, publisher: deps.publisher, batchSize: deps.config.batchSize })();
    deps.log('collect-dispatch', result);
    return result;
  });

export const handler = makeHandler(awsDeps);
