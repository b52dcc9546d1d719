/**
 * A small, fully deterministic footprint store for API and browser tests: three resources of each kind in two
 * regions and three teams, hourly intervals over two UTC days, daily roll-ups. Numbers are arbitrary but exact.
 * Every interval carries an embodied figure beside its operational one, and a small labelled test registry of
 * contractual instruments (SEED_INSTRUMENTS) gives market-based, renewable-share and CFE figures; the grid's
 * carbon-free share comes from the demo series the query deps fall back on.
 */
import { DynamoFootprintStore } from '../../shared/adapters/aws/dynamodb-footprint-store';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { ManualClock } from '../../shared/adapters/local/manual-clock';
import { queryDepsOf } from '../../shared/composition/local';
import { makeCore, tableStores } from '../../shared/composition/factories';
import type { QueryDeps } from '../../shared/composition/deps';
import { loadConfig } from '../../shared/contracts/config';
import { makeRollup } from '../../shared/use-cases/rollup';
import { DAY_SEC, HOUR_SEC, utcDay } from '../../shared/domain/time';
import { resourceKey, type FootprintInterval, type ResourceKind, type ResourceRef } from '../../shared/domain/types';
import { makeBudgetingDeps } from '../../shared/composition/factories';
import { parseBudgetDefinition, type BudgetDefinitionInput } from '../../shared/contracts/budgets';
import { defaultTargets } from '../../shared/domain/targets/defaults';
import { makeEvaluateBudgets } from '../../shared/use-cases/evaluate-budgets';
import type { BudgetingDeps } from '../../shared/use-cases/targets-crud';
import type { Instrument } from '../../shared/domain/market/instrument-types';
import { lifecycleServiceDeps } from '../../shared/composition/lifecycle';
import type { LifecycleServiceDeps } from '../../shared/use-cases/lifecycle-service';
import { seedLifecycleFixture } from './seed-lifecycle';
import { LocalSageMakerOptimisation, localPollScheduler } from '../../shared/adapters/local/local-sagemaker-optimisation';
import { LocalSegmentScheduler } from '../../shared/adapters/local/local-segment-scheduler';
import type { OptimiseDeps } from '../../shared/ports/optimisation-ports';
import { finishedAttempt } from '../helpers/optimise-fixtures';

import { queryRoutes, type QueryRouteOptions } from '../../shared/http/query-routes';
import { budgetsRoutes } from '../../shared/http/budgets-routes';
import { lifecycleRoutes } from '../../shared/http/lifecycle-routes';
import { optimiseRoutes } from '../../shared/http/optimise-routes';
import { replayRoutes } from '../../shared/http/replay-routes';
import type { Route } from '../../shared/http/router';
import { makeBudgetKpis } from '../../shared/use-cases/budget-kpis';

export const SEED_START_SEC = Date.UTC(2026, 10, 18) / 1000; // 2026-11-18T00:00:00Z
export const SEED_DAYS = 2;
export const SEED_END_SEC = SEED_START_SEC + SEED_DAYS * DAY_SEC;

interface Spec { kind: ResourceKind; id: string; region: string; team: string; model: string; kwhPerHour: number; measured: number; invPerHour?: number; util?: number }
export const SEED_RESOURCES: Spec[] = [
  { kind: 'training-job', id: 'llm-finetune-1', region: 'eu-west-1', team: 'nlp', model: 'llama-ft', kwhPerHour: 6, measured: 0, util: 80 },
  { kind: 'training-job', id: 'vision-train-2', region: 'us-east-1', team: 'vision', model: 'vit-l', kwhPerHour: 3, measured: 0, util: 60 },
  { kind: 'endpoint', id: 'chat/AllTraffic', region: 'us-east-1', team: 'nlp', model: 'chat', kwhPerHour: 2, measured: 0, invPerHour: 10_000, util: 30 },
  { kind: 'ec2-instance', id: 'i-0abc', region: 'eu-west-1', team: 'recsys', model: 'untagged', kwhPerHour: 4, measured: 1, util: 50 },
  // Discovered but never reported telemetry (no intervals): lowers monitoring coverage to 4/5.
  { kind: 'ec2-instance', id: 'i-0silent', region: 'eu-west-1', team: 'recsys', model: 'untagged', kwhPerHour: 0, measured: 0 },
];
/** Embodied kgCO2e per instance-hour of the fixture (arbitrary but exact; the real factors live in shared/domain/embodied). */
export const SEED_EMBODIED_KG_PER_HOUR = { point: 0.08, low: 0.05, high: 0.12 };

