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

  it('offers no marginal series (the underlying data is life-cycle average)', async () => {
    expect(await provider.getSeries('DE', 'marginal', w)).toEqual([]);
  });

  it('rejects unknown zones by name', async () => {
    await expect(provider.getSeries('XX-NOPE', 'average-lifecycle', w)).rejects.toThrow(UnknownZoneError);
  });
});
