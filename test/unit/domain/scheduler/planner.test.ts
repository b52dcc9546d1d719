import fc from 'fast-check';
import { planJob, safetyMarginSec, PlanRequestError, PLAN_HORIZON_CEILING_DAYS, type PlanRequest, type RegionForecast } from '../../../../shared/domain/scheduler/planner';

const H = 3600;
const T0 = Date.UTC(2024, 0, 15, 0) / 1000; // hour-aligned Monday 00:00 UTC

const region = (name: string, point: number[], opts: Partial<RegionForecast> = {}): RegionForecast => ({
  region: name,
  zone: name,
  pue: 1.15,
  startSec: T0,
  point,
  low: point.map((v) => v * 0.9),
  high: point.map((v) => v * 1.1),
  issuedAtSec: T0,
  signal: 'average-lifecycle',
  ...opts,
});

const req = (over: Partial<PlanRequest>): PlanRequest => ({
  nowSec: T0,
  earliestStartSec: T0,
  deadlineSec: T0 + 24 * H,
  durationSec: 2 * H,
  powerKw: 10,
  interruptible: false,
  restartOverheadSec: 600,
  regions: [region('us-east-1', Array(48).fill(300))],
  ...over,
});

const withDip = (base: number, dips: [from: number, to: number, value: number][], n = 48): number[] =>
  Array.from({ length: n }, (_, h) => dips.find(([a, b]) => h >= a && h < b)?.[2] ?? base);

const runTimeSec = (p: ReturnType<typeof planJob>) => p.segments.reduce((s, x) => s + x.endSec - x.startSec, 0);

