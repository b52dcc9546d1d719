import fc from 'fast-check';
import { aggregate, groupKey, rollupsForDay } from '../../../../shared/domain/footprint/aggregate';
import type { FootprintInterval } from '../../../../shared/domain/types';

const iv = (over: Partial<FootprintInterval>): FootprintInterval => ({
  resourceKey: 'training-job#us-east-1#j1', kind: 'training-job', resourceId: 'j1', region: 'us-east-1', instanceType: 'ml.g5.xlarge',
  attribution: { team: 'nlp', project: 'p', model: 'm' }, intervalStartSec: 1_763_596_800, intervalSec: 3600,
  itEnergyKwh: { point: 1, low: 0.5, high: 2 }, pue: 1, pueSource: 't', energyKwh: { point: 1, low: 0.5, high: 2 }, co2eKg: { point: 0.4, low: 0.2, high: 0.8 },
  intensityGPerKwh: 400, intensitySignal: 'average-lifecycle', intensityZone: 'Z', intensityProvider: 'p', intensityQuality: 'actual',
  method: 'estimated', measuredShare: 0, coveragePct: 100, modelVersion: 'v', provisional: false, revision: 14, issues: [], demo: false,
  ...over,
});

describe('aggregate', () => {
  it('sums energy and emissions, weights measured share by energy and coverage by time', () => {
    const a = iv({ itEnergyKwh: { point: 3, low: 3, high: 3 }, energyKwh: { point: 3, low: 2, high: 4 }, measuredShare: 1, coveragePct: 50 });
    const b = iv({ intervalStartSec: 1_763_600_400, measuredShare: 0, coveragePct: 100 });
    const r = aggregate([a, b], 'team');
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0].energyKwh).toBe(4);
    expect(r.rows[0].energyKwhLow).toBe(2.5);
    expect(r.rows[0].measuredShare).toBeCloseTo(3 / 4);
    expect(r.rows[0].coveragePct).toBeCloseTo(75);
    expect(r.totals.co2eKg).toBeCloseTo(0.8);
  });

  it('computes gCO2e per inference for endpoints only when invocations exist', () => {
    const e = iv({ kind: 'endpoint', resourceId: 'ep/v', invocations: 2000, co2eKg: { point: 0.5, low: 0.5, high: 0.5 } });
    const r = aggregate([e, iv({})], 'endpoint');
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0].gCo2ePerInference).toBeCloseTo(0.25);
    expect(aggregate([iv({})], 'job').rows[0].gCo2ePerInference).toBeUndefined();
  });

  it('views by kind keep other kinds out; day keys are UTC days', () => {
    expect(groupKey(iv({}), 'endpoint')).toBeUndefined();
    expect(groupKey(iv({ intervalStartSec: 1_763_596_799 }), 'day')).toBe('2025-11-19');
    expect(groupKey(iv({ kind: 'ec2-instance', resourceId: 'i-1' }), 'instance')).toBe('i-1');
  });

  it('totals do not depend on the order of intervals or the grouping (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ e: fc.double({ min: 0, max: 100, noNaN: true }), team: fc.constantFrom('a', 'b', 'c'), h: fc.integer({ min: 0, max: 200 }) }), { maxLength: 40 }), (xs) => {
        const ivs = xs.map((x) => iv({ attribution: { team: x.team, project: 'p', model: 'm' }, intervalStartSec: 1_763_596_800 + x.h * 3600, energyKwh: { point: x.e, low: x.e, high: x.e } }));
        const byTeam = aggregate(ivs, 'team');
        const byDay = aggregate([...ivs].reverse(), 'day');
        expect(byDay.totals.energyKwh).toBeCloseTo(byTeam.totals.energyKwh, 6);
        expect(byTeam.rows.reduce((s, r) => s + r.energyKwh, 0)).toBeCloseTo(byTeam.totals.energyKwh, 6);
      }),
    );
  });

  it('roll-ups of a day cover only that day and sum to the day total', () => {
    const rows = rollupsForDay('2025-11-20', [iv({}), iv({ intervalStartSec: 1_763_596_800 + 86400 }), iv({ region: 'eu-north-1', intervalStartSec: 1_763_596_800 + 3600 })]);
    const total = rows.find((r) => r.dimension === 'total')!;
    expect(total.energyKwh).toBe(2);
    expect(rows.filter((r) => r.dimension === 'region').map((r) => r.key).sort()).toEqual(['eu-north-1', 'us-east-1']);
  });
});
