/**
 * Evaluates every carbon budget (EventBridge: hourly schedule, and `Rollups Updated`): moves notification states by
 * compare-and-set and publishes `Carbon Budget Threshold Crossed` once per state change (shared/use-cases/evaluate-budgets.ts).
 * The evaluation reads the store at its own watermark, so which trigger fired, a duplicate or a late delivery changes nothing.
 */
import middy from '@middy/core';
import { EventBridgeEnvelope, parseOrThrow, RollupsUpdated } from '../../shared/contracts/events';
import type { DepsGetter } from '../../shared/composition/deps';
import { makeEvaluateBudgets } from '../../shared/use-cases/evaluate-budgets';
import { awsDeps } from '../../shared/composition/aws';

export const makeHandler = (getDeps: DepsGetter<'budget-evaluate'>) =>
  middy().handler(async (event: unknown) => {
    const e = parseOrThrow(EventBridgeEnvelope, event, 'event');
    if (e['detail-type'] !== 'Scheduled Event') parseOrThrow(RollupsUpdated, e.detail, 'detail');
    const deps = await getDeps();
    const result = await makeEvaluateBudgets(deps)();
    // One bad budget is reported and the others evaluated; a failure to publish throws (the delivery is retried).
    if (result.errors.length) deps.log('budget evaluation errors', { errors: result.errors });
    return { budgets: result.budgets, transitions: result.transitions.length, published: result.published, stale: result.stale, errors: result.errors.length };
  });

export const handler = makeHandler(awsDeps('budget-evaluate'));
