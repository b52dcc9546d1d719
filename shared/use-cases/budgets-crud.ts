/**
 * Use cases: create/replace, read, list and delete budget definitions. A definition is validated in full before
 * anything is written (a bad one is a DefinitionError naming each field, nothing stored); writes are
 * compare-and-set on the stored version, so two editors cannot silently overwrite each other.
 */
import { parseBudgetDefinition } from '../contracts/budgets';
import type { Clock } from '../ports';
import type { BudgetStore, StoredBudget } from '../ports/budget-ports';

export interface BudgetCrudDeps {
  budgets: BudgetStore;
  clock: Clock;
}

/** No live record with that id: terminal (HTTP 404, CLI exit 2). */
export class DefinitionNotFoundError extends Error {
  readonly retryable = false;
  constructor(
    readonly what: 'budget' | 'target',
    readonly id: string,
  ) {
    super(`no ${what} with id "${id}"`);
    this.name = 'DefinitionNotFoundError';
  }
}

/** The stored version is not the one the caller expected: re-read and retry (HTTP 409). */
export class VersionConflictError extends Error {
  readonly retryable = true;
  constructor(
    readonly what: 'budget' | 'target',
    readonly id: string,
    readonly expectedVersion: number | undefined,
    readonly actualVersion: number | undefined,
  ) {
    super(`${what} "${id}" is at version ${actualVersion ?? 'none'}, not ${expectedVersion ?? 'the one read'}: re-read it and retry`);
    this.name = 'VersionConflictError';
  }
}

export interface SetResult<T> {
  record: T;
  created: boolean;
}

/** Create or replace a budget (`expectedVersion` = optimistic lock from the caller, e.g. HTTP If-Match). */
export const makeSetBudget = (d: BudgetCrudDeps) =>
  async (raw: unknown, opts: { expectedVersion?: number } = {}): Promise<SetResult<StoredBudget>> => {
    const def = parseBudgetDefinition(raw);
    const existing = await d.budgets.getBudget(def.id, { includeDeleted: true });
    const live = existing && !existing.deleted ? existing : undefined;
    if (opts.expectedVersion !== undefined && (live?.version ?? 0) !== opts.expectedVersion) {
      throw new VersionConflictError('budget', def.id, opts.expectedVersion, live?.version);
    }
    const stored = await d.budgets.putBudget(def, existing?.version ?? 0, d.clock.nowSec());
    if (!stored) throw new VersionConflictError('budget', def.id, existing?.version, undefined);
    return { record: stored, created: !live };
  };

export const makeGetBudget = (d: Pick<BudgetCrudDeps, 'budgets'>) =>
  async (id: string): Promise<StoredBudget> => {
    const b = await d.budgets.getBudget(id);
    if (!b) throw new DefinitionNotFoundError('budget', id);
    return b;
  };

export const makeListBudgets = (d: Pick<BudgetCrudDeps, 'budgets'>) => (): Promise<StoredBudget[]> => d.budgets.listBudgets();

/** Delete (tombstone) a budget; its notification history stays in the table. */
export const makeDeleteBudget = (d: BudgetCrudDeps) =>
  async (id: string, opts: { expectedVersion?: number } = {}): Promise<{ id: string; version: number }> => {
    const b = await d.budgets.getBudget(id);
    if (!b) throw new DefinitionNotFoundError('budget', id);
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== b.version) throw new VersionConflictError('budget', id, opts.expectedVersion, b.version);
    if (!(await d.budgets.deleteBudget(id, b.version, d.clock.nowSec()))) throw new VersionConflictError('budget', id, b.version, undefined);
    return { id, version: b.version + 1 };
  };
