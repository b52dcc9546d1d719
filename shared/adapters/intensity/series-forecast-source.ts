/**
 * The planner's ForecastSource: CarbonPilot's own forecaster (`forecastHourly`) on a provider's hourly history
 * (8 weeks up to the issue hour → ≤ 96 h of point forecasts with 90 % intervals; missing hours stay NaN), blended
 * with the provider forecast ingested into the store when one is known at decision time. The blend weights each
 * source by its squared log error on the provider's vintages of the last two weeks (forecast-blend.ts); measured
 * in bench:scheduler it beat both "provider first" and "ours alone" (README, Benchmarks). The issue time is the
 * start of the current hour: only data before it is used.
 */
import { forecastHourly, FORECASTER_VERSION, MAX_HORIZON_H } from '../../domain/intensity/forecaster';
import { alignDown, DAY_SEC, HOUR_SEC, type EpochSec } from '../../domain/time';
import type { IntensitySignal } from '../../domain/types';
import type { IntensityProvider } from '../../ports';
import type { IntensityStore, VintageRef } from '../../ports/intensity-store';
import { blendForecasts, SKILL_DAYS, skillByBand, type BandSkill, type SkillSample } from '../../domain/intensity/forecast-blend';
import type { ForecastSource, ZoneForecast } from '../../ports/scheduler-ports';

/** History the forecaster uses (6 weeks of training issue times + 96 h targets + 8 days of lookback ≈ 8 weeks). */
export const FORECAST_HISTORY_H = 8 * 7 * 24;

export class NoForecastDataError extends Error {
  readonly retryable = true;
  constructor(zone: string, signal: string) {
    super(`no ${signal} intensity history for zone ${zone} from any provider`);
    this.name = 'NoForecastDataError';
  }
}

/** Stored provider forecast vintages (Electricity Maps / WattTime forecasts written by the intensity ingest). */
export type ProviderForecastStore = Pick<IntensityStore, 'listVintageIssues' | 'getVintage'>;

export { SKILL_DAYS };

interface OursIssue {
  base: ZoneForecast;
  actuals: number[];
  first: EpochSec;
}

/** Bounded memo: cleared when full (entries are per hour, so old ones are never needed again). */
const remember = <T>(m: Map<string, T>, key: string, v: T): void => {
  if (m.size >= 256) m.clear();
  m.set(key, v);
};

export interface SeriesForecastSourceOptions {
  /**
   * Comparisons only (bench:scheduler's "provider first" baseline): this provider weight wherever the provider has
   * a value, instead of the weights learned from the record. Production leaves it unset.
   */
  fixedProviderWeight?: number;
}

export class SeriesForecastSource implements ForecastSource {
  /** Our forecast by zone, signal, issue hour and horizon. */
  private readonly oursMemo = new Map<string, OursIssue>();
  /** Skill records by zone, signal and issue hour (the scored vintages change at most once an hour). */
  private readonly skillMemo = new Map<string, { provider: BandSkill[]; ours: BandSkill[]; scoredHours: number }>();
  /**
   * Our forecast re-issued at a past vintage's time, keyed by the exact history it was made from (a fingerprint of
   * those hours): scoring re-issues ours at up to SKILL_DAYS vintages every hour, and those inputs rarely change.
   */
  private readonly scoredOursMemo = new Map<string, number[]>();

  /**
   * @param providers history sources, best first; the first with any history for the zone and signal is used.
   * @param forecastStore where ingested provider forecasts live: when it holds a vintage for the zone, the plan uses
   *   the skill-weighted blend of that forecast and ours (forecast-blend.ts); otherwise ours alone.
   */
  constructor(
    private readonly providers: IntensityProvider[],
    private readonly forecastStore?: ProviderForecastStore,
    private readonly options: SeriesForecastSourceOptions = {},
  ) {}

  async forecast(zone: string, signal: IntensitySignal, nowSec: EpochSec, horizonH: number): Promise<ZoneForecast> {
    const issued = alignDown(nowSec, HOUR_SEC);
    const H = Math.min(MAX_HORIZON_H, Math.max(1, horizonH));
    // Ours is issued once per zone, signal and hour: a re-plan of many jobs in one zone reads the history once.
    const key = `${zone}|${signal}|${issued}|${H}`;
    let o = this.oursMemo.get(key);
    if (!o) {
      o = await this.ours(zone, signal, issued, H);
      remember(this.oursMemo, key, o);
    }
    const blended = this.forecastStore ? await this.blendWithProvider(this.forecastStore, o.base, o.actuals, o.first, nowSec, H) : undefined;
    return blended ?? o.base;
  }

  /** Our forecaster on the first provider with history (and, for scoring, that history's actuals alone). */
  private async ours(zone: string, signal: IntensitySignal, issued: EpochSec, H: number): Promise<OursIssue> {
    // Extra days of history so that our forecaster can be re-issued at the provider's past vintages and scored.
    const lenH = FORECAST_HISTORY_H + (this.forecastStore ? SKILL_DAYS * 24 : 0);
    const first = issued - lenH * HOUR_SEC;
    for (const p of this.providers) {
      let pts;
      try {
        pts = await p.getSeries(zone, signal, { startSec: first, endSec: issued });
      } catch {
        continue;
      }
      const history = new Array<number>(lenH).fill(NaN);
      const actuals = new Array<number>(lenH).fill(NaN); // observations only, for scoring
      let n = 0;
      for (const x of pts) {
        const i = Math.floor((x.tSec - first) / HOUR_SEC);
        if (i >= 0 && i < lenH && x.periodSec === HOUR_SEC && Number.isFinite(x.gPerKwh)) {
          history[i] = x.gPerKwh;
          if (x.quality === 'actual') actuals[i] = x.gPerKwh;
          n++;
        }
      }
      if (n === 0) continue;
      const f = forecastHourly(history, H, { firstHourSec: first });
      return { base: { zone, startSec: issued, point: f.point, low: f.low, high: f.high, issuedAtSec: issued, signal, source: `${FORECASTER_VERSION} on ${p.name}` }, actuals, first };
    }
    throw new NoForecastDataError(zone, signal);
  }

