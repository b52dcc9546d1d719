/**
 * `carbonpilot optimise start FILE.json | status ID | list [--model M] [--endpoint E] | promote ID | abort ID |
 *  quality ID --candidate X [--baseline Y] [--metric M]`  [--format table|json|csv] [--data-dir DIR] [--now ISO]
 *
 * The model optimisation ledger of the local store (`npm start` drives the attempts; locally SageMaker is the DEMO
 * stand-in — in AWS use the API, POST /api/optimisations). A bad file or argument exits 2 naming the field; a
 * request the attempt's state refuses (promote a rejected candidate, abort a deployment) exits 1 with the reason.
 */
import { readFileSync, statSync } from 'node:fs';
import { OptimiseStartRequest, ATTEMPT_ID } from '../../contracts/optimisation';
import { MAX_REQUEST_BODY_BYTES } from '../../contracts/job-request';
import { formatChange } from '../../domain/optimisation/decision';
import { systemClock } from '../../adapters/system-clock';
import {
  OptimiseRequestError,
  makeAbortOptimisation,
  makePromoteOptimisation,
  makeStartOptimisation,
  makeSubmitQuality,
} from '../../use-cases/optimise-attempt';
import { ledgerRow, makeListOptimisations, type LedgerRow } from '../../use-cases/optimise-ledger';
import { cliOptimiseDeps, openCliStore, requireCliStore } from '../../composition/cli';
import { flagEnum, flagInstant, flagString, parseArgs, UsageError, type CommandUsage, type ParsedArgs } from '../args';
import { csvCell, DEMO_BANNER, FORMATS, renderColumns, type Format } from '../format';
import { DEFAULT_DATA_DIR } from '../store-access';

const OPTIMISE_SYNOPSIS = 'optimise start FILE.json | status ID | list [--model M] [--endpoint E] | promote ID | abort ID | quality ID --candidate X [--baseline Y] [--metric M]  [--format table|json|csv] [--data-dir DIR]';

export const OPTIMISE_USAGE: CommandUsage = {
  text: `usage: carbonpilot optimise <subcommand>       carbonpilot optimise <subcommand> --help
  start FILE.json   launch an optimisation attempt (quantise, compile, speculative decoding or your own artefact)
  status ID         the attempt's state, measurement (J per inference per variant, with its interval) and decision
  list              attempts, by --model M or --endpoint E
  promote ID        promote a candidate that passed every gate (refused otherwise)
  abort ID          stop an attempt and discard its candidate
  quality ID        record the candidate's quality result: --candidate X [--baseline Y] [--metric M]
  --format table|json|csv   --data-dir DIR (default .carbonpilot)`,
  subcommands: {
    start: 'usage: carbonpilot optimise start FILE.json [--format table|json] [--data-dir DIR]\n  FILE.json: an optimisation request (examples/optimise-request.json); every field error exits 2 naming the field.',
    status: 'usage: carbonpilot optimise status ID [--format table|json] [--data-dir DIR]',
    list: 'usage: carbonpilot optimise list [--model M] [--endpoint E] [--format table|json|csv] [--data-dir DIR]',
    promote: 'usage: carbonpilot optimise promote ID [--data-dir DIR]',
    abort: 'usage: carbonpilot optimise abort ID [--data-dir DIR]',
    quality: 'usage: carbonpilot optimise quality ID --candidate X [--baseline Y] [--metric M] [--data-dir DIR]',
  },
};

