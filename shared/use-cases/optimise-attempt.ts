/**
 * Use cases of the model optimisation pipeline: start an attempt, drive it through its steps, and take the abort /
 * promote / quality requests that come from the API or the CLI.
 *
 * The driver is a durable state machine built like the training dispatcher (dispatch-segment.ts): the attempt's state
 * item moves by compare-and-set on `version`; every step first does its SageMaker action under a deterministic name
 * (optimisation job, model, inference experiment, endpoint config, registry ClientToken) and then moves the state. A
 * crash between the two repeats the action on resume, which answers "already exists": nothing is launched twice.
 * SageMaker emits no events for optimization jobs, so the driver polls with EventBridge Scheduler one-time schedules
 * named after the version they follow (a duplicate delivery reschedules the same name: ConflictException), and an
 * hourly sweep drives any attempt whose poll is overdue (a schedule lost to a crash after the state write).
 */
import { attemptIdFor, attemptNames, pollScheduleName } from '../domain/optimisation/names';
import { canMoveAttempt, isAbortable, isTerminalAttempt, type AttemptStatus } from '../domain/optimisation/attempt-state';
import { validateConfigFor, neoTargetDevice } from '../domain/optimisation/supported-configs';
import { summariseMeasurement, type PairedHour } from '../domain/optimisation/measurement';
import { decide, inconclusiveDecision, type Decision } from '../domain/optimisation/decision';
import { POWER_MODEL_VERSION } from '../domain/power/power-model';
import { alignUp, HOUR_SEC, type EpochSec, type Window } from '../domain/time';
import { resourceKey, type FootprintInterval } from '../domain/types';
import type { OptimiseStartRequest, QualityScore } from '../contracts/optimisation';
import {
  DEFAULT_OPTIMISE_TIMINGS,
  type AttemptPatch,
  type AttemptRecord,
  type BaselineInfo,
  type OptimiseDeps,
  type OptimiseTimings,
  type VariantSpec,
} from '../ports/optimisation-ports';

/** A start request that cannot run as asked (400, names the field). Terminal. */
export class OptimiseRequestError extends Error {
  readonly retryable = false;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'OptimiseRequestError';
  }
}

export class AttemptNotFoundError extends Error {
  readonly retryable = false;
  constructor(readonly attemptId: string) {
    super(`no optimisation attempt ${attemptId}`);
    this.name = 'AttemptNotFoundError';
  }
}

/** The request does not fit the attempt's state (409). Terminal. */
export class AttemptConflictError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'AttemptConflictError';
  }
}

const timingsOf = (d: OptimiseDeps): OptimiseTimings => ({ ...DEFAULT_OPTIMISE_TIMINGS, ...d.timings });

/** The footprint resource key of an endpoint variant (shared/domain/types.ts resourceKey). */
export const variantKey = (region: string, endpointName: string, variant: string): string => resourceKey({ kind: 'endpoint', region, id: `${endpointName}/${variant}` });

const jobKindOf = (r: OptimiseStartRequest): AttemptRecord['jobKind'] =>
  r.config.kind === 'byo' ? 'none' : r.config.kind === 'neo-compilation' ? 'compilation-job' : 'optimization-job';

const tagsOf = (rec: Pick<AttemptRecord, 'attemptId' | 'request' | 'demo'>): Record<string, string> => ({
  ...(rec.request.ownerTags ?? {}),
  'carbonpilot:attempt-id': rec.attemptId,
  'carbonpilot:endpoint': rec.request.endpointName,
  ...(rec.demo ? { 'carbonpilot:demo': 'true' } : {}),
});

/** Update an attempt by compare-and-set, re-reading on a lost race (API-side requests). */
async function updateAttempt(d: OptimiseDeps, id: string, f: (rec: AttemptRecord) => AttemptPatch | undefined): Promise<AttemptRecord> {
  for (let i = 0; i < 5; i++) {
    const rec = await d.attempts.get(id);
    if (!rec) throw new AttemptNotFoundError(id);
    const patch = f(rec);
    if (!patch) return rec;
    if (await d.attempts.update(id, rec.version, { ...patch, updatedAtSec: d.clock.nowSec() })) return { ...rec, ...patch, version: rec.version + 1 };
  }
  throw new AttemptConflictError(`attempt ${id}: too many concurrent updates`);
}

/**
 * POST /optimisations: validate the request against the live endpoint (variant, instance type, technique), store the
 * attempt and tell the driver. Idempotent per clientToken (or request): the same request twice is one attempt.
 */
