/**
 * `carbonpilot intensity import|backfill|show`: hourly grid intensity in the local store.
 *
 *   import FILE --zone ZONE [--signal S] [--time-column C --value-column C --unit U] [--timezone IANA] [--date-order mdy|dmy]
 *          [--format text|json] [--data-dir DIR]
 *   backfill --zone Z --from ISO --to ISO [--provider electricitymaps|watttime|neso] [--signal S] [--data-dir DIR]
 *   show --region R [--from ISO] [--to ISO] [--signal S] [--format table|csv|json] [--data-dir DIR]
 *
 * Imports and backfills also recompute the local footprint intervals of that zone and signal whose intensity they
 * improve (demo / yearly / forecast → actual), replacing them, never adding. One that fails part-way (a provider or
 * store error) still recomputes the footprints of what it stored, says exactly which hours were stored and which
 * were not, and exits 1; rerunning the same command completes the rest (stored hours are rewritten only if changed).
 * Exit codes: 0 ok, 1 failure, 2 bad arguments.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IntensityStore } from '../../ports/intensity-store';
import type { FetchFn } from '../../adapters/intensity/http';
import { LIVE_PROVIDER_IDS, type LiveProviderId } from '../../adapters/intensity/live-providers';
import { knownZoneIds } from '../../adapters/intensity/yearly-intensity-provider';
import {
  INTENSITY_UNITS,
  IntensityCsvFormatError,
  IntensityCsvParser,
  parseIntensityUnit,
  UNIT_TO_G_PER_KWH,
  type IntensityCsvOptions,
  type IntensityCsvResult,
} from '../../domain/intensity/csv-import';
import { DATE_ORDERS, InvalidTimeZoneError, ZoneClock } from '../../domain/intensity/import-timestamps';
import { ImportZoneError, type ZoneDirectory } from '../../domain/intensity/import-zones';
import { resolveHourly } from '../../domain/intensity/fallback-chain';
import { DEMO_PROVIDER_NAME } from '../../domain/intensity/demo-series';
import { REGIONS, signalZone } from '../../domain/regions/region-catalog';
import { alignDown, alignUp, DAY_SEC, HOUR_SEC, isoUtc, type EpochSec, type Window } from '../../domain/time';
import type { IntensityPoint, IntensitySignal } from '../../domain/types';
import type { IntensityProvider } from '../../ports';
import type { StoredIntensityPoint } from '../../ports/intensity-store';
import { SIGNALS } from '../../use-cases/ingest-intensity';
import { makeRecomputeCarbon } from '../../use-cases/recompute-carbon';
import { makeRollup } from '../../use-cases/rollup';
import { flagEnum, flagInstant, flagString, parseArgs, UsageError, type CommandUsage, type ParsedArgs } from '../args';
import { csvCell, DEMO_BANNER, FORMATS, renderColumns } from '../format';
import { DEFAULT_DATA_DIR } from '../store-access';
import { cliIntensityChain, cliLiveProvider, cliRegionLookup, openCliStore, type CliStore } from '../../composition/cli';

const IMPORT_USAGE = `usage: carbonpilot intensity import FILE --zone ZONE [--signal average-lifecycle|average-direct|marginal]
          [--timezone IANA-ZONE] [--time-column NAME] [--value-column NAME] [--unit g/kWh|kg/MWh|lbs/MWh|t/MWh|kg/kWh]
          [--date-order mdy|dmy] [--allow-unknown-zone] [--format text|json] [--data-dir DIR]
  Electricity Maps exports and API-result CSVs, timestamp,value tables (sub-hourly → hourly means); naive timestamps
  need --timezone unless the column says UTC. Recomputes the stored footprint intervals the import improves.`;
const BACKFILL_USAGE = `usage: carbonpilot intensity backfill --zone ZONE --from ISO --to ISO [--provider electricitymaps|watttime|neso]
          [--signal average-lifecycle|average-direct|marginal] [--data-dir DIR]
  Hourly actuals from a provider's API; credentials from ELECTRICITYMAPS_API_TOKEN or WATTTIME_USERNAME/WATTTIME_PASSWORD
  (NESO needs none).`;
const SHOW_USAGE = `usage: carbonpilot intensity show --region REGION [--from ISO] [--to ISO] [--signal …] [--format table|csv|json] [--data-dir DIR]
  The hourly intensity series a region's footprint uses (stored actuals, forecasts, demo or yearly fallback), with its source.`;

export const INTENSITY_USAGE: CommandUsage = {
  text: `usage: carbonpilot intensity <subcommand>      carbonpilot intensity <subcommand> --help
  import FILE --zone ZONE [...]                  import an hourly intensity CSV into the local store
  backfill --zone ZONE --from ISO --to ISO [...] fetch hourly actuals from Electricity Maps, WattTime or NESO
  show --region REGION [...]                     the hourly series a region's footprint uses`,
  subcommands: { import: IMPORT_USAGE, backfill: BACKFILL_USAGE, show: SHOW_USAGE },
};

/** Test seams; defaults are the real process environment, global fetch and wall clock. */
export interface IntensityCliIo {
  env?: Record<string, string | undefined>;
  fetch?: FetchFn;
  nowSec?: () => EpochSec;
  /** Wraps the local intensity store (tests inject write failures). */
  wrapStore?: (s: IntensityStore) => IntensityStore;
}