/** Read and validate the start request file; every problem is a usage error (exit 2) naming the field. */
export function readOptimiseRequestFile(file: string | undefined): OptimiseStartRequest {
  if (!file) throw new UsageError('expected an optimisation request file: carbonpilot optimise start FILE.json');
  let raw: unknown;
  try {
    const bytes = statSync(file).size;
    if (bytes > MAX_REQUEST_BODY_BYTES) throw new UsageError(`${file}: ${bytes} bytes is over the ${MAX_REQUEST_BODY_BYTES / 1024} KiB request limit`);
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(e as Error).message})`}`);
  }
  const r = OptimiseStartRequest.safeParse(raw);
  if (!r.success) throw new UsageError(`${file}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

const attemptArg = (a: ParsedArgs, sub: string): string => {
  const id = a.positionals[1];
  if (!id) throw new UsageError(`optimise ${sub}: expected an attempt id`);
  if (!ATTEMPT_ID.test(id)) throw new UsageError(`optimise ${sub}: "${id}" is not an attempt id (16 lowercase hex digits)`);
  if (a.positionals.length > 2) throw new UsageError(`optimise ${sub}: unexpected argument "${a.positionals[2]}"`);
  return id;
};

const num = (x: number | null | undefined, d = 3): string => (x === null || x === undefined ? '–' : Number(x.toPrecision(d)).toString());
const configText = (r: LedgerRow): string => {
  const c = r.config as Record<string, unknown>;
  return [c.kind, c.format, c.technique, c.framework].filter((x) => typeof x === 'string').join(':');
};

/** The ledger as table, CSV or JSON (`{ attempts: [...] }`). */
export function renderLedger(rows: readonly LedgerRow[], format: Format): string {
  const demo = rows.some((r) => r.demo);
  if (format === 'json') return JSON.stringify({ attempts: rows, demo }, null, 2);
  if (format === 'csv') {
    const head = 'attempt_id,model,endpoint,region,config,status,baseline_j_per_inference,candidate_j_per_inference,baseline_gco2e_per_inference,candidate_gco2e_per_inference,change_pct,change_low_pct,change_high_pct,quality_metric,quality_delta_pct,decision,reason,demo';
    return [
      head,
      ...rows.map((r) =>
        [
          r.attemptId, csvCell(r.model), csvCell(r.endpoint), r.region, csvCell(configText(r)), r.status,
          r.baseline.jPerInference ?? '', r.candidate.jPerInference ?? '', r.baseline.gCo2ePerInference ?? '', r.candidate.gCo2ePerInference ?? '',
          r.changePct?.point ?? '', r.changePct?.low ?? '', r.changePct?.high ?? '',
          csvCell(r.quality?.metric ?? ''), r.quality?.deltaPct ?? '', r.decision ?? '', csvCell(r.reason ?? ''), r.demo,
        ].join(','),
      ),
    ].join('\n');
  }
  if (!rows.length) return 'No optimisation attempts yet (carbonpilot optimise start FILE.json, or POST /api/optimisations).';
  const table = [
    ['attempt', 'model', 'config', 'status', 'J/inference before → after', 'change [95 %]', 'gCO2e/inference before → after', 'quality Δ', 'decision'],
    ...rows.map((r) => [
      r.attemptId,
      r.model,
      configText(r),
      r.status,
      `${num(r.baseline.jPerInference, 4)} → ${num(r.candidate.jPerInference, 4)}`,
      r.changePct ? formatChange(r.changePct, 'J/inf') : r.progress ? `measuring ${r.progress.pairedHours}/${r.progress.minHours} h` : '–',
      `${num(r.baseline.gCo2ePerInference)} → ${num(r.candidate.gCo2ePerInference)}`,
      r.quality?.deltaPct !== null && r.quality?.deltaPct !== undefined ? `${num(r.quality.deltaPct, 2)} %` : '–',
      r.decision ?? '–',
    ]),
  ];
  return [
    'Optimisation ledger (J and gCO2e per successful inference from our footprints; change paired by hour, 95 % bootstrap)',
    ...(demo ? [DEMO_BANNER] : []),
    renderColumns(table, () => false),
    ...rows.filter((r) => r.reason).map((r) => `  ${r.attemptId} ${r.decision ?? r.status}: ${r.reason}`),
  ].join('\n');
}

export async function optimiseCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, ['format', 'data-dir', 'now', 'model', 'endpoint', 'candidate', 'baseline', 'metric']);
  const sub = a.positionals[0];
  const format = flagEnum(a, 'format', FORMATS, 'table');
  const dataDir = flagString(a, 'data-dir') ?? DEFAULT_DATA_DIR;
  const nowSec = flagInstant(a, 'now');
  const clock = nowSec !== undefined ? { nowSec: () => nowSec } : systemClock;
  const show = (rec: Parameters<typeof ledgerRow>[0]) => out(format === 'table' ? renderLedger([ledgerRow(rec)], 'table') : renderLedger([ledgerRow(rec)], format));
  switch (sub) {
    case 'start': {
      if (a.positionals.length > 2) throw new UsageError(`optimise start: unexpected argument "${a.positionals[2]}"`);
      const req = readOptimiseRequestFile(a.positionals[1]);
      const opened = await openCliStore(dataDir, { create: true, clock });
      try {
        const r = await makeStartOptimisation(cliOptimiseDeps(dataDir, opened!, clock))(req).catch((e: unknown) => {
          if (e instanceof OptimiseRequestError) throw new UsageError(`${a.positionals[1]}: ${e.message}`);
          throw e;
        });
        out(`attempt ${r.attempt.attemptId} ${r.created ? 'started' : 'already exists'} (${r.attempt.status}); the running \`npm start\` drives it`);
        show(r.attempt);
        return 0;
      } finally {
        await opened?.close();
      }
    }
    case 'list': {
      if (a.positionals.length > 1) throw new UsageError(`optimise list: unexpected argument "${a.positionals[1]}"`);
      const opened = await requireCliStore(dataDir, { clock });
      try {
        out(renderLedger(await makeListOptimisations(opened.stores.optimisations)({ model: flagString(a, 'model'), endpoint: flagString(a, 'endpoint') }), format));
        return 0;
      } finally {
        await opened.close();
      }
    }
    case 'status': {
      const id = attemptArg(a, sub);
      const opened = await requireCliStore(dataDir, { clock });
      try {
        const rec = await opened.stores.optimisations.get(id);
        if (!rec) throw new Error(`no optimisation attempt ${id}`);
        show(rec);
        if (format === 'table') for (const h of rec.history) out(`  ${new Date(h.atSec * 1000).toISOString().replace('.000Z', 'Z')}  ${h.status.padEnd(17)} ${h.note}`);
        return 0;
      } finally {
        await opened.close();
      }
    }
    case 'promote':
    case 'abort':
    case 'quality': {
      const id = attemptArg(a, sub);
      const opened = await requireCliStore(dataDir, { clock });
      try {
        const deps = cliOptimiseDeps(dataDir, opened, clock);
        let rec;
        if (sub === 'quality') {
          const n = (name: string) => {
            const v = flagString(a, name);
            if (v === undefined) return undefined;
            const x = Number(v);
            if (!Number.isFinite(x)) throw new UsageError(`--${name}: "${v}" is not a number`);
            return x;
          };
          const candidate = n('candidate');
          if (candidate === undefined) throw new UsageError('optimise quality: --candidate SCORE is required');
          rec = await makeSubmitQuality(deps)(id, { candidate, ...(n('baseline') !== undefined ? { baseline: n('baseline') } : {}), ...(flagString(a, 'metric') ? { metric: flagString(a, 'metric') } : {}) }).catch((e: unknown) => {
            if (e instanceof OptimiseRequestError) throw new UsageError(`--${e.field}: ${e.message.slice(e.field.length + 2)}`);
            throw e;
          });
        } else rec = await (sub === 'promote' ? makePromoteOptimisation(deps) : makeAbortOptimisation(deps))(id);
        out(`attempt ${id}: ${sub} requested (${rec.status}); the running \`npm start\` acts on it`);
        return 0;
      } finally {
        await opened.close();
      }
    }
    default:
      throw new UsageError(sub ? `optimise: unknown subcommand "${sub}" (${OPTIMISE_SYNOPSIS})` : `optimise: expected a subcommand (${OPTIMISE_SYNOPSIS})`);
  }
}
