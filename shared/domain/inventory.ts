/** Inventory merging (pure): what a sweep or a state-change event learns is merged into the stored record. */
import type { CountChange, ResourceRef } from './types';
import type { EpochSec } from './time';

const normaliseCounts = (counts: CountChange[]): CountChange[] => {
  const byAt = new Map<number, number>();
  for (const c of counts) byAt.set(c.atSec, c.instanceCount);
  const sorted = [...byAt.entries()].sort((a, b) => a[0] - b[0]).map(([atSec, instanceCount]) => ({ atSec, instanceCount }));
  return sorted.filter((c, i) => i === 0 || c.instanceCount !== sorted[i - 1].instanceCount);
};

/** Merge an observation into the stored resource; returns undefined when nothing changed (no write needed). */
export function mergeResource(existing: ResourceRef | undefined, seen: ResourceRef): ResourceRef | undefined {
  if (!existing) return { ...seen, counts: normaliseCounts(seen.counts) };
  const merged: ResourceRef = {
    ...existing,
    ...seen,
    startSec: Math.min(existing.startSec, seen.startSec),
    endSec: seen.endSec ?? existing.endSec,
    counts: normaliseCounts([...existing.counts, ...seen.counts.filter((c) => !existing.counts.some((e) => e.atSec === c.atSec))]),
  };
  if (merged.endSec === undefined) delete merged.endSec;
  return JSON.stringify(merged) === JSON.stringify(existing) ? undefined : merged;
}

export interface StateChange {
  kind: ResourceRef['kind'];
  region: string;
  id: string;
  state: string;
  atSec: EpochSec;
}

const ENDED = new Set(['Completed', 'Failed', 'Stopped', 'terminated', 'Deleting', 'OutOfService']);
const PAUSED = new Set(['stopped', 'stopping', 'shutting-down']);

/** Apply a state-change event to a known resource: count 0 while an EC2 instance is stopped, end time when finished. */
export function applyStateChange(r: ResourceRef, ev: StateChange): ResourceRef | undefined {
  const next: ResourceRef = { ...r, status: ev.state, counts: [...r.counts] };
  if (r.kind === 'ec2-instance') {
    if (PAUSED.has(ev.state) || ev.state === 'terminated') next.counts.push({ atSec: ev.atSec, instanceCount: 0 });
    if (ev.state === 'running') next.counts.push({ atSec: ev.atSec, instanceCount: 1 });
    if (ev.state === 'terminated') next.endSec = ev.atSec;
  } else if (ENDED.has(ev.state) && r.endSec === undefined) {
    next.endSec = ev.atSec;
  }
  return mergeResource(r, next);
}
