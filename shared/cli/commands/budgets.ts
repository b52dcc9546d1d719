/**
 * `carbonpilot budgets list|set|delete` on the local store (a running `npm start`, or the data directory).
 *   list   [--format table|json|csv] [--at ISO] [--data-dir DIR]
 *   set    --file budget.json | --id ID --scope account|team=T|project=P|model=M|region=R|kind=K --period month|quarter|year
 *          --limit-kg N [--name S] [--basis location-based|market-based] [--mode advisory|enforcing] [--embodied]
 *          [--notify ACTUAL:80%,FORECASTED:100%,ACTUAL:500kg] [--if-version N] [--data-dir DIR]
 *   delete ID [--if-version N] [--data-dir DIR]
 * A bad definition exits 2 naming the field (and the flag it came from); nothing is stored.
 */
import { readFileSync } from 'node:fs';
import { DefinitionError, parseBudgetDefinition } from '../../contracts/budgets';
import { systemClock } from '../../adapters/system-clock';
import { scopeLabel } from '../../domain/budgets/emissions';
import { isoUtc, type EpochSec } from '../../domain/time';
import { DefinitionNotFoundError, makeDeleteBudget, makeSetBudget, VersionConflictError } from '../../use-cases/budgets-crud';
import { makeBudgetStatuses, type BudgetStatusView } from '../../use-cases/evaluate-budgets';
import { budgetsBody } from '../../http/budget-views';
import type { BudgetDataDeps } from '../../use-cases/budget-data';
import { flagEnum, flagInstant, flagInt, flagString, parseArgs, UsageError, type CommandUsage, type ParsedArgs } from '../args';
import { csvCell, DEMO_BANNER, FORMATS, renderColumns, type Format } from '../format';
import { DEFAULT_DATA_DIR } from '../store-access';
import { openCliStore, type CliStore } from '../../composition/cli';

const LIST_USAGE = `usage: carbonpilot budgets list [--format table|json|csv] [--at ISO] [--data-dir DIR]
  Every budget with its current period's actual and forecast kgCO2e, utilisation and notifications crossed.`;
const SET_USAGE = `usage: carbonpilot budgets set --file budget.json [--if-version N] [--data-dir DIR]
       carbonpilot budgets set --id ID --scope account|team=T|project=P|model=M|region=R|kind=K --period month|quarter|year
          --limit-kg N [--name S] [--basis location-based|market-based] [--mode advisory|enforcing] [--embodied]
          [--notify ACTUAL:80%,FORECASTED:100%,ACTUAL:500kg] [--if-version N] [--data-dir DIR]
  Create or update a budget; a bad definition exits 2 naming the field (and its flag), nothing stored. An enforcing
  budget refuses jobs that would exceed it (exit 3).`;
const DELETE_USAGE = `usage: carbonpilot budgets delete ID [--if-version N] [--data-dir DIR]`;

export const BUDGETS_USAGE: CommandUsage = {
  text: `usage: carbonpilot budgets <subcommand>       carbonpilot budgets <subcommand> --help
  list     budgets with their status
  set      create or update a budget (--file or flags)
  delete   delete a budget`,
  subcommands: { list: LIST_USAGE, set: SET_USAGE, delete: DELETE_USAGE },
};

/** The local store of the data directory (created for writes; a clear error for reads of a missing store). */
export async function openDefinitionsDb(a: ParsedArgs, write: boolean): Promise<CliStore> {
  const dataDir = flagString(a, 'data-dir') ?? DEFAULT_DATA_DIR;
  const db = await openCliStore(dataDir, { create: write });
  if (!db) throw new Error(`no local store under ${dataDir} (run \`npm start -- --once\` first, or pass --data-dir)`);
  return db;
}

/** What budget evaluation reads from the local store (attribution keys as the pipeline resolves them). */
export function localBudgetData(db: CliStore, atSec?: EpochSec): BudgetDataDeps {
  return {
    store: db.stores.store,
    jobs: db.stores.jobs,
    attributionKeys: db.config.attributionKeys,
    clock: atSec === undefined ? systemClock : { nowSec: () => atSec },
  };
}

/** Read `--file` as JSON (a usage error naming the file when it cannot be read). */
export function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(e as Error).message})`}`);
  }
}

/** A number flag kept as given when it is not one, so the contract names the field ("expected a number"). */
export const numberOrRaw = (v: string | undefined): unknown => (v === undefined ? undefined : v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);

