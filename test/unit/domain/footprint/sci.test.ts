/** SCI = (E × I + M) / R per endpoint, per model and per training run, each term shown, location-based. */
import { sciReport } from '../../../../shared/domain/footprint/sci';
import { HOUR, NOV_1_2026, interval, legacyInterval } from '../../../helpers/scope-fixtures';

const ep = (h: number, over = {}) =>
  interval({ kind: 'endpoint', resourceId: 'chat/AllTraffic', resourceKey: 'endpoint#us-east-1#chat/AllTraffic', intervalStartSec: NOV_1_2026 + h * HOUR, invocations: 1000, attribution: { team: 'nlp', project: 'p', model: 'llama' }, ...over });

describe('sciReport', () => {
  it('per endpoint: E 20 kWh × I 400 g/kWh + M 200 g over R 2,000 inferences = 4.1 gCO2e/inference', () => {
    // Prepare: two hours, each 10 kWh, 4 kg operational (400 g/kWh), 0.1 kg embodied, 1,000 invocations.
    // Act
    const [row] = sciReport([ep(0), ep(1)]).endpoints;
    // Assess
    expect(row).toMatchObject({ scope: 'endpoint', key: 'chat/AllTraffic', unit: 'gCO2e/inference', functionalUnits: 2000, intervals: 2 });
    expect(row.energyKwh.point).toBe(20);
    expect(row.intensityGPerKwh).toBeCloseTo(400, 12);
    expect(row.operationalG.point).toBeCloseTo(8000, 9);
    expect(row.embodiedG.point).toBeCloseTo(200, 9);
    expect(row.sci!.point).toBeCloseTo(4.1, 12);
    expect(row.sci!.low).toBeCloseTo((4000 + 160) / 2000, 12);
    expect(row.sci!.high).toBeCloseTo((16000 + 300) / 2000, 12);
  });

  it('per model groups every endpoint serving it; per training run R = 1 run', () => {
    const other = ep(0, { resourceId: 'chat-b/AllTraffic', resourceKey: 'endpoint#us-east-1#chat-b/AllTraffic', invocations: 3000 });
    const r = sciReport([ep(0), other, interval({ resourceId: 'train-1' }), interval({ resourceId: 'train-1', intervalStartSec: NOV_1_2026 + HOUR })]);
    expect(r.models).toHaveLength(1);
    expect(r.models[0]).toMatchObject({ key: 'llama', functionalUnits: 4000 });
    expect(r.models[0].sci!.point).toBeCloseTo(8200 / 4000, 12);
    expect(r.trainingRuns).toHaveLength(1);
    expect(r.trainingRuns[0]).toMatchObject({ key: 'train-1', unit: 'gCO2e/run', functionalUnits: 1 });
    expect(r.trainingRuns[0].sci!.point).toBeCloseTo(8200, 9);
  });

  it('gives no SCI (with the reason) rather than one that silently omits M', () => {
    const legacy = sciReport([ep(0), legacyInterval({ kind: 'endpoint', resourceId: 'chat/AllTraffic', intervalStartSec: NOV_1_2026 + HOUR, invocations: 10 })]).endpoints[0];
    expect(legacy.sci).toBeNull();
    expect(legacy.reason).toMatch(/embodied not computed for 1 interval/);
    const none = sciReport([ep(0, { invocations: 0 })]).endpoints[0];
    expect(none).toMatchObject({ sci: null, reason: 'no invocations recorded' });
  });

  it('leaves endpoint intervals without invocation metrics out of numerator and denominator alike', () => {
    const r = sciReport([ep(0), ep(1, { invocations: undefined })]).endpoints[0];
    expect(r.intervals).toBe(1);
    expect(r.sci!.point).toBeCloseTo(4.1, 12);
  });
});
