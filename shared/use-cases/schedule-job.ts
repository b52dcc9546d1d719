/**
 * Use case: plan a carbon-aware job request and (for POST /jobs) persist it and create one one-time schedule
 * per segment action. Idempotent: the job id is a hash of the request (or of clientToken) and the create is
 * conditional, so a repeated POST returns the existing job and dispatches nothing new.
 */
import { planJob, PlanRequestError, type Plan, type RegionForecast } from '../domain/scheduler/planner';
import { jobIdFor, scheduleName } from '../domain/scheduler/job-name';
import { percentile } from '../domain/scheduler/windows';
import { estimateAcceleratorPowerW, estimateHostRestPowerW } from '../domain/power/power-model';
import type { InstanceSpec } from '../domain/power/instance-catalog';
import { DAY_SEC, parseIsoInstant, type EpochSec } from '../domain/time';
import { noSignalZoneMessage, signalZone } from '../domain/regions/region-catalog';
import type { IntensitySignal } from '../domain/types';
import type { JobRequest, TrainingJobSpec } from '../contracts/job-request';
import { regionRequest } from '../domain/scheduler/region-request';
import type { GateDecision } from '../domain/budgets/gate';
import { nextPeriod, periodOf } from '../domain/budgets/periods';
import type { StoredBudget } from '../ports/budget-ports';
import { assertAllowed, makeGateJob } from './gate-job';
import { embodiedRate } from '../domain/embodied/embodied-model';
import {
  DEFAULT_SCHEDULING_CONFIG,
  type JobRecord,
  type PlanInputs,
  type SchedulingConfig,
  type SchedulingDeps,
  type SegmentRecord,
} from '../ports/scheduler-ports';

/** A request that is well-formed but cannot be planned (unknown template, no duration history…): a 400 naming the field. */
export class JobRequestError extends Error {
  readonly retryable = false;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'JobRequestError';
  }
}

export const schedulingConfig = (d: Pick<SchedulingDeps, 'config'>): SchedulingConfig => ({ ...DEFAULT_SCHEDULING_CONFIG, ...d.config });

export const signalOf = (s: JobRequest['signal']): IntensitySignal => (s === 'marginal' ? 'marginal' : 'average-lifecycle');

/**
 * Assumed mean accelerator utilisation of a training job while it runs, %. Training keeps accelerators busy
 * (the demo fleet and the nvidia-smi LLM-training traces in ../shared/data sit around 90–100 %); this only
 * scales the kg figures — the chosen time and region do not depend on it.
 */
export const TRAINING_UTIL_PCT = 95;

/** Facility-independent IT power of a training job, kW, from the instance catalog (datasheet-sourced figures). */
export function trainingPowerKw(spec: InstanceSpec, instanceCount: number): number {
  const accW = estimateAcceleratorPowerW(spec.accelerator, TRAINING_UTIL_PCT).point * spec.acceleratorCount;
  const hostW = estimateHostRestPowerW(spec, null).point;
  return ((accW + hostW) * instanceCount) / 1000;
}

/** Nominal power used when the instance type is not in the catalog: emissions are then per nominal kW (said in the reasons). */
const NOMINAL_POWER_KW = 1;

export interface ResolvedRequest {
  training: TrainingJobSpec;
  inputs: PlanInputs;
  notes: string[];
}

