/**
 * A synthetic fleet for the query benchmark and the roll-up tests: N resources (training jobs, endpoints, EC2 GPU
 * instances) across teams, regions, projects and models, with hourly footprint intervals generated on demand,
 * deterministically from a seed. Labelled demo. The numbers are arbitrary but exercise every figure the reports and
 * KPIs read: measured and estimated energy, partial telemetry coverage, hours without telemetry, invocations (and
 * endpoint hours without them), embodied figures (computed, unmodelled, not computed), provisional intervals,
 * several intensity sources and qualities, one re-tagged resource, and resources starting or ending mid-window.
 */
import { DAY_SEC, HOUR_SEC } from '../../shared/domain/time';
import { resourceKey, type FootprintInterval, type ResourceKind, type ResourceRef } from '../../shared/domain/types';

export interface FleetOptions {
  resources: number;
  /** First UTC day (epoch s, 00:00) and number of days. */
  startSec: number;
  days: number;
  seed?: number;
  teams?: number;
}

export interface FleetResource {
  ref: ResourceRef;
  index: number;
  team: string;
  project: string;
  model: string;
  /** Hours (from startSec) the resource has intervals in: [fromHour, toHour). */
  fromHour: number;
  toHour: number;
}

const REGIONS = [
  { region: 'us-east-1', zone: 'US-MIDA-PJM' },
  { region: 'eu-west-1', zone: 'IE' },
  { region: 'eu-north-1', zone: 'SE-SE3' },
  { region: 'us-west-2', zone: 'US-NW-BPAT' },
  { region: 'ap-northeast-1', zone: 'JP-TK' },
];
const KINDS: ResourceKind[] = ['ec2-instance', 'ec2-instance', 'endpoint', 'endpoint', 'training-job'];

/** A fast deterministic hash → [0, 1) (mulberry32 of a mixed key). */
function rand(a: number, b: number, c: number): number {
  let t = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be59b, 0xc2b2ae35) ^ Math.imul(c + 0x7f4a7c15, 0x27d4eb2f)) >>> 0;
  t = (t + 0x6d2b79f5) >>> 0;
  let r = Math.imul(t ^ (t >>> 15), 1 | t);
  r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
  return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
}

/** The fleet's resources (inventory records, all labelled demo); one more, discovered but never reporting, at the end. */
export function fleetResources(o: FleetOptions): FleetResource[] {
  const seed = o.seed ?? 1;
  const teams = o.teams ?? Math.max(3, Math.min(25, Math.round(Math.sqrt(o.resources) / 4)));
  const totalHours = o.days * 24;
  const out: FleetResource[] = [];
  for (let k = 0; k < o.resources; k++) {
    const kind = KINDS[k % KINDS.length];
    const { region } = REGIONS[Math.floor(rand(seed, k, 1) * REGIONS.length)];
    const team = `team-${String(Math.floor(rand(seed, k, 2) * teams)).padStart(2, '0')}`;
    const project = `proj-${Math.floor(rand(seed, k, 3) * 4)}`;
    const model = kind === 'ec2-instance' ? 'untagged' : `model-${Math.floor(rand(seed, k, 4) * 6)}`;
    const id = kind === 'endpoint' ? `ep-${k}/AllTraffic` : kind === 'training-job' ? `train-${k}` : `i-${(0x1000000 + k).toString(16)}`;
    // Most resources run the whole window; every 7th starts late and every 11th ends early.
    const fromHour = k % 7 === 3 ? Math.floor(rand(seed, k, 5) * totalHours * 0.5) : 0;
    const toHour = k % 11 === 5 ? Math.max(fromHour + 1, Math.floor(totalHours - rand(seed, k, 6) * totalHours * 0.5)) : totalHours;
    const ref: ResourceRef = {
      kind, id, region, instanceType: kind === 'ec2-instance' ? 'p4d.24xlarge' : 'ml.p4d.24xlarge',
      counts: [{ atSec: o.startSec + fromHour * HOUR_SEC, instanceCount: 1 }],
      startSec: o.startSec + fromHour * HOUR_SEC, ...(toHour < totalHours ? { endSec: o.startSec + toHour * HOUR_SEC } : {}),
      status: 'InService', tags: { team, project, model }, demo: true,
    };
    out.push({ ref, index: k, team, project, model, fromHour, toHour });
  }
  return out;
}

