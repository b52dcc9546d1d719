import fc from 'fast-check';
import {
  holdSec,
  IntensityCsvFormatError,
  IntensityCsvParser,
  parseIntensityCsv,
  parseIntensityUnit,
  splitCsvLine,
  type IntensityCsvOptions,
} from '../../../../shared/domain/intensity/csv-import';
import { InvalidTimeZoneError } from '../../../../shared/domain/intensity/import-timestamps';
import { ImportZoneError } from '../../../../shared/domain/intensity/import-zones';

const t = (iso: string) => Date.parse(iso) / 1000;
const lines = (...l: string[]) => l.join('\n');
const series = (r: { points: { tSec: number; signal: string; gPerKwh: number }[] }) => r.points.map((p) => [p.tSec, p.signal, Math.round(p.gPerKwh * 1e6) / 1e6]);

/** Header of the Electricity Maps hourly export (data portal; as in HPE green-dcc's copies). */
const EM_HEADER =
  'Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),Carbon Intensity gCO₂eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,Data Source,Data Estimated,Data Estimation Method';
const emRow = (dt: string, direct: string, lca: string, zone = 'GB') => `${dt},Great Britain,Great Britain,${zone},${direct},${lca},59.0,32.25, nationalgrideso.com; elexon.co.uk,false,`;

