import fc from 'fast-check';
import { z } from 'zod';
import { HOUR_SEC } from '../../../../shared/domain/time';
import {
  alignHourly,
  chunkWindow,
  describeUrl,
  fetchJson,
  parseRetryAfterSec,
  ProviderAuthError,
  ProviderRateLimitError,
  ProviderRequestError,
  ProviderResponseError,
  ProviderUnavailableError,
  type RawSample,
} from '../../../../shared/adapters/intensity/http';
import { at, caught, recordingSleep, scriptedFetch, startServer } from '../../../fixtures/intensity/harness';

const Body = z.object({ data: z.array(z.object({ value: z.number() })) });
const ok = { body: JSON.stringify({ data: [{ value: 1 }] }) };
const opts = (fetch: typeof globalThis.fetch, extra: object = {}) => ({ fetch, provider: 'TestProvider', schema: Body, sleep: recordingSleep(), ...extra });

describe('parseRetryAfterSec', () => {
  const now = Date.parse('2024-03-10T12:00:00Z');
  it.each([
    ['delay-seconds', '7', 7],
    ['HTTP-date 30 s ahead', 'Sun, 10 Mar 2024 12:00:30 GMT', 30],
    ['HTTP-date in the past clamps to 0', 'Sun, 10 Mar 2024 11:00:00 GMT', 0],
    ['garbage', 'soon', undefined],
    ['absent', null, undefined],
  ])('reads %s', (_name, header, expected) => {
    expect(parseRetryAfterSec(header, now)).toBe(expected);
  });
});

describe('fetchJson', () => {
  it('waits Retry-After seconds on 429, then succeeds', async () => {
    const fetch = scriptedFetch((_r, n) => (n === 0 ? { status: 429, headers: { 'retry-after': '7' }, body: '{}' } : ok));
    const sleep = recordingSleep();
    const body = await fetchJson('http://x/y', {}, opts(fetch, { sleep }));
    expect(body.data[0].value).toBe(1);
    expect(sleep.slept).toEqual([7000]);
  });

  it('honours an HTTP-date Retry-After against the injected clock', async () => {
    const fetch = scriptedFetch((_r, n) => (n === 0 ? { status: 429, headers: { 'retry-after': 'Sun, 10 Mar 2024 12:00:12 GMT' }, body: '{}' } : ok));
    const sleep = recordingSleep();
    await fetchJson('http://x/y', {}, opts(fetch, { sleep, nowMs: () => Date.parse('2024-03-10T12:00:00Z') }));
    expect(sleep.slept).toEqual([12000]);
  });

  it('throws a retryable rate-limit error instead of sleeping through a long Retry-After', async () => {
    const fetch = scriptedFetch(() => ({ status: 429, headers: { 'retry-after': '3600' }, body: '{}' }));
    const sleep = recordingSleep();
    const e = await caught(fetchJson('http://x/y', {}, opts(fetch, { sleep, maxRetryAfterMs: 60_000 })));
    expect(e).toBeInstanceOf(ProviderRateLimitError);
    expect((e as ProviderRateLimitError).retryAfterSec).toBe(3600);
    expect((e as ProviderRateLimitError).retryable).toBe(true);
    expect(sleep.slept).toEqual([]);
  });

  it('retries a 5xx with exponential backoff and returns the later success', async () => {
    const fetch = scriptedFetch((_r, n) => (n < 2 ? { status: 503, body: 'busy' } : ok));
    const sleep = recordingSleep();
    await fetchJson('http://x/y', {}, opts(fetch, { sleep, maxAttempts: 3, baseBackoffMs: 100 }));
    expect(sleep.slept).toEqual([100, 200]);
    expect(fetch.calls).toHaveLength(3);
  });

  it('gives up after maxAttempts with a retryable unavailable error', async () => {
    const fetch = scriptedFetch(() => ({ status: 502, body: '' }));
    const e = await caught(fetchJson('http://x/y', {}, opts(fetch, { maxAttempts: 2 })));
    expect(e).toBeInstanceOf(ProviderUnavailableError);
    expect((e as ProviderUnavailableError).status).toBe(502);
    expect(fetch.calls).toHaveLength(2);
  });

  it.each([
    [401, ProviderAuthError],
    [403, ProviderAuthError],
    [404, ProviderRequestError],
  ])('treats HTTP %i as terminal (one call)', async (status, Type) => {
    const fetch = scriptedFetch(() => ({ status, body: '{}' }));
    const e = await caught(fetchJson('http://x/y', {}, opts(fetch)));
    expect(e).toBeInstanceOf(Type);
    expect((e as ProviderAuthError).retryable).toBe(false);
    expect(fetch.calls).toHaveLength(1);
  });

  it('reports malformed JSON as a terminal response error', async () => {
    const fetch = scriptedFetch(() => ({ body: '{"data": [' }));
    const e = await caught(fetchJson('http://x/y', {}, opts(fetch)));
    expect(e).toBeInstanceOf(ProviderResponseError);
    expect((e as ProviderResponseError).field).toBe('<body>');
    expect(fetch.calls).toHaveLength(1);
  });

  it('names the field that breaks the schema', async () => {
    const fetch = scriptedFetch(() => ({ body: JSON.stringify({ data: [{ value: 1 }, { value: 'x' }] }) }));
    const e = await caught(fetchJson('http://x/y', {}, opts(fetch)));
    expect((e as ProviderResponseError).field).toBe('data.1.value');
    expect(e.message).toContain('data.1.value');
  });

  it('times out a hanging server and retries it as unavailable', async () => {
    const server = await startServer(() => new Promise(() => undefined));
    try {
      const e = await caught(fetchJson(`${server.baseUrl}/slow`, {}, { fetch, provider: 'P', schema: Body, timeoutMs: 50, maxAttempts: 2, sleep: recordingSleep() }));
      expect(e).toBeInstanceOf(ProviderUnavailableError);
      expect(e.message).toMatch(/timed out after 50 ms/);
    } finally {
      await server.close();
    }
  });

  it('maps a refused connection to a retryable unavailable error', async () => {
    const server = await startServer(() => ok);
    const { baseUrl } = server;
    await server.close();
    const e = await caught(fetchJson(`${baseUrl}/gone`, {}, { fetch, provider: 'P', schema: Body, maxAttempts: 1 }));
    expect(e).toBeInstanceOf(ProviderUnavailableError);
  });

  it('never puts secrets in error messages (query token, declared secrets)', async () => {
    const fetch = scriptedFetch(() => ({ status: 500, body: 'echo s3cr3t-token' }));
    const e = await caught(fetchJson('http://u:pw-hunter2@x/y?token=s3cr3t-token&zone=DE', {}, opts(fetch, { maxAttempts: 1, secrets: ['s3cr3t-token', 'pw-hunter2'] })));
    expect(e.message).not.toContain('s3cr3t-token');
    expect(e.message).not.toContain('hunter2');
    expect(e.message).toContain('zone=DE');
    expect(describeUrl('https://a/b?api_key=k1&auth-token=k2')).toBe('https://a/b?api_key=REDACTED&auth-token=REDACTED');
  });
});

