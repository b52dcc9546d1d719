/**
 * Loaders for the hourly grid-intensity reference data (../shared/data layout), shared by benchmarks.
 * - Electricity Maps hourly (via HPE green-dcc): `electricitymaps-hourly-greendcc/<ZONE>_<YEAR>_hourly.csv`
 * - CarbonCast (UMass, BuildSys 2022): 96-h forecast vintages `carboncast/<R>_..._forecasts_lifecycle_Jul_Dec_2021.csv`
 *   and the matching actual series `carboncast/<R>_lifecycle_emissions.csv`.
 * Bench-only code (reads files); the domain never imports it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitCsvLine } from '../../shared/domain/intensity/csv-import';

const HOUR_SEC = 3600;

export interface HourlyZone {
  /** File prefix, e.g. `DE-LU` (the file's `Zone Id` column may differ, see `zoneId`). */
  zone: string;
  /** UTC epoch seconds of lca[0] / direct[0] (hour start, aligned). */
  firstHourSec: number;
  /** Life-cycle intensity, gCO2eq/kWh, one per consecutive hour; NaN = missing hour. */
  lca: Float64Array;
  /** Direct (combustion) intensity, gCO2eq/kWh, same grid as `lca`. */
  direct: Float64Array;
  /** Complete years: every hour of the calendar year has an LCA value. Sorted ascending. */
  years: number[];
  /** Every year a file was found for, with the share of hours that have an LCA value (0–1). */
  coverageByYear?: Record<number, number>;
  /** `Zone Id` column of the files (e.g. `DE` for the `DE-LU` prefix), when present. */
  zoneId?: string;
}

/**
 * Tolerant UTC timestamp parser: `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DDTHH:MM[:SS]`, optional `Z` / `+00:00`
 * offset, and US `MM/DD/YYYY HH:MM[:SS]` (CarbonCast mixes these). Naive times are UTC. Returns NaN if unparseable.
 */
export function parseUtcHour(s: string): number {
  const t = s.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  let y: number, mo: number, d: number, hh: number, mi: number, ss: number, off: string | undefined;
  if (m) {
    [y, mo, d, hh, mi, ss] = [+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)];
    off = m[7];
  } else {
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
    if (!m) return NaN;
    [mo, d, y, hh, mi, ss] = [+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)];
    off = m[7];
  }
  let sec = Date.UTC(y, mo - 1, d, hh, mi, ss) / 1000;
  if (off && off !== 'Z') {
    const sign = off[0] === '-' ? -1 : 1;
    const digits = off.slice(1).replace(':', '');
    sec -= sign * (+digits.slice(0, 2) * 3600 + +digits.slice(2, 4) * 60);
  }
  return sec;
}

const yearStartSec = (y: number): number => Date.UTC(y, 0, 1) / 1000;
const hoursInYear = (y: number): number => (yearStartSec(y + 1) - yearStartSec(y)) / HOUR_SEC;

interface ParsedYear { year: number; rows: { tSec: number; lca: number; direct: number }[]; zoneId?: string }

/** Parse one Electricity Maps hourly CSV text (header-driven column lookup). Exported for tests. */
export function parseEmHourlyCsv(text: string): { tSec: number; lca: number; direct: number; zoneId?: string }[] {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim());
  const iT = header.findIndex((h) => h.startsWith('Datetime'));
  const iL = header.findIndex((h) => h.startsWith('Carbon Intensity') && h.includes('(LCA)'));
  const iD = header.findIndex((h) => h.startsWith('Carbon Intensity') && h.includes('(direct)'));
  const iZ = header.indexOf('Zone Id');
  if (iT < 0 || (iL < 0 && iD < 0)) throw new Error(`not an Electricity Maps hourly CSV (header: ${lines[0]})`);
  const num = (s: string | undefined): number => (s === undefined || s.trim() === '' ? NaN : Number(s));
  const out: { tSec: number; lca: number; direct: number; zoneId?: string }[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const c = splitCsvLine(line);
    const tSec = parseUtcHour(c[iT] ?? '');
    if (!Number.isFinite(tSec)) continue; // a bad row is skipped, the rest continues
    out.push({ tSec, lca: iL >= 0 ? num(c[iL]) : NaN, direct: iD >= 0 ? num(c[iD]) : NaN, zoneId: iZ >= 0 ? c[iZ]?.trim() : undefined });
  }
  return out;
}

