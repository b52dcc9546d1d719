/**
 * The default target set (editable: `carbonpilot targets set` changes any of them). These are the targets the product
 * brief lists that CarbonPilot can measure from its own data: a 50 % total reduction, < 0.5 gCO2e per inference,
 * < 50 kgCO2e per training run, ≥ 95 % of training hours in low-carbon windows and < 90 % budget utilisation.
 * Base year = the last complete year; target year = base + 10 (SBTi near-term targets span 5–10 years), so the 50 %
 * reduction is 5 %/yr, above SBTi's 4.2 %/yr 1.5 °C minimum.
 */
import type { TargetBaseDef, TargetDef } from './types';

/** The default targets for a deployment in `currentYear`; `totalBase` enters the base-year emissions (else computed from the store). */
export function defaultTargets(currentYear: number, opts: { demo?: boolean; totalBase?: TargetBaseDef } = {}): TargetDef[] {
  const baseYear = currentYear - 1;
  const targetYear = baseYear + 10;
  const demo = opts.demo ? { demo: true } : {};
  const common = { basis: 'location-based' as const, baseYear, targetYear, ...demo };
  return [
    { id: 'total-emissions-50pct', name: 'Halve total emissions', metric: 'total-emissions', method: 'absolute-contraction', scope: { dimension: 'account' }, targetReductionPct: 50, comparator: 'at-most', ...(opts.totalBase ? { base: opts.totalBase } : {}), ...common },
    { id: 'inference-below-0-5g', name: 'Inference below 0.5 gCO2e', metric: 'inference-intensity', method: 'intensity', targetValue: 0.5, comparator: 'below', ...common },
    { id: 'training-run-below-50kg', name: 'Training runs below 50 kgCO2e', metric: 'training-emissions-per-run', method: 'intensity', targetValue: 50, comparator: 'below', ...common },
    { id: 'low-carbon-training-95pct', name: '95 % of training hours in low-carbon windows', metric: 'low-carbon-training-share', method: 'kpi-threshold', targetValue: 95, comparator: 'at-least', ...common },
    { id: 'budget-utilisation-below-90pct', name: 'Budget utilisation below 90 %', metric: 'budget-utilisation', method: 'kpi-threshold', targetValue: 90, comparator: 'below', ...common },
  ];
}
