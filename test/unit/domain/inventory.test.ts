import fc from 'fast-check';
import { applyStateChange, endMissing, isLiveStatus, isMissingFrom, mergeResource, MISSING_STATUS, type AbsenceEvidence } from '../../../shared/domain/inventory';
import { instanceCountAt } from '../../../shared/domain/footprint/compute-interval';
import { resourceKey, type ResourceRef } from '../../../shared/domain/types';
import { job, T0 } from '../../helpers/fixtures';

const H = 3600;
const ec2 = (over: Partial<ResourceRef> = {}) => job({ kind: 'ec2-instance', id: 'i-1', status: 'running', ...over });
const endpoint = (over: Partial<ResourceRef> = {}) =>
  job({ kind: 'endpoint', id: 'chat/AllTraffic', status: 'InService', counts: [{ atSec: T0, instanceCount: 2 }], ...over });

describe('inventory merging', () => {
  it('a new resource is taken as seen; an unchanged one needs no write', () => {
    const r = job();
    const stored = mergeResource(undefined, r, T0)!;
    expect(stored).toEqual(r);
    expect(mergeResource(stored, r, T0 + 60)).toBeUndefined();
  });

  it('merges count history by time and keeps the earliest start', () => {
    const a = job({ counts: [{ atSec: T0, instanceCount: 1 }] });
    const b = job({ startSec: T0 + 60, counts: [{ atSec: T0 + 3600, instanceCount: 2 }] });
    const m = mergeResource(a, b, T0 + 4000)!;
    expect(m.startSec).toBe(T0);
    expect(m.counts).toEqual([{ atSec: T0, instanceCount: 1 }, { atSec: T0 + 3600, instanceCount: 2 }]);
  });

  it('EC2 stop/start becomes count 0/1 at the event time; terminate ends the resource', () => {
    const i = ec2();
    const stopped = applyStateChange(i, { kind: 'ec2-instance', region: 'us-east-1', id: 'i-1', state: 'stopped', atSec: T0 + 100 })!;
    expect(stopped.counts.at(-1)).toEqual({ atSec: T0 + 100, instanceCount: 0 });
    const running = applyStateChange(stopped, { kind: 'ec2-instance', region: 'us-east-1', id: 'i-1', state: 'running', atSec: T0 + 200 })!;
    expect(running.counts.at(-1)).toEqual({ atSec: T0 + 200, instanceCount: 1 });
    const gone = applyStateChange(running, { kind: 'ec2-instance', region: 'us-east-1', id: 'i-1', state: 'terminated', atSec: T0 + 300 })!;
    expect(gone.endSec).toBe(T0 + 300);
  });

  it('a completed training job gets its end time once; a duplicate event changes nothing', () => {
    const ev = { kind: 'training-job' as const, region: 'us-east-1', id: 'job-a', state: 'Completed', atSec: T0 + 500 };
    const done = applyStateChange(job(), ev)!;
    expect(done.endSec).toBe(T0 + 500);
    expect(applyStateChange(done, ev)).toBeUndefined();
  });
});

