/**
 * The AWS lifecycle adapter at the wire: the real SDK clients (SDK retries off) against a loopback server speaking
 * each API's protocol, as the client packages do (read from @aws-sdk/client-*\/dist-cjs):
 *   - SageMaker: AWS JSON 1.1, `X-Amz-Target: SageMaker.<Op>`, error code in `__type`;
 *   - Application Auto Scaling: AWS JSON 1.1, `X-Amz-Target: AnyScaleFrontendService.<Op>`;
 *   - CloudWatch: AWS JSON 1.0, `X-Amz-Target: GraniteServiceVersion20100801.<Op>` (awsQueryCompatible errors);
 *   - S3: REST-XML, path-style `GET|PUT /<bucket>/<key>?tagging`.
 * A park and an unpark run through the use case; the test asserts the requests as AWS receives them and that
 * "already gone / already there" answers (API reference error codes) are outcomes, not failures.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerLifecycleCloud } from '../../../../shared/adapters/aws/sagemaker-lifecycle';
import { NO_SDK_RETRIES } from '../../../../shared/adapters/aws/retry';
import { makeLifecycleActions } from '../../../../shared/use-cases/lifecycle-actions';
import { OverlayStore } from '../../../../shared/use-cases/lifecycle-dry-run';
import { DEFAULT_LIFECYCLE } from '../../../../shared/domain/lifecycle/settings';
import { lookupInstance } from '../../../../shared/domain/power/instance-catalog';
import type { LifecycleStore } from '../../../../shared/ports/lifecycle-ports';
import type { FootprintStore } from '../../../../shared/ports';

const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const EP_ARN = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/chat`;

interface Seen {
  service: string;
  op: string;
  region: string;
  body: any;
}

/** A stateful loopback account: one endpoint with a target-tracking and a step policy, a package, one component. */
class LoopbackAws {
  readonly seen: Seen[] = [];
  endpoint: 'InService' | 'Creating' | 'gone' = 'InService';
  creatingPolls = 0;
  targets = new Map<string, { MinCapacity: number; MaxCapacity: number; ScalableDimension: string }>([['endpoint/chat/variant/AllTraffic', { MinCapacity: 1, MaxCapacity: 4, ScalableDimension: 'sagemaker:variant:DesiredInstanceCount' }]]);
  policies = new Map<string, any>([
    ['tt', { PolicyName: 'tt', PolicyARN: 'arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:aaaa:resource/sagemaker/endpoint/chat/variant/AllTraffic:policyName/tt', PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: { TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' } }, Alarms: [{ AlarmName: 'TargetTracking-endpoint/chat/variant/AllTraffic-AlarmHigh-1', AlarmARN: 'arn:alarm:tt' }] }],
    ['step', { PolicyName: 'step', PolicyARN: 'arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:bbbb:resource/sagemaker/endpoint/chat/variant/AllTraffic:policyName/step', PolicyType: 'StepScaling', StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] }, Alarms: [{ AlarmName: 'chat-cpu-high', AlarmARN: 'arn:alarm:cpu' }] }],
  ]);
  alarms = new Map<string, any>([['chat-cpu-high', { AlarmName: 'chat-cpu-high', AlarmActions: ['arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:bbbb:resource/sagemaker/endpoint/chat/variant/AllTraffic:policyName/step'], MetricName: 'CPUUtilization', Namespace: '/aws/sagemaker/Endpoints', Statistic: 'Average', Period: 300, EvaluationPeriods: 3, Threshold: 80, ComparisonOperator: 'GreaterThanThreshold', Dimensions: [{ Name: 'EndpointName', Value: 'chat' }] }]]);
  objectTags = new Map<string, Record<string, string>>([['models/chat/model.tar.gz', { owner: 'nlp' }]]);
  throttleNext = 0;
  private policySeq = 0;
  url = '';
  private server?: http.Server;

  async start() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.route(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }
  close = () => new Promise<void>((r) => this.server!.close(() => r()));

  private json(res: http.ServerResponse, version: '1.0' | '1.1', body: unknown, status = 200, type?: string) {
    res.writeHead(status, { 'content-type': `application/x-amz-json-${version}`, ...(type ? { 'x-amzn-errortype': type } : {}) });
    res.end(JSON.stringify(type ? { __type: type, message: (body as { message: string }).message } : body));
  }

  private route(req: http.IncomingMessage, raw: string, res: http.ServerResponse) {
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? '');
    const [region, service] = [scope?.[1] ?? '?', scope?.[2] ?? '?'];
    const target = String(req.headers['x-amz-target'] ?? '');
    if (service === 's3') return this.s3(req, raw, res, region);
    const op = target.split('.').pop()!;
    const body = raw ? JSON.parse(raw) : {};
    this.seen.push({ service, op, region, body });
    if (this.throttleNext > 0) {
      this.throttleNext--;
      return this.json(res, service === 'monitoring' ? '1.0' : '1.1', { message: 'Rate exceeded' }, 400, service === 'sagemaker' ? 'ThrottlingException' : 'ThrottlingException');
    }
    if (service === 'sagemaker') return this.sagemaker(op, body, res);
    if (service === 'application-autoscaling') return this.autoscaling(op, body, res);
    if (service === 'monitoring') return this.cloudwatch(op, body, res);
    res.writeHead(400);
    res.end();
  }

