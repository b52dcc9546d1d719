/**
 * The factories every composition root uses (AWS Lambda, the local runtime, the CLI): the same stores, the same
 * intensity chain, the same forecast source and the same per-function deps, whatever the environment. Only the
 * environment parts (clients, inventory, telemetry, launcher, schedules) differ.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AppConfig } from '../contracts/config';
import type { Clock, EventPublisher, IntensityProvider, MetricsSource, WorkloadInventory } from '../ports';
import type { LocationVerifier, SchedulingDeps, SegmentScheduler, TrainingLauncher } from '../ports/scheduler-ports';
import type { IntensityStore } from '../ports/intensity-store';
import { DynamoFootprintStore } from '../adapters/aws/dynamodb-footprint-store';
import { DynamoIntensityStore } from '../adapters/aws/dynamodb-intensity-store';
import { DynamoJobStore } from '../adapters/aws/dynamodb-job-store';
import { DynamoInstrumentStore } from '../adapters/aws/dynamodb-instrument-store';
import { DynamoBudgetStore } from '../adapters/aws/dynamodb-budget-store';
import { DynamoTargetStore } from '../adapters/aws/dynamodb-target-store';
import { DynamoLifecycleStore } from '../adapters/aws/dynamodb-lifecycle-store';
import type { LifecycleCloud } from '../ports/lifecycle-ports';
import { lifecycleFunctionDeps, lifecycleServiceDeps } from './lifecycle';
import { DynamoOptimisationStore } from '../adapters/aws/dynamodb-optimisation-store';
import type { OptimisationGateway, OptimiseDeps, OptimisePollScheduler, VariantMetricsSource } from '../ports/optimisation-ports';
import { OPTIMISATION_CHANGED } from '../contracts/optimisation';
import { EVENT_SOURCE } from '../pipeline';
import { StoredIntensityProvider } from '../adapters/intensity/stored-intensity-provider';
import { DemoIntensityProvider } from '../adapters/intensity/demo-intensity-provider';
import { YearlyIntensityProvider } from '../adapters/intensity/yearly-intensity-provider';
import { SeriesForecastSource } from '../adapters/intensity/series-forecast-source';
import type { LiveProvider } from '../adapters/intensity/live-providers';
import { lookupInstance } from '../domain/power/instance-catalog';
import { getRegionInfo } from '../domain/regions/region-catalog';
import { makeIntensityResolver } from '../use-cases/intensity-resolver';
import type { ObjectWriter } from '../use-cases/export-footprints';
import type { BudgetingDeps } from '../use-cases/targets-crud';
import { loadKpiReport } from '../http/query-routes';
import type { AppCore, CompositionRoot, InvocationContext, Log } from './deps';

/**
 * The one intensity chain (collector, recompute, KPIs, dashboard, CLI): stored series (imports, live providers, own
 * forecasts) first; the hourly DEMO series (labelled `demo (synthetic)`) only where the store holds the demo fleet;
 * the yearly Electricity Maps averages last. `clock`: stored forecasts issued after now are never used.
 */
export const intensityChain = (intensityStore: IntensityStore, o: { clock?: Clock; demo: boolean }): IntensityProvider[] => [
  new StoredIntensityProvider(intensityStore, o.clock),
  ...(o.demo ? [new DemoIntensityProvider()] : []),
  new YearlyIntensityProvider(),
];

/** The stores of the single table (DynamoDB in AWS, dynalite or DynamoDB Local locally). */
export const tableStores = (dynamo: DynamoDBClient, tableName: string) => ({
  store: new DynamoFootprintStore(dynamo, tableName),
  intensityStore: new DynamoIntensityStore(dynamo, tableName),
  jobs: new DynamoJobStore(dynamo, tableName),
  instruments: new DynamoInstrumentStore(dynamo, tableName),
  budgets: new DynamoBudgetStore(dynamo, tableName),
  targets: new DynamoTargetStore(dynamo, tableName),
  lifecycle: new DynamoLifecycleStore(dynamo, tableName),
  optimisations: new DynamoOptimisationStore(dynamo, tableName),
});
export type TableStores = ReturnType<typeof tableStores>;

