import fc from 'fast-check';
import { planJob, type PlanRequest, type RegionForecast } from '../../../../shared/domain/scheduler/planner';
import { replanDecision } from '../../../../shared/domain/scheduler/replan-rule';

const H = 3600;
const T0 = Date.UTC(2024, 0, 15, 0) / 1000;

const region = (point: number[]): RegionForecast => ({
  region: 'us-east-1', zone: 'US-MIDA-PJM', pue: 1.2, startSec: T0, point, low: point, high: point, issuedAtSec: T0, signal: 'average-lifecycle',
});
const request = (regions: RegionForecast[], over: Partial<PlanRequest> = {}): PlanRequest => ({
  nowSec: T0, earliestStartSec: T0, deadlineSec: T0 + 24 * H, durationSec: 2 * H, powerKw: 10, interruptible: false, restartOverheadSec: 0, regions, ...over,
});
/** 300 g/kWh everywhere but `value` over [from, to) hours. */
const dip = (from: number, to: number, value: number): number[] => Array.from({ length: 48 }, (_, h) => (h >= from && h < to ? value : 300));

describe('replanDecision: the hourly re-plan rule of a job not yet started', () => {
  it.each([
    // Held plan: 2 h at hours 10–12. Its cost under the new forecast vs the fresh optimum decides.
    { name: 'new forecast: a much cleaner window elsewhere → re-plan', now: dip(18, 20, 40), replan: true },
    { name: 'new forecast: the held window is still the best → keep', now: dip(10, 12, 100), replan: false },
    // 10 kW × 2 h × 1.2 × (300 vs 290 g/kWh): the fresh plan is 3.3 % better, under the 5 % threshold.
    { name: 'new forecast: a window only 3 % cleaner → keep (churn guard)', now: dip(18, 20, 290), replan: false },
  ])('$name', ({ now, replan }) => {
    // Prepare
    const held = planJob(request([region(dip(10, 12, 100))])).segments;
    const forecasts = [region(now)];
    const fresh = planJob(request(forecasts));
    // Act
    const d = replanDecision({ pending: held, fresh, forecasts, powerKw: 10, thresholdPct: 5 });
    // Assess
    expect(d.replan).toBe(replan);
    expect(d.currentKg).toBeCloseTo((10 * 1.2 * 2 * now[10]) / 1000, 9);
  });

  it('states the gain as the share of the held plan saved, costed on the new forecast', () => {
    const held = [{ region: 'us-east-1', startSec: T0 + 10 * H, endSec: T0 + 12 * H }];
    const forecasts = [region(dip(18, 20, 150))];
    const d = replanDecision({ pending: held, fresh: planJob(request(forecasts)), forecasts, powerKw: 10, thresholdPct: 5 });
    // Held: 2 h at 300; fresh: 2 h at 150 → 50 % below.
    expect(d.gainPct).toBeCloseTo(50, 9);
    expect(d.replan).toBe(true);
  });

  it('never moves to an infeasible plan, however clean', () => {
    const held = [{ region: 'us-east-1', startSec: T0, endSec: T0 + 2 * H }];
    const forecasts = [region(dip(0, 48, 1))];
    const fresh = planJob(request(forecasts, { deadlineSec: T0 + H })); // 2 h of work, 1 h to the deadline
    expect(fresh.feasible).toBe(false);
    expect(replanDecision({ pending: held, fresh, forecasts, powerKw: 10, thresholdPct: 5 }).replan).toBe(false);
  });

  it('keeps a plan whose region has no forecast any more (nothing to compare)', () => {
    const held = [{ region: 'eu-west-1', startSec: T0 + 3 * H, endSec: T0 + 5 * H }];
    const forecasts = [region(dip(0, 2, 10))];
    const d = replanDecision({ pending: held, fresh: planJob(request(forecasts)), forecasts, powerKw: 10, thresholdPct: 5 });
    expect(d).toEqual({ replan: false, gainPct: 0, currentKg: NaN });
  });

  it('never re-plans to the plan it holds (the fresh optimum of an unchanged forecast)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 20, max: 900, noNaN: true }), { minLength: 48, maxLength: 48 }), fc.integer({ min: 1, max: 6 }), (point, durH) => {
        const forecasts = [region(point)];
        const plan = planJob(request(forecasts, { durationSec: durH * H }));
        return !replanDecision({ pending: plan.segments, fresh: plan, forecasts, powerKw: 10, thresholdPct: 5 }).replan;
      }),
      { numRuns: 50 },
    );
  });
});
