import { computeInterval, instanceCountAt, intervalRevision, type ComputeIntervalInput } from '../../../../shared/domain/footprint/compute-interval';
import { estimateAcceleratorPowerW, estimateHostRestPowerW } from '../../../../shared/domain/power/power-model';
import { lookupInstance } from '../../../../shared/domain/power/instance-catalog';
import { TEST_SPEC, T0, job, minuteSamples, telemetryOf } from '../../../helpers/fixtures';

const HOUR = { startSec: T0, endSec: T0 + 3600 };
const intensity = { gPerKwh: 400, signal: 'average-lifecycle' as const, zone: 'US-MIDA-PJM', provider: 'test', quality: 'actual' as const };
const base = (over: Partial<ComputeIntervalInput> = {}): ComputeIntervalInput => ({
  resource: job(),
  spec: TEST_SPEC,
  attribution: { team: 'nlp', project: 'untagged', model: 'untagged' },
  interval: HOUR,
  telemetry: undefined,
  pue: 1.15,
  pueSource: 'test',
  intensity,
  ...over,
});

describe('computeInterval', () => {
  it('estimates energy from utilisation: Σ (accelerator + host) power × time, then × PUE, then × intensity', () => {
    // Prepare: one host, 60 minutes at 50 % GPU and 50 % CPU.
    const r = job();
    const t = telemetryOf(r, [{ host: 'job-a/algo-1', samples: minuteSamples(T0, 60, () => ({ gpuUtilPct: 50, cpuUtilPct: 50 })) }]);
    // Act
    const out = computeInterval(base({ resource: r, telemetry: t }));
    // Assess: expectations derived from the model's own per-sample powers over one hour.
    const acc = estimateAcceleratorPowerW(TEST_SPEC.accelerator, 50);
    const rest = estimateHostRestPowerW(TEST_SPEC, 50);
    const itKwh = (acc.point + rest.point) / 1000; // W for 1 h → kWh
    expect(out.itEnergyKwh.point).toBeCloseTo(itKwh, 9);
    expect(out.itEnergyKwh.low).toBeCloseTo((acc.low + rest.low) / 1000, 9);
    expect(out.itEnergyKwh.high).toBeCloseTo((acc.high + rest.high) / 1000, 9);
    expect(out.energyKwh.point).toBeCloseTo(itKwh * 1.15, 9);
    expect(out.co2eKg.point).toBeCloseTo(itKwh * 1.15 * 0.4, 9);
    expect(out.method).toBe('estimated');
    expect(out.measuredShare).toBe(0);
    expect(out.coveragePct).toBe(100);
    expect(out.meanGpuUtilPct).toBeCloseTo(50);
    expect(out.revision).toBe(intervalRevision(false, 'actual'));
  });

  it('uses measured board power where present and reports the measured share', () => {
    const r = job({ kind: 'ec2-instance', id: 'i-1' });
    const t = telemetryOf(r, [{ host: 'i-1', samples: minuteSamples(T0, 60, () => ({ gpuUtilPct: 90, gpuPowerW: 300, cpuUtilPct: 20 })) }]);
    const out = computeInterval(base({ resource: r, telemetry: t }));
    const rest = estimateHostRestPowerW(TEST_SPEC, 20);
    expect(out.itEnergyKwh.point).toBeCloseTo((300 + rest.point) / 1000, 9);
    expect(out.measuredShare).toBeCloseTo(300 / (300 + rest.point), 9);
    expect(out.method).toBe('mixed');
    // The measured part has no range: only the host part widens it.
    expect(out.itEnergyKwh.high - out.itEnergyKwh.low).toBeCloseTo((rest.high - rest.low) / 1000, 9);
  });

  it('reports gaps as coverage < 100 % and never fills them', () => {
    const r = job();
    const samples = minuteSamples(T0, 60, (i) => (i < 45 ? { gpuUtilPct: 80, cpuUtilPct: 30 } : {}));
    const full = computeInterval(base({ resource: r, telemetry: telemetryOf(r, [{ host: 'h', samples: minuteSamples(T0, 60, () => ({ gpuUtilPct: 80, cpuUtilPct: 30 })) }]) }));
    const gappy = computeInterval(base({ resource: r, telemetry: telemetryOf(r, [{ host: 'h', samples }]) }));
    expect(gappy.coveragePct).toBeCloseTo(75, 9);
    expect(gappy.itEnergyKwh.point).toBeCloseTo(full.itEnergyKwh.point * 0.75, 9);
    expect(gappy.issues.join(' ')).toMatch(/coverage 75\.0 %/);
  });

  it('counts expected instance time from the count history (multi-host jobs, partial hours)', () => {
    // Two instances, job starts at :30 — expected 2 × 30 min; one host reports.
    const r = job({ startSec: T0 + 1800, counts: [{ atSec: T0 + 1800, instanceCount: 2 }] });
    const t = telemetryOf(r, [{ host: 'job-a/algo-1', samples: minuteSamples(T0 + 1800, 30, () => ({ gpuUtilPct: 100, cpuUtilPct: 50 })) }]);
    const out = computeInterval(base({ resource: r, telemetry: t }));
    expect(out.coveragePct).toBeCloseTo(50, 9);
    expect(instanceCountAt(r, T0 + 1799)).toBe(2); // before the first change: the first entry applies
  });

  it('endpoint samples stand for the instance count they represent, and invocations are summed', () => {
    const r = job({ kind: 'endpoint', id: 'ep/AllTraffic', counts: [{ atSec: T0 - 10, instanceCount: 3 }], startSec: T0 - 10 });
    const samples = minuteSamples(T0, 60, () => ({ gpuUtilPct: 40, cpuUtilPct: 10, invocations: 100 }));
    const one = computeInterval(base({ resource: r, telemetry: telemetryOf(r, [{ host: 'ep', samples, instancesRepresented: 1 }]) }));
    const three = computeInterval(base({ resource: r, telemetry: telemetryOf(r, [{ host: 'ep', samples, instancesRepresented: 3 }]) }));
    expect(three.itEnergyKwh.point).toBeCloseTo(one.itEnergyKwh.point * 3, 9);
    expect(three.coveragePct).toBe(100);
    expect(one.coveragePct).toBeCloseTo(100 / 3, 6);
    expect(three.invocations).toBe(6000);
  });

  it('an unknown instance type is an explicit unmodelled record with a warning, not a silent zero', () => {
    const r = job({ instanceType: 'ml.x9z.48xlarge' });
    const t = telemetryOf(r, [{ host: 'h', samples: minuteSamples(T0, 60, () => ({ gpuUtilPct: 80 })) }]);
    const out = computeInterval(base({ resource: r, spec: lookupInstance(r.instanceType), telemetry: t }));
    expect(out.method).toBe('unmodelled');
    expect(out.issues.join(' ')).toMatch(/unmodelled instance type ml\.x9z\.48xlarge/);
    expect(out.coveragePct).toBe(0);
  });

  it('flags serverless variants instead of guessing', () => {
    const out = computeInterval(base({ resource: job({ kind: 'endpoint', serverless: true }) }));
    expect(out.method).toBe('unmodelled');
    expect(out.issues.join(' ')).toMatch(/serverless/);
    // A serverless variant has no instances to expect: it must still never read as "100 % covered".
    const sl = computeInterval(base({ resource: job({ kind: 'endpoint', serverless: true, counts: [{ atSec: T0, instanceCount: 0 }] }) }));
    expect(sl.coveragePct).toBe(0);
  });

  it('no telemetry at all is reported as such with zero coverage', () => {
    const out = computeInterval(base());
    expect(out.method).toBe('no-telemetry');
    expect(out.coveragePct).toBe(0);
    expect(out.issues).toContain('no telemetry for the active period');
  });

  it('partial (provisional) telemetry gets a lower revision than final; better intensity a higher one', () => {
    const r = job();
    const samples = minuteSamples(T0, 60, () => ({ gpuUtilPct: 80 }));
    const prov = computeInterval(base({ resource: r, telemetry: telemetryOf(r, [{ host: 'h', samples }], true) }));
    const fin = computeInterval(base({ resource: r, telemetry: telemetryOf(r, [{ host: 'h', samples }], false) }));
    expect(prov.provisional).toBe(true);
    expect(fin.revision).toBeGreaterThan(prov.revision);
    expect(intervalRevision(false, 'actual')).toBeGreaterThan(intervalRevision(false, 'provider-forecast'));
    expect(intervalRevision(false, 'provider-forecast')).toBeGreaterThan(intervalRevision(false, 'yearly-average'));
    expect(intervalRevision(true, 'actual')).toBeLessThan(intervalRevision(false, 'yearly-average'));
  });

  it('ignores samples outside the resource lifetime and the interval', () => {
    const r = job({ endSec: T0 + 600 });
    const t = telemetryOf(r, [{ host: 'h', samples: minuteSamples(T0 - 600, 40, () => ({ gpuUtilPct: 100, cpuUtilPct: 100 })) }]);
    const out = computeInterval(base({ resource: r, telemetry: t }));
    const perMinKwh = (estimateAcceleratorPowerW(TEST_SPEC.accelerator, 100).point + estimateHostRestPowerW(TEST_SPEC, 100).point) / 60 / 1000;
    expect(out.itEnergyKwh.point).toBeCloseTo(10 * perMinKwh, 9);
    expect(out.coveragePct).toBe(100);
  });
});
