/**
 * Composition root of the `carbonpilot` CLI: the local store (a running `npm start`'s endpoint, or the data
 * directory in-process), with the same stores, intensity chain and forecast source as the local runtime and AWS
 * (factories.ts). The configuration is the same environment contract (TABLE_NAME, REGION_OVERRIDES,
 * FOOTPRINT_SIGNAL …), parsed once; a bad value is a usage error naming the variable.
 */
import { join, resolve } from 'node:path';
import { ConfigurationError, type AppConfig } from '../contracts/config';
import type { Clock } from '../ports';
import type { SchedulingDeps, TrainingLauncher } from '../ports/scheduler-ports';
import type { JobStore } from '../ports/scheduler-ports';
import { LocalSegmentScheduler } from '../adapters/local/local-segment-scheduler';
import { DemoIntensityProvider } from '../adapters/intensity/demo-intensity-provider';
import { YearlyIntensityProvider } from '../adapters/intensity/yearly-intensity-provider';
import { SeriesForecastSource } from '../adapters/intensity/series-forecast-source';
import { systemClock } from '../adapters/system-clock';
import { lookupInstance } from '../domain/power/instance-catalog';
import { getRegionInfo } from '../domain/regions/region-catalog';
import type { IntensityProvider } from '../ports';
import type { FetchFn } from '../adapters/intensity/http';
import type { EpochSec } from '../domain/time';
import { makeLiveProvider, missingCredential, type LiveProvider, type LiveProviderId } from '../adapters/intensity/live-providers';
import { UsageError } from '../cli/args';
import { existsSync, readFileSync } from 'node:fs';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { localDynamoClient, startEmbeddedDynamo } from '../adapters/local/embedded-dynamodb';
import { claimDataDir, dbDir, endpointFile } from '../cli/store-access';
import type { AppCore } from './deps';
import { makeCore, makeOptimiseDeps, makeSchedulingDeps, forecastSourceOf, tableStores, type TableStores } from './factories';
import { LocalSageMakerOptimisation, localPollScheduler } from '../adapters/local/local-sagemaker-optimisation';
import type { OptimiseDeps } from '../ports/optimisation-ports';
import { localConfig, queryDepsOf } from './local';

export interface LocalDb {
  client: DynamoDBClient;
  tableName: string;
  close(): Promise<void>;
}

/**
 * The local DynamoDB API: a running `npm start` (its endpoint file, or DYNAMODB_ENDPOINT), else the data directory
 * in-process. Undefined when there is no store yet and `create` is false.
 */
