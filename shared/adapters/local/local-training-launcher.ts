/**
 * DEMO launcher: records "launched" SageMaker training jobs as demo ResourceRefs (kind training-job) instead of
 * calling SageMaker. `DemoInventory`'s `extra` hook lists them, so the footprint pipeline measures them with the
 * demo telemetry like any other job. A job completes after its remaining work (tag carbonpilot:remaining-work-sec);
 * `stateChangesUpTo(now)` returns the SageMaker state changes the runtime should deliver to the dispatcher.
 */
import type { ResourceRef } from '../../domain/types';
import type { Clock } from '../../ports';
import { CapacityError, type TrainingLauncher } from '../../ports/scheduler-ports';
import type { EpochSec } from '../../domain/time';
import type { TrainingJobStateChange } from '../../contracts/job-request';

interface Launched {
  ref: ResourceRef;
  completesAtSec: EpochSec;
  reported: boolean;
}

export class LocalTrainingLauncher implements TrainingLauncher {
  private readonly jobs = new Map<string, Launched>();
  /** Regions that answer with a capacity error (tests and demos of the failover path). */
  readonly noCapacity = new Set<string>();
  readonly calls: { op: 'create' | 'stop'; region: string; jobName: string; atSec: EpochSec }[] = [];

  constructor(private readonly clock: Clock) {}

  async create(region: string, jobName: string, request: Record<string, unknown>): Promise<'created' | 'exists'> {
    const now = this.clock.nowSec();
    this.calls.push({ op: 'create', region, jobName, atSec: now });
    const key = `${region}#${jobName}`;
    if (this.jobs.has(key)) return 'exists';
    if (this.noCapacity.has(region)) throw new CapacityError(region, 'InsufficientCapacityError (local demo)');
    const rc = request.ResourceConfig as { InstanceType: string; InstanceCount: number };
    const tags = Object.fromEntries(((request.Tags as { Key: string; Value: string }[]) ?? []).map((t) => [t.Key, t.Value]));
    const workSec = Number(tags['carbonpilot:remaining-work-sec'] ?? 3600);
    this.jobs.set(key, {
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
    return 'created';
  }

  async stop(region: string, jobName: string): Promise<void> {
    const now = this.clock.nowSec();
    this.calls.push({ op: 'stop', region, jobName, atSec: now });
    const j = this.jobs.get(`${region}#${jobName}`);
    if (!j || j.ref.endSec !== undefined) return;
    j.ref = { ...j.ref, endSec: now, status: 'Stopped' };
    j.reported = true; // the dispatcher stopped it and already knows
  }

  /** Launched jobs as the SageMaker inventory would list them (for DemoInventory's `extra`). */
  async resources(): Promise<ResourceRef[]> {
    this.settle(this.clock.nowSec());
    return [...this.jobs.values()].map((j) => j.ref);
  }

  private settle(now: EpochSec): Launched[] {
    const done: Launched[] = [];
    for (const j of this.jobs.values()) {
      if (j.ref.endSec === undefined && j.completesAtSec <= now) {
        j.ref = { ...j.ref, endSec: j.completesAtSec, status: 'Completed' };
        done.push(j);
      }
    }
    return done;
  }

  /** State changes not yet reported (Completed at the end of the work), oldest first. */
  stateChangesUpTo(nowSec: EpochSec): (TrainingJobStateChange & { region: string; atSec: EpochSec })[] {
    this.settle(nowSec);
    const out = [...this.jobs.values()].filter((j) => !j.reported && j.ref.endSec !== undefined);
    for (const j of out) j.reported = true;
    return out
      .sort((a, b) => a.ref.endSec! - b.ref.endSec!)
      .map((j) => ({ TrainingJobName: j.ref.id, TrainingJobStatus: 'Completed' as const, region: j.ref.region, atSec: j.ref.endSec! }));
  }
}

/** An EventBridge-shaped SageMaker Training Job State Change event (what AWS delivers to the dispatch Lambda). */
export const trainingJobStateChangeEvent = (c: TrainingJobStateChange & { region: string; atSec: EpochSec }) => ({
  version: '0',
  id: `local-${c.TrainingJobName}-${c.TrainingJobStatus}`,
  'detail-type': 'SageMaker Training Job State Change',
  source: 'aws.sagemaker',
  time: new Date(c.atSec * 1000).toISOString(),
  region: c.region,
  resources: [],
  detail: { TrainingJobName: c.TrainingJobName, TrainingJobStatus: c.TrainingJobStatus, FailureReason: c.FailureReason },
});
