/**
 * `carbonpilot instruments import FILE.json | demo [--now ISO] [--days N] | show [--format table|json] [--data-dir DIR]`
 *
 * The contractual-instruments registry for market-based scope 2 (shared/contracts/instruments.ts). `import` validates
 * the whole file first — any bad instrument exits 2 naming its index, id and field, and nothing is stored — then
 * replaces the registry in one switch (shared/adapters/aws/dynamodb-instrument-store.ts). `demo` imports the labelled
 * demo instruments for the demo fleet.
 */
import { readFileSync } from 'node:fs';
import { buildDemoInstruments } from '../../adapters/local/demo-instruments';
import { systemClock } from '../../adapters/system-clock';
import { InstrumentRegistryError, INSTRUMENTS_API_VERSION, parseInstrumentRegistry } from '../../contracts/instruments';
import { computeMarketBased } from '../../domain/market/market-based';
import type { Instrument } from '../../domain/market/instrument-types';
import { flagEnum, flagInstant, flagInt, flagString, parseArgs, UsageError, type CommandUsage } from '../args';
import { DEMO_BANNER, renderColumns } from '../format';
import { DEFAULT_DATA_DIR } from '../store-access';
import { openCliStore } from '../../composition/cli';

const IMPORT_USAGE = `usage: carbonpilot instruments import FILE.json [--format table|json] [--data-dir DIR]
  Validate the whole registry (any bad instrument exits 2 naming its index, id and field; nothing stored), then
  replace the registry in one switch.`;
const DEMO_USAGE = `usage: carbonpilot instruments demo [--now ISO] [--days N] [--format table|json] [--data-dir DIR]
  Import the labelled DEMO instruments for the demo fleet (N days before --now, default 14).`;
const SHOW_USAGE = `usage: carbonpilot instruments show [--format table|json] [--data-dir DIR]
  The current registry.`;

export const INSTRUMENTS_USAGE: CommandUsage = {
  text: `usage: carbonpilot instruments <subcommand>   carbonpilot instruments <subcommand> --help
  Contractual instruments (certificates, PPAs, supplier rates) for market-based scope 2 (shared/contracts/instruments.ts).
  import FILE.json   validate and replace the registry
  demo               import the labelled demo instruments
  show               the current registry`,
  subcommands: { import: IMPORT_USAGE, demo: DEMO_USAGE, show: SHOW_USAGE },
};

const volume = (i: Instrument): string =>
  i.type === 'ppa'
    ? i.hourlyProfile
      ? `${i.hourlyProfile.reduce((a, h) => a + h.mwh, 0).toFixed(3)} MWh over ${i.hourlyProfile.length} h (hourly)`
      : `${i.annualMwh} MWh in ${i.year} (annual)`
    : i.type === 'supplier-rate'
      ? `${i.gCo2ePerKwh} gCO2e/kWh (${i.year})`
      : `${i.mwh} MWh, vintage ${i.vintageYear}${i.vintageMonth ? `-${String(i.vintageMonth).padStart(2, '0')}` : ''}`;

function renderRegistry(instruments: Instrument[], demo: boolean): string {
  const uses = new Map(computeMarketBased([], instruments).instruments.map((u) => [u.id, u]));
  const rows = instruments.map((i) => [i.id, i.type, i.region, 'technology' in i ? i.technology : '–', volume(i), uses.get(i.id)?.findings.join('; ') || 'ok']);
  return [
    `Instrument registry: ${instruments.length} instrument(s) (market-based scope 2; never mixed with location-based figures)`,
    ...(demo || instruments.some((i) => i.demo) ? [DEMO_BANNER] : []),
    renderColumns([['id', 'type', 'region', 'technology', 'volume / rate', 'quality checks'], ...rows], () => false),
  ].join('\n');
}

export async function instrumentsCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  const a = parseArgs(rest, ['data-dir', 'format', 'now', 'days']);
  const dataDir = flagString(a, 'data-dir') ?? DEFAULT_DATA_DIR;
  let instruments: Instrument[] | undefined;
  let demo = false;
  if (sub === 'import') {
    const file = a.positionals[0];
    if (!file || a.positionals.length > 1) throw new UsageError('instruments import: give exactly one FILE.json');
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new UsageError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `not JSON (${(e as Error).message})`}`);
    }
    try {
      const reg = parseInstrumentRegistry(raw);
      instruments = reg.instruments;
      demo = reg.demo ?? false;
    } catch (e) {
      if (e instanceof InstrumentRegistryError) throw new UsageError(`${file}: ${e.message}`);
      throw e;
    }
  } else if (sub === 'demo') {
    const nowSec = flagInstant(a, 'now') ?? systemClock.nowSec();
    // Through the contract too: the demo registry must pass the same validation as a user's file.
    instruments = parseInstrumentRegistry({ apiVersion: INSTRUMENTS_API_VERSION, kind: 'InstrumentRegistry', demo: true, instruments: buildDemoInstruments(nowSec, flagInt(a, 'days', 1, 366) ?? 14) }).instruments;
    demo = true;
  } else if (sub !== 'show') {
    throw new UsageError('instruments: expected import FILE.json | demo | show');
  }
  const format = flagEnum(a, 'format', ['table', 'json'] as const, 'table');
  const db = await openCliStore(dataDir, { create: sub !== 'show' });
  if (!db) throw new Error(`no local store under ${dataDir} (import instruments or run \`npm start -- --once\` first)`);
  try {
    const store = db.stores.instruments;
    if (instruments) {
      const r = await store.importRegistry(instruments, { nowSec: systemClock.nowSec(), demo });
      out(`${r.changed ? 'imported' : 'unchanged (same registry already current)'}: registry ${r.registryId}, ${r.instruments} instrument(s)`);
    }
    const cur = await store.currentRegistry();
    if (!cur) {
      out('no instruments registered: reports show no market-based figure');
      return 0;
    }
    out(format === 'json' ? JSON.stringify({ registryId: cur.registryId, demo: cur.demo, instruments: cur.instruments }, null, 2) : renderRegistry(cur.instruments, cur.demo));
    return 0;
  } finally {
    await db.close();
  }
}