export const makeStartOptimisation = (d: OptimiseDeps) =>
  async (req: OptimiseStartRequest): Promise<{ created: boolean; attempt: AttemptRecord }> => {
    const attemptId = attemptIdFor(req, req.clientToken);
    const existing = await d.attempts.get(attemptId);
    if (existing) return { created: false, attempt: existing };

    const ep = await d.sagemaker.describeEndpoint(req.region, req.endpointName);
    if (!ep) throw new OptimiseRequestError('endpointName', `no endpoint ${req.endpointName} in ${req.region}`);
    if (ep.status !== 'InService') throw new OptimiseRequestError('endpointName', `endpoint ${req.endpointName} is ${ep.status}; start when it is InService`);
    if (ep.shadowVariants.length) throw new OptimiseRequestError('endpointName', `endpoint ${req.endpointName} already runs a shadow test (${ep.shadowVariants.join(', ')})`);
    const names = ep.productionVariants.map((v) => v.variantName);
    // "For an endpoint with a shadow variant, there can be a maximum of one production variant" (SageMaker developer
    // guide, "Create a shadow test").
    if (names.length !== 1) {
      throw new OptimiseRequestError(req.variantName === undefined ? 'endpointName' : 'variantName', `endpoint ${req.endpointName} has ${names.length} production variants (${names.join(', ')}); a shadow test needs exactly one`);
    }
    const v = ep.productionVariants.find((x) => x.variantName === (req.variantName ?? names[0]));
    if (!v) throw new OptimiseRequestError('variantName', `endpoint ${req.endpointName} has no production variant ${req.variantName} (it has ${names.join(', ')})`);
    if (!v.instanceType || !v.modelName) throw new OptimiseRequestError('variantName', `variant ${v.variantName} has no instance type or model (serverless variants cannot be measured per instance)`);
    const busy = (await d.attempts.listActive()).find((a) => a.request.endpointName === req.endpointName && a.request.region === req.region);
    if (busy) throw new AttemptConflictError(`endpoint ${req.endpointName} already has an active optimisation attempt ${busy.attemptId} (${busy.status})`);

    const candidateType = req.candidate.instanceType ?? v.instanceType;
    const issues = validateConfigFor(req.config, candidateType, req.candidate.instanceType ? 'candidate.instanceType' : 'variantName');
    if (issues.length) throw new OptimiseRequestError(issues[0].field, issues.map((i) => i.message).join('; '));

    // The ledger's "model" is the attribution the footprints use (the variant's `model` tag) where the inventory has it.
    const res = (await d.footprints.listResourcesByKeyPrefix(variantKey(req.region, req.endpointName, ''))).find((r) => r.id === `${req.endpointName}/${v.variantName}`);
    const baseline: BaselineInfo = {
      variantName: v.variantName,
      modelName: v.modelName,
      instanceType: v.instanceType,
      instanceCount: v.instanceCount ?? 1,
      endpointConfigName: ep.endpointConfigName ?? '',
      model: res?.tags.model ?? res?.tags['model-name'] ?? v.modelName,
      ...(res?.tags.team ? { team: res.tags.team } : {}),
    };
    const now = d.clock.nowSec();
    const attemptNamesOf = attemptNames(attemptId, req.endpointName);
    const rec: AttemptRecord = {
      attemptId,
      version: 1,
      status: 'requested',
      request: req,
      names: attemptNamesOf,
      jobKind: jobKindOf(req),
      baseline,
      candidate: {
        modelName: attemptNamesOf.candidateModel,
        variantName: attemptNamesOf.shadowVariant,
        instanceType: candidateType,
        instanceCount: req.candidate.instanceCount ?? baseline.instanceCount,
      },
      ...(req.quality ? { quality: { metric: req.quality.metric, higherIsBetter: req.quality.higherIsBetter, baseline: req.quality.baseline, ...(req.quality.candidate !== undefined ? { candidate: req.quality.candidate } : {}), source: 'user' as const } } : {}),
      requests: {},
      nextActionAtSec: now,
      history: [{ atSec: now, status: 'requested', note: `${req.config.kind} of ${req.endpointName}/${v.variantName} requested` }],
      createdAtSec: now,
      updatedAtSec: now,
      demo: req.demo === true,
    };
    const created = (await d.attempts.create(rec)) === 'created';
    await d.notify(attemptId);
    return { created, attempt: created ? rec : ((await d.attempts.get(attemptId)) ?? rec) };
  };

/** POST /optimisations/{id}/abort. Aborting twice is a no-op; an attempt already deploying or finished is a conflict. */
export const makeAbortOptimisation = (d: OptimiseDeps) =>
  async (attemptId: string): Promise<AttemptRecord> => {
    const rec = await updateAttempt(d, attemptId, (r) => {
      if (r.status === 'aborted' || r.status === 'aborting' || r.requests.abortAtSec !== undefined) return undefined;
      if (!isAbortable(r.status)) throw new AttemptConflictError(`attempt ${attemptId} is ${r.status}: ${isTerminalAttempt(r.status) ? 'already finished' : 'the blue/green deployment is under way (its rollback alarms decide)'}`);
      return { requests: { ...r.requests, abortAtSec: d.clock.nowSec() } };
    });
    await d.notify(attemptId);
    return rec;
  };

