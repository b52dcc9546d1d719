/** kgCO2e per accelerator-hour: emissions over accelerator-hours with telemetry. */
import { gpuHourIntensity } from '../../../../shared/domain/targets/metrics';
import { computeInterval } from '../../../../shared/domain/footprint/compute-interval';
import type { InstanceSpec } from '../../../../shared/domain/power/instance-catalog';
import { TEST_SPEC, T0, job, minuteSamples, telemetryOf } from '../../../helpers/fixtures';

const spec4: InstanceSpec = { ...TEST_SPEC, instanceType: 'test.4gpu', acceleratorCount: 4 };
const lookup = (t: string) => (t === 'test.4gpu' ? spec4 : t === TEST_SPEC.instanceType ? TEST_SPEC : undefined);

const hour = (over: { minutes?: number; type?: string; count?: number } = {}) => {
  const r = job({ instanceType: over.type ?? 'test.4gpu', counts: [{ atSec: T0, instanceCount: over.count ?? 1 }] });
  const i = computeInterval({
    resource: r, spec: lookup(r.instanceType), attribution: { team: 'a', project: 'b', model: 'c' }, interval: { startSec: T0, endSec: T0 + 3600 },
    telemetry: telemetryOf(r, Array.from({ length: over.count ?? 1 }, (_, h) => ({ host: `h${h}`, samples: minuteSamples(T0, 60, (m) => (m < (over.minutes ?? 60) ? { gpuUtilPct: 90, cpuUtilPct: 30 } : {})) }))),
    pue: 1.1, pueSource: 'test', intensity: { gPerKwh: 300, signal: 'average-lifecycle', zone: 'Z', provider: 'test', quality: 'actual' },
  });
  return { r, i };
};

describe('gpuHourIntensity', () => {
  it('divides emissions by accelerators × instance-hours with telemetry', () => {
    const { r, i } = hour();
    const v = gpuHourIntensity([i], [r], lookup);
    expect(v.value).toBeCloseTo(i.co2eKg.point / 4, 12); // 4 GPUs × 1 h
  });

  it('counts only the covered share of the hour (energy covers only minutes with telemetry)', () => {
    const { r, i } = hour({ minutes: 30 });
    expect(i.coveragePct).toBeCloseTo(50, 6);
    expect(gpuHourIntensity([i], [r], lookup).value).toBeCloseTo(i.co2eKg.point / 2, 9); // 4 GPUs × 0.5 h
  });

  it('says why when there are no accelerator-hours', () => {
    expect(gpuHourIntensity([], [], lookup)).toEqual({ value: null, reason: 'no accelerator-hours with telemetry in the window' });
  });
});
