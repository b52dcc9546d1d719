/**
 * `carbonpilot reconcile --ccft FILE|DIR|s3://BUCKET/PREFIX|demo [--format table|json|csv] [--data-dir DIR] [--account-id ID] [--now ISO]`
 *
 * Compares AWS's Data Exports `CARBON_EMISSIONS` table (CSV, gzip CSV or Parquet; a file, a folder laid out like
 * the S3 export, or the export's S3 prefix read with the caller's AWS credentials) with the local footprint store,
 * per month × account × region × service. `--ccft demo` builds the labelled demo export from the store's demo fleet.
 * A bad export exits 2 naming file, row and field; nothing is used.
 */
import { CcftExportError } from '../../contracts/ccft';
import { decodeCcftExport, readCcftExportPath } from '../../adapters/local/ccft-export-reader';
import { buildDemoCcftExportCsv } from '../../adapters/local/demo-ccft-export';
import { systemClock } from '../../adapters/system-clock';
import type { ReconcileCell, ReconcileReport } from '../../domain/reconcile/reconcile';
import { dataWindow } from '../../use-cases/data-window';
import { makeReconcileCcft, MissingAccountIdError } from '../../use-cases/reconcile-ccft';
import { flagEnum, flagInstant, flagString, parseArgs, UsageError, type CommandUsage } from '../args';
import { csvCell, DEMO_BANNER, FORMATS, renderColumns, type Format } from '../format';
import { DEFAULT_DATA_DIR } from '../store-access';
import { cliConfig, cliS3Clients, requireCliStore } from '../../composition/cli';
import { parseS3Uri, readCcftExportS3, S3ExportReadError } from '../../adapters/aws/s3-ccft-export-reader';

export const RECONCILE_USAGE: CommandUsage = {
  text: `usage: carbonpilot reconcile --ccft FILE|DIR|demo [--format table|json|csv] [--account-id ID] [--now ISO] [--data-dir DIR]
  Compares AWS's Data Exports CARBON_EMISSIONS table (CSV, gzip CSV or Parquet; a file, or a folder laid out like the
  S3 export) with the local footprint store, per month × account × region × service, within a stated tolerance.
  --ccft demo   the labelled demo export built from the store's demo fleet
  --account-id  the 12-digit account the local fleet belongs to (or CARBONPILOT_ACCOUNT_ID)
  --now ISO     which months are still provisional (default: the wall clock)`,
};

const t = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? '–' : x.toFixed(d));

/** Each distinct cell note once, with the cells it applies to (`[1-3,5]`). */
function groupedNotes(cells: readonly ReconcileCell[]): string[] {
  const byNote = new Map<string, number[]>();
  cells.forEach((c, i) => c.notes.forEach((n) => byNote.set(n, [...(byNote.get(n) ?? []), i + 1])));
  const ranges = (xs: number[]) => {
    const out: string[] = [];
    for (let i = 0; i < xs.length; ) {
      let j = i;
      while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
      out.push(j > i ? `${xs[i]}-${xs[j]}` : String(xs[i]));
      i = j + 1;
    }
    return out.join(',');
  };
  return [...byNote.entries()].map(([n, xs]) => `  [${xs.length === cells.length ? 'all' : ranges(xs)}] ${n}`);
}

export function renderReconcile(r: ReconcileReport, format: Format, source: string): string {
  if (format === 'json') return JSON.stringify({ source, demo: r.demo, tolerance: r.tolerance, modelVersions: r.modelVersions, notes: r.notes, cells: r.cells }, null, 2);
  if (format === 'csv') {
    const head = 'month,accountId,region,service,ccftScope2LbmT,ccftScope3T,ccftTotalLbmT,oursOperationalT,oursEmbodiedT,ratio,ratioBasis,toleranceLow,toleranceHigh,withinTolerance,scope3Ratio,scope3WithinTolerance,provisional,notes,demo';
    return [
      head,
      ...r.cells.map((c) =>
        [c.month, c.accountId, c.region, csvCell(c.service), c.ccft?.scope2LbmT ?? '', c.ccft?.scope3T ?? '', c.ccft?.totalLbmT ?? '', c.ours?.operationalT ?? '', c.ours?.embodiedT ?? '',
          c.ratio ?? '', c.ratioBasis ?? '', c.tolerance?.low ?? '', c.tolerance?.high ?? '', c.withinTolerance ?? '', c.scope3Ratio ?? '', c.scope3WithinTolerance ?? '', c.provisional, csvCell(c.notes.join(' | ')), c.demo].join(','),
      ),
    ].join('\n');
  }
  const within = (c: ReconcileCell) => (c.withinTolerance === null ? '–' : c.withinTolerance ? 'yes' : 'NO');
  const header = ['#', 'month', 'account', 'region', 'service', 'AWS s2 LBM t', 'ours op. t', 'ratio', 'band', 'within', 'AWS s3 t', 'ours emb. t', 's3 ratio'];
  const rows = r.cells.map((c, i) => [
    String(i + 1), `${c.month}${c.provisional ? '*' : ''}`, c.accountId, c.region, c.service,
    c.ccft ? (c.ratioBasis === 'total-lbm' ? `${t(c.ccft.totalLbmT)} (total)` : t(c.ccft.scope2LbmT)) : '–',
    t(c.ours?.operationalT), c.ratio === null ? '–' : c.ratio.toFixed(2), c.tolerance ? `${c.tolerance.low.toFixed(2)}–${c.tolerance.high.toFixed(2)}` : '–', within(c),
    t(c.ccft?.scope3T), t(c.ours?.embodiedT), c.scope3Ratio === null ? '–' : c.scope3Ratio.toFixed(2),
  ]);
  const out = [
    `Reconciliation with AWS's carbon export (${source}): location-based scope 2 vs our operational, scope 3 vs our embodied, t CO2e`,
    ...(r.demo ? [DEMO_BANNER] : []),
    `Tolerance: ${r.tolerance}`,
    renderColumns([header, ...rows], (c) => c >= 5 && c !== 9),
    '* provisional month (AWS publishes a month about three weeks after it ends)',
    ...r.notes.map((n) => `note: ${n}`),
    ...groupedNotes(r.cells),
  ];
  return out.join('\n');
}

