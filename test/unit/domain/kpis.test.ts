import fc from 'fast-check';
import { computeKpis, CORE_KPIS, KPI_IDS, kpiFactsOfView, type Kpi, type KpiContributor, type KpiInput } from '../../../shared/domain/kpis';
import { viewOfIntervals } from '../../../shared/domain/footprint/footprint-view';
import { countOf } from '../../../shared/domain/footprint/rollup-facts';
import { trailingLowCarbonThreshold } from '../../../shared/domain/scheduler/windows';
import { stackedTimeseries } from '../../../shared/domain/footprint/timeseries';
import { DAY_SEC, HOUR_SEC } from '../../../shared/domain/time';
import type { FootprintInterval, IntensityPoint, ResourceRef } from '../../../shared/domain/types';

const T0 = Date.UTC(2026, 10, 18) / 1000;
const W = { startSec: T0, endSec: T0 + DAY_SEC };

/** A 1-hour interval; energy 1 kWh facility (IT 1/1.2), 0.3 kgCO2e unless overridden. */
const iv = (o: Partial<FootprintInterval> & { id?: string } = {}): FootprintInterval => {
  const id = o.id ?? 'job-a';
  const kind = o.kind ?? 'training-job';
  return {
    resourceKey: `${kind}#eu-west-1#${id}`, kind, resourceId: id, region: 'eu-west-1', instanceType: 'ml.p4d.24xlarge',
    attribution: { team: 'nlp', project: 'p', model: 'm1' }, intervalStartSec: T0, intervalSec: HOUR_SEC,
    itEnergyKwh: { point: 1, low: 1, high: 1 }, pue: 1.2, pueSource: 'test',
    energyKwh: { point: 1.2, low: 1, high: 1.4 }, co2eKg: { point: 0.3, low: 0.2, high: 0.4 },
    intensityGPerKwh: 250, intensitySignal: 'average-lifecycle', intensityZone: 'IE', intensityProvider: 'test', intensityQuality: 'actual',
    method: 'estimated', measuredShare: 0, coveragePct: 100, modelVersion: 't', provisional: false, revision: 1, issues: [], demo: false,
    ...o,
  };
};
const res = (kind: ResourceRef['kind'], id: string): ResourceRef => ({ kind, id, region: 'eu-west-1', instanceType: 'x', counts: [], startSec: T0 - DAY_SEC, status: 'InService', tags: {} });
const kpi = (input: Partial<KpiInput>, id: Kpi['id']): Kpi =>
  computeKpis({ window: W, intervals: [], resources: [], ...input }).kpis.find((k) => k.id === id)!;

/** Hourly intensity points for zone IE: `values[k]` at T0 − (values.length − k) h (the trailing window). */
const trailing = (values: number[], quality: IntensityPoint['quality'] = 'actual'): Map<string, IntensityPoint[]> =>
  new Map([['IE', values.map((g, k) => ({ tSec: T0 - (values.length - k) * HOUR_SEC, periodSec: HOUR_SEC, gPerKwh: g, zone: 'IE', signal: 'average-lifecycle' as const, provider: 'test', quality }))]]);

describe('KPIs that cannot be computed say why (value null, never 0)', () => {
  it.each<[Kpi['id'], Partial<KpiInput>, string]>([
    ['total-emissions', {}, 'no footprint intervals in the window'],
    ['total-energy', {}, 'no footprint intervals in the window'],
    ['training-emissions-per-run', { intervals: [iv({ kind: 'endpoint' })] }, 'no training jobs in the window'],
    ['inference-intensity', { intervals: [iv()] }, 'no endpoints in the window'],
    ['inference-intensity', { intervals: [iv({ kind: 'endpoint' })] }, 'no invocation metrics'],
    ['inference-intensity', { intervals: [iv({ kind: 'endpoint', invocations: 0 })] }, 'endpoints recorded no invocations'],
    ['monitoring-coverage', { intervals: [iv()] }, 'no AI resources discovered in the window'],
    ['measured-share', { intervals: [iv({ itEnergyKwh: { point: 0, low: 0, high: 0 } })] }, 'no energy recorded in the window'],
    ['gpu-utilisation', { intervals: [iv()] }, 'no GPU utilisation telemetry'],
    ['low-carbon-training-share', { intervals: [iv()] }, 'no hourly grid-intensity series available'],
    ['low-carbon-training-share', { intervals: [iv()], zoneHourly: trailing(new Array(48).fill(300), 'yearly-average') }, 'no trailing hourly grid intensity for the training zones (yearly averages only)'],
    ['low-carbon-training-share', { intervals: [iv()], zoneHourly: trailing([100, 200, 300]) }, 'no trailing hourly grid intensity for the training zones (yearly averages only)'],
    ['scheduler-savings', {}, 'not available: no scheduler runs yet'],
    ['scheduler-savings', { scheduler: { jobs: [] } }, 'not available: no scheduler runs yet'],
  ])('%s with %o → "%s"', (id, input, reason) => {
    expect(kpi(input, id)).toMatchObject({ value: null, reason });
  });
});

