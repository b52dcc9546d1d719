/**
 * bench:scheduler — carbon-aware training placement on real hourly grid intensity, decided by the product's code.
 *
 *   npx tsx bench/scheduler.ts --data DIR --out FILE.json [--submissions N (80)] [--provider-stride-h H (13)]
 *       [--foresight-h H (0; ablation)]
 *
 * Data: DIR/electricitymaps-hourly-greendcc/<ZONE>_<YEAR>_hourly.csv (LCA column), discovered by folder convention,
 * stored as actuals in an in-memory IntensityStore (bench/lib/memory-intensity-store.ts, a storage double); where
 * DIR/carboncast has published vintages for a zone, they are stored as that zone's provider forecasts
 * (bench/lib/bench-intensity-data.ts says how they are put on the zone's level).
 * Jobs: 1 h, 6 h, 24 h × slack 12 h, 24 h, 48 h × (interruptible with a 10-min restart overhead | not), submitted at
 * hours spread evenly over the data (all hours of day covered) after a 4-week warm-up; temporal cases per zone and
 * spatial cases in groups of 3 zones (submitted from the first zone).
 * Policies, same constraints (the planner's: at most 4 segments, one region):
 * - carbonpilot: the product. Forecasts from SeriesForecastSource (our forecaster on the StoredIntensityProvider,
 *   blended with stored provider vintages by their record), plans from planOn (schedule-job.ts) at submission, then
 *   every hour on a ManualClock until the first segment starts, the product's re-plan rule (replanDecision,
 *   shared/domain/scheduler/replan-rule.ts, as makeReplanJobs applies it); once started, the segments run as planned.
 * - carbon-aware-sdk: the Carbon Aware SDK method (rolling mean of the forecast over the job length, earliest
 *   minimum window, decided once at submission) on the same forecasts.
 * - oracle: planJob on the actuals, no safety margin. - run-now: the reference.
 * Realised emissions are always computed on actuals.
 * Provider forecasts: a denser grid over the CarbonCast period runs the product three ways on the same cases — blend
 * (production), provider first (the provider wherever it has a value) and ours alone (no stored provider forecasts).
 * --foresight-h H (ablation): the first H hours of every forecast are the actuals — how much of the oracle better
 * short-range forecasts could buy; never a headline result. The provider-forecast grid is not re-run then.
 */
import { join } from 'node:path';
import { benchArgs, writeJson } from './lib/bench-args';
import { loadCarbonCast, loadHourlyZones, type HourlyZone } from './lib/hourly-data';
import { MemoryIntensityStore } from './lib/memory-intensity-store';
import { actualPoints, carbonCastVintagePoints, CALIBRATION_H, REFERENCE_ACTUALS_PROVIDER } from './lib/bench-intensity-data';
import { SeriesForecastSource, SKILL_DAYS, type SeriesForecastSourceOptions } from '../shared/adapters/intensity/series-forecast-source';
import { StoredIntensityProvider } from '../shared/adapters/intensity/stored-intensity-provider';
import { ManualClock } from '../shared/adapters/local/manual-clock';
import { FORECASTER_VERSION } from '../shared/domain/intensity/forecaster';
import { planJob, type PlanSegment, type RegionForecast } from '../shared/domain/scheduler/planner';
import { replanDecision } from '../shared/domain/scheduler/replan-rule';
import { lowCarbonThreshold, percentile } from '../shared/domain/scheduler/windows';
import type { RegionInfo } from '../shared/domain/regions/region-catalog';
import type { IntensitySignal } from '../shared/domain/types';
import type { ForecastSource, PlanInputs, SchedulingDeps, ZoneForecast } from '../shared/ports/scheduler-ports';
import { planOn, regionForecasts, schedulingConfig } from '../shared/use-cases/schedule-job';

