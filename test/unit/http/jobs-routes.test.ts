/** The jobs API: status codes, field-level 400s with nothing stored or dispatched, idempotent POST, cancel. */
import { dispatch, type HttpResponse } from '../../../shared/http/router';
import { jobsRoutes } from '../../../shared/http/jobs-routes';
import type { FootprintStore } from '../../../shared/ports';
import { request, startHarness, T0, type Harness } from '../use-cases/scheduling-harness';
import { HOUR_SEC } from '../../../shared/domain/time';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const noIntervals = { queryResourceIntervals: async () => [] } as unknown as FootprintStore;
const call = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<HttpResponse> =>
  dispatch(jobsRoutes({ scheduling: h.deps, footprint: noIntervals, intensityProviders: [] }), { method, path, query: new URLSearchParams(), body });
const fields = (r: HttpResponse) => ((r.body as { details?: { field: string }[] }).details ?? []).map((d) => d.field);

describe('POST /api/jobs and /api/plans validation', () => {
  it.each([
    ['missing deadline', { deadline: undefined }, 'deadline'],
    ['deadline without a zone', { deadline: '2024-06-02T00:00' }, 'deadline'],
    ['unknown field in an allowed region', { allowedRegions: [{ region: 'us-east-1', dataLocations: ['s3://b/d'] }] }, 'allowedRegions.0'],
    ['bad S3 URI in region locations', { allowedRegions: [{ region: 'us-east-1' }, { region: 'eu-north-1', locations: { outputPath: 'bucket/out' } }] }, 'allowedRegions.1.locations.outputPath'],
    ['bad region code', { allowedRegions: [{ region: 'virginia' }] }, 'allowedRegions.0.region'],
    ['both duration and history', { estimateFromHistory: { jobFamily: 'bert' } }, 'expectedDurationSec'],
    ['bad signal', { signal: 'green' }, 'signal'],
    ['checkpoint not on S3', { interruptible: { checkpointS3Uri: '/tmp/ckpt', restartOverheadSec: 60 } }, 'interruptible'],
    ['wrong apiVersion', { apiVersion: 'carbonpilot/v0' }, 'apiVersion'],
  ])('%s → 400 naming %s, nothing dispatched', async (_name, over, field) => {
    const before = h.scheduler.pending().length;
    for (const path of ['/api/jobs', '/api/plans']) {
      const r = await call('POST', path, { ...request(), ...over });
      expect(r.status).toBe(400);
      expect(fields(r).some((f) => f.startsWith(field))).toBe(true);
    }
    expect(h.scheduler.pending()).toHaveLength(before);
    expect(h.launcher.calls).toHaveLength(0);
  });

  it('a bad field inside the training job is named by its path', async () => {
    const r = await call('POST', '/api/jobs', request({ trainingJob: { ...(request().trainingJob as object), ResourceConfig: { InstanceType: 'p4d', InstanceCount: 0, VolumeSizeInGB: 1 } } as never }));
    expect(fields(r)).toEqual(expect.arrayContaining(['trainingJob.ResourceConfig.InstanceType', 'trainingJob.ResourceConfig.InstanceCount']));
  });

  it('estimateFromHistory without any history is a 400 saying so', async () => {
    const r = await call('POST', '/api/jobs', request({ expectedDurationSec: undefined, estimateFromHistory: { jobFamily: 'never-ran' } }));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(['estimateFromHistory.jobFamily']);
    expect((r.body as { error: string }).error).toMatch(/no completed jobs/);
  });

  it('an unknown template is a 400 on template.name', async () => {
    const r = await call('POST', '/api/jobs', request({ trainingJob: undefined, template: { name: 'nope' } }));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(['template.name']);
  });
});

describe('jobs lifecycle over HTTP', () => {
  it('previews without storing, creates (201), repeats (200), reads and cancels', async () => {
    const body = request({ clientToken: 'http-1' });
    const p = await call('POST', '/api/plans', body);
    expect(p.status).toBe(200);
    const id = (p.body as { jobId: string }).jobId;
    expect((await call('GET', `/api/jobs/${id}`)).status).toBe(404);

    const c = await call('POST', '/api/jobs', body);
    expect(c.status).toBe(201);
    const job = (c.body as { job: { jobId: string; status: string; plan: { segments: { startSec: number }[] } } }).job;
    expect(job).toMatchObject({ jobId: id, status: 'scheduled' });
    expect(job.plan.segments[0].startSec).toBe(T0 + 10 * HOUR_SEC);
    expect((await call('POST', '/api/jobs', body)).status).toBe(200);

    const g = await call('GET', `/api/jobs/${id}`);
    expect(g.status).toBe(200);
    expect((g.body as { outcome: unknown }).outcome).toBeNull();

    const d = await call('DELETE', `/api/jobs/${id}`);
    expect(d.status).toBe(200);
    expect((d.body as { job: { status: string } }).job.status).toBe('cancelled');
  });

  it('templates are expanded from the store', async () => {
    await h.jobs.putTemplate('bert', request().trainingJob as never);
    const r = await call('POST', '/api/plans', request({ trainingJob: undefined, template: { name: 'bert' } }));
    expect(r.status).toBe(200);
  });

  it('unknown or malformed ids are 404 / 400', async () => {
    expect((await call('GET', '/api/jobs/abcdef0123456789abcd')).status).toBe(404);
    expect((await call('DELETE', '/api/jobs/abcdef0123456789abcd')).status).toBe(404);
    expect((await call('GET', '/api/jobs/NOT_AN_ID')).status).toBe(400);
  });
});
