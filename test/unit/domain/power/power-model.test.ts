import fc from 'fast-check';
import { lookupAccelerator, lookupInstance, type AcceleratorSpec } from '../../../../shared/domain/power/instance-catalog';
import {
  estimateAcceleratorEnergyDetailed,
  estimateAcceleratorEnergyJ,
  estimateAcceleratorPowerW,
  estimateHostRestPowerW,
  InvalidUtilizationError,
  linearAcceleratorPowerW,
  STALL_MIN_SEC,
  sanitizeUtilPct,
} from '../../../../shared/domain/power/power-model';
import type { Ranged } from '../../../../shared/domain/types';

const H100 = lookupAccelerator('H100')!;
const ACCS: AcceleratorSpec[] = ['H100', 'A100', 'V100', 'T4', 'L4', 'A10G', 'B200', 'Titan X', 'Trainium2'].map((m) => lookupAccelerator(m)!);
const ordered = (r: Ranged) => r.low <= r.point + 1e-9 && r.point <= r.high + 1e-9;
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

describe('accelerator power from utilisation', () => {
  it('keeps low ≤ point ≤ high and stays within [idle, max] for every accelerator and utilisation', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ACCS), fc.double({ min: 0, max: 100, noNaN: true }), (acc, u) => {
        const p = estimateAcceleratorPowerW(acc, u);
        return ordered(p) && p.low >= acc.idleW - 1e-9 && p.high <= acc.maxW + 1e-9;
      }),
    );
  });

  it('is monotonic (non-decreasing) in utilisation for point, low and high', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ACCS), fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (acc, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const p = estimateAcceleratorPowerW(acc, lo);
        const q = estimateAcceleratorPowerW(acc, hi);
        return p.point <= q.point + 1e-9 && p.low <= q.low + 1e-9 && p.high <= q.high + 1e-9;
      }),
    );
  });

  it('puts a fully busy GPU well below its board limit, unlike the linear model (ML.ENERGY/Zeus medians ≈0.7×TDP)', () => {
    const p = estimateAcceleratorPowerW(H100, 100);
    expect(linearAcceleratorPowerW(H100, 100)).toBe(700);
    expect(p.point).toBeCloseTo(490, 6);
    expect(p.low).toBeLessThan(p.point);
    expect(p.high).toBeLessThanOrEqual(700);
  });

  it('covers true idle in the range at 0 % utilisation but puts the point above it (context held, clocks up)', () => {
    const p = estimateAcceleratorPowerW(H100, 0);
    expect(p.low).toBe(H100.idleW);
    expect(p.point).toBeGreaterThan(H100.idleW);
  });

  it('clamps finite out-of-range utilisation and flags it; rejects NaN and infinities', () => {
    expect(sanitizeUtilPct(130)).toEqual({ utilPct: 100, clamped: true });
    expect(sanitizeUtilPct(-5)).toEqual({ utilPct: 0, clamped: true });
    expect(sanitizeUtilPct(42)).toEqual({ utilPct: 42, clamped: false });
    expect(estimateAcceleratorPowerW(H100, 130)).toEqual(estimateAcceleratorPowerW(H100, 100));
    expect(estimateAcceleratorPowerW(H100, -5)).toEqual(estimateAcceleratorPowerW(H100, 0));
    expect(() => estimateAcceleratorPowerW(H100, NaN)).toThrow(InvalidUtilizationError);
    expect(() => estimateAcceleratorPowerW(H100, Infinity)).toThrow(InvalidUtilizationError);
  });
});

