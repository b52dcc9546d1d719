import { actualPoints, CALIBRATION_H, carbonCastVintagePoints, levelFactor } from '../../../bench/lib/bench-intensity-data';

const H = 3600;
const T0 = 1_625_097_600; // 2021-07-01T00:00:00Z
const series = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));

describe('benchmark intensity data preparation', () => {
  it('stores a series as hourly actuals, leaving missing hours out', () => {
    const pts = actualPoints('GB', 'average-lifecycle', T0, [100, NaN, 120]);
    expect(pts.map((p) => [p.tSec - T0, p.gPerKwh, p.quality])).toEqual([[0, 100, 'actual'], [2 * H, 120, 'actual']]);
  });

  it('levels a provider on the zone with Σ zone ÷ Σ provider over the 7 days before issue, never after', () => {
    // Prepare: the zone reads 1.25× the provider before the issue hour and 10× after it (must not leak in).
    const n = 20 * 24;
    const issue = T0 + 10 * 24 * H;
    const provider = { firstHourSec: T0, lca: series(n, (i) => 200 + (i % 24)) };
    const zone = { firstHourSec: T0, lca: series(n, (i) => (T0 + i * H < issue ? 1.25 : 10) * provider.lca[i]) };
    // Act + Assess
    expect(levelFactor(zone, provider, issue)).toBeCloseTo(1.25, 12);
    expect(levelFactor(zone, provider, T0)).toBeUndefined(); // nothing observed before
  });

  it('uses only hours observed by both series, over exactly CALIBRATION_H hours', () => {
    const n = 20 * 24;
    const issue = T0 + 10 * 24 * H;
    const provider = { firstHourSec: T0, lca: series(n, () => 100) };
    // 2× inside the calibration window, 3× one hour before it; one provider gap inside the window.
    const i0 = (issue - T0) / H;
    const zone = { firstHourSec: T0, lca: series(n, (i) => (i >= i0 - CALIBRATION_H ? 200 : 300)) };
    provider.lca[i0 - 5] = NaN;
    expect(levelFactor(zone, provider, issue)).toBeCloseTo(2, 12);
  });

  it('stores each levelled CarbonCast vintage as provider-forecast points issued at its time', () => {
    const n = 20 * 24;
    const issue = T0 + 10 * 24 * H;
    const history = { firstHourSec: T0, lca: series(n, () => 100) };
    const zone = { firstHourSec: T0, lca: series(n, () => 150) };
    const forecast = series(96, (i) => (i === 3 ? NaN : 100 + i));
    const early = { issueSec: T0, actual: series(96, () => 100), forecast }; // no history before: left out
    const r = carbonCastVintagePoints('DE-LU', 'average-lifecycle', zone, { region: 'DE', history, vintages: [early, { issueSec: issue, actual: series(96, () => 100), forecast }] });
    expect(r.vintages).toBe(1);
    expect(r.provider).toBe('carboncast:DE');
    expect(r.points).toHaveLength(95);
    expect(r.points[0]).toEqual({ tSec: issue, periodSec: H, gPerKwh: 150, zone: 'DE-LU', signal: 'average-lifecycle', provider: 'carboncast:DE', quality: 'provider-forecast', issuedAtSec: issue });
    expect(r.points[3].tSec).toBe(issue + 4 * H); // the missing hour is skipped
    expect(r.points[3].gPerKwh).toBeCloseTo(104 * 1.5, 9);
  });
});
