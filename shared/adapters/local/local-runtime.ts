/**
 * The local runtime: embedded DynamoDB API (dynalite), a local EventBridge stand-in, the same handlers as
 * in AWS with local adapters, and a replay of the DEMO fleet over the days before `nowSec`.
 */
import { PIPELINE, withCollectionCadence, type PipelineFunction } from '../../pipeline';
import { loadConfig, type AppConfig } from '../../contracts/config';
import { DynamoFootprintStore } from '../aws/dynamodb-footprint-store';
import { localDeps } from '../../composition/local';
import type { AppDeps } from '../../composition/deps';
import { alignDown, DAY_SEC, HOUR_SEC, type EpochSec } from '../../domain/time';
import { startEmbeddedDynamo, type EmbeddedDynamo } from './embedded-dynamodb';
import { LocalBus } from './local-bus';
import { ManualClock } from './manual-clock';
import { LocalTrainingLauncher, makeDemoJobRequests } from './local-training-launcher';
import { LocalSegmentScheduler } from './local-segment-scheduler';
import { DynamoJobStore } from '../aws/dynamodb-job-store';
import { SeriesForecastSource } from '../intensity/series-forecast-source';
import { makeSubmitJob } from '../../use-cases/dispatch-segment';
import type { SchedulingDeps } from '../../ports/scheduler-ports';

type HandlerModule = { makeHandler: (getDeps: () => Promise<AppDeps>) => (event: unknown, context: unknown) => Promise<unknown> };

/** Load each pipeline function's handler module (the very files Lambda runs) and bind it to local deps. */
export function bindHandlers(pipeline: readonly PipelineFunction[], deps: AppDeps) {
  const handlers = new Map<string, (event: unknown) => Promise<unknown>>();
  for (const fn of pipeline) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(`../../../${fn.handlerPath.replace(/\.ts$/, '')}`) as HandlerModule;
    const h = mod.makeHandler(async () => deps);
    let n = 0;
    handlers.set(fn.id, (event) =>
      h(event, { functionName: fn.id, awsRequestId: `${fn.id}-${++n}`, invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${fn.id}` }),
    );
  }
  return handlers;
}

export interface LocalRuntimeOptions {
  dataDir?: string;
  nowSec: EpochSec;
  days?: number;
  /** Where the local one-time schedules are kept (shared with `carbonpilot submit`). */
  schedulesFile?: string;
  /** Submit the demo deferrable training jobs at the start of the replay (default true). */
  demoJobs?: boolean;
  /** Replay granularity: schedules fire once per step (a replay compresses time; the collector catches up from its cursors). */
  stepSec?: number;
  env?: Record<string, string | undefined>;
  onProgress?: (doneSec: number, totalSec: number) => void;
}

export interface LocalRuntime {
  db: EmbeddedDynamo;
  store: DynamoFootprintStore;
  clock: ManualClock;
  bus: LocalBus;
  deps: AppDeps & { scheduling: SchedulingDeps };
  launcher: LocalTrainingLauncher;
  segments: LocalSegmentScheduler;
  config: Readonly<AppConfig>;
  replayStartSec: EpochSec;
  /** Replay from the start (or where the last call stopped) to `toSec`. */
  advanceTo(toSec: EpochSec): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalRuntime(o: LocalRuntimeOptions): Promise<LocalRuntime> {
  const days = o.days ?? 14;
  const stepSec = o.stepSec ?? HOUR_SEC;
  const replayStartSec = alignDown(o.nowSec, HOUR_SEC) - days * DAY_SEC;
  const config = loadConfig({
    MONITORED_REGIONS: '',
    COLLECT_LAG_SEC: '600',
    ...o.env,
  });
  const db = await startEmbeddedDynamo({ dataDir: o.dataDir, tableName: config.tableName, endpoint: o.env?.DYNAMODB_ENDPOINT });
  const store = new DynamoFootprintStore(db.client, db.tableName);
  const clock = new ManualClock(replayStartSec);
  let bus: LocalBus;
  const launcher = new LocalTrainingLauncher(clock);
  const segments = new LocalSegmentScheduler(o.schedulesFile);
  const app = localDeps({
    config,
    dynamo: db.client,
    store,
    clock,
    demoAnchorSec: o.nowSec,
    extraResources: () => launcher.resources(),
    publisher: { publish: async (entries) => bus.publish('carbonpilot', entries.map((e) => ({ ...e, timeSec: clock.nowSec() }))) },
  });
  const deps = {
    ...app,
    scheduling: {
      jobs: new DynamoJobStore(db.client, db.tableName),
      scheduler: segments,
      launcher,
      forecasts: new SeriesForecastSource(app.intensityProviders, app.intensityStore),
      clock,
      regionInfo: app.regionInfo,
      lookupInstance: app.lookupInstance,
      log: app.log,
    },
  };
  // The same pipeline definition as the CDK app, on the configured collection cadence (COLLECT_EVERY_HOURS).
  const pipeline = withCollectionCadence(PIPELINE, config.collectEveryHours);
  const handlers = bindHandlers(pipeline, deps);
  const invoke = async (fnId: string, event: unknown) => {
    const h = handlers.get(fnId);
    if (!h) throw new Error(`no handler bound for ${fnId}`);
    await h(event);
  };
  bus = new LocalBus(pipeline, invoke);
  const dispatcherId = pipeline.find((f) => f.triggers.some((t) => t.type === 'one-time-schedules'))?.id;

  /** EventBridge Scheduler stand-in: each due one-time schedule fires at its own time, straight to the dispatcher. */
  const fireOneTimeSchedules = async (upToSec: EpochSec) => {
    if (!dispatcherId) return;
    for (let due = segments.dueUpTo(upToSec); due.length; due = segments.dueUpTo(upToSec)) {
      for (const s of due) {
        clock.set(Math.max(clock.nowSec(), s.atSec));
        await invoke(dispatcherId, s.payload).catch((e: unknown) => bus.stats.failed.push({ functionId: dispatcherId, error: String(e) }));
      }
    }
  };

  if (o.demoJobs ?? true) {
    const submit = makeSubmitJob(deps.scheduling);
    for (const req of makeDemoJobRequests(replayStartSec)) await submit(req);
  }

  let at = replayStartSec;
  return {
    db, store, clock, bus, deps, config, replayStartSec, launcher, segments,
    async advanceTo(toSec) {
      const total = Math.max(1, toSec - replayStartSec);
      while (at < toSec) {
        const next = Math.min(toSec, at + stepSec);
        await fireOneTimeSchedules(next);
        at = next;
        clock.set(at);
        // SageMaker's state changes go to the default bus, where the inventory and the dispatcher both listen.
        for (const c of launcher.stateChangesUpTo(at)) {
          bus.publish('default', [{ source: 'aws.sagemaker', detailType: 'SageMaker Training Job State Change', detail: { TrainingJobName: c.TrainingJobName, TrainingJobStatus: c.TrainingJobStatus }, timeSec: c.atSec, region: c.region }]);
        }
        bus.fireSchedulesUpTo(at, replayStartSec, true);
        await bus.drain();
        o.onProgress?.(at - replayStartSec, total);
      }
    },
    close: () => db.close(),
  };
}
