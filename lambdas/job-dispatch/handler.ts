/**
 * The dispatcher Lambda. Three inputs, one use case each:
 *  - an EventBridge Scheduler one-time schedule (payload `carbonpilot.dispatch`): start/stop a segment;
 *  - SageMaker Training Job State Change (EventBridge, aws.sagemaker): completion, failure, external stop;
 *  - the hourly EventBridge schedule (aws.events Scheduled Event): re-plan jobs not yet started.
 */
import middy from '@middy/core';
import { EventBridgeEnvelope, MalformedEventError, parseOrThrow } from '../../shared/contracts/events';
import { DispatchPayload, TrainingJobStateChange } from '../../shared/contracts/job-request';
import type { AppDeps } from '../../shared/composition/deps';
import { awsDeps, awsSchedulingDeps } from '../../shared/composition/aws';
import type { SchedulingDeps } from '../../shared/ports/scheduler-ports';
import { makeDispatchSegment } from '../../shared/use-cases/dispatch-segment';
import { makeReplanJobs } from '../../shared/use-cases/replan-jobs';

export type JobsAppDeps = AppDeps & { scheduling: SchedulingDeps };

let cached: Promise<JobsAppDeps> | undefined;
const awsJobsDeps = (targetArn: string) =>
  (cached ??= awsDeps().then((app) => ({ ...app, scheduling: awsSchedulingDeps(app, process.env.DISPATCH_FUNCTION_ARN ?? targetArn) })));

export const makeHandler = (getDeps: (context: { invokedFunctionArn?: string }) => Promise<AppDeps & { scheduling?: SchedulingDeps }>) =>
  middy().handler(async (event: unknown, context: { invokedFunctionArn?: string }) => {
    const deps = await getDeps(context ?? {});
    if (!deps.scheduling) throw new Error('job-dispatch: deps.scheduling is not configured');
    const d = deps.scheduling;
    if ((event as { kind?: unknown })?.kind === 'carbonpilot.dispatch') {
      const result = await makeDispatchSegment(d).dispatch(parseOrThrow(DispatchPayload, event, 'dispatch payload'));
      deps.log('job-dispatch', { ...result });
      return result;
    }
    const e = parseOrThrow(EventBridgeEnvelope, event, 'event');
    if (e.source === 'aws.sagemaker' && e['detail-type'] === 'SageMaker Training Job State Change') {
      const result = await makeDispatchSegment(d).onStateChange(parseOrThrow(TrainingJobStateChange, e.detail, 'detail'));
      deps.log('job-state-change', { ...result });
      return result;
    }
    if (e['detail-type'] === 'Scheduled Event') {
      const result = await makeReplanJobs(d)();
      deps.log('replan-jobs', { ...result });
      return result;
    }
    throw new MalformedEventError('detail-type', `unexpected ${e.source} / ${e['detail-type']}`, 'job-dispatch');
  });

export const handler = makeHandler((ctx) => awsJobsDeps(ctx.invokedFunctionArn ?? ''));
