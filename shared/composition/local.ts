/**
 * Composition root of the local runtime (`npm start`): the real DynamoDB API (dynalite, or DYNAMODB_ENDPOINT), the
 * local bus (EventBridge stand-in), one-time schedules, the DEMO fleet and its telemetry, the local training
 * launcher — and the very handler modules Lambda runs, bound to per-function deps built by the same factories as
 * in AWS (factories.ts). The runtime (shared/adapters/local/local-runtime.ts) only drives the clock.
 */
import { createHash } from 'node:crypto';
import type { AppConfig } from '../contracts/config';
import { loadConfig } from '../contracts/config';
import { NOTIFICATIONS, PIPELINE, withCollectionCadence, type PipelineFunction } from '../pipeline';
import type { EpochSec } from '../domain/time';
import type { ResourceRef } from '../domain/types';
import type { SchedulingDeps } from '../ports/scheduler-ports';
import { DemoInventory, DemoMetricsSource } from '../adapters/local/demo-fleet';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../adapters/local/embedded-dynamodb';
import { LocalBus, type BusEvent } from '../adapters/local/local-bus';
import { DynamoLocalState } from '../adapters/local/local-durable-state';
import { ManualClock } from '../adapters/local/manual-clock';
import { DemoLocationVerifier, LocalTrainingLauncher } from '../adapters/local/local-training-launcher';
import { LocalSegmentScheduler } from '../adapters/local/local-segment-scheduler';
import { FsObjectWriter } from '../adapters/local/fs-object-writer';
import { LocalSageMakerOptimisation, localPollScheduler } from '../adapters/local/local-sagemaker-optimisation';
import type { OptimiseDeps } from '../ports/optimisation-ports';
import { liveProvidersLoader } from '../adapters/intensity/live-providers';
import { lookupInstance } from '../domain/power/instance-catalog';
import type { LocalSageMakerEndpoints } from '../adapters/local/local-sagemaker-endpoints';
import { lifecycleServiceDeps, localSageMaker } from './lifecycle';
import type { AppCore, CompositionRoot, FunctionId, InvocationContext, Log, QueryDeps } from './deps';
import type { ApiRouteDeps } from '../http/api-routes';
import { forecastSourceOf, makeBudgetingDeps, makeCore, makeOptimiseDeps, makeRoot, makeSchedulingDeps, tableStores, type TableStores } from './factories';
import { notificationLine } from '../http/budget-views';

/** The local configuration: the environment with the local defaults (no monitored-region list: the demo's regions). */
export const localConfig = (env: Record<string, string | undefined>): Readonly<AppConfig> => loadConfig({ MONITORED_REGIONS: '', COLLECT_LAG_SEC: '600', ...env });

type HandlerModule = { makeHandler: (getDeps: (ctx?: InvocationContext) => Promise<unknown>) => (event: unknown, context: unknown) => Promise<unknown> };

