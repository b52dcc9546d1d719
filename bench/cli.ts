/**
 * bench:cli — CLI start-up and time to first dashboard, side by side.
 *   npm run bench:cli -- --out FILE.json [--runs N] [--data-dir DIR] [--baseline-dir DIR] [--dashboard-days N]
 *
 * Start-up: `--version`, `--help`, `report --help` (loads everything `report` needs, does no work) and
 * `report --by team` on a DEMO store, N runs each (after one discarded warm-up), round-robin over the variants so
 * that load drift hits them alike:
 *   - compiled: bin/carbonpilot-cli.js → dist/ (plain node; built first with scripts/build-dist.mjs)
 *   - tsx:      the same sources through tsx's CommonJS loader (the dev path, `npm run dev`)
 *   - baseline: `node <baseline-dir>/bin/carbonpilot-cli.js`, a checkout of the CLI before this change (optional;
 *               its `--version` is an unknown command there: it still measures start-up to the first output)
 *   - node -e 0: the floor
 * Without --data-dir the DEMO store is made first (`start --once`, 14 days, 6-hour steps: the same intervals as
 * the default `npm start`).
 * Time to first dashboard (--dashboard-days N, default 14; 0 skips it): `start` with N days on a fresh store, once per
 * variant (compiled, baseline): seconds to the dashboard URL, to the first non-empty /api/footprint answer and to the
 * replay's end. Ratios are baseline (or tsx) / compiled. Measures only; tests never assert timings.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { benchArgs, writeJson } from './lib/bench-args';

const ROOT = join(__dirname, '..');
const NOW = '2026-11-20T06:30:00Z';
const args = benchArgs('cli', { dataRequired: false, extra: ['runs', 'data-dir', 'baseline-dir', 'dashboard-days'] });
const runs = Number(args.get('runs') ?? 10);
if (!Number.isInteger(runs) || runs < 1 || runs > 200) args.fail('--runs: an integer in [1, 200]');
const dashboardDays = Number(args.get('dashboard-days') ?? 14);
if (!Number.isInteger(dashboardDays) || dashboardDays < 0 || dashboardDays > 60) args.fail('--dashboard-days: an integer in [0, 60]');
const baselineDir = args.get('baseline-dir') && resolve(args.get('baseline-dir')!);
if (baselineDir && !existsSync(join(baselineDir, 'bin', 'carbonpilot-cli.js'))) args.fail(`--baseline-dir: no bin/carbonpilot-cli.js under ${baselineDir}`);

interface Variant {
  name: string;
  argv: (cli: string[]) => string[];
}
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const VARIANTS: Variant[] = [
  { name: 'compiled', argv: (c) => [join(ROOT, 'bin', 'carbonpilot-cli.js'), ...c] },
  { name: 'tsx', argv: (c) => ['--require', 'tsx/cjs', join(ROOT, 'bin', 'cli.ts'), ...c] },
  ...(baselineDir ? [{ name: 'baseline', argv: (c: string[]) => [join(baselineDir, 'bin', 'carbonpilot-cli.js'), ...c] }] : []),
];

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
  return { runs: s.length, medianSec: q(0.5), p90Sec: q(0.9), minSec: s[0], maxSec: s[s.length - 1], meanSec: s.reduce((a, b) => a + b, 0) / s.length };
};
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** Wall seconds of one child process (spawn to exit). */
function timeOnce(argv: string[]): { sec: number; status: number | null } {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  return { sec: Number(process.hrtime.bigint() - t) / 1e9, status: r.status };
}

/** Seconds from spawn to the dashboard URL, to the first non-empty footprint answer, and to the end of the replay. */
async function firstDashboard(argv: string[]): Promise<{ urlSec: number; firstDataSec: number | null; replayDoneSec: number }> {
  const t0 = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - t0) / 1e9;
  const child = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  let urlSec = NaN;
  let firstDataSec: number | null = null;
  let polling: Promise<void> | undefined;
  try {
    return await new Promise((ok, fail) => {
      child.on('exit', (code) => fail(new Error(`start exited (${code}) before it was live:\n${out.slice(-2000)}`)));
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /Dashboard: (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)/.exec(out);
        if (m && Number.isNaN(urlSec)) {
          urlSec = since();
          polling = (async () => {
            for (let live = false; !live && firstDataSec === null; ) {
              const r = await fetch(`${m[1]}/api/footprint?by=team`, { headers: { authorization: `Bearer ${m[2]}` } }).catch(() => undefined);
              const body = r?.ok ? ((await r.json()) as { totals?: { energyKwh?: number } }) : undefined;
              if ((body?.totals?.energyKwh ?? 0) > 0) firstDataSec = since();
              live = /Running on the wall clock/.test(out);
              await new Promise((w) => setTimeout(w, 250));
            }
          })();
        }
        if (/Running on the wall clock/.test(out)) {
          const done = since();
          void (polling ?? Promise.resolve()).then(() => ok({ urlSec, firstDataSec, replayDoneSec: done }));
        }
      });
    });
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); // the baseline ignores nothing, but be sure
  }
}

