/**
 * The local runtime: embedded DynamoDB API (dynalite), a local EventBridge stand-in, the same handlers as
 * in AWS with local adapters, and a replay of the DEMO fleet over the days before `nowSec`.
 */
import { PIPELINE, type PipelineFunction } from '../../pipeline';
import { loadConfig, type AppConfig } from '../../contracts/config';
import { DynamoFootprintStore } from '../aws/dynamodb-footprint-store';
import { localDeps } from '../../composition/local';
import type { AppDeps } from '../../composition/deps';
import { alignDown, DAY_SEC, HOUR_SEC, type EpochSec } from '../../domain/time';
import { startEmbeddedDynamo, type EmbeddedDynamo } from './embedded-dynamodb';
import { LocalBus, type BusEvent } from './local-bus';
import { ManualClock } from './manual-clock';

type HandlerModule = { makeHandler: (getDeps: () => Promise<AppDeps>) => (event: unknown, context: unknown) => Promise<unknown> };

/** Load each pipeline function's handler module (the very files Lambda runs) and bind it to local deps. */
export function bindHandlers(pipeline: readonly PipelineFunction[], deps: AppDeps) {
  const handlers = new Map<string, (event: BusEvent) => Promise<unknown>>();
  for (const fn of pipeline) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(`../../../${fn.handlerPath.replace(/\.ts$/, '')}`) as HandlerModule;
    const h = mod.makeHandler(async () => deps);
    handlers.set(fn.id, (event) => h(event, { functionName: fn.id, awsRequestId: event.id }));
  }
  return handlers;
}

export interface LocalRuntimeOptions {
  dataDir?: string;
  nowSec: EpochSec;
  days?: number;
  /** Replay granularity: schedules fire once per step (a replay compresses time; the collector catches up from its cursors). */
  stepSec?: number;
  env?: Record<string, string | undefined>;
  onProgress?: (doneSec: number, totalSec: number) => void;
}

export interface LocalRuntime {
  db: EmbeddedDynamo;
  store: DynamoFootprintStore;
  clock: ManualClock;
  bus: LocalBus;
  deps: AppDeps;
  config: Readonly<AppConfig>;
  replayStartSec: EpochSec;
  /** Replay from the start (or where the last call stopped) to `toSec`. */
  advanceTo(toSec: EpochSec): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalRuntime(o: LocalRuntimeOptions): Promise<LocalRuntime> {
  const days = o.days ?? 14;
  const stepSec = o.stepSec ?? HOUR_SEC;
  const replayStartSec = alignDown(o.nowSec, HOUR_SEC) - days * DAY_SEC;
  const config = loadConfig({
    MONITORED_REGIONS: '',
    COLLECT_LAG_SEC: '600',
    ...o.env,
  });
  const db = await startEmbeddedDynamo({ dataDir: o.dataDir, tableName: config.tableName, endpoint: o.env?.DYNAMODB_ENDPOINT });
  const store = new DynamoFootprintStore(db.client, db.tableName);
  const clock = new ManualClock(replayStartSec);
  let bus: LocalBus;
  const deps = localDeps({
    config,
    store,
    clock,
    demoAnchorSec: o.nowSec,
    publisher: { publish: async (entries) => bus.publish('carbonpilot', entries.map((e) => ({ ...e, timeSec: clock.nowSec() }))) },
  });
  const handlers = bindHandlers(PIPELINE, deps);
  bus = new LocalBus(PIPELINE, async (fnId, event) => {
    const h = handlers.get(fnId);
    if (!h) throw new Error(`no handler bound for ${fnId}`);
    await h(event);
  });
  let at = replayStartSec;
  return {
    db, store, clock, bus, deps, config, replayStartSec,
    async advanceTo(toSec) {
      const total = Math.max(1, toSec - replayStartSec);
      while (at < toSec) {
        at = Math.min(toSec, at + stepSec);
        clock.set(at);
        bus.fireSchedulesUpTo(at, replayStartSec, true);
        await bus.drain();
        o.onProgress?.(at - replayStartSec, total);
      }
    },
    close: () => db.close(),
  };
}