describe('Electricity Maps data-portal export', () => {
  it('yields a direct and a lifecycle point per row, UTC hours, CRLF and BOM tolerated', () => {
    const csv = '\uFEFF' + [EM_HEADER, emRow('2021-01-01 00:00:00', '156.03', '233.76'), emRow('2021-01-01 01:00:00', '152.52', '229.73')].join('\r\n') + '\r\n';
    const r = parseIntensityCsv(csv, { zone: 'GB' });
    expect(r.format).toBe('electricitymaps');
    expect([r.accepted, r.rejected]).toEqual([2, 0]);
    expect(series(r)).toEqual([
      [t('2021-01-01T00:00:00Z'), 'average-direct', 156.03],
      [t('2021-01-01T00:00:00Z'), 'average-lifecycle', 233.76],
      [t('2021-01-01T01:00:00Z'), 'average-direct', 152.52],
      [t('2021-01-01T01:00:00Z'), 'average-lifecycle', 229.73],
    ]);
    expect(r.points[0]).toMatchObject({ periodSec: 3600, zone: 'GB', quality: 'actual', provider: 'file import (electricitymaps)' });
    expect(r.layout).toMatchObject({ timeColumn: 'Datetime (UTC)', timeDeclaredUtc: true, unit: 'g/kWh', unitFrom: 'column name', zoneColumn: 'Zone Id', signalFrom: 'column name' });
    expect(r.averaged).toBeUndefined();
  });

  it('keeps only the requested signal when one is given', () => {
    const r = parseIntensityCsv(lines(EM_HEADER, emRow('2021-01-01 00:00:00', '156.03', '233.76')), { zone: 'GB', signal: 'average-lifecycle', provider: 'EM portal 2021' });
    expect(r.points).toEqual([expect.objectContaining({ signal: 'average-lifecycle', gPerKwh: 233.76, provider: 'EM portal 2021' })]);
  });

  it('finds columns by name, whatever their order, and honours quoted fields', () => {
    const header = 'Zone Id,Carbon Intensity gCO₂eq/kWh (LCA),Datetime (UTC),Carbon Intensity gCO₂eq/kWh (direct),Data Source';
    const r = parseIntensityCsv(`${header}\nDE,400,2022-06-01 12:00:00,350,"entsoe.eu, smard.de"`, { zone: 'DE' });
    expect(r.rejected).toBe(0);
    expect(r.points.map((p) => [p.signal, p.gPerKwh])).toEqual([
      ['average-direct', 350],
      ['average-lifecycle', 400],
    ]);
  });

  it.each([
    ['bad timestamp', emRow('2021-02-30 00:00:00', '1', '2'), 'bad-timestamp', /bad timestamp '2021-02-30 00:00:00' \(no such date\)/],
    ['timestamp off the hour', emRow('2021-01-01 00:30:00', '1', '2'), 'off-hour', /not the start of a UTC hour/],
    ['negative value', emRow('2021-01-01 00:00:00', '-1', '2'), 'negative-value', /direct: negative value -1/],
    ['NaN value', emRow('2021-01-01 00:00:00', '1', 'NaN'), 'bad-value', /LCA: value 'NaN' is not a number/],
    ['empty value', emRow('2021-01-01 00:00:00', '', '2'), 'bad-value', /direct: value '' is not a number/],
    ['wrong column count', '2021-01-01 00:00:00,Great Britain,GB,1,2', 'column-count', /wrong column count: 5, expected 11/],
    ['zone mismatch', emRow('2021-01-01 00:00:00', '1', '2', 'FR'), 'zone-mismatch', /zone mismatch: Zone Id 'FR' is not 'GB'/],
  ])('rejects a row with a %s, with its line number and reason, and keeps the rest', (_name, bad, reason, message) => {
    const csv = lines(EM_HEADER, emRow('2021-01-01 01:00:00', '10', '20'), bad, emRow('2021-01-01 02:00:00', '11', '21'));
    const r = parseIntensityCsv(csv, { zone: 'GB' });
    expect([r.accepted, r.rejected]).toEqual([2, 1]);
    expect(r.rejections).toEqual([{ line: 3, reason, message: expect.stringMatching(message) }]);
    expect(r.points).toHaveLength(4);
  });

  it('rejects a duplicate hour and names the first occurrence', () => {
    const r = parseIntensityCsv(lines(EM_HEADER, emRow('2021-01-01 00:00:00', '1', '2'), emRow('2021-01-01 00:00:00', '3', '4')), { zone: 'GB' });
    expect(r.rejections).toEqual([{ line: 3, reason: 'duplicate', message: 'duplicate timestamp 2021-01-01T00:00:00Z (first at line 2)' }]);
    expect(r.points.map((p) => p.gPerKwh)).toEqual([1, 2]);
  });

  it('stores an export named for DE-LU under the zone DE, whose id its rows carry', () => {
    const r = parseIntensityCsv(lines(EM_HEADER, emRow('2021-01-01 00:00:00', '449.07', '526.77', 'DE')), { zone: 'DE-LU' });
    expect(r.zone).toEqual({ zone: 'DE', aliasOf: { given: 'DE-LU', source: expect.stringMatching(/Zone Id DE/) }, notes: [] });
    expect(r.points.every((p) => p.zone === 'DE')).toBe(true);
    expect(parseIntensityCsv(lines(EM_HEADER, emRow('2021-01-01 00:00:00', '1', '2', 'DE-LU')), { zone: 'DE' }).accepted).toBe(1);
  });

  it('a file of another zone is one error up front, not one rejection per row', () => {
    const csv = lines(EM_HEADER, ...Array.from({ length: 5 }, (_, h) => emRow(`2021-01-01 0${h}:00:00`, '1', '2', 'FR')));
    expect(() => parseIntensityCsv(csv, { zone: 'DE' })).toThrow(ImportZoneError);
    expect(() => parseIntensityCsv(csv, { zone: 'DE' })).toThrow("the file is for zone 'FR' (column 'Zone Id', line 2), not 'DE': use --zone FR");
  });

  it('refuses a marginal signal from an average-intensity export, and a daily export as hourly actuals', () => {
    expect(() => parseIntensityCsv(EM_HEADER, { zone: 'GB', signal: 'marginal' })).toThrow(/has columns for average-direct and average-lifecycle only/);
    const daily = lines(EM_HEADER, ...['01', '02', '03', '04'].map((d) => emRow(`2021-01-${d} 00:00:00`, '1', '2')));
    expect(() => parseIntensityCsv(daily, { zone: 'GB' })).toThrow(/values are at least 1 day\(s\) apart: daily or coarser series cannot be imported/);
  });
});

