/**
 * The planner's forecast source on the real intensity store (dynalite through the AWS SDK): our forecaster on stored
 * actuals, blended with stored provider vintages by both sources' record on the last two weeks.
 */
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { DynamoIntensityStore } from '../../shared/adapters/aws/dynamodb-intensity-store';
import { StoredIntensityProvider } from '../../shared/adapters/intensity/stored-intensity-provider';
import { SeriesForecastSource, SKILL_DAYS } from '../../shared/adapters/intensity/series-forecast-source';
import type { StoredIntensityPoint } from '../../shared/ports/intensity-store';

const H = 3600;
const DAY = 86400;
const T0 = 1_763_596_800; // 2025-11-20T00:00:00Z
const NOW = T0 + 70 * DAY + 5 * H; // 10 weeks of actuals; the latest vintage (00:00) is 5 h old
const HORIZON = 48;

/** A synthetic grid: daily cycle plus slow weather-like swings our history-only forecaster cannot foresee. */
const truth = (t: number): number => {
  const h = (t - T0) / H;
  return 300 * Math.exp(0.25 * Math.sin((2 * Math.PI * h) / 24) + 0.35 * Math.sin((2 * Math.PI * h) / 97) + 0.2 * Math.sin((2 * Math.PI * h) / 41));
};

let db: EmbeddedDynamo;
let store: DynamoIntensityStore;
const point = (zone: string, t: number, g: number, extra: Partial<StoredIntensityPoint> = {}): StoredIntensityPoint => ({
  tSec: t, periodSec: H, gPerKwh: g, zone, signal: 'average-lifecycle', provider: 'actuals-feed', quality: 'actual', ...extra,
});

async function seedZone(zone: string, providerFactor?: number, actualsGapH = 0) {
  const pts: StoredIntensityPoint[] = [];
  for (let t = T0; t < NOW - actualsGapH * H; t += H) pts.push(point(zone, t, truth(t)));
  if (providerFactor !== undefined) {
    for (let d = SKILL_DAYS + 1; d >= 0; d--) {
      const issued = Math.floor(NOW / DAY) * DAY - d * DAY;
      for (let k = 0; k < 96; k++) {
        const t = issued + k * H;
        pts.push(point(zone, t, truth(t) * providerFactor, { provider: 'weather-co', quality: 'provider-forecast', issuedAtSec: issued }));
      }
    }
  }
  for (let i = 0; i < pts.length; i += 500) await store.putPoints(pts.slice(i, i + 500));
}

beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'blend-test' });
  store = new DynamoIntensityStore(db.client, db.tableName);
  await seedZone('Z-GOOD', 1.0);
  await seedZone('Z-BAD', 1.8);
  await seedZone('Z-NONE');
  await seedZone('Z-GAP', 1.8, 30); // actuals late for 30 h: the store fills those hours with the provider's forecast

}, 60_000);
afterAll(() => db.close());

const clock = { nowSec: () => NOW };
const history = () => [new StoredIntensityProvider(store, clock)];
const mape = (f: number[]) => f.reduce((s, v, h) => s + Math.abs(v / truth(Math.floor(NOW / H) * H + h * H) - 1), 0) / f.length;

describe('SeriesForecastSource with stored provider forecasts', () => {
  it('leans on a provider whose record is better than ours, and beats ours alone', async () => {
    const blended = await new SeriesForecastSource(history(), store).forecast('Z-GOOD', 'average-lifecycle', NOW, HORIZON);
    const ours = await new SeriesForecastSource(history()).forecast('Z-GOOD', 'average-lifecycle', NOW, HORIZON);
    expect(blended.source).toMatch(/blended with weather-co .* mean provider weight (0\.9\d|1\.00)/);
    expect(mape(blended.point)).toBeLessThan(mape(ours.point) / 3);
    expect(blended.issuedAtSec).toBe(ours.issuedAtSec);
  });

  it('leans away from a provider that has been 80 % high, staying near ours', async () => {
    const blended = await new SeriesForecastSource(history(), store).forecast('Z-BAD', 'average-lifecycle', NOW, HORIZON);
    const ours = await new SeriesForecastSource(history()).forecast('Z-BAD', 'average-lifecycle', NOW, HORIZON);
    const w = Number(/mean provider weight ([0-9.]+)/.exec(blended.source)?.[1]);
    expect(w).toBeLessThan(0.2);
    for (let h = 0; h < HORIZON; h++) expect(blended.point[h] / ours.point[h]).toBeLessThan(1.8 ** 0.2);
    expect(mape(blended.point)).toBeLessThan(mape(ours.point) + 0.12);
  });

  it('scores against actuals only: hours filled with a forecast are not observations', async () => {
    const scored = async (zone: string) => {
      const f = await new SeriesForecastSource(history(), store).forecast(zone, 'average-lifecycle', NOW, HORIZON);
      return { hours: Number(/from (\d+) scored hours/.exec(f.source)?.[1]), w: Number(/mean provider weight ([0-9.]+)/.exec(f.source)?.[1]) };
    };
    const full = await scored('Z-BAD');
    const gap = await scored('Z-GAP');
    expect(gap.hours).toBeLessThan(full.hours);
    expect(gap.w).toBeLessThan(0.2); // the provider is not credited with a perfect record on the filled hours
  });

  it('reads the vintage index once per call and scores past vintages once per hour', async () => {
    const calls = { index: 0, vintage: 0 };
    const counted = {
      listVintageIssues: (...a: Parameters<DynamoIntensityStore['listVintageIssues']>) => (calls.index++, store.listVintageIssues(...a)),
      getVintage: (...a: Parameters<DynamoIntensityStore['getVintage']>) => (calls.vintage++, store.getVintage(...a)),
    };
    const src = new SeriesForecastSource(history(), counted);
    await src.forecast('Z-GOOD', 'average-lifecycle', NOW, HORIZON);
    expect(calls.index).toBe(1);
    expect(calls.vintage).toBeLessThanOrEqual(SKILL_DAYS + 1); // the current vintage + at most one a day
    await src.forecast('Z-GOOD', 'average-lifecycle', NOW + 600, HORIZON); // same hour: the record is reused
    expect(calls.index).toBe(2);
    expect(calls.vintage).toBeLessThanOrEqual(SKILL_DAYS + 2);
  });

  it('is our forecast alone where no provider forecast is stored', async () => {
    const withStore = await new SeriesForecastSource(history(), store).forecast('Z-NONE', 'average-lifecycle', NOW, HORIZON);
    const ours = await new SeriesForecastSource(history()).forecast('Z-NONE', 'average-lifecycle', NOW, HORIZON);
    expect(withStore.source).not.toMatch(/blended/);
    expect(withStore.point).toEqual(ours.point);
  });

  it('never uses a vintage issued after the decision time', async () => {
    const early = NOW - 10 * H; // 19:00 the day before: today's 00:00 vintage is not yet known
    const f = await new SeriesForecastSource(history(), store).forecast('Z-GOOD', 'average-lifecycle', early, HORIZON);
    expect(f.source).toMatch(new RegExp(`issued ${new Date((Math.floor(NOW / DAY) - 1) * DAY * 1000).toISOString()}`));
  });
});
