/**
 * AWS commercial regions → grid zone (Electricity Maps id), WattTime region, facility PUE.
 *
 * Pure data + lookups. Every PUE and every zone carries its source in the record itself so it can be
 * written as provenance next to each footprint (`FootprintInterval.pueSource`).
 */
import { z } from 'zod';
import type { IntensitySignal } from '../types';

export interface RegionInfo {
  region: string;
  name: string;
  /** Electricity Maps zone id (exists in the @tgwf/co2 yearly data 2021–2025). */
  emZone: string;
  /** WattTime region id (balancing-authority abbreviation); undefined where not known from a source. */
  wattTimeRegion?: string;
  /** Power usage effectiveness (facility energy / IT energy). */
  pue: number;
  pueSource: string;
  zoneSource: string;
}

// ---- PUE sources -------------------------------------------------------------------------------
// AWS publishes a per-region PUE table for calendar year 2025 on
// https://sustainability.aboutamazon.com/products-services/aws-cloud (section "Increasing efficiency") and in
// its per-country fact sheets; transcribed in Green-Software-Foundation/real-time-cloud
// metrics/2025/aws-2025-metrics.md (commit c131e0d). Regions AWS does not list individually get the
// region-group average AWS publishes on the same page (Europe 1.11, Asia Pacific 1.25, North America 1.14).
const PUE_REGION_2025 = 'AWS per-region PUE, CY2025 (sustainability.aboutamazon.com/products-services/aws-cloud; GSF real-time-cloud metrics/2025/aws-2025-metrics.md)';
const PUE_EUROPE_AVG_2025 = 'AWS Europe region-group average PUE, CY2025 (no per-region value published) (sustainability.aboutamazon.com/products-services/aws-cloud)';
const PUE_APAC_AVG_2025 = 'AWS Asia Pacific region-group average PUE excl. China, CY2025 (no per-region value published) (sustainability.aboutamazon.com/products-services/aws-cloud)';
const PUE_NA_AVG_2025 = 'AWS North America region-group average PUE, CY2025 (no per-region value published; equals the AWS global 2025 PUE 1.14) (sustainability.aboutamazon.com/products-services/aws-cloud)';

/** AWS global average PUE, 2025 (1.14; 2024 and 2023: 1.15) — used for unknown regions. Source: sustainability.aboutamazon.com/products-services/aws-cloud. */
export const AWS_GLOBAL_PUE = 1.14;
export const AWS_GLOBAL_PUE_SOURCE = 'AWS global average PUE, CY2025 (sustainability.aboutamazon.com/products-services/aws-cloud)';

// ---- Zone sources ------------------------------------------------------------------------------
const Z_CCF = 'Cloud Carbon Footprint AWS_MAPPED_REGIONS_TO_ELECTRICITY_MAPS_ZONES (packages/aws/src/lib/AWSRegions.ts @b7a049c)';
const Z_RTC = 'GSF real-time-cloud Cloud_Region_Metadata.csv, AWS rows (em-zone-id, wt-region-id)';
const Z_CCF_RTC = `${Z_CCF}; agrees with ${Z_RTC}`;
const Z_LOC = 'region location (AWS-published city/area) → the Electricity Maps zone that contains it';

const r = (
  region: string,
  name: string,
  emZone: string,
  zoneSource: string,
  pue: number,
  pueSource: string,
  wattTimeRegion?: string,
): RegionInfo => (wattTimeRegion ? { region, name, emZone, wattTimeRegion, pue, pueSource, zoneSource } : { region, name, emZone, pue, pueSource, zoneSource });

