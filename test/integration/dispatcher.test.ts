/**
 * Dispatcher end to end on real local adapters: planner → dynalite job store → one-time schedules → launches,
 * with duplicate deliveries, capacity errors, forecast changes, pauses, late starts and cancel.
 */
import { JobRequest } from '../../shared/contracts/job-request';
import { makeCancelJob, makeDispatchSegment, makeSubmitJob } from '../../shared/use-cases/dispatch-segment';
import { makeReplanJobs } from '../../shared/use-cases/replan-jobs';
import { HOUR_SEC, isoUtc } from '../../shared/domain/time';
import { cleanWindowAt10, request, startHarness, T0, type Harness } from '../unit/use-cases/scheduling-harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

const submit = (over = {}) => makeSubmitJob(h.deps)(JobRequest.parse(request(over)));
const creates = () => h.launcher.calls.filter((c) => c.op === 'create');
/** Move the clock and deliver every due schedule `times` times (at-least-once delivery). */
const fire = async (toSec: number, times = 1) => {
  h.clock.set(toSec);
  const out = [];
  for (const s of h.scheduler.dueUpTo(toSec)) for (let i = 0; i < times; i++) out.push(await makeDispatchSegment(h.deps).dispatch(s.payload));
  return out;
};
const complete = async (toSec: number) => {
  h.clock.set(toSec);
  for (const c of await h.launcher.stateChangesUpTo(toSec)) await makeDispatchSegment(h.deps).onStateChange(c);
};

describe('scheduling a job', () => {
  it('plans the clean window, stores the job as scheduled and creates one start schedule', async () => {
    const r = await submit();
    expect(r.created).toBe(true);
    expect(r.job.status).toBe('scheduled');
    expect(r.job.plan.segments).toEqual([{ region: 'us-east-1', startSec: T0 + 10 * HOUR_SEC, endSec: T0 + 12 * HOUR_SEC }]);
    expect(h.scheduler.pending().map((s) => [s.atSec, s.payload.action])).toEqual([[T0 + 10 * HOUR_SEC, 'start']]);
    expect(creates()).toHaveLength(0);
  });

  it('is idempotent: the same request twice is one job and one schedule', async () => {
    const a = await submit();
    const b = await submit();
    expect(b.created).toBe(false);
    expect(b.job.jobId).toBe(a.job.jobId);
    expect(h.scheduler.pending()).toHaveLength(1);
  });

  it('a different clientToken makes a different job', async () => {
    const a = await submit({ clientToken: 'one' });
    const b = await submit({ clientToken: 'two' });
    expect(a.job.jobId).not.toBe(b.job.jobId);
  });
});

describe('signal', () => {
  it('plans a marginal request on the WattTime region of each allowed region, not its Electricity Maps zone', async () => {
    const r = await submit({ signal: 'marginal', allowedRegions: [{ region: 'us-east-1' }, { region: 'us-west-2' }], regionNeutral: true });
    expect(r.job.inputs.signal).toBe('marginal');
    expect([...new Set(h.forecasts.asked)].sort()).toEqual(['BPA|marginal', 'PJM_DC|marginal']);
  });

  it('rejects a marginal request naming the allowed region that has no WattTime region, and dispatches nothing', async () => {
    await expect(submit({ signal: 'marginal' })).rejects.toMatchObject({ name: 'JobRequestError', field: 'allowedRegions.1.region' });
    expect(h.scheduler.dueUpTo(T0 + 100 * HOUR_SEC)).toHaveLength(0);
    expect(h.forecasts.calls).toBe(0);
  });

  it('plans an average request on the Electricity Maps zones', async () => {
    await submit();
    expect([...new Set(h.forecasts.asked)].sort()).toEqual(['SE-SE3|average-lifecycle', 'US-MIDA-PJM|average-lifecycle']);
  });
});

