/**
 * The benchmark's in-memory IntensityStore is a storage double: the same writes and reads give the same answers as
 * the product's DynamoIntensityStore on the real DynamoDB API (dynalite), for every read the forecast source and
 * the stored provider make.
 */
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../shared/adapters/local/embedded-dynamodb';
import { DynamoIntensityStore } from '../../../shared/adapters/aws/dynamodb-intensity-store';
import { InvalidIntensityPointError, type IntensityStore, type StoredIntensityPoint } from '../../../shared/ports/intensity-store';
import { MemoryIntensityStore } from '../../../bench/lib/memory-intensity-store';

const H = 3600;
const T0 = 1_625_097_600; // 2021-07-01T00:00:00Z
const S = 'average-lifecycle' as const;
const pt = (t: number, g: number, extra: Partial<StoredIntensityPoint> = {}): StoredIntensityPoint => ({ tSec: t, periodSec: H, gPerKwh: g, zone: 'DE-LU', signal: S, provider: 'feed', quality: 'actual', ...extra });

/** Actuals with a gap at hours 5–7, two provider vintages and one own forecast overlapping them, one duplicate write. */
const WRITES: StoredIntensityPoint[][] = [
  Array.from({ length: 24 }, (_, h) => h).filter((h) => h < 5 || h > 7).map((h) => pt(T0 + h * H, 300 + h)),
  Array.from({ length: 12 }, (_, h) => pt(T0 + h * H, 200 + h, { provider: 'carboncast:DE', quality: 'provider-forecast', issuedAtSec: T0 })),
  Array.from({ length: 12 }, (_, h) => pt(T0 + (3 + h) * H, 250 + h, { provider: 'carboncast:DE', quality: 'provider-forecast', issuedAtSec: T0 + 3 * H })),
  Array.from({ length: 12 }, (_, h) => pt(T0 + (4 + h) * H, 400 + h, { provider: 'carbonpilot', quality: 'own-forecast', issuedAtSec: T0 + 4 * H })),
  [pt(T0 + H, 301), pt(T0 + 2 * H, 999)], // one unchanged actual, one corrected actual
];
const W = { startSec: T0, endSec: T0 + 24 * H };
const READS: [string, (s: IntensityStore) => Promise<unknown>][] = [
  ['getActuals over the gap', (s) => s.getActuals('DE-LU', S, { startSec: T0 + 3 * H, endSec: T0 + 10 * H })],
  ['getForecasts: latest vintage per hour, provider before own', (s) => s.getForecasts('DE-LU', S, W)],
  ['getForecasts known at a cutoff', (s) => s.getForecasts('DE-LU', S, W, { issuedAtOrBefore: T0 + 2 * H })],
  ['getForecasts of one quality', (s) => s.getForecasts('DE-LU', S, W, { quality: 'own-forecast' })],
  ['listVintages', (s) => s.listVintages('DE-LU', S, { startSec: T0 + 10 * H, endSec: T0 + 20 * H })],
  ['listVintageIssues, all', (s) => s.listVintageIssues('DE-LU', S, { startSec: T0 - 86400, endSec: T0 + 86400 })],
  ['listVintageIssues, half-open window and one quality', (s) => s.listVintageIssues('DE-LU', S, { startSec: T0, endSec: T0 + 3 * H }, 'provider-forecast')],
  ['getVintage by its key', (s) => s.getVintage('DE-LU', S, { issuedAtSec: T0 + 3 * H, quality: 'provider-forecast', provider: 'carboncast:DE' }, { startSec: T0 + 5 * H, endSec: T0 + 9 * H })],
  ['an unknown zone', (s) => s.getActuals('GB', S, W)],
];

describe('MemoryIntensityStore (bench storage double) answers as DynamoIntensityStore does', () => {
  let db: EmbeddedDynamo;
  const stores: { memory: IntensityStore; dynamo?: IntensityStore } = { memory: new MemoryIntensityStore() };
  const written: Record<string, number[]> = { memory: [], dynamo: [] };

  beforeAll(async () => {
    db = await startEmbeddedDynamo({ tableName: 'bench-store-parity' });
    stores.dynamo = new DynamoIntensityStore(db.client, db.tableName);
    for (const batch of WRITES) {
      written.memory.push((await stores.memory.putPoints(batch)).written);
      written.dynamo.push((await stores.dynamo.putPoints(batch)).written);
    }
  }, 60_000);
  afterAll(() => db.close());

  it('counts the same writes (an unchanged actual and a repeated forecast are not new)', () => {
    expect(written.memory).toEqual(written.dynamo);
    expect(written.memory[4]).toBe(1);
  });

  it.each(READS)('%s', async (_name, read) => {
    const strip = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'ttl' || k === 'fetchedAtSec' ? undefined : v)));
    expect(strip(await read(stores.memory))).toEqual(strip(await read(stores.dynamo!)));
  });

  it('rejects what the benchmark cannot hold faithfully, writing nothing', async () => {
    const s = new MemoryIntensityStore();
    await expect(s.putPoints([pt(T0, 1), pt(T0 + 60, 2)])).rejects.toThrow(InvalidIntensityPointError);
    await expect(s.putPoints([pt(T0, 1, { quality: 'provider-forecast' })])).rejects.toThrow(/issuedAtSec/);
    expect(await s.getActuals('DE-LU', S, W)).toEqual([]);
  });
});
