/**
 * Pure, line-streaming parser for the grid-intensity files people have, turned into hourly actuals.
 *
 * The header is read by column meaning, not by exact file:
 * - a time column (`Datetime (UTC)`, `zone_datetime`, `datetime`, `point_time`, `UTC time`, `Time`, `timestamp`,
 *   `from`, …; issue/update/forecast times are never taken for it);
 * - one or more intensity columns (`Carbon Intensity gCO₂eq/kWh (LCA)`, `carbon_intensity_avg`, `carbonIntensity`,
 *   `carbon_intensity`, `g_per_kwh`, `moer`, …; forecasts, percentages and bounds are never taken for it). A name
 *   that states a unit (`gCO₂eq/kWh`, `lbs/MWh`) sets it; a name that states a signal (`LCA`/`lifecycle`,
 *   `direct`, `moer`/`marginal`) sets it; two columns for direct and life-cycle give both signals;
 * - optionally a zone column (`Zone Id`, `zone`) that must agree with `--zone` or its alias, and a per-row signal
 *   column (`emissionFactorType`: lifecycle | direct);
 * - optionally the grid's carbon-free share of the hour, 0–100, stored with each point as `cfePct` for hourly CFE
 *   matching: `Carbon-free Energy Percentage (CFE%)` (Electricity Maps exports since 2024), `Low Carbon Percentage`
 *   (earlier exports; the same quantity: renewables + nuclear), `fossilFreePercentage`/`carbonFreePercentage` (API
 *   fields), or `fossilFuelPercentage` (older API dumps: the share is 100 − it, Electricity Maps' own definition of
 *   fossil-free). An empty cell leaves that hour's share unknown (never guessed); a bad one rejects the row.
 * Recognised layouts: the Electricity Maps data-portal export (format `electricitymaps`), Electricity Maps API
 * results written to CSV (`electricitymaps-api`; signal average-lifecycle unless the file or `--signal` says
 * otherwise — the API's default emission factor type), WattTime API v3 data (`watttime-api`, `point_time,value`;
 * lbs/MWh, `--signal` needed: the same fields carry MOER or average rates), and any other time/value table (`columns`). `--time-column`,
 * `--value-column`, `--unit` and `--signal` map the rest; an unrecognised header is an error that quotes it.
 *
 * Time: ISO instants with `Z`/offset and epoch seconds/milliseconds are instants. Naive times are UTC only when the
 * column says so (`(UTC)`, `UTC time`); otherwise they need `--timezone <IANA zone>` (DST-correct; a local time
 * that does not exist or occurs twice is rejected with that reason). A file whose first timestamp is naive without
 * a zone is refused as a whole, before any row is kept.
 *
 * Resolution: a series whose timestamps are (≥ 90 %) on UTC hour starts is hourly: one value per hour, any off-hour
 * row rejected. Anything else (half-hourly, 15- or 5-minute, hourly in a :30 zone) is averaged to UTC hours,
 * time-weighted: each value holds until the next one, but never longer than the spacing around it, so a missing
 * value leaves a hole rather than being bridged. An hour covered ≥ 50 % is kept (its mean over the covered part);
 * one covered less is dropped and counted. Coarser-than-hourly series (daily exports) are refused.
 *
 * Bad rows are rejected with their 1-based line number, a reason code and a message; the rest of the file is
 * still imported. Quoted fields are supported; a quoted field spanning lines is not (no export we know has one).
 */
import { HOUR_SEC, isoUtc, type EpochSec } from '../time';
import type { IntensityPoint, IntensitySignal } from '../types';
import { fieldsAsUtcSec, readTimestamp, ZoneClock, type DateOrder, type TimestampReading } from './import-timestamps';
import { EM_ZONE_ALIASES, ImportZoneError, resolveImportZone, sameZone, type ResolvedZone, type ZoneDirectory } from './import-zones';

export type IntensityCsvFormat = 'electricitymaps' | 'electricitymaps-api' | 'watttime-api' | 'columns';

// ---- units -------------------------------------------------------------------------------------

export const INTENSITY_UNITS = ['g/kWh', 'kg/MWh', 'lbs/MWh', 't/MWh', 'kg/kWh'] as const;
export type IntensityUnit = (typeof INTENSITY_UNITS)[number];

/**
 * Factors to g/kWh. kg/MWh is the same quantity as g/kWh (1 kg / 1000 kWh); t/MWh and kg/kWh are 1000 g/kWh.
 * 1 lb = 0.45359237 kg exactly (international avoirdupois pound, 1959 agreement; NIST SP 811), so
 * lbs/MWh × 453.59237 g/lb ÷ 1000 kWh/MWh = × 0.45359237 — the factor the WattTime adapter uses.
 */
export const UNIT_TO_G_PER_KWH: Readonly<Record<IntensityUnit, number>> = Object.freeze({
  'g/kWh': 1,
  'kg/MWh': 1,
  'lbs/MWh': 0.45359237,
  't/MWh': 1000,
  'kg/kWh': 1000,
});

/** A unit written in a column name or a flag (`gCO₂eq/kWh`, `g_per_kwh`, `lbs_co2_per_mwh`, `lb/MWh`), or undefined. */
export function parseIntensityUnit(text: string): IntensityUnit | undefined {
  const u = ` ${text.normalize('NFKC').toLowerCase()} `
    .replace(/co2\s*-?\s*(?:eq|e)?/g, '')
    .replace(/[\s_]+per[\s_]+/g, '/')
    .replace(/[()[\]]/g, ' ')
    .replace(/[\s_]+/g, ' ')
    .replace(/\s*\/\s*/g, '/');
  const m = /(?:^|[\s])(lbs?|pounds?|kg|g|t|tonnes?|metric tons?)\/(mwh|kwh)(?=$|[\s])/.exec(u);
  if (!m) return undefined;
  const [mass, energy] = [m[1], m[2]];
  if (energy === 'kwh') return mass === 'g' ? 'g/kWh' : mass === 'kg' ? 'kg/kWh' : undefined;
  if (mass.startsWith('lb') || mass.startsWith('pound')) return 'lbs/MWh';
  if (mass === 'kg') return 'kg/MWh';
  if (mass === 'g') return undefined; // g/MWh: no public intensity file uses it
  return 't/MWh';
}

