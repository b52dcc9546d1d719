/**
 * bench:scheduler — carbon-aware training placement on real hourly grid intensity.
 *
 *   npx tsx bench/scheduler.ts --data DIR --out FILE.json [--submissions N (80)] [--max-segments N (3)] [--refresh-h H (3)]
 *       [--provider-stride-h H (13)] [--foresight-h H (0; ablation)]
 *
 * Data: DIR/electricitymaps-hourly-greendcc/<ZONE>_<YEAR>_hourly.csv (LCA column), discovered by folder convention.
 * Jobs: 1 h, 6 h, 24 h × slack 12 h, 24 h, 48 h × (interruptible with a 10-min restart overhead | not), submitted at
 * hours spread evenly over the data (all hours of day covered) after a 4-week forecaster warm-up; temporal cases per
 * zone and spatial cases in groups of 3 zones (submitted from the first zone).
 * Policies, same constraints: run-now; carbon-aware-sdk (rolling mean of the forecast over the job length, earliest
 * minimum window, decided once at submission); carbonpilot (planJob re-run hourly with fresh forecasts until the
 * job starts and at every pause); oracle (planJob on the actuals, no safety margin). CarbonPilot and the SDK use the
 * same forecasts (shared/domain/intensity/forecaster.ts, issued from history before the decision hour only).
 * Provider forecasts: where DIR/carboncast has published vintages for a zone (CarbonCast, Jul–Dec 2021, 5 of the
 * zones), both policies see CarbonPilot's production forecast — ours blended with the provider's by their trailing
 * record (shared/domain/intensity/forecast-blend.ts) — and a denser grid over that period compares the blend with
 * "provider first" and "ours alone" on the same cases (`providerForecasts`).
 * --foresight-h H (ablation): the first H hours of every forecast are the actuals — how much of the oracle better
 * short-range forecasts could buy; never a headline result.
 * Realised emissions are always computed on actuals.
 */
import { benchArgs, writeJson } from './lib/bench-args';
import { join } from 'node:path';
import { loadCarbonCast, loadHourlyZones, type CarbonCastRegion, type CarbonCastVintage, type HourlyZone } from './lib/hourly-data';
import { blendForecasts, SKILL_DAYS, skillByBand, type BandSkill, type SkillSample } from '../shared/domain/intensity/forecast-blend';
import { forecastHourly, FORECASTER_VERSION } from '../shared/domain/intensity/forecaster';
import { planJob, type PlanSegment, type RegionForecast } from '../shared/domain/scheduler/planner';
import { lowCarbonThreshold, percentile } from '../shared/domain/scheduler/windows';

const HOUR = 3600;
const WARMUP_H = 28 * 24;
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

