/** Ports of the carbon-aware scheduler (job store, one-time schedules, SageMaker launches, intensity forecasts). */
import type { EpochSec } from '../domain/time';
import { DEFAULT_MAX_PLAN_HORIZON_DAYS, type Plan, type PlanSegment } from '../domain/scheduler/planner';
import type { JobStatus, SegmentStatus } from '../domain/scheduler/job-state';
import type { DispatchPayload, JobRequest, TrainingJobSpec } from '../contracts/job-request';
import type { IntensitySignal } from '../domain/types';
import type { Clock, FootprintStore } from './index';
import type { BudgetStore } from './budget-ports';
import type { AttributionKeys } from '../domain/attribution';
import type { InstanceSpec } from '../domain/power/instance-catalog';
import type { RegionInfo } from '../domain/regions/region-catalog';

/** The inputs the plan was made from (kept so replans and outcomes use the same constraints). */
export interface PlanInputs {
  submittedAtSec: EpochSec;
  earliestStartSec: EpochSec;
  deadlineSec: EpochSec;
  durationSec: number;
  durationSource: 'request' | 'history';
  powerKw: number;
  powerSource: string;
  interruptible: boolean;
  restartOverheadSec: number;
  signal: IntensitySignal;
  /** Usable allowed regions in request order (regions[0] = home, the run-now reference). */
  regions: string[];
  /** Allowed regions left out of planning, with the reason (e.g. incomplete region-local locations). */
  excludedRegions?: { region: string; reason: string }[];
}

export interface LaunchRecord {
  segment: number;
  attempt: number;
  region: string;
  trainingJobName: string;
  startedAtSec: EpochSec;
  endedAtSec?: EpochSec;
  status: 'InProgress' | 'Completed' | 'Stopped' | 'Failed';
}

/** The STATE item of one job (pk JOB#<id>, sk STATE). */
export interface JobRecord {
  jobId: string;
  status: JobStatus;
  /** Compare-and-set version: every write requires the version it read. */
  version: number;
  /** Bumped by each re-plan; schedules of older revisions are no-ops. */
  planRevision: number;
  request: JobRequest;
  /** The resolved CreateTrainingJob request (template expanded). */
  training: TrainingJobSpec;
  inputs: PlanInputs;
  plan: Plan;
  /** Work done so far, s (Σ run time of finished segments minus the resume overheads). */
  workDoneSec: number;
  launches: LaunchRecord[];
  history: { atSec: EpochSec; status: JobStatus; note: string }[];
  createdAtSec: EpochSec;
  updatedAtSec: EpochSec;
  demo: boolean;
}

/** One run segment (pk JOB#<id>, sk SEG#<n>). */
export interface SegmentRecord extends PlanSegment {
  jobId: string;
  n: number;
  planRevision: number;
  status: SegmentStatus;
  attempt: number;
  version: number;
  /** Set when the segment ran: where and under which name. */
  trainingJobName?: string;
  launchedRegion?: string;
}

export type JobPatch = Partial<Omit<JobRecord, 'jobId' | 'version' | 'request' | 'createdAtSec'>>;

export interface JobStore {
  /** Conditional create of the job and its segments; 'exists' when the id is already taken (idempotent POST). */
  create(job: JobRecord, segments: SegmentRecord[]): Promise<'created' | 'exists'>;
  get(jobId: string): Promise<JobRecord | undefined>;
  getSegments(jobId: string): Promise<SegmentRecord[]>;
  /** Compare-and-set on `version`: false when someone else wrote first (re-read and decide again). */
  update(jobId: string, expectedVersion: number, patch: JobPatch): Promise<boolean>;
  /** Write (replace) segments; compare-and-set per item on its version (0 = must be absent). */
  putSegment(seg: SegmentRecord, expectedVersion: number): Promise<boolean>;
  /** Jobs currently in one status (GSI: JOBS#<status>). */
  listByStatus(status: JobStatus): Promise<JobRecord[]>;
  /** The job that launched a SageMaker training job of this name. */
  findByTrainingJobName(name: string): Promise<string | undefined>;
  /** Index a launched training-job name → job id (idempotent). */
  putTrainingJobName(name: string, jobId: string): Promise<void>;
  /** Realised durations of completed jobs of a family (for estimateFromHistory). */
  familyDurations(jobFamily: string): Promise<number[]>;
  putFamilyDuration(jobFamily: string, jobId: string, durationSec: number): Promise<void>;
  /** Stored CreateTrainingJob templates (template references). */
  getTemplate(name: string): Promise<TrainingJobSpec | undefined>;
  putTemplate(name: string, spec: TrainingJobSpec): Promise<void>;
}

