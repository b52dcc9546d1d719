/** `npm start [-- --once] [--now ISO] [--days N] [--data-dir DIR] [--port N]`: the whole pipeline locally on the DEMO fleet. */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { startLocalRuntime, type LocalRuntime } from '../../adapters/local/local-runtime';
import { startHttpServer, type LocalHttpServer } from '../../adapters/local/http-server';
import { HOUR_SEC, DAY_SEC, alignDown, isoUtc } from '../../domain/time';
import { signalZone } from '../../domain/regions/region-catalog';
import { hourlyIntensity, loadReport, queryRoutes } from '../../http/query-routes';
import { dataWindow } from '../../use-cases/data-window';
import { apiRoutes } from '../../http/api-routes';
import { apiRouteDepsOf, queryDepsOf } from '../../composition/local';
import { makeBudgetingDeps } from '../../composition/factories';
import { makeBudgetKpis } from '../../use-cases/budget-kpis';
import { makeSchedulerOutcomes, type SchedulerSummary } from '../../use-cases/scheduler-outcomes';
import { buildDashboard } from '../../../web/build';
import { flagInstant, flagInt, flagString, parseArgs, UsageError } from '../args';
import { DEMO_BANNER, renderColumns, renderReport } from '../format';
import { claimDataDir, DEFAULT_DATA_DIR, dbDir, publishEndpoint } from '../store-access';

export async function startCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, ['now', 'days', 'data-dir', 'step-hours', 'port'], ['once']);
  if (a.positionals.length) throw new UsageError(`start: unexpected argument "${a.positionals[0]}"`);
  const nowSec = flagInstant(a, 'now') ?? Math.floor(Date.now() / 1000);
  const days = flagInt(a, 'days', 1, 60) ?? 14;
  const stepHours = flagInt(a, 'step-hours', 1, 24) ?? 1;
  const port = flagInt(a, 'port', 0, 65535) ?? 8787;
  const dataDir = resolve(flagString(a, 'data-dir') ?? DEFAULT_DATA_DIR);
  const once = a.flags.has('once');

  // One process per data directory: a second one gets one line naming the holder (DataDirInUseError), not a crash.
  const releaseDataDir = claimDataDir(dataDir);
  out(`CarbonPilot local runtime — embedded DynamoDB API (dynalite) under ${join(dataDir, 'db')}`);
  out(DEMO_BANNER);
  let lastPct = -1;
  let replayStart = 0;
  const rt = await startLocalRuntime({
    dataDir: dbDir(dataDir),
    schedulesFile: join(dataDir, 'schedules.json'),
    nowSec,
    days,
    stepSec: stepHours * HOUR_SEC,
    env: process.env,
    onProgress: (done, total) => {
      const pct = Math.floor((done / total) * 100);
      if (pct === lastPct || (pct % 5 !== 0 && pct !== 100)) return;
      lastPct = pct;
      const bar = '#'.repeat(Math.floor(pct / 5)).padEnd(20, '.');
      err(`replaying demo fleet [${bar}] ${String(pct).padStart(3)} %  ${isoUtc(replayStart + done)}`);
    },
  }).catch((e: unknown) => {
    releaseDataDir();
    throw e;
  });
  replayStart = rt.replayStartSec;
  const unpublish = publishEndpoint(dataDir, rt.db.endpoint);
  let http: LocalHttpServer | undefined;
  try {
    out(`Replaying ${days} days of the demo fleet up to ${isoUtc(nowSec)} …`);
    await rt.advanceTo(nowSec);
    await rt.afterReplay();
    const outcomes = makeSchedulerOutcomes({ jobs: rt.scheduling.jobs, store: rt.store, intensityProviders: rt.core.intensityProviders, regionInfo: rt.core.regionInfo });
    await printSummary(rt, nowSec, outcomes, out);
    if (rt.bus.stats.failed.length) {
      err(`${rt.bus.stats.failed.length} handler invocation(s) failed; first: ${rt.bus.stats.failed[0].functionId}: ${rt.bus.stats.failed[0].error}`);
    }
    if (once) {
      out('Dashboard and API: run `npm start` without --once to serve them.');
      return rt.bus.stats.failed.length ? 1 : 0;
    }

    const webDir = join(dataDir, 'web');
    await buildDashboard(webDir);
    const token = process.env.CARBONPILOT_API_TOKEN || randomBytes(24).toString('base64url');
    if (token.length < 16) throw new UsageError('CARBONPILOT_API_TOKEN must be at least 16 characters');
    http = await startHttpServer({
      routes: [
        ...queryRoutes(queryDepsOf(rt.core), { schedulerOutcomes: async () => (await outcomes()).kpi, kpiContributors: [makeBudgetKpis(makeBudgetingDeps(rt.core, rt.env.stores))] }),
        ...apiRoutes(apiRouteDepsOf(rt.env)),
      ],
      token,
      staticDir: webDir,
      port,
    });
    out(`Dashboard: ${http.url}/#token=${token}`);
    out(`API (Authorization: Bearer <token>): ${http.url}/api/footprint?by=team   jobs: POST ${http.url}/api/jobs`);
    out('Running on the wall clock (Ctrl-C to stop) …');
    await new Promise<void>((resolveStop) => {
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        void rt.advanceTo(Math.max(rt.clock.nowSec(), Math.floor(Date.now() / 1000))).finally(() => (busy = false));
      }, 60_000);
      const stop = () => {
        clearInterval(timer);
        resolveStop();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  } finally {
    await http?.close();
    unpublish();
    await rt.close();
    releaseDataDir();
  }
}

/** Footprint report, hourly intensity per region (signal + source) and the scheduler's demo jobs. */
async function printSummary(rt: LocalRuntime, nowSec: number, outcomes: () => Promise<SchedulerSummary>, out: (s: string) => void): Promise<void> {
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
