import { openLocalDb } from './shared/cli/store-access';
import { localBudgetData } from './shared/cli/commands/budgets';
import { DynamoBudgetStore } from './shared/adapters/aws/dynamodb-budget-store';
import { DynamoTargetStore } from './shared/adapters/aws/dynamodb-target-store';
import { seedDemoBudgets } from './shared/use-cases/seed-demo-budgets';
(async () => {
  const db = (await openLocalDb(process.argv[2], { create: false }))!;
  const r = await seedDemoBudgets({ ...localBudgetData(db), budgets: new DynamoBudgetStore(db.client, db.tableName), targets: new DynamoTargetStore(db.client, db.tableName) });
  console.log(JSON.stringify(r));
  await db.close();
})();