/** Expand the template, estimate the duration, the power and the allowed regions (errors name the request field). */
export async function resolveRequest(d: SchedulingDeps, req: JobRequest, nowSec: EpochSec): Promise<ResolvedRequest> {
  const deadlineSec = parseIsoInstant(req.deadline);
  if (deadlineSec <= nowSec) throw new JobRequestError('deadline', 'deadline is in the past');
  // Bounded work per request: checked first, before any store or forecast is read or a plan searched.
  const maxDays = schedulingConfig(d).maxPlanHorizonDays;
  if (deadlineSec > nowSec + maxDays * DAY_SEC) {
    throw new JobRequestError('deadline', `${req.deadline} is more than ${maxDays} days ahead (limit MAX_PLAN_HORIZON_DAYS=${maxDays}; forecasts reach 4 days): submit the job closer to its deadline`);
  }
  const notes: string[] = [];
  let training = req.trainingJob;
  if (!training && req.template) {
    training = await d.jobs.getTemplate(req.template.name);
    if (!training) throw new JobRequestError('template.name', `no stored template named "${req.template.name}"`);
  }
  if (!training) throw new JobRequestError('trainingJob', 'give exactly one of trainingJob or template');

  let durationSec = req.expectedDurationSec;
  let durationSource: PlanInputs['durationSource'] = 'request';
  if (durationSec === undefined && req.estimateFromHistory) {
    const past = (await d.jobs.familyDurations(req.estimateFromHistory.jobFamily)).filter((x) => x > 0);
    if (past.length === 0) {
      throw new JobRequestError(
        'estimateFromHistory.jobFamily',
        `no completed jobs of family "${req.estimateFromHistory.jobFamily}" to estimate from; give expectedDurationSec`,
      );
    }
    // 90th percentile, not the mean: the deadline is hard, so err long.
    durationSec = Math.ceil(percentile(past, 90));
    durationSource = 'history';
    notes.push(`duration ${durationSec} s = 90th percentile of ${past.length} completed ${req.estimateFromHistory.jobFamily} job(s)`);
  }
  if (durationSec === undefined) throw new JobRequestError('expectedDurationSec', 'give exactly one of expectedDurationSec or estimateFromHistory');
  if (durationSec > maxDays * DAY_SEC) {
    throw new JobRequestError(
      durationSource === 'request' ? 'expectedDurationSec' : 'estimateFromHistory.jobFamily',
      `duration ${durationSec} s is longer than the ${maxDays}-day planning horizon (MAX_PLAN_HORIZON_DAYS): no accepted deadline could be met`,
    );
  }

  const signal = signalOf(req.signal);
  req.allowedRegions.forEach((a, i) => {
    const info = d.regionInfo(a.region);
    if (!info) throw new JobRequestError(`allowedRegions.${i}.region`, `unknown region ${a.region} (no grid zone mapping)`);
    if (!signalZone(info, signal)) {
      throw new JobRequestError(`allowedRegions.${i}.region`, `${noSignalZoneMessage(a.region, signal)}; use signal "average" or add one in REGION_OVERRIDES`);
    }
  });

  const spec = d.lookupInstance(training.ResourceConfig.InstanceType);
  let powerKw = NOMINAL_POWER_KW;
  let powerSource = `instance type ${training.ResourceConfig.InstanceType} not in the catalog: nominal 1 kW (kg figures are per nominal kW)`;
  if (spec) {
    powerKw = trainingPowerKw(spec, training.ResourceConfig.InstanceCount);
    powerSource = `${training.ResourceConfig.InstanceCount} × ${spec.instanceType} at ${TRAINING_UTIL_PCT} % accelerator utilisation (${spec.sources[0] ?? 'instance catalog'})`;
  } else notes.push(powerSource);

  // A region other than home is planned only when the request can really run there (its region-local set is complete).
  const usable: string[] = [];
  const excludedRegions: { region: string; reason: string }[] = [];
  for (const a of req.allowedRegions) {
    const r = regionRequest({ spec: training, homeRegion: req.allowedRegions[0].region, region: a.region, locations: a.locations, regionNeutral: req.regionNeutral, checkpointS3Uri: checkpointOf(req) });
    if (r.complete) usable.push(a.region);
    else {
      const reason = `no region-local ${r.missing.map((m) => `locations.${m}`).join(', ')} for ${a.region}`;
      excludedRegions.push({ region: a.region, reason });
      notes.push(`${a.region} not considered: ${reason}`);
    }
  }

  const earliest = req.earliestStart !== undefined ? parseIsoInstant(req.earliestStart) : nowSec;
  return {
    training,
    notes,
    inputs: {
      submittedAtSec: nowSec,
      earliestStartSec: Math.max(earliest, nowSec),
      deadlineSec,
      durationSec,
      durationSource,
      powerKw,
      powerSource,
      interruptible: req.interruptible !== false,
      restartOverheadSec: req.interruptible === false ? 0 : req.interruptible.restartOverheadSec,
      signal,
      regions: usable,
      ...(excludedRegions.length ? { excludedRegions } : {}),
    },
  };
}

/** The job's home checkpoint location (interruptible jobs). */
export const checkpointOf = (req: Pick<JobRequest, 'interruptible'>): string | undefined => (req.interruptible === false ? undefined : req.interruptible.checkpointS3Uri);

/** Forecasts of every allowed region, issued now (the planner's input). */
export async function regionForecasts(d: SchedulingDeps, inputs: PlanInputs, nowSec: EpochSec): Promise<RegionForecast[]> {
  const cfg = schedulingConfig(d);
  return Promise.all(
    inputs.regions.map(async (region) => {
      const info = d.regionInfo(region)!;
      const zone = signalZone(info, inputs.signal);
      // Checked at submission; a region override removed since then must fail the plan, not retry forever.
      if (!zone) throw new JobRequestError('allowedRegions', noSignalZoneMessage(region, inputs.signal));
      const f = await d.forecasts.forecast(zone, inputs.signal, nowSec, cfg.horizonH);
      return { region, zone, pue: info.pue, startSec: f.startSec, point: f.point, low: f.low, high: f.high, issuedAtSec: f.issuedAtSec, signal: f.signal, source: f.source };
    }),
  );
}

