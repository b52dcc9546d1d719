/**
 * Demo intensity provider: synthetic hourly series shaped around the zone's real yearly mean and renewable share
 * (Electricity Maps yearly data in @tgwf/co2). Every point is labelled quality 'demo', provider 'demo (synthetic)'.
 *
 * Each point also carries a synthetic carbon-free share (`cfePct`, for hourly CFE matching in the demo), consistent
 * with the synthetic intensity: cfe_h = clamp(100 − (100 − CFE_year) × g_h ÷ ḡ_year, 0, 100), where CFE_year and
 * ḡ_year are the zone's yearly carbon-free share and mean intensity (the same @tgwf/co2 data) — cleaner hours have
 * lower intensity. Its level is the real yearly share; its hourly shape is invented and labelled demo like the rest.
 */
import type { Window } from '../../domain/time';
import type { IntensityPoint, IntensitySignal } from '../../domain/types';
import { DEMO_PROVIDER_NAME, type DemoSeriesOptions, demoHourlySeries } from '../../domain/intensity/demo-series';
import type { IntensityProvider } from '../../ports';
import { UnknownZoneError, isKnownZone, yearlyZoneSummary } from './yearly-intensity-provider';

/** The demo carbon-free share of an hour (see the module comment); undefined without a yearly share. */
export const demoCfePct = (gPerKwh: number, meanGPerKwh: number, carbonFreePctYear: number | undefined): number | undefined =>
  carbonFreePctYear === undefined || !(meanGPerKwh > 0) ? undefined : Math.min(100, Math.max(0, 100 - (100 - carbonFreePctYear) * (gPerKwh / meanGPerKwh)));

export class DemoIntensityProvider implements IntensityProvider {
  readonly name = DEMO_PROVIDER_NAME;
  constructor(private readonly opts: DemoSeriesOptions = {}) {}

  /** Synthetic life-cycle average series; other signals → [] (the yearly data has no marginal/direct basis). */
  async getSeries(zone: string, signal: IntensitySignal, window: Window): Promise<IntensityPoint[]> {
    if (!isKnownZone(zone)) throw new UnknownZoneError(zone);
    if (signal !== 'average-lifecycle') return [];
    const years = new Map<number, ReturnType<typeof yearlyZoneSummary>>();
    const summary = (year: number) => {
      let s = years.get(year);
      if (!s) years.set(year, (s = yearlyZoneSummary(zone, year)));
      return s;
    };
    const points = demoHourlySeries(zone, window, (year) => ({ meanGPerKwh: summary(year).gPerKwh, renewablePct: summary(year).renewablePct ?? 0 }), this.opts);
    for (const p of points) {
      const s = summary(new Date(p.tSec * 1000).getUTCFullYear());
      const cfe = demoCfePct(p.gPerKwh, s.gPerKwh, s.carbonFreePct);
      if (cfe !== undefined) p.cfePct = cfe;
    }
    return points;
  }
}
