/**
 * LifecycleCloud on AWS: SageMaker (endpoints, configs, models, tags, inference experiments and components, model
 * packages), Application Auto Scaling, CloudWatch (alarms; GetMetricData for component invocations) and S3 object
 * tagging, one client of each per region (built by shared/composition/aws.ts with SDK retries off). Every call goes
 * through our backoff. "Already gone" / "already there" answers are outcomes, not errors, so each step is idempotent:
 *   - DeleteEndpoint / DescribeEndpoint on a missing endpoint: ValidationException "Could not find endpoint …";
 *   - CreateEndpoint on an existing one: ValidationException "Cannot create already existing endpoint …";
 *   - DeregisterScalableTarget on a missing target: ObjectNotFoundException.
 * (SageMaker and Application Auto Scaling API references, Errors sections.)
 */
import {
  CreateEndpointCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeInferenceComponentCommand,
  DescribeInferenceExperimentCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  ListInferenceComponentsCommand,
  ListInferenceExperimentsCommand,
  ListModelPackageGroupsCommand,
  ListModelPackagesCommand,
  ListTagsCommand,
  UpdateModelPackageCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import {
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  type ApplicationAutoScalingClient,
  type PutScalingPolicyCommandInput,
  type RegisterScalableTargetCommandInput,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeAlarmsCommand, GetMetricDataCommand, PutMetricAlarmCommand, type CloudWatchClient, type PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import { GetObjectTaggingCommand, PutObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import type { LifecycleCloud, ModelDescription } from '../../ports/lifecycle-ports';
import type {
  AlarmSnapshot,
  EndpointConfigDescription,
  EndpointDescription,
  InferenceComponentInfo,
  ModelLifeCycle,
  ModelPackageInfo,
  ScalableTargetSnapshot,
  ScalingPolicySnapshot,
} from '../../domain/lifecycle/types';
import { alignDown, DAY_SEC, type Window } from '../../domain/time';
import { componentResourceId, COMPONENT_DIMENSION } from '../../domain/lifecycle/aws-calls';
import { defaultBackoff, withBackoff, type BackoffOptions } from './retry';

export interface LifecycleRegionClients {
  sagemaker: SageMakerClient;
  autoscaling: ApplicationAutoScalingClient;
  cloudwatch: CloudWatchClient;
  s3: S3Client;
}

const nameOf = (e: unknown) => (e as { name?: string })?.name ?? '';
const msgOf = (e: unknown) => (e as { message?: string })?.message ?? '';
const sec = (d: Date | undefined): number => (d ? Math.floor(new Date(d).getTime() / 1000) : 0);
const isMissingEndpoint = (e: unknown) => nameOf(e) === 'ValidationException' && /could not find endpoint/i.test(msgOf(e));

/** Drop undefined fields (the snapshot is stored and compared as plain JSON). */
const clean = <T extends object>(o: T): T => JSON.parse(JSON.stringify(o)) as T;

export class SageMakerLifecycleCloud implements LifecycleCloud {
  private readonly backoff: BackoffOptions;

  constructor(
    private readonly clientsFor: (region: string) => LifecycleRegionClients,
    backoff: Partial<BackoffOptions> = {},
  ) {
    this.backoff = { ...defaultBackoff(), ...backoff };
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return withBackoff(fn, this.backoff);
  }

  async describeEndpoint(region: string, endpointName: string): Promise<EndpointDescription | undefined> {
    try {
      const e = await this.call(() => this.clientsFor(region).sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName })));
      return clean({
        EndpointName: e.EndpointName ?? endpointName,
        EndpointArn: e.EndpointArn ?? '',
        EndpointConfigName: e.EndpointConfigName ?? '',
        EndpointStatus: e.EndpointStatus ?? 'Unknown',
        ProductionVariants: (e.ProductionVariants ?? []).map((v) => ({ VariantName: v.VariantName ?? '', CurrentInstanceCount: v.CurrentInstanceCount, DesiredInstanceCount: v.DesiredInstanceCount })),
        CreationTimeSec: sec(e.CreationTime),
      });
    } catch (e) {
      if (isMissingEndpoint(e)) return undefined;
      throw e;
    }
  }

  async describeEndpointConfig(region: string, configName: string): Promise<EndpointConfigDescription | undefined> {
    try {
      const c = await this.call(() => this.clientsFor(region).sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName })));
      return clean({
        EndpointConfigName: c.EndpointConfigName ?? configName,
        ProductionVariants: (c.ProductionVariants ?? []).map((v) => ({ VariantName: v.VariantName ?? '', ModelName: v.ModelName, InstanceType: v.InstanceType, InitialInstanceCount: v.InitialInstanceCount })),
      });
    } catch (e) {
      if (nameOf(e) === 'ValidationException' && /could not find/i.test(msgOf(e))) return undefined;
      throw e;
    }
  }

  async describeModel(region: string, modelName: string): Promise<ModelDescription | undefined> {
    try {
      const m = await this.call(() => this.clientsFor(region).sagemaker.send(new DescribeModelCommand({ ModelName: modelName })));
      const containers = [...(m.PrimaryContainer ? [m.PrimaryContainer] : []), ...(m.Containers ?? [])];
      return {
        ModelName: m.ModelName ?? modelName,
        modelPackageNames: containers.map((c) => c.ModelPackageName).filter((x): x is string => !!x),
        modelDataUrls: containers.map((c) => c.ModelDataUrl).filter((x): x is string => !!x),
      };
    } catch (e) {
      if (nameOf(e) === 'ValidationException' && /could not find/i.test(msgOf(e))) return undefined;
      throw e;
    }
  }

  async listTags(region: string, arn: string): Promise<Record<string, string>> {
    const tags: Record<string, string> = {};
    let NextToken: string | undefined;
    do {
      const page = await this.call(() => this.clientsFor(region).sagemaker.send(new ListTagsCommand({ ResourceArn: arn, NextToken, MaxResults: 100 })));
      for (const t of page.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
      NextToken = page.NextToken || undefined;
    } while (NextToken);
    return tags;
  }

  async runningShadowTests(region: string): Promise<{ experimentName: string; endpointName: string }[]> {
    const sm = this.clientsFor(region).sagemaker;
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.call(() => sm.send(new ListInferenceExperimentsCommand({ StatusEquals: 'Running', Type: 'ShadowMode', NextToken, MaxResults: 100 })));
      for (const x of page.InferenceExperiments ?? []) if (x.Name) names.push(x.Name);
      NextToken = page.NextToken || undefined;
    } while (NextToken);
    const out: { experimentName: string; endpointName: string }[] = [];
    // The summary names no endpoint (InferenceExperimentSummary): DescribeInferenceExperiment does.
    for (const name of names) {
      const d = await this.call(() => sm.send(new DescribeInferenceExperimentCommand({ Name: name })));
      if (d.EndpointMetadata?.EndpointName) out.push({ experimentName: name, endpointName: d.EndpointMetadata.EndpointName });
    }
    return out;
  }

  async listInferenceComponents(region: string, window: Window): Promise<InferenceComponentInfo[]> {
    const { sagemaker: sm, cloudwatch: cw } = this.clientsFor(region);
    const out: InferenceComponentInfo[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.call(() => sm.send(new ListInferenceComponentsCommand({ StatusEquals: 'InService', NextToken, MaxResults: 100 })));
      for (const s of page.InferenceComponents ?? []) {
        if (!s.InferenceComponentName || !s.EndpointName) continue;
        const d = await this.call(() => sm.send(new DescribeInferenceComponentCommand({ InferenceComponentName: s.InferenceComponentName })));
        out.push({
          name: s.InferenceComponentName,
          endpointName: s.EndpointName,
          ...(s.VariantName ? { variantName: s.VariantName } : {}),
          status: s.InferenceComponentStatus ?? 'Unknown',
          copyCount: d.RuntimeConfig?.CurrentCopyCount ?? d.RuntimeConfig?.DesiredCopyCount ?? 0,
          tags: s.InferenceComponentArn ? await this.listTags(region, s.InferenceComponentArn) : {},
          createdSec: sec(s.CreationTime),
          dailyInvocations: [],
          observedFromSec: alignDown(window.startSec, DAY_SEC),
        });
      }
      NextToken = page.NextToken || undefined;
    } while (NextToken);
    // Invocations (AWS/SageMaker, dimension InferenceComponentName, Sum per day): up to 500 queries per call.
    for (let i = 0; i < out.length; i += 500) {
      const batch = out.slice(i, i + 500);
      let token: string | undefined;
      do {
        const r = await this.call(() =>
          cw.send(
            new GetMetricDataCommand({
              StartTime: new Date(alignDown(window.startSec, DAY_SEC) * 1000),
              EndTime: new Date(window.endSec * 1000),
              NextToken: token,
              MetricDataQueries: batch.map((ic, k) => ({
                Id: `ic${k}`,
                MetricStat: { Metric: { Namespace: 'AWS/SageMaker', MetricName: 'Invocations', Dimensions: [{ Name: 'InferenceComponentName', Value: ic.name }] }, Period: DAY_SEC, Stat: 'Sum' },
                ReturnData: true,
              })),
            }),
          ),
        );
        for (const res of r.MetricDataResults ?? []) {
          const ic = batch[Number(String(res.Id).slice(2))];
          if (!ic) continue;
          (res.Timestamps ?? []).forEach((t, k) => ic.dailyInvocations.push({ daySec: alignDown(sec(t), DAY_SEC), sum: res.Values?.[k] ?? 0 }));
        }
        token = r.NextToken || undefined;
      } while (token);
    }
    // Minimum copies from the scalable targets, where registered.
    const targets = out.length ? await this.describeScalableTargets(region, out.map((ic) => componentResourceId(ic.name))) : [];
    for (const t of targets) {
      const ic = out.find((x) => componentResourceId(x.name) === t.ResourceId && t.ScalableDimension === COMPONENT_DIMENSION);
      if (ic) ic.minCopies = t.MinCapacity;
    }
    return out;
  }

  private toPackage(p: { ModelPackageArn?: string; ModelPackageGroupName?: string; ModelPackageVersion?: number; CreationTime?: Date; ModelApprovalStatus?: string; ModelLifeCycle?: { Stage?: string; StageStatus?: string; StageDescription?: string } }, tags: Record<string, string>, urls: string[]): ModelPackageInfo {
    return clean({
      arn: p.ModelPackageArn ?? '',
      groupName: p.ModelPackageGroupName,
      version: p.ModelPackageVersion,
      createdSec: sec(p.CreationTime),
      approvalStatus: p.ModelApprovalStatus,
      lifeCycle: p.ModelLifeCycle?.Stage && p.ModelLifeCycle.StageStatus ? ({ Stage: p.ModelLifeCycle.Stage, StageStatus: p.ModelLifeCycle.StageStatus, ...(p.ModelLifeCycle.StageDescription ? { StageDescription: p.ModelLifeCycle.StageDescription } : {}) } as ModelLifeCycle) : undefined,
      modelDataUrls: urls,
      tags,
    });
  }

  async listModelPackages(region: string): Promise<ModelPackageInfo[]> {
    const sm = this.clientsFor(region).sagemaker;
    const groups: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.call(() => sm.send(new ListModelPackageGroupsCommand({ NextToken, MaxResults: 100 })));
      for (const g of page.ModelPackageGroupSummaryList ?? []) if (g.ModelPackageGroupName) groups.push(g.ModelPackageGroupName);
      NextToken = page.NextToken || undefined;
    } while (NextToken);
    const out: ModelPackageInfo[] = [];
    for (const group of groups) {
      let token: string | undefined;
      do {
        const page = await this.call(() => sm.send(new ListModelPackagesCommand({ ModelPackageGroupName: group, ModelPackageType: 'Versioned', NextToken: token, MaxResults: 100 })));
        for (const p of page.ModelPackageSummaryList ?? []) {
          if (!p.ModelPackageArn) continue;
          out.push(this.toPackage(p, await this.listTags(region, p.ModelPackageArn), []));
        }
        token = page.NextToken || undefined;
      } while (token);
    }
    return out;
  }

  async describeModelPackage(region: string, arn: string): Promise<ModelPackageInfo | undefined> {
    try {
      const p = await this.call(() => this.clientsFor(region).sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn })));
      const urls = (p.InferenceSpecification?.Containers ?? []).map((c) => c.ModelDataUrl).filter((x): x is string => !!x);
      return this.toPackage(p, await this.listTags(region, p.ModelPackageArn ?? arn), urls);
    } catch (e) {
      if (nameOf(e) === 'ValidationException' && /(not found|does not exist|could not find)/i.test(msgOf(e))) return undefined;
      throw e;
    }
  }

  async describeScalableTargets(region: string, resourceIds: string[]): Promise<ScalableTargetSnapshot[]> {
    const out: ScalableTargetSnapshot[] = [];
    // ResourceIds: at most 50 per call (Application Auto Scaling API reference, DescribeScalableTargets).
    for (let i = 0; i < resourceIds.length; i += 50) {
      let NextToken: string | undefined;
      do {
        const page = await this.call(() => this.clientsFor(region).autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker', ResourceIds: resourceIds.slice(i, i + 50), NextToken })));
        for (const t of page.ScalableTargets ?? []) {
          out.push(clean({ ServiceNamespace: t.ServiceNamespace ?? 'sagemaker', ResourceId: t.ResourceId ?? '', ScalableDimension: t.ScalableDimension ?? '', MinCapacity: t.MinCapacity ?? 0, MaxCapacity: t.MaxCapacity ?? 0, SuspendedState: t.SuspendedState }));
        }
        NextToken = page.NextToken || undefined;
      } while (NextToken);
    }
    return out;
  }

  async describeScalingPolicies(region: string, resourceId: string): Promise<ScalingPolicySnapshot[]> {
    const out: ScalingPolicySnapshot[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.call(() => this.clientsFor(region).autoscaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'sagemaker', ResourceId: resourceId, NextToken })));
      for (const p of page.ScalingPolicies ?? []) {
        out.push(
          clean({
            PolicyName: p.PolicyName ?? '',
            PolicyARN: p.PolicyARN ?? '',
            ServiceNamespace: p.ServiceNamespace ?? 'sagemaker',
            ResourceId: p.ResourceId ?? resourceId,
            ScalableDimension: p.ScalableDimension ?? '',
            PolicyType: p.PolicyType ?? '',
            TargetTrackingScalingPolicyConfiguration: p.TargetTrackingScalingPolicyConfiguration as Record<string, unknown> | undefined,
            StepScalingPolicyConfiguration: p.StepScalingPolicyConfiguration as Record<string, unknown> | undefined,
            Alarms: (p.Alarms ?? []).map((a) => ({ AlarmName: a.AlarmName ?? '', AlarmARN: a.AlarmARN })),
          }),
        );
      }
      NextToken = page.NextToken || undefined;
    } while (NextToken);
    return out;
  }

  async describeAlarms(region: string, alarmNames: string[]): Promise<AlarmSnapshot[]> {
    const out: AlarmSnapshot[] = [];
    // AlarmNames: at most 100 per call (CloudWatch API reference, DescribeAlarms).
    for (let i = 0; i < alarmNames.length; i += 100) {
      let NextToken: string | undefined;
      do {
        const page = await this.call(() => this.clientsFor(region).cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: alarmNames.slice(i, i + 100), AlarmTypes: ['MetricAlarm'], NextToken })));
        for (const a of page.MetricAlarms ?? []) {
          if (!a.AlarmName || !a.ComparisonOperator || a.EvaluationPeriods === undefined) continue;
          out.push(
            clean({
              AlarmName: a.AlarmName, AlarmDescription: a.AlarmDescription, ActionsEnabled: a.ActionsEnabled,
              AlarmActions: a.AlarmActions, OKActions: a.OKActions, InsufficientDataActions: a.InsufficientDataActions,
              MetricName: a.MetricName, Namespace: a.Namespace, Statistic: a.Statistic, ExtendedStatistic: a.ExtendedStatistic,
              Dimensions: a.Dimensions?.map((d) => ({ Name: d.Name ?? '', Value: d.Value ?? '' })), Period: a.Period,
              EvaluationPeriods: a.EvaluationPeriods, DatapointsToAlarm: a.DatapointsToAlarm, Threshold: a.Threshold,
              ComparisonOperator: a.ComparisonOperator, TreatMissingData: a.TreatMissingData, Unit: a.Unit,
            }),
          );
        }
        NextToken = page.NextToken || undefined;
      } while (NextToken);
    }
    return out;
  }

  async getObjectTagging(region: string, input: { Bucket: string; Key: string }): Promise<Record<string, string>> {
    const r = await this.call(() => this.clientsFor(region).s3.send(new GetObjectTaggingCommand(input)));
    return Object.fromEntries((r.TagSet ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? '']));
  }

  async deleteEndpoint(region: string, input: { EndpointName: string }): Promise<'deleted' | 'not-found'> {
    try {
      await this.call(() => this.clientsFor(region).sagemaker.send(new DeleteEndpointCommand(input)));
      return 'deleted';
    } catch (e) {
      if (isMissingEndpoint(e)) return 'not-found';
      throw e;
    }
  }

  async createEndpoint(region: string, input: { EndpointName: string; EndpointConfigName: string; Tags: { Key: string; Value: string }[] }): Promise<'created' | 'exists'> {
    try {
      await this.call(() => this.clientsFor(region).sagemaker.send(new CreateEndpointCommand(input)));
      return 'created';
    } catch (e) {
      if (nameOf(e) === 'ValidationException' && /already existing|already exists/i.test(msgOf(e))) return 'exists';
      throw e;
    }
  }

  async deregisterScalableTarget(region: string, input: { ServiceNamespace: string; ResourceId: string; ScalableDimension: string }): Promise<'deregistered' | 'not-found'> {
    try {
      await this.call(() => this.clientsFor(region).autoscaling.send(new DeregisterScalableTargetCommand(input as never)));
      return 'deregistered';
    } catch (e) {
      if (nameOf(e) === 'ObjectNotFoundException') return 'not-found';
      throw e;
    }
  }

  async registerScalableTarget(region: string, input: Record<string, unknown> & { ResourceId: string }): Promise<void> {
    await this.call(() => this.clientsFor(region).autoscaling.send(new RegisterScalableTargetCommand(input as unknown as RegisterScalableTargetCommandInput)));
  }

  async putScalingPolicy(region: string, input: Record<string, unknown> & { PolicyName: string }): Promise<{ PolicyARN: string }> {
    const r = await this.call(() => this.clientsFor(region).autoscaling.send(new PutScalingPolicyCommand(input as unknown as PutScalingPolicyCommandInput)));
    if (!r.PolicyARN) throw new Error(`PutScalingPolicy ${input.PolicyName}: no PolicyARN in the response`);
    return { PolicyARN: r.PolicyARN };
  }

  async putMetricAlarm(region: string, input: AlarmSnapshot): Promise<void> {
    await this.call(() => this.clientsFor(region).cloudwatch.send(new PutMetricAlarmCommand(input as unknown as PutMetricAlarmCommandInput)));
  }

  async updateModelPackage(region: string, input: { ModelPackageArn: string; ModelLifeCycle: ModelLifeCycle }): Promise<void> {
    await this.call(() => this.clientsFor(region).sagemaker.send(new UpdateModelPackageCommand(input)));
  }

  async putObjectTagging(region: string, input: { Bucket: string; Key: string; Tagging: { TagSet: { Key: string; Value: string }[] } }): Promise<void> {
    await this.call(() => this.clientsFor(region).s3.send(new PutObjectTaggingCommand(input)));
  }
}
