/** The local replay's progress route and the write guard of `npm start` while the replay runs. */
import { refuseWritesDuringReplay, replayRoutes, type ReplayProgress } from '../../../shared/http/replay-routes';
import { dispatch, type Route } from '../../../shared/http/router';

const H = 3600;
const FROM = Date.UTC(2026, 10, 6, 6) / 1000;

describe('replay routes', () => {
  const progress: ReplayProgress = { phase: 'replaying', fromSec: FROM, toSec: FROM + 100 * H, doneToSec: FROM + 37 * H };
  const writes: string[] = [];
  const api: Route[] = [
    { method: 'GET', path: '/api/footprint', handle: async () => ({ status: 200, body: { read: true } }) },
    { method: 'POST', path: '/api/jobs', handle: async () => (writes.push('job'), { status: 201, body: {} }) },
  ];
  const routes = [...refuseWritesDuringReplay(api, () => progress), ...replayRoutes(() => progress)];
  const call = (method: 'GET' | 'POST', path: string) => dispatch(routes, { method, path, query: new URLSearchParams(), body: method === 'POST' ? {} : undefined });

  it('GET /api/local/replay says how far the replay has got, labelled demo', async () => {
    expect(await call('GET', '/api/local/replay')).toEqual({
      status: 200,
      body: { phase: 'replaying', pct: 37, from: '2026-11-06T06:00:00Z', to: '2026-11-10T10:00:00Z', replayedTo: '2026-11-07T19:00:00Z', demo: true },
    });
  });

  it('reads answer during the replay; writes get a 503 naming the progress and change nothing', async () => {
    expect((await call('GET', '/api/footprint')).status).toBe(200);
    const w = await call('POST', '/api/jobs');
    expect(w.status).toBe(503);
    expect((w.body as { error: string }).error).toMatch(/demo replay is still running \(37 %, replayed to 2026-11-07T19:00:00Z\)/);
    expect(writes).toEqual([]);
  });

  it('once live, writes go through and the progress is 100 %', async () => {
    progress.phase = 'live';
    expect((await call('POST', '/api/jobs')).status).toBe(201);
    expect(writes).toEqual(['job']);
    expect(((await call('GET', '/api/local/replay')).body as { pct: number }).pct).toBe(100);
  });
});
