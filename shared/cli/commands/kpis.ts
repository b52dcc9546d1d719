/** `carbonpilot kpis [--from] [--to] [--format table|json|csv] [--data-dir]`: the sustainability KPIs the data supports. */
import { DemoIntensityProvider } from '../../adapters/intensity/demo-intensity-provider';
import { YearlyIntensityProvider } from '../../adapters/intensity/yearly-intensity-provider';
import { loadConfig } from '../../contracts/config';
import type { Kpi, KpiReport } from '../../domain/kpis';
import { isoUtc } from '../../domain/time';
import type { FootprintStore, IntensityProvider } from '../../ports';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Window } from '../../domain/time';
import { loadKpiReport } from '../../http/query-routes';
import { flagEnum, flagInstant, flagString, parseArgs, UsageError } from '../args';
import { csvCell, DEMO_BANNER, FORMATS, type Format } from '../format';
import { DEFAULT_DATA_DIR, openLocalStore, regionLookup } from '../store-access';
import { windowFromFlags } from './report';
import { StoredIntensityProvider } from '../../adapters/intensity/stored-intensity-provider';
import { DynamoIntensityStore } from '../../adapters/aws/dynamodb-intensity-store';
import { DynamoJobStore } from '../../adapters/aws/dynamodb-job-store';
import { makeSchedulerOutcomes } from '../../use-cases/scheduler-outcomes';


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
  const a = parseArgs(argv, ['from', 'to', 'format', 'data-dir']);
  if (a.positionals.length) throw new UsageError(`kpis: unexpected argument "${a.positionals[0]}"`);
  const format = flagEnum(a, 'format', FORMATS, 'table');
  flagInstant(a, 'from');
  flagInstant(a, 'to'); // validate before opening the store
  const { store, client, tableName, close } = await openLocalStore(flagString(a, 'data-dir') ?? DEFAULT_DATA_DIR);
  try {
    const w = await windowFromFlags(a, store);
    out(renderKpis(await localKpiReport(store, client, tableName)(w), format));
    return 0;
  } finally {
    await close();
  }
}

/** The KPI report of a window on the local store, with the scheduler's outcomes (also used by `targets`). */
export function localKpiReport(store: FootprintStore, client: DynamoDBClient, tableName: string): (w: Window) => Promise<KpiReport> {
  return async (w) => {
    // The same intensity chain the local runtime accounted with: stored series (imports, providers, own forecasts),
    // the demo series when the store holds the demo fleet, the yearly averages last.
    const demo = (await store.listAllResources()).some((r) => r.demo === true);
    const providers: IntensityProvider[] = [
      new StoredIntensityProvider(new DynamoIntensityStore(client, tableName)),
      ...(demo ? [new DemoIntensityProvider()] : []),
      new YearlyIntensityProvider(),
    ];
    const signal = loadConfig(process.env).signal; // the same FOOTPRINT_SIGNAL the local runtime accounted with
    const scheduler = await makeSchedulerOutcomes({ jobs: new DynamoJobStore(client, tableName), store, intensityProviders: providers, regionInfo: regionLookup() })();
    return loadKpiReport({ store, intensityProviders: providers, signal }, w, scheduler.kpi);
  };
}
