/**
 * Software Carbon Intensity (ISO/IEC 21031:2024, GSF SCI specification), pure:
 *
 *   SCI = (E × I + M) / R
 *
 * E = facility energy, kWh (IT energy × PUE); I = location-based grid intensity, gCO2e/kWh, time-weighted over the
 * same intervals (so E × I is exactly the stored operational emissions); M = embodied hardware emissions of the
 * reserved time, gCO2e (shared/domain/embodied); R = the functional unit: inferences (endpoint `invocations`) for
 * endpoints and models, one run for a training job. SCI is location-based by definition; market-based instruments
 * never enter it. Each term is returned, with low/high bounds from the energy and embodied ranges.
 *
 * A group whose intervals lack an embodied figure (unmodelled instance type, or stored before embodied accounting)
 * gets `sci: null` with the reason, never a figure that silently omits M.
 */
import type { FootprintInterval, Ranged } from '../types';

export type SciScope = 'endpoint' | 'model' | 'training-run';

export interface SciRow {
  scope: SciScope;
  key: string;
  unit: 'gCO2e/inference' | 'gCO2e/run';
  /** E, kWh (facility energy). */
  energyKwh: Ranged;
  /** I, gCO2e/kWh (location-based, time-weighted). */
  intensityGPerKwh: number | null;
  /** E × I, gCO2e. */
  operationalG: Ranged;
  /** M, gCO2e. */
  embodiedG: Ranged;
  /** R: inferences or runs. */
  functionalUnits: number;
  sci: Ranged | null;
  reason?: string;
  intervals: number;
  demo: boolean;
}

const zero = (): Ranged => ({ point: 0, low: 0, high: 0 });
const addTo = (a: Ranged, b: Ranged, k = 1) => {
  a.point += b.point * k;
  a.low += b.low * k;
  a.high += b.high * k;
};

function row(scope: SciScope, key: string, xs: readonly FootprintInterval[], units: number, unitName: SciRow['unit']): SciRow {
  const energy = zero();
  const op = zero();
  const emb = zero();
  let missingEmbodied = 0;
  let unmodelled = 0;
  for (const i of xs) {
    addTo(energy, i.energyKwh);
    addTo(op, i.co2eKg, 1000);
    if (i.embodiedKgCo2e) addTo(emb, i.embodiedKgCo2e, 1000);
    else if (i.embodiedStatus === 'unmodelled' || i.method === 'unmodelled') unmodelled++;
    else missingEmbodied++;
  }
  const out: SciRow = {
    scope, key, unit: unitName, energyKwh: energy,
    intensityGPerKwh: energy.point > 0 ? op.point / energy.point : null,
    operationalG: op, embodiedG: emb, functionalUnits: units, sci: null, intervals: xs.length, demo: xs.some((i) => i.demo),
  };
  if (unmodelled) out.reason = `${unmodelled} interval(s) on an unmodelled instance type (no energy or embodied figure)`;
  else if (missingEmbodied) out.reason = `embodied not computed for ${missingEmbodied} interval(s) (stored before embodied accounting)`;
  else if (!(units > 0)) out.reason = scope === 'training-run' ? 'no run' : 'no invocations recorded';
  else out.sci = { point: (op.point + emb.point) / units, low: (op.low + emb.low) / units, high: (op.high + emb.high) / units };
  return out;
}

const groupBy = <T>(xs: readonly T[], key: (x: T) => string | undefined): Map<string, T[]> => {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    if (k === undefined) continue;
    m.set(k, [...(m.get(k) ?? []), x]);
  }
  return m;
};

/** SCI per endpoint and per model (R = inferences) and per training run (R = 1), every term shown. */
export function sciReport(intervals: readonly FootprintInterval[]): { endpoints: SciRow[]; models: SciRow[]; trainingRuns: SciRow[] } {
  // Numerator and denominator from the same intervals: only endpoint intervals that had invocation metrics.
  const withInv = intervals.filter((i) => i.kind === 'endpoint' && i.invocations !== undefined && i.invocations !== null);
  const inv = (xs: readonly FootprintInterval[]) => xs.reduce((a, i) => a + (i.invocations ?? 0), 0);
  const endpoints = [...groupBy(withInv, (i) => i.resourceId)].map(([k, xs]) => row('endpoint', k, xs, inv(xs), 'gCO2e/inference'));
  const models = [...groupBy(withInv, (i) => i.attribution.model)].map(([k, xs]) => row('model', k, xs, inv(xs), 'gCO2e/inference'));
  const trainingRuns = [...groupBy(intervals, (i) => (i.kind === 'training-job' ? i.resourceId : undefined))].map(([k, xs]) => row('training-run', k, xs, 1, 'gCO2e/run'));
  const byKey = (a: SciRow, b: SciRow) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return { endpoints: endpoints.sort(byKey), models: models.sort(byKey), trainingRuns: trainingRuns.sort(byKey) };
}
