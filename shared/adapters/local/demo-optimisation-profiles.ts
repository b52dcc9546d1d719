/**
 * DEMO serving profiles of the local optimisation stand-in: per (model, precision, GPUs, concurrency) configuration,
 * the published measurements the demo fleet turns into the telemetry of a variant serving it. Nothing here is a
 * measurement of ours; the figures are embedded (with their source) so `npm start` needs no ../shared data.
 *
 * Source of every figure: ML.ENERGY Leaderboard v3 (Chung et al., University of Michigan), task lm-arena-chat,
 * data last_updated 2026-02-16, github.com/ml-energy/leaderboard commit 0cd52dab (public/data/tasks/lm-arena-chat.json):
 * avg_power_watts (total GPU power during the benchmark), energy_per_request_joules, avg_output_len, median_itl_ms,
 * p95_itl_ms of Qwen/Qwen3-235B-A22B-Instruct-2507 (BF16) and …-FP8 on NVIDIA H100 (vLLM, max_num_seqs as named).
 * These pairs are the point of the demo: the same FP8 quantisation saves energy per request at high concurrency when
 * it lets the model fit on half the GPUs, and costs energy at low concurrency (+22.7 % J/request at max_num_seqs 16
 * on 8 GPUs) — cf. the energy increases measured for NF4/LLM.int8() on small models (bitsandbytes issues #1851 and
 * #1867, PR #1882; huggingface/optimum PR #2410).
 */
import type { OptimiseStartRequestInput } from '../../contracts/optimisation';

export interface DemoServingProfile {
  id: string;
  label: string;
  /** GPUs one model replica uses (tensor parallel degree). */
  gpusPerReplica: number;
  /** Total GPU power of one replica at the benchmark's load, W. */
  benchPowerW: number;
  /** GPU energy per request at that load, J. */
  energyPerRequestJ: number;
  avgOutputTokens: number;
  medianItlMs: number;
  p95ItlMs: number;
  source: string;
}

const ML_ENERGY = 'ML.ENERGY Leaderboard v3, lm-arena-chat, 2026-02-16 (ml-energy/leaderboard@0cd52dab)';

export const DEMO_SERVING_PROFILES: Readonly<Record<string, DemoServingProfile>> = {
  'qwen3-235b-bf16-tp8-seqs16': {
    id: 'qwen3-235b-bf16-tp8-seqs16', label: 'Qwen3-235B-A22B BF16, 8×H100, max_num_seqs 16',
    gpusPerReplica: 8, benchPowerW: 3188.6, energyPerRequestJ: 4480.9, avgOutputTokens: 865.3, medianItlMs: 25.35, p95ItlMs: 26.65,
    source: `${ML_ENERGY}: Qwen/Qwen3-235B-A22B-Instruct-2507, H100 ×8, max_num_seqs 16`,
  },
  'qwen3-235b-fp8-tp8-seqs16': {
    id: 'qwen3-235b-fp8-tp8-seqs16', label: 'Qwen3-235B-A22B FP8, 8×H100, max_num_seqs 16',
    gpusPerReplica: 8, benchPowerW: 3638.4, energyPerRequestJ: 5496.0, avgOutputTokens: 872.8, medianItlMs: 26.79, p95ItlMs: 27.38,
    source: `${ML_ENERGY}: Qwen/Qwen3-235B-A22B-Instruct-2507-FP8, H100 ×8, max_num_seqs 16`,
  },
  'qwen3-235b-bf16-tp8-seqs64': {
    id: 'qwen3-235b-bf16-tp8-seqs64', label: 'Qwen3-235B-A22B BF16, 8×H100, max_num_seqs 64',
    gpusPerReplica: 8, benchPowerW: 3704.7, energyPerRequestJ: 2104.8, avgOutputTokens: 879.2, medianItlMs: 40.34, p95ItlMs: 41.6,
    source: `${ML_ENERGY}: Qwen/Qwen3-235B-A22B-Instruct-2507, H100 ×8, max_num_seqs 64`,
  },
  'qwen3-235b-fp8-tp4-seqs64': {
    id: 'qwen3-235b-fp8-tp4-seqs64', label: 'Qwen3-235B-A22B FP8, 4×H100 per replica, max_num_seqs 64',
    gpusPerReplica: 4, benchPowerW: 2198.1, energyPerRequestJ: 1502.6, avgOutputTokens: 862.9, medianItlMs: 49.0, p95ItlMs: 51.19,
    source: `${ML_ENERGY}: Qwen/Qwen3-235B-A22B-Instruct-2507-FP8, H100 ×4, max_num_seqs 64`,
  },
};

