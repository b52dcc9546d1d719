/**
 * `npm start` without --once: replays, then serves the dashboard and the authenticated API on 127.0.0.1 and
 * prints the URL. Real process, real HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServing, type ServingStart } from '../helpers/serving-start';

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

  it('validates parameters with a 400 naming the parameter', async () => {
    const res = await fetch(`${url}/api/footprint?by=galaxy`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/by/);
  });
});
