/**
 * `carbonpilot report --by … [--from] [--to] [--format] [--source rollups|intervals] [--data-dir]`: read from the
 * daily roll-ups (intervals only for partial days); `--source intervals` sums every interval (same numbers). With
 * contractual instruments registered, market-based scope 2 is allocated per interval, so the report reads intervals.
 */
import { aggregate, REPORT_DIMENSIONS } from '../../domain/footprint/aggregate';
import type { Window } from '../../domain/time';
import { dataWindow } from '../../use-cases/data-window';
import type { FootprintStore } from '../../ports';
import { flagEnum, flagInstant, flagString, parseArgs, UsageError, type CommandUsage, type ParsedArgs } from '../args';
import { FORMATS, renderReport } from '../format';
import { DEFAULT_DATA_DIR } from '../store-access';
import { requireCliStore } from '../../composition/cli';
import { marketBasedFigures } from '../../use-cases/market-based-figures';
import { loadReport } from '../../http/query-routes';

export const SOURCES = ['rollups', 'intervals'] as const;

export const REPORT_USAGE: CommandUsage = {
  text: `usage: carbonpilot report --by DIMENSION [--from ISO] [--to ISO] [--format table|csv|json]
                          [--basis location|market] [--include operational|embodied]
                          [--source rollups|intervals] [--data-dir DIR]
  Footprint (energy incl. PUE, kgCO2e with low–high range, measured share, telemetry coverage) from the local store,
  grouped by ${REPORT_DIMENSIONS.join('|')}.
  --from/--to   half-open window [from, to), ISO-8601 with a zone (2026-11-01 = 00:00Z); default: all stored data
  --basis       market: market-based scope 2 from registered instruments (carbonpilot instruments --help)
  --include     embodied: add embodied (scope 3, hardware) and total columns
  --source      rollups (default; intervals only for partial days) or intervals: sum every interval (same numbers)
  --data-dir    the local store (default .carbonpilot; read through a running npm start when there is one)`,
};

/** The window of `--from`/`--to` (validated), defaulting to the data the store holds. */
export async function windowFromFlags(a: ParsedArgs, store: FootprintStore): Promise<Window> {
  const from = flagInstant(a, 'from');
  const to = flagInstant(a, 'to');
  if (from !== undefined && to !== undefined && from >= to) throw new UsageError('--from must be before --to');
  const all = from === undefined || to === undefined ? await dataWindow(store) : undefined;
  return { startSec: from ?? all?.startSec ?? 0, endSec: to ?? all?.endSec ?? 0 };
}

export async function reportCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, ['by', 'from', 'to', 'format', 'data-dir', 'basis', 'include', 'source']);
  if (a.positionals.length) throw new UsageError(`report: unexpected argument "${a.positionals[0]}"`);
  if (!a.flags.has('by')) throw new UsageError(`report: --by is required (${REPORT_DIMENSIONS.join('|')})`);
  const by = flagEnum(a, 'by', REPORT_DIMENSIONS, 'team');
  const format = flagEnum(a, 'format', FORMATS, 'table');
  const basis = flagEnum(a, 'basis', ['location', 'market'] as const, 'location');
  const include = flagEnum(a, 'include', ['operational', 'embodied'] as const, 'operational');
  const source = flagEnum(a, 'source', SOURCES, 'rollups');
  flagInstant(a, 'from');
  flagInstant(a, 'to'); // validate before opening the store
  const { core, stores, close } = await requireCliStore(flagString(a, 'data-dir') ?? DEFAULT_DATA_DIR);
  const store = core.store;
  try {
    const w = await windowFromFlags(a, store);
    const registry = await stores.instruments.currentRegistry();
    if (basis === 'market' && !registry?.instruments.length) throw new UsageError('--basis market: no contractual instruments are registered (carbonpilot instruments import FILE.json)');
    const render = { basis, includeEmbodied: include === 'embodied' };
    if (!registry?.instruments.length || w.endSec <= w.startSec) {
      const { report, sources } = await loadReport(store, w, by, {}, source);
      out(renderReport(report, w, format, sources, render));
      return 0;
    }
    const intervals = await store.queryIntervals(w);
    const sources = [...new Set(intervals.map((i) => `${i.intensityProvider} [${i.intensityQuality}, ${i.intensitySignal}]`))].sort();
    // Market-based scope 2 only when instruments are registered; a separate figure, never mixed with location-based.
    const market = await marketBasedFigures({ store, instruments: stores.instruments }, w, intervals);
    out(renderReport(aggregate(intervals, by, { marketBased: market?.result }), w, format, sources, render));
    return 0;
  } finally {
    await close();
  }
}