/** Load each pipeline function's handler module (the very files Lambda runs) and bind it to the root's deps. */
export function bindHandlers(pipeline: readonly PipelineFunction[], root: CompositionRoot): Map<string, (event: unknown) => Promise<unknown>> {
  const handlers = new Map<string, (event: unknown) => Promise<unknown>>();
  for (const fn of pipeline) {
    const getDeps = root[fn.id as FunctionId];
    if (!getDeps) throw new Error(`no deps for pipeline function ${fn.id} in the composition root`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(`../../${fn.handlerPath.replace(/\.ts$/, '')}`) as HandlerModule;
    const h = mod.makeHandler(getDeps as (ctx?: InvocationContext) => Promise<unknown>);
    // Deterministic request ids (from the event, as an async retry of the same event keeps its id): a rerun after a
    // crash sees the same ids, not a counter that restarted.
    handlers.set(fn.id, (event) =>
      h(event, { functionName: fn.id, awsRequestId: `${fn.id}-${requestIdOf(event)}`, invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${fn.id}` }),
    );
  }
  return handlers;
}

const requestIdOf = (event: unknown): string => {
  const id = (event as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : createHash('sha256').update(JSON.stringify(event ?? null)).digest('hex').slice(0, 32);
};

/** The API routes' deps in the local runtime (the same adapters the dispatcher gets). */
export const apiRouteDepsOf = (env: LocalEnvironment): ApiRouteDeps => ({
  scheduling: env.scheduling,
  footprint: env.core.store,
  intensityProviders: env.core.intensityProviders,
  budgeting: makeBudgetingDeps(env.core, env.stores),
  lifecycle: lifecycleServiceDeps(env.core, { cloud: env.endpoints }),
  optimise: env.optimise,
});

/** The read-only query deps (dashboard, KPIs) of a core. */
export const queryDepsOf = (core: AppCore): QueryDeps => ({
  store: core.store,
  intensityProviders: core.intensityProviders,
  regionInfo: core.regionInfo,
  signal: core.config.signal,
  instruments: core.instruments,
  attributionKeys: core.config.attributionKeys,
  lifecycle: core.lifecycle,
  optimisations: core.optimisations,
});

export interface LocalEnvironmentOptions {
  dataDir?: string;
  /** Where the local one-time schedules are kept (shared with `carbonpilot submit`). */
  schedulesFile?: string;
  /** The demo fleet is laid out relative to this instant (the replay's --now). */
  demoAnchorSec: EpochSec;
  /** Where the clock starts (the replay's first hour). */
  startSec: EpochSec;
  env: Record<string, string | undefined>;
  log?: Log;
  /** Where notification events (Carbon Budget Threshold Crossed) are printed; default stdout. */
  print?: (line: string) => void;
}

export interface LocalEnvironment {
  db: EmbeddedDynamo;
  /** The embedded DynamoDB's directory (`<data dir>/db`); undefined = in memory. */
  dbDir?: string;
  config: Readonly<AppConfig>;
  clock: ManualClock;
  core: AppCore;
  stores: TableStores;
  root: CompositionRoot;
  /** The pipeline definition as the local runtime runs it (collect-dispatch on the configured cadence). */
  pipeline: readonly PipelineFunction[];
  bus: LocalBus;
  launcher: LocalTrainingLauncher;
  segments: LocalSegmentScheduler;
  /** What the local stand-ins remember across a crash (launched jobs, the bus's outbox, the replay's progress). */
  localState: DynamoLocalState;
  /** Scheduling deps for the local jobs API and the demo submissions (same adapters the dispatcher gets). */
  scheduling: SchedulingDeps;
  /** DEMO: the durable local stand-in for the SageMaker endpoint API the lifecycle acts on. */
  endpoints: LocalSageMakerEndpoints;
  /** DEMO SageMaker stand-in of the optimisation pipeline (durable, in the local store). */
  optimisation: LocalSageMakerOptimisation;
  /** Optimisation deps for the local API and the demo attempts (same adapters the optimise function gets). */
  optimise: OptimiseDeps;
  invoke(functionId: string, event: unknown): Promise<void>;
  close(): Promise<void>;
}

/** Build the whole local environment: store, bus, demo adapters, handlers bound to per-function deps. */
export async function startLocalEnvironment(o: LocalEnvironmentOptions): Promise<LocalEnvironment> {
  const config = localConfig(o.env);
  const db = await startEmbeddedDynamo({ dataDir: o.dataDir, tableName: config.tableName, endpoint: config.dynamodbEndpoint });
  const stores = tableStores(db.client, db.tableName);
  const clock = new ManualClock(o.startSec);
  const core = makeCore({ config, stores, clock, demo: true, log: o.log ?? (() => undefined) });
  // The stand-ins for durable AWS services keep their state in the local store (local-durable-state.ts).
  const localState = new DynamoLocalState(db.client, db.tableName);
  const launcher = new LocalTrainingLauncher(clock, localState.launchedJobs);
  const segments = new LocalSegmentScheduler(o.schedulesFile);
  const locations = new DemoLocationVerifier();
  const writer = config.exportDir ? new FsObjectWriter(config.exportDir) : undefined;
  const endpoints = localSageMaker(db.client, db.tableName, core);
  const optimisation = new LocalSageMakerOptimisation(db.client, db.tableName, clock);
  const extraResources = async (): Promise<ResourceRef[]> => [...(await launcher.resources()), ...(await optimisation.resources(clock.nowSec()))];
  let bus: LocalBus | undefined;
  const root = makeRoot({
    core,
    jobs: stores.jobs,
    budgets: stores.budgets,
    targets: stores.targets,
    publisher: { publish: async (entries) => bus!.publish('carbonpilot', entries.map((e) => ({ ...e, timeSec: clock.nowSec() }))) },
    inventory: () => new DemoInventory(clock, o.demoAnchorSec, extraResources, (refs, now) => endpoints.overlay(refs, now)),
    metrics: () =>
      new DemoMetricsSource(
        clock,
        (type) => {
          const s = lookupInstance(type);
          return s && { count: s.acceleratorCount, idleW: s.accelerator.idleW, maxW: s.accelerator.maxW };
        },
        (keys) => optimisation.servingOf(keys),
      ),
    liveProviders: liveProvidersLoader(config),
    scheduling: () => ({ scheduler: segments, launcher, locations }),
    exportWriter: () => writer,
    emitMetricLine: () => undefined,
    lifecycleCloud: () => endpoints,
    optimisation: () => ({ sagemaker: optimisation, metrics: optimisation, scheduler: localPollScheduler(segments) }),
  });
  // The same pipeline definition as the CDK app, on the configured collection cadence (COLLECT_EVERY_HOURS).
  const pipeline = withCollectionCadence(PIPELINE, config.collectEveryHours);
  const handlers = bindHandlers(pipeline, root);
  const invoke = async (fnId: string, event: unknown) => {
    const h = handlers.get(fnId);
    if (!h) throw new Error(`no handler bound for ${fnId}`);
    await h(event);
  };
  bus = new LocalBus(pipeline, invoke, 'local', localState.outbox<BusEvent>());
  // Notification subscriptions (SNS in AWS) are printed here, one line per event.
  for (const n of NOTIFICATIONS) bus.subscribe(n.bus, n.pattern, (e) => (o.print ?? console.log)(notificationLine(e)));
  const scheduling = makeSchedulingDeps(core, stores.jobs, forecastSourceOf(core), { scheduler: segments, launcher, locations }, stores.budgets);
  const optimise = makeOptimiseDeps(core, { publish: async (entries) => bus!.publish('carbonpilot', entries.map((e) => ({ ...e, timeSec: clock.nowSec() }))) }, { sagemaker: optimisation, metrics: optimisation, scheduler: localPollScheduler(segments) });
  return { db, dbDir: o.dataDir, config, clock, core, stores, root, pipeline, bus, launcher, segments, localState, scheduling, endpoints, optimisation, optimise, invoke, close: () => db.close() };
}
