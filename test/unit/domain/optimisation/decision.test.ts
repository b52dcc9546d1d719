/** The promotion rule, gate by gate; the reason names the first gate that failed with its numbers. */
import { decide, formatChange, inconclusiveDecision, qualityDeltaPct, type DecisionRule, type QualityInput } from '../../../../shared/domain/optimisation/decision';
import type { Measurement } from '../../../../shared/domain/optimisation/measurement';
import type { Ranged } from '../../../../shared/domain/types';

const RULE: DecisionRule = { marginPct: 10, qualityTolerancePct: 1, slo: { maxP95IncreasePct: 20, maxErrorRatePct: 1 } };
const figures = (j: number, over: Partial<Measurement['baseline']> = {}): Measurement['baseline'] => ({
  jPerInference: { point: j, low: j, high: j }, gCo2ePerInference: { point: 0.1, low: 0.1, high: 0.1 }, energyKwh: { point: 1, low: 1, high: 1 },
  co2eKg: { point: 1, low: 1, high: 1 }, invocations: 1000, successfulInvocations: 1000, errorRatePct: 0, latencyP50Ms: 100, latencyP95Ms: 200, ...over,
});
const measurement = (change: Ranged, candidate: Partial<Measurement['baseline']> = {}, baseline: Partial<Measurement['baseline']> = {}): Measurement => ({
  window: { startSec: 0, endSec: 3600 }, pairedHours: 24, baseline: figures(100, baseline), candidate: figures(100 + change.point, candidate),
  changePct: change, gCo2eChangePct: change, method: 'm', uncertainty: 'u', bootstrap: { resamples: 1, confidence: 0.95, seed: 's' },
});
const Q: QualityInput = { metric: 'accuracy', higherIsBetter: true, baseline: 0.8, candidate: 0.799 };

describe('decide', () => {
  it('promotes a saving beyond the margin whose interval excludes zero, within latency, errors and quality', () => {
    const d = decide(measurement({ point: -20, low: -25, high: -15 }), Q, RULE);
    expect(d.decision).toBe('promote');
    expect(d.reasons).toEqual([]);
    expect(d.reason).toContain('energy saving: -20 % J/inference [-25, -15]');
  });

  it.each<[string, Ranged, string]>([
    ['a regression (interval above zero)', { point: 23, low: 15, high: 31 }, 'energy regression: +23 % J/inference [+15, +31]'],
    ['a saving below the margin', { point: -4, low: -9, high: 1 }, 'energy saving below the 10 % margin: -4 % J/inference [-9, +1]'],
    ['a saving whose interval includes zero', { point: -12, low: -25, high: 2 }, 'energy saving not significant (95 % interval includes zero): -12 % J/inference [-25, +2]'],
    ['no change', { point: 0, low: -1, high: 1 }, 'energy saving below the 10 % margin: 0 % J/inference [-1, +1]'],
  ])('rejects %s', (_name, change, reason) => {
    const d = decide(measurement(change), Q, RULE);
    expect(d.decision).toBe('reject');
    expect(d.reason).toBe(reason);
  });

  it('rejects a p95 latency over the SLO: relative to the baseline by default, else the absolute ceiling', () => {
    // baseline p95 200 ms + 20 % = 240 ms
    expect(decide(measurement({ point: -20, low: -25, high: -15 }, { latencyP95Ms: 250 }), Q, RULE).reason).toBe('p95 latency over the SLO: 250 ms > baseline p95 + 20 % = 240 ms');
    expect(decide(measurement({ point: -20, low: -25, high: -15 }, { latencyP95Ms: 250 }), Q, { ...RULE, slo: { ...RULE.slo, p95LatencyMs: 300 } }).decision).toBe('promote');
    expect(decide(measurement({ point: -20, low: -25, high: -15 }, { latencyP95Ms: undefined }), Q, RULE).reason).toContain('latency unknown');
  });

  it('rejects an error rate over the SLO', () => {
    expect(decide(measurement({ point: -20, low: -25, high: -15 }, { errorRatePct: 2.5 }), Q, RULE).reason).toBe('error rate over the SLO: 2.50 % > 1 %');
  });

  it('rejects a quality loss beyond the tolerance, respecting the metric direction', () => {
    const good = { point: -20, low: -25, high: -15 };
    expect(decide(measurement(good), { ...Q, candidate: 0.78 }, RULE).reason).toBe('quality loss beyond tolerance: accuracy -2.5 % (tolerance 1 %)');
    // perplexity: lower is better; 10 → 10.5 is a 5 % loss
    expect(decide(measurement(good), { metric: 'perplexity', higherIsBetter: false, baseline: 10, candidate: 10.5 }, RULE).decision).toBe('reject');
    expect(decide(measurement(good), { metric: 'perplexity', higherIsBetter: false, baseline: 10, candidate: 9.5 }, RULE).decision).toBe('promote');
  });

  it('lists every failing gate and gives the first as the reason', () => {
    const d = decide(measurement({ point: 23, low: 15, high: 31 }, { errorRatePct: 5 }), { ...Q, candidate: 0.5 }, RULE);
    expect(d.reasons).toHaveLength(3);
    expect(d.reason).toMatch(/^energy regression/);
  });
});

describe('helpers', () => {
  it('formats a change with signs, whole percent from 10 on', () => {
    expect(formatChange({ point: 9.44, low: -0.04, high: 18.6 })).toBe('+9.4 % J/inference [0, +19]');
  });
  it('quality delta is relative and direction-aware; a zero baseline stays finite', () => {
    expect(qualityDeltaPct({ baseline: 0.8, candidate: 0.792, higherIsBetter: true })).toBeCloseTo(-1, 9);
    expect(qualityDeltaPct({ baseline: 20, candidate: 19, higherIsBetter: false })).toBeCloseTo(5, 9);
    expect(Number.isFinite(qualityDeltaPct({ baseline: 0, candidate: 1, higherIsBetter: true }))).toBe(true);
  });
  it('an inconclusive measurement is a rejection with that reason', () => {
    expect(inconclusiveDecision('inconclusive: 3/24 paired hours')).toMatchObject({ decision: 'reject', reason: 'inconclusive: 3/24 paired hours' });
  });
});