describe('Electricity Maps API results written to CSV', () => {
  it('reads a poller dump (zone_datetime,timestamp,carbon_intensity_avg,…) as life-cycle g/kWh hours, the hour from zone_datetime', () => {
    const csv = lines(
      'zone_datetime,timestamp,carbon_intensity_avg,fossilFuelPercentage',
      '2021-10-08T14:00:00.000Z,1633705204.0,46.0,4.62',
      '2021-10-08T16:00:00.000Z,1633714204.0,45.0,4.5', // 15:00 missing: a gap stays a gap
      '2021-10-08T17:00:00.000Z,1633716004.0,,8.5',
    );
    const r = parseIntensityCsv(csv, { zone: 'FR' });
    expect(r.format).toBe('electricitymaps-api');
    expect(r.layout).toMatchObject({ timeColumn: 'zone_datetime', valueColumns: [{ column: 'carbon_intensity_avg', signal: 'average-lifecycle' }], signalFrom: 'Electricity Maps API default', unitFrom: 'layout' });
    expect(series(r)).toEqual([
      [t('2021-10-08T14:00:00Z'), 'average-lifecycle', 46],
      [t('2021-10-08T16:00:00Z'), 'average-lifecycle', 45],
    ]);
    expect(r.rejections).toEqual([{ line: 4, reason: 'bad-value', message: "carbon_intensity_avg: value '' is not a number" }]);
    expect(r.points[0].provider).toBe('file import (electricitymaps-api)');
  });

  it('--signal average-direct overrides the API default (the file cannot say how it was fetched)', () => {
    const r = parseIntensityCsv('zone_datetime,carbon_intensity_avg\n2021-10-08T14:00:00Z,46', { zone: 'FR', signal: 'average-direct' });
    expect(r.points.map((p) => p.signal)).toEqual(['average-direct']);
  });

  it('takes the signal of each row from emissionFactorType and checks the zone column (API v3 history flattened)', () => {
    const header = 'zone,carbonIntensity,datetime,updatedAt,createdAt,emissionFactorType,isEstimated,estimationMethod';
    const row = (dt: string, ci: number, type: string, zone = 'DE') => `${zone},${ci},${dt},2024-01-02T00:00:00Z,2024-01-01T00:00:00Z,${type},false,`;
    const csv = lines(header, row('2024-01-01T00:00:00Z', 400, 'lifecycle'), row('2024-01-01T00:00:00Z', 330, 'direct'), row('2024-01-01T01:00:00Z', 410, 'lifecycle'), row('2024-01-01T01:00:00Z', 1, 'weird'), row('2024-01-01T02:00:00Z', 5, 'lifecycle', 'FR'));
    const r = parseIntensityCsv(csv, { zone: 'DE' });
    expect(r.layout).toMatchObject({ format: 'electricitymaps-api', timeColumn: 'datetime', signalColumn: 'emissionFactorType', zoneColumn: 'zone' });
    expect(series(r)).toEqual([
      [t('2024-01-01T00:00:00Z'), 'average-direct', 330],
      [t('2024-01-01T00:00:00Z'), 'average-lifecycle', 400],
      [t('2024-01-01T01:00:00Z'), 'average-lifecycle', 410],
    ]);
    expect(r.rejectionsByReason.map((x) => [x.reason, x.count])).toEqual([
      ['unknown-signal', 1],
      ['zone-mismatch', 1],
    ]);
    const direct = parseIntensityCsv(csv, { zone: 'DE', signal: 'average-direct' });
    expect([direct.points.length, direct.skipped]).toEqual([1, 2]);
  });
});

