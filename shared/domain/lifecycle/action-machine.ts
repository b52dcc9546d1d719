/**
 * The action state machine (pure). A record moves one status at a time, each move one compare-and-set write of the
 * record (the store checks `version`), so a crash between an AWS call and its write repeats only that idempotent
 * call. The snapshot is written (status `snapshot-saved`) before anything is changed in AWS; from every status after
 * it, undo leads through `restoring` back to a serving resource.
 *
 *   park:   proposed → approved → snapshot-saved → scaling-removed → deleting → parked
 *           → restoring → creating → in-service → restored
 *   others: proposed → approved → snapshot-saved → applied → restoring → restored
 *   before any effect: proposed | approved → cancelled (veto / undo); approved | snapshot-saved → failed (cannot run);
 *   from snapshot-saved on, undo goes through `restoring` (a step may have changed part of the resource).
 */
import { createHash } from 'node:crypto';
import type { EpochSec } from '../time';
import type { ActionRecord, ActionStatus, LifecycleActionKind, LifecycleMode, Proposal, Subject } from './types';
import { subjectKey } from './types';

const NEXT: Record<ActionStatus, readonly ActionStatus[]> = {
  proposed: ['approved', 'cancelled'],
  approved: ['snapshot-saved', 'cancelled', 'failed'],
  // A step after the snapshot may have changed part of the resource (one scalable target deregistered): undo restores.
  'snapshot-saved': ['scaling-removed', 'applied', 'restoring', 'failed'],
  'scaling-removed': ['deleting', 'restoring'],
  deleting: ['parked', 'restoring'],
  parked: ['restoring'],
  applied: ['restoring'],
  restoring: ['creating', 'in-service', 'restored'],
  // The endpoint vanished while creating (creation failed and was cleaned up): create again.
  creating: ['in-service', 'restoring'],
  'in-service': ['restored'],
  restored: [],
  cancelled: [],
  failed: [],
};

/** Statuses after which the subject is free again (a new action may start). */
export const FINAL_STATUSES: readonly ActionStatus[] = ['restored', 'cancelled', 'failed'];
/** Statuses in which the action's effect is in place (endpoint gone, policy applied). */
export const EFFECT_STATUSES: readonly ActionStatus[] = ['scaling-removed', 'deleting', 'parked', 'applied', 'restoring', 'creating', 'in-service'];

export const isFinal = (s: ActionStatus): boolean => FINAL_STATUSES.includes(s);

/** A move the table does not allow (a stale or duplicate request): terminal for that request. */
export class IllegalTransitionError extends Error {
  readonly retryable = false;
  constructor(
    readonly actionId: string,
    readonly from: ActionStatus,
    readonly to: ActionStatus,
  ) {
    super(`action ${actionId}: cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export const canTransition = (from: ActionStatus, to: ActionStatus): boolean => NEXT[from].includes(to);

/** The record after one move (version + 1, history appended); throws IllegalTransitionError for a move the table forbids. */
export function transition(
  r: ActionRecord,
  to: ActionStatus,
  o: { atSec: EpochSec; by: string; why: string; patch?: Partial<Pick<ActionRecord, 'notBeforeSec' | 'approvedBy' | 'approvedAtSec' | 'effectiveFromSec' | 'effectiveToSec' | 'lastError'>> },
): ActionRecord {
  if (!canTransition(r.status, to)) throw new IllegalTransitionError(r.actionId, r.status, to);
  const { lastError: _dropped, ...rest } = r;
  return {
    ...rest,
    ...(o.patch ?? {}),
    status: to,
    version: r.version + 1,
    history: [...r.history, { atSec: o.atSec, from: r.status, to, by: o.by, why: o.why }],
  };
}

/** Where undo goes from a status: cancelled before any effect, restoring after; undefined when there is nothing to undo. */
export function undoTarget(s: ActionStatus): 'cancelled' | 'restoring' | undefined {
  if (s === 'proposed' || s === 'approved') return 'cancelled';
  if (s === 'snapshot-saved' || s === 'scaling-removed' || s === 'deleting' || s === 'parked' || s === 'applied') return 'restoring';
  return undefined;
}

/** Deterministic action id: `<action>-<10 hex of the subject key>-<episode>` (episode = 1, 2, … per subject). */
export const actionIdFor = (action: LifecycleActionKind, subject: Subject, episode: number): string =>
  `${action}-${createHash('sha256').update(subjectKey(subject)).digest('hex').slice(0, 10)}-${episode}`;

/** A new record: `proposed` (approve/auto: waits for approval or the veto window) or `approved` (an explicit request). */
export function newActionRecord(o: {
  actionId: string;
  subject: Subject;
  action: LifecycleActionKind;
  mode: LifecycleMode;
  atSec: EpochSec;
  by: string;
  reason: string;
  proposal: Proposal;
  /** approved = run as soon as possible (an explicit park/unpark request); otherwise proposed. */
  approved: boolean;
  vetoWindowSec: number;
  demo: boolean;
}): ActionRecord {
  const status: ActionStatus = o.approved ? 'approved' : 'proposed';
  return {
    actionId: o.actionId,
    subject: o.subject,
    action: o.action,
    status,
    version: 1,
    mode: o.mode,
    createdAtSec: o.atSec,
    createdBy: o.by,
    reason: o.reason,
    notBeforeSec: o.approved ? o.atSec : o.atSec + o.vetoWindowSec,
    ...(o.approved ? { approvedBy: o.by, approvedAtSec: o.atSec } : {}),
    proposal: o.proposal,
    history: [{ atSec: o.atSec, from: null, to: status, by: o.by, why: o.reason }],
    demo: o.demo,
  };
}

/**
 * Whether the executor may take the next step now: approved once its veto window has passed, every in-flight status,
 * and — in auto mode only — a proposal whose veto window has passed (it is approved by the function).
 */
export function isDue(r: ActionRecord, nowSec: EpochSec): boolean {
  if (r.status === 'proposed') return r.mode === 'auto' && nowSec >= (r.notBeforeSec ?? r.createdAtSec);
  if (r.status === 'approved') return nowSec >= (r.notBeforeSec ?? r.createdAtSec);
  return ['snapshot-saved', 'scaling-removed', 'deleting', 'restoring', 'creating', 'in-service'].includes(r.status);
}
