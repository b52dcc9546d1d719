/**
 * Lifecycle of one optimisation attempt (pure). Persisted transitions are compare-and-set on a version attribute
 * (shared/adapters/aws/dynamodb-optimisation-store.ts); this module only says which moves are legal. Each step does
 * its external action under a deterministic name first and then moves the state, so a crash between the two repeats
 * the action ("already exists") and moves on — nothing is launched twice.
 *
 *   requested → optimising → optimised → candidate-created → measuring → measured → decided
 *     decided → rejected                                  (the rule failed: shadow variant removed)
 *     decided → awaiting-approval → promoting → deploying → promoted   (manual promotion)
 *     decided → promoting → deploying → promoted                       (automatic promotion)
 *   any non-terminal state before promoting → aborting → aborted;  a SageMaker failure → failed
 */

export const ATTEMPT_STATUSES = [
  'requested',
  'optimising',
  'optimised',
  'candidate-created',
  'measuring',
  'measured',
  'decided',
  'awaiting-approval',
  'promoting',
  'deploying',
  'promoted',
  'rejected',
  'aborting',
  'aborted',
  'failed',
] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

export const TERMINAL_ATTEMPT_STATUSES: readonly AttemptStatus[] = ['promoted', 'rejected', 'aborted', 'failed'];
export const isTerminalAttempt = (s: AttemptStatus): boolean => TERMINAL_ATTEMPT_STATUSES.includes(s);

/** Once the blue/green deployment started, SageMaker's rollback alarms own the outcome: no abort. */
export const isAbortable = (s: AttemptStatus): boolean => !isTerminalAttempt(s) && s !== 'promoting' && s !== 'deploying';

const NEXT: Record<AttemptStatus, readonly AttemptStatus[]> = {
  requested: ['optimising', 'optimised', 'failed'],
  optimising: ['optimised', 'failed'],
  optimised: ['candidate-created', 'failed'],
  'candidate-created': ['measuring', 'failed'],
  measuring: ['measured', 'failed'],
  measured: ['decided'],
  decided: ['rejected', 'awaiting-approval', 'promoting'],
  'awaiting-approval': ['promoting'],
  promoting: ['deploying', 'failed'],
  deploying: ['promoted', 'failed'],
  aborting: ['aborted'],
  promoted: [],
  rejected: [],
  aborted: [],
  failed: [],
};

/** True when a step may move an attempt from `from` to `to` (staying put is always allowed: a poll). */
export function canMoveAttempt(from: AttemptStatus, to: AttemptStatus): boolean {
  if (from === to) return !isTerminalAttempt(from);
  if (to === 'aborting') return isAbortable(from);
  return NEXT[from].includes(to);
}