describe('dispatching a segment', () => {
  it('a duplicate delivery of the same start creates exactly one training job', async () => {
    const { job } = await submit();
    const results = await fire(T0 + 10 * HOUR_SEC, 2);
    expect(results.map((r) => r.outcome)).toEqual(['started', 'duplicate']);
    expect(creates()).toHaveLength(1);
    expect(creates()[0]).toMatchObject({ region: 'us-east-1', jobName: `bert-ft-${job.jobId.slice(0, 8)}-s0` });
    expect((await h.jobs.get(job.jobId))!.status).toBe('running');
  });

  it('a redelivered start finishes what a delivery that crashed after claiming the segment left undone', async () => {
    const { job } = await submit({ jobFamily: 'bert' });
    h.clock.set(T0 + 10 * HOUR_SEC);
    const [startSchedule] = h.scheduler.dueUpTo(T0 + 10 * HOUR_SEC);
    // The process dies after the training job was created and the segment claimed, before the name index was written.
    jest.spyOn(h.jobs, 'putTrainingJobName').mockRejectedValueOnce(new Error('process killed'));
    await expect(makeDispatchSegment(h.deps).dispatch(startSchedule.payload)).rejects.toThrow('process killed');
    expect(await makeDispatchSegment(h.deps).dispatch(startSchedule.payload)).toMatchObject({ outcome: 'duplicate' });
    expect(creates()).toHaveLength(1);
    const name = creates()[0].jobName;
    expect(await h.jobs.findByTrainingJobName(name)).toBe(job.jobId);
    const running = (await h.jobs.get(job.jobId))!;
    expect(running.status).toBe('running');
    expect(running.launches).toEqual([expect.objectContaining({ trainingJobName: name, status: 'InProgress', startedAtSec: T0 + 10 * HOUR_SEC })]);
    // Without the name index, SageMaker's Completed event would not find the job.
    await complete(T0 + 12 * HOUR_SEC);
    expect((await h.jobs.get(job.jobId))!.status).toBe('completed');
    expect(await h.jobs.familyDurations('bert')).toEqual([2 * HOUR_SEC]);
    // A later duplicate changes nothing more.
    expect(await makeDispatchSegment(h.deps).dispatch(startSchedule.payload)).toMatchObject({ outcome: 'ignored' });
  });

  it('concurrent duplicate deliveries still start one job (deterministic name: the second gets "exists")', async () => {
    const { job } = await submit();
    h.clock.set(T0 + 10 * HOUR_SEC);
    const [s] = h.scheduler.dueUpTo(h.clock.nowSec());
    const d = makeDispatchSegment(h.deps);
    const rs = await Promise.all([d.dispatch(s.payload), d.dispatch(s.payload)]);
    expect(rs.filter((r) => r.outcome === 'started')).toHaveLength(1);
    expect((await h.launcher.resources()).filter((r) => r.tags['carbonpilot:job-id'] === job.jobId)).toHaveLength(1);
  });

  it('completes when SageMaker reports Completed, and records the family duration', async () => {
    const { job } = await submit({ jobFamily: 'bert' });
    await fire(T0 + 10 * HOUR_SEC);
    await complete(T0 + 12 * HOUR_SEC);
    const done = (await h.jobs.get(job.jobId))!;
    expect(done.status).toBe('completed');
    expect(done.launches[0]).toMatchObject({ status: 'Completed', endedAtSec: T0 + 12 * HOUR_SEC });
    expect(await h.jobs.familyDurations('bert')).toEqual([2 * HOUR_SEC]);
  });

  it('moves to another allowed region when the target has no capacity', async () => {
    await submit();
    h.launcher.noCapacity.add('us-east-1');
    const [r] = await fire(T0 + 10 * HOUR_SEC);
    expect(r).toMatchObject({ outcome: 'started-failover', region: 'eu-north-1' });
  });

  it('retries under a new name when no allowed region has capacity, and starts when capacity returns', async () => {
    const { job } = await submit();
    h.launcher.noCapacity.add('us-east-1');
    h.launcher.noCapacity.add('eu-north-1');
    const [r] = await fire(T0 + 10 * HOUR_SEC);
    expect(r.outcome).toBe('capacity-retry');
    expect(h.scheduler.pending()).toEqual([expect.objectContaining({ atSec: T0 + 10 * HOUR_SEC + 600, payload: expect.objectContaining({ attempt: 1 }) })]);
    h.launcher.noCapacity.clear();
    const [r2] = await fire(T0 + 10 * HOUR_SEC + 600);
    expect(r2).toMatchObject({ outcome: 'started', trainingJobName: `bert-ft-${job.jobId.slice(0, 8)}-s0a1` });
  });

  it('fails the job when capacity never returns before the deadline', async () => {
    const { job } = await submit({ deadline: isoUtc(T0 + 12 * HOUR_SEC + 300), interruptible: false });
    h.launcher.noCapacity.add('us-east-1');
    h.launcher.noCapacity.add('eu-north-1');
    await fire(T0 + 10 * HOUR_SEC);
    const [late] = await fire(T0 + 12 * HOUR_SEC);
    expect(late.outcome).toBe('failed');
    expect((await h.jobs.get(job.jobId))!.status).toBe('failed');
    expect(h.scheduler.pending()).toHaveLength(0);
  });
});

