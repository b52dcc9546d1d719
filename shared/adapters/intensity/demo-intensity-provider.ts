/**
 * Demo intensity provider: synthetic hourly series shaped around the zone's real yearly mean and renewable share
 * (Electricity Maps yearly data in @tgwf/co2). Every point is labelled quality 'demo', provider 'demo (synthetic)'.
 */
import type { Window } from '../../domain/time';
import type { IntensityPoint, IntensitySignal } from '../../domain/types';
import { DEMO_PROVIDER_NAME, type DemoSeriesOptions, demoHourlySeries } from '../../domain/intensity/demo-series';
import type { IntensityProvider } from '../../ports';
import { UnknownZoneError, isKnownZone, yearlyZoneSummary } from './yearly-intensity-provider';

export class DemoIntensityProvider implements IntensityProvider {
  readonly name = DEMO_PROVIDER_NAME;
  constructor(private readonly opts: DemoSeriesOptions = {}) {}

  /** Synthetic life-cycle average series; other signals → [] (the yearly data has no marginal/direct basis). */
  async getSeries(zone: string, signal: IntensitySignal, window: Window): Promise<IntensityPoint[]> {
    if (!isKnownZone(zone)) throw new UnknownZoneError(zone);
    if (signal !== 'average-lifecycle') return [];
    return demoHourlySeries(
      zone,
      window,
      (year) => {
        const s = yearlyZoneSummary(zone, year);
        return { meanGPerKwh: s.gPerKwh, renewablePct: s.renewablePct ?? 0 };
      },
      this.opts,
    );
  }
}
