/**
 * Loads what budget evaluation reads, once for all budgets: emission rows (daily resource roll-ups for complete
 * UTC days — bounded reads even for a year-long period — and hourly intervals for the day in progress), the
 * inventory's resource facts, the scheduler's unfinished plans, and the data watermark (the collectors' cursors).
 */
import { resolveAttribution, type AttributionKeys } from '../domain/attribution';
import { factsFromKey, resourceFacts, rowsFromIntervals, type EmissionRow, type ResourceFacts } from '../domain/budgets/emissions';
import type { BudgetInputs, ScheduledJobFacts } from '../domain/budgets/status';
import { DAY_SEC, HOUR_SEC, alignDown, parseIsoInstant, utcDay, type EpochSec } from '../domain/time';
import { resourceKey, type ResourceRef } from '../domain/types';
import { embodiedRate } from '../domain/embodied/embodied-model';
import type { Clock, FootprintStore, RollupRow } from '../ports';
import type { JobStore } from '../ports/scheduler-ports';

export interface BudgetDataDeps {
  store: FootprintStore;
  /** The scheduler's job store; without it the forecast has no planned component. */
  jobs?: Pick<JobStore, 'listByStatus'>;
  attributionKeys: AttributionKeys;
  clock: Clock;
}

/** Unfinished job states whose remaining segments are planned emissions. */
const UNFINISHED = ['requested', 'scheduled', 'running', 'paused'] as const;
/** Parallel day reads (roll-ups are one query per day). */
const READ_CONCURRENCY = 8;

async function mapLimited<T, R>(xs: readonly T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(xs.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, xs.length) }, async () => {
    while (next < xs.length) {
      const i = next++;
      out[i] = await f(xs[i]);
    }
  }));
  return out;
}

/** A roll-up row's embodied figure (when any of its intervals has one) and whether part of it has none. */
const embodiedOfRollup = (r: RollupRow): Pick<EmissionRow, 'embodiedKg' | 'embodiedGap'> => {
  const gap = r.embodiedGapIntervals === undefined ? r.embodiedKgCo2e === undefined : r.embodiedGapIntervals > 0;
  const has = r.embodiedKgCo2e !== undefined && (r.embodiedGapIntervals === undefined || r.embodiedGapIntervals < r.intervals);
  return { ...(has ? { embodiedKg: r.embodiedKgCo2e } : {}), ...(gap ? { embodiedGap: true } : {}) };
};

/** Resource roll-up rows of a day as emission rows (location-based, with the embodied figure when the roll-up has one). */
const rowsOfRollups = (day: string, rows: readonly RollupRow[]): EmissionRow[] => {
  const startSec = parseIsoInstant(day);
  return rows
    .filter((r) => r.dimension === 'resource')
    .map((r) => ({ resourceKey: r.key, startSec, endSec: startSec + DAY_SEC, co2eKg: r.co2eKg, ...embodiedOfRollup(r), demo: r.demo }));
};

/**
 * The data watermark: the furthest point every final interval has been written to (largest cursor), never after the
 * clock's current hour. Undefined for an empty store.
 */
export async function dataWatermark(store: FootprintStore, resources: readonly ResourceRef[], nowSec: EpochSec): Promise<EpochSec | undefined> {
  if (!resources.length) return undefined;
  const cursors = await mapLimited(resources, READ_CONCURRENCY, (r) => store.getCursor(resourceKey(r)));
  const furthest = Math.max(0, ...cursors.map((c) => c?.collectedToSec ?? 0));
  return furthest > 0 ? Math.min(furthest, alignDown(nowSec, HOUR_SEC)) : undefined;
}

/** The scheduler's unfinished jobs as budget facts (attribution from their ownerTags, segments of the current plan). */
export async function scheduledJobs(jobs: BudgetDataDeps['jobs'], keys: AttributionKeys): Promise<ScheduledJobFacts[]> {
  if (!jobs) return [];
  const lists = await Promise.all(UNFINISHED.map((s) => jobs.listByStatus(s)));
  return lists.flat().map((j) => ({
    jobId: j.jobId,
    attribution: resolveAttribution(j.request.ownerTags ?? {}, keys),
    segments: j.plan.segments,
    expectedCo2eKg: j.plan.expectedCo2eKg,
    ...embodiedRate(j.training?.ResourceConfig),
    demo: j.demo,
  }));
}

export interface LoadedBudgetInputs extends BudgetInputs {
  resources: ResourceRef[];
}

/**
 * Budget inputs from `fromSec` (a time, or a function of the watermark) to the watermark (given, or the store's).
 * Undefined when the store holds no collected data yet.
 */
export async function loadBudgetInputs(
  d: BudgetDataDeps,
  opts: { fromSec: EpochSec | ((watermarkSec: EpochSec) => EpochSec); watermarkSec?: EpochSec },
): Promise<LoadedBudgetInputs | undefined> {
  const resources = await d.store.listAllResources();
  const watermarkSec = opts.watermarkSec ?? (await dataWatermark(d.store, resources, d.clock.nowSec()));
  if (watermarkSec === undefined) return undefined;
  const fromSec = typeof opts.fromSec === 'function' ? opts.fromSec(watermarkSec) : opts.fromSec;
  const byKey = new Map<string, ResourceFacts>(resources.map((r) => [resourceKey(r), resourceFacts(r, d.attributionKeys)]));
  const facts = (key: string) => byKey.get(key) ?? factsFromKey(key);
  const firstResourceSec = resources.length ? Math.min(...resources.map((r) => r.startSec)) : watermarkSec;

  const today = alignDown(watermarkSec, DAY_SEC);
  const days: string[] = [];
  for (let t = alignDown(Math.max(fromSec, alignDown(firstResourceSec, DAY_SEC)), DAY_SEC); t < today; t += DAY_SEC) days.push(utcDay(t));
  const daily = await mapLimited(days, READ_CONCURRENCY, async (day) => {
    const rollups = await d.store.getRollups(day);
    if (rollups.length) return rowsOfRollups(day, rollups);
    // No roll-up for the day (not computed yet, or nothing ran): its intervals, usually none.
    const start = parseIsoInstant(day);
    const r = rowsFromIntervals(await d.store.queryIntervals({ startSec: start, endSec: start + DAY_SEC }), 'location-based');
    return r.available ? r.rows : [];
  });
  const partial = watermarkSec > today ? rowsFromIntervals(await d.store.queryIntervals({ startSec: today, endSec: watermarkSec }), 'location-based') : undefined;
  const rows = [...daily.flat(), ...(partial?.available ? partial.rows : [])];
  // The store covers from its first emission, not from the oldest resource's start: a long-running resource found
  // later has zero-telemetry hours before collection began, and those days must not read as a quiet run-rate.
  // Never before the first resource started either (its first day is then partial and is left out of the history).
  let firstEmissionSec = watermarkSec;
  for (const r of rows) if (r.co2eKg > 0 && r.startSec < firstEmissionSec) firstEmissionSec = r.startSec;
  const dataStartSec = Math.max(firstResourceSec, firstEmissionSec);
  return {
    rows,
    facts,
    scheduled: await scheduledJobs(d.jobs, d.attributionKeys),
    dataStartSec,
    watermarkSec,
    demo: resources.some((r) => r.demo === true) || rows.some((r) => r.demo),
    resources,
  };
}
