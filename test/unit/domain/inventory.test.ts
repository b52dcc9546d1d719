import { applyStateChange, mergeResource } from '../../../shared/domain/inventory';
import { job, T0 } from '../../helpers/fixtures';

describe('inventory merging', () => {
  it('a new resource is taken as seen; an unchanged one needs no write', () => {
    const r = job();
    const stored = mergeResource(undefined, r)!;
    expect(stored).toEqual(r);
    expect(mergeResource(stored, r)).toBeUndefined();
  });

  it('merges count history by time and keeps the earliest start', () => {
    const a = job({ counts: [{ atSec: T0, instanceCount: 1 }] });
    const b = job({ startSec: T0 + 60, counts: [{ atSec: T0 + 3600, instanceCount: 2 }] });
    const m = mergeResource(a, b)!;
    expect(m.startSec).toBe(T0);
    expect(m.counts).toEqual([{ atSec: T0, instanceCount: 1 }, { atSec: T0 + 3600, instanceCount: 2 }]);
  });

  it('EC2 stop/start becomes count 0/1 at the event time; terminate ends the resource', () => {
    const i = job({ kind: 'ec2-instance', id: 'i-1' });
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
