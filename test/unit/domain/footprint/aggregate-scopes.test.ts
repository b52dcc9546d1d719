/** Report rows and totals name operational, embodied and total emissions; market-based only with instruments. */
import { aggregate, rollupsForDay } from '../../../../shared/domain/footprint/aggregate';
import { computeMarketBased } from '../../../../shared/domain/market/market-based';
import { utcDay } from '../../../../shared/domain/time';
import { HOUR, NOV_1_2026, interval, legacyInterval } from '../../../helpers/scope-fixtures';

describe('aggregate: emission scopes', () => {
  it('keeps co2eKg as operational and adds embodied and their explicit total', () => {
    // Prepare
    const xs = [interval(), interval({ intervalStartSec: NOV_1_2026 + HOUR })];
    // Act
    const r = aggregate(xs, 'team');
    // Assess
    const row = r.rows[0];
    expect(row.co2eKg).toBe(8);
    expect(row.operationalKgCo2e).toEqual({ point: 8, low: 4, high: 16 });
    expect(row.embodiedKgCo2e.point).toBeCloseTo(0.2, 12);
    expect(row.embodiedKgCo2e.low).toBeCloseTo(0.16, 12);
    expect(row.totalKgCo2e.point).toBeCloseTo(8.2, 12);
    expect(row.totalKgCo2e.high).toBeCloseTo(16.3, 12);
    expect(row.embodiedKgCo2eSensitivity4y.point).toBeCloseTo(0.2 * 1.5, 12);
    expect(row.embodiedIntervals).toEqual({ computed: 2, unmodelled: 0, notComputed: 0 });
    expect(row.marketBasedKgCo2e).toBeUndefined();
    expect(r.totals.totalKgCo2e.point).toBeCloseTo(8.2, 12);
    expect(r.embodiedModelVersions).toEqual(['embodied-v1-2026']);
    expect(r.marketBased).toBeUndefined();
  });

  it('reports intervals stored before embodied accounting as "not computed", never as 0 embodied', () => {
    const r = aggregate([interval(), legacyInterval({ intervalStartSec: NOV_1_2026 + HOUR }), interval({ intervalStartSec: NOV_1_2026 + 2 * HOUR, embodiedKgCo2e: undefined, embodiedStatus: 'unmodelled' })], 'kind');
    expect(r.totals.embodiedIntervals).toEqual({ computed: 1, unmodelled: 1, notComputed: 1 });
    expect(r.totals.embodiedKgCo2e.point).toBeCloseTo(0.1, 12);
    expect(r.totals.co2eKg).toBe(12); // operational unaffected
  });

  it('adds market-based figures, separately, when a market-based allocation is given', () => {
    const xs = [interval({ region: 'eu-west-1' })];
    const market = computeMarketBased(xs, []);
    const r = aggregate(xs, 'region', { marketBased: market });
    expect(r.rows[0].marketBasedKgCo2e!.point).toBeCloseTo(10 * 0.4455, 9); // AIB 2023 residual mix, IE
    expect(r.rows[0].co2eKg).toBe(4); // location-based unchanged
    expect(r.totals.marketBasedKgCo2e!.point).toBeCloseTo(4.455, 9);
    expect(r.marketBased?.modelVersion).toBe('market-v1');
  });

  it('carries the embodied point into the daily roll-up rows beside co2eKg', () => {
    const rows = rollupsForDay(utcDay(NOV_1_2026), [interval(), interval({ resourceId: 'j2' })]);
    const total = rows.find((r) => r.dimension === 'total')!;
    expect(total.co2eKg).toBe(8);
    expect(total.embodiedKgCo2e).toBeCloseTo(0.2, 12);
  });
});
