/**
 * Locally, notification events (SNS in AWS) are printed: the local bus delivers every `Carbon Budget Threshold
 * Crossed` on the CarbonPilot bus to a subscriber with the pattern of shared/pipeline.ts NOTIFICATIONS, and the line
 * names the budget, the threshold, the state change and the amounts; a listener that throws never fails the publisher.
 */
import { LocalBus } from '../../../../shared/adapters/local/local-bus';
import { BUDGET_THRESHOLD_CROSSED, type BudgetThresholdCrossedDetail } from '../../../../shared/contracts/budgets';
import { notificationLine } from '../../../../shared/http/budget-views';
import { EVENT_SOURCE, NOTIFICATIONS, PIPELINE } from '../../../../shared/pipeline';

const detail: BudgetThresholdCrossedDetail = {
  eventId: 'demo-vision-monthly#2026-11#1#ALARM',
  budget: { id: 'demo-vision-monthly', scope: { dimension: 'team', value: 'vision' }, period: 'month', limitKgCo2e: 114, basis: 'location-based', mode: 'advisory', version: 1 },
  period: { key: '2026-11', from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' },
  threshold: { index: 1, type: 'FORECASTED', threshold: 100, thresholdType: 'PERCENTAGE', thresholdKgCo2e: 114 },
  state: 'ALARM',
  previousState: 'OK',
  actualKgCo2e: 77.1,
  forecastKgCo2e: { p50: 134.2, p90: 183.4 },
  utilisationPct: 67.6,
  topContributors: [{ resourceKey: 'ec2-instance#eu-west-1#i-vision', kind: 'ec2-instance', resourceId: 'i-vision', co2eKg: 50, sharePct: 64.9 }],
  asOf: '2026-11-20T00:00:00Z',
  demo: true,
};

describe('budget alerts printed by the local runtime', () => {
  it('delivers Carbon Budget Threshold Crossed to a notification subscriber, and nothing else', () => {
    // Prepare
    const bus = new LocalBus(PIPELINE, async () => undefined);
    const lines: string[] = [];
    for (const n of NOTIFICATIONS) bus.subscribe(n.bus, n.pattern, (e) => lines.push(notificationLine(e)));
    // Act
    bus.publish('carbonpilot', [{ source: EVENT_SOURCE, detailType: BUDGET_THRESHOLD_CROSSED, detail, timeSec: 0 }]);
    bus.publish('default', [{ source: EVENT_SOURCE, detailType: BUDGET_THRESHOLD_CROSSED, detail, timeSec: 0 }]); // another bus
    bus.publish('carbonpilot', [{ source: EVENT_SOURCE, detailType: 'Rollups Updated', detail: { days: ['2026-11-19'] }, timeSec: 0 }]);
    // Assess
    expect(lines).toEqual([
      'DEMO budget alert: demo-vision-monthly (team=vision, 2026-11) FORECASTED > 100 % (114 kgCO2e) OK → ALARM: forecast P50 134 (P90 183) of 114 kgCO2e limit, data to 2026-11-20T00:00:00Z; top: i-vision 65 %',
    ]);
  });

  it('never fails the publishing function when the subscriber throws, and says when a detail cannot be read', async () => {
    const delivered: string[] = [];
    const bus = new LocalBus(PIPELINE, async (fn) => void delivered.push(fn));
    bus.subscribe('carbonpilot', NOTIFICATIONS[0].pattern, () => {
      throw new Error('stdout closed');
    });
    expect(() => bus.publish('carbonpilot', [{ source: EVENT_SOURCE, detailType: BUDGET_THRESHOLD_CROSSED, detail, timeSec: 0 }])).not.toThrow();
    expect(notificationLine({ 'detail-type': BUDGET_THRESHOLD_CROSSED, detail: { eventId: 'x' } })).toMatch(/^\[Carbon Budget Threshold Crossed\] \(detail not readable/);
  });
});