/** The environment-independent core: config, stores, intensity chain, lookups. */
export function makeCore(o: { config: Readonly<AppConfig>; stores: TableStores; clock: Clock; demo: boolean; log: Log }): AppCore {
  return {
    config: o.config,
    store: o.stores.store,
    intensityStore: o.stores.intensityStore,
    instruments: o.stores.instruments,
    lifecycle: o.stores.lifecycle,
    intensityProviders: intensityChain(o.stores.intensityStore, { clock: o.clock, demo: o.demo }),
    clock: o.clock,
    regionInfo: (region) => getRegionInfo(region, o.config.regionOverrides),
    lookupInstance,
    log: o.log,
    optimisations: o.stores.optimisations,
  };
}

/** What differs per environment. Getters marked "per invocation" must return fresh per-run state. */
export interface EnvironmentParts {
  core: AppCore;
  jobs: TableStores['jobs'];
  budgets: TableStores['budgets'];
  targets: TableStores['targets'];
  publisher: EventPublisher;
  /** Per invocation (request budget). */
  inventory: () => WorkloadInventory;
  /** Per invocation (request budget: a warm container must not inherit a spent one). */
  metrics: () => MetricsSource;
  liveProviders: () => Promise<LiveProvider[]>;
  /** The scheduling adapters; `context` gives the dispatcher its own ARN where the environment needs it. */
  scheduling: (context: InvocationContext) => { scheduler: SegmentScheduler; launcher: TrainingLauncher; locations?: LocationVerifier };
  exportWriter: () => ObjectWriter | undefined;
  emitMetricLine: (line: string) => void;
  /** SageMaker, Application Auto Scaling, CloudWatch alarms, S3 tagging (AWS) or the local stand-in (DEMO). */
  lifecycleCloud: () => LifecycleCloud;
  /** The optimisation pipeline's SageMaker side, request metrics (per invocation: request budget) and poll schedules. */
  optimisation: (context: InvocationContext) => { sagemaker: OptimisationGateway; metrics: VariantMetricsSource; scheduler: OptimisePollScheduler };
}

/** Optimisation deps over the core: the attempt store, footprints, and `notify` as a bus event to the optimise function. */
export const makeOptimiseDeps = (core: AppCore, publisher: EventPublisher, parts: ReturnType<EnvironmentParts['optimisation']>): OptimiseDeps => ({
  attempts: core.optimisations!,
  footprints: core.store,
  clock: core.clock,
  log: core.log,
  ...parts,
  notify: (attemptId) => publisher.publish([{ source: EVENT_SOURCE, detailType: OPTIMISATION_CHANGED, detail: { attemptId } }]),
});

/** The API stores attempts and notifies; it never schedules polls (only the optimise function polls itself). */
const API_NEVER_POLLS: OptimisePollScheduler = {
  schedule: async () => {
    throw new Error('the API never schedules optimisation polls');
  },
};

/**
 * Scheduling deps over the core (one forecast source per root: its memo is per zone and hour). `budgets`: every
 * environment gates new plans against the same enforcing budgets (shared/use-cases/gate-job.ts).
 */
export const makeSchedulingDeps = (
  core: AppCore,
  jobs: TableStores['jobs'],
  forecasts: SeriesForecastSource,
  adapters: { scheduler: SegmentScheduler; launcher: TrainingLauncher; locations?: LocationVerifier },
  budgets: TableStores['budgets'],
): SchedulingDeps => ({
  jobs,
  ...adapters,
  forecasts,
  clock: core.clock,
  regionInfo: core.regionInfo,
  lookupInstance: core.lookupInstance,
  log: core.log,
  config: { maxPlanHorizonDays: core.config.maxPlanHorizonDays },
  budgetGate: { store: core.store, budgets, attributionKeys: core.config.attributionKeys },
});

/**
 * Budgets and targets over the core (API routes, KPIs, CLI): the same stores, attribution keys and KPI loader in
 * every environment. The KPI loader is the base report (no contributed KPIs), so target metrics never recurse.
 */
