/**
 * bench:import — does `carbonpilot intensity import` read the public intensity files people have?
 *
 *   npm run bench:import -- --data DIR --out FILE.json
 *
 * Files are found by folder convention (DIR laid out like ../shared/data), so unseen files of the same kinds are
 * read the same way; each gets the flags a user would pass, taken from the folder's SOURCE.md:
 *   electricitymaps-hourly-greendcc/<ZONE>_<YEAR>_hourly.csv   --zone <ZONE>                     (EM data-portal export)
 *   carbonadvisor-em-api-scrapes/<ZONE>.csv                    --zone <ZONE>                     (EM API results)
 *   lets-wait-awhile/<cc>_ci.csv                               --zone <cc→zone> --signal average-lifecycle --timezone UTC
 *   vessim-watttime-caiso-north/*_actual.csv                   --zone CAISO_NORTH --value-column Caiso_North --unit g/kWh --signal marginal --timezone UTC
 *   carboncast/<R>_{lifecycle,direct}_emissions.csv            --zone <R→zone> --signal average-<lifecycle|direct>
 * and --allow-unknown-zone throughout (the file names carry Electricity Maps ids, some newer than @tgwf/co2's list).
 * Each file goes through the production parser (the CLI's zone directory, nothing stored): rows accepted and
 * rejected by reason, hours produced, whether sub-hourly values were averaged, and parse throughput.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { importZoneDirectory } from '../shared/cli/commands/intensity';
import { IntensityCsvParser, type IntensityCsvOptions } from '../shared/domain/intensity/csv-import';
import { benchArgs, writeJson } from './lib/bench-args';

/** lets-wait-awhile file prefixes (upstream README: Germany, Great Britain, France, California). */
const LWA_ZONES: Record<string, string> = { ger: 'DE', gb: 'GB', fr: 'FR', cal: 'US-CAL-CISO' };
/** CarbonCast regions (SOURCE.md) → Electricity Maps zones of the same balancing area or country. */
const CARBONCAST_ZONES: Record<string, string> = {
  AUS_QLD: 'AU-QLD',
  BPAT: 'US-NW-BPAT',
  CISO: 'US-CAL-CISO',
  DE: 'DE',
  ERCO: 'US-TEX-ERCO',
  ES: 'ES',
  FPL: 'US-FLA-FPL',
  ISNE: 'US-NE-ISNE',
  NL: 'NL',
  NYISO: 'US-NY-NYIS',
  PJM: 'US-MIDA-PJM',
  PL: 'PL',
  SE: 'SE',
};

interface Job {
  kind: string;
  file: string;
  opts: Omit<IntensityCsvOptions, 'zones'>;
}

const csvFiles = (dir: string): string[] => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.csv')).sort();
  } catch {
    return [];
  }
};

