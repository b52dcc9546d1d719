/**
 * bench:optimise — does the optimisation pipeline reach the decision the published measurements imply?
 *   npm run bench:optimise -- --data DIR --out FILE.json [--margin-pct 10]
 *
 * Reads DIR/mlenergy-leaderboard/*.json (ML.ENERGY Leaderboard v3; see its SOURCE.md) at run time. For every
 * measured BF16 → FP8 pair of one model, GPU and concurrency (max_num_seqs) — FP8 on the same or fewer GPUs per
 * replica — it serves 24 hours of the same demo traffic (80 % of the BF16 instance's benchmark rate at the daily peak)
 * on an 8-GPU instance (H100 → ml.p5.48xlarge, B200 → ml.p6-b200.48xlarge) with the demo fleet's served-model
 * telemetry, turns it into footprint intervals with the product's own collector maths (computeInterval: power model,
 * host share, PUE), and runs the product's measurement and decision rule on them. Side by side per pair:
 *   published   the leaderboard's GPU energy-per-request change (at its benchmark load);
 *   measured    the change our pipeline measures (utilisation → power model, plus host and idle GPUs, × PUE);
 *   decision    promote / reject with the reason, against what the published change alone would decide.
 * Also checks that the figures embedded in the product's demo (demo-optimisation-profiles.ts) equal the dataset's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchArgs, writeJson } from './lib/bench-args';
import { demoServedModelSample, type DemoServing } from '../shared/adapters/local/demo-fleet';
import { DEMO_SERVING_PROFILES } from '../shared/adapters/local/demo-optimisation-profiles';
import { computeInterval } from '../shared/domain/footprint/compute-interval';
import { lookupInstance } from '../shared/domain/power/instance-catalog';
import { summariseMeasurement, type PairedHour } from '../shared/domain/optimisation/measurement';
import { decide } from '../shared/domain/optimisation/decision';
import { HOUR_SEC } from '../shared/domain/time';
import type { HostSample, ResourceRef } from '../shared/domain/types';

const args = benchArgs('optimise', { dataRequired: true, extra: ['margin-pct'] });
const marginPct = Number(args.get('margin-pct') ?? 10);
if (!Number.isFinite(marginPct) || marginPct < 0 || marginPct > 90) args.fail('--margin-pct: a number in [0, 90]');

interface Config {
  model_id: string;
  gpu_model: string;
  num_gpus: number;
  max_num_seqs: number;
  weight_precision: string;
  avg_power_watts: number;
  energy_per_request_joules?: number;
  avg_output_len?: number;
  median_itl_ms?: number;
  p95_itl_ms?: number;
}

const dir = join(args.data!, 'mlenergy-leaderboard');
const tasks = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json');
const T0 = 1_763_596_800; // 2025-11-20T00:00:00Z, a Thursday (the traffic shape is daily)
const INSTANCE: Record<string, string> = { H100: 'ml.p5.48xlarge', B200: 'ml.p6-b200.48xlarge' };
const PUE = 1.15; // fixed for the comparison: PUE scales both variants alike and cancels out of the change

function servedHours(profile: DemoServing['profile'], instanceType: string, instances: number, peakRps: number): PairedHour['baseline'][] {
  const spec = lookupInstance(instanceType)!;
  const acc = { count: spec.acceleratorCount, idleW: spec.accelerator.idleW, maxW: spec.accelerator.maxW };
  const s: DemoServing = { fromSec: 0, profile, instanceCount: instances, peakRps, share: 1, trafficSeed: 'bench' };
  const ref: ResourceRef = { kind: 'endpoint', id: 'bench/AllTraffic', region: 'us-east-1', instanceType, counts: [{ atSec: T0, instanceCount: instances }], startSec: T0, status: 'InService', tags: {} };
  const out: PairedHour['baseline'][] = [];
  for (let h = 0; h < 24; h++) {
    const start = T0 + h * HOUR_SEC;
    const samples: HostSample[] = [];
    for (let t = start; t < start + HOUR_SEC; t += 60) samples.push({ tSec: t, ...demoServedModelSample(t, s, acc, 7, t / 60) });
    const i = computeInterval({
      resource: ref, spec, attribution: { team: 'bench', project: 'bench', model: 'bench' }, interval: { startSec: start, endSec: start + HOUR_SEC },
      telemetry: { resourceKey: 'bench', window: { startSec: start, endSec: start + HOUR_SEC }, hosts: [{ host: ref.id, periodSec: 60, samples, instancesRepresented: instances }], partial: false, issues: [] },
      pue: PUE, pueSource: 'bench (fixed)', intensity: { gPerKwh: 400, signal: 'average-lifecycle', zone: 'bench', provider: 'bench', quality: 'actual' },
    });
    out.push({ energyKwh: i.energyKwh, co2eKg: i.co2eKg, invocations: i.invocations ?? 0, errors: 0 });
  }
  return out;
}

const rows: Record<string, unknown>[] = [];
const configs: Config[] = [];
for (const f of tasks) {
  const task = f.replace(/\.json$/, '');
  const data = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { configurations: Config[] };
  for (const c of data.configurations) configs.push({ ...c, model_id: c.model_id, ...{ task } } as Config);
  const byKey = new Map<string, Config[]>();
  for (const c of data.configurations) {
    if (!INSTANCE[c.gpu_model] || c.energy_per_request_joules === undefined || c.num_gpus > 8) continue;
    const k = `${c.model_id.replace(/-FP8$/, '')}|${c.gpu_model}|${c.max_num_seqs}`;
    byKey.set(k, [...(byKey.get(k) ?? []), c]);
  }
  for (const [k, cs] of byKey) {
    for (const b of cs.filter((c) => c.weight_precision === 'bfloat16')) {
      for (const c of cs.filter((x) => x.weight_precision === 'fp8' && x.num_gpus <= b.num_gpus && 8 % x.num_gpus === 0 && 8 % b.num_gpus === 0)) {
        const instanceType = INSTANCE[b.gpu_model];
        const prof = (x: Config) => ({ gpusPerReplica: x.num_gpus, benchPowerW: x.avg_power_watts, energyPerRequestJ: x.energy_per_request_joules! });
        const pb = prof(b);
        const pc = prof(c);
        // Same traffic; the candidate needs as many instances as its per-instance capacity requires (fewer GPUs per replica → more replicas per instance).
        const baseInstances = 2;
        const peakRps = 0.8 * baseInstances * (8 / b.num_gpus) * (pb.benchPowerW / pb.energyPerRequestJ);
        const candCapacity = (8 / c.num_gpus) * (pc.benchPowerW / pc.energyPerRequestJ);
        const candInstances = Math.max(1, Math.ceil(peakRps / (0.95 * candCapacity)));
        const base = servedHours(pb, instanceType, baseInstances, peakRps);
        const cand = servedHours(pc, instanceType, candInstances, peakRps);
        const pairs: PairedHour[] = base.map((x, h) => ({ hourStartSec: T0 + h * HOUR_SEC, baseline: x, candidate: cand[h] }));
        const lat = (x: Config) => ({ p50Ms: (x.median_itl_ms ?? 0) * (x.avg_output_len ?? 0), p95Ms: (x.p95_itl_ms ?? 0) * (x.avg_output_len ?? 0) });
        const m = summariseMeasurement(pairs, { seed: k, latency: { baseline: lat(b), candidate: lat(c) }, resamples: 500 });
        // Latency and quality gates pass by construction here (a generous SLO, equal scores): the energy gate is under test.
        const d = decide(m, { metric: 'bench', higherIsBetter: true, baseline: 1, candidate: 1 }, { marginPct, qualityTolerancePct: 1, slo: { p95LatencyMs: 1e9, maxP95IncreasePct: 20, maxErrorRatePct: 1 } });
        const publishedPct = 100 * (c.energy_per_request_joules! / b.energy_per_request_joules! - 1);
        const publishedDecision = publishedPct <= -marginPct ? 'promote' : 'reject';
        rows.push({
          task, model: b.model_id, gpu: b.gpu_model, maxNumSeqs: b.max_num_seqs, baselineGpus: b.num_gpus, candidateGpus: c.num_gpus,
          baselineInstances: baseInstances, candidateInstances: candInstances,
          publishedChangePct: publishedPct, measuredChangePct: m.changePct, measuredVsPublishedPp: m.changePct.point - publishedPct,
          decision: d.decision, reason: d.reason, publishedDecision, agrees: d.decision === publishedDecision,
        });
      }
    }
  }
}

// The demo's embedded figures against the dataset (they must be a faithful copy).
const embedded = Object.values(DEMO_SERVING_PROFILES).map((p) => {
  const fp8 = p.id.includes('fp8');
  const gpus = p.gpusPerReplica;
  const seqs = Number(/seqs(\d+)/.exec(p.id)![1]);
  const c = configs.find((x) => (x as unknown as { task: string }).task === 'lm-arena-chat' && x.model_id === `Qwen/Qwen3-235B-A22B-Instruct-2507${fp8 ? '-FP8' : ''}` && x.gpu_model === 'H100' && x.num_gpus === gpus && x.max_num_seqs === seqs);
  const close = (a: number, b: number | undefined) => b !== undefined && Math.abs(a - b) <= 0.05 + 1e-9 * Math.abs(b);
  return { id: p.id, found: !!c, matches: !!c && close(p.benchPowerW, c.avg_power_watts) && close(p.energyPerRequestJ, c.energy_per_request_joules) && close(p.p95ItlMs, c.p95_itl_ms) && close(p.avgOutputTokens, c.avg_output_len) };
});

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const published = rows.map((r) => r.publishedChangePct as number);
const measured = rows.map((r) => (r.measuredChangePct as { point: number }).point);
const regressions = rows.filter((r) => (r.publishedChangePct as number) > 0);
const summary = {
  pairs: rows.length,
  marginPct,
  publishedMedianChangePct: median(published),
  measuredMedianChangePct: median(measured),
  meanAbsMeasuredVsPublishedPp: rows.reduce((a, r) => a + Math.abs(r.measuredVsPublishedPp as number), 0) / Math.max(1, rows.length),
  promoted: rows.filter((r) => r.decision === 'promote').length,
  rejected: rows.filter((r) => r.decision === 'reject').length,
  decisionsAgreeWithPublished: rows.filter((r) => r.agrees).length,
  publishedRegressions: regressions.length,
  publishedRegressionsRejected: regressions.filter((r) => r.decision === 'reject').length,
  publishedRegressionsPromoted: regressions.filter((r) => r.decision === 'promote').length,
  embeddedDemoFiguresMatch: embedded.every((e) => e.matches),
};
const line =
  `bench:optimise: ${summary.pairs} BF16→FP8 pairs | published ΔJ/request median ${summary.publishedMedianChangePct.toFixed(1)} % | measured by our pipeline median ${summary.measuredMedianChangePct.toFixed(1)} % (mean |Δ| ${summary.meanAbsMeasuredVsPublishedPp.toFixed(1)} pp) | ` +
  `${summary.promoted} promoted / ${summary.rejected} rejected at ${marginPct} % margin, ${summary.decisionsAgreeWithPublished}/${summary.pairs} agree with the published change | published regressions rejected ${summary.publishedRegressionsRejected}/${summary.publishedRegressions}, promoted ${summary.publishedRegressionsPromoted} | demo figures match dataset: ${summary.embeddedDemoFiguresMatch ? 'yes' : 'NO'} → ${args.out}`;
writeJson(args.out, { summary, embedded, rows, source: 'ML.ENERGY Leaderboard v3 (mlenergy-leaderboard/SOURCE.md)', method: 'demo served-model telemetry → computeInterval (gpu-util-v1, host, PUE) → summariseMeasurement → decide' });
console.log(line);