/** Plan (pure planner) from resolved inputs and fresh forecasts. */
export async function planFor(d: SchedulingDeps, inputs: PlanInputs, nowSec: EpochSec): Promise<Plan> {
  return planOn(inputs, nowSec, await regionForecasts(d, inputs, nowSec));
}

/** The planner on resolved inputs and given forecasts; a request it cannot plan is a JobRequestError. */
export function planOn(inputs: PlanInputs, nowSec: EpochSec, regions: RegionForecast[]): Plan {
  try {
    return planJob({
      nowSec,
      earliestStartSec: inputs.earliestStartSec,
      deadlineSec: inputs.deadlineSec,
      durationSec: inputs.durationSec,
      powerKw: inputs.powerKw,
      interruptible: inputs.interruptible,
      restartOverheadSec: inputs.restartOverheadSec,
      regions,
    });
  } catch (e) {
    if (e instanceof PlanRequestError) throw new JobRequestError('allowedRegions', e.message);
    throw e;
  }
}

export interface PlanPreview {
  jobId: string;
  plan: Plan;
  inputs: PlanInputs;
  notes: string[];
  /** The enforcing-budget checks of the plan (absent where no budgets are kept). */
  budgetGate?: GateDecision;
}

/** POST /plans: the plan a request would get now; nothing is stored or dispatched (an override is checked, not recorded). */
export const makePreviewPlan = (d: SchedulingDeps) =>
  async (req: JobRequest): Promise<PlanPreview> => {
    const now = d.clock.nowSec();
    const r = await resolveRequest(d, req, now);
    const plan = await planFor(d, r.inputs, now);
    const jobId = jobIdFor(req, req.clientToken);
    const budgetGate = await gatePlan(d, jobId, req, r, plan, now, false);
    return { jobId, plan, inputs: r.inputs, notes: r.notes, ...(budgetGate ? { budgetGate } : {}) };
  };

/** Segment records of a plan revision. */
export const segmentsOf = (jobId: string, plan: Plan, planRevision: number): SegmentRecord[] =>
  plan.segments.map((s, n) => ({ ...s, jobId, n, planRevision, status: 'scheduled', attempt: 0, version: 1 }));

/**
 * Create the one-time schedules of a plan revision: start of every segment, stop at the end of every segment
 * but the last (the last runs to completion). Starts already due are returned for immediate dispatch.
 */
export async function createSchedules(d: SchedulingDeps, job: Pick<JobRecord, 'jobId' | 'planRevision'>, segments: SegmentRecord[], nowSec: EpochSec): Promise<number[]> {
  const dueNow: number[] = [];
  for (const s of segments) {
    if (s.status !== 'scheduled') continue;
    const base = { kind: 'carbonpilot.dispatch' as const, jobId: job.jobId, segment: s.n, planRevision: job.planRevision, attempt: s.attempt };
    if (s.startSec <= nowSec) dueNow.push(s.n);
    else await d.scheduler.createOneTime(scheduleName(job.jobId, job.planRevision, s.n, 'start', s.attempt), s.startSec, { ...base, action: 'start' });
    if (s.n < segments.length - 1) {
      await d.scheduler.createOneTime(scheduleName(job.jobId, job.planRevision, s.n, 'stop'), s.endSec, { ...base, action: 'stop', attempt: 0 });
    }
  }
  return dueNow;
}

/** Delete every schedule a plan revision may have created (idempotent). */
export async function deleteSchedules(d: SchedulingDeps, jobId: string, planRevision: number, segments: Pick<SegmentRecord, 'n' | 'attempt'>[], fromSegment = 0): Promise<void> {
  for (const s of segments) {
    if (s.n < fromSegment) continue;
    for (let a = 0; a <= s.attempt; a++) await d.scheduler.delete(scheduleName(jobId, planRevision, s.n, 'start', a));
    await d.scheduler.delete(scheduleName(jobId, planRevision, s.n, 'stop'));
  }
}

export interface ScheduleResult {
  created: boolean;
  job: JobRecord;
  segments: SegmentRecord[];
}

/**
 * POST /jobs: plan, persist (requested), create schedules, mark scheduled. A crash in between leaves a
 * `requested` job that the hourly re-plan completes (schedule creation is idempotent).
 * `startNow` dispatches segments that are already due (injected to avoid a module cycle with dispatch-segment).
 */
