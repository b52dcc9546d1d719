/**
 * The optimisation ledger: every attempt per model with its config, the measured before/after J and gCO2e per
 * inference with intervals, the quality delta, the decision and its reason — what `optimise list`, the API and the
 * dashboard panel show — and the ledger's KPI contribution to the KPI report.
 */
import type { Kpi } from '../domain/kpis';
import { optimisationKpis, type PromotedOptimisation, type ServedVariant } from '../domain/optimisation/optimisation-kpis';
import { qualityDeltaPct } from '../domain/optimisation/decision';
import type { VariantFigures } from '../domain/optimisation/measurement';
import { isoUtc, type Window } from '../domain/time';
import type { FootprintInterval, Ranged } from '../domain/types';
import type { OptimisationConfig } from '../contracts/optimisation';
import type { AttemptRecord, OptimisationStore } from '../ports/optimisation-ports';
import { variantKey } from './optimise-attempt';

export interface LedgerVariant {
  modelName: string;
  variant: string;
  instanceType: string;
  instanceCount: number;
  /** Facility J per successful inference (point), with the power-model range in `range`. */
  jPerInference: number | null;
  gCo2ePerInference: number | null;
  range: { jPerInference: { low: number; high: number }; gCo2ePerInference: { low: number; high: number } } | null;
  invocations: number | null;
  errorRatePct: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
}

export interface LedgerRow {
  attemptId: string;
  /** The model's attribution (the endpoint variant's `model` tag, else the SageMaker model name). */
  model: string;
  endpoint: string;
  region: string;
  config: OptimisationConfig;
  status: string;
  baseline: LedgerVariant;
  candidate: LedgerVariant;
  /** J/inference change of the candidate, %, with the 95 % paired-bootstrap interval (null until measured). */
  changePct: Ranged | null;
  quality: { metric: string; baseline: number | null; candidate: number | null; deltaPct: number | null; tolerancePct: number; passed: boolean | null } | null;
  decision: 'promote' | 'reject' | null;
  reason: string | null;
  pairedHours: number | null;
  progress: { pairedHours: number; candidateInvocations: number; minHours: number; minInvocations: number } | null;
  method: string | null;
  uncertainty: string | null;
  startedAt: string;
  updatedAt: string;
  registry: { group: string; modelPackageArn?: string } | null;
  failure: string | null;
  demo: boolean;
}

const variantOf = (info: { modelName: string; variantName: string; instanceType: string; instanceCount: number } | undefined, f: VariantFigures | undefined): LedgerVariant => ({
  modelName: info?.modelName ?? '',
  variant: info?.variantName ?? '',
  instanceType: info?.instanceType ?? '',
  instanceCount: info?.instanceCount ?? 0,
  jPerInference: f ? f.jPerInference.point : null,
  gCo2ePerInference: f ? f.gCo2ePerInference.point : null,
  range: f ? { jPerInference: { low: f.jPerInference.low, high: f.jPerInference.high }, gCo2ePerInference: { low: f.gCo2ePerInference.low, high: f.gCo2ePerInference.high } } : null,
  invocations: f ? f.successfulInvocations : null,
  errorRatePct: f ? f.errorRatePct : null,
  p50LatencyMs: f?.latencyP50Ms ?? null,
  p95LatencyMs: f?.latencyP95Ms ?? null,
});

/** One ledger row of an attempt. */
export function ledgerRow(rec: AttemptRecord): LedgerRow {
  const m = rec.measurement;
  const q = rec.quality;
  const delta = q && q.baseline !== undefined && q.candidate !== undefined ? qualityDeltaPct({ baseline: q.baseline, candidate: q.candidate, higherIsBetter: q.higherIsBetter }) : null;
  const tol = rec.request.decision.qualityTolerancePct;
  return {
    attemptId: rec.attemptId,
    model: rec.baseline?.model ?? rec.request.endpointName,
    endpoint: rec.request.endpointName,
    region: rec.request.region,
    config: rec.request.config,
    status: rec.status,
    baseline: variantOf(rec.baseline, m?.baseline),
    candidate: variantOf(rec.candidate, m?.candidate),
    changePct: m ? { ...m.changePct } : null,
    quality: q ? { metric: q.metric, baseline: q.baseline ?? null, candidate: q.candidate ?? null, deltaPct: delta, tolerancePct: tol, passed: delta === null ? null : delta >= -tol } : null,
    decision: rec.decision?.decision ?? null,
    reason: rec.decision?.reason ?? (rec.status === 'failed' || rec.status === 'aborted' ? (rec.failure ?? rec.history[rec.history.length - 1]?.note ?? null) : null),
    pairedHours: m?.pairedHours ?? null,
    progress: rec.progress ? { pairedHours: rec.progress.pairedHours, candidateInvocations: rec.progress.candidateInvocations, minHours: rec.request.measurement.minHours, minInvocations: rec.request.measurement.minInvocations } : null,
    method: m?.method ?? null,
    uncertainty: m?.uncertainty ?? null,
    startedAt: isoUtc(rec.createdAtSec),
    updatedAt: isoUtc(rec.updatedAtSec),
    registry: rec.registry ?? null,
    failure: rec.failure ?? null,
    demo: rec.demo,
  };
}

/** Every attempt, newest first; filtered by model or endpoint when asked. */
export const makeListOptimisations = (store: Pick<OptimisationStore, 'listAll'>) =>
  async (f: { model?: string; endpoint?: string } = {}): Promise<LedgerRow[]> =>
    (await store.listAll())
      .map(ledgerRow)
      .filter((r) => (f.model === undefined || r.model === f.model) && (f.endpoint === undefined || r.endpoint === f.endpoint))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || a.attemptId.localeCompare(b.attemptId));

/** The optimisation KPIs over a window's footprint intervals (the endpoints' current traffic). */
export function ledgerKpis(records: readonly AttemptRecord[], intervals: readonly FootprintInterval[], window: { startSec: number; endSec: number }) {
  const promoted: PromotedOptimisation[] = records
    .filter((r) => r.status === 'promoted' && r.measurement && r.baseline)
    .map((r) => ({
      model: r.baseline!.model,
      resourceKey: variantKey(r.request.region, r.request.endpointName, r.baseline!.variantName),
      changePct: r.measurement!.changePct,
      baselineGco2ePerInference: r.measurement!.baseline.gCo2ePerInference.point,
      demo: r.demo,
    }));
  // Shadow variants serve copies of production requests: they are not served traffic of a model.
  const shadows = new Set(records.filter((r) => r.candidate).map((r) => variantKey(r.request.region, r.request.endpointName, r.candidate!.variantName)));
  const served: ServedVariant[] = intervals
    .filter((i) => i.kind === 'endpoint' && !shadows.has(i.resourceKey))
    .map((i) => ({ resourceKey: i.resourceKey, model: i.attribution.model, invocations: i.invocations ?? 0 }));
  return optimisationKpis({ window, attempts: records.length, promoted, served });
}

/**
 * The optimisation KPIs of a window (the KPI report's interval contributors call this). Their ids extend the report's
 * KPI ids; avoided emissions carry `basis: 'avoided (estimated)'` and are never summed with measured ones.
 */
export async function optimisationKpiContributor(store: Pick<OptimisationStore, 'listAll'> | undefined, intervals: readonly FootprintInterval[], window: Window): Promise<{ kpis: Kpi[]; demo: boolean }> {
  if (!store) return { kpis: [], demo: false };
  const records = await store.listAll();
  return { kpis: ledgerKpis(records, intervals, window), demo: records.some((r) => r.demo) };
}