/** POST /optimisations/{id}/promote: approve a manual promotion. Only a candidate that passed the rule can be promoted. */
export const makePromoteOptimisation = (d: OptimiseDeps) =>
  async (attemptId: string): Promise<AttemptRecord> => {
    const rec = await updateAttempt(d, attemptId, (r) => {
      if (r.status === 'rejected') throw new AttemptConflictError(`attempt ${attemptId} was rejected (${r.decision?.reason ?? 'the rule failed'}): only a candidate that passed the rule can be promoted`);
      if (r.requests.promoteAtSec !== undefined || ['promoting', 'deploying', 'promoted'].includes(r.status)) return undefined;
      if (isTerminalAttempt(r.status)) throw new AttemptConflictError(`attempt ${attemptId} is ${r.status}`);
      if (r.status !== 'awaiting-approval' && r.request.promotion !== 'manual') {
        throw new AttemptConflictError(`attempt ${attemptId} is ${r.status}: it promotes itself when the rule passes (promotion: auto)`);
      }
      // Approving before the decision is allowed: it is used only if the rule passes.
      return { requests: { ...r.requests, promoteAtSec: d.clock.nowSec() } };
    });
    await d.notify(attemptId);
    return rec;
  };

/** POST /optimisations/{id}/quality: the candidate's (and baseline's) quality score; used at the decision. */
export const makeSubmitQuality = (d: OptimiseDeps) =>
  async (attemptId: string, q: QualityScore): Promise<AttemptRecord> => {
    const rec = await updateAttempt(d, attemptId, (r) => {
      if (r.decision || isTerminalAttempt(r.status)) throw new AttemptConflictError(`attempt ${attemptId} is already ${r.decision ? `decided (${r.decision.decision})` : r.status}`);
      const metric = q.metric ?? r.quality?.metric;
      const baseline = q.baseline ?? r.quality?.baseline;
      if (metric === undefined) throw new OptimiseRequestError('metric', 'name the quality metric (none was given at start)');
      if (baseline === undefined) throw new OptimiseRequestError('baseline', 'give the baseline score (none was given at start)');
      return { quality: { metric, higherIsBetter: q.higherIsBetter ?? r.quality?.higherIsBetter ?? true, baseline, candidate: q.candidate, source: 'user' } };
    });
    await d.notify(attemptId);
    return rec;
  };

interface StepOutcome {
  status?: AttemptStatus;
  patch?: AttemptPatch;
  note?: string;
  /** Seconds until the next poll; 'request' = wait for an API request (abort, promote, quality); undefined = go on now. */
  wait?: number | 'request';
}

export interface AdvanceResult {
  attemptId: string;
  outcome: 'unknown-attempt' | 'finished' | 'waiting' | 'waiting-for-request' | 'step-limit';
  status?: AttemptStatus;
  steps: AttemptStatus[];
  nextActionAtSec?: EpochSec;
}

const MAX_STEPS_PER_RUN = 30;
const EXPERIMENT_STARTING = new Set(['Creating', 'Created', 'Starting', 'Updating']);
const ENDPOINT_BUSY = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'UpdateRollbackFailed']);

/** Request-driven moves waiting to be made (used by the sweep when a notification was lost). */
const hasPendingRequest = (r: AttemptRecord): boolean =>
  (r.requests.abortAtSec !== undefined && isAbortable(r.status) && r.status !== 'aborting') ||
  (r.requests.promoteAtSec !== undefined && r.status === 'awaiting-approval') ||
  (r.status === 'measured' && r.quality?.candidate !== undefined && r.quality.baseline !== undefined);

