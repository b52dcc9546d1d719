/**
 * Combining a provider's published forecast (Electricity Maps, WattTime, CarbonCast…) with CarbonPilot's own.
 *
 * Neither source is best everywhere: providers use weather and generation-mix forecasts and usually win where wind
 * and solar drive the grid, our history-only forecaster can win where the provider's series differs from the one we
 * account on, or where its model drifts (measured in bench:scheduler, `providerForecasts`). So the two are averaged
 * in log space with inverse-error weights learned from each zone's own recent record:
 *
 *   log f = w·log p + (1 − w)·log o,   w = MSE_o / (MSE_o + MSE_p)   per lead band,
 *
 * where MSE is the mean squared log error of each source over the trailing scored forecasts (the optimal linear
 * combination of two unbiased forecasts with uncorrelated errors; Bates & Granger 1969). Too few scored forecasts
 * → an even blend. Pure: callers supply the scored samples.
 */
import type { HourlyForecast } from './forecaster';

/** Upper bounds (inclusive) of the lead-time bands, hours ahead (lead 1 = the hour starting at issue). */
export const LEAD_BANDS_H: readonly number[] = [6, 24, 48, 96];
/** Scored forecasts per band needed before the record sets the weight (a day of hours). */
export const MIN_SKILL_SAMPLES = 24;
/** Weight of the provider with no usable record in a band. */
export const PRIOR_PROVIDER_WEIGHT = 0.5;
/** Days of a provider's past vintages (≤ one a day) scored to set the weights. */
export const SKILL_DAYS = 14;

export const leadBand = (leadH: number): number => {
  for (let b = 0; b < LEAD_BANDS_H.length; b++) if (leadH <= LEAD_BANDS_H[b]) return b;
  return LEAD_BANDS_H.length - 1;
};

/** One scored forecast: its lead (h), the forecast and what was later observed, g/kWh. */
export interface SkillSample {
  leadH: number;
  forecast: number;
  actual: number;
}

export interface BandSkill {
  n: number;
  /** Mean squared log error (≈ squared relative error). NaN when n = 0. */
  mse: number;
}

/** Mean squared log error per lead band; non-positive or non-finite values are skipped. */
export function skillByBand(samples: Iterable<SkillSample>): BandSkill[] {
  const n = new Array<number>(LEAD_BANDS_H.length).fill(0);
  const s = new Array<number>(LEAD_BANDS_H.length).fill(0);
  for (const x of samples) {
    if (!(x.forecast > 0 && x.actual > 0) || !Number.isFinite(x.forecast) || !Number.isFinite(x.actual) || !(x.leadH >= 1)) continue;
    const b = leadBand(x.leadH);
    const e = Math.log(x.actual / x.forecast);
    n[b]++;
    s[b] += e * e;
  }
  return n.map((k, b) => ({ n: k, mse: k ? s[b] / k : NaN }));
}

/** Weight of the provider per lead band (the provider's band and ours are taken at their own leads by the caller). */
export function providerWeight(provider: BandSkill, ours: BandSkill): number {
  if (provider.n < MIN_SKILL_SAMPLES || ours.n < MIN_SKILL_SAMPLES) return PRIOR_PROVIDER_WEIGHT;
  const p = Math.max(provider.mse, 1e-8);
  const o = Math.max(ours.mse, 1e-8);
  return o / (o + p);
}

export interface BlendInput {
  ours: HourlyForecast;
  /** Provider forecast for the same hours as `ours` (index 0 = the issue hour); NaN where it has none. */
  provider: ArrayLike<number>;
  /** Hours between the provider vintage's issue time and ours (≥ 0): its lead at index h is providerAgeH + h + 1. */
  providerAgeH: number;
  providerSkill: BandSkill[];
  oursSkill: BandSkill[];
  /** Use this provider weight wherever the provider has a value instead of the record (e.g. 1 = provider first). */
  fixedProviderWeight?: number;
}

export interface BlendedForecast extends HourlyForecast {
  /** Provider weight used at each hour (0 where the provider had no value). */
  providerWeight: number[];
  /** Hours where the provider contributed. */
  providerHours: number;
}

/**
 * Log-space blend hour by hour. The 90 % interval keeps our forecaster's relative width around the blended point
 * (the provider publishes no interval; the blend's error is at most the larger of the two, so this is not narrower
 * than what our own record supports).
 */
export function blendForecasts(x: BlendInput): BlendedForecast {
  const { ours } = x;
  const point: number[] = [];
  const low: number[] = [];
  const high: number[] = [];
  const weight: number[] = [];
  let providerHours = 0;
  for (let h = 0; h < ours.point.length; h++) {
    const o = ours.point[h];
    const p = x.provider[h];
    let w = 0;
    if (Number.isFinite(p) && p > 0 && Number.isFinite(o) && o > 0) {
      w = x.fixedProviderWeight ?? providerWeight(x.providerSkill[leadBand(x.providerAgeH + h + 1)], x.oursSkill[leadBand(h + 1)]);
      providerHours++;
    }
    const v = w > 0 ? Math.exp(w * Math.log(p) + (1 - w) * Math.log(o)) : o;
    const r = o > 0 ? v / o : 1;
    point.push(v);
    low.push(ours.low[h] * r);
    high.push(ours.high[h] * r);
    weight.push(w);
  }
  return { point, low, high, providerWeight: weight, providerHours };
}