describe('pause and resume (interruptible)', () => {
  // Two clean hours far apart: the planner splits the work in two segments.
  const twoWindows = (zone: string, t: number) => {
    const hh = (t - T0) / HOUR_SEC;
    if (zone === 'SE-SE3') return 600;
    return (hh >= 2 && hh < 3) || (hh >= 8 && hh < 9) ? 100 : 500;
  };
  const interruptible = { checkpointS3Uri: 's3://my-bucket/ckpt', restartOverheadSec: 600 };

  it('stops at the segment end and resumes from the checkpoint in the next segment', async () => {
    h.forecasts.curve = twoWindows;
    const { job } = await submit({ interruptible, deadline: isoUtc(T0 + 12 * HOUR_SEC) });
    expect(job.plan.segments.length).toBe(2);
    const [s0, s1] = job.plan.segments;
    expect(await fire(s0.startSec)).toEqual([expect.objectContaining({ outcome: 'started' })]);
    expect(await fire(s0.endSec, 2)).toEqual([expect.objectContaining({ outcome: 'stopped' }), expect.objectContaining({ outcome: 'duplicate' })]);
    expect((await h.jobs.get(job.jobId))!.status).toBe('paused');
    const [resumed] = await fire(s1.startSec);
    expect(resumed).toMatchObject({ outcome: 'started', trainingJobName: expect.stringMatching(/-s1$/) });
    const ref = (await h.launcher.resources()).find((r) => r.id === resumed.trainingJobName)!;
    // Remaining work = 2 h − 1 h done + 10 min restart overhead.
    expect(ref.tags['carbonpilot:remaining-work-sec']).toBe(String(HOUR_SEC + 600));
    await complete(s1.startSec + HOUR_SEC + 600);
    expect((await h.jobs.get(job.jobId))!.status).toBe('completed');
  });

  it('a redelivered stop finishes what a delivery that crashed after marking the segment stopped left undone', async () => {
    h.forecasts.curve = twoWindows;
    const { job } = await submit({ interruptible, deadline: isoUtc(T0 + 12 * HOUR_SEC) });
    const [s0] = job.plan.segments;
    await fire(s0.startSec);
    h.clock.set(s0.endSec);
    const [stopSchedule] = h.scheduler.dueUpTo(s0.endSec);
    // The process dies after the segment item says stopped, before the job records the stop.
    jest.spyOn(h.jobs, 'update').mockRejectedValueOnce(new Error('process killed'));
    await expect(makeDispatchSegment(h.deps).dispatch(stopSchedule.payload)).rejects.toThrow('process killed');
    expect((await h.jobs.get(job.jobId))!.status).toBe('running');
    // At-least-once: the schedule fires again.
    expect(await makeDispatchSegment(h.deps).dispatch(stopSchedule.payload)).toMatchObject({ outcome: 'duplicate' });
    const after = (await h.jobs.get(job.jobId))!;
    expect(after.status).toBe('paused');
    expect(after.workDoneSec).toBe(HOUR_SEC);
    expect(after.launches[0]).toMatchObject({ status: 'Stopped', endedAtSec: s0.endSec });
  });

  it('runs to completion at once when a late start would push the planned end past the deadline', async () => {
    h.forecasts.curve = twoWindows;
    const { job } = await submit({ interruptible, deadline: isoUtc(T0 + 10 * HOUR_SEC + 1800) });
    const [s0] = job.plan.segments;
    expect(job.plan.segments.length).toBe(2);
    h.clock.set(s0.startSec + 3 * HOUR_SEC); // the schedule fired 3 h late
    const [due] = h.scheduler.dueUpTo(s0.startSec);
    const r = await makeDispatchSegment(h.deps).dispatch(due.payload);
    expect(r.outcome).toBe('started-run-to-completion');
    expect(h.scheduler.pending()).toHaveLength(0); // no stop, no later start
    const segs = await h.jobs.getSegments(job.jobId);
    expect(segs.map((s) => s.status)).toEqual(['started', 'superseded']);
  });
});

