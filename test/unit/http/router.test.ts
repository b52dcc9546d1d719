import { dispatch, HttpError, type Route } from '../../../shared/http/router';
import { startHttpServer } from '../../../shared/adapters/local/http-server';

const routes: Route[] = [
  { method: 'GET', path: '/api/jobs/:id', handle: async (r) => ({ status: 200, body: { id: r.params.id } }) },
  { method: 'POST', path: '/api/fail', handle: async () => { throw new HttpError(400, 'bad', [{ field: 'x', message: 'no' }]); } },
];
const req = (method: 'GET' | 'POST', path: string) => ({ method, path, query: new URLSearchParams(), body: undefined });

describe('router', () => {
  it('decodes path parameters', async () => {
    expect(await dispatch(routes, req('GET', '/api/jobs/a%20b'))).toEqual({ status: 200, body: { id: 'a b' } });
  });
  it('answers 400 naming the parameter for bad percent-encoding (not 500)', async () => {
    const r = await dispatch(routes, req('GET', '/api/jobs/%E0%A4%A'));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ details: [{ field: 'id' }] });
  });
  it('404 for unknown paths, 405 for wrong methods, field details for HttpError', async () => {
    expect((await dispatch(routes, req('GET', '/api/nope'))).status).toBe(404);
    expect((await dispatch(routes, req('POST', '/api/jobs/1'))).status).toBe(405);
    expect(await dispatch(routes, req('POST', '/api/fail'))).toEqual({ status: 400, body: { error: 'bad', details: [{ field: 'x', message: 'no' }] } });
  });
});

describe('local http server', () => {
  it('refuses to start with an empty or short token (an empty token would match a missing header)', async () => {
    await expect(startHttpServer({ routes, token: '' })).rejects.toThrow(/at least 16/);
    await expect(startHttpServer({ routes, token: 'short' })).rejects.toThrow(/at least 16/);
  });
  it('requires the bearer token on /api', async () => {
    const s = await startHttpServer({ routes, token: 'x'.repeat(24) });
    try {
      expect((await fetch(`${s.url}/api/jobs/1`)).status).toBe(401);
      expect((await fetch(`${s.url}/api/jobs/1`, { headers: { authorization: 'Bearer ' } })).status).toBe(401);
      expect((await fetch(`${s.url}/api/jobs/1`, { headers: { authorization: `Bearer ${'x'.repeat(24)}` } })).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
