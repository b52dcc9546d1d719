/**
 * Contracts of the model optimisation pipeline (`carbonpilot optimise`, `/api/optimisations`, the optimise function):
 * the start request, the quality score, the poll payload of the one-time schedules and the bus event. zod at the edge;
 * types derived with z.infer. Field rules follow the SageMaker API reference (CreateOptimizationJob,
 * CreateCompilationJob, CreateInferenceExperiment, UpdateEndpoint); what depends on the instance type is checked by
 * shared/domain/optimisation/supported-configs.ts after parsing (a 400 naming the field either way).
 */
import { z } from 'zod';

export const OPTIMISE_API_VERSION = 'carbonpilot/v1';

/** SageMaker execution roles the optimiser may pass: name prefix carbonpilot-optimise- (any path). */
export const OPTIMISE_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*carbonpilot-optimise-[\w+=,.@-]+$/;

/** SageMaker resource names (endpoint, variant): `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}` (API reference, CreateEndpoint). */
const sageMakerName = z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'letters, digits and single hyphens, at most 63 characters (SageMaker name rules)');
const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region code like us-east-1');
const s3Uri = z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'expected an s3://bucket/prefix URI');
/** An ECR image URI (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]`). */
const ecrImage = z.string().regex(/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9._\/-]+([:@][\w.:-]+)?$/, 'expected an ECR image URI (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>)');
/** Container environment (OverrideEnvironment, Environment): ≤ 100 entries of ≤ 1024 characters (CreateModel). */
const containerEnv = z
  .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,1023}$/, 'environment names are letters, digits and _'), z.string().max(1024))
  .refine((e) => Object.keys(e).length <= 100, 'at most 100 environment variables');
const mlInstanceType = z.string().regex(/^ml\.[a-z0-9-]+\.[a-z0-9]+$/, 'expected a SageMaker instance type like ml.g5.12xlarge');

/** Neo frameworks (CreateCompilationJob InputConfig.Framework, SDK enum Framework). */
export const NEO_FRAMEWORKS = ['TENSORFLOW', 'KERAS', 'MXNET', 'ONNX', 'PYTORCH', 'XGBOOST', 'TFLITE', 'DARKNET', 'SKLEARN'] as const;

/**
 * One optimisation technique. The first four run as a SageMaker inference optimization job (CreateOptimizationJob,
 * OptimizationConfigs: ModelQuantizationConfig with OPTION_QUANTIZE, ModelCompilationConfig, ModelShardingConfig,
 * ModelSpeculativeDecodingConfig); `neo-compilation` is a Neo compilation job for classic models
 * (CreateCompilationJob); `byo` is a model artefact the user optimised themselves ("bring your own optimised model").
 */
export const OptimisationConfig = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('quantization'),
      /** OPTION_QUANTIZE of the LMI container (AWS "Inference optimization": INT4-AWQ, INT8-SmoothQuant, FP8). */
      format: z.enum(['awq', 'fp8', 'smoothquant']),
      image: ecrImage.optional(),
      env: containerEnv.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('compilation'), image: ecrImage.optional(), env: containerEnv.optional() }).strict(),
  z.object({ kind: z.literal('sharding'), image: ecrImage.optional(), env: containerEnv.optional() }).strict(),
  z
    .object({
      kind: z.literal('speculative-decoding'),
      /** ModelSpeculativeDecodingTechnique (SDK enum: EAGLE). */
      technique: z.enum(['EAGLE']).default('EAGLE'),
      trainingDataS3Uri: s3Uri.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('neo-compilation'),
      modelS3Uri: s3Uri,
      framework: z.enum(NEO_FRAMEWORKS),
      frameworkVersion: z.string().min(1).max(10).optional(),
      /** Input shapes, e.g. {"input0":[1,3,224,224]} (CreateCompilationJob InputConfig.DataInputConfig). */
      dataInputConfig: z.string().min(1).max(1024),
      /** Neo TargetDevice; default = the one matching the deployment instance family (ml.g4dn.* → ml_g4dn). */
      targetDevice: z.string().regex(/^[a-z0-9_]+$/, 'expected a Neo TargetDevice like ml_g4dn').optional(),
    })
    .strict(),
  z.object({ kind: z.literal('byo'), image: ecrImage, modelDataUrl: s3Uri, env: containerEnv.optional() }).strict(),
]);
export type OptimisationConfig = z.infer<typeof OptimisationConfig>;
export type OptimisationKind = OptimisationConfig['kind'];

