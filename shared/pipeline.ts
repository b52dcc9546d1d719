/**
 * The single pipeline definition: every function, its triggers, environment and permissions.
 * lib/ turns it into CDK resources; the local runner (shared/adapters/local/local-runtime.ts) turns it
 * into in-process subscriptions on the local bus. A test compares both (test/infra/pipeline-parity.test.ts).
 */

import type { CollectionCadenceHours, EnvName } from './contracts/config';
import { BUDGET_THRESHOLD_CROSSED } from './contracts/budgets';
import { OPTIMISATION_CHANGED } from './contracts/optimisation';

/** Subset of the EventBridge pattern language we use (see shared/domain/event-pattern.ts). */
export type EventPattern = Record<string, unknown>;

export type BusName = 'default' | 'carbonpilot';

export type Trigger =
  | { type: 'schedule'; id: string; expression: string }
  | { type: 'event'; id: string; bus: BusName; pattern: EventPattern }
  /** Serves the HTTP API (API Gateway HTTP API with IAM auth in AWS; the local server of `npm start`). */
  | { type: 'http-api'; id: string }
  /** Invoked by EventBridge Scheduler one-time schedules the function itself creates (the local runtime fires them on its clock). */
  | { type: 'one-time-schedules'; id: string };

/** What a function may touch. The CDK side maps each to the narrowest grant; reasons feed cdk-nag acknowledgements. */
export type Permission =
  | { kind: 'table'; actions: TableAction[] }
  | { kind: 'put-events' }
  | {
      kind: 'service';
      actions: string[];
      reason: string;
      /** Resource ARN patterns; omitted = `*` (APIs without resource-level permissions). `${partition}`, `${region}`, `${account}` are substituted. */
      resources?: string[];
      conditions?: Record<string, Record<string, string | string[]>>;
    }
  /** iam:PassRole for the EventBridge Scheduler role (SCHEDULER_ROLE_ARN is set by the infrastructure). */
  | { kind: 'pass-scheduler-role' }
  /** lambda:InvokeFunction on the job dispatcher (DISPATCH_FUNCTION_ARN is set by the infrastructure). */
  | { kind: 'invoke-dispatcher' }
  | { kind: 'secret'; secretEnv: EnvName }
  /** s3:PutObject under the footprint export prefix of the export bucket (EXPORT_BUCKET is set by the infrastructure). */
  | { kind: 'export-bucket' };

export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:Query'
  | 'dynamodb:BatchWriteItem'
  | 'dynamodb:BatchGetItem';

export interface PipelineFunction {
  id: string;
  /** Path of the handler module relative to the repository root; it exports `handler` (AWS) and `makeHandler(deps)` (local). */
  handlerPath: string;
  description: string;
  memoryMb: number;
  timeoutSec: number;
  triggers: Trigger[];
  /** Static environment; TABLE_NAME and EVENT_BUS_NAME are added by the infrastructure. */
  environment: Partial<Record<EnvName, string>>;
  /**
   * Variables the function cannot run without in AWS (besides TABLE_NAME, EVENT_BUS_NAME and AWS_REGION, which every
   * function requires): the AWS composition root fails at start-up naming any that is missing, and a test checks the
   * synthesized template sets each of them.
   */
  requiredEnv: EnvName[];
  permissions: Permission[];
}

export const EVENT_SOURCE = 'carbonpilot';
export const DetailTypes = {
  collectionRequested: 'Footprint Collection Requested',
  intervalsWritten: 'Footprint Intervals Written',
  intensityActualsUpdated: 'Intensity Actuals Updated',
  rollupsUpdated: 'Rollups Updated',
} as const;

/** Every function needs these in AWS (the infrastructure sets the first two; Lambda sets AWS_REGION). */
export const COMMON_REQUIRED_ENV: readonly EnvName[] = ['TABLE_NAME', 'EVENT_BUS_NAME', 'AWS_REGION'];