const HOUR = 3600;
const WARMUP_H = 28 * 24;
const SIGNAL: IntensitySignal = 'average-lifecycle';
/** AWS-reported global data-centre PUE 1.15 (Amazon 2023 Sustainability Report). Same for every zone, so it cancels in ratios. */
const PUE = 1.15;
/** 1 kW job; savings are ratios, so the level does not matter. */
const POWER_KW = 1;
const RESTART_OVERHEAD_SEC = 600;
const DURATIONS_H = [1, 6, 24];
const SLACKS_H = [12, 24, 48];
const GROUP_SIZE = 3;
const POLICIES = ['run-now', 'carbon-aware-sdk', 'carbonpilot', 'oracle'] as const;
type Policy = (typeof POLICIES)[number];

function parseArgs(): { data: string; out: string; submissions: number; providerStrideH: number; foresightH: number; usage: (m: string) => never } {
  const a = benchArgs('scheduler', { dataRequired: true, extra: ['submissions', 'provider-stride-h', 'foresight-h'] });
  const usage = a.fail;
  const submissions = Number(a.get('submissions') ?? 80);
  const providerStrideH = Number(a.get('provider-stride-h') ?? 13);
  const foresightH = Number(a.get('foresight-h') ?? 0);
  if (!Number.isInteger(foresightH) || foresightH < 0) usage('--foresight-h must be a non-negative integer');
  if (!Number.isInteger(submissions) || submissions < 1) usage('--submissions must be a positive integer');
  if (!Number.isInteger(providerStrideH) || providerStrideH < 1) usage('--provider-stride-h must be a positive integer');
  return { data: a.data as string, out: a.out, submissions, providerStrideH, foresightH, usage };
}

interface Zone {
  name: string;
  firstHourSec: number;
  lca: Float64Array;
  /** Per UTC day: 30th percentile of the trailing 30 days (low-carbon window threshold). */
  lowThresholdByDay: Float64Array;
}

interface Job {
  durH: number;
  slackH: number;
  interruptible: boolean;
}

interface CaseSet {
  kind: 'temporal' | 'spatial';
  key: string;
  zs: Zone[];
}

interface CaseResult {
  kind: 'temporal' | 'spatial';
  key: string;
  job: string;
  kg: Record<Policy, number>;
  missed: Record<Policy, boolean>;
  lowShare: Record<Policy, number>;
}

/** Actual hourly value at absolute time tSec. */
const actualAt = (z: Zone, tSec: number): number => z.lca[Math.floor((tSec - z.firstHourSec) / HOUR)];

/** Realised kg CO2e of segments on actuals, and the share of run time in low-carbon hours. */
function realise(zones: Map<string, Zone>, segs: readonly PlanSegment[]): { kg: number; lowShare: number } {
  let g = 0;
  let low = 0;
  let total = 0;
  for (const s of segs) {
    const z = zones.get(s.region)!;
    for (let h = Math.floor(s.startSec / HOUR) * HOUR; h < s.endSec; h += HOUR) {
      const sec = Math.min(h + HOUR, s.endSec) - Math.max(h, s.startSec);
      const v = actualAt(z, h);
      g += (v * sec) / HOUR;
      total += sec;
      const day = Math.floor((h - z.firstHourSec) / 86400);
      if (v <= z.lowThresholdByDay[day]) low += sec;
    }
  }
  return { kg: (g * POWER_KW * PUE) / 1000, lowShare: total ? low / total : 0 };
}

/** Actuals packaged as a "forecast" for the oracle. */
function actualsAsForecast(z: Zone, tSec: number, hours: number): RegionForecast {
  const idx = Math.floor((tSec - z.firstHourSec) / HOUR);
  const point = Array.from(z.lca.subarray(idx, idx + hours));
  return { region: z.name, zone: z.name, pue: PUE, startSec: tSec, point, low: point, high: point, issuedAtSec: tSec, signal: 'actual' };
}

