import { aggregate } from '../../../shared/domain/footprint/aggregate';
import { queryRoutes } from '../../../shared/http/query-routes';
import { dispatch, type Route } from '../../../shared/http/router';
import { SEED_END_SEC, SEED_START_SEC, startSeededStore, type SeededStore } from '../../browser/seed-store';

describe('query API', () => {
  let s: SeededStore;
  let routes: Route[];
  const get = async (path: string, qs = '') => dispatch(routes, { method: 'GET', path, query: new URLSearchParams(qs), body: undefined });
  const body = (r: { body: unknown }) => r.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    s = await startSeededStore();
    routes = queryRoutes(s.deps, { schedulerOutcomes: async () => undefined });
  });
  afterAll(() => s.close());

  it.each([
    ['/api/footprint', 'by=colour', 'by'],
    ['/api/footprint', 'from=yesterday', 'from'],
    ['/api/footprint', 'from=2026-11-18T00:00', 'from'], // no zone: rejected, never read as local time
    ['/api/footprint', 'region=Ireland', 'region'],
    ['/api/footprint', 'colour=red', 'colour'], // an unknown parameter is named (router validate: zod-issues)
    ['/api/timeseries', 'stack=project', 'stack'],
    ['/api/timeseries', 'bucket=minute', 'bucket'],
    ['/api/top', 'limit=0', 'limit'],
    ['/api/top', 'limit=abc', 'limit'],
    ['/api/top', 'kind=team', 'kind'],
    ['/api/intensity/heatmap', '', 'region'],
    ['/api/intensity/heatmap', 'region=xx-nowhere-9', 'region'],
    ['/api/kpis', 'from=2026-11-19&to=2026-11-18', 'from'],
    ['/api/footprint', 'from=2026-01-01&to=2026-11-18', 'to'], // longer than the maximum window
  ])('GET %s?%s is a 400 naming "%s"', async (path, qs, field) => {
    const r = await get(path, qs);
    expect(r.status).toBe(400);
    expect(body(r).details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('footprint by team equals the aggregate of the stored intervals, with totals and the demo flag', async () => {
    const r = body(await get('/api/footprint', 'by=team'));
    const expected = aggregate(s.intervals, 'team');
    expect(r.rows.map((x: { key: string }) => x.key)).toEqual(['nlp', 'recsys', 'vision']);
    expect(r.totals.co2eKg).toBeCloseTo(expected.totals.co2eKg, 9);
    expect(r.totals.energyKwh).toBeCloseTo(expected.totals.energyKwh, 9);
    expect(r.demo).toBe(true);
  });

  it('filters by team and region and by the window', async () => {
    const r = body(await get('/api/footprint', 'by=kind&team=nlp&region=us-east-1&from=2026-11-19&to=2026-11-20'));
    const xs = s.intervals.filter((i) => i.attribution.team === 'nlp' && i.region === 'us-east-1' && i.intervalStartSec >= SEED_START_SEC + 86400);
    expect(r.rows.map((x: { key: string }) => x.key)).toEqual(['endpoint']);
    expect(r.totals.intervals).toBe(xs.length);
    expect(r.totals.co2eKg).toBeCloseTo(xs.reduce((a, i) => a + i.co2eKg.point, 0), 9);
  });

  it('timeseries stacks daily buckets whose sums equal the footprint total', async () => {
    const r = body(await get('/api/timeseries', `stack=region&bucket=day&from=2026-11-18&to=2026-11-20`));
    expect(r.buckets).toEqual(['2026-11-18T00:00:00Z', '2026-11-19T00:00:00Z']);
    expect(r.series.map((x: { key: string }) => x.key).sort()).toEqual(['eu-west-1', 'us-east-1']);
    const sum = r.series.flatMap((x: { co2eKg: number[] }) => x.co2eKg).reduce((a: number, b: number) => a + b, 0);
    expect(sum).toBeCloseTo(aggregate(s.intervals, 'region').totals.co2eKg, 9);
  });

  it('top endpoints carry gCO2e per inference and the resource team', async () => {
    const r = body(await get('/api/top', 'kind=endpoint&limit=5'));
    const ep = s.intervals.filter((i) => i.kind === 'endpoint');
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ key: 'chat/AllTraffic', team: 'nlp' });
    expect(r.rows[0].gCo2ePerInference).toBeCloseTo((ep.reduce((a, i) => a + i.co2eKg.point, 0) * 1000) / (ep.length * 10_000), 9);
  });

  it('heatmap is a day × 24-hour grid of the region zone, naming signal and source', async () => {
    const r = body(await get('/api/intensity/heatmap', 'region=eu-west-1&from=2026-11-18&to=2026-11-20'));
    expect(r).toMatchObject({ zone: 'IE', signal: 'average-lifecycle', providers: ['demo (synthetic)'], qualities: ['demo'], demo: true });
    expect(r.days).toEqual(['2026-11-18', '2026-11-19']);
    expect(r.cells.every((row: unknown[]) => row.length === 24 && row.every((v) => typeof v === 'number' && v > 0))).toBe(true);
    expect(r.min).toBeLessThan(r.max);
  });

  it('a marginal heatmap is keyed by the WattTime region, and a region without one is a 400 naming region', async () => {
    const marginal = queryRoutes({ ...s.deps, signal: 'marginal' }, { schedulerOutcomes: async () => undefined });
    const ok = await dispatch(marginal, { method: 'GET', path: '/api/intensity/heatmap', query: new URLSearchParams('region=us-east-1&from=2026-11-18&to=2026-11-20'), body: undefined });
    expect(ok.status).toBe(200);
    expect(body(ok)).toMatchObject({ zone: 'PJM_DC', signal: 'marginal' });
    const none = await dispatch(marginal, { method: 'GET', path: '/api/intensity/heatmap', query: new URLSearchParams('region=eu-west-1'), body: undefined });
    expect(none.status).toBe(400);
    expect(body(none).details).toEqual([{ field: 'region', message: expect.stringMatching(/no marginal intensity source for eu-west-1/) }]);
  });

  it('kpis report the store total and say why scheduler savings are not available', async () => {
    const r = body(await get('/api/kpis', `from=2026-11-18&to=2026-11-20`));
    const byId = Object.fromEntries(r.kpis.map((k: { id: string }) => [k.id, k]));
    expect(byId['total-emissions'].value).toBeCloseTo(aggregate(s.intervals, 'team').totals.co2eKg, 9);
    expect(byId['monitoring-coverage'].value).toBeCloseTo(80, 9); // 4 of 5 discovered resources have telemetry
    expect(byId['scheduler-savings']).toMatchObject({ value: null, reason: 'not available: no scheduler runs yet' });
  });

  it('scheduler and meta describe what the store holds', async () => {
    expect(body(await get('/api/scheduler'))).toMatchObject({ available: false, reason: 'no scheduler runs yet' });
    const meta = body(await get('/api/meta'));
    expect(meta).toMatchObject({ regions: ['eu-west-1', 'us-east-1'], teams: ['nlp', 'recsys', 'vision'], demo: true, from: '2026-11-18T00:00:00Z' });
    expect(Date.parse(meta.to) / 1000).toBeGreaterThanOrEqual(SEED_END_SEC);
  });
});
