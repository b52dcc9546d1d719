/** The savings ledger (avoided, counterfactual), right-sizing on the power model, and the lifecycle KPIs. */
import fc from 'fast-check';
import { avoidedFor, ledgerTotals } from '../../../../shared/domain/lifecycle/ledger';
import { rightsize, MAX_TARGET_P95_UTIL_PCT, type RightsizingSubject, type UtilisationMinute } from '../../../../shared/domain/lifecycle/rightsizing';
import { hardwareUtilisation, lifecycleKpis } from '../../../../shared/domain/lifecycle/lifecycle-kpis';
import { catalogInstanceTypes, lookupInstance } from '../../../../shared/domain/power/instance-catalog';
import { HOUR_SEC } from '../../../../shared/domain/time';
import type { LedgerEntry } from '../../../../shared/domain/lifecycle/types';
import { hour, T0, variant } from '../../../helpers/lifecycle-fixtures';

const entry = (o: Partial<LedgerEntry> = {}): LedgerEntry => ({
  actionId: 'park-1', subject: { kind: 'endpoint', region: 'eu-west-1', name: 'ep-a' }, action: 'park', resourceKeys: ['endpoint#eu-west-1#ep-a/AllTraffic'],
  effectiveFromSec: T0 + 1800, basis: { itKwhPerHour: { point: 0.1, low: 0.05, high: 0.2 }, pue: 1.2, gpus: 1, instances: 1, instanceType: 'ml.g5.xlarge', observedHours: 100, method: 'test' },
  demo: false, ...o,
});
const flat = (g: number) => () => g;

describe('the savings ledger', () => {
  it('books the measured idle draw × PUE × hourly intensity for the hours of effect (hand-computed)', () => {
    // 30 min into hour 0 until now = T0 + 3 h: 2.5 h × 0.1 kWh × 1.2 = 0.30 kWh; × 250 g/kWh = 0.075 kg.
    const a = avoidedFor(entry(), { startSec: T0, endSec: T0 + 10 * HOUR_SEC }, T0 + 3 * HOUR_SEC, { intensityAt: flat(250), actual: [], actualGpuHours: 0 });
    expect(a.hours).toBeCloseTo(2.5, 10);
    expect(a.energyKwh).toEqual({ point: expect.closeTo(0.3, 10), low: expect.closeTo(0.15, 10), high: expect.closeTo(0.6, 10) });
    expect(a.co2eKg.point).toBeCloseTo(0.075, 10);
    expect(a.gpuHours).toBeCloseTo(2.5, 10);
    expect(a.basis).toMatch(/^avoided \(counterfactual/);
  });

  it('subtracts what the resource still measurably drew (the low saving takes its high draw)', () => {
    const r = variant({ id: 'ep-a/AllTraffic' });
    const drew = hour(r, 2, { energyKwh: { point: 0.06, low: 0.03, high: 0.12 }, co2eKg: { point: 0.015, low: 0.0075, high: 0.03 } });
    const a = avoidedFor(entry(), { startSec: T0, endSec: T0 + 10 * HOUR_SEC }, T0 + 3 * HOUR_SEC, { intensityAt: flat(250), actual: [drew], actualGpuHours: 1 });
    expect(a.energyKwh.point).toBeCloseTo(0.24, 10);
    expect(a.energyKwh.low).toBeCloseTo(0.15 - 0.12, 10);
    expect(a.co2eKg.point).toBeCloseTo(0.06, 10);
    expect(a.gpuHours).toBeCloseTo(1.5, 10);
  });

  it('stops at the undo, counts kWh but no kg for hours without intensity, books nothing without a basis', () => {
    const e = entry({ effectiveFromSec: T0, effectiveToSec: T0 + 2 * HOUR_SEC });
    const a = avoidedFor(e, { startSec: T0, endSec: T0 + 10 * HOUR_SEC }, T0 + 9 * HOUR_SEC, { intensityAt: (h) => (h === T0 ? undefined : 100), actual: [], actualGpuHours: 0 });
    expect(a.hours).toBe(2);
    expect(a.hoursWithoutIntensity).toBe(1);
    expect(a.co2eKg.point).toBeCloseTo(0.12 * 0.1, 10);
    expect(avoidedFor(entry({ basis: null }), { startSec: T0, endSec: T0 + HOUR_SEC * 9 }, T0 + 9 * HOUR_SEC, { intensityAt: flat(100), actual: [], actualGpuHours: 0 }).hours).toBe(0);
  });

  it('is additive over windows: booked for [a, c) = [a, b) + [b, c) (property; recomputed, never incremented)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 * 3600 }), fc.integer({ min: 0, max: 40 * 3600 }), fc.integer({ min: 1, max: 500 }), (cut, from, g) => {
        const e = entry({ effectiveFromSec: T0 + from });
        const intensityAt = (h: number) => g + (h / HOUR_SEC) % 7;
        const now = T0 + 48 * 3600;
        const whole = avoidedFor(e, { startSec: T0, endSec: now }, now, { intensityAt, actual: [], actualGpuHours: 0 });
        const parts = ledgerTotals([
          avoidedFor(e, { startSec: T0, endSec: T0 + cut }, now, { intensityAt, actual: [], actualGpuHours: 0 }),
          avoidedFor(e, { startSec: T0 + cut, endSec: now }, now, { intensityAt, actual: [], actualGpuHours: 0 }),
        ]);
        return Math.abs(whole.co2eKg.point - parts.co2eKg.point) < 1e-9 && Math.abs(whole.hours - parts.hours) < 1e-9;
      }),
    );
  });
});

