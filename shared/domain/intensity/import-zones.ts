/**
 * The zone an imported file is stored under, checked once before any row is read: Electricity Maps zone ids
 * (with the aliases public files use) for average signals, WattTime region ids for marginal ones. An unknown zone
 * is one error that names it and its closest known ids, not one rejection per row.
 */
import type { IntensitySignal } from '../types';

export interface ZoneAlias {
  /** The Electricity Maps zone id the alias stands for. */
  zone: string;
  source: string;
}

const EIA_SPLIT =
  'Electricity Maps split its US zones into EIA balancing authorities in 2020 (electricitymaps-contrib PR #2301); the pre-split keys are those of PR #1960 (2019)';
const AUS_RENAME = 'electricitymaps-contrib renamed its AUS-* zones to AU-* (config/zones/AUS-NSW.yaml → AU-NSW.yaml, config/exchanges/AUS-NSW_AUS-QLD.yaml → AU-NSW_AU-QLD.yaml)';

/**
 * Ids that public intensity files use for an Electricity Maps zone, or that Electricity Maps used before a rename.
 * Keys are never zones of their own in the @tgwf/co2 data (a test checks both directions).
 */
export const EM_ZONE_ALIASES: Readonly<Record<string, ZoneAlias>> = Object.freeze({
  // Luxembourg is a zone of its own (LU) at Electricity Maps; the ENTSO-E bidding zone name is what files carry.
  'DE-LU': { zone: 'DE', source: 'ENTSO-E bidding zone DE-LU (since 2018-10-01); HPE green-dcc DE-LU_<year>_hourly.csv (Electricity Maps export) carries Zone Id DE' },
  'BR-SP': { zone: 'BR-CS', source: 'HPE green-dcc BR-SP_<year>_hourly.csv (Electricity Maps export) carries Zone Id BR-CS; São Paulo lies in the Central-South subsystem' },
  'CL-SIC': { zone: 'CL-SEN', source: "Chile's SIC and SING grids merged into the SEN in 2017; HPE green-dcc CL-SIC_<year>_hourly.csv carries Zone Id CL-SEN" },
  'US-CA': { zone: 'US-CAL-CISO', source: EIA_SPLIT },
  'US-NEISO': { zone: 'US-NE-ISNE', source: EIA_SPLIT },
  'US-NY': { zone: 'US-NY-NYIS', source: EIA_SPLIT },
  'US-PJM': { zone: 'US-MIDA-PJM', source: EIA_SPLIT },
  'US-SPP': { zone: 'US-CENT-SWPP', source: EIA_SPLIT },
  'US-TN': { zone: 'US-TEN-TVA', source: EIA_SPLIT },
  'AUS-NSW': { zone: 'AU-NSW', source: AUS_RENAME },
  'AUS-QLD': { zone: 'AU-QLD', source: AUS_RENAME },
  'AUS-SA': { zone: 'AU-SA', source: AUS_RENAME },
  'AUS-TAS': { zone: 'AU-TAS', source: AUS_RENAME },
  'AUS-VIC': { zone: 'AU-VIC', source: AUS_RENAME },
  'AUS-WA': { zone: 'AU-WA', source: AUS_RENAME },
  'AUS-NT': { zone: 'AU-NT', source: AUS_RENAME },
  'AUS-TAS-FI': { zone: 'AU-TAS-FI', source: AUS_RENAME },
  'AUS-TAS-KI': { zone: 'AU-TAS-KI', source: AUS_RENAME },
  'AUS-WA-RI': { zone: 'AU-WA-RI', source: AUS_RENAME },
});

/** What the caller knows about zones (built from @tgwf/co2 and the region catalog outside the domain). */
export interface ZoneDirectory {
  /**
   * Accept a well-formed Electricity Maps id the list lacks (a zone added since the @tgwf/co2 data, e.g. IN-MH),
   * with a note, instead of refusing it (`--allow-unknown-zone`).
   */
  allowUnknown?: boolean;
  /** Every Electricity Maps zone id known (canonical spelling). */
  emZones: readonly string[];
  /** WattTime region ids some AWS region's marginal signal is keyed by. */
  wattTimeRegions: readonly string[];
  /** For an AWS region code: its Electricity Maps zone and WattTime region (to turn `--zone eu-central-1` into a hint). */
  awsRegion?: (code: string) => { emZone: string; wattTimeRegion?: string } | undefined;
}

export interface ResolvedZone {
  /** The id points are stored under. */
  zone: string;
  /** Set when the id given was an alias (or another spelling) of `zone`. */
  aliasOf?: { given: string; source: string };
  /** Something the user should know (e.g. a WattTime region no AWS region uses). */
  notes: string[];
}

/** The zone given cannot hold the file's signals: terminal, names the zone and the closest known ids. */
export class ImportZoneError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'ImportZoneError';
  }
}

/** Levenshtein distance (small strings: zone ids are ≤ 15 characters; also field names, contracts/zod-issues.ts). */
export const editDistance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
};

