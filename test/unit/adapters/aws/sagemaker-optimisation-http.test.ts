/**
 * At the wire, against a loopback stand-in: the optimisation pipeline's SageMaker calls in the AWS JSON 1.1 protocol
 * (`X-Amz-Target: SageMaker.<Op>`, error code in `__type`) and its CloudWatch read in AWS JSON 1.0
 * (`GraniteServiceVersion20100801.GetMetricData`), with the SDK's retries off (NO_SDK_RETRIES): request bodies are what
 * the API reference documents, "already exists" answers are 'exists', throttling is retried by our backoff (each
 * request one unit of the budget), and UpdateEndpoint — not idempotent by name — is sent exactly once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SageMakerOptimisationGateway } from '../../../../shared/adapters/aws/sagemaker-optimisation-gateway';
import { SageMakerOptimisationMetrics } from '../../../../shared/adapters/aws/sagemaker-optimisation-metrics';
import { NO_SDK_RETRIES, RequestBudget } from '../../../../shared/adapters/aws/retry';

const T0 = 1_717_200_000; // 2024-06-01T00:00:00Z
const json11 = 'application/x-amz-json-1.1';
const json10 = 'application/x-amz-json-1.0';

type Answer = { status?: number; body: unknown };

describe('SageMaker optimisation calls at the wire', () => {
  let server: http.Server;
  let endpoint: string;
  let received: { op: string; body: Record<string, any> }[] = [];
  /** Answers to come, per operation (consumed in order; the last one repeats). */
  let answers: Record<string, Answer[]> = {};

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        const op = target.split('.')[1];
        received.push({ op, body: JSON.parse(raw || '{}') });
        const queue = answers[op] ?? [{ body: {} }];
        const a = queue.length > 1 ? queue.shift()! : queue[0];
        const isError = (a.status ?? 200) >= 400;
        res.writeHead(a.status ?? 200, { 'content-type': target.startsWith('Granite') ? json10 : json11, ...(isError ? { 'x-amzn-query-error': `${(a.body as { __type: string }).__type};Sender` } : {}) });
        res.end(JSON.stringify(a.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    received = [];
    answers = {};
  });

  const config = { region: 'us-east-1', endpoint: '', credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' }, ...NO_SDK_RETRIES };
  const noSleep = { sleep: async () => undefined, random: () => 0.5, maxAttempts: 4, baseMs: 1, maxMs: 1 };
  const gateway = (budget?: RequestBudget) => {
    const sm = new SageMakerClient({ ...config, endpoint });
    return { gw: new SageMakerOptimisationGateway(() => sm, { ...noSleep, budget }), sm };
  };
  const throttle: Answer = { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } };

  it('CreateOptimizationJob sends the source model, instance, configs and output; throttling is retried, a taken name is "exists"', async () => {
    // Prepare
    answers = { CreateOptimizationJob: [throttle, { body: { OptimizationJobArn: 'arn:1' } }, { status: 400, body: { __type: 'ResourceInUse', message: 'An optimization job with this name already exists' } }] };
    const budget = new RequestBudget(10);
    const { gw, sm } = gateway(budget);
    const spec = {
      roleArn: 'arn:aws:iam::123456789012:role/carbonpilot-optimise-x', sourceModelName: 'chat-bf16', deploymentInstanceType: 'ml.p5.48xlarge',
      optimizationConfigs: [{ ModelQuantizationConfig: { OverrideEnvironment: { OPTION_QUANTIZE: 'fp8' } } }], outputS3Uri: 's3://b/out/', maxRuntimeSec: 28_800, tags: { team: 'nlp' },
    };
    // Act
    const first = await gw.createOptimizationJob('us-east-1', 'cp-opt-0123456789abcdef', spec);
    const again = await gw.createOptimizationJob('us-east-1', 'cp-opt-0123456789abcdef', spec);
    // Assess
    expect([first, again]).toEqual(['created', 'exists']);
    expect(received.map((r) => r.op)).toEqual(['CreateOptimizationJob', 'CreateOptimizationJob', 'CreateOptimizationJob']);
    expect(budget.used).toBe(3);
    expect(received[1].body).toEqual({
      OptimizationJobName: 'cp-opt-0123456789abcdef', RoleArn: spec.roleArn, ModelSource: { SageMakerModel: { ModelName: 'chat-bf16' } },
      DeploymentInstanceType: 'ml.p5.48xlarge', OptimizationConfigs: [{ ModelQuantizationConfig: { OverrideEnvironment: { OPTION_QUANTIZE: 'fp8' } } }],
      OutputConfig: { S3OutputLocation: 's3://b/out/' }, StoppingCondition: { MaxRuntimeInSeconds: 28_800 }, Tags: [{ Key: 'team', Value: 'nlp' }],
    });
    sm.destroy();
  });

  it('DescribeOptimizationJob gives status, recommended image and output; an unknown job is undefined', async () => {
    answers = {
      DescribeOptimizationJob: [
        { body: { OptimizationJobName: 'j', OptimizationJobArn: 'a', OptimizationJobStatus: 'COMPLETED', CreationTime: T0, LastModifiedTime: T0, OptimizationOutput: { RecommendedInferenceImage: 'img:1' }, OutputConfig: { S3OutputLocation: 's3://b/out/' }, DeploymentInstanceType: 'ml.p5.48xlarge', ModelSource: {}, OptimizationConfigs: [], RoleArn: 'r', StoppingCondition: {} } },
        { status: 400, body: { __type: 'ResourceNotFound', message: 'Resource not found' } },
      ],
    };
    const { gw, sm } = gateway();
    expect(await gw.describeOptimizationJob('us-east-1', 'j')).toEqual({ status: 'COMPLETED', recommendedImage: 'img:1', outputS3Uri: 's3://b/out/' });
    expect(await gw.describeOptimizationJob('us-east-1', 'j')).toBeUndefined();
    sm.destroy();
  });

  it('CreateModel of a taken name ("Cannot create already existing model") is "exists"; an uncompressed prefix is an S3 data source', async () => {
    answers = { CreateModel: [{ body: { ModelArn: 'a' } }, { status: 400, body: { __type: 'ValidationException', message: 'Cannot create already existing model "m".' } }] };
    const { gw, sm } = gateway();
    const spec = { image: 'img:1', modelDataUrl: 's3://b/out/', compressed: false, env: { OPTION_QUANTIZE: 'fp8' }, roleArn: 'r', tags: {} };
    expect(await gw.createModel('us-east-1', 'm', spec)).toBe('created');
    expect(await gw.createModel('us-east-1', 'm', spec)).toBe('exists');
    expect(received[0].body.PrimaryContainer).toEqual({ Image: 'img:1', ModelDataSource: { S3DataSource: { S3Uri: 's3://b/out/', S3DataType: 'S3Prefix', CompressionType: 'None' } }, Environment: { OPTION_QUANTIZE: 'fp8' } });
    sm.destroy();
  });

  it('DescribeEndpoint + DescribeEndpointConfig give variants with model, instance type and count, and the shadow variants', async () => {
    answers = {
      DescribeEndpoint: [{ body: { EndpointName: 'chat', EndpointArn: 'a', EndpointConfigName: 'cfg', EndpointStatus: 'InService', CreationTime: T0, LastModifiedTime: T0, ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 2 }], ShadowProductionVariants: [{ VariantName: 'shadow-1' }] } }],
      DescribeEndpointConfig: [{ body: { EndpointConfigName: 'cfg', EndpointConfigArn: 'a', CreationTime: T0, ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'chat-bf16', InstanceType: 'ml.p5.48xlarge', InitialInstanceCount: 1 }] } }],
    };
    const { gw, sm } = gateway();
    expect(await gw.describeEndpoint('us-east-1', 'chat')).toEqual({
      endpointName: 'chat', status: 'InService', endpointConfigName: 'cfg',
      productionVariants: [{ variantName: 'AllTraffic', modelName: 'chat-bf16', instanceType: 'ml.p5.48xlarge', instanceCount: 2 }], shadowVariants: ['shadow-1'],
    });
    sm.destroy();
  });

  it('CreateInferenceExperiment is a ShadowMode test copying SamplingPercentage of the production requests', async () => {
    answers = { CreateInferenceExperiment: [{ body: { InferenceExperimentArn: 'a' } }] };
    const { gw, sm } = gateway();
    const v = (variantName: string, modelName: string) => ({ variantName, modelName, instanceType: 'ml.p5.48xlarge', instanceCount: 1 });
    await gw.createInferenceExperiment('us-east-1', 'x', { endpointName: 'chat', roleArn: 'r', production: v('AllTraffic', 'base'), shadow: v('shadow-1', 'cand'), samplingPct: 100, tags: {}, description: 'd', endSec: T0 });
    const b = received[0].body;
    expect(b).toMatchObject({ Name: 'x', Type: 'ShadowMode', EndpointName: 'chat', ShadowModeConfig: { SourceModelVariantName: 'AllTraffic', ShadowModelVariants: [{ ShadowModelVariantName: 'shadow-1', SamplingPercentage: 100 }] }, Schedule: { EndTime: T0 } });
    expect(b.ModelVariants[1]).toEqual({ ModelName: 'cand', VariantName: 'shadow-1', InfrastructureConfig: { InfrastructureType: 'RealTimeInference', RealTimeInferenceConfig: { InstanceType: 'ml.p5.48xlarge', InstanceCount: 1 } } });
    sm.destroy();
  });

  it('StopInferenceExperiment retains production and removes the shadow; one that already stopped is success', async () => {
    answers = { StopInferenceExperiment: [{ body: { InferenceExperimentArn: 'a' } }, { status: 400, body: { __type: 'ValidationException', message: 'The inference experiment is in Completed status.' } }] };
    const { gw, sm } = gateway();
    const o = { productionVariant: 'AllTraffic', shadowVariant: 'shadow-1', desiredState: 'Completed' as const, reason: 'r' };
    await gw.stopInferenceExperiment('us-east-1', 'x', o);
    await expect(gw.stopInferenceExperiment('us-east-1', 'x', o)).resolves.toBeUndefined();
    expect(received[0].body).toEqual({ Name: 'x', ModelVariantActions: { AllTraffic: 'Retain', 'shadow-1': 'Remove' }, DesiredState: 'Completed', Reason: 'r' });
    sm.destroy();
  });

  it('UpdateEndpoint is blue/green with rollback alarms (canary from 2 instances) and is sent once, never retried', async () => {
    answers = { UpdateEndpoint: [{ body: { EndpointArn: 'a' } }, { body: { EndpointArn: 'a' } }, throttle] };
    const { gw, sm } = gateway();
    await gw.updateEndpoint('us-east-1', 'chat', 'cfg2', { alarms: ['a1', 'a2'], greenInstanceCount: 1 });
    await gw.updateEndpoint('us-east-1', 'chat', 'cfg2', { alarms: [], greenInstanceCount: 2 });
    await expect(gw.updateEndpoint('us-east-1', 'chat', 'cfg2', { alarms: [] })).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(received).toHaveLength(3);
    expect(received[0].body).toEqual({
      EndpointName: 'chat', EndpointConfigName: 'cfg2',
      DeploymentConfig: {
        BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 600 }, TerminationWaitInSeconds: 600, MaximumExecutionTimeoutInSeconds: 3600 },
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'a1' }, { AlarmName: 'a2' }] },
      },
    });
    expect(received[1].body.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration).toEqual({ Type: 'CANARY', CanarySize: { Type: 'INSTANCE_COUNT', Value: 1 }, WaitIntervalInSeconds: 600 });
    expect(received[1].body.DeploymentConfig.AutoRollbackConfiguration).toBeUndefined();
    sm.destroy();
  });

  it('CreateModelPackage registers an approved version with the figures as CustomerMetadataProperties and a ClientToken', async () => {
    answers = { CreateModelPackage: [{ body: { ModelPackageArn: 'arn:mp/1' } }], CreateModelPackageGroup: [{ status: 400, body: { __type: 'ValidationException', message: 'Model Package Group already exists: carbonpilot-chat' } }] };
    const { gw, sm } = gateway();
    expect(await gw.createModelPackageGroup('us-east-1', 'carbonpilot-chat', 'd')).toBe('exists');
    const out = await gw.createModelPackage('us-east-1', { group: 'carbonpilot-chat', clientToken: 'cp-opt-x-registry', image: 'img:1', modelDataUrl: 's3://b/out/', instanceTypes: ['ml.p5.48xlarge'], metadata: { 'carbonpilot:change-pct': '-20' }, description: 'd' });
    expect(out).toEqual({ modelPackageArn: 'arn:mp/1' });
    expect(received[1].body).toMatchObject({ ModelPackageGroupName: 'carbonpilot-chat', ClientToken: 'cp-opt-x-registry', ModelApprovalStatus: 'Approved', CustomerMetadataProperties: { 'carbonpilot:change-pct': '-20' } });
    expect(received[1].body.InferenceSpecification.Containers[0].ModelDataSource.S3DataSource.S3Uri).toBe('s3://b/out/');
    sm.destroy();
  });

  it('CloudWatch: hourly 4XX+5XX sums and whole-window p50/p95 ModelLatency (µs → ms) per variant, paged, budgeted', async () => {
    // Prepare: throttled once; then two pages.
    answers = {
      GetMetricData: [
        { status: 400, body: { __type: 'com.amazonaws.cloudwatch#Throttling', message: 'Rate exceeded' } },
        { body: { MetricDataResults: [{ Id: 'v0_e4', Timestamps: [T0, T0 + 3600], Values: [2, 1], StatusCode: 'Complete' }, { Id: 'v0_p95', Timestamps: [T0], Values: [250_000], StatusCode: 'Complete' }], NextToken: 'n1', Messages: [] } },
        { body: { MetricDataResults: [{ Id: 'v0_e5', Timestamps: [T0], Values: [3], StatusCode: 'Complete' }, { Id: 'v1_p50', Timestamps: [T0], Values: [90_000], StatusCode: 'Complete' }], Messages: [] } },
      ],
    };
    const cw = new CloudWatchClient({ ...config, endpoint });
    const budget = new RequestBudget(10);
    const metrics = new SageMakerOptimisationMetrics(() => cw, { budget, backoff: noSleep });
    // Act
    const out = await metrics.read('us-east-1', 'chat', ['AllTraffic', 'shadow-1'], { startSec: T0, endSec: T0 + 7200 });
    // Assess
    expect(received.map((r) => r.op)).toEqual(['GetMetricData', 'GetMetricData', 'GetMetricData']);
    expect(budget.used).toBe(3);
    expect(received[2].body.NextToken).toBe('n1');
    const q = received[1].body.MetricDataQueries as any[];
    expect(q).toHaveLength(8);
    expect(q.find((x) => x.Id === 'v1_p95').MetricStat).toEqual({ Metric: { Namespace: 'AWS/SageMaker', MetricName: 'ModelLatency', Dimensions: [{ Name: 'EndpointName', Value: 'chat' }, { Name: 'VariantName', Value: 'shadow-1' }] }, Period: 7200, Stat: 'p95' });
    expect(q.find((x) => x.Id === 'v0_e5').MetricStat).toMatchObject({ Period: 3600, Stat: 'Sum' });
    expect(out.get('AllTraffic')).toEqual({ hourlyErrors: new Map([[T0, 5], [T0 + 3600, 1]]), p95Ms: 250 });
    expect(out.get('shadow-1')).toEqual({ hourlyErrors: new Map(), p50Ms: 90 });
    cw.destroy();
  });
});
