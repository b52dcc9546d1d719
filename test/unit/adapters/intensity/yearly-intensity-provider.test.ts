import fc from 'fast-check';
import {
  UnknownZoneError,
  YearlyIntensityProvider,
  yearlyZoneSummary,
} from '../../../../shared/adapters/intensity/yearly-intensity-provider';
import { parseIsoInstant } from '../../../../shared/domain/time';

const t = parseIsoInstant;

describe('YearlyIntensityProvider (Electricity Maps yearly averages from @tgwf/co2)', () => {
  const provider = new YearlyIntensityProvider();

  // Expected values: @tgwf/co2 0.19 data/electricity-maps yearly_2023/2024 (also in ../shared/data/aws-region-grid-mapping).
  it.each([
    ['US-MIDA-PJM', 2023, 401],
    ['US-MIDA-PJM', 2024, 403],
    ['GB', 2023, 200],
    ['SE-SE3', 2024, 21],
    ['AU-NSW', 2024, 541],
  ])('zone %s in %i averages %i g/kWh', (zone, year, g) => {
    expect(yearlyZoneSummary(zone, year)).toMatchObject({ gPerKwh: g, year });
  });

  it('uses the latest year at or before the date, and the earliest year for older dates', () => {
    expect(yearlyZoneSummary('DE', 2031).year).toBe(2025);
    expect(yearlyZoneSummary('DE', 2019).year).toBe(2021);
    expect(yearlyZoneSummary('DE', 2019).gPerKwh).toBe(yearlyZoneSummary('DE', 2021).gPerKwh);
  });

  it('reports the renewable share for the demo generator', () => {
    const s = yearlyZoneSummary('US-NW-BPAT', 2024);
    expect(s.renewablePct).toBeGreaterThan(50);
    expect(s.renewablePct).toBeLessThanOrEqual(100);
  });

  it('returns one labelled hourly point per hour, switching value at the UTC new year', async () => {
    const w = { startSec: t('2023-12-31T22:00:00Z'), endSec: t('2024-01-01T02:00:00Z') };
    const pts = await provider.getSeries('US-MIDA-PJM', 'average-lifecycle', w);
    expect(pts.map((p) => p.tSec)).toEqual([0, 1, 2, 3].map((h) => w.startSec + h * 3600));
    expect(pts.map((p) => p.gPerKwh)).toEqual([401, 401, 403, 403]);
    for (const p of pts) {
      expect(p).toMatchObject({ periodSec: 3600, zone: 'US-MIDA-PJM', signal: 'average-lifecycle', quality: 'yearly-average', provider: 'electricitymaps-yearly (@tgwf/co2)' });
    }
  });

  it('covers an unaligned window with the hours it touches', () => {
    fc.assert(
      fc.asyncProperty(fc.integer({ min: 1.6e9, max: 1.75e9 }), fc.integer({ min: 1, max: 72 * 3600 }), async (start, len) => {
        const pts = await provider.getSeries('FR', 'average-lifecycle', { startSec: start, endSec: start + len });
        expect(pts[0].tSec).toBeLessThanOrEqual(start);
        expect(pts[pts.length - 1].tSec + 3600).toBeGreaterThanOrEqual(start + len);
        pts.forEach((p, i) => i > 0 && expect(p.tSec - pts[i - 1].tSec).toBe(3600));
      }),
      { numRuns: 30 },
    );
  });

  it('has no direct or marginal data: returns an empty series rather than mislabelled numbers', async () => {
    const w = { startSec: t('2024-01-01T00:00:00Z'), endSec: t('2024-01-02T00:00:00Z') };
    expect(await provider.getSeries('DE', 'marginal', w)).toEqual([]);
    expect(await provider.getSeries('DE', 'average-direct', w)).toEqual([]);
  });

  it('throws UnknownZoneError naming an unknown zone', async () => {
    const w = { startSec: 0, endSec: 3600 };
    await expect(provider.getSeries('XX-NOPE', 'average-lifecycle', w)).rejects.toThrow(UnknownZoneError);
    await expect(provider.getSeries('XX-NOPE', 'average-lifecycle', w)).rejects.toThrow(/XX-NOPE/);
    expect(() => yearlyZoneSummary('XX-NOPE', 2024)).toThrow(/XX-NOPE/);
  });
});
