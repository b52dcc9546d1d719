import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeTrainingJobCommand,
  ListEndpointsCommand,
  ListTagsCommand,
  ListTrainingJobsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsWorkloadInventory } from '../../../../shared/adapters/aws/sagemaker-inventory';
import { RequestBudget, RequestBudgetExhaustedError } from '../../../../shared/adapters/aws/retry';

const sm = mockClient(SageMakerClient);
const ec2 = mockClient(EC2Client);
beforeEach(() => {
  sm.reset();
  ec2.reset();
  // Defaults: nothing anywhere; each test adds what it needs.
  sm.on(ListTrainingJobsCommand).resolves({ TrainingJobSummaries: [] });
  sm.on(ListEndpointsCommand).resolves({ Endpoints: [] });
  sm.on(ListTagsCommand).resolves({ Tags: [] });
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
});

const T0 = 1_717_200_000; // 2024-06-01T00:00:00Z
const at = (sec: number) => new Date(sec * 1000);
const window = { startSec: T0, endSec: T0 + 3600 };

const inventory = (over: { budget?: RequestBudget; issues?: string[] } = {}) =>
  new AwsWorkloadInventory({
    clientsFor: () => ({ sagemaker: new SageMakerClient({ region: 'eu-west-1' }), ec2: new EC2Client({ region: 'eu-west-1' }) }),
    acceleratedFamilies: ['p4d', 'g5'],
    budget: over.budget,
    backoff: { sleep: async () => undefined, random: () => 0 },
    onIssue: (m) => over.issues?.push(m),
  });

const summary = (name: string) => ({ TrainingJobName: name, TrainingJobArn: `arn:aws:sagemaker:eu-west-1:1:training-job/${name}`, CreationTime: at(T0 - 7200), TrainingJobStatus: 'Completed' as const });

describe('AwsWorkloadInventory: training jobs', () => {
  it('follows ListTrainingJobs pages, describes each job and keeps only jobs that trained in the window', async () => {
    sm.on(ListTrainingJobsCommand, { LastModifiedTimeAfter: at(T0) })
      .resolvesOnce({ TrainingJobSummaries: [summary('a'), summary('b')], NextToken: 't2' })
      .resolvesOnce({ TrainingJobSummaries: [summary('c')] });
    sm.on(ListTrainingJobsCommand, { StatusEquals: 'InProgress' }).resolves({ TrainingJobSummaries: [summary('long'), summary('a')] });
    const job = (name: string, startSec: number | undefined, endSec: number | undefined, type = 'ml.p4d.24xlarge', count = 2) => ({
      TrainingJobName: name,
      TrainingJobArn: `arn:aws:sagemaker:eu-west-1:1:training-job/${name}`,
      TrainingJobStatus: endSec ? ('Completed' as const) : ('InProgress' as const),
      ResourceConfig: { InstanceType: type as any, InstanceCount: count, VolumeSizeInGB: 50 },
      TrainingStartTime: startSec !== undefined ? at(startSec) : undefined,
      TrainingEndTime: endSec !== undefined ? at(endSec) : undefined,
    });
    sm.on(DescribeTrainingJobCommand, { TrainingJobName: 'a' }).resolves(job('a', T0 + 600, T0 + 1200));
    sm.on(DescribeTrainingJobCommand, { TrainingJobName: 'b' }).resolves(job('b', T0 - 7000, T0 - 100)); // ended before the window
    sm.on(DescribeTrainingJobCommand, { TrainingJobName: 'c' }).resolves(job('c', undefined, undefined)); // never started training
    sm.on(DescribeTrainingJobCommand, { TrainingJobName: 'long' }).resolves(job('long', T0 - 86_400, undefined, 'ml.g5.xlarge', 1));
    sm.on(ListTagsCommand, { ResourceArn: 'arn:aws:sagemaker:eu-west-1:1:training-job/a' })
      .resolvesOnce({ Tags: [{ Key: 'Team', Value: 'nlp' }], NextToken: 'x' })
      .resolvesOnce({ Tags: [{ Key: 'model', Value: 'llama' }] });

    const refs = await inventory().listActive(window, ['eu-west-1']);

    expect(sm.commandCalls(ListTrainingJobsCommand)).toHaveLength(3);
    expect(sm.commandCalls(ListTrainingJobsCommand)[1].args[0].input.NextToken).toBe('t2');
    expect(sm.commandCalls(DescribeTrainingJobCommand)).toHaveLength(4); // 'a' listed twice, described once
    expect(refs).toEqual([
      {
        kind: 'training-job', id: 'a', region: 'eu-west-1', instanceType: 'ml.p4d.24xlarge', counts: [{ atSec: T0 + 600, instanceCount: 2 }],
        startSec: T0 + 600, endSec: T0 + 1200, status: 'Completed', tags: { Team: 'nlp', model: 'llama' },
      },
      {
        kind: 'training-job', id: 'long', region: 'eu-west-1', instanceType: 'ml.g5.xlarge', counts: [{ atSec: T0 - 86_400, instanceCount: 1 }],
        startSec: T0 - 86_400, status: 'InProgress', tags: {},
      },
    ]);
  });

  it('reports and skips a job that disappears between list and describe', async () => {
    sm.on(ListTrainingJobsCommand).resolves({ TrainingJobSummaries: [summary('gone')] });
    sm.on(DescribeTrainingJobCommand).rejects(Object.assign(new Error('not found'), { name: 'ResourceNotFound' }));
    const issues: string[] = [];
    expect(await inventory({ issues }).listActive(window, ['eu-west-1'])).toEqual([]);
    expect(issues.join()).toMatch(/training job gone listed but not describable/);
  });

  it('throws when the shared request budget runs out', async () => {
    await expect(inventory({ budget: new RequestBudget(1) }).listActive(window, ['eu-west-1'])).rejects.toBeInstanceOf(RequestBudgetExhaustedError);
  });
});

