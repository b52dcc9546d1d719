/** Composition root for the local runtime: real DynamoDB API (dynalite), local bus, DEMO fleet and telemetry. */
import type { Clock, EventPublisher, FootprintStore } from '../ports';
import type { ResourceRef } from '../domain/types';
import type { AppConfig } from '../contracts/config';
import { DemoInventory, DemoMetricsSource } from '../adapters/local/demo-fleet';
import { DemoIntensityProvider } from '../adapters/intensity/demo-intensity-provider';
import { YearlyIntensityProvider } from '../adapters/intensity/yearly-intensity-provider';
import { lookupInstance } from '../domain/power/instance-catalog';
import { getRegionInfo } from '../domain/regions/region-catalog';
import type { AppDeps, Log } from './deps';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoIntensityStore } from '../adapters/aws/dynamodb-intensity-store';
import { StoredIntensityProvider } from '../adapters/intensity/stored-intensity-provider';
import { liveProvidersLoader } from '../adapters/intensity/live-providers';

export interface LocalDepsInput {
  config: Readonly<AppConfig>;
  /** The DynamoDB API client (dynalite) the stores use. */
  dynamo: DynamoDBClient;
  store: FootprintStore;
  clock: Clock;
  publisher: EventPublisher;
  /** The demo fleet is laid out relative to this instant (the replay's --now). */
  demoAnchorSec: number;
  /** Extra resources the demo inventory lists (training jobs launched by the local dispatcher). */
  extraResources?: () => Promise<ResourceRef[]>;
  log?: Log;
}

export function localDeps(i: LocalDepsInput): AppDeps {
  const intensityStore = new DynamoIntensityStore(i.dynamo, i.config.tableName);
  return {
    intensityStore,
    liveProviders: liveProvidersLoader(process.env),
    config: i.config,
    store: i.store,
    clock: i.clock,
    publisher: i.publisher,
    metrics: new DemoMetricsSource(i.clock, (type) => {
      const s = lookupInstance(type);
      return s && { count: s.acceleratorCount, idleW: s.accelerator.idleW, maxW: s.accelerator.maxW };
    }),
    inventory: new DemoInventory(i.clock, i.demoAnchorSec, i.extraResources),
    // Stored series (imports, live providers, own forecasts) first; then the hourly demo series (labelled
    // 'demo (synthetic)'); the yearly Electricity Maps averages last.
    intensityProviders: [new StoredIntensityProvider(intensityStore, i.clock), new DemoIntensityProvider(), new YearlyIntensityProvider()],
    lookupInstance,
    regionInfo: (region) => getRegionInfo(region, i.config.regionOverrides),
    log: i.log ?? (() => undefined),
    emitMetricLine: () => undefined,
  };
}
