/**
 * `carbonpilot lifecycle list|park|unpark|approve|undo|propose|ledger` on the local store, acting on the local
 * SageMaker stand-in (DEMO) — the same use cases the lifecycle function and the API run in AWS.
 *   list    [--all] [--state S] [--format table|json|csv] [--now ISO] [--data-dir DIR]
 *   park | unpark | approve | undo | propose RESOURCE [--region R] [--reason TEXT] [--by WHO] [--action A] [--dry-run] [--format table|json]
 *   ledger  [--from ISO] [--to ISO] [--format table|json|csv]
 */
import { userInfo } from 'node:os';
import { ZodError } from 'zod';
import { LifecycleActionRequest } from '../../contracts/lifecycle';
import { ACTION_KINDS, type LifecycleState } from '../../domain/lifecycle/types';
import { DAY_SEC, isoUtc } from '../../domain/time';
import type { Clock } from '../../ports';
import { requireCliStore } from '../../composition/cli';
import { lifecycleServiceDeps, localSageMaker } from '../../composition/lifecycle';
import { makeLifecycleService, LifecycleRequestError, type ActOutcome } from '../../use-cases/lifecycle-service';
import type { LifecycleResourceView } from '../../use-cases/lifecycle-evaluate';
import type { LedgerReport } from '../../use-cases/lifecycle-ledger';
import { renderCalls } from '../../use-cases/lifecycle-dry-run';
import { flagEnum, flagInstant, flagString, parseArgs, UsageError, type CommandUsage } from '../args';
import { csvCell, DEMO_BANNER, FORMATS, renderColumns } from '../format';
import { DEFAULT_DATA_DIR } from '../store-access';

const ACT = (verb: string, what: string) => `usage: carbonpilot lifecycle ${verb} RESOURCE [--region R] [--reason TEXT] [--by WHO] [--action A] [--dry-run]
                                    [--format table|json] [--now ISO] [--data-dir DIR]
  ${what}
  RESOURCE   an endpoint or inference component name, or a model package ARN
  --dry-run  print the calls it would make, change nothing`;

export const LIFECYCLE_USAGE: CommandUsage = {
  text: `usage: carbonpilot lifecycle <subcommand>       carbonpilot lifecycle <subcommand> --help
  list      cold, cooling and frozen models with idle days, the kgCO2e their idle time cost, and proposals
  propose   record a proposal for a resource (approve mode: it waits for an approval)
  approve   approve a waiting proposal
  park      snapshot and delete an endpoint (never its config or model), scale components to zero, or archive artefacts
  unpark    recreate a parked endpoint from its snapshot and wait for InService
  undo      reverse the last action on a resource
  ledger    avoided emissions (counterfactual, never mixed with measured ones)`,
  subcommands: {
    list: `usage: carbonpilot lifecycle list [--all] [--state active|cooling|cold|frozen|parked] [--format table|json|csv] [--now ISO] [--data-dir DIR]
  Endpoint variants, inference components and model packages by lifecycle state (default: all but active).`,
    propose: ACT('propose', 'Record a proposal for the cheapest rung of the ladder (or --action A).'),
    approve: ACT('approve', 'Approve the waiting proposal for RESOURCE.'),
    park: ACT('park', 'Park RESOURCE now (recorded with --by and --reason).'),
    unpark: ACT('unpark', 'Restore RESOURCE from its snapshot.'),
    undo: ACT('undo', 'Undo the last action on RESOURCE.'),
    ledger: `usage: carbonpilot lifecycle ledger [--from ISO] [--to ISO] [--format table|json|csv] [--data-dir DIR]
  kgCO2e avoided by parked and scaled-down resources (low/point/high), per resource and in total.`,
  },
};

const SUBCOMMANDS = ['list', 'park', 'unpark', 'approve', 'undo', 'propose', 'ledger'] as const;
const STATES: readonly LifecycleState[] = ['active', 'cooling', 'cold', 'frozen', 'parked'];
const n = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? '–' : x.toFixed(d));

/** A clock fixed at --now, else the wall clock. */
export const cliClock = (nowSec: number | undefined): Clock | undefined => (nowSec === undefined ? undefined : { nowSec: () => nowSec });

