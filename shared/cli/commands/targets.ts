/**
 * `carbonpilot targets list|set|delete` on the local store.
 *   list   [--format table|json|csv] [--at ISO] [--data-dir DIR]
 *   set    --file target.json | --id ID --metric M --base-year Y --target-year Y [--method M] [--name S] [--scope S]
 *          [--basis B] [--base-value N] [--annual-reduction-pct P | --target-reduction-pct P | --target-value V]
 *          [--comparator below|at-most|at-least] [--if-version N] [--data-dir DIR]
 *   delete ID [--if-version N] [--data-dir DIR]
 * A bad definition (e.g. a target year before its base year) exits 2 naming the field; nothing is stored.
 */
import { parseTargetDefinition } from '../../contracts/targets';
import { scopeLabel } from '../../domain/budgets/emissions';
import { METRIC_INFO } from '../../domain/targets/types';
import { isoUtc, type EpochSec } from '../../domain/time';
import { makeDeleteTarget, makeSetTarget, makeTargetStatuses, type TargetDeps, type TargetStatus } from '../../use-cases/targets-crud';
import { flagEnum, flagInstant, flagInt, flagString, parseArgs, UsageError, type CommandUsage, type ParsedArgs } from '../args';
import { csvCell, DEMO_BANNER, FORMATS, renderColumns, type Format } from '../format';
import type { CliStore } from '../../composition/cli';
import { targetsBody } from '../../http/budget-views';
import { asUsage, numberOrRaw, openDefinitionsDb, parseScopeFlag, readJsonFile } from './budgets';
import { makeBudgetingDeps } from '../../composition/factories';

const LIST_USAGE = `usage: carbonpilot targets list [--format table|json|csv] [--at ISO] [--data-dir DIR]
  Every reduction target with its base, pathway, current value and forecast, and whether it needs recalculating.`;
const SET_USAGE = `usage: carbonpilot targets set --file target.json [--if-version N] [--data-dir DIR]
       carbonpilot targets set --id ID --metric M --base-year Y --target-year Y [--method M] [--name S] [--scope S]
          [--basis B] [--base-value N] [--annual-reduction-pct P | --target-reduction-pct P | --target-value V]
          [--comparator below|at-most|at-least] [--if-version N] [--data-dir DIR]
  Create or update a target; a bad definition (e.g. a target year before its base year) exits 2 naming the field.`;
const DELETE_USAGE = `usage: carbonpilot targets delete ID [--if-version N] [--data-dir DIR]`;

export const TARGETS_USAGE: CommandUsage = {
  text: `usage: carbonpilot targets <subcommand>       carbonpilot targets <subcommand> --help
  list     targets with their status
  set      create or update a target (--file or flags)
  delete   delete a target`,
  subcommands: { list: LIST_USAGE, set: SET_USAGE, delete: DELETE_USAGE },
};

const TARGET_FLAGS: Record<string, string> = {
  id: '--id', name: '--name', metric: '--metric', method: '--method', scope: '--scope', basis: '--basis', baseYear: '--base-year', base: '--base-value',
  targetYear: '--target-year', annualReductionPct: '--annual-reduction-pct', targetReductionPct: '--target-reduction-pct', targetValue: '--target-value', comparator: '--comparator',
};
const DEF_FLAGS = ['id', 'name', 'metric', 'method', 'scope', 'basis', 'base-year', 'base-value', 'target-year', 'annual-reduction-pct', 'target-reduction-pct', 'target-value', 'comparator'];

function targetFromFlags(a: ParsedArgs): unknown {
  const file = flagString(a, 'file');
  const given = DEF_FLAGS.filter((f) => a.flags.has(f));
  if (file) {
    if (given.length) throw new UsageError(`targets set: give --file or definition flags, not both (got --${given[0]})`);
    return readJsonFile(file);
  }
  const scope = flagString(a, 'scope');
  const baseValue = flagString(a, 'base-value');
  return {
    id: flagString(a, 'id'),
    name: flagString(a, 'name'),
    metric: flagString(a, 'metric'),
    method: flagString(a, 'method'),
    scope: scope === undefined ? undefined : parseScopeFlag(scope),
    basis: flagString(a, 'basis'),
    baseYear: numberOrRaw(flagString(a, 'base-year')),
    base: baseValue === undefined ? undefined : { value: numberOrRaw(baseValue), ...(flagString(a, 'basis') ? { basis: flagString(a, 'basis') } : {}) },
    targetYear: numberOrRaw(flagString(a, 'target-year')),
    annualReductionPct: numberOrRaw(flagString(a, 'annual-reduction-pct')),
    targetReductionPct: numberOrRaw(flagString(a, 'target-reduction-pct')),
    targetValue: numberOrRaw(flagString(a, 'target-value')),
    comparator: flagString(a, 'comparator'),
  };
}

