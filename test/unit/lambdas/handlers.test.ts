/** Handlers only adapt: malformed events are rejected with the field named, before any use case runs. */
import { makeHandler as collectHandler } from '../../../lambdas/collect-footprint/handler';
import { makeHandler as rollupHandler } from '../../../lambdas/rollup/handler';
import { makeHandler as inventoryHandler } from '../../../lambdas/inventory-sync/handler';
import { MalformedEventError } from '../../../shared/contracts/events';

const ctx = {} as never;
const noDeps = async () => {
  throw new Error('deps must not be built for a malformed event');
};
const envelope = (detailType: string, detail: unknown, source = 'carbonpilot') => ({ 'detail-type': detailType, source, time: '2025-11-20T00:00:00Z', detail });

describe('handlers', () => {
  it.each([
    ['collect-footprint without resourceKeys', collectHandler, envelope('Footprint Collection Requested', {}), /resourceKeys/],
    ['collect-footprint with a bad key', collectHandler, envelope('Footprint Collection Requested', { resourceKeys: ['nope'] }), /resourceKeys\.0/],
    ['rollup with a bad day', rollupHandler, envelope('Footprint Intervals Written', { days: ['20-11-2025'] }), /days\.0/],
    ['any handler without an envelope', rollupHandler, { detail: {} }, /detail-type|source|time/],
    ['inventory with a malformed EC2 event', inventoryHandler, { ...envelope('EC2 Instance State-change Notification', { state: 'running' }, 'aws.ec2'), region: 'us-east-1' }, /instance-id/],
  ])('%s → MalformedEventError naming the field', async (_name, make, event, field) => {
    const h = (make as typeof collectHandler)(async () => {
      if (_name.includes('inventory')) return { config: { regions: [], inventoryLookbackSec: 1 } } as never;
      return noDeps();
    });
    const err = await h(event, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedEventError);
    expect((err as Error).message).toMatch(field);
  });
});
