/**
 * Model lifecycle: the vocabulary shared by cold detection, the action ladder, the durable action records, the
 * savings ledger and right-sizing (all pure). Times are UTC epoch seconds; energy in kWh, emissions in kgCO2e.
 */
import type { EpochSec } from '../time';
import type { Ranged } from '../types';

/** Detection states: active → cooling → cold for serving resources; `frozen` for registry packages; `parked` once acted on. */
export type LifecycleState = 'active' | 'cooling' | 'cold' | 'frozen' | 'parked';

/** What a lifecycle subject is: a real-time endpoint (all its variants), an inference component, a Model Registry package version. */
export type SubjectKind = 'endpoint' | 'inference-component' | 'model-package';

export interface Subject {
  kind: SubjectKind;
  region: string;
  /** Endpoint name, inference component name, or model package ARN. */
  name: string;
}

/** Stable key of a subject: `<kind>#<region>#<name>`. */
export const subjectKey = (s: Subject): string => `${s.kind}#${s.region}#${s.name}`;

/** The reversible actions, cheapest to restore first (see ladder.ts). */
export type LifecycleActionKind = 'scale-to-zero' | 'park' | 'archive-artefacts' | 'archive-package';
export const ACTION_KINDS: readonly LifecycleActionKind[] = ['scale-to-zero', 'park', 'archive-artefacts', 'archive-package'];

/** recommend (default): proposals only · approve: an explicit approval, then a veto window · auto: tag opt-in, veto window only. */
export type LifecycleMode = 'recommend' | 'approve' | 'auto';
export const LIFECYCLE_MODES: readonly LifecycleMode[] = ['recommend', 'approve', 'auto'];

/** What an action is expected to save and what it costs to undo. */
export interface Proposal {
  /** 'none' when nothing is proposed (active, excluded, already parked): the reason says why. */
  action: LifecycleActionKind | 'none';
  /** Avoided operational emissions per month at the measured idle draw (location-based); null = not quantifiable (storage, governance). */
  expectedSavingKgCo2ePerMonth: number | null;
  expectedSavingRangeKgCo2ePerMonth: Ranged | null;
  expectedSavingKwhPerMonth: number | null;
  /** Time to serve again after undoing the action, ISO-8601 duration (e.g. PT15M). */
  restoreTime: string;
  restoreNote: string;
  /** True when the subject is in the state the action is for (cold / frozen) and nothing excludes it. */
  ready: boolean;
  reason: string;
  warnings: string[];
}

/** Status of a durable action record; every change is one compare-and-set write of the record. */
export type ActionStatus =
  | 'proposed'
  | 'approved'
  | 'snapshot-saved'
  | 'scaling-removed'
  | 'deleting'
  | 'parked'
  | 'applied'
  | 'restoring'
  | 'creating'
  | 'in-service'
  | 'restored'
  | 'cancelled'
  | 'failed';

export interface ActionTransition {
  atSec: EpochSec;
  from: ActionStatus | null;
  to: ActionStatus;
  by: string;
  why: string;
}

/** One lifecycle action on one subject, from proposal to undo: the durable record (DynamoDB item). */
export interface ActionRecord {
  actionId: string;
  subject: Subject;
  action: LifecycleActionKind;
  status: ActionStatus;
  /** Compare-and-set version (1 = first write). */
  version: number;
  mode: LifecycleMode;
  createdAtSec: EpochSec;
  /** Who asked (a user, `lifecycle-function`, `api:<caller>`) and why. */
  createdBy: string;
  reason: string;
  /** Not executed before this instant (the veto window of approve and auto modes). */
  notBeforeSec?: EpochSec;
  approvedBy?: string;
  approvedAtSec?: EpochSec;
  /** When the action took effect (endpoint deleted, policy applied) and when it was undone. */
  effectiveFromSec?: EpochSec;
  effectiveToSec?: EpochSec;
  proposal: Proposal;
  history: ActionTransition[];
  lastError?: { atSec: EpochSec; step: string; message: string };
  demo: boolean;
}

/** Everything needed to recreate a parked endpoint, written before DeleteEndpoint (SageMaker API shapes). */
export interface EndpointSnapshot {
  takenAtSec: EpochSec;
  endpoint: EndpointDescription;
  config: EndpointConfigDescription;
  tags: Record<string, string>;
  scalableTargets: ScalableTargetSnapshot[];
  scalingPolicies: ScalingPolicySnapshot[];
  alarms: AlarmSnapshot[];
}

/** Snapshot of a scale-to-zero change: the target and policies before it. */
export interface ScalingSnapshot {
  takenAtSec: EpochSec;
  scalableTargets: ScalableTargetSnapshot[];
  scalingPolicies: ScalingPolicySnapshot[];
}

/** Snapshot of an archive-package change: the lifecycle stage before it. */
export interface PackageSnapshot {
  takenAtSec: EpochSec;
  modelPackageArn: string;
  previousModelLifeCycle?: ModelLifeCycle;
}

