import fc from 'fast-check';
import {
  MixedSignalError,
  NoIntensityDataError,
  resolveHourly,
  timeWeightedIntensity,
} from '../../../../shared/domain/intensity/fallback-chain';
import type { IntensityPoint, IntensityQuality, IntensitySignal } from '../../../../shared/domain/types';

const H = 3600;
const T0 = 1_704_067_200; // 2024-01-01T00:00:00Z

const series = (
  quality: IntensityQuality,
  g: number | ((i: number) => number),
  fromH: number,
  toH: number,
  extra: Partial<IntensityPoint> = {},
  periodSec = H,
): IntensityPoint[] => {
  const out: IntensityPoint[] = [];
  for (let t = T0 + fromH * H, i = 0; t < T0 + toH * H; t += periodSec, i++) {
    out.push({
      tSec: t,
      periodSec,
      gPerKwh: typeof g === 'number' ? g : g(i),
      zone: 'DE',
      signal: 'average-lifecycle',
      provider: quality,
      quality,
      ...extra,
    });
  }
  return out;
};
const win = (fromH: number, toH: number) => ({ startSec: T0 + fromH * H, endSec: T0 + toH * H });

describe('resolveHourly: per-hour fallback chain', () => {
  it('prefers actual → provider forecast → own forecast → yearly average, hour by hour', () => {
    // Prepare: actual for h0–1, provider forecast h0–3, own forecast h0–5, yearly h0–7
    const actual = series('actual', 100, 0, 2);
    const pf = series('provider-forecast', 200, 0, 4, { issuedAtSec: T0 });
    const own = series('own-forecast', 300, 0, 6, { issuedAtSec: T0 - H });
    const yearly = series('yearly-average', 400, 0, 8);
    // Act: candidates given in an arbitrary order — quality decides, not list order
    const r = resolveHourly(win(0, 8), [yearly, own, pf, actual]);
    // Assess
    expect(r.hours.map((h) => h.quality)).toEqual([
      'actual', 'actual', 'provider-forecast', 'provider-forecast', 'own-forecast', 'own-forecast', 'yearly-average', 'yearly-average',
    ]);
    expect(r.points.map((p) => p.gPerKwh)).toEqual([100, 100, 200, 200, 300, 300, 400, 400]);
    expect(r.points[2].issuedAtSec).toBe(T0);
    expect(r.signal).toBe('average-lifecycle');
  });

  it('uses demo only for hours that no actual or forecast covers', () => {
    const demo = series('demo', 999, 0, 4);
    const actual = series('actual', 100, 1, 2);
    const r = resolveHourly(win(0, 4), [demo, actual]);
    expect(r.hours.map((h) => h.quality)).toEqual(['demo', 'actual', 'demo', 'demo']);
    // A real value beats demo even when it covers only part of the hour.
    const half: IntensityPoint[] = [{ ...actual[0], tSec: T0, periodSec: 1800 }];
    expect(resolveHourly(win(0, 1), [demo, half]).hours[0].quality).toBe('actual');
    expect(resolveHourly(win(0, 1), [demo, series('own-forecast', 5, 0, 1)]).hours[0].quality).toBe('own-forecast');
  });

  it('lets priority order decide between yearly average and demo (neither is an hourly observation)', () => {
    const demo = series('demo', 999, 0, 2);
    const yearly = series('yearly-average', 400, 0, 2);
    expect(resolveHourly(win(0, 2), [demo, yearly]).hours.map((h) => h.quality)).toEqual(['demo', 'demo']);
    expect(resolveHourly(win(0, 2), [yearly, demo]).hours.map((h) => h.quality)).toEqual(['yearly-average', 'yearly-average']);
  });

  it('reports hours nobody covers as gaps, never fills them', () => {
    const r = resolveHourly(win(0, 3), [series('actual', 100, 0, 1), series('actual', 120, 2, 3)]);
    expect(r.hours.map((h) => h.quality)).toEqual(['actual', null, 'actual']);
    expect(r.points.map((p) => p.tSec)).toEqual([T0, T0 + 2 * H]);
  });

  it('breaks ties by priority order, then by the later-issued forecast', () => {
    const a = series('provider-forecast', 210, 0, 1, { provider: 'em', issuedAtSec: T0 - 2 * H });
    const b = series('provider-forecast', 220, 0, 1, { provider: 'wt', issuedAtSec: T0 - H });
    expect(resolveHourly(win(0, 1), [a, b]).points[0].provider).toBe('em');
    expect(resolveHourly(win(0, 1), [b, a]).points[0].provider).toBe('wt');
    // Within one candidate, two issues of the same hour: the later issue wins.
    const both = [...a, ...b.map((p) => ({ ...p, provider: 'em' }))];
    expect(resolveHourly(win(0, 1), [both]).points[0].gPerKwh).toBe(220);
  });

  it('time-weights sub-hourly points into the hour (15-min actuals)', () => {
    const q = series('actual', (i) => [100, 200, 300, 400][i % 4], 0, 2, {}, 900);
    const r = resolveHourly(win(0, 2), [q, series('yearly-average', 1, 0, 2)]);
    expect(r.points.map((p) => p.gPerKwh)).toEqual([250, 250]);
    expect(r.hours.every((h) => h.quality === 'actual' && h.coveredSec === H)).toBe(true);
  });

  it('clips unaligned windows to partial first and last slots', () => {
    const w = { startSec: T0 + 1800, endSec: T0 + 2 * H + 600 };
    const r = resolveHourly(w, [series('yearly-average', 400, 0, 3)]);
    expect(r.points.map((p) => [p.tSec - T0, p.periodSec])).toEqual([[1800, 1800], [H, H], [2 * H, 600]]);
  });

  it('accepts a daily point spanning many hours', () => {
    const day: IntensityPoint[] = [{ ...series('yearly-average', 333, 0, 1)[0], periodSec: 24 * H }];
    const r = resolveHourly(win(5, 8), [day]);
    expect(r.points.map((p) => p.gPerKwh)).toEqual([333, 333, 333]);
  });

  it.each<[IntensitySignal, IntensitySignal]>([
    ['average-lifecycle', 'marginal'],
    ['average-lifecycle', 'average-direct'],
  ])('refuses to mix %s with %s', (a, b) => {
    expect(() => resolveHourly(win(0, 1), [series('actual', 1, 0, 1, { signal: a }), series('yearly-average', 1, 0, 1, { signal: b })])).toThrow(MixedSignalError);
  });
});