const READ: TableAction[] = ['dynamodb:GetItem', 'dynamodb:Query'];
const SCHEDULING: Permission[] = [
  {
    kind: 'service',
    actions: ['sagemaker:CreateTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags'],
    resources: ['arn:${partition}:sagemaker:*:${account}:training-job/*'],
    reason: 'Training jobs are created in any allowed region under names chosen at run time (deterministic per plan segment)',
  },
  {
    kind: 'service',
    actions: ['sagemaker:DescribeTrainingJob'],
    resources: ['arn:${partition}:sagemaker:*:${account}:training-job/*'],
    reason: 'The hourly reconcile describes the training jobs CarbonPilot launched, in whichever allowed region they run',
  },
  {
    kind: 'service',
    actions: ['s3:GetBucketLocation'],
    resources: ['arn:${partition}:s3:::*'],
    reason: 'Before launching in a region, the dispatcher checks that every bucket a job request names is in that region; the buckets come from each request',
  },
  {
    kind: 'service',
    actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
    resources: ['arn:${partition}:scheduler:${region}:${account}:schedule/default/cp-*'],
    reason: 'One-time schedules are named per job segment at run time (prefix cp-)',
  },
  {
    kind: 'service',
    actions: ['iam:PassRole'],
    resources: ['arn:${partition}:iam::${account}:role/*carbonpilot-training-*'],
    conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    reason: 'The SageMaker execution role comes from each job request; only roles named carbonpilot-training-* may be passed, and only to SageMaker',
  },
  { kind: 'pass-scheduler-role' },
];
const WRITE: TableAction[] = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];

/** What the API needs to validate an optimisation request against the live endpoint (start route). */
const OPTIMISE_API_PERMISSIONS: Permission[] = [
  {
    kind: 'service',
    actions: ['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig'],
    resources: ['arn:${partition}:sagemaker:*:${account}:endpoint/*', 'arn:${partition}:sagemaker:*:${account}:endpoint-config/*'],
    reason: 'An optimisation request names any endpoint in any region; the API checks its variant, model and instance type before storing the attempt',
  },
  { kind: 'put-events' },
];

/** The optimise function: SageMaker optimisation, shadow test, blue/green promotion, Model Registry (names cp-opt-*). */
const OPTIMISE_PERMISSIONS: Permission[] = [
  {
    kind: 'service',
    actions: ['sagemaker:CreateOptimizationJob', 'sagemaker:DescribeOptimizationJob', 'sagemaker:StopOptimizationJob', 'sagemaker:AddTags'],
    resources: ['arn:${partition}:sagemaker:*:${account}:optimization-job/cp-opt-*'],
    reason: 'Optimisation jobs are created in the endpoint\'s region under deterministic per-attempt names (prefix cp-opt-)',
  },
  {
    kind: 'service',
    actions: ['sagemaker:CreateCompilationJob', 'sagemaker:DescribeCompilationJob', 'sagemaker:StopCompilationJob', 'sagemaker:AddTags'],
    resources: ['arn:${partition}:sagemaker:*:${account}:compilation-job/cp-opt-*'],
    reason: 'Neo compilation jobs of classic models, under deterministic per-attempt names (prefix cp-opt-)',
  },
  {
    kind: 'service',
    actions: ['sagemaker:CreateModel', 'sagemaker:AddTags'],
    resources: ['arn:${partition}:sagemaker:*:${account}:model/cp-opt-*'],
    reason: 'The candidate model of an attempt is named cp-opt-<attempt>-model',
  },
  {
    kind: 'service',
    actions: ['sagemaker:DescribeModel'],
    resources: ['arn:${partition}:sagemaker:*:${account}:model/*'],
    reason: 'CreateOptimizationJob and CreateInferenceExperiment read the endpoint\'s current (source) model, whatever its name',
  },
  {
    kind: 'service',
    actions: ['sagemaker:CreateInferenceExperiment', 'sagemaker:DescribeInferenceExperiment', 'sagemaker:StopInferenceExperiment', 'sagemaker:AddTags'],
    resources: ['arn:${partition}:sagemaker:*:${account}:inference-experiment/cp-opt-*'],
    reason: 'Shadow tests are named cp-opt-<attempt>-shadow',
  },
  {
    kind: 'service',
    actions: ['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig', 'sagemaker:UpdateEndpoint', 'sagemaker:CreateEndpointConfig', 'sagemaker:AddTags'],
    resources: ['arn:${partition}:sagemaker:*:${account}:endpoint/*', 'arn:${partition}:sagemaker:*:${account}:endpoint-config/*'],
    reason: 'The endpoint under test is chosen per request (any name, any region); the shadow test and the blue/green promotion update it, the promotion config is cp-opt-<attempt>-promote',
  },
  {
    kind: 'service',
    actions: ['sagemaker:CreateModelPackageGroup', 'sagemaker:CreateModelPackage', 'sagemaker:AddTags'],
    resources: ['arn:${partition}:sagemaker:*:${account}:model-package-group/carbonpilot-*', 'arn:${partition}:sagemaker:*:${account}:model-package/carbonpilot-*/*'],
    reason: 'Promoted candidates are registered in one Model Registry group per endpoint, named carbonpilot-<endpoint>',
  },
  {
    kind: 'service',
    actions: ['cloudwatch:GetMetricData'],
    reason: 'cloudwatch:GetMetricData does not support resource-level permissions (Resource must be *): ModelLatency and error counts of the variants under test',
  },
  {
    kind: 'service',
    actions: ['scheduler:CreateSchedule'],
    resources: ['arn:${partition}:scheduler:${region}:${account}:schedule/default/cp-opt-*'],
    reason: 'One-time poll schedules are named per attempt and version at run time (prefix cp-opt-)',
  },
  {
    kind: 'service',
    actions: ['iam:PassRole'],
    resources: ['arn:${partition}:iam::${account}:role/*carbonpilot-optimise-*'],
    conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    reason: 'The SageMaker execution role comes from each optimisation request; only roles named carbonpilot-optimise-* may be passed, and only to SageMaker',
  },
  { kind: 'pass-scheduler-role' },
];