/** Snapshot of an archive-artefacts change: the object's tag set before it (PutObjectTagging replaces the whole set). */
export interface ArtefactSnapshot {
  takenAtSec: EpochSec;
  bucket: string;
  key: string;
  previousTags: Record<string, string>;
}

export type ActionSnapshot =
  | { kind: 'endpoint'; endpoint: EndpointSnapshot }
  | { kind: 'scaling'; scaling: ScalingSnapshot }
  | { kind: 'package'; package: PackageSnapshot }
  | { kind: 'artefacts'; artefacts: ArtefactSnapshot[] };

// ---- SageMaker / Application Auto Scaling / CloudWatch shapes (API reference field names) -------------------

export interface EndpointDescription {
  EndpointName: string;
  EndpointArn: string;
  EndpointConfigName: string;
  EndpointStatus: string;
  ProductionVariants: { VariantName: string; CurrentInstanceCount?: number; DesiredInstanceCount?: number }[];
  CreationTimeSec: EpochSec;
}

export interface EndpointConfigDescription {
  EndpointConfigName: string;
  ProductionVariants: { VariantName: string; ModelName?: string; InstanceType?: string; InitialInstanceCount?: number }[];
}

/** Application Auto Scaling scalable target (DescribeScalableTargets), the fields RegisterScalableTarget takes back. */
export interface ScalableTargetSnapshot {
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
  MinCapacity: number;
  MaxCapacity: number;
  SuspendedState?: { DynamicScalingInSuspended?: boolean; DynamicScalingOutSuspended?: boolean; ScheduledScalingSuspended?: boolean };
}

/** Application Auto Scaling scaling policy (DescribeScalingPolicies), the fields PutScalingPolicy takes back. */
export interface ScalingPolicySnapshot {
  PolicyName: string;
  PolicyARN: string;
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
  PolicyType: string;
  TargetTrackingScalingPolicyConfiguration?: Record<string, unknown>;
  StepScalingPolicyConfiguration?: Record<string, unknown>;
  Alarms: { AlarmName: string; AlarmARN?: string }[];
}

/** A CloudWatch metric alarm (DescribeAlarms), as PutMetricAlarm input fields. */
export interface AlarmSnapshot {
  AlarmName: string;
  AlarmDescription?: string;
  ActionsEnabled?: boolean;
  AlarmActions?: string[];
  OKActions?: string[];
  InsufficientDataActions?: string[];
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions?: { Name: string; Value: string }[];
  Period?: number;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  ComparisonOperator: string;
  TreatMissingData?: string;
  Unit?: string;
}

export interface ModelLifeCycle {
  Stage: string;
  StageStatus: string;
  StageDescription?: string;
}

/** One inference component with its daily `Invocations` sums (AWS/SageMaker, InferenceComponentName, Sum, 1 day). */
export interface InferenceComponentInfo {
  name: string;
  endpointName: string;
  variantName?: string;
  status: string;
  /** Current copies; MinCapacity of its scalable target when registered. */
  copyCount: number;
  minCopies?: number;
  tags: Record<string, string>;
  createdSec: EpochSec;
  /** Daily sums from the metric; a day without a datapoint had no invocations (SageMaker publishes only when invoked). */
  dailyInvocations: { daySec: EpochSec; sum: number }[];
  /** First day the metric query covered. */
  observedFromSec: EpochSec;
  demo?: boolean;
}

/** A Model Registry package version. */
export interface ModelPackageInfo {
  arn: string;
  groupName?: string;
  version?: number;
  createdSec: EpochSec;
  approvalStatus?: string;
  lifeCycle?: ModelLifeCycle;
  /** S3 model artefacts of its inference containers (s3://bucket/key). */
  modelDataUrls: string[];
  tags: Record<string, string>;
  demo?: boolean;
}

/** Counterfactual basis of an executed action, fixed when it took effect (ledger.ts books from it). */
export interface LedgerBasis {
  /** Measured IT energy per hour of the subject before the action (mean over its idle run), kWh/h. */
  itKwhPerHour: Ranged;
  pue: number;
  /** Accelerators the subject held (instances × accelerators per instance). */
  gpus: number;
  instances: number;
  instanceType: string;
  /** Hours of measured idle intervals the draw is the mean of. */
  observedHours: number;
  method: string;
}

/** A ledger entry: one executed action's avoided energy and emissions are recomputed from it, never incremented. */
export interface LedgerEntry {
  actionId: string;
  subject: Subject;
  action: LifecycleActionKind;
  /** Footprint resources of the subject (endpoint variants): their measured intervals after the action are subtracted. */
  resourceKeys: string[];
  effectiveFromSec: EpochSec;
  effectiveToSec?: EpochSec;
  basis: LedgerBasis | null;
  /** Why there is no energy basis (storage, governance actions). */
  note?: string;
  demo: boolean;
}