/** The driver: one call advances an attempt as far as it can go now, then schedules its next poll. */
export const makeOptimiseDriver = (d: OptimiseDeps) => {
  const t = timingsOf(d);

  const optimizationConfigs = (r: OptimiseStartRequest): Record<string, unknown>[] => {
    const c = r.config;
    const env = (extra: Record<string, string> = {}) => ({ ...extra, ...('env' in c && c.env ? c.env : {}) });
    const img = 'image' in c && c.image ? { Image: c.image } : {};
    switch (c.kind) {
      case 'quantization':
        return [{ ModelQuantizationConfig: { ...img, OverrideEnvironment: env({ OPTION_QUANTIZE: c.format }) } }];
      case 'compilation':
        return [{ ModelCompilationConfig: { ...img, ...(c.env ? { OverrideEnvironment: env() } : {}) } }];
      case 'sharding':
        return [{ ModelShardingConfig: { ...img, ...(c.env ? { OverrideEnvironment: env() } : {}) } }];
      case 'speculative-decoding':
        return [{ ModelSpeculativeDecodingConfig: { Technique: c.technique, ...(c.trainingDataS3Uri ? { TrainingDataSource: { S3Uri: c.trainingDataS3Uri, S3DataType: 'S3Prefix' } } : {}) } }];
      default:
        return [];
    }
  };

  const outputOf = (rec: AttemptRecord, name: string) => `${rec.request.outputS3Uri.replace(/\/+$/, '')}/${name}/`;

  /** Paired hours of final footprint intervals of both variants in `w`, with their error counts. */
  const loadPairs = async (rec: AttemptRecord, w: Window, errors: { baseline: Map<EpochSec, number>; candidate: Map<EpochSec, number> }): Promise<PairedHour[]> => {
    const r = rec.request;
    const usable = (i: FootprintInterval) => !i.provisional && i.invocations !== undefined && i.method !== 'unmodelled' && i.method !== 'no-telemetry';
    const [bi, ci] = await Promise.all([
      d.footprints.queryResourceIntervals(variantKey(r.region, r.endpointName, rec.baseline!.variantName), w),
      d.footprints.queryResourceIntervals(variantKey(r.region, r.endpointName, rec.candidate!.variantName), w),
    ]);
    const cand = new Map(ci.filter(usable).map((i) => [i.intervalStartSec, i]));
    const out: PairedHour[] = [];
    for (const b of bi.filter(usable)) {
      const c = cand.get(b.intervalStartSec);
      if (!c) continue;
      const h = b.intervalStartSec;
      out.push({
        hourStartSec: h,
        baseline: { energyKwh: b.energyKwh, co2eKg: b.co2eKg, invocations: b.invocations ?? 0, errors: errors.baseline.get(h) ?? 0 },
        candidate: { energyKwh: c.energyKwh, co2eKg: c.co2eKg, invocations: c.invocations ?? 0, errors: errors.candidate.get(h) ?? 0 },
      });
    }
    return out;
  };

  const modelAttribution = async (region: string, endpointName: string, variant: string): Promise<Partial<BaselineInfo>> => {
    const res = (await d.footprints.listResourcesByKeyPrefix(variantKey(region, endpointName, ''))).find((x) => x.id === `${endpointName}/${variant}`);
    const model = res?.tags.model ?? res?.tags['model-name'];
    return { ...(model ? { model } : {}), ...(res?.tags.team ? { team: res.tags.team } : {}) };
  };

  const stopJob = async (rec: AttemptRecord) => {
    const r = rec.request;
    if (rec.jobKind === 'optimization-job') await d.sagemaker.stopOptimizationJob(r.region, rec.names.optimizationJob);
    if (rec.jobKind === 'compilation-job') await d.sagemaker.stopCompilationJob(r.region, rec.names.compilationJob);
  };

  const steps: Partial<Record<AttemptStatus, (rec: AttemptRecord, now: EpochSec) => Promise<StepOutcome>>> = {
    /** Launch the optimisation (or compilation) job; a bring-your-own artefact skips straight to the model. */
    requested: async (rec) => {
      const r = rec.request;
      const c = r.config;
      if (c.kind === 'byo') return { status: 'optimised', patch: { candidate: { ...rec.candidate!, image: c.image, modelDataUrl: c.modelDataUrl } }, note: 'bring-your-own artefact: no optimisation job' };
      if (c.kind === 'neo-compilation') {
        const target = c.targetDevice ?? neoTargetDevice(rec.candidate!.instanceType)!;
        const res = await d.sagemaker.createCompilationJob(r.region, rec.names.compilationJob, {
          roleArn: r.roleArn, modelS3Uri: c.modelS3Uri, framework: c.framework, ...(c.frameworkVersion ? { frameworkVersion: c.frameworkVersion } : {}),
          dataInputConfig: c.dataInputConfig, targetDevice: target, outputS3Uri: outputOf(rec, rec.names.compilationJob), maxRuntimeSec: t.maxJobRuntimeSec, tags: tagsOf(rec),
        });
        return { status: 'optimising', wait: t.jobPollSec, note: `Neo compilation job ${rec.names.compilationJob} for ${target} (${res})` };
      }
      const res = await d.sagemaker.createOptimizationJob(r.region, rec.names.optimizationJob, {
        roleArn: r.roleArn,
        sourceModelName: rec.baseline!.modelName,
        deploymentInstanceType: rec.candidate!.instanceType,
        optimizationConfigs: optimizationConfigs(r),
        outputS3Uri: outputOf(rec, rec.names.optimizationJob),
        maxRuntimeSec: t.maxJobRuntimeSec,
        tags: tagsOf(rec),
      });
      return { status: 'optimising', wait: t.jobPollSec, note: `optimization job ${rec.names.optimizationJob} (${res})` };
    },

    /** Poll DescribeOptimizationJob / DescribeCompilationJob (they emit no events). */
    optimising: async (rec, now) => {
      const r = rec.request;
      const neo = rec.jobKind === 'compilation-job';
      const name = neo ? rec.names.compilationJob : rec.names.optimizationJob;
      const j = neo ? await d.sagemaker.describeCompilationJob(r.region, name) : await d.sagemaker.describeOptimizationJob(r.region, name);
      const since = rec.history.find((h) => h.status === 'optimising')?.atSec ?? rec.createdAtSec;
      if (!j) {
        if (now - since > t.maxJobRuntimeSec + 3600) return { status: 'failed', patch: { failure: `${name} not found` }, note: `${name} not found` };
        return { wait: t.jobPollSec };
      }
      if (j.status === 'FAILED' || j.status === 'STOPPED') {
        const failure = `${neo ? 'compilation' : 'optimization'} job ${name} ${j.status}${j.failureReason ? `: ${j.failureReason}` : ''}`;
        return { status: 'failed', patch: { failure }, note: failure };
      }
      if (j.status !== 'COMPLETED') return { wait: t.jobPollSec };
      const image = neo ? (j as { image?: string }).image : ((j as { recommendedImage?: string }).recommendedImage ?? ('image' in r.config ? r.config.image : undefined));
      const modelDataUrl = neo ? (j as { modelArtifactsS3Uri?: string }).modelArtifactsS3Uri : ((j as { outputS3Uri?: string }).outputS3Uri ?? outputOf(rec, name));
      if (!image || !modelDataUrl) {
        const failure = `${name} completed without ${!image ? 'an inference image (no RecommendedInferenceImage and no config.image)' : 'model artifacts'}`;
        return { status: 'failed', patch: { failure }, note: failure };
      }
      return { status: 'optimised', patch: { optimisedAtSec: now, candidate: { ...rec.candidate!, image, modelDataUrl } }, note: `${name} completed` };
    },

    /** Create the candidate model from the optimised artefact. */
    optimised: async (rec) => {
      const r = rec.request;
      const c = rec.candidate!;
      const env = { ...(r.config.kind === 'quantization' ? { OPTION_QUANTIZE: r.config.format } : {}), ...('env' in r.config && r.config.env ? r.config.env : {}) };
      const res = await d.sagemaker.createModel(r.region, c.modelName, {
        image: c.image!,
        modelDataUrl: c.modelDataUrl!,
        // Neo writes a model.tar.gz; optimisation jobs write an uncompressed S3 prefix (LMI loads it as is).
        compressed: rec.jobKind === 'compilation-job' || /\.tar\.gz$/.test(c.modelDataUrl!),
        env,
        roleArn: r.roleArn,
        tags: tagsOf(rec),
      });
      return { status: 'candidate-created', note: `model ${c.modelName} (${res})` };
    },

    /** Start the shadow test: the candidate gets a copy of the production requests. */
    'candidate-created': async (rec, now) => {
      const r = rec.request;
      const b = rec.baseline!;
      const c = rec.candidate!;
      const res = await d.sagemaker.createInferenceExperiment(r.region, rec.names.experiment, {
        endpointName: r.endpointName,
        roleArn: r.roleArn,
        production: { variantName: b.variantName, modelName: b.modelName, instanceType: b.instanceType, instanceCount: b.instanceCount },
        shadow: { variantName: c.variantName, modelName: c.modelName, instanceType: c.instanceType, instanceCount: c.instanceCount },
        samplingPct: r.measurement.samplingPct,
        tags: tagsOf(rec),
        description: `carbonpilot: J/inference of ${c.modelName} (${r.config.kind}) vs ${b.modelName}`,
        // SageMaker ends a shadow test at its schedule's end (at most 30 days): past our longest measurement, we stop it first.
        endSec: now + Math.min(30 * 24, r.measurement.maxHours + 24) * HOUR_SEC,
      });
      return { status: 'measuring', patch: { experimentStartedAtSec: now }, wait: t.shortPollSec, note: `shadow test ${rec.names.experiment} (${res}), ${r.measurement.samplingPct} % of requests` };
    },

    /** Wait for the experiment, then for enough paired hours and invocations; then measure. */
    measuring: async (rec, now) => {
      const r = rec.request;
      const exp = await d.sagemaker.describeInferenceExperiment(r.region, rec.names.experiment);
      if (!exp || EXPERIMENT_STARTING.has(exp.status)) return { wait: t.shortPollSec };
      if (exp.status !== 'Running') {
        const failure = `inference experiment ${rec.names.experiment} is ${exp.status}${exp.statusReason ? ` (${exp.statusReason})` : ''} before the measurement finished`;
        return { status: 'failed', patch: { failure }, note: failure };
      }
      if (rec.measureFromSec === undefined || rec.measureUntilSec === undefined) {
        // The shadow variant's first hour (model loading, cold caches) does not count. The window is fixed in advance
        // and judged once its last hour has settled, so the decision time never depends on when data was collected.
        const from = alignUp(now + t.warmUpSec, HOUR_SEC);
        const until = from + r.measurement.minHours * HOUR_SEC;
        return { patch: { measureFromSec: from, measureUntilSec: until }, wait: until + t.settleSec - now };
      }
      if (now < rec.measureUntilSec + t.settleSec) return { wait: rec.measureUntilSec + t.settleSec - now };
      const w = { startSec: rec.measureFromSec, endSec: rec.measureUntilSec };
      const b = rec.baseline!.variantName;
      const cv = rec.candidate!.variantName;
      const metrics = await d.metrics.read(r.region, r.endpointName, [b, cv], w);
      const errors = { baseline: metrics.get(b)?.hourlyErrors ?? new Map(), candidate: metrics.get(cv)?.hourlyErrors ?? new Map() };
      const pairs = (await loadPairs(rec, w, errors)).filter((p) => p.baseline.invocations - p.baseline.errors > 0 && p.candidate.invocations - p.candidate.errors > 0);
      const candidateInvocations = pairs.reduce((a, p) => a + p.candidate.invocations - p.candidate.errors, 0);
      const progress = { pairedHours: pairs.length, candidateInvocations, checkedAtSec: now };
      const enough = pairs.length >= r.measurement.minHours && candidateInvocations >= r.measurement.minInvocations;
      const canExtend = w.endSec - w.startSec < r.measurement.maxHours * HOUR_SEC;
      if (!enough && canExtend) {
        // One more hour of measurement (telemetry gaps, too few invocations), judged when it has settled.
        const until = rec.measureUntilSec + HOUR_SEC;
        return { patch: { progress, measureUntilSec: until }, wait: until + t.settleSec - now };
      }
      const latency = {
        baseline: { p50Ms: metrics.get(b)?.p50Ms, p95Ms: metrics.get(b)?.p95Ms },
        candidate: { p50Ms: metrics.get(cv)?.p50Ms, p95Ms: metrics.get(cv)?.p95Ms },
      };
      const measurement = pairs.length ? summariseMeasurement(pairs, { seed: rec.attemptId, latency, modelVersion: POWER_MODEL_VERSION }) : undefined;
      // The inventory may have registered the variant (and its `model` tag) only after the attempt started.
      const baseline = { ...rec.baseline!, ...(await modelAttribution(rec.request.region, r.endpointName, b)) };
      const note = enough
        ? `measured ${pairs.length} paired hours, ${candidateInvocations} candidate invocations`
        : `measurement ran out of time: ${pairs.length}/${r.measurement.minHours} paired hours, ${candidateInvocations}/${r.measurement.minInvocations} invocations in ${r.measurement.maxHours} h of measurement`;
      return { status: 'measured', patch: { progress, baseline, ...(measurement ? { measurement } : {}), ...(!enough ? { failure: note } : {}) }, note };
    },

    /** Apply the rule (waits for a quality score when there is none). */
    measured: async (rec) => {
      const r = rec.request;
      const m = rec.measurement;
      const insufficient = rec.failure !== undefined || !m || m.pairedHours < r.measurement.minHours;
      let decision: Decision | undefined;
      if (insufficient) {
        const reason = `inconclusive: ${rec.failure ?? 'not enough paired hours'}`;
        decision = inconclusiveDecision(reason);
      } else {
        const q = rec.quality;
        if (!q || q.baseline === undefined || q.candidate === undefined) return { wait: 'request', note: 'awaiting a quality score' };
        decision = decide(m!, { metric: q.metric, higherIsBetter: q.higherIsBetter, baseline: q.baseline, candidate: q.candidate }, { marginPct: r.decision.marginPct, qualityTolerancePct: r.decision.qualityTolerancePct, slo: r.slo });
      }
      return { status: 'decided', patch: { decision, failure: undefined }, note: `${decision.decision}: ${decision.reason}` };
    },

    /** End the shadow test (the production variant stays, the shadow goes), then reject or go on to promote. */
    decided: async (rec, now) => {
      const r = rec.request;
      const dec = rec.decision!;
      await d.sagemaker.stopInferenceExperiment(r.region, rec.names.experiment, {
        productionVariant: rec.baseline!.variantName,
        shadowVariant: rec.candidate!.variantName,
        desiredState: 'Completed',
        reason: `carbonpilot ${dec.decision}: ${dec.reason}`.slice(0, 1024),
      });
      const patch = { experimentStoppedAtSec: rec.experimentStoppedAtSec ?? now };
      if (dec.decision === 'reject') return { status: 'rejected', patch, note: dec.reason };
      if (r.promotion === 'manual' && rec.requests.promoteAtSec === undefined) return { status: 'awaiting-approval', patch, wait: 'request', note: 'the rule passed: awaiting `optimise promote`' };
      return { status: 'promoting', patch, note: 'the rule passed: promoting' };
    },

    'awaiting-approval': async (rec) => (rec.requests.promoteAtSec !== undefined ? { status: 'promoting', note: 'promotion approved' } : { wait: 'request' }),

    /** Blue/green UpdateEndpoint to a config with the candidate model in the baseline's production variant. */
    promoting: async (rec, now) => {
      const r = rec.request;
      const ep = await d.sagemaker.describeEndpoint(r.region, r.endpointName);
      if (!ep) return { status: 'failed', patch: { failure: `endpoint ${r.endpointName} no longer exists` }, note: 'endpoint gone' };
      if (ep.endpointConfigName === rec.names.promoteConfig) {
        return { status: 'deploying', patch: { deployment: rec.deployment ?? { startedAtSec: now, endpointConfigName: rec.names.promoteConfig, previousConfigName: '', alarms: r.rollbackAlarmNames } }, wait: t.shortPollSec };
      }
      // The experiment's stop updates the endpoint (shadow variant removed): wait until it is InService again.
      if (ep.status !== 'InService' || ep.shadowVariants.length) return { wait: t.shortPollSec };
      const c = rec.candidate!;
      // Every other production variant is kept as it is; only the optimised one gets the candidate model.
      const variants: VariantSpec[] = ep.productionVariants.map((v) =>
        v.variantName === rec.baseline!.variantName
          ? { variantName: v.variantName, modelName: c.modelName, instanceType: c.instanceType, instanceCount: c.instanceCount }
          : { variantName: v.variantName, modelName: v.modelName ?? '', instanceType: v.instanceType ?? '', instanceCount: v.instanceCount ?? 1 },
      );
      await d.sagemaker.createEndpointConfig(r.region, rec.names.promoteConfig, { variants, tags: tagsOf(rec) });
      await d.sagemaker.updateEndpoint(r.region, r.endpointName, rec.names.promoteConfig, { alarms: r.rollbackAlarmNames, greenInstanceCount: c.instanceCount });
      return {
        status: 'deploying',
        patch: { deployment: { startedAtSec: now, endpointConfigName: rec.names.promoteConfig, previousConfigName: ep.endpointConfigName ?? '', alarms: r.rollbackAlarmNames } },
        wait: t.shortPollSec,
        note: `blue/green update of ${r.endpointName} to ${rec.names.promoteConfig}${r.rollbackAlarmNames.length ? ` (rollback alarms: ${r.rollbackAlarmNames.join(', ')})` : ' (no rollback alarms given)'}`,
      };
    },

    /** Wait for the deployment; on success record a Model Registry version with the measured figures. */
    deploying: async (rec, now) => {
      const r = rec.request;
      const ep = await d.sagemaker.describeEndpoint(r.region, r.endpointName);
      if (!ep) return { status: 'failed', patch: { failure: `endpoint ${r.endpointName} no longer exists` }, note: 'endpoint gone' };
      if (ENDPOINT_BUSY.has(ep.status)) return { wait: t.shortPollSec };
      if (ep.status !== 'InService' || ep.endpointConfigName !== rec.names.promoteConfig) {
        const failure = `blue/green deployment ${ep.status === 'InService' ? `rolled back to ${ep.endpointConfigName}` : ep.status}${ep.failureReason ? `: ${ep.failureReason}` : ''}`;
        return { status: 'failed', patch: { failure, deployment: { ...rec.deployment!, finishedAtSec: now } }, note: failure };
      }
      await d.sagemaker.createModelPackageGroup(r.region, rec.names.modelPackageGroup, `CarbonPilot-promoted optimisations of endpoint ${r.endpointName}`);
      const pkg = await d.sagemaker.createModelPackage(r.region, {
        group: rec.names.modelPackageGroup,
        clientToken: rec.names.modelPackageToken,
        image: rec.candidate!.image!,
        ...(rec.candidate!.modelDataUrl ? { modelDataUrl: rec.candidate!.modelDataUrl } : {}),
        instanceTypes: [rec.candidate!.instanceType],
        metadata: registryMetadata(rec),
        description: `${r.config.kind} of ${rec.baseline!.modelName}: ${rec.decision!.gates.energy.detail}`.slice(0, 1000),
      });
      return {
        status: 'promoted',
        patch: { deployment: { ...rec.deployment!, finishedAtSec: now }, registry: { group: rec.names.modelPackageGroup, ...(pkg.modelPackageArn ? { modelPackageArn: pkg.modelPackageArn } : {}) } },
        note: `promoted; Model Registry ${rec.names.modelPackageGroup}${pkg.modelPackageArn ? ` (${pkg.modelPackageArn})` : ''}`,
      };
    },

    /** Stop whatever runs (job, shadow test); every stop is idempotent. */
    aborting: async (rec, now) => {
      const r = rec.request;
      if (rec.optimisedAtSec === undefined && rec.history.some((h) => h.status === 'optimising')) await stopJob(rec);
      if (rec.experimentStartedAtSec !== undefined && rec.experimentStoppedAtSec === undefined) {
        await d.sagemaker.stopInferenceExperiment(r.region, rec.names.experiment, { productionVariant: rec.baseline!.variantName, shadowVariant: rec.candidate!.variantName, desiredState: 'Cancelled', reason: 'aborted by request' });
      }
      return { status: 'aborted', patch: { ...(rec.experimentStartedAtSec !== undefined && rec.experimentStoppedAtSec === undefined ? { experimentStoppedAtSec: now } : {}) }, note: 'aborted by request' };
    },
  };

  /** Advance one attempt as far as it can go now. Safe under duplicate and concurrent delivery. */
  const advance = async (attemptId: string): Promise<AdvanceResult> => {
    const done: AttemptStatus[] = [];
    for (let i = 0; i < MAX_STEPS_PER_RUN; i++) {
      const rec = await d.attempts.get(attemptId);
      if (!rec) return { attemptId, outcome: 'unknown-attempt', steps: done };
      if (isTerminalAttempt(rec.status)) return { attemptId, outcome: 'finished', status: rec.status, steps: done };
      const now = d.clock.nowSec();
      const abort = rec.requests.abortAtSec !== undefined && isAbortable(rec.status) && rec.status !== 'aborting';
      if (!abort && rec.nextActionAtSec !== undefined && rec.nextActionAtSec > now) return { attemptId, outcome: 'waiting', status: rec.status, steps: done, nextActionAtSec: rec.nextActionAtSec };
      const out: StepOutcome = abort ? { status: 'aborting', note: 'abort requested' } : await steps[rec.status]!(rec, now);
      const status = out.status ?? rec.status;
      if (!canMoveAttempt(rec.status, status)) throw new Error(`attempt ${attemptId}: illegal move ${rec.status} → ${status}`);
      if (out.wait === 'request' && status === rec.status && !out.patch && rec.nextActionAtSec === undefined) {
        return { attemptId, outcome: 'waiting-for-request', status, steps: done };
      }
      const nextActionAtSec = out.wait === undefined ? now : out.wait === 'request' ? undefined : now + out.wait;
      const patch: AttemptPatch = {
        ...out.patch,
        status,
        nextActionAtSec,
        updatedAtSec: now,
        ...(status !== rec.status ? { history: [...rec.history, { atSec: now, status, note: out.note ?? '' }] } : {}),
      };
      if (!(await d.attempts.update(attemptId, rec.version, patch))) continue; // another delivery moved it: re-read
      if (status !== rec.status) {
        done.push(status);
        d.log?.('optimisation step', { attemptId, from: rec.status, to: status, note: out.note });
      }
      if (out.wait === 'request') return { attemptId, outcome: 'waiting-for-request', status, steps: done };
      if (nextActionAtSec !== undefined && nextActionAtSec > now) {
        await d.scheduler.schedule(pollScheduleName(attemptId, rec.version + 1), nextActionAtSec, { kind: 'carbonpilot.optimise', attemptId });
        return { attemptId, outcome: 'waiting', status, steps: done, nextActionAtSec };
      }
    }
    return { attemptId, outcome: 'step-limit', steps: done };
  };

  /** Hourly backstop: drive every attempt whose poll is overdue or whose request was not acted on. */
  const sweep = async (): Promise<{ checked: number; advanced: AdvanceResult[]; errors: { attemptId: string; error: string }[] }> => {
    const now = d.clock.nowSec();
    const out = { checked: 0, advanced: [] as AdvanceResult[], errors: [] as { attemptId: string; error: string }[] };
    for (const rec of await d.attempts.listActive()) {
      out.checked++;
      const overdue = rec.nextActionAtSec !== undefined && rec.nextActionAtSec <= now - t.overdueSec;
      if (!overdue && !hasPendingRequest(rec)) continue;
      try {
        out.advanced.push(await advance(rec.attemptId));
      } catch (e) {
        out.errors.push({ attemptId: rec.attemptId, error: e instanceof Error ? e.message : String(e) });
      }
    }
    return out;
  };

  return { advance, sweep };
};