/** Every commercial AWS region (aws partition; GovCloud and China are separate partitions). */
export const REGIONS: readonly RegionInfo[] = Object.freeze([
  r('us-east-1', 'US East (N. Virginia)', 'US-MIDA-PJM', Z_CCF_RTC, 1.15, PUE_REGION_2025, 'PJM_DC'),
  r('us-east-2', 'US East (Ohio)', 'US-MIDA-PJM', Z_CCF_RTC, 1.12, PUE_REGION_2025, 'PJM_SOUTHWEST_OH'),
  r('us-west-1', 'US West (N. California)', 'US-CAL-CISO', Z_CCF_RTC, 1.18, PUE_REGION_2025, 'CAISO_NORTH'),
  // CCF maps us-west-2 to US-NW-PACW; the Boardman/Umatilla (OR) sites are served by BPA-area utilities,
  // which is what GSF real-time-cloud uses. Override with CARBONPILOT region overrides if you disagree.
  r('us-west-2', 'US West (Oregon)', 'US-NW-BPAT', `${Z_RTC} (CCF says US-NW-PACW)`, 1.12, PUE_REGION_2025, 'BPA'),
  r('ca-central-1', 'Canada (Central)', 'CA-QC', Z_CCF_RTC, 1.19, PUE_REGION_2025, 'HQ'),
  r('ca-west-1', 'Canada West (Calgary)', 'CA-AB', Z_LOC, 1.13, PUE_REGION_2025),
  r('mx-central-1', 'Mexico (Central)', 'MX', `${Z_LOC} (Querétaro; only the national MX zone is in the yearly data)`, 1.14, PUE_NA_AVG_2025),
  r('sa-east-1', 'South America (São Paulo)', 'BR-CS', Z_CCF_RTC, 1.14, PUE_REGION_2025),
  r('eu-west-1', 'Europe (Ireland)', 'IE', Z_CCF_RTC, 1.1, PUE_REGION_2025),
  r('eu-west-2', 'Europe (London)', 'GB', Z_CCF_RTC, 1.23, PUE_REGION_2025),
  r('eu-west-3', 'Europe (Paris)', 'FR', Z_CCF_RTC, 1.35, PUE_REGION_2025),
  r('eu-central-1', 'Europe (Frankfurt)', 'DE', Z_CCF_RTC, 1.24, PUE_REGION_2025),
  r('eu-central-2', 'Europe (Zurich)', 'CH', Z_RTC, 1.11, PUE_EUROPE_AVG_2025),
  r('eu-north-1', 'Europe (Stockholm)', 'SE-SE3', `${Z_CCF} (Stockholm bidding zone SE3)`, 1.09, PUE_REGION_2025),
  r('eu-south-1', 'Europe (Milan)', 'IT-NO', Z_CCF_RTC, 1.11, PUE_EUROPE_AVG_2025),
  r('eu-south-2', 'Europe (Spain)', 'ES', Z_RTC, 1.06, PUE_REGION_2025),
  r('il-central-1', 'Israel (Tel Aviv)', 'IL', Z_RTC, 1.27, PUE_REGION_2025),
  r('me-south-1', 'Middle East (Bahrain)', 'BH', Z_RTC, 1.33, PUE_REGION_2025),
  r('me-central-1', 'Middle East (UAE)', 'AE', Z_RTC, 1.25, PUE_REGION_2025),
  r('af-south-1', 'Africa (Cape Town)', 'ZA', Z_CCF_RTC, 1.19, PUE_REGION_2025),
  r('ap-south-1', 'Asia Pacific (Mumbai)', 'IN-WE', Z_CCF_RTC, 1.4, PUE_REGION_2025),
  r('ap-south-2', 'Asia Pacific (Hyderabad)', 'IN-SO', Z_RTC, 1.43, PUE_REGION_2025),
  r('ap-east-1', 'Asia Pacific (Hong Kong)', 'HK', Z_RTC, 1.25, PUE_APAC_AVG_2025),
  r('ap-east-2', 'Asia Pacific (Taipei)', 'TW', Z_LOC, 1.25, PUE_APAC_AVG_2025),
  r('ap-southeast-1', 'Asia Pacific (Singapore)', 'SG', Z_CCF_RTC, 1.3, PUE_REGION_2025),
  r('ap-southeast-2', 'Asia Pacific (Sydney)', 'AU-NSW', Z_CCF_RTC, 1.14, PUE_REGION_2025, 'NEM_NSW'),
  r('ap-southeast-3', 'Asia Pacific (Jakarta)', 'ID', Z_CCF_RTC, 1.29, PUE_REGION_2025),
  r('ap-southeast-4', 'Asia Pacific (Melbourne)', 'AU-VIC', Z_RTC, 1.07, PUE_REGION_2025, 'NEM_VIC'),
  r('ap-southeast-5', 'Asia Pacific (Malaysia)', 'MY-WM', `${Z_RTC} (Peninsular Malaysia)`, 1.25, PUE_APAC_AVG_2025),
  r('ap-southeast-6', 'Asia Pacific (New Zealand)', 'NZ', `${Z_LOC} (Auckland; only the national NZ zone is in the yearly data)`, 1.25, PUE_APAC_AVG_2025),
  r('ap-southeast-7', 'Asia Pacific (Thailand)', 'TH', Z_LOC, 1.38, PUE_REGION_2025),
  r('ap-northeast-1', 'Asia Pacific (Tokyo)', 'JP-TK', Z_CCF_RTC, 1.25, PUE_REGION_2025),
  r('ap-northeast-2', 'Asia Pacific (Seoul)', 'KR', Z_CCF_RTC, 1.25, PUE_APAC_AVG_2025),
  r('ap-northeast-3', 'Asia Pacific (Osaka)', 'JP-KN', Z_CCF_RTC, 1.46, PUE_REGION_2025),
].map((x) => Object.freeze(x)));

