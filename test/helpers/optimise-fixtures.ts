/** Two hand-built optimisation attempts (one promoted, one rejected for an energy regression) for API and browser tests. */
import { OptimiseStartRequest } from '../../shared/contracts/optimisation';
import { attemptNames } from '../../shared/domain/optimisation/names';
import { decide } from '../../shared/domain/optimisation/decision';
import { summariseMeasurement, type PairedHour } from '../../shared/domain/optimisation/measurement';
import type { AttemptRecord } from '../../shared/ports/optimisation-ports';

const H = 3600;

/** A finished attempt whose candidate used `factor` × the baseline's energy in each of 12 hours from `startSec`. */
export function finishedAttempt(o: { attemptId: string; endpoint: string; model: string; factor: number; startSec: number; demo?: boolean }): AttemptRecord {
  const request = OptimiseStartRequest.parse({
    apiVersion: 'carbonpilot/v1', endpointName: o.endpoint, region: 'us-east-1', config: { kind: 'quantization', format: 'fp8' },
    roleArn: 'arn:aws:iam::123456789012:role/carbonpilot-optimise-demo', outputS3Uri: 's3://demo-bucket/o', quality: { metric: 'accuracy', baseline: 0.8, candidate: 0.799 }, slo: { p95LatencyMs: 60_000 }, demo: o.demo ?? true,
  });
  const pairs: PairedHour[] = Array.from({ length: 12 }, (_, k) => {
    const e = 2 * (1 + 0.2 * Math.sin(k));
    const v = (kwh: number) => ({ energyKwh: { point: kwh, low: kwh * 0.6, high: kwh * 1.4 }, co2eKg: { point: kwh * 0.4, low: kwh * 0.24, high: kwh * 0.56 }, invocations: 1000, errors: 0 });
    return { hourStartSec: o.startSec + k * H, baseline: v(e), candidate: v(o.factor * e * (1 + 0.01 * Math.cos(k))) };
  });
  const measurement = summariseMeasurement(pairs, { seed: o.attemptId, latency: { baseline: { p50Ms: 20_000, p95Ms: 23_000 }, candidate: { p50Ms: 21_000, p95Ms: 24_000 } } });
  const decision = decide(measurement, { metric: 'accuracy', higherIsBetter: true, baseline: 0.8, candidate: 0.799 }, { marginPct: 10, qualityTolerancePct: 1, slo: request.slo });
  const names = attemptNames(o.attemptId, o.endpoint);
  const status = decision.decision === 'promote' ? 'promoted' : 'rejected';
  return {
    attemptId: o.attemptId, version: 1, status, request, names, jobKind: 'optimization-job',
    baseline: { variantName: 'AllTraffic', modelName: `${o.endpoint}-bf16`, instanceType: 'ml.p5.48xlarge', instanceCount: 1, endpointConfigName: `${o.endpoint}-config`, model: o.model },
    candidate: { modelName: names.candidateModel, variantName: names.shadowVariant, instanceType: 'ml.p5.48xlarge', instanceCount: 1, image: 'img', modelDataUrl: 's3://b/o/' },
    measurement, decision, quality: { metric: 'accuracy', higherIsBetter: true, baseline: 0.8, candidate: 0.799, source: 'user' },
    requests: {}, history: [{ atSec: o.startSec, status: 'requested', note: 'fixture' }, { atSec: o.startSec + 16 * H, status, note: decision.reason }],
    createdAtSec: o.startSec, updatedAtSec: o.startSec + 16 * H, demo: o.demo ?? true,
  };
}
