/**
 * `--dry-run`: the same steps as a real action, against a cloud that performs reads but records every mutating call
 * instead of sending it, and a store whose writes stay in memory. What it prints is the exact input each AWS call
 * would carry (built by shared/domain/lifecycle/aws-calls.ts, as the real adapters send them).
 */
import type { AwsCall } from '../domain/lifecycle/aws-calls';
import type { ActionRecord, ActionSnapshot, AlarmSnapshot, EndpointDescription, LedgerEntry } from '../domain/lifecycle/types';
import type { EvaluationSummary, LifecycleCloud, LifecycleStore, SubjectHead } from '../ports/lifecycle-ports';

/** A cloud that reads through and records writes (with plausible results, so the steps run to the end). */
export class RecordingCloud implements LifecycleCloud {
  readonly calls: AwsCall[] = [];
  private readonly deleted = new Set<string>();
  private readonly created = new Map<string, EndpointDescription>();
  private policySeq = 0;

  constructor(private readonly real: LifecycleCloud) {}

  private read(service: AwsCall['service'], operation: string, region: string, input: Record<string, unknown>) {
    this.calls.push({ service, operation, region, input, mutating: false });
  }
  private write(service: AwsCall['service'], operation: string, region: string, input: object) {
    this.calls.push({ service, operation, region, input: input as Record<string, unknown>, mutating: true });
  }

  async describeEndpoint(region: string, name: string) {
    this.read('sagemaker', 'DescribeEndpoint', region, { EndpointName: name });
    const k = `${region}#${name}`;
    if (this.created.has(k)) return this.created.get(k);
    if (this.deleted.has(k)) return undefined;
    return this.real.describeEndpoint(region, name);
  }
  async describeEndpointConfig(region: string, name: string) {
    this.read('sagemaker', 'DescribeEndpointConfig', region, { EndpointConfigName: name });
    return this.real.describeEndpointConfig(region, name);
  }
  async describeModel(region: string, name: string) {
    this.read('sagemaker', 'DescribeModel', region, { ModelName: name });
    return this.real.describeModel(region, name);
  }
  async listTags(region: string, arn: string) {
    this.read('sagemaker', 'ListTags', region, { ResourceArn: arn });
    return this.real.listTags(region, arn);
  }
  async runningShadowTests(region: string) {
    this.read('sagemaker', 'ListInferenceExperiments', region, { StatusEquals: 'Running', Type: 'ShadowMode' });
    return this.real.runningShadowTests(region);
  }
  listInferenceComponents(region: string, window: { startSec: number; endSec: number }) {
    this.read('sagemaker', 'ListInferenceComponents', region, { StatusEquals: 'InService' });
    return this.real.listInferenceComponents(region, window);
  }
  listModelPackages(region: string) {
    this.read('sagemaker', 'ListModelPackages', region, {});
    return this.real.listModelPackages(region);
  }
  describeModelPackage(region: string, arn: string) {
    this.read('sagemaker', 'DescribeModelPackage', region, { ModelPackageName: arn });
    return this.real.describeModelPackage(region, arn);
  }
  describeScalableTargets(region: string, resourceIds: string[]) {
    this.read('application-autoscaling', 'DescribeScalableTargets', region, { ServiceNamespace: 'sagemaker', ResourceIds: resourceIds });
    return this.real.describeScalableTargets(region, resourceIds);
  }
  describeScalingPolicies(region: string, resourceId: string) {
    this.read('application-autoscaling', 'DescribeScalingPolicies', region, { ServiceNamespace: 'sagemaker', ResourceId: resourceId });
    return this.real.describeScalingPolicies(region, resourceId);
  }
  describeAlarms(region: string, names: string[]) {
    this.read('cloudwatch', 'DescribeAlarms', region, { AlarmNames: names });
    return this.real.describeAlarms(region, names);
  }
  getObjectTagging(region: string, input: { Bucket: string; Key: string }) {
    this.read('s3', 'GetObjectTagging', region, input);
    return this.real.getObjectTagging(region, input);
  }