export async function reconcileCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, ['ccft', 'format', 'data-dir', 'account-id', 'now']);
  if (a.positionals.length) throw new UsageError(`reconcile: unexpected argument "${a.positionals[0]}"`);
  const ccft = flagString(a, 'ccft');
  if (!ccft) throw new UsageError('reconcile: --ccft FILE|DIR|s3://BUCKET/PREFIX|demo is required (the Data Exports CARBON_EMISSIONS export)');
  const fromS3 = /^s3:\/\//i.test(ccft);
  if (fromS3 && !parseS3Uri(ccft)) throw new UsageError(`--ccft: "${ccft}" is not an s3://bucket/prefix URI`);
  const format = flagEnum(a, 'format', FORMATS, 'table');
  const configured = cliConfig().accountId;
  const accountId = flagString(a, 'account-id') ?? configured;
  if (accountId !== undefined && !/^\d{12}$/.test(accountId)) throw new UsageError(`--account-id: "${accountId}" is not a 12-digit AWS account id`);
  const nowSec = flagInstant(a, 'now') ?? systemClock.nowSec();

  const { core, close } = await requireCliStore(flagString(a, 'data-dir') ?? DEFAULT_DATA_DIR);
  const store = core.store;
  try {
    let rows;
    let source: string;
    try {
      if (ccft === 'demo') {
        const resources = await store.listAllResources();
        if (!resources.some((r) => r.demo)) throw new UsageError('--ccft demo: the local store holds no demo fleet (run `npm start -- --once` first)');
        const w = await dataWindow(store);
        const csv = buildDemoCcftExportCsv(w ? await store.queryIntervals(w) : [], { nowSec });
        rows = await decodeCcftExport(new TextEncoder().encode(csv), 'ccft-carbon-emissions-DEMO.csv');
        source = 'DEMO export generated from the local demo fleet (not AWS data)';
      } else if (fromS3) {
        const s3 = cliS3Clients();
        try {
          const read = await readCcftExportS3({ clientFor: s3.clientFor }, ccft);
          rows = read.rows;
          source = `${read.files.length} file(s) under ${ccft} (${read.region})`;
        } finally {
          s3.close();
        }
      } else {
        const read = await readCcftExportPath(ccft);
        rows = read.rows;
        source = read.files.length === 1 ? read.files[0] : `${read.files.length} files under ${ccft}`;
      }
    } catch (e) {
      if (e instanceof CcftExportError) throw new UsageError(`--ccft: ${e.message}`);
      if (e instanceof S3ExportReadError && e.kind !== 'other') {
        if (e.kind === 'access-denied') throw e; // exit 1: the argument is fine, the credentials are not
        throw new UsageError(`--ccft: ${e.message}`);
      }
      if ((e as NodeJS.ErrnoException)?.code === 'ENOENT') throw new UsageError(`--ccft: ${ccft} does not exist`);
      throw e;
    }
    try {
      const report = await makeReconcileCcft({ store, clock: { nowSec: () => nowSec }, defaultAccountId: accountId })(rows);
      out(renderReconcile(report, format, source));
    } catch (e) {
      if (e instanceof MissingAccountIdError) throw new UsageError(`reconcile: ${e.message} or CARBONPILOT_ACCOUNT_ID`);
      throw e;
    }
    return 0;
  } finally {
    await close();
  }
}
