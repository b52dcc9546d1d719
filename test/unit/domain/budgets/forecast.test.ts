/** The period forecast: exact on degenerate inputs, ordered and deterministic always, and honest when data is short. */
import fc from 'fast-check';
import { forecastPeriodTotal, plannedShare, type ForecastInput } from '../../../../shared/domain/budgets/forecast';
import { periodOf } from '../../../../shared/domain/budgets/periods';
import { DAY, at } from '../../../helpers/budget-fixtures';

const november = periodOf('month', at('2026-11-10'));
const base = (over: Partial<ForecastInput> = {}): ForecastInput => ({
  period: november,
  asOfSec: at('2026-11-20'),
  actualKgCo2e: 190,
  historyDailyKgCo2e: Array(28).fill(10),
  planned: [],
  ...over,
});

describe('forecastPeriodTotal', () => {
  it('a constant run-rate gives P50 = P90 = actual + rate × days left (no spread to invent)', () => {
    const f = forecastPeriodTotal(base());
    expect(f.status).toBe('ok');
    // From 20 November 00:00 to 1 December: 11 days at 10 kg/day.
    expect(f.p50KgCo2e).toBeCloseTo(300, 9);
    expect(f.p90KgCo2e).toBeCloseTo(300, 9);
    expect(f.components.remainingDays).toBe(11);
  });

  it('prorates the last, partial day by the time left', () => {
    const f = forecastPeriodTotal(base({ asOfSec: at('2026-11-30T18:00:00Z') }));
    expect(f.p50KgCo2e).toBeCloseTo(190 + 10 * 0.25, 9);
  });

  it('a period that is over is its actual total', () => {
    const f = forecastPeriodTotal(base({ asOfSec: at('2026-12-03'), historyDailyKgCo2e: [] }));
    expect(f).toMatchObject({ status: 'ok', p50KgCo2e: 190, p90KgCo2e: 190 });
  });

  it('says "insufficient data" with fewer than 7 complete days of history, never a guess', () => {
    const f = forecastPeriodTotal(base({ historyDailyKgCo2e: [10, 10, 10] }));
    expect(f).toMatchObject({ status: 'insufficient-data', p50KgCo2e: null, p90KgCo2e: null });
    expect(f.status === 'insufficient-data' && f.reason).toMatch(/3 complete day\(s\).*at least 7/);
  });

  it('adds the not-yet-run share of scheduled job segments inside the period', () => {
    // A 10-h plan: 4 h before the watermark (already in actuals), 6 h after it, 2 of them after the period ends.
    const job = {
      jobId: 'j', planSec: 10 * 3600, expectedCo2eKg: { point: 50, low: 50, high: 50 },
      segments: [{ startSec: at('2026-11-30T16:00:00Z'), endSec: at('2026-12-01T02:00:00Z') }],
    };
    const w = at('2026-11-30T20:00:00Z');
    expect(plannedShare(job, w, november.endSec)).toBeCloseTo(0.4, 12);
    const f = forecastPeriodTotal(base({ asOfSec: w, planned: [job] }));
    expect(f.components.plannedKgCo2e.p50).toBeCloseTo(20, 9);
    expect(f.p50KgCo2e).toBeCloseTo(190 + 10 * (4 / 24) + 20, 9);
  });

  it('is deterministic and orders actual ≤ P50 ≤ P90 for any history and plans', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: 7, maxLength: 60 }),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        fc.integer({ min: 0, max: 29 * 24 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (history, actual, hours, planKg) => {
          const input = base({
            historyDailyKgCo2e: history, actualKgCo2e: actual, asOfSec: november.startSec + hours * 3600,
            planned: [{ jobId: 'j', planSec: 3600, expectedCo2eKg: { point: planKg, low: planKg * 0.8, high: planKg * 1.3 }, segments: [{ startSec: november.endSec - 7200, endSec: november.endSec - 3600 }] }],
            options: { replicates: 300 },
          });
          const f = forecastPeriodTotal(input);
          expect(f.status).toBe('ok');
          if (f.status !== 'ok') return;
          expect(f.p50KgCo2e).toBeGreaterThanOrEqual(actual - 1e-9);
          expect(f.p90KgCo2e).toBeGreaterThanOrEqual(f.p50KgCo2e - 1e-9);
          expect(forecastPeriodTotal(input)).toEqual(f);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('widens the band when the history swings between weeks (the level shock), keeping the median', () => {
    const swinging = [...Array(14).fill(5), ...Array(14).fill(15)];
    const shocked = forecastPeriodTotal(base({ historyDailyKgCo2e: swinging, asOfSec: november.startSec }));
    const plain = forecastPeriodTotal(base({ historyDailyKgCo2e: swinging, asOfSec: november.startSec, options: { levelShockDays: 0 } }));
    expect(shocked.status === 'ok' && plain.status === 'ok').toBe(true);
    const spread = (f: typeof shocked) => (f.p90KgCo2e ?? 0) - (f.p50KgCo2e ?? 0);
    expect(spread(shocked)).toBeGreaterThan(spread(plain));
    expect(Math.abs((shocked.p50KgCo2e ?? 0) - (plain.p50KgCo2e ?? 0)) / (plain.p50KgCo2e ?? 1)).toBeLessThan(0.05);
    expect(shocked.components.remainingDays * DAY).toBe(november.endSec - november.startSec);
  });
});
