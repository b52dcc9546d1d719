/**
 * Use case: what runs when a one-time schedule fires (and when SageMaker reports a training-job state change).
 *
 * Exactly-once lives in the data: the SageMaker job name is deterministic (`<prefix>-<jobId8>-s<n>[a<k>]`), so a
 * duplicate delivery gets "already exists"; the segment item moves scheduled → started → stopped by
 * compare-and-set, so a duplicate finds the step done and does nothing. Schedules of an older plan revision
 * or attempt are no-ops. If anything slips (capacity in every allowed region, a start delivered too late to
 * finish the planned segments), the job runs at once to completion so the deadline holds.
 */
import { applyJobEvent, isTerminal, type JobEvent } from '../domain/scheduler/job-state';
import { scheduleName, trainingJobName } from '../domain/scheduler/job-name';
import type { DispatchPayload, TrainingJobStateChange } from '../contracts/job-request';
import type { EpochSec } from '../domain/time';
import {
  CapacityError,
  type JobPatch,
  type JobRecord,
  type LaunchRecord,
  type SchedulingDeps,
  type SegmentRecord,
} from '../ports/scheduler-ports';
import { checkpointOf, deleteSchedules, makeScheduleJob, schedulingConfig } from './schedule-job';
import { regionLocalRefs, regionRequest } from '../domain/scheduler/region-request';

export type DispatchOutcome =
  | 'started'
  | 'started-failover'
  | 'started-run-to-completion'
  | 'stopped'
  | 'duplicate'
  | 'stale'
  | 'ignored'
  | 'unknown-job'
  | 'capacity-retry'
  | 'failed';

export interface DispatchResult {
  outcome: DispatchOutcome;
  jobId: string;
  segment?: number;
  trainingJobName?: string;
  region?: string;
  note?: string;
}

/** Latest end of the plan that still keeps the safety margin (the planner's hard end). */
export const hardEndSec = (job: JobRecord): EpochSec => job.plan.latestSafeStartSec + job.inputs.durationSec;

/** Work left, s, including the restart overhead of a resume. */
export const remainingWorkSec = (job: JobRecord): number =>
  Math.max(0, job.inputs.durationSec - job.workDoneSec) + (job.workDoneSec > 0 ? job.inputs.restartOverheadSec : 0);

/** Re-read and apply a job update by compare-and-set, up to a few times (concurrent deliveries). */
export async function updateJob(d: SchedulingDeps, jobId: string, f: (job: JobRecord) => JobPatch | undefined): Promise<JobRecord | undefined> {
  for (let i = 0; i < 5; i++) {
    const job = await d.jobs.get(jobId);
    if (!job) return undefined;
    const patch = f(job);
    if (!patch) return job;
    if (await d.jobs.update(jobId, job.version, { ...patch, updatedAtSec: d.clock.nowSec() })) return { ...job, ...patch, version: job.version + 1 };
  }
  throw new Error(`job ${jobId}: too many concurrent updates`);
}

/** A status change as a patch (undefined when the event is a duplicate or not allowed). */
const transition = (job: JobRecord, event: JobEvent, atSec: EpochSec, note: string, extra: JobPatch = {}): JobPatch | undefined => {
  const t = applyJobEvent(job.status, event);
  if (!t.ok) return Object.keys(extra).length ? extra : undefined;
  if (!t.changed && !Object.keys(extra).length) return undefined;
  return { ...extra, status: t.status, history: t.changed ? [...job.history, { atSec, status: t.status, note }] : job.history };
};

