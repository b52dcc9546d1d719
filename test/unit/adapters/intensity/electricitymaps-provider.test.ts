import { HOUR_SEC } from '../../../../shared/domain/time';
import { ElectricityMapsProvider } from '../../../../shared/adapters/intensity/electricitymaps-provider';
import {
  ProviderAuthError,
  ProviderRateLimitError,
  ProviderResponseError,
  ProviderUnavailableError,
} from '../../../../shared/adapters/intensity/http';
import { at, caught, fixture, recordingSleep, scriptedFetch, startServer, type Route } from '../../../fixtures/intensity/harness';

const TOKEN = 'em-secret-token-123';
const em = (name: string) => fixture('electricitymaps', name);
const NOW = at('2024-03-10T06:30:00Z');
const make = (fetch: typeof globalThis.fetch, baseUrl = 'http://em.test', sleep = recordingSleep()) =>
  new ElectricityMapsProvider({ fetch, baseUrl, credentials: { token: TOKEN }, clock: () => NOW, http: { sleep } });
const recentWindow = { startSec: at('2024-03-10T00:00:00Z'), endSec: at('2024-03-10T06:00:00Z') };

describe('ElectricityMapsProvider over real HTTP (127.0.0.1)', () => {
  it('reads the last 24 h from /history with the auth-token header and normalises the hourly series', async () => {
    // Prepare
    const server = await startServer((req) => (req.url.pathname === '/v3/carbon-intensity/history' ? { body: em('history-lifecycle.json') } : { status: 404, body: '{}' }));
    try {
      // Act
      const { points, report } = await make(fetch, server.baseUrl).getSeriesWithReport('DE', 'average-lifecycle', recentWindow);
      // Assess
      const [req] = server.requests;
      expect(req.headers['auth-token']).toBe(TOKEN);
      expect(req.url.searchParams.get('zone')).toBe('DE');
      expect(req.url.searchParams.get('emissionFactorType')).toBe('lifecycle');
      expect(points.map((p) => [p.tSec, p.gPerKwh])).toEqual([
        [at('2024-03-10T00:00:00Z'), 300],
        [at('2024-03-10T01:00:00Z'), 310],
        [at('2024-03-10T03:00:00Z'), 335], // duplicate hour: the later updatedAt wins, not the later array position
        [at('2024-03-10T04:00:00Z'), 340], // "05:00+01:00" is 04:00 UTC
      ]);
      expect(report.missingHoursSec).toEqual([at('2024-03-10T02:00:00Z'), at('2024-03-10T05:00:00Z')]); // null value, absent hour
      expect(report.duplicatesDropped).toBe(1);
      expect(points.every((p) => p.signal === 'average-lifecycle' && p.quality === 'actual' && p.periodSec === HOUR_SEC && p.provider === 'Electricity Maps')).toBe(true);
      expect(points[0].fetchedAtSec).toBe(NOW);
    } finally {
      await server.close();
    }
  });
});

