/**
 * The local runtime: drives the clock of the local environment (shared/composition/local.ts builds everything: the
 * embedded DynamoDB API, the local EventBridge stand-in, the same handlers as in AWS with local adapters) through a
 * replay of the DEMO fleet over the days before `nowSec`.
 */
import type { AppConfig } from '../../contracts/config';
import { startLocalEnvironment, type LocalEnvironment } from '../../composition/local';
import type { AppCore } from '../../composition/deps';
import { alignDown, DAY_SEC, HOUR_SEC, type EpochSec } from '../../domain/time';
import type { EmbeddedDynamo } from './embedded-dynamodb';
import type { LocalBus } from './local-bus';
import type { ManualClock } from './manual-clock';
import { makeDemoJobRequests, type LocalTrainingLauncher } from './local-training-launcher';
import type { LocalSegmentScheduler } from './local-segment-scheduler';
import type { DynamoFootprintStore } from '../aws/dynamodb-footprint-store';
import { makeSubmitJob } from '../../use-cases/dispatch-segment';
import { runDemoSeeders } from '../../composition/local-demo';
import type { SchedulingDeps } from '../../ports/scheduler-ports';

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
  env: LocalEnvironment;
  db: EmbeddedDynamo;
  store: DynamoFootprintStore;
  clock: ManualClock;
  bus: LocalBus;
  core: AppCore;
  scheduling: SchedulingDeps;
  launcher: LocalTrainingLauncher;
  segments: LocalSegmentScheduler;
  config: Readonly<AppConfig>;
  replayStartSec: EpochSec;
  /** Replay from the start (or where the last call stopped) to `toSec`. */
  advanceTo(toSec: EpochSec): Promise<void>;
  /** Run the `after-replay` demo seeders (after the replay reached --now). */
  afterReplay(): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalRuntime(o: LocalRuntimeOptions): Promise<LocalRuntime> {
  const days = o.days ?? 14;
  const stepSec = o.stepSec ?? HOUR_SEC;
  const replayStartSec = alignDown(o.nowSec, HOUR_SEC) - days * DAY_SEC;
  const env = await startLocalEnvironment({
    dataDir: o.dataDir,
    schedulesFile: o.schedulesFile,
    demoAnchorSec: o.nowSec,
    startSec: replayStartSec,
    env: o.env ?? {},
  });
  const { db, clock, bus, launcher, segments, config, invoke } = env;
  const store = env.stores.store;
  const dispatcherId = env.pipeline.find((f) => f.triggers.some((t) => t.type === 'one-time-schedules'))?.id;

  /** EventBridge Scheduler stand-in: each due one-time schedule fires at its own time, straight to the dispatcher. */
  const fireOneTimeSchedules = async (upToSec: EpochSec) => {
    if (!dispatcherId) return;
    for (let due = segments.dueUpTo(upToSec); due.length; due = segments.dueUpTo(upToSec)) {
      for (const s of due) {
        clock.set(Math.max(clock.nowSec(), s.atSec));
        await invoke(s.target ?? dispatcherId, s.payload).catch((e: unknown) => bus.stats.failed.push({ functionId: s.target ?? dispatcherId, error: String(e) }));
      }
    }
  };

  const replay = { startSec: replayStartSec, nowSec: o.nowSec };
  if (o.demoJobs ?? true) {
    await runDemoSeeders('before-replay', env, replay);
    const submit = makeSubmitJob(env.scheduling);
    for (const req of makeDemoJobRequests(replayStartSec)) await submit(req);
  }

  let at = replayStartSec;
  return {
    env, db, store, clock, bus, core: env.core, scheduling: env.scheduling, config, replayStartSec, launcher, segments,
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
    afterReplay: async () => {
      if (o.demoJobs ?? true) await runDemoSeeders('after-replay', env, replay);
    },
    close: () => db.close(),
  };
}
