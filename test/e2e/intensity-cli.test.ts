/**
 * `carbonpilot intensity import|backfill|show` end to end on a real local store (dynalite on disk in a temp dir),
 * with the fixture CSVs in test/fixtures/intensity-import and a fake fetch for the provider.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intensityCommand, type IntensityCliIo } from '../../shared/cli/commands/intensity';

const FIX = join(__dirname, '../fixtures/intensity-import');
const NOW = Date.UTC(2025, 10, 22, 0, 0, 0) / 1000;

const run = async (args: string[], io: IntensityCliIo = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await intensityCommand(args, (s) => void out.push(s), (s) => void err.push(s), { env: {}, nowSec: () => NOW, ...io });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
};

describe('carbonpilot intensity (e2e)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-intensity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('import: an Electricity Maps export → accepted/rejected summary with each rejection, progress on stderr, exit 0', async () => {
    const r = await run(['import', join(FIX, 'em-export-de.csv'), '--zone', 'DE', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/3 rows accepted, 3 rejected/);
    expect(r.stdout).toMatch(/Stored 6 hourly actuals \(6 new or changed\); signals: average-direct, average-lifecycle/);
    expect(r.stdout).toMatch(/line 4: zone mismatch: Zone Id 'FR' is not 'DE'/);
    expect(r.stdout).toMatch(/line 5: direct: negative value -5/);
    expect(r.stdout).toMatch(/line 6: duplicate hour 2025-11-20T01:00:00Z \(first at line 3\)/);
    expect(r.stderr).toMatch(/storing \[#{20}\] 100 %/);
  });

  it('re-importing the same file stores nothing new (overwrite, never add)', async () => {
    const r = await run(['import', join(FIX, 'em-export-de.csv'), '--zone', 'DE', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\(0 new or changed\)/);
  });

  it('show: imported actuals first, then demo (synthetic) for hours without data, with signal, provider and quality', async () => {
    const r = await run(['show', '--region', 'eu-central-1', '--from', '2025-11-20T00:00:00Z', '--to', '2025-11-20T03:00:00Z', '--format', 'json', '--data-dir', dir]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ region: 'eu-central-1', zone: 'DE', signal: 'average-lifecycle', demo: true, missingHours: 0 });
    expect(j.rows.map((x: { gPerKwh: number; quality: string; provider: string }) => [x.quality, x.provider, x.quality === 'actual' ? x.gPerKwh : null])).toEqual([
      ['actual', 'file import (electricitymaps)', 350.5],
      ['actual', 'file import (electricitymaps)', 360],
      ['demo', 'demo (synthetic)', null], // the FR row was rejected
    ]);
    const csv = await run(['show', '--region', 'eu-central-1', '--signal', 'average-direct', '--from', '2025-11-20T04:00:00Z', '--to', '2025-11-20T05:00:00Z', '--format', 'csv', '--data-dir', dir]);
    expect(csv.stdout.split('\n')).toEqual(['hourUtc,gPerKwh,signal,provider,quality,issuedAtUtc', '2025-11-20T04:00:00Z,320,average-direct,file import (electricitymaps),actual,']);
    const table = await run(['show', '--region', 'eu-west-3', '--data-dir', dir]);
    expect(table.stdout).toMatch(/DEMO DATA/);
    expect(table.stdout).toMatch(/zone FR, signal average-lifecycle/);
  });

  it('import: a plain timestamp,g_per_kwh file with --signal', async () => {
    const r = await run(['import', join(FIX, 'plain-de.csv'), '--zone', 'PLAIN', '--signal', 'marginal', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/3 rows accepted, 1 rejected/);
    expect(r.stdout).toMatch(/line 4: timestamp '2025-11-20T02:00:00' has no zone/);
  });

  it.each([
    [['import', '--zone', 'DE'], /import: FILE is required/],
    [['import', join(FIX, 'nope.csv'), '--zone', 'DE'], /FILE ".*nope\.csv" not found/],
    [['import', join(FIX, 'em-export-de.csv')], /--zone is required/],
    [['import', join(FIX, 'em-export-de.csv'), '--zone', 'DE', '--signal', 'lunar'], /--signal: "lunar" is not one of/],
    [['import', join(FIX, 'plain-de.csv'), '--zone', 'DE'], /needs a signal .*\(--signal\)/],
    [['import', join(FIX, 'em-export-de.csv'), '--zone', 'DE', '--colour'], /unknown option --colour/],
    [['show'], /--region is required/],
    [['show', '--region', 'mars-1'], /--region: "mars-1" is not in the region catalog/],
    [['backfill', '--zone', 'DE', '--from', '2025-11-01T00:00:00Z'], /--to is required/],
    [['backfill', '--zone', 'DE', '--from', '2025-11-01T00:00:00Z', '--to', '2025-11-02T00:00:00Z', '--provider', 'acme'], /--provider: "acme" is not one of/],
    [['frobnicate'], /unknown subcommand "frobnicate"/],
  ])('exit 2 on bad arguments, naming the argument: %j', async (args, msg) => {
    const r = await run([...(args as string[]), '--data-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).toMatch(/usage: carbonpilot intensity/);
  });

  it('backfill without credentials: exit 2 naming the missing variable', async () => {
    const r = await run(['backfill', '--zone', 'DE', '--from', '2025-11-01T00:00:00Z', '--to', '2025-11-02T00:00:00Z', '--data-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing credential ELECTRICITYMAPS_API_TOKEN/);
    const wt = await run(['backfill', '--zone', 'CAISO_NORTH', '--signal', 'marginal', '--from', '2025-11-01T00:00:00Z', '--to', '2025-11-02T00:00:00Z', '--data-dir', dir]);
    expect(wt.stderr).toMatch(/missing credential WATTTIME_USERNAME\/WATTTIME_PASSWORD/);
  });

  it('backfill: fetches in chunks with a progress bar, stores the actuals, and never prints the token', async () => {
    const token = 'sekret-token-42';
    const urls: string[] = [];
    const fakeFetch = (async (url: string) => {
      urls.push(url);
      const u = new URL(url);
      const start = Date.parse(u.searchParams.get('start')!) / 1000;
      const end = Date.parse(u.searchParams.get('end')!) / 1000;
      const data = [];
      for (let t = start; t < end; t += 3600) data.push({ zone: 'DE', carbonIntensity: 400, datetime: new Date(t * 1000).toISOString(), emissionFactorType: 'lifecycle', isEstimated: false });
      return new Response(JSON.stringify({ zone: 'DE', data }), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    const r = await run(['backfill', '--zone', 'DE', '--from', '2025-11-01T00:00:00Z', '--to', '2025-11-09T00:00:00Z', '--data-dir', dir], { env: { ELECTRICITYMAPS_API_TOKEN: token }, fetch: fakeFetch });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/192 of 192 hours received, 192 new or changed, 0 missing/);
    expect(r.stderr).toMatch(/backfilling DE average-lifecycle from Electricity Maps \[#{20}\] 100 %/);
    expect(urls.length).toBe(2); // 8 days in 7-day chunks
    expect(`${r.stdout}\n${r.stderr}`).not.toContain(token);

    // A provider error is reported without the token, exit 1.
    const failing = (async () => new Response('{"error":"bad token sekret-token-42"}', { status: 401 })) as unknown as typeof fetch;
    const bad = await run(['backfill', '--zone', 'DE', '--from', '2025-10-01T00:00:00Z', '--to', '2025-10-02T00:00:00Z', '--data-dir', dir], { env: { ELECTRICITYMAPS_API_TOKEN: token }, fetch: failing });
    expect(bad.code).toBe(1);
    expect(`${bad.stdout}\n${bad.stderr}`).not.toContain(token);
  });
});
