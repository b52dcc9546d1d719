/**
 * Yearly-average grid intensity from the Electricity Maps yearly data embedded in @tgwf/co2 (0.19, years 2021–2025).
 *
 * Signal: co2.js fetched these with `GET /v3/carbon-intensity/past?temporalGranularity=yearly` without an
 * `emissionFactorType` (thegreenwebfoundation/co2.js data/functions/generate_electricity_maps_data.js), so they
 * are Electricity Maps' default: life-cycle, consumption-based averages → 'average-lifecycle'.
 * The package has no direct (combustion-only) or marginal zone-level values: other signals return [].
 * (Its UNFCCC "marginal" factors are per country and annual combined-margin factors, not a zone marginal
 * signal, so they are deliberately not passed off as one.)
 * Data licence: Electricity Maps yearly data, ODbL.
 */
import type { EpochSec, Window } from '../../domain/time';
import { HOUR_SEC, alignDown } from '../../domain/time';
import type { IntensityPoint, IntensitySignal } from '../../domain/types';
import type { IntensityProvider } from '../../ports';

type EmData = Record<string, { data: Record<string, EmZoneYear> } | undefined>;
let emData: EmData | undefined;
/** The embedded yearly data, read on first use: a large JSON that most CLI commands never need at start-up. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const em = (): EmData => (emData ??= require('@tgwf/co2/data/electricity-maps') as EmData);

interface EmZoneYear {
  carbonIntensity?: { value?: number | null };
  renewableEnergy?: { value?: number | null };
  carbonFreeEnergy?: { value?: number | null };
}

let years: readonly number[] | undefined;
/** Years present in the embedded data, ascending (discovered, so a package update adds years by itself). */
export const yearlyDataYears = (): readonly number[] =>
  (years ??= Object.keys(em())
    .map((k) => /^yearly(\d{4})$/.exec(k)?.[1])
    .filter((y): y is string => !!y)
    .map(Number)
    .sort((a, b) => a - b));

export class UnknownZoneError extends Error {
  readonly retryable = false;
  constructor(readonly zone: string) {
    super(`Unknown grid zone '${zone}': not in the Electricity Maps yearly data of @tgwf/co2`);
    this.name = 'UnknownZoneError';
  }
}

export interface YearlyZoneSummary {
  /** Life-cycle average intensity, gCO2e/kWh. */
  gPerKwh: number;
  /** Renewable share of consumption, 0–100 (undefined when the data has none). */
  renewablePct: number | undefined;
  /** Carbon-free share of consumption (renewables + nuclear), 0–100 (undefined when the data has none). */
  carbonFreePct?: number;
  /** The data year actually used (latest available at or before the requested year; earliest for older years). */
  year: number;
}

const entry = (zone: string, year: number): EmZoneYear | undefined => em()[`yearly${year}`]?.data[zone];
const valid = (e: EmZoneYear | undefined): e is EmZoneYear =>
  !!e && typeof e.carbonIntensity?.value === 'number' && Number.isFinite(e.carbonIntensity.value) && e.carbonIntensity.value >= 0;

/** Every zone id the embedded yearly data has a valid value for (in any year), sorted. */
export const knownZoneIds = (): string[] =>
  [...new Set(yearlyDataYears().flatMap((y) => Object.keys(em()[`yearly${y}`]?.data ?? {})))].filter(isKnownZone).sort();

/** True when the embedded yearly data knows the zone (in any year). */
export const isKnownZone = (zone: string): boolean => yearlyDataYears().some((y) => valid(entry(zone, y)));

/** The zone's yearly average for `year` (latest year ≤ `year` with data; the earliest year with data for older years). */
export function yearlyZoneSummary(zone: string, year: number): YearlyZoneSummary {
  const withData = yearlyDataYears().filter((y) => valid(entry(zone, y)));
  if (withData.length === 0) throw new UnknownZoneError(zone);
  const atOrBefore = withData.filter((y) => y <= year);
  const used = atOrBefore.length ? atOrBefore[atOrBefore.length - 1] : withData[0];
  const e = entry(zone, used)!;
  const rp = e.renewableEnergy?.value;
  const cf = e.carbonFreeEnergy?.value;
  return { gPerKwh: e.carbonIntensity!.value as number, renewablePct: typeof rp === 'number' ? rp : undefined, ...(typeof cf === 'number' ? { carbonFreePct: cf } : {}), year: used };
}

const utcYear = (tSec: EpochSec): number => new Date(tSec * 1000).getUTCFullYear();

export class YearlyIntensityProvider implements IntensityProvider {
  readonly name = 'electricitymaps-yearly (@tgwf/co2)';
  static readonly SIGNALS: readonly IntensitySignal[] = ['average-lifecycle'];

  /** One hourly point per UTC hour touching the window, valued at the zone's yearly average for that hour's UTC year. */
  async getSeries(zone: string, signal: IntensitySignal, window: Window): Promise<IntensityPoint[]> {
    if (!isKnownZone(zone)) throw new UnknownZoneError(zone);
    if (!YearlyIntensityProvider.SIGNALS.includes(signal)) return [];
    const out: IntensityPoint[] = [];
    const cache = new Map<number, number>();
    for (let t = alignDown(window.startSec, HOUR_SEC); t < window.endSec; t += HOUR_SEC) {
      const y = utcYear(t);
      let g = cache.get(y);
      if (g === undefined) {
        g = yearlyZoneSummary(zone, y).gPerKwh;
        cache.set(y, g);
      }
      out.push({ tSec: t, periodSec: HOUR_SEC, gPerKwh: g, zone, signal, provider: this.name, quality: 'yearly-average' });
    }
    return out;
  }
}
