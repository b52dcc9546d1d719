/** computeInterval stores embodied emissions beside the operational (location-based) figure, never inside it. */
import { computeInterval, intervalRevision, type ComputeIntervalInput } from '../../../../shared/domain/footprint/compute-interval';
import { embodiedPerInstanceHourKg } from '../../../../shared/domain/embodied/embodied-model';
import { EMBODIED_FACTORS_VERSION } from '../../../../shared/domain/embodied/embodied-factors';
import { lookupInstance } from '../../../../shared/domain/power/instance-catalog';
import { T0, job, minuteSamples, telemetryOf } from '../../../helpers/fixtures';

const HOUR = { startSec: T0, endSec: T0 + 3600 };
const input = (over: Partial<ComputeIntervalInput> = {}): ComputeIntervalInput => {
  const resource = over.resource ?? job({ instanceType: 'ml.p5.48xlarge' });
  return {
    resource,
    spec: lookupInstance(resource.instanceType),
    attribution: { team: 'nlp', project: 'p', model: 'm' },
    interval: HOUR,
    telemetry: telemetryOf(resource, [{ host: 'h', samples: minuteSamples(T0, 60, () => ({ gpuUtilPct: 70, cpuUtilPct: 40 })) }]),
    pue: 1.15,
    pueSource: 'test',
    intensity: { gPerKwh: 400, signal: 'average-lifecycle', zone: 'US-MIDA-PJM', provider: 'test', quality: 'actual' },
    ...over,
  };
};

describe('computeInterval: embodied emissions', () => {
  it('adds the reserved hour’s embodied kgCO2e (p5.48xlarge: 7,012 kg ÷ 52,560 h) without touching co2eKg or the revision', () => {
    // Act
    const out = computeInterval(input());
    // Assess
    expect(out.embodiedStatus).toBe('computed');
    expect(out.embodiedModelVersion).toBe(EMBODIED_FACTORS_VERSION);
    expect(out.embodiedKgCo2e?.point).toBeCloseTo(7012 / 52560, 9);
    expect(out.embodiedBasis).toEqual({ platform: 'p5.48xlarge', allocation: 'accelerator-share', share: 1, lifetimeYears: 6, reservedInstanceHours: 1 });
    // Operational stays energy × intensity: embodied is never summed into it.
    expect(out.co2eKg.point).toBeCloseTo(out.energyKwh.point * 0.4, 12);
    expect(out.revision).toBe(intervalRevision(false, 'actual'));
  });

  it('does not depend on telemetry: an hour without samples still reserved the hardware', () => {
    const out = computeInterval(input({ telemetry: undefined }));
    expect(out.method).toBe('no-telemetry');
    expect(out.embodiedKgCo2e?.point).toBeCloseTo(embodiedPerInstanceHourKg('ml.p5.48xlarge')!.point, 12);
  });

  it('is the same for a provisional and a final version of the hour (a replacement never doubles it)', () => {
    const r = job({ instanceType: 'ml.p5.48xlarge' });
    const samples = minuteSamples(T0, 60, () => ({ gpuUtilPct: 70, cpuUtilPct: 40 }));
    const prov = computeInterval(input({ resource: r, telemetry: telemetryOf(r, [{ host: 'h', samples }], true) }));
    const fin = computeInterval(input({ resource: r, telemetry: telemetryOf(r, [{ host: 'h', samples }], false) }));
    expect(fin.revision).toBeGreaterThan(prov.revision);
    expect(fin.embodiedKgCo2e).toEqual(prov.embodiedKgCo2e);
  });

  it('marks an unknown instance type "unmodelled" with the reason in issues, with no embodied figure', () => {
    const r = job({ instanceType: 'ml.x9z.48xlarge' });
    const out = computeInterval(input({ resource: r, spec: undefined }));
    expect(out.embodiedStatus).toBe('unmodelled');
    expect(out.embodiedKgCo2e).toBeUndefined();
    expect(out.issues.join(' ')).toMatch(/no embodied factors/);
  });
});