export const makeBudgetingDeps = (core: AppCore, stores: Pick<TableStores, 'jobs' | 'budgets' | 'targets'>): BudgetingDeps => ({
  store: core.store,
  jobs: stores.jobs,
  budgets: stores.budgets,
  targets: stores.targets,
  attributionKeys: core.config.attributionKeys,
  clock: core.clock,
  lookupInstance: core.lookupInstance,
  kpiReport: (w) => loadKpiReport({ store: core.store, intensityProviders: core.intensityProviders, signal: core.config.signal }, w),
});

export const forecastSourceOf = (core: AppCore): SeriesForecastSource => new SeriesForecastSource(core.intensityProviders, core.intensityStore);

/** Every pipeline function's deps from one environment's parts. */
export function makeRoot(p: EnvironmentParts): CompositionRoot {
  const { core } = p;
  const c = core.config;
  const forecasts = forecastSourceOf(core);
  const scheduling = (ctx: InvocationContext = {}) => makeSchedulingDeps(core, p.jobs, forecasts, p.scheduling(ctx), p.budgets);
  return {
    'inventory-sync': async () => ({
      inventory: p.inventory(),
      store: core.store,
      clock: core.clock,
      regions: c.regions,
      lookbackSec: c.inventoryLookbackSec,
      log: core.log,
    }),
    'collect-dispatch': async () => ({ store: core.store, publisher: p.publisher, batchSize: c.batchSize, log: core.log }),
    'collect-footprint': async () => ({
      collector: {
        store: core.store,
        metrics: p.metrics(),
        intensity: makeIntensityResolver(core.intensityProviders, c.signal),
        clock: core.clock,
        publisher: p.publisher,
        lookupInstance: core.lookupInstance,
        regionInfo: core.regionInfo,
        attributionKeys: c.attributionKeys,
        periodSec: c.periodSec,
        intervalSec: c.intervalSec,
        lagSec: c.lagSec,
        maxCatchUpSec: c.maxCatchUpSec,
        storeRawSamples: c.storeRawSamples,
        noTelemetryGraceSec: c.noTelemetryGraceSec,
      },
      emitMetricLine: p.emitMetricLine,
      log: core.log,
    }),
    rollup: async () => ({ store: core.store, clock: core.clock, publisher: p.publisher, log: core.log }),
    'export-footprints': async () => ({ store: core.store, clock: core.clock, writer: p.exportWriter(), instruments: core.instruments, log: core.log }),
    'job-dispatch': async (ctx) => ({ scheduling: scheduling(ctx), log: core.log }),
    // The api function records lifecycle requests; the lifecycle function (which holds the rights) carries them out.
    api: async (ctx = {}) => ({
      scheduling: scheduling(ctx),
      footprint: core.store,
      intensityProviders: core.intensityProviders,
      budgeting: makeBudgetingDeps(core, p),
      lifecycle: lifecycleServiceDeps(core, { publisher: p.publisher }),
      optimise: { ...makeOptimiseDeps(core, p.publisher, p.optimisation(ctx)), scheduler: API_NEVER_POLLS },
      log: core.log,
    }),
    'intensity-ingest': async () => ({
      intensityStore: core.intensityStore,
      liveProviders: p.liveProviders,
      clock: core.clock,
      publisher: p.publisher,
      regions: c.regions,
      listResourceRegions: async () => [...new Set((await core.store.listResources()).map((r) => r.region))].sort(),
      regionInfo: core.regionInfo,
      signals: c.ingestSignals,
      log: core.log,
    }),
    'footprint-recompute': async () => ({
      store: core.store,
      intensityProviders: core.intensityProviders,
      publisher: p.publisher,
      clock: core.clock,
      signal: c.signal,
      log: core.log,
    }),
    'budget-evaluate': async () => ({ store: core.store, budgets: p.budgets, jobs: p.jobs, publisher: p.publisher, clock: core.clock, attributionKeys: c.attributionKeys, log: core.log }),
    lifecycle: async () => ({ ...lifecycleFunctionDeps(core, p.lifecycleCloud(), p.publisher), log: core.log }),
    optimise: async (ctx = {}) => ({ optimise: makeOptimiseDeps(core, p.publisher, p.optimisation(ctx)), log: core.log }),
  };
}
