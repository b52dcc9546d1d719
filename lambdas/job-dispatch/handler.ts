/**
 * The dispatcher Lambda. Three inputs, one use case each:
 *  - an EventBridge Scheduler one-time schedule (payload `carbonpilot.dispatch`): start/stop a segment;
 *  - SageMaker Training Job State Change (EventBridge, aws.sagemaker; forwarded from every allowed region): completion,
 *    failure, external stop;
 *  - the hourly EventBridge schedule (aws.events Scheduled Event): reconcile running segments with SageMaker
 *    (DescribeTrainingJob in their region), then re-plan jobs not yet started.
 */
import middy from '@middy/core';
import { EventBridgeEnvelope, MalformedEventError, parseOrThrow } from '../../shared/contracts/events';
import { DispatchPayload, TrainingJobStateChange } from '../../shared/contracts/job-request';
import type { DepsGetter, InvocationContext } from '../../shared/composition/deps';
import { awsDeps } from '../../shared/composition/aws';
import { makeDispatchSegment } from '../../shared/use-cases/dispatch-segment';
import { makeReplanJobs } from '../../shared/use-cases/replan-jobs';

export const makeHandler = (getDeps: DepsGetter<'job-dispatch'>) =>
  middy().handler(async (event: unknown, context: InvocationContext) => {
    const isDispatch = (event as { kind?: unknown })?.kind === 'carbonpilot.dispatch';
    const payload = isDispatch ? parseOrThrow(DispatchPayload, event, 'dispatch payload') : undefined;
    const e = payload ? undefined : parseOrThrow(EventBridgeEnvelope, event, 'event');
    const deps = await getDeps(context ?? {});
    const d = deps.scheduling;
    if (payload) {
      const result = await makeDispatchSegment(d).dispatch(payload);
      deps.log('job-dispatch', { ...result });
      return result;
    }
    if (e!.source === 'aws.sagemaker' && e!['detail-type'] === 'SageMaker Training Job State Change') {
      const result = await makeDispatchSegment(d).onStateChange(parseOrThrow(TrainingJobStateChange, e!.detail, 'detail'));
      deps.log('job-state-change', { ...result, region: e!.region });
      return result;
    }
    if (e!['detail-type'] === 'Scheduled Event') {
      const reconciled = await makeDispatchSegment(d).reconcile();
      const result = await makeReplanJobs(d)();
      deps.log('replan-jobs', { ...result, reconciled });
      return { ...result, reconciled };
    }
    throw new MalformedEventError('detail-type', `unexpected ${e!.source} / ${e!['detail-type']}`, 'job-dispatch');
  });

export const handler = makeHandler(awsDeps('job-dispatch'));
