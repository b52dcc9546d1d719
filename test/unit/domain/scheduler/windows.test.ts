import { isLowCarbonHour, lowCarbonThreshold, percentile } from '../../../../shared/domain/scheduler/windows';

describe('low-carbon windows (≤ 30th percentile of the trailing 30 days)', () => {
  // 0..100 → 30th percentile (type 7) = 30
  const trailing = Array.from({ length: 101 }, (_, i) => i);

  it.each([
    { value: 29, low: true },
    { value: 30, low: true },
    { value: 30.5, low: false },
    { value: 90, low: false },
    { value: NaN, low: false },
  ])('value $value → low-carbon $low', ({ value, low }) => {
    expect(isLowCarbonHour(value, trailing)).toBe(low);
  });

  it('ignores gaps (NaN) in the trailing window', () => {
    expect(lowCarbonThreshold([NaN, 10, 20, NaN, 30, 40])).toBeCloseTo(19, 9); // (4−1)·0.3 = 0.9 → 10 + 0.9·10
  });

  it('is never low-carbon without trailing data', () => {
    expect(isLowCarbonHour(1, [])).toBe(false);
    expect(isLowCarbonHour(1, [NaN, NaN])).toBe(false);
  });

  it('interpolates between order statistics', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBeCloseTo(2.5, 9);
    expect(percentile(Float64Array.from([5]), 30)).toBe(5);
  });
});