  async deleteEndpoint(region: string, input: { EndpointName: string }) {
    this.write('sagemaker', 'DeleteEndpoint', region, input);
    this.deleted.add(`${region}#${input.EndpointName}`);
    return 'deleted' as const;
  }
  async createEndpoint(region: string, input: { EndpointName: string; EndpointConfigName: string; Tags: { Key: string; Value: string }[] }) {
    this.write('sagemaker', 'CreateEndpoint', region, input);
    // The dry run does not wait: it shows the endpoint as InService so the remaining calls are listed too.
    this.created.set(`${region}#${input.EndpointName}`, { EndpointName: input.EndpointName, EndpointArn: `(dry run) ${input.EndpointName}`, EndpointConfigName: input.EndpointConfigName, EndpointStatus: 'InService', ProductionVariants: [], CreationTimeSec: 0 });
    return 'created' as const;
  }
  async deregisterScalableTarget(region: string, input: { ServiceNamespace: string; ResourceId: string; ScalableDimension: string }) {
    this.write('application-autoscaling', 'DeregisterScalableTarget', region, input);
    return 'deregistered' as const;
  }
  async registerScalableTarget(region: string, input: Record<string, unknown> & { ResourceId: string }) {
    this.write('application-autoscaling', 'RegisterScalableTarget', region, input);
  }
  async putScalingPolicy(region: string, input: Record<string, unknown> & { PolicyName: string }) {
    this.write('application-autoscaling', 'PutScalingPolicy', region, input);
    return { PolicyARN: `(dry run: ARN of the new policy ${input.PolicyName} #${++this.policySeq})` };
  }
  async putMetricAlarm(region: string, input: AlarmSnapshot) {
    this.write('cloudwatch', 'PutMetricAlarm', region, input);
  }
  async updateModelPackage(region: string, input: { ModelPackageArn: string; ModelLifeCycle: { Stage: string; StageStatus: string } }) {
    this.write('sagemaker', 'UpdateModelPackage', region, input);
  }
  async putObjectTagging(region: string, input: { Bucket: string; Key: string; Tagging: { TagSet: { Key: string; Value: string }[] } }) {
    this.write('s3', 'PutObjectTagging', region, input);
  }
}

/** A store that reads the real one and keeps its own writes in memory (compare-and-set still checked). */
export class OverlayStore implements LifecycleStore {
  private readonly actions = new Map<string, ActionRecord>();
  private readonly heads = new Map<string, SubjectHead | null>();
  private readonly snapshots = new Map<string, ActionSnapshot>();
  private readonly ledger = new Map<string, LedgerEntry>();

  constructor(private readonly real: LifecycleStore) {}

  async getAction(id: string) {
    return this.actions.get(id) ?? this.real.getAction(id);
  }
  async putAction(r: ActionRecord, expectedVersion: number) {
    const cur = await this.getAction(r.actionId);
    if ((cur?.version ?? 0) !== expectedVersion) return false;
    this.actions.set(r.actionId, r);
    return true;
  }
  async listActions(o?: { openOnly?: boolean }) {
    const base = await this.real.listActions(o);
    return [...base.filter((a) => !this.actions.has(a.actionId)), ...this.actions.values()];
  }
  async getHead(k: string) {
    return this.heads.has(k) ? (this.heads.get(k) ?? undefined) : this.real.getHead(k);
  }
  async putHead(h: SubjectHead, expectedVersion: number) {
    if (((await this.getHead(h.subjectKey))?.version ?? 0) !== expectedVersion) return false;
    this.heads.set(h.subjectKey, h);
    return true;
  }
  async getSnapshot(id: string) {
    return this.snapshots.get(id) ?? this.real.getSnapshot(id);
  }
  async putSnapshot(id: string, s: ActionSnapshot) {
    if (await this.getSnapshot(id)) return 'exists' as const;
    this.snapshots.set(id, s);
    return 'written' as const;
  }
  async putLedgerEntry(e: LedgerEntry) {
    this.ledger.set(e.actionId, e);
    return 'written' as const;
  }
  async endLedgerEntry() {}
  listLedger() {
    return this.real.listLedger();
  }
  getEvaluation(day: string) {
    return this.real.getEvaluation(day);
  }
  async putEvaluation(_s: EvaluationSummary) {}
  evaluationResources(day: string) {
    return this.real.evaluationResources(day);
  }
  latestEvaluation(atSec: number) {
    return this.real.latestEvaluation(atSec);
  }
  observedSince(region: string, nowSec: number) {
    return this.real.observedSince(region, nowSec);
  }
  packageLastLive(region: string, arn: string) {
    return this.real.packageLastLive(region, arn);
  }
  async markPackageLive() {}
  rawSamples(key: string, w: { startSec: number; endSec: number }) {
    return this.real.rawSamples(key, w);
  }
}

/** One line per call, e.g. `sagemaker:DeleteEndpoint (us-east-1) {"EndpointName":"x"}`; reads marked. */
export const renderCalls = (calls: readonly AwsCall[], o: { includeReads: boolean }): string[] =>
  calls.filter((c) => o.includeReads || c.mutating).map((c) => `${c.mutating ? 'WOULD CALL' : 'read      '} ${c.service}:${c.operation} (${c.region}) ${JSON.stringify(c.input)}`);