/** The same budgeting deps as the API and the pipeline (composition/factories.ts), on the local store. */
const targetDeps = (db: CliStore) => makeBudgetingDeps(db.core, db.stores);

const num = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2));

export function renderTargets(r: { watermarkSec: EpochSec | undefined; statuses: TargetStatus[]; demo: boolean }, format: Format): string {
  if (format === 'json') return JSON.stringify(targetsBody(r), null, 2);
  if (format === 'csv') {
    const head = 'id,metric,method,unit,baseYear,targetYear,baseValue,period,value,forecast,pathwayValue,status,statusReason,recalculationRequired,demo';
    return [head, ...r.statuses.map((s) => [
      csvCell(s.target.id), s.target.metric, s.target.method, csvCell(METRIC_INFO[s.target.metric].unit), s.target.baseYear, s.target.targetYear, s.base.value ?? '',
      s.current.period, s.current.actual ?? '', s.current.forecast ?? '', s.current.pathwayValue ?? '', s.current.status, csvCell(s.current.reason), s.recalculation.required, s.demo,
    ].join(','))].join('\n');
  }
  if (!r.statuses.length) return 'No targets defined (carbonpilot targets set --help).';
  const rows = [['id', 'metric', 'years', 'base', 'period', 'value', 'forecast', 'pathway', 'status']];
  for (const s of r.statuses) {
    const unit = METRIC_INFO[s.target.metric].unit;
    rows.push([
      s.target.id, `${s.target.metric}${s.target.scope ? ` (${scopeLabel(s.target.scope)})` : ''}`, `${s.target.baseYear}→${s.target.targetYear}`,
      s.base.value === undefined ? 'n/a' : `${num(s.base.value)} ${s.base.source}`, s.current.period, num(s.current.actual), num(s.current.forecast), `${num(s.current.pathwayValue)} ${unit}`, s.current.status,
    ]);
  }
  const lines = [
    `Reduction targets${r.watermarkSec === undefined ? ' (no collected data yet)' : `, data to ${isoUtc(r.watermarkSec)}`} (location-based unless stated)`,
    ...(r.demo ? [DEMO_BANNER] : []),
    renderColumns(rows, (c) => c >= 5 && c <= 6),
    ...r.statuses.map((s) => `  ${s.target.id}: ${s.current.reason}${s.recalculation.required ? ` — RECALCULATE: ${s.recalculation.reason}` : ''}`),
  ];
  return lines.join('\n');
}

export async function targetsCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') {
    const a = parseArgs(rest, ['format', 'data-dir', 'at']);
    if (a.positionals.length) throw new UsageError(`targets list: unexpected argument "${a.positionals[0]}"`);
    const format = flagEnum(a, 'format', FORMATS, 'table');
    const at = flagInstant(a, 'at');
    const db = await openDefinitionsDb(a, false);
    try {
      out(renderTargets(await makeTargetStatuses(targetDeps(db))({ watermarkSec: at }), format));
      return 0;
    } finally {
      await db.close();
    }
  }
  if (sub === 'set') {
    const a = parseArgs(rest, ['file', ...DEF_FLAGS, 'if-version', 'data-dir']);
    if (a.positionals.length) throw new UsageError(`targets set: unexpected argument "${a.positionals[0]}"`);
    const raw = targetFromFlags(a);
    const flags = flagString(a, 'file') ? {} : TARGET_FLAGS;
    const expectedVersion = flagInt(a, 'if-version', 0, Number.MAX_SAFE_INTEGER);
    await asUsage('targets set', flags, async () => parseTargetDefinition(raw)); // before touching the store
    const db = await openDefinitionsDb(a, true);
    try {
      const r = await asUsage('targets set', flags, () => makeSetTarget(targetDeps(db))(raw, { expectedVersion }));
      const restated = r.record.baseline.restatedFrom;
      out(`target ${r.record.id} ${r.created ? 'created' : 'updated'} (version ${r.record.version}): ${r.record.metric}, ${r.record.baseYear}→${r.record.targetYear}` +
        (restated ? `; base-year value restated by ${restated.changePct.toFixed(1)} %: recalculation flagged` : ''));
      return 0;
    } finally {
      await db.close();
    }
  }
  if (sub === 'delete') {
    const a = parseArgs(rest, ['if-version', 'data-dir']);
    if (a.positionals.length !== 1) throw new UsageError('targets delete: expected one target id');
    const expectedVersion = flagInt(a, 'if-version', 1, Number.MAX_SAFE_INTEGER);
    const db = await openDefinitionsDb(a, false);
    try {
      const r = await asUsage('targets delete', {}, () => makeDeleteTarget(targetDeps(db))(a.positionals[0], { expectedVersion }));
      out(`target ${r.id} deleted (version ${r.version})`);
      return 0;
    } finally {
      await db.close();
    }
  }
  throw new UsageError(`targets: expected list, set or delete${sub ? `, got "${sub}"` : ''}`);
}
