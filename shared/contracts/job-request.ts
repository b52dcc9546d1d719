/**
 * The carbon-aware job request (`apiVersion: carbonpilot/v1`): a SageMaker CreateTrainingJob request (or a stored
 * template reference) plus scheduling constraints. zod at the edge; types derived with z.infer.
 * Every CarbonPilot-owned object is strict: an unknown field (a `dedline` typo) is an error naming it, not silently
 * ignored. The embedded SageMaker `trainingJob` is the exception: only the CreateTrainingJob fields we rely on are
 * validated and every other field passes through to SageMaker, which has many optional fields and adds more.
 */
import { z } from 'zod';

/** SageMaker execution roles CarbonPilot may pass: name prefix carbonpilot-training- (any path). */
export const TRAINING_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*carbonpilot-training-[\w+=,.@-]+$/;
import { parseIsoInstant } from '../domain/time';
import { BudgetOverride } from './budgets';

export const JOB_API_VERSION = 'carbonpilot/v1';

/**
 * Largest request body the API (and the CLI's request file) accepts, bytes; a larger one is a 413 before it is parsed.
 * A job request is ~1.5 KB (examples/job-request.json); 256 KiB leaves room for CreateTrainingJob's largest documented
 * maps (100 HyperParameters of ≤ 256-character keys and values ≈ 51 KB; 100 Environment entries; tags) and far
 * less than API Gateway's 10 MB payload quota.
 */
export const MAX_REQUEST_BODY_BYTES = 256 * 1024;
/** The 413 message, the same locally and behind API Gateway. */
export const REQUEST_BODY_TOO_LARGE = `request body over the ${MAX_REQUEST_BODY_BYTES / 1024} KiB limit (${MAX_REQUEST_BODY_BYTES} bytes)`;

const isoInstant = z
  .string()
  .refine((s) => Number.isFinite(parseIsoInstant(s)), 'expected an ISO-8601 instant with a zone, e.g. 2026-11-01T18:00:00Z');

const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region code like us-east-1');
const s3Uri = z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'expected an s3://bucket/prefix URI');

/** The CreateTrainingJob fields CarbonPilot relies on (SageMaker API reference, CreateTrainingJob). */
export const TrainingJobSpec = z
  .object({
    /** Optional prefix; the dispatcher appends `-<jobId8>-s<n>` (SageMaker names: ≤ 63 chars, [a-zA-Z0-9-]). */
    TrainingJobName: z
      .string()
      .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/, 'letters, digits and single hyphens only (SageMaker job-name rules)')
      .max(40, 'prefix at most 40 characters (the dispatcher appends up to 23)')
      .optional(),
    AlgorithmSpecification: z
      .looseObject({
        TrainingImage: z.string().min(1).optional(),
        AlgorithmName: z.string().min(1).optional(),
        TrainingInputMode: z.enum(['Pipe', 'File', 'FastFile']),
      })
      .refine((a) => a.TrainingImage !== undefined || a.AlgorithmName !== undefined, 'TrainingImage or AlgorithmName is required'),
    // The dispatcher may pass only roles named carbonpilot-training-* (IAM policy in shared/pipeline.ts): a request
    // must not be able to run a container under any other role of the account.
    RoleArn: z.string().regex(TRAINING_ROLE_ARN, 'expected an IAM role ARN whose name starts with carbonpilot-training- (the only roles CarbonPilot may pass to SageMaker)'),
    ResourceConfig: z.looseObject({
      InstanceType: z.string().regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, 'expected a SageMaker instance type like ml.p4d.24xlarge'),
      InstanceCount: z.number().int().min(1),
      VolumeSizeInGB: z.number().int().min(1),
    }),
    StoppingCondition: z.looseObject({ MaxRuntimeInSeconds: z.number().int().min(1) }),
    OutputDataConfig: z.looseObject({ S3OutputPath: s3Uri }),
  })
  .loose();
export type TrainingJobSpec = z.infer<typeof TrainingJobSpec>;

/** SageMaker channel names (CreateTrainingJob Channel.ChannelName). */
const channelName = z.string().regex(/^[A-Za-z0-9\.\-_]{1,64}$/, 'a SageMaker channel name ([A-Za-z0-9.-_], ≤ 64)');

/**
 * What must be region-local for a training job to run in a region (SageMaker requires S3 input in the job's region;
 * ECR images, VPC subnets and KMS keys are regional): overrides of the home request for one allowed region.
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html
 */
