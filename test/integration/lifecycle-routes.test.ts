/**
 * The lifecycle API on the real store: bad input is a 400 naming the field and changes nothing; unknown subjects 404;
 * conflicts 409. Where the process may act (local server) a park runs at once; in the api function (no cloud
 * rights) it is recorded and the lifecycle function carries it out — the same record either way.
 */
import { dispatch, type HttpResponse } from '../../shared/http/router';
import { lifecycleRoutes } from '../../shared/http/lifecycle-routes';
import type { LifecycleServiceDeps } from '../../shared/use-cases/lifecycle-service';
import { evaluateLifecycle } from '../../shared/use-cases/lifecycle-evaluate';
import { storeEvaluation, makeLifecycleFunction } from '../../shared/use-cases/lifecycle-run';
import { catalogInstanceTypes } from '../../shared/domain/power/instance-catalog';
import { getRegionInfo } from '../../shared/domain/regions/region-catalog';
import { YearlyIntensityProvider } from '../../shared/adapters/intensity/yearly-intensity-provider';
import { endpointSubject, EP, HOUR, NOW, REGION, startLifecycleWorld, type LifecycleWorld } from '../helpers/lifecycle-world';

jest.setTimeout(120_000);

let w: LifecycleWorld;
beforeEach(async () => (w = await startLifecycleWorld()));
afterEach(() => w.close());

const deps = (withCloud: boolean): LifecycleServiceDeps => ({
  ...(({ cloud: _c, ...rest }) => rest)(w.deps()),
  regions: [REGION],
  intensityProviders: [new YearlyIntensityProvider()],
  regionInfo: (r) => getRegionInfo(r, {}),
  signal: 'average-lifecycle',
  catalogTypes: catalogInstanceTypes(),
  minObservedHours: 168,
  rawRetentionSec: 35 * 86_400,
  ...(withCloud ? { cloud: w.sm } : {}),
});
const call = (withCloud: boolean, method: 'GET' | 'POST', path: string, body?: unknown, query = ''): Promise<HttpResponse> =>
  dispatch(lifecycleRoutes({ lifecycle: deps(withCloud) }), { method, path, query: new URLSearchParams(query), body });
const fields = (r: HttpResponse) => ((r.body as { details?: { field: string }[] }).details ?? []).map((d) => d.field);
const ok = { op: 'park', resource: EP, reason: 'idle since deploy', by: 'alice' };

describe('POST /api/lifecycle/actions', () => {
  it.each([
    ['an unknown op', { ...ok, op: 'delete' }, 'op'],
    ['a resource name SageMaker would reject', { ...ok, resource: 'bad name!' }, 'resource'],
    ['no reason', { ...ok, reason: '' }, 'reason'],
    ['a region that is not one', { ...ok, region: 'ireland' }, 'region'],
    ['an unknown field', { ...ok, force: true }, 'force'],
  ])('%s → 400 naming %s, nothing stored', async (_n, body, field) => {
    const r = await call(true, 'POST', '/api/lifecycle/actions', body);
    expect(r.status).toBe(400);
    expect(fields(r)).toContain(field);
    expect(await w.stores.lifecycle.listActions()).toEqual([]);
  });

  it('404 for an unknown subject, 409 for a conflicting one', async () => {
    expect((await call(true, 'POST', '/api/lifecycle/actions', { ...ok, resource: 'nope' })).status).toBe(404);
    expect((await call(true, 'POST', '/api/lifecycle/actions', ok)).status).toBe(200);
    expect((await call(true, 'POST', '/api/lifecycle/actions', { ...ok, op: 'propose', action: 'archive-package' })).status).toBe(409);
  });

  it('where it may act: parks at once (200) and unparks', async () => {
    const r = await call(true, 'POST', '/api/lifecycle/actions', ok);
    expect(r.body).toMatchObject({ op: 'park', status: 'parked', dryRun: false });
    w.clock.set(NOW + HOUR);
    expect((await call(true, 'POST', '/api/lifecycle/actions', { ...ok, op: 'unpark', reason: 'back' })).body).toMatchObject({ status: 'restored' });
  });

  it('a dry run returns the calls and stores nothing', async () => {
    const r = await call(true, 'POST', '/api/lifecycle/actions', { ...ok, dryRun: true });
    expect(r.status).toBe(200);
    const calls = (r.body as { calls: { operation: string; mutating: boolean }[] }).calls;
    expect(calls.filter((c) => c.mutating).map((c) => c.operation)).toEqual(['DeregisterScalableTarget', 'DeleteEndpoint']);
    expect(await w.stores.lifecycle.listActions()).toEqual([]);
    expect(await w.sm.describeEndpoint(REGION, EP)).toBeDefined();
  });

  it('in the api function (no cloud rights): recorded (202), then carried out by the lifecycle function', async () => {
    // The api function serves the stored daily evaluation.
    await storeEvaluation(w.stores.lifecycle, await evaluateLifecycle({ ...deps(true), cloud: w.sm }), { proposed: [], executed: [], errors: [] });
    const r = await call(false, 'POST', '/api/lifecycle/actions', ok);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ status: 'approved', waiting: expect.stringMatching(/lifecycle function/) });
    expect(await w.sm.describeEndpoint(REGION, EP)).toBeDefined();
    expect((await call(false, 'POST', '/api/lifecycle/actions', { ...ok, dryRun: true })).status).toBe(400);
    const run = await makeLifecycleFunction({ ...deps(true), cloud: w.sm, actor: 'lifecycle-function' })();
    expect(run.advanced.map((a) => a.status)).toEqual(['parked']);
    expect(await w.sm.describeEndpoint(REGION, EP)).toBeUndefined();
    const list = await call(false, 'GET', '/api/lifecycle');
    expect((list.body as { resources: { resource: string; state: string }[] }).resources.find((x) => x.resource === EP)).toMatchObject({ state: 'parked' });
    expect((await w.actions().openAction(endpointSubject))?.createdBy).toBe('alice');
  });
});

