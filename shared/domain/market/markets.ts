/**
 * Market boundaries and residual-mix factors for market-based scope 2 (pure data + lookups).
 *
 * GHG Protocol Scope 2 Guidance (2015), Quality Criterion 5: an instrument must be "sourced from the same market in
 * which the reporting entity's electricity-consuming operations are located". Markets used here:
 * - `north-america`: United States and Canada, the REC market (Green-e Energy certifies RECs from the US and Canada;
 *   Scope 2 Guidance treats the US and Canada as one market for RECs).
 * - `eu-eea-ch`: EU-27 + Iceland, Liechtenstein, Norway + Switzerland — Guarantees of Origin issued and cancelled
 *   under EECS through the AIB hub (Renewable Energy Directive (EU) 2018/2001 art. 19: GOs mutually recognised in
 *   the EU/EEA; Switzerland is an AIB member). Great Britain left the AIB domain (REGOs), so it is its own market.
 * - every other country is its own market (I-REC Standard: certificates are issued per country).
 *
 * A region's country is the first two letters of its Electricity Maps zone (e.g. `SE-SE3` → SE), from the region
 * catalog. Residual mixes (hierarchy step 4) are embedded where a published one exists; elsewhere none is invented and
 * market-based accounting falls back to the location-based grid average, flagged (hierarchy step 5).
 */
import { getRegionInfo } from '../regions/region-catalog';
import type { CertificateType } from './instrument-types';

export type MarketId = string;

export const NORTH_AMERICA = 'north-america';
export const EU_EEA_CH = 'eu-eea-ch';

const EU_EEA_CH_COUNTRIES = new Set([
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE',
  'IS', 'LI', 'NO', 'CH',
]);

/** The market a country belongs to (see the module comment for the sources). */
export function marketOfCountry(iso2: string): MarketId {
  const c = iso2.toUpperCase();
  if (c === 'US' || c === 'CA') return NORTH_AMERICA;
  if (EU_EEA_CH_COUNTRIES.has(c)) return EU_EEA_CH;
  return `country:${c}`;
}

/** Country (ISO 3166-1 alpha-2) of an AWS region's grid, from the region catalog's Electricity Maps zone. */
export function countryOfRegion(region: string): string | undefined {
  const info = getRegionInfo(region);
  return info ? info.emZone.slice(0, 2).toUpperCase() : undefined;
}

export function marketOfRegion(region: string): MarketId | undefined {
  const c = countryOfRegion(region);
  return c ? marketOfCountry(c) : undefined;
}

/** Certificate types issued in a market: RECs in North America, GOs in the EECS domain, I-RECs in country markets. */
export function certificateTypeFits(type: CertificateType, market: MarketId): boolean {
  if (type === 'rec') return market === NORTH_AMERICA;
  if (type === 'go') return market === EU_EEA_CH;
  return market.startsWith('country:') && market !== 'country:GB';
}

export interface ResidualMix {
  gCo2ePerKwh: number;
  /** Data year the factor describes. */
  year: number;
  source: string;
}

// AIB European Residual Mixes 2023, Version 1.0 (2024-05-30), Table 2 "Residual Mixes 2023", CO2 (gCO2/kWh; AIB
// publishes CO2, not CO2e). https://www.aib-net.org/facts/european-residual-mix
const AIB_2023 = 'AIB European Residual Mixes 2023 v1.0 (2024-05-30), Table 2, gCO2/kWh (CO2 only)';
// Green-e Energy Residual Mix Emissions Rates, 2018 release (Center for Resource Solutions), by eGRID subregion /
// Canadian province, CO2. https://resource-solutions.org/residual-mix/  Older than the reporting years: flagged.
const GREEN_E_2018 = 'Green-e Energy Residual Mix Emissions Rates, 2018 release (CRS), CO2';

/** Residual mix per AWS region (the region's country or eGRID subregion). */
const RESIDUAL_BY_REGION: Record<string, ResidualMix> = {
  'eu-west-1': { gCo2ePerKwh: 445.5, year: 2023, source: `${AIB_2023}: IE` },
  'eu-central-1': { gCo2ePerKwh: 719.9, year: 2023, source: `${AIB_2023}: DE` },
  'eu-west-3': { gCo2ePerKwh: 40.74, year: 2023, source: `${AIB_2023}: FR` },
  'eu-north-1': { gCo2ePerKwh: 68.23, year: 2023, source: `${AIB_2023}: SE` },
  'eu-south-1': { gCo2ePerKwh: 500.57, year: 2023, source: `${AIB_2023}: IT` },
  'eu-south-2': { gCo2ePerKwh: 282.45, year: 2023, source: `${AIB_2023}: ES` },
  // us-east-1 (Northern Virginia, Dominion) is in eGRID subregion SRVC; us-east-2 (Ohio) in RFCW; us-west-1
  // (N. California) in CAMX; us-west-2 (Oregon) in NWPP (EPA eGRID subregion map).
  'us-east-1': { gCo2ePerKwh: 366.199, year: 2018, source: `${GREEN_E_2018}: SRVC` },
  'us-east-2': { gCo2ePerKwh: 564.251, year: 2018, source: `${GREEN_E_2018}: RFCW` },
  'us-west-1': { gCo2ePerKwh: 240.141, year: 2018, source: `${GREEN_E_2018}: CAMX` },
  'us-west-2': { gCo2ePerKwh: 300.636, year: 2018, source: `${GREEN_E_2018}: NWPP` },
  'ca-central-1': { gCo2ePerKwh: 45.064, year: 2018, source: `${GREEN_E_2018}: Quebec` },
  'ca-west-1': { gCo2ePerKwh: 381.793, year: 2018, source: `${GREEN_E_2018}: Alberta` },
};

/** The residual mix for a region's consumption, or undefined where none is published (fall back, flagged). */
export const residualMixOf = (region: string): ResidualMix | undefined => RESIDUAL_BY_REGION[region];

/** Reasons a published residual mix is missing, for the flag on the fallback. */
export function noResidualMixReason(region: string): string {
  const c = countryOfRegion(region);
  if (c === 'GB') return 'no residual mix embedded for GB (outside the AIB domain since 2021)';
  if (c === 'AT' || c === 'NL') return `AIB publishes no residual mix for ${c} (full disclosure)`;
  return `no published residual mix embedded for ${region}${c ? ` (${c})` : ''}`;
}
