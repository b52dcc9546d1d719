/**
 * bench:forecast — rolling-origin evaluation of CarbonPilot's hourly intensity forecaster.
 *
 *   npx tsx bench/forecast.ts --data DIR --out FILE.json [--zones GB,DE-LU] [--step-h 13] [--warmup-days 28]
 *
 * For every zone in DIR/electricitymaps-hourly-greendcc and every complete year (LCA column): issue a 96-h forecast
 * every `step-h` hours (13 h by default, so issue hours cycle through all hours of the day), after a warm-up when
 * no earlier year exists (earlier years are used as history when present). Each issue sees only data before it.
 * Scored per horizon band (1–24, 25–48, 49–96 h) against two baselines known at issue time:
 *   yesterday: value at target − 24·ceil(h/24) h;   weekMean: mean of the 7 most recent known same-hour values.
 * Where DIR/carboncast exists, CarbonCast's published 96-h vintages (issued 00:00 UTC daily, Jul–Dec 2021) are scored
 * against CarbonCast's own actuals, and our forecaster + baselines are run on the same series at the same issue
 * times (a like-for-like peer comparison; CarbonCast is production-based, EM consumption-based, so levels differ).
 */
import { benchArgs, writeJson } from './lib/bench-args';
import { FORECASTER_VERSION, forecastHourly } from '../shared/domain/intensity/forecaster';
import { loadCarbonCast, loadHourlyZones } from './lib/hourly-data';
import { percentile } from '../shared/domain/scheduler/windows';

const HOUR_SEC = 3600;
const BANDS = [
  { name: '1-24h', lo: 1, hi: 24 },
  { name: '25-48h', lo: 25, hi: 48 },
  { name: '49-96h', lo: 49, hi: 96 },
] as const;
type BandName = (typeof BANDS)[number]['name'];
const HORIZON_H = 96;
/** History passed per call: 8 weeks (the forecaster itself only reads its trailing window). */
const HISTORY_H = 56 * 24;


const bandOf = (h: number): number => (h <= 24 ? 0 : h <= 48 ? 1 : 2);

/** Accumulates absolute percentage errors and interval hits per band for several methods. */
class Scorer {
  readonly ape = new Map<string, Float64Array>(); // method → [sum per band]
  readonly n = new Map<string, Float64Array>();
  readonly inside = new Float64Array(3);
  readonly inN = new Float64Array(3);
  readonly width = new Float64Array(3);
  add(method: string, h: number, actual: number, pred: number): void {
    if (!(actual > 0) || !Number.isFinite(pred)) return;
    const b = bandOf(h);
    if (!this.ape.has(method)) { this.ape.set(method, new Float64Array(3)); this.n.set(method, new Float64Array(3)); }
    this.ape.get(method)![b] += Math.abs(pred - actual) / actual;
    this.n.get(method)![b] += 1;
  }
  addInterval(h: number, actual: number, low: number, high: number): void {
    if (!Number.isFinite(actual) || !Number.isFinite(low) || !Number.isFinite(high)) return;
    const b = bandOf(h);
    this.inN[b]++;
    if (actual >= low && actual <= high) this.inside[b]++;
    if (actual > 0) this.width[b] += (high - low) / actual;
  }
  mape(): Record<BandName, Record<string, number>> {
    const out = {} as Record<BandName, Record<string, number>>;
    BANDS.forEach((band, b) => {
      out[band.name] = {};
      for (const [m, s] of this.ape) out[band.name][m] = round(s[b] / this.n.get(m)![b], 5);
    });
    return out;
  }
  coverage(): { overall: number; byBand: Record<BandName, number>; meanRelWidth: Record<BandName, number> } {
    const byBand = {} as Record<BandName, number>;
    const meanRelWidth = {} as Record<BandName, number>;
    BANDS.forEach((band, b) => {
      byBand[band.name] = round(this.inside[b] / this.inN[b], 4);
      meanRelWidth[band.name] = round(this.width[b] / this.inN[b], 4);
    });
    const tot = this.inN[0] + this.inN[1] + this.inN[2];
    return { overall: round((this.inside[0] + this.inside[1] + this.inside[2]) / tot, 4), byBand, meanRelWidth };
  }
}

