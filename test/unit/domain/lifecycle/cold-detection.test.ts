/** Cold detection: idle days from Invocations (0 or absent), the idle time's measured kgCO2e, states by threshold. */
import fc from 'fast-check';
import { componentIdleness, endpointIdleness, idleState, instanceSecondsIn, packageFreeze, variantIdleness } from '../../../../shared/domain/lifecycle/cold-detection';
import { DAY_SEC, HOUR_SEC } from '../../../../shared/domain/time';
import { hours, T0, variant } from '../../../helpers/lifecycle-fixtures';

describe('variant idleness', () => {
  it('counts idle days from the end of the last hour with an invocation to the end of the newest interval', () => {
    // Prepare: 10 days of hours, invoked only in hour 23 (day 0); absent afterwards.
    const r = variant();
    const xs = hours(r, 0, 240, (h) => (h === 23 ? 5 : undefined));
    // Act
    const v = variantIdleness(r, xs, 1)!;
    // Assess: idle since T0 + 24 h, data to T0 + 240 h → 9 days; 216 idle hours × 0.3 kg.
    expect(v.lastInvocationSec).toBe(T0 + 24 * HOUR_SEC);
    expect(v.idleDays).toBeCloseTo(9, 10);
    expect(v.idleLowerBound).toBe(false);
    expect(v.idleHours).toBe(216);
    expect(v.wastedKgCo2e.point).toBeCloseTo(216 * 0.3, 9);
    expect(v.wastedKgCo2e.low).toBeCloseTo(216 * 0.15, 9);
    expect(v.idleItEnergyKwh.point).toBeCloseTo(216, 9);
  });

  it('treats 0 like absent, and with no invocation at all gives a lower bound from the first interval held', () => {
    const r = variant();
    const v = variantIdleness(r, hours(r, 0, 48, () => 0), 1)!;
    expect(v.lastInvocationSec).toBeNull();
    expect(v.idleLowerBound).toBe(true);
    expect(v.idleDays).toBeCloseTo(2, 10);
  });

  it('is independent of the order intervals come in', () => {
    const r = variant();
    const xs = hours(r, 0, 72, (h) => (h % 7 === 0 && h < 30 ? 1 : 0));
    expect(variantIdleness(r, [...xs].reverse(), 1)).toEqual(variantIdleness(r, xs, 1));
  });

  it('gives invocations per allocated GPU-hour from the count history', () => {
    // 2 instances × 4 GPUs for 10 h, 800 invocations → 10 per GPU-hour.
    const r = variant({ instanceType: 'ml.g5.12xlarge', counts: [{ atSec: T0 - DAY_SEC, instanceCount: 2 }] });
    const v = variantIdleness(r, hours(r, 0, 10, () => 80), 4)!;
    expect(v.gpuHours).toBeCloseTo(80, 9);
    expect(v.invocationsPerGpuHour).toBeCloseTo(10, 9);
  });

  it('has nothing to say without intervals', () => expect(variantIdleness(variant(), [], 1)).toBeUndefined());
});

describe('endpoint idleness', () => {
  it('is as idle as its busiest variant; wasted kg and the hourly idle draw add up over variants', () => {
    const a = variant({ id: 'ep/a' });
    const b = variant({ id: 'ep/b' });
    const va = variantIdleness(a, hours(a, 0, 96, (h) => (h === 11 ? 1 : 0)), 1)!; // idle 84 h
    const vb = variantIdleness(b, hours(b, 0, 96, (h) => (h === 59 ? 1 : 0)), 1)!; // idle 36 h
    const e = endpointIdleness([va, vb])!;
    expect(e.idleDays).toBeCloseTo(36 / 24, 10);
    expect(e.wastedKgCo2e.point).toBeCloseTo((84 + 36) * 0.3, 9);
    expect(e.idleItKwhPerHour.point).toBeCloseTo(2, 9); // 1 kWh/h each, side by side
    expect(e.idleKgCo2ePerHour.point).toBeCloseTo(0.6, 9);
  });
});