describe('time/value tables', () => {
  it('plain timestamp,g_per_kwh: zoned timestamps normalised to UTC hours with the chosen signal', () => {
    const csv = 'timestamp,g_per_kwh\n2024-03-10T00:00:00Z,400\n2024-03-10T02:00:00+01:00,410.5\n2024-03-10T02:00-05:00,0\n';
    const r = parseIntensityCsv(csv, { zone: 'CAISO_NORTH', signal: 'marginal' });
    expect(series(r)).toEqual([
      [t('2024-03-10T00:00:00Z'), 'marginal', 400],
      [t('2024-03-10T01:00:00Z'), 'marginal', 410.5],
      [t('2024-03-10T07:00:00Z'), 'marginal', 0],
    ]);
    expect(r.points.every((p) => p.provider === 'file import (columns)' && p.quality === 'actual')).toBe(true);
  });

  it.each([
    ['no zone (the first one had one)', '2024-03-10T03:00:00,400', 'no-zone', /has no zone .*--timezone/],
    ['date only', '2024-03-10,400', 'bad-timestamp', /bad timestamp '2024-03-10' \(no time of day\)/],
    ['not a date', 'yesterday,400', 'bad-timestamp', /bad timestamp 'yesterday'/],
    ['negative', '2024-03-10T03:00:00Z,-3', 'negative-value', /negative value/],
    ['non-number', '2024-03-10T03:00:00Z,abc', 'bad-value', /not a number/],
    ['three columns', '2024-03-10T03:00:00Z,1,2', 'column-count', /wrong column count: 3, expected 2/],
    ['duplicate (same instant, other offset)', '2024-03-10T01:00:00+01:00,5', 'duplicate', /duplicate timestamp 2024-03-10T00:00:00Z \(first at line 2\)/],
  ])('rejects %s with its line number', (_name, bad, reason, message) => {
    const r = parseIntensityCsv(`timestamp,g_per_kwh\n2024-03-10T00:00:00Z,1\n${bad}`, { zone: 'Z', signal: 'average-direct' });
    expect(r.accepted).toBe(1);
    expect(r.rejections).toEqual([{ line: 3, reason, message: expect.stringMatching(message) }]);
  });

  it('a CarbonCast-like table: unnamed index, naive times UTC by the column name, generation columns ignored, signal from --signal', () => {
    const csv = lines(',UTC time,carbon_intensity,coal,nat_gas,nuclear', '0,2020-01-01 00:00:00+00:00,354.59,45194,19176,32334', '1,2020-01-01 01:00:00,349.36,44882,17947,32362');
    expect(() => parseIntensityCsv(csv, { zone: 'DE' })).toThrow(/does not say which signal its column 'carbon_intensity' is: pass --signal/);
    const r = parseIntensityCsv(csv, { zone: 'DE', signal: 'average-lifecycle' });
    expect(r.layout).toMatchObject({ timeColumn: 'UTC time', timeDeclaredUtc: true, valueColumns: [{ column: 'carbon_intensity' }], unit: 'g/kWh', unitFrom: 'assumed' });
    expect(series(r)).toEqual([
      [t('2020-01-01T00:00:00Z'), 'average-lifecycle', 354.59],
      [t('2020-01-01T01:00:00Z'), 'average-lifecycle', 349.36],
    ]);
  });

  it('a forecast file yields its actual column, whose name states the signal; forecast columns are never read', () => {
    const csv = lines(',UTC time,actual_carbon_intensity_direct,forecasted_carbon_intensity_direct', '0,2021-07-01 00:00:00,162.35,178.92', '96,2021-07-01 00:00:00,162.35,170.0');
    const r = parseIntensityCsv(csv, { zone: 'US-CAL-CISO' });
    expect(r.layout.valueColumns).toEqual([{ column: 'actual_carbon_intensity_direct', signal: 'average-direct' }]);
    expect([r.accepted, r.rejections[0]?.reason]).toEqual([1, 'duplicate']);
    expect(() => parseIntensityCsv(csv, { zone: 'US-CAL-CISO', signal: 'average-lifecycle' })).toThrow(/contradicts the column 'actual_carbon_intensity_direct', which is average-direct/);
  });

  it.each([
    ['timestamp,MOER\n2023-06-08T00:00:00Z,1000', 'lbs/MWh', 'assumed', 453.59237],
    ['point_time,moer_lbs_per_mwh\n2023-06-08T00:00:00Z,1000', 'lbs/MWh', 'column name', 453.59237],
    ['time,intensity (kg/MWh)\n2023-06-08T00:00:00Z,300', 'kg/MWh', 'column name', 300],
    ['time,intensity_tco2_per_mwh\n2023-06-08T00:00:00Z,0.3', 't/MWh', 'column name', 300],
  ])('unit from the column %j → %s', (csv, unit, unitFrom, g) => {
    const r = parseIntensityCsv(csv, { zone: 'CAISO_NORTH', signal: /moer/i.test(csv) ? undefined : 'average-direct' });
    expect(r.layout).toMatchObject({ unit, unitFrom });
    expect(r.points[0].gPerKwh).toBeCloseTo(g, 9);
  });

  it('WattTime API v3 data (point_time,value,…): lbs/MWh by the API docs, and --signal says which rate it is', () => {
    const csv = lines('point_time,value,frequency,market,version', '2023-06-08T00:00:00+00:00,1000,300,RTM,3.2', '2023-06-08T01:00:00+00:00,900,300,RTM,3.2');
    expect(() => parseIntensityCsv(csv, { zone: 'CAISO_NORTH' })).toThrow(/does not say which signal its column 'value' is/);
    const r = parseIntensityCsv(csv, { zone: 'CAISO_NORTH', signal: 'marginal' });
    expect(r.layout).toMatchObject({ format: 'watttime-api', unit: 'lbs/MWh', unitFrom: 'layout', signals: ['marginal'] });
    expect(r.points.map((p) => p.gPerKwh)).toEqual([1000 * 0.45359237, 900 * 0.45359237]);
  });

  it('explicit mapping for a column no name reveals: --value-column with --unit and --signal (a converted MOER series)', () => {
    const csv = 'time,Caiso_North\n2023-06-08T00:00:00Z,425\n2023-06-08T01:00:00Z,430';
    expect(() => parseIntensityCsv(csv, { zone: 'CAISO_NORTH', signal: 'marginal' })).toThrow(
      'unrecognised header "time,Caiso_North" (line 1): use --time-column NAME --value-column NAME [--unit g/kWh|kg/MWh|lbs/MWh|t/MWh|kg/kWh] [--signal average-lifecycle|average-direct|marginal] [--timezone IANA-ZONE] (no carbon-intensity column found)',
    );
    expect(() => parseIntensityCsv(csv, { zone: 'CAISO_NORTH', signal: 'marginal', valueColumn: 'Caiso_North' })).toThrow(/--unit is required: the column 'Caiso_North' does not state its unit/);
    const r = parseIntensityCsv(csv, { zone: 'CAISO_NORTH', signal: 'marginal', valueColumn: 'caiso_north', unit: 'g/kWh' });
    expect(series(r)).toEqual([
      [t('2023-06-08T00:00:00Z'), 'marginal', 425],
      [t('2023-06-08T01:00:00Z'), 'marginal', 430],
    ]);
    expect(() => parseIntensityCsv(csv, { zone: 'Z', valueColumn: 'nope', unit: 'g/kWh' })).toThrow(/--value-column "nope" is not a column of the header "time,Caiso_North"/);
  });

  it.each<[string, string, IntensityCsvOptions, RegExp]>([
    ['no time column', 'a,b,c\n1,2,3', { zone: 'Z' }, /unrecognised header "a,b,c" \(line 1\): use --time-column NAME .*\(no time column found\)/],
    ['data where the header should be', '2024-01-01T00:00:00Z,300\n', { zone: 'Z' }, /looks like data, not a header/],
    ['two time columns of the same rank', 'request_time,datetime,start,intensity\n', { zone: 'Z' }, /several time columns: 'datetime', 'start'; choose one with --time-column/],
    ['two intensity columns of the same signal', 'time,ci_a,ci_b\n', { zone: 'Z' }, /several intensity columns: 'ci_a', 'ci_b'; choose one with --value-column/],
    ['--unit against the column name', 'time,g_per_kwh\n', { zone: 'Z', unit: 'lbs/MWh', signal: 'average-direct' }, /--unit lbs\/MWh contradicts the column 'g_per_kwh', which states g\/kWh/],
    ['marginal from a column that states an average', 'time,average_intensity\n', { zone: 'Z', signal: 'marginal' }, /the column 'average_intensity' holds average intensity; marginal needs MOER data/],
    ['marginal from an Electricity Maps file', 'zone_datetime,carbon_intensity_avg\n', { zone: 'Z', signal: 'marginal' }, /an Electricity Maps file holds average intensity/],
    ['an average signal from a MOER column', 'time,moer\n', { zone: 'Z', signal: 'average-direct' }, /contradicts the column 'moer', which is marginal/],
    ['--timezone against a UTC column', 'Datetime (UTC),ci\n', { zone: 'Z', signal: 'average-direct', timeZone: 'Europe/Berlin' }, /--timezone Europe\/Berlin contradicts the time column 'Datetime \(UTC\)', which is UTC/],
  ])('refuses a file as a whole: %s', (_name, csv, opts, message) => {
    expect(() => parseIntensityCsv(csv, opts)).toThrow(IntensityCsvFormatError);
    expect(() => parseIntensityCsv(csv, opts)).toThrow(message);
  });

  it('refuses an empty file and an invalid --timezone', () => {
    expect(() => parseIntensityCsv('', { zone: 'Z' })).toThrow(/empty file/);
    expect(() => new IntensityCsvParser({ zone: 'Z', timeZone: 'Europe/Atlantis' })).toThrow(InvalidTimeZoneError);
  });

  it('reads semicolon-separated files with decimal commas (spreadsheet exports) and epoch seconds or milliseconds', () => {
    const r = parseIntensityCsv('timestamp;g_per_kwh\n1704067200;301,5\n1704070800000;302', { zone: 'Z', signal: 'average-direct' });
    expect(series(r)).toEqual([
      [t('2024-01-01T00:00:00Z'), 'average-direct', 301.5],
      [t('2024-01-01T01:00:00Z'), 'average-direct', 302],
    ]);
  });
});

