/**
 * DEMO DATA: labelled sample contractual instruments and a synthetic hourly grid carbon-free share for the local
 * demo fleet, so the market-based, renewable-share and CFE views have data. Not real contracts or certificates:
 * every instrument has `demo: true` and an id and label saying so.
 *
 * - a solar PPA with an hourly profile for us-east-1 (bell-shaped around local noon, 8 MW-scale peak scaled down to
 *   the demo fleet's size) — hourly CFE and annual matching;
 * - Guarantees of Origin from Norwegian hydro claimed for eu-west-1 (same EECS market);
 * - US wind RECs claimed for us-west-2;
 * - a supplier-specific rate for eu-north-1;
 * - one deliberately misplaced REC (claimed for ap-southeast-2, generated in the US) to show the quality checks.
 */
import { HOUR_SEC, alignDown, isoUtc, type EpochSec } from '../../domain/time';
import type { Instrument } from '../../domain/market/instrument-types';
import type { GridCfeLookup } from '../../domain/market/cfe';
import { demoHourlySeries } from '../../domain/intensity/demo-series';
import { getRegionInfo } from '../../domain/regions/region-catalog';
import { demoCfePct } from '../intensity/demo-intensity-provider';

type EmData = Record<string, { data: Record<string, { carbonIntensity?: { value?: number | null }; renewableEnergy?: { value?: number | null }; carbonFreeEnergy?: { value?: number | null } }> } | undefined>;
let emData: EmData | undefined;
/** Read on first use: a large JSON that only the demo-instrument builder needs. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const em = (): EmData => (emData ??= require('@tgwf/co2/data/electricity-maps') as EmData);

const utcYear = (t: EpochSec) => new Date(t * 1000).getUTCFullYear();

/** Demo solar profile: kW at a UTC hour for a site at `utcOffsetHours` (clear-sky bell 06–18 local, demo). */
const solarKw = (hourSec: EpochSec, utcOffsetHours: number, peakKw: number): number => {
  const local = ((((hourSec / HOUR_SEC + utcOffsetHours) % 24) + 24) % 24) + 0.5;
  return local > 6 && local < 18 ? peakKw * Math.sin((Math.PI * (local - 6)) / 12) ** 2 : 0;
};

/** The labelled demo instrument registry for the demo window [now − days, now). */
export function buildDemoInstruments(nowSec: EpochSec, days = 14): Instrument[] {
  const end = alignDown(nowSec, HOUR_SEC);
  const start = end - days * 86400;
  const year = utcYear(end);
  const hourlyProfile: { hour: string; mwh: number }[] = [];
  for (let t = start; t < end; t += HOUR_SEC) {
    const kw = solarKw(t, -5, 9); // us-east-1 (Virginia, UTC−5 standard time); peak ≈ 1.5 × the demo load there
    if (kw > 0) hourlyProfile.push({ hour: isoUtc(t), mwh: Math.round(kw * 1000) / 1e6 });
  }
  return [
    {
      id: 'demo-ppa-solar-us-east-1', label: 'DEMO solar PPA (synthetic hourly profile)', demo: true, type: 'ppa',
      region: 'us-east-1', generationCountry: 'US', technology: 'solar', counterparty: 'Demo Solar Farm LLC (fictitious)', hourlyProfile, gCo2ePerKwh: 0,
    },
    {
      id: 'demo-go-no-hydro-eu-west-1', label: 'DEMO Guarantees of Origin, Norwegian hydro', demo: true, type: 'go',
      region: 'eu-west-1', generationCountry: 'NO', technology: 'hydro', vintageYear: year, mwh: 0.15, registry: 'demo (not a real AIB registry)', retired: true, gCo2ePerKwh: 0,
    },
    {
      id: 'demo-rec-us-wind-us-west-2', label: 'DEMO RECs, US wind', demo: true, type: 'rec',
      region: 'us-west-2', generationCountry: 'US', technology: 'wind', vintageYear: year, mwh: 0.5, registry: 'demo (not a real M-RETS/WREGIS account)', retired: true, gCo2ePerKwh: 0,
    },
    {
      id: 'demo-supplier-eu-north-1', label: 'DEMO supplier-specific rate', demo: true, type: 'supplier-rate',
      region: 'eu-north-1', utility: 'Demo Nordic Utility (fictitious)', year, gCo2ePerKwh: 12, source: 'DEMO: fictitious supplier disclosure',
    },
    {
      id: 'demo-rec-misplaced-ap-southeast-2', label: 'DEMO REC claimed outside its market (shows the quality checks)', demo: true, type: 'rec',
      region: 'ap-southeast-2', generationCountry: 'US', technology: 'wind', vintageYear: year, mwh: 0.2, retired: true, gCo2ePerKwh: 0,
    },
  ];
}

/**
 * DEMO: synthetic hourly grid carbon-free share per region, the one the demo intensity series carries as `cfePct`
 * (shared/adapters/intensity/demo-intensity-provider.ts):
 * clean_h = clamp(1 − (1 − CFE_year) × g_h ÷ ḡ_year, 0, 1), where CFE_year and ḡ_year are the zone's yearly
 * carbon-free share and mean intensity (Electricity Maps yearly data in @tgwf/co2) and g_h the demo series' hour.
 * Its mean is the real yearly share; its hourly shape is invented for the demo and labelled so.
 */
export function demoGridCfe(): GridCfeLookup {
  const cache = new Map<string, Map<number, number>>();
  return (region, hourSec) => {
    const zone = getRegionInfo(region)?.emZone;
    if (!zone) return undefined;
    const y = utcYear(hourSec);
    const yearly = em()[`yearly${y}`]?.data[zone] ?? em().yearly2025?.data[zone];
    const cfe = yearly?.carbonFreeEnergy?.value;
    const mean = yearly?.carbonIntensity?.value;
    if (typeof cfe !== 'number' || typeof mean !== 'number' || !(mean > 0)) return undefined;
    const day = alignDown(hourSec, 86400);
    const key = `${zone}#${day}`;
    let m = cache.get(key);
    if (!m) {
      m = new Map(demoHourlySeries(zone, { startSec: day, endSec: day + 86400 }, () => ({ meanGPerKwh: mean, renewablePct: yearly?.renewableEnergy?.value ?? 0 })).map((p) => [p.tSec, p.gPerKwh]));
      cache.set(key, m);
    }
    const g = m.get(alignDown(hourSec, HOUR_SEC));
    if (g === undefined) return undefined;
    return demoCfePct(g, mean, cfe)! / 100;
  };
}
