/** Which emissions count against a budget: scope, basis (never a substituted figure), run-rate history, contributors. */
import {
  basisUnavailable, embodiedCoverage, matchesScope, rowsFromIntervals, sumInScope, topContributors, unscheduledDailyTotals, resourceFacts, SCHEDULED_JOB_TAG,
} from '../../../../shared/domain/budgets/emissions';
import { DEFAULT_ATTRIBUTION_KEYS } from '../../../../shared/domain/attribution';
import { computeInterval } from '../../../../shared/domain/footprint/compute-interval';
import type { FootprintInterval, Ranged } from '../../../../shared/domain/types';
import { DAY, at, dailyRows, facts, FACTS } from '../../../helpers/budget-fixtures';
import { TEST_SPEC, T0, job, minuteSamples, telemetryOf } from '../../../helpers/fixtures';

const interval = (): FootprintInterval => {
  const r = job();
  return computeInterval({
    resource: r, spec: TEST_SPEC, attribution: { team: 'nlp', project: 'p', model: 'm' }, interval: { startSec: T0, endSec: T0 + 3600 },
    telemetry: telemetryOf(r, [{ host: 'h', samples: minuteSamples(T0, 60, () => ({ gpuUtilPct: 80, cpuUtilPct: 30 })) }]),
    pue: 1.1, pueSource: 'test', intensity: { gPerKwh: 300, signal: 'average-lifecycle', zone: 'Z', provider: 'test', quality: 'actual' },
  });
};

describe('budget scope', () => {
  const src = FACTS['endpoint#us-east-1#chat/AllTraffic'];
  it.each([
    [{ dimension: 'account' }, true],
    [{ dimension: 'team', value: 'nlp' }, true],
    [{ dimension: 'team', value: 'vision' }, false],
    [{ dimension: 'project', value: 'serving' }, true],
    [{ dimension: 'model', value: 'llm' }, true],
    [{ dimension: 'region', value: 'us-east-1' }, true],
    [{ dimension: 'region', value: 'eu-west-1' }, false],
    [{ dimension: 'kind', value: 'endpoint' }, true],
    [{ dimension: 'kind', value: 'training-job' }, false],
  ] as const)('%j matches an nlp endpoint in us-east-1: %s', (scope, expected) => {
    expect(matchesScope(scope, src)).toBe(expected);
  });

  it('marks training jobs launched by the scheduler (its job-id tag) so their future comes from the plan', () => {
    const f = resourceFacts(job({ tags: { team: 'nlp', [SCHEDULED_JOB_TAG]: 'abc' } }), DEFAULT_ATTRIBUTION_KEYS);
    expect(f).toMatchObject({ kind: 'training-job', scheduledJobId: 'abc', attribution: { team: 'nlp' } });
  });
});

describe('basis', () => {
  it('counts the location-based figure of each interval', () => {
    const i = interval();
    const r = rowsFromIntervals([i], 'location-based');
    expect(r).toEqual({ available: true, rows: [{ resourceKey: i.resourceKey, startSec: T0, endSec: T0 + 3600, co2eKg: i.co2eKg.point, embodiedGap: true, demo: false }] });
  });

  it('reports market-based as not available instead of passing a location-based number off as one', () => {
    expect(basisUnavailable('market-based')).toMatch(/market-based emissions are not available to budgets/);
    expect(basisUnavailable('location-based')).toBeUndefined();
    const r = rowsFromIntervals([interval()], 'market-based');
    expect(r.available).toBe(false);
  });

  it('keeps the embodied figure beside the operational one, and counts it only when the budget includes it', () => {
    const plain = interval();
    const embodied: Ranged = { point: 0.25, low: 0.2, high: 0.3 };
    const withEmb: FootprintInterval = { ...plain, embodiedKgCo2e: embodied, embodiedStatus: 'computed', intervalStartSec: T0 + 3600 };
    const r = rowsFromIntervals([plain, withEmb], 'location-based');
    if (!r.available) throw new Error(r.reason);
    expect(r.rows[1]).toMatchObject({ co2eKg: plain.co2eKg.point, embodiedKg: 0.25 });
    expect(r.rows[1].embodiedGap).toBeUndefined();
    const f = () => facts(plain.resourceKey);
    const w = { startSec: T0, endSec: T0 + 7200 };
    expect(sumInScope(r.rows, { dimension: 'account' }, f, w)).toBeCloseTo(2 * plain.co2eKg.point, 12);
    expect(sumInScope(r.rows, { dimension: 'account' }, f, w, true)).toBeCloseTo(2 * plain.co2eKg.point + 0.25, 12);
    // The first hour has no embodied figure: its resource is counted as one without (never as zero embodied, silently).
    expect(embodiedCoverage(r.rows, { dimension: 'account' }, f, w)).toEqual({ operationalKgCo2e: expect.closeTo(2 * plain.co2eKg.point, 12), embodiedKgCo2e: 0.25, resourcesWithoutFigure: 1, resourcesInScope: 1 });
    expect(embodiedCoverage(r.rows, { dimension: 'account' }, f, { startSec: T0 + 3600, endSec: T0 + 7200 })).toEqual({ operationalKgCo2e: plain.co2eKg.point, embodiedKgCo2e: 0.25, resourcesWithoutFigure: 0, resourcesInScope: 1 });
  });
});

