import { LocalBus, localSubscriptions, rateSeconds } from '../../../../shared/adapters/local/local-bus';
import { PIPELINE, EVENT_SOURCE, DetailTypes } from '../../../../shared/pipeline';

describe('LocalBus', () => {
  it('subscribes every trigger of the pipeline definition', () => {
    const subs = localSubscriptions(PIPELINE);
    // Bus subscriptions: schedules and event patterns (http-api and one-time schedules are served elsewhere).
    expect(subs).toHaveLength(PIPELINE.reduce((n, f) => n + f.triggers.filter((t) => t.type === 'schedule' || t.type === 'event').length, 0));
    expect(subs.every((x) => x.pattern !== undefined || x.scheduleExpression !== undefined)).toBe(true);
  });

  it('routes published events by EventBridge pattern and bus', async () => {
    const got: string[] = [];
    const bus = new LocalBus(PIPELINE, async (fn, ev) => void got.push(`${fn}:${ev['detail-type']}`));
    bus.publish('carbonpilot', [{ source: EVENT_SOURCE, detailType: DetailTypes.collectionRequested, detail: { resourceKeys: ['x'] }, timeSec: 0 }]);
    bus.publish('default', [{ source: EVENT_SOURCE, detailType: DetailTypes.collectionRequested, detail: {}, timeSec: 0 }]); // wrong bus
    bus.publish('default', [{ source: 'aws.ec2', detailType: 'EC2 Instance State-change Notification', detail: { state: 'pending' }, timeSec: 0 }]); // filtered by detail.state
    bus.publish('default', [{ source: 'aws.ec2', detailType: 'EC2 Instance State-change Notification', detail: { state: 'running' }, timeSec: 0 }]);
    await bus.drain();
    expect(got).toEqual(['collect-footprint:Footprint Collection Requested', 'inventory-sync:EC2 Instance State-change Notification']);
  });

  it('fires rate schedules once per slot from a controllable clock, or once per step when coalescing', async () => {
    const fired: string[] = [];
    const bus = new LocalBus(PIPELINE, async (fn, ev) => void fired.push(`${fn}@${ev.time}`));
    bus.fireSchedulesUpTo(3600, 0);
    await bus.drain();
    expect(fired.filter((f) => f.startsWith('inventory-sync')).length).toBe(5); // 0,15,30,45,60 min
    expect(fired.filter((f) => f.startsWith('collect-dispatch')).length).toBe(2); // 0 h, 1 h
    fired.length = 0;
    bus.fireSchedulesUpTo(2 * 86400, 0, true);
    await bus.drain();
    // Coalesced: each schedule (15 min, 1 h, 1 day) fires once, for the latest slot.
    const scheduled = PIPELINE.flatMap((f) => f.triggers.filter((t) => t.type === 'schedule').map(() => `${f.id}@1970-01-03T00:00:00Z`));
    expect(fired).toEqual(scheduled);
  });

  it('records a failing handler without stopping delivery', async () => {
    const ok: string[] = [];
    const bus = new LocalBus(PIPELINE, async (fn) => {
      if (fn === 'inventory-sync') throw new Error('boom');
      ok.push(fn);
    });
    bus.fireSchedulesUpTo(0, 0);
    await bus.drain();
    expect(ok).toEqual(PIPELINE.filter((f) => f.id !== 'inventory-sync' && f.triggers.some((t) => t.type === 'schedule')).map((f) => f.id));
    expect(ok).toContain('collect-dispatch');
    expect(bus.stats.failed).toEqual([{ functionId: 'inventory-sync', error: 'boom' }]);
  });

  it('rejects schedule expressions it cannot run', () => {
    expect(rateSeconds('rate(15 minutes)')).toBe(900);
    expect(() => rateSeconds('cron(0 * * * ? *)')).toThrow(/only rate/);
  });
});
