/**
 * Contract for AWS's Data Exports `CARBON_EMISSIONS` table (the Customer Carbon Footprint Tool export), CSV or
 * Parquet in S3, partitioned `model_version=<v>/usage_period=<YYYY-MM>/`.
 *
 * Columns, from the AWS Data Exports user guide, "Carbon emissions columns"
 * (https://docs.aws.amazon.com/cur/latest/userguide/carbon-emissions-columns.html): last_refresh_timestamp, location,
 * model_version, payer_account_id, product_code, region_code, total_lbm_emissions_unit, total_lbm_emissions_value,
 * total_mbm_emissions_unit, total_mbm_emissions_value, usage_account_id, usage_period_end, usage_period_start, and
 * with model v3 the per-scope columns total_scope_1_emissions_{value,unit}, total_scope_2_{lbm,mbm}_emissions_{value,unit},
 * total_scope_3_{lbm,mbm}_emissions_{value,unit}. Values are metric tons CO2e (unit `MTCO2e`); timestamps are UTC
 * (`YYYY-MM-DD HH:mm:ssZ`); product_code, region_code and location may be null (global services: location "Global").
 *
 * A file is accepted whole or not at all: a missing required column, or any row with a bad value, throws a
 * CcftExportError naming the file, the row and the field.
 */
import { z } from 'zod';
import type { CcftRow } from '../domain/reconcile/ccft-types';

/** The documented columns (model v3). */
export const CARBON_EMISSIONS_COLUMNS = [
  'last_refresh_timestamp', 'location', 'model_version', 'payer_account_id', 'product_code', 'region_code',
  'total_lbm_emissions_unit', 'total_lbm_emissions_value', 'total_mbm_emissions_unit', 'total_mbm_emissions_value',
  'total_scope_1_emissions_unit', 'total_scope_1_emissions_value',
  'total_scope_2_lbm_emissions_unit', 'total_scope_2_lbm_emissions_value', 'total_scope_2_mbm_emissions_unit', 'total_scope_2_mbm_emissions_value',
  'total_scope_3_lbm_emissions_unit', 'total_scope_3_lbm_emissions_value', 'total_scope_3_mbm_emissions_unit', 'total_scope_3_mbm_emissions_value',
  'usage_account_id', 'usage_period_end', 'usage_period_start',
] as const;

/** Columns the reconciliation cannot do without (the per-scope columns are optional: older model versions lack them). */
export const REQUIRED_CCFT_COLUMNS = [
  'usage_period_start', 'usage_account_id', 'region_code', 'product_code', 'model_version', 'total_lbm_emissions_value', 'total_lbm_emissions_unit',
] as const;

/** The unit AWS exports (metric tons of CO2e). */
export const CCFT_UNIT = 'MTCO2e';

/** A bad export; `problems` name file, row and field. Nothing was imported. */
export class CcftExportError extends Error {
  readonly retryable = false;
  constructor(readonly problems: string[]) {
    super(`carbon emissions export rejected (nothing imported): ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? `; … ${problems.length - 10} more` : ''}`);
    this.name = 'CcftExportError';
  }
}

/** Parse a UTC timestamp as the export writes it (`YYYY-MM-DD HH:mm:ss[.fff][Z]`, `T` also accepted); NaN if not one. */
export function parseCcftTimestamp(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|UTC|[+-]00:?00)?$/i.exec(s.trim());
  if (!m) return NaN;
  // The column is documented as UTC, so a value without a zone designator is read as UTC, never as local time.
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  const back = new Date(ms);
  if (back.getUTCFullYear() !== +m[1] || back.getUTCMonth() !== +m[2] - 1 || back.getUTCDate() !== +m[3]) return NaN;
  return ms / 1000;
}

const text = (v: unknown): string | undefined => {
  if (v === null || v === undefined) return undefined;
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.toISOString() : 'Invalid Date';
  const s = typeof v === 'string' ? v.trim() : String(v);
  return s === '' ? undefined : s;
};

const timestamp = z.string().refine((s) => Number.isFinite(parseCcftTimestamp(s)), 'expected a UTC timestamp like 2026-10-01 00:00:00Z');
const tonnes = z
  .string()
  .refine((s) => /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s) && Number(s) >= 0, 'expected a non-negative number of metric tons CO2e');
const account = z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id');

/** Emission value columns and their unit columns; total_lbm is required, the others optional (older models). */
const VALUE_UNIT: [string, string][] = [
  ['total_lbm_emissions_value', 'total_lbm_emissions_unit'],
  ['total_mbm_emissions_value', 'total_mbm_emissions_unit'],
  ['total_scope_1_emissions_value', 'total_scope_1_emissions_unit'],
  ['total_scope_2_lbm_emissions_value', 'total_scope_2_lbm_emissions_unit'],
  ['total_scope_2_mbm_emissions_value', 'total_scope_2_mbm_emissions_unit'],
  ['total_scope_3_lbm_emissions_value', 'total_scope_3_lbm_emissions_unit'],
  ['total_scope_3_mbm_emissions_value', 'total_scope_3_mbm_emissions_unit'],
];

