/**
 * CLI access to the local store: reuse the endpoint of a running `npm start` (dynalite holds an exclusive
 * LevelDB lock on its data directory), else open the data directory in-process.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoFootprintStore } from '../adapters/aws/dynamodb-footprint-store';
import { localDynamoClient, startEmbeddedDynamo } from '../adapters/local/embedded-dynamodb';
import { getRegionInfo, parseRegionOverrides, type RegionInfo } from '../domain/regions/region-catalog';
import { loadConfig } from '../contracts/config';
import { UsageError } from './args';

export const DEFAULT_DATA_DIR = '.carbonpilot';
const TABLE = 'carbonpilot';
const endpointFile = (dataDir: string) => join(dataDir, 'endpoint');
export const dbDir = (dataDir: string) => join(dataDir, 'db');

export function publishEndpoint(dataDir: string, endpoint: string): () => void {
  // Only the owner may read where the (unauthenticated) embedded DynamoDB API listens.
  writeFileSync(endpointFile(dataDir), endpoint, { mode: 0o600 });
  return () => rmSync(endpointFile(dataDir), { force: true });
}

export interface LocalDb {
  client: DynamoDBClient;
  tableName: string;
  close(): Promise<void>;
}

/**
 * The local DynamoDB API: a running `npm start` (its endpoint file, or DYNAMODB_ENDPOINT), else the data directory
 * in-process. Undefined when there is no store yet and `create` is false.
 */
export async function openLocalDb(dataDir: string, opts: { create: boolean; env?: Record<string, string | undefined> }): Promise<LocalDb | undefined> {
  const dir = resolve(dataDir);
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
  mkdirSync(dir, { recursive: true });
  const db = await startEmbeddedDynamo({ dataDir: dbDir(dir), tableName: TABLE });
  return { client: db.client, tableName: TABLE, close: () => db.close() };
}

/** The footprint store of the local data directory; a clear error when there is none yet. */
export async function openLocalStore(dataDir: string): Promise<{ store: DynamoFootprintStore; client: DynamoDBClient; tableName: string; close: () => Promise<void> }> {
  const db = await openLocalDb(dataDir, { create: false });
  if (!db) throw new Error(`no local store under ${resolve(dataDir)} (run \`npm start -- --once\` first, or pass --data-dir)`);
  return { store: new DynamoFootprintStore(db.client, db.tableName), client: db.client, tableName: db.tableName, close: () => db.close() };
}

/** Region lookup with the operator's REGION_OVERRIDES, as the pipeline sees it; a bad value is a usage error naming it. */
export function regionLookup(env: Record<string, string | undefined> = process.env): (region: string) => RegionInfo | undefined {
  let overrides: Record<string, Partial<RegionInfo>> = {};
  if (env.REGION_OVERRIDES) {
    try {
      overrides = parseRegionOverrides(env.REGION_OVERRIDES);
    } catch (e) {
      throw new UsageError(`REGION_OVERRIDES: ${(e as Error).message}`);
    }
  }
  return (region) => getRegionInfo(region, overrides);
}

/** The scheduling limits the operator set in the environment (MAX_PLAN_HORIZON_DAYS); a bad value is a usage error naming it. */
export function cliSchedulingConfig(env: Record<string, string | undefined> = process.env): { maxPlanHorizonDays: number } {
  try {
    return { maxPlanHorizonDays: loadConfig({ MAX_PLAN_HORIZON_DAYS: env.MAX_PLAN_HORIZON_DAYS }).maxPlanHorizonDays };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
