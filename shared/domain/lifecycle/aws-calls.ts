/**
 * The exact AWS request inputs every lifecycle step sends (pure), field names as in the API references of SageMaker
 * (DeleteEndpoint, CreateEndpoint, UpdateModelPackage), Application Auto Scaling (RegisterScalableTarget,
 * DeregisterScalableTarget, PutScalingPolicy), CloudWatch (PutMetricAlarm) and S3 (PutObjectTagging). The adapters
 * send them as they are and `--dry-run` prints them, so what is shown is what would be sent.
 */
import type { AlarmSnapshot, EndpointSnapshot, ModelLifeCycle, ScalableTargetSnapshot, ScalingPolicySnapshot } from './types';
import { ARCHIVE_CLASS_RESTORE } from './ladder';
import type { ArchiveClass } from './settings';

/** One AWS call as the dry run prints it and the recorder captures it. */
export interface AwsCall {
  service: 'sagemaker' | 'application-autoscaling' | 'cloudwatch' | 's3';
  operation: string;
  region: string;
  input: Record<string, unknown>;
  /** Reads run for real in a dry run; only mutating calls are withheld. */
  mutating: boolean;
}

/** Application Auto Scaling resource id and dimension of an endpoint variant (Application Auto Scaling User Guide, SageMaker). */
export const variantResourceId = (endpointName: string, variantName: string): string => `endpoint/${endpointName}/variant/${variantName}`;
export const VARIANT_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';
/** …and of an inference component (copies). */
export const componentResourceId = (componentName: string): string => `inference-component/${componentName}`;
export const COMPONENT_DIMENSION = 'sagemaker:inference-component:DesiredCopyCount';

export const deleteEndpointInput = (endpointName: string) => ({ EndpointName: endpointName });

/** Tag keys beginning with `aws:` are reserved for AWS and cannot be set (Tagging AWS resources, "Tag naming limits"). */
const settable = (tags: Record<string, string>) =>
  Object.entries(tags)
    .filter(([k]) => !k.toLowerCase().startsWith('aws:'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([Key, Value]) => ({ Key, Value }));

/** CreateEndpoint from the snapshot: same name, the kept endpoint config, the same tags. */
export const createEndpointInput = (s: EndpointSnapshot) => ({
  EndpointName: s.endpoint.EndpointName,
  EndpointConfigName: s.endpoint.EndpointConfigName,
  Tags: settable(s.tags),
});

export const deregisterScalableTargetInput = (t: ScalableTargetSnapshot) => ({ ServiceNamespace: t.ServiceNamespace, ResourceId: t.ResourceId, ScalableDimension: t.ScalableDimension });

export const registerScalableTargetInput = (t: ScalableTargetSnapshot) => ({
  ServiceNamespace: t.ServiceNamespace,
  ResourceId: t.ResourceId,
  ScalableDimension: t.ScalableDimension,
  MinCapacity: t.MinCapacity,
  MaxCapacity: t.MaxCapacity,
  ...(t.SuspendedState ? { SuspendedState: t.SuspendedState } : {}),
});

export const putScalingPolicyInput = (p: ScalingPolicySnapshot) => ({
  PolicyName: p.PolicyName,
  ServiceNamespace: p.ServiceNamespace,
  ResourceId: p.ResourceId,
  ScalableDimension: p.ScalableDimension,
  PolicyType: p.PolicyType,
  ...(p.TargetTrackingScalingPolicyConfiguration ? { TargetTrackingScalingPolicyConfiguration: p.TargetTrackingScalingPolicyConfiguration } : {}),
  ...(p.StepScalingPolicyConfiguration ? { StepScalingPolicyConfiguration: p.StepScalingPolicyConfiguration } : {}),
});

/**
 * Alarms to put back after the policies: the ones a step-scaling policy uses. Target-tracking alarms are created and
 * deleted by Application Auto Scaling with their policy (Application Auto Scaling User Guide, "Target tracking
 * scaling policies": do not edit or delete them), so they are never put back by hand.
 */
export function alarmsToRestore(policies: readonly ScalingPolicySnapshot[], alarms: readonly AlarmSnapshot[]): AlarmSnapshot[] {
  const managed = new Set(policies.filter((p) => p.PolicyType === 'TargetTrackingScaling').flatMap((p) => p.Alarms.map((a) => a.AlarmName)));
  return alarms.filter((a) => !managed.has(a.AlarmName));
}

/**
 * PutMetricAlarm for a restored alarm. A re-created policy gets a new ARN (it embeds a fresh id), so actions that
 * named the old policy ARN are pointed at the new one (`policyArnMap`: old → new).
 */
export function putMetricAlarmInput(a: AlarmSnapshot, policyArnMap: ReadonlyMap<string, string>): AlarmSnapshot {
  const remap = (xs: string[] | undefined) => xs?.map((x) => policyArnMap.get(x) ?? x);
  const out: AlarmSnapshot = { ...a };
  if (a.AlarmActions) out.AlarmActions = remap(a.AlarmActions);
  if (a.OKActions) out.OKActions = remap(a.OKActions);
  if (a.InsufficientDataActions) out.InsufficientDataActions = remap(a.InsufficientDataActions);
  return out;
}

/**
 * Scale an inference component to zero copies, as documented in "Scale an endpoint to zero instances" (SageMaker
 * Developer Guide, 2024): the scalable target with MinCapacity 0, and a step-scaling policy that adds one copy when
 * the `NoCapacityInvocationFailures` alarm fires (a request arrived while no copy was up).
 */
export function scaleToZeroInputs(componentName: string, region: string, current: ScalableTargetSnapshot | undefined, maxCopies: number) {
  const resourceId = componentResourceId(componentName);
  const policyName = `carbonpilot-wake-${componentName}`.slice(0, 256);
  return {
    register: {
      ServiceNamespace: 'sagemaker',
      ResourceId: resourceId,
      ScalableDimension: COMPONENT_DIMENSION,
      MinCapacity: 0,
      MaxCapacity: Math.max(1, current?.MaxCapacity ?? maxCopies),
    },
    policy: {
      PolicyName: policyName,
      ServiceNamespace: 'sagemaker',
      ResourceId: resourceId,
      ScalableDimension: COMPONENT_DIMENSION,
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: {
        AdjustmentType: 'ChangeInCapacity',
        MetricAggregationType: 'Maximum',
        Cooldown: 60,
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
      },
    },
    /** AlarmActions is filled with the policy ARN PutScalingPolicy returns. */
    alarm: (policyArn: string): AlarmSnapshot => ({
      AlarmName: `carbonpilot-wake-${componentName}`.slice(0, 255),
      AlarmDescription: `CarbonPilot: add a copy of ${componentName} when a request finds none (scale from zero, ${region})`,
      ActionsEnabled: true,
      AlarmActions: [policyArn],
      MetricName: 'NoCapacityInvocationFailures',
      Namespace: 'AWS/SageMaker',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'InferenceComponentName', Value: componentName }],
      Period: 30,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'missing',
    }),
  };
}

