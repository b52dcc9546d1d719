/** Ports of the model optimisation pipeline: the attempt store, SageMaker, variant metrics, poll schedules. */
import type { EpochSec, Window } from '../domain/time';
import type { AttemptStatus } from '../domain/optimisation/attempt-state';
import type { AttemptNames } from '../domain/optimisation/names';
import type { Measurement } from '../domain/optimisation/measurement';
import type { Decision } from '../domain/optimisation/decision';
import type { OptimisePollPayload, OptimiseStartRequest } from '../contracts/optimisation';
import type { Clock, FootprintStore } from './index';

/** The production variant being optimised, as the endpoint described it when the attempt started. */
export interface BaselineInfo {
  variantName: string;
  /** The SageMaker model behind the variant (the optimisation job's source). */
  modelName: string;
  instanceType: string;
  instanceCount: number;
  endpointConfigName: string;
  /** Ledger "model": the resource's `model` attribution tag where the inventory knows it, else the SageMaker model name. */
  model: string;
  team?: string;
}

export interface CandidateInfo {
  modelName: string;
  /** Shadow variant name (the inference experiment's). */
  variantName: string;
  instanceType: string;
  instanceCount: number;
  image?: string;
  modelDataUrl?: string;
}

export interface QualityRecord {
  metric: string;
  higherIsBetter: boolean;
  baseline?: number;
  candidate?: number;
  /** 'user' = given with the request or posted later. */
  source: 'user';
}

/** The state item of one attempt (pk OPT#<id>, sk STATE). */
export interface AttemptRecord {
  attemptId: string;
  /** Compare-and-set version: every write requires the version it read. */
  version: number;
  status: AttemptStatus;
  request: OptimiseStartRequest;
  names: AttemptNames;
  /** How the candidate is made: an inference optimization job, a Neo compilation job, or given (bring your own). */
  jobKind: 'optimization-job' | 'compilation-job' | 'none';
  baseline?: BaselineInfo;
  candidate?: CandidateInfo;
  optimisedAtSec?: EpochSec;
  experimentStartedAtSec?: EpochSec;
  experimentStoppedAtSec?: EpochSec;
  /** First hour the comparison counts (after the shadow variant warmed up). */
  measureFromSec?: EpochSec;
  /** End of the measurement window [measureFromSec, measureUntilSec): minHours, extended hour by hour up to maxHours. */
  measureUntilSec?: EpochSec;
  progress?: { pairedHours: number; candidateInvocations: number; checkedAtSec: EpochSec };
  measurement?: Measurement;
  quality?: QualityRecord;
  decision?: Decision;
  /** Asked from outside (API/CLI); acted on by the driver. */
  requests: { abortAtSec?: EpochSec; promoteAtSec?: EpochSec };
  deployment?: { startedAtSec: EpochSec; endpointConfigName: string; previousConfigName: string; alarms: string[]; finishedAtSec?: EpochSec };
  registry?: { group: string; modelPackageArn?: string };
  /** When the driver should look again (undefined = only when asked: awaiting quality or approval, or terminal). */
  nextActionAtSec?: EpochSec;
  failure?: string;
  history: { atSec: EpochSec; status: AttemptStatus; note: string }[];
  createdAtSec: EpochSec;
  updatedAtSec: EpochSec;
  demo: boolean;
}

export type AttemptPatch = Partial<Omit<AttemptRecord, 'attemptId' | 'version' | 'request' | 'names' | 'createdAtSec'>>;

export interface OptimisationStore {
  /** Conditional create; 'exists' when the id is taken (idempotent start). */
  create(rec: AttemptRecord): Promise<'created' | 'exists'>;
  get(attemptId: string): Promise<AttemptRecord | undefined>;
  /** Compare-and-set on `version`: false when someone else wrote first. */
  update(attemptId: string, expectedVersion: number, patch: AttemptPatch): Promise<boolean>;
  /** Attempts not yet terminal (the sweep's work list). */
  listActive(): Promise<AttemptRecord[]>;
  /** Every attempt (the ledger). */
  listAll(): Promise<AttemptRecord[]>;
}

/** DescribeEndpoint (+ DescribeEndpointConfig for instance types and models). */
export interface EndpointDescription {
  endpointName: string;
  status: string;
  endpointConfigName?: string;
  productionVariants: { variantName: string; modelName?: string; instanceType?: string; instanceCount?: number }[];
  shadowVariants: string[];
  failureReason?: string;
}

/** OptimizationJobStatus (DescribeOptimizationJob) and CompilationJobStatus share these values. */
export type SageMakerJobStatus = 'STARTING' | 'INPROGRESS' | 'COMPLETED' | 'FAILED' | 'STOPPING' | 'STOPPED';

export interface OptimisationJobSpec {
  roleArn: string;
  /** The baseline's SageMaker model (ModelSource.SageMakerModel). */
  sourceModelName: string;
  deploymentInstanceType: string;
  /** OptimizationConfigs, shaped as the API takes them ({ ModelQuantizationConfig: {…} } …). */
  optimizationConfigs: Record<string, unknown>[];
  outputS3Uri: string;
  maxRuntimeSec: number;
  tags: Record<string, string>;
}

export interface CompilationJobSpec {
  roleArn: string;
  modelS3Uri: string;
  framework: string;
  frameworkVersion?: string;
  dataInputConfig: string;
  targetDevice: string;
  outputS3Uri: string;
  maxRuntimeSec: number;
  tags: Record<string, string>;
}

export interface VariantSpec {
  variantName: string;
  modelName: string;
  instanceType: string;
  instanceCount: number;
}

export type InferenceExperimentStatus = 'Creating' | 'Created' | 'Updating' | 'Starting' | 'Running' | 'Stopping' | 'Completed' | 'Cancelled';