describe('re-planning on newer forecasts', () => {
  it('moves the start when the new optimum beats the plan by more than the threshold', async () => {
    const { job } = await submit();
    const old = h.scheduler.pending()[0];
    h.clock.set(T0 + HOUR_SEC);
    h.forecasts.curve = (zone, t) => (zone === 'US-MIDA-PJM' && (t - T0) / HOUR_SEC >= 18 && (t - T0) / HOUR_SEC < 20 ? 40 : cleanWindowAt10(zone, t));
    const s = await makeReplanJobs(h.deps)();
    expect(s.replanned).toEqual([job.jobId]);
    const after = (await h.jobs.get(job.jobId))!;
    expect(after.planRevision).toBe(1);
    expect(after.plan.segments[0].startSec).toBe(T0 + 18 * HOUR_SEC);
    expect(h.scheduler.pending().map((p) => p.atSec)).toEqual([T0 + 18 * HOUR_SEC]);
    // A delivery of the superseded schedule is a no-op.
    expect((await makeDispatchSegment(h.deps).dispatch(old.payload)).outcome).toBe('stale');
    expect(creates()).toHaveLength(0);
  });

  it('keeps the plan when the newer forecast moves the optimum by less than the threshold', async () => {
    const { job } = await submit();
    h.clock.set(T0 + HOUR_SEC);
    h.forecasts.curve = (zone, t) => (zone === 'US-MIDA-PJM' && (t - T0) / HOUR_SEC >= 18 && (t - T0) / HOUR_SEC < 20 ? 97 : cleanWindowAt10(zone, t));
    const s = await makeReplanJobs(h.deps)();
    expect(s.kept).toEqual([job.jobId]);
    expect((await h.jobs.get(job.jobId))!.planRevision).toBe(0);
    expect(h.scheduler.pending().map((p) => p.atSec)).toEqual([T0 + 10 * HOUR_SEC]);
  });

  it('starts at once a job whose start schedule was missed', async () => {
    const { job } = await submit();
    h.scheduler.dueUpTo(T0 + 10 * HOUR_SEC); // lost delivery
    h.clock.set(T0 + 11 * HOUR_SEC);
    const s = await makeReplanJobs(h.deps)();
    expect(s.slippedStarted).toEqual([job.jobId]);
    expect(creates()).toHaveLength(1);
  });
});

describe('cancel', () => {
  it('cancels a scheduled job: no schedules left and later deliveries do nothing', async () => {
    const { job } = await submit();
    const pending = h.scheduler.pending();
    const c = await makeCancelJob(h.deps)(job.jobId);
    expect(c.status).toBe('cancelled');
    expect(h.scheduler.pending()).toHaveLength(0);
    expect((await makeDispatchSegment(h.deps).dispatch(pending[0].payload)).outcome).toBe('ignored');
    expect(creates()).toHaveLength(0);
  });

  it('stops a running training job', async () => {
    const { job } = await submit();
    await fire(T0 + 10 * HOUR_SEC);
    await makeCancelJob(h.deps)(job.jobId);
    expect(h.launcher.calls.filter((c) => c.op === 'stop')).toHaveLength(1);
    expect((await h.jobs.get(job.jobId))!.status).toBe('cancelled');
  });
});

