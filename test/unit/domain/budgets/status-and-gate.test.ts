/** A budget's state (actual, forecast, utilisation, notification conditions) and the pre-flight gate built on it. */
import { budgetStatus, thresholdKg } from '../../../../shared/domain/budgets/status';
import { gateJob, pickFittingPlan, planKgInBudget, type GateBudgetState, type GatePlan } from '../../../../shared/domain/budgets/gate';
import { periodOf } from '../../../../shared/domain/budgets/periods';
import { at, budget, dailyRows, inputs } from '../../../helpers/budget-fixtures';

// 50 days of a steady nlp endpoint at 10 kg/day from 1 October: November holds 19 complete days (190 kg) by the 20th.
const rows = dailyRows('endpoint#us-east-1#chat/AllTraffic', '2026-10-01', 50, 10);

describe('budgetStatus', () => {
  it('counts the period to date, forecasts to period end and compares each notification', () => {
    const s = budgetStatus(
      budget({
        limitKgCo2e: 250,
        notifications: [
          { type: 'ACTUAL', threshold: 80, thresholdType: 'PERCENTAGE' }, // 200 kg: actual 190 → OK
          { type: 'FORECASTED', threshold: 100, thresholdType: 'PERCENTAGE' }, // 250 kg: forecast 300 → ALARM
          { type: 'ACTUAL', threshold: 150, thresholdType: 'ABSOLUTE_VALUE' }, // 150 kg: actual 190 → ALARM
        ],
      }),
      inputs(rows),
    );
    expect(s.period.key).toBe('2026-11');
    expect(s.actualKgCo2e).toBe(190);
    expect(s.forecast?.p50KgCo2e).toBeCloseTo(300, 9);
    expect(s.utilisationPct).toBeCloseTo(76, 9);
    expect(s.forecastUtilisationPct).toBeCloseTo(120, 9);
    expect(s.remainingKgCo2e).toBeCloseTo(-50, 9);
    expect(s.notifications.map((n) => [n.thresholdKgCo2e, n.condition])).toEqual([[200, 'OK'], [250, 'ALARM'], [150, 'ALARM']]);
    expect(s.topContributors[0]).toMatchObject({ resourceId: 'chat/AllTraffic', co2eKg: 190, sharePct: 100 });
  });

  it('holds no figures for a basis footprints do not record (market-based), and says so', () => {
    const s = budgetStatus(budget({ basis: 'market-based' }), inputs(rows));
    expect(s).toMatchObject({ available: false, actualKgCo2e: null, embodied: null, forecast: null, utilisationPct: null });
    expect(s.reason).toMatch(/market-based emissions are not available to budgets/);
  });

  it('a budget that includes embodied emissions counts them in actual, run-rate and plans, and shows the split', () => {
    // The endpoint carries 2 kg embodied a day; a 24 h scheduled job on 20–21 Nov carries 0.5 kg/h embodied.
    const withEmb = rows.map((r) => ({ ...r, embodiedKg: 2 }));
    const scheduled = [{
      jobId: 'j1', attribution: { team: 'nlp', project: 'p', model: 'm' }, demo: false,
      segments: [{ region: 'us-east-1', startSec: at('2026-11-20'), endSec: at('2026-11-21') }],
      expectedCo2eKg: { low: 8, point: 10, high: 12 },
      embodiedKgPerSec: { low: 0.5 / 3600, point: 0.5 / 3600, high: 0.5 / 3600 },
    }];
    const op = budgetStatus(budget(), inputs(withEmb, { scheduled }));
    const all = budgetStatus(budget({ includeEmbodied: true }), inputs(withEmb, { scheduled }));
    expect(op.actualKgCo2e).toBe(190);
    expect(op.embodied).toBeNull();
    expect(all.actualKgCo2e).toBe(190 + 19 * 2);
    expect(all.embodied).toEqual({ operationalKgCo2e: 190, embodiedKgCo2e: 38, resourcesWithoutFigure: 0, resourcesInScope: 1, plannedJobsWithoutFigure: 0 });
    // Forecast: 11 more days at 12 kg (10 + 2 embodied) and the job's 10 + 12 embodied, against 11 × 10 + 10 without.
    expect(all.forecast?.p50KgCo2e).toBeCloseTo(228 + 11 * 12 + 22, 0);
    expect(op.forecast?.p50KgCo2e).toBeCloseTo(190 + 11 * 10 + 10, 0);
    expect(all.topContributors[0]).toMatchObject({ resourceId: 'chat/AllTraffic', co2eKg: 228 });
    // Rows without an embodied figure, and a planned job on an unmodelled type, are counted as such (never as 0 silently).
    const partly = budgetStatus(budget({ includeEmbodied: true }), inputs(rows.map((r, i) => (i % 2 ? { ...r, embodiedKg: 2 } : { ...r, embodiedGap: true })), { scheduled: [{ ...scheduled[0], embodiedKgPerSec: undefined }] }));
    expect(partly.embodied).toMatchObject({ resourcesWithoutFigure: 1, resourcesInScope: 1, plannedJobsWithoutFigure: 1 });
  });

  it('an out-of-scope budget counts nothing', () => {
    expect(budgetStatus(budget({ scope: { dimension: 'team', value: 'vision' } }), inputs(rows)).actualKgCo2e).toBe(0);
  });

  it.each([
    [{ type: 'ACTUAL', threshold: 80, thresholdType: 'PERCENTAGE' }, 400],
    [{ type: 'FORECASTED', threshold: 120, thresholdType: 'ABSOLUTE_VALUE' }, 120],
  ] as const)('threshold %j of a 500 kg budget is %d kg', (n, kg) => expect(thresholdKg(n, 500)).toBe(kg));
});

