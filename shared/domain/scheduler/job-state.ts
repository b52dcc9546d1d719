/**
 * Lifecycle of a carbon-aware job request (pure). Persisted transitions are compare-and-set on a version
 * attribute (shared/adapters/aws/dynamodb-job-store.ts); this module only says which moves are legal.
 *
 *   requested → scheduled → running ⇄ paused → completed | cancelled | failed
 */

export const JOB_STATUSES = ['requested', 'scheduled', 'running', 'paused', 'completed', 'cancelled', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** What happened to a job (from the API, a schedule or a SageMaker state change). */
export type JobEvent = 'planned' | 'segment-started' | 'segment-stopped' | 'completed' | 'cancel' | 'fail';

export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'cancelled', 'failed'];
export const isTerminal = (s: JobStatus): boolean => TERMINAL_STATUSES.includes(s);

const NEXT: Record<JobEvent, Partial<Record<JobStatus, JobStatus>>> = {
  planned: { requested: 'scheduled', scheduled: 'scheduled' },
  'segment-started': { scheduled: 'running', paused: 'running', running: 'running' },
  'segment-stopped': { running: 'paused', paused: 'paused' },
  completed: { running: 'completed', paused: 'completed', completed: 'completed' },
  cancel: { requested: 'cancelled', scheduled: 'cancelled', running: 'cancelled', paused: 'cancelled', cancelled: 'cancelled' },
  fail: { requested: 'failed', scheduled: 'failed', running: 'failed', paused: 'failed', failed: 'failed' },
};

export type TransitionResult =
  | { ok: true; status: JobStatus; /** false = a duplicate delivery: nothing to write. */ changed: boolean }
  | { ok: false; reason: string };

/** The status after `event`, or why the event is not allowed in `from`. Repeating an event is a no-op, never an error. */
export function applyJobEvent(from: JobStatus, event: JobEvent): TransitionResult {
  const to = NEXT[event][from];
  if (to === undefined) return { ok: false, reason: `cannot ${event} a job that is ${from}` };
  return { ok: true, status: to, changed: to !== from };
}

/** True when some event moves `from` to `to` (a different status). */
export const canTransition = (from: JobStatus, to: JobStatus): boolean =>
  from !== to && Object.values(NEXT).some((m) => m[from] === to);

/** Per-segment dispatch state; each step is a conditional write, so a duplicate delivery finds it already done. */
export type SegmentStatus = 'scheduled' | 'started' | 'stopped' | 'completed' | 'superseded' | 'cancelled';
