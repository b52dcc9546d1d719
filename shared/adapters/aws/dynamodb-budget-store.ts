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
import { documentClient, isConditionFailure, queryAll } from './dynamodb-helpers';
import type { NotificationStateItem } from '../../domain/budgets/notifications';
import type { BudgetDef } from '../../domain/budgets/types';
import type { EpochSec } from '../../domain/time';
import type { BudgetOverrideRecord, BudgetStore, StoredBudget } from '../../ports/budget-ports';

const budgetPk = (id: string) => `BUDGET#${id}`;
const stateSk = (periodKey: string, index: number) => `STATE#${periodKey}#${String(index).padStart(2, '0')}`;

/** Compare-and-set put: 0 = the key must be absent, else the stored `version` must equal it. False = lost the race. */
export async function putVersioned(doc: DynamoDBDocumentClient, tableName: string, item: Record<string, unknown>, expectedVersion: number): Promise<boolean> {
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
      }),
    );
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/** The definition item of a versioned, soft-deletable record (budgets and targets). */
export async function getDefinitionItem(doc: DynamoDBDocumentClient, tableName: string, pk: string): Promise<Record<string, unknown> | undefined> {
  const out = await doc.send(new GetCommand({ TableName: tableName, Key: { pk, sk: 'DEF' }, ConsistentRead: true }));
  return out.Item as Record<string, unknown> | undefined;
}

export class DynamoBudgetStore implements BudgetStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
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
    const existing = expectedVersion === 0 ? undefined : await getDefinitionItem(this.doc, this.tableName, budgetPk(b.id));
    const createdAtSec = existing && existing.deleted !== true ? (existing.createdAtSec as number) : nowSec;
    const item = { pk: budgetPk(b.id), sk: 'DEF', gsi1pk: 'BUDGETS', gsi1sk: b.id, type: 'budget', version: expectedVersion + 1, createdAtSec, updatedAtSec: nowSec, budget: b };
    return (await putVersioned(this.doc, this.tableName, item, expectedVersion)) ? DynamoBudgetStore.fromItem(item) : undefined;
  }

  async getBudget(id: string, opts: { includeDeleted?: boolean } = {}): Promise<StoredBudget | undefined> {
    const item = await getDefinitionItem(this.doc, this.tableName, budgetPk(id));
    if (!item || (item.deleted === true && !opts.includeDeleted)) return undefined;
    return DynamoBudgetStore.fromItem(item);
  }

  async listBudgets(): Promise<StoredBudget[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': 'BUDGETS' },
    });
    return items.map(DynamoBudgetStore.fromItem).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async deleteBudget(id: string, expectedVersion: number, nowSec: EpochSec): Promise<boolean> {
    const item = await getDefinitionItem(this.doc, this.tableName, budgetPk(id));
    if (!item || item.deleted === true || item.version !== expectedVersion) return false;
    return putVersioned(this.doc, this.tableName, { ...item, gsi1pk: 'BUDGETS#DELETED', deleted: true, version: expectedVersion + 1, updatedAtSec: nowSec }, expectedVersion);
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
