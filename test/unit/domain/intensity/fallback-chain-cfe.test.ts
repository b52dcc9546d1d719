/** The hourly resolver keeps the grid's carbon-free share of the chosen points, and only when all of them carry it. */
import { resolveHourly } from '../../../../shared/domain/intensity/fallback-chain';
import type { IntensityPoint } from '../../../../shared/domain/types';

const H = 3600;
const T0 = Date.UTC(2026, 10, 1) / 1000;
const p = (tSec: number, periodSec: number, gPerKwh: number, cfePct?: number, quality: IntensityPoint['quality'] = 'actual'): IntensityPoint => ({
  tSec, periodSec, gPerKwh, zone: 'Z', signal: 'average-lifecycle', provider: 'P', quality, ...(cfePct === undefined ? {} : { cfePct }),
});

describe('resolveHourly and the carbon-free share', () => {
  it.each([
    ['an hourly point keeps its share', [[p(T0, H, 300, 40)]], 40],
    ['half-hours are time-weighted like the intensity', [[p(T0, H / 2, 300, 40), p(T0 + H / 2, H / 2, 200, 60)]], 50],
    ['a half-hour without a share leaves the hour unknown', [[p(T0, H / 2, 300, 40), p(T0 + H / 2, H / 2, 200)]], undefined],
    ['the share comes from the chosen candidate only (actual over yearly)', [[p(T0, H, 300)], [p(T0, H, 280, 70, 'yearly-average')]], undefined],
  ])('%s', (_n, candidates, want) => {
    const r = resolveHourly({ startSec: T0, endSec: T0 + H }, candidates);
    expect(r.points).toHaveLength(1);
    expect(r.points[0].cfePct).toBe(want);
  });
});
