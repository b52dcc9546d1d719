/**
 * Budget evaluation, the pre-flight gate, the demo seed and target progress end to end on real local adapters
 * (dynalite through the real SDK): a steady two-resource fleet, evaluations repeated, concurrent, out of order, across a
 * period boundary and through a failing publisher.
 */
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { DynamoBudgetStore } from '../../shared/adapters/aws/dynamodb-budget-store';
import { DynamoFootprintStore } from '../../shared/adapters/aws/dynamodb-footprint-store';
import { DynamoTargetStore } from '../../shared/adapters/aws/dynamodb-target-store';
import { ManualClock } from '../../shared/adapters/local/manual-clock';
import { BUDGET_THRESHOLD_CROSSED, BudgetThresholdCrossedDetail } from '../../shared/contracts/budgets';
import { DEFAULT_ATTRIBUTION_KEYS } from '../../shared/domain/attribution';
import { computeKpis } from '../../shared/domain/kpis';
import { lookupInstance } from '../../shared/domain/power/instance-catalog';
import type { EventPublisher } from '../../shared/ports';
import { makeSetBudget } from '../../shared/use-cases/budgets-crud';
import { makeBudgetStatuses, makeEvaluateBudgets } from '../../shared/use-cases/evaluate-budgets';
import { makeGateJob, assertAllowed, BudgetExceededError } from '../../shared/use-cases/gate-job';
import { seedDemoBudgets } from '../../shared/use-cases/seed-demo-budgets';
import { makeSetTarget, makeTargetStatuses } from '../../shared/use-cases/targets-crud';
import { at } from '../helpers/budget-fixtures';
import { seedFleet, steady } from '../helpers/budget-store-seed';

jest.setTimeout(120_000);

let db: EmbeddedDynamo;
let store: DynamoFootprintStore;
let budgets: DynamoBudgetStore;
let targets: DynamoTargetStore;
const clock = new ManualClock(at('2026-12-03T01:00:00Z'));
const events: { detailType: string; detail: BudgetThresholdCrossedDetail }[] = [];
let failNext = false;
const publisher: EventPublisher = {
  publish: async (es) => {
    if (failNext) {
      failNext = false;
      throw new Error('PutEvents: ServiceUnavailable');
    }
    for (const e of es) events.push({ detailType: e.detailType, detail: BudgetThresholdCrossedDetail.parse(e.detail) });
  },
};
const deps = () => ({ store, budgets, publisher, clock, attributionKeys: DEFAULT_ATTRIBUTION_KEYS });
const evaluate = (watermarkIso?: string) => makeEvaluateBudgets(deps())({ watermarkSec: watermarkIso ? at(watermarkIso) : undefined });
const setBudget = (b: unknown) => makeSetBudget({ budgets, clock })(b);
const drain = () => events.splice(0);

beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'budgets-use-cases' });
  store = new DynamoFootprintStore(db.client, db.tableName);
  budgets = new DynamoBudgetStore(db.client, db.tableName);
  targets = new DynamoTargetStore(db.client, db.tableName);
  // nlp endpoint 12 kg/day, vision instance 6 kg/day, from 20 October to 3 December 2026.
  const from = at('2026-10-20');
  await seedFleet(store, [
    { r: steady('chat/AllTraffic', 'endpoint', 'us-east-1', 'nlp', from), kgPerHour: 0.5 },
    { r: steady('i-vision', 'ec2-instance', 'eu-west-1', 'vision', from), kgPerHour: 0.25 },
  ], from, at('2026-12-03'));
});
afterAll(() => db.close());

