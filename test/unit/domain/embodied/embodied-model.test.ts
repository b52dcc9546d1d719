/** Embodied (scope 3) emissions of reserved instance time: factor table × platform share × reserved hours ÷ lifetime. */
import fc from 'fast-check';
import { embodiedPerInstanceHourKg, embodiedRate, estimateEmbodied, platformShare, reservedInstanceSec } from '../../../../shared/domain/embodied/embodied-model';
import { EMBODIED_FACTORS_VERSION } from '../../../../shared/domain/embodied/embodied-factors';
import { catalogInstanceTypes } from '../../../../shared/domain/power/instance-catalog';
import { job, T0 } from '../../../helpers/fixtures';

const LIFETIME_H = 6 * 8760; // 52,560 h: AWS scope 3 method / Boavizta hours_life_time

describe('embodied emissions per reserved instance-hour (6-year lifetime)', () => {
  it.each([
    // [type, expected kg/h, derivation]
    ['p5.48xlarge', (8 * 164 + 5700) / LIFETIME_H, '8 × 164 kg (NVIDIA HGX H100 PCF 1,312 kg / 8) + 5,700 kg host (CCF 2026 p5 5.7 t)'],
    ['ml.p5.48xlarge', (8 * 164 + 5700) / LIFETIME_H, 'the SageMaker form uses the same platform'],
    ['p5.4xlarge', (8 * 164 + 5700) / 8 / LIFETIME_H, '1 of the p5 platform’s 8 H100 → 1/8 of it'],
    ['p4d.24xlarge', (8 * 127.6 + 3000) / LIFETIME_H, '8 × 127.6 kg (Falk et al. 2025 A100 SXM4 40 GB) + 3,000 kg host (CCF 2026 p4d 3.0 t)'],
    ['g5.xlarge', (8 * 150 + 2200) / 8 / LIFETIME_H, '1/8 × (8 × 150 kg GSF IF GPU default + 2,200 kg host CCF 2026 g5 2.2 t)'],
    ['ml.g5.12xlarge', (4 / 8) * (8 * 150 + 2200) / LIFETIME_H, '4 of the g5 host’s 8 A10G'],
  ])('%s: %f kgCO2e/h (%s)', (type, expected) => {
    // Act
    const perHour = embodiedPerInstanceHourKg(type as string);
    // Assess
    expect(perHour?.point).toBeCloseTo(expected as number, 9);
    expect(perHour!.low).toBeLessThanOrEqual(perHour!.point);
    expect(perHour!.high).toBeGreaterThanOrEqual(perHour!.point);
  });

  it('p5.48xlarge bounds: H100 PCF is the floor per GPU, +50 % high; host −25 %/+50 %', () => {
    const r = embodiedPerInstanceHourKg('p5.48xlarge')!;
    expect(r.low).toBeCloseTo((8 * 164 + 5700 * 0.75) / LIFETIME_H, 9);
    expect(r.high).toBeCloseTo((8 * 246 + 5700 * 1.5) / LIFETIME_H, 9);
  });

  it('the 4-year sensitivity is 6/4 = 1.5 × the 6-year figure (linear amortisation)', () => {
    expect(embodiedPerInstanceHourKg('g6e.12xlarge', 4)!.point).toBeCloseTo(1.5 * embodiedPerInstanceHourKg('g6e.12xlarge', 6)!.point, 12);
  });

  it.each(catalogInstanceTypes())('covers catalog type %s (and its ml. form) with a share in (0, 1] by accelerators', (type) => {
    for (const t of [type, `ml.${type}`]) {
      const ps = platformShare(t);
      expect(ps).toBeDefined();
      expect(ps!.allocation).toBe('accelerator-share');
      expect(ps!.share).toBeGreaterThan(0);
      expect(ps!.share).toBeLessThanOrEqual(1);
      expect(embodiedPerInstanceHourKg(t)!.point).toBeGreaterThan(0);
    }
  });

  it('sells a whole platform as share 1 (p4d.24xlarge, g5.48xlarge, trn1.32xlarge, inf2.48xlarge)', () => {
    for (const t of ['p4d.24xlarge', 'g5.48xlarge', 'trn1.32xlarge', 'inf2.48xlarge']) expect(platformShare(t)?.share).toBe(1);
  });
});

