/**
 * Times in plan texts (pure): absolute in UTC, the date only when it is not today's, and a relative time only
 * while it is short — "02:00 UTC (in 9 h)", "2026-11-23 14:00 UTC (in 2 d 8 h)", "2026-11-29 06:00 UTC".
 */
import { DAY_SEC, HOUR_SEC, isoUtc, type EpochSec } from '../time';

/** Relative times are shown up to this far from now; further out the date says it better. Presentation choice. */
export const RELATIVE_TIME_MAX_SEC = 3 * DAY_SEC;

/** A compact duration: `40 s`, `45 min`, `9 h`, `9 h 30 min` (minutes only below 10 h), `1 d 3 h`. */
export function durationText(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s} s`;
  if (s < HOUR_SEC) return `${Math.round(s / 60)} min`;
  if (s < 10 * HOUR_SEC) {
    let h = Math.floor(s / HOUR_SEC);
    let m = Math.round((s - h * HOUR_SEC) / 60);
    if (m === 60) [h, m] = [h + 1, 0];
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  if (s < DAY_SEC) return `${Math.round(s / HOUR_SEC)} h`;
  let d = Math.floor(s / DAY_SEC);
  let h = Math.round((s - d * DAY_SEC) / HOUR_SEC);
  if (h === 24) [d, h] = [d + 1, 0];
  return h ? `${d} d ${h} h` : `${d} d`;
}

/** `in 9 h` / `3 h ago` / `now`, or undefined when further than RELATIVE_TIME_MAX_SEC from now. */
export function relativeText(tSec: EpochSec, nowSec: EpochSec): string | undefined {
  const dt = tSec - nowSec;
  if (Math.abs(dt) < 60) return 'now';
  if (Math.abs(dt) > RELATIVE_TIME_MAX_SEC) return undefined;
  return dt > 0 ? `in ${durationText(dt)}` : `${durationText(-dt)} ago`;
}

/** `HH:MM UTC` on now's UTC day, else `YYYY-MM-DD HH:MM UTC`; plus `(in 9 h)` while that is short. */
export function whenText(tSec: EpochSec, nowSec: EpochSec): string {
  const iso = isoUtc(tSec);
  const sameDay = Math.floor(tSec / DAY_SEC) === Math.floor(nowSec / DAY_SEC);
  const abs = `${sameDay ? iso.slice(11, 16) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`} UTC`;
  const rel = relativeText(tSec, nowSec);
  return rel ? `${abs} (${rel})` : abs;
}
