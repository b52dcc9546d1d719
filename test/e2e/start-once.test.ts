/**
 * End to end, as a user runs it: `carbonpilot start --once` replays the demo fleet on the embedded DynamoDB
 * API, then `carbonpilot report` reads the store. A second run with the same --now changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(__dirname, '../../bin/carbonpilot-cli.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 600_000 });
const NOW = '2026-11-20T06:30:00Z';

// Three replays run here; under a loaded CI machine each can take minutes.
jest.setTimeout(900_000);

describe('npm start -- --once (e2e)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-e2e-'));
  const other = mkdtempSync(join(tmpdir(), 'cp-e2e-b-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  });

  let first: ReturnType<typeof cli>;
  beforeAll(() => {
    first = cli('start', '--once', '--now', NOW, '--days', '2', '--step-hours', '3', '--data-dir', dir);
  });

  it('replays, prints progress and a non-empty footprint report labelled demo, exit 0', () => {
    expect(first.stderr).toMatch(/replaying demo fleet \[#+\] 100 %/);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/DEMO DATA/);
    expect(first.stdout).toMatch(/Footprint by team/);
    expect(first.stdout).toMatch(/TOTAL\s+\d+\.\d/);
    expect(first.stdout).toMatch(/demo \(synthetic\) \[demo, average-lifecycle\]/);
    // Hourly intensity per demo region with its source and signal, and the carbon-aware demo jobs.
    expect(first.stdout).toMatch(/Grid intensity, last 24 h .*signal average-lifecycle/);
    expect(first.stdout).toMatch(/eu-north-1\s+SE-SE3\s+\d+\s+\d+\s+\d+\s+demo \(synthetic\) \[demo\]/);
    expect(first.stdout).toMatch(/Carbon-aware training \(demo jobs/);
  });

  it('the start-up summary covers the default window of `report` (same header, same totals)', () => {
    const report = cli('report', '--by', 'team', '--data-dir', dir);
    const pick = (out: string) => [/^Footprint by team, .*$/m.exec(out)?.[0], /^TOTAL .*$/m.exec(out)?.[0]];
    expect(report.status).toBe(0);
    expect(pick(first.stdout)).toEqual(pick(report.stdout));
    expect(pick(report.stdout)[0]).toBeDefined();
  });

  it('report --format json gives rows and totals; a second run with the same --now leaves them identical', () => {
    const before = JSON.parse(cli('report', '--by', 'job', '--format', 'json', '--data-dir', dir).stdout);
    expect(before.rows.length).toBeGreaterThan(3);
    for (const r of before.rows) expect(Object.keys(r)).toEqual(expect.arrayContaining(['key', 'energyKwh', 'co2eKg', 'measuredShare', 'coveragePct']));
    expect(before.totals.energyKwh).toBeGreaterThan(0);
    expect(before.demo).toBe(true);

    const again = cli('start', '--once', '--now', NOW, '--days', '2', '--step-hours', '3', '--data-dir', dir);
    expect(again.status).toBe(0);
    const after = JSON.parse(cli('report', '--by', 'job', '--format', 'json', '--data-dir', dir).stdout);
    expect(after.totals).toEqual(before.totals);

    // A fresh store with the same --now gives the same numbers (deterministic demo), whatever the replay step.
    expect(cli('start', '--once', '--now', NOW, '--days', '2', '--step-hours', '1', '--data-dir', other).status).toBe(0);
    const fresh = JSON.parse(cli('report', '--by', 'job', '--format', 'json', '--data-dir', other).stdout);
    expect(fresh.totals.energyKwh).toBeCloseTo(before.totals.energyKwh, 6);
    expect(fresh.totals.co2eKg).toBeCloseTo(before.totals.co2eKg, 6);
  });

  it.each([
    [['report', '--by', 'galaxy'], /--by: "galaxy" is not one of/],
    [['report', '--by', 'team', '--from', '2026-11-20T00:00'], /--from: .* not an ISO-8601 instant with a zone/],
    [['report', '--by', 'team', '--format', 'xml'], /--format/],
    [['report', '--by', 'team', '--colour'], /unknown option --colour/],
    [['report'], /--by is required/],
    [['start', '--days', '0'], /--days/],
    [['frobnicate'], /unknown command/],
  ])('bad arguments %j exit 2 naming the argument', (args, msg) => {
    const r = cli(...(args as string[]), '--data-dir', dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(msg);
  });
});