/**
 * Highest plausible intensity, g/kWh: twice the median life-cycle intensity of pulverised-coal power
 * (820 gCO₂eq/kWh, IPCC AR5 WGIII Annex III, Table A.III.2). Above it the unit is likely wrong; only a warning.
 */
export const PLAUSIBLE_MAX_G_PER_KWH = 1640;

// ---- public types ------------------------------------------------------------------------------

export interface IntensityCsvOptions {
  /** Zone the values belong to, as given (`--zone`); an alias is stored under its canonical id. */
  zone: string;
  /** Which signal to import (a filter for files with several; required where the file does not say). */
  signal?: IntensitySignal;
  /** Default `file import (<format>)`. */
  provider?: string;
  /** Explicit mapping: column names (case-insensitive) that override detection. */
  timeColumn?: string;
  valueColumn?: string;
  unit?: IntensityUnit;
  /** IANA zone for naive timestamps (`--timezone`). */
  timeZone?: string;
  /** Day/month order of `a/b/YYYY` dates; detected from the first date with a field > 12 when absent. */
  dateOrder?: DateOrder;
  /** When given, `zone` is checked up front against it (known ids, aliases, close matches). */
  zones?: ZoneDirectory;
  /** Share of an hour that must be covered for a sub-hourly average to be kept. Default 0.5. */
  minHourCoverage?: number;
  /** How many rejections are kept with their line and message (all are counted). Default 100. */
  keepRejections?: number;
}

export type RejectionReason =
  | 'column-count'
  | 'bad-timestamp'
  | 'no-zone'
  | 'dst-gap'
  | 'dst-ambiguous'
  | 'date-order'
  | 'bad-value'
  | 'negative-value'
  | 'zone-mismatch'
  | 'unknown-signal'
  | 'duplicate'
  | 'off-hour';

/** Human label of each reason, for the counts-by-reason summary. */
export const REJECTION_LABELS: Readonly<Record<RejectionReason, string>> = Object.freeze({
  'column-count': 'wrong column count',
  'bad-timestamp': 'unreadable timestamp',
  'no-zone': 'timestamp without a zone',
  'dst-gap': 'local time skipped by a DST change',
  'dst-ambiguous': 'local time repeated by a DST change',
  'date-order': 'day/month order unknown',
  'bad-value': 'value not a number',
  'negative-value': 'negative value',
  'zone-mismatch': 'other zone',
  'unknown-signal': 'unknown emission factor type',
  duplicate: 'duplicate timestamp',
  'off-hour': 'not on the hour in an hourly series',
});

export interface CsvRejection {
  line: number;
  reason: RejectionReason;
  message: string;
}

export interface ValueColumn {
  column: string;
  /** Fixed signal of the column; undefined when a per-row signal column decides. */
  signal?: IntensitySignal;
}

/** How the header was read: what each column means and where unit and signal came from. */
export interface ImportLayout {
  format: IntensityCsvFormat;
  header: string;
  delimiter: string;
  timeColumn: string;
  /** Naive timestamps in this column are UTC because its name says so. */
  timeDeclaredUtc: boolean;
  valueColumns: ValueColumn[];
  signalColumn?: string;
  zoneColumn?: string;
  unit: IntensityUnit;
  /** `layout`: the unit the provider documents for its API (Electricity Maps gCO₂eq/kWh, WattTime lbs/MWh); `assumed`: the convention of the column kind. */
  unitFrom: 'column name' | '--unit' | 'layout' | 'assumed';
  /** Signals the file yields after `--signal` filtering. */
  signals: IntensitySignal[];
  signalFrom: 'column name' | 'per-row column' | '--signal' | 'Electricity Maps API default';
  /** Column giving the grid's carbon-free share, if any; `complement`: the column is the fossil share (CFE = 100 − it). */
  cfeColumn?: string;
  cfeFrom?: 'share' | 'complement';
}

export interface HourAveraging {
  /** Accepted values that went into hour averages (per signal, the largest). */
  values: number;
  /** Hours kept. */
  hours: number;
  /** Spacing of the values, most common first (seconds). */
  stepsSec: number[];
  /** "half-hourly", "15-minute", "half-hourly and 15-minute", … */
  resolution: string;
  /** Hours kept although not fully covered (≥ minHourCoverage). */
  partialHoursKept: number;
  /** Hours with some data but under minHourCoverage, not kept. */
  hoursDropped: number;
  minHourCoverage: number;
}

export interface IntensityCsvResult {
  format: IntensityCsvFormat;
  layout: ImportLayout;
  /** The zone points are stored under, and how `--zone` was read. */
  zone: ResolvedZone;
  /** Hourly points sorted by time, then signal. */
  points: IntensityPoint[];
  /** Data rows kept. */
  accepted: number;
  /** Data rows rejected (all counted; `rejections` keeps the first `keepRejections`). */
  rejected: number;
  /** Rows of another signal than `--signal` (per-row signal column), neither kept nor rejected. */
  skipped: number;
  /** The first rejections in line order. */
  rejections: CsvRejection[];
  /** Counts by reason, most frequent first. */
  rejectionsByReason: { reason: RejectionReason; label: string; count: number }[];
  /** Set when the series was sub-hourly (or off the UTC hour) and averaged to hours. */
  averaged?: HourAveraging;
  warnings: string[];
}

