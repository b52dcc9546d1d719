/**
 * Composition root of the local runtime (`npm start`): the real DynamoDB API (dynalite, or DYNAMODB_ENDPOINT), the
 * local bus (EventBridge stand-in), one-time schedules, the DEMO fleet and its telemetry, the local training
 * launcher — and the very handler modules Lambda runs, bound to per-function deps built by the same factories as
 * in AWS (factories.ts). The runtime (shared/adapters/local/local-runtime.ts) only drives the clock.
 */
import type { AppConfig } from '../contracts/config';
import { loadConfig } from '../contracts/config';
import { PIPELINE, withCollectionCadence, type PipelineFunction } from '../pipeline';
import type { EpochSec } from '../domain/time';
import type { ResourceRef } from '../domain/types';
import type { SchedulingDeps } from '../ports/scheduler-ports';
import { DemoInventory, DemoMetricsSource } from '../adapters/local/demo-fleet';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../adapters/local/embedded-dynamodb';
import { LocalBus } from '../adapters/local/local-bus';
import { ManualClock } from '../adapters/local/manual-clock';
import { DemoLocationVerifier, LocalTrainingLauncher } from '../adapters/local/local-training-launcher';
import { LocalSegmentScheduler } from '../adapters/local/local-segment-scheduler';
import { FsObjectWriter } from '../adapters/local/fs-object-writer';
import { LocalSageMakerOptimisation, localPollScheduler } from '../adapters/local/local-sagemaker-optimisation';
import type { OptimiseDeps } from '../ports/optimisation-ports';
import { liveProvidersLoader } from '../adapters/intensity/live-providers';
import { lookupInstance } from '../domain/power/instance-catalog';
import type { AppCore, CompositionRoot, FunctionId, InvocationContext, Log, QueryDeps } from './deps';
import type { ApiRouteDeps } from '../http/api-routes';
import { forecastSourceOf, makeCore, makeOptimiseDeps, makeRoot, makeSchedulingDeps, tableStores, type TableStores } from './factories';

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
    let n = 0;
    handlers.set(fn.id, (event) =>
      h(event, { functionName: fn.id, awsRequestId: `${fn.id}-${++n}`, invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${fn.id}` }),
    );
  }
  return handlers;
}

/** The API routes' deps in the local runtime (the same adapters the dispatcher gets). */
export const apiRouteDepsOf = (env: LocalEnvironment): ApiRouteDeps => ({
  scheduling: env.scheduling,
  footprint: env.core.store,
  intensityProviders: env.core.intensityProviders,
  optimise: env.optimise,
});

/** The read-only query deps (dashboard, KPIs) of a core. */
export const queryDepsOf = (core: AppCore): QueryDeps => ({
  store: core.store,
  intensityProviders: core.intensityProviders,
  regionInfo: core.regionInfo,
  signal: core.config.signal,
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
}

export interface LocalEnvironment {
  db: EmbeddedDynamo;
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
  /** Scheduling deps for the local jobs API and the demo submissions (same adapters the dispatcher gets). */
  scheduling: SchedulingDeps;
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
  const launcher = new LocalTrainingLauncher(clock);
  const segments = new LocalSegmentScheduler(o.schedulesFile);
  const locations = new DemoLocationVerifier();
  const writer = config.exportDir ? new FsObjectWriter(config.exportDir) : undefined;
  const optimisation = new LocalSageMakerOptimisation(db.client, db.tableName, clock);
  const extraResources = async (): Promise<ResourceRef[]> => [...(await launcher.resources()), ...(await optimisation.resources(clock.nowSec()))];
  let bus: LocalBus | undefined;
  const root = makeRoot({
    core,
    jobs: stores.jobs,
    publisher: { publish: async (entries) => bus!.publish('carbonpilot', entries.map((e) => ({ ...e, timeSec: clock.nowSec() }))) },
    inventory: () => new DemoInventory(clock, o.demoAnchorSec, extraResources),
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
  bus = new LocalBus(pipeline, invoke);
  const scheduling = makeSchedulingDeps(core, stores.jobs, forecastSourceOf(core), { scheduler: segments, launcher, locations });
  const optimise = makeOptimiseDeps(core, { publish: async (entries) => bus!.publish('carbonpilot', entries.map((e) => ({ ...e, timeSec: clock.nowSec() }))) }, { sagemaker: optimisation, metrics: optimisation, scheduler: localPollScheduler(segments) });
  return { db, config, clock, core, stores, root, pipeline, bus, launcher, segments, scheduling, optimisation, optimise, invoke, close: () => db.close() };
}
