/**
 * TargetStore on the single table: versioned definitions (compare-and-set on `version`), tombstone deletes.
 *
 * | item               | pk           | sk  | gsi1pk                    | gsi1sk |
 * |--------------------|--------------|-----|---------------------------|--------|
 * | target definition  | TARGET#<id>  | DEF | TARGETS / TARGETS#DELETED | <id>   |
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from './dynamodb-helpers';
import { DefinitionItems } from './dynamodb-budget-store';
import type { TargetDef } from '../../domain/targets/types';
import type { EpochSec } from '../../domain/time';
import type { StoredTarget, TargetBaseline, TargetStore } from '../../ports/budget-ports';

const targetPk = (id: string) => `TARGET#${id}`;

export class DynamoTargetStore implements TargetStore {
  private readonly defs: DefinitionItems;

  constructor(client: DynamoDBClient, tableName: string) {
    this.defs = new DefinitionItems(documentClient(client), tableName, { prefix: 'TARGET', list: 'TARGETS', attr: 'target', type: 'target' });
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
    const item = await this.defs.put(t.id, t, expectedVersion, nowSec, { baseline });
    return item && DynamoTargetStore.fromItem(item);
  }

  async getTarget(id: string, opts: { includeDeleted?: boolean } = {}): Promise<StoredTarget | undefined> {
    const item = await this.defs.get(id, opts.includeDeleted);
    return item && DynamoTargetStore.fromItem(item);
  }

  async listTargets(): Promise<StoredTarget[]> {
    return (await this.defs.list()).map(DynamoTargetStore.fromItem);
  }

  async deleteTarget(id: string, expectedVersion: number, nowSec: EpochSec): Promise<boolean> {
    return this.defs.delete(id, expectedVersion, nowSec);
  }
}
