/**
 * DEMO seeder of the optimisation pipeline (`npm start`): registers the two DEMO serving endpoints in the local
 * SageMaker stand-in and starts the two DEMO attempts at the beginning of the replay, so the replay's first day
 * shows one candidate promoted and one rejected for an energy regression (demo-optimisation-profiles.ts says why).
 * Idempotent: the endpoints are put-if-absent and the attempts have fixed client tokens (a second run finds them).
 */
import { DAY_SEC } from '../domain/time';
import { OptimiseStartRequest } from '../contracts/optimisation';
import { DEMO_SERVING_ENDPOINTS, demoOptimisationRequests } from '../adapters/local/demo-optimisation-profiles';
import { AttemptConflictError, makeOptimiseDriver, makeStartOptimisation } from '../use-cases/optimise-attempt';
import type { DemoSeeder } from './local-demo';

export const OPTIMISATION_DEMO_SEEDER: DemoSeeder = {
  id: 'optimisation-demo',
  phase: 'before-replay',
  run: async (env, replay) => {
    // The endpoints exist a day before the replay, so their baseline history is there when the shadow tests start.
    for (const e of DEMO_SERVING_ENDPOINTS) await env.optimisation.registerDemoEndpoint(e, replay.startSec - DAY_SEC);
    const start = makeStartOptimisation(env.optimise);
    const driver = makeOptimiseDriver(env.optimise);
    for (const r of demoOptimisationRequests()) {
      try {
        // Driven at once (the replay's first instant), not when the bus delivers the start event: the demo's timeline
        // is then the same whatever the replay step (every later step runs on one-time schedules at exact times).
        await driver.advance((await start(OptimiseStartRequest.parse(r))).attempt.attemptId);
      } catch (e) {
        // An earlier run's attempt on the same endpoint is still active: leave it to finish.
        if (!(e instanceof AttemptConflictError)) throw e;
      }
    }
  },
};