describe('time zones', () => {
  const naive = lines('Time,Carbon Intensity', '2021-01-15 12:00:00,300', '2021-07-15 12:00:00,200');

  it('refuses naive timestamps up front, with the --timezone hint, unless a zone is given', () => {
    expect(() => parseIntensityCsv(naive, { zone: 'DE', signal: 'average-lifecycle' })).toThrow(
      "timestamps have no zone (line 2: '2021-01-15 12:00:00', column 'Time'): pass --timezone with the IANA zone the times are in (e.g. --timezone UTC or --timezone Europe/Berlin)",
    );
  });

  it('converts local times with the zone DST rules: +01:00 in winter, +02:00 in summer (Europe/Berlin)', () => {
    const r = parseIntensityCsv(naive, { zone: 'DE', signal: 'average-lifecycle', timeZone: 'Europe/Berlin' });
    expect(series(r)).toEqual([
      [t('2021-01-15T11:00:00Z'), 'average-lifecycle', 300],
      [t('2021-07-15T10:00:00Z'), 'average-lifecycle', 200],
    ]);
  });

  it('rejects local times that do not exist or occur twice at the DST changes, with the reason (DST fixture)', () => {
    // Hourly Europe/Berlin wall-clock rows around 2021-03-28 (02:00 skipped) and 2021-10-31 (02:00 twice).
    const rows = ['2021-03-28 01:00', '2021-03-28 02:00', '2021-03-28 03:00', '2021-10-31 01:00', '2021-10-31 02:00', '2021-10-31 03:00'];
    const r = parseIntensityCsv(lines('Time,Carbon Intensity', ...rows.map((x, i) => `${x}:00,${100 + i}`)), { zone: 'DE', signal: 'average-lifecycle', timeZone: 'Europe/Berlin' });
    expect(series(r).map(([tSec, , g]) => [tSec, g])).toEqual([
      [t('2021-03-28T00:00:00Z'), 100],
      [t('2021-03-28T01:00:00Z'), 102],
      [t('2021-10-30T23:00:00Z'), 103],
      [t('2021-10-31T02:00:00Z'), 105],
    ]);
    expect(r.rejections).toEqual([
      { line: 3, reason: 'dst-gap', message: "local time '2021-03-28 02:00:00' does not exist in Europe/Berlin (clocks sprang forward)" },
      { line: 6, reason: 'dst-ambiguous', message: "local time '2021-10-31 02:00:00' occurs twice in Europe/Berlin (clocks fell back): 2021-10-31T00:00:00Z or 2021-10-31T01:00:00Z" },
    ]);
  });

  it('offsets in the file win over --timezone', () => {
    const r = parseIntensityCsv('time,g_per_kwh\n2021-01-15T12:00:00Z,1', { zone: 'DE', signal: 'average-direct', timeZone: 'America/New_York' });
    expect(r.points[0].tSec).toBe(t('2021-01-15T12:00:00Z'));
  });
});

