/**
 * `carbonpilot rightsizing [--format table|json|csv] [--min-observed-hours N] [--now ISO] [--data-dir DIR]`: smaller
 * or newer configurations for live endpoints and recurring training families with low GPU utilisation, each with
 * its evidence (hours observed, p95 utilisation) and its saving as a range.
 */
import { isoUtc } from '../../domain/time';
import { requireCliStore } from '../../composition/cli';
import { lifecycleServiceDeps } from '../../composition/lifecycle';
import { rightsizingReport, type RightsizingReport } from '../../use-cases/lifecycle-rightsizing';
import { flagEnum, flagInstant, flagInt, flagString, parseArgs, UsageError, type CommandUsage } from '../args';
import { csvCell, DEMO_BANNER, FORMATS, renderColumns, type Format } from '../format';
import { DEFAULT_DATA_DIR } from '../store-access';
import { cliClock } from './lifecycle';

export const RIGHTSIZING_USAGE: CommandUsage = {
  text: `usage: carbonpilot rightsizing [--format table|json|csv] [--min-observed-hours N] [--now ISO] [--data-dir DIR]
  Smaller or newer instances for live endpoints and recurring training families with low GPU utilisation, each with
  its evidence (hours observed, p95 utilisation) and projected energy and kgCO2e saved as a range.
  --min-observed-hours   no recommendation from fewer observed hours (default in the report header)`,
};

export function renderRightsizing(r: RightsizingReport, format: Format): string {
  if (format === 'json') {
    return JSON.stringify({ from: isoUtc(r.window.startSec), to: isoUtc(r.window.endSec), minimumObservedHours: r.minimumObservedHours, demo: r.demo, recommendations: r.recommendations, skipped: r.skipped }, null, 2);
  }
  if (format === 'csv') {
    const head = 'resource,kind,region,fromType,fromCount,toType,toCount,observedHours,p95UtilisationPct,savingKgCo2ePerMonthLow,savingKgCo2ePerMonth,savingKgCo2ePerMonthHigh,savingKwhPerMonth,demo';
    return [head, ...r.recommendations.map((x) => [csvCell(x.resource), x.kind, x.region, x.from.instanceType, x.from.instanceCount, x.to.instanceType, x.to.instanceCount, x.observedHours.toFixed(1), x.p95UtilisationPct.toFixed(1), x.savingKgCo2ePerMonth.low.toFixed(3), x.savingKgCo2ePerMonth.point.toFixed(3), x.savingKgCo2ePerMonth.high.toFixed(3), x.savingKwhPerMonth.point.toFixed(2), x.demo].join(','))].join('\n');
  }
  const rows = [['resource', 'from', 'to', 'observed h', 'p95 util', 'projected p95', 'saving kgCO2e/mo (low–high)']];
  for (const x of r.recommendations) {
    rows.push([x.resource, `${x.from.instanceCount} × ${x.from.instanceType}`, `${x.to.instanceCount} × ${x.to.instanceType}`, x.observedHours.toFixed(0), `${x.p95UtilisationPct.toFixed(1)} %`, `${x.projectedP95UtilisationPct.toFixed(1)} %`, `${x.savingKgCo2ePerMonth.point.toFixed(2)} (${x.savingKgCo2ePerMonth.low.toFixed(2)}–${x.savingKgCo2ePerMonth.high.toFixed(2)})`]);
  }
  return [
    `Right-sizing from ${isoUtc(r.window.startSec)} → ${isoUtc(r.window.endSec)} (minute utilisation; power model gpu-util-v1; at least ${r.minimumObservedHours} h observed)`,
    ...(r.demo ? [DEMO_BANNER] : []),
    r.recommendations.length ? renderColumns(rows, (c) => c >= 3) : 'no recommendation',
    ...(r.skipped.length ? ['', `not recommended (${r.skipped.length}):`, ...r.skipped.slice(0, 20).map((s) => `  ${s.resource}: ${s.reason}`)] : []),
    ...(r.recommendations.length ? ['', 'Caveats: GPU memory use is not measured, and datasheet throughput is a peak figure — validate with a load test or shadow variant before switching.'] : []),
  ].join('\n');
}

export async function rightsizingCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, ['format', 'data-dir', 'now', 'min-observed-hours']);
  if (a.positionals.length) throw new UsageError(`rightsizing: unexpected argument "${a.positionals[0]}"`);
  const format = flagEnum(a, 'format', FORMATS, 'table');
  const nowSec = flagInstant(a, 'now');
  const minHours = flagInt(a, 'min-observed-hours', 1, 24 * 365);
  const opened = await requireCliStore(flagString(a, 'data-dir') ?? DEFAULT_DATA_DIR, { clock: cliClock(nowSec) });
  try {
    const d = lifecycleServiceDeps(opened.core, {});
    out(renderRightsizing(await rightsizingReport({ ...d, ...(minHours !== undefined ? { minObservedHours: minHours } : {}) }, opened.core.clock.nowSec()), format));
    return 0;
  } finally {
    await opened.close();
  }
}
