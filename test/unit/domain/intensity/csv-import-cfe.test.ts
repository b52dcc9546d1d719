/**
 * The grid's carbon-free share in intensity imports: read from the columns Electricity Maps files carry, stored per
 * hourly point as `cfePct`, unknown where the file has no value (never guessed).
 */
import { parseIntensityCsv } from '../../../../shared/domain/intensity/csv-import';

const t = (iso: string) => Date.parse(iso) / 1000;
const lines = (...l: string[]) => l.join('\n');
const cfe = (r: ReturnType<typeof parseIntensityCsv>) => r.points.map((p) => [p.tSec, p.signal, p.cfePct]);

/** Electricity Maps data-portal export before 2024 (as in ../shared/data/electricitymaps-hourly-greendcc). */
const EM_2022 = 'Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),Carbon Intensity gCO₂eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,Data Source,Data Estimated,Data Estimation Method';
/** The export's newer header (Electricity Maps data portal, 2024+: CFE% and RE%). */
const EM_2024 = 'Datetime (UTC),Country,Zone name,Zone id,Carbon intensity gCO₂eq/kWh (direct),Carbon intensity gCO₂eq/kWh (Life cycle),Carbon-free energy percentage (CFE%),Renewable energy percentage (RE%),Data source,Data estimated,Data estimation method';

describe('carbon-free share columns', () => {
  it('reads "Low Carbon Percentage" of the Electricity Maps export onto both signals of the hour, never the renewable share', () => {
    // Prepare: ZA, 2021-01-01 (../shared/data/electricitymaps-hourly-greendcc/ZA_2021_hourly.csv, first rows)
    const csv = lines(EM_2022, '2021-01-01 00:00:00,South Africa,South Africa,ZA,645.52,693.43,23.1,15.01,eskom.co.za,false,', '2021-01-01 01:00:00,South Africa,South Africa,ZA,640.1,688.2,24.4,15.5,eskom.co.za,false,');
    // Act
    const r = parseIntensityCsv(csv, { zone: 'ZA' });
    // Assess
    expect(r.layout).toMatchObject({ cfeColumn: 'Low Carbon Percentage', cfeFrom: 'share' });
    expect(cfe(r)).toEqual([
      [t('2021-01-01T00:00:00Z'), 'average-direct', 23.1],
      [t('2021-01-01T00:00:00Z'), 'average-lifecycle', 23.1],
      [t('2021-01-01T01:00:00Z'), 'average-direct', 24.4],
      [t('2021-01-01T01:00:00Z'), 'average-lifecycle', 24.4],
    ]);
  });

  it('reads "Carbon-free energy percentage (CFE%)" of the newer export', () => {
    const r = parseIntensityCsv(lines(EM_2024, '2024-03-01 00:00:00,Germany,Germany,DE,350.1,410.2,55.5,48.2,entsoe.eu,false,'), { zone: 'DE', signal: 'average-lifecycle' });
    expect(r.layout.cfeColumn).toBe('Carbon-free energy percentage (CFE%)');
    expect(r.points).toEqual([expect.objectContaining({ signal: 'average-lifecycle', gPerKwh: 410.2, cfePct: 55.5 })]);
  });

  it.each([
    ['fossilFreePercentage', 'share', '30.5', 30.5],
    ['carbonFreePercentage', 'share', '30.5', 30.5],
    ['fossilFuelPercentage', 'complement', '4.62', 95.38], // EM: fossil-free = 100 − fossil fuel share
  ])('reads the API field %s (%s)', (col, from, value, want) => {
    const r = parseIntensityCsv(lines(`datetime,carbonIntensity,${col}`, `2025-11-20T00:00:00Z,46,${value}`), { zone: 'FR' });
    expect(r.layout).toMatchObject({ cfeColumn: col, cfeFrom: from });
    expect(r.points[0].cfePct).toBeCloseTo(want, 9);
  });

  it('leaves the share unknown for an empty cell and keeps the intensity', () => {
    const r = parseIntensityCsv(lines('datetime,carbonIntensity,fossilFreePercentage', '2025-11-20T00:00:00Z,46,', '2025-11-20T01:00:00Z,47,80'), { zone: 'FR' });
    expect(r.points.map((p) => [p.gPerKwh, p.cfePct])).toEqual([[46, undefined], [47, 80]]);
    expect('cfePct' in r.points[0]).toBe(false);
  });

  it.each([
    ['not a number', 'n/a', /fossilFreePercentage: value 'n\/a' is not a number/],
    ['above 100', '120', /fossilFreePercentage: 120 is not a percentage between 0 and 100/],
    ['negative', '-3', /-3 is not a percentage between 0 and 100/],
  ])('rejects a row whose share is %s, naming line and column, and keeps the rest', (_n, bad, message) => {
    const r = parseIntensityCsv(lines('datetime,carbonIntensity,fossilFreePercentage', '2025-11-20T00:00:00Z,46,50', `2025-11-20T01:00:00Z,47,${bad}`), { zone: 'FR' });
    expect([r.accepted, r.rejected]).toEqual([1, 1]);
    expect(r.rejections).toEqual([{ line: 3, reason: 'bad-value', message: expect.stringMatching(message) }]);
  });

  it('averages a sub-hourly share with the intensity weights, and gives none to an hour whose share is partly missing', () => {
    const csv = lines(
      'datetime,carbon_intensity,fossilFreePercentage',
      '2025-11-20T00:00:00Z,100,40', '2025-11-20T00:30:00Z,200,60', // hour 0: (40 + 60) / 2 = 50
      '2025-11-20T01:00:00Z,100,40', '2025-11-20T01:30:00Z,200,', // hour 1: half the hour without a share
      '2025-11-20T02:00:00Z,100,10',
    );
    const r = parseIntensityCsv(csv, { zone: 'FR', signal: 'average-lifecycle' });
    expect(r.averaged).toBeDefined();
    expect(r.points.map((p) => [p.tSec, p.gPerKwh, p.cfePct])).toEqual([
      [t('2025-11-20T00:00:00Z'), 150, 50],
      [t('2025-11-20T01:00:00Z'), 150, undefined],
      [t('2025-11-20T02:00:00Z'), 100, 10],
    ]);
  });

  it('takes no share from a file without such a column', () => {
    const r = parseIntensityCsv(lines('timestamp,g_per_kwh', '2025-11-20T00:00:00Z,46'), { zone: 'FR', signal: 'average-lifecycle' });
    expect(r.layout.cfeColumn).toBeUndefined();
    expect(r.points[0].cfePct).toBeUndefined();
  });
});