/** Carbon Aware SDK method: rolling mean of the forecast over the job length, earliest minimum, decided once. */
function sdkPolicy(fcs: readonly RegionForecast[], e: number, job: Job): PlanSegment[] {
  let best = { avg: Infinity, region: fcs[0].region, j: 0 };
  for (const f of fcs) {
    for (let j = 0; j <= job.slackH; j++) {
      let s = 0;
      for (let h = j; h < j + job.durH; h++) s += f.point[h];
      const avg = (s / job.durH) * f.pue;
      if (avg < best.avg) best = { avg, region: f.region, j };
    }
  }
  const start = e + best.j * HOUR;
  return [{ region: best.region, startSec: start, endSec: start + job.durH * HOUR }];
}

/** Ablation only (--foresight-h): the product's forecast with its first H hours replaced by the actuals. */
class ForesightForecastSource implements ForecastSource {
  constructor(
    private readonly inner: ForecastSource,
    private readonly zones: ReadonlyMap<string, Zone>,
    private readonly hours: number,
  ) {}
  async forecast(zone: string, signal: IntensitySignal, nowSec: number, horizonH: number): Promise<ZoneForecast> {
    const f = await this.inner.forecast(zone, signal, nowSec, horizonH);
    const z = this.zones.get(zone)!;
    const idx = Math.floor((f.startSec - z.firstHourSec) / HOUR);
    const peek = (arr: number[]) => arr.map((v, h) => (h < this.hours && Number.isFinite(z.lca[idx + h]) ? z.lca[idx + h] : v));
    return { ...f, point: peek(f.point), low: peek(f.low), high: peek(f.high), source: `${f.source} + ${this.hours} h of actuals (ablation)` };
  }
}

/** The bench's "regions" are grid zones: each maps to itself, all at the same PUE. */
const benchRegionInfo = (zone: string): RegionInfo => ({
  region: zone,
  name: zone,
  emZone: zone,
  pue: PUE,
  pueSource: 'AWS global data-centre PUE 1.15 (Amazon 2023 Sustainability Report); the same everywhere, so it cancels in ratios',
  zoneSource: 'benchmark: the region is the grid zone',
});

/** Ports the simulation never reaches: jobs, schedules and launches are simulated on the actuals, not stored. */
const notSimulated = <T extends object>(port: string): T =>
  new Proxy({} as T, {
    get: (_t, m) => () => {
      throw new Error(`bench:scheduler: ${port}.${String(m)} is not simulated`);
    },
  });

/** The product's scheduling dependencies over the bench store, on a manual clock the simulation moves hour by hour. */
function productScheduling(store: MemoryIntensityStore, zones: ReadonlyMap<string, Zone>, o: { providerForecasts: boolean; sourceOptions?: SeriesForecastSourceOptions; foresightH: number; startSec: number }): SchedulingDeps & { clock: ManualClock } {
  const clock = new ManualClock(o.startSec);
  // As the composition roots wire it: the stored series (actuals, gaps filled with forecasts known by now) and the
  // stored provider vintages.
  const source = new SeriesForecastSource([new StoredIntensityProvider(store, clock)], o.providerForecasts ? store : undefined, o.sourceOptions);
  return {
    forecasts: o.foresightH > 0 ? new ForesightForecastSource(source, zones, o.foresightH) : source,
    clock,
    regionInfo: benchRegionInfo,
    lookupInstance: () => undefined,
    jobs: notSimulated('jobs'),
    scheduler: notSimulated('scheduler'),
    launcher: notSimulated('launcher'),
  };
}

interface SimJob {
  set: CaseSet;
  job: Job;
  inputs: PlanInputs;
  /** The plan revision the product holds. */
  segments: PlanSegment[];
  sdk: PlanSegment[];
}

interface SourceTally {
  plans: number;
  blendedWithProvider: number;
  samples: string[];
}

interface RunResult {
  cases: CaseResult[];
  skipped: number;
  /** Re-plans the product's rule made (all jobs). */
  replans: number;
  /** Per zone: plans made at submission, how many on a provider blend, and sample forecast sources from the plan reasons. */
  forecastSources: Record<string, SourceTally>;
}

