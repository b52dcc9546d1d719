/** Hourly: fetches live intensity actuals and forecasts, makes our own forecast, stores them (EventBridge schedule). */
import middy from '@middy/core';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { EventBridgeEnvelope, parseOrThrow } from '../../shared/contracts/events';
import type { AppDeps } from '../../shared/composition/deps';
import { awsDeps } from '../../shared/composition/aws';
import { DynamoIntensityStore } from '../../shared/adapters/aws/dynamodb-intensity-store';
import { liveProvidersLoader, type LiveProvider } from '../../shared/adapters/intensity/live-providers';
import type { IntensityStore } from '../../shared/ports/intensity-store';
import { ingestTargets, makeIngestIntensity, SIGNALS } from '../../shared/use-cases/ingest-intensity';

/** What this handler needs beyond AppDeps (the composition roots add these). */
export interface IntensityIngestDeps extends AppDeps {
  intensityStore: IntensityStore;
  /** Configured live providers, resolved once per cold start (secret in AWS, environment locally). */
  liveProviders: () => Promise<LiveProvider[]>;
}

/** Optional extra signals to ingest besides the footprint signal, e.g. `marginal` for the planner. */
const Env = z.object({ INTENSITY_SIGNALS: z.string().optional() });

export const makeHandler = (getDeps: () => Promise<IntensityIngestDeps>, env: Record<string, string | undefined> = process.env) =>
  middy().handler(async (event: unknown) => {
    parseOrThrow(EventBridgeEnvelope, event, 'event');
    const deps = await getDeps();
    if (!deps.intensityStore || !deps.liveProviders) throw new Error('composition: intensityStore and liveProviders must be wired into the deps');
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

let aws: Promise<IntensityIngestDeps> | undefined;
/** AWS: AppDeps plus the intensity store and the providers from the secret named by PROVIDER_SECRET_ID. */
const awsIntensityDeps = (): Promise<IntensityIngestDeps> =>
  (aws ??= awsDeps().then((d) => {
    const x = d as Partial<IntensityIngestDeps> & AppDeps;
    return {
      ...d,
      intensityStore: x.intensityStore ?? new DynamoIntensityStore(new DynamoDBClient({}), d.config.tableName),
      liveProviders: x.liveProviders ?? liveProvidersLoader(process.env),
    };
  }));

export const handler = makeHandler(awsIntensityDeps);
