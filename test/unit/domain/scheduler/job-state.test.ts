import fc from 'fast-check';
import { applyJobEvent, canTransition, isTerminal, JOB_STATUSES, type JobEvent } from '../../../../shared/domain/scheduler/job-state';

const EVENTS: JobEvent[] = ['planned', 'segment-started', 'segment-stopped', 'completed', 'cancel', 'fail'];

describe('job state machine', () => {
  it.each([
    ['requested', 'planned', 'scheduled'],
    ['scheduled', 'segment-started', 'running'],
    ['running', 'segment-stopped', 'paused'],
    ['paused', 'segment-started', 'running'],
    ['running', 'completed', 'completed'],
    ['scheduled', 'cancel', 'cancelled'],
    ['paused', 'fail', 'failed'],
  ] as const)('%s --%s--> %s', (from, ev, to) => {
    expect(applyJobEvent(from, ev)).toEqual({ ok: true, status: to, changed: true });
  });

  it.each([
    ['completed', 'segment-started'],
    ['cancelled', 'planned'],
    ['scheduled', 'segment-stopped'],
    ['requested', 'completed'],
  ] as const)('rejects %s --%s', (from, ev) => {
    expect(applyJobEvent(from, ev).ok).toBe(false);
  });

  it('a repeated event is a no-op (duplicate delivery), never an error', () => {
    fc.assert(
      fc.property(fc.constantFrom(...JOB_STATUSES), fc.constantFrom(...EVENTS), (s, e) => {
        const first = applyJobEvent(s, e);
        if (!first.ok) return;
        expect(applyJobEvent(first.status, e)).toEqual({ ok: true, status: first.status, changed: false });
      }),
    );
  });

  it('terminal states never move to another state', () => {
    for (const s of JOB_STATUSES.filter(isTerminal)) for (const t of JOB_STATUSES) expect(canTransition(s, t)).toBe(false);
  });
});