/** Plans (at submission) made on a blend with a provider forecast. */
const blendedPlans = (r: RunResult): number => Object.values(r.forecastSources).reduce((n, s) => n + s.blendedWithProvider, 0);

const REASON_SOURCE = /^(\S+) forecast \((\S+)\): (.*)$/;

/**
 * Every job type × case set × submission time, simulated the way the product runs them: one clock for all jobs,
 * moved an hour at a time; at each hour the product re-plans every job submitted earlier that has not started
 * (HourlyReplan, rate(1 hour)), then plans the jobs submitted at that hour. A segment starts at its planned time;
 * a job whose first segment starts by the hour is no longer re-planned. Scored on actuals.
 */
async function simulate(deps: SchedulingDeps & { clock: ManualClock }, submitTimes: number[], sets: CaseSet[], jobs: Job[], zones: Map<string, Zone>, maxSpanH: number): Promise<RunResult> {
  const cfg = schedulingConfig(deps);
  const done: SimJob[] = [];
  let active: SimJob[] = [];
  let skipped = 0;
  let replans = 0;
  const forecastSources: Record<string, SourceTally> = {};
  const tally = (reasons: string[]) => {
    for (const r of reasons) {
      const m = REASON_SOURCE.exec(r);
      if (!m) continue;
      const t = (forecastSources[m[2]] ??= { plans: 0, blendedWithProvider: 0, samples: [] });
      t.plans++;
      const blended = m[3].includes(' blended with ');
      if (blended) t.blendedWithProvider++;
      // One sample of each kind (ours alone, blended) per zone.
      if (!t.samples.some((s) => s.includes(' blended with ') === blended)) t.samples.push(m[3]);
    }
  };
  const times = [...submitTimes].sort((a, b) => a - b);
  let next = 0;
  let t = times[0];
  while (next < times.length || active.length) {
    if (!active.length && times[next] > t) t = times[next];
    deps.clock.set(t);
    // 1. The hourly re-plan of jobs not yet started (the product's rule, on the forecasts issued now).
    const waiting: SimJob[] = [];
    for (const s of active) {
      if (s.segments[0].startSec <= t) {
        done.push(s); // its start schedule fired: from here the segments run as planned
        continue;
      }
      const forecasts = await regionForecasts(deps, s.inputs, t);
      const fresh = planOn(s.inputs, t, forecasts);
      if (replanDecision({ pending: s.segments, fresh, forecasts, powerKw: s.inputs.powerKw, thresholdPct: cfg.replanThresholdPct }).replan) {
        s.segments = fresh.segments;
        replans++;
      }
      waiting.push(s);
    }
    active = waiting;
    // 2. Submissions at this hour: the plan POST /jobs makes, and the SDK method's decision on the same forecasts.
    while (next < times.length && times[next] === t) {
      const e = times[next++];
      for (const set of sets) {
        // Skip windows with missing actuals (cannot score them honestly).
        const complete = set.zs.every((z) => {
          const i0 = Math.floor((e - z.firstHourSec) / HOUR);
          for (let i = i0; i < i0 + maxSpanH + 1; i++) if (!Number.isFinite(z.lca[i])) return false;
          return true;
        });
        if (!complete) {
          skipped += jobs.length;
          continue;
        }
        for (const job of jobs) {
          const inputs: PlanInputs = {
            submittedAtSec: e,
            earliestStartSec: e,
            deadlineSec: e + (job.durH + job.slackH) * HOUR,
            durationSec: job.durH * HOUR,
            durationSource: 'request',
            powerKw: POWER_KW,
            powerSource: 'benchmark: nominal 1 kW',
            interruptible: job.interruptible,
            restartOverheadSec: job.interruptible ? RESTART_OVERHEAD_SEC : 0,
            signal: SIGNAL,
            regions: set.zs.map((z) => z.name),
          };
          const forecasts = await regionForecasts(deps, inputs, e);
          const plan = planOn(inputs, e, forecasts);
          tally(plan.reasons);
          const s: SimJob = { set, job, inputs, segments: plan.segments, sdk: sdkPolicy(forecasts, e, job) };
          (plan.segments[0].startSec <= e ? done : active).push(s);
        }
      }
    }
    t += HOUR;
  }
  return { cases: done.map((s) => score(s, zones, maxSpanH)), skipped, replans, forecastSources };
}

