/**
 * The simulated AWS account of the emulated end-to-end run: SageMaker training jobs and endpoints and EC2 GPU
 * instances in two regions, their lifecycle over the run (an endpoint deleted mid-run, an instance stopped and
 * restarted, jobs that start and finish, jobs CarbonPilot launches), their CloudWatch telemetry minute by minute,
 * and the service events AWS would emit. Everything is deterministic. The ground truth (`expectedIntervals`) is the
 * pure footprint computation on the true telemetry and the true resource histories — independent of every adapter
 * under test (inventory, CloudWatch parsing, cursors, stores).
 */
import { computeInterval } from '../../shared/domain/footprint/compute-interval';
import { resolveAttribution, DEFAULT_ATTRIBUTION_KEYS } from '../../shared/domain/attribution';
import { lookupInstance } from '../../shared/domain/power/instance-catalog';
import { getRegionInfo } from '../../shared/domain/regions/region-catalog';
import type { HostSample, ResourceRef, ResourceTelemetry } from '../../shared/domain/types';
import { ACCOUNT } from './assembly';
import { fnv1a, u01 as demoU01 } from '../../shared/adapters/local/demo-fleet';

export const MIN = 60;
export const H = 3600;

/** Deterministic uniform [0,1) per (seed string, n): the demo fleet's generator. */
const u01 = (seed: string, n: number): number => demoU01(fnv1a(seed), n);

export interface StatusChange {
  atSec: number;
  status: string;
}

export interface SimTrainingJob {
  kind: 'training-job';
  name: string;
  region: string;
  instanceType: string;
  instanceCount: number;
  createdSec: number;
  /** Training start (after provisioning) and end. */
  startSec: number;
  endSec: number;
  statuses: StatusChange[];
  tags: Record<string, string>;
  /** The CreateTrainingJob request CarbonPilot sent (jobs it launched). */
  request?: Record<string, unknown>;
  launchedByCarbonPilot: boolean;
  /** The emulation drops this job's Completed event (the reconcile must find it). */
  loseCompletionEvent?: boolean;
  stopped?: boolean;
}

export interface SimEndpoint {
  kind: 'endpoint';
  name: string;
  region: string;
  createdSec: number;
  /** DeleteEndpoint: DELETING at this instant, gone from List/Describe 10 minutes later. */
  deletedSec?: number;
  variants: { name: string; instanceType: string; count: number }[];
  tags: Record<string, string>;
}

export interface SimInstance {
  kind: 'ec2-instance';
  id: string;
  region: string;
  instanceType: string;
  /** Running periods [start, end); the last may be open. */
  running: { startSec: number; endSec?: number }[];
  tags: Record<string, string>;
  /** The CloudWatch agent publishes nvidia_smi_power_draw (measured board power) and an InstanceId roll-up series. */
  agentPower: boolean;
  agentRollup: boolean;
}

export interface ServiceEvent {
  region: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  atSec: number;
  resources: string[];
  /** Dropped by the emulation (a lost event). */
  lost?: boolean;
}

const gpusOf = (t: string) => lookupInstance(t)?.acceleratorCount ?? 0;
const vcpusOf = (t: string) => lookupInstance(t)?.vcpus ?? 1;

export class World {
  readonly trainingJobs: SimTrainingJob[] = [];
  readonly endpoints: SimEndpoint[] = [];
  readonly instances: SimInstance[] = [];
  /** S3 buckets and their regions (GetBucketLocation). */
  readonly buckets = new Map<string, string>();
  readonly objects = new Map<string, string>();
  private readonly events: ServiceEvent[] = [];
  private emittedUpTo = -Infinity;

