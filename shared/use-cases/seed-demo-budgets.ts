/**
 * Use case: seed the DEMO budgets and the default targets into a store that holds the demo fleet (`npm start`).
 * Idempotent: each definition is created only if absent (compare-and-set on version 0), so a second start, or a
 * user's edits, are left alone. Everything seeded is labelled demo.
 */
import { demoBudgetDefinitions, type DemoScopeFigures } from '../domain/budgets/demo-seed';
import { historyDays, budgetStatus } from '../domain/budgets/status';
import { sumInScope } from '../domain/budgets/emissions';
import { periodOf, utcYear, daysIn, yearWindow } from '../domain/budgets/periods';
import type { BudgetDef, BudgetScope } from '../domain/budgets/types';
import { defaultTargets } from '../domain/targets/defaults';
import { DAY_SEC } from '../domain/time';
import type { BudgetStore, TargetStore } from '../ports/budget-ports';
import { loadBudgetInputs, type BudgetDataDeps, type LoadedBudgetInputs } from './budget-data';

export interface SeedDemoDeps extends BudgetDataDeps {
  budgets: BudgetStore;
  targets: TargetStore;
}

export interface SeedResult {
  budgetsCreated: string[];
  targetsCreated: string[];
  /** Already there (seeded before, or edited by the user): left alone. */
  skipped: string[];
}

const figures = (inputs: LoadedBudgetInputs, scope: BudgetScope): DemoScopeFigures => {
  const probe: BudgetDef = { id: 'probe', scope, period: 'month', limitKgCo2e: 1, basis: 'location-based', includeEmbodied: false, mode: 'advisory', notifications: [] };
  const s = budgetStatus(probe, inputs);
  return { actualKgCo2e: s.actualKgCo2e ?? 0, p50KgCo2e: s.forecast?.p50KgCo2e ?? null, p90KgCo2e: s.forecast?.p90KgCo2e ?? null };
};

/** Seed the demo budgets and default targets (call after the demo replay, before serving). */
export async function seedDemoBudgets(d: SeedDemoDeps): Promise<SeedResult> {
  const res: SeedResult = { budgetsCreated: [], targetsCreated: [], skipped: [] };
  const inputs = await loadBudgetInputs(d, { fromSec: (w) => Math.min(periodOf('month', w).startSec, w - 43 * DAY_SEC) });
  if (!inputs) return res;
  const now = d.clock.nowSec();
  const defs = demoBudgetDefinitions({
    account: figures(inputs, { dimension: 'account' }),
    vision: figures(inputs, { dimension: 'team', value: 'vision' }),
    nlp: figures(inputs, { dimension: 'team', value: 'nlp' }),
  });
  for (const b of defs) {
    if (await d.budgets.getBudget(b.id, { includeDeleted: true })) res.skipped.push(b.id);
    else if (await d.budgets.putBudget(b, 0, now)) res.budgetsCreated.push(b.id);
    else res.skipped.push(b.id);
  }
  // The demo store holds a few weeks, never a base year: enter one, labelled demo — the demo fleet's annualised
  // run-rate plus 25 %, as if last year had been heavier — so the pathway panel has a line to draw.
  const days = historyDays(inputs.dataStartSec, inputs.watermarkSec, 42);
  const daily = days.length ? days.reduce((a, w) => a + sumInScope(inputs.rows, { dimension: 'account' }, inputs.facts, w), 0) / days.length : 0;
  const year = utcYear(inputs.watermarkSec);
  const baseKg = Math.round(daily * daysIn(yearWindow(year - 1)) * 1.25);
  const targets = defaultTargets(year, {
    demo: true,
    ...(baseKg > 0 ? { totalBase: { value: baseKg, basis: 'location-based' as const, note: `DEMO: entered for the demo (the demo fleet's ${days.length}-day run-rate annualised, + 25 %)` } } : {}),
  });
  for (const t of targets) {
    if (await d.targets.getTarget(t.id, { includeDeleted: true })) {
      res.skipped.push(t.id);
      continue;
    }
    const stored = await d.targets.putTarget(t, { source: t.base ? 'entered' : 'store', recordedValue: t.base?.value, recordedAtSec: now }, 0, now);
    (stored ? res.targetsCreated : res.skipped).push(t.id);
  }
  return res;
}
