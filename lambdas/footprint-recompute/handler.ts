/** Recomputes the carbon of intervals whose hours got late actuals (EventBridge: Intensity Actuals Updated). */
import middy from '@middy/core';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeEnvelope, parseOrThrow } from '../../shared/contracts/events';
import type { AppDeps } from '../../shared/composition/deps';
import { awsDeps } from '../../shared/composition/aws';
import { DynamoIntensityStore } from '../../shared/adapters/aws/dynamodb-intensity-store';
import { StoredIntensityProvider } from '../../shared/adapters/intensity/stored-intensity-provider';
import type { IntensityStore } from '../../shared/ports/intensity-store';
import { IntensityActualsUpdated } from '../../shared/use-cases/ingest-intensity';
import { makeRecomputeCarbon } from '../../shared/use-cases/recompute-carbon';

export interface FootprintRecomputeDeps extends AppDeps {
  intensityStore: IntensityStore;
}

export const makeHandler = (getDeps: () => Promise<FootprintRecomputeDeps>) =>
  middy().handler(async (event: unknown) => {
    const e = parseOrThrow(EventBridgeEnvelope, event, 'event');
    const detail = parseOrThrow(IntensityActualsUpdated, e.detail, 'detail');
    const deps = await getDeps();
    if (!deps.intensityStore) throw new Error('composition: intensityStore must be wired into the deps');
    // The same chain as the collector, with the intensity store first (added here if the composition has not).
    const hasStored = deps.intensityProviders.some((p) => p instanceof StoredIntensityProvider);
    const providers = hasStored ? deps.intensityProviders : [new StoredIntensityProvider(deps.intensityStore, deps.clock), ...deps.intensityProviders];
    const result = await makeRecomputeCarbon({ store: deps.store, providers, publisher: deps.publisher })(detail);
    deps.log('footprint-recompute', { ...detail, ...result, days: result.days.length });
    return result;
  });

let aws: Promise<FootprintRecomputeDeps> | undefined;
const awsRecomputeDeps = (): Promise<FootprintRecomputeDeps> =>
  (aws ??= awsDeps().then((d) => ({
    ...d,
    intensityStore: (d as Partial<FootprintRecomputeDeps>).intensityStore ?? new DynamoIntensityStore(new DynamoDBClient({}), d.config.tableName),
  })));

export const handler = makeHandler(awsRecomputeDeps);
