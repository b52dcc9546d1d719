/**
 * Pure, line-streaming parsers for grid-intensity files a user imports instead of (or before) an API key:
 *
 * (a) the Electricity Maps hourly CSV export (data portal), header
 *     `Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),Carbon Intensity gCO₂eq/kWh (LCA),…`
 *     → one 'average-direct' and one 'average-lifecycle' point per row (or only the one asked for).
 *     `Datetime (UTC)` is the hour start written without a zone (`2021-01-01 00:00:00`); the header
 *     declares UTC, so it is read as UTC. Columns are found by name, so column order may vary.
 * (b) a plain `timestamp,g_per_kwh` CSV with ISO-8601 instants that name their zone (`Z` or `±hh:mm`);
 *     a timestamp without a zone is rejected, never guessed, and the signal must be given.
 *
 * Every value must be an hourly value starting on a UTC hour. Bad rows are rejected with their
 * 1-based line number and a reason (bad timestamp, negative/NaN value, wrong column count, zone
 * mismatch, duplicate hour); the rest of the file is still imported. Quoted fields ("a,b", "")
 * are supported; a quoted field spanning lines is not (no export we know of produces one).
 */
import { HOUR_SEC, isoUtc, type EpochSec } from '../time';
import type { IntensityPoint, IntensitySignal } from '../types';

export type IntensityCsvFormat = 'electricitymaps' | 'plain';

export interface IntensityCsvOptions {
  /** Zone the values belong to; Electricity Maps rows whose `Zone Id` differs are rejected. */
  zone: string;
  /** Plain CSV: required. Electricity Maps CSV: optional filter ('average-direct' or 'average-lifecycle'). */
  signal?: IntensitySignal;
  /** Default `file import (<format>)`. */
  provider?: string;
}

export interface CsvRejection {
  line: number;
  reason: string;
}

export interface IntensityCsvResult {
  format: IntensityCsvFormat;
  /** Sorted by time, then signal. */
  points: IntensityPoint[];
  /** Data rows accepted. */
  accepted: number;
  rejected: CsvRejection[];
}

/** The file as a whole cannot be imported (unknown header, missing signal, unsupported signal). */
export class IntensityCsvFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntensityCsvFormatError';
  }
}

/** Split one CSV line (RFC 4180 quoting, `""` escapes a quote). */
export const splitCsvLine = (line: string): string[] => {
  if (!line.includes('"')) return line.split(',');
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
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
};

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (y: number, m: number): number => (m === 2 && isLeap(y) ? 29 : DAYS[m - 1]);

/**
 * Strict ISO-8601 instant → epoch seconds, or NaN. `assumeUtc` allows a missing zone (only where the
 * file's header declares UTC). Calendar fields are range-checked (Date.parse would roll Feb 30 into March).
 */
