/**
 * Budgets wired into the product, on real local adapters (dynalite through the real SDK): the pre-flight gate in
 * plan previews and job submissions (HTTP 409 naming the budget, override recorded only when a job is stored), the
 * budgets/targets API (field-named 400s with nothing stored, 404, 409 on a moved version), the budget-evaluate
 * handler (duplicate and repeated deliveries publish once), `Rollups Updated` after roll-ups, and the KPI contributor.
 */
import { DynamoBudgetStore } from '../../shared/adapters/aws/dynamodb-budget-store';
import { DynamoFootprintStore } from '../../shared/adapters/aws/dynamodb-footprint-store';
import { DynamoTargetStore } from '../../shared/adapters/aws/dynamodb-target-store';
import { BUDGET_THRESHOLD_CROSSED } from '../../shared/contracts/budgets';
import { JobRequest } from '../../shared/contracts/job-request';
import { MalformedEventError } from '../../shared/contracts/events';
import { DEFAULT_ATTRIBUTION_KEYS } from '../../shared/domain/attribution';
import { computeKpis } from '../../shared/domain/kpis';
import { lookupInstance } from '../../shared/domain/power/instance-catalog';
import { DAY_SEC, isoUtc } from '../../shared/domain/time';
import { budgetsRoutes } from '../../shared/http/budgets-routes';
import { jobsRoutes } from '../../shared/http/jobs-routes';
import { dispatch, type Method } from '../../shared/http/router';
import { makeHandler as budgetEvaluateHandler } from '../../lambdas/budget-evaluate/handler';
import { DetailTypes } from '../../shared/pipeline';
import type { EventPublisher } from '../../shared/ports';
import { makeBudgetKpis } from '../../shared/use-cases/budget-kpis';
import { makeBudgetStatuses } from '../../shared/use-cases/evaluate-budgets';
import { BudgetExceededError } from '../../shared/use-cases/gate-job';
import { makeRollup } from '../../shared/use-cases/rollup';
import { makePreviewPlan, makeScheduleJob } from '../../shared/use-cases/schedule-job';
import type { BudgetingDeps } from '../../shared/use-cases/targets-crud';
import { seedFleet, steady } from '../helpers/budget-store-seed';
import { request, startHarness, T0, type Harness } from '../unit/use-cases/scheduling-harness';

jest.setTimeout(120_000);

let h: Harness;
let store: DynamoFootprintStore;
let budgets: DynamoBudgetStore;
let targets: DynamoTargetStore;
let budgeting: BudgetingDeps;
const published: { detailType: string; detail: unknown }[] = [];
const publisher: EventPublisher = { publish: async (es) => void published.push(...es.map((e) => ({ detailType: e.detailType, detail: e.detail }))) };
const noStart = async () => undefined;

beforeAll(async () => {
  // The scheduler harness's clock stands at 2024-06-01T00:00:00Z; 31 days of an nlp endpoint (12 kg/day) and a vision
  // instance (6 kg/day) before it, in the same table the job store uses.
  h = await startHarness();
  store = new DynamoFootprintStore(h.db.client, h.db.tableName);
  budgets = new DynamoBudgetStore(h.db.client, h.db.tableName);
  targets = new DynamoTargetStore(h.db.client, h.db.tableName);
  const from = T0 - 31 * DAY_SEC;
  await seedFleet(store, [
    { r: steady('chat/AllTraffic', 'endpoint', 'us-east-1', 'nlp', from), kgPerHour: 0.5 },
    { r: steady('i-vision', 'ec2-instance', 'eu-west-1', 'vision', from), kgPerHour: 0.25 },
  ], from, T0);
  h.deps.budgetGate = { store, budgets, attributionKeys: DEFAULT_ATTRIBUTION_KEYS };
  budgeting = {
    store, jobs: h.jobs, budgets, targets, clock: h.clock, attributionKeys: DEFAULT_ATTRIBUTION_KEYS, lookupInstance,
    kpiReport: async (w) => computeKpis({ window: w, intervals: await store.queryIntervals(w), resources: await store.listAllResources() }),
  };
});
afterAll(() => h.close());