/**
 * The key a region's intensity series is stored and fetched under for a signal: the Electricity Maps zone for
 * average signals, the WattTime region for marginal (WattTime publishes MOER per balancing authority, not per
 * Electricity Maps zone). undefined = no source of that signal is known for the region.
 */
export const signalZone = (info: RegionInfo, signal: IntensitySignal): string | undefined =>
  signal === 'marginal' ? info.wattTimeRegion : info.emZone;

/** Why `signalZone` is undefined, for an error naming the region (only marginal can be missing). */
export const noSignalZoneMessage = (region: string, signal: IntensitySignal): string =>
  `no ${signal} intensity source for ${region} (no WattTime region known)`;

const BY_REGION = new Map(REGIONS.map((x) => [x.region, x]));

/** Region info with optional per-region overrides merged over the catalog; an override may also add a region the catalog lacks (then it must name emZone). */
export function getRegionInfo(
  region: string,
  overrides?: Partial<Record<string, Partial<RegionInfo>>>,
): RegionInfo | undefined {
  const base = BY_REGION.get(region);
  const o = overrides?.[region];
  if (!o) return base;
  const merged: Partial<RegionInfo> = { ...(base ?? { pue: AWS_GLOBAL_PUE, pueSource: AWS_GLOBAL_PUE_SOURCE, name: region }), ...o, region };
  if (o.pue !== undefined && o.pueSource === undefined) merged.pueSource = 'operator override';
  if (o.emZone !== undefined && o.zoneSource === undefined) merged.zoneSource = 'operator override';
  if (!merged.emZone) return undefined;
  return merged as RegionInfo;
}

const OverrideSchema = z
  .object({
    name: z.string().min(1),
    emZone: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]+)*$/, 'expected an Electricity Maps zone id like US-MIDA-PJM'),
    wattTimeRegion: z.string().regex(/^[A-Z0-9_]+$/, 'expected a WattTime region id like PJM_DC'),
    // PUE is ≥ 1 by definition (The Green Grid); > 3 is far outside any published data-centre figure.
    pue: z.number().min(1).max(3),
    pueSource: z.string().min(1),
    zoneSource: z.string().min(1),
  })
  .partial()
  .strict();
const OverridesSchema = z.record(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region code like us-east-1'), OverrideSchema);

export class RegionOverridesError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'RegionOverridesError';
  }
}

/** Parse a JSON object `{ "<region>": { pue?, emZone?, … } }`; throws RegionOverridesError naming the bad field. */
export function parseRegionOverrides(json: string): Record<string, Partial<RegionInfo>> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new RegionOverridesError(`region overrides: invalid JSON (${(e as Error).message})`);
  }
  const res = OverridesSchema.safeParse(raw);
  if (!res.success) {
    const msg = res.error.issues
      .map((i) => {
        const path = i.path.map(String).join('.');
        const keys =
          i.code === 'unrecognized_keys'
            ? ` (${(i as { keys: string[] }).keys.join(', ')})`
            : i.code === 'invalid_key'
              ? ' (expected an AWS region code like us-east-1)'
              : '';
        return `${path || '(root)'}: ${i.message}${keys}`;
      })
      .join('; ');
    throw new RegionOverridesError(`region overrides: ${msg}`);
  }
  const out: Record<string, Partial<RegionInfo>> = {};
  for (const [k, v] of Object.entries(res.data)) out[k] = Object.freeze({ ...v });
  return Object.freeze(out);
}
