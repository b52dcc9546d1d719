/** Inventory writes are compare-and-set: concurrent sweeps and state changes both land (real store on dynalite). */
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { DynamoFootprintStore } from '../../shared/adapters/aws/dynamodb-footprint-store';
import { makeInventorySweep, makeStateChangeHandler } from '../../shared/use-cases/inventory-sync';
import type { ResourceRef } from '../../shared/domain/types';
import { T0, job } from '../helpers/fixtures';

let db: EmbeddedDynamo;
let store: DynamoFootprintStore;
beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'inventory-test' });
  store = new DynamoFootprintStore(db.client, db.tableName);
});
afterAll(() => db.close());

const ec2 = (counts: ResourceRef['counts']) => job({ kind: 'ec2-instance', id: 'i-race', status: 'running', counts });

describe('inventory sync', () => {
  it('putResource with a version is a compare-and-set', async () => {
    const r = job({ id: 'cas' });
    expect(await store.putResource(r, 0)).toBe(true);
    expect(await store.putResource(r, 0)).toBe(false); // already exists
    const v = await store.getResourceVersioned('training-job#us-east-1#cas');
    expect(v?.version).toBe(1);
    expect(await store.putResource({ ...r, status: 'Completed' }, 1)).toBe(true);
    expect(await store.putResource({ ...r, status: 'Failed' }, 1)).toBe(false); // stale version
    expect((await store.getResource('training-job#us-east-1#cas'))?.status).toBe('Completed');
  });

  it('a sweep and a state-change event racing on one resource both land', async () => {
    await store.putResource(ec2([{ atSec: T0, instanceCount: 1 }]), 0);
    const clock = { nowSec: () => T0 + 7200 };
    // The sweep sees an earlier stop/start the event stream missed; the event reports a later stop.
    const sweep = makeInventorySweep({
      store, clock, regions: ['us-east-1'], lookbackSec: 86400,
      inventory: { listActive: async () => [ec2([{ atSec: T0, instanceCount: 1 }, { atSec: T0 + 600, instanceCount: 0 }, { atSec: T0 + 1200, instanceCount: 1 }])] },
    });
    const onEvent = makeStateChangeHandler({ store, clock, regions: ['us-east-1'], lookbackSec: 86400, inventory: { listActive: async () => [] } });
    await Promise.all([sweep(), onEvent({ kind: 'ec2-instance', region: 'us-east-1', id: 'i-race', state: 'stopped', atSec: T0 + 3600 })]);
    const got = await store.getResource('ec2-instance#us-east-1#i-race');
    expect(got?.counts).toEqual([
      { atSec: T0, instanceCount: 1 },
      { atSec: T0 + 600, instanceCount: 0 },
      { atSec: T0 + 1200, instanceCount: 1 },
      { atSec: T0 + 3600, instanceCount: 0 },
    ]);
  });
});