describe('budget evaluation', () => {
  beforeAll(async () => {
    await setBudget({
      id: 'account', scope: { dimension: 'account' }, period: 'month', limitKgCo2e: 500,
      notifications: [{ type: 'ACTUAL', threshold: 50 }, { type: 'FORECASTED', threshold: 100 }],
    });
  });

  it('fires each crossing once, with the contract detail (budget, threshold, state, actual, forecast, contributors)', async () => {
    // 19 November days × 18 kg = 342 kg (> 250 = 50 %); forecast 342 + 11 × 18 = 540 kg (> 500).
    const r = await evaluate('2026-11-20T00:00:00Z');
    expect(r.errors).toEqual([]);
    expect(r.transitions.map((t) => [t.index, t.from, t.to, t.published])).toEqual([[0, 'OK', 'ALARM', true], [1, 'OK', 'ALARM', true]]);
    const got = drain();
    expect(got.map((e) => e.detailType)).toEqual([BUDGET_THRESHOLD_CROSSED, BUDGET_THRESHOLD_CROSSED]);
    const forecasted = got[1].detail;
    expect(forecasted).toMatchObject({ eventId: 'account#2026-11#1#ALARM', state: 'ALARM', previousState: 'OK', threshold: { type: 'FORECASTED', thresholdKgCo2e: 500 }, period: { key: '2026-11' }, asOf: '2026-11-20T00:00:00Z' });
    expect(forecasted.actualKgCo2e).toBeCloseTo(342, 6);
    expect(forecasted.forecastKgCo2e.p50).toBeCloseTo(540, 6);
    expect(forecasted.topContributors.map((c) => [c.resourceId, Math.round(c.sharePct)])).toEqual([['chat/AllTraffic', 67], ['i-vision', 33]]);
  });

  it('publishes nothing on a repeat, on concurrent duplicates, or for an older watermark delivered late', async () => {
    await evaluate('2026-11-20T00:00:00Z');
    const dup = await Promise.all([evaluate('2026-11-20T00:00:00Z'), evaluate('2026-11-20T00:00:00Z'), evaluate('2026-11-20T00:00:00Z')]);
    expect(dup.flatMap((r) => r.transitions)).toEqual([]);
    const old = await evaluate('2026-11-19T00:00:00Z');
    expect(old.stale).toBe(2);
    expect(drain()).toEqual([]);
  });

  it('clears when the condition no longer holds (limit raised), once; a re-crossing in the same period is recorded, not re-sent', async () => {
    await setBudget({ id: 'account', scope: { dimension: 'account' }, period: 'month', limitKgCo2e: 2000, notifications: [{ type: 'ACTUAL', threshold: 50 }, { type: 'FORECASTED', threshold: 100 }] });
    const cleared = await evaluate('2026-11-21T00:00:00Z');
    expect(cleared.transitions.map((t) => [t.to, t.published])).toEqual([['OK', true], ['OK', true]]);
    expect(drain().map((e) => [e.detail.state, e.detail.budget.version])).toEqual([['OK', 2], ['OK', 2]]);
    await setBudget({ id: 'account', scope: { dimension: 'account' }, period: 'month', limitKgCo2e: 500, notifications: [{ type: 'ACTUAL', threshold: 50 }, { type: 'FORECASTED', threshold: 100 }] });
    const again = await evaluate('2026-11-22T00:00:00Z');
    expect(again.transitions.map((t) => [t.to, t.published])).toEqual([['ALARM', false], ['ALARM', false]]);
    expect(drain()).toEqual([]);
  });

  it('a new period starts OK: December fires its own forecasted crossing', async () => {
    // 2 December days × 18 = 36 kg (< 250); forecast 36 + 29 × 18 = 558 kg (> 500).
    const r = await evaluate('2026-12-03T00:00:00Z');
    expect(r.transitions.map((t) => [t.periodKey, t.index, t.to, t.published])).toEqual([['2026-12', 1, 'ALARM', true]]);
    expect(drain().map((e) => e.detail.eventId)).toEqual(['account#2026-12#1#ALARM']);
    const s = await makeBudgetStatuses(deps())({ watermarkSec: at('2026-12-03') });
    expect(s.statuses[0].states.map((x) => [x.index, x.state])).toEqual([[0, 'OK'], [1, 'ALARM']]);
  });

  it('a failed publish stays in the outbox and goes out once, after its claim expires', async () => {
    await setBudget({ id: 'flaky', scope: { dimension: 'team', value: 'vision' }, period: 'month', limitKgCo2e: 100, notifications: [{ type: 'ACTUAL', threshold: 10, thresholdType: 'ABSOLUTE_VALUE' }] });
    failNext = true;
    const first = await evaluate('2026-12-03T00:00:00Z');
    expect(first.errors.map((e) => e.budgetId)).toEqual(['flaky']);
    expect(drain()).toEqual([]);
    expect((await evaluate('2026-12-03T00:00:00Z')).published).toBe(0); // the claim is still fresh
    clock.set(clock.nowSec() + 11 * 60);
    const retried = await evaluate('2026-12-03T00:00:00Z');
    expect(retried.published).toBe(1);
    expect(drain().map((e) => e.detail.eventId)).toEqual(['flaky#2026-12#0#ALARM']);
    expect((await evaluate('2026-12-03T00:00:00Z')).published).toBe(0);
    expect(drain()).toEqual([]);
  });

  it('a market-based budget is "not available", never a location-based number', async () => {
    await setBudget({ id: 'market', scope: { dimension: 'account' }, period: 'month', limitKgCo2e: 100, basis: 'market-based', notifications: [{ type: 'ACTUAL', threshold: 1 }] });
    const s = (await makeBudgetStatuses(deps())({ watermarkSec: at('2026-12-03') })).statuses.find((x) => x.budget.id === 'market')!;
    expect(s).toMatchObject({ available: false, actualKgCo2e: null });
    expect(s.reason).toMatch(/market-based emissions are not available/);
    expect((await evaluate('2026-12-03T00:00:00Z')).transitions.filter((t) => t.budgetId === 'market')).toEqual([]);
  });
});

