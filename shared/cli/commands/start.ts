/**
 * `npm start [-- --once] [--now ISO] [--days N] [--data-dir DIR] [--port N]`: the whole pipeline locally on the DEMO fleet.
 *
 * Time to first dashboard: the dashboard and the API are served as soon as the local runtime is up, before the
 * replay; they answer from what is already stored while the replay fills the store in (progress on the page via
 * GET /api/local/replay and on the terminal), and writes wait (503) until it is live.
 * Signals: SIGINT and SIGTERM stop it cleanly at any point (between replay steps, or while serving): the HTTP
 * server closes, the endpoint file is removed, the embedded store is flushed and closed, the data-directory lock
 * is released. `npm start` execs node, so the signal npm forwards reaches this process.
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { startLocalRuntime, type LocalRuntime } from '../../adapters/local/local-runtime';
import { startHttpServer, type LocalHttpServer } from '../../adapters/local/http-server';
import { HOUR_SEC, DAY_SEC, alignDown, isoUtc, type EpochSec } from '../../domain/time';
import { signalZone } from '../../domain/regions/region-catalog';
import { hourlyIntensity, loadReport, queryRoutes } from '../../http/query-routes';
import { dataWindow } from '../../use-cases/data-window';
import { apiRoutes } from '../../http/api-routes';
import { refuseWritesDuringReplay, replayPct, replayRoutes, type ReplayProgress } from '../../http/replay-routes';
import { apiRouteDepsOf, queryDepsOf } from '../../composition/local';
import { makeBudgetingDeps } from '../../composition/factories';
import { makeBudgetKpis } from '../../use-cases/budget-kpis';
import { makeSchedulerOutcomes, type SchedulerSummary } from '../../use-cases/scheduler-outcomes';
import { buildDashboard } from '../../../web/build';
import { flagInstant, flagInt, flagString, parseArgs, UsageError, type CommandUsage } from '../args';
import { DEMO_BANNER, renderColumns, renderReport } from '../format';
import { claimDataDir, DEFAULT_DATA_DIR, dbDir, publishEndpoint } from '../store-access';

export const START_USAGE: CommandUsage = {
  text: `usage: npm start [-- OPTIONS]      or      carbonpilot start [OPTIONS]
          [--once] [--now ISO] [--days N] [--step-hours N] [--port N] [--data-dir DIR]
  Runs the whole pipeline locally on the DEMO fleet (embedded DynamoDB API, the same handlers as in AWS): replays
  N days up to --now, then keeps running on the wall clock. The dashboard and the authenticated API are served as
  soon as the replay starts and fill in while it runs (progress on the page and here).
  --once          replay, print the summary and exit (no server)
  --now ISO       end of the replay (default: the wall clock)
  --days N        days replayed, 1–60 (default 14)
  --step-hours N  replay step, 1–24 (default 1): schedules fire once per step
  --port N        dashboard and API port on 127.0.0.1 (default 8787; 0 = any free port)
  --data-dir DIR  the local store (default .carbonpilot); one process per directory
  CARBONPILOT_API_TOKEN   a fixed API token (at least 16 characters; default: a random one per start)
  Ctrl-C, SIGINT or SIGTERM stop it cleanly: store flushed, endpoint file and lock removed.`,
};

/** How long a clean stop may take before the process exits anyway (lock and endpoint file still removed). */
const FORCE_EXIT_AFTER_MS = 10_000;
/** A repeat within this time is the same stop (npm forwards the terminal's Ctrl-C to the node it runs). */
const REPEAT_SIGNAL_GRACE_MS = 1_500;
/** How long the HTTP server may take to close its connections on a stop. */
const HTTP_CLOSE_MS = 2_000;

class ReplayInterrupted extends Error {
  constructor() {
    super('replay interrupted by a stop signal');
    this.name = 'ReplayInterrupted';
  }
}

interface StopSignals {
  /** Resolves with the first SIGINT/SIGTERM. */
  requested: Promise<NodeJS.Signals>;
  signal(): NodeJS.Signals | undefined;
  dispose(): void;
}

/**
 * SIGINT/SIGTERM → a stop request. A second signal (after the grace for npm's duplicate) or a stop that takes longer
 * than FORCE_EXIT_AFTER_MS exits at once, after `force` (the synchronous part of the clean-up).
 */