describe('region shifting with region-local locations', () => {
  /** eu-north-1 (SE-SE3) clearly cleaner than us-east-1 all day. */
  const euCleaner = (zone: string) => (zone === 'SE-SE3' ? 50 : 400);

  it('launches a job the planner moved to another region with that region\'s request, field by field', async () => {
    h.forecasts.curve = euCleaner;
    const r = await submit();
    expect(r.job.plan.segments[0].region).toBe('eu-north-1');
    await fire(r.job.plan.segments[0].startSec);
    const [c] = creates();
    expect(c.region).toBe('eu-north-1');
    const home = r.job.training as any;
    const q = c.request as any;
    expect(q.AlgorithmSpecification.TrainingImage).toBe('123456789012.dkr.ecr.eu-north-1.amazonaws.com/train:1');
    expect(q.OutputDataConfig.S3OutputPath).toBe('s3://my-bucket-eu/out');
    for (const k of ['RoleArn', 'ResourceConfig', 'StoppingCondition', 'HyperParameters']) expect(q[k]).toEqual(home[k]);
  });

  it('never plans a region whose region-local set is incomplete, and says why', async () => {
    h.forecasts.curve = euCleaner;
    const r = await submit({ allowedRegions: [{ region: 'us-east-1' }, { region: 'eu-north-1', locations: { outputPath: 's3://my-bucket-eu/out' } }] });
    expect(r.job.inputs.regions).toEqual(['us-east-1']);
    expect(r.job.inputs.excludedRegions).toEqual([{ region: 'eu-north-1', reason: 'no region-local locations.trainingImage for eu-north-1' }]);
    expect(r.job.plan.segments.every((s) => s.region === 'us-east-1')).toBe(true);
  });

  it('fails a region over, with the reason, when its buckets are not in that region', async () => {
    h.forecasts.curve = euCleaner;
    const checked: string[] = [];
    h.deps.locations = {
      verify: async (region, refs) => {
        checked.push(region);
        return region === 'eu-north-1' ? refs.s3Uris.map((u) => `bucket of ${u} is in us-east-1, not eu-north-1`) : [];
      },
    };
    const r = await submit(); // the plan starts now: dispatched at once
    expect(r.job.plan.segments[0]).toMatchObject({ region: 'eu-north-1', startSec: T0 });
    expect(r.job.launches).toEqual([expect.objectContaining({ region: 'us-east-1' })]);
    expect(r.job.history.map((x) => x.note).join('\n')).toMatch(/my-bucket-eu\/out is in us-east-1, not eu-north-1: moved/);
    expect(checked).toEqual(['eu-north-1', 'us-east-1']);
    expect(creates().map((c) => c.region)).toEqual(['us-east-1']);
  });

  it('fails the job, naming each region\'s problem, when no region passes the check', async () => {
    h.deps.locations = { verify: async (region) => [`bucket x is in ap-south-1, not ${region}`] };
    const r = await submit();
    const [res] = await fire(r.job.plan.segments[0].startSec);
    expect(res.outcome).toBe('failed');
    const failed = (await h.jobs.get(r.job.jobId))!;
    expect(failed.status).toBe('failed');
    expect(failed.history.at(-1)!.note).toMatch(/us-east-1: bucket x is in ap-south-1, not us-east-1; eu-north-1: bucket x is in ap-south-1, not eu-north-1/);
    expect(creates()).toHaveLength(0);
  });
});

describe('hourly reconcile', () => {
  it('completes a job whose Completed event was lost, from DescribeTrainingJob in its region', async () => {
    const { job } = await submit();
    await fire(T0 + 10 * HOUR_SEC);
    h.clock.set(T0 + 13 * HOUR_SEC); // the run finished at 12:00; no state change is delivered
    const out = await makeDispatchSegment(h.deps).reconcile();
    expect(out.applied).toEqual([expect.objectContaining({ jobId: job.jobId, region: 'us-east-1', status: 'Completed' })]);
    expect((await h.jobs.get(job.jobId))!.status).toBe('completed');
    // The late event, when it arrives, changes nothing; a second reconcile finds nothing running.
    await complete(T0 + 14 * HOUR_SEC);
    expect((await h.jobs.get(job.jobId))!.status).toBe('completed');
    expect((await makeDispatchSegment(h.deps).reconcile()).checked).toBe(0);
  });

  it('leaves a still-running segment alone', async () => {
    await submit();
    await fire(T0 + 10 * HOUR_SEC);
    h.clock.set(T0 + 11 * HOUR_SEC);
    const out = await makeDispatchSegment(h.deps).reconcile();
    expect(out).toEqual({ checked: 1, applied: [], errors: [] });
  });
});