export const PIPELINE: readonly PipelineFunction[] = [
  {
    id: 'inventory-sync',
    handlerPath: 'lambdas/inventory-sync/handler.ts',
    description: 'Registers SageMaker training jobs, endpoints and EC2 GPU instances; periodic sweep reconciles anything missed',
    memoryMb: 512,
    timeoutSec: 300,
    triggers: [
      { type: 'schedule', id: 'InventorySweep', expression: 'rate(15 minutes)' },
      {
        type: 'event',
        id: 'TrainingJobStateChange',
        bus: 'default',
        pattern: { source: ['aws.sagemaker'], 'detail-type': ['SageMaker Training Job State Change'] },
      },
      {
        type: 'event',
        id: 'EndpointStateChange',
        bus: 'default',
        pattern: { source: ['aws.sagemaker'], 'detail-type': ['SageMaker Endpoint State Change'] },
      },
      {
        type: 'event',
        id: 'Ec2StateChange',
        bus: 'default',
        pattern: {
          source: ['aws.ec2'],
          'detail-type': ['EC2 Instance State-change Notification'],
          detail: { state: ['running', 'stopping', 'stopped', 'shutting-down', 'terminated'] },
        },
      },
    ],
    environment: {},
    requiredEnv: [],
    permissions: [
      { kind: 'table', actions: [...READ, ...WRITE] },
      {
        kind: 'service',
        actions: [
          'sagemaker:ListTrainingJobs',
          'sagemaker:DescribeTrainingJob',
          'sagemaker:ListEndpoints',
          'sagemaker:DescribeEndpoint',
          'sagemaker:DescribeEndpointConfig',
          'sagemaker:ListTags',
          'ec2:DescribeInstances',
        ],
        reason: 'SageMaker List*/Describe* and ec2:DescribeInstances do not support resource-level permissions',
      },
    ],
  },
  {
    id: 'collect-dispatch',
    handlerPath: 'lambdas/collect-dispatch/handler.ts',
    description: 'Hourly: fans out collection requests for every tracked resource in batches',
    memoryMb: 256,
    timeoutSec: 120,
    triggers: [{ type: 'schedule', id: 'HourlyCollection', expression: 'rate(1 hour)' }],
    environment: { COLLECT_BATCH_SIZE: '100' },
    requiredEnv: [],
    permissions: [{ kind: 'table', actions: READ }, { kind: 'put-events' }],
  },
  {
    id: 'collect-footprint',
    handlerPath: 'lambdas/collect-footprint/handler.ts',
    description: 'Fetches telemetry since each resource cursor, computes energy and carbon, writes intervals exactly once',
    memoryMb: 1024,
    timeoutSec: 600,
    triggers: [
      {
        type: 'event',
        id: 'CollectionRequested',
        bus: 'carbonpilot',
        pattern: { source: [EVENT_SOURCE], 'detail-type': [DetailTypes.collectionRequested] },
      },
    ],
    environment: { METRIC_PERIOD_SEC: '60', GETMETRICDATA_CALL_BUDGET: '200' },
    requiredEnv: [],
    permissions: [
      { kind: 'table', actions: [...READ, ...WRITE] },
      { kind: 'put-events' },
      {
        kind: 'service',
        actions: ['cloudwatch:GetMetricData'],
        reason: 'cloudwatch:GetMetricData does not support resource-level permissions (Resource must be *)',
      },
    ],
  },
  {
    id: 'rollup',
    handlerPath: 'lambdas/rollup/handler.ts',
    description: 'Recomputes per-day roll-ups (job, endpoint, instance, team, region) from intervals',
    memoryMb: 512,
    timeoutSec: 300,
    triggers: [
      { type: 'schedule', id: 'DailyRollupBackstop', expression: 'rate(1 day)' },
      {
        type: 'event',
        id: 'IntervalsWritten',
        bus: 'carbonpilot',
        pattern: { source: [EVENT_SOURCE], 'detail-type': [DetailTypes.intervalsWritten] },
      },
    ],
    environment: {},
    requiredEnv: [],
    // put-events: `Rollups Updated` (budget evaluation runs on fresh roll-ups).
    permissions: [{ kind: 'table', actions: [...READ, ...WRITE] }, { kind: 'put-events' }],
  },
  {
    id: 'export-footprints',
    handlerPath: 'lambdas/export-footprints/handler.ts',
    description: 'Writes the days new intervals touched to S3 as partitioned JSON lines (Athena/Glue table, QuickSight)',
    memoryMb: 512,
    timeoutSec: 300,
    triggers: [
      { type: 'schedule', id: 'DailyExportBackstop', expression: 'rate(1 day)' },
      {
        type: 'event',
        id: 'ExportIntervalsWritten',
        bus: 'carbonpilot',
        pattern: { source: [EVENT_SOURCE], 'detail-type': [DetailTypes.intervalsWritten] },
      },
    ],
    environment: {},
    requiredEnv: ['EXPORT_BUCKET'],
    permissions: [{ kind: 'table', actions: READ }, { kind: 'export-bucket' }],
  },
  {
    id: 'job-dispatch',
    handlerPath: 'lambdas/job-dispatch/handler.ts',
    description: 'Starts and stops carbon-aware training segments at their schedules, follows job state (events from every region, hourly reconcile), re-plans hourly',
    memoryMb: 512,
    timeoutSec: 120,
    triggers: [
      { type: 'one-time-schedules', id: 'SegmentSchedules' },
      { type: 'schedule', id: 'HourlyReplan', expression: 'rate(1 hour)' },
      {
        type: 'event',
        id: 'TrainingJobStateChangeDispatch',
        bus: 'default',
        pattern: { source: ['aws.sagemaker'], 'detail-type': ['SageMaker Training Job State Change'] },
      },
    ],
    environment: {},
    requiredEnv: ['SCHEDULER_ROLE_ARN'],
    permissions: [{ kind: 'table', actions: [...READ, 'dynamodb:PutItem'] }, ...SCHEDULING],
  },
  {
    id: 'api',
    handlerPath: 'lambdas/api/handler.ts',
    description: 'Jobs HTTP API: plan, submit, inspect and cancel carbon-aware training jobs',
    memoryMb: 512,
    timeoutSec: 30,
    triggers: [{ type: 'http-api', id: 'JobsApi' }],
    environment: {},
    requiredEnv: ['SCHEDULER_ROLE_ARN', 'DISPATCH_FUNCTION_ARN'],
    permissions: [{ kind: 'table', actions: [...READ, 'dynamodb:PutItem'] }, ...SCHEDULING, { kind: 'invoke-dispatcher' }, ...OPTIMISE_API_PERMISSIONS],
  },
  {
    id: 'intensity-ingest',
    handlerPath: 'lambdas/intensity-ingest/handler.ts',
    description: 'Hourly: live intensity actuals, provider forecasts and our own 96 h forecast, stored with provenance',
    memoryMb: 512,
    timeoutSec: 300,
    triggers: [{ type: 'schedule', id: 'HourlyIntensityIngest', expression: 'rate(1 hour)' }],
    environment: {},
    requiredEnv: ['PROVIDER_SECRET_ID'],
    permissions: [{ kind: 'table', actions: [...READ, ...WRITE] }, { kind: 'put-events' }, { kind: 'secret', secretEnv: 'PROVIDER_SECRET_ID' }],
  },
  {
    id: 'footprint-recompute',
    handlerPath: 'lambdas/footprint-recompute/handler.ts',
    description: 'Recomputes the carbon of intervals whose hours got late actuals (replace, never add)',
    memoryMb: 512,
    timeoutSec: 300,
    triggers: [
      // Backstop for intervals written after the actuals event was handled (see makeRecomputeSweep).
      { type: 'schedule', id: 'RecomputeSweep', expression: 'rate(6 hours)' },
      {
        type: 'event',
        id: 'IntensityActualsUpdated',
        bus: 'carbonpilot',
        pattern: { source: [EVENT_SOURCE], 'detail-type': [DetailTypes.intensityActualsUpdated] },
      },
    ],
    environment: {},
    requiredEnv: [],
    permissions: [{ kind: 'table', actions: [...READ, ...WRITE] }, { kind: 'put-events' }],
  },
  {
    id: 'budget-evaluate',
    handlerPath: 'lambdas/budget-evaluate/handler.ts',
    description: 'Evaluates carbon budgets after roll-ups and hourly; publishes Carbon Budget Threshold Crossed once per notification state change',
    memoryMb: 512,
    timeoutSec: 300,
    triggers: [
      // Hourly catches up whatever a lost or late roll-up event missed (and the day in progress, read from intervals).
      { type: 'schedule', id: 'HourlyBudgetEvaluation', expression: 'rate(1 hour)' },
      {
        type: 'event',
        id: 'RollupsUpdated',
        bus: 'carbonpilot',
        pattern: { source: [EVENT_SOURCE], 'detail-type': [DetailTypes.rollupsUpdated] },
      },
    ],
    environment: {},
    requiredEnv: [],
    // GetItem: cursors, definitions; Query: definitions, roll-ups, intervals, jobs, notification states; PutItem: notification states (compare-and-set).
    permissions: [{ kind: 'table', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'] }, { kind: 'put-events' }],
  },
  {
    id: 'lifecycle',
    handlerPath: 'lambdas/lifecycle/handler.ts',
    description: 'Model lifecycle: hourly advances park/unpark/archive actions; once a day finds cold endpoints and components and frozen packages, records proposals and books avoided emissions',
    memoryMb: 512,
    timeoutSec: 600,
    triggers: [
      // Hourly: due actions advance within the hour; the evaluation itself runs once per UTC day (the first run of it).
      { type: 'schedule', id: 'LifecycleHourly', expression: 'rate(1 hour)' },
      // An unparked endpoint reaching InService continues its restore (re-register auto scaling) at once.
      { type: 'event', id: 'LifecycleEndpointStateChange', bus: 'default', pattern: { source: ['aws.sagemaker'], 'detail-type': ['SageMaker Endpoint State Change'] } },
    ],
    environment: {},
    requiredEnv: [],
    permissions: [
      { kind: 'table', actions: [...READ, ...WRITE] },
      { kind: 'put-events' },
      {
        kind: 'service',
        actions: ['sagemaker:ListInferenceExperiments', 'sagemaker:ListInferenceComponents', 'sagemaker:ListModelPackageGroups', 'sagemaker:ListModelPackages', 'application-autoscaling:DescribeScalableTargets', 'application-autoscaling:DescribeScalingPolicies', 'cloudwatch:GetMetricData'],
        reason: 'SageMaker List*, Application Auto Scaling Describe* and cloudwatch:GetMetricData do not support resource-level permissions',
      },
      {
        kind: 'service',
        actions: ['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel', 'sagemaker:DescribeInferenceExperiment', 'sagemaker:DescribeInferenceComponent', 'sagemaker:DescribeModelPackage', 'sagemaker:ListTags'],
        resources: [
          'arn:${partition}:sagemaker:*:${account}:endpoint/*',
          'arn:${partition}:sagemaker:*:${account}:endpoint-config/*',
          'arn:${partition}:sagemaker:*:${account}:model/*',
          'arn:${partition}:sagemaker:*:${account}:inference-experiment/*',
          'arn:${partition}:sagemaker:*:${account}:inference-component/*',
          'arn:${partition}:sagemaker:*:${account}:model-package/*',
        ],
        reason: 'The lifecycle reads the endpoints, configs, models, shadow tests, components and packages of the monitored regions, named at run time',
      },
      {
        kind: 'service',
        actions: ['sagemaker:DeleteEndpoint'],
        resources: ['arn:${partition}:sagemaker:*:${account}:endpoint/*'],
        conditions: { StringEquals: { 'aws:ResourceTag/carbonpilot:managed': 'true' } },
        reason: 'Parks only endpoints tagged carbonpilot:managed=true; their names are chosen by their owners',
      },
      {
        kind: 'service',
        actions: ['sagemaker:CreateEndpoint', 'sagemaker:AddTags'],
        resources: ['arn:${partition}:sagemaker:*:${account}:endpoint/*'],
        conditions: { StringEquals: { 'aws:RequestTag/carbonpilot:managed': 'true' } },
        reason: 'Unpark recreates only endpoints whose snapshot tags carry carbonpilot:managed=true (tag-on-create needs AddTags)',
      },
      {
        kind: 'service',
        actions: ['sagemaker:CreateEndpoint'],
        resources: ['arn:${partition}:sagemaker:*:${account}:endpoint-config/*'],
        reason: 'CreateEndpoint also authorises the kept endpoint config it names (never deleted by CarbonPilot)',
      },
      {
        kind: 'service',
        actions: ['sagemaker:UpdateModelPackage'],
        resources: ['arn:${partition}:sagemaker:*:${account}:model-package/*'],
        conditions: { StringEquals: { 'aws:ResourceTag/carbonpilot:managed': 'true' } },
        reason: 'Archives (ModelLifeCycle) only packages tagged carbonpilot:managed=true',
      },
      {
        kind: 'service',
        actions: ['application-autoscaling:RegisterScalableTarget', 'application-autoscaling:DeregisterScalableTarget', 'application-autoscaling:PutScalingPolicy'],
        resources: ['arn:${partition}:application-autoscaling:*:${account}:scalable-target/*'],
        reason: 'Scalable-target ARNs are opaque ids, not names: park/unpark re-registers the targets of the endpoints it acts on',
      },
      {
        kind: 'service',
        actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:PutMetricAlarm'],
        resources: ['arn:${partition}:cloudwatch:*:${account}:alarm:*'],
        reason: 'Scaling-policy alarms are named by their owners or by Application Auto Scaling: snapshot and restore them',
      },
      {
        kind: 'service',
        actions: ['s3:GetObjectTagging', 's3:PutObjectTagging'],
        resources: ['arn:${partition}:s3:::*/*'],
        reason: 'Model artefacts live in the buckets each model package names; tagging them lets the owner\'s lifecycle rule archive them',
      },
    ],
  },
  {
    id: 'optimise',
    handlerPath: 'lambdas/optimise/handler.ts',
    description: 'Model optimisation: launches SageMaker optimisation, shadow-tests the candidate, measures J/inference, promotes only real savings',
    memoryMb: 512,
    timeoutSec: 120,
    triggers: [
      { type: 'one-time-schedules', id: 'OptimisePolls' },
      // Backstop for a poll schedule lost to a crash between a state write and its schedule (see makeOptimiseDriver).
      { type: 'schedule', id: 'OptimiseSweep', expression: 'rate(1 hour)' },
      {
        type: 'event',
        id: 'OptimisationChanged',
        bus: 'carbonpilot',
        pattern: { source: [EVENT_SOURCE], 'detail-type': [OPTIMISATION_CHANGED] },
      },
    ],
    environment: {},
    requiredEnv: ['SCHEDULER_ROLE_ARN'],
    permissions: [{ kind: 'table', actions: [...READ, 'dynamodb:PutItem'] }, ...OPTIMISE_PERMISSIONS],
  },
];

/**
 * Events delivered to people rather than to functions: in AWS a rule on the bus sends them to an SNS topic (e-mail,
 * AWS Chatbot; lib/budget-alerts-construct.ts), locally the runtime prints them (shared/composition/local.ts).
 */
export interface NotificationSubscription {
  id: string;
  bus: BusName;
  pattern: EventPattern;
  description: string;
}

export const NOTIFICATIONS: readonly NotificationSubscription[] = [
  {
    id: 'BudgetThresholdCrossed',
    bus: 'carbonpilot',
    pattern: { source: [EVENT_SOURCE], 'detail-type': [BUDGET_THRESHOLD_CROSSED] },
    description: 'Carbon budget notifications (ACTUAL / FORECASTED threshold crossed or cleared)',
  },
];

/**
 * AWS service events the pipeline listens to on the default bus (SageMaker training-job and endpoint state
 * changes, EC2 instance state changes). AWS services emit them to the default bus of their own region only, so a
 * forwarder rule in every other monitored or job region sends these patterns to the home region's default bus
 * (lib/forwarder-stack.ts). Derived from the triggers, so a new service trigger is forwarded too.
 */
export const forwardedServicePatterns = (pipeline: readonly PipelineFunction[] = PIPELINE): EventPattern[] => {
  const seen = new Map<string, EventPattern>();
  for (const f of pipeline) {
    for (const t of f.triggers) {
      if (t.type !== 'event' || t.bus !== 'default') continue;
      const sources = (t.pattern.source as unknown[] | undefined) ?? [];
      if (!sources.every((s) => typeof s === 'string' && s.startsWith('aws.') && s !== 'aws.events')) continue;
      const k = JSON.stringify(t.pattern, Object.keys(t.pattern).sort());
      if (!seen.has(k)) seen.set(k, t.pattern);
    }
  }
  return [...seen.values()];
};
/** collect-dispatch's schedule for a collection cadence (PIPELINE holds the default, hourly). */
export const collectionSchedule = (hours: CollectionCadenceHours): string => (hours === 1 ? 'rate(1 hour)' : `rate(${hours} hours)`);

/**
 * The pipeline with collect-dispatch on another cadence (COLLECTION_CADENCES_H): the CDK app and the local runtime
 * both apply it to PIPELINE, so the synthesized rule and the local schedule stay the same. The trigger keeps its id
 * (a renamed id would replace the deployed rule).
 */
export function withCollectionCadence(pipeline: readonly PipelineFunction[], hours: CollectionCadenceHours): readonly PipelineFunction[] {
  return pipeline.map((f) =>
    f.id !== 'collect-dispatch'
      ? f
      : { ...f, triggers: f.triggers.map((t) => (t.type === 'schedule' && t.id === 'HourlyCollection' ? { ...t, expression: collectionSchedule(hours) } : t)) },
  );
}
