import { WattTimeProvider } from '../../../../shared/adapters/intensity/watttime-provider';
import {
  ProviderAuthError,
  ProviderRateLimitError,
  ProviderResponseError,
  ProviderUnavailableError,
} from '../../../../shared/adapters/intensity/http';
import { at, caught, fixture, recordingSleep, scriptedFetch, startServer, type Reply, type SeenRequest } from '../../../fixtures/intensity/harness';

const USER = 'carbonpilot';
const PASSWORD = 'pw-Very-Secret-42';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const TOKEN_1 = 'wt-token-AAAA1111'; // login.json
const TOKEN_2 = 'wt-token-BBBB2222'; // login-2.json
const wt = (name: string) => fixture('watttime', name);
/** 1 lb = 453.59237 g (exact, international pound); lbs/MWh → g/kWh divides by 1000 kWh/MWh. */
const LBS_PER_MWH_TO_G_PER_KWH = 453.59237 / 1000;
const window = { startSec: at('2024-03-10T00:00:00Z'), endSec: at('2024-03-10T05:00:00Z') };

/** A WattTime look-alike: /login checks basic auth and hands out tokens in order; data calls check the bearer. */
const fakeWattTime = (o: { valid: Set<string>; data?: (req: SeenRequest) => Reply }) => {
  const tokens = [wt('login.json'), wt('login-2.json')];
  let logins = 0;
  return (req: SeenRequest): Reply => {
    if (req.url.pathname === '/login') {
      if (req.headers.authorization !== BASIC) return { status: 401, body: wt('error-401.json') };
      const body = tokens[Math.min(logins++, tokens.length - 1)];
      o.valid.add(JSON.parse(body).token);
      return { body };
    }
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!o.valid.has(bearer)) return { status: 401, body: wt('error-401.json') };
    return o.data ? o.data(req) : { body: wt(req.url.pathname === '/v3/forecast' ? 'forecast-caiso-north.json' : 'historical-caiso-north.json') };
  };
};

const make = (fetch: typeof globalThis.fetch, clock: () => number, baseUrl = 'http://wt.test', password = PASSWORD) =>
  new WattTimeProvider({ fetch, baseUrl, credentials: { username: USER, password }, clock, http: { sleep: recordingSleep() } });

