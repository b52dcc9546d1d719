/**
 * DEMO launcher: records "launched" SageMaker training jobs as demo ResourceRefs (kind training-job) instead of
 * calling SageMaker. `DemoInventory`'s `extra` hook lists them, so the footprint pipeline measures them with the
 * demo telemetry like any other job. A job completes after its remaining work (tag carbonpilot:remaining-work-sec);
 * `stateChangesUpTo(now)` returns the SageMaker state changes the runtime should deliver to the dispatcher.
 *
 * Like SageMaker, it remembers what it launched: `npm start` keeps the jobs in the local store (LaunchedJobRepo in
 * local-durable-state.ts), so after a crash a launched job is still running or has finished, never forgotten.
 */
import type { ResourceRef } from '../../domain/types';
import type { Clock } from '../../ports';
import { CapacityError, type LocationVerifier, type TrainingJobStatusReport, type TrainingLauncher } from '../../ports/scheduler-ports';
import { bucketOf, ecrImageRegion, type RegionLocalRefs } from '../../domain/scheduler/region-request';
import type { EpochSec } from '../../domain/time';
import { JOB_API_VERSION, JobRequest, type TrainingJobStateChange } from '../../contracts/job-request';
import { InMemoryLaunchedJobs, type LaunchedJob, type LaunchedJobRepo } from './local-durable-state';

export type LocalStateChange = TrainingJobStateChange & { region: string; atSec: EpochSec };

/** The job as SageMaker would describe it at `now`: running, stopped by the dispatcher, or completed after its work. */
const refAt = (j: LaunchedJob, now: EpochSec): ResourceRef => {
  if (j.stoppedAtSec !== undefined) return { ...j.ref, endSec: j.stoppedAtSec, status: 'Stopped' };
  if (j.completesAtSec <= now) return { ...j.ref, endSec: j.completesAtSec, status: 'Completed' };
  return j.ref;
};

export class LocalTrainingLauncher implements TrainingLauncher {
  /** Regions that answer with a capacity error (tests and demos of the failover path). */
  readonly noCapacity = new Set<string>();
  /** Calls made by this process (test hook; not durable). */
  readonly calls: { op: 'create' | 'stop'; region: string; jobName: string; atSec: EpochSec; request?: Record<string, unknown> }[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly jobs: LaunchedJobRepo = new InMemoryLaunchedJobs(),
  ) {}

  async create(region: string, jobName: string, request: Record<string, unknown>): Promise<'created' | 'exists'> {
    const now = this.clock.nowSec();
    this.calls.push({ op: 'create', region, jobName, atSec: now, request });
    // CreateTrainingJob with a name in use fails (ResourceInUse) before any capacity check.
    if ((await this.jobs.list()).some((j) => j.region === region && j.jobName === jobName)) return 'exists';
    if (this.noCapacity.has(region)) throw new CapacityError(region, 'InsufficientCapacityError (local demo)');
    const rc = request.ResourceConfig as { InstanceType: string; InstanceCount: number };
    const tags = Object.fromEntries(((request.Tags as { Key: string; Value: string }[]) ?? []).map((t) => [t.Key, t.Value]));
    const workSec = Number(tags['carbonpilot:remaining-work-sec'] ?? 3600);
    const created = await this.jobs.putIfAbsent({
      region,
      jobName,
      ref: {
        kind: 'training-job',
        id: jobName,
        region,
        instanceType: rc.InstanceType,
        counts: [{ atSec: now, instanceCount: rc.InstanceCount }],
        startSec: now,
        status: 'InProgress',
        tags,
        demo: true,
      },
      completesAtSec: now + (Number.isFinite(workSec) && workSec > 0 ? workSec : 3600),
      reported: false,
    });
    return created ? 'created' : 'exists';
  }

  async stop(region: string, jobName: string): Promise<void> {
    const now = this.clock.nowSec();
    this.calls.push({ op: 'stop', region, jobName, atSec: now });
    // A job whose work is done has completed and cannot be stopped; the dispatcher stopped it and already knows.
    await this.jobs.stop(region, jobName, now);
  }

