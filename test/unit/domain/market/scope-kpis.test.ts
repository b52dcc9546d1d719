/** Scope KPIs: SCI per inference, embodied, renewable share (annual) and CFE % (hourly) — value or a reason, never 0. */
import { scopeKpis } from '../../../../shared/domain/market/scope-kpis';
import { computeMarketBased } from '../../../../shared/domain/market/market-based';
import { hourlyCfe } from '../../../../shared/domain/market/cfe';
import type { Instrument } from '../../../../shared/domain/market/instrument-types';
import { HOUR, NOV_1_2026, interval } from '../../../helpers/scope-fixtures';

const ep = (h: number) => interval({ kind: 'endpoint', resourceId: 'ep/v', intervalStartSec: NOV_1_2026 + h * HOUR, invocations: 1000 });
const rec: Instrument = { id: 'rec', type: 'rec', region: 'us-east-1', generationCountry: 'US', technology: 'wind', vintageYear: 2026, mwh: 0.005, gCo2ePerKwh: 0 };
const kpi = (ks: ReturnType<typeof scopeKpis>, id: string) => ks.find((k) => k.id === id)!;

describe('scopeKpis', () => {
  it('computes every KPI the data supports', () => {
    const xs = [ep(0), ep(1)];
    const market = computeMarketBased(xs, [rec]);
    const cfe = hourlyCfe(xs, [rec], () => 0.4);
    const ks = scopeKpis({ intervals: xs, market, cfe });
    expect(kpi(ks, 'sci-per-inference').value).toBeCloseTo((8000 + 200) / 2000, 12);
    expect(kpi(ks, 'embodied-emissions').value).toBeCloseTo(0.2, 12);
    expect(kpi(ks, 'renewable-share').value).toBeCloseTo(25, 12); // 5 of 20 kWh
    expect(kpi(ks, 'cfe-hourly').value).toBeCloseTo(40, 12); // no hourly PPA: the grid's 40 % only
    // 5 kWh under RECs (0 g), 15 kWh at the US residual mix (markets.ts) — a figure of its own beside the 8 kg location-based.
    const mb = kpi(ks, 'market-based-emissions');
    const expected = [...market.byInterval.values()].reduce((a, r) => a + r.marketBasedKgCo2e.point, 0);
    expect(mb.value).toBeCloseTo(expected, 12);
    expect(mb.value).not.toBeCloseTo(xs.reduce((a, i) => a + i.co2eKg.point, 0), 3);
    expect(mb.breakdown!.map((b) => b.key).sort()).toEqual(['instruments (PPAs, certificates)', 'residual-mix']);
    expect(mb.breakdown!.reduce((a, b) => a + b.value, 0)).toBeCloseTo(mb.value!, 12);
  });

  it('says why instead of showing 0', () => {
    const ks = scopeKpis({ intervals: [interval()] });
    expect(kpi(ks, 'sci-per-inference')).toMatchObject({ value: null, reason: 'no endpoints in the window' });
    expect(kpi(ks, 'renewable-share')).toMatchObject({ value: null, reason: 'no contractual instruments registered' });
    expect(kpi(ks, 'cfe-hourly')).toMatchObject({ value: null, reason: 'no contractual instruments registered' });
    expect(kpi(ks, 'market-based-emissions')).toMatchObject({ value: null, reason: 'no contractual instruments registered' });
    const noGrid = scopeKpis({ intervals: [ep(0)], market: computeMarketBased([ep(0)], [rec]), cfe: hourlyCfe([ep(0)], [rec], () => undefined) });
    expect(kpi(noGrid, 'cfe-hourly')).toMatchObject({ value: null, reason: 'insufficient data in us-east-1' });
  });

  it('SCI per inference leaves out (and names) an endpoint whose SCI cannot be computed, in numerator and denominator alike', () => {
    const serverless = interval({ kind: 'endpoint', resourceId: 'sls/v', resourceKey: 'endpoint#us-east-1#sls/v', method: 'unmodelled', embodiedStatus: 'unmodelled', embodiedKgCo2e: undefined, invocations: 500 });
    const ks = scopeKpis({ intervals: [ep(0), ep(1), serverless] });
    const k = kpi(ks, 'sci-per-inference');
    expect(k.value).toBeCloseTo((8000 + 200) / 2000, 12); // ep/v alone: its 500 serverless inferences are not in R
    expect(k.detail).toMatch(/excluded: sls\/v \(1 interval\(s\) on an unmodelled instance type/);
    expect(kpi(scopeKpis({ intervals: [serverless] }), 'sci-per-inference')).toMatchObject({ value: null, reason: expect.stringMatching(/unmodelled instance type/) });
  });
});
