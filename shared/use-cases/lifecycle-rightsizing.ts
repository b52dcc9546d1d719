/**
 * Use case: right-sizing recommendations for live endpoint variants and recurring training families, from the
 * minute samples the collector keeps (RAW# items, 35-day TTL) — or the hourly means of the intervals where those
 * expired (said in `p95Basis`) — and each resource's own measured kgCO2e per IT kWh.
 */
import type { FootprintStore } from '../ports';
import type { LifecycleStore } from '../ports/lifecycle-ports';
import { DAY_SEC, type EpochSec, type Window } from '../domain/time';
import { resourceKey, type FootprintInterval, type Ranged, type ResourceRef } from '../domain/types';
import type { InstanceSpec } from '../domain/power/instance-catalog';
import { countAt } from '../domain/lifecycle/cold-detection';
import { rightsize, type RightsizingRecommendation, type RightsizingSubject, type UtilisationMinute } from '../domain/lifecycle/rightsizing';

export interface RightsizingDeps {
  footprint: FootprintStore;
  store: LifecycleStore;
  lookupInstance: (instanceType: string) => InstanceSpec | undefined;
  catalogTypes: readonly string[];
  minObservedHours: number;
  /** How long raw minute samples are kept (the look-back of the report). */
  rawRetentionSec: number;
}

export interface RightsizingReport {
  recommendations: RightsizingRecommendation[];
  skipped: { resource: string; reason: string }[];
  minimumObservedHours: number;
  window: Window;
  demo: boolean;
}

/** Training jobs of one family: tag carbonpilot:family, else the model tag and instance type. */
const familyOf = (r: ResourceRef): string => {
  const tag = Object.entries(r.tags).find(([k]) => k.toLowerCase() === 'carbonpilot:family')?.[1];
  const model = Object.entries(r.tags).find(([k]) => k.toLowerCase() === 'model')?.[1];
  return tag ?? `${model ?? r.id.replace(/-\d+$/, '')}@${r.instanceType}`;
};

const kgPerItKwh = (xs: readonly FootprintInterval[]): Ranged => {
  const it = xs.reduce((a, i) => a + i.itEnergyKwh.point, 0);
  const kg = { point: 0, low: 0, high: 0 };
  for (const i of xs) for (const k of ['point', 'low', 'high'] as const) kg[k] += i.co2eKg[k];
  // The intensity × PUE ratio is the same at every energy bound: the point ratio serves all three.
  return it > 0 ? { point: kg.point / it, low: kg.point / it, high: kg.point / it } : { point: 0, low: 0, high: 0 };
};

/** Minutes of one endpoint variant from raw samples, else from hourly means (60 per interval). */
async function endpointMinutes(d: RightsizingDeps, r: ResourceRef, w: Window): Promise<{ minutes: UtilisationMinute[]; basis: RightsizingSubject['p95Basis']; intervals: FootprintInterval[] }> {
  const key = resourceKey(r);
  const intervals = await d.footprint.queryResourceIntervals(key, w);
  const raw = await d.store.rawSamples(key, w);
  const minutes: UtilisationMinute[] = [];
  for (const item of raw) {
    for (const h of item.hosts) {
      for (const s of h.samples) {
        if (s.gpuUtilPct === null || s.gpuUtilPct === undefined) continue;
        minutes.push({ utilPct: s.gpuUtilPct, instances: h.instancesRepresented ?? countAt(r, s.tSec), cpuUtilPct: s.cpuUtilPct ?? null });
      }
    }
  }
  if (minutes.length) return { minutes, basis: 'minute samples', intervals };
  for (const i of intervals) {
    if (i.meanGpuUtilPct === undefined || i.meanGpuUtilPct === null) continue;
    const n = Math.round((60 * i.coveragePct) / 100);
    const instances = countAt(r, i.intervalStartSec + i.intervalSec / 2);
    for (let k = 0; k < n; k++) minutes.push({ utilPct: i.meanGpuUtilPct, instances, cpuUtilPct: null });
  }
  return { minutes, basis: 'hourly means', intervals };
}