/** Definition errors and lookups as CLI errors: a bad field or an unknown id is exit 2, naming it (and its flag). */
export async function asUsage<T>(what: string, flagOf: Record<string, string>, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof DefinitionError) {
      throw new UsageError(`${what}: ${e.fields.map((x) => {
        const flag = flagOf[x.field] ?? flagOf[x.field.split('.')[0]];
        return `${x.field}: ${x.message}${flag ? ` (${flag})` : ''}`;
      }).join('; ')}; nothing stored`);
    }
    if (e instanceof DefinitionNotFoundError) throw new UsageError(`${what}: ${e.message}`);
    if (e instanceof VersionConflictError) throw new Error(`${what}: ${e.message}`);
    throw e;
  }
}

const BUDGET_FLAGS: Record<string, string> = {
  id: '--id', name: '--name', scope: '--scope', 'scope.dimension': '--scope', 'scope.value': '--scope', period: '--period', limitKgCo2e: '--limit-kg',
  basis: '--basis', mode: '--mode', includeEmbodied: '--embodied', notifications: '--notify',
};

/** `ACTUAL:80%` → a percentage notification, `FORECASTED:500kg` → an absolute one (kgCO2e). */
export function parseNotifyFlag(v: string): { type: string; threshold: unknown; thresholdType: string }[] {
  return v.split(',').map((part, i) => {
    const m = /^\s*([A-Za-z]+)\s*:\s*([^%a-zA-Z\s]+)\s*(%|kg)\s*$/.exec(part);
    if (!m) throw new UsageError(`--notify: item ${i + 1} "${part}" is not TYPE:N% or TYPE:Nkg (e.g. ACTUAL:80%,FORECASTED:100%)`);
    return { type: m[1].toUpperCase(), threshold: numberOrRaw(m[2]), thresholdType: m[3] === '%' ? 'PERCENTAGE' : 'ABSOLUTE_VALUE' };
  });
}

/** `account`, `team=nlp` … as a scope object (validated by the contract). */
export function parseScopeFlag(v: string): { dimension: string; value?: string } {
  const eq = v.indexOf('=');
  return eq < 0 ? { dimension: v.trim() } : { dimension: v.slice(0, eq).trim(), value: v.slice(eq + 1).trim() };
}

function budgetFromFlags(a: ParsedArgs): unknown {
  const file = flagString(a, 'file');
  const fromFlags = ['id', 'name', 'scope', 'period', 'limit-kg', 'basis', 'mode', 'notify'].filter((f) => a.flags.has(f));
  if (file) {
    if (fromFlags.length || a.flags.has('embodied')) throw new UsageError(`budgets set: give --file or definition flags, not both (got --${fromFlags[0] ?? 'embodied'})`);
    return readJsonFile(file);
  }
  const notify = flagString(a, 'notify');
  const scope = flagString(a, 'scope');
  return {
    id: flagString(a, 'id'),
    name: flagString(a, 'name'),
    scope: scope === undefined ? undefined : parseScopeFlag(scope),
    period: flagString(a, 'period'),
    limitKgCo2e: numberOrRaw(flagString(a, 'limit-kg')),
    basis: flagString(a, 'basis'),
    mode: flagString(a, 'mode'),
    includeEmbodied: a.flags.has('embodied') ? true : undefined,
    notifications: notify === undefined ? undefined : parseNotifyFlag(notify),
  };
}

const kg = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1));
const pct = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : `${x.toFixed(0)} %`);
const notifText = (n: { type: string; threshold: number; thresholdType: string; condition: string | null }) =>
  `${n.type}>${n.threshold}${n.thresholdType === 'PERCENTAGE' ? '%' : 'kg'}:${n.condition ?? 'n/a'}`;