describe('GET routes', () => {
  it('GET /api/lifecycle lists non-active subjects with state, idle days, wasted kg and a proposal', async () => {
    const r = await call(true, 'GET', '/api/lifecycle');
    expect(r.status).toBe(200);
    const [x] = (r.body as { resources: any[] }).resources;
    expect(x).toMatchObject({ resource: EP, state: 'cooling', proposal: { action: 'park', ready: false } });
    expect(x.idleDays).toBeCloseTo(9, 1);
    expect(x.wastedKgCo2e).toBeCloseTo(216 * 0.03, 3);
  });

  it.each([
    ['/api/lifecycle', 'state=sleepy', 'state'],
    ['/api/lifecycle/ledger', 'from=yesterday', 'from'],
    ['/api/rightsizing', 'x=1', 'x'],
  ])('%s?%s → 400 naming %s', async (path, q, field) => {
    const r = await call(true, 'GET', path, undefined, q);
    expect(r.status).toBe(400);
    expect(fields(r)).toContain(field);
  });

  it('GET /api/rightsizing states its minimum evidence and basis; GET /api/lifecycle/ledger labels its figures avoided', async () => {
    // No raw minute samples in this store: the p95 comes from hourly means, and says so.
    const rs = (await call(true, 'GET', '/api/rightsizing')).body as { minimumObservedHours: number; recommendations: { resource: string; p95Basis: string; observedHours: number }[] };
    expect(rs.minimumObservedHours).toBe(168);
    expect(rs.recommendations.map((x) => [x.resource, x.p95Basis])).toEqual([[`${EP}/AllTraffic`, 'hourly means']]);
    expect(rs.recommendations[0].observedHours).toBeGreaterThanOrEqual(168);
    await call(true, 'POST', '/api/lifecycle/actions', ok);
    w.clock.set(NOW + 4 * HOUR);
    const l = await call(true, 'GET', '/api/lifecycle/ledger');
    expect(l.body).toMatchObject({ label: expect.stringMatching(/^AVOIDED/), totals: { entries: 1 } });
    expect((l.body as any).totals.hours).toBeCloseTo(4, 6);
    // A parked endpoint is the lifecycle's: not right-sized.
    expect(((await call(true, 'GET', '/api/rightsizing')).body as { skipped: { reason: string }[] }).skipped.map((x) => x.reason)).toContain('an open lifecycle action (parked or being parked)');
  });
});
