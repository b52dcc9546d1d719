import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadCarbonCast,
  loadHourlyZones,
  parseCarbonCastForecastCsv,
  parseUtcHour,
} from '../../../bench/lib/hourly-data';

const EM_HEADER =
  'Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),Carbon Intensity gCO₂eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,Data Source,Data Estimated,Data Estimation Method';
const emRow = (t: string, direct: number, lca: number): string => `${t},Germany,Germany,DE,${direct},${lca},50,40,entsoe.eu,false,`;
const sec = (iso: string): number => Date.parse(iso) / 1000;

/** A complete year of rows (8760 h for 2021) with lca = 100 + hour index. */
function fullYear2021(): string {
  const rows = [EM_HEADER];
  const t0 = sec('2021-01-01T00:00:00Z');
  for (let i = 0; i < 8760; i++) {
    const t = new Date((t0 + i * 3600) * 1000).toISOString().replace('T', ' ').slice(0, 19);
    rows.push(emRow(t, 50 + i, 100 + i));
  }
  return rows.join('\n') + '\n';
}

describe('hourly data loaders', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cp-hourly-'));
    const em = join(dir, 'electricitymaps-hourly-greendcc');
    mkdirSync(em);
    writeFileSync(join(em, 'DE-LU_2021_hourly.csv'), fullYear2021());
    // 2022 file with only three rows and a missing hour (01:00) in between
    writeFileSync(
      join(em, 'DE-LU_2022_hourly.csv'),
      [EM_HEADER, emRow('2022-01-01 00:00:00', 10, 20), emRow('2022-01-01 02:00:00', 11, 22), emRow('2022-01-01 03:00:00', 12, '' as unknown as number)].join('\n'),
    );
    writeFileSync(join(em, 'README.txt'), 'not a data file');
    const cc = join(dir, 'carboncast');
    mkdirSync(cc);
    const ccRows = [',UTC time,actual_carbon_intensity_lifecycle,forecasted_carbon_intensity_lifecycle'];
    // two vintages of 96 h, issued 2021-07-01 00:00 and 2021-07-02 00:00 (upstream layout)
    let idx = 0;
    for (const day of [1, 2]) {
      for (let h = 0; h < 96; h++) {
        const t = new Date(Date.UTC(2021, 6, day, h)).toISOString().replace('T', ' ').slice(0, 19);
        ccRows.push(`${idx++},${t},${200 + h},${day * 1000 + h}`);
      }
    }
    writeFileSync(join(cc, 'CISO_carbon_from_src_forecasts_lifecycle_Jul_Dec_2021.csv'), ccRows.join('\n'));
    writeFileSync(join(cc, 'CISO_lifecycle_emissions.csv'), ',UTC time,carbon_intensity,coal\n0,07/01/2021 00:00:00,233.5,1\n1,07/01/2021 02:00:00,240,1\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('concatenates a zone\'s years into one gap-aware hourly array and lists complete years only', () => {
    // Act
    const zones = loadHourlyZones(dir);
    const de = zones.get('DE-LU')!;
    // Assess
    expect([...zones.keys()]).toEqual(['DE-LU']);
    expect(de.zoneId).toBe('DE');
    expect(de.firstHourSec).toBe(sec('2021-01-01T00:00:00Z'));
    expect(de.lca).toHaveLength(8760 + 8760);
    expect(de.lca[0]).toBe(100);
    expect(de.lca[8759]).toBe(100 + 8759);
    expect(de.direct[1]).toBe(51);
    expect(de.lca[8760]).toBe(20); // 2022-01-01 00:00
    expect(Number.isNaN(de.lca[8761])).toBe(true); // the missing hour
    expect(de.lca[8762]).toBe(22);
    expect(Number.isNaN(de.lca[8763])).toBe(true); // empty LCA cell
    expect(de.direct[8763]).toBe(12);
    expect(de.years).toEqual([2021]);
    expect(de.coverageByYear![2022]).toBeCloseTo(2 / 8760, 8);
  });

  it('returns an empty map when the folder is absent', () => {
    expect(loadHourlyZones(join(dir, 'nope')).size).toBe(0);
  });

  it.each([
    ['2021-07-01 05:00:00', '2021-07-01T05:00:00Z'],
    ['07/01/2021 05:00:00', '2021-07-01T05:00:00Z'],
    ['2021-07-01 05:00:00+00:00', '2021-07-01T05:00:00Z'],
    ['2021-07-01 07:00:00+02:00', '2021-07-01T05:00:00Z'],
    ['2021-07-01T05:00Z', '2021-07-01T05:00:00Z'],
  ])('parses the timestamp %s as UTC', (text, iso) => {
    expect(parseUtcHour(text)).toBe(sec(iso));
  });

  it('rejects unparseable timestamps', () => {
    expect(parseUtcHour('yesterday')).toBeNaN();
  });

  it('splits CarbonCast forecasts into 96-h vintages: row i of a block is horizon i + 1 from 00:00 UTC', () => {
    const cc = loadCarbonCast(dir);
    const ciso = cc.get('CISO')!;
    expect(ciso.emZone).toBe('US-CAL-CISO');
    expect(ciso.vintages.map((v) => v.issueSec)).toEqual([sec('2021-07-01T00:00:00Z'), sec('2021-07-02T00:00:00Z')]);
    expect(ciso.vintages[1].forecast[0]).toBe(2000);
    expect(ciso.vintages[1].forecast[95]).toBe(2095);
    expect(ciso.vintages[0].actual[5]).toBe(205);
    expect(ciso.history!.firstHourSec).toBe(sec('2021-07-01T00:00:00Z'));
    expect(Array.from(ciso.history!.lca)).toEqual([233.5, NaN, 240]);
  });

  it('starts a new vintage when time goes backwards even before 96 rows', () => {
    const csv = [',UTC time,actual_carbon_intensity_direct,forecasted_carbon_intensity_direct', '0,2021-07-01 00:00:00,1,2', '1,2021-07-01 01:00:00,1,3', '2,2021-07-01 00:00:00,1,4'].join('\n');
    const v = parseCarbonCastForecastCsv(csv);
    expect(v).toHaveLength(2);
    expect(v[1].forecast[0]).toBe(4);
  });
});
