/**
 * KPIs of the optimisation ledger (pure), contributed to the KPI report beside shared/domain/kpis.ts:
 *  - inference-efficiency improvement: the measured J/inference reduction of the promoted candidates, weighted by
 *    their endpoint's current traffic (measured on the same requests by shadow tests);
 *  - share of models optimised: served models with a promoted candidate ÷ models served by endpoints in the window;
 *  - avoided emissions per month at current traffic: (baseline − candidate) gCO2e/inference × the endpoint's
 *    invocations per 30 days. Avoided emissions are an estimate of what did not happen: labelled as such and never
 *    added to (or mixed with) the measured, location-based totals.
 * The seed's targets (30 % better inference efficiency, 80 % of models optimised) are quoted in `detail`.
 */
import type { Kpi } from '../kpis';
import type { Ranged } from '../types';
import { DAY_SEC, type Window } from '../time';

export const OPTIMISATION_KPI_IDS = ['inference-efficiency-improvement', 'models-optimised-share', 'avoided-emissions-per-month'] as const;
export type OptimisationKpiId = (typeof OPTIMISATION_KPI_IDS)[number];
export type OptimisationKpi = Omit<Kpi, 'id'> & { id: OptimisationKpiId; basis?: 'measured' | 'avoided (estimated)' };

export interface PromotedOptimisation {
  model: string;
  /** Footprint resource key of the endpoint variant the candidate now serves. */
  resourceKey: string;
  /** J/inference change, %, with its 95 % interval. */
  changePct: Ranged;
  baselineGco2ePerInference: number;
  demo: boolean;
}

export interface ServedVariant {
  resourceKey: string;
  model: string;
  /** Invocations in the KPI window. */
  invocations: number;
}

export interface OptimisationKpiInput {
  window: Window;
  attempts: number;
  promoted: readonly PromotedOptimisation[];
  served: readonly ServedVariant[];
}

const MONTH_SEC = 30 * DAY_SEC;

/** The three optimisation KPIs; a KPI the ledger cannot support says why (never a silent 0). */
export function optimisationKpis(input: OptimisationKpiInput): OptimisationKpi[] {
  const { promoted, served } = input;
  const trafficOf = new Map<string, number>();
  for (const s of served) trafficOf.set(s.resourceKey, (trafficOf.get(s.resourceKey) ?? 0) + s.invocations);

  const eff = 'Inference efficiency improvement (measured, promoted models)';
  const efficiency: OptimisationKpi = !input.attempts
    ? { id: 'inference-efficiency-improvement', label: eff, unit: '%', value: null, reason: 'no optimisation attempts yet' }
    : !promoted.length
      ? { id: 'inference-efficiency-improvement', label: eff, unit: '%', value: null, reason: `no promoted optimisation yet (${input.attempts} attempt${input.attempts === 1 ? '' : 's'})` }
      : (() => {
          // Weight by current traffic; an endpoint that served nothing in the window still counts once (equal weight).
          const w = promoted.map((p) => Math.max(1, trafficOf.get(p.resourceKey) ?? 0));
          const sw = w.reduce((a, b) => a + b, 0);
          const avg = (f: (p: PromotedOptimisation) => number) => promoted.reduce((a, p, i) => a + w[i] * f(p), 0) / sw;
          return {
            id: 'inference-efficiency-improvement' as const, label: eff, unit: '%', basis: 'measured' as const,
            value: -avg((p) => p.changePct.point), low: -avg((p) => p.changePct.high), high: -avg((p) => p.changePct.low),
            detail: `J/inference reduction of ${promoted.length} promoted candidate(s), traffic-weighted; 95 % paired-bootstrap bounds; seed target 30 %`,
            breakdown: promoted.map((p) => ({ key: p.model, value: -p.changePct.point })),
          };
        })();

  const servedModels = new Set(served.filter((s) => s.invocations > 0).map((s) => s.model));
  const optimisedModels = new Set(promoted.map((p) => p.model).filter((m) => servedModels.has(m)));
  const shareLabel = 'Models optimised (share of served models)';
  const share: OptimisationKpi = !servedModels.size
    ? { id: 'models-optimised-share', label: shareLabel, unit: '%', value: null, reason: 'no endpoint served invocations in the window' }
    : {
        id: 'models-optimised-share', label: shareLabel, unit: '%', basis: 'measured',
        value: (100 * optimisedModels.size) / servedModels.size,
        detail: `${optimisedModels.size} of ${servedModels.size} served models have a promoted candidate${optimisedModels.size ? ` (${[...optimisedModels].sort().join(', ')})` : ''}; seed target 80 %`,
      };

  const avoidedLabel = 'Avoided emissions at current traffic (estimated; not in measured totals)';
  const spanSec = Math.max(1, input.window.endSec - input.window.startSec);
  const contributing = promoted.filter((p) => (trafficOf.get(p.resourceKey) ?? 0) > 0);
  const avoided: OptimisationKpi = !promoted.length
    ? { id: 'avoided-emissions-per-month', label: avoidedLabel, unit: 'kgCO2e/month', value: null, reason: 'no promoted optimisation yet' }
    : !contributing.length
      ? { id: 'avoided-emissions-per-month', label: avoidedLabel, unit: 'kgCO2e/month', value: null, reason: 'the promoted endpoints served no invocations in the window' }
      : (() => {
          const kg = (pick: (r: Ranged) => number) =>
            contributing.reduce((a, p) => a + (((-pick(p.changePct) / 100) * p.baselineGco2ePerInference) * (trafficOf.get(p.resourceKey)! * MONTH_SEC)) / spanSec / 1000, 0);
          return {
            id: 'avoided-emissions-per-month' as const, label: avoidedLabel, unit: 'kgCO2e/month', basis: 'avoided (estimated)' as const,
            value: kg((r) => r.point), low: kg((r) => r.high), high: kg((r) => r.low),
            detail: 'avoided = (baseline − candidate) gCO2e/inference × invocations per 30 days at the window\'s traffic; an estimate, never added to measured emissions',
            breakdown: contributing.map((p) => ({ key: p.model, value: (((-p.changePct.point / 100) * p.baselineGco2ePerInference) * (trafficOf.get(p.resourceKey)! * MONTH_SEC)) / spanSec / 1000 })),
          };
        })();

  return [efficiency, share, avoided];
}