describe('planJob: where and when to run', () => {
  it.each([
    {
      name: 'flat forecast → run now at home',
      r: req({}),
      expect: { region: 'us-east-1', startSec: T0, segments: 1, feasible: true },
    },
    {
      name: 'a clear dip inside the slack → start at the dip',
      r: req({ regions: [region('us-east-1', withDip(300, [[5, 8, 100]]))] }),
      expect: { region: 'us-east-1', startSec: T0 + 5 * H, segments: 1, feasible: true },
    },
    {
      name: 'a cleaner allowed region → move there now',
      r: req({ regions: [region('us-east-1', Array(48).fill(400)), region('eu-north-1', Array(48).fill(40))] }),
      expect: { region: 'eu-north-1', startSec: T0, segments: 1, feasible: true },
    },
    {
      name: 'a dip after the deadline is ignored',
      r: req({ deadlineSec: T0 + 6 * H, regions: [region('us-east-1', withDip(300, [[10, 14, 50]]))] }),
      expect: { region: 'us-east-1', startSec: T0, segments: 1, feasible: true },
    },
  ])('$name', ({ r, expect: e }) => {
    // Act
    const plan = planJob(r);
    // Assess
    expect(plan.feasible).toBe(e.feasible);
    expect(plan.segments).toHaveLength(e.segments);
    expect(plan.segments[0].region).toBe(e.region);
    expect(plan.segments[0].startSec).toBe(e.startSec);
    expect(runTimeSec(plan)).toBe(r.durationSec);
    expect(plan.reasons.length).toBeGreaterThan(0);
  });

  it('only ever chooses a region it was given (a region without the data is simply not passed)', () => {
    const plan = planJob(req({ regions: [region('us-east-1', Array(48).fill(400)), region('eu-central-1', Array(48).fill(350))] }));
    expect(plan.segments.every((s) => ['us-east-1', 'eu-central-1'].includes(s.region))).toBe(true);
    expect(plan.segments[0].region).toBe('eu-central-1');
  });

  it('explains a later start in words with the saving against running now at home', () => {
    const plan = planJob(req({ regions: [region('us-east-1', withDip(300, [[3, 5, 150]]))] }));
    // 2 h at 150 vs 2 h at 300 → 50 % below
    expect(plan.reasons[0]).toBe('start at 03:00 UTC (in 3 h) in us-east-1: 50 % below starting now in us-east-1');
    expect(plan.savingsPct).toBeCloseTo(50, 9);
    // 10 kW × 2 h × 300 g/kWh × PUE 1.15 = 6.9 kg
    expect(plan.runNow).toEqual({ region: 'us-east-1', co2eKg: expect.closeTo(6.9, 9) });
    expect(plan.expectedCo2eKg.point).toBeCloseTo(3.45, 9);
    expect(plan.expectedCo2eKg.low).toBeLessThan(plan.expectedCo2eKg.point);
    expect(plan.expectedCo2eKg.high).toBeGreaterThan(plan.expectedCo2eKg.point);
  });

  it('deadline too tight → runs now in the best region, feasible=false, and says why', () => {
    const plan = planJob(
      req({ durationSec: 4 * H, deadlineSec: T0 + 3 * H, regions: [region('us-east-1', Array(48).fill(400)), region('eu-north-1', Array(48).fill(40))] }),
    );
    expect(plan.feasible).toBe(false);
    expect(plan.segments).toEqual([{ region: 'eu-north-1', startSec: T0, endSec: T0 + 4 * H }]);
    expect(plan.reasons[0]).toMatch(/deadline cannot be met/);
  });

  it('deadline that fits the work but not the safety margin → run now, feasible=false', () => {
    const plan = planJob(req({ durationSec: 10 * H, deadlineSec: T0 + 10 * H }));
    expect(plan.feasible).toBe(false);
    expect(plan.segments[0].startSec).toBe(T0);
    expect(plan.reasons[0]).toMatch(/safety margin/);
  });

  it('a wait hurdle keeps the job starting now when the forecast gain from waiting is smaller than the hurdle', () => {
    const slightDip = withDip(300, [[5, 8, 294]]); // 2 % lower later
    expect(planJob(req({ regions: [region('us-east-1', slightDip)] })).segments[0].startSec).toBe(T0 + 5 * H);
    expect(planJob(req({ regions: [region('us-east-1', slightDip)], waitHurdle: 0.05 })).segments[0].startSec).toBe(T0);
  });


  it('a clean last hour before the deadline is still usable: the job starts early by the safety margin to end at deadline − margin', () => {
    // Arrange: 1-h job, deadline in 3 h, only the last hour [2 h, 3 h) is clean; the margin does not fall on the hour.
    const r = req({ durationSec: 1 * H, deadlineSec: T0 + 3 * H, regions: [region('us-east-1', [500, 500, 50, 500])] });
    // Act
    const plan = planJob(r);
    // Assert
    const margin = r.deadlineSec - (plan.latestSafeStartSec + r.durationSec);
    expect(margin).toBeGreaterThan(0);
    expect(plan.segments).toEqual([{ region: 'us-east-1', startSec: T0 + 2 * H - margin, endSec: r.deadlineSec - margin }]);
    expect(plan.expectedCo2eKg.point).toBeCloseTo((10 * 1.15 * (50 * (1 - margin / H) + 500 * (margin / H))) / 1000, 9);
  });
  it('safety margin grows with duration and forecast uncertainty', () => {
    expect(safetyMarginSec(24 * H, 0.1)).toBeGreaterThan(safetyMarginSec(1 * H, 0.1));
    expect(safetyMarginSec(6 * H, 0.5)).toBeGreaterThan(safetyMarginSec(6 * H, 0.05));
  });

  it('rejects a non-positive duration with a typed error', () => {
    expect(() => planJob(req({ durationSec: 0 }))).toThrow(PlanRequestError);
  });
});

describe('planJob: pause and resume (interruptible jobs)', () => {
  // Two 2-h dips at 50 g/kWh separated by a peak; a 4-h job.
  const twoDips = withDip(300, [[2, 4, 50], [10, 12, 50]]);
  const base = { durationSec: 4 * H, interruptible: true };

  it('pauses over the peak when the saving exceeds the restart overhead', () => {
    const plan = planJob(req({ ...base, restartOverheadSec: 600, regions: [region('us-east-1', twoDips)] }));
    expect(plan.segments).toHaveLength(2);
    expect(plan.segments[0]).toEqual({ region: 'us-east-1', startSec: T0 + 2 * H, endSec: T0 + 4 * H });
    // the resumed segment carries 10 min of overhead at full power
    expect(runTimeSec(plan)).toBe(4 * H + 600);
  });

  it('does not pause when the restart overhead eats the saving', () => {
    // overhead of 3 h makes a second segment cost more than running through
    const plan = planJob(req({ ...base, restartOverheadSec: 3 * H, regions: [region('us-east-1', twoDips)] }));
    expect(plan.segments).toHaveLength(1);
  });

  it('a non-interruptible job never pauses', () => {
    const plan = planJob(req({ ...base, interruptible: false, regions: [region('us-east-1', twoDips)] }));
    expect(plan.segments).toHaveLength(1);
    expect(runTimeSec(plan)).toBe(4 * H);
  });
});