describe('accelerator energy over a utilisation series', () => {
  const uniform = (t0: number, step: number, utils: number[]) => utils.map((u, i) => ({ tSec: t0 + i * step, utilPct: u }));

  it('integrates each sample until the next and the last one for the median step', () => {
    // Prepare: 3 samples 60 s apart at 0 %, 100 %, 0 %
    const e = estimateAcceleratorEnergyJ(H100, uniform(0, 60, [0, 50, 0]));
    // Assess: 60 s each at P(0), P(50), P(0)
    const expected = 60 * (2 * estimateAcceleratorPowerW(H100, 0).point + estimateAcceleratorPowerW(H100, 50).point);
    expect(e.point).toBeCloseTo(expected, 6);
  });

  it('gives the energy of a split series as the sum of its parts (uniform steps, no stall plateau)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ACCS),
        fc.array(fc.double({ min: 0, max: 99, noNaN: true }), { minLength: 4, maxLength: 60 }),
        fc.integer({ min: 1, max: 300 }),
        fc.nat(),
        (acc, utils, step, cut) => {
          const k = 2 + (cut % (utils.length - 3));
          const s = uniform(1_700_000_000, step, utils);
          const whole = estimateAcceleratorEnergyJ(acc, s);
          const a = estimateAcceleratorEnergyJ(acc, s.slice(0, k));
          const b = estimateAcceleratorEnergyJ(acc, s.slice(k));
          return close(whole.point, a.point + b.point) && close(whole.low, a.low + b.low) && close(whole.high, a.high + b.high);
        },
      ),
    );
  });

  it('keeps low ≤ point ≤ high for the total', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ACCS), fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 50 }), (acc, utils) =>
        ordered(estimateAcceleratorEnergyJ(acc, uniform(0, 1, utils))),
      ),
    );
  });

  it('gives the same energy for 1 s samples and their 60 s averages (linear between floor and busy)', () => {
    const raw = uniform(0, 1, Array.from({ length: 120 }, (_, i) => (i % 3 === 0 ? 0 : 90)));
    const avg = [
      { tSec: 0, utilPct: raw.slice(0, 60).reduce((a, x) => a + x.utilPct, 0) / 60 },
      { tSec: 60, utilPct: raw.slice(60).reduce((a, x) => a + x.utilPct, 0) / 60 },
    ];
    const a = estimateAcceleratorEnergyJ(H100, raw);
    const b = estimateAcceleratorEnergyJ(H100, avg);
    expect(b.point).toBeCloseTo(a.point, 6);
  });

  it('treats a sustained 100 % plateau as a possible stall: lower point, range still reaching busy power', () => {
    const longPin = uniform(0, 1, Array(2 * STALL_MIN_SEC).fill(100));
    const shortPins = uniform(0, 1, Array.from({ length: 2 * STALL_MIN_SEC }, (_, i) => (i % 2 ? 100 : 99)));
    const stall = estimateAcceleratorEnergyDetailed(H100, longPin);
    const busy = estimateAcceleratorEnergyDetailed(H100, shortPins);
    expect(stall.stallSec).toBe(2 * STALL_MIN_SEC);
    expect(busy.stallSec).toBe(0);
    expect(stall.energyJ.point).toBeLessThan(busy.energyJ.point);
    expect(stall.energyJ.high).toBeGreaterThanOrEqual(busy.energyJ.point);
  });

  it('handles empty and single-sample series, unsorted input, and counts clamped samples', () => {
    expect(estimateAcceleratorEnergyJ(H100, [])).toEqual({ point: 0, low: 0, high: 0 });
    expect(estimateAcceleratorEnergyJ(H100, [{ tSec: 5, utilPct: 50 }])).toEqual({ point: 0, low: 0, high: 0 });
    const sorted = uniform(0, 10, [10, 20, 30]);
    expect(estimateAcceleratorEnergyJ(H100, [...sorted].reverse())).toEqual(estimateAcceleratorEnergyJ(H100, sorted));
    expect(estimateAcceleratorEnergyDetailed(H100, uniform(0, 10, [120, 20, -1])).clampedSamples).toBe(2);
    expect(() => estimateAcceleratorEnergyJ(H100, uniform(0, 10, [1, NaN]))).toThrow(InvalidUtilizationError);
  });
});

describe('host (non-accelerator) power', () => {
  const p5 = lookupInstance('p5.48xlarge')!;

  it('interpolates CPU power linearly (CCF method) with low ≤ point ≤ high', () => {
    const idle = estimateHostRestPowerW(p5, 0);
    const full = estimateHostRestPowerW(p5, 100);
    expect(idle.point).toBeCloseTo(p5.hostIdleW, 6);
    expect(full.point).toBeCloseTo(p5.hostMaxW, 6);
    expect(ordered(idle) && ordered(full)).toBe(true);
  });

  it('gives a wide idle…max range when CPU utilisation is unknown', () => {
    const r = estimateHostRestPowerW(p5, null);
    expect(r.low).toBe(p5.hostIdleW);
    expect(r.high).toBe(p5.hostMaxW);
    expect(ordered(r)).toBe(true);
  });

  it('is monotonic in CPU utilisation', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return estimateHostRestPowerW(p5, lo).point <= estimateHostRestPowerW(p5, hi).point + 1e-9;
      }),
    );
  });
});
