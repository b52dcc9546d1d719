import fc from 'fast-check';
import {
  IntensityCsvFormatError,
  IntensityCsvParser,
  parseIntensityCsv,
  parseStrictInstant,
  splitCsvLine,
} from '../../../../shared/domain/intensity/csv-import';

const t = (iso: string) => Date.parse(iso) / 1000;
/** Header of the Electricity Maps hourly export (data portal; as in HPE green-dcc's copies). */
const EM_HEADER =
  'Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),Carbon Intensity gCO₂eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,Data Source,Data Estimated,Data Estimation Method';
const emRow = (dt: string, direct: string, lca: string, zone = 'GB') => `${dt},Great Britain,Great Britain,${zone},${direct},${lca},59.0,32.25, nationalgrideso.com; elexon.co.uk,false,`;

describe('parseIntensityCsv: Electricity Maps export', () => {
  it('yields a direct and a lifecycle point per row, UTC hours, CRLF and BOM tolerated', () => {
    const csv = '\uFEFF' + [EM_HEADER, emRow('2021-01-01 00:00:00', '156.03', '233.76'), emRow('2021-01-01 01:00:00', '152.52', '229.73')].join('\r\n') + '\r\n';
    const r = parseIntensityCsv(csv, { zone: 'GB' });
    expect(r.format).toBe('electricitymaps');
    expect(r.accepted).toBe(2);
    expect(r.rejected).toEqual([]);
    expect(r.points.map((p) => [p.tSec, p.signal, p.gPerKwh])).toEqual([
      [t('2021-01-01T00:00:00Z'), 'average-direct', 156.03],
      [t('2021-01-01T00:00:00Z'), 'average-lifecycle', 233.76],
      [t('2021-01-01T01:00:00Z'), 'average-direct', 152.52],
      [t('2021-01-01T01:00:00Z'), 'average-lifecycle', 229.73],
    ]);
    expect(r.points[0]).toMatchObject({ periodSec: 3600, zone: 'GB', quality: 'actual', provider: 'file import (electricitymaps)' });
  });

  it('keeps only the requested signal when one is given', () => {
    const r = parseIntensityCsv([EM_HEADER, emRow('2021-01-01 00:00:00', '156.03', '233.76')].join('\n'), { zone: 'GB', signal: 'average-lifecycle', provider: 'EM portal 2021' });
    expect(r.points).toEqual([expect.objectContaining({ signal: 'average-lifecycle', gPerKwh: 233.76, provider: 'EM portal 2021' })]);
  });

  it('finds columns by name, whatever their order, and honours quoted fields', () => {
    const header = 'Zone Id,Carbon Intensity gCO₂eq/kWh (LCA),Datetime (UTC),Carbon Intensity gCO₂eq/kWh (direct),Data Source';
    const r = parseIntensityCsv(`${header}\nDE,400,2022-06-01 12:00:00,350,"entsoe.eu, smard.de"`, { zone: 'DE' });
    expect(r.rejected).toEqual([]);
    expect(r.points.map((p) => [p.signal, p.gPerKwh])).toEqual([
      ['average-direct', 350],
      ['average-lifecycle', 400],
    ]);
  });

  it.each([
    ['bad timestamp', emRow('2021-02-30 00:00:00', '1', '2'), /bad timestamp/],
    ['timestamp off the hour', emRow('2021-01-01 00:30:00', '1', '2'), /not the start of a UTC hour/],
    ['negative value', emRow('2021-01-01 00:00:00', '-1', '2'), /direct: negative value/],
    ['NaN value', emRow('2021-01-01 00:00:00', '1', 'NaN'), /LCA: value 'NaN' is not a number/],
    ['empty value', emRow('2021-01-01 00:00:00', '', '2'), /direct: value '' is not a number/],
    ['wrong column count', '2021-01-01 00:00:00,Great Britain,GB,1,2', /wrong column count: 5, expected 11/],
    ['zone mismatch', emRow('2021-01-01 00:00:00', '1', '2', 'FR'), /zone mismatch: Zone Id 'FR' is not 'GB'/],
  ])('rejects a row with a %s, with its line number, and keeps the rest', (_name, bad, reason) => {
    const csv = [EM_HEADER, emRow('2021-01-01 01:00:00', '10', '20'), bad, emRow('2021-01-01 02:00:00', '11', '21')].join('\n');
    const r = parseIntensityCsv(csv, { zone: 'GB' });
    expect(r.accepted).toBe(2);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0].line).toBe(3);
    expect(r.rejected[0].reason).toMatch(reason);
    expect(r.points).toHaveLength(4);
  });

  it('rejects a duplicate hour and names the first occurrence', () => {
    const csv = [EM_HEADER, emRow('2021-01-01 00:00:00', '1', '2'), emRow('2021-01-01 00:00:00', '3', '4')].join('\n');
    const r = parseIntensityCsv(csv, { zone: 'GB' });
    expect(r.rejected).toEqual([{ line: 3, reason: 'duplicate hour 2021-01-01T00:00:00Z (first at line 2)' }]);
    expect(r.points.map((p) => p.gPerKwh)).toEqual([1, 2]);
  });

  it('refuses to produce a marginal signal from an average-intensity export', () => {
    expect(() => parseIntensityCsv(EM_HEADER, { zone: 'GB', signal: 'marginal' })).toThrow(IntensityCsvFormatError);
  });
});