  constructor(
    readonly t0: number,
    readonly homeRegion: string,
    readonly otherRegion: string,
  ) {
    const [home, other] = [homeRegion, otherRegion];
    this.buckets.set('e2e-data-home', home);
    this.buckets.set('e2e-data-other', other);
    // Pre-existing workloads (not launched by CarbonPilot).
    this.addTrainingJob({ name: 'e2e-llm-pretrain', region: home, instanceType: 'ml.p4d.24xlarge', instanceCount: 2, createdSec: t0 + 2 * H - 10 * MIN, startSec: t0 + 2 * H, endSec: t0 + 20 * H, tags: { team: 'nlp', model: 'llm-7b' } });
    this.addTrainingJob({ name: 'e2e-vision-ft', region: other, instanceType: 'ml.g5.12xlarge', instanceCount: 1, createdSec: t0 + 5 * H - 7 * MIN, startSec: t0 + 5 * H, endSec: t0 + 30 * H + 25 * MIN, tags: { team: 'vision' } });
    this.endpoints.push({ kind: 'endpoint', name: 'e2e-chat', region: home, createdSec: t0 - 24 * H, variants: [{ name: 'AllTraffic', instanceType: 'ml.g5.12xlarge', count: 2 }], tags: { team: 'nlp' } });
    this.endpoints.push({
      kind: 'endpoint',
      name: 'e2e-asr',
      region: other,
      createdSec: t0 - 24 * H,
      deletedSec: t0 + 20 * H + 17 * MIN,
      variants: [
        { name: 'blue', instanceType: 'ml.g5.2xlarge', count: 1 },
        { name: 'green', instanceType: 'ml.g6.2xlarge', count: 1 },
      ],
      tags: { team: 'speech' },
    });
    this.instances.push({ kind: 'ec2-instance', id: 'i-0e2e00000000000p4d', region: home, instanceType: 'p4d.24xlarge', running: [{ startSec: t0 - 48 * H }], tags: { team: 'research' }, agentPower: true, agentRollup: true });
    this.instances.push({
      kind: 'ec2-instance',
      id: 'i-0e2e000000000000g5',
      region: other,
      instanceType: 'g5.xlarge',
      running: [{ startSec: t0 - 48 * H, endSec: t0 + 10 * H + 3 * MIN }, { startSec: t0 + 22 * H + 41 * MIN }],
      tags: { team: 'recsys' },
      agentPower: true,
      agentRollup: true,
    });
    for (const e of this.endpoints) if (e.deletedSec !== undefined) this.emit({ region: e.region, source: 'aws.sagemaker', detailType: 'SageMaker Endpoint State Change', atSec: e.deletedSec, resources: [this.endpointArn(e)], detail: { EndpointName: e.name, EndpointArn: this.endpointArn(e), EndpointStatus: 'DELETING', CreationTime: e.createdSec * 1000, LastModifiedTime: e.deletedSec * 1000, Tags: e.tags } });
    for (const i of this.instances) {
      i.running.forEach((p, k) => {
        if (k > 0) {
          this.ec2Event(i, 'pending', p.startSec - MIN);
          this.ec2Event(i, 'running', p.startSec);
        }
        if (p.endSec !== undefined) {
          this.ec2Event(i, 'stopping', p.endSec);
          this.ec2Event(i, 'stopped', p.endSec + 2 * MIN);
        }
      });
    }
  }

  /** A training job (pre-existing, or launched by CreateTrainingJob) with its status events. */
  addTrainingJob(j: Omit<SimTrainingJob, 'kind' | 'statuses' | 'launchedByCarbonPilot'> & { launchedByCarbonPilot?: boolean }): SimTrainingJob {
    const job: SimTrainingJob = { kind: 'training-job', launchedByCarbonPilot: false, ...j, statuses: [{ atSec: j.createdSec, status: 'InProgress' }, { atSec: j.endSec, status: 'Completed' }] };
    this.trainingJobs.push(job);
    this.trainingEvent(job, 'InProgress', j.createdSec);
    this.trainingEvent(job, 'Completed', j.endSec, j.loseCompletionEvent);
    return job;
  }

  stopTrainingJob(job: SimTrainingJob, atSec: number): void {
    if (job.stopped || atSec >= job.endSec) return;
    job.stopped = true;
    job.endSec = atSec;
    job.statuses = [...job.statuses.filter((s) => s.atSec < atSec && s.status === 'InProgress'), { atSec, status: 'Stopping' }, { atSec: atSec + MIN, status: 'Stopped' }];
    for (const e of this.events) if (e.detail.TrainingJobName === job.name && e.detail.TrainingJobStatus === 'Completed') e.lost = true;
    this.trainingEvent(job, 'Stopped', atSec + MIN);
  }

  statusAt(job: SimTrainingJob, tSec: number): string | undefined {
    let s: string | undefined;
    for (const c of job.statuses) if (c.atSec <= tSec) s = c.status;
    return s;
  }

  trainingArn = (j: { region: string; name: string }) => `arn:aws:sagemaker:${j.region}:${ACCOUNT}:training-job/${j.name.toLowerCase()}`;
  endpointArn = (e: { region: string; name: string }) => `arn:aws:sagemaker:${e.region}:${ACCOUNT}:endpoint/${e.name.toLowerCase()}`;