  async describe(region: string, jobName: string): Promise<TrainingJobStatusReport | undefined> {
    const j = (await this.jobs.list()).find((x) => x.region === region && x.jobName === jobName);
    if (!j) return undefined;
    const ref = refAt(j, this.clock.nowSec());
    return { status: ref.status as TrainingJobStatusReport['status'], ...(ref.endSec !== undefined ? { endSec: ref.endSec } : {}) };
  }

  /** Launched jobs as the SageMaker inventory would list them (for DemoInventory's `extra`). */
  async resources(): Promise<ResourceRef[]> {
    const now = this.clock.nowSec();
    return (await this.jobs.list()).map((j) => refAt(j, now));
  }

  /** Completions not yet reported by `nowSec`, oldest first; `markReported` them once they were published. */
  async unreportedStateChanges(nowSec: EpochSec): Promise<LocalStateChange[]> {
    return (await this.jobs.list())
      .filter((j) => !j.reported && j.stoppedAtSec === undefined && j.completesAtSec <= nowSec)
      .sort((a, b) => a.completesAtSec - b.completesAtSec || a.region.localeCompare(b.region) || a.jobName.localeCompare(b.jobName))
      .map((j) => ({ TrainingJobName: j.jobName, TrainingJobStatus: 'Completed' as const, region: j.region, atSec: j.completesAtSec }));
  }

  async markReported(changes: readonly LocalStateChange[]): Promise<void> {
    for (const c of changes) await this.jobs.markReported(c.region, c.TrainingJobName);
  }

  /** State changes not yet reported (Completed at the end of the work), oldest first; marks them reported. */
  async stateChangesUpTo(nowSec: EpochSec): Promise<LocalStateChange[]> {
    const out = await this.unreportedStateChanges(nowSec);
    await this.markReported(out);
    return out;
  }
}

/**
 * DEMO: deferrable training jobs `npm start` submits during the replay (labelled demo). Each has slack to move in
 * time and, where the data is replicated, in space; one is interruptible (checkpointed).
 */