/**
 * Every `DIR/electricitymaps-hourly-greendcc/<ZONE>_<YEAR>_hourly.csv`, one gap-aware hourly array per zone
 * spanning 1 Jan of its first year to 31 Dec 23:00 of its last year (NaN where an hour is missing).
 */
export function loadHourlyZones(dataDir: string): Map<string, HourlyZone> {
  const dir = join(dataDir, 'electricitymaps-hourly-greendcc');
  const result = new Map<string, HourlyZone>();
  if (!existsSync(dir)) return result;
  const byZone = new Map<string, ParsedYear[]>();
  for (const f of readdirSync(dir).sort()) {
    const m = /^(.+)_(\d{4})_hourly\.csv$/.exec(f);
    if (!m) continue;
    const rows = parseEmHourlyCsv(readFileSync(join(dir, f), 'utf8'));
    const list = byZone.get(m[1]) ?? [];
    list.push({ year: +m[2], rows, zoneId: rows.find((r) => r.zoneId)?.zoneId });
    byZone.set(m[1], list);
  }
  for (const [zone, parsed] of byZone) {
    const yearsFound = parsed.map((p) => p.year).sort((a, b) => a - b);
    const firstHourSec = yearStartSec(yearsFound[0]);
    const n = (yearStartSec(yearsFound[yearsFound.length - 1] + 1) - firstHourSec) / HOUR_SEC;
    const lca = new Float64Array(n).fill(NaN);
    const direct = new Float64Array(n).fill(NaN);
    for (const p of parsed) {
      for (const r of p.rows) {
        if (r.tSec % HOUR_SEC !== 0) continue; // sub-hourly rows are not part of the hourly grid
        const i = (r.tSec - firstHourSec) / HOUR_SEC;
        if (i < 0 || i >= n) continue;
        if (Number.isFinite(r.lca)) lca[i] = r.lca;
        if (Number.isFinite(r.direct)) direct[i] = r.direct;
      }
    }
    const coverageByYear: Record<number, number> = {};
    const years: number[] = [];
    for (const y of yearsFound) {
      const i0 = (yearStartSec(y) - firstHourSec) / HOUR_SEC;
      const h = hoursInYear(y);
      let present = 0;
      for (let i = i0; i < i0 + h; i++) if (Number.isFinite(lca[i])) present++;
      coverageByYear[y] = present / h;
      if (present === h) years.push(y);
    }
    result.set(zone, { zone, firstHourSec, lca, direct, years, coverageByYear, zoneId: parsed.find((p) => p.zoneId)?.zoneId });
  }
  return result;
}

/** CarbonCast region → Electricity Maps zone (file prefix in electricitymaps-hourly-greendcc) where they denote the same grid. */
export const CARBONCAST_TO_EM_ZONE: Readonly<Record<string, string>> = {
  CISO: 'US-CAL-CISO', // CAISO balancing authority
  ERCO: 'US-TEX-ERCO', // ERCOT
  DE: 'DE-LU', // EM file prefix DE-LU, Zone Id DE; CarbonCast DE = ENTSO-E Germany
  PJM: 'US-MIDA-PJM',
  NYISO: 'US-NY-NYIS',
  // AUS_QLD (Queensland) ≠ AU-NSW/AU-VIC; BPAT, FPL, ISNE, ES, NL, PL, SE have no EM file here.
};

export interface CarbonCastVintage {
  /** Issue time: 00:00 UTC of the vintage's first target hour; row i targets issueSec + i h, i.e. horizon h = i + 1. */
  issueSec: number;
  /** CarbonCast's own (production-based) actual lifecycle intensity, g/kWh, per target hour. */
  actual: Float64Array;
  /** Published forecast, g/kWh, per target hour (length 96). */
  forecast: Float64Array;
}

export interface CarbonCastRegion {
  region: string;
  emZone?: string;
  vintages: CarbonCastVintage[];
  /** `<R>_lifecycle_emissions.csv` actuals (2020–2021) as a gap-aware hourly array, when the file exists. */
  history?: { firstHourSec: number; lca: Float64Array };
}

