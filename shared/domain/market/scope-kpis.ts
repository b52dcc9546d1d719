/**
 * KPIs of the new scopes, in the shape of shared/domain/kpis.ts (`value: null` + `reason` when they cannot be
 * computed, never 0), ready to be appended to the KPI report: SCI per inference, embodied emissions, renewable share
 * (annual matching) and hourly CFE % (24/7 matching), the last two side by side, and the market-based scope 2 total —
 * a separate figure (GHG Protocol dual reporting), never added to or compared with the location-based totals. Pure.
 */
import type { Kpi } from '../kpis';
import type { FootprintInterval } from '../types';
import { sciReport } from '../footprint/sci';
import { renewableShare, intervalKey, type MarketBasedResult } from './market-based';
import type { CfeResult } from './cfe';

export const SCOPE_KPI_IDS = ['sci-per-inference', 'embodied-emissions', 'renewable-share', 'cfe-hourly', 'market-based-emissions'] as const;
export type ScopeKpiId = (typeof SCOPE_KPI_IDS)[number];

/** A KPI of the report (shared/domain/kpis.ts) with one of this module's ids. */
export type ScopeKpi = Omit<Kpi, 'id'> & { id: ScopeKpiId };

const na = (id: ScopeKpiId, label: string, unit: string, reason: string): ScopeKpi => ({ id, label, unit, value: null, reason });

/** The scope KPIs for the window's intervals; `market` and `cfe` are absent when no instruments are registered. */
export function scopeKpis(input: { intervals: readonly FootprintInterval[]; market?: MarketBasedResult; cfe?: CfeResult }): ScopeKpi[] {
  const { intervals } = input;
  const out: ScopeKpi[] = [];

  // SCI per inference over the endpoints whose SCI can be computed (ISO/IEC 21031, location-based); an endpoint
  // without one (unmodelled type, embodied not computed, no invocations) is left out of numerator and denominator
  // alike and named in the detail — never counted with M or E missing.
  const all = sciReport(intervals).endpoints;
  const sci = all.filter((r) => r.sci !== null);
  const excluded = all.filter((r) => r.sci === null);
  const label = 'SCI per inference (E × I + M) / R';
  const unit = 'gCO2e/inference';
  if (!all.length) out.push(na('sci-per-inference', label, unit, intervals.some((i) => i.kind === 'endpoint') ? 'no invocation metrics' : 'no endpoints in the window'));
  else if (!sci.length) out.push(na('sci-per-inference', label, unit, excluded[0].reason!));
  else {
    const r = sci.reduce((a, x) => a + x.functionalUnits, 0);
    const sum = (f: (x: (typeof sci)[number]) => number) => sci.reduce((a, x) => a + f(x), 0);
    out.push({
      id: 'sci-per-inference', label, unit,
      value: sum((x) => x.operationalG.point + x.embodiedG.point) / r,
      low: sum((x) => x.operationalG.low + x.embodiedG.low) / r,
      high: sum((x) => x.operationalG.high + x.embodiedG.high) / r,
      detail: `E ${sum((x) => x.energyKwh.point).toFixed(1)} kWh × I (location-based) = ${sum((x) => x.operationalG.point).toFixed(0)} g; M ${sum((x) => x.embodiedG.point).toFixed(0)} g; R ${r} inferences` +
        (excluded.length ? `; excluded: ${excluded.map((x) => `${x.key} (${x.reason})`).join('; ')}` : ''),
      breakdown: sci.map((x) => ({ key: x.key, value: x.sci!.point, count: x.functionalUnits })).sort((a, b) => b.value - a.value),
    });
  }

  const computed = intervals.filter((i) => i.embodiedKgCo2e);
  const missing = intervals.length - computed.length;
  if (!computed.length) out.push(na('embodied-emissions', 'Embodied emissions (scope 3, hardware)', 'kgCO2e', intervals.length ? 'no interval carries an embodied figure (unmodelled types or data stored before embodied accounting)' : 'no footprint intervals in the window'));
  else {
    out.push({
      id: 'embodied-emissions', label: 'Embodied emissions (scope 3, hardware)', unit: 'kgCO2e',
      value: computed.reduce((a, i) => a + i.embodiedKgCo2e!.point, 0),
      low: computed.reduce((a, i) => a + i.embodiedKgCo2e!.low, 0),
      high: computed.reduce((a, i) => a + i.embodiedKgCo2e!.high, 0),
      detail: `6-year amortisation of reserved instance time; reported beside, never inside, operational emissions${missing ? `; ${missing} interval(s) without an embodied figure` : ''}`,
    });
  }

  if (!input.market) out.push(na('renewable-share', 'Renewable share (annual matching)', '%', 'no contractual instruments registered'));
  else {
    const keys = new Set(intervals.map(intervalKey));
    const s = renewableShare(input.market, keys);
    out.push(
      s.overall === null
        ? na('renewable-share', 'Renewable share (annual matching)', '%', 'no energy recorded in the window')
        : {
            id: 'renewable-share', label: 'Renewable share (annual matching)', unit: '%', value: 100 * s.overall,
            detail: 'renewable PPA and certificate MWh claimed against consumption, per year and market, each MWh once',
            breakdown: s.rows.map((r) => ({ key: `${r.year} ${r.market}`, value: 100 * r.share })),
          },
    );
  }
  if (!input.cfe) out.push(na('cfe-hourly', 'Carbon-free energy (hourly, 24/7)', '%', 'no contractual instruments registered'));
  else if (input.cfe.overall.cfePct === null) out.push(na('cfe-hourly', 'Carbon-free energy (hourly, 24/7)', '%', input.cfe.overall.reason ?? 'insufficient data'));
  else {
    out.push({
      id: 'cfe-hourly', label: 'Carbon-free energy (hourly, 24/7)', unit: '%', value: input.cfe.overall.cfePct,
      detail: 'hourly PPA supply up to each hour’s load (no carry-over) + the grid’s carbon-free share of the rest',
      breakdown: input.cfe.byRegion.filter((r) => r.cfePct !== null).map((r) => ({ key: r.region, value: r.cfePct! })),
    });
  }
  out.push(marketBasedTotal(intervals, input.market));
  return out;
}