describe('reopening an ended resource', () => {
  // A sweep saw the instance stopped (endSec from StateTransitionReason); it was started again 2 h later.
  const stoppedBySweep = ec2({ status: 'stopped', endSec: T0 + H, counts: [{ atSec: T0, instanceCount: 1 }] });

  it('a sweep that sees the instance running again (new LaunchTime) clears the end and adds the restart to the count history', () => {
    // Prepare: DescribeInstances gives the latest LaunchTime, so the observation starts at the restart.
    const seen = ec2({ startSec: T0 + 3 * H, counts: [{ atSec: T0 + 3 * H, instanceCount: 1 }] });
    // Act
    const m = mergeResource(stoppedBySweep, seen, T0 + 3 * H + 600)!;
    // Assess
    expect(m.endSec).toBeUndefined();
    expect(m.status).toBe('running');
    expect(m.startSec).toBe(T0);
    expect(m.counts).toEqual([
      { atSec: T0, instanceCount: 1 },
      { atSec: T0 + H, instanceCount: 0 },
      { atSec: T0 + 3 * H, instanceCount: 1 },
    ]);
    // The stopped hours carry no instances, the restarted ones do.
    expect(instanceCountAt(m, T0 + 2 * H)).toBe(0);
    expect(instanceCountAt(m, T0 + 3 * H + 1)).toBe(1);
  });

  it('a running event after the end reopens at the event time', () => {
    const m = applyStateChange(stoppedBySweep, { kind: 'ec2-instance', region: 'us-east-1', id: 'i-1', state: 'running', atSec: T0 + 2 * H })!;
    expect(m.endSec).toBeUndefined();
    expect(m.counts).toEqual([
      { atSec: T0, instanceCount: 1 },
      { atSec: T0 + H, instanceCount: 0 },
      { atSec: T0 + 2 * H, instanceCount: 1 },
    ]);
  });

  it.each([
    ['an observation made before the end (a listing that began before the stop)', stoppedBySweep, ec2(), T0 + H - 60],
    ['a stopped observation', stoppedBySweep, ec2({ status: 'stopped', endSec: T0 + H }), T0 + 2 * H],
    ['a terminated instance', { ...stoppedBySweep, status: 'terminated' }, ec2({ startSec: T0 + 2 * H }), T0 + 3 * H],
    ['a training job (names are used once)', job({ status: 'Completed', endSec: T0 + H }), job({ status: 'InProgress' }), T0 + 2 * H],
    ['an endpoint seen Deleting', endpoint({ status: 'Deleting', endSec: T0 + H }), endpoint({ status: 'Deleting' }), T0 + 2 * H],
  ])('does not reopen on %s', (_name, stored, seen, observedAtSec) => {
    const m = mergeResource(stored, seen, observedAtSec) ?? stored;
    expect(m.endSec).toBeDefined();
  });

  it('a running event older than the end does not reopen', () => {
    const m = applyStateChange(stoppedBySweep, { kind: 'ec2-instance', region: 'us-east-1', id: 'i-1', state: 'running', atSec: T0 + 600 }) ?? stoppedBySweep;
    expect(m.endSec).toBe(T0 + H);
  });

  it('an endpoint re-created under the same name reopens at its new creation time with its new count', () => {
    const deleted = endpoint({ status: 'Deleting', endSec: T0 + H });
    const recreated = endpoint({ startSec: T0 + 5 * H, counts: [{ atSec: T0 + 5 * H, instanceCount: 3 }] });
    const m = mergeResource(deleted, recreated, T0 + 5 * H + 900)!;
    expect(m.endSec).toBeUndefined();
    expect(m.counts).toEqual([
      { atSec: T0, instanceCount: 2 },
      { atSec: T0 + H, instanceCount: 0 },
      { atSec: T0 + 5 * H, instanceCount: 3 },
    ]);
  });

  it('a resource wrongly ended as missing and seen again (same creation time) continues from its end, with no gap', () => {
    const missing = endMissing(endpoint(), T0 + H);
    const m = mergeResource(missing, endpoint(), T0 + 2 * H)!;
    expect(m.endSec).toBeUndefined();
    expect(m.status).toBe('InService');
    expect(m.counts).toEqual([{ atSec: T0, instanceCount: 2 }]);
  });

  it('property: merging the same observation again changes nothing (a duplicate sweep is a no-op)', () => {
    fc.assert(
      fc.property(
        fc.record({
          endH: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
          seenStartH: fc.integer({ min: 0, max: 12 }),
          seenEnded: fc.boolean(),
          status: fc.constantFrom('running', 'stopped', 'pending'),
          observedH: fc.integer({ min: 0, max: 14 }),
        }),
        ({ endH, seenStartH, seenEnded, status, observedH }) => {
          const stored = ec2({ status: endH ? 'stopped' : 'running', ...(endH ? { endSec: T0 + endH * H } : {}) });
          const seen = ec2({
            status,
            startSec: T0 + seenStartH * H,
            counts: [{ atSec: T0 + seenStartH * H, instanceCount: 1 }],
            ...(seenEnded ? { endSec: T0 + (seenStartH + 1) * H } : {}),
          });
          const once = mergeResource(stored, seen, T0 + observedH * H) ?? stored;
          expect(mergeResource(once, seen, T0 + observedH * H)).toBeUndefined();
          // Count history stays sorted with no repeated value.
          for (let i = 1; i < once.counts.length; i++) {
            expect(once.counts[i].atSec).toBeGreaterThan(once.counts[i - 1].atSec);
            expect(once.counts[i].instanceCount).not.toBe(once.counts[i - 1].instanceCount);
          }
        },
      ),
    );
  });
});

describe('ending what a complete listing no longer shows', () => {
  const listedAtSec = T0 + 10 * H;
  const evidence = (over: Partial<AbsenceEvidence> = {}): AbsenceEvidence => ({
    listedAtSec,
    completeKinds: ['endpoint', 'ec2-instance'],
    present: new Set(),
    graceSec: 300,
    ...over,
  });

  it.each<[string, boolean, ResourceRef, Partial<AbsenceEvidence>]>([
    ['an open endpoint variant not seen', true, endpoint(), {}],
    ['an open EC2 instance not seen', true, ec2(), {}],
    ['a resource the listing saw', false, endpoint(), { present: new Set([resourceKey(endpoint())]) }],
    ['a training job (listed by window, never ended by absence)', false, job(), { completeKinds: ['endpoint', 'ec2-instance'] }],
    ['a kind the listing did not list completely', false, ec2(), { completeKinds: ['endpoint'] }],
    ['a resource that already ended', false, endpoint({ endSec: T0 + H }), {}],
    ['a resource newer than the listing less its grace', false, endpoint({ startSec: listedAtSec - 120, counts: [{ atSec: listedAtSec - 120, instanceCount: 1 }] }), {}],
    ['a resource whose count changed after the listing began', false, ec2({ counts: [{ atSec: T0, instanceCount: 1 }, { atSec: listedAtSec + 5, instanceCount: 0 }] }), {}],
    ['a demo resource', false, endpoint({ demo: true }), {}],
  ])('%s → missing: %s', (_name, expected, r, over) => {
    expect(isMissingFrom(r, resourceKey(r), evidence(over))).toBe(expected);
  });

  it('ends at the listing instant with status Missing', () => {
    expect(endMissing(endpoint(), listedAtSec)).toEqual({ ...endpoint(), endSec: listedAtSec, status: MISSING_STATUS });
  });

  it.each([
    ['endpoint', 'InService', true],
    ['endpoint', 'Deleting', false],
    ['endpoint', 'Failed', false],
    ['ec2-instance', 'running', true],
    ['ec2-instance', 'stopped', false],
    ['training-job', 'InProgress', false],
  ] as const)('%s status %s is live: %s', (kind, status, live) => {
    expect(isLiveStatus(kind, status)).toBe(live);
  });
});
