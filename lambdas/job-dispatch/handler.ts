/**
 * The dispatcher Lambda. Three inputs, one use case each:
 *  - an EventBridge Scheduler one-time schedule (payload `carbonpilot.dispatch`): start/stop a segment;
 *  - SageMaker Training Job State Change (EventBridge, aws.sagemaker): completion, failure, external stop;
 *  - the hourly EventBridge schedule (aws.events Scheduled Event): re-plan jobs not yet started.
 */
import middy from '@middy/core';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeEnvelope, MalformedEventError, parseOrThrow } from '../../shared/contracts/events';
import { DispatchPayload, TrainingJobStateChange } from '../../shared/contracts/job-request';
import type { AppDeps } from '../../shared/composition/deps';
import { awsDeps } from '../../shared/composition/aws';
import type { SchedulingDeps } from '../../shared/ports/scheduler-ports';
import { makeDispatchSegment } from '../../shared/use-cases/dispatch-segment';
import { makeReplanJobs } from '../../shared/use-cases/replan-jobs';
import { DynamoJobStore } from '../../shared/adapters/aws/dynamodb-job-store';
import { EventBridgeSegmentScheduler } from '../../shared/adapters/aws/eventbridge-segment-scheduler';
import { SageMakerTrainingLauncher } from '../../shared/adapters/aws/sagemaker-training-launcher';
import { SeriesForecastSource } from '../../shared/adapters/intensity/series-forecast-source';

export type JobsAppDeps = AppDeps & { scheduling: SchedulingDeps };

/** AWS scheduling adapters over the app deps (clients once per cold start). `targetArn` = the dispatch Lambda. */
export function awsSchedulingDeps(app: AppDeps, targetArn: string, env: Record<string, string | undefined> = process.env): SchedulingDeps {
  const roleArn = env.SCHEDULER_ROLE_ARN;
  if (!roleArn) throw new Error('configuration: SCHEDULER_ROLE_ARN is required');
  const sagemakers = new Map<string, SageMakerClient>();
  return {
    jobs: new DynamoJobStore(new DynamoDBClient({}), app.config.tableName),
    scheduler: new EventBridgeSegmentScheduler(new SchedulerClient({}), { targetArn, roleArn, groupName: env.SCHEDULE_GROUP_NAME, deadLetterArn: env.SCHEDULER_DLQ_ARN }),
    launcher: new SageMakerTrainingLauncher((region) => {
      let c = sagemakers.get(region);
      if (!c) sagemakers.set(region, (c = new SageMakerClient({ region })));
      return c;
    }),
    forecasts: new SeriesForecastSource(app.intensityProviders),
    clock: app.clock,
    regionInfo: app.regionInfo,
    lookupInstance: app.lookupInstance,
    log: app.log,
  };
}

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
