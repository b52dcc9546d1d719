/**
 * Deterministic names of everything an optimisation attempt creates (pure). The same attempt always gives the same
 * names, so a duplicate delivery or a resumed step finds "already exists" instead of launching a second job, model,
 * endpoint config, shadow variant or inference experiment.
 *
 * SageMaker names (optimization and compilation jobs, models, endpoint configs, variants, inference experiments,
 * model package groups): `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}` (SageMaker API reference, CreateOptimizationJob,
 * CreateModel, CreateEndpointConfig, CreateInferenceExperiment). EventBridge Scheduler names: 1–64 of [0-9a-zA-Z-_.].
 */
import { canonicalJson, fnv1a64Hex } from '../scheduler/job-name';

const MAX_SAGEMAKER_NAME = 63;

/** Attempt id: 16 hex digits of the client token, or of the whole request (idempotent start). */
export function attemptIdFor(request: unknown, clientToken?: string): string {
  return fnv1a64Hex(clientToken !== undefined ? `opt-token:${clientToken}` : `opt-req:${canonicalJson(request)}`);
}

export interface AttemptNames {
  optimizationJob: string;
  compilationJob: string;
  candidateModel: string;
  /** The shadow variant of the inference experiment. */
  shadowVariant: string;
  experiment: string;
  /** Endpoint config the promotion deploys (the candidate model in the baseline's production variant). */
  promoteConfig: string;
  /** Model Registry group of the endpoint (one per endpoint; versions are the promoted attempts). */
  modelPackageGroup: string;
  /** CreateModelPackage ClientToken (idempotent registration). */
  modelPackageToken: string;
}

const sanitize = (s: string): string => s.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');

/** `carbonpilot-<endpoint>` within 63 characters (a long endpoint name keeps a hash suffix so groups never collide). */
export function modelPackageGroupName(endpointName: string): string {
  const full = `carbonpilot-${sanitize(endpointName)}`;
  if (full.length <= MAX_SAGEMAKER_NAME) return full;
  const h = fnv1a64Hex(endpointName).slice(0, 8);
  return `${full.slice(0, MAX_SAGEMAKER_NAME - 9).replace(/-+$/, '')}-${h}`;
}

/** Every SageMaker name of one attempt. */
export function attemptNames(attemptId: string, endpointName: string): AttemptNames {
  const base = `cp-opt-${attemptId}`;
  return {
    optimizationJob: base,
    compilationJob: `${base}-neo`,
    candidateModel: `${base}-model`,
    shadowVariant: `shadow-${attemptId}`,
    experiment: `${base}-shadow`,
    promoteConfig: `${base}-promote`,
    modelPackageGroup: modelPackageGroupName(endpointName),
    modelPackageToken: `${base}-registry`,
  };
}

/**
 * One-time schedule of the poll that follows the write of `version`: a duplicate delivery that tries to schedule the
 * same poll gets ConflictException (already scheduled); every later poll has a higher version, hence a new name.
 */
export const pollScheduleName = (attemptId: string, version: number): string => `cp-opt-${attemptId}-v${version}`.slice(0, 64);
