/**
 * BudgetStore on the single table (DynamoDB in AWS, dynalite locally). Single-item conditions only (dynalite has no
 * transactions): definitions and notification states are compare-and-set on `version`, overrides are
 * `attribute_not_exists` on a deterministic key, deletes are tombstones (no DeleteItem permission needed, and the
 * version line continues, so a stale writer cannot resurrect a deleted budget).
 *
 * | item               | pk            | sk                          | gsi1pk                      | gsi1sk |
 * |--------------------|---------------|-----------------------------|-----------------------------|--------|
 * | budget definition  | BUDGET#<id>   | DEF                         | BUDGETS / BUDGETS#DELETED   | <id>   |
 * | notification state | BUDGET#<id>   | STATE#<periodKey>#<nn>      | –                           | –      |
 * | override           | BUDGET#<id>   | OVERRIDE#<periodKey>#<job>  | –                           | –      |
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionFailure, putVersioned, queryAll } from './dynamodb-helpers';
import type { NotificationStateItem } from '../../domain/budgets/notifications';
import type { BudgetDef } from '../../domain/budgets/types';
import type { EpochSec } from '../../domain/time';
import type { BudgetOverrideRecord, BudgetStore, StoredBudget } from '../../ports/budget-ports';

const budgetPk = (id: string) => `BUDGET#${id}`;
const stateSk = (periodKey: string, index: number) => `STATE#${periodKey}#${String(index).padStart(2, '0')}`;


/**
 * Versioned, soft-deletable definition items (budgets and targets): pk `<PREFIX>#<id>`, sk `DEF`, listed through
 * gsi1 (`<LIST>` live, `<LIST>#DELETED` tombstones), the definition under one attribute.
 */
export class DefinitionItems {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly k: { prefix: string; list: string; attr: string; type: string },
  ) {}

  private pk = (id: string) => `${this.k.prefix}#${id}`;

  async get(id: string, includeDeleted = false): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: this.pk(id), sk: 'DEF' }, ConsistentRead: true }));
    const item = out.Item as Record<string, unknown> | undefined;
    return item && (item.deleted !== true || includeDeleted) ? item : undefined;
  }

  /** Compare-and-set write (0 = absent; a tombstone's version continues the line); undefined when the race is lost. */
  async put(id: string, def: unknown, expectedVersion: number, nowSec: EpochSec, extra: Record<string, unknown> = {}): Promise<Record<string, unknown> | undefined> {
    const existing = expectedVersion === 0 ? undefined : await this.get(id);
    const item = {
      pk: this.pk(id), sk: 'DEF', gsi1pk: this.k.list, gsi1sk: id, type: this.k.type, version: expectedVersion + 1,
      createdAtSec: (existing?.createdAtSec as number | undefined) ?? nowSec, updatedAtSec: nowSec, [this.k.attr]: def, ...extra,
    };
    return (await putVersioned(this.doc, this.tableName, item, expectedVersion)) ? item : undefined;
  }

  async list(): Promise<Record<string, unknown>[]> {
    const items = await queryAll(this.doc, { TableName: this.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': this.k.list } });
    return items.sort((a, b) => (String(a.gsi1sk) < String(b.gsi1sk) ? -1 : 1));
  }

  /** Tombstone by compare-and-set; false on a version mismatch or when nothing live has that id. */
  async delete(id: string, expectedVersion: number, nowSec: EpochSec): Promise<boolean> {
    const item = await this.get(id);
    if (!item || item.version !== expectedVersion) return false;
    return putVersioned(this.doc, this.tableName, { ...item, gsi1pk: `${this.k.list}#DELETED`, deleted: true, version: expectedVersion + 1, updatedAtSec: nowSec }, expectedVersion);
  }
}

export class DynamoBudgetStore implements BudgetStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly defs: DefinitionItems;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
    this.defs = new DefinitionItems(this.doc, tableName, { prefix: 'BUDGET', list: 'BUDGETS', attr: 'budget', type: 'budget' });
  }

  private static fromItem(item: Record<string, unknown>): StoredBudget {
    return {
      ...(item.budget as BudgetDef),
      version: item.version as number,
      createdAtSec: item.createdAtSec as number,
      updatedAtSec: item.updatedAtSec as number,
      ...(item.deleted === true ? { deleted: true } : {}),
    };
  }

  async putBudget(b: BudgetDef, expectedVersion: number, nowSec: EpochSec): Promise<StoredBudget | undefined> {
    const item = await this.defs.put(b.id, b, expectedVersion, nowSec);
    return item && DynamoBudgetStore.fromItem(item);
  }

  async getBudget(id: string, opts: { includeDeleted?: boolean } = {}): Promise<StoredBudget | undefined> {
    const item = await this.defs.get(id, opts.includeDeleted);
    return item && DynamoBudgetStore.fromItem(item);
  }

  async listBudgets(): Promise<StoredBudget[]> {
    return (await this.defs.list()).map(DynamoBudgetStore.fromItem);
  }

  async deleteBudget(id: string, expectedVersion: number, nowSec: EpochSec): Promise<boolean> {
    return this.defs.delete(id, expectedVersion, nowSec);
  }

  async getNotificationStates(budgetId: string, periodKey: string): Promise<NotificationStateItem[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': budgetPk(budgetId), ':s': `STATE#${periodKey}#` },
      ConsistentRead: true,
    });
    return items.map((i) => ({ ...(i.state as NotificationStateItem), version: i.version as number })).sort((a, b) => a.index - b.index);
  }

  async putNotificationState(s: NotificationStateItem, expectedVersion: number): Promise<boolean> {
    return putVersioned(this.doc, this.tableName, { pk: budgetPk(s.budgetId), sk: stateSk(s.periodKey, s.index), type: 'budget-state', version: s.version, state: s }, expectedVersion);
  }

  async recordOverride(o: BudgetOverrideRecord): Promise<'recorded' | 'exists'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: budgetPk(o.budgetId), sk: `OVERRIDE#${o.periodKey}#${o.jobId}`, type: 'budget-override', override: o },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'recorded';
    } catch (e) {
      if (isConditionFailure(e)) return 'exists';
      throw e;
    }
  }

  async listOverrides(budgetId: string): Promise<BudgetOverrideRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': budgetPk(budgetId), ':s': 'OVERRIDE#' },
    });
    return items.map((i) => i.override as BudgetOverrideRecord);
  }
}
