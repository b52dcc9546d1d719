/**
 * Back-test of the period forecast (pure): for every complete past period in a daily series and every UTC day cut
 * inside it, forecast the period total from data before the cut only, and compare with the realised total.
 * Reports how often the realised total stayed at or under P90 (the coverage the forecast promises: ≥ 90 %) and
 * under P50 (≈ 50 % for an unbiased median), and the P50's absolute percentage error.
 */
import { DAY_SEC, type EpochSec } from '../time';
import { forecastPeriodTotal, type ForecastOptions, type PlannedWork } from './forecast';
import { periodsOverlapping } from './periods';
import type { BudgetPeriodType } from './types';

export interface BacktestSeries {
  /** Label of the scope (`account`, `team=nlp` …). */
  scope: string;
  /** Start of the first UTC day of both arrays (the first day the store fully covers). */
  firstDaySec: EpochSec;
  /** All emissions in scope per UTC day (what a budget counts). */
  totalDailyKgCo2e: readonly number[];
  /** Unscheduled emissions in scope per UTC day (the run-rate history). */
  unscheduledDailyKgCo2e: readonly number[];
  /** Scheduled work known at a cut (jobs planned before it); none when the store has no scheduler jobs. */
  plannedAt?: (cutSec: EpochSec) => PlannedWork[];
}

export interface BacktestCase {
  scope: string;
  periodKey: string;
  cutDay: string;
  remainingDays: number;
  realisedKgCo2e: number;
  p50KgCo2e: number;
  p90KgCo2e: number;
}

export interface CoverageStats {
  cases: number;
  /** Share of cases with realised ≤ P90, %. */
  p90CoveragePct: number;
  /** Share of cases with realised ≤ P50, %. */
  p50CoveragePct: number;
  /** Mean |P50 − realised| / realised, % (cases with a realised total > 0). */
  p50MapePct: number;
  /** Mean (P50 − realised) / realised, % (negative = the median forecast runs low). */
  p50BiasPct: number;
}

export interface BacktestResult extends CoverageStats {
  byPeriod: Record<string, CoverageStats>;
  byScope: Record<string, CoverageStats>;
  /** By days still to come at the cut: `>=20`, `10-20`, `<10`. */
  byRemaining: Record<string, CoverageStats>;
  /** Cuts skipped because the run-rate had too little history. */
  skippedInsufficientHistory: number;
  detail: BacktestCase[];
}

const stats = (cs: readonly BacktestCase[]): CoverageStats => {
  const withTotal = cs.filter((c) => c.realisedKgCo2e > 0);
  const pct = (k: number) => (cs.length ? (100 * k) / cs.length : NaN);
  return {
    cases: cs.length,
    p90CoveragePct: pct(cs.filter((c) => c.realisedKgCo2e <= c.p90KgCo2e + 1e-9).length),
    p50CoveragePct: pct(cs.filter((c) => c.realisedKgCo2e <= c.p50KgCo2e + 1e-9).length),
    p50MapePct: withTotal.length ? (100 * withTotal.reduce((a, c) => a + Math.abs(c.p50KgCo2e - c.realisedKgCo2e) / c.realisedKgCo2e, 0)) / withTotal.length : NaN,
    p50BiasPct: withTotal.length ? (100 * withTotal.reduce((a, c) => a + (c.p50KgCo2e - c.realisedKgCo2e) / c.realisedKgCo2e, 0)) / withTotal.length : NaN,
  };
};

const group = (cs: readonly BacktestCase[], key: (c: BacktestCase) => string): Record<string, CoverageStats> => {
  const m = new Map<string, BacktestCase[]>();
  for (const c of cs) m.set(key(c), [...(m.get(key(c)) ?? []), c]);
  return Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, stats(v)]));
};

const dayIso = (tSec: EpochSec) => new Date(tSec * 1000).toISOString().slice(0, 10);

/** Back-test the forecast on daily series: every complete period of each type, every day cut inside it. */
export function backtestForecast(series: readonly BacktestSeries[], periodTypes: readonly BudgetPeriodType[], options?: Partial<ForecastOptions>): BacktestResult {
  const cases: BacktestCase[] = [];
  let skipped = 0;
  for (const s of series) {
    const n = s.totalDailyKgCo2e.length;
    const coverage = { startSec: s.firstDaySec, endSec: s.firstDaySec + n * DAY_SEC };
    const dayIndex = (t: EpochSec) => Math.round((t - s.firstDaySec) / DAY_SEC);
    const sum = (xs: readonly number[], a: number, b: number) => {
      let t = 0;
      for (let i = Math.max(0, a); i < Math.min(b, xs.length); i++) t += xs[i];
      return t;
    };
    for (const type of periodTypes) {
      for (const p of periodsOverlapping(type, coverage)) {
        if (p.startSec < coverage.startSec || p.endSec > coverage.endSec) continue; // only periods the series fully covers
        const a = dayIndex(p.startSec);
        const e = dayIndex(p.endSec);
        const realised = sum(s.totalDailyKgCo2e, a, e);
        for (let c = a; c < e; c++) {
          const cutSec = s.firstDaySec + c * DAY_SEC;
          const f = forecastPeriodTotal({
            period: p,
            asOfSec: cutSec,
            actualKgCo2e: sum(s.totalDailyKgCo2e, a, c),
            historyDailyKgCo2e: s.unscheduledDailyKgCo2e.slice(0, c),
            planned: s.plannedAt?.(cutSec) ?? [],
            options,
          });
          if (f.status !== 'ok') {
            skipped++;
            continue;
          }
          cases.push({ scope: s.scope, periodKey: p.key, cutDay: dayIso(cutSec), remainingDays: f.components.remainingDays, realisedKgCo2e: realised, p50KgCo2e: f.p50KgCo2e, p90KgCo2e: f.p90KgCo2e });
        }
      }
    }
  }
  return {
    ...stats(cases),
    byPeriod: group(cases, (c) => (/-Q/.test(c.periodKey) ? 'quarter' : /-/.test(c.periodKey) ? 'month' : 'year')),
    byScope: group(cases, (c) => c.scope),
    byRemaining: group(cases, (c) => (c.remainingDays >= 20 ? '>=20' : c.remainingDays >= 10 ? '10-20' : '<10')),
    skippedInsufficientHistory: skipped,
    detail: cases,
  };
}
