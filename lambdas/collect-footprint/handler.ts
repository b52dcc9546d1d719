/** Collects footprints for a batch of resources (EventBridge: Footprint Collection Requested). */
import middy from '@middy/core';
import { CollectionRequested, EventBridgeEnvelope, parseOrThrow } from '../../shared/contracts/events';
import type { DepsGetter } from '../../shared/composition/deps';
import { makeCollectFootprint } from '../../shared/use-cases/collect-footprint';
import { awsDeps } from '../../shared/composition/aws';
import { footprintMetrics } from '../../shared/adapters/aws/emf';

export const makeHandler = (getDeps: DepsGetter<'collect-footprint'>) =>
  middy().handler(async (event: unknown) => {
    const e = parseOrThrow(EventBridgeEnvelope, event, 'event');
    const { resourceKeys } = parseOrThrow(CollectionRequested, e.detail, 'detail');
    const deps = await getDeps();
    const { finalIntervals, ...result } = await makeCollectFootprint(deps.collector)(resourceKeys);
    // Footprint metrics as CloudWatch Embedded Metric Format log lines (no PutMetricData calls).
    for (const line of footprintMetrics(finalIntervals)) deps.emitMetricLine(line);
    deps.log('collect-footprint', { ...result, days: result.days.length });
    return result;
  });

export const handler = makeHandler(awsDeps('collect-footprint'));