const Record_ = z.object({
  usage_period_start: timestamp,
  usage_period_end: timestamp.optional(),
  last_refresh_timestamp: timestamp.optional(),
  usage_account_id: account,
  payer_account_id: account.optional(),
  region_code: z.string().optional(),
  product_code: z.string().optional(),
  model_version: z.string().min(1),
  ...Object.fromEntries(VALUE_UNIT.flatMap(([value, unit]) => [[value, value === 'total_lbm_emissions_value' ? tonnes : tonnes.optional()], [unit, z.string().optional()]])),
});

const monthOf = (sec: number): string => new Date(sec * 1000).toISOString().slice(0, 7);

export interface CcftRecordsSource {
  /** File name for messages. */
  file: string;
  /** Column names present in the file (header / Parquet schema). */
  columns: readonly string[];
  /** Label of record i in messages, e.g. `line 3` (CSV) or `row 3` (Parquet). */
  rowLabel: (i: number) => string;
  /** Partition values from the S3 path (`model_version=…/usage_period=YYYY-MM/`), cross-checked when present. */
  partition?: { modelVersion?: string; usagePeriod?: string };
}

/** Validate the records of one export file whole; returns normalised rows or throws CcftExportError. */
export function parseCcftRecords(records: readonly Record<string, unknown>[], src: CcftRecordsSource): CcftRow[] {
  const present = new Set(src.columns.map((c) => c.trim().toLowerCase()));
  const missing = REQUIRED_CCFT_COLUMNS.filter((c) => !present.has(c));
  if (missing.length) throw new CcftExportError(missing.map((c) => `${src.file}: header: missing required column ${c}`));
  const problems: string[] = [];
  const rows: CcftRow[] = [];
  records.forEach((raw, i) => {
    const where = `${src.file} ${src.rowLabel(i)}`;
    const rec: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(raw)) rec[k.trim().toLowerCase()] = text(v);
    const r = Record_.safeParse(rec);
    if (!r.success) {
      for (const iss of r.error.issues) problems.push(`${where}: ${iss.path.join('.') || '(row)'}: ${iss.message}${rec[String(iss.path[0])] !== undefined ? ` (got "${rec[String(iss.path[0])]}")` : ''}`);
      return;
    }
    const d = r.data as Record<string, string | undefined>;
    const n = (col: string): number | null => (d[col] === undefined ? null : Number(d[col]));
    for (const [value, unit] of VALUE_UNIT) {
      if (d[value] !== undefined && d[unit] !== undefined && d[unit]!.toUpperCase() !== CCFT_UNIT.toUpperCase()) {
        problems.push(`${where}: ${unit}: expected ${CCFT_UNIT}, got "${d[unit]}"`);
      }
    }
    const startSec = parseCcftTimestamp(r.data.usage_period_start);
    const month = monthOf(startSec);
    if (src.partition?.usagePeriod && src.partition.usagePeriod !== month) {
      problems.push(`${where}: usage_period_start: month ${month} is not the file's partition usage_period=${src.partition.usagePeriod}`);
    }
    if (src.partition?.modelVersion && src.partition.modelVersion !== r.data.model_version) {
      problems.push(`${where}: model_version: "${r.data.model_version}" is not the file's partition model_version=${src.partition.modelVersion}`);
    }
    const row: CcftRow = {
      source: where,
      month,
      periodStartSec: startSec,
      accountId: r.data.usage_account_id,
      region: r.data.region_code ?? 'global',
      productCode: r.data.product_code ?? 'unknown',
      modelVersion: r.data.model_version,
      totalLbmT: Number(d.total_lbm_emissions_value),
      totalMbmT: n('total_mbm_emissions_value'),
      scope1T: n('total_scope_1_emissions_value'),
      scope2LbmT: n('total_scope_2_lbm_emissions_value'),
      scope2MbmT: n('total_scope_2_mbm_emissions_value'),
      scope3LbmT: n('total_scope_3_lbm_emissions_value'),
      scope3MbmT: n('total_scope_3_mbm_emissions_value'),
    };
    if (r.data.payer_account_id) row.payerAccountId = r.data.payer_account_id;
    if (r.data.last_refresh_timestamp) row.lastRefreshSec = parseCcftTimestamp(r.data.last_refresh_timestamp);
    rows.push(row);
  });
  if (problems.length) throw new CcftExportError(problems);
  return rows;
}
