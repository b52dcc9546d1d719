/**
 * One `npm start` per data directory, as a user meets it: while one serves, a second start on the same directory
 * prints one line naming the holder's pid and exits 2 (no stack trace); the CLI still reads the store through the
 * running instance's endpoint; everything in the data directory is owner-only (directories 0700, files 0600);
 * the running API refuses a far-future deadline with a 400 on `deadline`. After the holder is gone its lock is
 * removed, and a lock left by a dead process is taken over.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, startServing, type ServingStart } from '../helpers/serving-start';

jest.setTimeout(900_000);
const ROOT = join(__dirname, '../..');
const NOW = '2026-11-20T06:30:00Z';
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 600_000 });

/** Every path under `dir` with its permission bits. */
const modes = (dir: string): { path: string; dir: boolean; mode: number }[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    const here = { path: p, dir: e.isDirectory(), mode: statSync(p).mode & 0o777 };
    return e.isDirectory() ? [here, ...modes(p)] : [here];
  });

describe('one process per data directory (e2e)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-lock-e2e-'));
  let first: ServingStart;
  beforeAll(async () => {
    first = await startServing(['--now', NOW, '--days', '1', '--step-hours', '6', '--port', '0', '--data-dir', dir], { until: 'live' });
  }, 660_000);
  afterAll(async () => {
    await first?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a second start on the same directory gets one line naming the pid, exit 2', () => {
    // Act
    const second = cli('start', '--once', '--now', NOW, '--days', '1', '--data-dir', dir);
    // Assess
    expect(second.status).toBe(2);
    expect(second.stdout).toBe('');
    expect(second.stderr).toBe(`carbonpilot: data directory ${dir} in use by pid ${first.child.pid}; use the running instance's API or another --data-dir\n`);
  });

  it('the CLI reads the store through the running instance meanwhile', () => {
    const r = cli('report', '--by', 'team', '--format', 'json', '--data-dir', dir);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).totals.energyKwh).toBeGreaterThan(0);
  });

  it('the data directory is owner-only: directories 0700, files 0600 (LevelDB, endpoint, lock, schedules, dashboard)', () => {
    const all = [{ path: dir, dir: true, mode: statSync(dir).mode & 0o777 }, ...modes(dir)];
    expect(all.map((e) => e.path)).toEqual(expect.arrayContaining([join(dir, 'db', 'CURRENT'), join(dir, 'endpoint'), join(dir, 'lock'), join(dir, 'schedules.json'), join(dir, 'web', 'index.html')]));
    expect(all.filter((e) => e.mode !== (e.dir ? 0o700 : 0o600))).toEqual([]);
  });

  it('the running API refuses a deadline in 2300 with a 400 on deadline', async () => {
    const req = JSON.parse(readFileSync(join(ROOT, 'examples/job-request.json'), 'utf8'));
    const res = await fetch(`${first.url}/api/plans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...req, earliestStart: undefined, deadline: '2300-01-01T00:00:00Z' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { details: { field: string }[] }).details.map((d) => d.field)).toEqual(['deadline']);
  });

  it('after the holder stops, its lock is gone; a lock left by a dead process is taken over', async () => {
    // Prepare: stop the first instance (our child) and leave a lock of a process that has exited.
    await first.stop();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(join(dir, 'lock'), `${dead}\n`);
    // Act: a command that opens the store in-process
    const r = cli('report', '--by', 'team', '--data-dir', dir);
    // Assess
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });
});