describe('states', () => {
  it.each([
    [0, 'active'],
    [2.99, 'active'],
    [3, 'cooling'],
    [13.9, 'cooling'],
    [14, 'cold'],
    [60, 'cold'],
  ])('%d idle days with the defaults (cooling 3, cold 14: the issue) → %s', (days, state) => {
    expect(idleState(days, { coolingAfterDays: 3, coldAfterDays: 14 })).toBe(state);
  });
});

describe('instance-seconds from the count history', () => {
  it('integrates the steps exactly', () => {
    const r = { startSec: 0, counts: [{ atSec: 0, instanceCount: 2 }, { atSec: 1800, instanceCount: 0 }, { atSec: 2700, instanceCount: 3 }] };
    expect(instanceSecondsIn(r, { startSec: 0, endSec: 3600 })).toBe(2 * 1800 + 0 + 3 * 900);
    expect(instanceSecondsIn({ ...r, endSec: 3000 }, { startSec: 0, endSec: 3600 })).toBe(2 * 1800 + 3 * 300);
  });

  it('is additive over any split of the window (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ atSec: fc.integer({ min: 0, max: 10_000 }), instanceCount: fc.integer({ min: 0, max: 5 }) }), { maxLength: 8 }), fc.integer({ min: 1, max: 9_999 }), (counts, cut) => {
        const r = { startSec: 0, counts: [{ atSec: 0, instanceCount: 1 }, ...counts] };
        const whole = instanceSecondsIn(r, { startSec: 0, endSec: 10_000 });
        return whole === instanceSecondsIn(r, { startSec: 0, endSec: cut }) + instanceSecondsIn(r, { startSec: cut, endSec: 10_000 });
      }),
    );
  });
});

describe('inference component idleness (daily Invocations sums)', () => {
  it('runs from the day after the last day with invocations', () => {
    const days = [0, 1, 2, 3].map((d) => ({ daySec: T0 + d * DAY_SEC, sum: d === 1 ? 12 : 0 }));
    const c = componentIdleness({ dailyInvocations: days, observedFromSec: T0, createdSec: T0 - 30 * DAY_SEC }, T0 + 10 * DAY_SEC);
    expect(c.lastInvocationDaySec).toBe(T0 + DAY_SEC);
    expect(c.idleDays).toBeCloseTo(8, 10);
    expect(c.idleLowerBound).toBe(false);
  });

  it('never invoked: idle since its creation when that is inside the queried range, else a lower bound', () => {
    expect(componentIdleness({ dailyInvocations: [], observedFromSec: T0, createdSec: T0 + 2 * DAY_SEC }, T0 + 5 * DAY_SEC)).toMatchObject({ idleDays: 3, idleLowerBound: false });
    expect(componentIdleness({ dailyInvocations: [], observedFromSec: T0, createdSec: T0 - 99 * DAY_SEC }, T0 + 5 * DAY_SEC)).toMatchObject({ idleDays: 5, idleLowerBound: true });
  });
});

describe('frozen registry packages (no live endpoint for 90 days by default)', () => {
  const now = T0 + 400 * DAY_SEC;
  it.each([
    ['served now', { live: true, observedSinceSec: T0 }, false, 0],
    ['last live 120 days ago', { live: false, lastLiveSec: now - 120 * DAY_SEC, observedSinceSec: T0 }, true, 120],
    ['last live 30 days ago', { live: false, lastLiveSec: now - 30 * DAY_SEC, observedSinceSec: T0 }, false, 30],
    // Never seen live, but CarbonPilot has only looked for 10 days: not frozen for time nobody observed.
    ['never seen, observed 10 days', { live: false, observedSinceSec: now - 10 * DAY_SEC }, false, 10],
  ])('%s', (_name, o, frozen, days) => {
    const f = packageFreeze({ createdSec: T0 }, { ...o, nowSec: now, frozenAfterDays: 90 });
    expect(f.frozen).toBe(frozen);
    expect(f.daysWithoutLiveEndpoint).toBeCloseTo(days, 10);
  });
});
