import { NesoProvider } from '../../../../shared/adapters/intensity/neso-provider';
import {
  ProviderRateLimitError,
  ProviderRequestError,
  ProviderResponseError,
  ProviderUnavailableError,
} from '../../../../shared/adapters/intensity/http';
import { at, caught, fixture, recordingSleep, scriptedFetch, startServer } from '../../../fixtures/intensity/harness';

const neso = (name: string) => fixture('neso', name);
const NOW = at('2024-03-10T06:10:00Z');
const window = { startSec: at('2024-03-10T00:00:00Z'), endSec: at('2024-03-10T04:00:00Z') };
const make = (fetch: typeof globalThis.fetch, baseUrl = 'http://neso.test', sleep = recordingSleep()) => new NesoProvider({ fetch, baseUrl, clock: () => NOW, http: { sleep } });

describe('NesoProvider over real HTTP (127.0.0.1)', () => {
  it('averages half-hours into UTC hours, keeps actual vs forecast apart and leaves empty hours missing', async () => {
    // Prepare
    const server = await startServer((req) => (req.url.pathname.startsWith('/intensity/') ? { body: neso('intensity-range.json') } : { status: 404, body: '{}' }));
    try {
      // Act
      const { points, report } = await make(fetch, server.baseUrl).getSeriesWithReport('GB', 'average-direct', window);
      // Assess
      expect(server.requests[0].url.pathname).toBe('/intensity/2024-03-10T00:00Z/2024-03-10T04:00Z');
      expect(points.map((p) => [p.tSec, p.gPerKwh, p.quality])).toEqual([
        [at('2024-03-10T00:00:00Z'), (200 + 220) / 2, 'actual'],
        [at('2024-03-10T01:00:00Z'), (230 + 250) / 2, 'provider-forecast'], // 01:30 has only a forecast
        [at('2024-03-10T03:00:00Z'), (180 + 195) / 2, 'actual'], // 04:00+01:00 = 03:00Z; duplicated 03:30 keeps the later 195
      ]);
      expect(points[1].issuedAtSec).toBe(NOW);
      expect(points[0].issuedAtSec).toBeUndefined();
      expect(report.missingHoursSec).toEqual([at('2024-03-10T02:00:00Z')]);
      expect(report.duplicatesDropped).toBe(1);
      expect(report.outsideWindow).toBe(1); // NESO also returns the half-hour ending at `from`
      expect(points.every((p) => p.signal === 'average-direct' && p.zone === 'GB' && p.provider === 'NESO Carbon Intensity API')).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('NesoProvider', () => {
  it('splits long windows into 14-day requests', async () => {
    const fetch = scriptedFetch(() => ({ body: '{"data": []}' }));
    const { report } = await make(fetch).getSeriesWithReport('GB', 'average-direct', { startSec: at('2024-01-01T00:00:00Z'), endSec: at('2024-01-31T00:00:00Z') });
    expect(fetch.calls.map((c) => c.url.pathname)).toEqual([
      '/intensity/2024-01-01T00:00Z/2024-01-15T00:00Z',
      '/intensity/2024-01-15T00:00Z/2024-01-29T00:00Z',
      '/intensity/2024-01-29T00:00Z/2024-01-31T00:00Z',
    ]);
    expect(report.missingHoursSec).toHaveLength(30 * 24);
  });

  it('reads a NESO region (forecast only)', async () => {
    const fetch = scriptedFetch(() => ({ body: neso('regional-13.json') }));
    const points = await make(fetch).getSeries('GB-region-13', 'average-direct', { startSec: at('2024-03-10T00:00:00Z'), endSec: at('2024-03-10T01:00:00Z') });
    expect(fetch.calls[0].url.pathname).toBe('/regional/intensity/2024-03-10T00:00Z/2024-03-10T01:00Z/regionid/13');
    expect(points).toEqual([expect.objectContaining({ gPerKwh: (120 + 140) / 2, quality: 'provider-forecast', zone: 'GB-region-13' })]);
  });

  it('returns the 48 h forecast from the hour containing issuedNow, forecast values only', async () => {
    const fetch = scriptedFetch(() => ({ body: neso('fw48h.json') }));
    const points = await make(fetch).getForecast('GB', 'average-direct', at('2024-03-10T06:10:00Z'));
    expect(fetch.calls[0].url.pathname).toBe('/intensity/2024-03-10T06:00Z/fw48h');
    expect(points.map((p) => [p.tSec, p.gPerKwh, p.quality])).toEqual([
      [at('2024-03-10T06:00:00Z'), (150 + 160) / 2, 'provider-forecast'], // the forecast 150, not the actual 149
      [at('2024-03-10T07:00:00Z'), (170 + 180) / 2, 'provider-forecast'],
    ]);
    expect(points[0].issuedAtSec).toBe(NOW);
  });

  it('labels only average-direct: other signals give no points and no calls', async () => {
    const fetch = scriptedFetch(() => ({ body: '{}' }));
    expect(await make(fetch).getSeries('GB', 'average-lifecycle', window)).toEqual([]);
    expect(await make(fetch).getForecast('GB', 'marginal', NOW)).toEqual([]);
    expect(fetch.calls).toHaveLength(0);
  });

  it('rejects an unknown zone before calling', async () => {
    const fetch = scriptedFetch(() => ({ body: '{}' }));
    expect(await caught(make(fetch).getSeries('FR', 'average-direct', window))).toBeInstanceOf(ProviderRequestError);
    expect(fetch.calls).toHaveLength(0);
  });

  it('retries a 5xx then succeeds, honouring Retry-After on 429 first', async () => {
    const sleep = recordingSleep();
    const fetch = scriptedFetch((_r, n) =>
      n === 0 ? { status: 429, headers: { 'retry-after': '5' }, body: '{}' } : n === 1 ? { status: 503, body: '' } : { body: neso('intensity-range.json') },
    );
    const points = await make(fetch, undefined, sleep).getSeries('GB', 'average-direct', window);
    expect(points).toHaveLength(3);
    expect(sleep.slept[0]).toBe(5000);
    expect(fetch.calls).toHaveLength(3);
  });

  it.each([
    ['persistent 429', { status: 429, body: '{}' }, ProviderRateLimitError, undefined],
    ['persistent 5xx', { status: 500, body: '' }, ProviderUnavailableError, undefined],
    ['malformed JSON (an HTML error page)', { body: neso('malformed.json') }, ProviderResponseError, '<body>'],
    ['negative intensity', { body: neso('schema-mismatch.json') }, ProviderResponseError, 'data.0.intensity.actual'],
  ])('throws a typed error on %s', async (_n, reply, Type, field) => {
    const e = await caught(make(scriptedFetch(() => reply)).getSeries('GB', 'average-direct', window));
    expect(e).toBeInstanceOf(Type);
    if (field) expect((e as ProviderResponseError).field).toBe(field);
  });
});
