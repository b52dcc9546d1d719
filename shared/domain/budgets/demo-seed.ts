/**
 * DEMO budgets (pure data from the demo store's figures): `npm start` seeds them so every budget panel has something
 * real to show. Limits are set relative to what the demo fleet emits this month, so the story holds whatever --now
 * the replay uses: one account budget with headroom, one team budget heading for a forecasted breach, and one
 * enforcing team budget whose forecast already uses the whole allowance, so it refuses new training of team nlp
 * (the example job request) unless the request carries an override reason.
 */
import type { BudgetDef } from './types';

/** This month's figures of a scope in the demo store. */
export interface DemoScopeFigures {
  actualKgCo2e: number;
  /** Forecast P50 and P90 to month end; null when the demo store is too short for a forecast. */
  p50KgCo2e: number | null;
  p90KgCo2e: number | null;
}

const ceil1 = (x: number) => Math.max(1, Math.ceil(x));

/** The demo budgets for this month's figures of the account, team vision and team nlp. */
export function demoBudgetDefinitions(f: { account: DemoScopeFigures; vision: DemoScopeFigures; nlp: DemoScopeFigures }): BudgetDef[] {
  const common = { basis: 'location-based' as const, includeEmbodied: false, demo: true, period: 'month' as const };
  const acc = f.account.p90KgCo2e ?? f.account.actualKgCo2e * 2;
  const vF = f.vision.p50KgCo2e ?? f.vision.actualKgCo2e * 1.5;
  const nF = f.nlp.p50KgCo2e ?? f.nlp.actualKgCo2e;
  return [
    {
      ...common, id: 'demo-account-monthly', name: 'DEMO: whole account, monthly', scope: { dimension: 'account' }, mode: 'advisory',
      // Headroom: 30 % above the P90 forecast.
      limitKgCo2e: ceil1(acc * 1.3),
      notifications: [{ type: 'ACTUAL', threshold: 80, thresholdType: 'PERCENTAGE' }, { type: 'FORECASTED', threshold: 100, thresholdType: 'PERCENTAGE' }],
    },
    {
      ...common, id: 'demo-vision-monthly', name: 'DEMO: team vision, heading for a forecasted breach', scope: { dimension: 'team', value: 'vision' }, mode: 'advisory',
      // Between the actual so far and the forecast: actual under the limit, forecast over it.
      limitKgCo2e: ceil1(f.vision.actualKgCo2e + 0.6 * Math.max(0, vF - f.vision.actualKgCo2e)),
      notifications: [{ type: 'ACTUAL', threshold: 100, thresholdType: 'PERCENTAGE' }, { type: 'FORECASTED', threshold: 100, thresholdType: 'PERCENTAGE' }],
    },
    {
      ...common, id: 'demo-nlp-gated', name: 'DEMO: team nlp, enforcing (gates new training jobs)', scope: { dimension: 'team', value: 'nlp' }, mode: 'enforcing',
      // The forecast P50 rounded down to a whole kg: no room left (under 1 kg over), so any nlp training plan is refused.
      limitKgCo2e: Math.max(1, Math.floor(nF)),
      notifications: [{ type: 'ACTUAL', threshold: 90, thresholdType: 'PERCENTAGE' }, { type: 'ACTUAL', threshold: 100, thresholdType: 'PERCENTAGE' }],
    },
  ];
}
