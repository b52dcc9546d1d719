/**
 * `npm run test:crash -- [--seed N] [--kills N] [--chains N] [--now ISO] [--days N] [--step-hours N] [--chain C] [--parallel N] [--keep] [--out FILE.json]`
 *
 * The crash test of the local runtime. A clean `npm start -- --once --now T --days N` is dumped (every item of the
 * local store: intervals, raw samples, roll-ups, resources, cursors, jobs and segments, launched training jobs, the
 * replay's progress, the bus outbox; and the pending one-time schedules) with its printed report. Then ≥ 20 seeded
 * kill instants (start-up, while demo training jobs are launched or running, anywhere in the replay) are dealt into
 * a few chains. A chain starts a fresh run in a fresh data directory and, for each of its instants in replay order,
 * kills the run there with SIGKILL, copies the killed directory and reruns the copy to completion (dumped and
 * compared with the clean run), then restarts the killed run in its own directory and aims at the next instant (its
 * last kill is rerun to completion in place). So every kill is followed by a rerun to completion and a comparison,
 * later kills also hit runs that are recovering, and the test costs a few replays rather than one per kill. Any
 * difference, or a rerun that fails, fails the test (exit 1); the seed is printed so a failure can be replayed
 * (`--seed S --chain C --keep`).
 */
import './quiet-sdk';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { localDynamoClient } from '../../shared/adapters/local/embedded-dynamodb';
import type { ReplayProgress } from '../../shared/adapters/local/local-durable-state';
import { alignDown, DAY_SEC, HOUR_SEC, isoUtc, parseIsoInstant, type EpochSec } from '../../shared/domain/time';
import { flagInt, flagString, parseArgs } from '../../shared/cli/args';
import { diffDumps, dumpCounts, dumpDataDir, inspectKilled, type DumpDifference, type StoreDump } from './store-dump';
import { dealIntoChains, duringJobs, makeKillPlan, type KillTarget } from './kill-plan';

const ROOT = resolve(__dirname, '../..');
const DEFAULTS = { seed: 20250610, kills: 22, chains: 4, now: '2025-06-10T00:00:00Z', days: 2, stepHours: 1, minDuringJobs: 8, startupKills: 3 };
/** The issue's bar: ≥ 20 kills, ≥ 5 of them while demo training jobs are launched or running. */
const REQUIRED = { kills: 20, duringJobs: 5 };

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

interface Running {
  child: ChildProcess;
  startedAt: number;
  done: Promise<RunResult>;
  exited: () => boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startRun(dataDir: string, o: { nowIso: string; days: number; stepHours: number }): Running {
  const t0 = Date.now();
  // `npm start` is `tsx bin/cli.ts start`: run it as one node process with tsx's loader, so this harness is its parent
  // and reaps it at once (a killed tsx wrapper would leave its child for init to reap, holding the data-dir lock).
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/cli.ts', 'start', '--once', '--now', o.nowIso, '--days', String(o.days), '--step-hours', String(o.stepHours), '--data-dir', dataDir], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<RunResult>((res) =>
    child.on('close', (code, signal) => {
      exited = true;
      res({ code, signal, stdout, stderr, wallMs: Date.now() - t0 });
    }),
  );
  return { child, startedAt: t0, done, exited: () => exited };
}

