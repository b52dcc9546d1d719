/** Hourly intensity ingest with fake live providers and the real store on dynalite (in memory). */
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../shared/adapters/local/embedded-dynamodb';
import { DynamoIntensityStore } from '../../../shared/adapters/aws/dynamodb-intensity-store';
import { buildLiveProviders, credentialsFromRecord, credentialsFromSecret, type LiveProvider } from '../../../shared/adapters/intensity/live-providers';
import { getRegionInfo } from '../../../shared/domain/regions/region-catalog';
import type { IntensityPoint, IntensitySignal } from '../../../shared/domain/types';
import type { Window } from '../../../shared/domain/time';
import { ingestTargets, INTENSITY_ACTUALS_UPDATED, makeIngestIntensity, OWN_FORECAST_PROVIDER } from '../../../shared/use-cases/ingest-intensity';

const H = 3600;
const NOW = 1_763_640_000 + 600; // 2025-11-20T12:10:00Z
const HOUR = NOW - 600;

let db: EmbeddedDynamo;
let store: DynamoIntensityStore;
beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'ingest-test' });
  store = new DynamoIntensityStore(db.client, db.tableName);
});
afterAll(() => db.close());

/** A fake live provider: actuals g(t) for every hour asked, and a forecast for the next 24 h issued 5 minutes ago. */
const fakeProvider = (g: (tSec: number) => number, calls: string[] = []): LiveProvider => ({
  id: 'electricitymaps',
  name: 'Fake Maps',
  signals: ['average-lifecycle'],
  supportsZone: () => true,
  getSeries: async (zone: string, signal: IntensitySignal, w: Window) => {
    calls.push(`series ${zone}`);
    const out: IntensityPoint[] = [];
    for (let t = w.startSec; t < Math.min(w.endSec, HOUR); t += H) out.push({ tSec: t, periodSec: H, gPerKwh: g(t), zone, signal, provider: 'Fake Maps', quality: 'actual' });
    return out;
  },
  getForecast: async (zone: string, signal: IntensitySignal, issuedNowSec: number) =>
    Array.from({ length: 24 }, (_, h) => ({ tSec: HOUR + h * H, periodSec: H, gPerKwh: 222, zone, signal, provider: 'Fake Maps', quality: 'provider-forecast' as const, issuedAtSec: issuedNowSec - 300 })),
});

const collect = () => {
  const logs: string[] = [];
  const events: { source: string; detailType: string; detail: unknown }[] = [];
  return { logs, events, log: (m: string) => void logs.push(m), publisher: { publish: async (e: typeof events) => void events.push(...e) } };
};

describe('ingestTargets', () => {
  it('uses the Electricity Maps zone for average signals and the WattTime region for marginal, deduplicated', () => {
    const { targets, unknown } = ingestTargets(['us-east-1', 'us-east-2', 'eu-west-1', 'xx-nowhere-1'], (r) => getRegionInfo(r), ['average-lifecycle', 'marginal']);
    expect(targets).toEqual([
      { zone: 'US-MIDA-PJM', signal: 'average-lifecycle' },
      { zone: 'PJM_DC', signal: 'marginal' },
      { zone: 'PJM_SOUTHWEST_OH', signal: 'marginal' },
      { zone: 'IE', signal: 'average-lifecycle' }, // Ireland: no WattTime region in the catalog, so no marginal target
    ]);
    expect(unknown).toEqual(['xx-nowhere-1']);
  });
});

describe('live provider credentials', () => {
  it('builds only the providers whose credentials are present, never NESO unless enabled', () => {
    expect(buildLiveProviders(credentialsFromRecord({}))).toEqual([]);
    expect(buildLiveProviders(credentialsFromRecord({ WATTTIME_USERNAME: 'u' }))).toEqual([]); // password missing
    const ids = buildLiveProviders(credentialsFromRecord({ ELECTRICITYMAPS_API_TOKEN: 't', WATTTIME_USERNAME: 'u', WATTTIME_PASSWORD: 'p', NESO_ENABLED: 'true' })).map((p) => p.id);
    expect(ids).toEqual(['electricitymaps', 'watttime', 'neso']);
  });

  it('reads the Secrets Manager secret JSON and never echoes its content in errors', async () => {
    const client = (SecretString: string) => ({ send: async () => ({ SecretString }) }) as never;
    expect(await credentialsFromSecret(client('{"ELECTRICITYMAPS_API_TOKEN":"tok-123"}'), 'arn:secret')).toEqual({ electricityMapsToken: 'tok-123', neso: false });
    const bad = credentialsFromSecret(client('{"ELECTRICITYMAPS_API_TOKEN": tok-SECRET'), 'arn:secret');
    await expect(bad).rejects.toThrow(/not valid JSON/);
    await expect(credentialsFromSecret(client('{"ELECTRICITYMAPS_API_TOKEN": tok-SECRET'), 'arn:secret')).rejects.not.toThrow(/tok-SECRET/);
  });
});