describe('a budget that includes embodied emissions (real store: roll-ups for whole days, intervals for the day in progress)', () => {
  let edb: EmbeddedDynamo;
  let estore: DynamoFootprintStore;
  let ebudgets: DynamoBudgetStore;
  beforeAll(async () => {
    edb = await startEmbeddedDynamo({ tableName: 'budgets-embodied' });
    estore = new DynamoFootprintStore(edb.client, edb.tableName);
    ebudgets = new DynamoBudgetStore(edb.client, edb.tableName);
    // The vision instance carries 0.1 kg/h embodied; the endpoint none (as for hardware the factor table does not model).
    const from = at('2026-11-20');
    await seedFleet(estore, [
      { r: steady('chat/AllTraffic', 'endpoint', 'us-east-1', 'nlp', from), kgPerHour: 0.5 },
      { r: steady('i-vision', 'ec2-instance', 'eu-west-1', 'vision', from), kgPerHour: 0.25, embodiedKgPerHour: 0.1 },
    ], from, at('2026-12-03T12:00:00Z'));
  });
  afterAll(() => edb.close());

  it('counts operational + embodied, shows the split, and says which resources have no embodied figure', async () => {
    const d = { store: estore, budgets: ebudgets, publisher, clock, attributionKeys: DEFAULT_ATTRIBUTION_KEYS };
    for (const [id, includeEmbodied] of [['op', false], ['all', true]] as const) {
      await makeSetBudget({ budgets: ebudgets, clock })({ id, scope: { dimension: 'account' }, period: 'month', limitKgCo2e: 1000, includeEmbodied });
    }
    const { statuses } = await makeBudgetStatuses(d)({ watermarkSec: at('2026-12-03T12:00:00Z') });
    const op = statuses.find((s) => s.budget.id === 'op')!;
    const all = statuses.find((s) => s.budget.id === 'all')!;
    // December to 3 Dec 12:00 = 60 h: 60 × (0.5 + 0.25) operational, 60 × 0.1 embodied (2 days of roll-ups + 12 h of intervals).
    expect(op.actualKgCo2e).toBeCloseTo(45, 9);
    expect(op.embodied).toBeNull();
    expect(all.actualKgCo2e).toBeCloseTo(51, 9);
    expect(all.embodied).toMatchObject({ resourcesWithoutFigure: 1, resourcesInScope: 2 });
    expect(all.embodied!.operationalKgCo2e).toBeCloseTo(45, 9);
    expect(all.embodied!.embodiedKgCo2e).toBeCloseTo(6, 9);
    expect(all.forecast!.p50KgCo2e! - op.forecast!.p50KgCo2e!).toBeGreaterThan(6);
    expect(all.topContributors.find((c) => c.resourceId === 'i-vision')!.co2eKg).toBeCloseTo(60 * 0.35, 9);
  });
});

