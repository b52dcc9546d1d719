import fc from 'fast-check';
import { FORECASTER_VERSION, forecastHourly, MAX_HORIZON_H } from '../../../../shared/domain/intensity/forecaster';

const T0_SEC = Date.UTC(2024, 0, 1) / 1000; // Monday 2024-01-01 00:00 UTC, aligned to the hour

/** Synthetic hourly intensity, g/kWh: level + daily sinusoid (+ optional weekday step), deterministic. */
const series = (hours: number, f: (i: number) => number): Float64Array => Float64Array.from({ length: hours }, (_, i) => f(i));
const dailySine = (i: number): number => 300 + 100 * Math.sin((2 * Math.PI * i) / 24);
/** Small deterministic pseudo-noise in [-1, 1] (no Math.random: tests are reproducible). */
const noise = (i: number): number => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453) - 0.5;

describe('forecastHourly', () => {
  it('exposes a version string for provenance', () => {
    expect(FORECASTER_VERSION).toMatch(/\S+/);
  });

  it('forecasts a pure daily sinusoid near-perfectly at every horizon up to 96 h', () => {
    // Prepare: 6 weeks of a clean daily cycle
    const history = series(6 * 7 * 24, dailySine);
    // Act
    const f = forecastHourly(history, 96, { firstHourSec: T0_SEC });
    // Assess: every point within 0.5 % of the true continuation
    expect(f.point).toHaveLength(96);
    f.point.forEach((p, k) => expect(Math.abs(p - dailySine(history.length + k)) / dailySine(history.length + k)).toBeLessThan(0.005));
  });

  it('gives a narrow interval around a constant series', () => {
    const f = forecastHourly(series(5 * 7 * 24, () => 250), 48, { firstHourSec: T0_SEC });
    for (let k = 0; k < 48; k++) {
      expect(f.point[k]).toBeCloseTo(250, 6);
      expect(f.high[k] - f.low[k]).toBeLessThan(1);
    }
  });

  it('widens intervals for noisy series and covers most future values of a stationary process', () => {
    // Prepare: daily cycle + ±15 % noise; 8 weeks of history and 96 h of "future" from the same process
    const full = series(8 * 7 * 24 + 96, (i) => dailySine(i) * (1 + 0.3 * noise(i)));
    const history = full.subarray(0, 8 * 7 * 24);
    // Act
    const f = forecastHourly(history, 96, { firstHourSec: T0_SEC });
    // Assess: intervals are non-trivial and ~90 % of the future lies inside them (loose bounds: 96 draws)
    let inside = 0;
    for (let k = 0; k < 96; k++) {
      const actual = full[history.length + k];
      if (actual >= f.low[k] && actual <= f.high[k]) inside++;
      expect(f.high[k] - f.low[k]).toBeGreaterThan(10);
    }
    expect(inside / 96).toBeGreaterThan(0.75);
  });

  it('tolerates NaN gaps (missing hours) and still returns finite forecasts', () => {
    const history = series(6 * 7 * 24, (i) => (i % 37 === 0 || (i > 500 && i < 540) ? NaN : dailySine(i)));
    history[history.length - 1] = NaN; // even the hour just before the issue time is missing
    const f = forecastHourly(history, 96, { firstHourSec: T0_SEC });
    f.point.forEach((p, k) => {
      expect(Number.isFinite(p)).toBe(true);
      expect(Math.abs(p - dailySine(history.length + k)) / dailySine(history.length + k)).toBeLessThan(0.05);
    });
  });

  it('handles very short histories (fallback to seasonal mean / last value) and empty ones (NaN)', () => {
    const short = forecastHourly(series(30, dailySine), 24, { firstHourSec: T0_SEC });
    short.point.forEach((p) => expect(Number.isFinite(p)).toBe(true));
    const empty = forecastHourly([], 3, { firstHourSec: T0_SEC });
    expect(empty.point.every((p) => Number.isNaN(p))).toBe(true);
  });

  it('caps the horizon at 96 h', () => {
    expect(forecastHourly(series(24 * 14, dailySine), 200, { firstHourSec: T0_SEC }).point).toHaveLength(MAX_HORIZON_H);
  });

  it('learns a weekday effect (lower weekends) that a daily profile alone would miss', () => {
    // Prepare: weekend hours 30 % lower; issue on a Friday 00:00 so 24–72 h ahead are weekend hours
    const weekly = (i: number): number => dailySine(i) * (Math.floor(i / 24) % 7 >= 5 ? 0.7 : 1);
    const n = 6 * 7 * 24 + 4 * 24; // 6 weeks + Mon..Thu → issue time Friday 00:00
    const f = forecastHourly(series(n, weekly), 72, { firstHourSec: T0_SEC });
    // Assess: Saturday forecasts are close to the true (low) weekend values, not the weekday level
    for (let k = 24; k < 72; k++) expect(Math.abs(f.point[k] - weekly(n + k)) / weekly(n + k)).toBeLessThan(0.05);
  });

  it('keeps low ≤ point ≤ high for arbitrary positive series with gaps (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: 1, max: 900, noNaN: true }), fc.constant(NaN)), { minLength: 1, maxLength: 600 }),
        fc.integer({ min: 1, max: 96 }),
        (values, h) => {
          const f = forecastHourly(values, h, { firstHourSec: T0_SEC });
          expect(f.point).toHaveLength(h);
          for (let k = 0; k < h; k++) {
            if (Number.isNaN(f.point[k])) continue; // only when no value is known at all
            expect(f.low[k]).toBeLessThanOrEqual(f.point[k]);
            expect(f.point[k]).toBeLessThanOrEqual(f.high[k]);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never looks ahead: values after the issue time do not change the forecast (property)', () => {
    const base = series(5 * 7 * 24 + 200, (i) => dailySine(i) * (1 + 0.2 * noise(i)));
    fc.assert(
      fc.property(
        fc.integer({ min: 24 * 10, max: 5 * 7 * 24 }),
        fc.array(fc.double({ min: 1, max: 2000, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (issue, future) => {
          // The caller's buffer holds data beyond the issue time; we pass only the view up to it and then mutate the rest.
          const buf = Float64Array.from(base);
          const before = forecastHourly(buf.subarray(0, issue), 48, { firstHourSec: T0_SEC });
          future.forEach((v, k) => (buf[issue + k] = v));
          const after = forecastHourly(buf.subarray(0, issue), 48, { firstHourSec: T0_SEC });
          expect(after).toEqual(before);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('uses only trailing history: prepending older data beyond the window does not change the forecast', () => {
    const recent = series(8 * 7 * 24, (i) => dailySine(i) * (1 + 0.2 * noise(i)));
    const withOld = new Float64Array(recent.length + 24 * 70).fill(999);
    withOld.set(recent, 24 * 70);
    expect(forecastHourly(withOld, 96, { firstHourSec: T0_SEC })).toEqual(forecastHourly(recent, 96, { firstHourSec: T0_SEC + 24 * 70 * 3600 }));
  });
});
