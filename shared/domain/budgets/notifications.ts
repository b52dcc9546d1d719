/**
 * Notification state machine (pure). Each notification of a budget has one state item per period: OK or ALARM,
 * the watermark of the evaluation that last wrote it, and a compare-and-set version (the store enforces it).
 *
 * - A new period has no item: it starts OK.
 * - An evaluation older than the stored one (a lower watermark) changes nothing: out-of-order runs cannot undo a
 *   newer decision. A newer one always advances the watermark, even when the state stays.
 * - OK → ALARM publishes once per period (the first crossing); ALARM → OK publishes once per period (when that
 *   alarm first clears). Later flips in the same period — a forecast hovering at its threshold — change the state
 *   that is shown but publish nothing, so the channel is not flooded (AWS Budgets also alerts once per period).
 * - Publishing goes through an outbox on the item (`pending`): the writer that won the transition holds the claim
 *   and publishes; a claim left by a crashed run can be taken over after CLAIM_TTL_SEC. The event id is
 *   deterministic, so a consumer can drop the rare repeat of a takeover.
 */
import type { EpochSec } from '../time';
import type { BudgetNotificationDef, NotificationState } from './types';

/** After this long an unpublished claim is taken over by the next evaluation (a publisher crashed). */
export const CLAIM_TTL_SEC = 600;

export interface PendingEvent {
  eventId: string;
  state: NotificationState;
  claimedAtSec: EpochSec;
  /** The event detail as decided (published unchanged by whoever holds the claim). */
  detail: unknown;
}

/** Stored state of one notification in one period (pk BUDGET#<id>, sk STATE#<period>#<n>). */
export interface NotificationStateItem {
  budgetId: string;
  periodKey: string;
  index: number;
  /** What the notification was when this state was written; a changed notification starts OK again. */
  fingerprint: string;
  state: NotificationState;
  /** Watermark of the evaluation that last wrote the item. */
  asOfSec: EpochSec;
  /** Compare-and-set version (0 = absent). */
  version: number;
  /** State changes recorded in the period. */
  changes: number;
  alarmPublishedAtSec?: EpochSec;
  clearPublishedAtSec?: EpochSec;
  pending?: PendingEvent;
  updatedAtSec: EpochSec;
}

export const notificationFingerprint = (n: BudgetNotificationDef): string => `${n.type}|${n.thresholdType}|${n.threshold}`;

/** Deterministic id of the event a transition publishes. */
export const transitionEventId = (budgetId: string, periodKey: string, index: number, state: NotificationState): string =>
  `${budgetId}#${periodKey}#${index}#${state}`;

export interface EvaluationInput {
  budgetId: string;
  periodKey: string;
  index: number;
  fingerprint: string;
  /** The condition now; null = cannot be evaluated (not available, no forecast): nothing changes. */
  condition: NotificationState | null;
  asOfSec: EpochSec;
  nowSec: EpochSec;
}

export type NotificationDecision =
  | { action: 'none'; why: 'stale' | 'unchanged' | 'not-evaluable' | 'publish-in-progress' }
  | {
      action: 'write';
      /** The item to write (version = the stored one + 1); the store's condition is "version = prev". */
      next: NotificationStateItem;
      expectedVersion: number;
      /** A state to publish now (the writer holds the claim); undefined = record only. */
      publish?: NotificationState;
      previousState: NotificationState;
    };

/** True when a claim on an unpublished event may be taken over. */
export const claimExpired = (p: PendingEvent, nowSec: EpochSec): boolean => nowSec - p.claimedAtSec >= CLAIM_TTL_SEC;

/** Decide what one evaluation does to a notification's state item. */
export function decideNotification(prev: NotificationStateItem | undefined, input: EvaluationInput): NotificationDecision {
  if (input.condition === null) return { action: 'none', why: 'not-evaluable' };
  if (prev && input.asOfSec < prev.asOfSec) return { action: 'none', why: 'stale' };
  // An unpublished event goes out first (by its claimant, or by a takeover once the claim expires): decide after it.
  if (prev?.pending) return { action: 'none', why: 'publish-in-progress' };
  const same = prev !== undefined && prev.fingerprint === input.fingerprint;
  const current: NotificationState = same ? prev.state : 'OK';
  const base: NotificationStateItem = same
    ? { ...prev }
    : { budgetId: input.budgetId, periodKey: input.periodKey, index: input.index, fingerprint: input.fingerprint, state: 'OK', asOfSec: input.asOfSec, version: 0, changes: 0, updatedAtSec: input.nowSec };
  const expectedVersion = prev?.version ?? 0;
  if (input.condition === current) {
    if (same && input.asOfSec === prev.asOfSec) return { action: 'none', why: 'unchanged' };
    return { action: 'write', expectedVersion, previousState: current, next: { ...base, asOfSec: input.asOfSec, version: expectedVersion + 1, updatedAtSec: input.nowSec } };
  }
  const next: NotificationStateItem = { ...base, state: input.condition, asOfSec: input.asOfSec, version: expectedVersion + 1, changes: base.changes + 1, updatedAtSec: input.nowSec };
  let publish: NotificationState | undefined;
  if (input.condition === 'ALARM' && next.alarmPublishedAtSec === undefined) {
    publish = 'ALARM';
    next.alarmPublishedAtSec = input.nowSec;
  } else if (input.condition === 'OK' && next.alarmPublishedAtSec !== undefined && next.clearPublishedAtSec === undefined) {
    publish = 'OK';
    next.clearPublishedAtSec = input.nowSec;
  }
  return { action: 'write', expectedVersion, previousState: current, next, publish };
}
