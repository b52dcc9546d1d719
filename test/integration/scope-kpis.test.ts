/**
 * The scope KPIs in the KPI report (`/api/kpis`, the `kpis` CLI): SCI per inference, embodied, renewable share
 * (annual matching), hourly CFE % (24/7 matching) and market-based scope 2 — on the seeded store (dynalite, real
 * SDK) through the real query route; expectations from the definitions, not from the code under test.
 */
import { queryRoutes } from '../../shared/http/query-routes';
import { dispatch, type Route } from '../../shared/http/router';
import { computeMarketBased } from '../../shared/domain/market/market-based';
import { YearlyIntensityProvider } from '../../shared/adapters/intensity/yearly-intensity-provider';
import { scopeKpiContributor } from '../../shared/use-cases/scope-kpi-contributor';
import { SEED_EMBODIED_KG_PER_HOUR, SEED_END_SEC, SEED_INSTRUMENTS, SEED_START_SEC, startSeededStore, type SeededStore } from '../browser/seed-store';

type Kpi = { id: string; value: number | null; low?: number; high?: number; reason?: string; detail?: string; breakdown?: { key: string; value: number }[] };

describe('scope KPIs in the KPI report', () => {
  let s: SeededStore;
  let routes: Route[];
  let kpis: Record<string, Kpi>;
  const w = { startSec: SEED_START_SEC, endSec: SEED_END_SEC };

  beforeAll(async () => {
    s = await startSeededStore();
    routes = queryRoutes(s.deps, { schedulerOutcomes: async () => undefined });
    const r = await dispatch(routes, { method: 'GET', path: '/api/kpis', query: new URLSearchParams('from=2026-11-18&to=2026-11-20'), body: undefined });
    kpis = Object.fromEntries(((r.body as { kpis: Kpi[] }).kpis).map((k) => [k.id, k]));
  });
  afterAll(() => s.close());

  it('adds the scope KPIs after the core ones', () => {
    expect(Object.keys(kpis)).toEqual(expect.arrayContaining(['total-emissions', 'sci-per-inference', 'embodied-emissions', 'renewable-share', 'cfe-hourly', 'market-based-emissions']));
  });

  it('SCI per inference = (E × I + M) / R over the endpoint intervals (ISO/IEC 21031, location-based)', () => {
    // Prepare: the fixture's only endpoint, chat/AllTraffic (E × I = its stored operational kg; M = its embodied kg).
    const ep = s.intervals.filter((i) => i.kind === 'endpoint');
    const opG = ep.reduce((a, i) => a + i.co2eKg.point * 1000, 0);
    const mG = ep.length * SEED_EMBODIED_KG_PER_HOUR.point * 1000;
    const r = ep.reduce((a, i) => a + i.invocations!, 0);
    // Assess
    expect(kpis['sci-per-inference'].value).toBeCloseTo((opG + mG) / r, 9);
    expect(kpis['sci-per-inference'].detail).toMatch(/R 480000 inferences/);
  });

  it('embodied emissions are the intervals’ embodied figures, with their range', () => {
    const n = s.intervals.length;
    expect(kpis['embodied-emissions']).toMatchObject({ value: expect.closeTo(n * 0.08, 9), low: expect.closeTo(n * 0.05, 9), high: expect.closeTo(n * 0.12, 9) });
  });

  it('renewable share = certificate MWh claimed ÷ consumption, per market (annual matching)', () => {
    // us-east-1: (3 + 2) kWh/h × PUE 1.15 × 48 h = 276 kWh vs 100 kWh of RECs; eu-west-1: (6 + 4) × 1.15 × 48 = 552 kWh vs 200 kWh of GOs.
    expect(kpis['renewable-share'].value).toBeCloseTo((100 * (100 + 200)) / (276 + 552), 9);
  });

  it('hourly CFE: certificates have no hourly shape, so it is the grid’s (demo) carbon-free share of the load — side by side with the annual share', async () => {
    const cfe = kpis['cfe-hourly'];
    expect(cfe.value).not.toBeNull();
    expect(cfe.value!).toBeGreaterThan(0);
    expect(cfe.value!).toBeLessThan(100);
    expect(cfe.breakdown!.map((b) => b.key).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(cfe.value).not.toBeCloseTo(kpis['renewable-share'].value!, 1);
  });

  it('market-based scope 2 is its own figure: the allocation of the registry over the window', () => {
    const mb = computeMarketBased(s.intervals, SEED_INSTRUMENTS);
    const expected = [...mb.byInterval.values()].reduce((a, r) => a + r.marketBasedKgCo2e.point, 0);
    expect(kpis['market-based-emissions'].value).toBeCloseTo(expected, 9);
    expect(kpis['total-emissions'].value).toBeCloseTo(s.intervals.reduce((a, i) => a + i.co2eKg.point, 0), 9); // location-based unchanged
  });

  it('says "insufficient data" for CFE when the grid’s hourly share is unknown (yearly averages only), never a number', async () => {
    const ks = await scopeKpiContributor({ ...s.deps, intensityProviders: [new YearlyIntensityProvider()] }, w);
    expect(ks.find((k) => k.id === 'cfe-hourly')).toMatchObject({ value: null, reason: expect.stringMatching(/^insufficient data in eu-west-1, us-east-1/) });
    expect(ks.find((k) => k.id === 'renewable-share')!.value).not.toBeNull(); // the annual share needs no hourly data
  });

  it('without the instrument registry wired, the instrument-based KPIs say so', async () => {
    const { instruments: _i, ...noRegistry } = s.deps;
    const ks = await scopeKpiContributor(noRegistry, w);
    for (const id of ['renewable-share', 'cfe-hourly', 'market-based-emissions']) expect(ks.find((k) => k.id === id)).toMatchObject({ value: null, reason: 'instrument registry not available here' });
    expect(ks.find((k) => k.id === 'sci-per-inference')!.value).not.toBeNull();
  });
});
