import { isKnownZone, knownZoneIds } from '../../../../shared/adapters/intensity/yearly-intensity-provider';
import {
  closeZoneMatches,
  EM_ZONE_ALIASES,
  ImportZoneError,
  resolveImportZone,
  sameZone,
  type ZoneDirectory,
} from '../../../../shared/domain/intensity/import-zones';
import { getRegionInfo, REGIONS } from '../../../../shared/domain/regions/region-catalog';

/** The directory the CLI builds: @tgwf/co2's zones, the catalog's WattTime regions, AWS region lookup. */
const DIR: ZoneDirectory = {
  emZones: knownZoneIds(),
  wattTimeRegions: [...new Set(REGIONS.flatMap((r) => (r.wattTimeRegion ? [r.wattTimeRegion] : [])))],
  awsRegion: (code) => getRegionInfo(code),
};
const AVG = ['average-direct', 'average-lifecycle'] as const;

describe('zone aliases', () => {
  it.each(Object.entries(EM_ZONE_ALIASES).map(([alias, a]) => [alias, a.zone, a.source]))('%s → %s: the target is an Electricity Maps zone, the alias is not', (alias, zone, source) => {
    expect(isKnownZone(zone)).toBe(true);
    expect(isKnownZone(alias)).toBe(false);
    expect(source.length).toBeGreaterThan(20);
  });
});

describe('resolveImportZone (checked once, before any row)', () => {
  it.each([
    ['DE', 'DE', undefined],
    ['de', 'DE', 'zone ids are upper case'],
    ['DE-LU', 'DE', /ENTSO-E bidding zone DE-LU/],
    ['US-CA', 'US-CAL-CISO', /EIA balancing authorities/],
    ['CL-SIC', 'CL-SEN', /SEN/],
  ])('average signals: %s is stored as %s', (given, zone, why) => {
    const r = resolveImportZone(given, AVG, DIR);
    expect(r.zone).toBe(zone);
    if (why === undefined) expect(r.aliasOf).toBeUndefined();
    else expect(r.aliasOf).toEqual({ given, source: expect.stringMatching(why) });
  });

  it('an unknown zone is one error naming it and its close matches', () => {
    expect(() => resolveImportZone('DE-XX', AVG, DIR)).toThrow(ImportZoneError);
    expect(() => resolveImportZone('DE-XX', AVG, DIR)).toThrow(/--zone "DE-XX" is not an Electricity Maps zone id .*close matches: .*DE/);
    expect(() => resolveImportZone('US-CAL', AVG, DIR)).toThrow(/close matches: US-CAL-/);
  });

  it('a well-formed id missing from the list is taken only with allowUnknown (--allow-unknown-zone), with a note', () => {
    expect(() => resolveImportZone('IN-MH', AVG, DIR)).toThrow(/if Electricity Maps added it since, pass --allow-unknown-zone/);
    const r = resolveImportZone('in-mh', AVG, { ...DIR, allowUnknown: true });
    expect(r.zone).toBe('IN-MH');
    expect(r.notes[0]).toMatch(/not among the \d+ zones of the @tgwf\/co2 data/);
    expect(() => resolveImportZone('not a zone', AVG, { ...DIR, allowUnknown: true })).toThrow(ImportZoneError);
  });

  it('an AWS region code is answered with its zone', () => {
    expect(() => resolveImportZone('eu-central-1', AVG, DIR)).toThrow(/is an AWS region; its Electricity Maps zone is DE: use --zone DE/);
    expect(() => resolveImportZone('us-west-1', ['marginal'], DIR)).toThrow(/use --zone CAISO_NORTH/);
  });

  it('marginal: a catalog WattTime region is taken, an Electricity Maps id is refused, another WattTime-like id is taken with a note', () => {
    expect(resolveImportZone('caiso_north', ['marginal'], DIR)).toEqual({ zone: 'CAISO_NORTH', notes: [] });
    expect(() => resolveImportZone('US-CAL-CISO', ['marginal'], DIR)).toThrow(/not a WattTime region id/);
    const other = resolveImportZone('ERCOT_EASTTX', ['marginal'], DIR);
    expect(other.zone).toBe('ERCOT_EASTTX');
    expect(other.notes[0]).toMatch(/not the WattTime region of any AWS region in the catalog/);
  });

  it('a file cannot mix marginal and average signals', () => {
    expect(() => resolveImportZone('DE', ['marginal', 'average-direct'], DIR)).toThrow(/cannot mix/);
  });
});

describe('helpers', () => {
  it('close matches: shared prefix first, then small edit distance', () => {
    expect(closeZoneMatches('US-CAL', ['US-CAL-CISO', 'US-CAL-BANC', 'DE', 'US-CA', 'US'])).toEqual(['US-CAL-BANC', 'US-CAL-CISO', 'US-CA', 'US']);
    expect(closeZoneMatches('DE-XX', ['DE', 'DK-DK1', 'FR'])).toEqual(['DE']);
    expect(closeZoneMatches('FRR', ['FR', 'DE', 'GB'])).toEqual(['FR']);
    expect(closeZoneMatches('QQQQQQ', ['FR', 'DE'])).toEqual([]);
  });

  it('sameZone: the file id equals the zone or is one of its aliases', () => {
    expect(sameZone('DE', 'DE', DIR)).toBe(true);
    expect(sameZone('DE-LU', 'DE', DIR)).toBe(true);
    expect(sameZone('de', 'DE', DIR)).toBe(true);
    expect(sameZone('FR', 'DE', DIR)).toBe(false);
  });
});
