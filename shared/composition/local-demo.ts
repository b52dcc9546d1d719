/**
 * DEMO seeders of `npm start`: what each capability puts into the local store so its views have something real to
 * show (labelled demo). `before-replay` seeders run once the local environment exists and before the demo fleet is
 * replayed (e.g. instruments, budgets' definitions); `after-replay` ones run after the replay reached `--now` (e.g.
 * evaluations that need the footprints). Each must be idempotent: `npm start` twice changes nothing.
 *
 * Adding one: export `{ id, phase, run }` from the capability's module and add ONE line to DEMO_SEEDERS.
 */
import type { EpochSec } from '../domain/time';
import type { LocalEnvironment } from './local';
import { budgetsDemoSeeder } from './local-demo-budgets';
import { demoCcftExportSeeder, demoInstrumentsSeeder } from './demo-scopes-seeders';
import { lifecycleDemoSeeder } from './lifecycle';
import { OPTIMISATION_DEMO_SEEDER } from './optimise-demo-seeder';

export interface DemoSeeder {
  id: string;
  phase: 'before-replay' | 'after-replay';
  run(env: LocalEnvironment, replay: { startSec: EpochSec; nowSec: EpochSec }): Promise<void>;
}

export const DEMO_SEEDERS: readonly DemoSeeder[] = [
  budgetsDemoSeeder,
  demoInstrumentsSeeder,
  demoCcftExportSeeder,
  lifecycleDemoSeeder,
  OPTIMISATION_DEMO_SEEDER,
];

/** Run the seeders of one phase, in registry order. */
export async function runDemoSeeders(phase: DemoSeeder['phase'], env: LocalEnvironment, replay: { startSec: EpochSec; nowSec: EpochSec }, seeders: readonly DemoSeeder[] = DEMO_SEEDERS): Promise<void> {
  for (const s of seeders) if (s.phase === phase) await s.run(env, replay);
}
