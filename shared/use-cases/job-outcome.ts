/**
 * Use case: the realised outcome of a job = Σ the footprint store's intervals of the training job(s) it launched
 * (resource key `training-job#<region>#<jobName>`), savings against the run-now baseline, and for each hour
 * whether it ran in a low-carbon window (≤ 30th percentile of the zone's trailing 30 days).
 *
 * Run-now baseline: the same realised IT energy, run contiguously from submission (or earliest start) in the
 * first allowed region, with that region's PUE and ACTUAL intensities when the provider has them for every hour;
 * otherwise the plan's run-now estimate scaled to the realised energy. `baseline.basis` says which.
 */
import type { FootprintStore, IntensityProvider } from '../ports';
import type { JobStore } from '../ports/scheduler-ports';
import { signalZone, type RegionInfo } from '../domain/regions/region-catalog';
import { resourceKey, type FootprintInterval, type IntensityPoint, type IntensitySignal, type Ranged } from '../domain/types';
import { alignDown, DAY_SEC, HOUR_SEC, type EpochSec } from '../domain/time';
import { LOW_CARBON_TRAILING_SEC, trailingLowCarbonThreshold } from '../domain/scheduler/windows';

export interface OutcomeHour {
  startSec: EpochSec;
  region: string;
  zone: string;
  trainingJobName: string;
  energyKwh: number;
  co2eKg: number;
  intensityGPerKwh: number;
  intensityQuality: string;
  /** null when the zone has no trailing 30 days of data. */
  lowCarbon: boolean | null;
}

export interface JobOutcome {
  jobId: string;
  status: string;
  /** True once the job completed and every launch has intervals (they arrive after the collector's lag). */
  complete: boolean;
  realisedCo2eKg: Ranged;
  energyKwh: Ranged;
  itEnergyKwh: number;
  intervals: number;
  baseline: { region: string; co2eKg: number; basis: 'actual-intensity' | 'plan-estimate'; note: string };
  savedCo2eKg: number;
  savingsPct: number;
  hours: OutcomeHour[];
  /** Energy-weighted share of the run in low-carbon hours, % (null when no hour could be classified). */
  lowCarbonSharePct: number | null;
  demo: boolean;
  /**
   * Signal of the realised footprints (the pipeline's FOOTPRINT_SIGNAL); the baseline and the low-carbon hours use
   * the same one, so savings never compare two signals. It can differ from the signal the job was planned on.
   */
  signal: IntensitySignal;
}

export interface JobOutcomeDeps {
  jobs: JobStore;
  store: FootprintStore;
  /** Providers best first; points of quality 'actual' (or 'demo' in the demo) count as actual. */
  intensityProviders: IntensityProvider[];
  regionInfo: (region: string) => RegionInfo | undefined;
}

const ACTUAL = new Set(['actual', 'demo']);

/** Hourly actual intensities of a zone over a window from the first provider that has any (index by tSec). */
async function actualSeries(providers: IntensityProvider[], zone: string, signal: IntensitySignal, startSec: EpochSec, endSec: EpochSec): Promise<Map<number, IntensityPoint>> {
  for (const p of providers) {
    let pts: IntensityPoint[] = [];
    try {
      pts = await p.getSeries(zone, signal, { startSec, endSec });
    } catch {
      continue; // unknown zone / provider down: try the next one
    }
    const m = new Map<number, IntensityPoint>();
    for (const x of pts) if (ACTUAL.has(x.quality) && x.periodSec === HOUR_SEC) m.set(x.tSec, x);
    if (m.size) return m;
  }
  return new Map();
}