/** The file as a whole cannot be imported as asked (header, signal, unit, time zone, resolution). */
export class IntensityCsvFormatError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'IntensityCsvFormatError';
  }
}

// ---- CSV helpers -------------------------------------------------------------------------------

/** Split one CSV line (RFC 4180 quoting, `""` escapes a quote). */
export const splitCsvLine = (line: string, delimiter = ','): string[] => {
  if (!line.includes('"')) return line.split(delimiter);
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
};

/** The delimiter of a header line: the most frequent of `,` `;` TAB outside quotes (`,` when none). */
const detectDelimiter = (header: string): string => {
  const unquoted = header.replace(/"[^"]*"/g, '');
  const counts = [',', ';', '\t'].map((d) => [d, unquoted.split(d).length - 1] as const);
  const best = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best[1] > 0 ? best[0] : ',';
};

/** A column name as words: NFKC (₂ → 2), camelCase split, separators to spaces, lower case. */
const words = (name: string): string =>
  name
    .normalize('NFKC')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[_\-.]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

// ---- header detection --------------------------------------------------------------------------

const TIME_EXCLUDED = /\b(updated|created|request\w*|issued?|issue|poll\w*|fetched|forecast\w*|generated|inserted|modified|end|to|until)\b/;
/** Rank of a column as the time column (0 = not one). */
const timeRank = (w: string): number => {
  if (TIME_EXCLUDED.test(w)) return 0;
  if (/\b(datetime|date time|point time|period start|interval start|start time|start)\b|^from$/.test(w)) return 3;
  if (/\b(time|date|hour)\b/.test(w)) return 2;
  if (/\b(timestamp|ts|epoch|unix)\b/.test(w)) return 1;
  return 0;
};

const VALUE_EXCLUDED = /\b(forecast\w*|predict\w*|percent\w*|pct|fossil|renewable|low carbon|estimat\w*|lower|upper|bound|std|quantile|min|max|count|flag|index|source|method|type|id|name|zone|country|version|frequency|market|region)\b|%/;
/** Rank of a column as an intensity column (0 = not one). */
const valueRank = (name: string): number => {
  const w = words(name);
  if (VALUE_EXCLUDED.test(w)) return 0;
  let rank = 0;
  if (/\b(intensity|moer|marginal|ci)\b|\b(emissions?|co2e?|carbon|ghg) (rate|factor)\b/.test(w) || parseIntensityUnit(name)) rank = 3;
  else if (/^(value|co2|co2e|carbon|emissions?)$/.test(w)) rank = 1;
  if (rank && /\bproduction\b/.test(w)) rank -= 1; // consumption-based is Electricity Maps' headline figure
  return rank;
};

/** The signal a column name states, if any. */
const impliedSignal = (name: string): IntensitySignal | undefined => {
  const w = words(name);
  if (/\b(moer|marginal)\b/.test(w)) return 'marginal';
  if (/\b(lca|lifecycle|life cycle)\b/.test(w)) return 'average-lifecycle';
  if (/\bdirect\b/.test(w)) return 'average-direct';
  return undefined;
};

/** A carbon-free share column (see the module comment); 'complement' = a fossil share, CFE = 100 − it. */
const cfeKind = (name: string): 'share' | 'complement' | undefined => {
  const w = words(name);
  if (/\brenewable\b/.test(w)) return undefined; // renewable ≠ carbon-free (nuclear): never taken for it
  const pct = /\b(percent\w*|pct|share)\b|%/.test(w);
  if (pct && /\b(carbon free|low carbon|fossil free|cfe)\b/.test(w)) return 'share';
  if (pct && /\bfossil fuel\b/.test(w)) return 'complement';
  return undefined;
};

const ZONE_COLUMN_WORDS = new Set(['zone id', 'zone', 'zone key', 'zoneid', 'zone code']);
const SIGNAL_COLUMN_WORDS = new Set(['emission factor type', 'emissionfactortype', 'signal type', 'signal']);
/** Field names of the Electricity Maps API (v3 `carbonIntensity`, `emissionFactorType`; older research dumps `zone_datetime`, `carbon_intensity_avg`, `fossilFuelPercentage`). */
const EM_API_MARKERS = new Set(['carbonIntensity', 'carbon_intensity_avg', 'zone_datetime', 'emissionFactorType', 'fossilFuelPercentage', 'isEstimated']);

const MAPPING_HINT = `use --time-column NAME --value-column NAME [--unit ${INTENSITY_UNITS.join('|')}] [--signal average-lifecycle|average-direct|marginal] [--timezone IANA-ZONE]`;

const NAIVE_HINT = 'pass --timezone with the IANA zone the times are in (e.g. --timezone UTC or --timezone Europe/Berlin)';

const quoteHeader = (h: string) => `"${h.length > 300 ? `${h.slice(0, 300)}…` : h}"`;

/** The row signal an `emissionFactorType`-like cell denotes. */
const rowSignal = (cell: string): IntensitySignal | undefined => {
  const w = words(cell);
  if (/\b(lifecycle|life cycle|lca)\b/.test(w)) return 'average-lifecycle';
  if (/\bdirect\b/.test(w)) return 'average-direct';
  if (/\b(moer|marginal)\b/.test(w)) return 'marginal';
  return undefined;
};

interface ColumnIndexes {
  count: number;
  time: number;
  cfe?: { index: number; label: string; complement: boolean };
  values: { index: number; label: string; signal?: IntensitySignal }[];
  signal?: number;
  zone?: number;
  hourly: boolean;
}