describe('day/month order of a/b/YYYY dates', () => {
  const us = lines(',UTC time,carbon_intensity', '0,01/12/2020 23:00:00,1', '1,01/13/2020 00:00:00,2', '2,01/13/2020 01:00:00,3');

  it('is decided by the first date with a field > 12; rows read before are replayed in that order', () => {
    const r = parseIntensityCsv(us, { zone: 'US-CAL-CISO', signal: 'average-lifecycle' });
    expect(series(r).map(([tSec]) => tSec)).toEqual([t('2020-01-12T23:00:00Z'), t('2020-01-13T00:00:00Z'), t('2020-01-13T01:00:00Z')]);
  });

  it('rejects a date that contradicts the decided order, and dates no row could decide', () => {
    const r = parseIntensityCsv(lines(us, '3,13/01/2020 02:00:00,4'), { zone: 'Z', signal: 'average-lifecycle' });
    expect(r.rejections).toEqual([{ line: 5, reason: 'date-order', message: "bad timestamp '13/01/2020 02:00:00' (not MM/DD/YYYY, the order line 3 set)" }]);
    const undecided = parseIntensityCsv(lines(',UTC time,ci', '0,01/02/2020 00:00,1', '1,01/02/2020 01:00,2'), { zone: 'Z', signal: 'average-lifecycle' });
    expect([undecided.accepted, undecided.rejected, undecided.rejections[0].message]).toEqual([0, 2, expect.stringMatching(/pass --date-order mdy\|dmy/)]);
    expect(parseIntensityCsv(lines(',UTC time,ci', '0,01/02/2020 00:00,1'), { zone: 'Z', signal: 'average-lifecycle', dateOrder: 'dmy' }).points[0].tSec).toBe(t('2020-02-01T00:00:00Z'));
  });
});