function stopSignals(force: () => void, err: (s: string) => void): StopSignals {
  let got: NodeJS.Signals | undefined;
  let atMs = 0;
  let resolveStop!: (s: NodeJS.Signals) => void;
  const requested = new Promise<NodeJS.Signals>((r) => (resolveStop = r));
  const exitNow = (why: string, code: number) => {
    err(`carbonpilot: ${why}; exiting now`);
    force();
    process.exit(code);
  };
  const onSignal = (s: NodeJS.Signals) => {
    if (!got) {
      got = s;
      atMs = Date.now();
      err(`carbonpilot: ${s} received, stopping …`);
      setTimeout(() => exitNow(`still stopping after ${FORCE_EXIT_AFTER_MS / 1000} s`, 1), FORCE_EXIT_AFTER_MS).unref();
      resolveStop(s);
    } else if (Date.now() - atMs > REPEAT_SIGNAL_GRACE_MS) exitNow(`second ${s}`, 128 + (s === 'SIGINT' ? 2 : 15));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    requested,
    signal: () => got,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

export async function startCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, ['now', 'days', 'data-dir', 'step-hours', 'port'], ['once']);
  if (a.positionals.length) throw new UsageError(`start: unexpected argument "${a.positionals[0]}"`);
  const nowSec = flagInstant(a, 'now') ?? Math.floor(Date.now() / 1000);
  const days = flagInt(a, 'days', 1, 60) ?? 14;
  const stepHours = flagInt(a, 'step-hours', 1, 24) ?? 1;
  const port = flagInt(a, 'port', 0, 65535) ?? 8787;
  const dataDir = resolve(flagString(a, 'data-dir') ?? DEFAULT_DATA_DIR);
  const once = a.flags.has('once');
  const token = process.env.CARBONPILOT_API_TOKEN || randomBytes(24).toString('base64url');
  if (!once && token.length < 16) throw new UsageError('CARBONPILOT_API_TOKEN must be at least 16 characters');

  // One process per data directory: a second one gets one line naming the holder (DataDirInUseError), not a crash.
  const releaseDataDir = claimDataDir(dataDir);
  let unpublish = () => {};
  const stop = stopSignals(() => {
    unpublish();
    releaseDataDir();
  }, err);
  out(`CarbonPilot local runtime — embedded DynamoDB API (dynalite) under ${join(dataDir, 'db')}`);
  out(DEMO_BANNER);
  // Built while the runtime starts: the page is ready when the store is.
  const webDir = join(dataDir, 'web');
  const dashboard = once ? undefined : buildDashboard(webDir);
  dashboard?.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile

  // fromSec: the runtime's replay start, set once it is up.
  const progress: ReplayProgress = { phase: 'replaying', fromSec: nowSec - days * DAY_SEC, toSec: nowSec, doneToSec: nowSec - days * DAY_SEC };
  let lastPct = -1;
  let rt: LocalRuntime | undefined;
  let http: LocalHttpServer | undefined;
  try {
    rt = await startLocalRuntime({
      dataDir: dbDir(dataDir),
      schedulesFile: join(dataDir, 'schedules.json'),
      nowSec,
      days,
      stepSec: stepHours * HOUR_SEC,
      env: process.env,
      onProgress: (done) => {
        progress.doneToSec = progress.fromSec + done;
        // Between two replay steps: the one place a stop request can end the replay without cutting a step in half.
        if (stop.signal()) throw new ReplayInterrupted();
        const pct = replayPct(progress);
        if (pct === lastPct || (pct % 5 !== 0 && pct !== 100)) return;
        lastPct = pct;
        const bar = '#'.repeat(Math.floor(pct / 5)).padEnd(20, '.');
        err(`replaying demo fleet [${bar}] ${String(pct).padStart(3)} %  ${isoUtc(progress.doneToSec)}`);
      },
    });
    progress.fromSec = progress.doneToSec = rt.replayStartSec;
    unpublish = publishEndpoint(dataDir, rt.db.endpoint);
    const outcomes = makeSchedulerOutcomes({ jobs: rt.scheduling.jobs, store: rt.store, intensityProviders: rt.core.intensityProviders, regionInfo: rt.core.regionInfo });
    if (stop.signal()) throw new ReplayInterrupted();

    if (dashboard) {
      await dashboard;
      const current = () => progress;
      http = await startHttpServer({
        routes: [
          ...queryRoutes(queryDepsOf(rt.core), { schedulerOutcomes: async () => (await outcomes()).kpi, kpiContributors: [makeBudgetKpis(makeBudgetingDeps(rt.core, rt.env.stores))] }),
          ...refuseWritesDuringReplay(apiRoutes(apiRouteDepsOf(rt.env)), current),
          ...replayRoutes(current),
        ],
        token,
        staticDir: webDir,
        port,
      });
      out(`Dashboard: ${http.url}/#token=${token}`);
      out(`API (Authorization: Bearer <token>): ${http.url}/api/footprint?by=team   jobs: POST ${http.url}/api/jobs`);
      out('The dashboard answers from what is stored so far and fills in while the replay runs (progress on the page).');
    }
    out(`Replaying ${days} days of the demo fleet up to ${isoUtc(nowSec)} …`);
    await rt.advanceTo(nowSec);
    progress.phase = 'finishing';
    await rt.afterReplay();
    await printSummary(rt, nowSec, outcomes, out);
    if (rt.bus.stats.failed.length) {
      err(`${rt.bus.stats.failed.length} handler invocation(s) failed; first: ${rt.bus.stats.failed[0].functionId}: ${rt.bus.stats.failed[0].error}`);
    }
    if (once) {
      out('Dashboard and API: run `npm start` without --once to serve them.');
      return rt.bus.stats.failed.length ? 1 : 0;
    }
    progress.phase = 'live';
    out('Running on the wall clock (Ctrl-C to stop) …');
    await runOnWallClock(rt, stop.requested, err);
    return 0;
  } catch (e) {
    if (!(e instanceof ReplayInterrupted)) throw e;
    const s = stop.signal()!;
    err(`carbonpilot: replay stopped by ${s} at ${isoUtc(progress.doneToSec)}; the store keeps every step replayed so far`);
    // Serving: the user asked it to stop, and it did. --once: the requested replay did not complete.
    return once ? 128 + (s === 'SIGINT' ? 2 : 15) : 0;
  } finally {
    if (http) await Promise.race([http.close(), new Promise((r) => setTimeout(r, HTTP_CLOSE_MS).unref())]);
    unpublish();
    await rt?.close();
    releaseDataDir();
    stop.dispose();
    if (stop.signal()) err('carbonpilot: stopped (store flushed, lock and endpoint file removed)');
  }
}