export const parseStrictInstant = (s: string, assumeUtc = false): EpochSec => {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s.trim());
  if (!m) return NaN;
  const [, ys, mos, ds, hs, mis, ss, fs, zone] = m;
  if (!zone && !assumeUtc) return NaN;
  const [y, mo, d, h, mi, sec] = [ys, mos, ds, hs, mis, ss ?? '0'].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) return NaN;
  let offsetMin = 0;
  if (zone && zone !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const [oh, om] = [Number(z[2]), Number(z[3])];
    if (oh > 18 || om > 59) return NaN;
    offsetMin = (z[1] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const frac = fs ? Number(`0.${fs}`) : 0;
  return Math.floor(Date.UTC(y, mo - 1, d, h, mi, sec) / 1000 + frac) - offsetMin * 60;
};

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Parse a non-negative finite g/kWh value, or return the rejection reason. */
const parseValue = (raw: string, column: string): number | string => {
  const v = raw.trim();
  if (!NUMBER_RE.test(v)) return `${column}: value '${v}' is not a number`;
  const n = Number(v);
  if (!Number.isFinite(n)) return `${column}: value '${v}' is not finite`;
  if (n < 0) return `${column}: negative value ${n}`;
  return n;
};

interface EmColumns {
  count: number;
  datetime: number;
  zoneId: number;
  direct: number;
  lca: number;
}

/**
 * Incremental parser: feed text with `push(chunk)` (chunks may split lines anywhere) or whole lines with
 * `pushLine`, then call `end()`. Memory is O(points), never O(file).
 */
export class IntensityCsvParser {
  private format?: IntensityCsvFormat;
  private em?: EmColumns;
  private lineNo = 0;
  private buffer = '';
  private accepted = 0;
  private readonly points: IntensityPoint[] = [];
  private readonly rejected: CsvRejection[] = [];
  private readonly seen = new Map<EpochSec, number>();
  private signals: IntensitySignal[] = [];

  constructor(private readonly opts: IntensityCsvOptions) {}

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
    if (!this.format) return this.readHeader(line);
    if (this.format === 'electricitymaps') this.readEmRow(line);
    else this.readPlainRow(line);
  }

  /** Flush the last line and return the result. */
  end(): IntensityCsvResult {
    if (this.buffer.length) {
      this.pushLine(this.buffer);
      this.buffer = '';
    }
    if (!this.format) throw new IntensityCsvFormatError('empty file: no header line');
    const points = [...this.points].sort((a, b) => a.tSec - b.tSec || (a.signal < b.signal ? -1 : a.signal > b.signal ? 1 : 0));
    return { format: this.format, points, accepted: this.accepted, rejected: [...this.rejected] };
  }

  private get provider(): string {
    return this.opts.provider ?? `file import (${this.format})`;
  }

  private readHeader(line: string): void {
    const cols = splitCsvLine(line).map((c) => c.trim());
    const find = (re: RegExp) => cols.findIndex((c) => re.test(c));
    const datetime = find(/^Datetime \(UTC\)$/i);
    const zoneId = find(/^Zone Id$/i);
    if (datetime >= 0 && zoneId >= 0) {
      const direct = find(/^Carbon Intensity .*\(direct\)$/i);
      const lca = find(/^Carbon Intensity .*\(LCA\)$/i);
      if (direct < 0 || lca < 0) throw new IntensityCsvFormatError('Electricity Maps header lacks the (direct) or (LCA) carbon intensity column');
      const s = this.opts.signal;
      if (s === 'marginal') throw new IntensityCsvFormatError("an Electricity Maps export has no 'marginal' signal");
      this.format = 'electricitymaps';
      this.em = { count: cols.length, datetime, zoneId, direct, lca };
      this.signals = s ? [s] : ['average-direct', 'average-lifecycle'];
      return;
    }
    if (cols.length === 2 && cols[0].toLowerCase() === 'timestamp' && cols[1].toLowerCase() === 'g_per_kwh') {
      if (!this.opts.signal) throw new IntensityCsvFormatError('a plain timestamp,g_per_kwh file needs a signal (average-lifecycle, average-direct or marginal)');
      this.format = 'plain';
      this.signals = [this.opts.signal];
      return;
    }
    throw new IntensityCsvFormatError(`line ${this.lineNo}: unrecognised header (expected an Electricity Maps export or 'timestamp,g_per_kwh')`);
  }

  private reject(reason: string): void {
    this.rejected.push({ line: this.lineNo, reason });
  }

  /** Shared row checks: the hour must start on a UTC hour and not repeat. Returns false after rejecting. */
  private claimHour(tSec: EpochSec, raw: string): boolean {
    if (!Number.isFinite(tSec)) {
      this.reject(`bad timestamp '${raw}'`);
      return false;
    }
    if (tSec % HOUR_SEC !== 0) {
      this.reject(`timestamp '${raw}' is not the start of a UTC hour`);
      return false;
    }
    const first = this.seen.get(tSec);
    if (first !== undefined) {
      this.reject(`duplicate hour ${isoUtc(tSec)} (first at line ${first})`);
      return false;
    }
    this.seen.set(tSec, this.lineNo);
    return true;
  }

  private emit(tSec: EpochSec, signal: IntensitySignal, gPerKwh: number): void {
    this.points.push({ tSec, periodSec: HOUR_SEC, gPerKwh, zone: this.opts.zone, signal, provider: this.provider, quality: 'actual' });
  }

  private readEmRow(line: string): void {
    const em = this.em!;
    const f = splitCsvLine(line);
    if (f.length !== em.count) return this.reject(`wrong column count: ${f.length}, expected ${em.count}`);
    const zoneId = f[em.zoneId].trim();
    if (zoneId !== this.opts.zone) return this.reject(`zone mismatch: Zone Id '${zoneId}' is not '${this.opts.zone}'`);
    const values: [IntensitySignal, number][] = [];
    for (const signal of this.signals) {
      const v = signal === 'average-direct' ? parseValue(f[em.direct], 'direct') : parseValue(f[em.lca], 'LCA');
      if (typeof v === 'string') return this.reject(v);
      values.push([signal, v]);
    }
    const raw = f[em.datetime].trim();
    const tSec = parseStrictInstant(raw, true); // header says "(UTC)"
    if (!this.claimHour(tSec, raw)) return;
    for (const [signal, v] of values) this.emit(tSec, signal, v);
    this.accepted++;
  }

  private readPlainRow(line: string): void {
    const f = splitCsvLine(line);
    if (f.length !== 2) return this.reject(`wrong column count: ${f.length}, expected 2`);
    const raw = f[0].trim();
    const tSec = parseStrictInstant(raw, false);
    if (!Number.isFinite(tSec) && Number.isFinite(parseStrictInstant(raw, true))) {
      return this.reject(`timestamp '${raw}' has no zone (add Z or ±hh:mm; it is not guessed)`);
    }
    const v = parseValue(f[1], 'g_per_kwh');
    if (typeof v === 'string') return this.reject(v);
    if (!this.claimHour(tSec, raw)) return;
    this.emit(tSec, this.signals[0], v);
    this.accepted++;
  }
}

/** Parse a whole Electricity Maps export or plain `timestamp,g_per_kwh` CSV into hourly intensity points. */
export const parseIntensityCsv = (text: string, opts: IntensityCsvOptions): IntensityCsvResult => {
  const p = new IntensityCsvParser(opts);
  p.push(text);
  return p.end();
};
