/**
 * The promotion rule (pure): promote a candidate only when
 *  1. energy per inference falls by at least `marginPct` (default 10 %) and the 95 % paired bootstrap interval of the
 *     change lies below zero (a saving that noise cannot explain);
 *  2. its p95 ModelLatency is within the SLO (an absolute ceiling, or the baseline's p95 plus `maxP95IncreasePct`);
 *  3. its error rate is within the SLO;
 *  4. its quality score is within `qualityTolerancePct` (default 1 %, relative) of the baseline's.
 * Otherwise it is rejected, and the reason names the first gate that failed with its numbers, e.g.
 * "energy regression: +23 % J/inference [+15, +31]". Every failing gate is listed in `reasons`.
 */
import type { Ranged } from '../types';
import type { Measurement } from './measurement';

export interface DecisionRule {
  marginPct: number;
  qualityTolerancePct: number;
  slo: { p95LatencyMs?: number; maxP95IncreasePct: number; maxErrorRatePct: number };
}

export interface QualityInput {
  metric: string;
  higherIsBetter: boolean;
  baseline: number;
  candidate: number;
}

export interface GateResult {
  passed: boolean;
  detail: string;
}

export interface Decision {
  decision: 'promote' | 'reject';
  reason: string;
  reasons: string[];
  gates: { energy: GateResult; latency: GateResult; errors: GateResult; quality: GateResult };
  /** Relative quality change, % (positive = better); absent when the rule was not evaluated. */
  qualityDeltaPct?: number;
}

const signed = (x: number): string => {
  const r = Math.abs(x) >= 10 ? Math.round(x) : Math.round(x * 10) / 10;
  return `${r > 0 ? '+' : ''}${r === 0 ? 0 : r}`;
};

/** "+23 % J/inference [+15, +31]" */
export const formatChange = (c: Ranged, unit = 'J/inference'): string => `${signed(c.point)} % ${unit} [${signed(c.low)}, ${signed(c.high)}]`;

/** Relative quality change, %, positive when the candidate is better (respecting the metric's direction). */
export function qualityDeltaPct(q: Pick<QualityInput, 'baseline' | 'candidate' | 'higherIsBetter'>): number {
  // A relative change from 0 is undefined; the contract refuses a 0 baseline, this keeps the function total.
  if (q.baseline === 0) return q.candidate === 0 ? 0 : (q.higherIsBetter === q.candidate > 0 ? 100 : -100);
  const d = (100 * (q.candidate - q.baseline)) / Math.abs(q.baseline);
  return q.higherIsBetter ? d : -d;
}

/** Apply the rule to a measurement and a quality score. */
export function decide(m: Measurement, quality: QualityInput, rule: DecisionRule): Decision {
  const c = m.changePct;
  const energy: GateResult =
    c.low > 0
      ? { passed: false, detail: `energy regression: ${formatChange(c)}` }
      : c.point > -rule.marginPct
        ? { passed: false, detail: `energy saving below the ${rule.marginPct} % margin: ${formatChange(c)}` }
        : c.high >= 0
          ? { passed: false, detail: `energy saving not significant (95 % interval includes zero): ${formatChange(c)}` }
          : { passed: true, detail: `energy saving: ${formatChange(c)}` };

  const bp95 = m.baseline.latencyP95Ms;
  const cp95 = m.candidate.latencyP95Ms;
  const ceiling = rule.slo.p95LatencyMs ?? (bp95 !== undefined ? bp95 * (1 + rule.slo.maxP95IncreasePct / 100) : undefined);
  const ceilingText = rule.slo.p95LatencyMs !== undefined ? `SLO ${Math.round(rule.slo.p95LatencyMs)} ms` : `baseline p95 + ${rule.slo.maxP95IncreasePct} % = ${Math.round(ceiling ?? 0)} ms`;
  const latency: GateResult =
    cp95 === undefined
      ? { passed: false, detail: 'latency unknown: no ModelLatency data for the candidate' }
      : ceiling === undefined
        ? { passed: false, detail: 'latency SLO unknown: no p95LatencyMs given and no ModelLatency data for the baseline' }
        : cp95 > ceiling
          ? { passed: false, detail: `p95 latency over the SLO: ${Math.round(cp95)} ms > ${ceilingText}` }
          : { passed: true, detail: `p95 latency ${Math.round(cp95)} ms within ${ceilingText}` };

  const er = m.candidate.errorRatePct;
  const errors: GateResult =
    er > rule.slo.maxErrorRatePct
      ? { passed: false, detail: `error rate over the SLO: ${er.toFixed(2)} % > ${rule.slo.maxErrorRatePct} %` }
      : { passed: true, detail: `error rate ${er.toFixed(2)} % within ${rule.slo.maxErrorRatePct} %` };

  const dq = qualityDeltaPct(quality);
  const qualityGate: GateResult =
    dq < -rule.qualityTolerancePct
      ? { passed: false, detail: `quality loss beyond tolerance: ${quality.metric} ${signed(dq)} % (tolerance ${rule.qualityTolerancePct} %)` }
      : { passed: true, detail: `${quality.metric} ${signed(dq)} % within ${rule.qualityTolerancePct} %` };

  const gates = { energy, latency, errors, quality: qualityGate };
  const reasons = Object.values(gates).filter((g) => !g.passed).map((g) => g.detail);
  return reasons.length
    ? { decision: 'reject', reason: reasons[0], reasons, gates, qualityDeltaPct: dq }
    : { decision: 'promote', reason: `${energy.detail}; ${latency.detail}; ${errors.detail}; ${qualityGate.detail}`, reasons: [], gates, qualityDeltaPct: dq };
}

/** A rejection without evaluating the rule (the measurement never reached its minimum). */
export function inconclusiveDecision(reason: string): Decision {
  const skipped = { passed: false, detail: 'not evaluated (inconclusive measurement)' };
  return { decision: 'reject', reason, reasons: [reason], gates: { energy: { passed: false, detail: reason }, latency: skipped, errors: skipped, quality: skipped } };
}
