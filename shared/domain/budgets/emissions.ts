/**
 * Emissions as budgets see them (pure): which resource an amount belongs to, whether it is in a budget's scope,
 * which figure counts on the budget's basis, and sums, daily run-rate series and top contributors over windows.
 *
 * A budget counts exactly one figure per interval: location-based `co2eKg` today. Market-based and embodied figures
 * are reached only through `OPERATIONAL_KG` and `embodiedKg` below; while footprints do not carry them, a budget on
 * that basis is "not available" — never a location-based number passed off as something else.
 */
import { resolveAttribution, type AttributionKeys } from '../attribution';
import { resourceKey, UNTAGGED, type Attribution, type FootprintInterval, type Ranged, type ResourceKind, type ResourceRef } from '../types';
import type { EpochSec, Window } from '../time';
import type { BudgetScope, EmissionBasis } from './types';

/** Tag the dispatcher puts on every training job it launches (shared/use-cases/dispatch-segment.ts). */
export const SCHEDULED_JOB_TAG = 'carbonpilot:job-id';

/** What a budget needs to know about where an emission comes from. */
export interface EmissionSource {
  kind: ResourceKind;
  region: string;
  attribution: Attribution;
}

export interface ResourceFacts extends EmissionSource {
  resourceKey: string;
  resourceId: string;
  /** Set when the carbon-aware scheduler launched it: its future is in the job's plan, not in the run-rate. */
  scheduledJobId?: string;
}

/** One resource's emissions over a span: a UTC day (a roll-up row) or an hour (an interval). */
export interface EmissionRow {
  resourceKey: string;
  startSec: EpochSec;
  endSec: EpochSec;
  co2eKg: number;
  demo: boolean;
}

/** True when an emission from `source` counts against a budget with `scope`. */
export function matchesScope(scope: BudgetScope, source: EmissionSource): boolean {
  switch (scope.dimension) {
    case 'account':
      return true;
    case 'team':
    case 'project':
    case 'model':
      return source.attribution[scope.dimension] === scope.value;
    case 'region':
      return source.region === scope.value;
    case 'kind':
      return source.kind === scope.value;
  }
}

/** `account`, `team=nlp`, `region=eu-west-1` … */
export const scopeLabel = (s: BudgetScope): string => (s.dimension === 'account' ? 'account' : `${s.dimension}=${s.value}`);

/** Facts of an inventoried resource: attribution from its tags (the collector's rule), scheduler job from its tag. */
export function resourceFacts(r: ResourceRef, keys: AttributionKeys): ResourceFacts {
  const jobId = r.tags[SCHEDULED_JOB_TAG];
  return {
    resourceKey: resourceKey(r),
    resourceId: r.id,
    kind: r.kind,
    region: r.region,
    attribution: resolveAttribution(r.tags, keys),
    ...(jobId ? { scheduledJobId: jobId } : {}),
  };
}

/** Facts from a resource key alone (`<kind>#<region>#<id>`), for rows whose resource is no longer inventoried: untagged. */
export function factsFromKey(resourceKey: string): ResourceFacts {
  const [kind, region, ...rest] = resourceKey.split('#');
  return {
    resourceKey,
    resourceId: rest.join('#'),
    kind: kind as ResourceKind,
    region: region ?? '',
    attribution: { team: UNTAGGED, project: UNTAGGED, model: UNTAGGED },
  };
}

type IntervalExtensions = FootprintInterval & {
  /** Being added by the embodied-emissions work: the interval's share of manufacturing emissions. */
  embodiedKgCo2e?: Ranged;
  /** Placeholder name for the market-based figure (GHG Protocol Scope 2); wire the real field here when it lands. */
  marketBasedCo2eKg?: Ranged;
};

/** The operational figure of an interval on each basis; undefined = the interval does not carry it. */
export const OPERATIONAL_KG: Readonly<Record<EmissionBasis, (i: FootprintInterval) => number | undefined>> = Object.freeze({
  'location-based': (i: FootprintInterval) => i.co2eKg.point,
  'market-based': (i: FootprintInterval) => (i as IntervalExtensions).marketBasedCo2eKg?.point,
});

/** Embodied emissions of an interval, undefined while footprints carry none. */
export const embodiedKg = (i: FootprintInterval): number | undefined => (i as IntervalExtensions).embodiedKgCo2e?.point;

export type RowsResult = { available: true; rows: EmissionRow[] } | { available: false; reason: string };

