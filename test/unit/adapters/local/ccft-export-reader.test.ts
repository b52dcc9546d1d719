/**
 * Reading AWS Data Exports CARBON_EMISSIONS files: CSV, gzip CSV and Parquet (written here with the pure-JS
 * hyparquet-writer), a file or an S3-like partitioned folder. A bad file is rejected whole, naming file, row and field.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { decodeCcftExport, partitionOf, readCcftExportPath } from '../../../../shared/adapters/local/ccft-export-reader';
import { CcftExportError, parseCcftTimestamp } from '../../../../shared/contracts/ccft';

const FIXTURE = join(__dirname, '../../../fixtures/ccft/carbon-emissions-v3.csv');
const csvText = readFileSync(FIXTURE, 'utf8');
const bytes = (s: string) => new TextEncoder().encode(s);
const rejection = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof CcftExportError) return e.problems.join('\n');
    throw e;
  }
  throw new Error('expected a CcftExportError');
};

describe('CARBON_EMISSIONS export reader', () => {
  it('reads the documented CSV columns into rows in metric tons, month from usage_period_start (UTC)', async () => {
    // Act
    const rows = await decodeCcftExport(bytes(csvText), 'carbon.csv');
    // Assess
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      source: 'carbon.csv line 2', month: '2026-10', accountId: '111122223333', payerAccountId: '999988887777', region: 'us-east-1',
      productCode: 'AmazonSageMaker', modelVersion: 'v3.0.0', totalLbmT: 0.0125, scope1T: 0.0001, scope2LbmT: 0.011, scope3LbmT: 0.0014, totalMbmT: 0.0071,
    });
    expect(rows[0].periodStartSec).toBe(Date.UTC(2026, 9, 1) / 1000);
    expect(rows[2]).toMatchObject({ region: 'global', productCode: 'AmazonCloudFront' }); // global service: no region_code
  });

  it('reads the same rows from a gzip-compressed CSV (the export\'s GZIP option)', async () => {
    const rows = await decodeCcftExport(gzipSync(bytes(csvText)), 'carbon.csv.gz');
    expect(rows.map((r) => r.totalLbmT)).toEqual([0.0125, 0.004, 0.0002]);
  });

  it('reads a Parquet file (SNAPPY, the writer default) with timestamp and double columns', async () => {
    // Prepare: the v2-style column set (no per-scope columns), as a Parquet file.
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'usage_period_start', data: [new Date(Date.UTC(2026, 9, 1)), new Date(Date.UTC(2026, 9, 1))], type: 'TIMESTAMP' },
        { name: 'usage_account_id', data: ['111122223333', '111122223333'], type: 'STRING' },
        { name: 'region_code', data: ['us-east-1', 'eu-west-1'], type: 'STRING' },
        { name: 'product_code', data: ['AmazonEC2', 'AmazonSageMaker'], type: 'STRING' },
        { name: 'model_version', data: ['v2.0.0', 'v2.0.0'], type: 'STRING' },
        { name: 'total_lbm_emissions_value', data: [0.5, 0.25], type: 'DOUBLE' },
        { name: 'total_lbm_emissions_unit', data: ['MTCO2e', 'MTCO2e'], type: 'STRING' },
      ],
    });
    // Act
    const rows = await decodeCcftExport(new Uint8Array(buf), 'part-00001.snappy.parquet');
    // Assess
    expect(rows.map((r) => [r.source, r.month, r.region, r.productCode, r.totalLbmT, r.scope2LbmT])).toEqual([
      ['part-00001.snappy.parquet row 1', '2026-10', 'us-east-1', 'AmazonEC2', 0.5, null],
      ['part-00001.snappy.parquet row 2', '2026-10', 'eu-west-1', 'AmazonSageMaker', 0.25, null],
    ]);
  });

  it('rejects a file missing a required column, naming it (nothing imported)', async () => {
    const noRegion = csvText.replace('region_code', 'region');
    expect(await rejection(decodeCcftExport(bytes(noRegion), 'carbon.csv'))).toBe('carbon.csv: header: missing required column region_code');
  });

  it.each<[string, (s: string) => string, RegExp]>([
    ['a non-numeric emissions value', (s) => s.replace(',0.004,', ',n/a,'), /carbon\.csv line 3: total_lbm_emissions_value: expected a non-negative number .*\(got "n\/a"\)/],
    ['a wrong unit', (s) => s.replace('MTCO2e,0.004', 'kgCO2e,0.004'), /carbon\.csv line 3: total_lbm_emissions_unit: expected MTCO2e, got "kgCO2e"/],
    ['a bad account id', (s) => s.replace(',111122223333,2026-11-01 00:00:00Z,2026-10-01 00:00:00Z\n2026-11-18 04:12:09Z,"Europe', ',1111,2026-11-01 00:00:00Z,2026-10-01 00:00:00Z\n2026-11-18 04:12:09Z,"Europe'), /carbon\.csv line 2: usage_account_id: expected a 12-digit AWS account id/],
    ['a bad timestamp', (s) => s.replace(/2026-10-01 00:00:00Z$/m, '2026-13-01 00:00:00Z'), /carbon\.csv line 2: usage_period_start: expected a UTC timestamp/],
    ['a short row', (s) => s.replace(/,2026-10-01 00:00:00Z$/m, ''), /carbon\.csv line 2: 22 fields, the header has 23/],
  ])('rejects %s, naming the line and field', async (_what, edit, message) => {
    expect(await rejection(decodeCcftExport(bytes(edit(csvText)), 'carbon.csv'))).toMatch(message);
  });

  it('reads an S3-like partitioned folder and rejects it whole when one file is bad', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccft-'));
    try {
      const p = join(dir, 'model_version=v3.0.0', 'usage_period=2026-10');
      mkdirSync(p, { recursive: true });
      writeFileSync(join(p, 'carbon-00001.csv.gz'), gzipSync(bytes(csvText)));
      const ok = await readCcftExportPath(dir);
      expect(ok.rows).toHaveLength(3);
      expect(ok.rows[0].source).toMatch(/model_version=v3\.0\.0.*usage_period=2026-10.*carbon-00001\.csv\.gz line 2/);
      // A file whose rows are for another month than its partition says: the whole folder is rejected.
      const q = join(dir, 'model_version=v3.0.0', 'usage_period=2026-09');
      mkdirSync(q, { recursive: true });
      writeFileSync(join(q, 'carbon-00001.csv'), csvText);
      expect(await rejection(readCcftExportPath(dir))).toMatch(/usage_period=2026-09.* line 2: usage_period_start: month 2026-10 is not the file's partition usage_period=2026-09/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parses partition values and UTC timestamps as the export writes them', () => {
    expect(partitionOf('s3://b/carbon/data/model_version=v3.0.0/usage_period=2026-10/x.parquet')).toEqual({ modelVersion: 'v3.0.0', usagePeriod: '2026-10' });
    expect(parseCcftTimestamp('2026-10-01 00:00:00Z')).toBe(Date.UTC(2026, 9, 1) / 1000);
    expect(parseCcftTimestamp('2026-10-01T00:00:00.000Z')).toBe(Date.UTC(2026, 9, 1) / 1000);
    expect(parseCcftTimestamp('2026-10-01')).toBe(Date.UTC(2026, 9, 1) / 1000);
    expect(parseCcftTimestamp('2026-02-30 00:00:00Z')).toBeNaN();
    expect(parseCcftTimestamp('2026-10-01 00:00:00+02:00')).toBeNaN(); // not UTC: rejected, never shifted by a guess
  });

  it('rejects bytes that are neither CSV nor Parquet', async () => {
    expect(await rejection(decodeCcftExport(new Uint8Array([0xff, 0xfe, 0x00, 0x80]), 'x.csv'))).toMatch(/x\.csv: not a UTF-8 CSV/);
  });
});
