/** The dependency bag every handler receives; one composition function per environment builds it. */
import type { Clock, EventPublisher, FootprintStore, IntensityProvider, MetricsSource, WorkloadInventory } from '../ports';
import type { AppConfig } from '../contracts/config';
import type { InstanceSpec } from '../domain/power/instance-catalog';
import type { RegionInfo } from '../domain/regions/region-catalog';
import type { CollectorDeps } from '../use-cases/collect-footprint';
import { makeIntensityResolver } from '../use-cases/intensity-resolver';
import type { SchedulingDeps } from '../ports/scheduler-ports';
import type { IntensityStore } from '../ports/intensity-store';
import type { LiveProvider } from '../adapters/intensity/live-providers';

export type Log = (message: string, fields?: Record<string, unknown>) => void;

export interface AppDeps {
  config: Readonly<AppConfig>;
  store: FootprintStore;
  metrics: MetricsSource;
  inventory: WorkloadInventory;
  /** Intensity providers in priority order (best first): stored series, then fallbacks. */
  intensityProviders: IntensityProvider[];
  /** Stored hourly intensity series with provenance and forecast vintages. */
  intensityStore: IntensityStore;
  /** Configured live providers (Electricity Maps, WattTime, NESO), resolved once (secret in AWS, environment locally). */
  liveProviders: () => Promise<LiveProvider[]>;
  publisher: EventPublisher;
  clock: Clock;
  lookupInstance: (instanceType: string) => InstanceSpec | undefined;
  regionInfo: (region: string) => RegionInfo | undefined;
  log: Log;
  /** Where CloudWatch Embedded Metric Format lines go: stdout in Lambda (CloudWatch Logs extracts them), nowhere locally. */
  emitMetricLine: (line: string) => void;
  /** Carbon-aware job scheduling (dispatcher, API); absent where a function does not schedule jobs. */
  scheduling?: SchedulingDeps;
}

/** Collector dependencies for one invocation (the intensity cache lives for one run). */
export const collectorDeps = (d: AppDeps): CollectorDeps => ({
  store: d.store,
  metrics: d.metrics,
  intensity: makeIntensityResolver(d.intensityProviders, d.config.signal),
  clock: d.clock,
  publisher: d.publisher,
  lookupInstance: d.lookupInstance,
  regionInfo: d.regionInfo,
  attributionKeys: d.config.attributionKeys,
  periodSec: d.config.periodSec,
  intervalSec: d.config.intervalSec,
  lagSec: d.config.lagSec,
  maxCatchUpSec: d.config.maxCatchUpSec,
  storeRawSamples: d.config.storeRawSamples,
});

/** JSON-lines logger; never pass secrets in fields. */
export const jsonLog: Log = (message, fields) => console.log(JSON.stringify({ level: 'info', message, ...fields }));
