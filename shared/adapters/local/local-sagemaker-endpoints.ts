/**
 * DEMO: a durable local stand-in for the SageMaker endpoint API (and the Application Auto Scaling, CloudWatch alarm,
 * Model Registry and S3 tagging calls the lifecycle makes), so `lifecycle park` / `unpark` really delete and recreate
 * demo endpoints under `npm start` and the CLI. Its state lives in the local store (single-item conditional writes,
 * like every other stand-in) under `LOCALSM#…` partitions; what it has not touched comes from the demo fleet's
 * resource records. The demo inventory applies its endpoint history (`overlay`): a deleted endpoint has zero
 * instances until recreated, so the footprint pipeline sees its energy stop and resume.
 *
 * | item                  | pk                 | sk                          |
 * |-----------------------|--------------------|-----------------------------|
 * | endpoint state        | LOCALSM#ENDPOINTS  | <region>#<name>             |
 * | scalable target       | LOCALSM#AAS        | <region>#<resourceId>       |
 * | scaling policy        | LOCALSM#POLICIES   | <region>#<resourceId>#<name>|
 * | alarm                 | LOCALSM#ALARMS     | <region>#<name>             |
 * | model package         | LOCALSM#PACKAGES   | <region>#<arn>              |
 * | object tags           | LOCALSM#S3TAGS     | <bucket>/<key>              |
 */
import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionFailure, queryAll } from '../aws/dynamodb-helpers';
import type { Clock, FootprintStore } from '../../ports';
import type { LifecycleCloud, ModelDescription } from '../../ports/lifecycle-ports';
import type { AlarmSnapshot, EndpointConfigDescription, EndpointDescription, InferenceComponentInfo, ModelLifeCycle, ModelPackageInfo, ScalableTargetSnapshot, ScalingPolicySnapshot } from '../../domain/lifecycle/types';
import { countAt } from '../../domain/lifecycle/cold-detection';
import { variantResourceId, VARIANT_DIMENSION } from '../../domain/lifecycle/aws-calls';
import type { ResourceRef } from '../../domain/types';
import { DEMO_SHADOW_TESTS } from './demo-fleet';

export const LOCAL_ACCOUNT = '000000000000';

/** One deletion of an endpoint and, once recreated, when. */
export interface EndpointEpisode {
  deletedAtSec: number;
  createdAtSec?: number;
}

interface EndpointItem {
  region: string;
  name: string;
  exists: boolean;
  configName: string;
  tags: Record<string, string>;
  episodes: EndpointEpisode[];
  version: number;
}

interface TargetItem extends ScalableTargetSnapshot {
  registered: boolean;
}

const arnOf = (region: string, name: string) => `arn:aws:sagemaker:${region}:${LOCAL_ACCOUNT}:endpoint/${name.toLowerCase()}`;
const modelNameOf = (endpoint: string) => `${endpoint}-model`;
const configNameOf = (endpoint: string) => `${endpoint}-config`;
export const demoModelBucket = (region: string) => `carbonpilot-demo-models-${region}`;
export const demoPackageArn = (region: string, group: string, version: number) => `arn:aws:sagemaker:${region}:${LOCAL_ACCOUNT}:model-package/${group}/${version}`;

/** A ValidationException like SageMaker's (so the use case sees the same error names locally). */
const validation = (message: string) => Object.assign(new Error(message), { name: 'ValidationException' });