const round = (v: number, d: number): number => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : NaN);

/** Score our forecaster and both baselines at issue index `o` of `series` (history = everything before o). */
function scoreIssue(series: Float64Array, firstHourSec: number, o: number, sc: Scorer, timing: { ms: number; calls: number }): void {
  const histStart = Math.max(0, o - HISTORY_H);
  const t0 = performance.now();
  const f = forecastHourly(series.subarray(histStart, o), HORIZON_H, { firstHourSec: firstHourSec + histStart * HOUR_SEC });
  timing.ms += performance.now() - t0;
  timing.calls++;
  for (let h = 1; h <= HORIZON_H; h++) {
    const t = o + h - 1;
    if (t >= series.length) break;
    const actual = series[t];
    if (!Number.isFinite(actual)) continue;
    const j = Math.ceil(h / 24);
    sc.add('carbonpilot', h, actual, f.point[h - 1]);
    sc.addInterval(h, actual, f.low[h - 1], f.high[h - 1]);
    const yIdx = t - 24 * j;
    sc.add('yesterday', h, actual, yIdx >= 0 ? series[yIdx] : NaN);
    let s = 0;
    let c = 0;
    for (let k = j; k < j + 7; k++) {
      const i = t - 24 * k;
      if (i >= 0 && Number.isFinite(series[i])) { s += series[i]; c++; }
    }
    sc.add('weekMean', h, actual, c > 0 ? s / c : NaN);
  }
}

