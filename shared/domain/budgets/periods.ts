/**
 * UTC calendar periods (month, quarter, year) as half-open [startSec, endSec) windows. Only Date.UTC and UTC getters:
 * a budget period never depends on the machine's time zone (a month is the same 28–31 days everywhere).
 */
import { DAY_SEC, type EpochSec, type Window } from '../time';
import type { BudgetPeriodType } from './types';

export interface CalendarPeriod extends Window {
  type: BudgetPeriodType;
  /** `2026-11`, `2026-Q4` or `2026`: sortable, used in keys. */
  key: string;
}

const sec = (ms: number): EpochSec => Math.floor(ms / 1000);
const monthsOf: Record<BudgetPeriodType, number> = { month: 1, quarter: 3, year: 12 };

const periodFrom = (type: BudgetPeriodType, year: number, month0: number): CalendarPeriod => {
  const startSec = sec(Date.UTC(year, month0, 1));
  const endSec = sec(Date.UTC(year, month0 + monthsOf[type], 1));
  const key =
    type === 'year' ? String(year) : type === 'quarter' ? `${year}-Q${Math.floor(month0 / 3) + 1}` : `${year}-${String(month0 + 1).padStart(2, '0')}`;
  return { type, key, startSec, endSec };
};

/** The calendar period of `type` that contains the instant `tSec` (UTC). */
export function periodOf(type: BudgetPeriodType, tSec: EpochSec): CalendarPeriod {
  const d = new Date(tSec * 1000);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  return periodFrom(type, y, type === 'year' ? 0 : type === 'quarter' ? m - (m % 3) : m);
}

/** The period right after `p` (starts where `p` ends). */
export const nextPeriod = (p: CalendarPeriod): CalendarPeriod => periodOf(p.type, p.endSec);

/** The period right before `p`. */
export const previousPeriod = (p: CalendarPeriod): CalendarPeriod => periodOf(p.type, p.startSec - 1);

/** Every period of `type` that overlaps the window, oldest first. */
export function periodsOverlapping(type: BudgetPeriodType, w: Window): CalendarPeriod[] {
  const out: CalendarPeriod[] = [];
  if (w.endSec <= w.startSec) return out;
  for (let p = periodOf(type, w.startSec); p.startSec < w.endSec; p = nextPeriod(p)) out.push(p);
  return out;
}

/** Parse a period key (`2026-11`, `2026-Q4`, `2026`); undefined when it is not one. */
export function parsePeriodKey(key: string): CalendarPeriod | undefined {
  let m = /^(\d{4})$/.exec(key);
  if (m) return periodFrom('year', Number(m[1]), 0);
  m = /^(\d{4})-Q([1-4])$/.exec(key);
  if (m) return periodFrom('quarter', Number(m[1]), (Number(m[2]) - 1) * 3);
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(key);
  if (m) return periodFrom('month', Number(m[1]), Number(m[2]) - 1);
  return undefined;
}

/** Length of a window in days (fractional). */
export const daysIn = (w: Window): number => (w.endSec - w.startSec) / DAY_SEC;

/** UTC calendar year of an instant. */
export const utcYear = (tSec: EpochSec): number => new Date(tSec * 1000).getUTCFullYear();

/** The calendar year `year` as a window. */
export const yearWindow = (year: number): CalendarPeriod => periodFrom('year', year, 0);

/** The calendar month `YYYY-MM` as a window. */
export const monthWindow = (year: number, month1: number): CalendarPeriod => periodFrom('month', year, month1 - 1);