function parseArgs(): { data: string; out: string; submissions: number; maxSegments: number; refreshH: number; providerStrideH: number; foresightH: number; usage: (m: string) => never } {
  const a = benchArgs('scheduler', { dataRequired: true, extra: ['submissions', 'max-segments', 'refresh-h', 'provider-stride-h', 'foresight-h'] });
  const usage = a.fail;
  const submissions = Number(a.get('submissions') ?? 80);
  const maxSegments = Number(a.get('max-segments') ?? 3);
  const refreshH = Number(a.get('refresh-h') ?? 3);
  const providerStrideH = Number(a.get('provider-stride-h') ?? 13);
  const foresightH = Number(a.get('foresight-h') ?? 0);
  if (!Number.isInteger(foresightH) || foresightH < 0) usage('--foresight-h must be a non-negative integer');
  if (!Number.isInteger(submissions) || submissions < 1) usage('--submissions must be a positive integer');
  if (!Number.isInteger(maxSegments) || maxSegments < 1) usage('--max-segments must be a positive integer');
  if (!Number.isInteger(refreshH) || refreshH < 1 || refreshH > 12) usage('--refresh-h must be an integer 1–12');
  if (!Number.isInteger(providerStrideH) || providerStrideH < 1) usage('--provider-stride-h must be a positive integer');
  return { data: a.data as string, out: a.out, submissions, maxSegments, refreshH, providerStrideH, foresightH, usage };
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

interface CaseResult {
  kind: 'temporal' | 'spatial';
  key: string;
  job: string;
  kg: Record<Policy, number>;
  missed: Record<Policy, boolean>;
  lowShare: Record<Policy, number>;
}

/** Actual hourly value at absolute hour index (hours since the zone's first hour). */
const actualAt = (z: Zone, tSec: number): number => z.lca[Math.floor((tSec - z.firstHourSec) / HOUR)];

/** Realised kg CO2e of segments on actuals, and the share of run time in low-carbon hours. */
function realise(zones: Map<string, Zone>, segs: PlanSegment[]): { kg: number; lowShare: number } {
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

/**
 * A provider's published forecast vintages for one zone (here CarbonCast, standing in for the Electricity Maps /
 * WattTime forecast feeds CarbonPilot ingests in production), with the provider's own actuals for calibration.
 */
interface ProviderForecasts {
  name: string;
  cc: CarbonCastRegion & { history: { firstHourSec: number; lca: Float64Array } };
  /** Vintage index by issue hour (s). */
  byIssue: Map<number, number>;
}

const CALIBRATION_H = 7 * 24;
const NO_SKILL = { provider: [] as BandSkill[], ours: [] as BandSkill[] };
/** e-folding time (h) of the latest observed forecast error (nowcast correction of a forecast issued earlier). */
const NOWCAST_EFOLD_H = 6;

/**
 * The provider tier of the fallback chain at decision hour t: the newest vintage issued at or before t, rescaled to
 * this zone's series and corrected by the error it made on the last observed hour. CarbonCast is production-based
 * and Electricity Maps consumption-based (levels differ, shapes agree, r ≈ 0.97–0.99 — carboncast/SOURCE.md), so
 * the scale is Σ EM ÷ Σ CarbonCast actuals over the 7 days before the vintage was issued: history only.
 * Returns hourly values from t, NaN where the vintage does not reach.
 */
function providerScale(z: Zone, p: ProviderForecasts, v: CarbonCastVintage): number | undefined {
  const h0 = (v.issueSec - p.cc.history.firstHourSec) / HOUR;
  const e0 = Math.floor((v.issueSec - z.firstHourSec) / HOUR);
  let em = 0;
  let pc = 0;
  for (let k = 1; k <= CALIBRATION_H; k++) {
    const a = z.lca[e0 - k];
    const b = p.cc.history.lca[h0 - k];
    if (Number.isFinite(a) && Number.isFinite(b) && b > 0) {
      em += a;
      pc += b;
    }
  }
  return pc > 0 && em > 0 ? em / pc : undefined;
}

function providerPoint(z: Zone, p: ProviderForecasts, tSec: number, hours: number): { point: number[]; ageH: number } | undefined {
  const vi = p.byIssue.get(Math.floor(tSec / 86400) * 86400);
  if (vi === undefined) return undefined;
  const v = p.cc.vintages[vi];
  const o = (tSec - v.issueSec) / HOUR;
  const scale = providerScale(z, p, v);
  if (scale === undefined) return undefined;
  // Nowcast: the vintage's error on the last hour observed before t, fading with horizon.
  const logErr = o >= 1 ? lastLogError(z.lca[Math.floor((tSec - z.firstHourSec) / HOUR) - 1], v.forecast[o - 1] * scale) : 0;
  const point = Array.from({ length: hours }, (_, h) => {
    const f = v.forecast[o + h];
    return o + h < v.forecast.length && Number.isFinite(f) && f > 0 ? f * scale * nowcast(logErr, h) : NaN;
  });
  return { point, ageH: o };
}

/** log(observed ÷ predicted), 0 when either is missing or not positive. */
const lastLogError = (observed: number, predicted: number): number =>
  Number.isFinite(observed) && observed > 0 && predicted > 0 ? Math.log(observed / predicted) : 0;
/** Multiplier carrying the last observed log error into horizon h, fading with NOWCAST_EFOLD_H. */
const nowcast = (logErr: number, h: number): number => Math.exp(logErr * Math.exp(-(h + 1) / NOWCAST_EFOLD_H));

/**
 * Forecast cache: one forecast per zone per issue hour, shared by every job type and policy.
 * Where a provider forecast exists for the zone and hour, it is used first and ours fills the hours beyond its
 * horizon (the production fallback chain: provider forecast → our forecast); its interval takes our relative width.
 * The full forecaster runs every `refreshH` hours (it costs ~3 ms a call); in the hours between, the last full
 * forecast is updated with the newest observed hour (its log error persists with an e-folding time of 6 h),
 * so every hourly re-plan still sees all data up to the hour before the decision. refreshH = 1 = full every hour.
 */
class ForecastCache {
  private readonly cache = new Map<string, Map<number, RegionForecast>>();
  calls = 0;
  /** Decision hours served from a provider forecast. */
  providerHits = 0;
  private readonly skills = new Map<string, { provider: BandSkill[]; ours: BandSkill[] }>();
  private readonly oursAtIssue = new Map<string, number[]>();
  constructor(
    private readonly horizonH: number,
    private readonly refreshH: number,
    private readonly providers: ReadonlyMap<string, ProviderForecasts> = new Map(),
    /** blend = skill-weighted log blend (CarbonPilot's method); provider-first = the provider where it has a value. */
    private readonly mode: 'blend' | 'provider-first' = 'blend',
    /** Ablation only (--foresight-h): the first H hours of every forecast replaced by the actuals. Never a result. */
    private readonly foresightH = 0,
  ) {}
  /** Trailing record of the provider and of ours on the same target hours: vintages of the last SKILL_DAYS days, scored on hours before `day`. */
  private skill(z: Zone, p: ProviderForecasts, day: number): { provider: BandSkill[]; ours: BandSkill[] } {
    const key = `${z.name}|${day}`;
    const hit = this.skills.get(key);
    if (hit) return hit;
    const ps: SkillSample[] = [];
    const os: SkillSample[] = [];
    for (let d = 1; d <= SKILL_DAYS; d++) {
      const issue = day - d * 86400;
      const vi = p.byIssue.get(issue);
      if (vi === undefined) continue;
      const v = p.cc.vintages[vi];
      const scale = providerScale(z, p, v);
      if (scale === undefined) continue;
      const i0 = Math.floor((issue - z.firstHourSec) / HOUR);
      const ok = `${z.name}|${issue}`;
      let ours = this.oursAtIssue.get(ok);
      if (!ours) this.oursAtIssue.set(ok, (ours = forecastHourly(z.lca.subarray(0, i0), v.forecast.length, { firstHourSec: z.firstHourSec }).point));
      for (let k = 0; k < v.forecast.length && issue + k * HOUR < day; k++) {
        const actual = z.lca[i0 + k];
        ps.push({ leadH: k + 1, forecast: v.forecast[k] * scale, actual });
        os.push({ leadH: k + 1, forecast: ours[k], actual });
      }
    }
    const out = { provider: skillByBand(ps), ours: skillByBand(os) };
    this.skills.set(key, out);
    return out;
  }
  /** The forecast CarbonPilot and the SDK method both see at t: blended with the provider's where present, else ours. */
  get(z: Zone, tSec: number): RegionForecast {
    const f = this.forecastAt(z, tSec);
    if (this.foresightH <= 0) return f;
    const idx = Math.floor((tSec - z.firstHourSec) / HOUR);
    const peek = (arr: number[]) => arr.map((v, h) => (h < this.foresightH && Number.isFinite(z.lca[idx + h]) ? z.lca[idx + h] : v));
    return { ...f, point: peek(f.point), low: peek(f.low), high: peek(f.high), signal: `${f.signal} + ${this.foresightH} h of actuals (ablation)` };
  }
  private forecastAt(z: Zone, tSec: number): RegionForecast {
    const p = this.providers.get(z.name);
    if (!p) return this.ours(z, tSec);
    const key = `${z.name}|provider`;
    let m = this.cache.get(key);
    if (!m) this.cache.set(key, (m = new Map()));
    const hit = m.get(tSec);
    if (hit) return hit;
    const ours = this.ours(z, tSec);
    const pp = providerPoint(z, p, tSec, ours.point.length);
    if (!pp) return ours;
    this.providerHits++;
    const day = Math.floor(tSec / 86400) * 86400;
    const sk = this.mode === 'blend' ? this.skill(z, p, day) : NO_SKILL;
    const b = blendForecasts({
      ours,
      provider: pp.point,
      providerAgeH: pp.ageH,
      providerSkill: sk.provider,
      oursSkill: sk.ours,
      // provider-first: the provider wherever it has a value.
      ...(this.mode === 'provider-first' ? { fixedProviderWeight: 1 } : {}),
    });
    const rf: RegionForecast = { ...ours, point: b.point, low: b.low, high: b.high, signal: `average-lifecycle (${p.name} ${this.mode} ours)` };
    m.set(tSec, rf);
    return rf;
  }
  private ours(z: Zone, tSec: number): RegionForecast {
    let m = this.cache.get(z.name);
    if (!m) this.cache.set(z.name, (m = new Map()));
    const hit = m.get(tSec);
    if (hit) return hit;
    const idx = Math.floor((tSec - z.firstHourSec) / HOUR);
    const k = Math.floor(tSec / HOUR) % this.refreshH;
    let point: number[], low: number[], high: number[];
    if (k === 0) {
      // History ends the hour before issue; never the actuals of the decision hour or later.
      const fc = forecastHourly(z.lca.subarray(0, idx), this.horizonH + this.refreshH, { firstHourSec: z.firstHourSec });
      this.calls++;
      ({ point, low, high } = fc);
    } else {
      const base = this.ours(z, tSec - k * HOUR);
      const logErr = lastLogError(z.lca[idx - 1], base.point[k - 1]);
      const adj = (h: number) => nowcast(logErr, h);
      point = base.point.slice(k).map((v, h) => v * adj(h));
      low = base.low.slice(k).map((v, h) => v * adj(h));
      high = base.high.slice(k).map((v, h) => v * adj(h));
    }
    const rf: RegionForecast = { region: z.name, zone: z.name, pue: PUE, startSec: tSec, point, low, high, issuedAtSec: tSec, signal: 'average-lifecycle' };
    m.set(tSec, rf);
    return rf;
  }
  evictBefore(tSec: number): void {
    for (const m of this.cache.values()) for (const k of m.keys()) if (k < tSec - this.refreshH * HOUR) m.delete(k);
  }
}

/** Actuals packaged as a "forecast" for the oracle. */
function actualsAsForecast(z: Zone, tSec: number, hours: number): RegionForecast {
  const idx = Math.floor((tSec - z.firstHourSec) / HOUR);
  const point = Array.from(z.lca.subarray(idx, idx + hours));
  return { region: z.name, zone: z.name, pue: PUE, startSec: tSec, point, low: point, high: point, issuedAtSec: tSec, signal: 'actual' };
}

/** Carbon Aware SDK method: rolling mean of the forecast over the job length, earliest minimum, decided once. */
function sdkPolicy(fcs: RegionForecast[], e: number, job: Job): PlanSegment[] {
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

/**
 * CarbonPilot in production: re-plan hourly with the newest forecast until the job starts, and at every pause.
 * Same constraints as the oracle's single plan: once started, the job stays in its region (a plan is one region)
 * and uses at most `maxSegments` run segments in total.
 */
function carbonPilotPolicy(zs: Zone[], cache: ForecastCache, e: number, job: Job, maxSegments: number): PlanSegment[] {
  const deadline = e + (job.durH + job.slackH) * HOUR;
  const segs: PlanSegment[] = [];
  let remaining = job.durH * HOUR;
  let t = e;
  let running = false; // the job ran up to t (re-plan at a planned pause)
  while (remaining > 1e-6) {
    if (t >= deadline) break; // cannot happen with a feasible planner; counted as a miss by the caller
    const started = segs.length > 0;
    // Segments still allowed; while running, the current one continues without using a new one.
    const budget = maxSegments - segs.length + (running ? 1 : 0);
    if (running && budget <= 1) {
      segs[segs.length - 1].endSec += remaining; // no pause left: run to completion
      break;
    }
    const home = started ? zs.filter((z) => z.name === segs[0].region) : zs;
    // Latest hourly forecast issued at or before t (t is off the hour after a margin-aligned start).
    const regions = home.map((z) => cache.get(z, Math.floor(t / HOUR) * HOUR));
    const overhead = started && !running ? RESTART_OVERHEAD_SEC : 0;
    const plan = planJob({
      nowSec: t,
      earliestStartSec: e,
      deadlineSec: deadline,
      durationSec: remaining + overhead,
      powerKw: POWER_KW,
      interruptible: job.interruptible && budget > 1,
      restartOverheadSec: RESTART_OVERHEAD_SEC,
      regions,
      // A plan that pauses at once spends a new segment on its first run; keep it within the total.
      maxSegments: running ? budget - 1 : budget,
    });
    const first = plan.segments[0];
    if (first.startSec > t) {
      running = false;
      // Wait for the next hourly forecast, or until the planned start if it comes first (a start aligned to end
      // exactly at deadline − safety margin falls off the hour).
      t = Math.min(Math.floor(t / HOUR) * HOUR + HOUR, first.startSec);
      continue;
    }
    // Run the planned segment to its end; an interruptible job re-plans at the pause (re-planning every running
    // hour was measured to chase forecast noise into extra pauses).
    const end = first.endSec;
    const last = segs[segs.length - 1];
    if (running && last && last.endSec === t) last.endSec = end;
    else segs.push({ region: first.region, startSec: t, endSec: end });
    remaining -= end - t - overhead;
    running = true;
    t = end;
    if (plan.segments.length === 1) break; // ran to completion
  }
  if (remaining > 1e-6) segs.push({ region: segs[0]?.region ?? zs[0].name, startSec: t, endSec: t + remaining }); // forced tail (missed)
  return segs;
}

interface CaseSet {
  kind: 'temporal' | 'spatial';
  key: string;
  zs: Zone[];
}

/** Every job type × case set × submission time under the four policies, scored on actuals. */
function runCases(submitTimes: number[], sets: CaseSet[], jobs: Job[], cache: ForecastCache, zones: Map<string, Zone>, maxSpanH: number, maxSegments: number): { cases: CaseResult[]; skipped: number } {
  const cases: CaseResult[] = [];
  let skipped = 0;
  for (const e of submitTimes) {
    cache.evictBefore(e);
    for (const set of sets) {
      // Skip windows with missing actuals (cannot score them honestly).
      const idxOk = set.zs.every((z) => {
        const i0 = Math.floor((e - z.firstHourSec) / HOUR);
        for (let i = i0; i < i0 + maxSpanH + 1; i++) if (!Number.isFinite(z.lca[i])) return false;
        return true;
      });
      if (!idxOk) {
        skipped += jobs.length;
        continue;
      }
      for (const job of jobs) {
        const deadline = e + (job.durH + job.slackH) * HOUR;
        const segsBy: Record<Policy, PlanSegment[]> = {
          'run-now': [{ region: set.zs[0].name, startSec: e, endSec: e + job.durH * HOUR }],
          'carbon-aware-sdk': sdkPolicy(set.zs.map((z) => cache.get(z, e)), e, job),
          carbonpilot: carbonPilotPolicy(set.zs, cache, e, job, maxSegments),
          oracle: planJob({
            nowSec: e,
            earliestStartSec: e,
            deadlineSec: deadline,
            durationSec: job.durH * HOUR,
            powerKw: POWER_KW,
            interruptible: job.interruptible,
            restartOverheadSec: RESTART_OVERHEAD_SEC,
            regions: set.zs.map((z) => actualsAsForecast(z, e, maxSpanH + 1)),
            safetyMarginSec: 0,
            maxSegments,
          }).segments,
        };
        const kg = {} as Record<Policy, number>;
        const missed = {} as Record<Policy, boolean>;
        const lowShare = {} as Record<Policy, number>;
        for (const p of POLICIES) {
          const r = realise(zones, segsBy[p]);
          kg[p] = r.kg;
          lowShare[p] = r.lowShare;
          missed[p] = segsBy[p][segsBy[p].length - 1].endSec > deadline + 1e-6;
        }
        cases.push({ kind: set.kind, key: set.key, job: `${job.durH}h/slack${job.slackH}h/${job.interruptible ? 'int' : 'nonint'}`, kg, missed, lowShare });
      }
    }
  }
  return { cases, skipped };
}

/** CarbonCast vintages for the zones they stand for (CARBONCAST_TO_EM_ZONE), where its actuals allow calibration. */
function providerForecasts(dataDir: string, zones: Map<string, Zone>): Map<string, ProviderForecasts> {
  const out = new Map<string, ProviderForecasts>();
  for (const cc of loadCarbonCast(dataDir).values()) {
    if (!cc.emZone || !zones.has(cc.emZone) || !cc.history || !cc.vintages.length) continue;
    const byIssue = new Map<number, number>();
    cc.vintages.forEach((v, i) => byIssue.set(v.issueSec, i));
    out.set(cc.emZone, { name: `carboncast:${cc.region}`, cc: cc as ProviderForecasts['cc'], byIssue });
  }
  return out;
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

function main(): void {
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
  const providers = providerForecasts(args.data, zones);
  const cache = new ForecastCache(maxSpanH + 2, args.refreshH, providers, 'blend', args.foresightH);
  const submitTimes: number[] = [];
  for (let e = startSec; e <= lastSubmit && submitTimes.length < args.submissions; e += strideH * HOUR) submitTimes.push(e);
  const sets: CaseSet[] = [
    ...names.map((n) => ({ kind: 'temporal' as const, key: n, zs: [zones.get(n)!] })),
    ...groups.map((g) => ({ kind: 'spatial' as const, key: g.join('+'), zs: g.map((n) => zones.get(n)!) })),
  ];
  const main = runCases(submitTimes, sets, jobs, cache, zones, maxSpanH, args.maxSegments);
  const { cases, skipped } = main;
  const submissions = submitTimes.length;

  // Where provider forecasts overlap the hourly data: a denser grid over their period, each case run three times — on
  // the blend, on the provider first (ours beyond its horizon) and on ours alone — so that the value of the provider
  // forecast and of the blend are measured on the same cases. No overlap (e.g. other years): no subset.
  let providerSubset: Record<string, unknown> | undefined;
  const times: number[] = [];
  const ccSets = [...providers.keys()].map((n) => ({ kind: 'temporal' as const, key: n, zs: [zones.get(n)!] }));
  if (providers.size) {
    const first = Math.max(startSec, Math.min(...[...providers.values()].map((p) => p.cc.vintages[0].issueSec)));
    const last = Math.min(lastSubmit, Math.max(...[...providers.values()].map((p) => p.cc.vintages[p.cc.vintages.length - 1].issueSec)) - maxSpanH * HOUR);
    for (let e = first; e <= last; e += args.providerStrideH * HOUR) times.push(e);
  }
  if (providers.size && times.length) {
    const blendCache = new ForecastCache(maxSpanH + 2, args.refreshH, providers);
    const withProvider = runCases(times, ccSets, jobs, blendCache, zones, maxSpanH, args.maxSegments);
    const providerFirst = runCases(times, ccSets, jobs, new ForecastCache(maxSpanH + 2, args.refreshH, providers, 'provider-first'), zones, maxSpanH, args.maxSegments);
    const oursOnly = runCases(times, ccSets, jobs, new ForecastCache(maxSpanH + 2, args.refreshH), zones, maxSpanH, args.maxSegments);
    const perZoneOf = (cs: CaseResult[]) => groupBy(cs, (c) => c.key);
    providerSubset = {
      provider: 'CarbonCast v2.1 published 96-h vintages (issued 00:00 UTC daily), rescaled to the zone series on the 7 days before issue, nowcast-corrected',
      method: `blend: log-space, inverse-MSE weights per lead band from the trailing ${SKILL_DAYS} days of scored vintages (shared/domain/intensity/forecast-blend.ts); providerFirst: the provider wherever it has a value, ours beyond; oursOnly: our forecaster alone`,
      zones: Object.fromEntries([...providers.entries()].map(([z, p]) => [z, p.cc.region])),
      from: new Date(times[0] * 1000).toISOString(),
      to: new Date(times[times.length - 1] * 1000).toISOString(),
      submissions: times.length,
      strideH: args.providerStrideH,
      decisionHoursOnProviderForecast: blendCache.providerHits,
      blend: { policies: summarise(withProvider.cases), perZone: perZoneOf(withProvider.cases) },
      providerFirst: { policies: summarise(providerFirst.cases), perZone: perZoneOf(providerFirst.cases) },
      oursOnly: { policies: summarise(oursOnly.cases), perZone: perZoneOf(oursOnly.cases) },
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
    /** Cases re-run on provider (CarbonCast) forecasts where the data has them, against ours alone on the same cases. */
    providerForecasts: providerSubset ?? null,
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
      maxSegments: args.maxSegments,
      forecastRefreshH: args.refreshH,
      forecaster: FORECASTER_VERSION,
      foresightH: args.foresightH,
      forecastCalls: cache.calls,
      providerForecastZones: [...providers.keys()],
      decisionHoursOnProviderForecast: cache.providerHits,
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
    const share = (k: string) => ((providerSubset![k] as { policies: Record<Policy, Record<string, number>> }).policies.carbonpilot.shareOfOracle);
    console.log(`scheduler on provider forecasts (${Object.keys(providerSubset.zones as object).join(', ')}; ${providerSubset.submissions} submissions): carbonpilot shareOfOracle blend ${share('blend')} | provider first ${share('providerFirst')} | ours alone ${share('oursOnly')}`);
  }
}

main();