describe('AwsWorkloadInventory: endpoints', () => {
  it('returns one resource per variant, with the instance type from the endpoint config, and flags serverless variants', async () => {
    sm.on(ListEndpointsCommand).resolves({ Endpoints: [{ EndpointName: 'chat', EndpointArn: 'arn:ep/chat', CreationTime: at(T0 - 86_400), LastModifiedTime: at(T0 - 86_400), EndpointStatus: 'InService' }] });
    sm.on(DescribeEndpointCommand).resolves({
      EndpointName: 'chat', EndpointArn: 'arn:ep/chat', EndpointConfigName: 'chat-cfg', EndpointStatus: 'InService',
      CreationTime: at(T0 - 86_400), LastModifiedTime: at(T0 - 86_400),
      ProductionVariants: [
        { VariantName: 'gpu', CurrentInstanceCount: 3, DesiredInstanceCount: 3 },
        { VariantName: 'faq', CurrentServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } },
      ],
    });
    sm.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigName: 'chat-cfg', EndpointConfigArn: 'arn:cfg', CreationTime: at(T0 - 90_000),
      ProductionVariants: [
        { VariantName: 'gpu', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 },
        { VariantName: 'faq', ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } },
      ],
    });
    sm.on(ListTagsCommand, { ResourceArn: 'arn:ep/chat' }).resolves({ Tags: [{ Key: 'project', Value: 'assistant' }] });

    const refs = await inventory().listActive(window, ['eu-west-1']);

    expect(refs).toEqual([
      {
        kind: 'endpoint', id: 'chat/gpu', region: 'eu-west-1', instanceType: 'ml.g5.xlarge', counts: [{ atSec: T0 - 86_400, instanceCount: 3 }],
        startSec: T0 - 86_400, status: 'InService', tags: { project: 'assistant' },
      },
      {
        kind: 'endpoint', id: 'chat/faq', region: 'eu-west-1', instanceType: 'serverless', counts: [{ atSec: T0 - 86_400, instanceCount: 0 }],
        startSec: T0 - 86_400, status: 'InService', tags: { project: 'assistant' }, serverless: true,
      },
    ]);
    expect(sm.commandCalls(ListEndpointsCommand)[0].args[0].input.CreationTimeBefore).toEqual(at(T0 + 3600));
  });
});

describe('AwsWorkloadInventory: EC2 GPU instances', () => {
  it('filters by accelerated family wildcards, pages through results and keeps instances running in the window', async () => {
    ec2.on(DescribeInstancesCommand)
      .resolvesOnce({
        Reservations: [{ Instances: [
          { InstanceId: 'i-run', InstanceType: 'p4d.24xlarge', LaunchTime: at(T0 - 60), State: { Name: 'running' }, Tags: [{ Key: 'team', Value: 'vision' }] },
          { InstanceId: 'i-old', InstanceType: 'g5.xlarge', LaunchTime: at(T0 - 9000), State: { Name: 'stopped' }, StateTransitionReason: 'User initiated (2024-05-31 22:00:00 GMT)' },
        ] }],
        NextToken: 'n2',
      })
      .resolvesOnce({
        Reservations: [{ Instances: [
          { InstanceId: 'i-stop', InstanceType: 'g5.xlarge', LaunchTime: at(T0 - 9000), State: { Name: 'terminated' }, StateTransitionReason: 'User initiated (2024-06-01 00:30:00 GMT)' },
          { InstanceId: 'i-late', InstanceType: 'g5.xlarge', LaunchTime: at(T0 + 7200), State: { Name: 'running' } },
          { InstanceId: 'i-odd', InstanceType: 'g5.xlarge', LaunchTime: at(T0 - 100), State: { Name: 'stopped' }, StateTransitionReason: '' },
        ] }],
      });
    const issues: string[] = [];
    const refs = await inventory({ issues }).listActive(window, ['eu-west-1']);

    const input = ec2.commandCalls(DescribeInstancesCommand)[0].args[0].input;
    expect(input.Filters).toContainEqual({ Name: 'instance-type', Values: ['p4d.*', 'g5.*'] });
    expect(ec2.commandCalls(DescribeInstancesCommand)[1].args[0].input.NextToken).toBe('n2');
    expect(refs.map((r) => [r.id, r.startSec, r.endSec, r.status])).toEqual([
      ['i-run', T0 - 60, undefined, 'running'],
      ['i-stop', T0 - 9000, T0 + 1800, 'terminated'],
    ]);
    expect(refs[0].tags).toEqual({ team: 'vision' });
    expect(issues.join()).toMatch(/i-odd is stopped with no parseable stop time/);
  });
});

