/** Registers AI workloads: periodic sweep (schedule) or a single state change (SageMaker / EC2 events). */
import middy from '@middy/core';
import { EventBridgeEnvelope, parseOrThrow } from '../../shared/contracts/events';
import type { AppDeps } from '../../shared/composition/deps';
import { makeInventorySweep, makeStateChangeHandler, type InventoryDeps } from '../../shared/use-cases/inventory-sync';
import { parseStateChangeEvent } from '../../shared/adapters/aws/sagemaker-inventory';
import { awsDeps } from '../../shared/composition/aws';

const inventoryDeps = (d: AppDeps): InventoryDeps => ({
  inventory: d.inventory,
  store: d.store,
  clock: d.clock,
  regions: d.config.regions,
  lookbackSec: d.config.inventoryLookbackSec,
});

export const makeHandler = (getDeps: () => Promise<AppDeps>) =>
  middy().handler(async (event: unknown) => {
    const e = parseOrThrow(EventBridgeEnvelope, event, 'event');
    const deps = await getDeps();
    const result =
      e['detail-type'] === 'Scheduled Event'
        ? await makeInventorySweep(inventoryDeps(deps))()
        : await makeStateChangeHandler(inventoryDeps(deps))(parseStateChangeEvent(event));
    deps.log('inventory-sync', { trigger: e['detail-type'], ...result });
    return result;
  });

export const handler = makeHandler(awsDeps);