/** Read the header line into a layout (or throw IntensityCsvFormatError quoting it). */
function detectLayout(headerLine: string, lineNo: number, opts: IntensityCsvOptions): { layout: ImportLayout; idx: ColumnIndexes } {
  const delimiter = detectDelimiter(headerLine);
  const cols = splitCsvLine(headerLine, delimiter).map((c) => c.trim());
  const header = cols.join(delimiter === '\t' ? '\t' : delimiter);
  const fail = (why: string): never => {
    throw new IntensityCsvFormatError(`unrecognised header ${quoteHeader(header)} (line ${lineNo}): ${MAPPING_HINT} (${why})`);
  };
  const findNamed = (flag: string, name: string): number => {
    const i = cols.findIndex((c) => c.toLowerCase() === name.trim().toLowerCase());
    if (i < 0) throw new IntensityCsvFormatError(`--${flag} "${name}" is not a column of the header ${quoteHeader(header)} (line ${lineNo})`);
    return i;
  };
  if (cols.length >= 2 && cols.filter((c) => c !== '').every((c) => NUMBER_RE.test(c) || readTimestamp(c).kind !== 'bad')) {
    fail('line 1 looks like data, not a header: add a header line such as timestamp,g_per_kwh');
  }

  // Time column.
  let time: number;
  if (opts.timeColumn) time = findNamed('time-column', opts.timeColumn);
  else {
    const ranks = cols.map((c) => (c ? timeRank(words(c)) : 0));
    const top = Math.max(...ranks);
    const best = ranks.flatMap((r, i) => (r === top && r > 0 ? [i] : []));
    if (best.length === 0) fail('no time column found');
    if (best.length > 1) fail(`several time columns: ${best.map((i) => `'${cols[i]}'`).join(', ')}; choose one with --time-column`);
    time = best[0];
  }

  // Intensity column(s).
  let values: { index: number; signal?: IntensitySignal }[];
  const mapped = opts.valueColumn !== undefined;
  if (mapped) values = [{ index: findNamed('value-column', opts.valueColumn!) }];
  else {
    const ranks = cols.map((c, i) => (c && i !== time ? valueRank(c) : 0));
    const top = Math.max(...ranks);
    const best = ranks.flatMap((r, i) => (r === top && r > 0 ? [i] : []));
    if (best.length === 0) fail('no carbon-intensity column found');
    const sigs = best.map((i) => impliedSignal(cols[i]));
    // Several intensity columns are fine when each names a different signal (direct + LCA exports).
    if (best.length > 1 && (sigs.some((s) => !s) || new Set(sigs).size !== sigs.length)) {
      fail(`several intensity columns: ${best.map((i) => `'${cols[i]}'`).join(', ')}; choose one with --value-column`);
    }
    values = best.map((index) => ({ index }));
  }
  for (const v of values) v.signal = impliedSignal(cols[v.index]);

  const w = cols.map(words);
  const zone = w.findIndex((x, i) => ZONE_COLUMN_WORDS.has(x) && i !== time);
  const signalCol = w.findIndex((x, i) => SIGNAL_COLUMN_WORDS.has(x) && i !== time);
  const isEmExport = /^datetime \(utc\)$/.test(w[time]) && zone >= 0 && values.length === 2;
  const isEmApi = !isEmExport && cols.some((c) => EM_API_MARKERS.has(c));
  const isWattTime = !isEmExport && !isEmApi && cols.includes('point_time'); // WattTime API v3 data field names
  const format: IntensityCsvFormat = isEmExport ? 'electricitymaps' : isEmApi ? 'electricitymaps-api' : isWattTime ? 'watttime-api' : 'columns';
  const isEm = isEmExport || isEmApi;

  // Unit: the column name, else --unit, else the convention of the column kind.
  const named = values.map((v) => parseIntensityUnit(cols[v.index]));
  let unit: IntensityUnit;
  let unitFrom: ImportLayout['unitFrom'];
  if (named[0]) {
    if (named.some((u) => u !== named[0])) throw new IntensityCsvFormatError(`the intensity columns state different units (${named.join(', ')})`);
    if (opts.unit && UNIT_TO_G_PER_KWH[opts.unit] !== UNIT_TO_G_PER_KWH[named[0]]) {
      throw new IntensityCsvFormatError(`--unit ${opts.unit} contradicts the column '${cols[values[0].index]}', which states ${named[0]}`);
    }
    [unit, unitFrom] = [named[0], 'column name'];
  } else if (opts.unit) [unit, unitFrom] = [opts.unit, '--unit'];
  else if (mapped) throw new IntensityCsvFormatError(`--unit is required: the column '${cols[values[0].index]}' does not state its unit (${INTENSITY_UNITS.join('|')})`);
  else if (format === 'electricitymaps-api') [unit, unitFrom] = ['g/kWh', 'layout']; // Electricity Maps API docs: gCO2eq/kWh
  else if (format === 'watttime-api') [unit, unitFrom] = ['lbs/MWh', 'layout']; // WattTime API v3 docs: meta.units lbs_co2_per_mwh
  else if (values[0].signal === 'marginal') [unit, unitFrom] = ['lbs/MWh', 'assumed']; // WattTime's MOER unit (API v2/v3 docs)
  else [unit, unitFrom] = ['g/kWh', 'assumed']; // how Electricity Maps, NESO, CarbonCast and ENTSO-E-derived series publish intensity

  // Signals.
  const want = opts.signal;
  let signals: IntensitySignal[];
  let signalFrom: ImportLayout['signalFrom'];
  // Marginal is refused only where the file states an average; a bare value column takes the --signal it is given.
  const averageOnly = isEm || values.some((v) => (v.signal && v.signal !== 'marginal') || /\b(avg|average)\b/.test(words(cols[v.index])));
  if (signalCol >= 0 && values.length === 1 && !values[0].signal) {
    if (want === 'marginal') throw new IntensityCsvFormatError(`--signal marginal: the column '${cols[signalCol]}' types rows as lifecycle or direct averages; marginal needs MOER data`);
    signals = want ? [want] : ['average-lifecycle', 'average-direct'];
    signalFrom = 'per-row column';
  } else if (values.length > 1) {
    const have = values.map((v) => v.signal!);
    if (want && !have.includes(want)) throw new IntensityCsvFormatError(`--signal ${want}: the file has columns for ${have.join(' and ')} only`);
    if (want) values = values.filter((v) => v.signal === want);
    signals = values.map((v) => v.signal!);
    signalFrom = want ? '--signal' : 'column name';
  } else {
    const col = cols[values[0].index];
    const s = values[0].signal;
    if (s && want && s !== want) throw new IntensityCsvFormatError(`--signal ${want} contradicts the column '${col}', which is ${s}`);
    if (want === 'marginal' && averageOnly) throw new IntensityCsvFormatError(`--signal marginal: ${isEm ? 'an Electricity Maps file' : `the column '${col}'`} holds average intensity; marginal needs MOER data`);
    if (s) [signals, signalFrom] = [[s], 'column name'];
    else if (want) [signals, signalFrom] = [[want], '--signal'];
    else if (isEm) [signals, signalFrom] = [['average-lifecycle'], 'Electricity Maps API default'];
    else throw new IntensityCsvFormatError(`the file does not say which signal its column '${col}' is: pass --signal average-lifecycle|average-direct (or marginal for MOER data)`);
    values[0].signal = signals[0];
  }

  const layout: ImportLayout = {
    format,
    header,
    delimiter,
    timeColumn: cols[time],
    timeDeclaredUtc: /\b(utc|gmt)\b|\(z\)/i.test(cols[time]),
    valueColumns: values.map((v) => (v.signal ? { column: cols[v.index], signal: v.signal } : { column: cols[v.index] })),
    unit,
    unitFrom,
    signals,
    signalFrom,
  };
  if (signalCol >= 0 && signalFrom === 'per-row column') layout.signalColumn = cols[signalCol];
  if (zone >= 0) layout.zoneColumn = cols[zone];
  const cfeCandidates = cols.flatMap((c, i) => (i !== time && !values.some((v) => v.index === i) && cfeKind(c) ? [i] : []));
  // A direct share beats a complement (an export with both); two direct shares are ambiguous: neither is taken.
  const direct = cfeCandidates.filter((i) => cfeKind(cols[i]) === 'share');
  const cfeIndex = direct.length === 1 ? direct[0] : direct.length === 0 && cfeCandidates.length === 1 ? cfeCandidates[0] : undefined;
  if (cfeIndex !== undefined) {
    layout.cfeColumn = cols[cfeIndex];
    layout.cfeFrom = cfeKind(cols[cfeIndex]);
  }
  const label = (c: string) => /\(([^)]+)\)\s*$/.exec(c)?.[1] ?? c; // "… (direct)" → "direct"
  return {
    layout,
    idx: {
      count: cols.length,
      time,
      values: values.map((v) => ({ index: v.index, label: label(cols[v.index]), signal: v.signal })),
      signal: layout.signalColumn ? signalCol : undefined,
      zone: zone >= 0 ? zone : undefined,
      cfe: cfeIndex === undefined ? undefined : { index: cfeIndex, label: cols[cfeIndex], complement: layout.cfeFrom === 'complement' },
      hourly: isEmExport,
    },
  };
}

