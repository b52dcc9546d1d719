/**
 * OptimisationStore on the single table (DynamoDB in AWS, dynalite locally). Single-item conditions only (dynalite
 * has no transactions): the state item is created `attribute_not_exists` and then moves by compare-and-set on
 * `version`. The GSI partition says whether the attempt is still active, so the hourly sweep reads only those.
 *
 * | item          | pk          | sk    | gsi1pk                      | gsi1sk                         |
 * |---------------|-------------|-------|-----------------------------|--------------------------------|
 * | attempt state | OPT#<id>    | STATE | OPTS#ACTIVE / OPTS#DONE     | <paddedCreatedAt>#<id>         |
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionFailure, putVersioned, queryAll } from './dynamodb-helpers';
import { isTerminalAttempt } from '../../domain/optimisation/attempt-state';
import { padSec } from '../../domain/time';
import type { AttemptPatch, AttemptRecord, OptimisationStore } from '../../ports/optimisation-ports';

const pk = (id: string) => `OPT#${id}`;
const ACTIVE = 'OPTS#ACTIVE';
const DONE = 'OPTS#DONE';

export class DynamoOptimisationStore implements OptimisationStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  private item(rec: AttemptRecord) {
    return {
      pk: pk(rec.attemptId),
      sk: 'STATE',
      gsi1pk: isTerminalAttempt(rec.status) ? DONE : ACTIVE,
      gsi1sk: `${padSec(rec.createdAtSec)}#${rec.attemptId}`,
      type: 'optimisation-attempt',
      version: rec.version,
      attempt: rec,
    };
  }

  async create(rec: AttemptRecord): Promise<'created' | 'exists'> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: this.item(rec), ConditionExpression: 'attribute_not_exists(pk)' }));
      return 'created';
    } catch (e) {
      if (isConditionFailure(e)) return 'exists';
      throw e;
    }
  }

  async get(attemptId: string): Promise<AttemptRecord | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: pk(attemptId), sk: 'STATE' }, ConsistentRead: true }));
    return out.Item ? { ...(out.Item.attempt as AttemptRecord), version: out.Item.version as number } : undefined;
  }

  async update(attemptId: string, expectedVersion: number, patch: AttemptPatch): Promise<boolean> {
    const current = await this.get(attemptId);
    if (!current || current.version !== expectedVersion) return false;
    const next: AttemptRecord = { ...current, ...patch, attemptId, version: expectedVersion + 1 };
    return putVersioned(this.doc, this.tableName, this.item(next), expectedVersion);
  }

  private async byPartition(p: string): Promise<AttemptRecord[]> {
    const items = await queryAll(this.doc, { TableName: this.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': p } });
    return items.map((i) => ({ ...(i.attempt as AttemptRecord), version: i.version as number }));
  }

  listActive(): Promise<AttemptRecord[]> {
    return this.byPartition(ACTIVE);
  }

  async listAll(): Promise<AttemptRecord[]> {
    const [a, b] = await Promise.all([this.byPartition(ACTIVE), this.byPartition(DONE)]);
    // An item moving ACTIVE → DONE between the two queries could show twice: keep the newer version.
    const byId = new Map<string, AttemptRecord>();
    for (const r of [...a, ...b]) if ((byId.get(r.attemptId)?.version ?? -1) < r.version) byId.set(r.attemptId, r);
    return [...byId.values()];
  }
}