describe('planJob: invariants', () => {
  const arb = fc.record({
    nRegions: fc.integer({ min: 1, max: 3 }),
    series: fc.array(fc.array(fc.integer({ min: 20, max: 900 }), { minLength: 40, maxLength: 40 }), { minLength: 3, maxLength: 3 }),
    durationMin: fc.integer({ min: 10, max: 12 * 60 }),
    slackMin: fc.integer({ min: 0, max: 20 * 60 }),
    nowOffsetMin: fc.integer({ min: 0, max: 59 }),
    interruptible: fc.boolean(),
    overheadMin: fc.integer({ min: 0, max: 30 }),
  });

  it('a feasible plan ends by deadline − margin, runs exactly duration (+ overheads), and never expects more than running now', () => {
    fc.assert(
      fc.property(arb, (a) => {
        const nowSec = T0 + a.nowOffsetMin * 60;
        const durationSec = a.durationMin * 60;
        const r = req({
          nowSec,
          earliestStartSec: nowSec,
          durationSec,
          deadlineSec: nowSec + durationSec + a.slackMin * 60,
          interruptible: a.interruptible,
          restartOverheadSec: a.overheadMin * 60,
          regions: a.series.slice(0, a.nRegions).map((s, i) => region(`r${i}`, s)),
        });
        const plan = planJob(r);
        const end = plan.segments[plan.segments.length - 1].endSec;
        const overheads = (plan.segments.length - 1) * r.restartOverheadSec;
        expect(runTimeSec(plan)).toBeCloseTo(durationSec + overheads, 6);
        expect(plan.segments[0].startSec).toBeGreaterThanOrEqual(nowSec);
        for (let i = 1; i < plan.segments.length; i++) expect(plan.segments[i].startSec).toBeGreaterThan(plan.segments[i - 1].endSec);
        if (plan.feasible) {
          expect(end).toBeLessThanOrEqual(plan.latestSafeStartSec + durationSec + 1e-6);
          expect(end).toBeLessThanOrEqual(r.deadlineSec);
          expect(plan.expectedCo2eKg.point).toBeLessThanOrEqual(plan.runNow.co2eKg * (1 + 1e-9));
        } else {
          expect(plan.segments[0].startSec).toBe(nowSec);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('the plan is the true optimum for non-interruptible jobs (checked against brute force over start hours)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 20, max: 900 }), { minLength: 30, maxLength: 30 }), fc.integer({ min: 1, max: 8 }), (s, durH) => {
        const r = req({ durationSec: durH * H, deadlineSec: T0 + 20 * H, regions: [region('a', s)], safetyMarginSec: 0 });
        const plan = planJob(r);
        let best = Infinity;
        for (let j = 0; j + durH <= 20; j++) best = Math.min(best, s.slice(j, j + durH).reduce((x, y) => x + y, 0));
        expect(plan.expectedCo2eKg.point).toBeCloseTo((10 * 1.15 * best) / 1000, 9);
      }),
      { numRuns: 100 },
    );
  });

  it('the plan is the true optimum for interruptible jobs without overhead (brute force over slot subsets)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 20, max: 900 }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 1, max: 5 }), (s, durH) => {
        const r = req({ durationSec: durH * H, deadlineSec: T0 + 8 * H, interruptible: true, restartOverheadSec: 0, maxSegments: 8, regions: [region('a', s)], safetyMarginSec: 0 });
        let best = Infinity;
        for (let mask = 0; mask < 256; mask++) {
          let n = 0;
          let sum = 0;
          for (let j = 0; j < 8; j++) if (mask & (1 << j)) (n++, (sum += s[j]));
          if (n === durH) best = Math.min(best, sum);
        }
        expect(planJob(r).expectedCo2eKg.point).toBeCloseTo((10 * 1.15 * best) / 1000, 9);
      }),
      { numRuns: 100 },
    );
  });
});