describe('KPI values', () => {
  it('total emissions sum point, low and high over intervals', () => {
    expect(kpi({ intervals: [iv(), iv({ id: 'b' })] }, 'total-emissions')).toMatchObject({ value: 0.6, low: 0.4, high: 0.8 });
  });

  it('training emissions per run divide each model total by its distinct runs', () => {
    const xs = [iv({ id: 'a' }), iv({ id: 'a', intervalStartSec: T0 + HOUR_SEC }), iv({ id: 'b' }), iv({ id: 'c', attribution: { team: 'nlp', project: 'p', model: 'm2' }, co2eKg: { point: 3, low: 3, high: 3 } })];
    const k = kpi({ intervals: xs }, 'training-emissions-per-run');
    expect(k.value).toBeCloseTo((0.9 + 3) / 3, 12);
    expect(k.breakdown).toEqual([{ key: 'm2', value: 3, count: 1 }, { key: 'm1', value: expect.closeTo(0.45, 12), count: 2 }]);
  });

  it('inference intensity uses only endpoint intervals that had invocation metrics', () => {
    const xs = [iv({ kind: 'endpoint', invocations: 1000 }), iv({ kind: 'endpoint', intervalStartSec: T0 + HOUR_SEC, co2eKg: { point: 5, low: 5, high: 5 } })];
    const k = kpi({ intervals: xs }, 'inference-intensity');
    expect(k.value).toBeCloseTo(0.3, 12); // 0.3 kg × 1000 g/kg / 1000 invocations
    expect(k.detail).toContain('1 endpoint intervals without invocation metrics excluded');
  });

  it('monitoring coverage counts discovered resources active in the window that have telemetry', () => {
    const resources = [res('training-job', 'job-a'), res('training-job', 'silent'), { ...res('training-job', 'ended'), endSec: T0 - 1 }];
    expect(kpi({ intervals: [iv()], resources }, 'monitoring-coverage').value).toBe(50);
  });

  it('measured share is energy-weighted and GPU utilisation is weighted by covered time', () => {
    const xs = [
      iv({ measuredShare: 1, itEnergyKwh: { point: 3, low: 3, high: 3 }, meanGpuUtilPct: 90, coveragePct: 100 }),
      iv({ id: 'b', measuredShare: 0, meanGpuUtilPct: 10, coveragePct: 50 }),
    ];
    expect(kpi({ intervals: xs }, 'measured-share').value).toBeCloseTo(75, 12);
    expect(kpi({ intervals: xs }, 'gpu-utilisation').value).toBeCloseTo((90 * 1 + 10 * 0.5) / 1.5, 12);
  });

  it('a training hour is low-carbon when its intensity is at or below the 30th percentile of the trailing 30 days', () => {
    const hist = Array.from({ length: 100 }, (_, k) => 101 + k * 2); // 101 … 299; p30 = 160.4
    const xs = [iv({ intensityGPerKwh: 160 }), iv({ id: 'b', intensityGPerKwh: 161 }), iv({ id: 'c', intensityGPerKwh: 100 }), iv({ id: 'd', intensityGPerKwh: 400 })];
    expect(kpi({ intervals: xs, zoneHourly: trailing(hist) }, 'low-carbon-training-share').value).toBe(50);
  });

  it('scheduler savings are run-now minus realised emissions', () => {
    const k = kpi({ scheduler: { jobs: [{ runNowCo2eKg: 10, realisedCo2eKg: 7, lowCarbonHours: 3, hours: 4 }, { runNowCo2eKg: 2, realisedCo2eKg: 2, lowCarbonHours: 0, hours: 1 }] } }, 'scheduler-savings');
    expect(k.value).toBe(3);
    expect(k.detail).toContain('25.0 % below running immediately');
  });

  it('reports every KPI, in a fixed order, and flags demo data', () => {
    const r = computeKpis({ window: W, intervals: [iv({ demo: true })], resources: [] });
    expect(r.kpis.map((k) => k.id)).toEqual([...KPI_IDS]);
    expect(r.demo).toBe(true);
    for (const k of r.kpis) expect(k.value === null ? typeof k.reason : 'number').toBe(k.value === null ? 'string' : typeof k.value);
  });
});

