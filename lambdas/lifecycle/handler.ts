/**
 * The lifecycle function: hourly (EventBridge schedule) it advances due actions and, once per UTC day, evaluates and
 * proposes; a `SageMaker Endpoint State Change` continues that endpoint's open action (e.g. an unpark reaching InService).
 */
import middy from '@middy/core';
import { EventBridgeEnvelope, MalformedEventError, parseOrThrow } from '../../shared/contracts/events';
import { EndpointStateChangeDetail } from '../../shared/contracts/lifecycle';
import type { DepsGetter } from '../../shared/composition/deps';
import { awsDeps } from '../../shared/composition/aws';
import { makeLifecycleFunction } from '../../shared/use-cases/lifecycle-run';

export const makeHandler = (getDeps: DepsGetter<'lifecycle'>) =>
  middy().handler(async (event: unknown) => {
    const e = parseOrThrow(EventBridgeEnvelope, event, 'event');
    const change = e['detail-type'] === 'SageMaker Endpoint State Change' ? parseOrThrow(EndpointStateChangeDetail, e.detail, 'detail') : undefined;
    if (change && !e.region) throw new MalformedEventError('region', 'an endpoint state change must name its region');
    const deps = await getDeps();
    const result = await makeLifecycleFunction(deps)(change ? { subject: { kind: 'endpoint', region: e.region!, name: change.EndpointName } } : {});
    deps.log('lifecycle', { evaluated: result.evaluated, day: result.day, subjects: result.subjects, proposed: result.proposed, advanced: result.advanced, errors: result.errors });
    return result;
  });

export const handler = makeHandler(awsDeps('lifecycle'));
