/** Rendering of reports as table, CSV or JSON (presentation only; numbers come from the domain). */
import type { Report } from '../domain/footprint/aggregate';
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

export function renderReport(r: Report, w: Window, format: Format, sources: string[]): string {
  if (format === 'json') {
    return JSON.stringify({
      by: r.by,
      from: isoUtc(w.startSec),
      to: isoUtc(w.endSec),
      demo: r.demo,
      signals: r.signals,
      intensitySources: sources,
      rows: r.rows,
      totals: r.totals,
    }, null, 2);
  }
  if (format === 'csv') {
    const head = 'key,energyKwh,energyKwhLow,energyKwhHigh,co2eKg,co2eKgLow,co2eKgHigh,measuredShare,coveragePct,intervals,invocations,gCo2ePerInference,demo';
    const lines = r.rows.map((x) =>
      [csvCell(x.key), x.energyKwh, x.energyKwhLow, x.energyKwhHigh, x.co2eKg, x.co2eKgLow, x.co2eKgHigh, x.measuredShare, x.coveragePct, x.intervals, x.invocations ?? '', x.gCo2ePerInference ?? '', x.demo].join(','),
    );
    return [head, ...lines].join('\n');
  }
  const rows = r.rows.map((x) => [
    x.key,
    `${f(x.energyKwh, 1)} (${f(x.energyKwhLow, 1)}–${f(x.energyKwhHigh, 1)})`,
    `${f(x.co2eKg, 1)} (${f(x.co2eKgLow, 1)}–${f(x.co2eKgHigh, 1)})`,
    `${f(x.measuredShare * 100, 0)} %`,
    `${f(x.coveragePct, 1)} %`,
    x.gCo2ePerInference !== undefined ? f(x.gCo2ePerInference, 3) : '',
  ]);
  const header = [r.by, 'energy kWh (low–high)', 'kgCO2e (low–high)', 'measured', 'coverage', 'gCO2e/inference'];
  const total = ['TOTAL', `${f(r.totals.energyKwh, 1)} (${f(r.totals.energyKwhLow, 1)}–${f(r.totals.energyKwhHigh, 1)})`, `${f(r.totals.co2eKg, 1)} (${f(r.totals.co2eKgLow, 1)}–${f(r.totals.co2eKgHigh, 1)})`, '', '', ''];
  const out = [
    `Footprint by ${r.by}, ${isoUtc(w.startSec)} → ${isoUtc(w.endSec)} (location-based; energy includes PUE; signal: ${r.signals.join(', ') || 'n/a'})`,
    `Intensity sources: ${sources.join(', ') || 'n/a'}`,
    ...(r.demo ? [DEMO_BANNER] : []),
    ...(r.totals.unmodelledIntervals
      ? [`WARNING: ${r.totals.unmodelledIntervals} interval(s) could not be modelled (unknown instance type or serverless) and are not in the totals.`]
      : []),
    renderColumns([header, ...rows, total], (c) => c > 0),
  ];
  return out.join('\n');
}
