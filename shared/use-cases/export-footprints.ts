/**
 * Exports each UTC day's footprint intervals to object storage as partitioned JSON lines
 * (`footprints/day=YYYY-MM-DD/part.json`) for Athena / Glue / QuickSight. One object per day, rewritten whole from the
 * store each time: deterministic (sorted rows, fixed key), so a duplicate or late event overwrites, never duplicates.
 * Each row carries the interval's location-based operational emissions and, beside them (never summed in), its
 * embodied hardware emissions with range, status (`computed`, `unmodelled`, or `not-computed` for intervals stored
 * before embodied accounting) and factor-table version.
 *
 * Market-based scope 2 is a separate table (`market-based/month=YYYY-MM/part.json`, one row per resource and UTC
 * month), never columns of the location-based rows: its allocation is chronological from 1 January
 * (shared/domain/market/market-based.ts), so an interval's market-based figure depends on all consumption before it
 * and on the instrument registry of the moment — it is not a fact of the interval. `makeExportMarketBased` rewrites
 * whole months from the year-to-date allocation; the daily backstop run exports the months of its recent days, so a
 * change of the registry or of earlier months reaches the export by the next day for those months (older months
 * keep the figures of their last export until they are exported again).
 */
import { DAY_SEC, isoUtc, parseIsoInstant } from '../domain/time';
import type { FootprintInterval } from '../domain/types';
import type { FootprintStore, InstrumentStore } from '../ports';
import { intervalKey, type MarketIntervalResult } from '../domain/market/market-based';
import { marketBasedFigures } from './market-based-figures';

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
  { name: 'embodied_kg_co2e', type: 'double' },
  { name: 'embodied_kg_co2e_low', type: 'double' },
  { name: 'embodied_kg_co2e_high', type: 'double' },
  { name: 'embodied_status', type: 'string' },
  { name: 'embodied_model_version', type: 'string' },
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
    embodied_kg_co2e: i.embodiedKgCo2e?.point ?? null,
    embodied_kg_co2e_low: i.embodiedKgCo2e?.low ?? null,
    embodied_kg_co2e_high: i.embodiedKgCo2e?.high ?? null,
    embodied_status: i.embodiedStatus ?? 'not-computed',
    embodied_model_version: i.embodiedModelVersion ?? null,
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

export const MARKET_EXPORT_PREFIX = 'market-based';
export const marketExportKey = (month: string): string => `${MARKET_EXPORT_PREFIX}/month=${month}/part.json`;

/** Glue/Athena columns of the market-based table (partition `month` from the key). lib/export-construct.ts builds it. */
export const MARKET_EXPORT_COLUMNS = [
  { name: 'resource_key', type: 'string' },
  { name: 'kind', type: 'string' },
  { name: 'resource_id', type: 'string' },
  { name: 'region', type: 'string' },
  { name: 'market', type: 'string' },
  { name: 'team', type: 'string' },
  { name: 'project', type: 'string' },
  { name: 'model', type: 'string' },
  { name: 'intervals', type: 'int' },
  { name: 'energy_kwh', type: 'double' },
  { name: 'market_based_kg_co2e', type: 'double' },
  { name: 'market_based_kg_co2e_low', type: 'double' },
  { name: 'market_based_kg_co2e_high', type: 'double' },
  { name: 'instrument_kwh', type: 'double' },
  { name: 'renewable_instrument_kwh', type: 'double' },
  { name: 'residual_kwh', type: 'double' },
  { name: 'residual_bases', type: 'string' },
  { name: 'instrument_ids', type: 'string' },
  { name: 'market_model_version', type: 'string' },
  { name: 'registry_id', type: 'string' },
  { name: 'demo', type: 'boolean' },
] as const;
export type MarketExportColumn = (typeof MARKET_EXPORT_COLUMNS)[number]['name'];

const monthBounds = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return { startSec: Date.UTC(y, m - 1, 1) / 1000, endSec: Date.UTC(y, m, 1) / 1000 };
};

