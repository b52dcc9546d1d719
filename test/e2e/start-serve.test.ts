/**
 * `npm start` without --once: replays, then serves the dashboard and the authenticated API on 127.0.0.1 and
 * prints the URL. Real process, real HTTP.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startServing, type ServingStart } from '../helpers/serving-start';

describe('npm start (serving)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-serve-'));
  let serving: ServingStart;
  let url = '';
  let token = '';
  beforeAll(async () => {
    serving = await startServing(['--now', '2026-11-20T06:30:00Z', '--days', '1', '--step-hours', '6', '--port', '0', '--data-dir', dir], { until: 'live' });
    ({ url, token } = serving);
  }, 660_000);
  afterAll(async () => {
    await serving?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the dashboard page', async () => {
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<html/i);
  });

  it('rejects API calls without the token and answers with real numbers with it', async () => {
    expect((await fetch(`${url}/api/footprint?by=team`)).status).toBe(401);
    const res = await fetch(`${url}/api/footprint?by=team`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { totals: { energyKwh: number }; demo: boolean };
    expect(body.totals.energyKwh).toBeGreaterThan(0);
    expect(body.demo).toBe(true);
  });

  it('once the replay is done its progress says live, and the plan preview carries the plan facts as fields', async () => {
    const auth = { authorization: `Bearer ${token}` };
    expect(await (await fetch(`${url}/api/local/replay`, { headers: auth })).json()).toMatchObject({ phase: 'live', pct: 100 });
    // The example's team (nlp) is under the demo's enforcing budget: without an override the preview is a 409.
    const req = JSON.parse(readFileSync(join(ROOT, 'examples/job-request.json'), 'utf8'));
    const res = await fetch(`${url}/api/plans`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ ...req, earliestStart: undefined, budgetOverride: { reason: 'test: preview past the demo enforcing budget', approvedBy: 'test' } }) });
    expect(res.status).toBe(200);
    const { plan } = (await res.json()) as { plan: Record<string, unknown> };
    expect(plan).toMatchObject({ feasible: true, startsNow: expect.any(Boolean), startSec: expect.any(Number) });
    // (fetch's JSON comes from another realm than jest's Array: check with Array.isArray)
    expect([Array.isArray(plan.beyondForecast), Array.isArray(plan.warnings)]).toEqual([true, true]);
  });

  it('rejects an unknown job-request field with a 400 naming it', async () => {
    const { deadline, ...req } = JSON.parse(readFileSync(join(ROOT, 'examples/job-request.json'), 'utf8'));
    const res = await fetch(`${url}/api/plans`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ ...req, dedline: deadline }) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { details: { field: string; message: string }[] };
    expect(body.details[0]).toEqual({ field: 'dedline', message: 'unknown field (did you mean deadline?)' });
  });

  it('validates parameters with a 400 naming the parameter', async () => {
    const res = await fetch(`${url}/api/footprint?by=galaxy`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/by/);
  });
});
