/** Recomputing an interval's carbon from a new intensity: energy kept, carbon replaced, revision by quality. */
import fc from 'fast-check';
import { computeInterval, intervalRevision, type IntervalIntensity } from '../../../../shared/domain/footprint/compute-interval';
import { improvesInterval, recomputeIntervalCarbon, RecomputeMismatchError } from '../../../../shared/domain/footprint/recompute';
import type { IntensityQuality } from '../../../../shared/domain/types';
import { TEST_SPEC, T0, job, minuteSamples, telemetryOf } from '../../../helpers/fixtures';

const QUALITIES: IntensityQuality[] = ['demo', 'yearly-average', 'own-forecast', 'provider-forecast', 'actual'];

const baseInterval = (quality: IntensityQuality, partial = false, gPerKwh = 400) => {
  const r = job();
  return computeInterval({
    resource: r,
    spec: TEST_SPEC,
    attribution: { team: 'nlp', project: 'p', model: 'm' },
    interval: { startSec: T0, endSec: T0 + 3600 },
    // 60 minutes at 100 % GPU: accelerator at maxW 400 W (test spec) → a round energy figure
    telemetry: telemetryOf(r, [{ host: 'h', samples: minuteSamples(T0, 60, () => ({ gpuUtilPct: 100, cpuUtilPct: 100 })) }], partial),
    pue: 1.2,
    pueSource: 'test',
    intensity: { gPerKwh, signal: 'average-lifecycle', zone: 'DE', provider: 'forecast-co', quality, issuedAtSec: T0 - 3600 },
  });
};
const actual = (gPerKwh: number): IntervalIntensity => ({ gPerKwh, signal: 'average-lifecycle', zone: 'DE', provider: 'Electricity Maps', quality: 'actual' });

describe('recomputeIntervalCarbon', () => {
  it('forecast → actual: carbon = unchanged facility energy × the new intensity, provenance updated, revision up', () => {
    // Prepare
    const before = baseInterval('own-forecast');
    // Act
    const after = recomputeIntervalCarbon(before, actual(250));
    // Assess: 250 g/kWh = 0.25 kg/kWh on the same energy range
    expect(after.energyKwh).toEqual(before.energyKwh);
    expect(after.itEnergyKwh).toEqual(before.itEnergyKwh);
    expect(after.co2eKg.point).toBeCloseTo(before.energyKwh.point * 0.25, 12);
    expect(after.co2eKg.low).toBeCloseTo(before.energyKwh.low * 0.25, 12);
    expect(after.co2eKg.high).toBeCloseTo(before.energyKwh.high * 0.25, 12);
    expect(after).toMatchObject({ intensityGPerKwh: 250, intensityQuality: 'actual', intensityProvider: 'Electricity Maps', revision: intervalRevision(false, 'actual') });
    expect(after.intensityIssuedAtSec).toBeUndefined(); // an actual has no issue time
    expect(after.revision).toBeGreaterThan(before.revision);
  });

  it('refuses to mix signals or zones', () => {
    const iv = baseInterval('demo');
    expect(() => recomputeIntervalCarbon(iv, { ...actual(1), signal: 'marginal' })).toThrow(RecomputeMismatchError);
    expect(() => recomputeIntervalCarbon(iv, { ...actual(1), zone: 'FR' })).toThrow(/zone DE, not FR/);
  });

  it('improvesInterval: only a better quality gives a higher revision (provisional stays provisional)', () => {
    expect(improvesInterval(baseInterval('own-forecast'), { quality: 'actual' })).toBe(true);
    expect(improvesInterval(baseInterval('provider-forecast'), { quality: 'own-forecast' })).toBe(false);
    expect(improvesInterval(baseInterval('actual'), { quality: 'actual' })).toBe(false);
    expect(recomputeIntervalCarbon(baseInterval('demo', true), actual(100)).revision).toBe(intervalRevision(true, 'actual'));
  });

  it('property: energy never changes, carbon is proportional to intensity, and revision order follows quality', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...QUALITIES),
        fc.constantFrom(...QUALITIES),
        fc.double({ min: 0, max: 2000, noNaN: true }),
        fc.boolean(),
        (from, to, g, partial) => {
          const before = baseInterval(from, partial);
          const after = recomputeIntervalCarbon(before, { ...actual(g), quality: to });
          expect(after.energyKwh).toEqual(before.energyKwh);
          expect(after.co2eKg.point).toBeCloseTo((before.energyKwh.point * g) / 1000, 9);
          expect(after.revision > before.revision).toBe(improvesInterval(before, { quality: to }));
        },
      ),
      { numRuns: 200 },
    );
  });
});
