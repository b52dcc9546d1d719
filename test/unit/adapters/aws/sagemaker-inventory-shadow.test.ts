/**
 * A shadow test's candidate variant runs its own instances: the inventory tracks it like a production variant (from
 * DescribeEndpoint ShadowProductionVariants and DescribeEndpointConfig ShadowProductionVariants), so the footprint
 * pipeline measures its energy — what the optimisation pipeline compares.
 */
import { DescribeEndpointCommand, DescribeEndpointConfigCommand, ListEndpointsCommand, ListTagsCommand, ListTrainingJobsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsWorkloadInventory } from '../../../../shared/adapters/aws/sagemaker-inventory';

const sm = mockClient(SageMakerClient);
const ec2 = mockClient(EC2Client);
const T0 = 1_717_200_000;
const at = (s: number) => new Date(s * 1000);

it('lists the shadow variant of an endpoint under test with its own instance type and count', async () => {
  // Prepare
  sm.on(ListTrainingJobsCommand).resolves({ TrainingJobSummaries: [] });
  sm.on(ListTagsCommand).resolves({ Tags: [{ Key: 'model', Value: 'chat' }] });
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
  sm.on(ListEndpointsCommand).resolves({ Endpoints: [{ EndpointName: 'chat', EndpointArn: 'arn:e', CreationTime: at(T0 - 86_400), LastModifiedTime: at(T0), EndpointStatus: 'InService' }] });
  sm.on(DescribeEndpointCommand).resolves({
    EndpointName: 'chat', EndpointArn: 'arn:e', EndpointConfigName: 'exp-cfg', EndpointStatus: 'InService', CreationTime: at(T0 - 86_400), LastModifiedTime: at(T0),
    ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 1 }], ShadowProductionVariants: [{ VariantName: 'shadow-1', CurrentInstanceCount: 1 }],
  });
  sm.on(DescribeEndpointConfigCommand).resolves({
    EndpointConfigName: 'exp-cfg', EndpointConfigArn: 'arn:c', CreationTime: at(T0),
    ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'base', InstanceType: 'ml.p5.48xlarge', InitialInstanceCount: 1 }],
    ShadowProductionVariants: [{ VariantName: 'shadow-1', ModelName: 'cand', InstanceType: 'ml.g6e.12xlarge', InitialInstanceCount: 1 }],
  });
  const inv = new AwsWorkloadInventory({ clientsFor: () => ({ sagemaker: new SageMakerClient({ region: 'us-east-1' }), ec2: new EC2Client({ region: 'us-east-1' }) }), acceleratedFamilies: [], backoff: { sleep: async () => undefined, random: () => 0 } });
  // Act
  const out = await inv.listActive({ startSec: T0, endSec: T0 + 3600 }, ['us-east-1']);
  // Assess
  expect(out.map((r) => [r.id, r.instanceType, r.counts[0].instanceCount, r.tags.model])).toEqual([
    ['chat/AllTraffic', 'ml.p5.48xlarge', 1, 'chat'],
    ['chat/shadow-1', 'ml.g6e.12xlarge', 1, 'chat'],
  ]);
});