/**
 * Emission rows of intervals on a basis (plus embodied when asked). Any interval without the figure makes the
 * whole result unavailable: a budget never silently counts a partial or substituted figure.
 */
export function rowsFromIntervals(intervals: readonly FootprintInterval[], basis: EmissionBasis, includeEmbodied: boolean): RowsResult {
  const rows: EmissionRow[] = [];
  let missingOp = 0;
  let missingEmb = 0;
  for (const i of intervals) {
    if (i.method === 'unmodelled') continue; // no energy figure at all: reports leave these out of totals too
    const op = OPERATIONAL_KG[basis](i);
    const emb = includeEmbodied ? embodiedKg(i) : 0;
    if (op === undefined) missingOp++;
    if (emb === undefined) missingEmb++;
    if (op === undefined || emb === undefined) continue;
    rows.push({ resourceKey: i.resourceKey, startSec: i.intervalStartSec, endSec: i.intervalStartSec + i.intervalSec, co2eKg: op + emb, demo: i.demo });
  }
  if (missingOp) return { available: false, reason: `${basis} emissions are not available: ${missingOp} of ${intervals.length} footprint intervals carry no ${basis} figure` };
  if (missingEmb) return { available: false, reason: `embodied emissions are not available: ${missingEmb} of ${intervals.length} footprint intervals carry no embodied figure` };
  return { available: true, rows };
}

/**
 * Bases the footprint pipeline records today. Add `market-based` here (and its accessor in OPERATIONAL_KG) when
 * FootprintInterval carries the market-based figure; until then a market-based budget reports "not available".
 */
export const RECORDED_BASES: readonly EmissionBasis[] = ['location-based'];

/** Why a basis cannot be counted at all (checked before reading data), or undefined when it can. */
export const basisUnavailable = (basis: EmissionBasis): string | undefined =>
  RECORDED_BASES.includes(basis) ? undefined : `${basis} emissions are not available: footprints record only ${RECORDED_BASES.join(', ')} figures so far`;

/** Rows whose span starts inside the window and whose resource is in scope. */
const inScope = (rows: readonly EmissionRow[], scope: BudgetScope, facts: (key: string) => ResourceFacts, w: Window) =>
  rows.filter((r) => r.startSec >= w.startSec && r.startSec < w.endSec && matchesScope(scope, facts(r.resourceKey)));

/** Total kgCO2e of the rows in scope whose span starts in the window. */
export function sumInScope(rows: readonly EmissionRow[], scope: BudgetScope, facts: (key: string) => ResourceFacts, w: Window): number {
  return inScope(rows, scope, facts, w).reduce((a, r) => a + r.co2eKg, 0);
}

/**
 * Daily totals of the load in scope that the scheduler did not launch (steady endpoints and instances plus ad-hoc
 * training), one per given day window, in order: the run-rate history of the forecast.
 */
export function unscheduledDailyTotals(
  rows: readonly EmissionRow[],
  scope: BudgetScope,
  facts: (key: string) => ResourceFacts,
  days: readonly Window[],
): number[] {
  const out = days.map(() => 0);
  if (!days.length) return out;
  const first = days[0].startSec;
  for (const r of rows) {
    const f = facts(r.resourceKey);
    if (f.scheduledJobId !== undefined || !matchesScope(scope, f)) continue;
    const k = Math.floor((r.startSec - first) / 86400);
    if (k >= 0 && k < days.length && r.startSec >= days[k].startSec && r.startSec < days[k].endSec) out[k] += r.co2eKg;
  }
  return out;
}

export interface Contributor {
  resourceKey: string;
  kind: ResourceKind;
  resourceId: string;
  co2eKg: number;
  /** Share of the scope's total in the window, %. */
  sharePct: number;
}

/** The `n` largest resources in scope over the window, largest first (ties by key). */
export function topContributors(rows: readonly EmissionRow[], scope: BudgetScope, facts: (key: string) => ResourceFacts, w: Window, n = 5): Contributor[] {
  const by = new Map<string, number>();
  let total = 0;
  for (const r of inScope(rows, scope, facts, w)) {
    by.set(r.resourceKey, (by.get(r.resourceKey) ?? 0) + r.co2eKg);
    total += r.co2eKg;
  }
  return [...by.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([key, kg]) => {
      const f = facts(key);
      return { resourceKey: key, kind: f.kind, resourceId: f.resourceId, co2eKg: kg, sharePct: total > 0 ? (100 * kg) / total : 0 };
    });
}