function discover(data: string): Job[] {
  const jobs: Job[] = [];
  const em = join(data, 'electricitymaps-hourly-greendcc');
  for (const f of csvFiles(em)) {
    const m = /^(.+)_(\d{4})_hourly\.csv$/.exec(f);
    if (m) jobs.push({ kind: 'electricitymaps-export', file: join(em, f), opts: { zone: m[1] } });
  }
  const api = join(data, 'carbonadvisor-em-api-scrapes');
  for (const f of csvFiles(api)) jobs.push({ kind: 'electricitymaps-api', file: join(api, f), opts: { zone: f.replace(/\.csv$/, '') } });
  const lwa = join(data, 'lets-wait-awhile');
  for (const f of csvFiles(lwa)) {
    const zone = LWA_ZONES[f.replace(/_ci\.csv$/, '')];
    if (zone) jobs.push({ kind: 'sub-hourly Time,Carbon Intensity', file: join(lwa, f), opts: { zone, signal: 'average-lifecycle', timeZone: 'UTC' } });
  }
  const vessim = join(data, 'vessim-watttime-caiso-north');
  for (const f of csvFiles(vessim).filter((x) => /_actual\.csv$/.test(x))) {
    jobs.push({ kind: 'watttime-moer (mapped)', file: join(vessim, f), opts: { zone: 'CAISO_NORTH', valueColumn: 'Caiso_North', unit: 'g/kWh', signal: 'marginal', timeZone: 'UTC' } });
  }
  const cc = join(data, 'carboncast');
  for (const f of csvFiles(cc)) {
    const m = /^(.+)_(lifecycle|direct)_emissions\.csv$/.exec(f);
    const zone = m && CARBONCAST_ZONES[m[1]];
    if (m && zone) jobs.push({ kind: 'carboncast', file: join(cc, f), opts: { zone, signal: m[2] === 'direct' ? 'average-direct' : 'average-lifecycle' } });
  }
  return jobs;
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function main(): void {
  const args = benchArgs('import', { dataRequired: true });
  const jobs = discover(args.data!);
  if (!jobs.length) args.fail(`--data: no intensity files found under "${args.data}" (see the folder conventions in bench/intensity-import.ts)`);
  // File names carry the zone id, so zones newer than @tgwf/co2's list are taken (as with --allow-unknown-zone) and noted.
  const zones = importZoneDirectory({}, true);
  const files = jobs.map((j) => {
    const text = readFileSync(j.file, 'utf8');
    const started = performance.now();
    try {
      const p = new IntensityCsvParser({ ...j.opts, zones });
      p.push(text);
      const r = p.end();
      const ms = performance.now() - started;
      return {
        kind: j.kind,
        file: basename(j.file),
        bytes: statSync(j.file).size,
        imported: true as const,
        format: r.format,
        zone: r.zone.zone,
        zoneGiven: j.opts.zone,
        accepted: r.accepted,
        rejected: r.rejected,
        rejectionsByReason: Object.fromEntries(r.rejectionsByReason.map((x) => [x.reason, x.count])),
        hours: new Set(r.points.map((x) => x.tSec)).size,
        signals: [...new Set(r.points.map((x) => x.signal))].sort(),
        averaged: r.averaged ? { values: r.averaged.values, resolution: r.averaged.resolution, hoursDropped: r.averaged.hoursDropped, partialHoursKept: r.averaged.partialHoursKept } : null,
        warnings: r.warnings,
        parseMs: round(ms),
        rowsPerSec: Math.round(((r.accepted + r.rejected) / ms) * 1000),
      };
    } catch (e) {
      return { kind: j.kind, file: basename(j.file), bytes: statSync(j.file).size, imported: false as const, error: `${(e as Error).name}: ${(e as Error).message}`, parseMs: round(performance.now() - started) };
    }
  });
  const ok = files.filter((f) => f.imported) as Extract<(typeof files)[number], { imported: true }>[];
  const rows = ok.reduce((a, f) => a + f.accepted + f.rejected, 0);
  const ms = ok.reduce((a, f) => a + f.parseMs, 0);
  const byKind: Record<string, { files: number; imported: number; accepted: number; rejected: number; hours: number }> = {};
  for (const f of files) {
    const k = (byKind[f.kind] ??= { files: 0, imported: 0, accepted: 0, rejected: 0, hours: 0 });
    k.files++;
    if (f.imported) {
      const g = f as (typeof ok)[number];
      k.imported++;
      k.accepted += g.accepted;
      k.rejected += g.rejected;
      k.hours += g.hours;
    }
  }
  const summary = {
    files: files.length,
    imported: ok.length,
    refused: files.length - ok.length,
    rowsAccepted: ok.reduce((a, f) => a + f.accepted, 0),
    rowsRejected: ok.reduce((a, f) => a + f.rejected, 0),
    hours: ok.reduce((a, f) => a + f.hours, 0),
    rowsPerSec: Math.round((rows / ms) * 1000),
  };
  writeJson(args.out, { bench: 'import', data: args.data, summary, byKind, files });
  console.log(
    `bench:import: ${summary.imported}/${summary.files} files imported (${summary.refused} refused), ${summary.rowsAccepted} rows accepted, ${summary.rowsRejected} rejected, ` +
      `${summary.hours} zone-hours, ${summary.rowsPerSec} rows/s parsed → ${args.out}`,
  );
}

main();