/**
 * Up to `max` known ids closest to `given`: longer ids that start with it (US-CAL → US-CAL-CISO), then ids a small
 * edit distance away (FRR → FR), then the parent zone (DE-XX → DE).
 */
export function closeZoneMatches(given: string, known: readonly string[], max = 5): string[] {
  const g = given.toUpperCase();
  const scored = known
    .map((z) => {
      const d = editDistance(g, z);
      const rank = z.startsWith(g) ? 0 : d <= Math.max(1, Math.floor(g.length / 3)) ? 1 : g.startsWith(`${z}-`) ? 2 : 3;
      return { z, rank, d };
    })
    .filter((x) => x.rank < 3 && x.z !== g)
    .sort((a, b) => a.rank - b.rank || a.d - b.d || (a.z < b.z ? -1 : 1));
  return scored.slice(0, max).map((x) => x.z);
}

/** The canonical Electricity Maps id for `id` (alias or case variant), or undefined if unknown. */
export function canonicalEmZone(id: string, dir: Pick<ZoneDirectory, 'emZones'>): string | undefined {
  const u = id.trim().toUpperCase();
  const alias = EM_ZONE_ALIASES[u];
  if (alias) return alias.zone;
  return dir.emZones.find((z) => z.toUpperCase() === u);
}

const isMarginal = (s: IntensitySignal) => s === 'marginal';

/**
 * Check `--zone` against the signals the file holds (all average, or all marginal) and return the id to store
 * under. Throws ImportZoneError naming the zone and close matches.
 */
export function resolveImportZone(given: string, signals: readonly IntensitySignal[], dir: ZoneDirectory): ResolvedZone {
  const id = given.trim();
  const aws = /^[a-z]{2}(-[a-z]+)+-\d$/.test(id) ? dir.awsRegion?.(id) : undefined;
  if (signals.some(isMarginal)) {
    if (signals.some((s) => !isMarginal(s))) throw new ImportZoneError('a file cannot mix marginal and average signals');
    if (aws) throw new ImportZoneError(`--zone "${id}" is an AWS region; marginal series are stored under its WattTime region${aws.wattTimeRegion ? `: use --zone ${aws.wattTimeRegion}` : ', and none is known for it'}`);
    const exact = dir.wattTimeRegions.find((r) => r.toUpperCase() === id.toUpperCase());
    if (exact) return { zone: exact, notes: [] };
    const em = canonicalEmZone(id, dir);
    if (em || !/^[A-Za-z0-9_]+$/.test(id)) {
      throw new ImportZoneError(
        `--zone "${id}" is not a WattTime region id; marginal (MOER) series are stored under WattTime regions such as ${dir.wattTimeRegions.slice(0, 4).join(', ')}` +
          hint(closeZoneMatches(id.replace(/-/g, '_'), dir.wattTimeRegions)),
      );
    }
    return {
      zone: id.toUpperCase(),
      notes: [`zone ${id.toUpperCase()} is not the WattTime region of any AWS region in the catalog (${dir.wattTimeRegions.join(', ')}); footprints use it only through REGION_OVERRIDES`],
    };
  }
  if (aws) throw new ImportZoneError(`--zone "${id}" is an AWS region; its Electricity Maps zone is ${aws.emZone}: use --zone ${aws.emZone}`);
  const u = id.toUpperCase();
  const alias = EM_ZONE_ALIASES[u];
  if (alias) return { zone: alias.zone, aliasOf: { given: id, source: alias.source }, notes: [] };
  const known = dir.emZones.find((z) => z.toUpperCase() === u);
  if (known) return known === id ? { zone: known, notes: [] } : { zone: known, aliasOf: { given: id, source: 'zone ids are upper case' }, notes: [] };
  const wellFormed = /^[A-Z]{2}(-[A-Z0-9]+)*$/.test(u);
  if (wellFormed && dir.allowUnknown) {
    return { zone: u, notes: [`zone ${u} is not among the ${dir.emZones.length} zones of the @tgwf/co2 data: no yearly fallback exists for it, and no AWS region of the catalog uses it (REGION_OVERRIDES can)`] };
  }
  throw new ImportZoneError(
    `--zone "${id}" is not an Electricity Maps zone id (not among the ${dir.emZones.length} zones of the @tgwf/co2 data, nor a known alias)` +
      hint(closeZoneMatches(id, [...dir.emZones, ...Object.keys(EM_ZONE_ALIASES)])) +
      (wellFormed ? '; if Electricity Maps added it since, pass --allow-unknown-zone' : ''),
  );
}

const hint = (matches: string[]) => (matches.length ? `; close matches: ${matches.join(', ')}` : '');

/** True when a zone id written in a file (e.g. an export's `Zone Id`) denotes the zone being imported. */
export function sameZone(fileId: string, resolved: string, dir: Pick<ZoneDirectory, 'emZones'>): boolean {
  const f = fileId.trim();
  if (f.toUpperCase() === resolved.toUpperCase()) return true;
  const c = canonicalEmZone(f, dir);
  return c !== undefined && c === resolved;
}
