/**
 * ForecastSource built from a provider's hourly history and CarbonPilot's own forecaster (`forecastHourly`):
 * 8 weeks of history up to the issue hour → ≤ 96 h of point forecasts with 90 % intervals. Missing hours stay NaN
 * (the forecaster skips them). The issue time is the start of the current hour: only data before it is used.
 */
import { forecastHourly, FORECASTER_VERSION, MAX_HORIZON_H } from '../../domain/intensity/forecaster';
import { alignDown, HOUR_SEC, type EpochSec } from '../../domain/time';
import type { IntensitySignal } from '../../domain/types';
import type { IntensityProvider } from '../../ports';
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

export class SeriesForecastSource implements ForecastSource {
  /** Providers best first; the first with any history for the zone and signal is used. */
  constructor(private readonly providers: IntensityProvider[]) {}

  async forecast(zone: string, signal: IntensitySignal, nowSec: EpochSec, horizonH: number): Promise<ZoneForecast> {
    const issued = alignDown(nowSec, HOUR_SEC);
    const first = issued - FORECAST_HISTORY_H * HOUR_SEC;
    for (const p of this.providers) {
      let pts;
      try {
        pts = await p.getSeries(zone, signal, { startSec: first, endSec: issued });
      } catch {
        continue;
      }
      const history = new Array<number>(FORECAST_HISTORY_H).fill(NaN);
      let n = 0;
      for (const x of pts) {
        const i = Math.floor((x.tSec - first) / HOUR_SEC);
        if (i >= 0 && i < FORECAST_HISTORY_H && x.periodSec === HOUR_SEC && Number.isFinite(x.gPerKwh)) {
          history[i] = x.gPerKwh;
          n++;
        }
      }
      if (n === 0) continue;
      const f = forecastHourly(history, Math.min(MAX_HORIZON_H, Math.max(1, horizonH)), { firstHourSec: first });
      return { zone, startSec: issued, point: f.point, low: f.low, high: f.high, issuedAtSec: issued, signal, source: `${FORECASTER_VERSION} on ${p.name}` };
    }
    throw new NoForecastDataError(zone, signal);
  }
}