  private trainingEvent(job: SimTrainingJob, status: string, atSec: number, lost = false) {
    // Shape: SageMaker developer guide, "Events that Amazon SageMaker AI sends to Amazon EventBridge", training job
    // state change (detail = the DescribeTrainingJob fields; we send the ones CarbonPilot reads plus a few).
    this.emit({
      region: job.region,
      source: 'aws.sagemaker',
      detailType: 'SageMaker Training Job State Change',
      atSec,
      lost,
      resources: [this.trainingArn(job)],
      detail: { TrainingJobName: job.name, TrainingJobArn: this.trainingArn(job), TrainingJobStatus: status, SecondaryStatus: status === 'InProgress' ? 'Starting' : status, ResourceConfig: { InstanceType: job.instanceType, InstanceCount: job.instanceCount, VolumeSizeInGB: 50 }, Tags: job.tags },
    });
  }

  private ec2Event(i: SimInstance, state: string, atSec: number) {
    // Shape: Amazon EC2 user guide, "EC2 instance state change events" (detail: instance-id, state).
    this.emit({ region: i.region, source: 'aws.ec2', detailType: 'EC2 Instance State-change Notification', atSec, resources: [`arn:aws:ec2:${i.region}:${ACCOUNT}:instance/${i.id}`], detail: { 'instance-id': i.id, state } });
  }

  private emit(e: ServiceEvent) {
    this.events.push(e);
  }

  /** Service events due in (emittedUpTo, nowSec], oldest first (not the lost ones). */
  dueEvents(nowSec: number): ServiceEvent[] {
    const out = this.events.filter((e) => e.atSec > this.emittedUpTo && e.atSec <= nowSec && !e.lost).sort((a, b) => a.atSec - b.atSec);
    this.emittedUpTo = nowSec;
    return out;
  }

  // ---- truth over time --------------------------------------------------------------------------

  endpointVisible(e: SimEndpoint, nowSec: number): boolean {
    return e.createdSec <= nowSec && (e.deletedSec === undefined || nowSec < e.deletedSec + 10 * MIN);
  }

  instanceState(i: SimInstance, nowSec: number): { state: string; launchSec: number; stoppedAtSec?: number } {
    let last = i.running[0];
    for (const p of i.running) if (p.startSec <= nowSec) last = p;
    if (last.endSec !== undefined && nowSec >= last.endSec) return { state: nowSec >= last.endSec + 2 * MIN ? 'stopped' : 'stopping', launchSec: last.startSec, stoppedAtSec: last.endSec };
    return { state: nowSec < last.startSec ? 'pending' : 'running', launchSec: last.startSec };
  }

  private instanceRunning(i: SimInstance, t: number): boolean {
    return i.running.some((p) => t >= p.startSec && (p.endSec === undefined || t < p.endSec));
  }

  /** Per-GPU utilisation %, per-GPU power W and CPU utilisation % of one host at minute `t` (the truth). */
  sample(key: string, t: number, instanceType: string, load: 'training' | 'serving' | 'mixed'): { gpuUtilPct: number; gpuPowerW: number; cpuUtilPct: number; invocations: number } {
    const m = Math.floor(t / MIN);
    const hour = ((t % 86400) / H);
    const acc = lookupInstance(instanceType)?.accelerator ?? { idleW: 50, maxW: 300 };
    const noise = u01(key, m) - 0.5;
    const util =
      load === 'training' ? 88 + 10 * noise : load === 'serving' ? 30 + 25 * Math.sin(((hour - 9) / 24) * 2 * Math.PI) + 8 * noise : 55 + 30 * noise;
    const gpuUtilPct = Math.max(0, Math.min(100, util));
    // Demo-style board power between the accelerator's idle and maximum (emulation only; not a reference curve).
    const gpuPowerW = acc.idleW + (acc.maxW - acc.idleW) * Math.pow(gpuUtilPct / 100, 0.8);
    return { gpuUtilPct, gpuPowerW, cpuUtilPct: Math.max(0, Math.min(100, 30 + 20 * noise)), invocations: load === 'serving' ? Math.round(400 + 300 * (util / 100)) : 0 };
  }

