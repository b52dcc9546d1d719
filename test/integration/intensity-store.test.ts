/** The intensity store against a real DynamoDB API (dynalite, in memory) through the real AWS SDK. */
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { DynamoIntensityStore } from '../../shared/adapters/aws/dynamodb-intensity-store';
import { StoredIntensityProvider } from '../../shared/adapters/intensity/stored-intensity-provider';
import { InvalidIntensityPointError, type StoredIntensityPoint } from '../../shared/ports/intensity-store';
import type { IntensityQuality } from '../../shared/domain/types';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { FORECAST_VINTAGE_TTL_SEC } from '../../shared/adapters/aws/table-schema';

const H = 3600;
const T0 = 1_763_596_800; // 2025-11-20T00:00:00Z

let db: EmbeddedDynamo;
let store: DynamoIntensityStore;
beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'intensity-store-test' });
  store = new DynamoIntensityStore(db.client, db.tableName);
});
afterAll(() => db.close());

const pt = (zone: string, tSec: number, gPerKwh: number, quality: IntensityQuality = 'actual', issuedAtSec?: number, provider = 'P'): StoredIntensityPoint => ({
  tSec,
  periodSec: H,
  gPerKwh,
  zone,
  signal: 'average-lifecycle',
  provider,
  quality,
  ...(issuedAtSec !== undefined ? { issuedAtSec } : {}),
});

describe('DynamoIntensityStore', () => {
  it('gives forecast vintages a TTL after their target hour and keeps actuals', async () => {
    const zone = 'Z-TTL';
    await store.putPoints([pt(zone, T0, 100), pt(zone, T0 + H, 120, 'provider-forecast', T0 - H)]);
    const items = (await DynamoDBDocumentClient.from(db.client).send(new ScanCommand({ TableName: db.tableName }))).Items!.filter((i) => i.zone === zone);
    const byQuality = Object.fromEntries(items.map((i) => [i.quality, i.ttl]));
    expect(byQuality).toEqual({ actual: undefined, 'provider-forecast': T0 + H + FORECAST_VINTAGE_TTL_SEC });
  });

  it('indexes each forecast vintage and reads one vintage by exact key; the index is invisible to other reads', async () => {
    const zone = 'Z-VIX';
    const v1 = T0 - 2 * H;
    const v2 = T0 - H;
    await store.putPoints([0, 1, 2].map((k) => pt(zone, T0 + k * H, 100 + k, 'provider-forecast', v1, 'EM')));
    await store.putPoints([0, 1, 2].map((k) => pt(zone, T0 + k * H, 200 + k, 'provider-forecast', v2, 'EM')));
    await store.putPoints([pt(zone, T0, 300, 'own-forecast', v2, 'ours'), pt(zone, T0 - H, 50)]);
    expect(await store.listVintageIssues(zone, 'average-lifecycle', { startSec: v1, endSec: v2 + 1 }, 'provider-forecast')).toEqual([
      { issuedAtSec: v1, quality: 'provider-forecast', provider: 'EM' },
      { issuedAtSec: v2, quality: 'provider-forecast', provider: 'EM' },
    ]);
    expect((await store.listVintageIssues(zone, 'average-lifecycle', { startSec: v1, endSec: v2 })).map((v) => v.issuedAtSec)).toEqual([v1]);
    const got = await store.getVintage(zone, 'average-lifecycle', { issuedAtSec: v1, quality: 'provider-forecast', provider: 'EM' }, { startSec: T0, endSec: T0 + 2 * H });
    expect(got.map((p) => [p.tSec, p.gPerKwh, p.issuedAtSec])).toEqual([[T0, 100, v1], [T0 + H, 101, v1]]);
    // Other reads see points only.
    expect((await store.getActuals(zone, 'average-lifecycle', { startSec: T0 - 2 * H, endSec: T0 + 3 * H })).map((p) => p.gPerKwh)).toEqual([50]);
    expect((await store.listVintages(zone, 'average-lifecycle', { startSec: T0, endSec: T0 + 3 * H })).length).toBe(3);
  });

  it('overwrites an actual on re-fetch (a value, never a sum) and counts only real changes', async () => {
    // Prepare
    const zone = 'Z-ACT';
    expect(await store.putPoints([pt(zone, T0, 100), pt(zone, T0 + H, 200)])).toEqual({ written: 2 });
    // Act: identical re-fetch, then a corrected value for one hour
    const same = await store.putPoints([pt(zone, T0, 100), pt(zone, T0 + H, 200)]);
    const corrected = await store.putPoints([pt(zone, T0 + H, 210)]);
    // Assess
    expect(same.written).toBe(0);
    expect(corrected.written).toBe(1);
    const got = await store.getActuals(zone, 'average-lifecycle', { startSec: T0, endSec: T0 + 2 * H });
    expect(got.map((p) => [p.tSec, p.gPerKwh])).toEqual([[T0, 100], [T0 + H, 210]]);
  });

  it('queries actuals by half-open window and keeps signals apart', async () => {
    const zone = 'Z-WIN';
    await store.putPoints([pt(zone, T0, 1), pt(zone, T0 + H, 2), pt(zone, T0 + 2 * H, 3), { ...pt(zone, T0 + H, 999), signal: 'marginal' }]);
    const got = await store.getActuals(zone, 'average-lifecycle', { startSec: T0 + H, endSec: T0 + 2 * H });
    expect(got.map((p) => p.gPerKwh)).toEqual([2]);
    expect((await store.getActuals(zone, 'marginal', { startSec: T0, endSec: T0 + 3 * H })).map((p) => p.gPerKwh)).toEqual([999]);
  });

  it('keeps every forecast vintage and returns the latest issued at or before a time', async () => {
    // Prepare: three vintages for the same two hours
    const zone = 'Z-VIN';
    const target = T0 + 10 * H;
    for (const [issued, g] of [[T0, 300], [T0 + H, 310], [T0 + 2 * H, 320]] as const) {
      expect((await store.putPoints([pt(zone, target, g, 'provider-forecast', issued), pt(zone, target + H, g + 1, 'provider-forecast', issued)])).written).toBe(2);
    }
    // A repeat of one vintage is "already exists": success, nothing written
    expect((await store.putPoints([pt(zone, target, 300, 'provider-forecast', T0)])).written).toBe(0);
    const w = { startSec: target, endSec: target + 2 * H };
    // Act / Assess
    expect((await store.getForecasts(zone, 'average-lifecycle', w)).map((p) => p.gPerKwh)).toEqual([320, 321]);
    expect((await store.getForecasts(zone, 'average-lifecycle', w, { issuedAtOrBefore: T0 + H + 59 })).map((p) => [p.gPerKwh, p.issuedAtSec])).toEqual([
      [310, T0 + H],
      [311, T0 + H],
    ]);
    expect(await store.getForecasts(zone, 'average-lifecycle', w, { issuedAtOrBefore: T0 - 1 })).toEqual([]);
    const vintages = await store.listVintages(zone, 'average-lifecycle', w);
    expect(vintages.map((v) => [v.issuedAtSec, v.hours, v.firstHourSec, v.lastHourSec])).toEqual([
      [T0, 2, target, target + H],
      [T0 + H, 2, target, target + H],
      [T0 + 2 * H, 2, target, target + H],
    ]);
  });

  it('prefers a provider forecast over our own forecast for the same hour, and keeps our 90 % interval', async () => {
    const zone = 'Z-PREF';
    await store.putPoints([
      { ...pt(zone, T0, 500, 'own-forecast', T0 + 5 * 60, 'own'), lowGPerKwh: 400, highGPerKwh: 600 },
      pt(zone, T0, 450, 'provider-forecast', T0 - H),
      { ...pt(zone, T0 + H, 510, 'own-forecast', T0, 'own'), lowGPerKwh: 410, highGPerKwh: 610 },
    ]);
    const got = await store.getForecasts(zone, 'average-lifecycle', { startSec: T0, endSec: T0 + 2 * H });
    expect(got.map((p) => [p.quality, p.gPerKwh])).toEqual([['provider-forecast', 450], ['own-forecast', 510]]);
    expect(got[1]).toMatchObject({ lowGPerKwh: 410, highGPerKwh: 610, issuedAtSec: T0 });
    const own = await store.getForecasts(zone, 'average-lifecycle', { startSec: T0, endSec: T0 + H }, { quality: 'own-forecast' });
    expect(own.map((p) => p.gPerKwh)).toEqual([500]);
  });

  it.each([
    ['a yearly average', pt('Z-BAD', T0, 1, 'yearly-average'), /quality 'yearly-average' is not stored/],
    ['demo data', pt('Z-BAD', T0, 1, 'demo'), /quality 'demo' is not stored/],
    ['a forecast without issue time', pt('Z-BAD', T0, 1, 'provider-forecast'), /needs its issue time/],
    ['a negative value', pt('Z-BAD', T0, -1), /gPerKwh must be finite/],
    ['a zone that would break the key', pt('Z#BAD', T0, 1), /zone must match/],
  ])('rejects %s and writes nothing of the batch', async (_name, bad, msg) => {
    await expect(store.putPoints([pt('Z-BAD', T0 + H, 5), bad])).rejects.toThrow(InvalidIntensityPointError);
    await expect(store.putPoints([bad])).rejects.toThrow(msg);
    expect(await store.getActuals('Z-BAD', 'average-lifecycle', { startSec: T0, endSec: T0 + 2 * H })).toEqual([]);
  });
});

