/** The attempt's legal moves: a table of the state machine in attempt-state.ts. */
import { canMoveAttempt, isAbortable, isTerminalAttempt, type AttemptStatus } from '../../../../shared/domain/optimisation/attempt-state';

describe('attempt lifecycle', () => {
  it.each<[AttemptStatus, AttemptStatus, boolean]>([
    ['requested', 'optimising', true],
    ['requested', 'optimised', true], // bring your own artefact: no job
    ['optimising', 'optimised', true],
    ['optimising', 'measuring', false],
    ['measuring', 'measuring', true], // a poll
    ['measured', 'decided', true],
    ['decided', 'rejected', true],
    ['decided', 'promoting', true],
    ['decided', 'awaiting-approval', true],
    ['awaiting-approval', 'promoting', true],
    ['rejected', 'promoting', false],
    ['deploying', 'promoted', true],
    ['measuring', 'aborting', true],
    ['deploying', 'aborting', false], // the blue/green rollback alarms decide
    ['aborting', 'aborted', true],
    ['promoted', 'promoted', false], // terminal: no more polls
  ])('%s → %s allowed: %s', (from, to, ok) => expect(canMoveAttempt(from, to)).toBe(ok));

  it('terminal and abortable states', () => {
    expect(['promoted', 'rejected', 'aborted', 'failed'].every((s) => isTerminalAttempt(s as AttemptStatus))).toBe(true);
    expect(isAbortable('measuring')).toBe(true);
    expect(isAbortable('promoting')).toBe(false);
    expect(isAbortable('rejected')).toBe(false);
  });
});
