/**
 * The optimise Lambda. Three inputs, one use case each:
 *  - an EventBridge Scheduler one-time schedule (payload `carbonpilot.optimise`): poll one attempt and advance it;
 *  - "Optimisation Attempt Changed" on the CarbonPilot bus (started, or asked to abort / promote / take a score);
 *  - the hourly EventBridge schedule (aws.events Scheduled Event): the sweep that drives any overdue attempt.
 */
import middy from '@middy/core';
import { EventBridgeEnvelope, MalformedEventError, parseOrThrow } from '../../shared/contracts/events';
import { OPTIMISATION_CHANGED, OptimisationChanged, OptimisePollPayload } from '../../shared/contracts/optimisation';
import type { DepsGetter, InvocationContext } from '../../shared/composition/deps';
import { awsDeps } from '../../shared/composition/aws';
import { makeOptimiseDriver } from '../../shared/use-cases/optimise-attempt';

export const makeHandler = (getDeps: DepsGetter<'optimise'>) =>
  middy().handler(async (event: unknown, context: InvocationContext) => {
    const isPoll = (event as { kind?: unknown })?.kind === 'carbonpilot.optimise';
    const poll = isPoll ? parseOrThrow(OptimisePollPayload, event, 'optimise poll') : undefined;
    const e = poll ? undefined : parseOrThrow(EventBridgeEnvelope, event, 'event');
    const deps = await getDeps(context ?? {});
    const driver = makeOptimiseDriver(deps.optimise);
    if (poll) {
      const result = await driver.advance(poll.attemptId);
      deps.log('optimise-poll', { ...result });
      return result;
    }
    if (e!['detail-type'] === OPTIMISATION_CHANGED) {
      const result = await driver.advance(parseOrThrow(OptimisationChanged, e!.detail, 'detail').attemptId);
      deps.log('optimise-changed', { ...result });
      return result;
    }
    if (e!['detail-type'] === 'Scheduled Event') {
      const result = await driver.sweep();
      deps.log('optimise-sweep', { checked: result.checked, advanced: result.advanced.length, errors: result.errors });
      return result;
    }
    throw new MalformedEventError('detail-type', `unexpected ${e!.source} / ${e!['detail-type']}`, 'optimise');
  });

export const handler = makeHandler(awsDeps('optimise'));