/** Test instruments (not real contracts): RECs for us-east-1 and Guarantees of Origin for eu-west-1, 2026 vintage. */
export const SEED_INSTRUMENTS: Instrument[] = [
  { id: 'test-rec-us-east-1', label: 'TEST RECs', demo: true, type: 'rec', region: 'us-east-1', generationCountry: 'US', technology: 'wind', vintageYear: 2026, mwh: 0.1, retired: true, gCo2ePerKwh: 0 },
  { id: 'test-go-eu-west-1', label: 'TEST GOs', demo: true, type: 'go', region: 'eu-west-1', generationCountry: 'NO', technology: 'hydro', vintageYear: 2026, mwh: 0.2, retired: true, gCo2ePerKwh: 0 },
];

/** Intensity per region, g/kWh, varying by hour of day so trends are visible. */
const intensity = (region: string, tSec: number) => (region === 'eu-west-1' ? 300 : 400) + 50 * Math.sin((2 * Math.PI * (tSec % DAY_SEC)) / DAY_SEC);

export function seedResources(): ResourceRef[] {
  return SEED_RESOURCES.map((s) => ({
    kind: s.kind, id: s.id, region: s.region, instanceType: 'ml.p4d.24xlarge',
    counts: [{ atSec: SEED_START_SEC, instanceCount: 1 }], startSec: SEED_START_SEC, status: 'InService',
    tags: { team: s.team, model: s.model }, demo: true,
  }));
}

export function seedIntervals(): FootprintInterval[] {
  const out: FootprintInterval[] = [];
  for (const s of SEED_RESOURCES) {
    if (s.kwhPerHour === 0) continue;
    for (let t = SEED_START_SEC; t < SEED_END_SEC; t += HOUR_SEC) {
      const it = s.kwhPerHour;
      const pue = 1.15;
      const e = it * pue;
      const g = intensity(s.region, t);
      const c = (e * g) / 1000;
      out.push({
        resourceKey: resourceKey(s), kind: s.kind, resourceId: s.id, region: s.region, instanceType: 'ml.p4d.24xlarge',
        attribution: { team: s.team, project: 'untagged', model: s.model },
        intervalStartSec: t, intervalSec: HOUR_SEC,
        itEnergyKwh: { point: it, low: it * 0.8, high: it * 1.2 },
        pue, pueSource: 'test fixture',
        energyKwh: { point: e, low: e * 0.8, high: e * 1.2 },
        co2eKg: { point: c, low: c * 0.8, high: c * 1.2 },
        intensityGPerKwh: g, intensitySignal: 'average-lifecycle', intensityZone: s.region === 'eu-west-1' ? 'IE' : 'US-MIDA-PJM',
        intensityProvider: 'demo (synthetic)', intensityQuality: 'demo',
        method: s.measured ? 'measured' : 'estimated', measuredShare: s.measured, coveragePct: 100,
        meanGpuUtilPct: s.util, invocations: s.invPerHour, modelVersion: 'test', provisional: false, revision: 1, issues: [], demo: true,
        embodiedKgCo2e: { ...SEED_EMBODIED_KG_PER_HOUR }, embodiedStatus: 'computed', embodiedModelVersion: 'test',
        embodiedBasis: { platform: 'p4d.24xlarge', allocation: 'accelerator-share', share: 1, lifetimeYears: 6, reservedInstanceHours: 1 },
      });
    }
  }
  return out;
}

/**
 * Budgets of the seed (November 2026, the seed's month): an account budget whose ACTUAL 15 % threshold
 * the two seeded days cross, and an enforcing team budget for nlp. Limits are whole numbers, set against the fixture.
 */
export const SEED_BUDGETS: BudgetDefinitionInput[] = [
  { id: 'seed-account', name: 'Seed: whole account', scope: { dimension: 'account' }, period: 'month', limitKgCo2e: 1500, demo: true, notifications: [{ type: 'ACTUAL', threshold: 15 }, { type: 'FORECASTED', threshold: 100 }] },
  { id: 'seed-nlp', name: 'Seed: team nlp (enforcing)', scope: { dimension: 'team', value: 'nlp' }, period: 'month', limitKgCo2e: 400, mode: 'enforcing', demo: true, notifications: [{ type: 'ACTUAL', threshold: 90 }] },
];
/** Entered base-year (2025) emissions of the seed's total-emissions target, kgCO2e. */
export const SEED_TARGET_BASE_KG = 60_000;
/** The seed is two days long: the forecast may use two days of history (the product's default minimum is 7). */
export const SEED_FORECAST = { minHistoryDays: 2 };

