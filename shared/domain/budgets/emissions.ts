/**
 * Emissions as budgets see them (pure): which resource an amount belongs to, whether it is in a budget's scope,
 * which figure counts on the budget's basis, and sums, daily run-rate series and top contributors over windows.
 *
 * A budget counts the location-based operational figure (`co2eKg`) and, when it includes embodied emissions, the
 * embodied figure each row carries beside it (`embodiedKg`: the intervals' `embodiedKgCo2e`, or the resource
 * roll-up's). The two stay separate fields to the end: a status shows operational, embodied and their sum. Rows
 * without an embodied figure (unmodelled hardware, data from before embodied accounting) add nothing and are
 * counted in `embodiedCoverage`, so a budget says how much of its scope has no embodied figure. Market-based
 * figures are allocated per calendar year at report time (shared/use-cases/market-based-figures.ts), not stored
 * per interval; a market-based budget is "not available" — never a location-based number passed off as one.
 */
import { resolveAttribution, type AttributionKeys } from '../attribution';
import { resourceKey, UNTAGGED, type Attribution, type FootprintInterval, type ResourceKind, type ResourceRef } from '../types';
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
  /** Location-based operational emissions. */
  co2eKg: number;
  /** Embodied (scope 3, hardware) emissions of the span that carry one; absent = none of it does. */
  embodiedKg?: number;
  /** Part of the span has emissions but no embodied figure (unmodelled hardware, data from before embodied accounting). */
  embodiedGap?: boolean;
  demo: boolean;
}

/** The kgCO2e a row counts for: operational, plus embodied when the budget includes it. */
export const rowKg = (r: EmissionRow, includeEmbodied: boolean): number => r.co2eKg + (includeEmbodied ? (r.embodiedKg ?? 0) : 0);

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

/** The operational figure of an interval on each basis; undefined = the interval does not carry it. */
export const OPERATIONAL_KG: Readonly<Record<EmissionBasis, (i: FootprintInterval) => number | undefined>> = Object.freeze({
  'location-based': (i: FootprintInterval) => i.co2eKg.point,
  // Market-based figures depend on the instruments allocated over the whole calendar year; no interval stores one.
  'market-based': () => undefined,
});

/** Embodied emissions of an interval (point), undefined when it carries none (unmodelled, or stored before embodied accounting). */
export const embodiedKg = (i: FootprintInterval): number | undefined => i.embodiedKgCo2e?.point;

export type RowsResult = { available: true; rows: EmissionRow[] } | { available: false; reason: string };

/**
 * Emission rows of intervals on a basis, each with its embodied figure when it has one. Any interval without the
 * operational figure makes the whole result unavailable: a budget never silently counts a partial or substituted figure.
 */
export function rowsFromIntervals(intervals: readonly FootprintInterval[], basis: EmissionBasis): RowsResult {
  const rows: EmissionRow[] = [];
  let missingOp = 0;
  for (const i of intervals) {
    if (i.method === 'unmodelled') continue; // no energy figure at all: reports leave these out of totals too
    const op = OPERATIONAL_KG[basis](i);
    if (op === undefined) {
      missingOp++;
      continue;
    }
    const emb = embodiedKg(i);
    rows.push({ resourceKey: i.resourceKey, startSec: i.intervalStartSec, endSec: i.intervalStartSec + i.intervalSec, co2eKg: op, ...(emb !== undefined ? { embodiedKg: emb } : { embodiedGap: true }), demo: i.demo });
  }
  if (missingOp) return { available: false, reason: `${basis} emissions are not available: ${missingOp} of ${intervals.length} footprint intervals carry no ${basis} figure` };
  return { available: true, rows };
}

/** Bases a budget can count. A market-based budget reports "not available" (see the header). */
export const RECORDED_BASES: readonly EmissionBasis[] = ['location-based'];

/** Why a basis cannot be counted at all (checked before reading data), or undefined when it can. */
export const basisUnavailable = (basis: EmissionBasis): string | undefined =>
  RECORDED_BASES.includes(basis)
    ? undefined
    : `${basis} emissions are not available to budgets: market-based figures are allocated over each calendar year at report time (carbonpilot report --basis market), not stored per interval; budgets count ${RECORDED_BASES.join(', ')} figures`;

/** Rows whose span starts inside the window and whose resource is in scope. */
const inScope = (rows: readonly EmissionRow[], scope: BudgetScope, facts: (key: string) => ResourceFacts, w: Window) =>
  rows.filter((r) => r.startSec >= w.startSec && r.startSec < w.endSec && matchesScope(scope, facts(r.resourceKey)));

/** Total kgCO2e of the rows in scope whose span starts in the window. */
export function sumInScope(rows: readonly EmissionRow[], scope: BudgetScope, facts: (key: string) => ResourceFacts, w: Window, includeEmbodied = false): number {
  return inScope(rows, scope, facts, w).reduce((a, r) => a + rowKg(r, includeEmbodied), 0);
}

/** Operational and embodied parts of the rows in scope over the window, and how many resources in scope have rows without an embodied figure. */
export interface EmbodiedCoverage {
  operationalKgCo2e: number;
  embodiedKgCo2e: number;
  /** Resources in scope with emissions in the window but no embodied figure for some of them. */
  resourcesWithoutFigure: number;
  resourcesInScope: number;
}

export function embodiedCoverage(rows: readonly EmissionRow[], scope: BudgetScope, facts: (key: string) => ResourceFacts, w: Window): EmbodiedCoverage {
  let operational = 0;
  let embodied = 0;
  const all = new Set<string>();
  const without = new Set<string>();
  for (const r of inScope(rows, scope, facts, w)) {
    all.add(r.resourceKey);
    operational += r.co2eKg;
    if (r.embodiedKg !== undefined) embodied += r.embodiedKg;
    if ((r.embodiedGap || r.embodiedKg === undefined) && r.co2eKg > 0) without.add(r.resourceKey);
  }
  return { operationalKgCo2e: operational, embodiedKgCo2e: embodied, resourcesWithoutFigure: without.size, resourcesInScope: all.size };
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
  includeEmbodied = false,
): number[] {
  const out = days.map(() => 0);
  if (!days.length) return out;
  const first = days[0].startSec;
  for (const r of rows) {
    const f = facts(r.resourceKey);
    if (f.scheduledJobId !== undefined || !matchesScope(scope, f)) continue;
    const k = Math.floor((r.startSec - first) / 86400);
    if (k >= 0 && k < days.length && r.startSec >= days[k].startSec && r.startSec < days[k].endSec) out[k] += rowKg(r, includeEmbodied);
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
export function topContributors(rows: readonly EmissionRow[], scope: BudgetScope, facts: (key: string) => ResourceFacts, w: Window, n = 5, includeEmbodied = false): Contributor[] {
  const by = new Map<string, number>();
  let total = 0;
  for (const r of inScope(rows, scope, facts, w)) {
    const kg = rowKg(r, includeEmbodied);
    by.set(r.resourceKey, (by.get(r.resourceKey) ?? 0) + kg);
    total += kg;
  }
  return [...by.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([key, kg]) => {
      const f = facts(key);
      return { resourceKey: key, kind: f.kind, resourceId: f.resourceId, co2eKg: kg, sharePct: total > 0 ? (100 * kg) / total : 0 };
    });
}