/** Minutes of a training job: per minute, the mean over its hosts, `instances` = hosts reporting. */
async function trainingMinutes(d: RightsizingDeps, r: ResourceRef, w: Window): Promise<UtilisationMinute[]> {
  const byMinute = new Map<number, { util: number; cpu: number; cpuN: number; n: number }>();
  for (const item of await d.store.rawSamples(resourceKey(r), w)) {
    for (const h of item.hosts) {
      for (const s of h.samples) {
        if (s.gpuUtilPct === null || s.gpuUtilPct === undefined) continue;
        const m = byMinute.get(s.tSec) ?? { util: 0, cpu: 0, cpuN: 0, n: 0 };
        m.util += s.gpuUtilPct;
        m.n++;
        if (s.cpuUtilPct !== null && s.cpuUtilPct !== undefined) {
          m.cpu += s.cpuUtilPct;
          m.cpuN++;
        }
        byMinute.set(s.tSec, m);
      }
    }
  }
  return [...byMinute.values()].map((m) => ({ utilPct: m.util / m.n, instances: m.n, cpuUtilPct: m.cpuN ? m.cpu / m.cpuN : null }));
}

/** Recommendations over the raw-sample retention window ending at `nowSec`. */
export async function rightsizingReport(d: RightsizingDeps, nowSec: EpochSec): Promise<RightsizingReport> {
  const w = { startSec: nowSec - d.rawRetentionSec, endSec: nowSec };
  const out: RightsizingReport = { recommendations: [], skipped: [], minimumObservedHours: d.minObservedHours, window: w, demo: false };
  const resources = await d.footprint.listAllResources();
  out.demo = resources.some((r) => r.demo === true);
  const opts = { lookup: d.lookupInstance, catalogTypes: d.catalogTypes, minObservedHours: d.minObservedHours };
  const push = (res: ReturnType<typeof rightsize>, resource: string) => {
    if ('recommendation' in res) out.recommendations.push(res.recommendation);
    else out.skipped.push({ resource, reason: res.skipped });
  };

  // Endpoints with an open lifecycle action (parked, being parked) are the lifecycle's, not right-sizing's.
  const acted = new Set((await d.store.listActions({ openOnly: true })).filter((a) => a.subject.kind === 'endpoint').map((a) => `${a.subject.region}#${a.subject.name}`));
  for (const r of resources.filter((x) => x.kind === 'endpoint' && x.endSec === undefined && !x.serverless)) {
    if (acted.has(`${r.region}#${r.id.split('/')[0]}`)) {
      out.skipped.push({ resource: r.id, reason: 'an open lifecycle action (parked or being parked)' });
      continue;
    }
    const { minutes, basis, intervals } = await endpointMinutes(d, r, w);
    if (!intervals.length) continue;
    if (!intervals.some((i) => (i.invocations ?? 0) > 0)) {
      out.skipped.push({ resource: r.id, reason: 'no invocations in the window: a lifecycle (park) candidate, not a right-sizing one' });
      continue;
    }
    const observedDays = (Math.max(...intervals.map((i) => i.intervalStartSec + i.intervalSec)) - Math.min(...intervals.map((i) => i.intervalStartSec))) / DAY_SEC;
    push(rightsize({ resource: r.id, kind: 'endpoint', region: r.region, instanceType: r.instanceType, minutes, observedDays, kgCo2ePerItKwh: kgPerItKwh(intervals), p95Basis: basis, demo: r.demo === true }, opts), r.id);
  }

  const families = new Map<string, ResourceRef[]>();
  for (const r of resources.filter((x) => x.kind === 'training-job' && x.startSec < nowSec && (x.endSec ?? nowSec) > w.startSec)) {
    const f = `${r.region}|${familyOf(r)}`;
    families.set(f, [...(families.get(f) ?? []), r]);
  }
  for (const [key, jobs] of [...families].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const name = key.slice(key.indexOf('|') + 1);
    if (jobs.length < 2) continue; // one run is not a recurring family
    if (new Set(jobs.map((j) => j.instanceType)).size > 1) {
      out.skipped.push({ resource: name, reason: 'runs used different instance types' });
      continue;
    }
    const minutes: UtilisationMinute[] = [];
    const intervals: FootprintInterval[] = [];
    for (const j of jobs) {
      minutes.push(...(await trainingMinutes(d, j, w)));
      intervals.push(...(await d.footprint.queryResourceIntervals(resourceKey(j), w)));
    }
    const span = jobs.reduce((a, j) => a + (Math.min(j.endSec ?? nowSec, nowSec) - Math.max(j.startSec, w.startSec)), 0) / DAY_SEC;
    push(rightsize({ resource: `${name} (${jobs.length} runs)`, kind: 'training-family', region: jobs[0].region, instanceType: jobs[0].instanceType, minutes, observedDays: span, kgCo2ePerItKwh: kgPerItKwh(intervals), p95Basis: 'minute samples', demo: jobs.some((j) => j.demo === true) }, opts), name);
  }
  out.recommendations.sort((a, b) => b.savingKgCo2ePerMonth.point - a.savingKgCo2ePerMonth.point);
  return out;
}
