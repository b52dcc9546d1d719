/** Composition root for the local runtime: real DynamoDB API (dynalite), local bus, DEMO fleet and telemetry. */
import type { Clock, EventPublisher, FootprintStore } from '../ports';
import type { AppConfig } from '../contracts/config';
import { DemoInventory, DemoMetricsSource } from '../adapters/local/demo-fleet';
import { DemoIntensityProvider } from '../adapters/intensity/demo-intensity-provider';
import { YearlyIntensityProvider } from '../adapters/intensity/yearly-intensity-provider';
import { lookupInstance } from '../domain/power/instance-catalog';
import { getRegionInfo } from '../domain/regions/region-catalog';
import type { AppDeps, Log } from './deps';

export interface LocalDepsInput {
  config: Readonly<AppConfig>;
  store: FootprintStore;
  clock: Clock;
  publisher: EventPublisher;
  /** The demo fleet is laid out relative to this instant (the replay's --now). */
  demoAnchorSec: number;
  log?: Log;
}

export function localDeps(i: LocalDepsInput): AppDeps {
  return {
    config: i.config,
    store: i.store,
    clock: i.clock,
    publisher: i.publisher,
    metrics: new DemoMetricsSource(i.clock, (type) => {
      const s = lookupInstance(type);
      return s && { count: s.acceleratorCount, idleW: s.accelerator.idleW, maxW: s.accelerator.maxW };
    }),
    inventory: new DemoInventory(i.clock, i.demoAnchorSec),
    // Hourly demo series (labelled 'demo (synthetic)') first; the yearly Electricity Maps averages as the fallback.
    intensityProviders: [new DemoIntensityProvider(), new YearlyIntensityProvider()],
    lookupInstance,
    regionInfo: (region) => getRegionInfo(region, i.config.regionOverrides),
    log: i.log ?? (() => undefined),
  };
}
