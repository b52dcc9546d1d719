/**
 * The jobs API (same table locally and behind API Gateway):
 *   POST   /api/jobs      plan + schedule (201; an identical repeat returns the existing job with 200)
 *   GET    /api/jobs/:id  plan, status, segments, realised emissions
 *   POST   /api/plans     preview: the plan a request would get now; nothing stored or dispatched
 *   DELETE /api/jobs/:id  cancel (stops a running training job, deletes schedules)
 * A bad request is a 400 naming each field, and nothing is stored or dispatched.
 */
import { HttpError, validate, type Route } from './router';
import { JobRequest } from '../contracts/job-request';
import type { FootprintStore, IntensityProvider } from '../ports';
import type { JobRecord, SchedulingDeps, SegmentRecord } from '../ports/scheduler-ports';
import { JobRequestError, makePreviewPlan } from '../use-cases/schedule-job';
import { JobConflictError, JobNotFoundError, makeCancelJob, makeSubmitJob } from '../use-cases/dispatch-segment';
import { makeJobOutcome } from '../use-cases/job-outcome';
import { BudgetExceededError } from '../use-cases/gate-job';
import { isoUtc } from '../domain/time';
import { violationText } from '../domain/budgets/gate';

export interface JobsRouteDeps {
  scheduling: SchedulingDeps;
  footprint: FootprintStore;
  intensityProviders: IntensityProvider[];
}

const JOB_ID = /^[a-z0-9]{8,64}$/;

/** Domain errors → HTTP: field errors 400, unknown job 404, conflicting state 409. */
const mapErrors = async <T>(f: () => Promise<T>): Promise<T> => {
  try {
    return await f();
  } catch (e) {
    if (e instanceof JobRequestError) throw new HttpError(400, `invalid job request: ${e.message}`, [{ field: e.field, message: e.message.slice(e.field.length + 2) }]);
    if (e instanceof JobNotFoundError) throw new HttpError(404, e.message);
    if (e instanceof JobConflictError) throw new HttpError(409, e.message);
    // Refused by an enforcing carbon budget: the message names each budget, its remaining kg and the plan's kg.
    if (e instanceof BudgetExceededError) throw new HttpError(409, e.message, e.decision.violations.map((v) => ({ field: 'budgetOverride', message: violationText(v) })));
    if ((e as { name?: string }).name === 'NoForecastDataError') throw new HttpError(503, (e as Error).message);
    throw e;
  }
};

/** The job as the API shows it: times as ISO strings next to epoch seconds. */
export const jobView = (job: JobRecord, segments: SegmentRecord[]) => ({
  jobId: job.jobId,
  status: job.status,
  demo: job.demo,
  planRevision: job.planRevision,
  plan: job.plan,
  inputs: job.inputs,
  segments: segments
    .filter((s) => s.planRevision === job.planRevision || s.status !== 'superseded')
    .map((s) => ({ n: s.n, region: s.region, start: isoUtc(s.startSec), end: isoUtc(s.endSec), status: s.status, trainingJobName: s.trainingJobName, launchedRegion: s.launchedRegion, planRevision: s.planRevision })),
  launches: job.launches,
  history: job.history.map((h) => ({ ...h, at: isoUtc(h.atSec) })),
});

/** Method + path of every jobs route (API Gateway routes are created from these). */
export const JOBS_ROUTE_SPECS = [
  { method: 'POST', path: '/api/jobs' },
  { method: 'POST', path: '/api/plans' },
  { method: 'GET', path: '/api/jobs/:id' },
  { method: 'DELETE', path: '/api/jobs/:id' },
] as const;

export function jobsRoutes(d: JobsRouteDeps): Route[] {
  const submit = makeSubmitJob(d.scheduling);
  const preview = makePreviewPlan(d.scheduling);
  const cancel = makeCancelJob(d.scheduling);
  const outcome = makeJobOutcome({ jobs: d.scheduling.jobs, store: d.footprint, intensityProviders: d.intensityProviders, regionInfo: d.scheduling.regionInfo });
  const jobId = (raw: string | undefined): string => {
    if (!raw || !JOB_ID.test(raw)) throw new HttpError(400, 'invalid job id', [{ field: 'id', message: 'expected 8–64 lowercase letters/digits' }]);
    return raw;
  };
  return [
    {
      method: 'POST',
      path: '/api/jobs',
      handle: async (req) => {
        const body = validate(JobRequest, req.body, 'job request');
        const r = await mapErrors(() => submit(body));
        return { status: r.created ? 201 : 200, body: { created: r.created, job: jobView(r.job, r.segments) }, headers: { location: `/api/jobs/${r.job.jobId}` } };
      },
    },
    {
      method: 'POST',
      path: '/api/plans',
      handle: async (req) => {
        const body = validate(JobRequest, req.body, 'job request');
        const p = await mapErrors(() => preview(body));
        return { status: 200, body: { ...p, segments: p.plan.segments.map((s) => ({ ...s, start: isoUtc(s.startSec), end: isoUtc(s.endSec) })) } };
      },
    },
    {
      method: 'GET',
      path: '/api/jobs/:id',
      handle: async (req) => {
        const id = jobId(req.params.id);
        const job = await d.scheduling.jobs.get(id);
        if (!job) throw new HttpError(404, `no job ${id}`);
        const segments = await d.scheduling.jobs.getSegments(id);
        const realised = job.launches.length ? await outcome(id) : undefined;
        return { status: 200, body: { job: jobView(job, segments), outcome: realised ?? null } };
      },
    },
    {
      method: 'DELETE',
      path: '/api/jobs/:id',
      handle: async (req) => {
        const id = jobId(req.params.id);
        const job = await mapErrors(() => cancel(id));
        return { status: 200, body: { job: jobView(job, await d.scheduling.jobs.getSegments(id)) } };
      },
    },
  ];
}