export async function lifecycleCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`lifecycle: expected one of ${SUBCOMMANDS.join('|')}${sub ? `, got "${sub}"` : ''}`);
  const a = parseArgs(rest, ['format', 'data-dir', 'now', 'region', 'reason', 'by', 'action', 'state', 'from', 'to'], ['all', 'dry-run']);
  const format = flagEnum(a, 'format', FORMATS, 'table');
  const nowSec = flagInstant(a, 'now');
  const fromSec = flagInstant(a, 'from');
  const toSec = flagInstant(a, 'to');
  const state = flagString(a, 'state');
  if (state !== undefined && !(STATES as readonly string[]).includes(state)) throw new UsageError(`--state: "${state}" is not one of ${STATES.join('|')}`);
  let request: LifecycleActionRequest | undefined;
  if (sub !== 'list' && sub !== 'ledger') {
    if (a.positionals.length !== 1) throw new UsageError(`lifecycle ${sub}: expected one RESOURCE (an endpoint or inference component name, or a model package ARN), got ${a.positionals.length}`);
    if (format === 'csv') throw new UsageError(`--format: csv is for list and ledger; ${sub} prints table or json`);
    try {
      request = LifecycleActionRequest.parse({
        op: sub,
        resource: a.positionals[0],
        ...(flagString(a, 'region') ? { region: flagString(a, 'region') } : {}),
        ...(flagString(a, 'action') ? { action: flagString(a, 'action') } : {}),
        by: flagString(a, 'by') ?? `cli:${userInfo().username}`,
        reason: flagString(a, 'reason') ?? `manual ${sub} from the CLI`,
        dryRun: a.flags.has('dry-run'),
      });
    } catch (e) {
      if (e instanceof ZodError) {
        const i = e.issues[0];
        const field = String(i.path[0] ?? 'argument');
        throw new UsageError(`lifecycle ${sub}: ${field === 'resource' ? 'RESOURCE' : `--${field === 'dryRun' ? 'dry-run' : field}`}: ${i.message}${field === 'action' ? ` (${ACTION_KINDS.join('|')})` : ''}`);
      }
      throw e;
    }
  } else if (a.positionals.length) throw new UsageError(`lifecycle ${sub}: unexpected argument "${a.positionals[0]}"`);

  const opened = await requireCliStore(flagString(a, 'data-dir') ?? DEFAULT_DATA_DIR, { clock: cliClock(nowSec) });
  try {
    const cloud = localSageMaker(opened.db.client, opened.db.tableName, opened.core);
    const svc = makeLifecycleService(lifecycleServiceDeps(opened.core, { cloud }));
    if (sub === 'list') {
      const v = await svc.view();
      const resources = v.resources.filter((r) => (state ? r.state === state : a.flags.has('all') || r.state !== 'active'));
      out(renderList(resources, { at: v.at, demo: v.demo, errors: v.errors }, format));
      return 0;
    }
    if (sub === 'ledger') {
      const now = opened.core.clock.nowSec();
      const w = { startSec: fromSec ?? now - 93 * DAY_SEC, endSec: toSec ?? now };
      if (w.startSec >= w.endSec) throw new UsageError('--from must be before --to');
      out(renderLedger(await svc.ledger(w), format));
      return 0;
    }
    let result: ActOutcome;
    try {
      result = await svc.act(request!);
    } catch (e) {
      if (e instanceof LifecycleRequestError) throw new UsageError(`lifecycle ${sub}: --${e.field}: ${e.message}`);
      throw e;
    }
    out(format === 'json' ? JSON.stringify(result, null, 2) : renderAct(result, opened.demo));
    return result.error ? 1 : 0;
  } finally {
    await opened.close();
  }
}

