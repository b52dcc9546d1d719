/** The optimisation API: field-level 400s with nothing stored, idempotent start, ledger, 404/409, 503 when absent. */
import { dispatch, type HttpResponse } from '../../../shared/http/router';
import { optimiseRoutes } from '../../../shared/http/optimise-routes';
import { request, runWorld, startOptimiseHarness, type OptimiseHarness } from '../../helpers/optimise-harness';

let h: OptimiseHarness;
beforeEach(async () => {
  h = await startOptimiseHarness();
});
afterEach(async () => h.close());

const call = (method: 'GET' | 'POST', path: string, body?: unknown, query = ''): Promise<HttpResponse> =>
  dispatch(optimiseRoutes({ optimise: h.deps }), { method, path, query: new URLSearchParams(query), body });
const fields = (r: HttpResponse) => ((r.body as { details?: { field: string }[] }).details ?? []).map((d) => d.field);
const valid = () => JSON.parse(JSON.stringify(request()));

describe('POST /api/optimisations', () => {
  it.each([
    ['an unknown technique', { config: { kind: 'pruning' } }, 'config.kind'],
    ['an unknown quantisation format', { config: { kind: 'quantization', format: 'int3' } }, 'config.format'],
    ['a role CarbonPilot may not pass', { roleArn: 'arn:aws:iam::123456789012:role/admin' }, 'roleArn'],
    ['a bad output location', { outputS3Uri: 'bucket/out' }, 'outputS3Uri'],
    ['maxHours below minHours', { measurement: { minHours: 24, maxHours: 12 } }, 'measurement.maxHours'],
    ['a zero baseline quality score', { quality: { metric: 'acc', baseline: 0 } }, 'quality.baseline'],
    ['an unknown field', { speed: 'max' }, 'speed'],
    ['fp8 on an Ampere candidate instance', { candidate: { instanceType: 'ml.g5.12xlarge' } }, 'config.format'],
    ['an endpoint that does not exist', { endpointName: 'nope' }, 'endpointName'],
  ])('%s → 400 naming %s, nothing stored or launched', async (_name, over, field) => {
    const r = await call('POST', '/api/optimisations', { ...valid(), ...over });
    expect(r.status).toBe(400);
    expect(fields(r)).toContain(field);
    expect(await h.attempts.listAll()).toEqual([]);
    expect(h.sm.calls).toEqual([]);
  });

  it('201 then 200 for the same request: one attempt, the driver told once', async () => {
    const a = await call('POST', '/api/optimisations', valid());
    const b = await call('POST', '/api/optimisations', valid());
    expect([a.status, b.status]).toEqual([201, 200]);
    const id = (a.body as { attempt: { attemptId: string } }).attempt.attemptId;
    expect((b.body as { attempt: { attemptId: string } }).attempt.attemptId).toBe(id);
    expect(a.headers?.location).toBe(`/api/optimisations/${id}`);
    expect(h.notified).toEqual([id]);
  });
});

describe('the ledger and one attempt', () => {
  it('lists every attempt with before/after figures, change, quality, decision and reason', async () => {
    const a = await call('POST', '/api/optimisations', valid());
    const id = (a.body as { attempt: { attemptId: string } }).attempt.attemptId;
    await runWorld(h, id, { candidateFactor: 1.25 });
    const r = await call('GET', '/api/optimisations');
    expect(r.status).toBe(200);
    const [row] = (r.body as { attempts: Record<string, any>[] }).attempts;
    expect(Object.keys(row)).toEqual(expect.arrayContaining(['model', 'config', 'baseline', 'candidate', 'changePct', 'quality', 'decision', 'reason']));
    expect(row).toMatchObject({ model: 'chat-bf16', config: { kind: 'quantization', format: 'fp8' }, decision: 'reject', status: 'rejected' });
    expect(row.baseline.jPerInference).toBeGreaterThan(0);
    expect(row.candidate.gCo2ePerInference).toBeGreaterThan(row.baseline.gCo2ePerInference);
    expect(row.changePct.low).toBeGreaterThan(0);
    expect(row.reason).toMatch(/^energy regression: \+/);
    expect(row.quality).toMatchObject({ metric: 'accuracy', baseline: 0.8, candidate: 0.799, tolerancePct: 1, passed: true });
    // Filtered by model; one attempt with its history; promoting a rejected candidate is a conflict.
    expect(((await call('GET', '/api/optimisations', undefined, 'model=other')).body as { attempts: unknown[] }).attempts).toEqual([]);
    const one = await call('GET', `/api/optimisations/${id}`);
    expect((one.body as { attempt: { history: unknown[] } }).attempt.history.length).toBeGreaterThan(5);
    expect((await call('POST', `/api/optimisations/${id}/promote`)).status).toBe(409);
    expect((await call('POST', `/api/optimisations/${id}/abort`)).status).toBe(409);
  });

  it('404 for an unknown attempt, 400 for a malformed id or quality score', async () => {
    expect((await call('GET', '/api/optimisations/0123456789abcdef')).status).toBe(404);
    expect((await call('POST', '/api/optimisations/0123456789abcdef/abort')).status).toBe(404);
    expect(fields(await call('GET', '/api/optimisations/XYZ'))).toEqual(['id']);
    expect(fields(await call('POST', '/api/optimisations/0123456789abcdef/quality', { candidate: 'high' }))).toEqual(['candidate']);
  });

  it('503 where the environment has no optimisation pipeline', async () => {
    const r = await dispatch(optimiseRoutes({}), { method: 'GET', path: '/api/optimisations', query: new URLSearchParams(), body: undefined });
    expect(r.status).toBe(503);
  });
});
