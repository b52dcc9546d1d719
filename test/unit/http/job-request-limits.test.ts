/**
 * Bounded work per request: a deadline beyond the planning horizon (MAX_PLAN_HORIZON_DAYS, default 14 days) or a
 * duration longer than it is a 400 naming the field, decided before any forecast is read or plan searched.
 */
import { dispatch, type HttpResponse } from '../../../shared/http/router';
import { jobsRoutes } from '../../../shared/http/jobs-routes';
import type { FootprintStore } from '../../../shared/ports';
import { DEFAULT_MAX_PLAN_HORIZON_DAYS } from '../../../shared/domain/scheduler/planner';
import { DAY_SEC, HOUR_SEC, isoUtc } from '../../../shared/domain/time';
import { loadConfig } from '../../../shared/contracts/config';
import { request, startHarness, T0, type Harness } from '../use-cases/scheduling-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const noIntervals = { queryResourceIntervals: async () => [] } as unknown as FootprintStore;
const call = (path: string, body: unknown, maxPlanHorizonDays?: number): Promise<HttpResponse> =>
  dispatch(jobsRoutes({ scheduling: { ...h.deps, config: maxPlanHorizonDays ? { maxPlanHorizonDays } : undefined }, footprint: noIntervals, intensityProviders: [] }), {
    method: 'POST',
    path,
    query: new URLSearchParams(),
    body,
  });
const fields = (r: HttpResponse) => ((r.body as { details?: { field: string }[] }).details ?? []).map((d) => d.field);

describe('planning horizon limit', () => {
  it('defaults to 14 days', () => {
    expect(DEFAULT_MAX_PLAN_HORIZON_DAYS).toBe(14);
    expect(loadConfig({}).maxPlanHorizonDays).toBe(14);
  });

  it.each([
    ['year 2300', '2300-01-01T00:00:00Z'],
    ['one second past the limit', isoUtc(T0 + 14 * DAY_SEC + 1)],
  ])('a deadline beyond the limit (%s) is a 400 on deadline; no forecast is read, nothing is stored or dispatched', async (_name, deadline) => {
    // Prepare
    const forecastsBefore = h.forecasts.calls;
    const pendingBefore = h.scheduler.pending().length;
    for (const path of ['/api/plans', '/api/jobs']) {
      // Act
      const r = await call(path, request({ deadline, clientToken: `far-${path.length}` }));
      // Assess
      expect(r.status).toBe(400);
      expect(fields(r)).toEqual(['deadline']);
      expect((r.body as { error: string }).error).toMatch(/more than 14 days ahead \(limit MAX_PLAN_HORIZON_DAYS=14/);
    }
    expect(h.forecasts.calls).toBe(forecastsBefore);
    expect(h.scheduler.pending()).toHaveLength(pendingBefore);
    expect(await h.jobs.listByStatus('requested')).toHaveLength(0);
  });

  it('a deadline exactly at the limit is planned', async () => {
    const r = await call('/api/plans', request({ deadline: isoUtc(T0 + 14 * DAY_SEC) }));
    expect(r.status).toBe(200);
  });

  it('the limit follows MAX_PLAN_HORIZON_DAYS', async () => {
    const in20Days = request({ deadline: isoUtc(T0 + 20 * DAY_SEC) });
    expect((await call('/api/plans', in20Days, 30)).status).toBe(200);
    const r = await call('/api/plans', in20Days, 7);
    expect(r.status).toBe(400);
    expect((r.body as { error: string }).error).toMatch(/more than 7 days ahead/);
  });

  it('a duration longer than the horizon is a 400 on expectedDurationSec (no accepted deadline could be met)', async () => {
    const r = await call('/api/plans', request({ expectedDurationSec: 15 * DAY_SEC, deadline: isoUtc(T0 + 14 * DAY_SEC) }));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(['expectedDurationSec']);
  });

  it('a duration estimated from history longer than the horizon is a 400 on estimateFromHistory.jobFamily', async () => {
    await h.jobs.putFamilyDuration('marathon', 'job-marathon-1', 20 * DAY_SEC);
    const r = await call('/api/plans', request({ expectedDurationSec: undefined, estimateFromHistory: { jobFamily: 'marathon' }, deadline: isoUtc(T0 + 2 * DAY_SEC) }));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(['estimateFromHistory.jobFamily']);
  });

  it.each([['0'], ['91'], ['many']])('MAX_PLAN_HORIZON_DAYS=%s is a configuration error naming the variable', (v) => {
    expect(() => loadConfig({ MAX_PLAN_HORIZON_DAYS: v })).toThrow(/MAX_PLAN_HORIZON_DAYS/);
  });

  it('an earliest start beyond the limit cannot slip through (its deadline is later still)', async () => {
    const r = await call('/api/plans', request({ earliestStart: isoUtc(T0 + 20 * DAY_SEC), deadline: isoUtc(T0 + 20 * DAY_SEC + 6 * HOUR_SEC) }));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(['deadline']);
  });
});