  /** The provider's latest vintage known at `nowSec`, blended with ours by both sources' record on the last SKILL_DAYS days. */
  private async blendWithProvider(store: ProviderForecastStore, ours: ZoneForecast, actuals: number[], first: EpochSec, nowSec: EpochSec, H: number): Promise<ZoneForecast | undefined> {
    const { zone, signal, startSec: issued } = ours;
    // The vintage index: cheap however many vintages and hours are stored.
    const known = await store.listVintageIssues(zone, signal, { startSec: issued - SKILL_DAYS * DAY_SEC, endSec: nowSec + 1 }, 'provider-forecast');
    const current = known[known.length - 1];
    if (!current) return undefined;
    const ahead = await store.getVintage(zone, signal, current, { startSec: issued, endSec: issued + H * HOUR_SEC });
    if (!ahead.length) return undefined;
    const provider = new Array<number>(H).fill(NaN);
    for (const x of ahead) {
      const h = Math.floor((x.tSec - issued) / HOUR_SEC);
      if (h >= 0 && h < H) provider[h] = x.gPerKwh;
    }

    const memoKey = `${zone}|${signal}|${issued}`;
    let skill = this.skillMemo.get(memoKey);
    if (!skill) {
      // The latest vintage of each UTC day issued before this hour, scored on hours already observed.
      const perDay = new Map<number, VintageRef>();
      for (const v of known) if (v.issuedAtSec < issued) perDay.set(Math.floor(v.issuedAtSec / DAY_SEC), v);
      skill = await this.score(store, zone, signal, [...perDay.values()], actuals, first, issued);
      remember(this.skillMemo, memoKey, skill);
    }
    const b = blendForecasts({
      ours: { point: ours.point, low: ours.low, high: ours.high },
      provider,
      providerAgeH: Math.max(0, Math.floor((issued - alignDown(current.issuedAtSec, HOUR_SEC)) / HOUR_SEC)),
      providerSkill: skill.provider,
      oursSkill: skill.ours,
      ...(this.options.fixedProviderWeight !== undefined ? { fixedProviderWeight: this.options.fixedProviderWeight } : {}),
    });
    const used = b.providerWeight.filter((w) => w > 0);
    const meanW = used.reduce((a, w) => a + w, 0) / Math.max(1, used.length);
    return {
      ...ours,
      point: b.point,
      low: b.low,
      high: b.high,
      source: `${ours.source} blended with ${current.provider} (issued ${new Date(current.issuedAtSec * 1000).toISOString()}; ${b.providerHours} h, mean provider weight ${meanW.toFixed(2)} from ${skill.scoredHours} scored hours)`,
    };
  }

  /**
   * Both sources scored on the same hours of the given provider vintages, against stored actuals only (a gap filled
   * with a forecast is not an observation). Our forecaster is re-issued at each vintage's time from the data before it.
   */
  private async score(store: ProviderForecastStore, zone: string, signal: IntensitySignal, vintages: VintageRef[], actuals: number[], first: EpochSec, issued: EpochSec) {
    const ps: SkillSample[] = [];
    const os: SkillSample[] = [];
    for (const v of vintages) {
      const v0 = alignDown(v.issuedAtSec, HOUR_SEC);
      const pts = await store.getVintage(zone, signal, v, { startSec: v0, endSec: Math.min(v0 + MAX_HORIZON_H * HOUR_SEC, issued) });
      if (!pts.length) continue;
      const i0 = (v0 - first) / HOUR_SEC;
      const oursThen = this.oursAt(zone, signal, v0, actuals, i0, first);
      for (const x of pts) {
        const k = (x.tSec - v0) / HOUR_SEC;
        const actual = actuals[i0 + k];
        if (!Number.isFinite(actual)) continue;
        ps.push({ leadH: k + 1, forecast: x.gPerKwh, actual });
        os.push({ leadH: k + 1, forecast: oursThen[k], actual });
      }
    }
    return { provider: skillByBand(ps), ours: skillByBand(os), scoredHours: ps.length };
  }

  /**
   * Our forecaster issued at v0 from the actuals before it. It reads only the trailing FORECAST_HISTORY_H hours
   * (its training window fits inside them: forecaster.ts), so those hours are all it is given and all the memo
   * key fingerprints: a late actual or a corrected value among them re-issues the forecast.
   */
  private oursAt(zone: string, signal: IntensitySignal, v0: EpochSec, actuals: number[], i0: number, first: EpochSec): number[] {
    const from = Math.max(0, i0 - FORECAST_HISTORY_H);
    const history = actuals.slice(from, i0);
    const key = `${zone}|${signal}|${v0}|${fingerprint(history)}`;
    let f = this.scoredOursMemo.get(key);
    if (!f) {
      f = forecastHourly(history, MAX_HORIZON_H, { firstHourSec: first + from * HOUR_SEC }).point;
      remember(this.scoredOursMemo, key, f);
    }
    return f;
  }
}

/** Order-sensitive fingerprint of an hourly series (count, sum and position-weighted sum of the observed hours). */
const fingerprint = (xs: readonly number[]): string => {
  let n = 0;
  let s = 0;
  let w = 0;
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i])) continue;
    n++;
    s += xs[i];
    w += (i + 1) * xs[i];
  }
  return `${xs.length}:${n}:${s}:${w}`;
};
