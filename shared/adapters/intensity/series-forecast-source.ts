/**
 * The planner's ForecastSource: CarbonPilot's own forecaster (`forecastHourly`) on a provider's hourly history
 * (8 weeks up to the issue hour → ≤ 96 h of point forecasts with 90 % intervals; missing hours stay NaN), blended
 * with the provider forecast ingested into the store when one is known at decision time. The blend weights each
 * source by its squared log error on the provider's vintages of the last two weeks (forecast-blend.ts); measured
 * in bench:scheduler it beat both "provider first" and "ours alone" (README, Benchmarks). The issue time is the
 * start of the current hour: only data before it is used.
 */
import { forecastHourly, FORECASTER_VERSION, MAX_HORIZON_H } from '../../domain/intensity/forecaster';
import { alignDown, HOUR_SEC, type EpochSec } from '../../domain/time';
import type { IntensitySignal } from '../../domain/types';
import type { IntensityProvider } from '../../ports';
import type { IntensityStore } from '../../ports/intensity-store';
import { blendForecasts, skillByBand, type BandSkill, type SkillSample } from '../../domain/intensity/forecast-blend';
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
export type ProviderForecastStore = Pick<IntensityStore, 'getForecasts' | 'listVintages'>;

/** Days of the provider's past vintages scored to weight it against ours (≤ 1 vintage a day). */
export const SKILL_DAYS = 14;
const DAY_SEC = 24 * HOUR_SEC;

export class SeriesForecastSource implements ForecastSource {
  /**
   * @param providers history sources, best first; the first with any history for the zone and signal is used.
   * @param forecastStore where ingested provider forecasts live: when it holds a vintage for the zone, the plan uses
   *   the skill-weighted blend of that forecast and ours (forecast-blend.ts); otherwise ours alone.
   */
  /** Skill records by zone, signal and the set of scored vintages (they change at most once an hour). */
  private readonly skillMemo = new Map<string, { provider: BandSkill[]; ours: BandSkill[]; scoredHours: number }>();

  constructor(
    private readonly providers: IntensityProvider[],
    private readonly forecastStore?: ProviderForecastStore,
  ) {}

  async forecast(zone: string, signal: IntensitySignal, nowSec: EpochSec, horizonH: number): Promise<ZoneForecast> {
    const issued = alignDown(nowSec, HOUR_SEC);
    const H = Math.min(MAX_HORIZON_H, Math.max(1, horizonH));
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
      let n = 0;
      for (const x of pts) {
        const i = Math.floor((x.tSec - first) / HOUR_SEC);
        if (i >= 0 && i < lenH && x.periodSec === HOUR_SEC && Number.isFinite(x.gPerKwh)) {
          history[i] = x.gPerKwh;
          n++;
        }
      }
      if (n === 0) continue;
      const ours = forecastHourly(history, H, { firstHourSec: first });
      const base: ZoneForecast = { zone, startSec: issued, point: ours.point, low: ours.low, high: ours.high, issuedAtSec: issued, signal, source: `${FORECASTER_VERSION} on ${p.name}` };
      const blended = this.forecastStore ? await this.blendWithProvider(this.forecastStore, base, history, first, nowSec, H) : undefined;
      return blended ?? base;
    }
    throw new NoForecastDataError(zone, signal);
  }

  /** The provider's latest vintage known at `nowSec`, blended with ours by both sources' record on the last SKILL_DAYS days. */
  private async blendWithProvider(store: ProviderForecastStore, ours: ZoneForecast, history: number[], first: EpochSec, nowSec: EpochSec, H: number): Promise<ZoneForecast | undefined> {
    const { zone, signal, startSec: issued } = ours;
    const q = { issuedAtOrBefore: nowSec, quality: 'provider-forecast' as const };
    const ahead = await store.getForecasts(zone, signal, { startSec: issued, endSec: issued + H * HOUR_SEC }, q);
    if (!ahead.length) return undefined;
    const provider = new Array<number>(H).fill(NaN);
    for (const x of ahead) {
      const h = Math.floor((x.tSec - issued) / HOUR_SEC);
      if (h >= 0 && h < H) provider[h] = x.gPerKwh;
    }
    const vintageSec = Math.min(...ahead.map((x) => x.issuedAtSec ?? issued));
    const names = [...new Set(ahead.map((x) => x.provider))].join('+');

    // Score both on the provider's past vintages (the latest of each UTC day), on hours already observed.
    const vintages = (await store.listVintages(zone, signal, { startSec: issued - SKILL_DAYS * DAY_SEC, endSec: issued }))
      .filter((v) => v.quality === 'provider-forecast' && v.issuedAtSec < issued);
    const latestPerDay = new Map<number, number>();
    for (const v of vintages) latestPerDay.set(Math.floor(v.issuedAtSec / DAY_SEC), Math.max(latestPerDay.get(Math.floor(v.issuedAtSec / DAY_SEC)) ?? -Infinity, v.issuedAtSec));
    const memoKey = `${zone}|${signal}|${issued}`;
    let skill = this.skillMemo.get(memoKey);
    if (!skill) {
      skill = await this.score(store, zone, signal, [...latestPerDay.values()], history, first, issued);
      if (this.skillMemo.size > 256) this.skillMemo.clear();
      this.skillMemo.set(memoKey, skill);
    }
    const b = blendForecasts({
      ours: { point: ours.point, low: ours.low, high: ours.high },
      provider,
      providerAgeH: Math.max(0, Math.floor((issued - alignDown(vintageSec, HOUR_SEC)) / HOUR_SEC)),
      providerSkill: skill.provider,
      oursSkill: skill.ours,
    });
    const used = b.providerWeight.filter((w) => w > 0);
    const meanW = used.reduce((a, w) => a + w, 0) / Math.max(1, used.length);
    return {
      ...ours,
      point: b.point,
      low: b.low,
      high: b.high,
      source: `${ours.source} blended with ${names} (issued ${new Date(vintageSec * 1000).toISOString()}; ${b.providerHours} h, mean provider weight ${meanW.toFixed(2)} from ${skill.scoredHours} scored hours)`,
    };
  }

  /** Both sources scored on the same observed hours of the given provider vintages. */
  private async score(store: ProviderForecastStore, zone: string, signal: IntensitySignal, vintageSecs: number[], history: number[], first: EpochSec, issued: EpochSec) {
    const ps: SkillSample[] = [];
    const os: SkillSample[] = [];
    for (const vSec of vintageSecs) {
      const v0 = alignDown(vSec, HOUR_SEC);
      const pts = (await store.getForecasts(zone, signal, { startSec: v0, endSec: Math.min(v0 + MAX_HORIZON_H * HOUR_SEC, issued) }, { issuedAtOrBefore: vSec, quality: 'provider-forecast' }))
        .filter((x) => x.issuedAtSec === vSec);
      if (!pts.length) continue;
      const i0 = (v0 - first) / HOUR_SEC;
      const oursThen = forecastHourly(history.slice(0, i0), MAX_HORIZON_H, { firstHourSec: first }).point;
      for (const x of pts) {
        const k = (x.tSec - v0) / HOUR_SEC;
        const actual = history[i0 + k];
        ps.push({ leadH: k + 1, forecast: x.gPerKwh, actual });
        os.push({ leadH: k + 1, forecast: oursThen[k], actual });
      }
    }
    const scoredHours = ps.filter((x) => Number.isFinite(x.actual)).length;
    return { provider: skillByBand(ps), ours: skillByBand(os), scoredHours };
  }
}