describe('sums, run-rate history and contributors', () => {
  const rows = [
    ...dailyRows('endpoint#us-east-1#chat/AllTraffic', '2026-11-01', 10, 10),
    ...dailyRows('ec2-instance#eu-west-1#i-1', '2026-11-01', 10, 4),
    ...dailyRows('training-job#us-east-1#adhoc-1', '2026-11-03', 2, 30),
    ...dailyRows('training-job#eu-north-1#cp-abc-s0', '2026-11-05', 1, 50),
  ];
  const w = { startSec: at('2026-11-01'), endSec: at('2026-11-11') };

  it('sums what is in scope inside the window', () => {
    expect(sumInScope(rows, { dimension: 'account' }, facts, w)).toBe(100 + 40 + 60 + 50);
    expect(sumInScope(rows, { dimension: 'team', value: 'nlp' }, facts, w)).toBe(100 + 60 + 50);
    expect(sumInScope(rows, { dimension: 'team', value: 'nlp' }, facts, { startSec: at('2026-11-05'), endSec: at('2026-11-06') })).toBe(10 + 50);
  });

  it('leaves scheduler-launched work out of the run-rate history (its future is in the plan)', () => {
    const days = Array.from({ length: 6 }, (_, d) => ({ startSec: at('2026-11-01') + d * DAY, endSec: at('2026-11-01') + (d + 1) * DAY }));
    expect(unscheduledDailyTotals(rows, { dimension: 'team', value: 'nlp' }, facts, days)).toEqual([10, 10, 40, 40, 10, 10]);
  });

  it('names the largest resources with their share', () => {
    const top = topContributors(rows, { dimension: 'account' }, facts, w, 2);
    // Account total 250 kg: chat 100 (40 %), adhoc-1 60 (24 %), cp-abc-s0 50 (20 %), i-1 40 (16 %).
    expect(top.map((c) => [c.resourceId, c.co2eKg, c.sharePct])).toEqual([['chat/AllTraffic', 100, 40], ['adhoc-1', 60, 24]]);
  });

  it('adds the embodied figure to sums, run-rate history and contributors only when asked', () => {
    // i-1 carries 6 kg embodied a day (a vCPU share of its host); the rest carry none.
    const withEmb = rows.map((r) => (r.resourceKey.startsWith('ec2-instance') ? { ...r, embodiedKg: 6 } : r));
    expect(sumInScope(withEmb, { dimension: 'account' }, facts, w)).toBe(250);
    expect(sumInScope(withEmb, { dimension: 'account' }, facts, w, true)).toBe(250 + 60);
    const days = Array.from({ length: 2 }, (_, d) => ({ startSec: at('2026-11-01') + d * DAY, endSec: at('2026-11-01') + (d + 1) * DAY }));
    expect(unscheduledDailyTotals(withEmb, { dimension: 'region', value: 'eu-west-1' }, facts, days, true)).toEqual([10, 10]);
    // i-1 now ties the endpoint at 100 kg (40 + 60 embodied); ties go by resource key.
    expect(topContributors(withEmb, { dimension: 'account' }, facts, w, 2, true).map((c) => [c.resourceId, c.co2eKg])).toEqual([['i-1', 100], ['chat/AllTraffic', 100]]);
    expect(topContributors(withEmb, { dimension: 'account' }, facts, w, 1).map((c) => [c.resourceId, c.co2eKg])).toEqual([['chat/AllTraffic', 100]]);
  });
});