export async function openLocalDb(dataDir: string, opts: { create: boolean; env?: Record<string, string | undefined>; tableName?: string }): Promise<LocalDb | undefined> {
  const dir = resolve(dataDir);
  const TABLE = opts.tableName ?? 'carbonpilot';
  const env = opts.env ?? process.env;
  const file = endpointFile(dir);
  const running = env.DYNAMODB_ENDPOINT ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
  if (running) {
    const client = localDynamoClient(running);
    try {
      await client.send(new DescribeTableCommand({ TableName: TABLE }));
      return { client, tableName: TABLE, close: async () => client.destroy() };
    } catch {
      client.destroy(); // stale endpoint file: the server is gone, open the directory ourselves
    }
  }
  if (!opts.create && !existsSync(dbDir(dir))) return undefined;
  const release = claimDataDir(dir);
  try {
    const db = await startEmbeddedDynamo({ dataDir: dbDir(dir), tableName: TABLE });
    return {
      client: db.client,
      tableName: TABLE,
      close: async () => {
        await db.close();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

/** The CLI's configuration: a bad variable is a usage error (exit 2) naming it. */
export function cliConfig(env: Record<string, string | undefined> = process.env): Readonly<AppConfig> {
  try {
    return localConfig(env);
  } catch (e) {
    if (e instanceof ConfigurationError) throw new UsageError(e.message.replace(/^configuration: /, ''));
    throw e;
  }
}

export interface CliStore {
  config: Readonly<AppConfig>;
  db: LocalDb;
  stores: TableStores;
  /** The core over the store: the demo intensity series is in the chain only when the store holds the demo fleet. */
  core: AppCore;
  demo: boolean;
  close(): Promise<void>;
}

/**
 * Open the local store of `dataDir`. Undefined when there is none yet and `create` is false. `clock`: the instant
 * the command acts at (a `--now` replay never sees forecasts issued after it).
 */
export async function openCliStore(dataDir: string, o: { create: boolean; env?: Record<string, string | undefined>; clock?: Clock }): Promise<CliStore | undefined> {
  const env = o.env ?? process.env;
  const config = cliConfig(env);
  const db = await openLocalDb(dataDir, { create: o.create, env, tableName: config.tableName });
  if (!db) return undefined;
  const stores = tableStores(db.client, db.tableName);
  const demo = (await stores.store.listAllResources()).some((r) => r.demo === true);
  const core = makeCore({ config, stores, clock: o.clock ?? systemClock, demo, log: () => undefined });
  return { config, db, stores, core, demo, close: () => db.close() };
}

/** Like openCliStore, but a missing store is a clear error. */
export async function requireCliStore(dataDir: string, o: { env?: Record<string, string | undefined>; clock?: Clock } = {}): Promise<CliStore> {
  const s = await openCliStore(dataDir, { ...o, create: false });
  if (!s) throw new Error(`no local store under ${resolve(dataDir)} (run \`npm start -- --once\` first, or pass --data-dir)`);
  return s;
}

export { queryDepsOf };

/** The CLI never launches training jobs: `npm start` dispatches what `submit` schedules. */
const NO_LAUNCHER: TrainingLauncher = {
  create: async () => {
    throw new Error('the CLI never launches training jobs; `npm start` dispatches them');
  },
  stop: async () => undefined,
  describe: async () => undefined,
};

/** No stored templates or history (plan preview without a local store). */
const EMPTY_JOBS = { getTemplate: async () => undefined, familyDurations: async () => [] } as unknown as JobStore;

/**
 * Scheduling deps for `plan` / `submit` at `clock`: the local store's jobs and intensity when there is a store (else
 * the DEMO series and yearly averages), the local one-time schedules file that `npm start` fires.
 */
export function cliSchedulingDeps(dataDir: string, opened: CliStore | undefined, clock: Clock, env: Record<string, string | undefined> = process.env): SchedulingDeps {
  const scheduler = new LocalSegmentScheduler(join(resolve(dataDir), 'schedules.json'));
  if (opened) return makeSchedulingDeps(opened.core, opened.stores.jobs, forecastSourceOf(withDemo(opened.core)), { scheduler, launcher: NO_LAUNCHER }, opened.stores.budgets);
  const config = cliConfig(env);
  return {
    jobs: EMPTY_JOBS,
    scheduler,
    launcher: NO_LAUNCHER,
    forecasts: new SeriesForecastSource([new DemoIntensityProvider(), new YearlyIntensityProvider()]),
    clock,
    regionInfo: (region) => getRegionInfo(region, config.regionOverrides),
    lookupInstance,
    config: { maxPlanHorizonDays: config.maxPlanHorizonDays },
  };
}

/** Region lookup with the operator's REGION_OVERRIDES, as the pipeline sees it; a bad value is a usage error naming it. */
export const cliRegionLookup = (env: Record<string, string | undefined> = process.env) => {
  const overrides = cliConfig(env).regionOverrides;
  return (region: string) => getRegionInfo(region, overrides);
};

/** Plans may fall back on the DEMO series when the store has no history for a zone (said in the plan's reasons). */
const withDemo = (core: AppCore): AppCore =>
  core.intensityProviders.some((p) => p instanceof DemoIntensityProvider)
    ? core
    : { ...core, intensityProviders: [core.intensityProviders[0], new DemoIntensityProvider(), ...core.intensityProviders.slice(1)] };

/** The intensity chain a CLI view uses: the store's (with the DEMO series), or DEMO + yearly when there is no store. */
export const cliIntensityChain = (opened: CliStore | undefined): IntensityProvider[] =>
  opened ? withDemo(opened.core).intensityProviders : [new DemoIntensityProvider(), new YearlyIntensityProvider()];

/** One live provider for `intensity backfill`, with the credentials the configuration read from the environment. */
export function cliLiveProvider(id: LiveProviderId, env: Record<string, string | undefined>, o: { fetch?: FetchFn; clock?: () => EpochSec } = {}): LiveProvider {
  const creds = cliConfig(env).localCredentials;
  const missing = missingCredential(id, creds);
  if (missing) throw new UsageError(`backfill: missing credential ${missing} for --provider ${id} (set it in the environment)`);
  return makeLiveProvider(id, creds, o);
}

/**
 * S3 clients for `reconcile --ccft s3://…`, with the user's AWS credentials (the SDK's default provider chain): one per
 * region, the first (AWS_REGION, else us-east-1) following region redirects to find the bucket's own region.
 */
export function cliS3Clients(env: Record<string, string | undefined> = process.env): { clientFor: (region?: string) => S3Client; close(): void } {
  const home = cliConfig(env).homeRegion ?? 'us-east-1';
  const clients = new Map<string, S3Client>();
  return {
    clientFor: (region) => {
      const r = region ?? home;
      let c = clients.get(r);
      if (!c) clients.set(r, (c = new S3Client({ region: r, followRegionRedirects: true })));
      return c;
    },
    close: () => clients.forEach((c) => c.destroy()),
  };
}

/**
 * Optimisation deps for `carbonpilot optimise` at `clock`: the local store's attempts, the DEMO SageMaker stand-in
 * (the CLI never reaches AWS; in AWS use the API), and `notify` as an immediate one-time schedule in the schedules
 * file, which the running `npm start` fires (its hourly sweep is the backstop).
 */
export function cliOptimiseDeps(dataDir: string, opened: CliStore, clock: Clock): OptimiseDeps {
  const schedules = new LocalSegmentScheduler(join(resolve(dataDir), 'schedules.json'));
  const sagemaker = new LocalSageMakerOptimisation(opened.db.client, opened.db.tableName, clock);
  const polls = localPollScheduler(schedules);
  const core = { ...opened.core, clock };
  return {
    ...makeOptimiseDeps(core, { publish: async () => undefined }, { sagemaker, metrics: sagemaker, scheduler: polls }),
    notify: (attemptId) => polls.schedule(`cp-opt-${attemptId}-n${clock.nowSec()}`, clock.nowSec(), { kind: 'carbonpilot.optimise', attemptId }),
  };
}
