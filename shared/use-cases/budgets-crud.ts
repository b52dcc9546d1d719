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

/** Delete (tombstone) a definition by compare-and-set: unknown id → DefinitionNotFoundError, moved version → VersionConflictError. */
export async function deleteDefinition(
  what: 'budget' | 'target',
  id: string,
  expectedVersion: number | undefined,
  io: { get: (id: string) => Promise<{ version: number } | undefined>; del: (id: string, version: number) => Promise<boolean> },
): Promise<{ id: string; version: number }> {
  const cur = await io.get(id);
  if (!cur) throw new DefinitionNotFoundError(what, id);
  if (expectedVersion !== undefined && expectedVersion !== cur.version) throw new VersionConflictError(what, id, expectedVersion, cur.version);
  if (!(await io.del(id, cur.version))) throw new VersionConflictError(what, id, cur.version, undefined);
  return { id, version: cur.version + 1 };
}

/** Delete (tombstone) a budget; its notification history stays in the table. */
export const makeDeleteBudget = (d: BudgetCrudDeps) =>
  (id: string, opts: { expectedVersion?: number } = {}): Promise<{ id: string; version: number }> =>
    deleteDefinition('budget', id, opts.expectedVersion, { get: (x) => d.budgets.getBudget(x), del: (x, v) => d.budgets.deleteBudget(x, v, d.clock.nowSec()) });