export const makeScheduleJob = (d: SchedulingDeps, startNow: (jobId: string, segment: number, planRevision: number) => Promise<unknown>) =>
  async (req: JobRequest): Promise<ScheduleResult> => {
    const now = d.clock.nowSec();
    const jobId = jobIdFor(req, req.clientToken);
    const existing = await d.jobs.get(jobId);
    if (existing) return { created: false, job: existing, segments: await d.jobs.getSegments(jobId) };

    const r = await resolveRequest(d, req, now);
    const plan = await planFor(d, r.inputs, now);
    const gate = await gatePlan(d, jobId, req, r, plan, now, true);
    if (r.notes.length) plan.reasons.push(...r.notes);
    if (gate?.decision === 'allow-with-override') plan.reasons.push(gate.message);
    const job: JobRecord = {
      jobId,
      status: 'requested',
      version: 1,
      planRevision: 0,
      request: req,
      training: r.training,
      inputs: r.inputs,
      plan,
      workDoneSec: 0,
      launches: [],
      history: [{ atSec: now, status: 'requested', note: 'submitted' }],
      createdAtSec: now,
      updatedAtSec: now,
      demo: req.demo === true,
    };
    const segments = segmentsOf(jobId, plan, 0);
    if ((await d.jobs.create(job, segments)) === 'exists') {
      const again = (await d.jobs.get(jobId))!;
      return { created: false, job: again, segments: await d.jobs.getSegments(jobId) };
    }
    const scheduled = await finishScheduling(d, job, segments, startNow);
    return { created: true, job: scheduled, segments: await d.jobs.getSegments(jobId) };
  };

/** requested → scheduled: create the schedules, move the state, start what is already due. */
export async function finishScheduling(
  d: SchedulingDeps,
  job: JobRecord,
  segments: SegmentRecord[],
  startNow: (jobId: string, segment: number, planRevision: number) => Promise<unknown>,
): Promise<JobRecord> {
  const now = d.clock.nowSec();
  const due = await createSchedules(d, job, segments, now);
  const patch = {
    status: 'scheduled' as const,
    updatedAtSec: now,
    history: [...job.history, { atSec: now, status: 'scheduled' as const, note: `${segments.length} segment(s) scheduled, plan revision ${job.planRevision}` }],
  };
  const ok = await d.jobs.update(job.jobId, job.version, patch);
  let out: JobRecord = ok ? { ...job, ...patch, version: job.version + 1 } : ((await d.jobs.get(job.jobId)) ?? job);
  for (const n of due) await startNow(job.jobId, n, job.planRevision);
  if (due.length) out = (await d.jobs.get(job.jobId)) ?? out; // the starts moved the job on: read it once after them
  return out;
}

/**
 * The pre-flight carbon-budget gate of a new plan: a plan that would push an enforcing budget over its limit is
 * refused (BudgetExceededError: HTTP 409, CLI exit 3) with the plan that fits, when one exists — unless the request
 * carries `budgetOverride`, whose reason is then recorded with each budget it overrides (`record`).
 */
async function gatePlan(d: SchedulingDeps, jobId: string, req: JobRequest, resolved: ResolvedRequest, plan: Plan, nowSec: EpochSec, record: boolean): Promise<GateDecision | undefined> {
  if (!d.budgetGate) return undefined;
  const inputs = resolved.inputs;
  const r = await makeGateJob({ ...d.budgetGate, jobs: d.jobs, clock: d.clock })({
    jobId,
    ownerTags: req.ownerTags,
    plan,
    ...embodiedRate(resolved.training.ResourceConfig),
    override: req.budgetOverride,
    recordOverride: record,
    demo: req.demo,
    alternatives: (refused, enforcing) => alternativePlans(d, inputs, nowSec, refused, enforcing),
  });
  assertAllowed(r);
  return r.decision;
}

/**
 * Alternative plans the scheduler can offer when a plan is refused: the job alone in each allowed region, and
 * starting at the beginning of the next period of each violated budget (when that is before the deadline).
 */
export async function alternativePlans(d: SchedulingDeps, inputs: PlanInputs, nowSec: EpochSec, refused: Extract<GateDecision, { decision: 'refuse' }>, budgets: readonly Pick<StoredBudget, 'id' | 'period'>[]): Promise<Plan[]> {
  const regions = await regionForecasts(d, inputs, nowSec);
  const out: Plan[] = [];
  const tryPlan = (i: PlanInputs, rs: typeof regions) => {
    try {
      const p = planOn(i, nowSec, rs);
      if (p.feasible) out.push(p);
    } catch {
      // not plannable with these constraints: no alternative
    }
  };
  if (regions.length > 1) for (const r of regions) tryPlan({ ...inputs, regions: [r.region] }, [r]);
  for (const v of refused.violations) {
    const b = budgets.find((x) => x.id === v.budgetId);
    if (!b) continue;
    const start = nextPeriod(periodOf(b.period, Math.max(nowSec, inputs.earliestStartSec))).startSec;
    if (start + inputs.durationSec < inputs.deadlineSec) tryPlan({ ...inputs, earliestStartSec: start }, regions);
  }
  return out;
}