  /** Is minute `t` of this resource/host live, and which load profile? */
  hostLive(r: SimTrainingJob | SimEndpoint | SimInstance, t: number): boolean {
    if (r.kind === 'training-job') return t >= r.startSec && t < r.endSec;
    if (r.kind === 'endpoint') return t >= r.createdSec && (r.deletedSec === undefined || t < r.deletedSec);
    return this.instanceRunning(r, t);
  }

  // ---- ground truth ----------------------------------------------------------------------------

  /** The true ResourceRef of a resource (what a perfect inventory would know). */
  truthRefs(): { ref: ResourceRef; sim: SimTrainingJob | SimEndpoint | SimInstance; variant?: SimEndpoint['variants'][number] }[] {
    const out: { ref: ResourceRef; sim: SimTrainingJob | SimEndpoint | SimInstance; variant?: SimEndpoint['variants'][number] }[] = [];
    for (const j of this.trainingJobs) {
      out.push({ sim: j, ref: { kind: 'training-job', id: j.name, region: j.region, instanceType: j.instanceType, counts: [{ atSec: j.startSec, instanceCount: j.instanceCount }], startSec: j.startSec, endSec: j.endSec, status: 'Completed', tags: j.tags } });
    }
    for (const e of this.endpoints) {
      for (const v of e.variants) {
        out.push({ sim: e, variant: v, ref: { kind: 'endpoint', id: `${e.name}/${v.name}`, region: e.region, instanceType: v.instanceType, counts: [{ atSec: e.createdSec, instanceCount: v.count }], startSec: e.createdSec, ...(e.deletedSec !== undefined ? { endSec: e.deletedSec } : {}), status: 'InService', tags: e.tags } });
      }
    }
    for (const i of this.instances) {
      const counts = i.running.flatMap((p) => [{ atSec: p.startSec, instanceCount: 1 }, ...(p.endSec !== undefined ? [{ atSec: p.endSec, instanceCount: 0 }] : [])]);
      out.push({ sim: i, ref: { kind: 'ec2-instance', id: i.id, region: i.region, instanceType: i.instanceType, counts, startSec: i.running[0].startSec, status: 'running', tags: i.tags } });
    }
    return out;
  }

  /** The true energy of every resource-hour that starts in [fromSec, toSec), by resource key. */
  expectedEnergyKwh(fromSec: number, toSec: number): { total: number; byResource: Map<string, number>; hours: number } {
    const byResource = new Map<string, number>();
    let total = 0;
    let hours = 0;
    for (const { ref, sim } of this.truthRefs()) {
      const info = getRegionInfo(ref.region)!;
      const spec = lookupInstance(ref.instanceType);
      const gpus = gpusOf(ref.instanceType);
      const load = ref.kind === 'training-job' ? 'training' : ref.kind === 'endpoint' ? 'serving' : 'mixed';
      const nHosts = ref.kind === 'training-job' ? ref.counts[0].instanceCount : 1;
      for (let h = Math.max(fromSec, Math.floor(ref.startSec / H) * H); h < toSec && (ref.endSec === undefined || h < ref.endSec); h += H) {
        const hosts = Array.from({ length: nHosts }, (_, k) => {
          const host = ref.kind === 'training-job' ? `${ref.id}/algo-${k + 1}` : ref.id;
          const samples: HostSample[] = [];
          for (let t = h; t < h + H; t += MIN) {
            if (!this.hostLive(sim, t)) continue;
            const s = this.sample(host, t, ref.instanceType, load);
            samples.push({
              tSec: t,
              gpuUtilPct: gpus > 0 ? s.gpuUtilPct : null,
              gpuPowerW: ref.kind === 'ec2-instance' && (sim as SimInstance).agentPower ? s.gpuPowerW * gpus : null,
              cpuUtilPct: s.cpuUtilPct,
              ...(ref.kind === 'endpoint' ? { invocations: s.invocations } : {}),
            });
          }
          return { host, periodSec: MIN, samples, ...(ref.kind === 'endpoint' ? { instancesRepresented: ref.counts[0].instanceCount } : {}) };
        });
        const telemetry: ResourceTelemetry = { resourceKey: '', window: { startSec: h, endSec: h + H }, hosts, partial: false, issues: [] };
        const iv = computeInterval({
          resource: ref,
          spec,
          attribution: resolveAttribution(ref.tags, DEFAULT_ATTRIBUTION_KEYS),
          interval: { startSec: h, endSec: h + H },
          telemetry,
          pue: info.pue,
          pueSource: info.pueSource,
          intensity: { gPerKwh: 0, signal: 'average-lifecycle', zone: info.emZone, provider: 'truth', quality: 'actual' },
        });
        const key = `${ref.kind}#${ref.region}#${ref.id}`;
        byResource.set(key, (byResource.get(key) ?? 0) + iv.energyKwh.point);
        total += iv.energyKwh.point;
        hours++;
      }
    }
    return { total, byResource, hours };
  }