/**
 * DEMO: the profile an optimisation of `sourceProfile` produces, keyed by the container options that matter
 * (OPTION_QUANTIZE and the tensor-parallel degree of the LMI container). Undefined = the stand-in knows no
 * measurement for it: the candidate then serves with the source profile (no change), and says so.
 */
export function demoOptimisedProfile(sourceProfile: string, env: Record<string, string>): string | undefined {
  const quant = env.OPTION_QUANTIZE;
  const tp = env.OPTION_TENSOR_PARALLEL_DEGREE;
  if (quant !== 'fp8') return undefined;
  if (sourceProfile === 'qwen3-235b-bf16-tp8-seqs16' && (tp === undefined || tp === '8')) return 'qwen3-235b-fp8-tp8-seqs16';
  if (sourceProfile === 'qwen3-235b-bf16-tp8-seqs64' && tp === '4') return 'qwen3-235b-fp8-tp4-seqs64';
  return undefined;
}

/** A DEMO endpoint of the optimisation demo (registered in the local SageMaker stand-in by the demo seeder). */
export interface DemoServingEndpoint {
  endpointName: string;
  region: string;
  variantName: string;
  modelName: string;
  profile: string;
  instanceType: string;
  instanceCount: number;
  /** Requests per second at the daily peak (DEMO traffic shape: daily cycle peaking ~15:00 UTC). */
  peakRps: number;
  tags: Record<string, string>;
}

/**
 * Two DEMO endpoints serving the same model (Qwen3-235B-A22B, BF16) on ml.p5.48xlarge (8×H100, the leaderboard's GPU):
 * an interactive assistant at low concurrency, and a batch-style service at high concurrency on two instances.
 */
export const DEMO_SERVING_ENDPOINTS: readonly DemoServingEndpoint[] = [
  {
    endpointName: 'demo-llm-assistant', region: 'us-west-2', variantName: 'AllTraffic', modelName: 'demo-qwen3-235b-bf16-seqs16',
    profile: 'qwen3-235b-bf16-tp8-seqs16', instanceType: 'ml.p5.48xlarge', instanceCount: 1, peakRps: 0.55,
    tags: { team: 'nlp', project: 'assistant', model: 'model-qwen3-235b-assistant' },
  },
  {
    endpointName: 'demo-llm-batch', region: 'us-east-1', variantName: 'AllTraffic', modelName: 'demo-qwen3-235b-bf16-seqs64',
    profile: 'qwen3-235b-bf16-tp8-seqs64', instanceType: 'ml.p5.48xlarge', instanceCount: 2, peakRps: 2.4,
    tags: { team: 'nlp', project: 'summaries', model: 'model-qwen3-235b-batch' },
  },
];

/**
 * DEMO attempts `npm start` runs early in the replay: FP8 on both endpoints. Quality scores are DEMO values (a user-
 * provided evaluation score; the stand-in runs no evaluation). Measurement minimum kept small so the replay decides
 * within its first day. Fixed client tokens: one attempt per endpoint per data directory.
 */
export function demoOptimisationRequests(): OptimiseStartRequestInput[] {
  const base = {
    apiVersion: 'carbonpilot/v1' as const,
    roleArn: 'arn:aws:iam::123456789012:role/carbonpilot-optimise-demo',
    measurement: { minHours: 12, minInvocations: 5000, maxHours: 48, samplingPct: 100 },
    demo: true,
  };
  return [
    {
      ...base,
      clientToken: 'demo-opt-assistant-fp8',
      endpointName: 'demo-llm-assistant',
      region: 'us-west-2',
      config: { kind: 'quantization', format: 'fp8' },
      outputS3Uri: 's3://demo-carbonpilot-us-west-2/optimised',
      quality: { metric: 'demo-eval-accuracy', higherIsBetter: true, baseline: 0.812, candidate: 0.809 },
      ownerTags: { team: 'nlp' },
    },
    {
      ...base,
      clientToken: 'demo-opt-batch-fp8-tp4',
      endpointName: 'demo-llm-batch',
      region: 'us-east-1',
      // FP8 halves the weights: the model fits on 4 GPUs, so one p5.48xlarge holds two replicas and one instance serves.
      config: { kind: 'quantization', format: 'fp8', env: { OPTION_TENSOR_PARALLEL_DEGREE: '4' } },
      candidate: { instanceCount: 1 },
      outputS3Uri: 's3://demo-carbonpilot-us-east-1/optimised',
      quality: { metric: 'demo-eval-accuracy', higherIsBetter: true, baseline: 0.812, candidate: 0.806 },
      // The service's SLO: long generations, 60 s at p95.
      slo: { p95LatencyMs: 60_000 },
      rollbackAlarmNames: ['demo-llm-batch-5xx', 'demo-llm-batch-latency-p95'],
      ownerTags: { team: 'nlp' },
    },
  ];
}
