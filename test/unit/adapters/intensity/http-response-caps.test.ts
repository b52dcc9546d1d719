/**
 * Provider responses are bounded: bytes read (declared or streamed) and points per array. Beyond a cap the call fails
 * with a terminal ProviderResponseTooLargeError naming the provider and the limit, never a stack overflow; a long
 * response under the caps is processed without spreading it into a call.
 */
import { z } from 'zod';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_MAX_RESPONSE_POINTS,
  fetchJson,
  MAX_PROVIDER_FORECAST_SEC,
  ProviderResponseTooLargeError,
} from '../../../../shared/adapters/intensity/http';
import { WattTimeProvider } from '../../../../shared/adapters/intensity/watttime-provider';
import { ElectricityMapsProvider } from '../../../../shared/adapters/intensity/electricitymaps-provider';
import { NesoProvider } from '../../../../shared/adapters/intensity/neso-provider';
import { at, caught, recordingSleep, scriptedFetch, startServer } from '../../../fixtures/intensity/harness';

jest.setTimeout(60_000);
const Body = z.object({ data: z.array(z.object({ value: z.number() })) });
const MIB = 1024 * 1024;
const values = (n: number) => JSON.stringify({ data: Array.from({ length: n }, (_, i) => ({ value: i })) });

describe('fetchJson response caps', () => {
  it('has documented defaults: 8 MiB and 50,000 points', () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(8 * MIB);
    expect(DEFAULT_MAX_RESPONSE_POINTS).toBe(50_000);
  });

  it('refuses a declared Content-Length over the byte cap without reading it, and does not retry', async () => {
    // Prepare: 2 MiB body declared, 1 MiB cap
    const big = ' '.repeat(2 * MIB) + '{}';
    const fetch = scriptedFetch(() => ({ body: big, headers: { 'content-length': String(Buffer.byteLength(big)) } }));
    // Act
    const e = await caught(fetchJson('http://x/y', {}, { fetch, provider: 'TestProvider', schema: Body, sleep: recordingSleep(), maxResponseBytes: MIB }));
    // Assess
    expect(e).toBeInstanceOf(ProviderResponseTooLargeError);
    expect(e.message).toBe(`TestProvider: response over 1 MiB limit (Content-Length ${2 * MIB + 2}) from http://x/y`);
    expect(e).toMatchObject({ limit: MIB, unit: 'bytes', retryable: false });
    expect(fetch.calls).toHaveLength(1);
  });

  it('stops reading a streamed (chunked) body as soon as it passes the byte cap', async () => {
    const server = await startServer(() => ({ body: values(200_000) })); // ≈ 2.8 MB, sent chunked
    try {
      const e = await caught(fetchJson(`${server.baseUrl}/v3/x`, {}, { fetch, provider: 'TestProvider', schema: Body, maxResponseBytes: MIB }));
      expect(e).toBeInstanceOf(ProviderResponseTooLargeError);
      expect(e.message).toBe(`TestProvider: response over 1 MiB limit from ${server.baseUrl}/v3/x`);
    } finally {
      await server.close();
    }
  });

  it('refuses an array longer than the point cap, naming its field', async () => {
    const fetch = scriptedFetch(() => ({ body: values(1001) }));
    const e = await caught(fetchJson('http://x/y', {}, { fetch, provider: 'TestProvider', schema: Body, maxResponsePoints: 1000 }));
    expect(e).toBeInstanceOf(ProviderResponseTooLargeError);
    expect(e.message).toBe('TestProvider: 1001 points > limit 1000 (field: data) from http://x/y');
    expect(e).toMatchObject({ limit: 1000, unit: 'points' });
  });

  it('accepts a response exactly at both caps', async () => {
    const body = values(1000);
    const fetch = scriptedFetch(() => ({ body }));
    const r = await fetchJson('http://x/y', {}, { fetch, provider: 'TestProvider', schema: Body, maxResponsePoints: 1000, maxResponseBytes: Buffer.byteLength(body) });
    expect(r.data).toHaveLength(1000);
  });
});