/** One-time schedules (EventBridge Scheduler `at()` in AWS, the manual clock locally). */
export interface SegmentScheduler {
  /** Idempotent: an existing schedule of the same name is success. */
  createOneTime(name: string, atSec: EpochSec, payload: DispatchPayload): Promise<void>;
  /** Idempotent: a missing schedule is success. */
  delete(name: string): Promise<void>;
}

/** What SageMaker says about a training job (DescribeTrainingJob), for the hourly reconcile. */
export interface TrainingJobStatusReport {
  status: 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';
  failureReason?: string;
  /** TrainingEndTime when known. */
  endSec?: EpochSec;
}

/** Launches, stops and describes SageMaker training jobs in a region. */
export interface TrainingLauncher {
  /** 'exists' when a job of this name already exists (a duplicate delivery): success, nothing new started. */
  create(region: string, jobName: string, request: Record<string, unknown>): Promise<'created' | 'exists'>;
  /** Idempotent: stopping a job that is already stopping/stopped/completed is success. */
  stop(region: string, jobName: string): Promise<void>;
  /** The job's status in its region; undefined when SageMaker does not know the name. */
  describe(region: string, jobName: string): Promise<TrainingJobStatusReport | undefined>;
}

/**
 * Checks, before the first launch in a region, that the request's region-local references really are in that
 * region (S3 buckets via GetBucketLocation in AWS; image registry and KMS key regions from their ARNs/URIs).
 * Returns the problems found (empty = verified). Errors of the check itself (throttling) are thrown.
 */
export interface LocationVerifier {
  verify(region: string, refs: import('../domain/scheduler/region-request').RegionLocalRefs): Promise<string[]>;
}

/** No capacity for the instance type right now (ResourceLimitExceeded, InsufficientCapacity): retry or move. */
export class CapacityError extends Error {
  readonly retryable = true;
  constructor(
    readonly region: string,
    message: string,
  ) {
    super(message);
    this.name = 'CapacityError';
  }
}

/** An hourly intensity forecast of one zone (the planner's RegionForecast without region/PUE). */
export interface ZoneForecast {
  zone: string;
  startSec: EpochSec;
  point: number[];
  low: number[];
  high: number[];
  issuedAtSec: EpochSec;
  signal: IntensitySignal;
  /** Provider and method, for provenance. */
  source: string;
}

export interface ForecastSource {
  forecast(zone: string, signal: IntensitySignal, nowSec: EpochSec, horizonH: number): Promise<ZoneForecast>;
}

export interface SchedulingConfig {
  /** Re-plan a not-yet-started job when the new optimum beats the current plan (under the new forecast) by this share. */
  replanThresholdPct: number;
  /** Forecast horizon requested, h (the forecaster serves ≤ 96 h; the planner extends with the tail mean). */
  horizonH: number;
  /** Delay before retrying a segment after capacity errors in every allowed region, s. */
  capacityRetrySec: number;
  /** A start delivered this late is "late" (schedules fire within about a minute). */
  lateStartGraceSec: number;
  /** Deadlines at most this many days ahead are planned; a later one is a 400 on `deadline` (MAX_PLAN_HORIZON_DAYS). */
  maxPlanHorizonDays: number;
}

export const DEFAULT_SCHEDULING_CONFIG: Readonly<SchedulingConfig> = Object.freeze({
  replanThresholdPct: 5,
  horizonH: 96,
  capacityRetrySec: 600,
  lateStartGraceSec: 300,
  maxPlanHorizonDays: DEFAULT_MAX_PLAN_HORIZON_DAYS,
});

/** Everything the scheduling use cases need. */
export interface SchedulingDeps {
  jobs: JobStore;
  scheduler: SegmentScheduler;
  launcher: TrainingLauncher;
  forecasts: ForecastSource;
  clock: Clock;
  regionInfo: (region: string) => RegionInfo | undefined;
  lookupInstance: (instanceType: string) => InstanceSpec | undefined;
  /** Region-local reference checks before a launch; absent = not checked (plan previews). */
  locations?: LocationVerifier;
  config?: Partial<SchedulingConfig>;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /**
   * What the pre-flight carbon-budget gate reads (shared/use-cases/gate-job.ts): budgets and the footprint store.
   * Every composition root sets it (factories.ts makeSchedulingDeps); absent only where no store exists (a CLI plan
   * preview without a local store), where there is no budget to enforce.
   */
  budgetGate?: { store: FootprintStore; budgets: BudgetStore; attributionKeys: AttributionKeys };
}