describe('right-sizing', () => {
  const minutes = (n: number, util: (k: number) => number, instances = 2): UtilisationMinute[] => Array.from({ length: n }, (_, k) => ({ utilPct: util(k), instances, cpuUtilPct: 10 }));
  const subject = (o: Partial<RightsizingSubject> = {}): RightsizingSubject => ({
    resource: 'ep/AllTraffic', kind: 'endpoint', region: 'eu-west-1', instanceType: 'ml.g5.12xlarge',
    minutes: minutes(7 * 24 * 60, (k) => 6 + 6 * Math.sin(k / 300)), observedDays: 7, kgCo2ePerItKwh: { point: 0.3, low: 0.3, high: 0.3 }, p95Basis: 'minute samples', demo: false, ...o,
  });
  const opts = { lookup: lookupInstance, catalogTypes: catalogInstanceTypes() };

  it('moves 2 × 4 A10G at ≈ 6 % to fewer or newer GPUs, under the p95 ceiling, keeping 2 instances for availability', () => {
    const out = rightsize(subject(), opts);
    expect('recommendation' in out).toBe(true);
    if (!('recommendation' in out)) return;
    const r = out.recommendation;
    expect(r.to.gpus).toBeLessThan(r.from.gpus);
    expect(r.to.instanceCount).toBeGreaterThanOrEqual(2);
    expect(r.to.instanceType.startsWith('ml.')).toBe(true);
    expect(r.projectedP95UtilisationPct).toBeLessThanOrEqual(MAX_TARGET_P95_UTIL_PCT);
    expect(r.savingKgCo2ePerMonth.low).toBeLessThanOrEqual(r.savingKgCo2ePerMonth.point);
    expect(r.savingKgCo2ePerMonth.point).toBeLessThanOrEqual(r.savingKgCo2ePerMonth.high);
    expect(r.savingKgCo2ePerMonth.low).toBeGreaterThan(0);
    expect(r.observedHours).toBeCloseTo(168, 6);
    expect(r.p95UtilisationPct).toBeGreaterThan(10);
    expect(r.p95UtilisationPct).toBeLessThan(13);
    // kgCO2e = kWh × the measured kg per IT kWh.
    expect(r.savingKgCo2ePerMonth.point).toBeCloseTo(r.savingKwhPerMonth.point * 0.3, 9);
    expect(r.sources.join(' ')).toMatch(/datasheet/);
  });

  it.each([
    ['fewer hours than the minimum', subject({ minutes: minutes(100 * 60, () => 5) }), /only 100.0 h .* at least 168 h/],
    ['utilisation that is not low', subject({ minutes: minutes(7 * 24 * 60, () => 90) }), /not low: p95 90 %/],
    ['an accelerator without a published throughput', subject({ instanceType: 'ml.inf2.xlarge' }), /no published throughput/],
    ['an instance type outside the catalog', subject({ instanceType: 'ml.zz9.huge' }), /not in the instance catalog/],
  ])('says why there is no recommendation: %s', (_n, s, why) => {
    const out = rightsize(s, opts);
    expect('skipped' in out && out.skipped).toMatch(why);
  });

  it('never moves a model onto GPUs with less memory each (p4de 80 GB A100 → no 24 GB A10G/L4)', () => {
    const out = rightsize(subject({ instanceType: 'ml.p4de.24xlarge', minutes: minutes(7 * 24 * 60, () => 3, 1), kind: 'training-family' }), opts);
    expect('recommendation' in out).toBe(true);
    if ('recommendation' in out) expect(['p4de', 'p5', 'p5e', 'p5en', 'p6-b200'].some((f) => out.recommendation.to.instanceType.includes(`${f}.`))).toBe(true);
  });
});

describe('lifecycle KPIs', () => {
  it('weights hardware utilisation by allocated GPU-hours (an 8-GPU instance at 10 % weighs 8 × a 1-GPU one at 90 %)', () => {
    const big = variant({ id: 'big/v', instanceType: 'ml.p4d.24xlarge' });
    const small = variant({ id: 'small/v', instanceType: 'ml.g5.xlarge' });
    const u = hardwareUtilisation([hour(big, 0, { instanceType: 'ml.p4d.24xlarge', meanGpuUtilPct: 10 }), hour(small, 0, { meanGpuUtilPct: 90 })], [big, small], (t) => lookupInstance(t)?.acceleratorCount);
    expect(u.gpuHours).toBeCloseTo(9, 9);
    expect((100 * u.busyGpuHours) / u.gpuHours).toBeCloseTo((8 * 10 + 90) / 9, 9);
  });

  it('reports the share acted on, utilisation and avoided kg — each null with a reason when not computable', () => {
    const empty = { entries: 0, hours: 0, gpuHours: 0, energyKwh: { point: 0, low: 0, high: 0 }, co2eKg: { point: 0, low: 0, high: 0 } };
    const none = lifecycleKpis({ utilisation: { gpuHours: 0, busyGpuHours: 0, byKind: {} }, avoided: empty, avoidedWindowHours: 24 });
    expect(none.map((k) => [k.id, k.value])).toEqual([['lifecycle-cold-acted-share', null], ['hardware-utilisation', null], ['lifecycle-avoided-emissions', null]]);
    expect(none.every((k) => k.reason)).toBe(true);
    const some = lifecycleKpis({
      evaluation: { atSec: T0, coldNotActed: 1, acted: 3, excluded: 2, demo: false },
      utilisation: { gpuHours: 10, busyGpuHours: 4, byKind: {} },
      avoided: { ...empty, entries: 1, hours: 5, co2eKg: { point: 2, low: 1, high: 3 } },
      avoidedWindowHours: 24,
    });
    expect(some.map((k) => k.value)).toEqual([75, 40, 2]);
    expect(some[2]).toMatchObject({ low: 1, high: 3 });
    expect(some[2].label).toMatch(/AVOIDED, not measured/);
  });
});
