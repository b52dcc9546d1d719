/**
 * The embedded default: dynalite (the DynamoDB API on LevelDB) in-process on 127.0.0.1, persisted under a
 * data directory, spoken to with the real AWS SDK. Set DYNAMODB_ENDPOINT to use another server instead
 * (e.g. AWS's DynamoDB Local as a stricter second check).
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../aws/table-schema';

// dynalite ships no types. Required when a server is started, not at import: a CLI command that reads a running
// `npm start`'s store never loads it.
type Dynalite = (opts: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => import('node:http').Server;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite: Dynalite = (opts) => (require('dynalite') as Dynalite)(opts);

export interface EmbeddedDynamo {
  endpoint: string;
  client: DynamoDBClient;
  tableName: string;
  close(): Promise<void>;
}

/** Static local credentials: dynalite does not check signatures; nothing here reaches AWS. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export const localDynamoClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({ endpoint, region: 'local', credentials: LOCAL_CREDENTIALS, maxAttempts: 3 });

/** Start dynalite (or connect to DYNAMODB_ENDPOINT) and make sure the table exists. `dataDir` undefined = in memory. */
export async function startEmbeddedDynamo(opts: { dataDir?: string; tableName?: string; endpoint?: string }): Promise<EmbeddedDynamo> {
  const tableName = opts.tableName ?? 'carbonpilot';
  let endpoint = opts.endpoint;
  let server: import('node:http').Server | undefined;
  if (!endpoint) {
    if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 }); // owner-only (LevelDB files inherit the umask)
    server = dynalite({ path: opts.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(0, '127.0.0.1', () => resolve());
    });
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const client = localDynamoClient(endpoint);
  await ensureTable(client, tableName);
  return {
    endpoint,
    client,
    tableName,
    close: async () => {
      client.destroy();
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
  };
}

export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (e) {
    if ((e as { name?: string }).name !== 'ResourceNotFoundException') throw e;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  for (let i = 0; i < 50; i++) {
    const d = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (d.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}
