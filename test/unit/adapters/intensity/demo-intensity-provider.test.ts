import { DemoIntensityProvider } from '../../../../shared/adapters/intensity/demo-intensity-provider';
import { UnknownZoneError, yearlyZoneSummary } from '../../../../shared/adapters/intensity/yearly-intensity-provider';
import { parseIsoInstant } from '../../../../shared/domain/time';

describe('DemoIntensityProvider', () => {
  const provider = new DemoIntensityProvider();
  const w = { startSec: parseIsoInstant('2024-01-01'), endSec: parseIsoInstant('2024-07-01') };

  it('builds a demo-labelled series around the zone’s real yearly mean (@tgwf/co2 Electricity Maps 2024)', async () => {
    const pts = await provider.getSeries('US-MIDA-PJM', 'average-lifecycle', w);
    expect(provider.name).toBe('demo (synthetic)');
    expect(pts.every((p) => p.quality === 'demo' && p.provider === 'demo (synthetic)')).toBe(true);
    const m = pts.reduce((a, p) => a + p.gPerKwh, 0) / pts.length;
    expect(Math.abs(m / yearlyZoneSummary('US-MIDA-PJM', 2024).gPerKwh - 1)).toBeLessThan(0.08);
  });

  it('carries a synthetic carbon-free share per hour whose mean is near the zone’s yearly share and that falls as intensity rises', async () => {
    // Prepare: US-MIDA-PJM 2024 (@tgwf/co2 Electricity Maps yearly data: carbonFreeEnergy)
    const pts = await provider.getSeries('US-MIDA-PJM', 'average-lifecycle', w);
    const yearly = yearlyZoneSummary('US-MIDA-PJM', 2024);
    // Assess
    expect(yearly.carbonFreePct).toBeGreaterThan(0);
    expect(pts.every((p) => p.cfePct !== undefined && p.cfePct >= 0 && p.cfePct <= 100)).toBe(true);
    const mean = pts.reduce((a, p) => a + p.cfePct!, 0) / pts.length;
    expect(Math.abs(mean - yearly.carbonFreePct!)).toBeLessThan(5);
    const sorted = [...pts].sort((a, b) => a.gPerKwh - b.gPerKwh);
    expect(sorted[0].cfePct!).toBeGreaterThan(sorted[sorted.length - 1].cfePct!);
  });

  it('offers no marginal series (the underlying data is life-cycle average)', async () => {
    expect(await provider.getSeries('DE', 'marginal', w)).toEqual([]);
  });

  it('rejects unknown zones by name', async () => {
    await expect(provider.getSeries('XX-NOPE', 'average-lifecycle', w)).rejects.toThrow(UnknownZoneError);
  });
});
