/**
 * DEMO DATA. A deterministic, seeded demo AI fleet and its telemetry, generated in-process so `npm start`
 * needs no AWS account and no network. Nothing here is a measurement: every resource is flagged `demo`,
 * every output derived from it is labelled demo. The shapes mimic what the AWS adapters return.
 */
import type { MetricsFetchResult, MetricsSource, WorkloadInventory, Clock } from '../../ports';
import type { HostSample, HostSeries, ResourceRef, ResourceTelemetry } from '../../domain/types';
import { resourceKey } from '../../domain/types';
import { alignDown, DAY_SEC, HOUR_SEC, overlapSec, type EpochSec, type Window } from '../../domain/time';
import { ACCELERATOR_STATE_FRACTIONS } from '../../domain/power/power-model';

/** 32-bit FNV-1a of a string: the per-resource seed. */
export const fnv1a = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
};

/** Deterministic uniform [0,1) from a seed and an integer (splitmix-style mixing). */
export const u01 = (seed: number, n: number): number => {
  let x = (seed ^ Math.imul(n | 0, 0x9e3779b1)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
};

/** What the demo generator needs of an accelerator (from the instance catalog). */
export interface DemoAccelerator {
  count: number;
  idleW: number;
  maxW: number;
}

interface DemoJob {
  id: string;
  region: string;
  instanceType: string;
  instanceCount: number;
  startOffsetH: number;
  durationH: number;
  tags: Record<string, string>;
}

const TEAMS = ['nlp', 'vision', 'recsys', 'speech'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-north-1', 'ap-southeast-2'];
const TRAINING_TYPES = ['ml.p4d.24xlarge', 'ml.p5.48xlarge', 'ml.g5.12xlarge', 'ml.g6e.12xlarge', 'ml.trn1.32xlarge', 'ml.g5.2xlarge', 'ml.p3.16xlarge'];

/** The demo fleet as it exists at `nowSec` (jobs still running have no end; nothing after now is visible). */
export function buildDemoFleet(nowSec: number, days = 14): ResourceRef[] {
  const origin = alignDown(nowSec, HOUR_SEC) - days * DAY_SEC;
  const seed = fnv1a('carbonpilot-demo-fleet-v1');
  const out: ResourceRef[] = [];

  // 24 training jobs over 7 instance types and 5 regions; one untagged, one on an instance type we do not model.
  for (let j = 0; j < 24; j++) {
    const r = (k: number) => u01(seed, j * 16 + k);
    const job: DemoJob = {
      id: `demo-train-${String(j + 1).padStart(2, '0')}`,
      region: REGIONS[j % REGIONS.length],
      instanceType: j === 23 ? 'ml.x9z.48xlarge' : TRAINING_TYPES[j % TRAINING_TYPES.length],
      instanceCount: 1 + Math.floor(r(1) * 3) * (j % 3 === 0 ? 1 : 0),
      startOffsetH: Math.floor(r(2) * (days * 24 - 30)),
      durationH: 2 + Math.floor(r(3) * 28),
      tags: j === 7 ? {} : { team: TEAMS[j % TEAMS.length], project: `proj-${(j % 5) + 1}`, model: `model-${['llama-ft', 'vit-l', 'dlrm', 'whisper-s'][j % 4]}` },
    };
    const startSec = origin + job.startOffsetH * HOUR_SEC + Math.floor(r(4) * 3000);
    if (startSec > nowSec) continue;
    const endSec = startSec + job.durationH * HOUR_SEC + Math.floor(r(5) * 3000);
    out.push({
      kind: 'training-job',
      id: job.id,
      region: job.region,
      instanceType: job.instanceType,
      counts: [{ atSec: startSec, instanceCount: job.instanceCount }],
      startSec,
      endSec: endSec <= nowSec ? endSec : undefined,
      status: endSec <= nowSec ? 'Completed' : 'InProgress',
      tags: job.tags,
      demo: true,
    });
  }

  // 6 real-time endpoints with daily traffic cycles and auto scaling; one serverless variant (flagged, not modelled).
  const endpoints = [
    { name: 'demo-chat-llm', variant: 'AllTraffic', type: 'ml.g5.12xlarge', region: 'us-east-1', base: 2, team: 'nlp', model: 'model-llama-ft' },
    { name: 'demo-image-tagger', variant: 'AllTraffic', type: 'ml.g4dn.xlarge', region: 'eu-west-1', base: 2, team: 'vision', model: 'model-vit-l' },
    { name: 'demo-recs-ranker', variant: 'blue', type: 'ml.inf2.xlarge', region: 'us-west-2', base: 3, team: 'recsys', model: 'model-dlrm' },
    { name: 'demo-asr', variant: 'AllTraffic', type: 'ml.g6.2xlarge', region: 'eu-north-1', base: 1, team: 'speech', model: 'model-whisper-s' },
    { name: 'demo-embeddings', variant: 'AllTraffic', type: 'ml.g5.xlarge', region: 'ap-southeast-2', base: 1, team: 'nlp', model: 'model-e5' },
    { name: 'demo-faq-serverless', variant: 'AllTraffic', type: 'serverless', region: 'us-east-1', base: 1, team: 'nlp', model: 'model-faq' },
  ];
  for (const e of endpoints) {
    const counts = [];
    // Scale out to base+1 during 08:00–20:00 UTC, back to base at night.
    for (let d = -1; d <= days; d++) {
      counts.push({ atSec: origin + d * DAY_SEC + 8 * HOUR_SEC, instanceCount: e.base + 1 });
      counts.push({ atSec: origin + d * DAY_SEC + 20 * HOUR_SEC, instanceCount: e.base });
    }
    out.push({
      kind: 'endpoint',
      id: `${e.name}/${e.variant}`,
      region: e.region,
      instanceType: e.type,
      counts: [{ atSec: origin - DAY_SEC, instanceCount: e.base }, ...counts].filter((c) => c.atSec <= nowSec),
      startSec: origin - DAY_SEC,
      status: 'InService',
      tags: { team: e.team, project: 'serving', model: e.model },
      serverless: e.type === 'serverless' || undefined,
      demo: true,
    });
  }

  // DEMO lifecycle endpoints (model lifecycle): one never invoked (cold), one that goes cold and is parked by the
  // auto mode during a 14-day replay, one cooling under a running shadow test, one kept warm by tag, and one
  // over-provisioned (2 × 4 GPUs at ≈ 10 % utilisation). Traffic ends are relative to --now, so the story holds for
  // any replay length; the thresholds are set per resource by tag (the lifecycle's per-tag configuration).
  const anchor = alignDown(nowSec, HOUR_SEC);
  for (const e of DEMO_LIFECYCLE_ENDPOINTS) {
    out.push({
      kind: 'endpoint',
      id: `${e.name}/AllTraffic`,
      region: e.region,
      instanceType: e.type,
      counts: [{ atSec: origin - DAY_SEC, instanceCount: e.count }],
      startSec: origin - DAY_SEC,
      status: 'InService',
      tags: {
        team: e.team,
        project: 'serving',
        model: e.model,
        [LIFECYCLE_DEMO_TAGS.managed]: 'true',
        ...(e.trafficEndsDaysBeforeNow !== undefined ? { [LIFECYCLE_DEMO_TAGS.trafficUntil]: String(anchor - Math.round(e.trafficEndsDaysBeforeNow * DAY_SEC)) } : {}),
        ...(e.load ? { [LIFECYCLE_DEMO_TAGS.load]: e.load } : {}),
        ...e.tags,
      },
      demo: true,
    });
  }

  // 3 EC2 GPU instances: two with the CloudWatch agent's measured board power, one with utilisation only; one stopped for a day.
  const ec2 = [
    { id: 'i-0demo00000000p4d', type: 'p4d.24xlarge', region: 'us-east-1', team: 'nlp', power: true },
    { id: 'i-0demo000000000g5', type: 'g5.xlarge', region: 'eu-west-1', team: 'vision', power: false },
    { id: 'i-0demo000000000g6', type: 'g6.xlarge', region: 'us-west-2', team: 'recsys', power: true },
  ];
  for (const [k, e] of ec2.entries()) {
    const counts = [{ atSec: origin - DAY_SEC, instanceCount: 1 }];
    if (k === 1) {
      counts.push({ atSec: origin + 5 * DAY_SEC, instanceCount: 0 }, { atSec: origin + 6 * DAY_SEC, instanceCount: 1 });
    }
    out.push({
      kind: 'ec2-instance',
      id: e.id,
      region: e.region,
      instanceType: e.type,
      counts: counts.filter((c) => c.atSec <= nowSec),
      startSec: origin - DAY_SEC,
      status: 'running',
      tags: { team: e.team, project: 'research', model: 'mixed', 'carbonpilot:demo-power': e.power ? 'measured' : 'none' },
      demo: true,
    });
  }
  return out;
}

/** DEMO inventory: the generated fleet as the AWS inventory would report it at the clock's time. */
export class DemoInventory implements WorkloadInventory {
  constructor(
    private readonly clock: Clock,
    private readonly anchorNowSec: number,
    /** Extra resources to report, e.g. training jobs launched by the local dispatcher (as SageMaker would list them). */
    private readonly extra: () => Promise<ResourceRef[]> = async () => [],
    /** Applies what the local SageMaker stand-in did to the fleet (endpoints deleted and recreated by the lifecycle). */
    private readonly overlay: (refs: ResourceRef[], nowSec: number) => Promise<ResourceRef[]> = async (refs) => refs,
  ) {}
  async listActive(window: Window, regions: string[]): Promise<ResourceRef[]> {
    const now = this.clock.nowSec();
    // The fleet is defined relative to the replay's --now so every run with the same --now sees the same fleet.
    const visible = [...buildDemoFleet(this.anchorNowSec), ...(await this.extra())]
      .map((r) => visibleAt(r, now))
      .filter((r): r is ResourceRef => r !== undefined);
    return (await this.overlay(visible, now))
      .filter((r) => (regions.length === 0 || regions.includes(r.region)) && overlapSec({ startSec: r.startSec, endSec: r.endSec ?? now + 1 }, window) > 0);
  }
}

/** What the inventory would know about a resource at `now`. */
const visibleAt = (r: ResourceRef, now: number): ResourceRef | undefined => {
  if (r.startSec > now) return undefined;
  const ended = r.endSec !== undefined && r.endSec <= now;
  return { ...r, endSec: ended ? r.endSec : undefined, status: ended ? r.status : r.kind === 'training-job' ? 'InProgress' : r.status, counts: r.counts.filter((c) => c.atSec <= now) };
};

/** How long the newest demo data counts as still settling (CloudWatch PartialData). */
const SETTLING_SEC = 1800;

/** DEMO telemetry: deterministic per (resource, host, minute), so any re-fetch returns the same values. */
export class DemoMetricsSource implements MetricsSource {
  constructor(
    private readonly clock: Clock,
    private readonly acceleratorOf: (instanceType: string) => DemoAccelerator | undefined,
    /** Variants that serve a DEMO model profile (the optimisation demo's endpoints and shadow variants). */
    private readonly servingOf: (resourceKeys: string[]) => Promise<Map<string, DemoServing[]>> = async () => new Map(),
  ) {}

  async fetch(resources: ResourceRef[], window: Window, periodSec: number): Promise<MetricsFetchResult> {
    const now = this.clock.nowSec();
    const serving = await this.servingOf(resources.map(resourceKey));
    const telemetry: ResourceTelemetry[] = resources.map((r) => (serving.has(resourceKey(r)) ? servedModelSeries(r, serving.get(resourceKey(r))!, window, periodSec, now, this.acceleratorOf) : this.series(r, window, periodSec, now)));
    const metricsRequested = telemetry.reduce((n, t) => n + t.hosts.length * 2, 0);
    return { telemetry, skipped: [], metricsRequested, apiCalls: Math.ceil(metricsRequested / 500) };
  }

  private series(r: ResourceRef, w: Window, periodSec: number, now: number): ResourceTelemetry {
    const key = resourceKey(r);
    const hostNames =
      r.kind === 'training-job'
        ? Array.from({ length: Math.max(...r.counts.map((c) => c.instanceCount), 1) }, (_, i) => `${r.id}/algo-${i + 1}`)
        : [r.id];
    const measuredPower = r.tags['carbonpilot:demo-power'] === 'measured';
    const acc = this.acceleratorOf(r.instanceType) ?? { count: 1, idleW: 50, maxW: 300 };
    const hosts: HostSeries[] = [];
    for (const [hi, host] of hostNames.entries()) {
      const seed = fnv1a(`${key}|${host}`);
      const samples: HostSample[] = [];
      for (let t = Math.ceil(w.startSec / periodSec) * periodSec; t < w.endSec && t < now; t += periodSec) {
        const count = countAt(r, t);
        if (t < r.startSec || (r.endSec !== undefined && t >= r.endSec) || count === 0) continue;
        if (r.kind === 'training-job' && hi >= count) continue;
        const m = Math.floor(t / 60);
        // ~1 % of minutes missing at random, plus a one-hour agent outage on demo-train-05: coverage < 100 %, never filled.
        const outage = r.id === 'demo-train-05' && t - r.startSec >= 3 * HOUR_SEC && t - r.startSec < 4 * HOUR_SEC;
        if (outage || u01(seed, m * 7 + 1) < 0.01) {
          samples.push({ tSec: t, gpuUtilPct: null, gpuPowerW: null, cpuUtilPct: null, ...(r.kind === 'endpoint' ? { invocations: null } : {}) });
          continue;
        }
        const s = demoSample(r, t, seed, m, count, acc, measuredPower);
        samples.push({ tSec: t, ...s });
      }
      hosts.push({ host, periodSec, samples, instancesRepresented: r.kind === 'endpoint' ? undefined : 1 });
    }
    // Endpoint series are CloudWatch averages over instances: each sample stands for the instance count at that time.
    if (r.kind === 'endpoint') {
      const [h] = hosts;
      const perSample: HostSeries[] = [];
      const byCount = new Map<number, HostSample[]>();
      for (const s of h.samples) {
        const c = countAt(r, s.tSec);
        byCount.set(c, [...(byCount.get(c) ?? []), s]);
      }
      for (const [c, samples] of byCount) perSample.push({ host: h.host, periodSec, samples, instancesRepresented: c });
      hosts.splice(0, 1, ...perSample);
    }
    return {
      resourceKey: key,
      window: w,
      hosts,
      partial: w.endSec > now - SETTLING_SEC,
      issues: ['demo telemetry (synthetic, generated in-process)'],
    };
  }
}

const countAt = (r: ResourceRef, t: number): number => {
  let n = 0;
  for (const c of r.counts) if (c.atSec <= t) n = c.instanceCount;
  return n;
};

/** Synthetic sample shapes: training near saturation with eval dips; endpoints follow a daily traffic cycle. */
function demoSample(r: ResourceRef, t: number, seed: number, m: number, count: number, acc: DemoAccelerator, measuredPower: boolean): Omit<HostSample, 'tSec'> {
  const noise = (k: number) => u01(seed, m * 7 + k) - 0.5;
  const hourOfDay = (t % DAY_SEC) / HOUR_SEC;
  if (r.kind === 'training-job') {
    const sinceStart = t - r.startSec;
    const warmup = sinceStart < 600;
    const evalDip = Math.floor(sinceStart / 60) % 120 >= 114; // 6 min of evaluation every 2 h
    const util = warmup ? 5 + 10 * u01(seed, m) : evalDip ? 35 + 10 * noise(2) : 93 + 8 * noise(2);
    return { gpuUtilPct: clamp(util), gpuPowerW: null, cpuUtilPct: clamp(35 + 20 * noise(3)) };
  }
  // Daily cycle peaking around 15:00 UTC, plus a slower multi-day wobble.
  const traffic = 0.55 + 0.4 * Math.sin(((hourOfDay - 9) / 24) * 2 * Math.PI) + 0.05 * Math.sin(t / (3.3 * DAY_SEC));
  if (r.kind === 'endpoint') {
    const until = Number(r.tags[LIFECYCLE_DEMO_TAGS.trafficUntil] ?? NaN);
    if (Number.isFinite(until) && t >= until) {
      // Cold: model loaded, no requests (SageMaker then publishes no Invocations datapoint: absent = 0).
      return { gpuUtilPct: clamp(1 + 2 * u01(seed, m * 7 + 2)), gpuPowerW: null, cpuUtilPct: clamp(3 + 2 * noise(3)), invocations: null };
    }
    if (r.tags[LIFECYCLE_DEMO_TAGS.load] === 'low') {
      // Over-provisioned: an eighth of the usual traffic spread over the same instances.
      const perInstance = (0.12 * traffic) / Math.max(count, 1);
      return {
        gpuUtilPct: clamp(3 + 110 * perInstance + 2 * noise(2)),
        gpuPowerW: null,
        cpuUtilPct: clamp(6 + 40 * perInstance + 3 * noise(3)),
        invocations: Math.max(0, Math.round(600 * 0.12 * traffic * (1 + 0.2 * noise(4)))),
      };
    }
    const perInstance = traffic / Math.max(count, 1);
    return {
      gpuUtilPct: clamp(8 + 110 * perInstance + 6 * noise(2)),
      gpuPowerW: null,
      cpuUtilPct: clamp(10 + 40 * perInstance + 5 * noise(3)),
      invocations: Math.max(0, Math.round(600 * traffic * (1 + 0.2 * noise(4)))),
    };
  }
  const util = clamp(20 + 70 * traffic + 10 * noise(2));
  // Demo "measured" power: a concave function of utilisation between the GPU's idle and max. Demo only — not a reference.
  const perGpuW = acc.idleW + (acc.maxW - acc.idleW) * (0.8 * Math.pow(util / 100, 0.7) + 0.05 * noise(5));
  return { gpuUtilPct: util, gpuPowerW: measuredPower ? perGpuW * acc.count : null, cpuUtilPct: clamp(15 + 20 * noise(3)) };
}

const clamp = (x: number) => Math.max(0, Math.min(100, x));

/** DEMO-only tags that shape the generated telemetry of the lifecycle endpoints (never read outside the demo). */
export const LIFECYCLE_DEMO_TAGS = {
  managed: 'carbonpilot:managed',
  trafficUntil: 'carbonpilot:demo-traffic-until',
  load: 'carbonpilot:demo-load',
} as const;

export interface DemoLifecycleEndpoint {
  name: string;
  type: string;
  region: string;
  count: number;
  team: string;
  model: string;
  /** Invocations stop this many days before --now (the endpoint then idles); undefined = keeps serving. */
  trafficEndsDaysBeforeNow?: number;
  load?: 'low';
  tags: Record<string, string>;
}

/** DEMO DATA: the lifecycle endpoints (see buildDemoFleet). */
export const DEMO_LIFECYCLE_ENDPOINTS: readonly DemoLifecycleEndpoint[] = [
  { name: 'demo-legacy-summariser', type: 'ml.g5.2xlarge', region: 'us-east-1', count: 1, team: 'nlp', model: 'model-summariser-v1', trafficEndsDaysBeforeNow: 60, tags: { 'carbonpilot:cooling-after-days': '0.5', 'carbonpilot:cold-after-days': '1' } },
  { name: 'demo-ocr-v1', type: 'ml.g4dn.xlarge', region: 'eu-west-1', count: 1, team: 'vision', model: 'model-ocr-v1', trafficEndsDaysBeforeNow: 7, tags: { 'carbonpilot:lifecycle-mode': 'auto', 'carbonpilot:cooling-after-days': '1', 'carbonpilot:cold-after-days': '3' } },
  { name: 'demo-search-rerank', type: 'ml.g6.xlarge', region: 'eu-north-1', count: 1, team: 'speech', model: 'model-rerank', trafficEndsDaysBeforeNow: 1.5, tags: { 'carbonpilot:cooling-after-days': '1' } },
  { name: 'demo-fraud-scorer', type: 'ml.g5.xlarge', region: 'us-west-2', count: 1, team: 'recsys', model: 'model-fraud', trafficEndsDaysBeforeNow: 13, tags: { 'carbonpilot:keep-warm': 'true', 'carbonpilot:cooling-after-days': '1', 'carbonpilot:cold-after-days': '7' } },
  { name: 'demo-intent-classifier', type: 'ml.g5.12xlarge', region: 'ap-southeast-2', count: 2, team: 'nlp', model: 'model-intent', load: 'low', tags: {} },
];

/** DEMO DATA: a shadow test running on one lifecycle endpoint (its endpoint is never proposed). */
export const DEMO_SHADOW_TESTS: readonly { region: string; experimentName: string; endpointName: string }[] = [
  { region: 'eu-north-1', experimentName: 'demo-rerank-v2-shadow', endpointName: 'demo-search-rerank' },
];

export interface DemoModelPackage {
  group: string;
  version: number;
  region: string;
  createdDaysBeforeNow: number;
  /** The demo endpoint serving it (its model is created from this package); undefined = none. */
  servedBy?: string;
  /** When a since-deleted endpoint last served it (demo history), days before --now. */
  lastLiveDaysBeforeNow?: number;
  tags: Record<string, string>;
}

/** DEMO DATA: a small Model Registry — packages behind live endpoints, one behind a cold one, one frozen. */
export const DEMO_MODEL_PACKAGES: readonly DemoModelPackage[] = [
  { group: 'demo-llama-ft', version: 3, region: 'us-east-1', createdDaysBeforeNow: 40, servedBy: 'demo-chat-llm', tags: { team: 'nlp', 'carbonpilot:managed': 'true' } },
  { group: 'demo-summariser', version: 1, region: 'us-east-1', createdDaysBeforeNow: 200, servedBy: 'demo-legacy-summariser', tags: { team: 'nlp', 'carbonpilot:managed': 'true' } },
  { group: 'demo-ocr', version: 1, region: 'eu-west-1', createdDaysBeforeNow: 150, servedBy: 'demo-ocr-v1', tags: { team: 'vision', 'carbonpilot:managed': 'true' } },
  { group: 'demo-vit-legacy', version: 2, region: 'eu-west-1', createdDaysBeforeNow: 210, lastLiveDaysBeforeNow: 120, tags: { team: 'vision', 'carbonpilot:managed': 'true' } },
];
// ---- DEMO: variants serving a published model profile (model optimisation demo) ----------------------------------

/** What a variant serves from `fromSec` on (the local SageMaker stand-in knows it from its endpoint configs and experiments). */
export interface DemoServing {
  fromSec: EpochSec;
  /** Published figures of the configuration served (shared/adapters/local/demo-optimisation-profiles.ts). */
  profile: { gpusPerReplica: number; benchPowerW: number; energyPerRequestJ: number };
  instanceCount: number;
  /** Requests per second the endpoint receives at the daily peak. */
  peakRps: number;
  /** Share of those the variant serves (1 for the only production variant; SamplingPercentage/100 for a shadow). */
  share: number;
  /** Production and shadow variants of one endpoint see the same requests: the traffic is seeded per endpoint. */
  trafficSeed: string;
}

/** DEMO requests per second of an endpoint at `t`: daily cycle peaking ~15:00 UTC, minute noise seeded per endpoint. */
export function demoServedRps(peakRps: number, trafficSeed: string, t: number): number {
  const hourOfDay = (t % DAY_SEC) / HOUR_SEC;
  const shape = 0.55 + 0.4 * Math.sin(((hourOfDay - 9) / 24) * 2 * Math.PI) + 0.05 * Math.sin(t / (3.3 * DAY_SEC));
  return Math.max(0, peakRps * shape * (1 + 0.1 * (u01(fnv1a(trafficSeed), Math.floor(t / 60)) - 0.5)));
}

/**
 * One minute of a variant serving a profile. Each replica draws power between the GPU's floor and the published
 * benchmark power in proportion to its load (requests ÷ the benchmark's request rate = power ÷ energy per request);
 * GPUs holding no replica sit at the floor. The GPU utilisation reported is the power model's inverse (floor and busy
 * points of shared/domain/power/power-model.ts), so the footprint pipeline's estimate lands on the published power.
 */
export function demoServedModelSample(t: number, s: DemoServing, acc: DemoAccelerator, seed: number, m: number): Omit<HostSample, 'tSec'> {
  const rps = demoServedRps(s.peakRps, s.trafficSeed, t) * s.share;
  const f = ACCELERATOR_STATE_FRACTIONS;
  const floorW = Math.max(acc.idleW, f.floor.point * acc.maxW);
  const busyW = Math.max(floorW, f.busy.point * acc.maxW);
  const replicas = Math.max(1, Math.floor(acc.count / s.profile.gpusPerReplica));
  const used = Math.min(acc.count, replicas * s.profile.gpusPerReplica);
  const benchRps = s.profile.benchPowerW / s.profile.energyPerRequestJ;
  const load = Math.min(1, rps / Math.max(s.instanceCount, 1) / (replicas * benchRps));
  const replicaGpuW = floorW + (s.profile.benchPowerW / s.profile.gpusPerReplica - floorW) * load;
  const meanGpuW = (used * replicaGpuW + (acc.count - used) * floorW) / acc.count;
  return {
    gpuUtilPct: clamp((100 * (meanGpuW - floorW)) / (busyW - floorW)),
    gpuPowerW: null,
    cpuUtilPct: clamp(8 + 25 * load + 4 * (u01(seed, m * 7 + 3) - 0.5)),
    // CloudWatch Invocations (Sum) of the variant over all its instances.
    invocations: Math.round(rps * 60),
  };
}

/** The served variant's telemetry: one averaged series per instance count, as CloudWatch reports endpoints. */
function servedModelSeries(r: ResourceRef, timeline: DemoServing[], w: Window, periodSec: number, now: number, acceleratorOf: (t: string) => DemoAccelerator | undefined): ResourceTelemetry {
  const key = resourceKey(r);
  const seed = fnv1a(`${key}|served`);
  const acc = acceleratorOf(r.instanceType) ?? { count: 1, idleW: 50, maxW: 300 };
  const byCount = new Map<number, HostSample[]>();
  for (let t = Math.ceil(w.startSec / periodSec) * periodSec; t < w.endSec && t < now; t += periodSec) {
    if (t < r.startSec || (r.endSec !== undefined && t >= r.endSec)) continue;
    let s: DemoServing | undefined;
    for (const x of timeline) if (x.fromSec <= t) s = x; // timelines are in time order
    if (!s || s.instanceCount === 0) continue;
    const sample = { tSec: t, ...demoServedModelSample(t, s, acc, seed, Math.floor(t / 60)) };
    const list = byCount.get(s.instanceCount);
    if (list) list.push(sample);
    else byCount.set(s.instanceCount, [sample]);
  }
  return {
    resourceKey: key,
    window: w,
    hosts: [...byCount].map(([c, samples]) => ({ host: r.id, periodSec, samples, instancesRepresented: c })),
    partial: w.endSec > now - SETTLING_SEC,
    issues: ['demo telemetry (synthetic: generated from published per-configuration measurements)'],
  };
}