/** The SageMaker calls of the optimisation pipeline, per region. Creates under a taken name answer 'exists'. */
export interface OptimisationGateway {
  describeEndpoint(region: string, endpointName: string): Promise<EndpointDescription | undefined>;
  createOptimizationJob(region: string, name: string, spec: OptimisationJobSpec): Promise<'created' | 'exists'>;
  describeOptimizationJob(region: string, name: string): Promise<{ status: SageMakerJobStatus; failureReason?: string; recommendedImage?: string; outputS3Uri?: string } | undefined>;
  stopOptimizationJob(region: string, name: string): Promise<void>;
  createCompilationJob(region: string, name: string, spec: CompilationJobSpec): Promise<'created' | 'exists'>;
  describeCompilationJob(region: string, name: string): Promise<{ status: SageMakerJobStatus; failureReason?: string; image?: string; modelArtifactsS3Uri?: string } | undefined>;
  stopCompilationJob(region: string, name: string): Promise<void>;
  createModel(region: string, name: string, spec: { image: string; modelDataUrl: string; compressed: boolean; env: Record<string, string>; roleArn: string; tags: Record<string, string> }): Promise<'created' | 'exists'>;
  createInferenceExperiment(
    region: string,
    name: string,
    spec: { endpointName: string; roleArn: string; production: VariantSpec; shadow: VariantSpec; samplingPct: number; tags: Record<string, string>; description: string; endSec?: EpochSec },
  ): Promise<'created' | 'exists'>;
  describeInferenceExperiment(region: string, name: string): Promise<{ status: InferenceExperimentStatus; statusReason?: string } | undefined>;
  /** Ends the shadow test keeping the production variant and removing the shadow one. Idempotent. */
  stopInferenceExperiment(region: string, name: string, o: { productionVariant: string; shadowVariant: string; desiredState: 'Completed' | 'Cancelled'; reason: string }): Promise<void>;
  createEndpointConfig(region: string, name: string, spec: { variants: VariantSpec[]; tags: Record<string, string> }): Promise<'created' | 'exists'>;
  /** Blue/green UpdateEndpoint (canary when the green fleet has ≥ 2 instances) that rolls back on any of `alarms`. */
  updateEndpoint(region: string, endpointName: string, endpointConfigName: string, o: { alarms: string[]; greenInstanceCount?: number }): Promise<void>;
  createModelPackageGroup(region: string, name: string, description: string): Promise<'created' | 'exists'>;
  /** A Model Registry version with the measured figures as CustomerMetadataProperties; ClientToken makes it idempotent. */
  createModelPackage(
    region: string,
    spec: { group: string; clientToken: string; image: string; modelDataUrl?: string; instanceTypes: string[]; metadata: Record<string, string>; description: string },
  ): Promise<{ modelPackageArn?: string }>;
}

/** Per-variant request metrics from CloudWatch (AWS/SageMaker: ModelLatency, Invocation4XXErrors, Invocation5XXErrors). */
export interface VariantRequestMetrics {
  /** 4XX + 5XX per hour (hour start → count); hours without datapoints are absent (= 0 errors). */
  hourlyErrors: Map<EpochSec, number>;
  p50Ms?: number;
  p95Ms?: number;
}

export interface VariantMetricsSource {
  read(region: string, endpointName: string, variants: string[], window: Window): Promise<Map<string, VariantRequestMetrics>>;
}

/** One-time poll schedules (EventBridge Scheduler in AWS, the local runtime's schedules locally). */
export interface OptimisePollScheduler {
  /** Idempotent: an existing schedule of the same name is success. */
  schedule(name: string, atSec: EpochSec, payload: OptimisePollPayload): Promise<void>;
}

export interface OptimiseTimings {
  /** Poll interval while an optimisation/compilation job runs, s. */
  jobPollSec: number;
  /** Poll interval while waiting for the experiment or the deployment, s. */
  shortPollSec: number;
  /** Poll interval while measuring (footprints are hourly), s. */
  measurePollSec: number;
  /** Hours after the shadow variant starts that do not count (model loading, warm-up), s. */
  warmUpSec: number;
  /**
   * How long after an hour ends its footprint intervals are taken as final (hourly collection, COLLECT_LAG_SEC,
   * CloudWatch PartialData), s. The decision is made at window end + this, a fixed instant: it does not depend on
   * when the collector happened to run.
   */
  settleSec: number;
  /** The longest an optimisation job may run (StoppingCondition.MaxRuntimeInSeconds), s. */
  maxJobRuntimeSec: number;
  /** A poll this late is overdue: the hourly sweep drives the attempt (a schedule lost to a crash), s. */
  overdueSec: number;
}

export const DEFAULT_OPTIMISE_TIMINGS: Readonly<OptimiseTimings> = Object.freeze({
  jobPollSec: 300,
  shortPollSec: 600,
  measurePollSec: 3600,
  warmUpSec: 3600,
  settleSec: 4 * 3600,
  maxJobRuntimeSec: 8 * 3600,
  overdueSec: 900,
});

/** What the optimise function's use cases need. */
export interface OptimiseDeps {
  attempts: OptimisationStore;
  sagemaker: OptimisationGateway;
  metrics: VariantMetricsSource;
  footprints: Pick<FootprintStore, 'queryResourceIntervals' | 'listResourcesByKeyPrefix'>;
  scheduler: OptimisePollScheduler;
  clock: Clock;
  /** Tell the driver an attempt changed (a bus event in AWS and under `npm start`; a one-time schedule from the CLI). */
  notify: (attemptId: string) => Promise<void>;
  timings?: Partial<OptimiseTimings>;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}
