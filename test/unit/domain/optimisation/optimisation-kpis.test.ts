/** The ledger's KPIs: measured improvement, share of models optimised, avoided emissions (estimated, labelled). */
import { optimisationKpis } from '../../../../shared/domain/optimisation/optimisation-kpis';

const DAY = 86_400;
const W = { startSec: 0, endSec: DAY };

describe('optimisationKpis', () => {
  it('says why when there is nothing to show (never a silent 0)', () => {
    const [eff, share, avoided] = optimisationKpis({ window: W, attempts: 0, promoted: [], served: [] });
    expect(eff).toMatchObject({ id: 'inference-efficiency-improvement', value: null, reason: 'no optimisation attempts yet' });
    expect(share).toMatchObject({ value: null, reason: 'no endpoint served invocations in the window' });
    expect(avoided).toMatchObject({ value: null, reason: 'no promoted optimisation yet' });
  });

  it('computes the measured improvement, the share of served models and the avoided kgCO2e per month', () => {
    // Prepare: model a promoted with −20 % [−25, −15] at 0.5 g/inference; 1000 invocations in one day → 30,000 a month
    const kpis = optimisationKpis({
      window: W,
      attempts: 2,
      promoted: [{ model: 'a', resourceKey: 'endpoint#r#a/AllTraffic', changePct: { point: -20, low: -25, high: -15 }, baselineGco2ePerInference: 0.5, demo: false }],
      served: [
        { resourceKey: 'endpoint#r#a/AllTraffic', model: 'a', invocations: 1000 },
        { resourceKey: 'endpoint#r#b/AllTraffic', model: 'b', invocations: 500 },
      ],
    });
    const [eff, share, avoided] = kpis;
    expect(eff).toMatchObject({ value: 20, low: 15, high: 25, unit: '%', basis: 'measured' });
    expect(share).toMatchObject({ value: 50, unit: '%' });
    // 0.20 × 0.5 g × 30,000 / 1000 = 3 kg; bounds from the change interval: 0.15 → 2.25, 0.25 → 3.75
    expect(avoided.value).toBeCloseTo(3, 9);
    expect(avoided.low).toBeCloseTo(2.25, 9);
    expect(avoided.high).toBeCloseTo(3.75, 9);
    expect(avoided.basis).toBe('avoided (estimated)');
    expect(avoided.label).toMatch(/estimated; not in measured totals/);
  });

  it('weights the improvement by current traffic', () => {
    const [eff] = optimisationKpis({
      window: W,
      attempts: 2,
      promoted: [
        { model: 'a', resourceKey: 'ka', changePct: { point: -10, low: -12, high: -8 }, baselineGco2ePerInference: 1, demo: false },
        { model: 'b', resourceKey: 'kb', changePct: { point: -40, low: -45, high: -35 }, baselineGco2ePerInference: 1, demo: false },
      ],
      served: [{ resourceKey: 'ka', model: 'a', invocations: 3000 }, { resourceKey: 'kb', model: 'b', invocations: 1000 }],
    });
    // (3000 × 10 + 1000 × 40) / 4000 = 17.5
    expect(eff.value).toBeCloseTo(17.5, 9);
  });
});