  private sagemaker(op: string, b: any, res: http.ServerResponse) {
    const missing = () => this.json(res, '1.1', { message: `Could not find endpoint "${b.EndpointName}".` }, 400, 'ValidationException');
    switch (op) {
      case 'DescribeEndpoint':
        if (this.endpoint === 'gone') return missing();
        if (this.endpoint === 'Creating' && ++this.creatingPolls >= 2) this.endpoint = 'InService';
        return this.json(res, '1.1', { EndpointName: 'chat', EndpointArn: EP_ARN, EndpointConfigName: 'chat-cfg', EndpointStatus: this.endpoint, CreationTime: T0, LastModifiedTime: T0, ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 2, DesiredInstanceCount: 2 }] });
      case 'DescribeEndpointConfig':
        return this.json(res, '1.1', { EndpointConfigName: 'chat-cfg', EndpointConfigArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint-config/chat-cfg`, CreationTime: T0, ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'chat-model', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 2 }] });
      case 'ListTags':
        return this.json(res, '1.1', { Tags: [{ Key: 'team', Value: 'nlp' }, { Key: 'carbonpilot:managed', Value: 'true' }, { Key: 'aws:cloudformation:stack-name', Value: 'serving' }] });
      case 'ListInferenceExperiments':
        return this.json(res, '1.1', { InferenceExperiments: [{ Name: 'other-shadow', Type: 'ShadowMode', Status: 'Running', CreationTime: T0, LastModifiedTime: T0 }] });
      case 'DescribeInferenceExperiment':
        return this.json(res, '1.1', { Arn: 'arn:x', Name: b.Name, Type: 'ShadowMode', Status: 'Running', EndpointMetadata: { EndpointName: 'other-endpoint' }, ModelVariants: [] });
      case 'DeleteEndpoint':
        if (this.endpoint === 'gone') return missing();
        this.endpoint = 'gone';
        return this.json(res, '1.1', {});
      case 'CreateEndpoint':
        if (this.endpoint !== 'gone') return this.json(res, '1.1', { message: `Cannot create already existing endpoint "${EP_ARN}".` }, 400, 'ValidationException');
        this.endpoint = 'Creating';
        this.creatingPolls = 0;
        return this.json(res, '1.1', { EndpointArn: EP_ARN });
      case 'ListInferenceComponents':
        return this.json(res, '1.1', { InferenceComponents: [{ InferenceComponentName: 'ic-1', InferenceComponentArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:inference-component/ic-1`, EndpointName: 'multi', EndpointArn: 'arn:e', VariantName: 'AllTraffic', InferenceComponentStatus: 'InService', CreationTime: T0 - 86_400 * 60, LastModifiedTime: T0 }] });
      case 'DescribeInferenceComponent':
        return this.json(res, '1.1', { InferenceComponentName: 'ic-1', InferenceComponentArn: 'arn:ic', EndpointName: 'multi', EndpointArn: 'arn:e', RuntimeConfig: { DesiredCopyCount: 2, CurrentCopyCount: 2 }, CreationTime: T0, LastModifiedTime: T0 });
      case 'ListModelPackageGroups':
        return this.json(res, '1.1', { ModelPackageGroupSummaryList: [{ ModelPackageGroupName: 'chat-models', ModelPackageGroupArn: 'arn:g', CreationTime: T0, ModelPackageGroupStatus: 'Completed' }] });
      case 'ListModelPackages':
        return this.json(res, '1.1', { ModelPackageSummaryList: [{ ModelPackageGroupName: 'chat-models', ModelPackageVersion: 3, ModelPackageArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/chat-models/3`, CreationTime: T0 - 86_400 * 200, ModelPackageStatus: 'Completed', ModelApprovalStatus: 'Approved', ModelLifeCycle: { Stage: 'Production', StageStatus: 'Deployed' } }] });
      case 'DescribeModelPackage':
        return this.json(res, '1.1', { ModelPackageName: 'chat-models', ModelPackageGroupName: 'chat-models', ModelPackageVersion: 3, ModelPackageArn: b.ModelPackageName, CreationTime: T0, ModelPackageStatus: 'Completed', ModelPackageStatusDetails: { ValidationStatuses: [] }, InferenceSpecification: { Containers: [{ Image: 'img', ModelDataUrl: 's3://model-bucket/models/chat/model.tar.gz' }], SupportedContentTypes: [], SupportedResponseMIMETypes: [] } });
      case 'UpdateModelPackage':
        return this.json(res, '1.1', { ModelPackageArn: b.ModelPackageArn });
      default:
        return this.json(res, '1.1', { message: `loopback: ${op}` }, 400, 'UnknownOperationException');
    }
  }

  private autoscaling(op: string, b: any, res: http.ServerResponse) {
    switch (op) {
      case 'DescribeScalableTargets':
        return this.json(res, '1.1', { ScalableTargets: (b.ResourceIds as string[]).filter((id) => this.targets.has(id)).map((id) => ({ ServiceNamespace: 'sagemaker', ResourceId: id, ...this.targets.get(id), RoleARN: 'arn:role', CreationTime: T0 })) });
      case 'DescribeScalingPolicies':
        return this.json(res, '1.1', { ScalingPolicies: this.targets.has(b.ResourceId) ? [...this.policies.values()].map((p) => ({ ...p, ServiceNamespace: 'sagemaker', ResourceId: b.ResourceId, ScalableDimension: 'sagemaker:variant:DesiredInstanceCount', CreationTime: T0 })) : [] });
      case 'DeregisterScalableTarget':
        if (!this.targets.delete(b.ResourceId)) return this.json(res, '1.1', { message: 'No scalable target registered' }, 400, 'ObjectNotFoundException');
        this.policies.clear(); // deregistering deletes the target's policies (Application Auto Scaling)
        return this.json(res, '1.1', {});
      case 'RegisterScalableTarget':
        this.targets.set(b.ResourceId, { MinCapacity: b.MinCapacity, MaxCapacity: b.MaxCapacity, ScalableDimension: b.ScalableDimension });
        return this.json(res, '1.1', { ScalableTargetARN: `arn:aws:application-autoscaling:${REGION}:${ACCOUNT}:scalable-target/0ec1` });
      case 'PutScalingPolicy': {
        const arn = `arn:aws:autoscaling:${REGION}:${ACCOUNT}:scalingPolicy:new-${++this.policySeq}:resource/sagemaker/${b.ResourceId}:policyName/${b.PolicyName}`;
        this.policies.set(b.PolicyName, { ...b, PolicyARN: arn, Alarms: [] });
        return this.json(res, '1.1', { PolicyARN: arn, Alarms: [] });
      }
      default:
        return this.json(res, '1.1', { message: op }, 400, 'UnknownOperationException');
    }
  }

  private cloudwatch(op: string, b: any, res: http.ServerResponse) {
    if (op === 'DescribeAlarms') return this.json(res, '1.0', { MetricAlarms: (b.AlarmNames as string[]).map((n) => this.alarms.get(n)).filter(Boolean), CompositeAlarms: [] });
    if (op === 'PutMetricAlarm') {
      this.alarms.set(b.AlarmName, b);
      return this.json(res, '1.0', {});
    }
    if (op === 'GetMetricData') {
      // ic-1 invoked on two days, 30 and 29 days before T0.
      return this.json(res, '1.0', { MetricDataResults: b.MetricDataQueries.map((q: any) => ({ Id: q.Id, Label: q.Id, StatusCode: 'Complete', Timestamps: [T0 - 30 * 86_400, T0 - 29 * 86_400], Values: [40, 2] })), Messages: [] });
    }
    return this.json(res, '1.0', { message: op }, 400, 'InvalidAction');
  }

  private s3(req: http.IncomingMessage, raw: string, res: http.ServerResponse, region: string) {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, bucket, ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const op = req.method === 'GET' ? 'GetObjectTagging' : 'PutObjectTagging';
    this.seen.push({ service: 's3', op, region, body: { bucket, key, raw } });
    if (!url.searchParams.has('tagging')) {
      res.writeHead(400);
      return res.end();
    }
    if (req.method === 'PUT') {
      const tags = Object.fromEntries([...raw.matchAll(/<Tag><Key>([^<]*)<\/Key><Value>([^<]*)<\/Value><\/Tag>/g)].map((m) => [m[1], m[2]]));
      this.objectTags.set(key, tags);
      res.writeHead(200, { 'x-amz-version-id': 'null' });
      return res.end();
    }
    const tags = this.objectTags.get(key) ?? {};
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>${Object.entries(tags).map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('')}</TagSet></Tagging>`);
  }
}

const credentials = { accessKeyId: 'AKIDLOOPBACK', secretAccessKey: 'loopback' };
const noBackoffSleep = { sleep: async () => undefined, random: () => 0 };

/** An in-memory lifecycle store (the dry-run overlay over an empty store). */
const memoryStore = (): LifecycleStore =>
  new OverlayStore({
    getAction: async () => undefined, listActions: async () => [], getHead: async () => undefined, getSnapshot: async () => undefined, listLedger: async () => [],
    getEvaluation: async () => undefined, evaluationResources: async () => [], latestEvaluation: async () => undefined, observedSince: async (_r: string, n: number) => n,
    packageLastLive: async () => undefined, rawSamples: async () => [],
  } as unknown as LifecycleStore);
const noFootprint = { listResourcesByKeyPrefix: async () => [], queryResourceIntervals: async () => [] } as unknown as FootprintStore;

describe('SageMakerLifecycleCloud at the wire', () => {
  const aws = new LoopbackAws();
  let cloud: SageMakerLifecycleCloud;
  beforeAll(async () => {
    await aws.start();
    const c = { region: REGION, endpoint: aws.url, credentials, ...NO_SDK_RETRIES };
    const clients = { sagemaker: new SageMakerClient(c), autoscaling: new ApplicationAutoScalingClient(c), cloudwatch: new CloudWatchClient(c), s3: new S3Client({ ...c, forcePathStyle: true }) };
    cloud = new SageMakerLifecycleCloud(() => clients, noBackoffSleep);
  });
  afterAll(() => aws.close());

  it('parks and unparks through the real SDK: the requests AWS receives, in order, with the snapshot taken first', async () => {
    let now = T0;
    const actions = makeLifecycleActions({ store: memoryStore(), cloud, footprint: noFootprint, clock: { nowSec: () => now }, defaults: DEFAULT_LIFECYCLE, lookupInstance });
    const subject = { kind: 'endpoint' as const, region: REGION, name: 'chat' };
    const { record } = await actions.request({ subject, action: 'park', mode: 'recommend', by: 'alice', reason: 'idle', approved: true, proposal: { action: 'park' } as never, demo: false });
    aws.seen.length = 0;
    const parked = await actions.advance(record.actionId);
    expect(parked.record.status).toBe('parked');
    expect(aws.seen.map((s) => `${s.service}:${s.op}`)).toEqual([
      'sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig', 'sagemaker:ListTags', 'sagemaker:ListInferenceExperiments', 'sagemaker:DescribeInferenceExperiment',
      'application-autoscaling:DescribeScalableTargets', 'application-autoscaling:DescribeScalingPolicies', 'monitoring:DescribeAlarms',
      'application-autoscaling:DeregisterScalableTarget', 'sagemaker:DeleteEndpoint',
    ]);
    expect(aws.seen.every((s) => s.region === REGION)).toBe(true);
    expect(aws.seen.find((s) => s.op === 'DeleteEndpoint')!.body).toEqual({ EndpointName: 'chat' });
    expect(aws.seen.find((s) => s.op === 'DeregisterScalableTarget')!.body).toEqual({ ServiceNamespace: 'sagemaker', ResourceId: 'endpoint/chat/variant/AllTraffic', ScalableDimension: 'sagemaker:variant:DesiredInstanceCount' });

    // Unpark: CreateEndpoint, then poll until InService (the loopback answers Creating once), then scaling back.
    now += 3600;
    aws.seen.length = 0;
    let out = await actions.undo(subject, 'bob', 'needed');
    for (let i = 0; i < 3 && out.record.status !== 'restored'; i++) out = await actions.advance(out.record.actionId);
    expect(out.record.status).toBe('restored');
    const ops = aws.seen.map((s) => s.op);
    expect(ops.slice(0, 2)).toEqual(['DescribeEndpoint', 'CreateEndpoint']);
    expect(ops.filter((o) => o === 'DescribeEndpoint').length).toBeGreaterThanOrEqual(2); // waited for InService
    expect(aws.seen.find((s) => s.op === 'CreateEndpoint')!.body).toEqual({ EndpointName: 'chat', EndpointConfigName: 'chat-cfg', Tags: [{ Key: 'carbonpilot:managed', Value: 'true' }, { Key: 'team', Value: 'nlp' }] });
    expect(aws.seen.find((s) => s.op === 'RegisterScalableTarget')!.body).toMatchObject({ ResourceId: 'endpoint/chat/variant/AllTraffic', MinCapacity: 1, MaxCapacity: 4 });
    expect(aws.seen.filter((s) => s.op === 'PutScalingPolicy').map((s) => s.body.PolicyName).sort()).toEqual(['step', 'tt']);
    // Only the step policy's alarm is put back (target tracking recreates its own), pointed at the NEW policy ARN.
    const put = aws.seen.filter((s) => s.op === 'PutMetricAlarm');
    expect(put.map((s) => s.body.AlarmName)).toEqual(['chat-cpu-high']);
    expect(put[0].body.AlarmActions).toEqual([aws.policies.get('step').PolicyARN]);
    expect(put[0].body.AlarmActions[0]).toMatch(/scalingPolicy:new-/);
  });

  it('treats "already gone" and "already there" as outcomes (API reference error codes), and retries throttling with our backoff', async () => {
    aws.endpoint = 'gone';
    expect(await cloud.deleteEndpoint(REGION, { EndpointName: 'chat' })).toBe('not-found');
    expect(await cloud.describeEndpoint(REGION, 'chat')).toBeUndefined();
    aws.endpoint = 'InService';
    expect(await cloud.createEndpoint(REGION, { EndpointName: 'chat', EndpointConfigName: 'chat-cfg', Tags: [] })).toBe('exists');
    expect(await cloud.deregisterScalableTarget(REGION, { ServiceNamespace: 'sagemaker', ResourceId: 'endpoint/none/variant/x', ScalableDimension: 'sagemaker:variant:DesiredInstanceCount' })).toBe('not-found');
    aws.seen.length = 0;
    aws.throttleNext = 2;
    expect(await cloud.describeEndpoint(REGION, 'chat')).toMatchObject({ EndpointStatus: 'InService' });
    expect(aws.seen.map((s) => s.op)).toEqual(['DescribeEndpoint', 'DescribeEndpoint', 'DescribeEndpoint']); // one HTTP request per attempt
  });

  it('reads shadow tests, inference components with their daily Invocations, and registry packages', async () => {
    expect(await cloud.runningShadowTests(REGION)).toEqual([{ experimentName: 'other-shadow', endpointName: 'other-endpoint' }]);
    aws.seen.length = 0;
    const [ic] = await cloud.listInferenceComponents(REGION, { startSec: T0 - 45 * 86_400, endSec: T0 });
    expect(ic).toMatchObject({ name: 'ic-1', endpointName: 'multi', copyCount: 2, dailyInvocations: [{ daySec: T0 - 30 * 86_400, sum: 40 }, { daySec: T0 - 29 * 86_400, sum: 2 }] });
    const gmd = aws.seen.find((s) => s.op === 'GetMetricData')!.body;
    expect(gmd.MetricDataQueries[0].MetricStat).toEqual({ Metric: { Namespace: 'AWS/SageMaker', MetricName: 'Invocations', Dimensions: [{ Name: 'InferenceComponentName', Value: 'ic-1' }] }, Period: 86_400, Stat: 'Sum' });
    const [p] = await cloud.listModelPackages(REGION);
    expect(p).toMatchObject({ groupName: 'chat-models', version: 3, lifeCycle: { Stage: 'Production', StageStatus: 'Deployed' }, createdSec: T0 - 86_400 * 200 });
    expect((await cloud.describeModelPackage(REGION, p.arn))!.modelDataUrls).toEqual(['s3://model-bucket/models/chat/model.tar.gz']);
  });

  it('scales an inference component to zero with the wake-up alarm on the policy ARN AWS returned', async () => {
    let now = T0;
    const actions = makeLifecycleActions({ store: memoryStore(), cloud, footprint: noFootprint, clock: { nowSec: () => now }, defaults: DEFAULT_LIFECYCLE, lookupInstance });
    const subject = { kind: 'inference-component' as const, region: REGION, name: 'ic-1' };
    const { record } = await actions.request({ subject, action: 'scale-to-zero', mode: 'recommend', by: 'alice', reason: 'idle 29 days', approved: true, proposal: { action: 'scale-to-zero' } as never, demo: false });
    aws.seen.length = 0;
    expect((await actions.advance(record.actionId)).record.status).toBe('applied');
    const register = aws.seen.find((s) => s.op === 'RegisterScalableTarget')!.body;
    expect(register).toMatchObject({ ServiceNamespace: 'sagemaker', ResourceId: 'inference-component/ic-1', ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount', MinCapacity: 0 });
    const policy = aws.seen.find((s) => s.op === 'PutScalingPolicy')!.body;
    expect(policy).toMatchObject({ PolicyType: 'StepScaling' });
    const alarm = aws.seen.find((s) => s.op === 'PutMetricAlarm')!.body;
    expect(alarm).toMatchObject({ MetricName: 'NoCapacityInvocationFailures', Namespace: 'AWS/SageMaker', AlarmActions: [aws.policies.get(policy.PolicyName).PolicyARN] });
    now += 60;
    expect((await actions.undo(subject, 'bob', 'traffic')).record.status).toBe('restored');
    expect(aws.targets.get('inference-component/ic-1')).toMatchObject({ MinCapacity: 1 });
  });

  it('archives a package (UpdateModelPackage ModelLifeCycle, never ModelApprovalStatus) and tags its artefact over S3 REST-XML', async () => {
    const actions = makeLifecycleActions({ store: memoryStore(), cloud, footprint: noFootprint, clock: { nowSec: () => T0 }, defaults: DEFAULT_LIFECYCLE, lookupInstance });
    const arn = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/chat-models/3`;
    const subject = { kind: 'model-package' as const, region: REGION, name: arn };
    aws.seen.length = 0;
    const a = await actions.request({ subject, action: 'archive-package', mode: 'recommend', by: 'alice', reason: 'frozen', approved: true, proposal: { action: 'archive-package' } as never, demo: false });
    expect((await actions.advance(a.record.actionId)).record.status).toBe('applied');
    const update = aws.seen.find((s) => s.op === 'UpdateModelPackage')!;
    expect(update.body).toEqual({ ModelPackageArn: arn, ModelLifeCycle: { Stage: 'Archived', StageStatus: 'Archived', StageDescription: expect.stringContaining('frozen') } });
    expect((await actions.undo(subject, 'bob', 'needed')).record.status).toBe('restored');

    // The artefacts: GET ?tagging (snapshot), then PUT ?tagging with the owner's tag kept and the archive tag added.
    aws.seen.length = 0;
    const b = await actions.request({ subject, action: 'archive-artefacts', mode: 'recommend', by: 'alice', reason: 'frozen', approved: true, proposal: { action: 'archive-artefacts' } as never, demo: false });
    expect((await actions.advance(b.record.actionId)).record.status).toBe('applied');
    expect(aws.seen.filter((s) => s.service === 's3').map((s) => `${s.op} ${s.body.bucket}/${s.body.key}`)).toEqual(['GetObjectTagging model-bucket/models/chat/model.tar.gz', 'PutObjectTagging model-bucket/models/chat/model.tar.gz']);
    expect(aws.objectTags.get('models/chat/model.tar.gz')).toEqual({ owner: 'nlp', 'carbonpilot:archive': 'GLACIER_IR' });
    await actions.undo(subject, 'bob', 'needed');
    expect(aws.objectTags.get('models/chat/model.tar.gz')).toEqual({ owner: 'nlp' });
  });
});
