/**
 * Electricity Maps: the grid's carbon-free share per hour (power breakdown `fossilFreePercentage`) rides on the
 * intensity points as `cfePct` when `carbonFreeShare` is on; hours without it stay unknown; a plan without the
 * endpoint loses only the share, never the intensity.
 */
import { ElectricityMapsProvider } from '../../../../shared/adapters/intensity/electricitymaps-provider';
import { ProviderResponseError } from '../../../../shared/adapters/intensity/http';
import { at, caught, fixture, recordingSleep, scriptedFetch, startServer, type Route } from '../../../fixtures/intensity/harness';

const TOKEN = 'em-secret-token-123';
const em = (name: string) => fixture('electricitymaps', name);
const NOW = at('2024-03-10T06:30:00Z');
const recentWindow = { startSec: at('2024-03-10T00:00:00Z'), endSec: at('2024-03-10T06:00:00Z') };
const make = (fetch: typeof globalThis.fetch, carbonFreeShare = true, baseUrl = 'http://em.test') =>
  new ElectricityMapsProvider({ fetch, baseUrl, credentials: { token: TOKEN }, clock: () => NOW, http: { sleep: recordingSleep() }, carbonFreeShare });

const byPath = (routes: Record<string, () => { status?: number; body: string }>): Route => (req) => (routes[req.url.pathname] ?? (() => ({ status: 404, body: '{"error":"not found"}' })))();

describe('ElectricityMapsProvider carbon-free share', () => {
  it('puts fossilFreePercentage of /power-breakdown/history on the matching hours, over real HTTP with the auth-token header', async () => {
    // Prepare
    const server = await startServer(byPath({ '/v3/carbon-intensity/history': () => ({ body: em('history-lifecycle.json') }), '/v3/power-breakdown/history': () => ({ body: em('power-breakdown-history.json') }) }));
    try {
      // Act
      const { points, report } = await make(fetch, true, server.baseUrl).getSeriesWithReport('DE', 'average-lifecycle', recentWindow);
      // Assess
      const breakdown = server.requests.find((r) => r.url.pathname === '/v3/power-breakdown/history')!;
      expect(breakdown.headers['auth-token']).toBe(TOKEN);
      expect(breakdown.url.searchParams.get('zone')).toBe('DE');
      expect(points.map((p) => [p.tSec, p.gPerKwh, p.cfePct])).toEqual([
        [at('2024-03-10T00:00:00Z'), 300, 48],
        [at('2024-03-10T01:00:00Z'), 310, 46],
        [at('2024-03-10T03:00:00Z'), 335, undefined], // null share: unknown, never filled from a neighbour
        [at('2024-03-10T04:00:00Z'), 340, 41.5], // "05:00+01:00" is 04:00 UTC on both endpoints
      ]);
      expect(report.apiCalls).toBe(2);
      expect(report.notes).toContain('carbon-free share: /v3/power-breakdown fossilFreePercentage for 3 hour(s)');
    } finally {
      await server.close();
    }
  });

  it('uses /power-breakdown/past-range in the same 10-day chunks for older windows', async () => {
    const fetch = scriptedFetch((req) => ({
      body: req.url.pathname === '/v3/power-breakdown/past-range'
        ? JSON.stringify({ zone: 'DE', data: [{ datetime: '2024-03-01T00:00:00.000Z', fossilFreePercentage: 60 }, { datetime: '2024-03-01T01:00:00.000Z', fossilFreePercentage: 61 }] })
        : em('past-range-direct.json'),
    }));
    const window = { startSec: at('2024-03-01T00:00:00Z'), endSec: at('2024-03-12T00:00:00Z') };
    const points = await make(fetch).getSeries('DE', 'average-direct', window);
    expect(fetch.calls.map((c) => [c.url.pathname, c.url.searchParams.get('start'), c.url.searchParams.get('end')])).toEqual([
      ['/v3/carbon-intensity/past-range', '2024-03-01T00:00Z', '2024-03-11T00:00Z'],
      ['/v3/carbon-intensity/past-range', '2024-03-11T00:00Z', '2024-03-12T00:00Z'],
      ['/v3/power-breakdown/past-range', '2024-03-01T00:00Z', '2024-03-11T00:00Z'],
      ['/v3/power-breakdown/past-range', '2024-03-11T00:00Z', '2024-03-12T00:00Z'],
    ]);
    expect(fetch.calls.find((c) => c.url.pathname.startsWith('/v3/power-breakdown'))!.url.searchParams.has('emissionFactorType')).toBe(false);
    expect(points.slice(0, 3).map((p) => p.cfePct)).toEqual([60, 61, undefined]);
  });

  it.each([
    ['403 (endpoint not in the plan)', { status: 403, body: '{"error":"forbidden"}' }, /carbon-free share unavailable \(\/v3\/power-breakdown\)/],
    ['a malformed body', { body: '{"zone":"DE","history":[{"datetime":"2024-03-10T00:00:00Z","fossilFreePercentage":140}]}' }, /carbon-free share unavailable/],
  ])('keeps the intensity series without shares when the breakdown fails with %s, and says so', async (_n, reply, note) => {
    const fetch = scriptedFetch((req) => (req.url.pathname === '/v3/power-breakdown/history' ? reply : { body: em('history-lifecycle.json') }));
    const { points, report } = await make(fetch).getSeriesWithReport('DE', 'average-lifecycle', recentWindow);
    expect(points.map((p) => p.gPerKwh)).toEqual([300, 310, 335, 340]);
    expect(points.every((p) => p.cfePct === undefined)).toBe(true);
    expect(report.notes.some((n) => note.test(n))).toBe(true);
  });

  it('still refuses a breakdown for another zone as part of the share only', async () => {
    const fetch = scriptedFetch((req) => ({ body: req.url.pathname === '/v3/power-breakdown/history' ? em('power-breakdown-history.json').replace(/"DE"/g, '"FR"') : em('history-lifecycle.json') }));
    const { points, report } = await make(fetch).getSeriesWithReport('DE', 'average-lifecycle', recentWindow);
    expect(points.every((p) => p.cfePct === undefined)).toBe(true);
    expect(report.notes.join(' ')).toMatch(/zone 'FR' returned for requested zone 'DE'/);
  });

  it('makes no breakdown call without carbonFreeShare (and an intensity error is still an error)', async () => {
    const fetch = scriptedFetch(() => ({ body: em('history-lifecycle.json') }));
    await make(fetch, false).getSeries('DE', 'average-lifecycle', recentWindow);
    expect(fetch.calls.map((c) => c.url.pathname)).toEqual(['/v3/carbon-intensity/history']);
    const bad = scriptedFetch(() => ({ body: em('schema-mismatch.json') }));
    expect(await caught(make(bad).getSeries('DE', 'average-lifecycle', recentWindow))).toBeInstanceOf(ProviderResponseError);
  });
});
