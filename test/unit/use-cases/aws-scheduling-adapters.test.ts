/** AWS adapters of the scheduler against mocked SDK clients: idempotency errors are success, capacity is typed. */
import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { CreateTrainingJobCommand, SageMakerClient, StopTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { atExpression, EventBridgeSegmentScheduler } from '../../../shared/adapters/aws/eventbridge-segment-scheduler';
import { SageMakerTrainingLauncher } from '../../../shared/adapters/aws/sagemaker-training-launcher';
import { CapacityError } from '../../../shared/ports/scheduler-ports';

const sched = mockClient(SchedulerClient);
const sm = mockClient(SageMakerClient);
beforeEach(() => {
  sched.reset();
  sm.reset();
});
const awsError = (name: string, message = name) => Object.assign(new Error(message), { name, $fault: 'client', $metadata: {} });
const payload = { kind: 'carbonpilot.dispatch' as const, jobId: 'abcdef0123456789abcd', segment: 0, action: 'start' as const, planRevision: 0, attempt: 0 };

describe('EventBridgeSegmentScheduler', () => {
  const s = () => new EventBridgeSegmentScheduler(new SchedulerClient({ region: 'us-east-1' }), { targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:dispatch', roleArn: 'arn:aws:iam::123456789012:role/sched' });

  it('creates a one-time at() schedule in UTC that deletes itself and targets the dispatch Lambda', async () => {
    sched.on(CreateScheduleCommand).resolves({});
    await s().createOneTime('cp-x-r0-s0-start', 1_717_236_000, payload);
    const input = sched.commandCalls(CreateScheduleCommand)[0].args[0].input;
    expect(input).toMatchObject({
      Name: 'cp-x-r0-s0-start',
      ScheduleExpression: 'at(2024-06-01T10:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: 'arn:aws:lambda:us-east-1:123456789012:function:dispatch', RoleArn: 'arn:aws:iam::123456789012:role/sched' },
    });
    expect(JSON.parse(input.Target!.Input!)).toEqual(payload);
  });

  it('ConflictException (already exists) is success; other errors propagate', async () => {
    sched.on(CreateScheduleCommand).rejectsOnce(awsError('ConflictException')).rejectsOnce(awsError('ValidationException'));
    await expect(s().createOneTime('n', 1_717_236_000, payload)).resolves.toBeUndefined();
    await expect(s().createOneTime('n', 1_717_236_000, payload)).rejects.toThrow('ValidationException');
  });

  it('deleting a schedule that is gone is success', async () => {
    sched.on(DeleteScheduleCommand).rejects(awsError('ResourceNotFoundException'));
    await expect(s().delete('n')).resolves.toBeUndefined();
  });

  it('at() drops sub-second precision and uses the UTC wall time', () => {
    expect(atExpression(1_717_200_000.7)).toBe('at(2024-06-01T00:00:00)');
  });
});

describe('SageMakerTrainingLauncher', () => {
  const regions: string[] = [];
  const l = () => new SageMakerTrainingLauncher((region) => (regions.push(region), new SageMakerClient({ region })));

  it('creates the job in the target region under the given name', async () => {
    sm.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: 'arn' });
    await expect(l().create('eu-north-1', 'bert-abcdef01-s0', { RoleArn: 'r', TrainingJobName: 'other' })).resolves.toBe('created');
    expect(regions.at(-1)).toBe('eu-north-1');
    expect(sm.commandCalls(CreateTrainingJobCommand)[0].args[0].input.TrainingJobName).toBe('bert-abcdef01-s0');
  });

  it('ResourceInUse "already exists" is success (duplicate delivery)', async () => {
    sm.on(CreateTrainingJobCommand).rejects(awsError('ResourceInUse', 'Training job names must be unique within an AWS account and region, and a training job with this name already exists'));
    await expect(l().create('us-east-1', 'n', {})).resolves.toBe('exists');
  });

  it.each(['ResourceLimitExceeded', 'CapacityError'])('%s becomes a retryable CapacityError', async (name) => {
    sm.on(CreateTrainingJobCommand).rejects(awsError(name));
    const e = await l().create('us-east-1', 'n', {}).catch((x) => x);
    expect(e).toBeInstanceOf(CapacityError);
    expect(e).toMatchObject({ retryable: true, region: 'us-east-1' });
  });

  it('other errors are not swallowed', async () => {
    sm.on(CreateTrainingJobCommand).rejects(awsError('ValidationException', 'bad role'));
    await expect(l().create('us-east-1', 'n', {})).rejects.toThrow('bad role');
  });

  it('stopping a job that already stopped is success', async () => {
    sm.on(StopTrainingJobCommand).rejects(awsError('ValidationException', 'The training job status is Stopped'));
    await expect(l().stop('us-east-1', 'n')).resolves.toBeUndefined();
  });
});
