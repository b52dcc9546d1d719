import {
  blendForecasts,
  leadBand,
  LEAD_BANDS_H,
  MIN_SKILL_SAMPLES,
  PRIOR_PROVIDER_WEIGHT,
  providerWeight,
  skillByBand,
  type BandSkill,
} from '../../../../shared/domain/intensity/forecast-blend';

const bands = (mse: number, n = 100): BandSkill[] => LEAD_BANDS_H.map(() => ({ n, mse }));

describe('skillByBand', () => {
  it('bins by lead band and returns the mean squared log error; skips unusable samples', () => {
    const s = skillByBand([
      { leadH: 1, forecast: 100, actual: 100 * Math.E }, // log error 1
      { leadH: 6, forecast: 100, actual: 100 }, // 0
      { leadH: 7, forecast: 200, actual: 100 }, // (ln 0.5)²
      { leadH: 30, forecast: 0, actual: 100 }, // skipped: non-positive forecast
      { leadH: 30, forecast: 100, actual: NaN }, // skipped: not observed
      { leadH: 0, forecast: 100, actual: 100 }, // skipped: lead < 1
    ]);
    expect(s[0]).toEqual({ n: 2, mse: 0.5 });
    expect(s[1].n).toBe(1);
    expect(s[1].mse).toBeCloseTo(Math.log(0.5) ** 2, 12);
    expect(s[2]).toEqual({ n: 0, mse: NaN });
  });

  it('puts leads beyond the last band in the last band', () => {
    expect(leadBand(1)).toBe(0);
    expect(leadBand(24)).toBe(1);
    expect(leadBand(25)).toBe(2);
    expect(leadBand(500)).toBe(LEAD_BANDS_H.length - 1);
  });
});

describe('providerWeight', () => {
  it('is the inverse-error share: a provider with a quarter of our squared error gets 0.8', () => {
    expect(providerWeight({ n: 50, mse: 0.01 }, { n: 50, mse: 0.04 })).toBeCloseTo(0.8, 12);
    expect(providerWeight({ n: 50, mse: 0.04 }, { n: 50, mse: 0.01 })).toBeCloseTo(0.2, 12);
    expect(providerWeight({ n: 50, mse: 0.02 }, { n: 50, mse: 0.02 })).toBeCloseTo(0.5, 12);
  });

  it('falls back to the prior without a day of scored hours on either side', () => {
    expect(providerWeight({ n: MIN_SKILL_SAMPLES - 1, mse: 0.0001 }, { n: 500, mse: 1 })).toBe(PRIOR_PROVIDER_WEIGHT);
    expect(providerWeight({ n: 500, mse: 0.0001 }, { n: 0, mse: NaN })).toBe(PRIOR_PROVIDER_WEIGHT);
  });
});

describe('blendForecasts', () => {
  const ours = { point: [100, 100, 100, 100], low: [80, 80, 80, 80], high: [130, 130, 130, 130] };

  it('is the weighted geometric mean where the provider has a value, and ours unchanged elsewhere', () => {
    const b = blendForecasts({ ours, provider: [400, NaN, 25, 0], providerAgeH: 0, providerSkill: bands(0.01), oursSkill: bands(0.03) });
    // w = 0.03 / 0.04 = 0.75 → 100^0.25 · 400^0.75
    expect(b.point[0]).toBeCloseTo(100 ** 0.25 * 400 ** 0.75, 9);
    expect(b.point[1]).toBe(100);
    expect(b.point[2]).toBeCloseTo(100 ** 0.25 * 25 ** 0.75, 9);
    expect(b.point[3]).toBe(100); // a non-positive provider value is no value
    expect(b.providerWeight).toEqual([0.75, 0, 0.75, 0].map((x) => expect.closeTo(x, 12)));
    expect(b.providerHours).toBe(2);
  });

  it('keeps our relative interval width around the blended point', () => {
    const b = blendForecasts({ ours, provider: [200, 200, 200, 200], providerAgeH: 0, providerSkill: bands(0.01), oursSkill: bands(0.01) });
    for (let h = 0; h < 4; h++) {
      expect(b.low[h] / b.point[h]).toBeCloseTo(0.8, 12);
      expect(b.high[h] / b.point[h]).toBeCloseTo(1.3, 12);
    }
  });

  it("weights the provider at its own lead: an old vintage is judged by its long-lead record", () => {
    // Provider excellent at short leads, useless at 49–96 h; ours equal everywhere.
    const providerSkill = LEAD_BANDS_H.map((hi) => ({ n: 100, mse: hi <= 24 ? 0.0001 : 1 }));
    const fresh = blendForecasts({ ours, provider: [200, 200, 200, 200], providerAgeH: 0, providerSkill, oursSkill: bands(0.01) });
    const old = blendForecasts({ ours, provider: [200, 200, 200, 200], providerAgeH: 60, providerSkill, oursSkill: bands(0.01) });
    expect(fresh.providerWeight[0]).toBeGreaterThan(0.98);
    expect(old.providerWeight[0]).toBeLessThan(0.02);
    expect(old.point[0]).toBeLessThan(102);
  });
});
