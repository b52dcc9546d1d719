/**
 * Use case: the scope KPIs as a contributor to the KPI report (`kpis` CLI and `/api/kpis`): SCI per inference,
 * embodied emissions, renewable share (annual matching), hourly CFE % (24/7 matching) and the market-based scope 2
 * total (shared/domain/market/scope-kpis.ts). Self-contained: it reads what it needs from the deps the KPI report
 * already has — the window's intervals, the instrument registry (market-based allocation from 1 January, see
 * market-based-figures.ts) and, per grid zone of the window's regions, the hourly series with the grid's carbon-free
 * share (`cfePct`) for the CFE score. Hours without a share stay unknown: CFE then says "insufficient data", never a
 * made-up number.
 *
 * Cost: one interval query of the window (plus the year-to-date ones when instruments exist) and one hourly series
 * per zone; it runs only where instruments are registered for the CFE part.
 */
import type { Window } from '../domain/time';
import type { FootprintInterval, IntensityPoint, IntensitySignal } from '../domain/types';
import type { Kpi } from '../domain/kpis';
import { scopeKpis } from '../domain/market/scope-kpis';
import { gridCfeFromPoints, hourlyCfe } from '../domain/market/cfe';
import { getRegionInfo, type RegionInfo } from '../domain/regions/region-catalog';
import type { FootprintStore, InstrumentStore, IntensityProvider } from '../ports';
import { fetchHourly } from './intensity-resolver';
import { marketBasedFigures } from './market-based-figures';

export interface ScopeKpiSources {
  store: FootprintStore;
  intensityProviders: IntensityProvider[];
  signal: IntensitySignal;
  /** Absent (not wired): renewable share, CFE and market-based say so instead of a figure. */
  instruments?: Pick<InstrumentStore, 'currentRegistry'>;
  regionInfo?: (region: string) => RegionInfo | undefined;
}

/** Signals whose stored series carry the grid's carbon-free share (Electricity Maps data: both averages). */
const CFE_SIGNALS: readonly IntensitySignal[] = ['average-lifecycle', 'average-direct'];

/** Hourly series with `cfePct` per Electricity Maps zone of the regions, over the window (first signal that has any). */
async function cfeSeries(d: ScopeKpiSources, regions: readonly string[], w: Window): Promise<{ byZone: Map<string, IntensityPoint[]>; zoneOf: (region: string) => string | undefined }> {
  const info = d.regionInfo ?? ((r: string) => getRegionInfo(r));
  const zoneOf = (region: string) => info(region)?.emZone;
  const byZone = new Map<string, IntensityPoint[]>();
  for (const zone of [...new Set(regions.map(zoneOf).filter((z): z is string => !!z))].sort()) {
    const signals = [d.signal, ...CFE_SIGNALS.filter((s) => s !== d.signal)];
    for (const signal of signals) {
      const pts = await fetchHourly(d.intensityProviders, zone, signal, w);
      if (pts.some((p) => p.cfePct !== undefined)) {
        byZone.set(zone, pts);
        break;
      }
    }
  }
  return { byZone, zoneOf };
}

/** The scope KPIs of a window, in the KPI report's shape (to be appended to it). */
export async function scopeKpiContributor(d: ScopeKpiSources, w: Window, windowIntervals?: FootprintInterval[]): Promise<Kpi[]> {
  const intervals = windowIntervals ?? (w.endSec > w.startSec ? await d.store.queryIntervals(w) : []);
  const market = d.instruments && intervals.length ? await marketBasedFigures({ store: d.store, instruments: d.instruments }, w, intervals) : undefined;
  let cfe;
  if (market) {
    const grid = await cfeSeries(d, [...new Set(intervals.map((i) => i.region))], w);
    cfe = hourlyCfe(intervals, market.instruments, gridCfeFromPoints(grid.byZone, grid.zoneOf));
  }
  const ks = scopeKpis({ intervals, market: market?.result, cfe });
  if (!d.instruments) {
    const reason = 'instrument registry not available here';
    for (const k of ks) if (k.id === 'renewable-share' || k.id === 'cfe-hourly' || k.id === 'market-based-emissions') k.reason = reason;
  }
  return ks;
}
