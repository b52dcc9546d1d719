/** The `carbonpilot` CLI. Exit codes: 0 ok, 1 failure, 2 bad arguments, 3 refused by an enforcing carbon budget. */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { UsageError } from '../shared/cli/args';
import { DataDirInUseError } from '../shared/cli/store-access';
import { reportCommand } from '../shared/cli/commands/report';
import { startCommand } from '../shared/cli/commands/start';
import { kpisCommand } from '../shared/cli/commands/kpis';
import { planCommand, submitCommand } from '../shared/cli/commands/plan';
import { intensityCommand } from '../shared/cli/commands/intensity';
import { reconcileCommand } from '../shared/cli/commands/reconcile';
import { instrumentsCommand } from '../shared/cli/commands/instruments';
import { budgetsCommand } from '../shared/cli/commands/budgets';
import { targetsCommand } from '../shared/cli/commands/targets';
import { optimiseCommand } from '../shared/cli/commands/optimise';

const USAGE = `usage: carbonpilot <command> [options]
  start   [--once] [--now ISO] [--days N] [--data-dir DIR]     run the pipeline locally on the demo fleet
  report  --by job|endpoint|instance|team|project|model|region|day|kind [--from ISO] [--to ISO]
          [--format table|csv|json] [--basis location|market] [--include embodied] [--data-dir DIR]
                                                               footprint report from the local store
  kpis    [--from ISO] [--to ISO] [--format table|csv|json] [--data-dir DIR]   sustainability KPIs
  intensity import FILE --zone ZONE [--signal S] [--timezone TZ] [--time-column C --value-column C --unit U]
          | backfill --zone Z --from ISO --to ISO [--provider P]
          | show --region R [--from ISO] [--to ISO] [--format …]      grid intensity series
  plan    FILE.json [--now ISO]                                preview a carbon-aware plan (nothing dispatched)
  submit  FILE.json [--data-dir DIR]                           plan and schedule a training job locally
  reconcile --ccft FILE|DIR|demo [--format table|json|csv] [--account-id ID] [--now ISO] [--data-dir DIR]
                                                               compare with AWS's carbon export (CCFT)
  instruments import FILE.json | demo | show [--data-dir DIR]  contractual instruments (market-based scope 2)
  budgets list [--format …] | set --file F | --id ID --scope S --period P --limit-kg N [--mode M] [--notify …] | delete ID
  targets list [--format …] | set --file F | --id ID --metric M --base-year Y --target-year Y [...] | delete ID
  optimise start FILE.json | status ID | list [--model M] [--endpoint E] | promote ID | abort ID | quality ID --candidate X
          [--format table|json|csv] [--data-dir DIR]             model optimisation attempts and their ledger`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  start: (argv) => startCommand(argv, (s) => console.log(s), (s) => console.error(s)),
  report: (argv) => reportCommand(argv, (s) => console.log(s)),
  kpis: (argv) => kpisCommand(argv, (s) => console.log(s)),
  intensity: (argv) => intensityCommand(argv, (s) => console.log(s), (s) => console.error(s)),
  plan: (argv) => planCommand(argv, (s) => console.log(s)),
  submit: (argv) => submitCommand(argv, (s) => console.log(s)),
  reconcile: (argv) => reconcileCommand(argv, (s) => console.log(s)),
  instruments: (argv) => instrumentsCommand(argv, (s) => console.log(s)),
  budgets: (argv) => budgetsCommand(argv, (s) => console.log(s)),
  targets: (argv) => targetsCommand(argv, (s) => console.log(s)),
  optimise: (argv) => optimiseCommand(argv, (s) => console.log(s)),
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === 'help') {
    console.log(USAGE);
    return cmd ? 0 : 2;
  }
  const run = COMMANDS[cmd];
  // Everything the CLI writes (data directory, LevelDB files, endpoint, schedules, exports) is owner-only.
  process.umask(0o077);
  try {
    if (!run) throw new UsageError(`unknown command "${cmd}"`);
    return await run(rest);
  } catch (e) {
    if (e instanceof DataDirInUseError) {
      console.error(`carbonpilot: ${e.message}`);
      return 2;
    }
    if (e instanceof UsageError) {
      console.error(`carbonpilot: ${e.message}\n${USAGE}`);
      return 2;
    }
    console.error(`carbonpilot: ${e instanceof Error ? e.message : String(e)}`);
    // Typed errors may carry their own exit code (BudgetExceededError: 3).
    const code = (e as { exitCode?: unknown }).exitCode;
    return typeof code === 'number' && Number.isInteger(code) && code > 2 ? code : 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
