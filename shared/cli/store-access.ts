/**
 * CLI access to the local store: reuse the endpoint of a running `npm start` (dynalite holds an exclusive
 * LevelDB lock on its data directory), else open the data directory in-process.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoFootprintStore } from '../adapters/aws/dynamodb-footprint-store';
import { localDynamoClient, startEmbeddedDynamo } from '../adapters/local/embedded-dynamodb';

export const DEFAULT_DATA_DIR = '.carbonpilot';
const TABLE = 'carbonpilot';
const endpointFile = (dataDir: string) => join(dataDir, 'endpoint');
export const dbDir = (dataDir: string) => join(dataDir, 'db');

export function publishEndpoint(dataDir: string, endpoint: string): () => void {
  writeFileSync(endpointFile(dataDir), endpoint);
  return () => rmSync(endpointFile(dataDir), { force: true });
}

export async function openLocalStore(dataDir: string): Promise<{ store: DynamoFootprintStore; close: () => Promise<void> }> {
  const dir = resolve(dataDir);
  const env = process.env.DYNAMODB_ENDPOINT;
  const file = endpointFile(dir);
  const running = env ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
  if (running) {
    const client = localDynamoClient(running);
    try {
      await client.send(new DescribeTableCommand({ TableName: TABLE }));
      return { store: new DynamoFootprintStore(client, TABLE), close: async () => client.destroy() };
    } catch {
      client.destroy(); // stale endpoint file: the server is gone, open the directory ourselves
    }
  }
  if (!existsSync(dbDir(dir))) throw new Error(`no local store under ${dir} (run \`npm start -- --once\` first, or pass --data-dir)`);
  const db = await startEmbeddedDynamo({ dataDir: dbDir(dir), tableName: TABLE });
  return { store: new DynamoFootprintStore(db.client, TABLE), close: () => db.close() };
}