async function main() {
  const load0 = loadavg();
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-dist.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) args.fail(`build failed: ${build.stderr}`);
  const scratch = mkdtempSync(join(tmpdir(), 'cp-bench-cli-'));
  try {
    let dataDir = args.get('data-dir');
    if (!dataDir) {
      dataDir = join(scratch, 'demo');
      const made = spawnSync(process.execPath, [join(ROOT, 'bin', 'carbonpilot-cli.js'), 'start', '--once', '--now', NOW, '--days', '14', '--step-hours', '6', '--data-dir', dataDir], { cwd: ROOT, env, encoding: 'utf8' });
      if (made.status !== 0) args.fail(`demo store: start --once failed:\n${made.stderr}`);
    }
    const commands: { name: string; cli: string[] }[] = [
      { name: '--version', cli: ['--version'] },
      { name: '--help', cli: ['--help'] },
      { name: 'report --help', cli: ['report', '--help'] },
      { name: 'report --by team', cli: ['report', '--by', 'team', '--data-dir', dataDir] },
    ];
    const samples = new Map<string, number[]>();
    const statuses = new Map<string, Set<number | null>>();
    const key = (c: string, v: string) => `${c}\u0000${v}`;
    for (const c of commands) {
      for (const v of VARIANTS) timeOnce(v.argv(c.cli)); // warm-up (page cache, tsx's compile cache): discarded
      timeOnce(['-e', '0']);
      for (let i = 0; i < runs; i++) {
        for (const v of [...VARIANTS, { name: 'node -e 0', argv: () => ['-e', '0'] }]) {
          const r = timeOnce(v.argv(c.cli));
          samples.set(key(c.name, v.name), [...(samples.get(key(c.name, v.name)) ?? []), r.sec]);
          statuses.set(key(c.name, v.name), (statuses.get(key(c.name, v.name)) ?? new Set()).add(r.status));
        }
      }
    }
    const startup = commands.map((c) => {
      const by = Object.fromEntries([...VARIANTS.map((v) => v.name), 'node -e 0'].map((v) => [v, { ...stats(samples.get(key(c.name, v))!), exitCodes: [...statuses.get(key(c.name, v))!] }]));
      const med = (v: string) => by[v]?.medianSec;
      return {
        command: c.name,
        variants: by,
        ratioTsxToCompiled: round(med('tsx') / med('compiled'), 2),
        ...(baselineDir ? { ratioBaselineToCompiled: round(med('baseline') / med('compiled'), 2) } : {}),
        compiledOverBareNode: round(med('compiled') / med('node -e 0'), 2),
      };
    });

    const dashboard: Record<string, unknown>[] = [];
    if (dashboardDays > 0) {
      const startArgs = (dir: string) => ['start', '--now', NOW, '--days', String(dashboardDays), '--port', '0', '--data-dir', dir];
      for (const v of VARIANTS.filter((x) => x.name !== 'tsx')) {
        const r = await firstDashboard(v.argv(startArgs(join(scratch, `dash-${v.name}`))));
        dashboard.push({ variant: v.name, days: dashboardDays, ...Object.fromEntries(Object.entries(r).map(([k, x]) => [k, x === null ? null : round(x, 2)])) });
      }
    }

    const result = {
      benchmark: 'cli',
      when: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadavgBefore: load0.map((x) => round(x, 2)), loadavgAfter: loadavg().map((x) => round(x, 2)) },
      store: args.get('data-dir') ? `--data-dir ${dataDir}` : `DEMO store: start --once --now ${NOW} --days 14 --step-hours 6`,
      runsPerVariant: runs,
      notes: [
        'wall time of a whole child process (spawn to exit); median of N interleaved runs after one discarded warm-up per variant',
        "tsx keeps a compile cache: its numbers are warm-cache numbers (a first run after a source change is slower)",
        ...(baselineDir ? [`baseline: ${baselineDir} (the CLI before compiled output and lazy command loading; its --version is an unknown command, exit 2)`] : []),
      ],
      startup,
      firstDashboard: dashboard,
    };
    writeJson(args.out, result);
    const line = startup
      .map((s) => `${s.command} ${round(s.variants.compiled.medianSec, 2)} s compiled vs ${round(s.variants.tsx.medianSec, 2)} s tsx (${s.ratioTsxToCompiled}×)${baselineDir ? `, ${round((s.variants as Record<string, { medianSec: number }>).baseline.medianSec, 2)} s before (${s.ratioBaselineToCompiled}×)` : ''}`)
      .join('; ');
    const dash = dashboard.map((d) => `${d.variant}: URL ${d.urlSec} s, first data ${d.firstDataSec} s, replay done ${d.replayDoneSec} s`).join('; ');
    console.log(`bench:cli: ${line}${dash ? ` | first dashboard (${dashboardDays} d): ${dash}` : ''} → ${args.out}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
