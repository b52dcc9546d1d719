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
import { makeDispatchSegment, makeSubmitJob } from '../../use-cases/dispatch-segment';
import { finishScheduling } from '../../use-cases/schedule-job';
import type { ReplayProgress } from './local-durable-state';
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
  const { db, clock, bus, launcher, segments, config, invoke, localState } = env;
  const store = env.stores.store;
  const dispatcherId = env.pipeline.find((f) => f.triggers.some((t) => t.type === 'one-time-schedules'))?.id;

  // Crash consistency: the replay's progress is kept in the local store (per replay: same --now, --days, step), so a
  // rerun after a crash resumes the step it was in; the bus redelivers what it had accepted but not delivered.
  const replayId = `${o.nowSec}#${days}#${stepSec}`;
  let progress: ReplayProgress = (await localState.progress.get(replayId)) ?? { atSec: replayStartSec, submitted: false, nextFire: {} };
  const saveProgress = async (p: ReplayProgress) => {
    await localState.progress.put(replayId, p);
    progress = p;
  };
  await bus.recover();

  /**
   * EventBridge Scheduler stand-in: each due one-time schedule fires at its own time, straight to the dispatcher, and
   * is deleted after the dispatch returned (at least once). A schedule deleted meanwhile (by an earlier dispatch) no
   * longer fires, as in EventBridge Scheduler.
   */
  const fireOneTimeSchedules = async (upToSec: EpochSec) => {
    if (!dispatcherId) return;
    for (let [s] = segments.due(upToSec); s; [s] = segments.due(upToSec)) {
      clock.set(Math.max(clock.nowSec(), s.atSec));
      const target = s.target ?? dispatcherId;
      await invoke(target, s.payload).catch((e: unknown) => bus.stats.failed.push({ functionId: target, error: String(e) }));
      await segments.delete(s.name);
    }
  };

  const replay = { startSec: replayStartSec, nowSec: o.nowSec };
  if (o.demoJobs ?? true) {
    await runDemoSeeders('before-replay', env, replay);
    if (!progress.submitted) {
      await submitDemoJobs(env, replayStartSec);
      await saveProgress({ ...progress, submitted: true });
    }
  }

  let at = Math.max(replayStartSec, progress.atSec);
  clock.set(at);
  bus.restoreScheduleState(progress.nextFire);
  return {
    env, db, store, clock, bus, core: env.core, scheduling: env.scheduling, config, replayStartSec, launcher, segments,
    async advanceTo(toSec) {
      const total = Math.max(1, toSec - replayStartSec);
      while (at < toSec) {
        const next = Math.min(toSec, at + stepSec);
        // A rerun of a step whose one-time schedules had all fired goes straight to its bus phase.
        if (progress.stepToSec !== next) {
          await fireOneTimeSchedules(next);
          await saveProgress({ ...progress, stepToSec: next });
        }
        at = next;
        clock.set(at);
        // SageMaker's state changes go to the default bus, where the inventory and the dispatcher both listen; a job is
        // marked reported only once its change was accepted (a crash in between publishes it again, same id).
        const changes = await launcher.unreportedStateChanges(at);
        await bus.publish('default', changes.map((c) => ({ source: 'aws.sagemaker', detailType: 'SageMaker Training Job State Change', detail: { TrainingJobName: c.TrainingJobName, TrainingJobStatus: c.TrainingJobStatus }, timeSec: c.atSec, region: c.region })));
        await launcher.markReported(changes);
        await bus.fireSchedulesUpTo(at, replayStartSec, true);
        await bus.drain();
        await bus.commit();
        await saveProgress({ atSec: at, submitted: progress.submitted, nextFire: bus.scheduleState() });
        o.onProgress?.(at - replayStartSec, total);
      }
      // Deliveries recovered from a crash after the last step (e.g. accepted from the API) are not left behind.
      if (bus.pending()) {
        await bus.drain();
        await bus.commit();
      }
    },
    afterReplay: async () => {
      if (o.demoJobs ?? true) await runDemoSeeders('after-replay', env, replay);
    },
    close: () => db.close(),
  };
}

/**
 * Submit the DEMO jobs at the replay's start. Submissions are idempotent (job id from the client token); a job a
 * crashed run left part-way (stored but not scheduled, or scheduled with a due start not dispatched) is finished
 * here as its submission would have finished it, at the same instant.
 */
async function submitDemoJobs(env: LocalEnvironment, replayStartSec: EpochSec): Promise<void> {
  const submit = makeSubmitJob(env.scheduling);
  const dispatcher = makeDispatchSegment(env.scheduling);
  const startNow = (jobId: string, segment: number, planRevision: number, attempt = 0) =>
    dispatcher.dispatch({ kind: 'carbonpilot.dispatch', jobId, segment, action: 'start', planRevision, attempt });
  for (const req of makeDemoJobRequests(replayStartSec)) {
    const r = await submit(req);
    if (r.created) continue;
    if (r.job.status === 'requested') {
      await finishScheduling(env.scheduling, r.job, r.segments, startNow);
      continue;
    }
    for (const s of r.segments) {
      if (s.status === 'scheduled' && s.planRevision === r.job.planRevision && s.startSec <= env.clock.nowSec()) await startNow(r.job.jobId, s.n, s.planRevision, s.attempt);
    }
  }
}
