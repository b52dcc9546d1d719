/**
 * `carbonpilot kpis [--from] [--to] [--team T] [--region R] [--format table|json|csv] [--source rollups|intervals] [--data-dir]`:
 * the sustainability KPIs the data supports, for the same default window as `report` and the dashboard.
 */
import type { Kpi, KpiReport } from '../../domain/kpis';
import { isoUtc } from '../../domain/time';
import type { Window } from '../../domain/time';
import type { CliStore } from '../../composition/cli';
import { loadKpiReport, type KpiLoadOptions } from '../../http/query-routes';
import { makeBudgetKpis } from '../../use-cases/budget-kpis';
import { makeBudgetingDeps } from '../../composition/factories';
import { flagEnum, flagInstant, flagString, parseArgs, UsageError, type CommandUsage } from '../args';
import { csvCell, DEMO_BANNER, FORMATS, type Format } from '../format';
import { DEFAULT_DATA_DIR } from '../store-access';
import { SOURCES, windowFromFlags } from './report';
import type { ViewFilter } from '../../domain/footprint/footprint-view';
import type { FootprintSource } from '../../use-cases/footprint-view-loader';
import { queryDepsOf, requireCliStore } from '../../composition/cli';
import { makeSchedulerOutcomes } from '../../use-cases/scheduler-outcomes';

export const KPIS_USAGE: CommandUsage = {
  text: `usage: carbonpilot kpis [--from ISO] [--to ISO] [--team T] [--region R] [--format table|csv|json]
                         [--source rollups|intervals] [--data-dir DIR]
  The sustainability KPIs the stored data supports (location-based), each with its range or the reason it is n/a.
  --from/--to   half-open window [from, to), ISO-8601 with a zone; default: all stored data
  --team/--region   the core KPIs of one team and/or region (budget, target and scope KPIs stay account-wide)
  --source      rollups (default) or intervals: sum every interval instead (the same numbers, slower)
  --data-dir    the local store (default .carbonpilot)`,
};

const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(1) : x.toPrecision(2));

/** One line per KPI value, e.g. `12.3 (9.1–15.0) kgCO2e` or `n/a — no invocation metrics`. */
export const kpiValueText = (k: Kpi): string =>
  k.value === null ? `n/a — ${k.reason}` : `${num(k.value)}${k.low !== undefined && k.high !== undefined ? ` (${num(k.low)}–${num(k.high)})` : ''} ${k.unit}`;

export function renderKpis(r: KpiReport, format: Format): string {
  if (format === 'json') return JSON.stringify({ from: isoUtc(r.window.startSec), to: isoUtc(r.window.endSec), demo: r.demo, signals: r.signals, kpis: r.kpis }, null, 2);
  if (format === 'csv') {
    const q = csvCell;
    const head = 'id,label,value,low,high,unit,reason,detail,demo';
    return [head, ...r.kpis.map((k) => [k.id, q(k.label), k.value ?? '', k.low ?? '', k.high ?? '', q(k.unit), q(k.reason ?? ''), q(k.detail ?? ''), r.demo].join(','))].join('\n');
  }
  const w = Math.max(...r.kpis.map((k) => k.label.length));
  const lines = [
    `Sustainability KPIs, ${isoUtc(r.window.startSec)} → ${isoUtc(r.window.endSec)} (location-based; signal: ${r.signals.join(', ') || 'n/a'})`,
    ...(r.demo ? [DEMO_BANNER] : []),
  ];
  for (const k of r.kpis) {
    lines.push(`${k.label.padEnd(w)}  ${kpiValueText(k)}`);
    if (k.detail) lines.push(`${''.padEnd(w)}    ${k.detail}`);
    for (const b of k.breakdown?.slice(0, 8) ?? []) lines.push(`${''.padEnd(w)}    · ${b.key}: ${num(b.value)} ${k.unit}${b.count !== undefined ? ` (n=${b.count})` : ''}`);
  }
  return lines.join('\n');
}

export async function kpisCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, ['from', 'to', 'format', 'data-dir', 'team', 'region', 'source']);
  if (a.positionals.length) throw new UsageError(`kpis: unexpected argument "${a.positionals[0]}"`);
  const format = flagEnum(a, 'format', FORMATS, 'table');
  const source = flagEnum(a, 'source', SOURCES, 'rollups');
  const region = flagString(a, 'region');
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new UsageError(`--region: "${region}" is not an AWS region like eu-west-1`);
  const filter: ViewFilter = { team: flagString(a, 'team'), region };
  flagInstant(a, 'from');
  flagInstant(a, 'to'); // validate before opening the store
  const { core, stores, close } = await requireCliStore(flagString(a, 'data-dir') ?? DEFAULT_DATA_DIR);
  try {
    const w = await windowFromFlags(a, core.store);
    out(renderKpis(await localKpiReport({ core, stores }, { filter, source, appenders: [makeBudgetKpis(makeBudgetingDeps(core, stores))] })(w), format));
    return 0;
  } finally {
    await close();
  }
}

/** The KPI report of a window on the local store, with the scheduler's outcomes and any appended KPIs (also used by `targets`). */
export function localKpiReport(cli: Pick<CliStore, 'core' | 'stores'>, opts: Omit<KpiLoadOptions, 'scheduler'> = {}): (w: Window) => Promise<KpiReport> {
  // The same intensity chain and FOOTPRINT_SIGNAL the local runtime accounted with (composition/factories.ts).
  const { core, stores } = cli;
  return async (w) => {
    const scheduler = await makeSchedulerOutcomes({ jobs: stores.jobs, store: core.store, intensityProviders: core.intensityProviders, regionInfo: core.regionInfo })();
    return loadKpiReport(queryDepsOf(core), w, { scheduler: scheduler.kpi, ...opts });
  };
}