export const OptimiseStartRequest = z
  .object({
    apiVersion: z.literal(OPTIMISE_API_VERSION),
    /** Idempotency: the same token (or, without one, the same request) is the same attempt. */
    clientToken: z.string().min(1).max(64).optional(),
    endpointName: sageMakerName,
    region: awsRegion,
    /** The production variant to optimise; default: the endpoint's only production variant. */
    variantName: sageMakerName.optional(),
    config: OptimisationConfig,
    /** Where the candidate runs (default: the baseline variant's instance type and count). */
    candidate: z.object({ instanceType: mlInstanceType.optional(), instanceCount: z.number().int().min(1).max(20).optional() }).strict().default({}),
    roleArn: z.string().regex(OPTIMISE_ROLE_ARN, 'expected an IAM role ARN whose name starts with carbonpilot-optimise- (the only roles the optimiser may pass to SageMaker)'),
    /** Where the optimisation job writes the optimised model. */
    outputS3Uri: s3Uri,
    measurement: z
      .object({
        /** The candidate must serve the same traffic for at least this many complete hours (paired with the baseline's). */
        minHours: z.number().int().min(1).max(336).default(24),
        /** … and at least this many successful candidate invocations. */
        minInvocations: z.number().int().min(1).default(1000),
        /** The window grows hour by hour until the minimum is met; give up (rejected: inconclusive) at this many hours. */
        maxHours: z.number().int().min(1).max(720).default(168),
        /** Share of production requests copied to the shadow variant (ShadowModelVariantConfig.SamplingPercentage). */
        samplingPct: z.number().int().min(1).max(100).default(100),
      })
      .strict()
      .default({ minHours: 24, minInvocations: 1000, maxHours: 168, samplingPct: 100 })
      .refine((m) => m.maxHours >= m.minHours, { message: 'maxHours must be at least minHours', path: ['maxHours'] }),
    decision: z
      .object({
        /** Promote only when energy per inference falls by at least this much, %. */
        marginPct: z.number().min(0).max(90).default(10),
        /** Largest relative quality loss accepted, %. */
        qualityTolerancePct: z.number().min(0).max(100).default(1),
      })
      .strict()
      .default({ marginPct: 10, qualityTolerancePct: 1 }),
    slo: z
      .object({
        /** p95 ModelLatency ceiling, ms; without it the candidate's p95 may exceed the baseline's by `maxP95IncreasePct`. */
        p95LatencyMs: z.number().positive().optional(),
        maxP95IncreasePct: z.number().min(0).max(1000).default(20),
        /** (Invocation4XXErrors + Invocation5XXErrors) ÷ Invocations ceiling, %. */
        maxErrorRatePct: z.number().min(0).max(100).default(1),
      })
      .strict()
      .default({ maxP95IncreasePct: 20, maxErrorRatePct: 1 }),
    /** User-provided quality scores (an evaluation you ran); the candidate score can also come later (POST …/quality). */
    quality: z
      .object({
        metric: z.string().min(1).max(64),
        higherIsBetter: z.boolean().default(true),
        baseline: z.number().finite().refine((x) => x !== 0, 'a relative tolerance needs a non-zero baseline score'),
        candidate: z.number().finite().optional(),
      })
      .strict()
      .optional(),
    /** auto: promote as soon as the rule passes; manual: wait for `optimise promote`. */
    promotion: z.enum(['auto', 'manual']).default('auto'),
    /** CloudWatch alarms that roll the blue/green promotion back (UpdateEndpoint AutoRollbackConfiguration). */
    rollbackAlarmNames: z.array(z.string().min(1).max(255)).max(10).default([]),
    ownerTags: z.record(z.string().min(1).max(128), z.string().max(256)).optional(),
    demo: z.boolean().optional(),
  })
  .strict();
export type OptimiseStartRequest = z.infer<typeof OptimiseStartRequest>;
export type OptimiseStartRequestInput = z.input<typeof OptimiseStartRequest>;

/** POST /api/optimisations/{id}/quality: the candidate's score (and the baseline's when not given at start). */
export const QualityScore = z
  .object({ metric: z.string().min(1).max(64).optional(), baseline: z.number().finite().refine((x) => x !== 0, 'a relative tolerance needs a non-zero baseline score').optional(), candidate: z.number().finite(), higherIsBetter: z.boolean().optional() })
  .strict();
export type QualityScore = z.infer<typeof QualityScore>;

/** Attempt ids are 16 lowercase hex digits (shared/domain/optimisation/names.ts). */
export const ATTEMPT_ID = /^[a-f0-9]{16}$/;

/** The payload of one EventBridge Scheduler one-time schedule of the optimise function (a poll). */
export const OptimisePollPayload = z.object({ kind: z.literal('carbonpilot.optimise'), attemptId: z.string().regex(ATTEMPT_ID, 'expected a 16-hex-digit attempt id') });
export type OptimisePollPayload = z.infer<typeof OptimisePollPayload>;

/** Bus event: an attempt was started, or asked to abort / promote / take a quality score. */
export const OPTIMISATION_CHANGED = 'Optimisation Attempt Changed';
export const OptimisationChanged = z.object({ attemptId: z.string().regex(ATTEMPT_ID, 'expected a 16-hex-digit attempt id') });
