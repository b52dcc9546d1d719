/** Hourly: fetches live intensity actuals and forecasts, makes our own forecast, stores them (EventBridge schedule). */
import middy from '@middy/core';
import { z } from 'zod';
import { EventBridgeEnvelope, parseOrThrow } from '../../shared/contracts/events';
import type { AppDeps } from '../../shared/composition/deps';
import { awsDeps } from '../../shared/composition/aws';
import { ingestTargets, makeIngestIntensity, SIGNALS } from '../../shared/use-cases/ingest-intensity';

/** Optional extra signals to ingest besides the footprint signal, e.g. `marginal` for the planner. */
const Env = z.object({ INTENSITY_SIGNALS: z.string().optional() });

export const makeHandler = (getDeps: () => Promise<AppDeps>, env: Record<string, string | undefined> = process.env) =>
  middy().handler(async (event: unknown) => {
    parseOrThrow(EventBridgeEnvelope, event, 'event');
    const deps = await getDeps();
    const extra = (Env.parse(env).INTENSITY_SIGNALS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const signals = parseOrThrow(z.array(z.enum(SIGNALS)), [...new Set([deps.config.signal, ...extra])], 'INTENSITY_SIGNALS');
    // No regions configured (the local demo): the regions of the tracked resources.
    const regions = deps.config.regions.length ? deps.config.regions : [...new Set((await deps.store.listResources()).map((r) => r.region))].sort();
    const { targets, unknown } = ingestTargets(regions, deps.regionInfo, signals);
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

export const handler = makeHandler(awsDeps);