describe('embodiedRate of a training job\'s instances (budgets and the pre-flight gate)', () => {
  it('is the per-instance-hour factor × instance count, per second; nothing for an unmodelled type', () => {
    const perHour = embodiedPerInstanceHourKg('ml.p4d.24xlarge')!;
    const r = embodiedRate({ InstanceType: 'ml.p4d.24xlarge', InstanceCount: 2 }).embodiedKgPerSec!;
    for (const k of ['low', 'point', 'high'] as const) expect(r[k] * 3600).toBeCloseTo(2 * perHour[k], 12);
    expect(embodiedRate({ InstanceType: 'ml.zz9.large', InstanceCount: 1 })).toEqual({});
    expect(embodiedRate(undefined)).toEqual({});
  });
});

describe('estimateEmbodied for an interval', () => {
  const hour = { startSec: T0, endSec: T0 + 3600 };

  it('is explicit "unmodelled" with a reason for an unknown type, never zero', () => {
    const e = estimateEmbodied({ resource: job({ instanceType: 'ml.x9z.48xlarge' }), interval: hour });
    expect(e).toMatchObject({ status: 'unmodelled', modelVersion: EMBODIED_FACTORS_VERSION });
    expect(e.status === 'unmodelled' && e.reason).toMatch(/unmodelled instance type ml\.x9z\.48xlarge/);
    expect('kgCo2e' in e).toBe(false);
  });

  it('is "unmodelled" for a serverless variant (no reserved instance)', () => {
    const e = estimateEmbodied({ resource: job({ kind: 'endpoint', serverless: true, instanceType: 'serverless' }), interval: hour });
    expect(e.status).toBe('unmodelled');
  });

  it('amortises the reserved instance-hours: an endpoint scaling 2 → 3 instances at half past reserves 2.5 h', () => {
    const r = job({ kind: 'endpoint', instanceType: 'ml.g5.xlarge', counts: [{ atSec: T0 - 86400, instanceCount: 2 }, { atSec: T0 + 1800, instanceCount: 3 }], startSec: T0 - 86400 });
    const e = estimateEmbodied({ resource: r, interval: hour });
    expect(e.status).toBe('computed');
    if (e.status !== 'computed') return;
    expect(e.reservedInstanceHours).toBeCloseTo(2.5, 12);
    expect(e.kgCo2e.point).toBeCloseTo(2.5 * ((8 * 150 + 2200) / 8 / LIFETIME_H), 12);
    expect(e).toMatchObject({ platform: 'g5.48xlarge', allocation: 'accelerator-share', share: 1 / 8, lifetimeYears: 6 });
  });

  it('counts a training job only while it runs (2 instances from :15 to :45 → 1 instance-hour)', () => {
    const r = job({ instanceType: 'ml.p4d.24xlarge', counts: [{ atSec: T0 + 900, instanceCount: 2 }], startSec: T0 + 900, endSec: T0 + 2700 });
    const e = estimateEmbodied({ resource: r, interval: hour });
    expect(e.status === 'computed' && e.reservedInstanceHours).toBeCloseTo(1, 12);
  });

  it('reserves nothing while an EC2 instance is stopped (count 0)', () => {
    const r = job({ kind: 'ec2-instance', instanceType: 'p5.48xlarge', counts: [{ atSec: T0 - 10, instanceCount: 1 }, { atSec: T0 + 1200, instanceCount: 0 }], startSec: T0 - 10 });
    expect(reservedInstanceSec(r, hour)).toBe(1200);
  });

  it('is additive over any split of a window (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: 1, max: 5000 }), n: fc.integer({ min: 0, max: 8 }) }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 7199 }),
        (changes, cut) => {
          let at = T0 - 100;
          const counts = changes.map((c) => ({ atSec: (at += c.dt), instanceCount: c.n }));
          const r = job({ counts, startSec: T0 - 100 });
          const w = { startSec: T0, endSec: T0 + 7200 };
          const whole = reservedInstanceSec(r, w);
          const parts = reservedInstanceSec(r, { startSec: T0, endSec: T0 + cut }) + reservedInstanceSec(r, { startSec: T0 + cut, endSec: T0 + 7200 });
          expect(parts).toBe(whole);
          expect(whole).toBeLessThanOrEqual(8 * 7200);
        },
      ),
    );
  });
});