const api = (method: Method, path: string, body?: unknown, query = '') =>
  dispatch([...budgetsRoutes({ budgeting }), ...jobsRoutes({ scheduling: h.deps, footprint: store, intensityProviders: [] })], { method, path, query: new URLSearchParams(query), body });

describe('budgets and targets API', () => {
  it('PUT creates (201) and replaces (200) a budget; GET lists it in the budgets-list shape', async () => {
    // June for nlp from 1 June: a month of 12 kg/day forecast, nothing actual yet; 1 kg leaves no room.
    const created = await api('PUT', '/api/budgets/nlp-gated', { scope: { dimension: 'team', value: 'nlp' }, period: 'month', limitKgCo2e: 2, mode: 'enforcing', notifications: [{ type: 'FORECASTED', threshold: 100 }] });
    expect(created.status).toBe(201);
    const replaced = await api('PUT', '/api/budgets/nlp-gated', { id: 'nlp-gated', scope: { dimension: 'team', value: 'nlp' }, period: 'month', limitKgCo2e: 1, mode: 'enforcing', notifications: [{ type: 'FORECASTED', threshold: 100 }] });
    expect(replaced).toMatchObject({ status: 200, body: { created: false, budget: { id: 'nlp-gated', version: 2, limitKgCo2e: 1 } } });
    const list = await api('GET', '/api/budgets');
    expect(list.status).toBe(200);
    const b = (list.body as { budgets: Record<string, unknown>[] }).budgets.find((x) => x.id === 'nlp-gated')!;
    expect(b).toMatchObject({ id: 'nlp-gated', scope: { dimension: 'team', value: 'nlp' }, period: 'month', limitKgCo2e: 1, actualKgCo2e: 0, forecastKgCo2e: { p50: expect.any(Number), p90: expect.any(Number) }, utilisationPct: 0, notifications: [{ type: 'FORECASTED', threshold: 100, state: 'ALARM' }] });
    // The forecast is 30 June days of 12 kg.
    expect((b.forecastKgCo2e as { p50: number }).p50).toBeCloseTo(360, 6);
    expect((await api('GET', '/api/budgets/nlp-gated')).body).toMatchObject({ budget: { id: 'nlp-gated' } });
  });

  it.each([
    ['no limit', { scope: { dimension: 'account' }, period: 'month' }, 'limitKgCo2e'],
    ['an unknown dimension', { scope: { dimension: 'colour', value: 'blue' }, period: 'month', limitKgCo2e: 5 }, 'scope.dimension'],
    ['a threshold over 1,000 %', { scope: { dimension: 'account' }, period: 'month', limitKgCo2e: 5, notifications: [{ type: 'ACTUAL', threshold: 1200 }] }, 'notifications.0.threshold'],
    ['an unknown field', { scope: { dimension: 'account' }, period: 'month', limitKgCo2e: 5, limitKg: 5 }, 'limitKg'],
    ['another id in the body', { id: 'other', scope: { dimension: 'account' }, period: 'month', limitKgCo2e: 5 }, 'id'],
    ['a body that is not an object', [1, 2], '(root)'],
  ])('PUT with %s is a 400 naming the field, and stores nothing', async (_name, body, field) => {
    const r = await api('PUT', '/api/budgets/bad-one', body);
    expect(r.status).toBe(400);
    expect((r.body as { details: { field: string }[] }).details.map((d) => d.field)).toContain(field);
    expect((r.body as { error: string }).error).toMatch(/nothing stored/);
    expect(await budgets.getBudget('bad-one', { includeDeleted: true })).toBeUndefined();
  });

  it('answers 404 for an unknown budget and 409 when the version moved', async () => {
    expect((await api('GET', '/api/budgets/nope')).status).toBe(404);
    expect((await api('DELETE', '/api/budgets/nope')).status).toBe(404);
    const stale = await api('PUT', '/api/budgets/nlp-gated', { scope: { dimension: 'team', value: 'nlp' }, period: 'month', limitKgCo2e: 1, mode: 'enforcing' }, 'ifVersion=1');
    expect(stale.status).toBe(409);
    expect((await budgets.getBudget('nlp-gated'))!.version).toBe(2);
    expect((await api('PUT', '/api/budgets/x', { scope: { dimension: 'account' }, period: 'month', limitKgCo2e: 1 }, 'ifVersion=one')).status).toBe(400);
  });

  it('deletes with DELETE (then 404), and serves targets: 400 for a target year before its base year, the list shape', async () => {
    expect((await api('PUT', '/api/budgets/tmp', { scope: { dimension: 'account' }, period: 'year', limitKgCo2e: 10 })).status).toBe(201);
    expect((await api('DELETE', '/api/budgets/tmp', undefined, 'ifVersion=1')).body).toMatchObject({ deleted: true, id: 'tmp', version: 2 });
    expect((await api('GET', '/api/budgets/tmp')).status).toBe(404);

    const bad = await api('PUT', '/api/targets/t1', { metric: 'total-emissions', baseYear: 2025, targetYear: 2020 });
    expect(bad.status).toBe(400);
    expect((bad.body as { details: { field: string }[] }).details.map((d) => d.field)).toEqual(['targetYear']);
    expect(await targets.getTarget('t1', { includeDeleted: true })).toBeUndefined();
    expect((await api('PUT', '/api/targets/t1', { metric: 'total-emissions', baseYear: 2023, targetYear: 2030, base: { value: 5000 } })).status).toBe(201);
    const list = await api('GET', '/api/targets');
    expect((list.body as { targets: unknown[] }).targets).toEqual([expect.objectContaining({
      id: 't1', metric: 'total-emissions', method: 'absolute-contraction', baseYear: 2023, targetYear: 2030,
      pathway: expect.objectContaining({ yearly: expect.any(Array) }), current: expect.objectContaining({ period: '2024' }), status: expect.stringMatching(/^(on-track|off-track|insufficient-data)$/),
    })]);
    expect((await api('GET', '/api/targets/t1')).body).toMatchObject({ target: { id: 't1' } });
    expect((await api('GET', '/api/targets/t2')).status).toBe(404);
  });
});