describe('timeWeightedIntensity', () => {
  it('weights by overlap, reports the worst quality, providers and coverage', () => {
    const pts = [
      ...series('actual', 100, 0, 1, { provider: 'em' }),
      ...series('provider-forecast', 400, 1, 2, { provider: 'wt', issuedAtSec: T0 }),
    ];
    // Window: last 30 min of h0 and first 90 min... clipped to 30 min of h1 → (100·1800 + 400·1800)/3600
    const r = timeWeightedIntensity(pts, { startSec: T0 + 1800, endSec: T0 + H + 1800 });
    expect(r).toMatchObject({ gPerKwh: 250, quality: 'provider-forecast', provider: 'em+wt', signal: 'average-lifecycle', issuedAtSec: T0, coveragePct: 100, zone: 'DE' });
  });

  it('reports partial coverage instead of filling the gap', () => {
    const r = timeWeightedIntensity(series('actual', 100, 0, 1), win(0, 4));
    expect(r.gPerKwh).toBe(100);
    expect(r.coveragePct).toBe(25);
  });

  it('throws when nothing overlaps or signals are mixed', () => {
    expect(() => timeWeightedIntensity(series('actual', 100, 0, 1), win(5, 6))).toThrow(NoIntensityDataError);
    expect(() =>
      timeWeightedIntensity([...series('actual', 1, 0, 1), ...series('actual', 1, 1, 2, { signal: 'marginal' })], win(0, 2)),
    ).toThrow(MixedSignalError);
  });

  const periodArb = fc.constantFrom(300, 900, 1800, 3600, 7200);

  it('of a constant series is that constant, for any window and point period (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2000, noNaN: true }), periodArb, fc.integer({ min: 0, max: 20 * H }), fc.integer({ min: 1, max: 20 * H }), (g, period, off, len) => {
        const pts = series('actual', g, 0, 48, {}, period);
        const r = timeWeightedIntensity(pts, { startSec: T0 + off, endSec: T0 + off + len });
        expect(r.gPerKwh).toBeCloseTo(g, 6);
      }),
      { numRuns: 100 },
    );
  });

  it('splitting a window and duration-weighting the halves gives the whole (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 48, maxLength: 48 }),
        periodArb,
        fc.integer({ min: 0, max: 10 * H }),
        fc.integer({ min: 2, max: 30 * H }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (gs, period, off, len, frac) => {
          const pts = series('actual', (i) => gs[i % gs.length], 0, 48, {}, period);
          const s = T0 + off;
          const m = s + Math.max(1, Math.min(len - 1, Math.round(len * frac)));
          const e = s + len;
          const whole = timeWeightedIntensity(pts, { startSec: s, endSec: e }).gPerKwh;
          const a = timeWeightedIntensity(pts, { startSec: s, endSec: m }).gPerKwh;
          const b = timeWeightedIntensity(pts, { startSec: m, endSec: e }).gPerKwh;
          // Constant power: energy in each half ∝ its duration, so the energy-weighted mean is the duration-weighted one.
          expect((a * (m - s) + b * (e - m)) / (e - s)).toBeCloseTo(whole, 6);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('resolveHourly then timeWeightedIntensity equals timeWeightedIntensity of the chosen series (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 24, maxLength: 24 }), fc.integer({ min: 0, max: 12 * H }), fc.integer({ min: 1, max: 12 * H }), (gs, off, len) => {
        const pts = series('actual', (i) => gs[i], 0, 24, {}, 900 * 4);
        const w = { startSec: T0 + off, endSec: T0 + off + len };
        const resolved = resolveHourly(w, [pts, series('yearly-average', 5, 0, 24)]);
        expect(timeWeightedIntensity(resolved.points, w).gPerKwh).toBeCloseTo(timeWeightedIntensity(pts, w).gPerKwh, 6);
      }),
      { numRuns: 50 },
    );
  });
});
