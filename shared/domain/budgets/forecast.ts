/**
 * Forecast of a budget period's total emissions, P50 and P90 (pure, deterministic).
 *
 * total = actual to date (counted, not estimated)
 *       + planned: the not-yet-run part of every scheduled job segment in scope (the scheduler's plans; each job's
 *         expected kgCO2e prorated by segment time, drawn per replicate from a normal with the plan's 90 % range,
 *         truncated at 0)
 *       + run-rate: the rest of the period filled with days drawn from the scope's recent daily totals of
 *         unscheduled load (steady endpoints and instances plus ad-hoc training), by moving-block bootstrap
 *         (blocks of 3 consecutive days keep the day-to-day correlation of bursts; Künsch 1989), the last day
 *         prorated by the time left, times a level shock exp(σ·z) shared by the whole horizon: the remaining days
 *         can sit above or below the history's mean (weather-driven grid intensity, seasons, new work), and a
 *         bootstrap of single days alone cannot see that. σ = coefficient of variation of the history's weekly
 *         means. On 240 days of the demo fleet the P90 covered the realised total in 96.8 % of 3,176 back-test
 *         cases (every scope ≥ 92.7 %); without the shock 92.2 %, and only 79.8 % for steady endpoints
 *         (`npm run bench:budgets` prints both).
 * P50 and P90 are the empirical quantiles of `replicates` such draws (seeded PRNG: the same input always gives the
 * same forecast, so an evaluation is repeatable). The history is the last `historyDays` complete UTC days before the
 * watermark that the store fully covers; with fewer than `minHistoryDays` the forecast says "insufficient data".
 */
import { mulberry32 } from '../random';
import { percentile } from '../scheduler/windows';
import { DAY_SEC, overlapSec, type EpochSec, type Window } from '../time';
import type { Ranged } from '../types';

/** A scheduled job's not-yet-run work in the budget's scope. */
export interface PlannedWork {
  jobId: string;
  /** Segments in scope (region-matched) of the job's current plan. */
  segments: readonly { startSec: EpochSec; endSec: EpochSec }[];
  /** Σ duration of all the plan's segments, s (expected emissions are prorated by time over these). */
  planSec: number;
  /** The plan's expected emissions with their 90 % range (shared/domain/scheduler/planner.ts). */
  expectedCo2eKg: Ranged;
}

export interface ForecastOptions {
  /** Most recent complete days used for the run-rate. */
  historyDays: number;
  /** Fewer complete days than this: no forecast (a run-rate on a few days is a guess). */
  minHistoryDays: number;
  /** Moving-block length, days. */
  blockDays: number;
  replicates: number;
  seed: number;
  /** Days per block mean whose spread sets the level shock (0 = no level shock: plain block bootstrap). */
  levelShockDays: number;
}

/** Defaults; `bench:budgets` back-tests them (P90 coverage in the closing note). */
export const DEFAULT_FORECAST_OPTIONS: Readonly<ForecastOptions> = Object.freeze({
  historyDays: 42,
  minHistoryDays: 7,
  blockDays: 3,
  replicates: 2000,
  seed: 0x5eed,
  levelShockDays: 7,
});

export interface ForecastInput {
  period: Window;
  /** Watermark: actuals cover [period.startSec, asOfSec); the forecast fills [max(asOfSec, start), end). */
  asOfSec: EpochSec;
  actualKgCo2e: number;
  /** Unscheduled load in scope per complete UTC day before the watermark, oldest first. */
  historyDailyKgCo2e: readonly number[];
  planned: readonly PlannedWork[];
  options?: Partial<ForecastOptions>;
}

export interface ForecastComponents {
  actualKgCo2e: number;
  plannedKgCo2e: { p50: number; p90: number };
  runRateKgCo2e: { p50: number; p90: number } | null;
  /** Days of the period still to come at the watermark. */
  remainingDays: number;
  historyDaysUsed: number;
}

export type PeriodForecast =
  | { status: 'ok'; p50KgCo2e: number; p90KgCo2e: number; components: ForecastComponents; method: string }
  | { status: 'insufficient-data'; reason: string; p50KgCo2e: null; p90KgCo2e: null; components: ForecastComponents; method: string };

const METHOD = 'actual + planned job segments + moving-block bootstrap of daily unscheduled totals';
/** z of the 95th percentile: the planner's range is a 90 % interval, so its half-width is 1.645 σ. */
const Z95 = 1.6448536;