/** Advance the runtime to the wall clock every minute until a stop is requested; returns after the step in flight. */
async function runOnWallClock(rt: LocalRuntime, stopRequested: Promise<unknown>, err: (s: string) => void): Promise<void> {
  let inFlight: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = rt
      .advanceTo(Math.max(rt.clock.nowSec(), Math.floor(Date.now() / 1000)))
      .catch((e: unknown) => err(`carbonpilot: wall-clock step failed (retried next minute): ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => (inFlight = undefined));
  }, 60_000);
  await stopRequested;
  clearInterval(timer);
  await inFlight;
}

/** Footprint report, hourly intensity per region (signal + source) and the scheduler's demo jobs. */
async function printSummary(rt: LocalRuntime, nowSec: EpochSec, outcomes: () => Promise<SchedulerSummary>, out: (s: string) => void): Promise<void> {
  // The same default window (and roll-ups) as `report`, `kpis` and the dashboard.
  const w = (await dataWindow(rt.store)) ?? { startSec: rt.replayStartSec, endSec: nowSec };
  const [byTeam, byKind, byRegion] = await Promise.all(['team', 'kind', 'region'].map((by) => loadReport(rt.store, w, by as 'team' | 'kind' | 'region')));
  out('');
  out(renderReport(byTeam.report, w, 'table', byTeam.sources));
  out('');
  out(renderReport(byKind.report, w, 'table', byKind.sources).split('\n').slice(3).join('\n'));

  // Hourly grid intensity of every region in use over the last 24 h, with its signal and source.
  out('');
  out(`Grid intensity, last 24 h to ${isoUtc(alignDown(nowSec, HOUR_SEC))} (hourly; signal ${rt.config.signal}):`);
  const last = { startSec: alignDown(nowSec, HOUR_SEC) - DAY_SEC, endSec: alignDown(nowSec, HOUR_SEC) };
  const regions = byRegion.report.rows.map((r) => r.key).sort();
  const rows = [['region', 'zone', 'min', 'mean', 'max g/kWh', 'source [quality]']];
  for (const region of regions) {
    const info = rt.core.regionInfo(region);
    const zone = info && signalZone(info, rt.config.signal);
    if (!zone) continue;
    const pts = await hourlyIntensity(rt.core.intensityProviders, zone, rt.config.signal, last);
    if (!pts.length) continue;
    const v = pts.map((p) => p.gPerKwh);
    const src = [...new Set(pts.map((p) => `${p.provider} [${p.quality}]`))].join(', ');
    rows.push([region, zone, Math.min(...v).toFixed(0), (v.reduce((x, y) => x + y, 0) / v.length).toFixed(0), Math.max(...v).toFixed(0), src]);
  }
  out(renderColumns(rows, (c) => c >= 2 && c <= 4));

  // Carbon-aware demo jobs: planned vs realised.
  const summary = await outcomes();
  out('');
  out('Carbon-aware training (demo jobs, planned by the scheduler, measured by the footprint pipeline):');
  if (!summary.outcomes.length) out('  no completed scheduled jobs yet');
  for (const o of summary.outcomes) {
    const where = [...new Set(o.hours.map((h) => h.region))].join('+');
    out(
      `  ${o.jobId}  ${where.padEnd(12)} realised ${o.realisedCo2eKg.point.toFixed(2)} kgCO2e vs run-now ${o.baseline.co2eKg.toFixed(2)} (${o.baseline.basis}) → saved ${o.savingsPct.toFixed(1)} %, low-carbon hours ${o.lowCarbonSharePct === null ? 'n/a' : `${o.lowCarbonSharePct.toFixed(0)} %`}`,
    );
  }
  out('');
  out(`Events delivered: ${rt.bus.stats.delivered}. Intervals: ${byTeam.report.totals.intervals}. More: npx carbonpilot report --by job|endpoint|instance|team|region|day · kpis · intensity show --region R`);
}