describe('stackedTimeseries', () => {
  it('sums intervals into contiguous UTC buckets per key, largest emitter first, empty buckets as 0', () => {
    const xs = [iv(), iv({ id: 'b', intervalStartSec: T0 + 2 * HOUR_SEC, attribution: { team: 'cv', project: 'p', model: 'm' }, co2eKg: { point: 1, low: 1, high: 1 } })];
    const ts = stackedTimeseries(xs, { startSec: T0, endSec: T0 + 3 * HOUR_SEC }, 'team', 'hour');
    expect(ts.buckets).toEqual(['2026-11-18T00:00:00Z', '2026-11-18T01:00:00Z', '2026-11-18T02:00:00Z']);
    expect(ts.series).toEqual([
      { key: 'cv', co2eKg: [0, 0, 1], energyKwh: [0, 0, 1.2] },
      { key: 'nlp', co2eKg: [0.3, 0, 0], energyKwh: [1.2, 0, 0] },
    ]);
    expect(ts.totals.co2eKg).toBeCloseTo(1.3, 12);
  });

  it('leaves out intervals that start outside the window', () => {
    const ts = stackedTimeseries([iv({ intervalStartSec: T0 - HOUR_SEC }), iv()], W, 'region', 'day');
    expect(ts.buckets).toEqual(['2026-11-18T00:00:00Z']);
    expect(ts.series[0].co2eKg).toEqual([0.3]);
  });
});

describe('KPIs from facts: filters, contributors and the sliding low-carbon threshold', () => {
  it('the low-carbon share equals the per-hour definition (trailingLowCarbonThreshold), hour by hour (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 50, max: 500 }), { minLength: 20, maxLength: 120 }), fc.array(fc.record({ h: fc.integer({ min: 0, max: 60 }), g: fc.integer({ min: 50, max: 500 }) }), { minLength: 1, maxLength: 20 }), (hist, jobs) => {
      const zoneHourly = trailing(hist);
      const xs = jobs.map((j, k) => iv({ id: `j${k}`, intervalStartSec: T0 - 30 * HOUR_SEC + j.h * HOUR_SEC, intensityGPerKwh: j.g }));
      const w = { startSec: T0 - 30 * HOUR_SEC, endSec: T0 + 31 * HOUR_SEC };
      const got = computeKpis({ window: w, intervals: xs, resources: [], zoneHourly }).kpis.find((k) => k.id === 'low-carbon-training-share')!;
      const pts = [...zoneHourly.get('IE')!].sort((a, b) => a.tSec - b.tSec);
      let low = 0;
      let classified = 0;
      for (const i of xs) {
        const t = trailingLowCarbonThreshold(pts, i.intervalStartSec);
        if (!Number.isFinite(t)) continue;
        classified++;
        if (i.intensityGPerKwh <= t) low++;
      }
      if (!classified) expect(got.value).toBeNull();
      else expect(got.value).toBe((100 * low * HOUR_SEC) / (classified * HOUR_SEC));
    }), { numRuns: 100 });
  });

  it('a team/region filter on the view gives exactly the KPIs of the filtered intervals (property)', () => {
    fc.assert(fc.property(fc.array(fc.record({ team: fc.constantFrom('a', 'b'), region: fc.constantFrom('eu-west-1', 'us-east-1'), kind: fc.constantFrom('training-job', 'endpoint', 'ec2-instance'), id: fc.constantFrom('x', 'y'), h: fc.integer({ min: 0, max: 23 }), c: fc.double({ min: 0, max: 10, noNaN: true }), inv: fc.option(fc.nat(5000), { nil: undefined }) }), { maxLength: 30 }), fc.constantFrom<{ team?: string; region?: string }>({}, { team: 'a' }, { region: 'us-east-1' }, { team: 'b', region: 'eu-west-1' }), (rows, f) => {
      const xs = rows.map((r) => iv({ id: r.id, kind: r.kind as FootprintInterval['kind'], region: r.region, resourceKey: `${r.kind}#${r.region}#${r.id}`, attribution: { team: r.team, project: 'p', model: 'm' }, intervalStartSec: T0 + r.h * HOUR_SEC, co2eKg: { point: r.c, low: r.c / 2, high: r.c * 2 }, invocations: r.inv }));
      // Different hours of the same resource only: a resource hour is unique, as in the store.
      const unique = [...new Map(xs.map((i) => [`${i.resourceKey}@${i.intervalStartSec}`, i])).values()];
      const keep = unique.filter((i) => (f.team === undefined || i.attribution.team === f.team) && (f.region === undefined || i.region === f.region));
      const fromView = computeKpis({ window: W, facts: kpiFactsOfView(viewOfIntervals(unique), f), resources: [] });
      const fromIntervals = computeKpis({ window: W, intervals: keep, resources: [] });
      expect(fromView).toEqual(fromIntervals);
    }));
  });

  it('contributors add their KPIs after the core ones, reading the same facts', () => {
    const extra: KpiContributor = ({ facts }) => [{ id: 'intervals-seen', label: 'Intervals', unit: 'intervals', value: countOf(facts.total, 'intervals') }];
    const r = computeKpis({ window: W, intervals: [iv(), iv({ id: 'b' })], resources: [] }, [...CORE_KPIS, extra]);
    expect(r.kpis.map((k) => k.id)).toEqual([...KPI_IDS, 'intervals-seen']);
    expect(r.kpis.at(-1)!.value).toBe(2);
  });
});
