/**
 * What each pipeline function receives: one deps type per function (not one grab-bag). The composition roots
 * (aws.ts, local.ts) build them from the same factories (factories.ts); handlers only adapt.
 */
import type { Clock, EventPublisher, FootprintStore, InstrumentStore, IntensityProvider } from '../ports';
import type { AppConfig } from '../contracts/config';
import type { InstanceSpec } from '../domain/power/instance-catalog';
import type { RegionInfo } from '../domain/regions/region-catalog';
import type { CollectorDeps } from '../use-cases/collect-footprint';
import type { InventoryDeps } from '../use-cases/inventory-sync';
import type { SchedulingDeps } from '../ports/scheduler-ports';
import type { IntensityStore } from '../ports/intensity-store';
import type { LiveProvider } from '../adapters/intensity/live-providers';
import type { ObjectWriter } from '../use-cases/export-footprints';
import type { IntensitySignal } from '../domain/types';
import type { ApiRouteDeps } from '../http/api-routes';
import type { EvaluateBudgetsDeps } from '../use-cases/evaluate-budgets';
import type { LifecycleStore } from '../ports/lifecycle-ports';
import type { LifecycleFunctionDeps } from '../use-cases/lifecycle-run';
import type { OptimisationStore, OptimiseDeps } from '../ports/optimisation-ports';

export type Log = (message: string, fields?: Record<string, unknown>) => void;

/** Lambda's context (the fields we read). */
export interface InvocationContext {
  invokedFunctionArn?: string;
  functionName?: string;
  awsRequestId?: string;
}

interface Logged {
  log: Log;
}

export type InventorySyncDeps = InventoryDeps & Logged;

export interface CollectDispatchDeps extends Logged {
  store: FootprintStore;
  publisher: EventPublisher;
  batchSize: number;
}

export interface CollectFootprintDeps extends Logged {
  /** Built per invocation: the GetMetricData request budget and the intensity cache live for one run. */
  collector: CollectorDeps;
  /** Where CloudWatch Embedded Metric Format lines go: stdout in Lambda (CloudWatch Logs extracts them), nowhere locally. */
  emitMetricLine: (line: string) => void;
}

export interface RollupDeps extends Logged {
  store: FootprintStore;
  clock: Clock;
  /** `Rollups Updated` after the writes (the budget evaluation listens). */
  publisher: EventPublisher;
}

export interface ExportFootprintsDeps extends Logged {
  store: FootprintStore;
  clock: Clock;
  /** Undefined = export disabled (no EXPORT_BUCKET / EXPORT_DIR). */
  writer?: ObjectWriter;
  /** The instrument registry, for the market-based table (written by the daily backstop run). */
  instruments?: Pick<InstrumentStore, 'currentRegistry'>;
}

export interface JobDispatchDeps extends Logged {
  scheduling: SchedulingDeps;
}

/** What the read-only query routes and KPIs need. */
export interface QueryDeps {
  store: FootprintStore;
  intensityProviders: IntensityProvider[];
  regionInfo: (region: string) => RegionInfo | undefined;
  signal: IntensitySignal;
  /** The contractual-instruments registry (market-based scope 2, renewable share, hourly CFE); absent = not wired. */
  instruments?: Pick<InstrumentStore, 'currentRegistry'>;
  /** Tag keys per attribution dimension, to filter resources by team as the collector attributes them (default keys when absent). */
  attributionKeys?: AppConfig['attributionKeys'];
  /** Lifecycle store for the lifecycle KPIs (ledger, evaluations); absent = those KPIs say why not. */
  lifecycle?: LifecycleStore;
  /** The optimisation ledger (its KPIs join the KPI report). */
  optimisations?: OptimisationStore;
}

/** The api function: whatever the API route registry needs (shared/http/api-routes.ts), plus a logger. */
export type ApiDeps = ApiRouteDeps & Logged;

export interface IntensityIngestDeps extends Logged {
  intensityStore: IntensityStore;
  /** Configured live providers (Electricity Maps, WattTime, NESO), resolved once per container. */
  liveProviders: () => Promise<LiveProvider[]>;
  clock: Clock;
  publisher: EventPublisher;
  /** Configured regions; empty = the regions of the tracked resources (the local demo). */
  regions: string[];
  listResourceRegions: () => Promise<string[]>;
  regionInfo: (region: string) => RegionInfo | undefined;
  signals: IntensitySignal[];
}

export interface FootprintRecomputeDeps extends Logged {
  store: FootprintStore;
  intensityProviders: IntensityProvider[];
  publisher: EventPublisher;
  clock: Clock;
  signal: IntensitySignal;
}

/** budget-evaluate: the evaluation's deps (budget store, footprint store, jobs, publisher, clock, attribution keys, logger). */
export type BudgetEvaluateDeps = EvaluateBudgetsDeps & Logged;
/** The lifecycle function: evaluation, actions and the cloud they act on (shared/use-cases/lifecycle-run.ts). */
export type LifecycleDeps = LifecycleFunctionDeps & Logged;
export interface OptimiseFunctionDeps extends Logged {
  optimise: OptimiseDeps;
}

/** Deps of every pipeline function, by pipeline function id (shared/pipeline.ts). */
export interface FunctionDepsMap {
  'inventory-sync': InventorySyncDeps;
  'collect-dispatch': CollectDispatchDeps;
  'collect-footprint': CollectFootprintDeps;
  rollup: RollupDeps;
  'export-footprints': ExportFootprintsDeps;
  'job-dispatch': JobDispatchDeps;
  api: ApiDeps;
  'intensity-ingest': IntensityIngestDeps;
  'footprint-recompute': FootprintRecomputeDeps;
  'budget-evaluate': BudgetEvaluateDeps;
  lifecycle: LifecycleDeps;
  optimise: OptimiseFunctionDeps;
}
export type FunctionId = keyof FunctionDepsMap;

/** Builds a function's deps for one invocation (clients are reused per container; per-run state is fresh). */
export type DepsGetter<K extends FunctionId> = (context?: InvocationContext) => Promise<FunctionDepsMap[K]>;
export type CompositionRoot = { readonly [K in FunctionId]: DepsGetter<K> };

/** The pieces shared by every function of one environment (the local HTTP server and CLI use them too). */
export interface AppCore {
  config: Readonly<AppConfig>;
  store: FootprintStore;
  intensityStore: IntensityStore;
  instruments: InstrumentStore;
  lifecycle: LifecycleStore;
  /** Intensity providers in priority order (best first): stored series, [demo], yearly averages. */
  intensityProviders: IntensityProvider[];
  clock: Clock;
  regionInfo: (region: string) => RegionInfo | undefined;
  lookupInstance: (instanceType: string) => InstanceSpec | undefined;
  log: Log;
  /** The optimisation ledger store. */
  optimisations?: OptimisationStore;
}

/** JSON-lines logger; never pass secrets in fields. */
export const jsonLog: Log = (message, fields) => console.log(JSON.stringify({ level: 'info', message, ...fields }));