export function renderList(rs: readonly LifecycleResourceView[], meta: { at: number; demo: boolean; errors: string[] }, format: (typeof FORMATS)[number]): string {
  if (format === 'json') {
    return JSON.stringify({ at: isoUtc(meta.at), demo: meta.demo, errors: meta.errors, resources: rs }, null, 2);
  }
  if (format === 'csv') {
    const head = 'resource,kind,region,state,idleDays,idleDaysLowerBound,wastedKgCo2e,proposalAction,expectedSavingKgCo2ePerMonth,restoreTime,excluded,actionId,actionStatus,demo';
    return [head, ...rs.map((r) => [csvCell(r.resource), r.kind, r.region, r.state, r.idleDays, r.idleDaysLowerBound, r.wastedKgCo2e ?? '', r.proposal.action, r.proposal.expectedSavingKgCo2ePerMonth ?? '', r.proposal.restoreTime, csvCell(r.excluded ?? ''), r.action?.actionId ?? '', r.action?.status ?? '', r.demo].join(','))].join('\n');
  }
  const rows = [['resource', 'kind', 'region', 'state', 'idle d', 'wasted kgCO2e', 'proposal', 'saving kgCO2e/mo', 'restore', 'action']];
  for (const r of rs) {
    rows.push([
      r.resource.length > 40 ? `…${r.resource.slice(-39)}` : r.resource, r.kind, r.region, r.state,
      `${r.idleDaysLowerBound ? '≥' : ''}${n(r.idleDays, 1)}`, n(r.wastedKgCo2e, 2),
      r.proposal.action === 'none' ? `none (${r.proposal.reason.split(':')[0]})` : `${r.proposal.action}${r.proposal.ready ? '' : ' (when cold)'}`,
      n(r.proposal.expectedSavingKgCo2ePerMonth, 2), r.proposal.restoreTime,
      r.action ? `${r.action.action} ${r.action.status}` : r.excluded ? `excluded: ${r.excluded}` : '',
    ]);
  }
  return [
    `Model lifecycle at ${isoUtc(meta.at)} (idle = no Invocations; wasted = measured kgCO2e of the idle time, location-based)`,
    ...(meta.demo ? [DEMO_BANNER] : []),
    ...meta.errors.map((e) => `WARNING: ${e}`),
    rs.length ? renderColumns(rows, (c) => c === 4 || c === 5 || c === 7) : 'no cooling, cold, frozen or parked resources (lifecycle list --all shows every one)',
  ].join('\n');
}

function renderAct(r: ActOutcome, demo: boolean): string {
  const lines = [
    `${r.dryRun ? 'DRY RUN — nothing sent, nothing stored: ' : ''}${r.op} ${r.resource} (${r.kind}, ${r.region}): action ${r.actionId} (${r.action}) is ${r.status}${r.steps.length ? ` after ${r.steps.join(' → ')}` : ''}`,
    ...(r.waiting ? [`waiting: ${r.waiting}`] : []),
    ...(r.error ? [`FAILED: ${r.error} (the record keeps its status; run the same command again, or undo)`] : []),
    ...(demo ? [DEMO_BANNER] : []),
  ];
  if (r.calls) lines.push(r.dryRun ? 'AWS calls it would make, in order:' : 'AWS calls:', ...renderCalls(r.calls, { includeReads: true }).map((c) => `  ${c}`));
  return lines.join('\n');
}

export function renderLedger(r: LedgerReport, format: (typeof FORMATS)[number]): string {
  if (format === 'json') return JSON.stringify({ from: isoUtc(r.window.startSec), to: isoUtc(r.window.endSec), label: r.label, signal: r.signal, demo: r.demo, rows: r.rows, totals: r.totals }, null, 2);
  if (format === 'csv') {
    const head = 'actionId,resource,kind,region,action,effectiveFrom,effectiveTo,hours,gpuHours,avoidedKwh,avoidedKgCo2e,avoidedKgCo2eLow,avoidedKgCo2eHigh,basis,demo';
    return [head, ...r.rows.map((x) => [x.actionId, csvCell(x.resource), x.kind, x.region, x.action, x.effectiveFrom, x.effectiveTo ?? '', x.avoided.hours, x.avoided.gpuHours, x.avoided.energyKwh.point, x.avoided.co2eKg.point, x.avoided.co2eKg.low, x.avoided.co2eKg.high, csvCell(x.basis ? x.basis.method : x.note ?? ''), x.demo].join(','))].join('\n');
  }
  const rows = [['action', 'resource', 'from', 'to', 'hours', 'GPU-h', 'kWh', 'kgCO2e (low–high)']];
  for (const x of r.rows) rows.push([x.actionId, x.resource.length > 36 ? `…${x.resource.slice(-35)}` : x.resource, x.effectiveFrom, x.effectiveTo ?? 'in effect', n(x.avoided.hours, 1), n(x.avoided.gpuHours, 1), n(x.avoided.energyKwh.point, 2), x.basis ? `${n(x.avoided.co2eKg.point)} (${n(x.avoided.co2eKg.low)}–${n(x.avoided.co2eKg.high)})` : `– (${x.note})`]);
  const t = r.totals;
  rows.push(['TOTAL', '', '', '', n(t.hours, 1), n(t.gpuHours, 1), n(t.energyKwh.point, 2), `${n(t.co2eKg.point)} (${n(t.co2eKg.low)}–${n(t.co2eKg.high)})`]);
  return [`Savings ledger ${isoUtc(r.window.startSec)} → ${isoUtc(r.window.endSec)} — ${r.label}; signal ${r.signal}`, ...(r.demo ? [DEMO_BANNER] : []), renderColumns(rows, (c) => c >= 4)].join('\n');
}
