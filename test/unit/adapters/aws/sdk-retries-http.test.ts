/**
 * At the wire: with clients built `maxAttempts: 1` (NO_SDK_RETRIES), every HTTP request a loopback AWS stand-in
 * receives is one attempt of our retry layer and one unit of the request budget — under Throttling, 5xx and
 * per-result InternalError answers alike. With the SDK default (3 attempts) the server sees more than the budget counts.
 *
 * Protocols, as the client packages in node_modules speak them (read from @aws-sdk/client-*\/dist-cjs):
 * - CloudWatch: AWS JSON 1.0, `X-Amz-Target: GraniteServiceVersion20100801.<Op>`, awsQueryCompatible errors
 *   (legacy code in `x-amzn-query-error: <Code>;<Sender|Receiver>`);
 * - SageMaker: AWS JSON 1.1, `X-Amz-Target: SageMaker.<Op>`, error code in `__type`;
 * - EC2: the EC2 query protocol, form-encoded `Action=<Op>` POST bodies, XML answers, errors as
 *   `<Response><Errors><Error><Code>…` (EC2 API reference, "Error codes"; RequestLimitExceeded is EC2's throttling).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CloudWatchMetricsSource } from '../../../../shared/adapters/aws/cloudwatch-metrics-source';
import { AwsWorkloadInventory } from '../../../../shared/adapters/aws/sagemaker-inventory';
import { NO_SDK_RETRIES, RequestBudget } from '../../../../shared/adapters/aws/retry';
import type { ResourceRef } from '../../../../shared/domain/types';

const T0 = 1_717_200_000; // 2024-06-01T00:00:00Z
const iso = (sec: number) => new Date(sec * 1000).toISOString();

type Reply = { status: number; headers: Record<string, string>; body: string };
type Fault = 'throttle' | '5xx';

const json10 = 'application/x-amz-json-1.0';
const json11 = 'application/x-amz-json-1.1';
const xml = 'text/xml;charset=UTF-8';

/** A fault as each service sends it. */
const faultReply = (service: 'cloudwatch' | 'sagemaker' | 'ec2', f: Fault): Reply => {
  if (service === 'cloudwatch') {
    return f === 'throttle'
      ? { status: 400, headers: { 'content-type': json10, 'x-amzn-query-error': 'Throttling;Sender' }, body: JSON.stringify({ __type: 'com.amazonaws.cloudwatch#Throttling', message: 'Rate exceeded' }) }
      : { status: 500, headers: { 'content-type': json10, 'x-amzn-query-error': 'InternalServiceError;Receiver' }, body: JSON.stringify({ __type: 'com.amazonaws.cloudwatch#InternalServiceFault', message: 'internal' }) };
  }
  if (service === 'sagemaker') {
    return f === 'throttle'
      ? { status: 400, headers: { 'content-type': json11 }, body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }) }
      : { status: 503, headers: { 'content-type': json11 }, body: JSON.stringify({ __type: 'ServiceUnavailable', message: 'try later' }) };
  }
  const code = f === 'throttle' ? 'RequestLimitExceeded' : 'Unavailable';
  return { status: 503, headers: { 'content-type': xml }, body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${code}</Message></Error></Errors><RequestID>req-1</RequestID></Response>` };
};

/** Successful answers: a region with one endpoint variant and one running GPU instance. */
const sagemakerAnswer = (op: string): unknown => {
  switch (op) {
    case 'ListTrainingJobs':
      return { TrainingJobSummaries: [] };
    case 'ListEndpoints':
      return { Endpoints: [{ EndpointName: 'chat', EndpointArn: 'arn:aws:sagemaker:eu-west-1:1:endpoint/chat', CreationTime: T0 - 86_400, LastModifiedTime: T0 - 86_400, EndpointStatus: 'InService' }] };
    case 'DescribeEndpoint':
      return {
        EndpointName: 'chat', EndpointArn: 'arn:aws:sagemaker:eu-west-1:1:endpoint/chat', EndpointConfigName: 'chat-cfg', EndpointStatus: 'InService',
        CreationTime: T0 - 86_400, LastModifiedTime: T0 - 86_400, ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 2 }],
      };
    case 'DescribeEndpointConfig':
      return { EndpointConfigName: 'chat-cfg', EndpointConfigArn: 'arn:aws:sagemaker:eu-west-1:1:endpoint-config/chat-cfg', CreationTime: T0 - 86_400, ProductionVariants: [{ VariantName: 'AllTraffic', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 2 }] };
    case 'ListTags':
      return { Tags: [{ Key: 'team', Value: 'nlp' }] };
    default:
      throw new Error(`stand-in has no answer for SageMaker.${op}`);
  }
};
const describeInstancesXml = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-2</requestId><reservationSet><item><reservationId>r-1</reservationId><instancesSet><item>
<instanceId>i-0abc</instanceId><instanceType>g5.xlarge</instanceType><launchTime>${iso(T0 - 7200)}</launchTime><instanceState><code>16</code><name>running</name></instanceState>
<tagSet><item><key>team</key><value>vision</value></item></tagSet></item></instancesSet></item></reservationSet></DescribeInstancesResponse>`;

/** GetMetricData: answers each query; `internalError` ids fail that way in this answer. */
const getMetricDataAnswer = (body: { MetricDataQueries: { Id: string }[] }, internalError: (id: string) => boolean): Reply => ({
  status: 200,
  headers: { 'content-type': json10 },
  body: JSON.stringify({
    MetricDataResults: body.MetricDataQueries.map((q) =>
      internalError(q.Id)
        ? { Id: q.Id, Label: q.Id, Timestamps: [], Values: [], StatusCode: 'InternalError' }
        : { Id: q.Id, Label: q.Id, Timestamps: [T0], Values: [q.Id.includes('_gpu_') ? 400 : 960], StatusCode: 'Complete' },
    ),
    Messages: [],
  }),
});

describe('SDK retries off: HTTP requests received = attempts our budget counts', () => {
  let server: http.Server;
  let endpoint: string;
  /** Every request received, as `<service>.<operation>`. */
  let received: string[] = [];
  /** Faults to answer, consumed in order, per `<service>.<operation>`. */
  let faults: Record<string, Fault[]> = {};
  /** GetMetricData answers to come: per answer, whether query ids containing `_gpu_` fail with InternalError. */
  let gpuInternalError: boolean[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const target = (req.headers['x-amz-target'] as string | undefined) ?? '';
        const service = target.startsWith('GraniteServiceVersion20100801.') ? 'cloudwatch' : target.startsWith('SageMaker.') ? 'sagemaker' : 'ec2';
        const op = service === 'ec2' ? new URLSearchParams(raw).get('Action') ?? '?' : target.split('.')[1];
        const name = `${service}.${op}`;
        received.push(name);
        const fault = faults[name]?.shift();
        let reply: Reply;
        if (fault) reply = faultReply(service, fault);
        else if (service === 'cloudwatch') reply = getMetricDataAnswer(JSON.parse(raw), (id) => (gpuInternalError.shift() ?? false) && id.includes('_gpu_'));
        else if (service === 'sagemaker') reply = { status: 200, headers: { 'content-type': json11 }, body: JSON.stringify(sagemakerAnswer(op)) };
        else reply = { status: 200, headers: { 'content-type': xml }, body: describeInstancesXml };
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    received = [];
    faults = {};
    gpuInternalError = [];
  });

  const clientConfig = (sdkRetries: 'off' | 'sdk-default') => ({
    region: 'eu-west-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    ...(sdkRetries === 'off' ? NO_SDK_RETRIES : {}),
  });
  const noSleep = { sleep: async () => undefined, random: () => 0.5 };
  const job: ResourceRef = {
    kind: 'training-job', id: 'job-http', region: 'eu-west-1', instanceType: 'ml.p4d.24xlarge',
    counts: [{ atSec: T0, instanceCount: 1 }], startSec: T0, status: 'InProgress', tags: {},
  };

  it('GetMetricData under Throttling, 5xx and a per-result InternalError: one request per budget unit', async () => {
    // Prepare: throttled, then a 5xx, then an answer whose GPU result is InternalError, then the retry succeeds.
    faults = { 'cloudwatch.GetMetricData': ['throttle', '5xx'] };
    gpuInternalError = [true, false];
    const client = new CloudWatchClient(clientConfig('off'));
    const budget = new RequestBudget(20);
    const src = new CloudWatchMetricsSource(client, {
      acceleratorCount: () => 8, vcpuCount: () => 96, budget, backoff: { maxAttempts: 6, baseMs: 100, maxMs: 1000, ...noSleep },
    });
    // Act
    const res = await src.fetch([job], { startSec: T0, endSec: T0 + 60 }, 60);
    // Assess
    expect(received).toEqual(Array(4).fill('cloudwatch.GetMetricData'));
    expect(budget.used).toBe(received.length);
    expect(res.apiCalls).toBe(received.length);
    expect(res.telemetry[0].hosts[0].samples[0]).toMatchObject({ gpuUtilPct: 50, cpuUtilPct: 10 }); // 400/8, 960/96
    expect(res.telemetry[0].partial).toBe(false);
    client.destroy();
  });

  it('a sweep of SageMaker and EC2 under ThrottlingException, 503 and RequestLimitExceeded: one request per budget unit', async () => {
    // Prepare
    faults = {
      'sagemaker.ListTrainingJobs': ['throttle', '5xx'],
      'sagemaker.DescribeEndpoint': ['throttle'],
      'sagemaker.ListTags': ['5xx'],
      'ec2.DescribeInstances': ['throttle', '5xx'],
    };
    const sagemaker = new SageMakerClient(clientConfig('off'));
    const ec2 = new EC2Client(clientConfig('off'));
    const budget = new RequestBudget(50);
    const inventory = new AwsWorkloadInventory({
      clientsFor: () => ({ sagemaker, ec2 }), acceleratedFamilies: ['g5'], budget, backoff: { maxAttempts: 6, baseMs: 100, maxMs: 1000, ...noSleep },
    });
    // Act
    const [listing] = await inventory.listRegions({ startSec: T0, endSec: T0 + 3600 }, ['eu-west-1']);
    // Assess: 7 successful requests (two training-job listings, endpoints, DescribeEndpoint, DescribeEndpointConfig,
    // tags, instances) plus the 6 faults answered.
    expect(listing.error).toBeUndefined();
    expect(listing.resources.map((r) => `${r.kind}:${r.id}:${r.tags.team}`)).toEqual(['endpoint:chat/AllTraffic:nlp', 'ec2-instance:i-0abc:vision']);
    expect(received).toHaveLength(7 + 6);
    expect(received.filter((r) => r === 'ec2.DescribeInstances')).toHaveLength(3);
    expect(budget.used).toBe(received.length);
    sagemaker.destroy();
    ec2.destroy();
  });

  it('with the SDK default retries a 5xx costs hidden requests: the server sees more than the budget counts', async () => {
    // Prepare: three 5xx answers in a row, then success; our layer allows 2 attempts.
    faults = { 'cloudwatch.GetMetricData': ['5xx', '5xx', '5xx'] };
    const client = new CloudWatchClient(clientConfig('sdk-default'));
    const budget = new RequestBudget(20);
    const src = new CloudWatchMetricsSource(client, { acceleratorCount: () => 8, vcpuCount: () => 96, budget, backoff: { maxAttempts: 2, baseMs: 1, maxMs: 1, ...noSleep } });
    // Act
    const res = await src.fetch([job], { startSec: T0, endSec: T0 + 60 }, 60);
    // Assess: our 2 attempts became 4 requests (3 inside the first attempt, 1 in the second).
    expect(res.skipped).toEqual([]);
    expect(budget.used).toBe(2);
    expect(received).toHaveLength(4);
    client.destroy();
  });
});