export interface SeededStore {
  db: EmbeddedDynamo;
  store: DynamoFootprintStore;
  deps: QueryDeps;
  /** Budgets and targets over the same store (the budgets/targets routes and KPIs). */
  budgeting: BudgetingDeps;
  /** The lifecycle API's deps over the same store (the api function's view: stored evaluation, no cloud). */
  lifecycle: LifecycleServiceDeps;
  intervals: FootprintInterval[];
  /** The optimisation API's deps over the same store (two finished DEMO attempts seeded: seedOptimisations). */
  optimise: OptimiseDeps;
  close(): Promise<void>;
}

/** Two finished DEMO attempts on the seeded `chat` endpoint model: one promoted, one rejected for an energy regression. */
async function seedOptimisations(stores: ReturnType<typeof tableStores>): Promise<void> {
  await stores.optimisations.create(finishedAttempt({ attemptId: 'aaaaaaaaaaaaaaa1', endpoint: 'chat', model: 'chat', factor: 0.7, startSec: SEED_START_SEC }));
  await stores.optimisations.create(finishedAttempt({ attemptId: 'aaaaaaaaaaaaaaa2', endpoint: 'chat-small', model: 'chat-small', factor: 1.25, startSec: SEED_START_SEC + HOUR_SEC }));
}

/** In-memory dynalite seeded with the fixture, and the local query deps (stored → demo → yearly intensity) around it. */
export async function startSeededStore(): Promise<SeededStore> {
  const db = await startEmbeddedDynamo({});
  const store = new DynamoFootprintStore(db.client, db.tableName);
  const intervals = seedIntervals();
  for (const r of seedResources()) {
    await store.putResource(r);
    await store.advanceCursor(resourceKey(r), 0, SEED_END_SEC);
  }
  for (const i of intervals) await store.putInterval(i);
  // Roll-ups through the product's use case, as the rollup function computes them after the collector.
  await makeRollup({ store })(Array.from({ length: SEED_DAYS }, (_, d) => utcDay(SEED_START_SEC + d * DAY_SEC)));
  const stores = tableStores(db.client, db.tableName);
  await seedOptimisations(stores);
  await stores.instruments.importRegistry(SEED_INSTRUMENTS, { nowSec: SEED_END_SEC, demo: true });
  const clock = new ManualClock(SEED_END_SEC);
  const core = makeCore({ config: loadConfig({ MONITORED_REGIONS: '' }), stores, clock, demo: true, log: () => undefined });
  const deps = queryDepsOf(core);
  const budgeting: BudgetingDeps = { ...makeBudgetingDeps(core, stores), forecast: SEED_FORECAST };
  for (const b of SEED_BUDGETS) await stores.budgets.putBudget(parseBudgetDefinition(b), 0, SEED_END_SEC);
  for (const t of defaultTargets(2026, { demo: true, totalBase: { value: SEED_TARGET_BASE_KG, basis: 'location-based', note: 'seed fixture' } })) {
    await stores.targets.putTarget(t, { source: t.base ? 'entered' : 'store', recordedValue: t.base?.value, recordedAtSec: SEED_END_SEC }, 0, SEED_END_SEC);
  }
  // One evaluation, as the pipeline's hourly run would: notification states (and the alerts they published) stored.
  await makeEvaluateBudgets({ ...budgeting, publisher: { publish: async () => undefined } })();
  await seedLifecycleFixture(core.lifecycle);
  const sm = new LocalSageMakerOptimisation(db.client, db.tableName, clock);
  const optimise: OptimiseDeps = { attempts: stores.optimisations, sagemaker: sm, metrics: sm, footprints: store, scheduler: localPollScheduler(new LocalSegmentScheduler()), clock, notify: async () => undefined };
  return { db, store, deps, budgeting, lifecycle: lifecycleServiceDeps(core, {}), intervals, optimise, close: () => db.close() };
}

/**
 * Every route the dashboard reads, over the seeded store, as `npm start` serves them: the query API (with the budget
 * KPIs), budgets/targets, lifecycle, optimisation, and the local progress route saying live (the seed is not replaying).
 */
export function seededRoutes(seeded: SeededStore, o: QueryRouteOptions = {}): Route[] {
  const live = { phase: 'live' as const, fromSec: 0, toSec: 0, doneToSec: 0 };
  return [
    ...queryRoutes(seeded.deps, { kpiContributors: [makeBudgetKpis(seeded.budgeting)], ...o }),
    ...budgetsRoutes({ budgeting: seeded.budgeting }),
    ...lifecycleRoutes({ lifecycle: seeded.lifecycle }),
    ...optimiseRoutes({ optimise: seeded.optimise }),
    ...replayRoutes(() => live),
  ];
}