function score(s: SimJob, zones: Map<string, Zone>, maxSpanH: number): CaseResult {
  const { set, job, inputs } = s;
  const e = inputs.submittedAtSec;
  const segsBy: Record<Policy, readonly PlanSegment[]> = {
    'run-now': [{ region: set.zs[0].name, startSec: e, endSec: e + job.durH * HOUR }],
    'carbon-aware-sdk': s.sdk,
    carbonpilot: s.segments,
    oracle: planJob({
      nowSec: e,
      earliestStartSec: e,
      deadlineSec: inputs.deadlineSec,
      durationSec: inputs.durationSec,
      powerKw: POWER_KW,
      interruptible: inputs.interruptible,
      restartOverheadSec: inputs.restartOverheadSec,
      regions: set.zs.map((z) => actualsAsForecast(z, e, maxSpanH + 1)),
      safetyMarginSec: 0,
    }).segments,
  };
  const kg = {} as Record<Policy, number>;
  const missed = {} as Record<Policy, boolean>;
  const lowShare = {} as Record<Policy, number>;
  for (const p of POLICIES) {
    const r = realise(zones, segsBy[p]);
    kg[p] = r.kg;
    lowShare[p] = r.lowShare;
    missed[p] = segsBy[p][segsBy[p].length - 1].endSec > inputs.deadlineSec + 1e-6;
  }
  return { kind: set.kind, key: set.key, job: `${job.durH}h/slack${job.slackH}h/${job.interruptible ? 'int' : 'nonint'}`, kg, missed, lowShare };
}

const median = (xs: number[]): number => percentile(xs, 50);

const round = (x: number, d = 4) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);

function summarise(cases: CaseResult[]) {
  const out: Record<string, Record<string, number | null>> = {};
  const avoidedOracle = cases.reduce((s, c) => s + (c.kg['run-now'] - c.kg.oracle), 0);
  for (const p of POLICIES) {
    const sav = cases.map((c) => ((c.kg['run-now'] - c.kg[p]) / c.kg['run-now']) * 100);
    const avoided = cases.reduce((s, c) => s + (c.kg['run-now'] - c.kg[p]), 0);
    out[p] = {
      medianSavingsPct: round(median(sav), 3),
      meanSavingsPct: round(sav.reduce((a, b) => a + b, 0) / Math.max(1, sav.length), 3),
      shareOfOracle: round(avoidedOracle > 0 ? avoided / avoidedOracle : NaN),
      missedDeadlines: cases.filter((c) => c.missed[p]).length,
      lowCarbonHourShare: round(cases.reduce((s, c) => s + c.lowShare[p], 0) / Math.max(1, cases.length)),
      /** kg CO2e avoided against run-now over all cases (1 kW jobs): the numerator of shareOfOracle. */
      avoidedKg: round(avoided, 3),
      cases: cases.length,
    };
  }
  return out;
}

function groupBy(cases: CaseResult[], key: (c: CaseResult) => string) {
  const m = new Map<string, CaseResult[]>();
  for (const c of cases) {
    const k = key(c);
    const l = m.get(k) ?? [];
    l.push(c);
    m.set(k, l);
  }
  return Object.fromEntries([...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, summarise(v)]));
}

