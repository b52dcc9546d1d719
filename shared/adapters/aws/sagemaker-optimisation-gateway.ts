/**
 * OptimisationGateway on SageMaker, per region (clients built in shared/composition/aws.ts, SDK retries off: our
 * backoff retries throttling and 5xx, and counts every request).
 *
 * Idempotency under the attempt's deterministic names (SageMaker API reference, per operation):
 * - CreateOptimizationJob / CreateCompilationJob / CreateInferenceExperiment answer `ResourceInUse` for a taken name;
 *   CreateModel, CreateEndpointConfig and CreateModelPackageGroup answer `ValidationException` "Cannot create already
 *   existing …": both are 'exists' (a duplicate delivery launched nothing new).
 * - CreateModelPackage takes a ClientToken ("guarantees that the call to this API is idempotent").
 * - UpdateEndpoint is not idempotent by name: it is sent once per call, never retried here; the driver describes the
 *   endpoint first and skips the update when the endpoint already runs (or is deploying) the promoted config.
 * - Stops of something already stopped, completed or gone succeed.
 */
import {
  CreateCompilationJobCommand,
  CreateEndpointConfigCommand,
  CreateInferenceExperimentCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  CreateOptimizationJobCommand,
  DescribeCompilationJobCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeInferenceExperimentCommand,
  DescribeOptimizationJobCommand,
  StopCompilationJobCommand,
  StopInferenceExperimentCommand,
  StopOptimizationJobCommand,
  UpdateEndpointCommand,
  type CreateCompilationJobCommandInput,
  type CreateInferenceExperimentCommandInput,
  type CreateOptimizationJobCommandInput,
  type ProductionVariantInstanceType,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type {
  CompilationJobSpec,
  EndpointDescription,
  InferenceExperimentStatus,
  OptimisationGateway,
  OptimisationJobSpec,
  SageMakerJobStatus,
  VariantSpec,
} from '../../ports/optimisation-ports';
import { defaultBackoff, withBackoff, type BackoffOptions } from './retry';

const info = (e: unknown): { name: string; message: string } => ({ name: (e as { name?: string })?.name ?? '', message: (e as { message?: string })?.message ?? String(e) });

/** A taken name (see header). */
export const isAlreadyExists = (e: unknown): boolean => {
  const { name, message } = info(e);
  return name === 'ResourceInUse' || name === 'ResourceInUseException' || /already exist/i.test(message);
};
/** SageMaker's "not found": `ResourceNotFound`, or `ValidationException` "Could not find …" / "… not found". */
export const isNotFound = (e: unknown): boolean => {
  const { name, message } = info(e);
  return name === 'ResourceNotFound' || name === 'ResourceNotFoundException' || (name === 'ValidationException' && /could not find|not found|does not exist/i.test(message));
};
/** A stop of something no longer running (ValidationException / ConflictException on its status). */
const isAlreadyStopped = (e: unknown): boolean => {
  const { name, message } = info(e);
  return (name === 'ValidationException' || name === 'ConflictException') && /status|state|already|not (in progress|running)|cannot be stopped|completed|stopp|cancel/i.test(message);
};

const toTags = (t: Record<string, string>) => Object.entries(t).slice(0, 50).map(([Key, Value]) => ({ Key, Value }));
const JOB_STATUSES = new Set<SageMakerJobStatus>(['STARTING', 'INPROGRESS', 'COMPLETED', 'FAILED', 'STOPPING', 'STOPPED']);
const jobStatus = (s: string | undefined, op: string): SageMakerJobStatus => {
  if (!JOB_STATUSES.has(s as SageMakerJobStatus)) throw new Error(`${op}: unexpected status "${s}"`);
  return s as SageMakerJobStatus;
};
/** An S3 prefix the container loads as is (optimisation jobs write uncompressed output). */
const s3Prefix = (uri: string) => ({ S3DataSource: { S3Uri: uri, S3DataType: 'S3Prefix' as const, CompressionType: 'None' as const } });

export class SageMakerOptimisationGateway implements OptimisationGateway {
  private readonly backoff: BackoffOptions;

  constructor(
    private readonly clientFor: (region: string) => SageMakerClient,
    backoff: Partial<BackoffOptions> = {},
  ) {
    this.backoff = { ...defaultBackoff(), ...backoff };
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return withBackoff(fn, this.backoff);
  }

  private async create(fn: () => Promise<unknown>): Promise<'created' | 'exists'> {
    try {
      await this.call(fn);
      return 'created';
    } catch (e) {
      if (isAlreadyExists(e)) return 'exists';
      throw e;
    }
  }

  private async describe<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.call(fn);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  private async stop(fn: () => Promise<unknown>): Promise<void> {
    try {
      await this.call(fn);
    } catch (e) {
      if (isNotFound(e) || isAlreadyStopped(e)) return;
      throw e;
    }
  }

  async describeEndpoint(region: string, endpointName: string): Promise<EndpointDescription | undefined> {
    const sm = this.clientFor(region);
    const ep = await this.describe(() => sm.send(new DescribeEndpointCommand({ EndpointName: endpointName })));
    if (!ep) return undefined;
    const cfg = ep.EndpointConfigName ? await this.describe(() => sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: ep.EndpointConfigName }))) : undefined;
    const byName = new Map((cfg?.ProductionVariants ?? []).map((v) => [v.VariantName, v]));
    return {
      endpointName,
      status: ep.EndpointStatus ?? 'Unknown',
      ...(ep.EndpointConfigName ? { endpointConfigName: ep.EndpointConfigName } : {}),
      productionVariants: (ep.ProductionVariants ?? []).filter((v) => v.VariantName).map((v) => {
        const c = byName.get(v.VariantName);
        return {
          variantName: v.VariantName!,
          ...(c?.ModelName ? { modelName: c.ModelName } : {}),
          ...(c?.InstanceType ? { instanceType: c.InstanceType } : {}),
          instanceCount: v.CurrentInstanceCount ?? c?.InitialInstanceCount ?? 1,
        };
      }),
      shadowVariants: (ep.ShadowProductionVariants ?? []).map((v) => v.VariantName).filter((n): n is string => !!n),
      ...(ep.FailureReason ? { failureReason: ep.FailureReason } : {}),
    };
  }

  createOptimizationJob(region: string, name: string, s: OptimisationJobSpec): Promise<'created' | 'exists'> {
    const input: CreateOptimizationJobCommandInput = {
      OptimizationJobName: name,
      RoleArn: s.roleArn,
      ModelSource: { SageMakerModel: { ModelName: s.sourceModelName } },
      DeploymentInstanceType: s.deploymentInstanceType as CreateOptimizationJobCommandInput['DeploymentInstanceType'],
      OptimizationConfigs: s.optimizationConfigs as unknown as CreateOptimizationJobCommandInput['OptimizationConfigs'],
      OutputConfig: { S3OutputLocation: s.outputS3Uri },
      StoppingCondition: { MaxRuntimeInSeconds: s.maxRuntimeSec },
      Tags: toTags(s.tags),
    };
    return this.create(() => this.clientFor(region).send(new CreateOptimizationJobCommand(input)));
  }

  async describeOptimizationJob(region: string, name: string) {
    const j = await this.describe(() => this.clientFor(region).send(new DescribeOptimizationJobCommand({ OptimizationJobName: name })));
    if (!j) return undefined;
    return {
      status: jobStatus(j.OptimizationJobStatus, `DescribeOptimizationJob ${name}`),
      ...(j.FailureReason ? { failureReason: j.FailureReason } : {}),
      ...(j.OptimizationOutput?.RecommendedInferenceImage ? { recommendedImage: j.OptimizationOutput.RecommendedInferenceImage } : {}),
      ...(j.OutputConfig?.S3OutputLocation ? { outputS3Uri: j.OutputConfig.S3OutputLocation } : {}),
    };
  }

  stopOptimizationJob(region: string, name: string): Promise<void> {
    return this.stop(() => this.clientFor(region).send(new StopOptimizationJobCommand({ OptimizationJobName: name })));
  }

  createCompilationJob(region: string, name: string, s: CompilationJobSpec): Promise<'created' | 'exists'> {
    const input: CreateCompilationJobCommandInput = {
      CompilationJobName: name,
      RoleArn: s.roleArn,
      InputConfig: { S3Uri: s.modelS3Uri, DataInputConfig: s.dataInputConfig, Framework: s.framework as never, ...(s.frameworkVersion ? { FrameworkVersion: s.frameworkVersion } : {}) },
      OutputConfig: { S3OutputLocation: s.outputS3Uri, TargetDevice: s.targetDevice as never },
      StoppingCondition: { MaxRuntimeInSeconds: s.maxRuntimeSec },
      Tags: toTags(s.tags),
    };
    return this.create(() => this.clientFor(region).send(new CreateCompilationJobCommand(input)));
  }

  async describeCompilationJob(region: string, name: string) {
    const j = await this.describe(() => this.clientFor(region).send(new DescribeCompilationJobCommand({ CompilationJobName: name })));
    if (!j) return undefined;
    return {
      status: jobStatus(j.CompilationJobStatus, `DescribeCompilationJob ${name}`),
      ...(j.FailureReason ? { failureReason: j.FailureReason } : {}),
      ...(j.InferenceImage ? { image: j.InferenceImage } : {}),
      ...(j.ModelArtifacts?.S3ModelArtifacts ? { modelArtifactsS3Uri: j.ModelArtifacts.S3ModelArtifacts } : {}),
    };
  }

  stopCompilationJob(region: string, name: string): Promise<void> {
    return this.stop(() => this.clientFor(region).send(new StopCompilationJobCommand({ CompilationJobName: name })));
  }

  createModel(region: string, name: string, s: { image: string; modelDataUrl: string; compressed: boolean; env: Record<string, string>; roleArn: string; tags: Record<string, string> }): Promise<'created' | 'exists'> {
    return this.create(() =>
      this.clientFor(region).send(
        new CreateModelCommand({
          ModelName: name,
          ExecutionRoleArn: s.roleArn,
          PrimaryContainer: { Image: s.image, ...(s.compressed ? { ModelDataUrl: s.modelDataUrl } : { ModelDataSource: s3Prefix(s.modelDataUrl) }), ...(Object.keys(s.env).length ? { Environment: s.env } : {}) },
          Tags: toTags(s.tags),
        }),
      ),
    );
  }

  createInferenceExperiment(
    region: string,
    name: string,
    s: { endpointName: string; roleArn: string; production: VariantSpec; shadow: VariantSpec; samplingPct: number; tags: Record<string, string>; description: string; endSec?: number },
  ): Promise<'created' | 'exists'> {
    const variant = (v: VariantSpec) => ({
      ModelName: v.modelName,
      VariantName: v.variantName,
      InfrastructureConfig: { InfrastructureType: 'RealTimeInference' as const, RealTimeInferenceConfig: { InstanceType: v.instanceType as ProductionVariantInstanceType, InstanceCount: v.instanceCount } },
    });
    const input: CreateInferenceExperimentCommandInput = {
      Name: name,
      Type: 'ShadowMode',
      RoleArn: s.roleArn,
      EndpointName: s.endpointName,
      Description: s.description.slice(0, 1024),
      ModelVariants: [variant(s.production), variant(s.shadow)],
      ShadowModeConfig: { SourceModelVariantName: s.production.variantName, ShadowModelVariants: [{ ShadowModelVariantName: s.shadow.variantName, SamplingPercentage: s.samplingPct }] },
      ...(s.endSec !== undefined ? { Schedule: { EndTime: new Date(s.endSec * 1000) } } : {}),
      Tags: toTags(s.tags),
    };
    return this.create(() => this.clientFor(region).send(new CreateInferenceExperimentCommand(input)));
  }

  async describeInferenceExperiment(region: string, name: string): Promise<{ status: InferenceExperimentStatus; statusReason?: string } | undefined> {
    const x = await this.describe(() => this.clientFor(region).send(new DescribeInferenceExperimentCommand({ Name: name })));
    if (!x) return undefined;
    return { status: (x.Status ?? 'Creating') as InferenceExperimentStatus, ...(x.StatusReason ? { statusReason: x.StatusReason } : {}) };
  }

  stopInferenceExperiment(region: string, name: string, o: { productionVariant: string; shadowVariant: string; desiredState: 'Completed' | 'Cancelled'; reason: string }): Promise<void> {
    return this.stop(() =>
      this.clientFor(region).send(
        new StopInferenceExperimentCommand({
          Name: name,
          // Keep serving with the production variant; remove the shadow (a promotion deploys the candidate blue/green).
          ModelVariantActions: { [o.productionVariant]: 'Retain', [o.shadowVariant]: 'Remove' },
          DesiredState: o.desiredState,
          Reason: o.reason.slice(0, 1024),
        }),
      ),
    );
  }

  createEndpointConfig(region: string, name: string, s: { variants: VariantSpec[]; tags: Record<string, string> }): Promise<'created' | 'exists'> {
    return this.create(() =>
      this.clientFor(region).send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: name,
          ProductionVariants: s.variants.map((v) => ({ VariantName: v.variantName, ModelName: v.modelName, InstanceType: v.instanceType as ProductionVariantInstanceType, InitialInstanceCount: v.instanceCount, InitialVariantWeight: 1 })),
          Tags: toTags(s.tags),
        }),
      ),
    );
  }

  async updateEndpoint(region: string, endpointName: string, endpointConfigName: string, o: { alarms: string[]; greenInstanceCount?: number }): Promise<void> {
    // Blue/green with a baking period: a 1-instance canary needs ≥ 2 green instances (a canary is at most half the
    // fleet), else all at once; either way the alarms are watched while traffic shifts and bakes, and roll back
    // (SageMaker developer guide, "Blue/Green deployments", "Auto-Rollback Configuration and Monitoring").
    const canary = (o.greenInstanceCount ?? 1) >= 2;
    await this.clientFor(region).send(
      new UpdateEndpointCommand({
        EndpointName: endpointName,
        EndpointConfigName: endpointConfigName,
        DeploymentConfig: {
          BlueGreenUpdatePolicy: {
            TrafficRoutingConfiguration: canary ? { Type: 'CANARY', CanarySize: { Type: 'INSTANCE_COUNT', Value: 1 }, WaitIntervalInSeconds: 600 } : { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 600 },
            TerminationWaitInSeconds: 600,
            MaximumExecutionTimeoutInSeconds: 3600,
          },
          ...(o.alarms.length ? { AutoRollbackConfiguration: { Alarms: o.alarms.map((AlarmName) => ({ AlarmName })) } } : {}),
        },
      }),
    );
  }

  createModelPackageGroup(region: string, name: string, description: string): Promise<'created' | 'exists'> {
    return this.create(() => this.clientFor(region).send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: name, ModelPackageGroupDescription: description.slice(0, 1024) })));
  }

  async createModelPackage(
    region: string,
    s: { group: string; clientToken: string; image: string; modelDataUrl?: string; instanceTypes: string[]; metadata: Record<string, string>; description: string },
  ): Promise<{ modelPackageArn?: string }> {
    const compressed = s.modelDataUrl !== undefined && /\.tar\.gz$/.test(s.modelDataUrl);
    const out = await this.call(() =>
      this.clientFor(region).send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: s.group,
          ModelPackageDescription: s.description.slice(0, 1000),
          InferenceSpecification: {
            Containers: [{ Image: s.image, ...(s.modelDataUrl ? (compressed ? { ModelDataUrl: s.modelDataUrl } : { ModelDataSource: s3Prefix(s.modelDataUrl) }) : {}) }],
            SupportedRealtimeInferenceInstanceTypes: s.instanceTypes as ProductionVariantInstanceType[],
            SupportedContentTypes: ['application/json'],
            SupportedResponseMIMETypes: ['application/json'],
          },
          ModelApprovalStatus: 'Approved',
          CustomerMetadataProperties: s.metadata,
          ClientToken: s.clientToken,
        }),
      ),
    );
    return out.ModelPackageArn ? { modelPackageArn: out.ModelPackageArn } : {};
  }
}

