/**
 * bench:planner — planning time and memory against the horizon (deadline − now).
 *
 *   npm run bench:planner -- --out FILE.json [--horizons 1,7,14,30] [--baseline MODULE]
 *
 * Cases: horizons (days) × jobs × 1–3 allowed regions. Jobs: 6 h non-interruptible; 6 h interruptible (10-min
 * restart overhead, up to 4 segments); interruptible for half the horizon (the DP's worst shape: as many work slots
 * as idle ones). Forecasts: 96 h of the DEMO hourly series (synthetic, labelled demo) for US-MIDA-PJM, SE-SE3 and DE;
 * beyond 96 h the planner fills with its tail value, as in production.
 * Measures per case: median and fastest wall time of planJob over repeated runs (the summary uses the fastest, the
 * least disturbed by other load on the machine), and the bytes (heap + ArrayBuffers) one run
 * allocates, starting from a collected heap with a young generation large enough that no collection runs during it
 * (an upper bound on its peak; null if a collection did run). Needs --expose-gc and --max-semi-space-size, which the
 * npm script passes.
 * --baseline MODULE: a second planner module (e.g. an earlier planner.ts saved next to this one with
 * `git show main:shared/domain/scheduler/planner.ts > shared/domain/scheduler/planner-main.ts`) runs on the same
 * cases in the same process; each case then also reports the baseline's figures, the ratio, and whether both
 * returned the same plan.
 */
import { resolve } from 'node:path';
import { GCProfiler } from 'node:v8';
import { benchArgs, writeJson } from './lib/bench-args';
import { DEFAULT_MAX_PLAN_HORIZON_DAYS, planJob, type Plan, type PlanRequest, type RegionForecast } from '../shared/domain/scheduler/planner';
import { DemoIntensityProvider } from '../shared/adapters/intensity/demo-intensity-provider';
import { DEMO_PROVIDER_NAME } from '../shared/domain/intensity/demo-series';

const HOUR = 3600;
const DAY = 86400;
/** An hour-aligned decision time (any fixed instant works: the series is synthetic). */
const NOW_SEC = Date.UTC(2026, 10, 20, 6) / 1000;
const FORECAST_H = 96;
const ZONES = ['US-MIDA-PJM', 'SE-SE3', 'DE'];
/** Illustrative PUEs; planner cost does not depend on them. */
const PUES = [1.15, 1.12, 1.2];
/** 4 × 8-GPU node ≈ 30 kW; the level only scales kg. */
const POWER_KW = 30;
const MIN_RUNS = 5;
const MAX_RUNS = 200;
const TARGET_MS = 300;

type PlanFn = (r: PlanRequest) => Plan;

interface Job {
  name: string;
  interruptible: boolean;
  durationSec: (horizonSec: number) => number;
}

const JOBS: Job[] = [
  { name: '6 h non-interruptible', interruptible: false, durationSec: () => 6 * HOUR },
  { name: '6 h interruptible', interruptible: true, durationSec: () => 6 * HOUR },
  { name: 'half-horizon interruptible', interruptible: true, durationSec: (h) => Math.max(HOUR, Math.round(h / 2 / HOUR) * HOUR) },
];

const gc = (globalThis as { gc?: () => void }).gc;
const allocated = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Median and fastest ms per call over enough runs to fill ~TARGET_MS (MIN_RUNS … MAX_RUNS). */
function timeIt(f: () => unknown): { medianMs: number; minMs: number; runs: number } {
  const samples: number[] = [];
  let total = 0;
  while (samples.length < MIN_RUNS || (total < TARGET_MS && samples.length < MAX_RUNS)) {
    const t = process.hrtime.bigint();
    f();
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    samples.push(ms);
    total += ms;
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[samples.length >> 1], minMs: samples[0], runs: samples.length };
}

/** Bytes one call allocates (heap + ArrayBuffers) from a collected heap; null when a collection ran during it. */
async function heapOf(f: () => unknown): Promise<number | null> {
  if (!gc) return null;
  // ArrayBuffer backing stores are released off-thread after a collection: let that finish before the baseline.
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  const gcs = new GCProfiler();
  gcs.start();
  const before = allocated();
  const keep = f();
  const after = allocated();
  void keep;
  return gcs.stop().statistics.length === 0 ? after - before : null;
}

async function measure(plan: PlanFn, r: PlanRequest) {
  const heapBytes = await heapOf(() => plan(r));
  const { medianMs, minMs, runs } = timeIt(() => plan(r));
  return { medianMs, minMs, runs, heapBytes };
}

