/** Rendering of reports as table, CSV or JSON (presentation only; numbers come from the domain). */
import type { Report } from '../domain/footprint/aggregate';
import type { Ranged } from '../domain/types';
import { isoUtc, type Window } from '../domain/time';

export const FORMATS = ['table', 'csv', 'json'] as const;

/** One CSV cell (RFC 4180 quoting when it holds a quote, comma or newline). */
export const csvCell = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
export type Format = (typeof FORMATS)[number];

export const DEMO_BANNER = 'DEMO DATA — synthetic fleet, telemetry and grid intensity generated in-process; not measurements.';

const f = (x: number, d = 2) => x.toFixed(d);

/** Rows as aligned text columns (two spaces apart); `right(c)` right-aligns column c. */
export function renderColumns(rows: string[][], right: (c: number) => boolean): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (right(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd()).join('\n');
}

export interface ReportRenderOptions {
  /** Which scope 2 figure the table's emission column shows (JSON and CSV always carry both). */
  basis?: 'location' | 'market';
  /** Add embodied (scope 3) and total columns to the table. */
  includeEmbodied?: boolean;
}

const rng = (r: Ranged | undefined, d = 1) => (r ? `${f(r.point, d)} (${f(r.low, d)}–${f(r.high, d)})` : '–');

export function renderReport(r: Report, w: Window, format: Format, sources: string[], opts: ReportRenderOptions = {}): string {
  const basis = opts.basis ?? 'location';
  if (format === 'json') {
    return JSON.stringify({
      by: r.by,
      from: isoUtc(w.startSec),
      to: isoUtc(w.endSec),
      demo: r.demo,
      signals: r.signals,
      intensitySources: sources,
      embodiedModelVersions: r.embodiedModelVersions,
      ...(r.marketBased ? { marketBased: r.marketBased } : {}),
      rows: r.rows,
      totals: r.totals,
    }, null, 2);
  }
  if (format === 'csv') {
    const market = r.marketBased !== undefined;
    const head = 'key,energyKwh,energyKwhLow,energyKwhHigh,co2eKg,co2eKgLow,co2eKgHigh,measuredShare,coveragePct,intervals,invocations,gCo2ePerInference,demo,' +
      'operationalKgCo2e,embodiedKgCo2e,embodiedKgCo2eLow,embodiedKgCo2eHigh,embodiedKgCo2eSensitivity4y,totalKgCo2e,totalKgCo2eLow,totalKgCo2eHigh,embodiedIntervalsComputed,embodiedIntervalsUnmodelled,embodiedIntervalsNotComputed' +
      (market ? ',marketBasedKgCo2e,marketBasedKgCo2eLow,marketBasedKgCo2eHigh' : '');
    const lines = r.rows.map((x) =>
      [csvCell(x.key), x.energyKwh, x.energyKwhLow, x.energyKwhHigh, x.co2eKg, x.co2eKgLow, x.co2eKgHigh, x.measuredShare, x.coveragePct, x.intervals, x.invocations ?? '', x.gCo2ePerInference ?? '', x.demo,
        x.operationalKgCo2e.point, x.embodiedKgCo2e.point, x.embodiedKgCo2e.low, x.embodiedKgCo2e.high, x.embodiedKgCo2eSensitivity4y.point, x.totalKgCo2e.point, x.totalKgCo2e.low, x.totalKgCo2e.high,
        x.embodiedIntervals.computed, x.embodiedIntervals.unmodelled, x.embodiedIntervals.notComputed,
        ...(market ? [x.marketBasedKgCo2e?.point ?? '', x.marketBasedKgCo2e?.low ?? '', x.marketBasedKgCo2e?.high ?? ''] : [])].join(','),
    );
    return [head, ...lines].join('\n');
  }
  const emissions = (x: { co2eKg: number; co2eKgLow: number; co2eKgHigh: number; marketBasedKgCo2e?: Ranged }) =>
    basis === 'market' ? rng(x.marketBasedKgCo2e) : `${f(x.co2eKg, 1)} (${f(x.co2eKgLow, 1)}–${f(x.co2eKgHigh, 1)})`;
  const extra = (x: { embodiedKgCo2e: Ranged; totalKgCo2e: Ranged }) => (opts.includeEmbodied ? [rng(x.embodiedKgCo2e, 2), rng(x.totalKgCo2e)] : []);
  const rows = r.rows.map((x) => [
    x.key,
    `${f(x.energyKwh, 1)} (${f(x.energyKwhLow, 1)}–${f(x.energyKwhHigh, 1)})`,
    emissions(x),
    ...extra(x),
    `${f(x.measuredShare * 100, 0)} %`,
    `${f(x.coveragePct, 1)} %`,
    x.gCo2ePerInference !== undefined ? f(x.gCo2ePerInference, 3) : '',
  ]);
  const header = [r.by, 'energy kWh (low–high)', basis === 'market' ? 'market-based kgCO2e' : 'kgCO2e (low–high)', ...(opts.includeEmbodied ? ['embodied kgCO2e', 'total kgCO2e'] : []), 'measured', 'coverage', 'gCO2e/inference'];
  const total = ['TOTAL', `${f(r.totals.energyKwh, 1)} (${f(r.totals.energyKwhLow, 1)}–${f(r.totals.energyKwhHigh, 1)})`, emissions(r.totals), ...extra(r.totals), '', '', ''];
  const e = r.totals.embodiedIntervals;
  const out = [
    `Footprint by ${r.by}, ${isoUtc(w.startSec)} → ${isoUtc(w.endSec)} (${basis === 'market' ? 'market-based scope 2' : 'location-based'}; energy includes PUE; signal: ${r.signals.join(', ') || 'n/a'})`,
    `Intensity sources: ${sources.join(', ') || 'n/a'}`,
    ...(r.demo ? [DEMO_BANNER] : []),
    ...(r.totals.unmodelledIntervals
      ? [`WARNING: ${r.totals.unmodelledIntervals} interval(s) could not be modelled (unknown instance type or serverless) and are not in the totals.`]
      : []),
    ...(opts.includeEmbodied
      ? [`Embodied (scope 3, hardware; ${r.embodiedModelVersions.join(', ') || 'n/a'}, 6-year lifetime; 4-year sensitivity ${f(r.totals.embodiedKgCo2eSensitivity4y.point, 1)} kg): ` +
          `${e.computed} interval(s) computed${e.unmodelled ? `, ${e.unmodelled} unmodelled` : ''}${e.notComputed ? `, ${e.notComputed} not computed (stored before embodied accounting)` : ''}; total = operational + embodied.`]
      : []),
    ...(basis === 'market' && r.marketBased ? r.marketBased.flags.map((x) => `market-based: ${x}`) : []),
    renderColumns([header, ...rows, total], (c) => c > 0),
  ];
  return out.join('\n');
}
