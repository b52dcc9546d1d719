/**
 * SegmentScheduler on EventBridge Scheduler: one one-time schedule per segment action, `at(yyyy-mm-ddThh:mm:ss)`
 * in UTC, deleted by the service after it fires (`ActionAfterCompletion: DELETE`), targeting the dispatch Lambda.
 * Schedule names are deterministic, so `ConflictException` (already exists) is success and a missing schedule on
 * delete (`ResourceNotFoundException`) is success too.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#one-time
 */
import { CreateScheduleCommand, DeleteScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import type { DispatchPayload } from '../../contracts/job-request';
import type { SegmentScheduler } from '../../ports/scheduler-ports';
import type { EpochSec } from '../../domain/time';

export interface EventBridgeSegmentSchedulerOptions {
  /** ARN of the job-dispatch Lambda (env DISPATCH_FUNCTION_ARN). */
  targetArn: string;
  /** Role EventBridge Scheduler assumes to invoke the target (env SCHEDULER_ROLE_ARN). */
  roleArn: string;
  /** Schedule group (env SCHEDULE_GROUP_NAME); 'default' when omitted. */
  groupName?: string;
  /** SQS queue ARN for deliveries that exhausted their retries. */
  deadLetterArn?: string;
}

/** `at()` wants local date-time without zone; with ScheduleExpressionTimezone UTC that is the UTC wall time. */
export const atExpression = (tSec: EpochSec): string => `at(${new Date(Math.floor(tSec) * 1000).toISOString().slice(0, 19)})`;

const nameOf = (e: unknown): string | undefined => (e as { name?: string })?.name;

/**
 * One one-time schedule at `atSec` (UTC) invoking `o.targetArn` with `payload`, deleted after it fires; a late
 * delivery is retried for up to 6 h (the caller's sweep is the backstop). An existing schedule of that name is success.
 */
export async function createOneTimeSchedule(
  client: SchedulerClient,
  o: { targetArn: string; roleArn: string; groupName?: string; deadLetterArn?: string },
  name: string,
  atSec: EpochSec,
  payload: unknown,
  description: string,
): Promise<void> {
  try {
    await client.send(
      new CreateScheduleCommand({
        Name: name,
        GroupName: o.groupName,
        ScheduleExpression: atExpression(atSec),
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: o.targetArn,
          RoleArn: o.roleArn,
          Input: JSON.stringify(payload),
          RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 6 * 3600 },
          ...(o.deadLetterArn ? { DeadLetterConfig: { Arn: o.deadLetterArn } } : {}),
        },
        Description: description,
      }),
    );
  } catch (e) {
    if (nameOf(e) === 'ConflictException') return; // same deterministic name: already scheduled
    throw e;
  }
}

export class EventBridgeSegmentScheduler implements SegmentScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly o: EventBridgeSegmentSchedulerOptions,
  ) {}

  async createOneTime(name: string, atSec: EpochSec, payload: DispatchPayload): Promise<void> {
    // A segment start that is hours late is still wanted (the dispatcher runs a late job to completion).
    await createOneTimeSchedule(this.client, this.o, name, atSec, payload, `carbonpilot ${payload.action} job ${payload.jobId} segment ${payload.segment}`);
  }

  async delete(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.o.groupName }));
    } catch (e) {
      if (nameOf(e) === 'ResourceNotFoundException') return; // fired and auto-deleted, or never created
      throw e;
    }
  }
}
