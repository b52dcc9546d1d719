/** Inventory merging (pure): what a sweep or a state-change event learns is merged into the stored record. */
import type { CountChange, ResourceKind, ResourceRef } from './types';
import type { EpochSec } from './time';

const normaliseCounts = (counts: CountChange[]): CountChange[] => {
  const byAt = new Map<number, number>();
  for (const c of counts) byAt.set(c.atSec, c.instanceCount);
  const sorted = [...byAt.entries()].sort((a, b) => a[0] - b[0]).map(([atSec, instanceCount]) => ({ atSec, instanceCount }));
  return sorted.filter((c, i) => i === 0 || c.instanceCount !== sorted[i - 1].instanceCount);
};

/**
 * Statuses in which a resource has instances behind it, by kind: an observation in one of them after the record's
 * end reopens it. EC2 `pending`/`running` (EC2 instance lifecycle); SageMaker endpoint statuses other than
 * OutOfService, Deleting and Failed (SageMaker API reference, EndpointSummary.EndpointStatus). Training jobs never
 * reopen: a job name is used once and a stopped job cannot resume (SageMaker API reference, CreateTrainingJob).
 */
const LIVE: Record<ResourceKind, ReadonlySet<string>> = {
  'ec2-instance': new Set(['pending', 'running']),
  endpoint: new Set(['Creating', 'InService', 'Updating', 'SystemUpdating', 'RollingBack']),
  'training-job': new Set(),
};

/** True when `status` means the resource of `kind` has instances running (so an ended record must reopen). */
export const isLiveStatus = (kind: ResourceKind, status: string): boolean => LIVE[kind].has(status);

/** Status given to a resource ended because a complete listing no longer showed it. */
export const MISSING_STATUS = 'Missing';

const lastCount = (counts: CountChange[]): number => counts[counts.length - 1]?.instanceCount ?? 0;

/**
 * Reopen an ended record at `restartSec`: the end is cleared, the count history drops to 0 at the old end and
 * comes back to `instanceCount` at the restart, so the hours in between carry no instances.
 */
function reopen(r: ResourceRef, restartSec: EpochSec, instanceCount: number, status: string): ResourceRef {
  const endSec = r.endSec as EpochSec;
  const { endSec: _ended, ...rest } = r;
  return {
    ...rest,
    status,
    counts: normaliseCounts([...r.counts, { atSec: endSec, instanceCount: 0 }, { atSec: Math.max(endSec, restartSec), instanceCount }]),
  };
}

/**
 * Merge an observation into the stored resource; returns undefined when nothing changed (no write needed).
 * `observedAtSec` is when the observation was made (a sweep: when its listing began): a live observation made after
 * the record's end reopens it — at the observed start when that is later than the end (an EC2 instance restarted,
 * an endpoint re-created under the same name), else at the end itself (the end was wrong: the resource never went).
 */
export function mergeResource(existing: ResourceRef | undefined, seen: ResourceRef, observedAtSec: EpochSec): ResourceRef | undefined {
  if (!existing) return { ...seen, counts: normaliseCounts(seen.counts) };
  const base =
    existing.endSec !== undefined &&
    seen.endSec === undefined &&
    observedAtSec > existing.endSec &&
    existing.status !== 'terminated' &&
    isLiveStatus(seen.kind, seen.status)
      ? reopen(existing, seen.startSec, lastCount(seen.counts), seen.status)
      : existing;
  const merged: ResourceRef = {
    ...base,
    ...seen,
    startSec: Math.min(base.startSec, seen.startSec),
    endSec: seen.endSec ?? base.endSec,
    counts: normaliseCounts([...base.counts, ...seen.counts.filter((c) => !base.counts.some((e) => e.atSec === c.atSec))]),
  };
  if (merged.endSec === undefined) delete merged.endSec;
  return JSON.stringify(merged) === JSON.stringify(existing) ? undefined : merged;
}

export interface StateChange {
  kind: ResourceRef['kind'];
  region: string;
  /** Training job name, EC2 instance id, or the endpoint name (events name the endpoint, not its variants). */
  id: string;
  state: string;
  atSec: EpochSec;
}

const ENDED = new Set(['Completed', 'Failed', 'Stopped', 'terminated', 'Deleting', 'OutOfService']);
const PAUSED = new Set(['stopped', 'stopping', 'shutting-down']);

/**
 * Apply a state-change event to a known resource: count 0 while an EC2 instance is stopped, end time when finished;
 * a `running` EC2 event after the record's end (a restart the sweep recorded as a stop) reopens it at the event time.
 * For an endpoint, `r` is one of its variants (the caller applies the endpoint's event to each).
 */
export function applyStateChange(r: ResourceRef, ev: StateChange): ResourceRef | undefined {
  if (r.kind === 'ec2-instance' && ev.state === 'running' && r.endSec !== undefined && ev.atSec > r.endSec && r.status !== 'terminated') {
    return reopen(r, ev.atSec, 1, ev.state);
  }
  const next: ResourceRef = { ...r, status: ev.state, counts: [...r.counts] };
  if (r.kind === 'ec2-instance') {
    if (PAUSED.has(ev.state) || ev.state === 'terminated') next.counts.push({ atSec: ev.atSec, instanceCount: 0 });
    if (ev.state === 'running') next.counts.push({ atSec: ev.atSec, instanceCount: 1 });
    if (ev.state === 'terminated') next.endSec = ev.atSec;
  } else if (ENDED.has(ev.state) && r.endSec === undefined) {
    next.endSec = ev.atSec;
  }
  return mergeResource(r, next, ev.atSec);
}

/** What a complete listing of one region tells about absence (see WorkloadInventory.listRegions). */
export interface AbsenceEvidence {
  /** When the listing began. */
  listedAtSec: EpochSec;
  /** Kinds the listing enumerates completely. */
  completeKinds: readonly ResourceKind[];
  /** Keys of everything the listing saw exist (mapped to a resource or not). */
  present: ReadonlySet<string>;
  /** List APIs are eventually consistent: a resource must predate the listing by this much to be judged absent. */
  graceSec: number;
}

/**
 * True when a stored resource is gone by the evidence of a complete listing of its region: still open, of a kind the
 * listing enumerates completely, not seen, older than the listing (less the grace) and unchanged since it began.
 * Demo resources are never judged by a real listing.
 */
export function isMissingFrom(r: ResourceRef, key: string, e: AbsenceEvidence): boolean {
  const lastChangeSec = Math.max(r.startSec, ...r.counts.map((c) => c.atSec));
  return (
    r.endSec === undefined &&
    r.demo !== true &&
    e.completeKinds.includes(r.kind) &&
    !e.present.has(key) &&
    lastChangeSec < e.listedAtSec - e.graceSec
  );
}

/**
 * End a resource a complete listing no longer shows, at the listing's start: the first instant it is known gone, so an
 * upper bound on its true end (which lies after the last listing that saw it; the telemetry gap shows in coverage).
 */
export const endMissing = (r: ResourceRef, listedAtSec: EpochSec): ResourceRef => ({ ...r, endSec: listedAtSec, status: MISSING_STATUS });