const tagsFor = (job: JobRecord, seg: number, remainingSec: number): { Key: string; Value: string }[] => {
  const own = Object.entries(job.request.ownerTags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  const given = ((job.training as { Tags?: { Key: string; Value: string }[] }).Tags ?? []).filter((t) => !own.some((o) => o.Key === t.Key));
  return [
    ...given,
    ...own,
    { Key: 'carbonpilot:job-id', Value: job.jobId },
    { Key: 'carbonpilot:segment', Value: String(seg) },
    // Lets the local launcher (and humans) know how long this run is expected to work.
    { Key: 'carbonpilot:remaining-work-sec', Value: String(Math.round(remainingSec)) },
    ...(job.demo ? [{ Key: 'carbonpilot:demo', Value: 'true' }] : []),
  ].slice(0, 50); // SageMaker allows 50 tags per resource
};

/**
 * The CreateTrainingJob request of one segment in `region`: the home request with that region's region-local
 * overrides applied (regionRequest), a deterministic name, the checkpoint location for resumable jobs, our tags.
 * Throws a RegionNotUsableError when the request has no complete region-local set for `region`.
 */
export function createRequestFor(job: JobRecord, seg: number, attempt: number, remainingSec: number, region: string): { name: string; request: Record<string, unknown> } {
  const name = trainingJobName(job.training.TrainingJobName, job.jobId, seg, attempt);
  const allowed = job.request.allowedRegions;
  const r = regionRequest({
    spec: job.training,
    homeRegion: allowed[0].region,
    region,
    locations: allowed.find((a) => a.region === region)?.locations,
    regionNeutral: job.request.regionNeutral === true,
    checkpointS3Uri: checkpointOf(job.request),
  });
  if (!r.complete) throw new RegionNotUsableError(region, `no region-local ${r.missing.join(', ')}`);
  return { name, request: { ...r.request, TrainingJobName: name, Tags: tagsFor(job, seg, remainingSec) } };
}

/** A region the job cannot run in (incomplete region-local set, or its locations are not in that region). */
export class RegionNotUsableError extends Error {
  readonly retryable = false;
  constructor(
    readonly region: string,
    readonly reason: string,
  ) {
    super(`${region}: ${reason}`);
    this.name = 'RegionNotUsableError';
  }
}

/** Regions a segment may start in: the target first, then the other planned regions; a resume stays where it ran (checkpoints are region-local). */
const launchOrder = (job: JobRecord, target: string): string[] => {
  const last = job.launches[job.launches.length - 1];
  if (job.workDoneSec > 0 && last) return [last.region];
  return [target, ...job.inputs.regions.filter((r) => r !== target)];
};

export const makeDispatchSegment = (d: SchedulingDeps) => {
  const cfg = schedulingConfig(d);

  const start = async (p: DispatchPayload): Promise<DispatchResult> => {
    const now = d.clock.nowSec();
    const job = await d.jobs.get(p.jobId);
    if (!job) return { outcome: 'unknown-job', jobId: p.jobId };
    if (isTerminal(job.status)) return { outcome: 'ignored', jobId: p.jobId, segment: p.segment, note: `job is ${job.status}` };
    if (p.planRevision !== job.planRevision) return { outcome: 'stale', jobId: p.jobId, segment: p.segment, note: `plan revision ${p.planRevision} superseded by ${job.planRevision}` };
    const segments = await d.jobs.getSegments(p.jobId);
    const seg = segments.find((s) => s.n === p.segment);
    if (!seg || seg.planRevision !== p.planRevision || seg.attempt !== p.attempt) return { outcome: 'stale', jobId: p.jobId, segment: p.segment };
    const later = segments.filter((s) => s.n > seg.n && s.status === 'scheduled');
    // Late delivery shifts the rest of the plan by the lateness (each stop fires at its planned time, so the lost
    // work moves to the final segment). If that would end past the hard end, drop the pauses: run to completion now.
    const latenessSec = Math.max(0, now - seg.startSec);
    const plannedEnd = later.length ? later[later.length - 1].endSec : seg.endSec;
    const runToCompletion = later.length > 0 && plannedEnd + latenessSec > hardEndSec(job);

    if (seg.status !== 'scheduled') {
      // A delivery that crashed after claiming the segment left its follow-ups undone (name index, launch record,
      // superseding for a run to completion): its redelivery finishes them. Once the launch is recorded, nothing is left.
      const name = seg.trainingJobName;
      if (seg.status === 'started' && name && seg.launchedRegion && !job.launches.some((l) => l.trainingJobName === name)) {
        const rtc = runToCompletion || segments.some((s) => s.n > seg.n && s.status === 'superseded');
        await afterStart(job, seg, name, seg.launchedRegion, rtc, later, now, startNote(seg.n, seg.launchedRegion, name, seg.launchedRegion !== seg.region ? '(moved)' : '', rtc));
      }
      return { outcome: 'duplicate', jobId: p.jobId, segment: p.segment, trainingJobName: seg.trainingJobName, region: seg.launchedRegion };
    }

    const remaining = remainingWorkSec(job);

    // Target region first, then the other usable regions (each has its region-local set) if it has no capacity or its
    // locations fail the check; the request launched is always the region's own (regionRequest).
    const target = seg.launchedRegion ?? seg.region;
    const order = launchOrder(job, target);
    const name = trainingJobName(job.training.TrainingJobName, job.jobId, seg.n, seg.attempt);
    let launched: string | undefined;
    const capacity: string[] = [];
    const unusable: string[] = [];
    for (const region of order) {
      try {
        const { request } = createRequestFor(job, seg.n, seg.attempt, remaining, region);
        const problems = d.locations ? await d.locations.verify(region, regionLocalRefs(request)) : [];
        if (problems.length) throw new RegionNotUsableError(region, problems.join('; '));
        await d.launcher.create(region, name, request);
        launched = region;
        break;
      } catch (e) {
        if (e instanceof RegionNotUsableError) {
          unusable.push(e.message);
          d.log?.('region not usable', { jobId: job.jobId, segment: seg.n, region, reason: e.reason });
          continue;
        }
        if (!(e instanceof CapacityError)) throw e;
        capacity.push(`${region}: ${e.message}`);
      }
    }
    if (!launched && !capacity.length) {
      await failJob(job.jobId, now, `no allowed region can run the job: ${unusable.join('; ')}`);
      return { outcome: 'failed', jobId: job.jobId, segment: seg.n, note: unusable.join('; ') };
    }
    if (unusable.length) capacity.push(...unusable);
    if (!launched) return capacityRetry(job, seg, now, capacity);

    const claimed = await d.jobs.putSegment({ ...seg, status: 'started', trainingJobName: name, launchedRegion: launched, version: seg.version + 1 }, seg.version);
    if (!claimed) return { outcome: 'duplicate', jobId: job.jobId, segment: seg.n, trainingJobName: name, region: launched };
    const moved = launched !== target ? `(${unusable.length ? unusable.join('; ') : `no capacity in ${target}`}: moved)` : '';
    const note = startNote(seg.n, launched, name, moved, runToCompletion);
    await afterStart(job, seg, name, launched, runToCompletion, later, now, note);
    d.log?.('segment started', { jobId: job.jobId, segment: seg.n, region: launched, trainingJobName: name, runToCompletion });
    return {
      outcome: runToCompletion ? 'started-run-to-completion' : launched !== target ? 'started-failover' : 'started',
      jobId: job.jobId,
      segment: seg.n,
      trainingJobName: name,
      region: launched,
      note,
    };
  };

  const startNote = (n: number, launched: string, name: string, moved: string, runToCompletion: boolean) =>
    [`segment ${n} started in ${launched} as ${name}`, moved, runToCompletion ? `(late start: running to completion to hold the deadline)` : ''].filter(Boolean).join(' ');

  /**
   * What follows a claimed start: the name index (state changes find the job by it), superseding the later segments
   * of a run to completion, and the launch record. Each step is idempotent, so a redelivery can run them again.
   */
  const afterStart = async (job: JobRecord, seg: SegmentRecord, name: string, launched: string, runToCompletion: boolean, later: SegmentRecord[], now: EpochSec, note: string): Promise<void> => {
    await d.jobs.putTrainingJobName(name, job.jobId);
    if (runToCompletion) {
      await d.scheduler.delete(scheduleName(job.jobId, job.planRevision, seg.n, 'stop'));
      await deleteSchedules(d, job.jobId, job.planRevision, later);
      for (const s of later) await d.jobs.putSegment({ ...s, status: 'superseded', version: s.version + 1 }, s.version);
    }
    await updateJob(d, job.jobId, (j) => {
      if (j.launches.some((l) => l.trainingJobName === name)) return undefined;
      const launch: LaunchRecord = { segment: seg.n, attempt: seg.attempt, region: launched, trainingJobName: name, startedAtSec: now, status: 'InProgress' };
      return transition(j, 'segment-started', now, note, { launches: [...j.launches, launch] });
    });
  };

  /** No capacity anywhere: retry this segment later (new attempt, new name) while the deadline allows. */
  const capacityRetry = async (job: JobRecord, seg: SegmentRecord, now: EpochSec, errors: string[]): Promise<DispatchResult> => {
    const retryAt = now + cfg.capacityRetrySec;
    if (retryAt >= job.inputs.deadlineSec) {
      await failJob(job.jobId, now, `no capacity in any allowed region and no time left before the deadline (${errors.join('; ')})`);
      return { outcome: 'failed', jobId: job.jobId, segment: seg.n, note: errors.join('; ') };
    }
    const next = { ...seg, attempt: seg.attempt + 1, version: seg.version + 1 };
    if (!(await d.jobs.putSegment(next, seg.version))) return { outcome: 'duplicate', jobId: job.jobId, segment: seg.n };
    await d.scheduler.createOneTime(scheduleName(job.jobId, job.planRevision, seg.n, 'start', next.attempt), retryAt, {
      kind: 'carbonpilot.dispatch',
      jobId: job.jobId,
      segment: seg.n,
      action: 'start',
      planRevision: job.planRevision,
      attempt: next.attempt,
    });
    d.log?.('capacity retry', { jobId: job.jobId, segment: seg.n, attempt: next.attempt, errors });
    return { outcome: 'capacity-retry', jobId: job.jobId, segment: seg.n, note: `retry ${next.attempt} at ${retryAt}: ${errors.join('; ')}` };
  };

  const failJob = async (jobId: string, now: EpochSec, note: string) => {
    const segments = await d.jobs.getSegments(jobId);
    const job = await updateJob(d, jobId, (j) => transition(j, 'fail', now, note));
    if (job) await deleteSchedules(d, jobId, job.planRevision, segments);
  };

  const STOP_NOTE = 'paused at segment end (checkpointed; the next segment resumes from it)';

  const stop = async (p: DispatchPayload): Promise<DispatchResult> => {
    const now = d.clock.nowSec();
    const job = await d.jobs.get(p.jobId);
    if (!job) return { outcome: 'unknown-job', jobId: p.jobId };
    if (isTerminal(job.status)) return { outcome: 'ignored', jobId: p.jobId, segment: p.segment, note: `job is ${job.status}` };
    if (p.planRevision !== job.planRevision) return { outcome: 'stale', jobId: p.jobId, segment: p.segment };
    const seg = (await d.jobs.getSegments(p.jobId)).find((s) => s.n === p.segment);
    if (seg?.status === 'stopped' && seg.trainingJobName) {
      // A delivery that crashed after marking the segment stopped: its redelivery records the stop on the job.
      await recordStoppedOnJob(job.jobId, seg.trainingJobName, now, STOP_NOTE);
      return { outcome: 'duplicate', jobId: p.jobId, segment: p.segment };
    }
    if (!seg || seg.status !== 'started' || !seg.trainingJobName || !seg.launchedRegion) return { outcome: 'ignored', jobId: p.jobId, segment: p.segment };
    await d.launcher.stop(seg.launchedRegion, seg.trainingJobName);
    await recordStopped(job.jobId, seg, now, STOP_NOTE);
    return { outcome: 'stopped', jobId: job.jobId, segment: seg.n, trainingJobName: seg.trainingJobName, region: seg.launchedRegion };
  };

  const recordStopped = async (jobId: string, seg: SegmentRecord, now: EpochSec, note: string): Promise<boolean> => {
    if (!(await d.jobs.putSegment({ ...seg, status: 'stopped', version: seg.version + 1 }, seg.version))) return false;
    await recordStoppedOnJob(jobId, seg.trainingJobName, now, note);
    return true;
  };

  /** The stop on the job: work done and the launch's end (idempotent: a launch no longer InProgress is left alone). */
  const recordStoppedOnJob = async (jobId: string, trainingJobName: string | undefined, now: EpochSec, note: string): Promise<void> => {
    await updateJob(d, jobId, (j) => {
      const l = j.launches.find((x) => x.trainingJobName === trainingJobName);
      if (!l || l.status !== 'InProgress') return undefined;
      const ran = now - l.startedAtSec - (j.workDoneSec > 0 ? j.inputs.restartOverheadSec : 0);
      return transition(j, 'segment-stopped', now, note, {
        workDoneSec: Math.min(j.inputs.durationSec, j.workDoneSec + Math.max(0, ran)),
        launches: j.launches.map((x) => (x === l ? { ...x, status: 'Stopped' as const, endedAtSec: now } : x)),
      });
    });
  };

  /** SageMaker Training Job State Change for a job we launched (others are ignored). */
  const onStateChange = async (c: TrainingJobStateChange): Promise<DispatchResult> => {
    const now = d.clock.nowSec();
    const jobId = await d.jobs.findByTrainingJobName(c.TrainingJobName);
    if (!jobId) return { outcome: 'ignored', jobId: '', note: `${c.TrainingJobName} is not a CarbonPilot job` };
    const job = await d.jobs.get(jobId);
    if (!job) return { outcome: 'unknown-job', jobId };
    const segments = await d.jobs.getSegments(jobId);
    const seg = segments.find((s) => s.trainingJobName === c.TrainingJobName);
    const base = { jobId, segment: seg?.n, trainingJobName: c.TrainingJobName };
    if (c.TrainingJobStatus === 'Completed') {
      if (seg && seg.status !== 'completed') await d.jobs.putSegment({ ...seg, status: 'completed', version: seg.version + 1 }, seg.version);
      const done = await updateJob(d, jobId, (j) => {
        const l = j.launches.find((x) => x.trainingJobName === c.TrainingJobName);
        if (!l || (l.status === 'Completed' && j.status === 'completed')) return undefined;
        return transition(j, 'completed', now, `${c.TrainingJobName} completed`, {
          workDoneSec: j.inputs.durationSec,
          launches: j.launches.map((x) => (x === l ? { ...x, status: 'Completed' as const, endedAtSec: x.endedAtSec ?? now } : x)),
        });
      });
      // Anything still scheduled is no longer needed.
      const rest = segments.filter((s) => s.status === 'scheduled');
      if (seg) await d.scheduler.delete(scheduleName(jobId, job.planRevision, seg.n, 'stop'));
      await deleteSchedules(d, jobId, job.planRevision, rest);
      for (const s of rest) await d.jobs.putSegment({ ...s, status: 'superseded', version: s.version + 1 }, s.version);
      if (done && job.request.jobFamily) {
        const ranSec = done.launches.reduce((t, l) => t + ((l.endedAtSec ?? now) - l.startedAtSec), 0);
        await d.jobs.putFamilyDuration(job.request.jobFamily, jobId, ranSec);
      }
      return { outcome: 'ignored', ...base, note: 'completed' };
    }
    if (c.TrainingJobStatus === 'Stopped' && seg?.status === 'started') {
      await recordStopped(jobId, seg, now, `${c.TrainingJobName} stopped outside CarbonPilot`);
      return { outcome: 'stopped', ...base };
    }
    if (c.TrainingJobStatus === 'Failed' && seg && seg.status === 'started') {
      await updateJob(d, jobId, (j) => ({
        launches: j.launches.map((x) => (x.trainingJobName === c.TrainingJobName ? { ...x, status: 'Failed' as const, endedAtSec: now } : x)),
      }));
      if (/capacity/i.test(c.FailureReason ?? '')) {
        // Provisioning failed for capacity: the name is used up, so retry at once under the next attempt's name.
        const retry = { ...seg, status: 'scheduled' as const, attempt: seg.attempt + 1, trainingJobName: undefined, launchedRegion: undefined, version: seg.version + 1 };
        if (await d.jobs.putSegment(retry, seg.version)) {
          return start({ kind: 'carbonpilot.dispatch', jobId, segment: seg.n, action: 'start', planRevision: job.planRevision, attempt: retry.attempt });
        }
        return { outcome: 'duplicate', ...base };
      }
      await failJob(jobId, now, `${c.TrainingJobName} failed: ${c.FailureReason ?? 'no reason given'}`);
      return { outcome: 'failed', ...base, note: c.FailureReason };
    }
    return { outcome: 'ignored', ...base };
  };

  /**
   * Hourly reconcile: ask SageMaker (DescribeTrainingJob, in the segment's own region) about every running segment and
   * apply what the state-change event would have said. A lost event, or a region without a forwarder, then delays an
   * outcome by at most an hour but never loses it; a duplicate of an event already applied changes nothing.
   */
  const reconcile = async (): Promise<ReconcileSummary> => {
    const out: ReconcileSummary = { checked: 0, applied: [], errors: [] };
    for (const job of await d.jobs.listByStatus('running')) {
      for (const seg of await d.jobs.getSegments(job.jobId)) {
        if (seg.status !== 'started' || !seg.trainingJobName || !seg.launchedRegion) continue;
        out.checked++;
        try {
          const r = await d.launcher.describe(seg.launchedRegion, seg.trainingJobName);
          if (!r || r.status === 'InProgress' || r.status === 'Stopping') continue;
          const res = await onStateChange({ TrainingJobName: seg.trainingJobName, TrainingJobStatus: r.status, ...(r.failureReason ? { FailureReason: r.failureReason } : {}) });
          out.applied.push({ jobId: job.jobId, trainingJobName: seg.trainingJobName, region: seg.launchedRegion, status: r.status, outcome: res.outcome });
        } catch (e) {
          out.errors.push({ jobId: job.jobId, trainingJobName: seg.trainingJobName, error: e instanceof Error ? e.message : String(e) });
        }
      }
    }
    return out;
  };

  return {
    dispatch: (p: DispatchPayload): Promise<DispatchResult> => (p.action === 'start' ? start(p) : stop(p)),
    onStateChange,
    reconcile,
  };
};

export interface ReconcileSummary {
  checked: number;
  applied: { jobId: string; trainingJobName: string; region: string; status: string; outcome: DispatchOutcome }[];
  errors: { jobId: string; trainingJobName: string; error: string }[];
}

export class JobNotFoundError extends Error {
  readonly retryable = false;
  constructor(readonly jobId: string) {
    super(`no job ${jobId}`);
    this.name = 'JobNotFoundError';
  }
}
export class JobConflictError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'JobConflictError';
  }
}