/** The registry stage CarbonPilot sets: `Archived` (ModelApprovalStatus is left alone: never Rejected). */
export const ARCHIVED_LIFECYCLE: Omit<ModelLifeCycle, 'StageDescription'> = { Stage: 'Archived', StageStatus: 'Archived' };

export const archivePackageInput = (modelPackageArn: string, why: string) => ({
  ModelPackageArn: modelPackageArn,
  ModelLifeCycle: { ...ARCHIVED_LIFECYCLE, StageDescription: why.slice(0, 1024) },
});

/**
 * Undo of an archive: the previous ModelLifeCycle. A package that had none gets Stage/StageStatus "Restored" — the
 * API offers no way to clear the field, and inventing a business stage (Development, Production) would be worse.
 */
export const restorePackageInput = (modelPackageArn: string, previous: ModelLifeCycle | undefined, why: string) => ({
  ModelPackageArn: modelPackageArn,
  ModelLifeCycle: previous ?? { Stage: 'Restored', StageStatus: 'Restored', StageDescription: why.slice(0, 1024) },
});

/** The object tag an S3 lifecycle rule filters on (see the README for the rule). */
export const ARCHIVE_TAG = 'carbonpilot:archive';
/** S3 allows at most 10 tags per object (S3 User Guide, "Categorizing your storage using tags"). */
export const MAX_OBJECT_TAGS = 10;

/** PutObjectTagging replaces the whole tag set: the previous tags plus the archive tag; undefined when 10 are already used. */
export function archiveTaggingInput(bucket: string, key: string, previous: Record<string, string>, archiveClass: ArchiveClass) {
  const tags = { ...previous, [ARCHIVE_TAG]: ARCHIVE_CLASS_RESTORE[archiveClass].storageClass };
  if (Object.keys(tags).length > MAX_OBJECT_TAGS) return undefined;
  return { Bucket: bucket, Key: key, Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } };
}

export const restoreTaggingInput = (bucket: string, key: string, previous: Record<string, string>) => ({
  Bucket: bucket,
  Key: key,
  Tagging: { TagSet: Object.entries(previous).map(([Key, Value]) => ({ Key, Value })) },
});

/** `s3://bucket/key` → bucket and key; undefined for anything else (a prefix ending in / is not one object). */
export function parseS3Url(url: string): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(url.trim());
  if (!m || m[2].endsWith('/')) return undefined;
  return { bucket: m[1], key: m[2] };
}
