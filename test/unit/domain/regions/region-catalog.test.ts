import fc from 'fast-check';
import {
  AWS_GLOBAL_PUE,
  REGIONS,
  RegionOverridesError,
  getRegionInfo,
  signalZone,
  parseRegionOverrides,
} from '../../../../shared/domain/regions/region-catalog';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const em = require('@tgwf/co2/data/electricity-maps');

describe('signalZone', () => {
  it('keys average signals by Electricity Maps zone and marginal by WattTime region', () => {
    const va = getRegionInfo('us-east-1')!;
    expect(signalZone(va, 'average-lifecycle')).toBe('US-MIDA-PJM');
    expect(signalZone(va, 'average-direct')).toBe('US-MIDA-PJM');
    expect(signalZone(va, 'marginal')).toBe('PJM_DC');
  });
  it('has no marginal key where no WattTime region is known, unless an override adds one', () => {
    expect(signalZone(getRegionInfo('eu-north-1')!, 'marginal')).toBeUndefined();
    expect(signalZone(getRegionInfo('eu-north-1', { 'eu-north-1': { wattTimeRegion: 'SE3' } })!, 'marginal')).toBe('SE3');
  });
});

describe('AWS region catalog', () => {
  // The brief's list of commercial regions (aws partition), checked against GSF carbon-aware-sdk aws-regions.json,
  // Boavizta cloud regions and the AWS region pages.
  const COMMERCIAL = [
    'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'ca-west-1', 'mx-central-1', 'sa-east-1',
    'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2',
    'il-central-1', 'me-south-1', 'me-central-1', 'af-south-1', 'ap-south-1', 'ap-south-2', 'ap-east-1', 'ap-east-2',
    'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
    'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  ];

  it.each(COMMERCIAL)('covers commercial region %s', (region) => {
    expect(getRegionInfo(region)?.region).toBe(region);
  });

  it('lists each region once', () => {
    expect(new Set(REGIONS.map((r) => r.region)).size).toBe(REGIONS.length);
  });

  it.each(REGIONS.map((r) => [r.region, r.emZone] as const))(
    '%s maps to Electricity Maps zone %s that exists in every @tgwf/co2 yearly data set 2021–2025',
    (_region, zone) => {
      for (const y of [2021, 2022, 2023, 2024, 2025]) {
        expect(typeof em[`yearly${y}`].data[zone]?.carbonIntensity?.value).toBe('number');
      }
    },
  );

  it.each(REGIONS.map((r) => [r.region, r] as const))('%s has a plausible, sourced PUE and a zone source', (_r, info) => {
    expect(info.pue).toBeGreaterThanOrEqual(1);
    expect(info.pue).toBeLessThan(1.6);
    expect(info.pueSource).toMatch(/AWS/);
    expect(info.zoneSource.length).toBeGreaterThan(10);
    expect(info.name.length).toBeGreaterThan(3);
  });

  // Expected values: AWS per-region PUE table, calendar year 2025 (sustainability.aboutamazon.com/products-services/aws-cloud);
  // zones: Cloud Carbon Footprint AWSRegions.ts and GSF real-time-cloud Cloud_Region_Metadata.csv.
  it.each([
    ['us-east-1', 'US-MIDA-PJM', 'PJM_DC', 1.15],
    ['us-west-2', 'US-NW-BPAT', 'BPA', 1.12],
    ['us-west-1', 'US-CAL-CISO', 'CAISO_NORTH', 1.18],
    ['eu-north-1', 'SE-SE3', undefined, 1.09],
    ['eu-central-1', 'DE', undefined, 1.24],
    ['eu-west-1', 'IE', undefined, 1.1],
    ['ap-southeast-2', 'AU-NSW', 'NEM_NSW', 1.14],
    ['ap-south-1', 'IN-WE', undefined, 1.4],
  ])('%s → zone %s, WattTime %s, PUE %s', (region, zone, wt, pue) => {
    const info = getRegionInfo(region)!;
    expect(info.emZone).toBe(zone);
    expect(info.wattTimeRegion).toBe(wt);
    expect(info.pue).toBeCloseTo(pue, 5);
  });

  it('labels region-group averages as such where AWS publishes no per-region PUE', () => {
    expect(getRegionInfo('eu-south-1')!.pueSource).toMatch(/Europe region-group average/);
    expect(getRegionInfo('ap-northeast-2')!.pueSource).toMatch(/Asia Pacific region-group average/);
  });

  it('returns undefined for unknown regions (no guessing)', () => {
    expect(getRegionInfo('xx-nowhere-1')).toBeUndefined();
  });

  describe('overrides', () => {
    it('merges an override over the catalog and marks the source', () => {
      const o = parseRegionOverrides('{"us-west-2":{"emZone":"US-NW-PACW","pue":1.2}}');
      const info = getRegionInfo('us-west-2', o)!;
      expect(info).toMatchObject({ region: 'us-west-2', emZone: 'US-NW-PACW', pue: 1.2, pueSource: 'operator override', zoneSource: 'operator override' });
      expect(info.name).toBe('US West (Oregon)');
      expect(getRegionInfo('us-west-2')!.emZone).toBe('US-NW-BPAT'); // catalog untouched
    });

    it('adds a region the catalog lacks only when the override names a zone, with the global PUE', () => {
      expect(getRegionInfo('us-gov-west-1', { 'us-gov-west-1': { pue: 1.2 } })).toBeUndefined();
      const info = getRegionInfo('us-gov-west-1', { 'us-gov-west-1': { emZone: 'US-NW-BPAT' } })!;
      expect(info.pue).toBe(AWS_GLOBAL_PUE);
      expect(info.emZone).toBe('US-NW-BPAT');
    });

    it.each([
      ['{"us-east-1":{"pue":0.9}}', /us-east-1\.pue/],
      ['{"us-east-1":{"pue":"1.2"}}', /us-east-1\.pue/],
      ['{"us-east-1":{"emZone":"pjm"}}', /us-east-1\.emZone/],
      ['{"us-east-1":{"colour":"green"}}', /colour/],
      ['{"US_EAST":{"pue":1.1}}', /US_EAST/],
      ['not json', /invalid JSON/],
    ])('rejects %s naming the bad field', (json, re) => {
      expect(() => parseRegionOverrides(json)).toThrow(RegionOverridesError);
      expect(() => parseRegionOverrides(json)).toThrow(re);
    });

    it('accepts any PUE in [1, 3] (property)', () => {
      fc.assert(
        fc.property(fc.double({ min: 1, max: 3, noNaN: true }), (pue) => {
          const o = parseRegionOverrides(JSON.stringify({ 'eu-west-1': { pue } }));
          expect(getRegionInfo('eu-west-1', o)!.pue).toBe(pue);
        }),
        { numRuns: 50 },
      );
    });
  });
});
