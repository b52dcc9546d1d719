/**
 * `npm start` as users run it (npm → node; the real process tree): the dashboard URL comes before the replay and
 * the API answers while it runs (writes wait with a 503); SIGTERM or SIGINT sent to the npm process stops it
 * cleanly — serving or in the middle of the replay: npm and node exit, the data-directory lock and the endpoint
 * file are gone, and the store opens afterwards with what was replayed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT, startServing, type ServingStart } from '../helpers/serving-start';

jest.setTimeout(900_000);
const NOW = '2026-11-20T06:30:00Z';
/** Liveness bound, not a timing measurement: a clean stop takes well under a second here; a hang fails the test. */
const STOP_BOUND_MS = 30_000;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Send `signal` to the npm process and wait for it to exit (or fail after STOP_BOUND_MS). */
async function signalAndWait(s: ServingStart, signal: NodeJS.Signals) {
  const bound = new Promise<'hung'>((r) => setTimeout(() => r('hung'), STOP_BOUND_MS).unref());
  s.child.kill(signal);
  return Promise.race([s.exited, bound]);
}

describe('npm start: signals and time to first dashboard (e2e)', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'cp-sig-'));
    dirs.push(d);
    return d;
  };
  const running: ServingStart[] = [];
  afterAll(async () => {
    for (const s of running) await s.stop('SIGKILL').catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('SIGTERM to npm while serving: npm and node exit 0, lock and endpoint file removed', async () => {
    // Prepare
    const dir = fresh();
    const s = await startServing(['--now', NOW, '--days', '1', '--step-hours', '6', '--port', '0', '--data-dir', dir], { npm: true, until: 'live' });
    running.push(s);
    const nodePid = Number.parseInt(readFileSync(join(dir, 'lock'), 'utf8'), 10);
    expect(existsSync(join(dir, 'endpoint'))).toBe(true);
    // Act
    const exit = await signalAndWait(s, 'SIGTERM');
    // Assess
    expect(exit).toEqual({ code: 0, signal: null });
    expect(alive(nodePid)).toBe(false);
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    expect(existsSync(join(dir, 'endpoint'))).toBe(false);
    expect(s.stderr()).toMatch(/SIGTERM received, stopping/);
  });

  it('during the replay: URL first, reads answer, writes wait with a 503; SIGINT to npm stops it cleanly and the store keeps what was replayed', async () => {
    // Prepare: three days, hourly steps: the replay is still running when the URL appears.
    const dir = fresh();
    const s = await startServing(['--now', NOW, '--days', '3', '--port', '0', '--data-dir', dir], { npm: true, until: 'url' });
    running.push(s);
    const auth = { authorization: `Bearer ${s.token}` };
    const progress = (await (await fetch(`${s.url}/api/local/replay`, { headers: auth })).json()) as { phase: string; pct: number; demo: boolean };
    expect(progress).toMatchObject({ phase: 'replaying', demo: true });
    expect(progress.pct).toBeLessThan(100);
    expect((await fetch(`${s.url}/`)).status).toBe(200);
    expect((await fetch(`${s.url}/api/meta`, { headers: auth })).status).toBe(200);
    const example = readFileSync(join(ROOT, 'examples/job-request.json'), 'utf8');
    const write = await fetch(`${s.url}/api/jobs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: example });
    expect(write.status).toBe(503);
    expect(((await write.json()) as { error: string }).error).toMatch(/demo replay is still running/);
    const nodePid = Number.parseInt(readFileSync(join(dir, 'lock'), 'utf8'), 10);
    // Act
    const exit = await signalAndWait(s, 'SIGINT');
    // Assess
    expect(exit).toEqual({ code: 0, signal: null });
    expect(alive(nodePid)).toBe(false);
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    expect(existsSync(join(dir, 'endpoint'))).toBe(false);
    expect(s.stdout()).not.toMatch(/Running on the wall clock/);
    expect(s.stderr()).toMatch(/replay stopped by SIGINT at 2026-11-\d\dT\d\d:00:00Z/);
    const report = spawnSync(process.execPath, [CLI, 'report', '--by', 'team', '--format', 'json', '--data-dir', dir], { encoding: 'utf8' });
    expect(report.status).toBe(0);
    expect(JSON.parse(report.stdout).demo).toBe(true);
  });
});