describe('parseIntensityCsv: plain timestamp,g_per_kwh', () => {
  it('normalises zoned timestamps to UTC epoch hours with the chosen signal', () => {
    const csv = 'timestamp,g_per_kwh\n2024-03-10T00:00:00Z,400\n2024-03-10T02:00:00+01:00,410.5\n2024-03-10T02:00-05:00,0\n';
    const r = parseIntensityCsv(csv, { zone: 'CAISO_NORTH', signal: 'marginal' });
    expect(r.format).toBe('plain');
    expect(r.points.map((p) => [p.tSec, p.gPerKwh])).toEqual([
      [t('2024-03-10T00:00:00Z'), 400],
      [t('2024-03-10T01:00:00Z'), 410.5],
      [t('2024-03-10T07:00:00Z'), 0],
    ]);
    expect(r.points.every((p) => p.signal === 'marginal' && p.provider === 'file import (plain)' && p.quality === 'actual')).toBe(true);
  });

  it.each([
    ['no zone', '2024-03-10T03:00:00,400', /has no zone/],
    ['date only', '2024-03-10,400', /bad timestamp/],
    ['not a date', 'yesterday,400', /bad timestamp/],
    ['negative', '2024-03-10T03:00:00Z,-3', /negative value/],
    ['non-number', '2024-03-10T03:00:00Z,abc', /not a number/],
    ['three columns', '2024-03-10T03:00:00Z,1,2', /wrong column count: 3, expected 2/],
    ['duplicate hour (same instant, other offset)', '2024-03-10T01:00:00+01:00,5', /duplicate hour 2024-03-10T00:00:00Z \(first at line 2\)/],
  ])('rejects %s with its line number', (_name, bad, reason) => {
    const r = parseIntensityCsv(`timestamp,g_per_kwh\n2024-03-10T00:00:00Z,1\n${bad}`, { zone: 'Z', signal: 'average-direct' });
    expect(r.accepted).toBe(1);
    expect(r.rejected).toEqual([{ line: 3, reason: expect.stringMatching(reason) }]);
  });

  it('needs a signal: it is not guessed', () => {
    expect(() => parseIntensityCsv('timestamp,g_per_kwh\n2024-03-10T00:00:00Z,1', { zone: 'Z' })).toThrow(/needs a signal/);
  });

  it('rejects an unknown header and an empty file as a whole', () => {
    expect(() => parseIntensityCsv('time,value\n', { zone: 'Z', signal: 'marginal' })).toThrow(/unrecognised header/);
    expect(() => parseIntensityCsv('', { zone: 'Z', signal: 'marginal' })).toThrow(/empty file/);
  });
});

describe('streaming', () => {
  it('gives the same result whatever the chunk boundaries', () => {
    const csv = [EM_HEADER, ...Array.from({ length: 30 }, (_, h) => emRow(`2021-01-02 ${String(h % 24).padStart(2, '0')}:00:00`, String(h), String(2 * h)))].join('\r\n');
    const whole = parseIntensityCsv(csv, { zone: 'GB' });
    expect(whole.rejected).toHaveLength(6); // hours 24..29 wrap to duplicates of 00..05
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: csv.length - 1 }), { maxLength: 8 }), (cuts) => {
        const parser = new IntensityCsvParser({ zone: 'GB' });
        const bounds = [0, ...[...new Set(cuts)].sort((a, b) => a - b), csv.length];
        for (let i = 1; i < bounds.length; i++) parser.push(csv.slice(bounds[i - 1], bounds[i]));
        expect(parser.end()).toEqual(whole);
      }),
      { numRuns: 50 },
    );
  });
});

describe('helpers', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi""",', ['say "hi"', '']],
  ])('splits %j', (line, cells) => expect(splitCsvLine(line)).toEqual(cells));

  it.each([
    ['2024-02-29T00:00:00Z', false, t('2024-02-29T00:00:00Z')],
    ['2023-02-29T00:00:00Z', false, NaN],
    ['2024-03-10T05:30:00+05:30', false, t('2024-03-10T00:00:00Z')],
    ['2024-03-10 05:00:00', false, NaN],
    ['2024-03-10 05:00:00', true, t('2024-03-10T05:00:00Z')],
  ])('parses %s (assumeUtc=%s) strictly', (s, assumeUtc, expected) => expect(parseStrictInstant(s, assumeUtc)).toBe(expected));
});