export function renderBudgets(r: { watermarkSec: EpochSec | undefined; statuses: BudgetStatusView[]; demo: boolean }, format: Format): string {
  if (format === 'json') return JSON.stringify(budgetsBody(r), null, 2);
  if (format === 'csv') {
    const head = 'id,scope,period,periodKey,mode,basis,limitKgCo2e,actualKgCo2e,forecastP50KgCo2e,forecastP90KgCo2e,utilisationPct,forecastUtilisationPct,remainingKgCo2e,available,notifications,demo';
    return [head, ...r.statuses.map((s) => [
      csvCell(s.budget.id), csvCell(scopeLabel(s.budget.scope)), s.budget.period, s.period.key, s.budget.mode, s.budget.basis, s.budget.limitKgCo2e,
      s.actualKgCo2e ?? '', s.forecast?.p50KgCo2e ?? '', s.forecast?.p90KgCo2e ?? '', s.utilisationPct ?? '', s.forecastUtilisationPct ?? '', s.remainingKgCo2e ?? '',
      s.available, csvCell(s.notifications.map(notifText).join(' ')), s.demo,
    ].join(','))].join('\n');
  }
  if (!r.statuses.length) return 'No budgets defined (carbonpilot budgets set --help).';
  const lines = [
    `Carbon budgets${r.watermarkSec === undefined ? ' (no collected data yet)' : `, data to ${isoUtc(r.watermarkSec)}`} — kgCO2e, location-based unless stated`,
    ...(r.demo ? [DEMO_BANNER] : []),
  ];
  const rows = [['id', 'scope', 'period', 'mode', 'limit', 'actual', 'used', 'forecast P50 (P90)', 'at end', 'remaining', 'notifications']];
  for (const s of r.statuses) {
    rows.push([
      s.budget.id, scopeLabel(s.budget.scope), s.period.key, s.budget.mode, kg(s.budget.limitKgCo2e), kg(s.actualKgCo2e), pct(s.utilisationPct),
      s.forecast?.status === 'ok' ? `${kg(s.forecast.p50KgCo2e)} (${kg(s.forecast.p90KgCo2e)})` : 'n/a', pct(s.forecastUtilisationPct), kg(s.remainingKgCo2e),
      s.notifications.map(notifText).join(' ') || '–',
    ]);
  }
  lines.push(renderColumns(rows, (c) => c >= 4 && c <= 9));
  for (const s of r.statuses) {
    if (!s.available) lines.push(`  ${s.budget.id}: not available — ${s.reason}`);
    else if (s.forecast?.status === 'insufficient-data') lines.push(`  ${s.budget.id}: no forecast — ${s.forecast.reason}`);
    if (s.embodied) {
      const e = s.embodied;
      const gap = e.resourcesWithoutFigure || e.plannedJobsWithoutFigure
        ? `; without an embodied figure (operational only): ${e.resourcesWithoutFigure} of ${e.resourcesInScope} resources, ${e.plannedJobsWithoutFigure} planned job(s)`
        : '';
      lines.push(`  ${s.budget.id}: includes embodied — actual ${kg(s.actualKgCo2e)} = operational ${kg(e.operationalKgCo2e)} + embodied ${kg(e.embodiedKgCo2e)}${gap}`);
    }
  }
  return lines.join('\n');
}

export async function budgetsCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') {
    const a = parseArgs(rest, ['format', 'data-dir', 'at']);
    if (a.positionals.length) throw new UsageError(`budgets list: unexpected argument "${a.positionals[0]}"`);
    const format = flagEnum(a, 'format', FORMATS, 'table');
    const at = flagInstant(a, 'at');
    const db = await openDefinitionsDb(a, false);
    try {
      const r = await makeBudgetStatuses({ ...localBudgetData(db), budgets: db.stores.budgets })({ watermarkSec: at });
      out(renderBudgets(r, format));
      return 0;
    } finally {
      await db.close();
    }
  }
  if (sub === 'set') {
    const a = parseArgs(rest, ['file', 'id', 'name', 'scope', 'period', 'limit-kg', 'basis', 'mode', 'notify', 'if-version', 'data-dir'], ['embodied']);
    if (a.positionals.length) throw new UsageError(`budgets set: unexpected argument "${a.positionals[0]}"`);
    const raw = budgetFromFlags(a);
    const expectedVersion = flagInt(a, 'if-version', 0, Number.MAX_SAFE_INTEGER);
    // Validate before opening (or creating) the store: a bad definition touches nothing.
    await asUsage('budgets set', flagString(a, 'file') ? {} : BUDGET_FLAGS, async () => parseBudgetDefinition(raw));
    const db = await openDefinitionsDb(a, true);
    try {
      const r = await asUsage('budgets set', flagString(a, 'file') ? {} : BUDGET_FLAGS, () => makeSetBudget({ budgets: db.stores.budgets, clock: systemClock })(raw, { expectedVersion }));
      out(`budget ${r.record.id} ${r.created ? 'created' : 'updated'} (version ${r.record.version}): ${scopeLabel(r.record.scope)}, ${r.record.period}, ${r.record.limitKgCo2e} kgCO2e, ${r.record.mode}`);
      return 0;
    } finally {
      await db.close();
    }
  }
  if (sub === 'delete') {
    const a = parseArgs(rest, ['if-version', 'data-dir']);
    if (a.positionals.length !== 1) throw new UsageError('budgets delete: expected one budget id');
    const expectedVersion = flagInt(a, 'if-version', 1, Number.MAX_SAFE_INTEGER);
    const db = await openDefinitionsDb(a, false);
    try {
      const r = await asUsage('budgets delete', {}, () => makeDeleteBudget({ budgets: db.stores.budgets, clock: systemClock })(a.positionals[0], { expectedVersion }));
      out(`budget ${r.id} deleted (version ${r.version})`);
      return 0;
    } finally {
      await db.close();
    }
  }
  throw new UsageError(`budgets: expected list, set or delete${sub ? `, got "${sub}"` : ''}`);
}