describe('pre-flight gate', () => {
  // December for nlp at 3 Dec: 24 kg actual + 29 × 12 = 372 kg forecast; limit 374 leaves 2 kg.
  beforeAll(() => setBudget({ id: 'nlp-gated', scope: { dimension: 'team', value: 'nlp' }, period: 'month', limitKgCo2e: 374, mode: 'enforcing' }));
  const plan = (fromIso: string, high: number, point = high * 0.8) => ({
    segments: [{ region: 'us-east-1', startSec: at(fromIso), endSec: at(fromIso) + 6 * 3600 }],
    expectedCo2eKg: { point, low: point * 0.8, high },
  });
  const gate: ReturnType<typeof makeGateJob> = (req) => makeGateJob({ store, budgets, clock, attributionKeys: DEFAULT_ATTRIBUTION_KEYS })(req);

  it('refuses a plan that would push the enforcing budget over, naming it, its remaining kg and the plan kg', async () => {
    const r = await gate({ jobId: 'job-1', ownerTags: { team: 'nlp' }, plan: plan('2026-12-05T00:00:00Z', 5) });
    expect(r.decision.decision).toBe('refuse');
    expect(() => assertAllowed(r)).toThrow(BudgetExceededError);
    expect(() => assertAllowed(r)).toThrow(/enforcing budget nlp-gated \(team=nlp, 2026-12\) has 2\.00 kgCO2e remaining of 374 .*the plan needs up to 5\.00 kgCO2e/);
    expect(r.overridesRecorded).toBe(0);
  });

  it('lets other teams through', async () => {
    expect((await gate({ jobId: 'job-2', ownerTags: { team: 'vision' }, plan: plan('2026-12-05T00:00:00Z', 50) })).decision.decision).toBe('allow');
  });

  it('runs with an override and records its reason once', async () => {
    const req = { jobId: 'job-3', ownerTags: { team: 'nlp' }, plan: plan('2026-12-05T00:00:00Z', 5), override: { reason: 'release blocker, approved in INC-42', approvedBy: 'ops lead' } };
    expect((await gate(req)).overridesRecorded).toBe(1);
    expect((await gate(req)).overridesRecorded).toBe(0);
    expect(await budgets.listOverrides('nlp-gated')).toEqual([expect.objectContaining({ jobId: 'job-3', periodKey: '2026-12', reason: 'release blocker, approved in INC-42', remainingKgCo2e: expect.closeTo(2, 6) })]);
  });

  it('offers the cheapest alternative that fits, checking each period it reaches into', async () => {
    const january = plan('2027-01-05T00:00:00Z', 5, 2); // January has the same 2 kg of room: does not fit
    const smaller = plan('2026-12-06T00:00:00Z', 1.5, 1.2);
    const r = await gate({ jobId: 'job-4', ownerTags: { team: 'nlp' }, plan: plan('2026-12-05T00:00:00Z', 5), alternatives: async () => [january, smaller] });
    expect(r.fittingPlan).toBe(smaller);
  });
});