describe('alignHourly', () => {
  const window = { startSec: at('2024-03-10T00:00:00Z'), endSec: at('2024-03-10T03:00:00Z') };
  const o = { zone: 'Z', signal: 'marginal' as const, provider: 'P' };
  const s = (iso: string, periodSec: number, gPerKwh: number, extra: Partial<RawSample> = {}): RawSample => ({ tSec: at(iso), periodSec, gPerKwh, quality: 'actual', ...extra });

  it('time-weights sub-hourly samples into their hour and lists empty hours as missing', () => {
    const { points, report } = alignHourly([s('2024-03-10T00:00:00Z', 1800, 100), s('2024-03-10T00:30:00Z', 1800, 200), s('2024-03-10T02:00:00Z', 3600, 50)], window, o);
    expect(points.map((p) => [p.tSec, p.gPerKwh])).toEqual([
      [window.startSec, 150],
      [window.startSec + 2 * HOUR_SEC, 50],
    ]);
    expect(report.missingHoursSec).toEqual([window.startSec + HOUR_SEC]);
  });

  it('keeps the highest revision among duplicates, and the later one on ties', () => {
    const dup = alignHourly([s('2024-03-10T00:00:00Z', 3600, 1, { revisionSec: 9 }), s('2024-03-10T00:00:00Z', 3600, 2, { revisionSec: 5 })], window, o);
    expect(dup.points[0].gPerKwh).toBe(1);
    const tie = alignHourly([s('2024-03-10T00:00:00Z', 3600, 1), s('2024-03-10T00:00:00Z', 3600, 2)], window, o);
    expect(tie.points[0].gPerKwh).toBe(2);
    expect(tie.report.duplicatesDropped).toBe(1);
  });

  it('gives an hour mixing actual and forecast halves the lower quality', () => {
    const { points } = alignHourly([s('2024-03-10T00:00:00Z', 1800, 100), s('2024-03-10T00:30:00Z', 1800, 200, { quality: 'provider-forecast', issuedAtSec: 42 })], window, o);
    expect(points[0]).toMatchObject({ quality: 'provider-forecast', issuedAtSec: 42 });
  });

  it('invariants: unique sorted hours inside the window, values within the contributing range, points + missing = hours', () => {
    const sample = fc.record({
      slot: fc.integer({ min: -12, max: 48 }),
      periodSec: fc.constantFrom(300, 900, 1800, 3600),
      gPerKwh: fc.double({ min: 0, max: 2000, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 60 }), (raw) => {
        const samples = raw.map((r) => ({ tSec: window.startSec + r.slot * 300, periodSec: r.periodSec, gPerKwh: r.gPerKwh, quality: 'actual' as const }));
        const { points, report } = alignHourly(samples, window, o);
        const hours = points.map((p) => p.tSec);
        expect(new Set(hours).size).toBe(hours.length);
        expect([...hours].sort((a, b) => a - b)).toEqual(hours);
        expect(points.length + report.missingHoursSec.length).toBe(3);
        const lo = Math.min(...samples.map((x) => x.gPerKwh));
        const hi = Math.max(...samples.map((x) => x.gPerKwh));
        for (const p of points) {
          expect(p.tSec % HOUR_SEC).toBe(0);
          expect(p.tSec).toBeGreaterThanOrEqual(window.startSec);
          expect(p.tSec).toBeLessThan(window.endSec);
          expect(p.gPerKwh).toBeGreaterThanOrEqual(lo - 1e-9);
          expect(p.gPerKwh).toBeLessThanOrEqual(hi + 1e-9);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('chunks a window into provider-sized pieces without gaps or overlap', () => {
    expect(chunkWindow({ startSec: 0, endSec: 25 }, 10)).toEqual([
      { startSec: 0, endSec: 10 },
      { startSec: 10, endSec: 20 },
      { startSec: 20, endSec: 25 },
    ]);
  });
});