describe('planJob: exact optimum against brute force (overheads, partial last hour, segment cap, regions)', () => {
  // Spec: with b run segments the job runs durationSec + (b − 1) × restartOverheadSec at full power; every hour but
  // the last is used whole; at most maxSegments segments (1 when not interruptible); all done by the deadline.
  const bruteForceCost = (values: number[], slots: number, durationSec: number, overheadSec: number, maxB: number): number => {
    let best = Infinity;
    for (let mask = 1; mask < 1 << slots; mask++) {
      let runs = 0;
      let used = 0;
      let last = -1;
      for (let j = 0; j < slots; j++) {
        if (!(mask & (1 << j))) continue;
        if (!(j > 0 && mask & (1 << (j - 1)))) runs++;
        used++;
        last = j;
      }
      if (runs > maxB) continue;
      const workH = (durationSec + (runs - 1) * overheadSec) / H;
      if (used !== Math.max(1, Math.ceil(workH - 1e-9))) continue;
      let sum = 0;
      for (let j = 0; j < slots; j++) if (mask & (1 << j)) sum += j === last ? (workH - (used - 1)) * values[j] : values[j];
      best = Math.min(best, sum);
    }
    return best;
  };

  const arb = fc.record({
    slots: fc.integer({ min: 1, max: 10 }),
    series: fc.array(fc.array(fc.oneof(fc.integer({ min: 0, max: 900 }), fc.double({ min: 1, max: 900, noNaN: true })), { minLength: 10, maxLength: 10 }), { minLength: 1, maxLength: 3 }),
    durationMin: fc.integer({ min: 1, max: 8 * 60 }),
    overheadMin: fc.integer({ min: 0, max: 90 }),
    interruptible: fc.boolean(),
    maxSegments: fc.integer({ min: 1, max: 4 }),
  });

  it('expects exactly the minimum over every feasible slot set, or reports the deadline unmeetable when there is none', () => {
    fc.assert(
      fc.property(arb, (a) => {
        // Prepare: hour-aligned now and deadline, no safety margin, so slots coincide with forecast hours.
        const regions = a.series.map((s, i) => region(`r${i}`, s, { pue: 1 + 0.1 * i }));
        const r = req({
          durationSec: a.durationMin * 60,
          deadlineSec: T0 + a.slots * H,
          interruptible: a.interruptible,
          restartOverheadSec: a.overheadMin * 60,
          maxSegments: a.maxSegments,
          safetyMarginSec: 0,
          regions,
        });
        const maxB = a.interruptible ? a.maxSegments : 1;
        const bestKg = Math.min(...regions.map((g) => (10 * g.pue * bruteForceCost(g.point, a.slots, r.durationSec, r.restartOverheadSec, maxB)) / 1000));
        // Act
        const plan = planJob(r);
        // Assess
        expect(plan.feasible).toBe(Number.isFinite(bestKg));
        if (plan.feasible) {
          expect(plan.expectedCo2eKg.point).toBeLessThanOrEqual(bestKg * (1 + 1e-9) + 1e-12);
          expect(plan.expectedCo2eKg.point).toBeGreaterThanOrEqual(bestKg * (1 - 1e-9) - 1e-12);
          expect(plan.segments.length).toBeLessThanOrEqual(maxB);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('planJob: what the plan says', () => {
  it.each([
    {
      name: 'a flat forecast starting now says "start now"',
      r: req({}),
      first: 'start now in us-east-1: no later start is forecast to be cleaner',
      startsNow: true,
    },
    {
      name: 'an earliest start 5 h ahead says when, never "now"',
      r: req({ earliestStartSec: T0 + 5 * H }),
      first: 'start at 05:00 UTC (in 5 h) (the earliest start) in us-east-1: no later start is forecast to be cleaner',
      startsNow: false,
    },
    {
      name: 'a dip on the next UTC day gives the date and the relative time',
      r: req({ deadlineSec: T0 + 40 * H, regions: [region('us-east-1', withDip(300, [[26, 28, 100]]))] }),
      first: 'start at 2024-01-16 02:00 UTC (in 1 d 2 h) in us-east-1: 67 % below starting now in us-east-1',
      startsNow: false,
    },
  ])('$name', ({ r, first, startsNow }) => {
    // Act
    const plan = planJob(r);
    // Assess
    expect(plan.reasons[0]).toBe(first);
    expect(plan.startsNow).toBe(startsNow);
    expect(plan.startSec).toBe(plan.segments[0].startSec);
    expect(plan.reasons.join('\n')).not.toMatch(/\+\d+ d|run now/);
  });

  it('a plan past the 48-hour forecast warns, naming where the forecast ends and the fallback it used', () => {
    // Prepare: 48 forecast hours at 400 g/kWh but the last 4 at 100: the fallback past the forecast is the mean of the
    // last 24 hours, (20 × 400 + 4 × 100) / 24 = 350. A 6-h job due in 9 days: hours 44–50 cost 4 × 100 + 2 × 350,
    // less than any window inside the forecast (hours 42–48: 2 × 400 + 4 × 100).
    const r = req({ durationSec: 6 * H, deadlineSec: T0 + 9 * 24 * H, regions: [region('us-east-1', withDip(400, [[44, 48, 100]]))] });
    // Act
    const plan = planJob(r);
    // Assess
    expect(plan.segments).toEqual([{ region: 'us-east-1', startSec: T0 + 44 * H, endSec: T0 + 50 * H }]);
    expect(plan.beyondForecast).toEqual([
      { region: 'us-east-1', forecastEndSec: T0 + 48 * H, forecastHours: 48, runSecBeyond: 2 * H, fromSec: T0 + 48 * H, toSec: T0 + 50 * H, fallback: 'mean-of-last-24-forecast-hours', fallbackGPerKwh: 350 },
    ]);
    expect(plan.warnings).toEqual([
      'WARNING: 2 h of the plan (from 2024-01-17 00:00 UTC (in 2 d)) lies beyond the 48 h forecast horizon of us-east-1 (it ends 2024-01-17 00:00 UTC (in 2 d)): ' +
        'there the plan assumes the mean of the last 24 forecast hours, 350 g/kWh, not a forecast; the hourly re-plan revisits it as new forecasts arrive',
    ]);
    expect(plan.reasons).toContain(plan.warnings![0].replace(/^WARNING: /, ''));
  });

  it('a window past the forecast is said even when the plan itself lies inside it', () => {
    const plan = planJob(req({ durationSec: 2 * H, deadlineSec: T0 + 9 * 24 * H, regions: [region('us-east-1', withDip(400, [[5, 7, 100]]))] }));
    expect(plan.segments[0].startSec).toBe(T0 + 5 * H);
    expect(plan.beyondForecast).toEqual([]);
    expect(plan.reasons).toContain("the window to the deadline reaches past the 48 h forecast horizon (2024-01-17 00:00 UTC (in 2 d)): hours after it were compared at each region's mean of its last 24 forecast hours");
  });

  it('a plan inside the forecast has no beyond-horizon warning', () => {
    const plan = planJob(req({ regions: [region('us-east-1', withDip(300, [[5, 8, 100]]))] }));
    expect(plan.beyondForecast).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });

  it('a deadline the work cannot meet says DEADLINE AT RISK first, with the deadline as a date', () => {
    // Prepare: 4 h of work, 3 h to the deadline, starting 2 h from now.
    const plan = planJob(req({ durationSec: 4 * H, earliestStartSec: T0 + 2 * H, deadlineSec: T0 + 5 * H }));
    // Assess
    expect(plan.feasible).toBe(false);
    expect(plan.warnings?.[0]).toBe('DEADLINE AT RISK: deadline cannot be met: 4 h of work starting at 02:00 UTC (in 2 h) ends 1 h after the deadline, 05:00 UTC (in 5 h); starting at 02:00 UTC (in 2 h) in us-east-1');
    expect(plan.reasons[0]).toBe(plan.warnings?.[0].replace(/^DEADLINE AT RISK: /, ''));
  });
});

describe('planJob: bounded search', () => {
  it(`plans a deadline beyond ${PLAN_HORIZON_CEILING_DAYS} days as if it fell on day ${PLAN_HORIZON_CEILING_DAYS}, and says so`, () => {
    // Prepare: the same job with a deadline at the ceiling and one 200 years later.
    const dip = region('us-east-1', withDip(300, [[30, 36, 80]], 96));
    const atCeiling = req({ interruptible: true, durationSec: 6 * H, deadlineSec: T0 + PLAN_HORIZON_CEILING_DAYS * 86400, regions: [dip] });
    const farAway = { ...atCeiling, deadlineSec: T0 + 200 * 365 * 86400 };
    // Act
    const a = planJob(atCeiling);
    const b = planJob(farAway);
    // Assess
    expect(b.segments).toEqual(a.segments);
    expect(b.latestSafeStartSec).toBe(a.latestSafeStartSec);
    expect(b.reasons).toContain(`deadline more than ${PLAN_HORIZON_CEILING_DAYS} d ahead: planned to finish within ${PLAN_HORIZON_CEILING_DAYS} d`);
    expect(a.reasons.join('\n')).not.toMatch(/more than .* d ahead/);
  });
});