// ---- parser ------------------------------------------------------------------------------------

interface Sample {
  tSec: EpochSec;
  line: number;
  raw: string;
  values: [IntensitySignal, number][];
  /** Grid carbon-free share of the row, 0–100; undefined = not given. */
  cfePct?: number;
}

interface PendingRow {
  line: number;
  raw: string;
  dupKey: string;
  values: [IntensitySignal, number][];
  cfePct?: number;
}

/**
 * Incremental parser: feed text with `push(chunk)` (chunks may split lines anywhere) or whole lines with
 * `pushLine`, then call `end()`. Memory is O(accepted rows), never O(file).
 */
export class IntensityCsvParser {
  private layout?: ImportLayout;
  private idx?: ColumnIndexes;
  private zone?: ResolvedZone;
  private readonly clock?: ZoneClock;
  private order?: DateOrder;
  private orderDecidedAt?: number;
  private lineNo = 0;
  private buffer = '';
  private zoneChecked = false;
  private firstTimestampSeen = false;
  private skipped = 0;
  private readonly samples: Sample[] = [];
  private readonly pending: PendingRow[] = [];
  private readonly seen = new Map<string, number>();
  private rejectedCount = 0;
  private readonly rejections: CsvRejection[] = [];
  private readonly byReason = new Map<RejectionReason, number>();
  private readonly keep: number;

  constructor(private readonly opts: IntensityCsvOptions) {
    this.clock = opts.timeZone !== undefined ? ZoneClock.of(opts.timeZone) : undefined;
    this.order = opts.dateOrder;
    this.keep = opts.keepRejections ?? 100;
  }

