import fc from 'fast-check';
import { ar1Noise, dailyFactor, demoHourlySeries, seedOf } from '../../../../shared/domain/intensity/demo-series';
import { parseIsoInstant } from '../../../../shared/domain/time';

const t = parseIsoInstant;
const flat = (meanGPerKwh: number, renewablePct: number) => () => ({ meanGPerKwh, renewablePct });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('demo hourly series (synthetic, pure)', () => {
  const year = { startSec: t('2024-01-01'), endSec: t('2025-01-01') };

  it.each([
    ['US-MIDA-PJM', 403, 8],
    ['SE-SE3', 21, 60],
  ])('over a year, %s averages within 5 %% of its yearly mean %i g/kWh and stays positive', (zone, g, ren) => {
    const pts = demoHourlySeries(zone, year, flat(g, ren));
    expect(pts).toHaveLength(366 * 24);
    expect(Math.abs(mean(pts.map((p) => p.gPerKwh)) / g - 1)).toBeLessThan(0.05);
    expect(Math.min(...pts.map((p) => p.gPerKwh))).toBeGreaterThan(0);
  });

  it('labels every point as demo', () => {
    const pts = demoHourlySeries('GB', { startSec: 0, endSec: 48 * 3600 }, flat(200, 46));
    for (const p of pts) expect(p).toMatchObject({ quality: 'demo', provider: 'demo (synthetic)', signal: 'average-lifecycle', zone: 'GB', periodSec: 3600 });
  });

  it('is deterministic per zone and per absolute hour, whatever window asks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 24 * 400 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 100 }), (offH, lenH, shiftH) => {
        const start = t('2024-01-01') + offH * 3600;
        const a = demoHourlySeries('FR', { startSec: start, endSec: start + (lenH + shiftH) * 3600 }, flat(50, 28));
        const b = demoHourlySeries('FR', { startSec: start + shiftH * 3600, endSec: start + (lenH + shiftH) * 3600 }, flat(50, 28));
        expect(b.map((p) => p.gPerKwh)).toEqual(a.slice(shiftH).map((p) => p.gPerKwh));
      }),
      { numRuns: 25 },
    );
  });

  it('differs between zones (seeded by zone name)', () => {
    const w = { startSec: t('2024-03-01'), endSec: t('2024-03-03') };
    const a = demoHourlySeries('IE', w, flat(300, 40)).map((p) => p.gPerKwh);
    const b = demoHourlySeries('GB', w, flat(300, 40)).map((p) => p.gPerKwh);
    expect(a).not.toEqual(b);
    expect(seedOf('IE')).not.toBe(seedOf('GB'));
  });

  it('dips at local midday in proportion to the renewable share', () => {
    // Daily factor alone (no noise): noon vs 03:00 local.
    expect(dailyFactor(12.5, 80)).toBeLessThan(dailyFactor(3.5, 80));
    expect(dailyFactor(3.5, 80) - dailyFactor(12.5, 80)).toBeGreaterThan(dailyFactor(3.5, 20) - dailyFactor(12.5, 20));
    // Averaged over a month, the Sydney (UTC+10) series is lowest around 02 UTC (= 12 local).
    const pts = demoHourlySeries('AU-NSW', { startSec: t('2024-03-01'), endSec: t('2024-04-01') }, flat(541, 35));
    const byUtcHour = Array.from({ length: 24 }, (_, h) => mean(pts.filter((p) => (p.tSec / 3600) % 24 === h).map((p) => p.gPerKwh)));
    const minHour = byUtcHour.indexOf(Math.min(...byUtcHour));
    expect([1, 2, 3]).toContain(minHour);
  });

  it('daily factor averages 1 over a local day for any renewable share (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 100, noNaN: true }), (ren) => {
        const m = mean(Array.from({ length: 24 }, (_, h) => dailyFactor(h + 0.5, ren)));
        expect(m).toBeCloseTo(1, 9);
      }),
      { numRuns: 50 },
    );
  });

  it('AR(1) noise has roughly unit variance and multi-day persistence', () => {
    const x = ar1Noise(seedOf('DE'), 400000, 24 * 365);
    const m = mean(x);
    const v = mean(x.map((a) => (a - m) ** 2));
    expect(v).toBeGreaterThan(0.6);
    expect(v).toBeLessThan(1.4);
    const lag24 = mean(x.slice(24).map((a, i) => (a - m) * (x[i] - m))) / v;
    expect(lag24).toBeGreaterThan(0.4); // e^(-24/48) ≈ 0.61
  });

  it('uses the yearly mean of each UTC year across a new year', () => {
    const pts = demoHourlySeries('DE', { startSec: t('2023-12-31T23:00:00Z'), endSec: t('2024-01-01T01:00:00Z') }, (y) =>
      y === 2023 ? { meanGPerKwh: 1000, renewablePct: 0 } : { meanGPerKwh: 10, renewablePct: 0 },
    );
    expect(pts[0].gPerKwh).toBeGreaterThan(200);
    expect(pts[1].gPerKwh).toBeLessThan(50);
  });

  it('returns nothing for an empty window', () => {
    expect(demoHourlySeries('DE', { startSec: 3600, endSec: 3600 }, flat(300, 50))).toEqual([]);
  });
});