/** Market-based scope 2 of the window's intervals (their share of the year-to-date allocation), by residual basis. */
function marketBasedTotal(intervals: readonly FootprintInterval[], market: MarketBasedResult | undefined): ScopeKpi {
  const id = 'market-based-emissions';
  const label = 'Total emissions (market-based scope 2)';
  if (!market) return na(id, label, 'kgCO2e', 'no contractual instruments registered');
  const rows = intervals.map((i) => market.byInterval.get(intervalKey(i))).filter((r) => r !== undefined);
  if (!rows.length) return na(id, label, 'kgCO2e', intervals.length ? 'the market-based allocation does not cover these intervals' : 'no footprint intervals in the window');
  const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0);
  const byBasis = new Map<string, number>();
  for (const r of rows) {
    const covered = r.marketBasedKgCo2e.point - (r.restKwh * (r.restGCo2ePerKwh ?? 0)) / 1000;
    if (r.coveredKwh > 0) byBasis.set('instruments (PPAs, certificates)', (byBasis.get('instruments (PPAs, certificates)') ?? 0) + covered);
    if (r.restKwh > 0) byBasis.set(r.restBasis, (byBasis.get(r.restBasis) ?? 0) + (r.restKwh * (r.restGCo2ePerKwh ?? 0)) / 1000);
  }
  return {
    id, label, unit: 'kgCO2e',
    value: sum((r) => r.marketBasedKgCo2e.point), low: sum((r) => r.marketBasedKgCo2e.low), high: sum((r) => r.marketBasedKgCo2e.high),
    detail: `${market.modelVersion}: instruments first, then supplier rates, residual mix, grid average (GHG Protocol Scope 2 hierarchy); ` +
      `${(sum((r) => r.coveredKwh) / Math.max(1e-12, sum((r) => r.energyKwh)) * 100).toFixed(0)} % of the energy covered by instruments; a separate figure, never added to location-based totals`,
    breakdown: [...byBasis.entries()].map(([key, value]) => ({ key, value })).sort((a, b) => b.value - a.value || (a.key < b.key ? -1 : 1)),
  };
}