export const makeJobOutcome = (d: JobOutcomeDeps) =>
  async (jobId: string): Promise<JobOutcome | undefined> => {
    const job = await d.jobs.get(jobId);
    if (!job) return undefined;
    const hours: OutcomeHour[] = [];
    const all: FootprintInterval[] = [];
    for (const l of job.launches) {
      const key = resourceKey({ kind: 'training-job', region: l.region, id: l.trainingJobName });
      const w = { startSec: alignDown(l.startedAtSec, HOUR_SEC), endSec: (l.endedAtSec ?? l.startedAtSec + 40 * DAY_SEC) + HOUR_SEC };
      for (const iv of await d.store.queryResourceIntervals(key, w)) {
        all.push(iv);
        hours.push({
          startSec: iv.intervalStartSec,
          region: iv.region,
          zone: iv.intensityZone,
          trainingJobName: l.trainingJobName,
          energyKwh: iv.energyKwh.point,
          co2eKg: iv.co2eKg.point,
          intensityGPerKwh: iv.intensityGPerKwh,
          intensityQuality: iv.intensityQuality,
          lowCarbon: null,
        });
      }
    }
    hours.sort((a, b) => a.startSec - b.startSec);
    // Compare like with like: the realised intervals' signal, whatever the job was planned on.
    const signal: IntensitySignal = all[0]?.intensitySignal ?? job.inputs.signal;
    const sum = (f: (i: FootprintInterval) => number) => all.reduce((t, i) => t + f(i), 0);
    const realised: Ranged = { point: sum((i) => i.co2eKg.point), low: sum((i) => i.co2eKg.low), high: sum((i) => i.co2eKg.high) };
    const energy: Ranged = { point: sum((i) => i.energyKwh.point), low: sum((i) => i.energyKwh.low), high: sum((i) => i.energyKwh.high) };
    const itKwh = sum((i) => i.itEnergyKwh.point);

    // Low-carbon classification: each hour against its zone's trailing 30 days of actuals.
    const zones = [...new Set(hours.map((h) => h.zone))];
    for (const zone of zones) {
      const zh = hours.filter((h) => h.zone === zone);
      const series = await actualSeries(d.intensityProviders, zone, signal, zh[0].startSec - LOW_CARBON_TRAILING_SEC, zh[zh.length - 1].startSec + HOUR_SEC);
      const sorted = [...series.values()].sort((a, b) => a.tSec - b.tSec);
      for (const h of zh) {
        const value = ACTUAL.has(h.intensityQuality) ? h.intensityGPerKwh : series.get(h.startSec)?.gPerKwh ?? NaN;
        const threshold = trailingLowCarbonThreshold(sorted, h.startSec);
        h.lowCarbon = Number.isFinite(threshold) && Number.isFinite(value) ? value <= threshold : null;
      }
    }
    const classified = hours.filter((h) => h.lowCarbon !== null);
    const classifiedKwh = classified.reduce((t, h) => t + h.energyKwh, 0);
    const lowCarbonSharePct = classifiedKwh > 0 ? (classified.filter((h) => h.lowCarbon).reduce((t, h) => t + h.energyKwh, 0) / classifiedKwh) * 100 : null;

    // Run-now baseline on the same IT energy, spread evenly over a contiguous run from submission.
    const home = job.inputs.regions[0];
    const info = d.regionInfo(home);
    const t0 = Math.max(job.inputs.submittedAtSec, job.inputs.earliestStartSec);
    const runSec = job.launches.reduce((t, l) => t + Math.max(0, (l.endedAtSec ?? l.startedAtSec) - l.startedAtSec), 0) || job.inputs.durationSec;
    let baseline: JobOutcome['baseline'] | undefined;
    const homeZone = info && signalZone(info, signal);
    if (info && homeZone && itKwh > 0) {
      const series = await actualSeries(d.intensityProviders, homeZone, signal, alignDown(t0, HOUR_SEC), t0 + runSec + HOUR_SEC);
      let g = 0;
      let covered = true;
      for (let t = t0; t < t0 + runSec; ) {
        const cell = alignDown(t, HOUR_SEC);
        const until = Math.min(cell + HOUR_SEC, t0 + runSec);
        const p = series.get(cell);
        if (!p) {
          covered = false;
          break;
        }
        g += p.gPerKwh * ((until - t) / runSec);
        t = until;
      }
      if (covered) {
        baseline = {
          region: home,
          co2eKg: (itKwh * info.pue * g) / 1000,
          basis: 'actual-intensity',
          note: `same IT energy (${itKwh.toFixed(2)} kWh) run from ${new Date(t0 * 1000).toISOString()} in ${home} at actual ${signal} intensity, PUE ${info.pue}`,
        };
      }
    }
    if (!baseline) {
      const plannedItKwh = (job.inputs.powerKw * job.inputs.durationSec) / HOUR_SEC;
      const scale = itKwh > 0 && plannedItKwh > 0 ? itKwh / plannedItKwh : 1;
      baseline = {
        region: job.plan.runNow.region,
        co2eKg: job.plan.runNow.co2eKg * scale,
        basis: 'plan-estimate',
        note:
          'no actual intensities for the run-now hours: the plan\'s forecast-based run-now estimate, scaled to the realised energy' +
          (signal !== job.inputs.signal ? ` (the plan used ${job.inputs.signal}, the footprints ${signal}: not comparable)` : ''),
      };
    }
    const saved = baseline.co2eKg - realised.point;
    const launchedKeys = new Set(all.map((i) => i.resourceKey));
    return {
      jobId,
      status: job.status,
      complete: job.status === 'completed' && job.launches.every((l) => launchedKeys.has(resourceKey({ kind: 'training-job', region: l.region, id: l.trainingJobName }))),
      realisedCo2eKg: realised,
      energyKwh: energy,
      itEnergyKwh: itKwh,
      intervals: all.length,
      baseline,
      savedCo2eKg: saved,
      savingsPct: baseline.co2eKg > 0 ? (saved / baseline.co2eKg) * 100 : 0,
      hours,
      lowCarbonSharePct,
      demo: job.demo || all.some((i) => i.demo),
      signal,
    };
  };