/** DELETE /jobs/{id}: cancel; deletes every schedule and stops a running training job. Cancelling twice is a no-op. */
export const makeCancelJob = (d: SchedulingDeps) =>
  async (jobId: string): Promise<JobRecord> => {
    const now = d.clock.nowSec();
    const job = await d.jobs.get(jobId);
    if (!job) throw new JobNotFoundError(jobId);
    if (job.status === 'cancelled') return job;
    if (isTerminal(job.status)) throw new JobConflictError(`job ${jobId} is already ${job.status}`);
    const out = await updateJob(d, jobId, (j) => transition(j, 'cancel', now, 'cancelled by request'));
    const segments = await d.jobs.getSegments(jobId);
    await deleteSchedules(d, jobId, job.planRevision, segments);
    for (const s of segments) {
      if (s.status === 'started' && s.trainingJobName && s.launchedRegion) await d.launcher.stop(s.launchedRegion, s.trainingJobName);
      if (s.status === 'scheduled' || s.status === 'started') await d.jobs.putSegment({ ...s, status: 'cancelled', version: s.version + 1 }, s.version);
    }
    return out ?? job;
  };

/** POST /jobs with segments already due started at once (the schedule-job use case wired to this dispatcher). */
export const makeSubmitJob = (d: SchedulingDeps) => {
  const dispatcher = makeDispatchSegment(d);
  return makeScheduleJob(d, (jobId, segment, planRevision) =>
    dispatcher.dispatch({ kind: 'carbonpilot.dispatch', jobId, segment, action: 'start', planRevision, attempt: 0 }),
  );
};