  // ---- CloudWatch -------------------------------------------------------------------------------

  /**
   * Datapoints of one metric query as CloudWatch would return them for the signed region (a resource of another
   * region is invisible there). `ingestedUpToSec`: minutes after it are not yet visible (ingestion delay).
   */
  metricValues(q: MetricQuery, signedRegion: string, startSec: number, endSec: number, ingestedUpToSec: number): { ts: number[]; values: number[]; wrongRegion: boolean } {
    const ts: number[] = [];
    const values: number[] = [];
    const resolveTarget = (): { sim: SimTrainingJob | SimEndpoint | SimInstance; host: string; instanceType: string; load: 'training' | 'serving' | 'mixed' } | undefined => {
      if (q.kind === 'stat' && q.namespace === '/aws/sagemaker/TrainingJobs') {
        const [job, algo] = (q.dims.Host ?? '').split('/algo-');
        const j = this.trainingJobs.find((x) => x.name === job);
        return j && Number(algo) >= 1 && Number(algo) <= j.instanceCount ? { sim: j, host: q.dims.Host, instanceType: j.instanceType, load: 'training' } : undefined;
      }
      if (q.kind === 'stat' && (q.namespace === '/aws/sagemaker/Endpoints' || q.namespace === 'AWS/SageMaker')) {
        const e = this.endpoints.find((x) => x.name === q.dims.EndpointName);
        const v = e?.variants.find((x) => x.name === q.dims.VariantName);
        return e && v ? { sim: e, host: `${e.name}/${v.name}`, instanceType: v.instanceType, load: 'serving' } : undefined;
      }
      const id = q.kind === 'stat' ? q.dims.InstanceId : q.instanceId;
      const i = this.instances.find((x) => x.id === id);
      return i ? { sim: i, host: i.id, instanceType: i.instanceType, load: 'mixed' } : undefined;
    };
    const target = resolveTarget();
    if (!target) return { ts, values, wrongRegion: false };
    if (target.sim.region !== signedRegion) return { ts, values, wrongRegion: true };
    const gpus = gpusOf(target.instanceType);
    for (let t = Math.ceil(startSec / MIN) * MIN; t < endSec && t + MIN <= ingestedUpToSec; t += MIN) {
      if (!this.hostLive(target.sim, t)) continue;
      const s = this.sample(target.host, t, target.instanceType, target.load);
      let v: number | undefined;
      if (q.kind === 'stat') {
        if (q.metric === 'GPUUtilization') v = gpus > 0 ? s.gpuUtilPct * gpus : undefined; // SageMaker: 0–100 × GPUs
        else if (q.metric === 'CPUUtilization') v = q.namespace === 'AWS/EC2' ? s.cpuUtilPct : s.cpuUtilPct * vcpusOf(target.instanceType); // SageMaker: × vCPUs
        else if (q.metric === 'Invocations') v = s.invocations;
      } else {
        const inst = target.sim as SimInstance;
        if (q.metric === 'nvidia_smi_power_draw' && !inst.agentPower) continue;
        // Per-GPU series (index 0…n-1), plus the agent's InstanceId roll-up (aggregation_dimensions) which only an
        // unbound SEARCH also matches: it carries the average over GPUs.
        const perGpu = q.metric === 'nvidia_smi_power_draw' ? s.gpuPowerW : s.gpuUtilPct;
        const series = gpus + (inst.agentRollup && !q.schemaBound ? 1 : 0);
        v = q.reducer === 'SUM' ? perGpu * series : perGpu; // AVG of identical series is the per-GPU value
      }
      if (v === undefined) continue;
      ts.push(t);
      values.push(v);
    }
    // CloudWatch's default order: TimestampDescending.
    ts.reverse();
    values.reverse();
    return { ts, values, wrongRegion: false };
  }
}

export type MetricQuery =
  | { kind: 'stat'; namespace: string; metric: string; dims: Record<string, string> }
  | { kind: 'search'; metric: string; instanceId: string; reducer: 'SUM' | 'AVG'; schemaBound: boolean };
