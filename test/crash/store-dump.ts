/**
 * The crash test's view of a local data directory: every item of the local store (intervals, raw samples, roll-ups,
 * resources, cursors, jobs, segments, launched training jobs, the replay's progress, the bus outbox), the pending
 * one-time schedules, as canonical JSON per key; and the differences between two such dumps.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetItemCommand, QueryCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { startEmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import type { ReplayProgress } from '../../shared/adapters/local/local-durable-state';

/** key (pk|sk, or `schedules.json|<name>`) → canonical JSON of the item. */
export type StoreDump = Map<string, string>;

/** JSON with object keys sorted at every level, so equal content prints equally. */
export const canonicalJson = (v: unknown): string => JSON.stringify(sortKeys(v));
const sortKeys = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sortKeys)
    : v && typeof v === 'object'
      ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]))
      : v;

/** Dump a data directory written by `npm start --data-dir DIR` (the process must have exited: LevelDB is exclusive). */
export async function dumpDataDir(dataDir: string, tableName = 'carbonpilot'): Promise<StoreDump> {
  const db = await startEmbeddedDynamo({ dataDir: join(dataDir, 'db'), tableName });
  const out: StoreDump = new Map();
  try {
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await db.client.send(new ScanCommand({ TableName: db.tableName, ExclusiveStartKey }));
      for (const raw of page.Items ?? []) {
        const item = unmarshall(raw);
        out.set(`${item.pk}|${item.sk}`, canonicalJson(item));
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  } finally {
    await db.close();
  }
  const schedules = join(dataDir, 'schedules.json');
  if (existsSync(schedules)) {
    for (const s of JSON.parse(readFileSync(schedules, 'utf8')) as { name: string }[]) out.set(`schedules.json|${s.name}`, canonicalJson(s));
  }
  return out;
}

export interface DumpDifference {
  key: string;
  kind: 'missing' | 'extra' | 'changed';
  /** Top-level attributes that differ (changed items). */
  attributes?: string[];
}

/** Every key whose item is missing from, extra in, or different in `actual` compared with `expected`. */
export function diffDumps(expected: StoreDump, actual: StoreDump): DumpDifference[] {
  const out: DumpDifference[] = [];
  for (const [key, want] of expected) {
    const got = actual.get(key);
    if (got === undefined) out.push({ key, kind: 'missing' });
    else if (got !== want) {
      const a = JSON.parse(want) as Record<string, unknown>;
      const b = JSON.parse(got) as Record<string, unknown>;
      const attributes = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k])).sort();
      out.push({ key, kind: 'changed', attributes });
    }
  }
  for (const key of actual.keys()) if (!expected.has(key)) out.push({ key, kind: 'extra' });
  return out.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

/** How many items of each kind a dump holds (for the summary line). */
export function dumpCounts(d: StoreDump): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of d.keys()) {
    const [pk, sk] = key.split('|');
    // Local stand-in items are keyed by partition (their sort keys are names), the product's by item type.
    const kind = pk === 'schedules.json' ? 'schedule' : pk.startsWith('LOCAL') ? pk.replace('#', ' ') : `${pk.split('#')[0]} ${sk.split('#')[0]}`;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/** What a killed run had made durable: the replay's progress (the step in flight) and the bus deliveries it held. */
export async function inspectKilled(dataDir: string, replayId: string, tableName = 'carbonpilot'): Promise<{ progress?: ReplayProgress; pending: number; delivered: number }> {
  const db = await startEmbeddedDynamo({ dataDir: join(dataDir, 'db'), tableName });
  try {
    const p = await db.client.send(new GetItemCommand({ TableName: db.tableName, Key: { pk: { S: 'LOCALRT#REPLAY' }, sk: { S: replayId } }, ConsistentRead: true }));
    let pending = 0;
    let delivered = 0;
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await db.client.send(
        new QueryCommand({ TableName: db.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'LOCALBUS#OUTBOX' } }, ExclusiveStartKey, ConsistentRead: true }),
      );
      for (const i of page.Items ?? []) if (i.state?.S === 'pending') pending++;
      else delivered++;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return { ...(p.Item ? { progress: unmarshall(p.Item) as ReplayProgress } : {}), pending, delivered };
  } finally {
    await db.close();
  }
}