const killGroup = (c: ChildProcess) => {
  try {
    process.kill(-c.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
};

/** The replay's progress as the running process keeps it (read through the endpoint it publishes). */
class ProgressProbe {
  private client?: { endpoint: string; c: DynamoDBClient };
  constructor(
    private readonly dataDir: string,
    private readonly replayId: string,
  ) {}
  async read(): Promise<ReplayProgress | undefined> {
    const file = join(this.dataDir, 'endpoint');
    if (!existsSync(file)) return undefined;
    const endpoint = readFileSync(file, 'utf8').trim();
    if (!endpoint) return undefined;
    if (this.client?.endpoint !== endpoint) {
      this.client?.c.destroy();
      this.client = { endpoint, c: localDynamoClient(endpoint) };
    }
    try {
      const out = await this.client.c.send(new GetItemCommand({ TableName: 'carbonpilot', Key: { pk: { S: 'LOCALRT#REPLAY' }, sk: { S: this.replayId } }, ConsistentRead: true }));
      return out.Item ? (unmarshall(out.Item) as ReplayProgress) : undefined;
    } catch {
      return undefined; // not listening yet, or gone
    }
  }
  close() {
    this.client?.c.destroy();
  }
}

/** The printed report without what legitimately differs between runs (the data directory, events delivered by this process). */
const reportOf = (stdout: string, dataDir: string) =>
  stdout
    .split('\n')
    .filter((l) => !l.includes(dataDir) && !l.startsWith('Events delivered:'))
    .join('\n');

/** Launches of the demo training jobs in a dump (job STATE items). */
function demoLaunches(d: StoreDump, endSec: EpochSec): { startSec: EpochSec; endSec: EpochSec }[] {
  const out: { startSec: EpochSec; endSec: EpochSec }[] = [];
  for (const [key, json] of d) {
    if (!key.startsWith('JOB#') || !key.endsWith('|STATE')) continue;
    const job = (JSON.parse(json) as { job: { demo?: boolean; launches: { startedAtSec: number; endedAtSec?: number }[] } }).job;
    if (!job.demo) continue;
    for (const l of job.launches) out.push({ startSec: l.startedAtSec, endSec: l.endedAtSec ?? endSec });
  }
  return out.sort((a, b) => a.startSec - b.startSec);
}

interface KillResult {
  target: KillTarget;
  chain: number;
  killed: boolean;
  killedAfterMs: number;
  /** Start of the replay step in flight at the kill, from the killed run's durable progress (none: before the replay). */
  atSec?: EpochSec;
  phase: string;
  duringJobs: boolean;
  pendingDeliveries: number;
  rerun: { code: number | null; wallMs: number; failedHandlers?: string; stderrTail?: string };
  differences: DumpDifference[];
  reportDiffers: boolean;
}

async function main(): Promise<number> {
  const a = parseArgs(process.argv.slice(2), ['seed', 'kills', 'chains', 'now', 'days', 'step-hours', 'chain', 'parallel', 'out'], ['keep']);
  const seed = flagInt(a, 'seed', 0, 2 ** 31 - 1) ?? DEFAULTS.seed;
  const kills = flagInt(a, 'kills', 1, 500) ?? DEFAULTS.kills;
  const chains = flagInt(a, 'chains', 1, 50) ?? DEFAULTS.chains;
  const nowIso = flagString(a, 'now') ?? DEFAULTS.now;
  const days = flagInt(a, 'days', 1, 14) ?? DEFAULTS.days;
  const stepHours = flagInt(a, 'step-hours', 1, 24) ?? DEFAULTS.stepHours;
  const onlyChain = flagInt(a, 'chain', 1, 50);
  // Runs at once: the chain's own run plus copies being completed (2 by default: the copies then cost little extra time).
  const parallel = flagInt(a, 'parallel', 1, 8) ?? Math.min(2, Math.max(1, availableParallelism()));
  const outFile = flagString(a, 'out');
  const keep = a.flags.has('keep');
  const nowSec = parseIsoInstant(nowIso);
  const stepSec = stepHours * HOUR_SEC;
  const replay = { startSec: alignDown(nowSec, HOUR_SEC) - days * DAY_SEC, endSec: nowSec, stepSec };
  const replayId = `${nowSec}#${days}#${stepSec}`;
  const run = { nowIso, days, stepHours };
  const work = mkdtempSync(join(tmpdir(), 'cp-crash-'));
  const t0 = Date.now();
  const log = (s: string) => process.stdout.write(`${s}\n`);

  try {
    log(`crash test: seed ${seed} (replay a chain with --seed ${seed} --chain C --keep), ${kills} kills in ${chains} chains, replay ${days} day(s) to ${isoUtc(nowSec)}, step ${stepHours} h, ${parallel} run(s) at once`);

    // 1. The clean run, timed: spawn → replay start (the endpoint is published), and the wall time per step.
    const cleanDir = join(work, 'clean');
    const clean = startRun(cleanDir, run);
    let replayStartedAt: number | undefined;
    while (!clean.exited() && replayStartedAt === undefined) {
      if (existsSync(join(cleanDir, 'endpoint'))) replayStartedAt = Date.now();
      await sleep(10);
    }
    const cleanResult = await clean.done;
    if (cleanResult.code !== 0) {
      log(`clean run failed (exit ${cleanResult.code}):\n${cleanResult.stderr.slice(-4000)}`);
      return 1;
    }
    const startupMs = (replayStartedAt ?? Date.now()) - clean.startedAt;
    const steps = Math.ceil((replay.endSec - replay.startSec) / stepSec);
    const stepWallMs = Math.max(50, Math.round((cleanResult.wallMs - startupMs) / steps));
    const cleanDump = await dumpDataDir(cleanDir);
    const cleanReport = reportOf(cleanResult.stdout, cleanDir);
    const launches = demoLaunches(cleanDump, replay.endSec);
    const counts = dumpCounts(cleanDump);
    log(
      `clean run: ${(cleanResult.wallMs / 1000).toFixed(1)} s (start-up ${(startupMs / 1000).toFixed(1)} s, ${stepWallMs} ms per step on average), ${cleanDump.size} items compared ` +
        `(${counts['RES INT'] ?? 0} intervals, ${counts['RES RAW'] ?? 0} raw samples, ${Object.entries(counts).filter(([k]) => k.startsWith('ROLLUP')).reduce((n, [, v]) => n + v, 0)} roll-ups, ` +
        `${counts['JOB STATE'] ?? 0} jobs, ${counts['LOCALSM JOBS'] ?? 0} launched training jobs), ` +
        `${launches.length} demo training-job launches in replay hours ${launches.length ? `${(launches[0].startSec - replay.startSec) / HOUR_SEC}–${(Math.max(...launches.map((l) => l.endSec)) - replay.startSec) / HOUR_SEC}` : 'none'}`,
    );
    if (!launches.length) {
      log('the clean run launched no demo training jobs: choose --now/--days so that it does');
      return 1;
    }

    // 2. The kills, chain by chain.
    const plan = makeKillPlan({ seed, kills, minDuringJobs: DEFAULTS.minDuringJobs, startupKills: DEFAULTS.startupKills, replay, launches, startupMs, stepWallMs });
    const dealt = dealIntoChains(plan, chains);
    const results: KillResult[] = [];

    /** Rerun `dir` to completion and compare it with the clean run. */
    const complete = async (dir: string) => {
      const again = await startRun(dir, run).done;
      const failedHandlers = /(\d+ handler invocation\(s\) failed.*)/.exec(again.stderr)?.[1];
      const differences = again.code === 0 ? diffDumps(cleanDump, await dumpDataDir(dir)) : [];
      const reportDiffers = again.code === 0 && reportOf(again.stdout, dir) !== cleanReport;
      return {
        rerun: { code: again.code, wallMs: again.wallMs, ...(failedHandlers ? { failedHandlers } : {}), ...(again.code !== 0 ? { stderrTail: again.stderr.slice(-2000) } : {}) },
        differences,
        reportDiffers,
      };
    };

    const background = new Set<Promise<void>>();
    const inBackground = async (f: () => Promise<void>) => {
      if (parallel <= 1) return f();
      while (background.size >= parallel - 1) await Promise.race(background);
      const p: Promise<void> = f().finally(() => background.delete(p));
      background.add(p);
    };

    for (const [ci, chain] of dealt.entries()) {
      const c = ci + 1;
      if (onlyChain !== undefined && c !== onlyChain) continue;
      const dir = join(work, `chain-${c}`);
      for (const [ki, target] of chain.entries()) {
        const r = startRun(dir, run); // fresh for the first kill, a restart of the killed run after
        if (target.kind === 'startup') {
          await Promise.race([sleep(target.afterSpawnMs), r.done]);
        } else {
          const probe = new ProgressProbe(dir, replayId);
          while (!r.exited()) {
            const p = await probe.read();
            if (p && p.atSec >= target.replaySec) {
              await Promise.race([sleep(target.delayMs), r.done]);
              break;
            }
            await sleep(15);
          }
          probe.close();
        }
        const killed = !r.exited();
        const killedAfterMs = Date.now() - r.startedAt;
        if (killed) killGroup(r.child);
        await r.done;
        const state = await inspectKilled(dir, replayId);
        const atSec = state.progress?.submitted ? state.progress.atSec : undefined;
        const phase = !state.progress?.submitted
          ? 'start-up (before the replay: environment, demo job submissions)'
          : state.progress.stepToSec !== undefined
            ? 'bus phase of the step'
            : 'one-time schedules of the step';
        const last = ki === chain.length - 1;
        const record = (outcome: Awaited<ReturnType<typeof complete>>) => {
          const res: KillResult = {
            target,
            chain: c,
            killed,
            killedAfterMs,
            ...(atSec !== undefined ? { atSec } : {}),
            phase,
            duringJobs: atSec !== undefined && duringJobs(atSec, stepSec, launches),
            pendingDeliveries: state.pending,
            ...outcome,
          };
          results.push(res);
          const where = atSec !== undefined ? `replay ${isoUtc(atSec)} (+${(atSec - replay.startSec) / HOUR_SEC} h), ${phase}` : phase;
          const verdict =
            res.rerun.code !== 0
              ? `RERUN FAILED (exit ${res.rerun.code}): ${res.rerun.stderrTail?.trim().split('\n').slice(-3).join(' | ')}`
              : `${res.differences.length} difference(s)${res.reportDiffers ? ', report differs' : ''}${res.rerun.failedHandlers ? `, ${res.rerun.failedHandlers}` : ''}`;
          log(
            `kill ${String(target.n).padStart(2)} (chain ${c}.${ki + 1}, ${target.kind}) ${killed ? `SIGKILL after ${(killedAfterMs / 1000).toFixed(1)} s` : 'NOT KILLED (the run ended first)'} at ${where}` +
              `${res.duringJobs ? ', demo jobs launched/running' : ''}, ${state.pending} bus deliveries pending → rerun ${(res.rerun.wallMs / 1000).toFixed(1)} s: ${verdict}`,
          );
          for (const d of res.differences.slice(0, 8)) log(`    ${d.kind} ${d.key}${d.attributes ? ` (${d.attributes.join(', ')})` : ''}`);
          if (res.differences.length > 8) log(`    … ${res.differences.length - 8} more`);
        };
        if (last || !killed) record(await complete(dir));
        else {
          // The copy is completed (and compared) while the chain goes on to its next kill, up to --parallel at once.
          const copy = `${dir}-kill-${target.n}`;
          cpSync(dir, copy, { recursive: true });
          await inBackground(async () => {
            record(await complete(copy));
            if (!keep) rmSync(copy, { recursive: true, force: true });
          });
        }
        if (!killed) break; // the chain's run finished: its later instants cannot be reached
      }
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }

    await Promise.all(background);
    results.sort((x, y) => x.chain - y.chain || x.target.n - y.target.n);

    // 3. Verdict.
    const killedN = results.filter((r) => r.killed).length;
    const duringN = results.filter((r) => r.killed && r.duringJobs).length;
    const startupN = results.filter((r) => r.killed && r.atSec === undefined).length;
    const differences = results.reduce((n, r) => n + r.differences.length + (r.reportDiffers ? 1 : 0), 0);
    const failedReruns = results.filter((r) => r.rerun.code !== 0).length;
    const enough = onlyChain !== undefined || (killedN >= REQUIRED.kills && duringN >= REQUIRED.duringJobs);
    const pass = differences === 0 && failedReruns === 0 && enough;
    log(
      `crash test: seed ${seed}, ${killedN} kills (${startupN} before the replay, ${duringN} while demo training jobs were launched or running), ` +
        `${differences} differences, ${failedReruns} failed reruns, ${((Date.now() - t0) / 1000).toFixed(0)} s — ${pass ? 'PASS' : 'FAIL'}` +
        (enough ? '' : ` (needs ≥ ${REQUIRED.kills} kills and ≥ ${REQUIRED.duringJobs} while demo jobs run)`),
    );
    if (outFile) {
      mkdirSync(dirname(resolve(outFile)), { recursive: true });
      writeFileSync(
        outFile,
        JSON.stringify({ seed, nowIso, days, stepHours, chains: dealt.length, cleanRun: { wallMs: cleanResult.wallMs, startupMs, stepWallMs, items: cleanDump.size, counts, launches }, kills: killedN, duringJobs: duringN, beforeReplay: startupN, differences, failedReruns, wallSec: Math.round((Date.now() - t0) / 1000), pass, results }, null, 2),
      );
    }
    return pass ? 0 : 1;
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
    else log(`kept ${work}`);
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`crash test: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
