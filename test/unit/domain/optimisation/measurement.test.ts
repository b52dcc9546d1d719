/**
 * J and gCO2e per successful inference and the paired-by-hour bootstrap of the change. Expectations are derived by
 * hand (1 kWh = 3.6e6 J; ratio of sums, not mean of ratios) and as invariants with fast-check.
 */
import fc from 'fast-check';
import { pairedBootstrapPct, seededRandom, summariseMeasurement, usablePairs, type PairedHour, type VariantHour } from '../../../../shared/domain/optimisation/measurement';

const H = 3600;
const T0 = 1_763_596_800; // 2025-11-20T00:00:00Z
const v = (kwh: number, invocations = 1000, errors = 0, gPerKwh = 400): VariantHour => ({
  energyKwh: { point: kwh, low: kwh * 0.5, high: kwh * 1.5 },
  co2eKg: { point: (kwh * gPerKwh) / 1000, low: (kwh * 0.5 * gPerKwh) / 1000, high: (kwh * 1.5 * gPerKwh) / 1000 },
  invocations,
  errors,
});
const pair = (h: number, b: VariantHour, c: VariantHour): PairedHour => ({ hourStartSec: T0 + h * H, baseline: b, candidate: c });
const noLatency = { baseline: {}, candidate: {} };

describe('summariseMeasurement', () => {
  it('J per inference is facility energy ÷ successful invocations, with the energy range', () => {
    // Prepare: 2 h, baseline 1 kWh per 1000 invocations, candidate 0.8 kWh per 1000
    const m = summariseMeasurement([pair(0, v(1), v(0.8)), pair(1, v(1), v(0.8))], { seed: 's', latency: noLatency });
    // Assess: 1 kWh / 1000 = 3600 J; range × 0.5 / × 1.5; 400 g/kWh × 1 kWh / 1000 = 0.4 g
    expect(m.baseline.jPerInference).toEqual({ point: 3600, low: 1800, high: 5400 });
    expect(m.candidate.jPerInference.point).toBeCloseTo(2880, 9);
    expect(m.baseline.gCo2ePerInference.point).toBeCloseTo(0.4, 12);
    expect(m.changePct.point).toBeCloseTo(-20, 9);
    // Every resample has the same ratio: the interval collapses on it.
    expect(m.changePct.low).toBeCloseTo(-20, 9);
    expect(m.changePct.high).toBeCloseTo(-20, 9);
    expect(m.pairedHours).toBe(2);
    expect(m.window).toEqual({ startSec: T0, endSec: T0 + 2 * H });
  });

  it('errors do not count as inferences', () => {
    const m = summariseMeasurement([pair(0, v(1, 1000), v(1, 1000, 200))], { seed: 's', latency: noLatency });
    // 3.6e6 J / 800 successful = 4500 J; error rate 200 / 1000 = 20 %
    expect(m.candidate.jPerInference.point).toBeCloseTo(4500, 9);
    expect(m.candidate.errorRatePct).toBeCloseTo(20, 12);
    expect(m.changePct.point).toBeCloseTo(25, 9);
  });

  it('the change is a ratio of sums over the paired hours (busy hours weigh more)', () => {
    // h0: 1 → 0.5 kWh, h1: 3 → 3 kWh, 1000 invocations each: (3.5/2000) / (4/2000) − 1 = −12.5 %, not the mean −25 %
    const m = summariseMeasurement([pair(0, v(1), v(0.5)), pair(1, v(3), v(3))], { seed: 's', latency: noLatency });
    expect(m.changePct.point).toBeCloseTo(-12.5, 9);
    expect(m.changePct.low).toBeLessThanOrEqual(m.changePct.high);
  });

  it('hours where a variant served no successful invocation are left out; none at all is an error', () => {
    const pairs = [pair(0, v(1, 0), v(1)), pair(1, v(1), v(1, 100, 100)), pair(2, v(1), v(1))];
    expect(usablePairs(pairs).map((p) => p.hourStartSec)).toEqual([T0 + 2 * H]);
    expect(() => summariseMeasurement(pairs.slice(0, 2), { seed: 's', latency: noLatency })).toThrow(RangeError);
  });

  it('carries the latency and states its method and uncertainty', () => {
    const m = summariseMeasurement([pair(0, v(1), v(1))], { seed: 's', latency: { baseline: { p50Ms: 10, p95Ms: 20 }, candidate: { p95Ms: 25 } }, modelVersion: 'gpu-util-v1' });
    expect(m.baseline.latencyP95Ms).toBe(20);
    expect(m.candidate.latencyP50Ms).toBeUndefined();
    expect(m.method).toContain('gpu-util-v1');
    expect(m.uncertainty).toContain('bootstrap');
  });
});

describe('pairedBootstrapPct', () => {
  const hours = fc.array(fc.record({ b: fc.double({ min: 0.1, max: 10, noNaN: true }), c: fc.double({ min: 0.1, max: 10, noNaN: true }), n: fc.integer({ min: 1, max: 5000 }) }), { minLength: 1, maxLength: 30 });
  const toPairs = (xs: { b: number; c: number; n: number }[]) => xs.map((x, i) => pair(i, v(x.b, x.n), v(x.c, x.n)));
  const boot = { resamples: 200, confidence: 0.95, seed: 'prop' };

  it('is reproducible: the same seed gives the same interval', () => {
    fc.assert(fc.property(hours, (xs) => {
      const p = toPairs(xs);
      expect(pairedBootstrapPct(p, (x) => x.energyKwh.point, boot)).toEqual(pairedBootstrapPct(p, (x) => x.energyKwh.point, boot));
    }), { numRuns: 30 });
  });

  it('a candidate using k × the energy in every hour changes by exactly (k − 1) × 100 %, with no spread', () => {
    fc.assert(fc.property(hours, fc.double({ min: 0.2, max: 3, noNaN: true }), (xs, k) => {
      const p = xs.map((x, i) => pair(i, v(x.b, x.n), v(x.b * k, x.n)));
      const r = pairedBootstrapPct(p, (x) => x.energyKwh.point, boot);
      for (const y of [r.point, r.low, r.high]) expect(y).toBeCloseTo((k - 1) * 100, 6);
    }), { numRuns: 50 });
  });

  it('does not depend on the energy unit or the order of the hours', () => {
    fc.assert(fc.property(hours, (xs) => {
      const p = toPairs(xs);
      const scaled = xs.map((x, i) => pair(i, v(x.b * 1000, x.n), v(x.c * 1000, x.n)));
      const a = pairedBootstrapPct(p, (x) => x.energyKwh.point, boot);
      expect(pairedBootstrapPct(scaled, (x) => x.energyKwh.point, boot).point).toBeCloseTo(a.point, 6);
      expect(pairedBootstrapPct([...p].reverse(), (x) => x.energyKwh.point, boot).point).toBeCloseTo(a.point, 6);
      expect(a.low).toBeLessThanOrEqual(a.high);
    }), { numRuns: 50 });
  });

  it('seededRandom is uniform-looking in [0, 1)', () => {
    const r = seededRandom('x');
    const xs = Array.from({ length: 2000 }, r);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 1);
  });
});
