/** The back-test: which cases it builds, and that a well-specified forecast on a stationary series covers ~90 %+. */
import { backtestForecast } from '../../../../shared/domain/budgets/backtest';
import { mulberry32 } from '../../../../shared/domain/budgets/forecast';
import { at } from '../../../helpers/budget-fixtures';

describe('backtestForecast', () => {
  it('builds one case per UTC day of every complete period, skipping cuts with under 7 days of history', () => {
    // 1 Sep – 30 Nov 2026 (91 days): complete months Sep (30), Oct (31), Nov (30); the first 7 cuts of September lack history.
    const n = 91;
    const r = backtestForecast([{ scope: 'account', firstDaySec: at('2026-09-01'), totalDailyKgCo2e: Array(n).fill(10), unscheduledDailyKgCo2e: Array(n).fill(10) }], ['month', 'quarter']);
    expect(r.byPeriod.month.cases).toBe(30 + 31 + 30 - 7);
    expect(r.byPeriod.quarter).toBeUndefined(); // Q3 starts 1 July, Q4 ends 31 December: neither is covered
    expect(r.skippedInsufficientHistory).toBe(7);
    // A constant series is forecast exactly.
    expect(r.p50MapePct).toBeCloseTo(0, 9);
    expect(r.p90CoveragePct).toBe(100);
  });

  it('P90 covers at least 85 % of cases on a noisy stationary series (independent days)', () => {
    const u = mulberry32(42);
    const n = 400;
    const xs = Array.from({ length: n }, () => 100 * (0.5 + u()));
    const r = backtestForecast([{ scope: 'account', firstDaySec: at('2025-01-01'), totalDailyKgCo2e: xs, unscheduledDailyKgCo2e: xs }], ['month'], { replicates: 400 });
    expect(r.cases).toBeGreaterThan(300);
    expect(r.p90CoveragePct).toBeGreaterThanOrEqual(85);
    expect(r.p50CoveragePct).toBeGreaterThan(30);
    expect(r.p50CoveragePct).toBeLessThan(70);
  });
});