/** The bench store: every zone's series as actuals, and CarbonCast vintages as provider forecasts of the zones they stand for. */
async function benchStore(dataDir: string, zones: Map<string, Zone>) {
  const store = new MemoryIntensityStore();
  for (const z of zones.values()) await store.putPoints(actualPoints(z.name, SIGNAL, z.firstHourSec, z.lca));
  const providers = new Map<string, { provider: string; region: string; firstIssueSec: number; lastIssueSec: number; vintages: number }>();
  for (const cc of loadCarbonCast(dataDir).values()) {
    const z = cc.emZone ? zones.get(cc.emZone) : undefined;
    if (!z || !cc.history || !cc.vintages.length) continue;
    const v = carbonCastVintagePoints(z.name, SIGNAL, z, { region: cc.region, vintages: cc.vintages, history: cc.history });
    if (!v.vintages) continue;
    await store.putPoints(v.points);
    const issues = v.points.map((p) => p.issuedAtSec!);
    providers.set(z.name, { provider: v.provider, region: cc.region, firstIssueSec: Math.min(...issues), lastIssueSec: Math.max(...issues), vintages: v.vintages });
  }
  return { store, providers };
}

async function main(): Promise<void> {
  const args = parseArgs();
  const t0 = Date.now();
  const raw: Map<string, HourlyZone> = loadHourlyZones(args.data);
  if (raw.size === 0) args.usage(`no hourly files under ${join(args.data, 'electricitymaps-hourly-greendcc')}`);

  const zones = new Map<string, Zone>();
  for (const [name, z] of [...raw.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const days = Math.ceil(z.lca.length / 24);
    const thr = new Float64Array(days).fill(NaN);
    for (let d = 30; d < days; d++) thr[d] = lowCarbonThreshold(z.lca.subarray((d - 30) * 24, d * 24));
    zones.set(name, { name, firstHourSec: z.firstHourSec, lca: z.lca, lowThresholdByDay: thr });
  }
  const names = [...zones.keys()];
  // Common time grid: submissions where every zone has data (zones may cover different years).
  const startSec = Math.max(...[...zones.values()].map((z) => z.firstHourSec)) + WARMUP_H * HOUR;
  const endSec = Math.min(...[...zones.values()].map((z) => z.firstHourSec + z.lca.length * HOUR));
  const maxSpanH = Math.max(...DURATIONS_H) + Math.max(...SLACKS_H);
  const lastSubmit = endSec - (maxSpanH + 1) * HOUR;
  if (lastSubmit <= startSec) args.usage('not enough overlapping hourly data (need > 4 weeks + 3 days)');
  // Stride coprime with 24 so that submissions sweep every hour of the day.
  let strideH = Math.max(1, Math.floor((lastSubmit - startSec) / HOUR / args.submissions));
  while (strideH > 1 && (strideH % 2 === 0 || strideH % 3 === 0)) strideH--;
  const groups = names.length >= GROUP_SIZE ? names.map((_, i) => Array.from({ length: GROUP_SIZE }, (_, k) => names[(i + k) % names.length])) : [];

  const jobs: Job[] = [];
  for (const durH of DURATIONS_H) for (const slackH of SLACKS_H) for (const interruptible of [false, true]) jobs.push({ durH, slackH, interruptible });
  const { store, providers } = await benchStore(args.data, zones);
  const submitTimes: number[] = [];
  for (let e = startSec; e <= lastSubmit && submitTimes.length < args.submissions; e += strideH * HOUR) submitTimes.push(e);
  const sets: CaseSet[] = [
    ...names.map((n) => ({ kind: 'temporal' as const, key: n, zs: [zones.get(n)!] })),
    ...groups.map((g) => ({ kind: 'spatial' as const, key: g.join('+'), zs: g.map((n) => zones.get(n)!) })),
  ];
  const product = (o: { providerForecasts: boolean; sourceOptions?: SeriesForecastSourceOptions; foresightH: number; from: number }) =>
    productScheduling(store, zones, { ...o, startSec: o.from });
  const mainRun = await simulate(product({ providerForecasts: true, foresightH: args.foresightH, from: submitTimes[0] }), submitTimes, sets, jobs, zones, maxSpanH);
  const { cases, skipped } = mainRun;
  const submissions = submitTimes.length;

  // Where provider forecasts overlap the hourly data: a denser grid over their period, each case run by the product
  // three ways — blend (production), provider first, ours alone — so the value of the provider forecast and of the
  // blend are measured on the same cases. No overlap (e.g. other years): no subset.
  let providerSubset: Record<string, unknown> | undefined;
  const times: number[] = [];
  const ccSets = [...providers.keys()].map((n) => ({ kind: 'temporal' as const, key: n, zs: [zones.get(n)!] }));
  if (providers.size) {
    const first = Math.max(startSec, Math.min(...[...providers.values()].map((p) => p.firstIssueSec)));
    const last = Math.min(lastSubmit, Math.max(...[...providers.values()].map((p) => p.lastIssueSec)) - maxSpanH * HOUR);
    for (let e = first; e <= last; e += args.providerStrideH * HOUR) times.push(e);
  }
  // The --foresight-h ablation concerns the main grid only (the subset compares forecast sources, not foresight).
  if (providers.size && times.length && args.foresightH === 0) {
    const run = (o: { providerForecasts: boolean; sourceOptions?: SeriesForecastSourceOptions }) => simulate(product({ ...o, foresightH: 0, from: times[0] }), times, ccSets, jobs, zones, maxSpanH);
    const modes = {
      blend: await run({ providerForecasts: true }),
      providerFirst: await run({ providerForecasts: true, sourceOptions: { fixedProviderWeight: 1 } }),
      oursOnly: await run({ providerForecasts: false }),
    };
    const perZoneOf = (cs: CaseResult[]) => groupBy(cs, (c) => c.key);
    providerSubset = {
      provider: `CarbonCast v2.1 published 96-h vintages (issued 00:00 UTC daily), stored as provider forecasts, each levelled to the zone series on the ${CALIBRATION_H / 24} days before its issue (bench/lib/bench-intensity-data.ts)`,
      method: `blend: the product (SeriesForecastSource: log-space, inverse-MSE weights per lead band from the trailing ${SKILL_DAYS} days of scored vintages, shared/domain/intensity/forecast-blend.ts); providerFirst: the same source with provider weight 1 wherever the provider has a value, ours beyond; oursOnly: the same source with no stored provider forecasts`,
      zones: Object.fromEntries([...providers.entries()].map(([z, p]) => [z, p.region])),
      from: new Date(times[0] * 1000).toISOString(),
      to: new Date(times[times.length - 1] * 1000).toISOString(),
      submissions: times.length,
      strideH: args.providerStrideH,
      plansOnProviderBlend: blendedPlans(modes.blend),
      ...Object.fromEntries(
        Object.entries(modes).map(([k, r]) => [
          k,
          { policies: summarise(r.cases), perZone: perZoneOf(r.cases), replans: r.replans, plansOnProviderBlend: blendedPlans(r), forecastSources: r.forecastSources },
        ]),
      ),
    };
  }

  const policies = summarise(cases);
  const temporal = cases.filter((c) => c.kind === 'temporal');
  const spatial = cases.filter((c) => c.kind === 'spatial');
  const perZone = groupBy(temporal, (c) => c.key);
  const goalZones = Object.entries(perZone).filter(([, s]) => (s.oracle.meanSavingsPct ?? 0) >= 3);
  const goals = {
    overallShareOfOracle: policies.carbonpilot.shareOfOracle,
    zonesWhereOracleSaves3Pct: goalZones.map(([z]) => z),
    minZoneShareOfOracle: round(Math.min(...goalZones.map(([, s]) => s.carbonpilot.shareOfOracle ?? -Infinity))),
    zonesBeatingSdk: goalZones.filter(([, s]) => (s.carbonpilot.shareOfOracle ?? 0) > (s['carbon-aware-sdk'].shareOfOracle ?? 0)).map(([z]) => z),
    zonesNotBeatingSdk: goalZones.filter(([, s]) => !((s.carbonpilot.shareOfOracle ?? 0) > (s['carbon-aware-sdk'].shareOfOracle ?? 0))).map(([z]) => z),
    missedDeadlines: policies.carbonpilot.missedDeadlines,
  };
  const cfg = schedulingConfig({});
  const result = {
    policies,
    temporal: summarise(temporal),
    spatial: summarise(spatial),
    perZone,
    perGroup: groupBy(spatial, (c) => c.key),
    /** Every case submitted from a zone (temporal + spatial groups whose first zone it is). */
    perHomeZone: groupBy(cases, (c) => c.key.split('+')[0]),
    perJobType: groupBy(cases, (c) => c.job),
    /** Where the savings are lost: per zone and job type (temporal cases). */
    perZoneJobType: groupBy(temporal, (c) => `${c.key} ${c.job}`),
    /** Cases re-run on provider (CarbonCast) forecasts where the data has them: blend vs provider first vs ours alone (null in the --foresight-h ablation). */
    providerForecasts: providerSubset ?? null,
    /** Per zone, from the reasons of the plans the product made at submission: which forecast they were made on. */
    forecastSources: mainRun.forecastSources,
    goals,
    cases: cases.length,
    config: {
      data: join(args.data, 'electricitymaps-hourly-greendcc'),
      signal: 'LCA (Electricity Maps hourly, life-cycle)',
      zones: names,
      years: [...new Set([...raw.values()].flatMap((z) => z.years))].sort(),
      groups: groups.map((g) => g.join('+')),
      durationsH: DURATIONS_H,
      slacksH: SLACKS_H,
      restartOverheadSec: RESTART_OVERHEAD_SEC,
      pue: PUE,
      warmupH: WARMUP_H,
      submissions,
      strideH,
      forecastSource: `SeriesForecastSource (shared/adapters/intensity/series-forecast-source.ts) on StoredIntensityProvider over an in-memory IntensityStore holding "${REFERENCE_ACTUALS_PROVIDER}" actuals and provider vintages`,
      forecaster: FORECASTER_VERSION,
      forecastHorizonH: cfg.horizonH,
      replanRule: 'replanDecision (shared/domain/scheduler/replan-rule.ts) as makeReplanJobs applies it: every hour until the first segment starts',
      replanThresholdPct: cfg.replanThresholdPct,
      carbonpilotReplans: mainRun.replans,
      maxSegments: 'planner default (4)',
      foresightH: args.foresightH,
      providerForecastZones: [...providers.keys()],
      skippedCases: skipped,
      oracleMarginSec: 0,
      runtimeSec: Math.round((Date.now() - t0) / 100) / 10,
    },
  };
  writeJson(args.out, result);
  const p = policies;
  console.log(
    `scheduler: ${cases.length} cases (${submissions} submissions × ${names.length} zones + ${groups.length} groups × ${jobs.length} jobs) | ` +
      `savings mean/median %: carbonpilot ${p.carbonpilot.meanSavingsPct}/${p.carbonpilot.medianSavingsPct}, sdk ${p['carbon-aware-sdk'].meanSavingsPct}/${p['carbon-aware-sdk'].medianSavingsPct}, oracle ${p.oracle.meanSavingsPct}/${p.oracle.medianSavingsPct} | ` +
      `shareOfOracle carbonpilot ${p.carbonpilot.shareOfOracle} (min zone ${goals.minZoneShareOfOracle}) vs sdk ${p['carbon-aware-sdk'].shareOfOracle} | ` +
      `beats sdk in ${goals.zonesBeatingSdk.length}/${goalZones.length} zones | missed ${p.carbonpilot.missedDeadlines} | ${result.config.runtimeSec}s`,
  );
  if (providerSubset) {
    const share = (k: string) => (providerSubset![k] as { policies: Record<Policy, Record<string, number>> }).policies.carbonpilot.shareOfOracle;
    console.log(
      `scheduler on provider forecasts (${Object.keys(providerSubset.zones as object).join(', ')}; ${providerSubset.submissions} submissions): carbonpilot shareOfOracle blend ${share('blend')} | provider first ${share('providerFirst')} | ours alone ${share('oursOnly')}`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