describe('makeIngestIntensity', () => {
  it('skips fetching with a log line when no provider is configured (not an error)', async () => {
    const c = collect();
    const res = await makeIngestIntensity({ store, providers: [], clock: { nowSec: () => NOW }, log: c.log, publisher: c.publisher })([{ zone: 'NOKEYS', signal: 'average-lifecycle' }]);
    expect(c.logs.join('\n')).toMatch(/no live providers configured .*ELECTRICITYMAPS_API_TOKEN/);
    expect(res).toMatchObject({ actualsWritten: 0, providerForecastsWritten: 0, ownForecastsWritten: 0, errors: [] });
    expect(c.events).toEqual([]);
  });

  it('stores actuals and the provider forecast vintage; our own forecast waits for a week of history', async () => {
    const c = collect();
    const res = await makeIngestIntensity({ store, providers: [fakeProvider(() => 300)], clock: { nowSec: () => NOW }, log: c.log, publisher: c.publisher })([{ zone: 'SHORT', signal: 'average-lifecycle' }]);
    expect(res.actualsWritten).toBe(48);
    expect(res.providerForecastsWritten).toBe(24);
    expect(res.ownForecastsWritten).toBe(0);
    expect(res.skipped[0].reason).toMatch(/needs ≥ 168 stored actual hours, 48 stored/);
    const vintages = await store.listVintages('SHORT', 'average-lifecycle', { startSec: HOUR, endSec: HOUR + 24 * H });
    expect(vintages).toEqual([expect.objectContaining({ provider: 'Fake Maps', quality: 'provider-forecast', issuedAtSec: NOW - 300, hours: 24 })]);
  });

  it('stores our own 96 h forecast with its issue time and 90 % interval once history suffices', async () => {
    // Prepare: 10 days of stored actuals with a daily cycle
    const zone = 'HIST';
    const daily = (t: number) => 300 + 100 * Math.sin((2 * Math.PI * ((t / H) % 24)) / 24);
    const history = Array.from({ length: 240 }, (_, i) => HOUR - (240 - i) * H).map((t) => ({ tSec: t, periodSec: H, gPerKwh: daily(t), zone, signal: 'average-lifecycle' as const, provider: 'import', quality: 'actual' as const }));
    await store.putPoints(history);
    // Act: no live provider (imported history only)
    const res = await makeIngestIntensity({ store, providers: [], clock: { nowSec: () => NOW }, log: () => undefined })([{ zone, signal: 'average-lifecycle' }]);
    // Assess
    expect(res.ownForecastsWritten).toBe(96);
    const own = await store.getForecasts(zone, 'average-lifecycle', { startSec: HOUR, endSec: HOUR + 96 * H }, { quality: 'own-forecast' });
    expect(own).toHaveLength(96);
    expect(own[0]).toMatchObject({ tSec: HOUR, issuedAtSec: NOW, quality: 'own-forecast', provider: `${OWN_FORECAST_PROVIDER} on import` });
    for (const p of own) expect(p.lowGPerKwh! <= p.gPerKwh && p.gPerKwh <= p.highGPerKwh!).toBe(true);
    // A clean daily cycle is forecast closely (a sanity bound, not a benchmark).
    expect(Math.abs(own[5].gPerKwh - daily(HOUR + 5 * H)) / daily(HOUR + 5 * H)).toBeLessThan(0.1);
  });

  it('publishes Intensity Actuals Updated when new actuals replace forecasts, and nothing when a re-fetch changes nothing', async () => {
    // Prepare: forecasts for the last 3 hours, then the provider delivers actuals for them
    const zone = 'LATE';
    await store.putPoints([0, 1, 2].map((k) => ({ tSec: HOUR - (k + 1) * H, periodSec: H, gPerKwh: 500, zone, signal: 'average-lifecycle' as const, provider: 'old', quality: 'provider-forecast' as const, issuedAtSec: HOUR - 10 * H })));
    const provider = fakeProvider(() => 250);
    const c = collect();
    const ingest = makeIngestIntensity({ store, providers: [provider], clock: { nowSec: () => NOW }, log: c.log, publisher: c.publisher, actualsLookbackH: 3 });
    // Act
    await ingest([{ zone, signal: 'average-lifecycle' }]);
    // Assess
    expect(c.events).toEqual([{ source: 'carbonpilot', detailType: INTENSITY_ACTUALS_UPDATED, detail: { zone, signal: 'average-lifecycle', fromSec: HOUR - 3 * H, toSec: HOUR } }]);
    const served = await store.getActuals(zone, 'average-lifecycle', { startSec: HOUR - 3 * H, endSec: HOUR });
    expect(served.map((p) => p.gPerKwh)).toEqual([250, 250, 250]);
    // A second run with the same data: idempotent, no event
    const again = await ingest([{ zone, signal: 'average-lifecycle' }]);
    expect(again.actualsWritten).toBe(0);
    expect(c.events).toHaveLength(1);
  });

  it('one failing provider is reported per step and does not stop the other zones', async () => {
    const failing: LiveProvider = { ...fakeProvider(() => 1), getSeries: async () => { throw new Error('HTTP 503'); } };
    const res = await makeIngestIntensity({ store, providers: [failing], clock: { nowSec: () => NOW }, log: () => undefined })([
      { zone: 'F1', signal: 'average-lifecycle' },
      { zone: 'F2', signal: 'average-lifecycle' },
    ]);
    expect(res.errors.map((e) => [e.zone, e.step, e.error])).toEqual([
      ['F1', 'actuals from Fake Maps', 'HTTP 503'],
      ['F2', 'actuals from Fake Maps', 'HTTP 503'],
    ]);
    expect(res.providerForecastsWritten).toBe(48); // forecasts still stored for both zones
  });
});