export { mulberry32 } from '../random';

/** Standard normal draw (Box–Muller) from a uniform source. */
const normal = (u: () => number): number => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

/** Share of a plan's emissions still to run inside [fromSec, toSec). */
export function plannedShare(w: PlannedWork, fromSec: EpochSec, toSec: EpochSec): number {
  if (!(w.planSec > 0)) return 0;
  const win = { startSec: fromSec, endSec: toSec };
  return w.segments.reduce((a, s) => a + overlapSec(s, win), 0) / w.planSec;
}

/** Forecast of the period total at the watermark (P50/P90), with its components. */
export function forecastPeriodTotal(input: ForecastInput): PeriodForecast {
  const o = { ...DEFAULT_FORECAST_OPTIONS, ...input.options };
  const from = Math.max(input.asOfSec, input.period.startSec);
  const remainingSec = Math.max(0, input.period.endSec - from);
  const remainingDays = remainingSec / DAY_SEC;
  const history = input.historyDailyKgCo2e.slice(-o.historyDays).filter((x) => Number.isFinite(x));
  const shares = input.planned.map((w) => ({ w, share: plannedShare(w, from, input.period.endSec) })).filter((x) => x.share > 0);
  const u = mulberry32(o.seed);

  const plannedDraws = new Float64Array(o.replicates);
  for (let r = 0; r < o.replicates; r++) {
    let s = 0;
    for (const { w, share } of shares) {
      const sigma = Math.max(0, w.expectedCo2eKg.high - w.expectedCo2eKg.low) / (2 * Z95);
      s += share * Math.max(0, w.expectedCo2eKg.point + sigma * normal(u));
    }
    plannedDraws[r] = s;
  }
  const q = (xs: ArrayLike<number>, p: number) => percentile(xs, p);
  const components: ForecastComponents = {
    actualKgCo2e: input.actualKgCo2e,
    plannedKgCo2e: { p50: q(plannedDraws, 50), p90: q(plannedDraws, 90) },
    runRateKgCo2e: null,
    remainingDays,
    historyDaysUsed: history.length,
  };
  if (remainingSec === 0) {
    return { status: 'ok', p50KgCo2e: input.actualKgCo2e, p90KgCo2e: input.actualKgCo2e, components: { ...components, runRateKgCo2e: { p50: 0, p90: 0 } }, method: 'period over: actual total' };
  }
  if (history.length < o.minHistoryDays) {
    return {
      status: 'insufficient-data',
      reason: `${history.length} complete day(s) of history in scope; the run-rate needs at least ${o.minHistoryDays}`,
      p50KgCo2e: null,
      p90KgCo2e: null,
      components,
      method: METHOD,
    };
  }

  const n = history.length;
  const b = Math.min(n, o.blockDays);
  const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length);
  const histMean = mean(history);
  // Level shock: σ = coefficient of variation of the history's non-overlapping weekly means (newest first).
  let sigmaLevel = 0;
  if (o.levelShockDays > 0 && histMean > 0) {
    const blocks: number[] = [];
    for (let e = n; e - o.levelShockDays >= 0; e -= o.levelShockDays) blocks.push(mean(history.slice(e - o.levelShockDays, e)));
    if (blocks.length >= 2) {
      const m = mean(blocks);
      sigmaLevel = Math.sqrt(blocks.reduce((a, x) => a + (x - m) ** 2, 0) / (blocks.length - 1)) / histMean;
    }
  }
  const runDraws = new Float64Array(o.replicates);
  const totals = new Float64Array(o.replicates);
  for (let r = 0; r < o.replicates; r++) {
    let left = remainingDays;
    let s = 0;
    while (left > 1e-12) {
      const start = Math.floor(u() * (n - b + 1));
      for (let k = 0; k < b && left > 1e-12; k++) {
        const take = Math.min(1, left);
        s += take * history[start + k];
        left -= take;
      }
    }
    if (sigmaLevel > 0) s *= Math.exp(sigmaLevel * normal(u));
    runDraws[r] = s;
    totals[r] = input.actualKgCo2e + s + plannedDraws[r];
  }
  return {
    status: 'ok',
    p50KgCo2e: q(totals, 50),
    p90KgCo2e: q(totals, 90),
    components: { ...components, runRateKgCo2e: { p50: q(runDraws, 50), p90: q(runDraws, 90) } },
    method: METHOD,
  };
}