/** Parse a CarbonCast forecast CSV (`,UTC time,actual_…,forecasted_…`) into 96-row vintages. Exported for tests. */
export function parseCarbonCastForecastCsv(text: string, blockH = 96): CarbonCastVintage[] {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = splitCsvLine(lines[0]).map((h) => h.trim());
  const iT = header.indexOf('UTC time');
  const iA = header.findIndex((h) => h.startsWith('actual_carbon_intensity'));
  const iF = header.findIndex((h) => h.startsWith('forecasted_carbon_intensity'));
  if (iT < 0 || iA < 0 || iF < 0) throw new Error(`not a CarbonCast forecast CSV (header: ${lines[0]})`);
  const rows = lines.slice(1).map((l) => splitCsvLine(l));
  const out: CarbonCastVintage[] = [];
  // Upstream layout: consecutive blocks of 96 rows, block k issued at 00:00 UTC of day k (see SOURCE.md).
  // Block boundaries are found by time going backwards or by the block length, whichever comes first.
  let start = 0;
  while (start < rows.length) {
    const t0 = parseUtcHour(rows[start][iT]);
    const actual = new Float64Array(blockH).fill(NaN);
    const forecast = new Float64Array(blockH).fill(NaN);
    let k = start;
    for (; k < rows.length && k - start < blockH; k++) {
      const t = parseUtcHour(rows[k][iT]);
      if (k > start && !(t > parseUtcHour(rows[k - 1][iT]))) break;
      const h = Math.round((t - t0) / HOUR_SEC);
      if (h >= 0 && h < blockH) {
        actual[h] = Number(rows[k][iA]);
        forecast[h] = Number(rows[k][iF]);
      }
    }
    if (Number.isFinite(t0)) out.push({ issueSec: Math.floor(t0 / HOUR_SEC) * HOUR_SEC, actual, forecast });
    start = k;
  }
  return out;
}

/** Parse a CarbonCast `<R>_lifecycle_emissions.csv` (`,UTC time,carbon_intensity,…`) into an hourly array. */
export function parseCarbonCastActualCsv(text: string): { firstHourSec: number; lca: Float64Array } {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = splitCsvLine(lines[0]).map((h) => h.trim());
  const iT = header.indexOf('UTC time');
  const iC = header.indexOf('carbon_intensity');
  const pts: [number, number][] = [];
  for (const l of lines.slice(1)) {
    const c = splitCsvLine(l);
    const t = parseUtcHour(c[iT] ?? '');
    if (Number.isFinite(t)) pts.push([t, c[iC] === undefined || c[iC] === '' ? NaN : Number(c[iC])]);
  }
  const t0 = Math.min(...pts.map((p) => p[0]));
  const t1 = Math.max(...pts.map((p) => p[0]));
  const lca = new Float64Array((t1 - t0) / HOUR_SEC + 1).fill(NaN);
  for (const [t, v] of pts) lca[Math.round((t - t0) / HOUR_SEC)] = v;
  return { firstHourSec: t0, lca };
}

/** Every `DIR/carboncast/<R>_*_forecasts_lifecycle_*.csv`, keyed by CarbonCast region (e.g. `CISO`). */
export function loadCarbonCast(dataDir: string): Map<string, CarbonCastRegion> {
  const dir = join(dataDir, 'carboncast');
  const out = new Map<string, CarbonCastRegion>();
  if (!existsSync(dir)) return out;
  const files = readdirSync(dir).sort();
  for (const f of files) {
    const m = /^(.+?)_carbon_from_src(?:_prod)?_forecasts_lifecycle_.*\.csv$/.exec(f);
    if (!m) continue;
    const region = m[1];
    const vintages = parseCarbonCastForecastCsv(readFileSync(join(dir, f), 'utf8'));
    const actualFile = `${region}_lifecycle_emissions.csv`;
    const history = files.includes(actualFile) ? parseCarbonCastActualCsv(readFileSync(join(dir, actualFile), 'utf8')) : undefined;
    const prev = out.get(region);
    out.set(region, { region, emZone: CARBONCAST_TO_EM_ZONE[region], vintages: [...(prev?.vintages ?? []), ...vintages], history });
  }
  return out;
}
