/**
 * `carbonpilot intensity import|backfill` that fail part-way: what was stored stays stored, its footprints are
 * recomputed, the command says exactly which hours were stored and which were not (exit 1), and rerunning it
 * completes the rest. Real local store (dynalite on disk), a fake provider fetch, an injected store failure.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intensityCommand, hourRanges, type IntensityCliIo } from '../../shared/cli/commands/intensity';
import type { IntensityStore } from '../../shared/ports/intensity-store';
import { openCliStore } from '../../shared/composition/cli';

jest.setTimeout(300_000);
const NOW = Date.UTC(2025, 10, 22, 0, 0, 0) / 1000;
const H = 3600;
const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
const NOV1 = Date.UTC(2025, 10, 1) / 1000;

const run = async (args: string[], io: IntensityCliIo = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await intensityCommand(args, (s) => void out.push(s), (s) => void err.push(s), { env: { ELECTRICITYMAPS_API_TOKEN: 'test-token-123' }, nowSec: () => NOW, ...io });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
};

/** Electricity Maps past-range answers (400 g/kWh every hour); from the `failFrom`-th call on (1-based), an outage. */
const emFetch = (calls: string[], failFrom?: number) =>
  (async (url: string) => {
    calls.push(url);
    if (failFrom !== undefined && calls.length >= failFrom) return new Response('{"error":"upstream timeout"}', { status: 503 });
    const u = new URL(url);
    const start = Date.parse(u.searchParams.get('start')!) / 1000;
    const end = Date.parse(u.searchParams.get('end')!) / 1000;
    const data = [];
    for (let t = start; t < end; t += H) data.push({ zone: 'DE', carbonIntensity: 400, datetime: new Date(t * 1000).toISOString(), emissionFactorType: 'lifecycle', isEstimated: false });
    return new Response(JSON.stringify({ zone: 'DE', data }), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;

/** A store whose n-th putPoints (1-based) writes its first `keep` points, then fails. */
const failingStore = (failOn: number, keep: number) => {
  let calls = 0;
  return (s: IntensityStore): IntensityStore =>
    Object.assign(Object.create(s) as IntensityStore, {
      putPoints: async (points: Parameters<IntensityStore['putPoints']>[0]) => {
        if (++calls !== failOn) return s.putPoints(points);
        await s.putPoints(points.slice(0, keep));
        throw new Error('ProvisionedThroughputExceededException (injected)');
      },
    });
};

const storedHours = async (dir: string, fromSec: number, toSec: number) => {
  const opened = await openCliStore(dir, { create: false, env: {} });
  try {
    return (await opened!.stores.intensityStore.getActuals('DE', 'average-lifecycle', { startSec: fromSec, endSec: toSec })).length;
  } finally {
    await opened!.close();
  }
};

describe('hourRanges', () => {
  it.each([
    [[], []],
    [[0, H, 2 * H], [{ fromSec: 0, toSec: 3 * H, hours: 3 }]],
    [[5 * H, 0, H, 3 * H, H], [{ fromSec: 0, toSec: 2 * H, hours: 2 }, { fromSec: 3 * H, toSec: 4 * H, hours: 1 }, { fromSec: 5 * H, toSec: 6 * H, hours: 1 }]],
  ])('compresses hour starts %j into half-open runs', (hours, ranges) => {
    expect(hourRanges(hours)).toEqual(ranges);
  });
});

describe('intensity backfill that fails part-way', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-intensity-partial-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const args = ['backfill', '--zone', 'DE', '--from', iso(NOV1), '--to', iso(NOV1 + 21 * 86400), '--data-dir', dir];

  it('a provider failure on the 2nd of 3 chunks: keeps the 1st week, names the stored and the missing hours, exit 1', async () => {
    // Act
    const calls: string[] = [];
    const r = await run(args, { fetch: emFetch(calls, 2) });

    // Assess
    expect(r.code).toBe(1);
    // Stopped at the failing chunk (after the provider's own retries): the third week was never asked for.
    expect(calls.some((u) => new URL(u).searchParams.get('start')?.startsWith('2025-11-15'))).toBe(false);
    expect(r.stdout).toMatch(/incomplete: 168 of 504 hours stored \(168 new or changed\)/);
    expect(r.stdout).toMatch(/Stopped while fetching 2025-11-08T00:00:00Z → 2025-11-15T00:00:00Z from Electricity Maps: .*503/);
    expect(r.stdout).toContain('DE average-lifecycle: stored 168 h: 2025-11-01T00:00:00Z → 2025-11-08T00:00:00Z (168 h)');
    expect(r.stdout).toContain('DE average-lifecycle: not stored 336 h: 2025-11-08T00:00:00Z → 2025-11-22T00:00:00Z (336 h)');
    expect(r.stdout).toMatch(/Recomputed the carbon of \d+ footprint interval\(s\) for the stored hours/);
    expect(r.stdout).toContain('--from 2025-11-08T00:00:00Z --to 2025-11-22T00:00:00Z');
    expect(r.stderr).toMatch(/backfill incomplete: fetching 2025-11-08/);
    expect(await storedHours(dir, NOV1, NOV1 + 21 * 86400)).toBe(168);
  });

  it('rerunning the same command completes the rest (the stored week is not written again)', async () => {
    const r = await run(args, { fetch: emFetch([]) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/504 of 504 hours received, 336 new or changed, 0 missing/);
    expect(await storedHours(dir, NOV1, NOV1 + 21 * 86400)).toBe(504);
  });

  it('a store failure part-way through a chunk: exactly the hours that made it are reported stored', async () => {
    const d2 = mkdtempSync(join(tmpdir(), 'cp-intensity-partial-'));
    try {
      const r = await run(['backfill', '--zone', 'DE', '--from', iso(NOV1), '--to', iso(NOV1 + 14 * 86400), '--data-dir', d2], { fetch: emFetch([]), wrapStore: failingStore(2, 30) });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/Stopped while storing 168 hour\(s\) from 2025-11-08T00:00:00Z: ProvisionedThroughputExceededException \(injected\)/);
      expect(r.stdout).toContain('stored 198 h: 2025-11-01T00:00:00Z → 2025-11-09T06:00:00Z (198 h)');
      expect(r.stdout).toContain('not stored 138 h: 2025-11-09T06:00:00Z → 2025-11-15T00:00:00Z (138 h)');
      expect(await storedHours(d2, NOV1, NOV1 + 14 * 86400)).toBe(198);
      const again = await run(['backfill', '--zone', 'DE', '--from', iso(NOV1), '--to', iso(NOV1 + 14 * 86400), '--data-dir', d2], { fetch: emFetch([]) });
      expect(again.code).toBe(0);
      expect(await storedHours(d2, NOV1, NOV1 + 14 * 86400)).toBe(336);
    } finally {
      rmSync(d2, { recursive: true, force: true });
    }
  });
});

describe('intensity import that fails part-way', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-intensity-partial-'));
  const file = join(dir, 'de-hourly.csv');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a store failure in the 2nd write chunk: the 1st chunk and what made it of the 2nd are stored and named, exit 1; the rerun completes', async () => {
    // Prepare: 1200 hourly rows (3 write chunks of 500).
    const rows = ['timestamp,g_per_kwh'];
    for (let k = 0; k < 1200; k++) rows.push(`${iso(NOV1 - 1200 * H + k * H)},${300 + (k % 7)}`);
    writeFileSync(file, `${rows.join('\n')}\n`);
    const args = ['import', file, '--zone', 'DE', '--signal', 'average-lifecycle', '--format', 'json', '--data-dir', dir];

    // Act
    const r = await run(args, { wrapStore: failingStore(2, 100) });
    const j = JSON.parse(r.stdout);
    const again = await run(args);

    // Assess
    expect(r.code).toBe(1);
    expect(j.incomplete.series).toEqual([
      {
        zone: 'DE',
        signal: 'average-lifecycle',
        stored: [{ from: iso(NOV1 - 1200 * H), to: iso(NOV1 - 600 * H), hours: 600 }],
        notStored: [{ from: iso(NOV1 - 600 * H), to: iso(NOV1), hours: 600 }],
      },
    ]);
    expect(j.incomplete.reason).toMatch(/storing 500 hour\(s\) from .*: ProvisionedThroughputExceededException \(injected\)/);
    expect(r.stderr).toMatch(/import incomplete/);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ stored: 1200, written: 600 });
    expect(await storedHours(dir, NOV1 - 1200 * H, NOV1)).toBe(1200);
  });
});