describe('ElectricityMapsProvider', () => {
  it('uses /past-range in 10-day chunks for older windows', async () => {
    const fetch = scriptedFetch(() => ({ body: em('past-range-direct.json') }));
    const window = { startSec: at('2024-03-01T00:00:00Z'), endSec: at('2024-03-26T00:00:00Z') };
    const { points, report } = await make(fetch).getSeriesWithReport('DE', 'average-direct', window);
    expect(fetch.calls.map((c) => [c.url.pathname, c.url.searchParams.get('start'), c.url.searchParams.get('end')])).toEqual([
      ['/v3/carbon-intensity/past-range', '2024-03-01T00:00Z', '2024-03-11T00:00Z'],
      ['/v3/carbon-intensity/past-range', '2024-03-11T00:00Z', '2024-03-21T00:00Z'],
      ['/v3/carbon-intensity/past-range', '2024-03-21T00:00Z', '2024-03-26T00:00Z'],
    ]);
    expect(report.apiCalls).toBe(3);
    expect(points.slice(0, 3).map((p) => [p.signal, p.gPerKwh])).toEqual([
      ['average-direct', 250],
      ['average-direct', 260],
      ['average-direct', 270],
    ]);
    expect(report.duplicatesDropped).toBe(6); // the same recorded page served three times
  });

  it('refuses points whose emissionFactorType differs from the requested signal (never mixed)', async () => {
    const fetch = scriptedFetch(() => ({ body: em('past-range-direct.json') }));
    const e = await caught(make(fetch).getSeries('DE', 'average-lifecycle', { startSec: at('2024-03-01T00:00:00Z'), endSec: at('2024-03-01T03:00:00Z') }));
    expect(e).toBeInstanceOf(ProviderResponseError);
    expect((e as ProviderResponseError).field).toBe('data.0.emissionFactorType');
  });

  it('refuses a response for another zone', async () => {
    const fetch = scriptedFetch(() => ({ body: em('history-lifecycle.json') }));
    const e = await caught(make(fetch).getSeries('FR', 'average-lifecycle', recentWindow));
    expect((e as ProviderResponseError).field).toBe('zone');
  });

  it('returns no points and makes no call for the marginal signal', async () => {
    const fetch = scriptedFetch(() => ({ body: '{}' }));
    expect(await make(fetch).getSeries('DE', 'marginal', recentWindow)).toEqual([]);
    expect(fetch.calls).toHaveLength(0);
  });

  const failures: [string, Route, new (...a: never[]) => Error][] = [
    ['401', () => ({ status: 401, body: em('error-401.json') }), ProviderAuthError],
    ['malformed JSON', () => ({ body: em('malformed.json') }), ProviderResponseError],
    ['schema mismatch', () => ({ body: em('schema-mismatch.json') }), ProviderResponseError],
  ];
  it.each(failures)('throws a typed terminal error on %s without leaking the token', async (_n, route, Type) => {
    const fetch = scriptedFetch(route);
    const e = await caught(make(fetch).getSeries('DE', 'average-lifecycle', recentWindow));
    expect(e).toBeInstanceOf(Type);
    expect(e.message).not.toContain(TOKEN);
    expect(fetch.calls).toHaveLength(1);
  });

  it('names the bad field of a schema mismatch', async () => {
    const e = await caught(make(scriptedFetch(() => ({ body: em('schema-mismatch.json') }))).getSeries('DE', 'average-lifecycle', recentWindow));
    expect((e as ProviderResponseError).field).toBe('history.0.carbonIntensity');
  });

  it('waits Retry-After on 429 and recovers', async () => {
    const sleep = recordingSleep();
    const fetch = scriptedFetch((_r, n) => (n === 0 ? { status: 429, headers: { 'retry-after': '2' }, body: '{}' } : { body: em('history-lifecycle.json') }));
    const points = await make(fetch, undefined, sleep).getSeries('DE', 'average-lifecycle', recentWindow);
    expect(sleep.slept).toEqual([2000]);
    expect(points).toHaveLength(4);
  });

  it('surfaces a persistent 429 as a retryable rate-limit error', async () => {
    const fetch = scriptedFetch(() => ({ status: 429, headers: { 'retry-after': '1' }, body: '{}' }));
    const e = await caught(make(fetch).getSeries('DE', 'average-lifecycle', recentWindow));
    expect(e).toBeInstanceOf(ProviderRateLimitError);
    expect((e as ProviderRateLimitError).retryable).toBe(true);
  });

  it('retries a 5xx and then succeeds; a persistent 5xx is a retryable unavailable error', async () => {
    const flaky = scriptedFetch((_r, n) => (n === 0 ? { status: 502, body: '' } : { body: em('history-lifecycle.json') }));
    expect(await make(flaky).getSeries('DE', 'average-lifecycle', recentWindow)).toHaveLength(4);
    const down = scriptedFetch(() => ({ status: 503, body: '' }));
    const e = await caught(make(down).getSeries('DE', 'average-lifecycle', recentWindow));
    expect(e).toBeInstanceOf(ProviderUnavailableError);
    expect(e.message).not.toContain(TOKEN);
  });

  it('returns the forecast from the hour containing issuedNow, tagged with its issue time', async () => {
    const fetch = scriptedFetch(() => ({ body: em('forecast-lifecycle.json') }));
    const points = await make(fetch).getForecast('DE', 'average-lifecycle', at('2024-03-10T07:20:00Z'));
    expect(fetch.calls[0].url.pathname).toBe('/v3/carbon-intensity/forecast');
    expect(points.map((p) => [p.tSec, p.gPerKwh])).toEqual([
      [at('2024-03-10T07:00:00Z'), 315],
      [at('2024-03-10T08:00:00Z'), 305],
      [at('2024-03-10T09:00:00Z'), 290],
    ]);
    expect(points.every((p) => p.quality === 'provider-forecast' && p.issuedAtSec === at('2024-03-10T06:05:00Z'))).toBe(true);
  });

  it('reads /latest as one hour-aligned actual', async () => {
    const fetch = scriptedFetch(() => ({ body: em('latest-lifecycle.json') }));
    expect(await make(fetch).getLatest('DE', 'average-lifecycle')).toMatchObject({ tSec: at('2024-03-10T06:00:00Z'), gPerKwh: 322, quality: 'actual', signal: 'average-lifecycle' });
  });
});
