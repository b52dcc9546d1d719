/**
 * `carbonpilot intensity import|backfill|show` end to end on a real local store (dynalite on disk in a temp dir),
 * with the synthetic fixture CSVs in test/fixtures/intensity-import (same layouts as the public files) and a fake
 * fetch for the provider. When ../shared/data is present, the real public files are imported too.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intensityCommand, type IntensityCliIo } from '../../shared/cli/commands/intensity';

jest.setTimeout(300_000);
const FIX = join(__dirname, '../fixtures/intensity-import');
const DATA = join(__dirname, '../../../shared/data');
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
    expect(r.stdout).toMatch(/line 6: duplicate timestamp 2025-11-20T01:00:00Z \(first at line 3\)/);
    expect(r.stdout).toMatch(/Rejections by reason: 1 duplicate timestamp, 1 negative value, 1 other zone\./);
    expect(r.stdout).toMatch(/read as: time 'Datetime \(UTC\)' \(UTC by its name\); 'Carbon Intensity gCO₂eq\/kWh \(direct\)' → average-direct, 'Carbon Intensity gCO₂eq\/kWh \(LCA\)' → average-lifecycle/);
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
    const r = await run(['import', join(FIX, 'plain-de.csv'), '--zone', 'CAISO_NORTH', '--signal', 'marginal', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/3 rows accepted, 1 rejected/);
    expect(r.stdout).toMatch(/line 4: timestamp '2025-11-20T02:00:00' has no zone .*--timezone/);
  });

  it('import: an export named for DE-LU is stored under DE, the zone its rows carry (and the region catalog uses)', async () => {
    const r = await run(['import', join(FIX, 'em-export-de.csv'), '--zone', 'DE-LU', '--format', 'json', '--data-dir', dir]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ format: 'electricitymaps', zone: 'DE', zoneGiven: 'DE-LU', accepted: 3, rejected: 3, stored: 6, written: 0, signals: ['average-direct', 'average-lifecycle'] });
    expect(j.zoneAliasSource).toMatch(/ENTSO-E bidding zone DE-LU/);
    expect(j.firstRejections).toEqual([
      { line: 4, reason: 'zone-mismatch', message: "zone mismatch: Zone Id 'FR' is not 'DE'" },
      { line: 5, reason: 'negative-value', message: 'direct: negative value -5' },
      { line: 6, reason: 'duplicate', message: 'duplicate timestamp 2025-11-20T01:00:00Z (first at line 3)' },
    ]);
    expect(j.rejectionsByReason.map((x: { reason: string; count: number }) => [x.reason, x.count])).toEqual([
      ['duplicate', 1],
      ['negative-value', 1],
      ['zone-mismatch', 1],
    ]);
  });

  it('import: an Electricity Maps API-results CSV (zone_datetime,timestamp,carbon_intensity_avg,…) as life-cycle hours', async () => {
    const r = await run(['import', join(FIX, 'em-api-scrape-fr.csv'), '--zone', 'FR', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\(electricitymaps-api format\) into zone FR: 4 rows accepted, 1 rejected\./);
    expect(r.stdout).toMatch(/signal: the Electricity Maps API default, life-cycle/);
    expect(r.stdout).toMatch(/line 5: carbon_intensity_avg: value '' is not a number/);
    const show = await run(['show', '--region', 'eu-west-3', '--from', '2025-11-20T00:00:00Z', '--to', '2025-11-20T03:00:00Z', '--format', 'json', '--data-dir', dir]);
    expect(JSON.parse(show.stdout).rows.map((x: { quality: string; gPerKwh: number }) => [x.quality, x.quality === 'actual' ? x.gPerKwh : null])).toEqual([
      ['actual', 46],
      ['actual', 45],
      ['demo', null], // 02:00 is missing from the file: not filled
    ]);
  });

  it('import: a half-hourly Time,Carbon Intensity file needs --timezone, then is averaged to hours and says so', async () => {
    const naive = await run(['import', join(FIX, 'half-hourly-gb.csv'), '--zone', 'GB', '--signal', 'average-lifecycle', '--data-dir', dir]);
    expect(naive.code).toBe(2);
    expect(naive.stderr).toMatch(/timestamps have no zone \(line 2: '2025-11-20 00:00:00', column 'Time'\): pass --timezone .*--timezone Europe\/Berlin/);
    const r = await run(['import', join(FIX, 'half-hourly-gb.csv'), '--zone', 'GB', '--signal', 'average-lifecycle', '--timezone', 'UTC', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/9 rows accepted, 1 rejected\./);
    expect(r.stdout).toMatch(/averaged 9 half-hourly values into 5 hours \(time-weighted; an hour needs ≥ 50 % coverage: 1 partial hour\(s\) kept, 0 dropped\)/);
    expect(r.stdout).toMatch(/line 7: Carbon Intensity: value 'n\/a' is not a number/);
    const show = await run(['show', '--region', 'eu-west-2', '--from', '2025-11-20T00:00:00Z', '--to', '2025-11-20T03:00:00Z', '--format', 'csv', '--data-dir', dir]);
    expect(show.stdout.split('\n').slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['2025-11-20T00:00:00Z,150', '2025-11-20T01:00:00Z,400', '2025-11-20T02:00:00Z,250']);
  });

  it('import: local times at the DST changes are rejected with their reason (Europe/Berlin fixture)', async () => {
    const r = await run(['import', join(FIX, 'dst-berlin.csv'), '--zone', 'DE', '--signal', 'average-lifecycle', '--timezone', 'Europe/Berlin', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/5 rows accepted, 3 rejected/);
    expect(r.stdout).toMatch(/line 4: local time '2021-03-28 02:00:00' does not exist in Europe\/Berlin \(clocks sprang forward\)/);
    expect(r.stdout).toMatch(/Rejections by reason: 2 local time repeated by a DST change, 1 local time skipped by a DST change\./);
  });

  it('import: an unrecognised header quotes it and names the mapping flags; with them the file imports', async () => {
    const bad = await run(['import', join(FIX, 'vessim-moer-caiso.csv'), '--zone', 'CAISO_NORTH', '--data-dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unrecognised header "time,Caiso_North" \(line 1\): use --time-column NAME --value-column NAME \[--unit g\/kWh\|kg\/MWh\|lbs\/MWh\|t\/MWh\|kg\/kWh\] \[--signal /);
    const ok = await run(['import', join(FIX, 'vessim-moer-caiso.csv'), '--zone', 'CAISO_NORTH', '--time-column', 'time', '--value-column', 'Caiso_North', '--unit', 'g/kWh', '--signal', 'marginal', '--timezone', 'UTC', '--format', 'json', '--data-dir', dir]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ zone: 'CAISO_NORTH', accepted: 12, stored: 1, averaged: { values: 12, hours: 1, resolution: '5-minute' }, signals: ['marginal'] });
  });

  it('import: WattTime MOER in lbs/MWh is converted to g/kWh (× 0.45359237)', async () => {
    const r = await run(['import', join(FIX, 'watttime-moer-lbs.csv'), '--zone', 'CAISO_NORTH', '--signal', 'marginal', '--format', 'json', '--data-dir', dir]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.layout).toMatchObject({ format: 'watttime-api', unit: 'lbs/MWh' });
    const show = await run(['show', '--region', 'us-west-1', '--signal', 'marginal', '--from', '2025-11-20T00:00:00Z', '--to', '2025-11-20T01:00:00Z', '--format', 'json', '--data-dir', dir]);
    expect(JSON.parse(show.stdout).rows[0]).toMatchObject({ quality: 'actual', gPerKwh: Math.round(1500 * 0.45359237 * 100) / 100 });
  });

  it('import: US-style dates (CarbonCast) are read once a day > 12 shows the order', async () => {
    const r = await run(['import', join(FIX, 'carboncast-us-dates.csv'), '--zone', 'US-CAL-CISO', '--signal', 'average-lifecycle', '--format', 'json', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ accepted: 3, rejected: 0, layout: { timeColumn: 'UTC time', timeDeclaredUtc: true } });
  });

  it('import: the zone is checked once, up front — an unknown zone or another file zone is one error, nothing stored', async () => {
    const unknown = await run(['import', join(FIX, 'em-export-de.csv'), '--zone', 'DEU', '--data-dir', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--zone "DEU" is not an Electricity Maps zone id .*close matches: DE\b/);
    expect(unknown.stdout).toBe('');
    const other = await run(['import', join(FIX, 'em-export-de.csv'), '--zone', 'FR', '--data-dir', dir]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/the file is for zone 'DE' \(column 'Zone Id', line 2\), not 'FR': use --zone DE/);
    const region = await run(['import', join(FIX, 'em-export-de.csv'), '--zone', 'eu-central-1', '--data-dir', dir]);
    expect(region.stderr).toMatch(/is an AWS region; its Electricity Maps zone is DE: use --zone DE/);
  });

  it('import: many rejections are summarised — the first 10 lines, then counts by reason', async () => {
    const f = join(dir, 'many-bad.csv');
    const rows = Array.from({ length: 40 }, (_, i) => (i < 5 ? `2025-11-21T0${i}:00:00Z,${300 + i}` : i % 2 ? `2025-11-21T10:00:00Z,x${i}` : `later,${i}`));
    writeFileSync(f, ['timestamp,g_per_kwh', ...rows].join('\n'));
    const r = await run(['import', f, '--zone', 'DE', '--signal', 'average-direct', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/5 rows accepted, 35 rejected\./);
    expect(r.stdout).toMatch(/Rejected rows \(first 10 of 35\):/);
    expect(r.stdout.split('\n').filter((l) => /^ {2}line \d+:/.test(l))).toHaveLength(10);
    expect(r.stdout).toMatch(/Rejections by reason: 18 value not a number, 17 unreadable timestamp\./);
  });

  it.each([
    [['import', '--zone', 'DE'], /import: FILE is required/],
    [['import', join(FIX, 'nope.csv'), '--zone', 'DE'], /FILE ".*nope\.csv" not found/],
    [['import', join(FIX, 'em-export-de.csv')], /--zone is required/],
    [['import', join(FIX, 'em-export-de.csv'), '--zone', 'DE', '--signal', 'lunar'], /--signal: "lunar" is not one of/],
    [['import', join(FIX, 'plain-de.csv'), '--zone', 'DE'], /does not say which signal its column 'g_per_kwh' is: pass --signal/],
    [['import', join(FIX, 'half-hourly-gb.csv'), '--zone', 'GB', '--timezone', 'Europe/Atlantis'], /--timezone: "Europe\/Atlantis" is not an IANA time zone/],
    [['import', join(FIX, 'half-hourly-gb.csv'), '--zone', 'GB', '--unit', 'furlongs'], /--unit: "furlongs" is not one of g\/kWh\|kg\/MWh\|lbs\/MWh\|t\/MWh\|kg\/kWh/],
    [['import', join(FIX, 'carboncast-us-dates.csv'), '--zone', 'GB', '--date-order', 'ymd'], /--date-order: "ymd" is not one of mdy\|dmy/],
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
    expect(r.stderr).toMatch(/see `carbonpilot intensity( import| show| backfill)? --help`/);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(2); // one line, then where to look
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
    expect(urls.filter((u) => u.includes('/v3/carbon-intensity/')).length).toBe(2); // 8 days in 7-day chunks
    expect(urls.filter((u) => u.includes('/v3/power-breakdown/')).length).toBe(2); // the grid's carbon-free share, same chunks
    expect(`${r.stdout}\n${r.stderr}`).not.toContain(token);

    // A provider error is reported without the token, exit 1.
    const failing = (async () => new Response('{"error":"bad token sekret-token-42"}', { status: 401 })) as unknown as typeof fetch;
    const bad = await run(['backfill', '--zone', 'DE', '--from', '2025-10-01T00:00:00Z', '--to', '2025-10-02T00:00:00Z', '--data-dir', dir], { env: { ELECTRICITYMAPS_API_TOKEN: token }, fetch: failing });
    expect(bad.code).toBe(1);
    expect(`${bad.stdout}\n${bad.stderr}`).not.toContain(token);
  });
});

/** The real public files of ../shared/data (absent from a user's clone: then this part is skipped, visibly). */
const REAL = existsSync(DATA);
(REAL ? describe : describe.skip)(`carbonpilot intensity import on the public files${REAL ? '' : ' (skipped: ../shared/data is absent)'}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-intensity-real-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const imp = async (file: string, ...args: string[]) => {
    const r = await run(['import', join(DATA, file), ...args, '--format', 'json', '--data-dir', dir]);
    expect(r.stderr).not.toMatch(/carbonpilot intensity:/);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };

  it('an Electricity Maps API-results CSV (carbonadvisor FR, gappy hourly): every row, life-cycle', async () => {
    const j = await imp('carbonadvisor-em-api-scrapes/FR.csv', '--zone', 'FR');
    // SOURCE.md: 7417 rows, 2021-10-08 14:00 → 2022-09-09 17:00 UTC.
    expect(j).toMatchObject({ format: 'electricitymaps-api', zone: 'FR', accepted: 7417, rejected: 0, stored: 7417, signals: ['average-lifecycle'] });
  });

  it('a half-hourly Time,Carbon Intensity file (lets-wait-awhile GB, UTC: solar peaks at 12:00 UTC): averaged to hours', async () => {
    const j = await imp('lets-wait-awhile/gb_ci.csv', '--zone', 'GB', '--signal', 'average-lifecycle', '--timezone', 'UTC');
    // 21,980 rows (SOURCE.md), 2019-12-20 00:00 → 2021-01-09 23:30: 387 days × 24 = 9288 hours.
    expect(j).toMatchObject({ format: 'columns', accepted: 21980, rejected: 0, averaged: { values: 21980, hours: 9288, hoursDropped: 0 } });
  });

  it('the Electricity Maps export for DE-LU imports with --zone DE-LU, stored as DE', async () => {
    const j = await imp('electricitymaps-hourly-greendcc/DE-LU_2021_hourly.csv', '--zone', 'DE-LU', '--signal', 'average-lifecycle');
    // SOURCE.md: complete calendar years, no gaps → 8760 hours in 2021.
    expect(j).toMatchObject({ format: 'electricitymaps', zone: 'DE', zoneGiven: 'DE-LU', accepted: 8760, rejected: 0, stored: 8760 });
  });
});

