/** Budget and target stores against a real DynamoDB API (dynalite, in memory) through the real AWS SDK. */
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { DynamoBudgetStore } from '../../shared/adapters/aws/dynamodb-budget-store';
import { DynamoTargetStore } from '../../shared/adapters/aws/dynamodb-target-store';
import type { NotificationStateItem } from '../../shared/domain/budgets/notifications';
import { budget } from '../helpers/budget-fixtures';

let db: EmbeddedDynamo;
let budgets: DynamoBudgetStore;
let targets: DynamoTargetStore;
beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'budget-store-test' });
  budgets = new DynamoBudgetStore(db.client, db.tableName);
  targets = new DynamoTargetStore(db.client, db.tableName);
});
afterAll(() => db.close());

describe('DynamoBudgetStore', () => {
  it('creates a definition once, then only by compare-and-set on its version', async () => {
    const b = budget({ id: 'cas' });
    expect(await budgets.putBudget(b, 0, 100)).toMatchObject({ id: 'cas', version: 1, createdAtSec: 100 });
    expect(await budgets.putBudget(b, 0, 101)).toBeUndefined(); // exists: a second create loses
    expect(await budgets.putBudget({ ...b, limitKgCo2e: 2000 }, 5, 102)).toBeUndefined(); // stale version
    expect(await budgets.putBudget({ ...b, limitKgCo2e: 2000 }, 1, 103)).toMatchObject({ version: 2, limitKgCo2e: 2000, createdAtSec: 100, updatedAtSec: 103 });
    expect(await budgets.getBudget('cas')).toMatchObject({ version: 2, limitKgCo2e: 2000 });
  });

  it('deletes by tombstone: gone from get and list, the version line continues, a stale writer cannot resurrect it', async () => {
    await budgets.putBudget(budget({ id: 'gone' }), 0, 100);
    expect(await budgets.deleteBudget('gone', 2, 110)).toBe(false); // wrong version
    expect(await budgets.deleteBudget('gone', 1, 110)).toBe(true);
    expect(await budgets.getBudget('gone')).toBeUndefined();
    expect(await budgets.getBudget('gone', { includeDeleted: true })).toMatchObject({ deleted: true, version: 2 });
    expect((await budgets.listBudgets()).map((x) => x.id)).not.toContain('gone');
    expect(await budgets.putBudget(budget({ id: 'gone' }), 1, 120)).toBeUndefined(); // the writer who read version 1
    expect(await budgets.putBudget(budget({ id: 'gone' }), 2, 120)).toMatchObject({ version: 3, createdAtSec: 120 });
    expect((await budgets.listBudgets()).map((x) => x.id)).toContain('gone');
  });

  it('keeps notification states per period, compare-and-set on their version', async () => {
    const s: NotificationStateItem = { budgetId: 'cas', periodKey: '2026-11', index: 1, fingerprint: 'f', state: 'ALARM', asOfSec: 10, version: 1, changes: 1, updatedAtSec: 10 };
    expect(await budgets.putNotificationState(s, 0)).toBe(true);
    expect(await budgets.putNotificationState(s, 0)).toBe(false);
    expect(await budgets.putNotificationState({ ...s, index: 0, state: 'OK' }, 0)).toBe(true);
    expect(await budgets.putNotificationState({ ...s, periodKey: '2026-12' }, 0)).toBe(true);
    expect((await budgets.getNotificationStates('cas', '2026-11')).map((x) => [x.index, x.state])).toEqual([[0, 'OK'], [1, 'ALARM']]);
    expect(await budgets.putNotificationState({ ...s, state: 'OK', version: 2 }, 1)).toBe(true);
    expect((await budgets.getNotificationStates('cas', '2026-11'))[1]).toMatchObject({ state: 'OK', version: 2 });
  });

  it('records an override once per budget, period and job', async () => {
    const o = { budgetId: 'cas', periodKey: '2026-11', jobId: 'j1', reason: 'board-approved model refresh', planKgCo2e: 12, remainingKgCo2e: 3, atSec: 5, demo: false };
    expect(await budgets.recordOverride(o)).toBe('recorded');
    expect(await budgets.recordOverride({ ...o, reason: 'again' })).toBe('exists');
    expect(await budgets.listOverrides('cas')).toEqual([o]);
  });
});

describe('DynamoTargetStore', () => {
  const t = { id: 'halve', metric: 'total-emissions' as const, method: 'absolute-contraction' as const, scope: { dimension: 'account' as const }, basis: 'location-based' as const, baseYear: 2025, targetYear: 2035, targetReductionPct: 50, comparator: 'at-most' as const };
  it('versions targets with their baseline and deletes by tombstone', async () => {
    const baseline = { source: 'entered' as const, recordedValue: 1000, recordedAtSec: 1 };
    expect(await targets.putTarget(t, baseline, 0, 1)).toMatchObject({ version: 1, baseline });
    expect(await targets.putTarget(t, baseline, 0, 2)).toBeUndefined();
    expect(await targets.putTarget({ ...t, targetReductionPct: 60 }, baseline, 1, 3)).toMatchObject({ version: 2, targetReductionPct: 60 });
    expect((await targets.listTargets()).map((x) => x.id)).toEqual(['halve']);
    expect(await targets.deleteTarget('halve', 2, 4)).toBe(true);
    expect(await targets.listTargets()).toEqual([]);
    expect(await targets.getTarget('halve', { includeDeleted: true })).toMatchObject({ deleted: true, version: 3 });
  });
});