type Out = (s: string) => void;
const WRITE_CHUNK = 500;
const BACKFILL_CHUNK_SEC = 7 * DAY_SEC;
const MAX_SHOW_SEC = 92 * DAY_SEC;
const ZONE_RE = /^[A-Za-z0-9_.:-]+$/;

export async function intensityCommand(argv: string[], out: Out, err: Out, io: IntensityCliIo = {}): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === 'import') return await importCommand(rest, out, err, io);
    if (sub === 'backfill') return await backfillCommand(rest, out, err, io);
    if (sub === 'show') return await showCommand(rest, out, io);
    if (sub === '--help' || sub === 'help') {
      out(INTENSITY_USAGE.text);
      return 0;
    }
    throw new UsageError(sub ? `unknown subcommand "${sub}" (import|backfill|show)` : 'expected a subcommand: import, backfill or show');
  } catch (e) {
    if (e instanceof UsageError) {
      err(`carbonpilot intensity: ${e.message}`);
      err(`see \`carbonpilot intensity${sub !== undefined && INTENSITY_USAGE.subcommands?.[sub] ? ` ${sub}` : ''} --help\``);
      return 2;
    }
    err(`carbonpilot intensity: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

// ---- import ------------------------------------------------------------------------------------

const IMPORT_FORMATS = ['text', 'json'] as const;
/** Rejected rows listed one by one in the text summary; the rest are counted by reason. */
const LISTED_REJECTIONS = 10;

/** Known zones for the up-front zone check: the @tgwf/co2 zone list and the region catalog (with REGION_OVERRIDES). */
export function importZoneDirectory(env: Record<string, string | undefined>, allowUnknown = false): ZoneDirectory {
  const lookup = cliRegionLookup(env);
  return {
    allowUnknown,
    emZones: knownZoneIds(),
    wattTimeRegions: [...new Set(REGIONS.flatMap((r) => (r.wattTimeRegion ? [r.wattTimeRegion] : [])))],
    awsRegion: (code) => lookup(code),
  };
}

function importOptions(a: ParsedArgs, zone: string, env: Record<string, string | undefined>): IntensityCsvOptions {
  const opts: IntensityCsvOptions = { zone, zones: importZoneDirectory(env, a.flags.has('allow-unknown-zone')), keepRejections: LISTED_REJECTIONS };
  const signal = optionalSignal(a);
  if (signal) opts.signal = signal;
  const unit = flagString(a, 'unit');
  if (unit !== undefined) {
    const u = INTENSITY_UNITS.find((x) => x.toLowerCase() === unit.toLowerCase()) ?? parseIntensityUnit(unit);
    if (!u) throw new UsageError(`--unit: "${unit}" is not one of ${INTENSITY_UNITS.join('|')}`);
    opts.unit = u;
  }
  const tz = flagString(a, 'timezone');
  if (tz !== undefined) {
    try {
      ZoneClock.of(tz);
    } catch (e) {
      throw new UsageError(`--timezone: ${(e as Error).message}`);
    }
    opts.timeZone = tz;
  }
  for (const [flag, key] of [['time-column', 'timeColumn'], ['value-column', 'valueColumn']] as const) {
    const v = flagString(a, flag);
    if (v !== undefined) opts[key] = v;
  }
  if (a.flags.has('date-order')) opts.dateOrder = flagEnum(a, 'date-order', DATE_ORDERS, 'mdy');
  return opts;
}

async function importCommand(argv: string[], out: Out, err: Out, io: IntensityCliIo): Promise<number> {
  const a = parseArgs(argv, ['zone', 'signal', 'time-column', 'value-column', 'unit', 'timezone', 'date-order', 'format', 'data-dir'], ['allow-unknown-zone']);
  if (a.positionals.length === 0) throw new UsageError('import: FILE is required');
  if (a.positionals.length > 1) throw new UsageError(`import: unexpected argument "${a.positionals[1]}"`);
  const file = a.positionals[0];
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`import: FILE "${file}" not found`);
  const zone = requireZone(a, 'import');
  const env = io.env ?? process.env;
  const format = flagEnum(a, 'format', IMPORT_FORMATS, 'text');
  const opts = importOptions(a, zone, env);

  const parsed = await parseFile(file, opts, progressBar(err, 'reading'));
  const session = await openIntensitySession(flagString(a, 'data-dir') ?? DEFAULT_DATA_DIR, env, true);
  try {
    const store = io.wrapStore ? io.wrapStore(session.stores.intensityStore) : session.stores.intensityStore;
    const signals = [...new Set(parsed.points.map((p) => p.signal))].sort();
    const res = await storeInChunks(store, parsed.points, progressBar(err, 'storing'));
    // Footprints are recomputed for what was stored, also when storing failed part-way.
    const recomputed = await recomputeStored(session, parsed.zone.zone, signals, res.stored);
    const partial = res.failure || recomputed.error ? partialReport(parsed.points, res.stored, res.failure, recomputed, `intensity import ${file} --zone ${zone}`) : undefined;
    if (format === 'json') out(JSON.stringify({ ...importJson(file, zone, parsed, signals, res.written, recomputed.replaced), ...(partial ? { incomplete: partial.json } : {}) }, null, 2));
    else {
      printImportSummary(out, file, parsed, signals, res.written, recomputed.replaced, partial !== undefined);
      for (const l of partial?.lines ?? []) out(l);
    }
    if (partial) {
      err(`carbonpilot intensity: import incomplete: ${partial.reason}`);
      return 1;
    }
    return parsed.accepted > 0 || parsed.rejected === 0 ? 0 : 1;
  } finally {
    await session.close();
  }
}

/** The text summary: what was read and how, what was stored, the first rejections, then counts by reason. */
function printImportSummary(out: Out, file: string, r: IntensityCsvResult, signals: IntensitySignal[], written: number, replaced: number, incomplete = false): void {
  const L = r.layout;
  out(`${incomplete ? 'Read (import incomplete, see below)' : 'Imported'} ${file} (${r.format} format) into zone ${r.zone.zone}: ${r.accepted} rows accepted, ${r.rejected} rejected.`);
  if (r.zone.aliasOf) out(`  zone: --zone ${r.zone.aliasOf.given} is stored as ${r.zone.zone} (${r.zone.aliasOf.source}).`);
  const cols = L.valueColumns.map((v) => `'${v.column}'${v.signal ? ` → ${v.signal}` : ''}`).join(', ');
  const time = `time '${L.timeColumn}'${L.timeDeclaredUtc ? ' (UTC by its name)' : ''}`;
  const signal = L.signalColumn
    ? `signal per row from '${L.signalColumn}'`
    : L.signalFrom === 'Electricity Maps API default'
      ? 'signal: the Electricity Maps API default, life-cycle (--signal average-direct if it was fetched as direct)'
      : `signal from ${L.signalFrom}`;
  const unitFrom = L.unitFrom === 'layout' ? `the ${r.format === 'watttime-api' ? 'WattTime' : 'Electricity Maps'} API unit` : L.unitFrom === 'assumed' ? 'assumed: the column states none; --unit to change' : L.unitFrom;
  out(`  read as: ${time}; ${cols}; ${signal}; unit ${L.unit} (${unitFrom})${L.unit === 'g/kWh' || L.unit === 'kg/MWh' ? '' : ` × ${UNIT_TO_G_PER_KWH[L.unit]} → g/kWh`}.`);
  if (r.skipped) out(`  ${r.skipped} rows of another signal skipped (--signal).`);
  if (r.averaged) {
    const v = r.averaged;
    out(
      `  averaged ${v.values} ${v.resolution} values into ${v.hours} hour${v.hours === 1 ? '' : 's'} (time-weighted; an hour needs ≥ ${Math.round(v.minHourCoverage * 100)} % coverage: ` +
        `${v.partialHoursKept} partial hour(s) kept, ${v.hoursDropped} dropped).`,
    );
  }
  if (!incomplete) out(`Stored ${r.points.length} hourly actuals (${written} new or changed); signals: ${signals.join(', ') || 'none'}.`);
  if (r.rejected) {
    out(`Rejected rows (first ${Math.min(LISTED_REJECTIONS, r.rejections.length)} of ${r.rejected}):`);
    for (const x of r.rejections.slice(0, LISTED_REJECTIONS)) out(`  line ${x.line}: ${x.message}`);
    out(`Rejections by reason: ${r.rejectionsByReason.map((x) => `${x.count} ${x.label}`).join(', ')}.`);
  }
  for (const w of r.warnings) out(`warning: ${w}`);
  if (replaced) out(`Recomputed the carbon of ${replaced} footprint interval(s) with the new actuals (energy unchanged).`);
}

function importJson(file: string, zoneGiven: string, r: IntensityCsvResult, signals: IntensitySignal[], written: number, replaced: number) {
  return {
    file,
    format: r.format,
    zone: r.zone.zone,
    zoneGiven,
    ...(r.zone.aliasOf ? { zoneAliasSource: r.zone.aliasOf.source } : {}),
    layout: r.layout,
    accepted: r.accepted,
    rejected: r.rejected,
    skipped: r.skipped,
    firstRejections: r.rejections.slice(0, LISTED_REJECTIONS),
    rejectionsByReason: r.rejectionsByReason,
    ...(r.averaged ? { averaged: r.averaged } : {}),
    stored: r.points.length,
    written,
    signals,
    recomputedIntervals: replaced,
    warnings: r.warnings,
  };
}

/** Stream the file through the incremental parser (memory O(rows kept), not O(file)), with a byte progress bar. */
async function parseFile(file: string, opts: IntensityCsvOptions, progress: Progress): Promise<IntensityCsvResult> {
  const total = statSync(file).size;
  const parser = new IntensityCsvParser(opts);
  let done = 0;
  try {
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
      parser.push(chunk as string);
      done += Buffer.byteLength(chunk as string);
      progress(done, total);
    }
    const r = parser.end();
    progress(total, total);
    return r;
  } catch (e) {
    // The file as a whole cannot be read as asked (header, zone, signal, unit, time zone): an argument problem.
    if (e instanceof IntensityCsvFormatError || e instanceof ImportZoneError || e instanceof InvalidTimeZoneError) throw new UsageError(`import: FILE "${file}": ${e.message}`);
    throw e;
  }
}

// ---- backfill ----------------------------------------------------------------------------------

const DEFAULT_SIGNAL: Record<LiveProviderId, IntensitySignal> = {
  electricitymaps: 'average-lifecycle',
  watttime: 'marginal',
  neso: 'average-direct',
};

async function backfillCommand(argv: string[], out: Out, err: Out, io: IntensityCliIo): Promise<number> {
  const a = parseArgs(argv, ['zone', 'from', 'to', 'provider', 'signal', 'data-dir']);
  if (a.positionals.length) throw new UsageError(`backfill: unexpected argument "${a.positionals[0]}"`);
  const zone = requireZone(a, 'backfill');
  const from = flagInstant(a, 'from');
  const to = flagInstant(a, 'to');
  if (from === undefined) throw new UsageError('backfill: --from is required');
  if (to === undefined) throw new UsageError('backfill: --to is required');
  if (from >= to) throw new UsageError('--from must be before --to');
  const signalFlag = optionalSignal(a);
  const providerId = flagEnum(a, 'provider', LIVE_PROVIDER_IDS, signalFlag === 'marginal' ? 'watttime' : 'electricitymaps');
  const signal = signalFlag ?? DEFAULT_SIGNAL[providerId];
  const env = io.env ?? process.env;
  const provider = cliLiveProvider(providerId, env, { fetch: io.fetch, clock: io.nowSec });
  if (!provider.signals.includes(signal)) throw new UsageError(`--signal: ${provider.name} publishes no '${signal}' signal (it has ${provider.signals.join(', ')})`);
  if (!provider.supportsZone(zone)) throw new UsageError(`--zone: ${provider.name} does not serve zone "${zone}"`);

  const nowSec = (io.nowSec ?? (() => Math.floor(Date.now() / 1000)))();
  const window = { startSec: alignDown(from, HOUR_SEC), endSec: Math.min(alignUp(to, HOUR_SEC), alignDown(nowSec, HOUR_SEC)) };
  if (window.endSec <= window.startSec) throw new UsageError('backfill: the window lies in the future (actuals only)');
  const session = await openIntensitySession(flagString(a, 'data-dir') ?? DEFAULT_DATA_DIR, env, true);
  const progress = progressBar(err, `backfilling ${zone} ${signal} from ${provider.name}`);
  const store = io.wrapStore ? io.wrapStore(session.stores.intensityStore) : session.stores.intensityStore;
  const stored: StoredIntensityPoint[] = [];
  let written = 0;
  let failure: StoreFailure | undefined;
  try {
    const totalSec = window.endSec - window.startSec;
    progress(0, totalSec);
    for (let s = window.startSec; s < window.endSec && !failure; s += BACKFILL_CHUNK_SEC) {
      const chunk = { startSec: s, endSec: Math.min(window.endSec, s + BACKFILL_CHUNK_SEC) };
      let points: StoredIntensityPoint[];
      try {
        points = (await provider.getSeries(zone, signal, chunk)).filter((p) => p.zone === zone && p.signal === signal && p.quality === 'actual');
      } catch (e) {
        // A provider that fails stays down for a while (or rate-limits): stop here, keep what is stored.
        failure = { stage: `fetching ${isoUtc(chunk.startSec)} → ${isoUtc(chunk.endSec)} from ${provider.name}`, error: errorText(e) };
        break;
      }
      const r = await storeChunk(store, points);
      written += r.written;
      stored.push(...r.stored);
      failure = r.failure;
      progress(chunk.endSec - window.startSec, totalSec);
    }
    const recomputed = await recomputeStored(session, zone, [signal], stored);
    const hours = totalSec / HOUR_SEC;
    if (!failure && !recomputed.error) {
      out(`Backfilled ${zone} (${signal}) from ${provider.name}, ${isoUtc(window.startSec)} → ${isoUtc(window.endSec)}: ${stored.length} of ${hours} hours received, ${written} new or changed, ${hours - stored.length} missing.`);
      printRecomputed(out, recomputed.replaced);
      return 0;
    }
    // Every hour of the window that is not stored is listed (not fetched, not received, or its write failed).
    const wanted: StoredIntensityPoint[] = [];
    for (let t = window.startSec; t < window.endSec; t += HOUR_SEC) wanted.push({ zone, signal, tSec: t, periodSec: HOUR_SEC, gPerKwh: 0, provider: provider.name, quality: 'actual' });
    const partial = partialReport(wanted, stored, failure, recomputed, `intensity backfill --zone ${zone} --signal ${signal} --provider ${providerId}`, { from: window.startSec, to: window.endSec });
    out(`Backfill of ${zone} (${signal}) from ${provider.name}, ${isoUtc(window.startSec)} → ${isoUtc(window.endSec)} incomplete: ${stored.length} of ${hours} hours stored (${written} new or changed).`);
    for (const l of partial.lines) out(l);
    err(`carbonpilot intensity: backfill incomplete: ${partial.reason}`);
    return 1;
  } finally {
    await session.close();
  }
}

// ---- show --------------------------------------------------------------------------------------

interface ShowRow {
  hourUtc: string;
  gPerKwh: number;
  signal: IntensitySignal;
  provider: string;
  quality: string;
  issuedAtUtc?: string;
}

async function showCommand(argv: string[], out: Out, io: IntensityCliIo): Promise<number> {
  const a = parseArgs(argv, ['region', 'from', 'to', 'signal', 'format', 'data-dir']);
  if (a.positionals.length) throw new UsageError(`show: unexpected argument "${a.positionals[0]}"`);
  const region = flagString(a, 'region');
  if (!region) throw new UsageError('show: --region is required (e.g. eu-west-2)');
  const info = cliRegionLookup(io.env ?? process.env)(region);
  if (!info) throw new UsageError(`--region: "${region}" is not in the region catalog`);
  const signal = optionalSignal(a) ?? 'average-lifecycle';
  const zone = signalZone(info, signal);
  if (!zone) throw new UsageError(`--signal: no WattTime region is known for ${region}, so no marginal signal`);
  const format = flagEnum(a, 'format', FORMATS, 'table');
  const nowHour = alignDown((io.nowSec ?? (() => Math.floor(Date.now() / 1000)))(), HOUR_SEC);
  const from = flagInstant(a, 'from') ?? nowHour - DAY_SEC;
  const to = flagInstant(a, 'to') ?? Math.max(nowHour + DAY_SEC, from + HOUR_SEC);
  if (from >= to) throw new UsageError('--from must be before --to');
  if (to - from > MAX_SHOW_SEC) throw new UsageError(`--to: at most ${MAX_SHOW_SEC / DAY_SEC} days per show`);
  const window: Window = { startSec: alignDown(from, HOUR_SEC), endSec: alignUp(to, HOUR_SEC) };

  // The footprint's chain in the local runtime: stored → demo → yearly.
  const session = await openIntensitySession(flagString(a, 'data-dir') ?? DEFAULT_DATA_DIR, io.env ?? process.env, false);
  try {
    const providers: IntensityProvider[] = cliIntensityChain(session);
    const candidates: IntensityPoint[][] = [];
    const notes: string[] = [];
    for (const p of providers) {
      try {
        candidates.push(await p.getSeries(zone, signal, window));
      } catch (e) {
        candidates.push([]);
        notes.push(`${p.name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const resolved = resolveHourly(window, candidates);
    const rows: ShowRow[] = resolved.points.map((p) => {
      const r: ShowRow = { hourUtc: isoUtc(p.tSec), gPerKwh: round(p.gPerKwh), signal: p.signal, provider: p.provider, quality: p.quality };
      if (p.issuedAtSec !== undefined) r.issuedAtUtc = isoUtc(p.issuedAtSec);
      return r;
    });
    const demo = rows.some((r) => r.provider === DEMO_PROVIDER_NAME);
    const missingHours = resolved.hours.filter((h) => h.quality === null).length;
    if (format === 'json') {
      out(JSON.stringify({ region, zone, signal, from: isoUtc(window.startSec), to: isoUtc(window.endSec), demo, missingHours, notes, rows }, null, 2));
    } else if (format === 'csv') {
      out('hourUtc,gPerKwh,signal,provider,quality,issuedAtUtc');
      for (const r of rows) out([r.hourUtc, r.gPerKwh, r.signal, csvCell(r.provider), r.quality, r.issuedAtUtc ?? ''].join(','));
    } else {
      out(`Grid intensity for ${region} (zone ${zone}, signal ${signal}), ${isoUtc(window.startSec)} → ${isoUtc(window.endSec)}, gCO2e/kWh`);
      if (demo) out(DEMO_BANNER);
      for (const n of notes) out(`note: ${n}`);
      out(renderColumns([['hour (UTC)', 'g/kWh', 'quality', 'provider', 'issued at (UTC)'], ...rows.map((r) => [r.hourUtc, r.gPerKwh.toFixed(1), r.quality, r.provider, r.issuedAtUtc ?? ''])], (c) => c === 1));
      if (missingHours) out(`${missingHours} hour(s) without any value`);
    }
    return 0;
  } finally {
    await session?.close();
  }
}

// ---- shared helpers ----------------------------------------------------------------------------

type IntensitySession = CliStore;

/** The local store (composition/cli.ts); `create`: make the store if absent. */
async function openIntensitySession(dataDir: string, env: Record<string, string | undefined>, create: true): Promise<IntensitySession>;
async function openIntensitySession(dataDir: string, env: Record<string, string | undefined>, create: boolean): Promise<IntensitySession | undefined>;
async function openIntensitySession(dataDir: string, env: Record<string, string | undefined>, create: boolean): Promise<IntensitySession | undefined> {
  return openCliStore(dataDir, { create, env });
}

/** Replace local footprint intervals that the new actuals improve (demo/yearly/forecast → actual); returns how many. */
async function recomputeLocal(session: IntensitySession, zone: string, signals: IntensitySignal[], points: readonly IntensityPoint[]): Promise<number> {
  if (!points.length) return 0;
  let fromSec = Infinity;
  let toSec = -Infinity;
  for (const p of points) {
    fromSec = Math.min(fromSec, p.tSec);
    toSec = Math.max(toSec, p.tSec + p.periodSec);
  }
  // The collector's chain (stored series first), so a recomputed interval is what the collector would now write.
  const recompute = makeRecomputeCarbon({ store: session.stores.store, providers: session.core.intensityProviders });
  let replaced = 0;
  const days = new Set<string>();
  for (const signal of signals) {
    const r = await recompute({ zone, signal, fromSec, toSec });
    replaced += r.replaced;
    for (const d of r.days) days.add(d);
  }
  // No event bus here to announce the changed days: roll them up now, as the rollup function would (stale roll-ups = wrong reports).
  if (days.size) await makeRollup({ store: session.stores.store })([...days]);
  return replaced;
}

/** recomputeLocal for the points stored, reporting a failure instead of throwing (the points stay stored either way). */
async function recomputeStored(session: IntensitySession, zone: string, signals: IntensitySignal[], stored: readonly IntensityPoint[]): Promise<{ replaced: number; error?: string }> {
  try {
    return { replaced: await recomputeLocal(session, zone, signals, stored) };
  } catch (e) {
    return { replaced: 0, error: errorText(e) };
  }
}

const printRecomputed = (out: Out, replaced: number) => {
  if (replaced) out(`Recomputed the carbon of ${replaced} footprint interval(s) with the new actuals (energy unchanged).`);
};

/** Where storing stopped, and why. */
interface StoreFailure {
  stage: string;
  error: string;
}

const pointKey = (p: Pick<IntensityPoint, 'zone' | 'signal' | 'tSec'>) => `${p.zone}|${p.signal}|${p.tSec}`;

/**
 * Write one chunk. If the write fails part-way (the store writes points concurrently, so any subset may be stored),
 * read the chunk back and count as stored exactly the points whose stored value and provider are the ones written.
 */
async function storeChunk(store: IntensityStore, points: readonly StoredIntensityPoint[]): Promise<{ written: number; stored: StoredIntensityPoint[]; failure?: StoreFailure }> {
  if (!points.length) return { written: 0, stored: [] };
  try {
    return { written: (await store.putPoints(points)).written, stored: [...points] };
  } catch (e) {
    const stage = `storing ${points.length} hour(s) from ${isoUtc(Math.min(...points.map((p) => p.tSec)))}`;
    try {
      const present = new Map<string, StoredIntensityPoint>();
      for (const [k, group] of groupBySeries(points)) {
        const [zone, signal] = k.split('|') as [string, IntensitySignal];
        const w = { startSec: Math.min(...group.map((p) => p.tSec)), endSec: Math.max(...group.map((p) => p.tSec + HOUR_SEC)) };
        for (const p of await store.getActuals(zone, signal, w)) present.set(pointKey(p), p);
      }
      const stored = points.filter((p) => {
        const got = present.get(pointKey(p));
        return got !== undefined && got.gPerKwh === p.gPerKwh && got.provider === p.provider;
      });
      return { written: 0, stored, failure: { stage, error: errorText(e) } };
    } catch (readBack) {
      // Cannot tell which of this chunk's hours made it: count none of them as stored (a rerun rewrites them).
      return { written: 0, stored: [], failure: { stage, error: `${errorText(e)}; reading the chunk back failed too (${errorText(readBack)}), so its hours count as not stored` } };
    }
  }
}

const groupBySeries = (points: readonly StoredIntensityPoint[]): Map<string, StoredIntensityPoint[]> => {
  const m = new Map<string, StoredIntensityPoint[]>();
  for (const p of points) {
    const k = `${p.zone}|${p.signal}`;
    m.set(k, [...(m.get(k) ?? []), p]);
  }
  return m;
};

async function storeInChunks(store: IntensityStore, points: readonly StoredIntensityPoint[], progress: Progress): Promise<{ written: number; stored: StoredIntensityPoint[]; failure?: StoreFailure }> {
  let written = 0;
  const stored: StoredIntensityPoint[] = [];
  progress(0, points.length);
  for (let i = 0; i < points.length; i += WRITE_CHUNK) {
    const r = await storeChunk(store, points.slice(i, i + WRITE_CHUNK));
    written += r.written;
    stored.push(...r.stored);
    if (r.failure) return { written, stored, failure: r.failure };
    progress(Math.min(points.length, i + WRITE_CHUNK), points.length);
  }
  return { written, stored };
}

/** Half-open UTC hour ranges of a set of hour starts: [from, to) per run of consecutive hours. */
export function hourRanges(hourStarts: Iterable<EpochSec>): { fromSec: EpochSec; toSec: EpochSec; hours: number }[] {
  const sorted = [...new Set(hourStarts)].sort((a, b) => a - b);
  const out: { fromSec: EpochSec; toSec: EpochSec; hours: number }[] = [];
  for (const t of sorted) {
    const last = out[out.length - 1];
    if (last && last.toSec === t) {
      last.toSec += HOUR_SEC;
      last.hours++;
    } else out.push({ fromSec: t, toSec: t + HOUR_SEC, hours: 1 });
  }
  return out;
}

const rangesText = (ranges: { fromSec: EpochSec; toSec: EpochSec; hours: number }[], max = 12): string => {
  if (!ranges.length) return 'none';
  const shown = ranges.slice(0, max).map((r) => `${isoUtc(r.fromSec)} → ${isoUtc(r.toSec)} (${r.hours} h)`);
  return ranges.length > max ? `${shown.join(', ')}, … ${ranges.length - max} more range(s)` : shown.join(', ');
};

/**
 * What an import or backfill that failed part-way says: per series, exactly which hours are stored and which are not,
 * that footprints were recomputed for the stored ones (or that recomputing failed), and how to complete it.
 */
function partialReport(
  wanted: readonly StoredIntensityPoint[],
  stored: readonly StoredIntensityPoint[],
  failure: StoreFailure | undefined,
  recomputed: { replaced: number; error?: string },
  command: string,
  window?: { from: EpochSec; to: EpochSec },
) {
  const storedKeys = new Set(stored.map(pointKey));
  const series = [...groupBySeries(wanted)].map(([k, pts]) => {
    const [zone, signal] = k.split('|');
    const got = hourRanges(pts.filter((p) => storedKeys.has(pointKey(p))).map((p) => p.tSec));
    const missing = hourRanges(pts.filter((p) => !storedKeys.has(pointKey(p))).map((p) => p.tSec));
    return { zone, signal, stored: got, notStored: missing };
  });
  const firstMissing = Math.min(...series.flatMap((s) => s.notStored.map((r) => r.fromSec)));
  const lines: string[] = [];
  if (failure) lines.push(`Stopped while ${failure.stage}: ${failure.error}`);
  for (const s of series) {
    lines.push(`  ${s.zone} ${s.signal}: stored ${s.stored.reduce((n, r) => n + r.hours, 0)} h: ${rangesText(s.stored)}`);
    lines.push(`  ${s.zone} ${s.signal}: not stored ${s.notStored.reduce((n, r) => n + r.hours, 0)} h: ${rangesText(s.notStored)}`);
  }
  lines.push(
    recomputed.error
      ? `Recomputing the footprint intervals of the stored hours failed: ${recomputed.error}. The hours above stay stored; rerunning recomputes them.`
      : `Recomputed the carbon of ${recomputed.replaced} footprint interval(s) for the stored hours (energy unchanged).`,
  );
  const resume = window && Number.isFinite(firstMissing) && firstMissing > window.from ? ` (or only the rest: --from ${isoUtc(firstMissing)} --to ${isoUtc(window.to)})` : '';
  lines.push(`To complete it, run the same command again: stored hours are rewritten only where they changed${resume}.`);
  const reason = failure ? `${failure.stage}: ${failure.error}` : `recomputing footprints: ${recomputed.error}`;
  return {
    lines,
    reason,
    json: {
      reason,
      command,
      series: series.map((s) => ({
        zone: s.zone,
        signal: s.signal,
        stored: s.stored.map((r) => ({ from: isoUtc(r.fromSec), to: isoUtc(r.toSec), hours: r.hours })),
        notStored: s.notStored.map((r) => ({ from: isoUtc(r.fromSec), to: isoUtc(r.toSec), hours: r.hours })),
      })),
      recomputedIntervals: recomputed.replaced,
      ...(recomputed.error ? { recomputeError: recomputed.error } : {}),
    },
  };
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

type Progress = (done: number, total: number) => void;

/** A progress bar on stderr, one line per 10 % (readable in logs and CI, not only on a TTY). */
export function progressBar(err: Out, label: string): Progress {
  let last = -1;
  return (done, total) => {
    const pct = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
    const step = pct - (pct % 10);
    if (step === last) return;
    last = step;
    err(`${label} [${'#'.repeat(step / 5).padEnd(20, '.')}] ${String(step).padStart(3)} %`);
  };
}

function requireZone(a: ParsedArgs, cmd: string): string {
  const zone = flagString(a, 'zone');
  if (!zone) throw new UsageError(`${cmd}: --zone is required (an Electricity Maps zone id like DE, or a WattTime region for marginal)`);
  if (!ZONE_RE.test(zone)) throw new UsageError(`--zone: "${zone}" is not a zone id`);
  return zone;
}

function optionalSignal(a: ParsedArgs): IntensitySignal | undefined {
  return a.flags.has('signal') ? flagEnum(a, 'signal', SIGNALS, 'average-lifecycle') : undefined;
}

const round = (x: number) => Math.round(x * 100) / 100;

