/**
 * Reading the time column of an intensity file: ISO-8601 instants that name their zone (`Z`, `±hh:mm`, `UTC`),
 * epoch seconds or milliseconds, and naive local date-times (`YYYY-MM-DD HH:MM[:SS]`, `YYYY/MM/DD …`,
 * `MM/DD/YYYY …`, `DD/MM/YYYY …`, `DD.MM.YYYY …`). A naive time only becomes an instant with an IANA zone — the
 * header's own "(UTC)" or `--timezone` — and the conversion goes through Intl (ICU's copy of the IANA tz database),
 * so DST rules are the real ones. A local time that does not exist (clocks spring forward) or occurs twice (clocks
 * fall back) is reported as such, never guessed.
 */
import type { EpochSec } from '../time';

/** Order of day and month in `a/b/YYYY` dates: US `MM/DD/YYYY` or `DD/MM/YYYY`. */
export type DateOrder = 'mdy' | 'dmy';
export const DATE_ORDERS: readonly DateOrder[] = ['mdy', 'dmy'];

/** Wall-clock fields of a naive timestamp (already range-checked). */
export interface LocalDateTime {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

export type TimestampReading =
  /** An instant: it named its zone or offset, or was an epoch number. */
  | { kind: 'instant'; tSec: EpochSec; impliedOrder?: DateOrder }
  /** A wall-clock time without a zone. */
  | { kind: 'local'; local: LocalDateTime; impliedOrder?: DateOrder }
  /** `a/b/YYYY` with both a and b ≤ 12 (and different) while the file's order is not known yet. */
  | { kind: 'order-unknown'; zoned: boolean }
  /** `orderConflict`: an `a/b/YYYY` date that cannot be read in the file's day/month order. */
  | { kind: 'bad'; why: string; orderConflict?: true };

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (y: number, m: number): number => (m === 2 && isLeap(y) ? 29 : DAYS[m - 1]);

const DATE_TIME_RE =
  /^(?:(\d{4})([-/])(\d{1,2})\2(\d{1,2})|(\d{1,2})([/.])(\d{1,2})\6(\d{4}))(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const EPOCH_RE = /^\d{9,13}(?:\.\d+)?$/;
/** Epoch values at or above this are milliseconds: 1e11 s is the year 5138, 1e11 ms is March 1973. */
const EPOCH_MS_THRESHOLD = 1e11;

const parseOffsetSec = (z: string): number | undefined => {
  const u = z.toUpperCase();
  if (u === 'Z' || u === 'UTC' || u === 'GMT') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z)!;
  const [oh, om] = [Number(m[2]), Number(m[3] ?? '0')];
  if (oh > 18 || om > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (oh * 3600 + om * 60);
};

/** Epoch seconds of wall-clock fields read as if they were UTC. */
export const fieldsAsUtcSec = (l: LocalDateTime): EpochSec => Date.UTC(l.y, l.mo - 1, l.d, l.h, l.mi, l.s) / 1000;

/**
 * Read one timestamp cell. `order` is the file's day/month order for `a/b/YYYY` dates when known; a cell that can
 * only be read one way (a field > 12) reports it in `impliedOrder`. `DD.MM.YYYY` is always day first.
 */
export function readTimestamp(raw: string, order?: DateOrder): TimestampReading {
  const s = raw.trim();
  if (EPOCH_RE.test(s)) {
    const n = Number(s);
    return { kind: 'instant', tSec: Math.floor(n >= EPOCH_MS_THRESHOLD ? n / 1000 : n) };
  }
  const m = DATE_TIME_RE.exec(s);
  if (!m) return { kind: 'bad', why: 'not a date-time' };
  const [, iy, , imo, id, a, sep, b, sy, hs, mis, ss, , zone] = m;
  if (hs === undefined) return { kind: 'bad', why: 'no time of day' };
  let y: number;
  let mo: number;
  let d: number;
  let impliedOrder: DateOrder | undefined;
  if (iy !== undefined) [y, mo, d] = [Number(iy), Number(imo), Number(id)];
  else {
    y = Number(sy);
    const [na, nb] = [Number(a), Number(b)];
    if (sep === '.') [d, mo] = [na, nb];
    else {
      if (na > 12 && nb <= 12) impliedOrder = 'dmy';
      else if (nb > 12 && na <= 12) impliedOrder = 'mdy';
      const use = order ?? impliedOrder ?? (na === nb ? 'mdy' : undefined);
      if (!use) return { kind: 'order-unknown', zoned: zone !== undefined };
      if (order && impliedOrder && order !== impliedOrder) return { kind: 'bad', why: `not ${order === 'mdy' ? 'MM/DD/YYYY' : 'DD/MM/YYYY'}`, orderConflict: true };
      [mo, d] = use === 'mdy' ? [na, nb] : [nb, na];
    }
  }
  const [h, mi, sec] = [Number(hs), Number(mis), Number(ss ?? '0')];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return { kind: 'bad', why: 'no such date' };
  if (h > 23 || mi > 59 || sec > 59) return { kind: 'bad', why: 'no such time of day' };
  const local: LocalDateTime = { y, mo, d, h, mi, s: sec };
  if (zone === undefined) return impliedOrder ? { kind: 'local', local, impliedOrder } : { kind: 'local', local };
  const off = parseOffsetSec(zone);
  if (off === undefined) return { kind: 'bad', why: `bad offset '${zone}'` };
  const tSec = fieldsAsUtcSec(local) - off;
  return impliedOrder ? { kind: 'instant', tSec, impliedOrder } : { kind: 'instant', tSec };
}

/** `--timezone` is not a time zone Intl knows. */
export class InvalidTimeZoneError extends Error {
  readonly retryable = false;
  constructor(readonly zone: string) {
    super(`"${zone}" is not an IANA time zone (e.g. UTC, Europe/Berlin, America/Los_Angeles)`);
    this.name = 'InvalidTimeZoneError';
  }
}

/** IANA names only (`Area/Location`, `UTC`, `Etc/GMT+5`); bare offsets like `+01:00` are refused. */
const IANA_NAME_RE = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/** Zones that are UTC by definition (IANA `etcetera` and `backward` files). */
const UTC_NAMES = new Set(['UTC', 'ETC/UTC', 'ETC/UCT', 'UCT', 'ETC/ZULU', 'ZULU', 'ETC/UNIVERSAL', 'UNIVERSAL', 'GMT', 'ETC/GMT', 'ETC/GMT0', 'ETC/GMT+0', 'ETC/GMT-0', 'GMT0', 'GMT+0', 'GMT-0', 'ETC/GREENWICH', 'GREENWICH']);
/** True for a zone name that always means UTC. */
export const isUtcZoneName = (zone: string): boolean => UTC_NAMES.has(zone.toUpperCase());

export type LocalToUtc = { kind: 'ok'; tSec: EpochSec } | { kind: 'gap' } | { kind: 'ambiguous'; earlierSec: EpochSec; laterSec: EpochSec };

/** A 15-minute slot: every zone's offset changes only on 15-minute UTC boundaries (offsets are multiples of 15 min). */
const SLOT_SEC = 900;

/** DST-correct wall-clock ↔ UTC for one IANA zone, through Intl. Construct with `ZoneClock.of`. */
export class ZoneClock {
  private readonly fmt: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();
  readonly isUtc: boolean;

  private constructor(readonly zone: string) {
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    this.isUtc = isUtcZoneName(zone);
  }

  /** A clock for `zone`; throws InvalidTimeZoneError for a name Intl does not know. */
  static of(zone: string): ZoneClock {
    if (!IANA_NAME_RE.test(zone)) throw new InvalidTimeZoneError(zone);
    try {
      return new ZoneClock(zone);
    } catch {
      throw new InvalidTimeZoneError(zone);
    }
  }

  /** UTC offset (local − UTC, seconds) in force at instant `tSec`. */
  offsetSec(tSec: EpochSec): number {
    if (this.isUtc) return 0;
    const slot = Math.floor(tSec / SLOT_SEC);
    const cached = this.offsets.get(slot);
    if (cached !== undefined) return cached;
    const at = slot * SLOT_SEC;
    const parts: Record<string, number> = {};
    for (const p of this.fmt.formatToParts(new Date(at * 1000))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) / 1000;
    const off = wall - at;
    this.offsets.set(slot, off);
    return off;
  }

  /**
   * The instant a wall-clock time denotes in this zone. Offsets a day either side bound the candidates (no zone
   * changes its offset twice within two days); a candidate is kept when the offset in force there confirms it.
   */
  toUtc(l: LocalDateTime): LocalToUtc {
    const wall = fieldsAsUtcSec(l);
    if (this.isUtc) return { kind: 'ok', tSec: wall };
    const candidates = [...new Set([this.offsetSec(wall - 86400), this.offsetSec(wall + 86400)])]
      .map((off) => wall - off)
      .filter((t) => this.offsetSec(t) === wall - t)
      .sort((a, b) => a - b);
    if (candidates.length === 0) return { kind: 'gap' };
    if (candidates.length > 1) return { kind: 'ambiguous', earlierSec: candidates[0], laterSec: candidates[candidates.length - 1] };
    return { kind: 'ok', tSec: candidates[0] };
  }
}
