/**
 * Exports each UTC day's footprint intervals to object storage as partitioned JSON lines
 * (`footprints/day=YYYY-MM-DD/part.json`) for Athena / Glue / QuickSight. One object per day, rewritten whole from the
 * store each time: deterministic (sorted rows, fixed key), so a duplicate or late event overwrites, never duplicates.
 */
import { DAY_SEC, isoUtc, parseIsoInstant } from '../domain/time';
import type { FootprintInterval } from '../domain/types';
import type { FootprintStore } from '../ports';

/** Where exported objects go (S3 in AWS, a folder locally). `put` overwrites. */
export interface ObjectWriter {
  put(key: string, body: string): Promise<void>;
}

export const EXPORT_PREFIX = 'footprints';
export const exportKey = (day: string): string => `${EXPORT_PREFIX}/day=${day}/part.json`;

/** Glue/Athena column types of one exported row (snake_case, flat). lib/export-construct.ts builds the table from this. */
export const EXPORT_COLUMNS = [
  { name: 'resource_key', type: 'string' },
  { name: 'kind', type: 'string' },
  { name: 'resource_id', type: 'string' },
  { name: 'region', type: 'string' },
  { name: 'instance_type', type: 'string' },
  { name: 'team', type: 'string' },
  { name: 'project', type: 'string' },
  { name: 'model', type: 'string' },
  { name: 'interval_start', type: 'string' },
  { name: 'interval_start_sec', type: 'bigint' },
  { name: 'interval_sec', type: 'int' },
  { name: 'it_energy_kwh', type: 'double' },
  { name: 'energy_kwh', type: 'double' },
  { name: 'energy_kwh_low', type: 'double' },
  { name: 'energy_kwh_high', type: 'double' },
  { name: 'co2e_kg', type: 'double' },
  { name: 'co2e_kg_low', type: 'double' },
  { name: 'co2e_kg_high', type: 'double' },
  { name: 'pue', type: 'double' },
  { name: 'pue_source', type: 'string' },
  { name: 'intensity_g_per_kwh', type: 'double' },
  { name: 'intensity_signal', type: 'string' },
  { name: 'intensity_zone', type: 'string' },
  { name: 'intensity_provider', type: 'string' },
  { name: 'intensity_quality', type: 'string' },
  { name: 'method', type: 'string' },
  { name: 'measured_share', type: 'double' },
  { name: 'coverage_pct', type: 'double' },
  { name: 'mean_gpu_util_pct', type: 'double' },
  { name: 'invocations', type: 'bigint' },
  { name: 'model_version', type: 'string' },
  { name: 'provisional', type: 'boolean' },
  { name: 'revision', type: 'int' },
  { name: 'demo', type: 'boolean' },
] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number]['name'];

/** One flat export row (the partition column `day` comes from the object key). */
export function exportRow(i: FootprintInterval): Record<ExportColumn, string | number | boolean | null> {
  return {
    resource_key: i.resourceKey,
    kind: i.kind,
    resource_id: i.resourceId,
    region: i.region,
    instance_type: i.instanceType,
    team: i.attribution.team,
    project: i.attribution.project,
    model: i.attribution.model,
    interval_start: isoUtc(i.intervalStartSec),
    interval_start_sec: i.intervalStartSec,
    interval_sec: i.intervalSec,
    it_energy_kwh: i.itEnergyKwh.point,
    energy_kwh: i.energyKwh.point,
    energy_kwh_low: i.energyKwh.low,
    energy_kwh_high: i.energyKwh.high,
    co2e_kg: i.co2eKg.point,
    co2e_kg_low: i.co2eKg.low,
    co2e_kg_high: i.co2eKg.high,
    pue: i.pue,
    pue_source: i.pueSource,
    intensity_g_per_kwh: i.intensityGPerKwh,
    intensity_signal: i.intensitySignal,
    intensity_zone: i.intensityZone,
    intensity_provider: i.intensityProvider,
    intensity_quality: i.intensityQuality,
    method: i.method,
    measured_share: i.measuredShare,
    coverage_pct: i.coveragePct,
    mean_gpu_util_pct: i.meanGpuUtilPct ?? null,
    invocations: i.invocations ?? null,
    model_version: i.modelVersion,
    provisional: i.provisional,
    revision: i.revision,
    demo: i.demo,
  };
}

export interface ExportResult {
  written: { day: string; key: string; rows: number }[];
  /** Days with no intervals: nothing written (an earlier export of that day, if any, is left as it was). */
  empty: string[];
}

/** Export the given UTC days (`YYYY-MM-DD`); each day's object is rewritten from the store's current intervals. */
export const makeExportFootprints = (d: { store: FootprintStore; writer: ObjectWriter }) =>
  async (days: readonly string[]): Promise<ExportResult> => {
    const result: ExportResult = { written: [], empty: [] };
    for (const day of [...new Set(days)].sort()) {
      const startSec = parseIsoInstant(day);
      if (!Number.isFinite(startSec)) throw new Error(`export: "${day}" is not a YYYY-MM-DD day`);
      const intervals = await d.store.queryIntervals({ startSec, endSec: startSec + DAY_SEC });
      if (!intervals.length) {
        result.empty.push(day);
        continue;
      }
      const rows = [...intervals]
        .sort((a, b) => a.intervalStartSec - b.intervalStartSec || (a.resourceKey < b.resourceKey ? -1 : a.resourceKey > b.resourceKey ? 1 : 0))
        .map((i) => JSON.stringify(exportRow(i)));
      const key = exportKey(day);
      await d.writer.put(key, `${rows.join('\n')}\n`);
      result.written.push({ day, key, rows: rows.length });
    }
    return result;
  };
