/** The alternatives the scheduler offers a refused job: each allowed region alone, and a start in the next budget period. */
import { JobRequest } from '../../../shared/contracts/job-request';
import { alternativePlans, resolveRequest } from '../../../shared/use-cases/schedule-job';
import { HOUR_SEC, isoUtc, parseIsoInstant } from '../../../shared/domain/time';
import type { GateDecision } from '../../../shared/domain/budgets/gate';
import { request, startHarness, type Harness } from './scheduling-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness(() => 300);
  // A deadline a month out (past a monthly budget's period end): beyond the default 14-day planning horizon.
  h.deps.config = { ...h.deps.config, maxPlanHorizonDays: 40 };
});
afterAll(() => h.close());

const refused: Extract<GateDecision, { decision: 'refuse' }> = {
  decision: 'refuse', checks: [], message: 'x',
  violations: [{ budgetId: 'nlp-gated', scope: 'team=nlp', periodKey: '2024-06', limitKgCo2e: 10, remainingKgCo2e: 1, remainingBasis: 'forecast-p50', planKgCo2e: 3, fits: false }],
};

describe('alternativePlans', () => {
  it('plans the job in each allowed region alone, and from the next period start when the deadline allows', async () => {
    // Submitted 2024-06-01 with a deadline of 2 July: the July period of a monthly budget is reachable.
    const now = h.clock.nowSec();
    const req = JobRequest.parse(request({ deadline: '2024-07-02T00:00:00Z' }));
    const { inputs } = await resolveRequest(h.deps, req, now);
    const plans = await alternativePlans(h.deps, inputs, now, refused, [{ id: 'nlp-gated', period: 'month' }]);
    const regionsOf = (i: number) => [...new Set(plans[i].segments.map((s) => s.region))];
    expect(plans).toHaveLength(3);
    expect([regionsOf(0), regionsOf(1)]).toEqual([['us-east-1'], ['eu-north-1']]);
    expect(isoUtc(plans[2].segments[0].startSec) >= '2024-07-01T00:00:00Z').toBe(true);
  });

  it('offers no next-period start when the deadline comes first', async () => {
    const now = h.clock.nowSec();
    const req = JobRequest.parse(request({ deadline: isoUtc(now + 24 * HOUR_SEC) }));
    const { inputs } = await resolveRequest(h.deps, req, now);
    const plans = await alternativePlans(h.deps, inputs, now, refused, [{ id: 'nlp-gated', period: 'month' }]);
    expect(plans.every((p) => p.segments[0].startSec < parseIsoInstant('2024-07-01'))).toBe(true);
    expect(plans).toHaveLength(2);
  });
});