/** A resource discovered by the inventory that never reported telemetry (no intervals): lowers monitoring coverage. */
export const silentResource = (o: FleetOptions): ResourceRef => ({
  kind: 'ec2-instance', id: 'i-silent', region: 'eu-west-1', instanceType: 'p4d.24xlarge', counts: [{ atSec: o.startSec, instanceCount: 1 }],
  startSec: o.startSec, status: 'running', tags: { team: 'team-00' }, demo: true,
});

/** The intervals of one resource and UTC day (day index from the fleet start). */
export function resourceDayIntervals(o: FleetOptions, r: FleetResource, day: number, out: FootprintInterval[] = []): FootprintInterval[] {
  const seed = o.seed ?? 1;
  const { ref } = r;
  const key = resourceKey(ref);
  const zone = REGIONS.find((x) => x.region === ref.region)!.zone;
  for (let h = 0; h < 24; h++) {
    const hour = day * 24 + h;
    if (hour < r.fromHour || hour >= r.toHour) continue;
    const t = o.startSec + hour * HOUR_SEC;
    const u = rand(seed, r.index, hour + 1000);
    const v = rand(seed, r.index, hour + 900_000);
    const noTelemetry = u < 0.02;
    const coveragePct = noTelemetry ? 0 : u < 0.1 ? 50 + 50 * v : 100;
    const measured = ref.kind === 'ec2-instance' && r.index % 3 === 0;
    const itKwh = noTelemetry ? 0 : (2 + 4 * v) * (coveragePct / 100);
    const pue = 1.1 + 0.05 * (r.index % 3);
    const e = itKwh * pue;
    const g = 150 + 300 * rand(seed, REGIONS.findIndex((x) => x.region === ref.region), hour); // per region and hour
    const c = (e * g) / 1000;
    const spread = measured ? 0 : 0.3;
    // The 6th resource is re-tagged half-way through: its intervals carry two attributions.
    const team = r.index === 5 && hour >= (o.days * 24) / 2 ? 'team-retagged' : r.team;
    const emb = r.index % 5 === 4 ? undefined : (0.02 + 0.01 * v) * (coveragePct > 0 ? 1 : 0.5);
    out.push({
      resourceKey: key, kind: ref.kind, resourceId: ref.id, region: ref.region, instanceType: ref.instanceType,
      attribution: { team, project: r.project, model: r.model },
      intervalStartSec: t, intervalSec: HOUR_SEC,
      itEnergyKwh: { point: itKwh, low: itKwh * (1 - spread), high: itKwh * (1 + spread) },
      pue, pueSource: 'synthetic (bench)',
      energyKwh: { point: e, low: e * (1 - spread), high: e * (1 + spread) },
      co2eKg: { point: c, low: c * (1 - spread), high: c * (1 + spread) },
      intensityGPerKwh: g, intensitySignal: 'average-lifecycle', intensityZone: zone,
      intensityProvider: u > 0.97 ? 'yearly average (@tgwf/co2)' : 'demo (synthetic)', intensityQuality: u > 0.97 ? 'yearly-average' : 'demo',
      method: noTelemetry ? 'no-telemetry' : measured ? 'measured' : 'estimated',
      measuredShare: measured && !noTelemetry ? 1 : 0, coveragePct,
      ...(noTelemetry || (ref.kind === 'ec2-instance' && measured && v < 0.5) ? {} : { meanGpuUtilPct: 20 + 70 * v }),
      ...(ref.kind === 'endpoint' && u > 0.05 ? { invocations: Math.floor(1000 + 20_000 * v) } : {}),
      modelVersion: 'synthetic', provisional: hour === r.toHour - 1 && r.toHour === o.days * 24, revision: 1, issues: [], demo: true,
      ...(emb === undefined
        ? r.index % 10 === 4 ? { embodiedStatus: 'unmodelled' as const } : {}
        : { embodiedKgCo2e: { point: emb, low: emb * 0.7, high: emb * 1.4 }, embodiedStatus: 'computed' as const, embodiedModelVersion: 'synthetic-v1', embodiedBasis: { platform: 'p4d', allocation: 'accelerator-share' as const, share: 1, lifetimeYears: 6, reservedInstanceHours: 1 } }),
    });
  }
  return out;
}

/** Every interval of one UTC day (day index from the fleet start), in resource order. */
export function fleetDayIntervals(o: FleetOptions, fleet: readonly FleetResource[], day: number): FootprintInterval[] {
  const out: FootprintInterval[] = [];
  for (const r of fleet) resourceDayIntervals(o, r, day, out);
  return out;
}

export const fleetDaySec = (o: FleetOptions, day: number): number => o.startSec + day * DAY_SEC;
