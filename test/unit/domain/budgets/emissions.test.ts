/** Which emissions count against a budget: scope, basis (never a substituted figure), run-rate history, contributors. */
import {
  basisUnavailable, matchesScope, rowsFromIntervals, sumInScope, topContributors, unscheduledDailyTotals, resourceFacts, SCHEDULED_JOB_TAG,
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
    const r = rowsFromIntervals([i], 'location-based', false);
    expect(r).toEqual({ available: true, rows: [{ resourceKey: i.resourceKey, startSec: T0, endSec: T0 + 3600, co2eKg: i.co2eKg.point, demo: false }] });
  });

  it('reports market-based as not available instead of passing a location-based number off as one', () => {
    expect(basisUnavailable('market-based')).toMatch(/market-based emissions are not available/);
    expect(basisUnavailable('location-based')).toBeUndefined();
    const r = rowsFromIntervals([interval()], 'market-based', false);
    expect(r.available).toBe(false);
  });

  it('adds embodied emissions only when every interval carries them', () => {
    const plain = interval();
    expect(rowsFromIntervals([plain], 'location-based', true)).toEqual({ available: false, reason: expect.stringMatching(/embodied emissions are not available: 1 of 1/) });
    const embodied: Ranged = { point: 0.25, low: 0.2, high: 0.3 };
    const withEmb = { ...plain, embodiedKgCo2e: embodied } as FootprintInterval;
    const r = rowsFromIntervals([withEmb], 'location-based', true);
    expect(r.available && r.rows[0].co2eKg).toBeCloseTo(plain.co2eKg.point + 0.25, 12);
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
});
