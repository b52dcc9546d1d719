/**
 * Reads AWS Data Exports `CARBON_EMISSIONS` files: CSV (optionally gzip, the export's `GZIP` compression) or Parquet
 * (decoded with the pure-JS `hyparquet`; it reads uncompressed and SNAPPY column chunks, which is what Parquet writers
 * like Data Exports use by default — another codec is a clear error naming it), from a file or a folder laid out like
 * the S3 export (`…/model_version=<v>/usage_period=<YYYY-MM>/<name>.csv[.gz]|.parquet`).
 *
 * `decodeCcftExport` works on bytes, so an S3 reader can reuse it. Every file is validated whole
 * (shared/contracts/ccft.ts); with several files, one bad file rejects them all: nothing is half-imported.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { CcftExportError, parseCcftRecords } from '../../contracts/ccft';
import { splitCsvLine } from '../../domain/intensity/csv-import';
import type { CcftRow } from '../../domain/reconcile/ccft-types';

const isGzip = (b: Uint8Array) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;
const isParquet = (b: Uint8Array) => b.length >= 8 && String.fromCharCode(b[0], b[1], b[2], b[3]) === 'PAR1';

/** Partition values from an export path (`model_version=v3.0.0/usage_period=2026-10/…`). */
export function partitionOf(path: string): { modelVersion?: string; usagePeriod?: string } {
  const out: { modelVersion?: string; usagePeriod?: string } = {};
  for (const seg of path.split(/[\\/]/)) {
    const m = /^(model_version|usage_period)=(.+)$/.exec(seg);
    if (m?.[1] === 'model_version') out.modelVersion = decodeURIComponent(m[2]);
    if (m?.[1] === 'usage_period') out.usagePeriod = decodeURIComponent(m[2]);
  }
  return out;
}

function csvRecords(text: string, file: string): { columns: string[]; records: Record<string, string>[]; lines: number[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  if (headerAt < 0) throw new CcftExportError([`${file}: empty file (no header)`]);
  const columns = splitCsvLine(lines[headerAt]).map((c) => c.trim());
  const records: Record<string, string>[] = [];
  const lineNos: number[] = [];
  const problems: string[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = splitCsvLine(lines[i]);
    if (cells.length !== columns.length) {
      problems.push(`${file} line ${i + 1}: ${cells.length} fields, the header has ${columns.length}`);
      continue;
    }
    records.push(Object.fromEntries(columns.map((c, j) => [c, cells[j]])));
    lineNos.push(i + 1);
  }
  if (problems.length) throw new CcftExportError(problems);
  return { columns, records, lines: lineNos };
}

/** Decode one export file's bytes (CSV, gzip CSV or Parquet) into validated rows. */
export async function decodeCcftExport(bytes: Uint8Array, name: string, partition = partitionOf(name)): Promise<CcftRow[]> {
  const file = name;
  if (isParquet(bytes)) {
    const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    let columns: string[];
    let records: Record<string, unknown>[];
    try {
      const meta = parquetMetadata(buf);
      columns = parquetSchema(meta).children.map((c) => c.element.name);
      records = await parquetReadObjects({ file: buf, metadata: meta });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new CcftExportError([`${file}: cannot decode Parquet (${msg})${/compression|codec/i.test(msg) ? ' — only uncompressed and SNAPPY column chunks are supported' : ''}`]);
    }
    return parseCcftRecords(records, { file, columns, rowLabel: (i) => `row ${i + 1}`, partition });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(isGzip(bytes) ? gunzipSync(bytes) : bytes);
  } catch (e) {
    throw new CcftExportError([`${file}: not a UTF-8 CSV, gzip CSV or Parquet file (${e instanceof Error ? e.message : String(e)})`]);
  }
  const { columns, records, lines } = csvRecords(text, file);
  return parseCcftRecords(records, { file, columns, rowLabel: (i) => `line ${lines[i]}`, partition });
}

/** Export data files (the export's manifests and metadata JSON are not data). */
export const EXPORT_FILE = /\.(csv|csv\.gz|gz|parquet)$/i;

const walk = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : EXPORT_FILE.test(f) ? [p] : [];
    });

/** Read an export file, or every export file under a folder; all files validate or none is used. */
export async function readCcftExportPath(path: string): Promise<{ rows: CcftRow[]; files: string[] }> {
  const st = statSync(path);
  const files = st.isDirectory() ? walk(path) : [path];
  if (!files.length) throw new CcftExportError([`${path}: no .csv, .csv.gz or .parquet export files found`]);
  const rows: CcftRow[] = [];
  const problems: string[] = [];
  for (const f of files) {
    const label = st.isDirectory() ? f.slice(path.length).replace(new RegExp(`^\\${sep}`), '') || basename(f) : basename(f);
    try {
      rows.push(...(await decodeCcftExport(readFileSync(f), label, partitionOf(f))));
    } catch (e) {
      if (e instanceof CcftExportError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length) throw new CcftExportError(problems);
  return { rows, files };
}
