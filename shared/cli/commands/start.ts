/** `npm start [-- --once] [--now ISO] [--days N] [--data-dir DIR]`: the whole pipeline locally on the DEMO fleet. */
import { join, resolve } from 'node:path';
import { startLocalRuntime } from '../../adapters/local/local-runtime';
import { aggregate } from '../../domain/footprint/aggregate';
import { HOUR_SEC, isoUtc } from '../../domain/time';
import { flagInstant, flagInt, flagString, parseArgs, UsageError } from '../args';
import { DEMO_BANNER, renderReport } from '../format';
import { DEFAULT_DATA_DIR, dbDir, publishEndpoint } from '../store-access';

export async function startCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, ['now', 'days', 'data-dir', 'step-hours'], ['once']);
  if (a.positionals.length) throw new UsageError(`start: unexpected argument "${a.positionals[0]}"`);
  const nowSec = flagInstant(a, 'now') ?? Math.floor(Date.now() / 1000);
  const days = flagInt(a, 'days', 1, 60) ?? 14;
  const stepHours = flagInt(a, 'step-hours', 1, 24) ?? 1;
  const dataDir = resolve(flagString(a, 'data-dir') ?? DEFAULT_DATA_DIR);
  const once = a.flags.has('once');

  out(`CarbonPilot local runtime — embedded DynamoDB API (dynalite) under ${join(dataDir, 'db')}`);
  out(DEMO_BANNER);
  let lastPct = -1;
  const rt = await startLocalRuntime({
    dataDir: dbDir(dataDir),
    nowSec,
    days,
    stepSec: stepHours * HOUR_SEC,
    env: process.env,
    onProgress: (done, total) => {
      const pct = Math.floor((done / total) * 100);
      if (pct === lastPct || (pct % 5 !== 0 && pct !== 100)) return;
      lastPct = pct;
      const bar = '#'.repeat(Math.floor(pct / 5)).padEnd(20, '.');
      err(`replaying demo fleet [${bar}] ${String(pct).padStart(3)} %  ${isoUtc(rt0() + done)}`);
    },
  });
  const rt0 = () => rt.replayStartSec;
  const unpublish = publishEndpoint(dataDir, rt.db.endpoint);
  try {
    out(`Replaying ${days} days of the demo fleet up to ${isoUtc(nowSec)} …`);
    await rt.advanceTo(nowSec);
    const w = { startSec: rt.replayStartSec, endSec: nowSec };
    const intervals = await rt.store.queryIntervals(w);
    const sources = [...new Set(intervals.map((i) => `${i.intensityProvider} [${i.intensityQuality}, ${i.intensitySignal}]`))].sort();
    out('');
    out(renderReport(aggregate(intervals, 'team'), w, 'table', sources));
    out('');
    out(renderReport(aggregate(intervals, 'kind'), w, 'table', sources).split('\n').slice(3).join('\n'));
    out('');
    if (rt.bus.stats.failed.length) {
      err(`${rt.bus.stats.failed.length} handler invocation(s) failed; first: ${rt.bus.stats.failed[0].functionId}: ${rt.bus.stats.failed[0].error}`);
    }
    out(`Events delivered: ${rt.bus.stats.delivered}. Intervals: ${intervals.length}. More: npx carbonpilot report --by job|endpoint|instance|team|region|day`);
    if (once) return rt.bus.stats.failed.length ? 1 : 0;

    out('Running on the wall clock (Ctrl-C to stop) …');
    await new Promise<void>((resolveStop) => {
      const timer = setInterval(() => {
        void rt.advanceTo(Math.max(rt.clock.nowSec(), Math.floor(Date.now() / 1000)));
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
    unpublish();
    await rt.close();
  }
}