  /** Feed a chunk of text; complete lines are parsed immediately. */
  push(chunk: string): void {
    const text = this.buffer + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      this.pushLine(text.slice(start, nl));
      start = nl + 1;
    }
    this.buffer = text.slice(start);
  }

  /** Parse one line (without its newline; a trailing CR is ignored). */
  pushLine(rawLine: string): void {
    this.lineNo++;
    let line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (this.lineNo === 1) line = line.replace(/^\uFEFF/, '');
    if (line.trim() === '') return;
    if (!this.layout) return this.readHeader(line);
    this.readRow(line);
  }

  /** Flush the last line, resolve hours and return the result. */
  end(): IntensityCsvResult {
    if (this.buffer.length) {
      this.pushLine(this.buffer);
      this.buffer = '';
    }
    if (!this.layout || !this.idx || !this.zone) throw new IntensityCsvFormatError('empty file: no header line');
    for (const p of this.pending) this.reject(p.line, 'date-order', `day/month order of '${p.raw}' unknown (no date in the file has a day > 12): pass --date-order mdy|dmy`);
    this.pending.length = 0;
    const { points, averaged } = this.toHours();
    const warnings: string[] = [];
    const over = points.filter((p) => p.gPerKwh > PLAUSIBLE_MAX_G_PER_KWH).length;
    if (over) warnings.push(`${over} hourly value(s) exceed ${PLAUSIBLE_MAX_G_PER_KWH} g/kWh, more than any grid emits: check the unit (read as ${this.layout.unit}${this.layout.unitFrom === 'assumed' ? ', assumed' : ''}; --unit to change)`);
    warnings.push(...this.zone.notes);
    points.sort((a, b) => a.tSec - b.tSec || (a.signal < b.signal ? -1 : a.signal > b.signal ? 1 : 0));
    const accepted = this.samples.length;
    const result: IntensityCsvResult = {
      format: this.layout.format,
      layout: this.layout,
      zone: this.zone,
      points,
      accepted,
      rejected: this.rejectedCount,
      skipped: this.skipped,
      rejections: [...this.rejections],
      rejectionsByReason: [...this.byReason]
        .map(([reason, count]) => ({ reason, label: REJECTION_LABELS[reason], count }))
        .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1)),
      warnings,
    };
    if (averaged) result.averaged = averaged;
    return result;
  }

  private get provider(): string {
    return this.opts.provider ?? `file import (${this.layout!.format})`;
  }

  private readHeader(line: string): void {
    const { layout, idx } = detectLayout(line, this.lineNo, this.opts);
    if (layout.timeDeclaredUtc && this.clock && !this.clock.isUtc) {
      throw new IntensityCsvFormatError(`--timezone ${this.clock.zone} contradicts the time column '${layout.timeColumn}', which is UTC`);
    }
    this.zone = this.opts.zones ? resolveImportZone(this.opts.zone, layout.signals, this.opts.zones) : this.aliasOnly(layout.signals);
    this.layout = layout;
    this.idx = idx;
  }

  /** Without a zone directory: only the alias table applies (average signals). */
  private aliasOnly(signals: readonly IntensitySignal[]): ResolvedZone {
    const alias = signals.includes('marginal') ? undefined : EM_ZONE_ALIASES[this.opts.zone.toUpperCase()];
    return alias ? { zone: alias.zone, aliasOf: { given: this.opts.zone, source: alias.source }, notes: [] } : { zone: this.opts.zone, notes: [] };
  }

  /** Count a rejection; keep the first `keep` in line order (late rejections can have earlier lines). */
  private reject(line: number, reason: RejectionReason, message: string): void {
    this.rejectedCount++;
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
    const r = this.rejections;
    if (r.length >= this.keep && line >= r[r.length - 1].line) return;
    let i = r.length;
    while (i > 0 && r[i - 1].line > line) i--;
    r.splice(i, 0, { line, reason, message });
    if (r.length > this.keep) r.pop();
  }

  private readRow(line: string): void {
    const idx = this.idx!;
    const layout = this.layout!;
    const f = splitCsvLine(line, layout.delimiter);
    if (f.length !== idx.count) return this.reject(this.lineNo, 'column-count', `wrong column count: ${f.length}, expected ${idx.count}`);

    if (idx.zone !== undefined) {
      const z = f[idx.zone].trim();
      if (z && !sameZone(z, this.zone!.zone, this.opts.zones ?? { emZones: [] })) {
        if (!this.zoneChecked) {
          throw new ImportZoneError(`the file is for zone '${z}' (column '${layout.zoneColumn}', line ${this.lineNo}), not '${this.opts.zone}': use --zone ${z}`);
        }
        return this.reject(this.lineNo, 'zone-mismatch', `zone mismatch: ${layout.zoneColumn} '${z}' is not '${this.zone!.zone}'`);
      }
      if (z) this.zoneChecked = true;
    }

    let rowSig: IntensitySignal | undefined;
    if (idx.signal !== undefined) {
      const cell = f[idx.signal].trim();
      rowSig = rowSignal(cell);
      if (!rowSig || rowSig === 'marginal') return this.reject(this.lineNo, 'unknown-signal', `${layout.signalColumn} '${cell}' is neither lifecycle nor direct`);
      if (!layout.signals.includes(rowSig)) {
        this.skipped++;
        return;
      }
    }

    const factor = UNIT_TO_G_PER_KWH[layout.unit];
    const values: [IntensitySignal, number][] = [];
    for (const v of idx.values) {
      const raw = f[v.index].trim();
      const num = layout.delimiter === ';' ? raw.replace(',', '.') : raw;
      if (!NUMBER_RE.test(num)) return this.reject(this.lineNo, 'bad-value', `${v.label}: value '${raw}' is not a number`);
      const n = Number(num);
      if (!Number.isFinite(n)) return this.reject(this.lineNo, 'bad-value', `${v.label}: value '${raw}' is not finite`);
      if (n < 0) return this.reject(this.lineNo, 'negative-value', `${v.label}: negative value ${n}`);
      values.push([rowSig ?? v.signal!, n * factor]);
    }
    let cfePct: number | undefined;
    if (idx.cfe) {
      const raw = f[idx.cfe.index].trim();
      const num = layout.delimiter === ';' ? raw.replace(',', '.') : raw;
      if (raw !== '') {
        if (!NUMBER_RE.test(num)) return this.reject(this.lineNo, 'bad-value', `${idx.cfe.label}: value '${raw}' is not a number`);
        const n = Number(num);
        if (!(n >= 0 && n <= 100)) return this.reject(this.lineNo, 'bad-value', `${idx.cfe.label}: ${n} is not a percentage between 0 and 100`);
        cfePct = idx.cfe.complement ? 100 - n : n;
      }
    }

    const raw = f[idx.time].trim();
    const dupKey = rowSig ?? '*';
    const reading = readTimestamp(raw, this.order);
    const first = !this.firstTimestampSeen;
    this.firstTimestampSeen = true;
    const naive = reading.kind === 'local' || (reading.kind === 'order-unknown' && !reading.zoned);
    if (first && naive && !layout.timeDeclaredUtc && !this.clock) {
      throw new IntensityCsvFormatError(`timestamps have no zone (line ${this.lineNo}: '${raw}', column '${layout.timeColumn}'): ${NAIVE_HINT}`);
    }
    if (reading.kind === 'order-unknown') {
      this.pending.push({ line: this.lineNo, raw, dupKey, values, cfePct });
      return;
    }
    if (reading.kind !== 'bad' && reading.impliedOrder && !this.order) {
      this.order = reading.impliedOrder;
      this.orderDecidedAt = this.lineNo;
      this.replayPending();
    }
    this.place(this.lineNo, raw, dupKey, values, reading, cfePct);
  }

  /** Rows whose `a/b/YYYY` date waited for the file's day/month order. */
  private replayPending(): void {
    const rows = this.pending.splice(0);
    for (const p of rows) this.place(p.line, p.raw, p.dupKey, p.values, readTimestamp(p.raw, this.order), p.cfePct);
  }

  /** Turn a timestamp reading into an instant and keep the sample (or reject the row). */
  private place(line: number, raw: string, dupKey: string, values: [IntensitySignal, number][], reading: TimestampReading, cfePct?: number): void {
    let tSec: EpochSec;
    if (reading.kind === 'bad') {
      const why = reading.orderConflict && this.orderDecidedAt ? `${reading.why}, the order line ${this.orderDecidedAt} set` : reading.why;
      return this.reject(line, reading.orderConflict ? 'date-order' : 'bad-timestamp', `bad timestamp '${raw}' (${why})`);
    }
    if (reading.kind === 'order-unknown') return; // unreachable once an order is set
    if (reading.kind === 'instant') tSec = reading.tSec;
    else if (this.layout!.timeDeclaredUtc) tSec = fieldsAsUtcSec(reading.local);
    else if (this.clock) {
      const r = this.clock.toUtc(reading.local);
      if (r.kind === 'gap') return this.reject(line, 'dst-gap', `local time '${raw}' does not exist in ${this.clock.zone} (clocks sprang forward)`);
      if (r.kind === 'ambiguous') {
        return this.reject(line, 'dst-ambiguous', `local time '${raw}' occurs twice in ${this.clock.zone} (clocks fell back): ${isoUtc(r.earlierSec)} or ${isoUtc(r.laterSec)}`);
      }
      tSec = r.tSec;
    } else return this.reject(line, 'no-zone', `timestamp '${raw}' has no zone (unlike the file's first one): ${NAIVE_HINT}`);
    const key = `${tSec}|${dupKey}`;
    const firstAt = this.seen.get(key);
    if (firstAt !== undefined) return this.reject(line, 'duplicate', `duplicate timestamp ${isoUtc(tSec)} (first at line ${firstAt})`);
    this.seen.set(key, line);
    this.samples.push({ tSec, line, raw, values, ...(cfePct === undefined ? {} : { cfePct }) });
  }

  /** Hourly series → one point per sample; sub-hourly or off-hour series → time-weighted hour means. */
  private toHours(): { points: IntensityPoint[]; averaged?: HourAveraging } {
    const s = this.samples;
    if (s.length === 0) return { points: [] };
    const onHour = s.filter((x) => x.tSec % HOUR_SEC === 0).length;
    if (this.idx!.hourly || onHour >= 0.9 * s.length) {
      // Off-hour rows in an hourly series are errors, not data to smear across two hours.
      for (let i = s.length - 1; i >= 0; i--) {
        if (s[i].tSec % HOUR_SEC !== 0) {
          this.reject(s[i].line, 'off-hour', `timestamp '${s[i].raw}' is not the start of a UTC hour (the file is an hourly series)`);
          s.splice(i, 1);
        }
      }
      this.refuseCoarse(distinctSorted(s.map((x) => x.tSec)));
      const points: IntensityPoint[] = [];
      for (const x of s) for (const [signal, g] of x.values) points.push(this.point(x.tSec, signal, g, x.cfePct));
      return { points };
    }
    return this.average();
  }

  /** Daily or coarser series cannot stand for hourly actuals (23 h: a local daily series across a DST change). */
  private refuseCoarse(times: EpochSec[]): void {
    if (times.length < 3) return;
    const minStep = Math.min(...times.slice(1).map((t, i) => t - times[i]));
    if (minStep >= 23 * HOUR_SEC) {
      throw new IntensityCsvFormatError(`values are at least ${fmtStep(minStep)} apart: daily or coarser series cannot be imported as hourly actuals`);
    }
  }

  private average(): { points: IntensityPoint[]; averaged: HourAveraging } {
    const minCov = this.opts.minHourCoverage ?? 0.5;
    const bySignal = new Map<IntensitySignal, { tSec: EpochSec; g: number; cfePct?: number }[]>();
    for (const x of this.samples) for (const [signal, g] of x.values) (bySignal.get(signal) ?? bySignal.set(signal, []).get(signal)!).push({ tSec: x.tSec, g, cfePct: x.cfePct });
    const allTimes = distinctSorted(this.samples.map((x) => x.tSec));
    this.refuseCoarse(allTimes);
    const points: IntensityPoint[] = [];
    let values = 0;
    let partial = 0;
    let dropped = 0;
    const hoursKept = new Set<number>();
    for (const [signal, series] of bySignal) {
      series.sort((a, b) => a.tSec - b.tSec);
      values = Math.max(values, series.length);
      // The carbon-free share is averaged with the same weights; an hour whose share is not known for all of its
      // covered time gets none (a partial share would be a guess).
      const acc = new Map<EpochSec, { sum: number; cov: number; cfeSum: number; cfeCov: number }>();
      for (let i = 0; i < series.length; i++) {
        const d = holdSec(series, i);
        for (let t = series[i].tSec; t < series[i].tSec + d; ) {
          const hour = Math.floor(t / HOUR_SEC) * HOUR_SEC;
          const until = Math.min(hour + HOUR_SEC, series[i].tSec + d);
          const a = acc.get(hour) ?? acc.set(hour, { sum: 0, cov: 0, cfeSum: 0, cfeCov: 0 }).get(hour)!;
          a.sum += series[i].g * (until - t);
          a.cov += until - t;
          if (series[i].cfePct !== undefined) {
            a.cfeSum += series[i].cfePct! * (until - t);
            a.cfeCov += until - t;
          }
          t = until;
        }
        if (d === 0) {
          const hour = Math.floor(series[i].tSec / HOUR_SEC) * HOUR_SEC;
          if (!acc.has(hour)) acc.set(hour, { sum: 0, cov: 0, cfeSum: 0, cfeCov: 0 });
        }
      }
      for (const [hour, a] of acc) {
        if (a.cov < minCov * HOUR_SEC || a.cov === 0) {
          dropped++;
          continue;
        }
        if (a.cov < HOUR_SEC) partial++;
        hoursKept.add(hour);
        points.push(this.point(hour, signal, a.sum / a.cov, a.cfeCov === a.cov ? a.cfeSum / a.cfeCov : undefined));
      }
    }
    const stepsSec = commonSteps(allTimes);
    return {
      points,
      averaged: { values, hours: hoursKept.size, stepsSec, resolution: stepsSec.map(stepLabel).join(' and ') || 'single value', partialHoursKept: partial, hoursDropped: dropped, minHourCoverage: minCov },
    };
  }

  private point(tSec: EpochSec, signal: IntensitySignal, gPerKwh: number, cfePct?: number): IntensityPoint {
    const p: IntensityPoint = { tSec, periodSec: HOUR_SEC, gPerKwh, zone: this.zone!.zone, signal, provider: this.provider, quality: 'actual' };
    if (cfePct !== undefined) p.cfePct = cfePct;
    return p;
  }
}

