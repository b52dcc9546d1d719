/** Recomputes the carbon of intervals whose hours got late actuals (EventBridge: Intensity Actuals Updated). */
import middy from '@middy/core';
import { EventBridgeEnvelope, parseOrThrow } from '../../shared/contracts/events';
import type { DepsGetter } from '../../shared/composition/deps';
import { awsDeps } from '../../shared/composition/aws';
import { IntensityActualsUpdated } from '../../shared/use-cases/ingest-intensity';
import { makeRecomputeCarbon, makeRecomputeSweep } from '../../shared/use-cases/recompute-carbon';

export const makeHandler = (getDeps: DepsGetter<'footprint-recompute'>) =>
  middy().handler(async (event: unknown) => {
    const e = parseOrThrow(EventBridgeEnvelope, event, 'event');
    if (e['detail-type'] === 'Scheduled Event') {
      const deps = await getDeps();
      const result = await makeRecomputeSweep({ store: deps.store, providers: deps.intensityProviders, publisher: deps.publisher })(deps.signal, deps.clock.nowSec());
      deps.log('footprint-recompute sweep', result);
      return result;
    }
    const detail = parseOrThrow(IntensityActualsUpdated, e.detail, 'detail');
    const deps = await getDeps();
    // The same provider chain as the collector (stored series first).
    const result = await makeRecomputeCarbon({ store: deps.store, providers: deps.intensityProviders, publisher: deps.publisher })(detail);
    deps.log('footprint-recompute', { ...detail, ...result, days: result.days.length });
    return result;
  });

export const handler = makeHandler(awsDeps('footprint-recompute'));