export function makeDemoJobRequests(nowSec: EpochSec): JobRequest[] {
  const iso = (t: EpochSec) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
  const H = 3600;
  // DEMO buckets and images follow one naming rule per region (demo-carbonpilot-<region>), which the demo location
  // verifier below treats as the bucket's region; the home request uses the first allowed region's.
  const bucket = (r: string) => `s3://demo-carbonpilot-${r}`;
  const image = (r: string) => `123456789012.dkr.ecr.${r}.amazonaws.com/demo-train:1`;
  const spec = (prefix: string, instanceType: string, home: string, count = 1) => ({
    TrainingJobName: prefix,
    AlgorithmSpecification: { TrainingImage: image(home), TrainingInputMode: 'File' as const },
    RoleArn: 'arn:aws:iam::123456789012:role/carbonpilot-training-demo',
    ResourceConfig: { InstanceType: instanceType, InstanceCount: count, VolumeSizeInGB: 100 },
    StoppingCondition: { MaxRuntimeInSeconds: 3 * 86400 },
    InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `${bucket(home)}/data/${prefix}` } } }],
    OutputDataConfig: { S3OutputPath: `${bucket(home)}/output` },
  });
  const region = (r: string, prefix: string, checkpointed = false) => ({
    region: r,
    locations: {
      trainingImage: image(r),
      inputChannels: { train: `${bucket(r)}/data/${prefix}` },
      outputPath: `${bucket(r)}/output`,
      ...(checkpointed ? { checkpointS3Uri: `${bucket(r)}/ckpt/${prefix}` } : {}),
    },
  });
  // The demo fleet's own jobs run whatever the demo budgets say (a later `npm start` finds the enforcing demo budget
  // full): the override is recorded with the budget, as any user's would be.
  const budgetOverride = { reason: 'DEMO: the demo fleet\'s scheduled jobs run regardless of the demo budgets', approvedBy: 'DEMO' };
  const base = { apiVersion: JOB_API_VERSION, signal: 'average' as const, demo: true, earliestStart: iso(nowSec), budgetOverride };
  return [
    { ...base, clientToken: `demo-nightly-ft-${nowSec}`, jobFamily: 'demo-nightly-ft', trainingJob: spec('demo-nightly-ft', 'ml.g5.12xlarge', 'us-east-1'), deadline: iso(nowSec + 24 * H), expectedDurationSec: 4 * H, allowedRegions: [region('us-east-1', 'demo-nightly-ft')], interruptible: false as const, ownerTags: { team: 'nlp', project: 'proj-1', model: 'model-llama-ft' } },
    { ...base, clientToken: `demo-vit-pretrain-${nowSec}`, jobFamily: 'demo-vit', trainingJob: spec('demo-vit-pretrain', 'ml.p4d.24xlarge', 'us-east-1'), deadline: iso(nowSec + 48 * H), expectedDurationSec: 12 * H, allowedRegions: [region('us-east-1', 'demo-vit-pretrain', true), region('eu-north-1', 'demo-vit-pretrain', true)], interruptible: { checkpointS3Uri: `${bucket('us-east-1')}/ckpt/demo-vit-pretrain`, restartOverheadSec: 600 }, ownerTags: { team: 'vision', project: 'proj-2', model: 'model-vit-l' } },
    { ...base, clientToken: `demo-dlrm-retrain-${nowSec}`, jobFamily: 'demo-dlrm', trainingJob: spec('demo-dlrm-retrain', 'ml.g6e.12xlarge', 'us-west-2'), deadline: iso(nowSec + 12 * H), expectedDurationSec: 1 * H, allowedRegions: [region('us-west-2', 'demo-dlrm-retrain'), region('eu-west-1', 'demo-dlrm-retrain')], interruptible: false as const, ownerTags: { team: 'recsys', project: 'proj-3', model: 'model-dlrm' } },
    { ...base, clientToken: `demo-whisper-ft-${nowSec}`, jobFamily: 'demo-whisper', trainingJob: spec('demo-whisper-ft', 'ml.g5.2xlarge', 'eu-west-1', 2), deadline: iso(nowSec + 36 * H), expectedDurationSec: 6 * H, allowedRegions: [region('eu-west-1', 'demo-whisper-ft', true), region('eu-north-1', 'demo-whisper-ft', true)], interruptible: { checkpointS3Uri: `${bucket('eu-west-1')}/ckpt/demo-whisper-ft`, restartOverheadSec: 600 }, ownerTags: { team: 'speech', project: 'proj-4', model: 'model-whisper-s' } },
  ].map((r) => JobRequest.parse(r));
}

/** The region of a DEMO bucket (`demo-carbonpilot-<region>`); undefined for any other name. */
export const demoBucketRegion = (bucket: string): string | undefined => /^demo-carbonpilot-([a-z]{2}(?:-[a-z]+)+-\d)$/.exec(bucket)?.[1];

/** DEMO location check: what S3LocationVerifier does in AWS, against the demo naming rule (no S3 here). */
export class DemoLocationVerifier implements LocationVerifier {
  async verify(region: string, refs: RegionLocalRefs): Promise<string[]> {
    const problems: string[] = [];
    for (const b of [...new Set(refs.s3Uris.map(bucketOf))]) {
      const where = demoBucketRegion(b);
      if (where === undefined) problems.push(`bucket ${b}: NoSuchBucket (demo buckets are demo-carbonpilot-<region>)`);
      else if (where !== region) problems.push(`bucket ${b} is in ${where}, not ${region}`);
    }
    const img = refs.trainingImage !== undefined ? ecrImageRegion(refs.trainingImage) : undefined;
    if (img !== undefined && img !== region) problems.push(`training image ${refs.trainingImage} is in ${img}, not ${region}`);
    return problems;
  }
}
