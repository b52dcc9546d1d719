/**
 * The grid's carbon-free share (`cfePct`) travels with the hourly intensity through the store (dynalite, real SDK)
 * and the stored-series provider, so hourly CFE matching can read it; a re-fetch without a share never erases one.
 */
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { DynamoIntensityStore } from '../../shared/adapters/aws/dynamodb-intensity-store';
import { StoredIntensityProvider } from '../../shared/adapters/intensity/stored-intensity-provider';
import { InvalidIntensityPointError, type StoredIntensityPoint } from '../../shared/ports/intensity-store';
import { gridCfeFromPoints } from '../../shared/domain/market/cfe';

const H = 3600;
const T0 = Date.UTC(2026, 10, 1) / 1000; // 2026-11-01T00:00:00Z

let db: EmbeddedDynamo;
let store: DynamoIntensityStore;
beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'intensity-store-cfe-test' });
  store = new DynamoIntensityStore(db.client, db.tableName);
});
afterAll(() => db.close());

const pt = (zone: string, tSec: number, gPerKwh: number, cfePct?: number): StoredIntensityPoint => ({
  tSec, periodSec: H, gPerKwh, zone, signal: 'average-lifecycle', provider: 'P', quality: 'actual', ...(cfePct === undefined ? {} : { cfePct }),
});

describe('carbon-free share in the intensity store', () => {
  it('stores cfePct with the actual and returns it through the stored-series provider', async () => {
    // Prepare
    await store.putPoints([pt('Z-CFE1', T0, 300, 42.5), pt('Z-CFE1', T0 + H, 310)]);
    // Act
    const series = await new StoredIntensityProvider(store).getSeries('Z-CFE1', 'average-lifecycle', { startSec: T0, endSec: T0 + 2 * H });
    // Assess
    expect(series.map((p) => [p.tSec, p.gPerKwh, p.cfePct])).toEqual([[T0, 300, 42.5], [T0 + H, 310, undefined]]);
    const lookup = gridCfeFromPoints(new Map([['Z-CFE1', series]]), () => 'Z-CFE1');
    expect(lookup('eu-west-1', T0)).toBeCloseTo(0.425, 12);
    expect(lookup('eu-west-1', T0 + H)).toBeUndefined(); // unknown stays unknown, never filled
  });

  it.each([
    ['adds a share to an hour stored without one', [pt('Z-CFE2', T0, 300)], pt('Z-CFE2', T0, 300, 60), 1, 60],
    ['changes a different share', [pt('Z-CFE3', T0, 300, 50)], pt('Z-CFE3', T0, 300, 55), 1, 55],
    ['is a no-op for the same value and share', [pt('Z-CFE4', T0, 300, 50)], pt('Z-CFE4', T0, 300, 50), 0, 50],
    ['keeps the share when the same value comes again without one', [pt('Z-CFE5', T0, 300, 50)], pt('Z-CFE5', T0, 300), 0, 50],
  ])('%s', async (_name, before, again, written, cfe) => {
    await store.putPoints(before);
    const r = await store.putPoints([again]);
    expect(r.written).toBe(written);
    const [p] = await store.getActuals(again.zone, 'average-lifecycle', { startSec: T0, endSec: T0 + H });
    expect(p.cfePct).toBe(cfe);
  });

  it('rejects a share outside 0–100 naming the point, and writes nothing of the batch', async () => {
    await expect(store.putPoints([pt('Z-CFE6', T0, 300, 20), pt('Z-CFE6', T0 + H, 300, 101)])).rejects.toThrow(InvalidIntensityPointError);
    await expect(store.putPoints([pt('Z-CFE6', T0 + H, 300, -1)])).rejects.toThrow(/points\[0\] .*cfePct must be a share between 0 and 100/);
    expect(await store.getActuals('Z-CFE6', 'average-lifecycle', { startSec: T0, endSec: T0 + 2 * H })).toEqual([]);
  });
});
