/**
 * OptimisePollScheduler on EventBridge Scheduler: one one-time schedule per poll (`at()` in UTC, deleted after it
 * fires), targeting the optimise function itself. Names are deterministic per attempt version, so
 * `ConflictException` (already scheduled) is success. SageMaker emits no events for optimization jobs: polling is the
 * only way to follow them (DescribeOptimizationJob).
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#one-time
 */
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { OptimisePollPayload } from '../../contracts/optimisation';
import type { OptimisePollScheduler } from '../../ports/optimisation-ports';
import type { EpochSec } from '../../domain/time';
import { createOneTimeSchedule } from './eventbridge-segment-scheduler';

export interface EventBridgeOptimisationSchedulerOptions {
  /** ARN of the optimise function (its own ARN from the invocation context). */
  targetArn: string;
  /** Role EventBridge Scheduler assumes to invoke it (SCHEDULER_ROLE_ARN). */
  roleArn: string;
  groupName?: string;
  deadLetterArn?: string;
}

export class EventBridgeOptimisationScheduler implements OptimisePollScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly o: EventBridgeOptimisationSchedulerOptions,
  ) {}

  async schedule(name: string, atSec: EpochSec, payload: OptimisePollPayload): Promise<void> {
    // A late poll is still wanted; the hourly sweep is the backstop for one that never arrives.
    await createOneTimeSchedule(this.client, this.o, name, atSec, payload, `carbonpilot optimisation poll ${payload.attemptId}`);
  }
}