const distinctSorted = (ts: EpochSec[]): EpochSec[] => [...new Set(ts)].sort((a, b) => a - b);

/**
 * How long value i holds: until the next value, but no longer than the larger of the spacing before it and the
 * spacing after the next one — so a missing value leaves a hole, while a switch from 15- to 30-minute data does
 * not. The last value holds as long as the spacing before it, bounded by the one before that. Never more than an
 * hour; 0 for a lone value (no spacing to go by).
 */
export function holdSec(series: readonly { tSec: EpochSec }[], i: number): number {
  const gap = (k: number): number | undefined => (k >= 1 && k < series.length ? series[k].tSec - series[k - 1].tSec : undefined);
  const fwd = gap(i + 1);
  const back = gap(i);
  let d: number;
  if (fwd === undefined) d = back === undefined ? 0 : Math.min(back, gap(i - 1) ?? back);
  else {
    const cap = Math.max(back ?? 0, gap(i + 2) ?? 0);
    d = cap > 0 ? Math.min(fwd, cap) : fwd;
  }
  return Math.min(d, HOUR_SEC);
}

/** Spacings that make up ≥ 10 % of a series, most common first; a multiple of a more common one is a gap, not a resolution. */
const commonSteps = (times: EpochSec[]): number[] => {
  const counts = new Map<number, number>();
  for (let i = 1; i < times.length; i++) {
    const d = times[i] - times[i - 1];
    if (d <= HOUR_SEC) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const ranked = [...counts].filter(([, c]) => c >= 0.1 * total).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const kept: number[] = [];
  for (const [d] of ranked) if (!kept.some((k) => d % k === 0)) kept.push(d);
  return kept;
};

const stepLabel = (sec: number): string =>
  sec === 1800 ? 'half-hourly' : sec === HOUR_SEC ? 'hourly (off the UTC hour)' : sec % 60 === 0 ? `${sec / 60}-minute` : `${sec}-second`;

const fmtStep = (sec: number): string => (sec % 86400 === 0 ? `${sec / 86400} day(s)` : sec % HOUR_SEC === 0 ? `${sec / HOUR_SEC} h` : `${Math.round(sec / 60)} min`);

/** Parse a whole intensity CSV (see the module comment for the layouts) into hourly intensity points. */
export const parseIntensityCsv = (text: string, opts: IntensityCsvOptions): IntensityCsvResult => {
  const p = new IntensityCsvParser(opts);
  p.push(text);
  return p.end();
};
