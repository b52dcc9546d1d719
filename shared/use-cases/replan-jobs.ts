/**
 * Use case (hourly): re-plan jobs that have not started yet when a newer forecast moves the optimum by more than
 * a threshold (default 5 % of the current plan's expected emissions under the NEW forecast), finish jobs left in
 * `requested` by an interrupted POST, and start at once any job whose first start slipped (a missed schedule).
 * Jobs already running are never re-planned here (their pauses are fixed; a late resume runs to completion).
 */
import { replanDecision } from '../domain/scheduler/replan-rule';
import { isoUtc, type EpochSec } from '../domain/time';
import type { JobRecord, SchedulingDeps, SegmentRecord } from '../ports/scheduler-ports';
import { createSchedules, deleteSchedules, finishScheduling, planOn, regionForecasts, schedulingConfig, segmentsOf } from './schedule-job';
import { makeDispatchSegment, updateJob } from './dispatch-segment';

export interface ReplanSummary {
  considered: number;
  replanned: string[];
  kept: string[];
  slippedStarted: string[];
  completedScheduling: string[];
  errors: { jobId: string; error: string }[];
}

export const makeReplanJobs = (d: SchedulingDeps) => {
  const cfg = schedulingConfig(d);
  const dispatcher = makeDispatchSegment(d);
  const startNow = (jobId: string, segment: number, planRevision: number) =>
    dispatcher.dispatch({ kind: 'carbonpilot.dispatch', jobId, segment, action: 'start', planRevision, attempt: 0 });

  /** Re-plan one scheduled job; returns what happened. */
  const replanOne = async (job: JobRecord, now: EpochSec): Promise<'replanned' | 'kept' | 'slipped'> => {
    const segs = (await d.jobs.getSegments(job.jobId)).filter((s) => s.planRevision === job.planRevision);
    const pending = segs.filter((s) => s.status === 'scheduled');
    if (pending.length !== segs.length || !pending.length) return 'kept'; // something started: not ours to move
    const first = pending[0];
    if (now > first.startSec + cfg.lateStartGraceSec) {
      await dispatcher.dispatch({ kind: 'carbonpilot.dispatch', jobId: job.jobId, segment: first.n, action: 'start', planRevision: job.planRevision, attempt: first.attempt });
      return 'slipped';
    }
    const forecasts = await regionForecasts(d, job.inputs, now);
    const plan = planOn(job.inputs, now, forecasts);
    const { replan, gainPct } = replanDecision({ pending, fresh: plan, forecasts, powerKw: job.inputs.powerKw, thresholdPct: cfg.replanThresholdPct });
    if (!replan) return 'kept';

    const revision = job.planRevision + 1;
    const note = `re-planned: forecast issued ${isoUtc(plan.forecastIssuedAtSec)} moves the optimum ${gainPct.toFixed(1)} % below the current plan (threshold ${cfg.replanThresholdPct} %)`;
    plan.reasons.unshift(note);
    // 1. Bump the revision first: from here on, schedules of the old revision are no-ops even if a delete fails.
    const updated = await updateJob(d, job.jobId, (j) =>
      j.version !== job.version || j.status !== 'scheduled' ? undefined : { planRevision: revision, plan, history: [...j.history, { atSec: now, status: j.status, note }] },
    );
    if (!updated || updated.planRevision !== revision) return 'kept';
    // 2. Old schedules away, 3. new segment items (compare-and-set over the old ones), 4. new schedules.
    await deleteSchedules(d, job.jobId, job.planRevision, segs);
    const next = segmentsOf(job.jobId, plan, revision);
    const all = await d.jobs.getSegments(job.jobId);
    for (const s of next) {
      const old = all.find((o) => o.n === s.n);
      await d.jobs.putSegment({ ...s, version: (old?.version ?? 0) + 1 }, old?.version ?? 0);
    }
    for (const old of all.filter((o) => o.n >= next.length && o.status === 'scheduled')) {
      await d.jobs.putSegment({ ...old, status: 'superseded', version: old.version + 1 }, old.version);
    }
    const fresh: SegmentRecord[] = (await d.jobs.getSegments(job.jobId)).filter((s) => s.planRevision === revision);
    const due = await createSchedules(d, updated, fresh, now);
    for (const n of due) await startNow(job.jobId, n, revision);
    d.log?.('job re-planned', { jobId: job.jobId, revision, gainPct });
    return 'replanned';
  };

  return async (): Promise<ReplanSummary> => {
    const now = d.clock.nowSec();
    const out: ReplanSummary = { considered: 0, replanned: [], kept: [], slippedStarted: [], completedScheduling: [], errors: [] };
    for (const job of await d.jobs.listByStatus('requested')) {
      out.considered++;
      try {
        await finishScheduling(d, job, await d.jobs.getSegments(job.jobId), startNow);
        out.completedScheduling.push(job.jobId);
      } catch (e) {
        out.errors.push({ jobId: job.jobId, error: e instanceof Error ? e.message : String(e) });
      }
    }
    for (const job of await d.jobs.listByStatus('scheduled')) {
      out.considered++;
      try {
        const r = await replanOne(job, now);
        (r === 'replanned' ? out.replanned : r === 'slipped' ? out.slippedStarted : out.kept).push(job.jobId);
      } catch (e) {
        // A bad job is reported and skipped; the rest of the batch continues.
        out.errors.push({ jobId: job.jobId, error: e instanceof Error ? e.message : String(e) });
      }
    }
    return out;
  };
};
