import { MalformedEventError, parseStateChangeEvent } from '../../../../shared/adapters/aws/sagemaker-inventory';
import { normaliseEndpointStatus } from '../../../../shared/adapters/aws/state-change-event';
import { applyStateChange, isLiveStatus } from '../../../../shared/domain/inventory';
import type { ResourceRef } from '../../../../shared/domain/types';

// Shapes follow the AWS documentation examples for each detail-type.
const training = {
  version: '0', id: 'e1', source: 'aws.sagemaker', account: '123456789012', time: '2024-06-01T00:10:00Z', region: 'eu-west-1',
  'detail-type': 'SageMaker Training Job State Change', resources: ['arn:aws:sagemaker:eu-west-1:123456789012:training-job/llm-ft'],
  detail: { TrainingJobName: 'llm-ft', TrainingJobStatus: 'Completed', SecondaryStatus: 'Completed', ResourceConfig: { InstanceType: 'ml.p4d.24xlarge', InstanceCount: 2 } },
};
const endpoint = {
  ...training, 'detail-type': 'SageMaker Endpoint State Change', resources: [],
  detail: { EndpointName: 'chat', EndpointStatus: 'IN_SERVICE', EndpointConfigName: 'chat-cfg' },
};
const ec2 = {
  ...training, source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', time: '2024-06-01T02:00:00+02:00',
  detail: { 'instance-id': 'i-0abc', state: 'running' },
};

describe('parseStateChangeEvent', () => {
  it.each([
    ['training job', training, { kind: 'training-job', region: 'eu-west-1', id: 'llm-ft', state: 'Completed', atSec: 1_717_200_600 }],
    ['endpoint (status normalised to the DescribeEndpoint spelling)', endpoint, { kind: 'endpoint', region: 'eu-west-1', id: 'chat', state: 'InService', atSec: 1_717_200_600 }],
    ['endpoint with epoch-ms time (SageMaker guide example)', { ...endpoint, time: '1717200600000', detail: { ...endpoint.detail, EndpointStatus: 'OUT_OF_SERVICE' } },
      { kind: 'endpoint', region: 'eu-west-1', id: 'chat', state: 'OutOfService', atSec: 1_717_200_600 }],
    ['EC2 instance (time with an offset)', ec2, { kind: 'ec2-instance', region: 'eu-west-1', id: 'i-0abc', state: 'running', atSec: 1_717_200_000 }],
  ])('parses a %s state change', (_n, event, expected) => {
    expect(parseStateChangeEvent(event)).toEqual(expected);
  });

  it.each([
    ['missing job name', { ...training, detail: { TrainingJobStatus: 'Failed' } }, 'detail.TrainingJobName'],
    ['blank endpoint status', { ...endpoint, detail: { EndpointName: 'chat', EndpointStatus: '  ' } }, 'detail.EndpointStatus'],
    ['missing instance id', { ...ec2, detail: { state: 'stopped' } }, 'detail.instance-id'],
    ['missing region', { ...training, region: undefined }, 'region'],
    ['time without a zone', { ...training, time: '2024-06-01T00:10:00' }, 'time'],
    ['no detail', { ...training, detail: undefined }, 'detail'],
    ['unsupported detail-type', { ...training, 'detail-type': 'SageMaker Model State Change' }, 'detail-type'],
  ])('rejects an event with %s, naming the field', (_n, event, field) => {
    let err: unknown;
    try {
      parseStateChangeEvent(event);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MalformedEventError);
    expect((err as MalformedEventError).field).toBe(field);
    expect((err as Error).message).toContain(field);
  });

  it.each([
    // EventBridge UPPER_SNAKE → the DescribeEndpoint spelling (SageMaker API reference, EndpointSummary.EndpointStatus).
    ['IN_SERVICE', 'InService', true],
    ['CREATING', 'Creating', true],
    ['UPDATING', 'Updating', true],
    ['SYSTEM_UPDATING', 'SystemUpdating', true],
    ['ROLLING_BACK', 'RollingBack', true],
    ['OUT_OF_SERVICE', 'OutOfService', false],
    ['DELETING', 'Deleting', false],
    ['FAILED', 'Failed', false],
  ])('normalises endpoint status %s to %s (live: %s)', (raw, api, live) => {
    expect(normaliseEndpointStatus(raw)).toBe(api);
    expect(isLiveStatus('endpoint', api)).toBe(live);
  });

  it('a DELETING endpoint event (epoch-ms time) names the endpoint and, applied to a stored variant, ends it', () => {
    // Prepare
    const ev = parseStateChangeEvent({ ...endpoint, time: '1717204200000', detail: { ...endpoint.detail, EndpointStatus: 'DELETING' } });
    const stored: ResourceRef = {
      kind: 'endpoint', id: 'chat/AllTraffic', region: 'eu-west-1', instanceType: 'ml.g5.xlarge',
      counts: [{ atSec: 1_717_000_000, instanceCount: 2 }], startSec: 1_717_000_000, status: 'InService', tags: {},
    };
    // Act
    const ended = applyStateChange(stored, { ...ev, id: stored.id });
    // Assess
    expect(ev).toEqual({ kind: 'endpoint', region: 'eu-west-1', id: 'chat', state: 'Deleting', atSec: 1_717_204_200 });
    expect(ended).toMatchObject({ endSec: 1_717_204_200, status: 'Deleting' });
  });

  it('rejects something that is not an object', () => {
    expect(() => parseStateChangeEvent('nope')).toThrow(MalformedEventError);
  });
});
