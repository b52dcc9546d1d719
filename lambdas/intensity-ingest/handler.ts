/** Hourly: fetches live intensity actuals and forecasts, makes our own forecast, stores them (EventBridge schedule). */
import middy from '@middy/core';
import { EventBridgeEnvelope, parseOrThrow } from '../../shared/contracts/events';
import type { DepsGetter } from '../../shared/composition/deps';
import { awsDeps } from '../../shared/composition/aws';
import { ingestTargets, makeIngestIntensity } from '../../shared/use-cases/ingest-intensity';

export const makeHandler = (getDeps: DepsGetter<'intensity-ingest'>) =>
  middy().handler(async (event: unknown) => {
    parseOrThrow(EventBridgeEnvelope, event, 'event');
    const deps = await getDeps();
    // No regions configured (the local demo): the regions of the tracked resources.
    const regions = deps.regions.length ? deps.regions : await deps.listResourceRegions();
    const { targets, unknown } = ingestTargets(regions, deps.regionInfo, deps.signals);
    if (unknown.length) deps.log('intensity ingest: regions not in the region catalog', { regions: unknown });
    const result = await makeIngestIntensity({
      store: deps.intensityStore,
      providers: await deps.liveProviders(),
      clock: deps.clock,
      publisher: deps.publisher,
      log: deps.log,
    })(targets);
    deps.log('intensity-ingest', { ...result, events: result.events.length });
    return result;
  });

export const handler = makeHandler(awsDeps('intensity-ingest'));