describe('pre-flight gate in the scheduler', () => {
  const nlpJob = (over: Parameters<typeof request>[0] = {}) => JobRequest.parse(request({ clientToken: 'gate-nlp', ...over }));

  it('refuses the preview of an nlp job naming the budget, its remaining kg and the plan kg', async () => {
    const err = await makePreviewPlan(h.deps)(nlpJob()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect((err as Error).message).toMatch(/enforcing budget nlp-gated \(team=nlp, 2024-06\) has 0\.00 kgCO2e remaining of 1\.00 .*already \d+ kgCO2e over the limit.*the plan needs up to \d+\.\d+ kgCO2e/);
    expect((err as BudgetExceededError).exitCode).toBe(3);
  });

  it('answers POST /api/jobs with 409 naming the budget, and stores no job', async () => {
    const r = await api('POST', '/api/jobs', request({ clientToken: 'gate-nlp' }));
    expect(r.status).toBe(409);
    expect((r.body as { error: string }).error).toMatch(/nlp-gated .*remaining.*the plan needs up to/);
    expect((r.body as { details: { field: string }[] }).details).toEqual([expect.objectContaining({ field: 'budgetOverride' })]);
    expect(await h.jobs.listByStatus('requested')).toEqual([]);
    expect(await h.jobs.listByStatus('scheduled')).toEqual([]);
  });

  it('lets other teams through, with the checks in the preview', async () => {
    const p = await makePreviewPlan(h.deps)(nlpJob({ clientToken: 'gate-vision', ownerTags: { team: 'vision' } }));
    expect(p.budgetGate).toEqual({ decision: 'allow', checks: [] });
  });

  it('previews an override without recording it, and records it once when the job is submitted', async () => {
    const budgetOverride = { reason: 'quarterly model refresh, approved in CHG-7', approvedBy: 'ml lead' };
    const p = await makePreviewPlan(h.deps)(nlpJob({ budgetOverride }));
    expect(p.budgetGate?.decision).toBe('allow-with-override');
    expect(await budgets.listOverrides('nlp-gated')).toEqual([]);
    const submit = makeScheduleJob(h.deps, noStart);
    const r = await submit(nlpJob({ budgetOverride }));
    expect(r.created).toBe(true);
    expect(r.job.request.budgetOverride).toEqual(budgetOverride);
    expect(r.job.plan.reasons.some((x) => /overridden: quarterly model refresh/.test(x))).toBe(true);
    expect(await budgets.listOverrides('nlp-gated')).toEqual([expect.objectContaining({ jobId: r.job.jobId, reason: budgetOverride.reason, approvedBy: 'ml lead' })]);
    // A repeat of the accepted request returns the stored job: never re-gated, never recorded twice.
    expect((await submit(nlpJob({ budgetOverride }))).created).toBe(false);
    expect(await budgets.listOverrides('nlp-gated')).toHaveLength(1);
  });
});

describe('budget-evaluate handler and Rollups Updated', () => {
  const envelope = (detailType: string, detail: unknown, source = 'carbonpilot') => ({ 'detail-type': detailType, source, time: isoUtc(T0), detail });
  const handler = budgetEvaluateHandler(async () => ({ ...budgeting, publisher, log: () => undefined }));

  it('publishes a threshold crossing once, whichever trigger fires and however often', async () => {
    published.length = 0;
    const first = await handler(envelope('Scheduled Event', {}, 'aws.events'), {} as never);
    const again = await handler(envelope(DetailTypes.rollupsUpdated, { days: ['2024-05-31'] }), {} as never);
    const duplicate = await handler(envelope(DetailTypes.rollupsUpdated, { days: ['2024-05-31'] }), {} as never);
    const alarms = published.filter((e) => e.detailType === BUDGET_THRESHOLD_CROSSED);
    expect(alarms.map((e) => (e.detail as { eventId: string }).eventId)).toEqual(['nlp-gated#2024-06#0#ALARM']);
    expect(first).toMatchObject({ published: 1, errors: 0 });
    expect([again, duplicate]).toEqual([expect.objectContaining({ published: 0, transitions: 0 }), expect.objectContaining({ published: 0, transitions: 0 })]);
  });

  it('rejects a malformed Rollups Updated naming the field, before any deps are built', async () => {
    const h2 = budgetEvaluateHandler(async () => {
      throw new Error('deps must not be built');
    });
    const err = await h2(envelope(DetailTypes.rollupsUpdated, { days: ['31-05-2024'] }), {} as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedEventError);
    expect((err as Error).message).toMatch(/days\.0/);
  });

  it('the rollup use case publishes Rollups Updated with the days it recomputed', async () => {
    published.length = 0;
    await makeRollup({ store, publisher })(['2024-05-30', '2024-05-31']);
    expect(published).toEqual([{ detailType: DetailTypes.rollupsUpdated, detail: { days: ['2024-05-30', '2024-05-31'] } }]);
  });
});

describe('KPI contributor', () => {
  it('gives the highest forecast budget utilisation and the share of measurable targets on track', async () => {
    const [util, status] = await makeBudgetKpis(budgeting)({ startSec: T0 - 7 * DAY_SEC, endSec: T0 + 3600 });
    // nlp-gated: 360 kg of run-rate plus the overridden job's plan, on a 1 kg limit.
    const [gated] = (await makeBudgetStatuses(budgeting)({ ids: ['nlp-gated'] })).statuses;
    expect(util).toMatchObject({ id: 'budget-utilisation', unit: '% of limit', breakdown: [{ key: 'nlp-gated (2024-06)' }] });
    expect(util.value).toBe(gated.forecastUtilisationPct);
    expect(util.value!).toBeGreaterThan(36_000);
    expect(status.id).toBe('target-status');
    expect(status.detail).toMatch(/t1/);
  });

  it('says why instead of 0 when nothing is defined', async () => {
    const empty = { ...budgeting, budgets: { ...budgets, listBudgets: async () => [] } as unknown as DynamoBudgetStore, targets: { listTargets: async () => [] } as unknown as DynamoTargetStore };
    const [util, status] = await makeBudgetKpis(empty)({ startSec: T0 - DAY_SEC, endSec: T0 });
    expect(util).toMatchObject({ value: null, reason: 'no carbon budgets defined' });
    expect(status).toMatchObject({ value: null, reason: 'no reduction targets defined' });
  });
});
