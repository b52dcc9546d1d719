/** Hand-built lifecycle fixtures (endpoint variants and hourly intervals) with round numbers. */
import type { FootprintInterval, ResourceRef } from '../../shared/domain/types';
import { HOUR_SEC, DAY_SEC } from '../../shared/domain/time';

export const T0 = Date.UTC(2026, 10, 1) / 1000; // 2026-11-01T00:00:00Z

export const variant = (o: Partial<ResourceRef> = {}): ResourceRef => ({
  kind: 'endpoint',
  id: 'ep-a/AllTraffic',
  region: 'eu-west-1',
  instanceType: 'ml.g5.xlarge',
  counts: [{ atSec: T0 - DAY_SEC, instanceCount: 1 }],
  startSec: T0 - DAY_SEC,
  status: 'InService',
  tags: { team: 'nlp', 'carbonpilot:managed': 'true' },
  ...o,
});

/** One hourly interval of `r` starting at T0 + h hours: 1 kWh IT × PUE 1.2, 0.3 kgCO2e, unless overridden. */
export const hour = (r: ResourceRef, h: number, o: Partial<FootprintInterval> = {}): FootprintInterval => ({
  resourceKey: `${r.kind}#${r.region}#${r.id}`, kind: r.kind, resourceId: r.id, region: r.region, instanceType: r.instanceType,
  attribution: { team: 'nlp', project: 'p', model: 'm' }, intervalStartSec: T0 + h * HOUR_SEC, intervalSec: HOUR_SEC,
  itEnergyKwh: { point: 1, low: 0.5, high: 2 }, pue: 1.2, pueSource: 'test', energyKwh: { point: 1.2, low: 0.6, high: 2.4 },
  co2eKg: { point: 0.3, low: 0.15, high: 0.6 }, intensityGPerKwh: 250, intensitySignal: 'average-lifecycle', intensityZone: 'IE',
  intensityProvider: 'test', intensityQuality: 'actual', method: 'estimated', measuredShare: 0, coveragePct: 100, meanGpuUtilPct: 2,
  modelVersion: 't', provisional: false, revision: 14, issues: [], demo: false,
  ...o,
});

/** `n` hourly intervals from hour `from`; invocations per hour from `inv(h)` (undefined = absent). */
export const hours = (r: ResourceRef, from: number, n: number, inv: (h: number) => number | undefined): FootprintInterval[] =>
  Array.from({ length: n }, (_, k) => {
    const v = inv(from + k);
    return hour(r, from + k, v === undefined ? {} : { invocations: v });
  });