async function main(): Promise<void> {
  const args = benchArgs('planner', { dataRequired: false, extra: ['horizons', 'baseline'] });
  const horizons = (args.get('horizons') ?? '1,7,14,30').split(',').map((s) => Number(s.trim()));
  if (horizons.some((d) => !(d > 0) || !Number.isFinite(d))) args.fail('--horizons: expected a comma-separated list of positive day counts, e.g. 1,7,14,30');
  if (!horizons.includes(DEFAULT_MAX_PLAN_HORIZON_DAYS)) horizons.push(DEFAULT_MAX_PLAN_HORIZON_DAYS);
  horizons.sort((a, b) => a - b);
  let baseline: PlanFn | undefined;
  const baselinePath = args.get('baseline');
  if (baselinePath) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    baseline = (require(resolve(baselinePath)) as { planJob?: PlanFn }).planJob;
    if (typeof baseline !== 'function') args.fail(`--baseline: ${baselinePath} exports no planJob`);
  }
  if (!gc) console.error('bench:planner: run with node --expose-gc (npm run bench:planner does) to measure memory; heapBytes is null');

  const demo = new DemoIntensityProvider();
  const regions: RegionForecast[] = [];
  for (let i = 0; i < ZONES.length; i++) {
    const pts = await demo.getSeries(ZONES[i], 'average-lifecycle', { startSec: NOW_SEC, endSec: NOW_SEC + FORECAST_H * HOUR });
    const point = pts.map((p) => p.gPerKwh);
    regions.push({
      region: `region-${i + 1}`,
      zone: ZONES[i],
      pue: PUES[i],
      startSec: NOW_SEC,
      point,
      low: point.map((v) => v * 0.8),
      high: point.map((v) => v * 1.25),
      issuedAtSec: NOW_SEC,
      signal: 'average-lifecycle',
      source: DEMO_PROVIDER_NAME,
    });
  }

  const cases = [];
  for (const days of horizons) {
    for (const job of JOBS) {
      for (let n = 1; n <= regions.length; n++) {
        const durationSec = job.durationSec(days * DAY);
        const r: PlanRequest = {
          nowSec: NOW_SEC,
          earliestStartSec: NOW_SEC,
          deadlineSec: NOW_SEC + days * DAY,
          durationSec,
          powerKw: POWER_KW,
          interruptible: job.interruptible,
          restartOverheadSec: job.interruptible ? 600 : 0,
          regions: regions.slice(0, n),
        };
        const ours = await measure(planJob, r);
        const plan = planJob(r);
        const c: Record<string, unknown> = {
          horizonDays: days,
          atLimit: days === DEFAULT_MAX_PLAN_HORIZON_DAYS,
          slots: Math.ceil((days * DAY) / HOUR),
          job: job.name,
          durationH: durationSec / HOUR,
          regions: n,
          ...ours,
          feasible: plan.feasible,
          segments: plan.segments.length,
          expectedCo2eKg: plan.expectedCo2eKg.point,
        };
        if (baseline) {
          const base = await measure(baseline, r);
          const same = JSON.stringify(baseline(r)) === JSON.stringify(plan);
          Object.assign(c, { baseline: base, timeRatio: base.minMs / ours.minMs, samePlan: same });
        }
        cases.push(c);
        console.error(`  ${String(days).padStart(3)} d  ${job.name.padEnd(27)} ${n} region(s)  ${ours.minMs.toFixed(3)} ms${baseline ? ` (baseline ${(c.baseline as { minMs: number }).minMs.toFixed(3)} ms)` : ''}`);
      }
    }
  }

  type C = { horizonDays: number; job: string; regions: number; medianMs: number; minMs: number; heapBytes: number | null; samePlan?: boolean; baseline?: { minMs: number } };
  const all = cases as unknown as C[];
  const pick = (days: number, job: string) => all.find((c) => c.horizonDays === days && c.job === job && c.regions === regions.length)!;
  const maxH = horizons[horizons.length - 1];
  const lines = JOBS.map((j) => {
    // 3 regions, fastest run
    const lim = pick(DEFAULT_MAX_PLAN_HORIZON_DAYS, j.name);
    const big = pick(maxH, j.name);
    const vsBase = lim.baseline ? ` (baseline ${lim.baseline.minMs.toFixed(2)} ms)` : '';
    return `${j.name}: ${lim.minMs.toFixed(2)} ms${vsBase} / ${lim.heapBytes === null ? '?' : (lim.heapBytes / 1024).toFixed(0)} KiB at the ${DEFAULT_MAX_PLAN_HORIZON_DAYS}-d limit; ${maxH} d: ×${(big.minMs / lim.minMs).toFixed(1)} time, ×${big.heapBytes && lim.heapBytes ? (big.heapBytes / lim.heapBytes).toFixed(1) : '?'} memory for ×${(maxH / DEFAULT_MAX_PLAN_HORIZON_DAYS).toFixed(1)} horizon`;
  });
  const summary = {
    limitDays: DEFAULT_MAX_PLAN_HORIZON_DAYS,
    regions: regions.length,
    lines,
    ...(baseline ? { samePlanCases: all.filter((c) => c.samePlan).length, cases: all.length } : {}),
  };
  writeJson(args.out, {
    bench: 'planner',
    planner: 'shared/domain/scheduler/planner.ts',
    baseline: baselinePath ?? null,
    node: process.version,
    forecast: { hours: FORECAST_H, zones: ZONES, provider: DEMO_PROVIDER_NAME, demo: true },
    memory: gc ? 'heapBytes = heap + ArrayBuffer bytes allocated by one run from a collected heap, no collection during it (upper bound of its peak); null = a collection ran' : 'not measured (no --expose-gc)',
    summary,
    cases,
  });
  console.log(`bench:planner (${regions.length} regions, DEMO forecasts): ${lines.join('; ')}${baseline ? `; same plan as baseline in ${summary.samePlanCases}/${summary.cases} cases` : ''}`);
}

void main();
