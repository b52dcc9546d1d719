/**
 * The savings ledger (pure). Each executed action books, for the hours its effect lasted, what the subject would have
 * drawn at its measured idle level (the counterfactual fixed in the entry's basis) minus what it measurably drew
 * (its own intervals in those hours: zero while an endpoint is parked). Figures are AVOIDED emissions: a
 * counterfactual, labelled as such and never added to measured footprints. Location-based, like the footprints;
 * recomputed from the entry for any window, never incremented.
 */
import { alignDown, HOUR_SEC, type EpochSec, type Window } from '../time';
import type { FootprintInterval, Ranged } from '../types';
import type { LedgerEntry } from './types';

export interface AvoidedFigures {
  actionId: string;
  /** Hours of effect inside the window. */
  hours: number;
  gpuHours: number;
  energyKwh: Ranged;
  co2eKg: Ranged;
  /** Hours without an hourly intensity value (their kWh are counted, their kg are not). */
  hoursWithoutIntensity: number;
  basis: 'avoided (counterfactual: measured idle draw × hours of effect − measured draw)';
}

const zero = (): Ranged => ({ point: 0, low: 0, high: 0 });

/**
 * Avoided figures of one entry inside `window`, up to `nowSec` for an effect still in place. `intensityAt(hourStart)`
 * gives the hour's g/kWh for the entry's region (the footprint signal); `actual` are the subject's own intervals in
 * the window; `actualGpuHours` the GPU-hours its resources held then (count history × accelerators).
 */
export function avoidedFor(
  e: LedgerEntry,
  window: Window,
  nowSec: EpochSec,
  o: { intensityAt: (hourStartSec: EpochSec) => number | undefined; actual: readonly FootprintInterval[]; actualGpuHours: number },
): AvoidedFigures {
  const out: AvoidedFigures = { actionId: e.actionId, hours: 0, gpuHours: 0, energyKwh: zero(), co2eKg: zero(), hoursWithoutIntensity: 0, basis: 'avoided (counterfactual: measured idle draw × hours of effect − measured draw)' };
  const from = Math.max(window.startSec, e.effectiveFromSec);
  const to = Math.min(window.endSec, e.effectiveToSec ?? nowSec, nowSec);
  if (!(to > from) || !e.basis) return out;
  const b = e.basis;
  for (let h = alignDown(from, HOUR_SEC); h < to; h += HOUR_SEC) {
    const sec = Math.min(to, h + HOUR_SEC) - Math.max(from, h);
    if (sec <= 0) continue;
    const f = sec / HOUR_SEC;
    out.hours += f;
    const kwh = { point: b.itKwhPerHour.point * b.pue * f, low: b.itKwhPerHour.low * b.pue * f, high: b.itKwhPerHour.high * b.pue * f };
    out.energyKwh.point += kwh.point;
    out.energyKwh.low += kwh.low;
    out.energyKwh.high += kwh.high;
    const g = o.intensityAt(h);
    if (g === undefined || !Number.isFinite(g)) {
      out.hoursWithoutIntensity += f;
      continue;
    }
    out.co2eKg.point += (kwh.point * g) / 1000;
    out.co2eKg.low += (kwh.low * g) / 1000;
    out.co2eKg.high += (kwh.high * g) / 1000;
  }
  // What it still drew in those hours (e.g. an inference component's endpoint kept an instance): subtract, pro rata.
  for (const i of o.actual) {
    const s = i.intervalStartSec;
    const overlap = Math.max(0, Math.min(to, s + i.intervalSec) - Math.max(from, s));
    if (overlap <= 0 || i.intervalSec <= 0) continue;
    const f = overlap / i.intervalSec;
    out.energyKwh.point -= i.energyKwh.point * f;
    out.energyKwh.low -= i.energyKwh.high * f; // the low saving subtracts the high draw
    out.energyKwh.high -= i.energyKwh.low * f;
    out.co2eKg.point -= i.co2eKg.point * f;
    out.co2eKg.low -= i.co2eKg.high * f;
    out.co2eKg.high -= i.co2eKg.low * f;
  }
  out.gpuHours = b.gpus * out.hours - o.actualGpuHours;
  return out;
}

export interface LedgerTotals {
  entries: number;
  hours: number;
  gpuHours: number;
  energyKwh: Ranged;
  co2eKg: Ranged;
}

/** Sum of avoided figures (extensive quantities add). */
export function ledgerTotals(xs: readonly AvoidedFigures[]): LedgerTotals {
  const t: LedgerTotals = { entries: xs.length, hours: 0, gpuHours: 0, energyKwh: zero(), co2eKg: zero() };
  for (const x of xs) {
    t.hours += x.hours;
    t.gpuHours += x.gpuHours;
    for (const k of ['point', 'low', 'high'] as const) {
      t.energyKwh[k] += x.energyKwh[k];
      t.co2eKg[k] += x.co2eKg[k];
    }
  }
  return t;
}
