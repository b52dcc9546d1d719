/**
 * A small, fully deterministic footprint store for API and browser tests: three resources of each kind in two
 * regions and three teams, hourly intervals over two UTC days, daily roll-ups. Numbers are arbitrary but exact.
 */
import { DynamoFootprintStore } from '../../shared/adapters/aws/dynamodb-footprint-store';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { ManualClock } from '../../shared/adapters/local/manual-clock';
import { queryDepsOf } from '../../shared/composition/local';
import { makeCore, tableStores } from '../../shared/composition/factories';
import type { QueryDeps } from '../../shared/composition/deps';
import { loadConfig } from '../../shared/contracts/config';
import { rollupsForDay } from '../../shared/domain/footprint/aggregate';
import { DAY_SEC, HOUR_SEC, utcDay } from '../../shared/domain/time';
import { resourceKey, type FootprintInterval, type ResourceKind, type ResourceRef } from '../../shared/domain/types';
import { LocalSageMakerOptimisation, localPollScheduler } from '../../shared/adapters/local/local-sagemaker-optimisation';
import { LocalSegmentScheduler } from '../../shared/adapters/local/local-segment-scheduler';
import type { OptimiseDeps } from '../../shared/ports/optimisation-ports';
import { finishedAttempt } from '../helpers/optimise-fixtures';

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
      });
    }
  }
  return out;
}

export interface SeededStore {
  db: EmbeddedDynamo;
  store: DynamoFootprintStore;
  deps: QueryDeps;
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
  for (let d = 0; d < SEED_DAYS; d++) {
    const day = utcDay(SEED_START_SEC + d * DAY_SEC);
    await store.putRollups(rollupsForDay(day, intervals));
  }
  const stores = tableStores(db.client, db.tableName);
  await seedOptimisations(stores);
  const clock = new ManualClock(SEED_END_SEC);
  const core = makeCore({ config: loadConfig({ MONITORED_REGIONS: '' }), stores, clock, demo: true, log: () => undefined });
  const deps = queryDepsOf(core);
  const sm = new LocalSageMakerOptimisation(db.client, db.tableName, clock);
  const optimise: OptimiseDeps = { attempts: stores.optimisations, sagemaker: sm, metrics: sm, footprints: store, scheduler: localPollScheduler(new LocalSegmentScheduler()), clock, notify: async () => undefined };
  return { db, store, deps, intervals, optimise, close: () => db.close() };
}
