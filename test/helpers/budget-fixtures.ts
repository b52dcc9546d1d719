/** Small hand-built budget fixtures: resources with known facts and emission rows with round numbers. */
import type { EmissionRow, ResourceFacts } from '../../shared/domain/budgets/emissions';
import type { BudgetInputs } from '../../shared/domain/budgets/status';
import type { BudgetDef } from '../../shared/domain/budgets/types';
import { parseIsoInstant } from '../../shared/domain/time';

export const DAY = 86400;
export const at = (iso: string) => parseIsoInstant(iso);

export const FACTS: Record<string, ResourceFacts> = {
  'endpoint#us-east-1#chat/AllTraffic': { resourceKey: 'endpoint#us-east-1#chat/AllTraffic', resourceId: 'chat/AllTraffic', kind: 'endpoint', region: 'us-east-1', attribution: { team: 'nlp', project: 'serving', model: 'llm' } },
  'ec2-instance#eu-west-1#i-1': { resourceKey: 'ec2-instance#eu-west-1#i-1', resourceId: 'i-1', kind: 'ec2-instance', region: 'eu-west-1', attribution: { team: 'vision', project: 'research', model: 'mixed' } },
  'training-job#us-east-1#adhoc-1': { resourceKey: 'training-job#us-east-1#adhoc-1', resourceId: 'adhoc-1', kind: 'training-job', region: 'us-east-1', attribution: { team: 'nlp', project: 'p1', model: 'llm' } },
  'training-job#eu-north-1#cp-abc-s0': { resourceKey: 'training-job#eu-north-1#cp-abc-s0', resourceId: 'cp-abc-s0', kind: 'training-job', region: 'eu-north-1', attribution: { team: 'nlp', project: 'p1', model: 'llm' }, scheduledJobId: 'abc' },
};
export const facts = (k: string) => FACTS[k];

/** One row per day per resource: `kgPerDay` from `fromIso` for `days` days. */
export const dailyRows = (resourceKey: string, fromIso: string, days: number, kgPerDay: number | ((d: number) => number)): EmissionRow[] =>
  Array.from({ length: days }, (_, d) => ({
    resourceKey,
    startSec: at(fromIso) + d * DAY,
    endSec: at(fromIso) + (d + 1) * DAY,
    co2eKg: typeof kgPerDay === 'number' ? kgPerDay : kgPerDay(d),
    demo: false,
  }));

export const budget = (over: Partial<BudgetDef> = {}): BudgetDef => ({
  id: 'b1',
  scope: { dimension: 'account' },
  period: 'month',
  limitKgCo2e: 1000,
  basis: 'location-based',
  includeEmbodied: false,
  mode: 'advisory',
  notifications: [],
  ...over,
});

export const inputs = (rows: EmissionRow[], over: Partial<BudgetInputs> = {}): BudgetInputs => ({
  rows,
  facts,
  scheduled: [],
  dataStartSec: at('2026-10-01'),
  watermarkSec: at('2026-11-20'),
  demo: false,
  ...over,
});