export class LocalSageMakerEndpoints implements LifecycleCloud {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    private readonly footprint: FootprintStore,
    private readonly clock: Clock,
  ) {
    this.doc = documentClient(client);
  }

  // ---- storage --------------------------------------------------------------------------------------------------
  private async item<T>(pk: string, sk: string): Promise<T | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }));
    return out.Item?.value as T | undefined;
  }
  private async put(pk: string, sk: string, value: unknown, condition?: { expr: string; values?: Record<string, unknown> }): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk, sk, type: 'local-sagemaker', demo: true, version: (value as { version?: number }).version ?? 1, value },
          ...(condition ? { ConditionExpression: condition.expr, ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}) } : {}),
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
  private async all<T>(pk: string): Promise<{ sk: string; value: T }[]> {
    const items = await queryAll(this.doc, { TableName: this.tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': pk }, ConsistentRead: true });
    return items.map((i) => ({ sk: String(i.sk), value: i.value as T }));
  }

  /** Put a default only where nothing is stored yet (the demo seed: never overwrites what the lifecycle changed). */
  async seedDefault(pk: string, sk: string, value: unknown): Promise<void> {
    await this.put(pk, sk, value, { expr: 'attribute_not_exists(pk)' });
  }

  private async variants(region: string, name: string): Promise<ResourceRef[]> {
    return (await this.footprint.listResourcesByKeyPrefix(`endpoint#${region}#${name}/`)).filter((r) => r.kind === 'endpoint');
  }

  /** The endpoint's state: stored, else the demo fleet's record (exists, as the inventory registered it). */
  private async endpointItem(region: string, name: string): Promise<EndpointItem | undefined> {
    const stored = await this.item<EndpointItem>('LOCALSM#ENDPOINTS', `${region}#${name}`);
    if (stored) return stored;
    const vs = await this.variants(region, name);
    if (!vs.length) return undefined;
    return { region, name, exists: vs.some((v) => v.endSec === undefined), configName: configNameOf(name), tags: vs[0].tags, episodes: [], version: 0 };
  }

  private async saveEndpoint(prev: EndpointItem, next: Omit<EndpointItem, 'version'>): Promise<void> {
    const value = { ...next, version: prev.version + 1 };
    const ok = await this.put('LOCALSM#ENDPOINTS', `${next.region}#${next.name}`, value, prev.version === 0 ? { expr: 'attribute_not_exists(pk)' } : { expr: 'version = :v', values: { ':v': prev.version } });
    if (!ok) throw Object.assign(new Error(`endpoint ${next.name} changed concurrently`), { name: 'ThrottlingException' }); // retried by the caller
  }

  /** Every stored endpoint history (for the demo inventory's overlay). */
  async endpointHistories(): Promise<Map<string, EndpointEpisode[]>> {
    return new Map((await this.all<EndpointItem>('LOCALSM#ENDPOINTS')).map((i) => [`${i.value.region}#${i.value.name}`, i.value.episodes]));
  }

  /**
   * What the inventory sees of the demo fleet after the lifecycle acted: a deleted endpoint's variants drop to zero
   * instances at the deletion and come back (with the count the fleet had then) when recreated.
   */
  async overlay(refs: ResourceRef[], _nowSec: number): Promise<ResourceRef[]> {
    const histories = await this.endpointHistories();
    if (!histories.size) return refs;
    return refs.map((r) => {
      if (r.kind !== 'endpoint') return r;
      const episodes = histories.get(`${r.region}#${r.id.split('/')[0]}`);
      if (!episodes?.length) return r;
      let counts = [...r.counts];
      for (const e of episodes) {
        const back = e.createdAtSec;
        const restored = back !== undefined ? countAt(r, back) : undefined;
        counts = counts.filter((c) => c.atSec < e.deletedAtSec || (back !== undefined && c.atSec >= back));
        counts.push({ atSec: e.deletedAtSec, instanceCount: 0 });
        if (back !== undefined && restored !== undefined && !counts.some((c) => c.atSec === back)) counts.push({ atSec: back, instanceCount: restored });
      }
      counts.sort((a, b) => a.atSec - b.atSec);
      const last = episodes[episodes.length - 1];
      return { ...r, counts, status: last.createdAtSec === undefined ? 'Deleted (parked)' : r.status };
    });
  }

  // ---- reads ----------------------------------------------------------------------------------------------------
  async describeEndpoint(region: string, name: string): Promise<EndpointDescription | undefined> {
    const it = await this.endpointItem(region, name);
    if (!it || !it.exists) return undefined;
    const vs = await this.variants(region, name);
    const now = this.clock.nowSec();
    const created = it.episodes.length ? it.episodes[it.episodes.length - 1].createdAtSec : undefined;
    return {
      EndpointName: name,
      EndpointArn: arnOf(region, name),
      EndpointConfigName: it.configName,
      EndpointStatus: 'InService',
      // A recreated endpoint starts from its config's initial count (auto scaling takes over from there).
      ProductionVariants: vs.map((v) => ({ VariantName: v.id.split('/')[1], CurrentInstanceCount: created !== undefined ? (v.counts[0]?.instanceCount ?? 1) : countAt(v, now), DesiredInstanceCount: countAt(v, now) || (v.counts[0]?.instanceCount ?? 1) })),
      CreationTimeSec: created ?? Math.min(...vs.map((v) => v.startSec)),
    };
  }

  async describeEndpointConfig(region: string, configName: string): Promise<EndpointConfigDescription | undefined> {
    const name = configName.replace(/-config$/, '');
    const vs = await this.variants(region, name);
    if (!vs.length || configName !== configNameOf(name)) return undefined;
    return {
      EndpointConfigName: configName,
      ProductionVariants: vs.map((v) => ({ VariantName: v.id.split('/')[1], ModelName: modelNameOf(name), InstanceType: v.instanceType, InitialInstanceCount: v.counts[0]?.instanceCount ?? 1 })),
    };
  }

  async describeModel(region: string, modelName: string): Promise<ModelDescription | undefined> {
    const endpoint = modelName.replace(/-model$/, '');
    if (!(await this.variants(region, endpoint)).length) return undefined;
    const packages = (await this.all<ModelPackageInfo & { servedBy?: string }>('LOCALSM#PACKAGES')).map((p) => p.value).filter((p) => p.servedBy === endpoint && p.arn.includes(`:${region}:`));
    return { ModelName: modelName, modelPackageNames: packages.map((p) => p.arn), modelDataUrls: [`s3://${demoModelBucket(region)}/${endpoint}/model.tar.gz`] };
  }

  async listTags(region: string, arn: string): Promise<Record<string, string>> {
    const m = /endpoint\/(.+)$/.exec(arn);
    if (m) {
      const vs = (await this.footprint.listAllResources()).filter((r) => r.kind === 'endpoint' && r.region === region && r.id.split('/')[0].toLowerCase() === m[1]);
      return vs[0]?.tags ?? {};
    }
    const p = await this.item<ModelPackageInfo>('LOCALSM#PACKAGES', `${region}#${arn}`);
    return p?.tags ?? {};
  }

  async runningShadowTests(region: string): Promise<{ experimentName: string; endpointName: string }[]> {
    const out: { experimentName: string; endpointName: string }[] = [];
    for (const s of DEMO_SHADOW_TESTS.filter((x) => x.region === region)) if (await this.describeEndpoint(region, s.endpointName)) out.push({ experimentName: s.experimentName, endpointName: s.endpointName });
    return out;
  }

  /** The demo fleet has no inference components (their scale-to-zero is exercised against AWS's API shapes in tests). */
  async listInferenceComponents(): Promise<InferenceComponentInfo[]> {
    return [];
  }

  async listModelPackages(region: string): Promise<ModelPackageInfo[]> {
    return (await this.all<ModelPackageInfo>('LOCALSM#PACKAGES')).filter((p) => p.sk.startsWith(`${region}#`)).map((p) => ({ ...p.value, modelDataUrls: [] }));
  }

  async describeModelPackage(region: string, arn: string): Promise<ModelPackageInfo | undefined> {
    return this.item<ModelPackageInfo>('LOCALSM#PACKAGES', `${region}#${arn}`);
  }

  async describeScalableTargets(region: string, resourceIds: string[]): Promise<ScalableTargetSnapshot[]> {
    const out: ScalableTargetSnapshot[] = [];
    for (const id of resourceIds) {
      const t = await this.item<TargetItem>('LOCALSM#AAS', `${region}#${id}`);
      if (t?.registered) {
        const { registered: _r, ...snap } = t;
        out.push(snap);
      }
    }
    return out;
  }

  async describeScalingPolicies(region: string, resourceId: string): Promise<ScalingPolicySnapshot[]> {
    const t = await this.item<TargetItem>('LOCALSM#AAS', `${region}#${resourceId}`);
    if (!t?.registered) return []; // deregistering a target deletes its policies (Application Auto Scaling)
    return (await this.all<ScalingPolicySnapshot & { deleted?: boolean }>('LOCALSM#POLICIES')).filter((p) => p.sk.startsWith(`${region}#${resourceId}#`) && !p.value.deleted).map((p) => p.value);
  }

  async describeAlarms(region: string, names: string[]): Promise<AlarmSnapshot[]> {
    const out: AlarmSnapshot[] = [];
    for (const n of names) {
      const a = await this.item<AlarmSnapshot>('LOCALSM#ALARMS', `${region}#${n}`);
      if (a) out.push(a);
    }
    return out;
  }

  async getObjectTagging(_region: string, input: { Bucket: string; Key: string }): Promise<Record<string, string>> {
    return (await this.item<{ tags: Record<string, string> }>('LOCALSM#S3TAGS', `${input.Bucket}/${input.Key}`))?.tags ?? {};
  }

  // ---- writes ---------------------------------------------------------------------------------------------------
  async deleteEndpoint(region: string, input: { EndpointName: string }): Promise<'deleted' | 'not-found'> {
    const it = await this.endpointItem(region, input.EndpointName);
    if (!it || !it.exists) return 'not-found';
    await this.saveEndpoint(it, { ...it, exists: false, episodes: [...it.episodes, { deletedAtSec: this.clock.nowSec() }] });
    // Deleting an endpoint deregisters its variants' scalable targets (SageMaker Developer Guide, "Delete endpoints configured for auto scaling").
    for (const v of await this.variants(region, input.EndpointName)) {
      const id = variantResourceId(input.EndpointName, v.id.split('/')[1]);
      const t = await this.item<TargetItem>('LOCALSM#AAS', `${region}#${id}`);
      if (t?.registered) await this.put('LOCALSM#AAS', `${region}#${id}`, { ...t, registered: false });
    }
    return 'deleted';
  }

  async createEndpoint(region: string, input: { EndpointName: string; EndpointConfigName: string; Tags: { Key: string; Value: string }[] }): Promise<'created' | 'exists'> {
    const it = await this.endpointItem(region, input.EndpointName);
    if (!it) throw validation(`Could not find endpoint configuration "${input.EndpointConfigName}".`);
    if (it.exists) return 'exists';
    if (input.EndpointConfigName !== it.configName) throw validation(`Could not find endpoint configuration "${input.EndpointConfigName}".`);
    const episodes = [...it.episodes];
    const last = episodes[episodes.length - 1];
    if (last && last.createdAtSec === undefined) episodes[episodes.length - 1] = { ...last, createdAtSec: Math.max(this.clock.nowSec(), last.deletedAtSec) };
    // Local endpoints are InService at once (AWS takes minutes: the use case waits for InService either way).
    await this.saveEndpoint(it, { ...it, exists: true, tags: Object.fromEntries(input.Tags.map((t) => [t.Key, t.Value])), episodes });
    return 'created';
  }

  async deregisterScalableTarget(region: string, input: { ResourceId: string }): Promise<'deregistered' | 'not-found'> {
    const t = await this.item<TargetItem>('LOCALSM#AAS', `${region}#${input.ResourceId}`);
    if (!t?.registered) return 'not-found';
    await this.put('LOCALSM#AAS', `${region}#${input.ResourceId}`, { ...t, registered: false });
    for (const p of (await this.all<ScalingPolicySnapshot>('LOCALSM#POLICIES')).filter((x) => x.sk.startsWith(`${region}#${input.ResourceId}#`))) {
      await this.put('LOCALSM#POLICIES', p.sk, { ...p.value, deleted: true });
    }
    return 'deregistered';
  }

  async registerScalableTarget(region: string, input: Record<string, unknown> & { ResourceId: string }): Promise<void> {
    const t: TargetItem = {
      ServiceNamespace: String(input.ServiceNamespace ?? 'sagemaker'),
      ResourceId: input.ResourceId,
      ScalableDimension: String(input.ScalableDimension ?? VARIANT_DIMENSION),
      MinCapacity: Number(input.MinCapacity),
      MaxCapacity: Number(input.MaxCapacity),
      registered: true,
    };
    await this.put('LOCALSM#AAS', `${region}#${input.ResourceId}`, t);
  }

  async putScalingPolicy(region: string, input: Record<string, unknown> & { PolicyName: string }): Promise<{ PolicyARN: string }> {
    const resourceId = String(input.ResourceId);
    // A new policy gets a new id in its ARN, as Application Auto Scaling does.
    const id = createHash('sha256').update(`${region}|${resourceId}|${input.PolicyName}|${this.clock.nowSec()}`).digest('hex').slice(0, 32);
    const PolicyARN = `arn:aws:autoscaling:${region}:${LOCAL_ACCOUNT}:scalingPolicy:${id}:resource/sagemaker/${resourceId}:policyName/${input.PolicyName}`;
    const policy: ScalingPolicySnapshot = {
      PolicyName: input.PolicyName,
      PolicyARN,
      ServiceNamespace: String(input.ServiceNamespace ?? 'sagemaker'),
      ResourceId: resourceId,
      ScalableDimension: String(input.ScalableDimension),
      PolicyType: String(input.PolicyType),
      ...(input.TargetTrackingScalingPolicyConfiguration ? { TargetTrackingScalingPolicyConfiguration: input.TargetTrackingScalingPolicyConfiguration as Record<string, unknown> } : {}),
      ...(input.StepScalingPolicyConfiguration ? { StepScalingPolicyConfiguration: input.StepScalingPolicyConfiguration as Record<string, unknown> } : {}),
      Alarms: input.PolicyType === 'TargetTrackingScaling' ? [{ AlarmName: `TargetTracking-${resourceId}-AlarmHigh-${id.slice(0, 8)}` }, { AlarmName: `TargetTracking-${resourceId}-AlarmLow-${id.slice(8, 16)}` }] : [],
    };
    await this.put('LOCALSM#POLICIES', `${region}#${resourceId}#${input.PolicyName}`, policy);
    return { PolicyARN };
  }

  async putMetricAlarm(region: string, input: AlarmSnapshot): Promise<void> {
    await this.put('LOCALSM#ALARMS', `${region}#${input.AlarmName}`, input);
    // A step policy lists the alarms that invoke it (DescribeScalingPolicies Alarms).
    for (const arn of input.AlarmActions ?? []) {
      const p = (await this.all<ScalingPolicySnapshot>('LOCALSM#POLICIES')).find((x) => x.value.PolicyARN === arn);
      if (p && !p.value.Alarms.some((a) => a.AlarmName === input.AlarmName)) await this.put('LOCALSM#POLICIES', p.sk, { ...p.value, Alarms: [...p.value.Alarms, { AlarmName: input.AlarmName }] });
    }
  }

  async updateModelPackage(region: string, input: { ModelPackageArn: string; ModelLifeCycle: ModelLifeCycle }): Promise<void> {
    const p = await this.item<ModelPackageInfo>('LOCALSM#PACKAGES', `${region}#${input.ModelPackageArn}`);
    if (!p) throw validation(`Model package ${input.ModelPackageArn} does not exist.`);
    await this.put('LOCALSM#PACKAGES', `${region}#${input.ModelPackageArn}`, { ...p, lifeCycle: input.ModelLifeCycle });
  }

  async putObjectTagging(_region: string, input: { Bucket: string; Key: string; Tagging: { TagSet: { Key: string; Value: string }[] } }): Promise<void> {
    await this.put('LOCALSM#S3TAGS', `${input.Bucket}/${input.Key}`, { tags: Object.fromEntries(input.Tagging.TagSet.map((t) => [t.Key, t.Value])) });
  }
}