/** The measured figures as Model Registry CustomerMetadataProperties (string → string, ≤ 256 characters each). */
export function registryMetadata(rec: AttemptRecord): Record<string, string> {
  const m = rec.measurement!;
  const n = (x: number, d = 4) => String(Number(x.toPrecision(d)));
  const meta: Record<string, string> = {
    'carbonpilot:attempt-id': rec.attemptId,
    'carbonpilot:config': JSON.stringify(rec.request.config).slice(0, 256),
    'carbonpilot:baseline-j-per-inference': `${n(m.baseline.jPerInference.point)} [${n(m.baseline.jPerInference.low)}, ${n(m.baseline.jPerInference.high)}]`,
    'carbonpilot:candidate-j-per-inference': `${n(m.candidate.jPerInference.point)} [${n(m.candidate.jPerInference.low)}, ${n(m.candidate.jPerInference.high)}]`,
    'carbonpilot:baseline-gco2e-per-inference': n(m.baseline.gCo2ePerInference.point),
    'carbonpilot:candidate-gco2e-per-inference': n(m.candidate.gCo2ePerInference.point),
    'carbonpilot:change-pct': `${n(m.changePct.point, 3)} [${n(m.changePct.low, 3)}, ${n(m.changePct.high, 3)}] (95 % paired bootstrap)`,
    'carbonpilot:paired-hours': String(m.pairedHours),
    'carbonpilot:method': m.method.slice(0, 256),
    'carbonpilot:quality': rec.quality ? `${rec.quality.metric} ${rec.quality.baseline} -> ${rec.quality.candidate}` : 'n/a',
    'carbonpilot:decision': (rec.decision?.reason ?? '').slice(0, 256),
    ...(rec.demo ? { 'carbonpilot:demo': 'true' } : {}),
  };
  return Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, v.slice(0, 256)]));
}
