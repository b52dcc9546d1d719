/** Registers AI workloads: periodic sweep (schedule) or a single state change (SageMaker / EC2 events, from any region). */
import middy from '@middy/core';
import { EventBridgeEnvelope, parseOrThrow } from '../../shared/contracts/events';
import type { DepsGetter } from '../../shared/composition/deps';
import { makeInventorySweep, makeStateChangeHandler } from '../../shared/use-cases/inventory-sync';
import { parseStateChangeEvent } from '../../shared/adapters/aws/sagemaker-inventory';
import { awsDeps } from '../../shared/composition/aws';

export const makeHandler = (getDeps: DepsGetter<'inventory-sync'>) =>
  middy().handler(async (event: unknown) => {
    const e = parseOrThrow(EventBridgeEnvelope, event, 'event');
    const change = e['detail-type'] === 'Scheduled Event' ? undefined : parseStateChangeEvent(event);
    const deps = await getDeps();
    const result = change ? await makeStateChangeHandler(deps)(change) : await makeInventorySweep(deps)();
    deps.log('inventory-sync', { trigger: e['detail-type'], ...result });
    return result;
  });

export const handler = makeHandler(awsDeps('inventory-sync'));