describe('sub-hourly series → time-weighted hourly means', () => {
  const halfHourly = (vals: number[], start = '2020-01-01T00:00:00Z') => lines('Time,Carbon Intensity', ...vals.map((v, i) => `${new Date((t(start) + i * 1800) * 1000).toISOString()},${v}`));

  it('averages half-hours into hours and says so', () => {
    const r = parseIntensityCsv(halfHourly([100, 200, 300, 500]), { zone: 'GB', signal: 'average-lifecycle' });
    expect(series(r)).toEqual([
      [t('2020-01-01T00:00:00Z'), 'average-lifecycle', 150],
      [t('2020-01-01T01:00:00Z'), 'average-lifecycle', 400],
    ]);
    expect(r.averaged).toEqual({ values: 4, hours: 2, stepsSec: [1800], resolution: 'half-hourly', partialHoursKept: 0, hoursDropped: 0, minHourCoverage: 0.5 });
    expect(r.points.every((p) => p.periodSec === 3600)).toBe(true);
  });

  it('weights by duration where the resolution changes (30 → 15 minutes), and leaves a missing value as a hole', () => {
    const rows = ['00:00,100', '00:30,200', '01:00,300', '01:15,400', '01:30,500', '01:45,600', '02:00,10', '02:15,20', /* 02:30 missing */ '02:45,40'];
    const r = parseIntensityCsv(lines('time,ci', ...rows.map((x) => `2020-01-01T${x.replace(',', ':00Z,')}`)), { zone: 'GB', signal: 'average-direct' });
    expect(series(r).map(([tSec, , g]) => [tSec, g])).toEqual([
      [t('2020-01-01T00:00:00Z'), 150],
      [t('2020-01-01T01:00:00Z'), 450],
      [t('2020-01-01T02:00:00Z'), 23.333333], // (10 + 20 + 40) / 3: 45 of 60 minutes covered, kept as partial
    ]);
    expect(r.averaged).toMatchObject({ partialHoursKept: 1, hoursDropped: 0, stepsSec: [900], resolution: '15-minute' }); // 30 min here = 2 × 15: a gap
  });

  it('drops an hour covered less than half, and counts it', () => {
    const rows = ['2020-01-01T00:00:00Z,1', '2020-01-01T00:15:00Z,1', '2020-01-01T00:30:00Z,1', '2020-01-01T00:45:00Z,1', '2020-01-01T03:00:00Z,9'];
    const r = parseIntensityCsv(lines('time,ci', ...rows), { zone: 'GB', signal: 'average-direct' });
    expect(series(r).map(([tSec]) => tSec)).toEqual([t('2020-01-01T00:00:00Z')]);
    expect(r.averaged).toMatchObject({ hours: 1, hoursDropped: 1 });
  });

  it('averages 5-minute MOER in lbs/MWh to hourly g/kWh', () => {
    const rows = Array.from({ length: 12 }, (_, i) => `2023-06-08T00:${String(i * 5).padStart(2, '0')}:00Z,${i < 6 ? 1000 : 2000}`);
    const r = parseIntensityCsv(lines('point_time,moer', ...rows), { zone: 'CAISO_NORTH' });
    expect(series(r)).toEqual([[t('2023-06-08T00:00:00Z'), 'marginal', 1500 * 0.45359237]]);
    expect(r.averaged?.resolution).toBe('5-minute');
  });

  it('an hourly series in a :30 zone (Asia/Kolkata) is spread over the UTC hours it overlaps', () => {
    const r = parseIntensityCsv(lines('Time,ci', '2024-06-01 00:00,100', '2024-06-01 01:00,200', '2024-06-01 02:00,300'), { zone: 'IN-WE', signal: 'average-lifecycle', timeZone: 'Asia/Kolkata' });
    expect(series(r).map(([tSec, , g]) => [tSec, g])).toEqual([
      [t('2024-05-31T18:00:00Z'), 100], // half covered: kept
      [t('2024-05-31T19:00:00Z'), 150],
      [t('2024-05-31T20:00:00Z'), 250],
      [t('2024-05-31T21:00:00Z'), 300],
    ]);
  });

  it('property: a constant series averages to the constant; any hour mean lies within its values', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(300, 900, 1800),
        fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 4, maxLength: 60 }),
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        (step, vals, keep) => {
          const rows = vals.flatMap((v, i) => (keep[i] || i < 2 ? [`${new Date((t('2024-01-01T00:00:00Z') + i * step) * 1000).toISOString()},${v}`] : []));
          const r = parseIntensityCsv(lines('time,ci', ...rows), { zone: 'Z', signal: 'average-direct' });
          const min = Math.min(...vals);
          const max = Math.max(...vals);
          for (const p of r.points) {
            expect(p.gPerKwh).toBeGreaterThanOrEqual(min - 1e-9);
            expect(p.gPerKwh).toBeLessThanOrEqual(max + 1e-9);
          }
          const flat = parseIntensityCsv(lines('time,ci', ...rows.map((x) => x.replace(/,.*$/, ',42'))), { zone: 'Z', signal: 'average-direct' });
          expect(flat.points.every((p) => Math.abs(p.gPerKwh - 42) < 1e-9)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('rejection summary', () => {
  it('keeps the first N rejections in line order and counts all by reason, most frequent first', () => {
    const rows = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? `2024-01-01T00:00:00Z,${i}` : i % 3 === 1 ? 'soon,1' : `2024-01-02T${String(i % 24).padStart(2, '0')}:00:00Z,-1`));
    const r = parseIntensityCsv(lines('timestamp,g_per_kwh', ...rows), { zone: 'Z', signal: 'average-direct', keepRejections: 5 });
    expect(r.accepted).toBe(1);
    expect(r.rejected).toBe(29);
    expect(r.rejections.map((x) => x.line)).toEqual([3, 4, 5, 6, 7]);
    expect(r.rejectionsByReason).toEqual([
      { reason: 'bad-timestamp', label: 'unreadable timestamp', count: 10 },
      { reason: 'negative-value', label: 'negative value', count: 10 },
      { reason: 'duplicate', label: 'duplicate timestamp', count: 9 },
    ]);
  });

  it('warns when values exceed what any grid emits (likely a unit mistake)', () => {
    const r = parseIntensityCsv('time,g_per_kwh\n2024-01-01T00:00:00Z,1800', { zone: 'Z', signal: 'average-direct' });
    expect(r.warnings).toEqual([expect.stringMatching(/1 hourly value\(s\) exceed 1640 g\/kWh.*check the unit \(read as g\/kWh/)]);
  });
});

describe('streaming', () => {
  it.each([
    ['an hourly export', [EM_HEADER, ...Array.from({ length: 30 }, (_, h) => emRow(`2021-01-02 ${String(h % 24).padStart(2, '0')}:00:00`, String(h), String(2 * h)))].join('\r\n'), { zone: 'GB' }],
    ['a half-hourly local series', lines('Time,Carbon Intensity', ...Array.from({ length: 40 }, (_, i) => `2021-03-28 ${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}:00,${i}`)), { zone: 'DE', signal: 'average-lifecycle' as const, timeZone: 'Europe/Berlin' }],
  ])('gives the same result whatever the chunk boundaries: %s', (_name, csv, opts) => {
    const whole = parseIntensityCsv(csv, opts);
    expect(whole.points.length).toBeGreaterThan(10);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: csv.length - 1 }), { maxLength: 8 }), (cuts) => {
        const parser = new IntensityCsvParser(opts);
        const bounds = [0, ...[...new Set(cuts)].sort((a, b) => a - b), csv.length];
        for (let i = 1; i < bounds.length; i++) parser.push(csv.slice(bounds[i - 1], bounds[i]));
        expect(parser.end()).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });
});

