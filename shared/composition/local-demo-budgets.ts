/**
 * The DEMO seeder of budgets and targets for `npm start` (registered in local-demo.ts). After the replay, because
 * the demo budgets' limits follow the demo fleet's own figures (one account budget with headroom, one team budget
 * heading for a forecasted breach, one enforcing team budget with no room left) and the default targets get a demo
 * base year from its run-rate. Idempotent (each definition is created only when absent). Then one evaluation through
 * the pipeline's own handler, so notification states are decided and the alerts printed before the dashboard opens
 * (the hourly schedule would do it an hour later).
 */
import { isoUtc } from '../domain/time';
import { seedDemoBudgets } from '../use-cases/seed-demo-budgets';
import type { DemoSeeder } from './local-demo';

export const budgetsDemoSeeder: DemoSeeder = {
  id: 'budgets-and-targets',
  phase: 'after-replay',
  async run(env) {
    const s = env.stores;
    await seedDemoBudgets({ store: s.store, budgets: s.budgets, targets: s.targets, jobs: s.jobs, attributionKeys: env.config.attributionKeys, clock: env.clock });
    const at = isoUtc(env.clock.nowSec());
    await env.invoke('budget-evaluate', { version: '0', id: `demo-budget-evaluate-${at}`, 'detail-type': 'Scheduled Event', source: 'aws.events', account: '000000000000', time: at, region: 'local', resources: [], detail: {} });
    await env.bus.drain();
  },
};