describe('demo seed and targets', () => {
  const targetDeps = () => ({
    store, budgets, targets, clock, attributionKeys: DEFAULT_ATTRIBUTION_KEYS, lookupInstance,
    kpiReport: async (w: { startSec: number; endSec: number }) => computeKpis({ window: w, intervals: await store.queryIntervals(w), resources: await store.listAllResources() }),
  });

  it('seeds three demo budgets (one heading for a forecasted breach, one gated) and the five default targets, once', async () => {
    const first = await seedDemoBudgets({ store, budgets, targets, clock, attributionKeys: DEFAULT_ATTRIBUTION_KEYS });
    expect(first.budgetsCreated).toEqual(['demo-account-monthly', 'demo-vision-monthly', 'demo-nlp-gated']);
    expect(first.targetsCreated).toHaveLength(5);
    const again = await seedDemoBudgets({ store, budgets, targets, clock, attributionKeys: DEFAULT_ATTRIBUTION_KEYS });
    expect(again.budgetsCreated).toEqual([]);
    expect(again.skipped).toHaveLength(8);
    const s = (await makeBudgetStatuses(deps())()).statuses;
    const vision = s.find((x) => x.budget.id === 'demo-vision-monthly')!;
    expect(vision.budget.demo).toBe(true);
    expect(vision.notifications.map((n) => [n.type, n.condition])).toEqual([['ACTUAL', 'OK'], ['FORECASTED', 'ALARM']]);
    const gated = s.find((x) => x.budget.id === 'demo-nlp-gated')!;
    expect(gated.budget.mode).toBe('enforcing');
    // No room left: the limit is the forecast rounded down to a whole kg.
    expect(gated.remainingKgCo2e).toBeGreaterThan(-1);
    expect(gated.remainingKgCo2e).toBeLessThanOrEqual(0);
  });

  it('reports every target with pathway, current value and status; the demo base is entered and labelled', async () => {
    const r = await makeTargetStatuses(targetDeps())();
    const byId = new Map(r.statuses.map((s) => [s.target.id, s]));
    const total = byId.get('total-emissions-50pct')!;
    expect(total.base).toMatchObject({ source: 'entered', basis: 'location-based' });
    expect(total.target.base?.note).toMatch(/^DEMO/);
    expect(total.current.forecastMethod).toMatch(/annualised run-rate.*from 2026-10-20/);
    expect(['on-track', 'off-track']).toContain(total.current.status);
    expect(total.pathway?.yearly[0]).toEqual({ period: '2025', value: total.base.value });
    expect(byId.get('budget-utilisation-below-90pct')!.current).toMatchObject({ status: 'off-track' }); // the demo vision budget forecasts > 100 %
    expect(byId.get('low-carbon-training-95pct')!.current).toMatchObject({ status: 'insufficient-data', reason: 'no training jobs in the window' });
  });

  it('flags a recalculation when the entered base-year value is restated by ≥ 5 %, and says when a base year is not covered', async () => {
    const set = makeSetTarget(targetDeps());
    await set({ id: 'halve-nlp', metric: 'total-emissions', scope: { dimension: 'team', value: 'nlp' }, baseYear: 2025, targetYear: 2030, targetReductionPct: 50, base: { value: 5000 } });
    const restated = await set({ id: 'halve-nlp', metric: 'total-emissions', scope: { dimension: 'team', value: 'nlp' }, baseYear: 2025, targetYear: 2030, targetReductionPct: 50, base: { value: 5400 } });
    expect(restated.record.baseline.restatedFrom).toEqual({ value: 5000, changePct: 8, version: 1 });
    await set({ id: 'from-store', metric: 'total-emissions', baseYear: 2025, targetYear: 2030 });
    const r = await makeTargetStatuses(targetDeps())();
    const byId = new Map(r.statuses.map((s) => [s.target.id, s]));
    expect(byId.get('halve-nlp')!.recalculation).toMatchObject({ required: true, changePct: 8 });
    expect(byId.get('from-store')!.current).toMatchObject({ status: 'insufficient-data', reason: expect.stringMatching(/base year 2025 is not fully covered/) });
  });
});