export const RegionLocations = z
  .object({
    /** AlgorithmSpecification.TrainingImage in this region (an ECR image of this region, or a replicated one). */
    trainingImage: z.string().min(1).optional(),
    /** S3 URI of every input channel (InputDataConfig[].DataSource.S3DataSource.S3Uri), by channel name. */
    inputChannels: z.record(channelName, s3Uri).optional(),
    /** OutputDataConfig.S3OutputPath in this region. */
    outputPath: s3Uri.optional(),
    /** Checkpoint location in this region (interruptible jobs, or CheckpointConfig.S3Uri). */
    checkpointS3Uri: s3Uri.optional(),
    vpcConfig: z.object({ SecurityGroupIds: z.array(z.string().min(1)).min(1).max(5), Subnets: z.array(z.string().min(1)).min(1).max(16) }).strict().optional(),
    /** ResourceConfig.VolumeKmsKeyId in this region. */
    volumeKmsKeyId: z.string().min(1).optional(),
    /** OutputDataConfig.KmsKeyId in this region. */
    outputKmsKeyId: z.string().min(1).optional(),
    /** A different execution role for this region (IAM is global; optional). */
    roleArn: z.string().regex(TRAINING_ROLE_ARN, 'expected an IAM role ARN whose name starts with carbonpilot-training-').optional(),
  })
  .strict();
export type RegionLocations = z.infer<typeof RegionLocations>;

export const AllowedRegion = z
  .object({
    region: awsRegion,
    /**
     * Region-local overrides of the home request (allowedRegions[0] is home: its request is the trainingJob as given).
     * A region other than home is chosen only when its set is complete, unless the request is `regionNeutral`.
     */
    locations: RegionLocations.optional(),
  })
  .strict();

export const Interruptible = z.union([
  z.literal(false),
  z.object({ checkpointS3Uri: s3Uri, restartOverheadSec: z.number().int().min(0).max(6 * 3600) }).strict(),
]);

export const JobRequest = z
  .object({
    apiVersion: z.literal(JOB_API_VERSION),
    /** Idempotency key; without it the job id is a hash of the request. */
    clientToken: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, '1–64 of [A-Za-z0-9_.:-]').optional(),
    /** Label for the duration history (estimateFromHistory reads completed jobs of this family). */
    jobFamily: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional(),
    trainingJob: TrainingJobSpec.optional(),
    template: z.object({ name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/) }).strict().optional(),
    earliestStart: isoInstant.optional(),
    deadline: isoInstant,
    expectedDurationSec: z.number().int().min(60).max(30 * 86400).optional(),
    estimateFromHistory: z.object({ jobFamily: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/) }).strict().optional(),
    /** allowedRegions[0] is the home region (where the trainingJob's own locations are; the run-now reference). */
    allowedRegions: z.array(AllowedRegion).min(1).max(16),
    /** The request runs unchanged in every allowed region (no region-local locations needed). Buckets are still checked. */
    regionNeutral: z.boolean().default(false),
    interruptible: Interruptible.default(false),
    signal: z.enum(['average', 'marginal']).default('average'),
    ownerTags: z.record(z.string().regex(/^[\w.:/=+@-]{1,128}$/), z.string().max(256)).default({}),
    /** Demo jobs (npm start): every output derived from them is labelled demo. */
    demo: z.boolean().optional(),
    /** Run even if the plan would break an enforcing carbon budget; the reason is recorded with the budget (shared/use-cases/gate-job.ts). */
    budgetOverride: BudgetOverride.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if ((r.trainingJob === undefined) === (r.template === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['trainingJob'], message: 'give exactly one of trainingJob or template' });
    }
    if ((r.expectedDurationSec === undefined) === (r.estimateFromHistory === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['expectedDurationSec'], message: 'give exactly one of expectedDurationSec or estimateFromHistory' });
    }
    const start = r.earliestStart !== undefined ? parseIsoInstant(r.earliestStart) : -Infinity;
    if (parseIsoInstant(r.deadline) <= start) ctx.addIssue({ code: 'custom', path: ['deadline'], message: 'deadline must be after earliestStart' });
    const seen = new Set<string>();
    r.allowedRegions.forEach((a, i) => {
      if (seen.has(a.region)) ctx.addIssue({ code: 'custom', path: ['allowedRegions', i, 'region'], message: `duplicate region ${a.region}` });
      seen.add(a.region);
    });
  });
export type JobRequest = z.infer<typeof JobRequest>;
/** What a client sends (defaults not yet applied). */
export type JobRequestInput = z.input<typeof JobRequest>;

/** The payload of one EventBridge Scheduler one-time schedule (dispatch Lambda input). */
export const DispatchPayload = z.object({
  kind: z.literal('carbonpilot.dispatch'),
  jobId: z.string().regex(/^[a-z0-9]{8,64}$/),
  segment: z.number().int().min(0),
  action: z.enum(['start', 'stop']),
  planRevision: z.number().int().min(0),
  /** Capacity retries of this segment (names `…-s<n>a<k>` for k > 0). */
  attempt: z.number().int().min(0).default(0),
});
export type DispatchPayload = z.infer<typeof DispatchPayload>;

/** SageMaker Training Job State Change (EventBridge, source aws.sagemaker): fields we read. */
export const TrainingJobStateChange = z.object({
  TrainingJobName: z.string().min(1),
  TrainingJobStatus: z.enum(['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped']),
  FailureReason: z.string().optional(),
});
export type TrainingJobStateChange = z.infer<typeof TrainingJobStateChange>;