function main(): void {
  const args = benchArgs('forecast', { dataRequired: true, extra: ['zones', 'step-h', 'warmup-days'] });
  const dataDir = args.data as string;
  const arg = args.get;
  const zoneFilter = arg('zones')?.split(',').map((z) => z.trim()).filter(Boolean);
  const stepH = Number(arg('step-h') ?? 13);
  const warmupH = Number(arg('warmup-days') ?? 28) * 24;
  const started = performance.now();
  const timing = { ms: 0, calls: 0 };

  const zones = loadHourlyZones(dataDir);
  const perZone: Record<string, unknown> = {};
  const ratios: Record<string, { r1: number; r2: number; r3: number; cov: number }> = {};
  for (const [zone, z] of [...zones].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (zoneFilter && !zoneFilter.includes(zone)) continue;
    if (z.years.length === 0) continue;
    const sc = new Scorer();
    let issues = 0;
    for (const year of z.years) {
      const y0 = (Date.UTC(year, 0, 1) / 1000 - z.firstHourSec) / HOUR_SEC;
      const y1 = (Date.UTC(year + 1, 0, 1) / 1000 - z.firstHourSec) / HOUR_SEC;
      // Issue times inside the year; targets past the year's end are scored when the data exist.
      for (let o = Math.max(y0, warmupH); o < y1; o += stepH) {
        scoreIssue(z.lca, z.firstHourSec, o, sc, timing);
        issues++;
      }
    }
    const mape = sc.mape();
    const cov = sc.coverage();
    perZone[zone] = { mape, coverage90: cov.overall, coverage90ByBand: cov.byBand, intervalRelWidth: cov.meanRelWidth, years: z.years, issues };
    ratios[zone] = {
      r1: mape['1-24h'].carbonpilot / mape['1-24h'].yesterday,
      r2: mape['25-48h'].carbonpilot / mape['25-48h'].yesterday,
      r3: mape['49-96h'].carbonpilot / mape['49-96h'].yesterday,
      cov: cov.overall,
    };
  }

  // CarbonCast peer comparison on CarbonCast's own series and issue times.
  const carboncastPeer: Record<string, unknown> = {};
  const ccRatios: { region: string; ours: number; cc: number }[] = [];
  for (const [region, cc] of loadCarbonCast(dataDir)) {
    if (zoneFilter && !(zoneFilter.includes(region) || (cc.emZone && zoneFilter.includes(cc.emZone)))) continue;
    const sc = new Scorer();
    let issues = 0;
    for (const v of cc.vintages) {
      for (let h = 1; h <= HORIZON_H; h++) sc.add('carboncast', h, v.actual[h - 1], v.forecast[h - 1]);
      if (cc.history) {
        const o = (v.issueSec - cc.history.firstHourSec) / HOUR_SEC;
        if (o >= warmupH && o < cc.history.lca.length) scoreIssue(cc.history.lca, cc.history.firstHourSec, o, sc, timing);
      }
      issues++;
    }
    const mape = sc.mape();
    carboncastPeer[region] = { emZone: cc.emZone, mape, coverage90: cc.history ? sc.coverage().overall : undefined, issues };
    if (mape['1-24h'].carbonpilot !== undefined) ccRatios.push({ region, ours: mape['1-24h'].carbonpilot, cc: mape['1-24h'].carboncast });
    // Attach CarbonCast's own score to the EM zone it stands for (scored against CarbonCast's actuals, see note).
    const pz = cc.emZone ? (perZone[cc.emZone] as { mape: Record<string, Record<string, number>> } | undefined) : undefined;
    if (pz) for (const b of BANDS) pz.mape[b.name].carboncast = mape[b.name].carboncast;
  }

  const goals: Record<string, number> = { GB: 0.8, 'DE-LU': 0.8, 'US-TEX-ERCO': 0.8, 'US-CAL-CISO': 0.9, 'AU-NSW': 0.9 };
  const goalResults = Object.entries(goals)
    .filter(([z]) => ratios[z])
    .map(([z, target]) => ({ zone: z, ratio1to24h: round(ratios[z].r1, 3), target, pass: ratios[z].r1 <= target }));
  const covs = Object.values(ratios).map((r) => r.cov);
  const median = (v: number[]): number => percentile(v, 50);
  const summary = {
    forecasterVersion: FORECASTER_VERSION,
    zones: Object.keys(ratios).length,
    medianRatioVsYesterday: {
      '1-24h': round(median(Object.values(ratios).map((r) => r.r1)), 3),
      '25-48h': round(median(Object.values(ratios).map((r) => r.r2)), 3),
      '49-96h': round(median(Object.values(ratios).map((r) => r.r3)), 3),
    },
    coverage90Min: round(Math.min(...covs), 4),
    coverage90Max: round(Math.max(...covs), 4),
    coverageGoalPass: covs.every((c) => c >= 0.85 && c <= 0.95),
    goals: goalResults,
    carboncastPeer1to24h: {
      regions: ccRatios.length,
      oursMeanMape: round(ccRatios.reduce((s, r) => s + r.ours, 0) / ccRatios.length, 4),
      carboncastMeanMape: round(ccRatios.reduce((s, r) => s + r.cc, 0) / ccRatios.length, 4),
    },
    msPerForecastCall: round(timing.ms / timing.calls, 3),
    forecastCalls: timing.calls,
    runtimeSec: round((performance.now() - started) / 1000, 1),
    notes: [
      'MAPE = mean over (issue, horizon) pairs of |forecast − actual| / actual (actual > 0), LCA signal.',
      'carboncast MAPE is scored against CarbonCast\'s own (production-based) actuals, Jul–Dec 2021 vintages; see carboncastPeer for our forecaster on the same series and issue times.',
    ],
  };
  writeJson(args.out, { perZone, carboncastPeer, summary });
  const g = goalResults.map((r) => `${r.zone} ${r.ratio1to24h}${r.pass ? '✓' : '✗'}`).join(' ');
  console.log(
    `forecast ${FORECASTER_VERSION}: ${summary.zones} zones, 1-24h MAPE ours/yesterday median ${summary.medianRatioVsYesterday['1-24h']} (25-48h ${summary.medianRatioVsYesterday['25-48h']}, 49-96h ${summary.medianRatioVsYesterday['49-96h']}); goals: ${g}; ` +
      `coverage90 ${summary.coverage90Min}–${summary.coverage90Max}${summary.coverageGoalPass ? ' ✓' : ' ✗'}; ` +
      (ccRatios.length
        ? `CarbonCast peer 1-24h (${ccRatios.length} regions, own series): ours ${(summary.carboncastPeer1to24h.oursMeanMape * 100).toFixed(1)}% vs CC ${(summary.carboncastPeer1to24h.carboncastMeanMape * 100).toFixed(1)}%; `
        : 'no CarbonCast peer; ') +
      `${summary.msPerForecastCall} ms/call, ${summary.runtimeSec} s`,
  );
}

main();