export interface MarketExportResult {
  written: { month: string; key: string; rows: number }[];
  /** Months with no intervals: nothing written. */
  empty: string[];
  /** No instruments registered: no market-based figure exists, nothing written. */
  noInstruments: boolean;
}

/**
 * Export the market-based allocation of the given UTC months (`YYYY-MM`): per month one object, one row per
 * resource, rewritten whole (sorted, fixed key: a rerun overwrites byte-identically).
 */
export const makeExportMarketBased = (d: { store: FootprintStore; instruments: Pick<InstrumentStore, 'currentRegistry'>; writer: ObjectWriter }) =>
  async (months: readonly string[]): Promise<MarketExportResult> => {
    const result: MarketExportResult = { written: [], empty: [], noInstruments: false };
    const reg = await d.instruments.currentRegistry();
    if (!reg || !reg.instruments.length) return { ...result, noInstruments: true };
    for (const month of [...new Set(months)].sort()) {
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new Error(`export: "${month}" is not a YYYY-MM month`);
      const w = monthBounds(month);
      const intervals = await d.store.queryIntervals(w);
      if (!intervals.length) {
        result.empty.push(month);
        continue;
      }
      const figures = await marketBasedFigures({ store: d.store, instruments: { currentRegistry: async () => reg } }, w, intervals);
      if (!figures) return { ...result, noInstruments: true };
      const byResource = new Map<string, { first: FootprintInterval; rows: MarketIntervalResult[]; demo: boolean }>();
      for (const i of intervals) {
        const r = figures.result.byInterval.get(intervalKey(i));
        if (!r) continue;
        const acc = byResource.get(i.resourceKey) ?? { first: i, rows: [], demo: false };
        acc.rows.push(r);
        acc.demo ||= i.demo;
        byResource.set(i.resourceKey, acc);
      }
      const sum = (xs: readonly MarketIntervalResult[], f: (r: MarketIntervalResult) => number) => xs.reduce((a, r) => a + f(r), 0);
      const lines = [...byResource.entries()]
        .sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .map(([key, { first: i, rows, demo }]) => {
          const row: Record<MarketExportColumn, string | number | boolean | null> = {
            resource_key: key,
            kind: i.kind,
            resource_id: i.resourceId,
            region: i.region,
            market: rows[0].market ?? null,
            team: i.attribution.team,
            project: i.attribution.project,
            model: i.attribution.model,
            intervals: rows.length,
            energy_kwh: sum(rows, (r) => r.energyKwh),
            market_based_kg_co2e: sum(rows, (r) => r.marketBasedKgCo2e.point),
            market_based_kg_co2e_low: sum(rows, (r) => r.marketBasedKgCo2e.low),
            market_based_kg_co2e_high: sum(rows, (r) => r.marketBasedKgCo2e.high),
            instrument_kwh: sum(rows, (r) => r.coveredKwh),
            renewable_instrument_kwh: sum(rows, (r) => r.byInstrument.filter((b) => b.renewable).reduce((a, b) => a + b.kwh, 0)),
            residual_kwh: sum(rows, (r) => r.restKwh),
            residual_bases: [...new Set(rows.filter((r) => r.restKwh > 0).map((r) => r.restBasis))].sort().join(',') || null,
            instrument_ids: [...new Set(rows.flatMap((r) => r.byInstrument.map((b) => b.id)))].sort().join(',') || null,
            market_model_version: figures.result.modelVersion,
            registry_id: reg.registryId,
            demo: demo || reg.demo || reg.instruments.some((x) => x.demo === true),
          };
          return JSON.stringify(row);
        });
      const key = marketExportKey(month);
      await d.writer.put(key, `${lines.join('\n')}\n`);
      result.written.push({ month, key, rows: lines.length });
    }
    return result;
  };

/** UTC months (`YYYY-MM`) of the given days. */
export const monthsOfDays = (days: readonly string[]): string[] => [...new Set(days.map((d) => d.slice(0, 7)))].sort();