describe('helpers', () => {
  it.each([
    ['a,b,c', ',', ['a', 'b', 'c']],
    ['"a,b",c', ',', ['a,b', 'c']],
    ['"say ""hi""",', ',', ['say "hi"', '']],
    ['a;"b;c";d', ';', ['a', 'b;c', 'd']],
  ])('splits %j', (line, delimiter, cells) => expect(splitCsvLine(line, delimiter)).toEqual(cells));

  it.each([
    ['Carbon Intensity gCO₂eq/kWh (LCA)', 'g/kWh'],
    ['g_per_kwh', 'g/kWh'],
    ['lbs_co2_per_mwh', 'lbs/MWh'],
    ['MOER (lb/MWh)', 'lbs/MWh'],
    ['kg/MWh', 'kg/MWh'],
    ['tCO2/MWh', 't/MWh'],
    ['kgCO2e per kWh', 'kg/kWh'],
    ['carbon_intensity', undefined],
    ['Caiso_North', undefined],
  ])('unit of %j is %s', (text, unit) => expect(parseIntensityUnit(text)).toBe(unit));

  it.each([
    ['regular', [0, 1800, 3600], 1, 1800],
    ['before a missing value', [0, 900, 2700, 3600], 1, 900],
    ['15 → 30 minutes', [0, 900, 1800, 3600, 5400], 2, 1800],
    ['last value', [0, 1800], 1, 1800],
    ['last value after a gap', [0, 900, 1800, 9000], 3, 900],
    ['never more than an hour', [0, 7200, 14400], 0, 3600],
    ['a lone value', [0], 0, 0],
  ])('holdSec: %s', (_n, times, i, expected) => expect(holdSec(times.map((tSec) => ({ tSec })), i)).toBe(expected));
});