describe('pre-flight gate', () => {
  const nov = periodOf('month', at('2026-11-20'));
  const enforcing = budget({ id: 'nlp-gated', scope: { dimension: 'team', value: 'nlp' }, mode: 'enforcing', limitKgCo2e: 320 });
  const state = (over: Partial<GateBudgetState> = {}): GateBudgetState => ({ budget: enforcing, period: nov, available: true, remainingKgCo2e: 20, remainingBasis: 'forecast-p50', ...over });
  const plan = (region: string, fromIso: string, hours: number, high: number, point = high * 0.8): GatePlan => ({
    segments: [{ region, startSec: at(fromIso), endSec: at(fromIso) + hours * 3600 }],
    expectedCo2eKg: { point, low: point * 0.8, high },
  });
  const nlpJob = (p: GatePlan) => ({ jobId: 'job1', attribution: { team: 'nlp', project: 'p', model: 'm' }, plan: p });

  it('refuses a plan whose upper bound exceeds the room left, naming the budget, its remaining kg and the plan kg', () => {
    const d = gateJob(nlpJob(plan('us-east-1', '2026-11-21T00:00:00Z', 6, 25)), [state()]);
    expect(d.decision).toBe('refuse');
    expect(d.decision === 'refuse' && d.message).toMatch(/enforcing budget nlp-gated \(team=nlp, 2026-11\) has 20\.00 kgCO2e remaining of 320 .*the plan needs up to 25\.00 kgCO2e/);
  });

  it('allows a plan that fits, and ignores advisory budgets and other teams', () => {
    expect(gateJob(nlpJob(plan('us-east-1', '2026-11-21T00:00:00Z', 6, 15)), [state()]).decision).toBe('allow');
    expect(gateJob(nlpJob(plan('us-east-1', '2026-11-21T00:00:00Z', 6, 99)), [state({ budget: { ...enforcing, mode: 'advisory' } })]).decision).toBe('allow');
    expect(gateJob({ ...nlpJob(plan('us-east-1', '2026-11-21T00:00:00Z', 6, 99)), attribution: { team: 'vision', project: 'p', model: 'm' } }, [state()]).decision).toBe('allow');
  });

  it('runs with an override and keeps the reason', () => {
    const d = gateJob(nlpJob(plan('us-east-1', '2026-11-21T00:00:00Z', 6, 25)), [state()], { reason: 'quarterly model refresh, approved by CTO' });
    expect(d).toMatchObject({ decision: 'allow-with-override', overrideReason: 'quarterly model refresh, approved by CTO' });
  });

  it('adds the job\'s embodied rate (upper bound) for the time inside a budget that includes embodied emissions', () => {
    const job = { ...nlpJob(plan('us-east-1', '2026-11-30T20:00:00Z', 10, 50)), embodiedKgPerSec: { low: 0.5 / 3600, point: 1 / 3600, high: 2 / 3600 } };
    expect(planKgInBudget(job, enforcing, nov)).toBeCloseTo(20, 9);
    // 4 h in November at 2 kg/h (high) embodied on top of the 20 kg operational.
    expect(planKgInBudget(job, { ...enforcing, includeEmbodied: true }, nov)).toBeCloseTo(28, 9);
  });

  it('counts only the part of a plan inside the budget period and region scope (prorated by time)', () => {
    // 10 h from 30 Nov 20:00: 4 h in November, 6 h in December; high 50 kg → 20 kg in November.
    expect(planKgInBudget(nlpJob(plan('us-east-1', '2026-11-30T20:00:00Z', 10, 50)), enforcing, nov)).toBeCloseTo(20, 9);
    const euOnly = { ...enforcing, scope: { dimension: 'region' as const, value: 'eu-north-1' } };
    expect(planKgInBudget(nlpJob(plan('us-east-1', '2026-11-21T00:00:00Z', 10, 50)), euOnly, nov)).toBe(0);
  });

  it('refuses when an enforcing budget cannot be checked (its basis is not recorded): the limit is not waived', () => {
    const d = gateJob(nlpJob(plan('us-east-1', '2026-11-21T00:00:00Z', 1, 1)), [state({ available: false, remainingKgCo2e: null, reason: 'market-based emissions are not available' })]);
    expect(d.decision === 'refuse' && d.message).toMatch(/cannot be checked: market-based emissions are not available/);
  });

  it('offers the cheapest alternative that fits', () => {
    const later = plan('us-east-1', '2026-12-01T00:00:00Z', 6, 25, 9);
    const other = plan('us-east-1', '2026-11-22T00:00:00Z', 6, 18, 12);
    const cheaperButTooBig = plan('us-east-1', '2026-11-23T00:00:00Z', 6, 30, 5);
    const decide = (p: GatePlan) => gateJob(nlpJob(p), [state()]);
    expect(pickFittingPlan([cheaperButTooBig, other, later], decide)).toBe(later); // later is in December: no November kg
    expect(pickFittingPlan([cheaperButTooBig], decide)).toBeUndefined();
  });
});

describe('refusal text', () => {
  it('says a budget whose forecast is already over has nothing left, and by how much it is over', () => {
    const nov = periodOf('month', at('2026-11-20'));
    const b = budget({ id: 'nlp-gated', scope: { dimension: 'team', value: 'nlp' }, mode: 'enforcing', limitKgCo2e: 100 });
    const d = gateJob(
      { jobId: 'j', attribution: { team: 'nlp', project: 'p', model: 'm' }, plan: { segments: [{ region: 'us-east-1', startSec: at('2026-11-21'), endSec: at('2026-11-21') + 3600 }], expectedCo2eKg: { point: 0.1, low: 0.08, high: 0.14 } } },
      [{ budget: b, period: nov, available: true, remainingKgCo2e: -0.4, remainingBasis: 'forecast-p50' }],
    );
    expect(d.decision === 'refuse' && d.message).toMatch(/has 0\.00 kgCO2e remaining of 100 \(after its forecast to period end, which is already 0\.40 kgCO2e over the limit\); the plan needs up to 0\.14 kgCO2e/);
  });
});
