/**
 * Inventory resources carry their AWS account (for reconciliation with AWS's per-account carbon export): from the
 * training job's and endpoint's ARN, and from the EC2 reservation's OwnerId; absent when the source gives none.
 */
import { DescribeEndpointCommand, DescribeEndpointConfigCommand, DescribeTrainingJobCommand, ListEndpointsCommand, ListTagsCommand, ListTrainingJobsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsWorkloadInventory } from '../../../../shared/adapters/aws/sagemaker-inventory';
import { accountOfArn } from '../../../../shared/adapters/aws/ec2-inventory';

const sm = mockClient(SageMakerClient);
const ec2 = mockClient(EC2Client);
const T0 = Date.UTC(2026, 10, 1) / 1000;
const at = (sec: number) => new Date(sec * 1000);
const window = { startSec: T0, endSec: T0 + 3600 };
const ACCOUNT = '111122223333';

beforeEach(() => {
  sm.reset();
  ec2.reset();
  sm.on(ListTrainingJobsCommand).resolves({ TrainingJobSummaries: [] });
  sm.on(ListEndpointsCommand).resolves({ Endpoints: [] });
  sm.on(ListTagsCommand).resolves({ Tags: [] });
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
});

const inventory = () =>
  new AwsWorkloadInventory({
    clientsFor: () => ({ sagemaker: new SageMakerClient({ region: 'eu-west-1' }), ec2: new EC2Client({ region: 'eu-west-1' }) }),
    acceleratedFamilies: ['p4d'],
    backoff: { sleep: async () => undefined, random: () => 0 },
  });

describe('account ids in the inventory', () => {
  it.each([
    [`arn:aws:sagemaker:eu-west-1:${ACCOUNT}:training-job/a`, ACCOUNT],
    [`arn:aws-cn:sagemaker:cn-north-1:${ACCOUNT}:endpoint/chat`, ACCOUNT],
    ['arn:aws:s3:::bucket/key', undefined], // S3 ARNs carry no account
    ['not-an-arn', undefined],
    [undefined, undefined],
  ])('accountOfArn(%s) = %s', (arn, want) => {
    expect(accountOfArn(arn)).toBe(want);
  });

  it('a training job gets the account of its TrainingJobArn, an endpoint variant that of its EndpointArn', async () => {
    // Prepare
    sm.on(ListTrainingJobsCommand, { StatusEquals: 'InProgress' }).resolves({ TrainingJobSummaries: [{ TrainingJobName: 'a', TrainingJobArn: `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:training-job/a`, CreationTime: at(T0 - 60), TrainingJobStatus: 'InProgress' }] });
    sm.on(DescribeTrainingJobCommand).resolves({
      TrainingJobName: 'a', TrainingJobArn: `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:training-job/a`, TrainingJobStatus: 'InProgress',
      ResourceConfig: { InstanceType: 'ml.p4d.24xlarge', InstanceCount: 1, VolumeSizeInGB: 50 }, TrainingStartTime: at(T0 - 60),
    } as never);
    sm.on(ListEndpointsCommand).resolves({ Endpoints: [{ EndpointName: 'chat', EndpointArn: `arn:aws:sagemaker:eu-west-1:444455556666:endpoint/chat`, CreationTime: at(T0 - 86400), LastModifiedTime: at(T0 - 86400), EndpointStatus: 'InService' }] });
    sm.on(DescribeEndpointCommand).resolves({
      EndpointName: 'chat', EndpointArn: 'arn:aws:sagemaker:eu-west-1:444455556666:endpoint/chat', EndpointConfigName: 'cfg', EndpointStatus: 'InService', CreationTime: at(T0 - 86400), LastModifiedTime: at(T0 - 86400),
      ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 1 }],
    } as never);
    sm.on(DescribeEndpointConfigCommand).resolves({ EndpointConfigName: 'cfg', ProductionVariants: [{ VariantName: 'AllTraffic', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 }] } as never);
    // Act
    const refs = await inventory().listActive(window, ['eu-west-1']);
    // Assess
    expect(refs.map((r) => [r.kind, r.id, r.accountId])).toEqual([
      ['training-job', 'a', ACCOUNT],
      ['endpoint', 'chat/AllTraffic', '444455556666'],
    ]);
  });

  it('an EC2 instance gets the OwnerId of its reservation, and none when the reservation has none', async () => {
    const inst = (id: string) => ({ InstanceId: id, InstanceType: 'p4d.24xlarge', LaunchTime: at(T0 - 600), State: { Name: 'running' } });
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ OwnerId: ACCOUNT, Instances: [inst('i-1')] }, { Instances: [inst('i-2')] }] } as never);
    const refs = await inventory().listActive(window, ['eu-west-1']);
    expect(refs.map((r) => [r.id, r.accountId])).toEqual([['i-1', ACCOUNT], ['i-2', undefined]]);
    expect('accountId' in refs[1]).toBe(false);
  });
});