describe('AwsWorkloadInventory.listRegions: what a sweep may conclude from absence', () => {
  const endpointNamed = (name: string, status: 'InService' | 'Deleting' = 'InService', lastModifiedSec = T0 - 86_400) => {
    sm.on(DescribeEndpointCommand, { EndpointName: name }).resolves({
      EndpointName: name, EndpointArn: `arn:ep/${name}`, EndpointConfigName: `${name}-cfg`, EndpointStatus: status,
      CreationTime: at(T0 - 86_400), LastModifiedTime: at(lastModifiedSec), ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 1 }],
    });
    sm.on(DescribeEndpointConfigCommand, { EndpointConfigName: `${name}-cfg` }).resolves({
      EndpointConfigName: `${name}-cfg`, EndpointConfigArn: `arn:cfg/${name}`, CreationTime: at(T0 - 90_000),
      ProductionVariants: [{ VariantName: 'AllTraffic', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 }],
    });
  };

  it('lists endpoints and EC2 completely, training jobs not, and names everything seen — mapped or not — as present', async () => {
    // Prepare: one endpoint in service, one GPU instance stopped long before the window (seen, not active).
    sm.on(ListEndpointsCommand).resolves({ Endpoints: [{ EndpointName: 'chat', EndpointArn: 'arn:ep/chat', CreationTime: at(T0 - 86_400), LastModifiedTime: at(T0 - 86_400), EndpointStatus: 'InService' }] });
    endpointNamed('chat');
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [{ InstanceId: 'i-old', InstanceType: 'g5.xlarge', LaunchTime: at(T0 - 9000), State: { Name: 'stopped' }, StateTransitionReason: 'User initiated (2024-05-31 22:00:00 GMT)' }] }],
    });
    // Act
    const [l] = await inventory().listRegions(window, ['eu-west-1']);
    // Assess
    expect(l).toMatchObject({ region: 'eu-west-1', listedAtSec: window.endSec, completeKinds: ['endpoint', 'ec2-instance'] });
    expect(l.error).toBeUndefined();
    expect(l.resources.map((r) => r.id)).toEqual(['chat/AllTraffic']);
    expect(l.presentKeys.sort()).toEqual(['ec2-instance#eu-west-1#i-old', 'endpoint#eu-west-1#chat/AllTraffic']);
  });

  it('ends a Deleting endpoint at its LastModifiedTime (DeleteEndpoint releases the instances)', async () => {
    sm.on(ListEndpointsCommand).resolves({ Endpoints: [{ EndpointName: 'old', EndpointArn: 'arn:ep/old', CreationTime: at(T0 - 86_400), LastModifiedTime: at(T0 + 600), EndpointStatus: 'Deleting' }] });
    endpointNamed('old', 'Deleting', T0 + 600);
    const [l] = await inventory().listRegions(window, ['eu-west-1']);
    expect(l.resources).toMatchObject([{ id: 'old/AllTraffic', status: 'Deleting', endSec: T0 + 600 }]);
  });

  it('reports a region whose listing failed with its error and no complete kind, keeping what it saw before the failure', async () => {
    sm.on(ListEndpointsCommand).resolves({ Endpoints: [{ EndpointName: 'chat', EndpointArn: 'arn:ep/chat', CreationTime: at(T0 - 86_400), LastModifiedTime: at(T0 - 86_400), EndpointStatus: 'InService' }] });
    endpointNamed('chat');
    ec2.on(DescribeInstancesCommand).rejects(Object.assign(new Error('not allowed'), { name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } }));
    const [l] = await inventory().listRegions(window, ['eu-west-1']);
    expect(l.completeKinds).toEqual([]);
    expect(l.error).toMatch(/eu-west-1: UnauthorizedOperation: not allowed/);
    expect(l.resources.map((r) => r.id)).toEqual(['chat/AllTraffic']);
  });

  it('claims no EC2 completeness when no accelerated family is tracked (nothing was listed)', async () => {
    const inv = new AwsWorkloadInventory({
      clientsFor: () => ({ sagemaker: new SageMakerClient({ region: 'eu-west-1' }), ec2: new EC2Client({ region: 'eu-west-1' }) }),
      acceleratedFamilies: [],
      backoff: { sleep: async () => undefined, random: () => 0 },
    });
    const [l] = await inv.listRegions(window, ['eu-west-1']);
    expect(l.completeKinds).toEqual(['endpoint']);
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(0);
  });
});
