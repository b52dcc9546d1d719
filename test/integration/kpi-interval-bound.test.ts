/**
 * The bound on the interval-based KPIs (scope, lifecycle, optimisation): `loadKpiReport` reads the window's
 * intervals for them only when the view holds at most the bound (MAX_INTERVAL_KPI_INTERVALS by default); above it,
 * one `interval-kpis` KPI says why they are missing and nothing else changes. On the seeded store (dynalite, real
 * SDK), with the bound passed small so that the seed's two days exceed it.
 */
import { intervalsInView, loadKpiReport, MAX_INTERVAL_KPI_INTERVALS } from '../../shared/http/query-routes';
import { loadFootprintView } from '../../shared/use-cases/footprint-view-loader';
import type { Kpi } from '../../shared/domain/kpis';
import { SEED_END_SEC, SEED_START_SEC, startSeededStore, type SeededStore } from '../browser/seed-store';

jest.setTimeout(120_000);

const INTERVAL_KPIS = ['sci-per-inference', 'embodied-emissions', 'renewable-share', 'cfe-hourly', 'market-based-emissions'];
const w = { startSec: SEED_START_SEC, endSec: SEED_END_SEC };
const ids = (ks: Kpi[]) => ks.map((k) => k.id);

describe('interval-based KPIs are bounded by the intervals of the view', () => {
  let s: SeededStore;
  let n: number;
  beforeAll(async () => {
    s = await startSeededStore();
    n = s.intervals.filter((i) => i.intervalStartSec >= w.startSec && i.intervalStartSec < w.endSec).length;
  });
  afterAll(() => s.close());

  it('counts the view’s intervals from its roll-up cells, on both paths, without reading intervals', async () => {
    // Prepare: a store whose queryIntervals fails, so a roll-up view that counts must not read them.
    const noReads = Object.assign(Object.create(s.store) as typeof s.store, { queryIntervals: async () => { throw new Error('read intervals'); } });
    // Act
    const fromRollups = intervalsInView((await loadFootprintView(noReads, w)).view);
    const fromIntervals = intervalsInView((await loadFootprintView(s.store, w, { source: 'intervals' })).view);
    // Assess
    expect(n).toBeGreaterThan(0);
    expect(fromRollups).toBe(n);
    expect(fromIntervals).toBe(n);
  });

  it.each([
    ['default bound (the seed is far below it)', undefined, true],
    ['bound equal to the view’s intervals (inclusive)', 'n', true],
    ['bound one below the view’s intervals', 'n-1', false],
  ] as const)('%s', async (_name, bound, computed) => {
    // Prepare
    const max = bound === undefined ? undefined : bound === 'n' ? n : n - 1;
    // Act
    const r = await loadKpiReport(s.deps, w, { maxIntervalKpiIntervals: max });
    // Assess
    const core = ids(r.kpis).filter((id) => id !== 'interval-kpis' && !INTERVAL_KPIS.includes(id));
    expect(core).toContain('total-emissions');
    if (computed) {
      expect(ids(r.kpis)).toEqual(expect.arrayContaining(INTERVAL_KPIS));
      expect(ids(r.kpis)).not.toContain('interval-kpis');
    } else {
      const na = r.kpis.find((k) => k.id === 'interval-kpis')!;
      expect(ids(r.kpis).filter((id) => INTERVAL_KPIS.includes(id))).toEqual([]);
      expect(na.value).toBeNull();
      expect(na.reason).toContain(`${n} intervals, more than the ${n - 1}`);
    }
  });

  it('above the bound, the core KPIs are those computed below it (only the interval-based ones are left out)', async () => {
    const below = await loadKpiReport(s.deps, w, {});
    const above = await loadKpiReport(s.deps, w, { maxIntervalKpiIntervals: n - 1 });
    const keep = (ks: Kpi[]) => ks.filter((k) => ids(above.kpis).includes(k.id) && k.id !== 'interval-kpis');
    expect(keep(above.kpis).length).toBeGreaterThan(3);
    expect(keep(above.kpis)).toEqual(keep(below.kpis).filter((k) => ids(above.kpis).includes(k.id)));
    expect(ids(below.kpis).length).toBeGreaterThan(ids(above.kpis).length);
    expect(MAX_INTERVAL_KPI_INTERVALS).toBe(50_000);
  });
});
