/** Lifecycle fixture for the seeded store: one stored evaluation (a cold and a parked endpoint) and a ledger entry. */
import type { LifecycleStore } from '../../shared/ports/lifecycle-ports';
import { DAY_SEC, HOUR_SEC } from '../../shared/domain/time';
import { storeEvaluation } from '../../shared/use-cases/lifecycle-run';
import type { LifecycleResourceView } from '../../shared/use-cases/lifecycle-evaluate';

const START = Date.UTC(2026, 10, 18) / 1000;
const END = START + 2 * DAY_SEC;

const view = (o: Partial<LifecycleResourceView>): LifecycleResourceView => ({
  resource: 'x', kind: 'endpoint', region: 'us-east-1', subjectKey: 'endpoint#us-east-1#x', state: 'cold', idleDays: 16, idleDaysLowerBound: false,
  lastInvocationAt: '2026-11-02T10:00:00Z', wastedKgCo2e: 12.5, wastedKgCo2eRange: { point: 12.5, low: 8, high: 20 }, invocationsPerGpuHour: 0,
  instanceType: 'ml.g5.2xlarge', instances: 1, gpus: 1, mode: 'recommend', thresholds: { coolingAfterDays: 3, coldAfterDays: 14, frozenAfterDays: 90 },
  excluded: null, managed: true,
  proposal: { action: 'park', expectedSavingKgCo2ePerMonth: 23.4, expectedSavingRangeKgCo2ePerMonth: { point: 23.4, low: 15, high: 40 }, expectedSavingKwhPerMonth: 60, restoreTime: 'PT15M', restoreNote: '', ready: true, reason: 'cold: idle 16.0 days', warnings: [] },
  action: null, owner: 'nlp', tags: { team: 'nlp' }, issues: [], demo: true,
  ...o,
});

export const SEED_LIFECYCLE_VIEWS: LifecycleResourceView[] = [
  view({ resource: 'summariser', subjectKey: 'endpoint#us-east-1#summariser' }),
  view({ resource: 'old-ranker', region: 'eu-west-1', subjectKey: 'endpoint#eu-west-1#old-ranker', state: 'cooling', idleDays: 5, tags: { team: 'recsys' }, owner: 'recsys', proposal: { ...view({}).proposal, ready: false, reason: 'cooling: idle 5.0 days, cold in 9.0 days' } }),
];

export async function seedLifecycleFixture(store: LifecycleStore): Promise<void> {
  await storeEvaluation(store, { atSec: END - HOUR_SEC, at: '', resources: SEED_LIFECYCLE_VIEWS, demo: true, errors: [] }, { proposed: [], executed: [], errors: [] });
  // A park in effect for the last day: 0.5 kWh IT per hour × PUE 1.15 at the measured idle draw.
  await store.putLedgerEntry({
    actionId: 'park-seed-1', subject: { kind: 'endpoint', region: 'eu-west-1', name: 'legacy-tagger' }, action: 'park', resourceKeys: [],
    effectiveFromSec: START + DAY_SEC, basis: { itKwhPerHour: { point: 0.5, low: 0.3, high: 0.8 }, pue: 1.15, gpus: 1, instances: 1, instanceType: 'ml.g4dn.xlarge', observedHours: 200, method: 'fixture' }, demo: true,
  });
}
