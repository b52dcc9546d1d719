/**
 * The notification state machine: a crossing publishes once per period, a clear once, older evaluations never undo
 * newer ones — and, as a property, any order and duplication of evaluations publishes at most one ALARM and one OK.
 */
import fc from 'fast-check';
import { decideNotification, type EvaluationInput, type NotificationStateItem } from '../../../../shared/domain/budgets/notifications';
import type { NotificationState } from '../../../../shared/domain/budgets/types';

const input = (condition: NotificationState | null, asOfSec: number, over: Partial<EvaluationInput> = {}): EvaluationInput => ({
  budgetId: 'b', periodKey: '2026-11', index: 0, fingerprint: 'ACTUAL|PERCENTAGE|80', condition, asOfSec, nowSec: asOfSec + 60, ...over,
});

/** Apply a decision as the store would (compare-and-set on version) and clear the outbox as the publisher does. */
function apply(prev: NotificationStateItem | undefined, i: EvaluationInput, published: NotificationState[]): NotificationStateItem | undefined {
  const d = decideNotification(prev, i);
  if (d.action === 'none') return prev;
  if ((prev?.version ?? 0) !== d.expectedVersion) return prev;
  if (d.publish) published.push(d.publish);
  return d.next;
}

describe('decideNotification', () => {
  it('starts OK in a new period and publishes the first crossing', () => {
    const d = decideNotification(undefined, input('ALARM', 100));
    expect(d).toMatchObject({ action: 'write', expectedVersion: 0, publish: 'ALARM', previousState: 'OK', next: { state: 'ALARM', version: 1, changes: 1, alarmPublishedAtSec: 160 } });
  });

  it('a repeat at the same watermark changes nothing; a later one only advances the watermark', () => {
    const s1 = (decideNotification(undefined, input('ALARM', 100)) as { next: NotificationStateItem }).next;
    expect(decideNotification(s1, input('ALARM', 100))).toEqual({ action: 'none', why: 'unchanged' });
    const later = decideNotification(s1, input('ALARM', 200));
    expect(later).toMatchObject({ action: 'write', expectedVersion: 1, next: { state: 'ALARM', asOfSec: 200, version: 2 } });
    expect((later as { publish?: string }).publish).toBeUndefined();
  });

  it('an older evaluation never overwrites a newer one', () => {
    const s1 = (decideNotification(undefined, input('ALARM', 200)) as { next: NotificationStateItem }).next;
    expect(decideNotification(s1, input('OK', 150))).toEqual({ action: 'none', why: 'stale' });
  });

  it('publishes the clear once, and a re-crossing in the same period is recorded but not re-published', () => {
    const published: NotificationState[] = [];
    let s: NotificationStateItem | undefined;
    for (const [c, t] of [['ALARM', 1], ['OK', 2], ['ALARM', 3], ['OK', 4]] as const) s = apply(s, input(c, t), published);
    expect(published).toEqual(['ALARM', 'OK']);
    expect(s).toMatchObject({ state: 'OK', changes: 4 });
  });

  it('does not publish a clear for an alarm that was never published', () => {
    const d = decideNotification(undefined, input('OK', 1));
    expect(d).toMatchObject({ action: 'write', next: { state: 'OK', asOfSec: 1 } });
    expect((d as { publish?: string }).publish).toBeUndefined();
  });

  it('a changed notification (new threshold) starts again from OK', () => {
    const s1 = (decideNotification(undefined, input('ALARM', 100)) as { next: NotificationStateItem }).next;
    const d = decideNotification(s1, input('ALARM', 200, { fingerprint: 'ACTUAL|PERCENTAGE|90' }));
    expect(d).toMatchObject({ action: 'write', publish: 'ALARM', expectedVersion: 1, next: { fingerprint: 'ACTUAL|PERCENTAGE|90', version: 2, changes: 1 } });
  });

  it('waits while an event is still in the outbox, and cannot evaluate without figures', () => {
    const s1 = { ...(decideNotification(undefined, input('ALARM', 100)) as { next: NotificationStateItem }).next, pending: { eventId: 'e', state: 'ALARM' as const, claimedAtSec: 160, detail: {} } };
    expect(decideNotification(s1, input('OK', 200))).toEqual({ action: 'none', why: 'publish-in-progress' });
    expect(decideNotification(undefined, input(null, 1))).toEqual({ action: 'none', why: 'not-evaluable' });
  });

  it('any order and duplication of evaluations publishes at most one ALARM and one OK, ending at the newest condition', () => {
    const evalArb = fc.record({ asOf: fc.integer({ min: 1, max: 20 }), alarm: fc.boolean() });
    fc.assert(
      fc.property(fc.array(evalArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 3 }), (evals, dup) => {
        // The condition is a function of the watermark (the data), so every evaluation at one watermark agrees.
        const cond = new Map(evals.map((e) => [e.asOf, e.alarm ? 'ALARM' : 'OK'] as const));
        const published: NotificationState[] = [];
        let s: NotificationStateItem | undefined;
        for (const e of evals) for (let k = 0; k < dup; k++) s = apply(s, input(cond.get(e.asOf)!, e.asOf), published);
        expect(published.filter((p) => p === 'ALARM').length).toBeLessThanOrEqual(1);
        expect(published.filter((p) => p === 'OK').length).toBeLessThanOrEqual(1);
        if (published.includes('OK')) expect(published.indexOf('ALARM')).toBeLessThan(published.indexOf('OK'));
        const newest = Math.max(...evals.map((e) => e.asOf));
        expect(s?.asOfSec).toBe(newest);
        expect(s?.state).toBe(cond.get(newest));
      }),
      { numRuns: 300 },
    );
  });
});