describe('providers under the caps', () => {
  const window = { startSec: at('2024-03-01T00:00:00Z'), endSec: at('2024-03-02T00:00:00Z') };
  /** n five-minute MOER points from the window start, in the WattTime v3 shape. */
  const moer = (n: number, fromSec = window.startSec) =>
    JSON.stringify({
      data: Array.from({ length: n }, (_, i) => ({ point_time: new Date((fromSec + i * 300) * 1000).toISOString(), value: 800 })),
      meta: { region: 'CAISO_NORTH', signal_type: 'co2_moer', units: 'lbs_co2_per_mwh', data_point_period_seconds: 300, generated_at: '2024-03-01T00:00:00Z' },
    });
  const wattTime = (body: string, http: object = {}) =>
    new WattTimeProvider({
      fetch: scriptedFetch((req) => ({ body: req.url.pathname === '/login' ? '{"token":"t-123456"}' : body })),
      baseUrl: 'http://wt.test',
      credentials: { username: 'u', password: 'p-secret' },
      clock: () => at('2024-03-02T00:00:00Z'),
      http: { sleep: recordingSleep(), ...http },
    });

  it('WattTime: a 300,000-point answer is "over 8 MiB limit", not "Maximum call stack size exceeded"', async () => {
    const e = await caught(wattTime(moer(300_000)).getSeries('CAISO_NORTH', 'marginal', window));
    expect(e).toBeInstanceOf(ProviderResponseTooLargeError);
    expect(e.message).toMatch(/^WattTime: response over 8 MiB limit from http:\/\/wt\.test\/v3\/historical/);
  });

  it('WattTime: under a raised byte cap the same answer is refused on its point count', async () => {
    const e = await caught(wattTime(moer(300_000), { maxResponseBytes: 64 * MIB }).getSeries('CAISO_NORTH', 'marginal', window));
    expect(e.message).toMatch(/^WattTime: 300000 points > limit 50000 \(field: data\) from /);
  });

  it('WattTime: with both caps raised, 300,000 points are aligned into hours (no argument spread anywhere)', async () => {
    const points = await wattTime(moer(300_000), { maxResponseBytes: 64 * MIB, maxResponsePoints: 1_000_000 }).getSeries('CAISO_NORTH', 'marginal', window);
    expect(points).toHaveLength(24);
  });

  it('WattTime: a forecast point a year out does not stretch the hourly grid past MAX_PROVIDER_FORECAST_SEC', async () => {
    const body = JSON.parse(moer(12));
    body.data.push({ point_time: '2025-03-01T00:00:00Z', value: 800 });
    const points = await wattTime(JSON.stringify(body)).getForecast('CAISO_NORTH', 'marginal', window.startSec);
    expect(points).toHaveLength(1); // the first hour; the far point is outside the capped window
    expect(MAX_PROVIDER_FORECAST_SEC).toBe(7 * 86400);
  });

  it('Electricity Maps: 300,000 points > limit 50000, named', async () => {
    const data = Array.from({ length: 300_000 }, (_, i) => ({ carbonIntensity: 300, datetime: new Date((window.startSec + i * 300) * 1000).toISOString() }));
    const em = new ElectricityMapsProvider({
      fetch: scriptedFetch(() => ({ body: JSON.stringify({ zone: 'DE', data }) })),
      baseUrl: 'http://em.test',
      credentials: { token: 'tok-123456' },
      clock: () => at('2024-04-01T00:00:00Z'),
      http: { sleep: recordingSleep(), maxResponseBytes: 64 * MIB },
    });
    const e = await caught(em.getSeries('DE', 'average-lifecycle', window));
    expect(e).toBeInstanceOf(ProviderResponseTooLargeError);
    expect(e.message).toMatch(/^Electricity Maps: 300000 points > limit 50000 \(field: data\) from http:\/\/em\.test\/v3\/carbon-intensity\/past-range/);
  });

  it('NESO: an oversized answer names NESO and the limit', async () => {
    const data = Array.from({ length: 60_000 }, (_, i) => ({ from: '2024-03-01T00:00Z', to: '2024-03-01T00:30Z', intensity: { actual: 100 + (i % 2) } }));
    const neso = new NesoProvider({ fetch: scriptedFetch(() => ({ body: JSON.stringify({ data }) })), baseUrl: 'http://neso.test', clock: () => at('2024-03-02T00:00:00Z'), http: { sleep: recordingSleep() } });
    const e = await caught(neso.getSeries('GB', 'average-direct', window));
    expect(e.message).toMatch(/^NESO Carbon Intensity API: 60000 points > limit 50000 \(field: data\)/);
  });
});
