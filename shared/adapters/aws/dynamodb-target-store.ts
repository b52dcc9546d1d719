/**
 * TargetStore on the single table: versioned definitions (compare-and-set on `version`), tombstone deletes.
 *
 * | item               | pk           | sk  | gsi1pk                    | gsi1sk |
 * |--------------------|--------------|-----|---------------------------|--------|
 * | target definition  | TARGET#<id>  | DEF | TARGETS / TARGETS#DELETED | <id>   |
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, queryAll } from './dynamodb-helpers';
import { getDefinitionItem, putVersioned } from './dynamodb-budget-store';
import type { TargetDef } from '../../domain/targets/types';
import type { EpochSec } from '../../domain/time';
import type { StoredTarget, TargetBaseline, TargetStore } from '../../ports/budget-ports';

const targetPk = (id: string) => `TARGET#${id}`;

export class DynamoTargetStore implements TargetStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  private static fromItem(item: Record<string, unknown>): StoredTarget {
    return {
      ...(item.target as TargetDef),
      baseline: item.baseline as TargetBaseline,
      version: item.version as number,
      createdAtSec: item.createdAtSec as number,
      updatedAtSec: item.updatedAtSec as number,
      ...(item.deleted === true ? { deleted: true } : {}),
    };
  }

  async putTarget(t: TargetDef, baseline: TargetBaseline, expectedVersion: number, nowSec: EpochSec): Promise<StoredTarget | undefined> {
    const existing = expectedVersion === 0 ? undefined : await getDefinitionItem(this.doc, this.tableName, targetPk(t.id));
    const createdAtSec = existing && existing.deleted !== true ? (existing.createdAtSec as number) : nowSec;
    const item = { pk: targetPk(t.id), sk: 'DEF', gsi1pk: 'TARGETS', gsi1sk: t.id, type: 'target', version: expectedVersion + 1, createdAtSec, updatedAtSec: nowSec, target: t, baseline };
    return (await putVersioned(this.doc, this.tableName, item, expectedVersion)) ? DynamoTargetStore.fromItem(item) : undefined;
  }

  async getTarget(id: string, opts: { includeDeleted?: boolean } = {}): Promise<StoredTarget | undefined> {
    const item = await getDefinitionItem(this.doc, this.tableName, targetPk(id));
    if (!item || (item.deleted === true && !opts.includeDeleted)) return undefined;
    return DynamoTargetStore.fromItem(item);
  }

  async listTargets(): Promise<StoredTarget[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': 'TARGETS' },
    });
    return items.map(DynamoTargetStore.fromItem).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async deleteTarget(id: string, expectedVersion: number, nowSec: EpochSec): Promise<boolean> {
    const item = await getDefinitionItem(this.doc, this.tableName, targetPk(id));
    if (!item || item.deleted === true || item.version !== expectedVersion) return false;
    return putVersioned(this.doc, this.tableName, { ...item, gsi1pk: 'TARGETS#DELETED', deleted: true, version: expectedVersion + 1, updatedAtSec: nowSec }, expectedVersion);
  }
}
