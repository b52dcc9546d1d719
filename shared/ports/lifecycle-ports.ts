/**
 * Ports of the model lifecycle: the durable store (action records, snapshots, ledger, evaluations) and the cloud
 * (SageMaker, Application Auto Scaling, CloudWatch, S3 — in AWS; the local endpoint stand-in under `npm start`).
 * Mutating methods take the exact API input (shared/domain/lifecycle/aws-calls.ts), so a dry run can print it.
 */
import type { EpochSec, Window } from '../domain/time';
import type { HostSeries } from '../domain/types';
import type {
  ActionRecord,
  ActionSnapshot,
  AlarmSnapshot,
  EndpointConfigDescription,
  EndpointDescription,
  InferenceComponentInfo,
  LedgerEntry,
  ModelLifeCycle,
  ModelPackageInfo,
  ScalableTargetSnapshot,
  ScalingPolicySnapshot,
} from '../domain/lifecycle/types';
import type { EvaluationCounts } from '../domain/lifecycle/lifecycle-kpis';

/** One open action at most per subject: the head says which, and counts episodes (for deterministic action ids). */
export interface SubjectHead {
  subjectKey: string;
  openActionId?: string;
  episodes: number;
  version: number;
}

/** What one daily evaluation found (stored per UTC day; the KPI reads the newest). */
export interface EvaluationSummary extends EvaluationCounts {
  day: string;
  subjects: number;
  proposed: string[];
  executed: string[];
  errors: string[];
}

export interface LifecycleStore {
  getAction(actionId: string): Promise<ActionRecord | undefined>;
  /** Compare-and-set on `version`: `expectedVersion` 0 = must be absent. False when another writer got there first. */
  putAction(r: ActionRecord, expectedVersion: number): Promise<boolean>;
  /** Every action record (open first when `openOnly`). */
  listActions(o?: { openOnly?: boolean }): Promise<ActionRecord[]>;
  getHead(subjectKey: string): Promise<SubjectHead | undefined>;
  /** Compare-and-set on `version` (0 = absent). */
  putHead(h: SubjectHead, expectedVersion: number): Promise<boolean>;
  getSnapshot(actionId: string): Promise<ActionSnapshot | undefined>;
  /** Written once: a second write of the same action's snapshot keeps the first. */
  putSnapshot(actionId: string, s: ActionSnapshot): Promise<'written' | 'exists'>;
  /** Written once per action; the end is set once. */
  putLedgerEntry(e: LedgerEntry): Promise<'written' | 'exists'>;
  endLedgerEntry(actionId: string, effectiveToSec: EpochSec): Promise<void>;
  listLedger(): Promise<LedgerEntry[]>;
  getEvaluation(day: string): Promise<EvaluationSummary | undefined>;
  /** Store one day's evaluation: its summary and one item per subject view (replaced as a whole per day). */
  putEvaluation(s: EvaluationSummary, resources: readonly { subjectKey: string }[]): Promise<void>;
  /** The subject views of one day's evaluation. */
  evaluationResources(day: string): Promise<unknown[]>;
  /** Newest evaluation at or before `atSec`. */
  latestEvaluation(atSec: EpochSec): Promise<EvaluationSummary | undefined>;
  /** When CarbonPilot first looked at a region's registry (written on first call, kept after). */
  observedSince(region: string, nowSec: EpochSec): Promise<EpochSec>;
  /** Last time a live endpoint served the package (kept at its maximum). */
  packageLastLive(region: string, arn: string): Promise<EpochSec | undefined>;
  markPackageLive(region: string, arn: string, atSec: EpochSec, demo?: boolean): Promise<void>;
  /** Raw minute samples the collector kept (35-day TTL), per interval start. */
  rawSamples(resourceKey: string, window: Window): Promise<{ intervalStartSec: EpochSec; hosts: HostSeries[] }[]>;
}

export interface ModelDescription {
  ModelName: string;
  /** Model package the model was created from (PrimaryContainer / Containers[].ModelPackageName). */
  modelPackageNames: string[];
  /** s3:// artefacts of its containers. */
  modelDataUrls: string[];
}

/** The cloud a lifecycle step talks to. Regional: every call names the region it is for. */
export interface LifecycleCloud {
  /** Undefined when the endpoint does not exist. */
  describeEndpoint(region: string, endpointName: string): Promise<EndpointDescription | undefined>;
  describeEndpointConfig(region: string, configName: string): Promise<EndpointConfigDescription | undefined>;
  describeModel(region: string, modelName: string): Promise<ModelDescription | undefined>;
  listTags(region: string, arn: string): Promise<Record<string, string>>;
  /** Endpoints under a running shadow test (ListInferenceExperiments StatusEquals=Running, then DescribeInferenceExperiment). */
  runningShadowTests(region: string): Promise<{ experimentName: string; endpointName: string }[]>;
  /** In-service inference components with their daily Invocations sums over `window`. */
  listInferenceComponents(region: string, window: Window): Promise<InferenceComponentInfo[]>;
  listModelPackages(region: string): Promise<ModelPackageInfo[]>;
  describeModelPackage(region: string, arn: string): Promise<ModelPackageInfo | undefined>;
  describeScalableTargets(region: string, resourceIds: string[]): Promise<ScalableTargetSnapshot[]>;
  describeScalingPolicies(region: string, resourceId: string): Promise<ScalingPolicySnapshot[]>;
  describeAlarms(region: string, alarmNames: string[]): Promise<AlarmSnapshot[]>;
  getObjectTagging(region: string, input: { Bucket: string; Key: string }): Promise<Record<string, string>>;

  deleteEndpoint(region: string, input: { EndpointName: string }): Promise<'deleted' | 'not-found'>;
  createEndpoint(region: string, input: { EndpointName: string; EndpointConfigName: string; Tags: { Key: string; Value: string }[] }): Promise<'created' | 'exists'>;
  deregisterScalableTarget(region: string, input: { ServiceNamespace: string; ResourceId: string; ScalableDimension: string }): Promise<'deregistered' | 'not-found'>;
  registerScalableTarget(region: string, input: Record<string, unknown> & { ResourceId: string }): Promise<void>;
  putScalingPolicy(region: string, input: Record<string, unknown> & { PolicyName: string }): Promise<{ PolicyARN: string }>;
  putMetricAlarm(region: string, input: AlarmSnapshot): Promise<void>;
  updateModelPackage(region: string, input: { ModelPackageArn: string; ModelLifeCycle: ModelLifeCycle }): Promise<void>;
  putObjectTagging(region: string, input: { Bucket: string; Key: string; Tagging: { TagSet: { Key: string; Value: string }[] } }): Promise<void>;
}