describe('StoredIntensityProvider', () => {
  it('gives per hour the actual if stored, else the newest forecast; empty when nothing is stored', async () => {
    // Prepare: hour 0 actual (and an old forecast for it), hour 1 two forecast vintages, hour 2 nothing
    const zone = 'Z-PROV';
    await store.putPoints([
      pt(zone, T0, 100),
      pt(zone, T0, 90, 'provider-forecast', T0 - 2 * H),
      pt(zone, T0 + H, 120, 'own-forecast', T0 - H, 'own'),
      pt(zone, T0 + H, 130, 'own-forecast', T0, 'own'),
    ]);
    const provider = new StoredIntensityProvider(store);
    // Act
    const got = await provider.getSeries(zone, 'average-lifecycle', { startSec: T0, endSec: T0 + 3 * H });
    // Assess
    expect(got.map((p) => [p.tSec, p.gPerKwh, p.quality])).toEqual([
      [T0, 100, 'actual'],
      [T0 + H, 130, 'own-forecast'],
    ]);
    expect(await provider.getSeries('Z-NONE', 'average-lifecycle', { startSec: T0, endSec: T0 + 3 * H })).toEqual([]);
    // With a clock, a vintage issued after "now" is not seen (a replay never uses the future).
    const asOf = new StoredIntensityProvider(store, { nowSec: () => T0 - 1 });
    expect((await asOf.getSeries(zone, 'average-lifecycle', { startSec: T0 + H, endSec: T0 + 2 * H })).map((p) => p.gPerKwh)).toEqual([120]);
  });
});