describe('WattTimeProvider over real HTTP (127.0.0.1)', () => {
  it('logs in with basic auth, queries co2_moer with the bearer token, converts lbs/MWh and averages 5-minute values into hours', async () => {
    // Prepare
    const valid = new Set<string>();
    const server = await startServer(fakeWattTime({ valid }));
    try {
      // Act
      const { points, report } = await make(fetch, () => at('2024-03-10T06:00:00Z'), server.baseUrl).getSeriesWithReport('CAISO_NORTH', 'marginal', window);
      // Assess
      const data = server.requests[1];
      expect(data.url.pathname).toBe('/v3/historical');
      expect(Object.fromEntries(data.url.searchParams)).toEqual({ region: 'CAISO_NORTH', signal_type: 'co2_moer', start: '2024-03-10T00:00Z', end: '2024-03-10T05:00Z' });
      expect(data.headers.authorization).toBe(`Bearer ${TOKEN_1}`);
      expect(points.map((p) => p.tSec)).toEqual([at('2024-03-10T00:00:00Z'), at('2024-03-10T01:00:00Z'), at('2024-03-10T04:00:00Z')]);
      expect(points[0].gPerKwh).toBeCloseTo(((900 + 1010) / 2) * LBS_PER_MWH_TO_G_PER_KWH, 9); // 12 values 900..1010
      expect(points[1].gPerKwh).toBeCloseTo(800 * LBS_PER_MWH_TO_G_PER_KWH, 9); // the duplicated 01:10 keeps the later 800, not 9999
      expect(points[2].gPerKwh).toBeCloseTo(((600 + 622) / 2) * LBS_PER_MWH_TO_G_PER_KWH, 9); // sent as 05:xx+01:00
      expect(report.partialHoursSec).toEqual([at('2024-03-10T01:00:00Z')]); // 30 of 60 minutes
      expect(report.missingHoursSec).toEqual([at('2024-03-10T02:00:00Z'), at('2024-03-10T03:00:00Z')]); // none; 10 of 60 minutes
      expect(report.duplicatesDropped).toBe(1);
      expect(points.every((p) => p.signal === 'marginal' && p.quality === 'actual' && p.provider === 'WattTime' && p.zone === 'CAISO_NORTH')).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('WattTimeProvider', () => {
  it('logs in again once when a data call answers 401 (token expired server-side)', async () => {
    const valid = new Set<string>();
    const fetch = scriptedFetch(fakeWattTime({ valid }));
    const p = make(fetch, () => at('2024-03-10T06:00:00Z'));
    await p.getSeries('CAISO_NORTH', 'marginal', window);
    valid.delete(TOKEN_1); // expires
    const points = await p.getSeries('CAISO_NORTH', 'marginal', window);
    expect(points).toHaveLength(3);
    expect(p.logins).toBe(2);
    expect(fetch.calls.map((c) => c.url.pathname)).toEqual(['/login', '/v3/historical', '/v3/historical', '/login', '/v3/historical']);
    expect(fetch.calls[4].headers.authorization).toBe(`Bearer ${TOKEN_2}`);
  });

  it('renews the token before its 30-minute lifetime ends, without waiting for a 401', async () => {
    let now = at('2024-03-10T06:00:00Z');
    const fetch = scriptedFetch(fakeWattTime({ valid: new Set() }));
    const p = make(fetch, () => now);
    await p.getSeries('CAISO_NORTH', 'marginal', window);
    now += 26 * 60;
    await p.getSeries('CAISO_NORTH', 'marginal', window);
    expect(fetch.calls.map((c) => c.url.pathname)).toEqual(['/login', '/v3/historical', '/login', '/v3/historical']);
  });

  it('gives up with a terminal auth error when the fresh token is refused too, leaking neither token nor password', async () => {
    const fetch = scriptedFetch(fakeWattTime({ valid: new Set(), data: () => ({ status: 401, body: wt('error-401.json') }) }));
    const e = await caught(make(fetch, () => 0).getSeries('CAISO_NORTH', 'marginal', window));
    expect(e).toBeInstanceOf(ProviderAuthError);
    for (const secret of [PASSWORD, TOKEN_1, TOKEN_2, BASIC.slice(6)]) expect(e.message).not.toContain(secret);
  });

  it('reports wrong credentials at /login as a terminal auth error without the password', async () => {
    const fetch = scriptedFetch(fakeWattTime({ valid: new Set() }));
    const e = await caught(make(fetch, () => 0, undefined, 'wrong-password-xyz').getSeries('CAISO_NORTH', 'marginal', window));
    expect(e).toBeInstanceOf(ProviderAuthError);
    expect(e.message).not.toContain('wrong-password-xyz');
    expect(fetch.calls).toHaveLength(1);
  });

  it.each([
    ['kg_co2_per_mwh (kg/MWh ≡ g/kWh)', 'historical-kg-units.json', 400],
  ])('converts %s', async (_n, file, expected) => {
    const fetch = scriptedFetch(fakeWattTime({ valid: new Set(), data: () => ({ body: wt(file) }) }));
    const points = await make(fetch, () => 0).getSeries('CAISO_NORTH', 'marginal', window);
    expect(points[0].gPerKwh).toBe(expected);
  });

  it('rejects unknown units, naming meta.units', async () => {
    const fetch = scriptedFetch(fakeWattTime({ valid: new Set(), data: () => ({ body: wt('historical-bad-units.json') }) }));
    const e = await caught(make(fetch, () => 0).getSeries('CAISO_NORTH', 'marginal', window));
    expect((e as ProviderResponseError).field).toBe('meta.units');
  });

  it('rejects malformed JSON as a terminal response error', async () => {
    const fetch = scriptedFetch(fakeWattTime({ valid: new Set(), data: () => ({ body: '{"data": [{"point_time": ' }) }));
    expect(await caught(make(fetch, () => 0).getSeries('CAISO_NORTH', 'marginal', window))).toBeInstanceOf(ProviderResponseError);
  });

  it('waits Retry-After on 429 and retries a 5xx before succeeding', async () => {
    let n = 0;
    const fetch = scriptedFetch(
      fakeWattTime({
        valid: new Set(),
        data: () => (n++ === 0 ? { status: 429, headers: { 'retry-after': '3' }, body: '{}' } : n === 2 ? { status: 500, body: '' } : { body: wt('historical-caiso-north.json') }),
      }),
    );
    const sleep = recordingSleep();
    const p = new WattTimeProvider({ fetch, baseUrl: 'http://wt.test', credentials: { username: USER, password: PASSWORD }, clock: () => 0, http: { sleep, maxAttempts: 3, baseBackoffMs: 100 } });
    expect(await p.getSeries('CAISO_NORTH', 'marginal', window)).toHaveLength(3);
    expect(sleep.slept).toEqual([3000, 200]);
  });

  it('surfaces persistent 429 / 5xx as retryable errors', async () => {
    const limited = scriptedFetch(fakeWattTime({ valid: new Set(), data: () => ({ status: 429, body: '{}' }) }));
    expect(await caught(make(limited, () => 0).getSeries('CAISO_NORTH', 'marginal', window))).toBeInstanceOf(ProviderRateLimitError);
    const down = scriptedFetch(fakeWattTime({ valid: new Set(), data: () => ({ status: 503, body: '' }) }));
    expect(await caught(make(down, () => 0).getSeries('CAISO_NORTH', 'marginal', window))).toBeInstanceOf(ProviderUnavailableError);
  });

  it('returns the forecast hourly from the hour containing issuedNow, issued at meta.generated_at', async () => {
    const fetch = scriptedFetch(fakeWattTime({ valid: new Set() }));
    const points = await make(fetch, () => 0).getForecast('CAISO_NORTH', 'marginal', at('2024-03-10T06:07:00Z'));
    expect(fetch.calls[1].url.searchParams.get('horizon_hours')).toBe('24');
    expect(points.map((p) => p.tSec)).toEqual([at('2024-03-10T06:00:00Z'), at('2024-03-10T07:00:00Z')]);
    expect(points[0].gPerKwh).toBeCloseTo(((1000 + 989) / 2) * LBS_PER_MWH_TO_G_PER_KWH, 9); // values 1000, 999, … 989
    expect(points.every((p) => p.quality === 'provider-forecast' && p.issuedAtSec === at('2024-03-10T06:05:00Z'))).toBe(true);
  });

  it('has no average signals: no points, no calls', async () => {
    const fetch = scriptedFetch(fakeWattTime({ valid: new Set() }));
    expect(await make(fetch, () => 0).getSeries('CAISO_NORTH', 'average-lifecycle', window)).toEqual([]);
    expect(fetch.calls).toHaveLength(0);
  });
});
