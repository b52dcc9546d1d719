/**
 * The `carbonpilot` CLI. Exit codes (EXIT in shared/cli/args.ts): 0 ok, 1 failure, 2 bad arguments, 3 refused by an
 * enforcing carbon budget, 4 `plan`/`submit`: the deadline cannot be met.
 *
 * Start-up does only what the command needs: command modules (and with them the AWS SDK, dynalite, zod …) are loaded
 * when their command runs, so `--version` and `--help` load nothing. Run compiled (dist/bin/cli.js, `npm run build`;
 * bin/carbonpilot-cli.js is the `bin` entry) or from the sources with `npm run dev -- <command>` (tsx).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, UsageError, usageText, wantsHelp, type CommandUsage } from '../shared/cli/args';

type Out = (s: string) => void;
export interface CliIo {
  out: Out;
  err: Out;
}
/** A command: its entry point and its `--help` text, loaded only when the command is used. */
export interface CommandModule {
  run(argv: string[], out: Out, err: Out): Promise<number>;
  usage: CommandUsage;
}
export interface CommandEntry {
  /** One line for `carbonpilot --help` (kept here so the overview loads no command module). */
  summary: string;
  load(): Promise<CommandModule>;
}

/**
 * Every command: ONE entry each (a module exporting its command function and its usage). `require`, not `import()`:
 * a CommonJS require works compiled, under ts-jest and under tsx's CommonJS loader alike.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const COMMANDS: Record<string, CommandEntry> = {
  start: { summary: 'run the pipeline locally on the DEMO fleet; serves the dashboard and API (npm start)', load: async () => { const m = require('../shared/cli/commands/start') as typeof import('../shared/cli/commands/start'); return { run: m.startCommand, usage: m.START_USAGE }; } },
  report: { summary: 'footprint report by job|endpoint|instance|team|project|model|region|day|kind', load: async () => { const m = require('../shared/cli/commands/report') as typeof import('../shared/cli/commands/report'); return { run: m.reportCommand, usage: m.REPORT_USAGE }; } },
  kpis: { summary: 'sustainability KPIs of the local store', load: async () => { const m = require('../shared/cli/commands/kpis') as typeof import('../shared/cli/commands/kpis'); return { run: m.kpisCommand, usage: m.KPIS_USAGE }; } },
  intensity: { summary: 'grid intensity: import FILE | backfill | show', load: async () => { const m = require('../shared/cli/commands/intensity') as typeof import('../shared/cli/commands/intensity'); return { run: m.intensityCommand, usage: m.INTENSITY_USAGE }; } },
  plan: { summary: 'preview the carbon-aware plan of a job request FILE.json (nothing scheduled)', load: async () => { const m = require('../shared/cli/commands/plan') as typeof import('../shared/cli/commands/plan'); return { run: m.planCommand, usage: m.PLAN_USAGE }; } },
  submit: { summary: 'plan and schedule a training job request FILE.json locally', load: async () => { const m = require('../shared/cli/commands/plan') as typeof import('../shared/cli/commands/plan'); return { run: m.submitCommand, usage: m.SUBMIT_USAGE }; } },
  reconcile: { summary: "compare with AWS's carbon export (CCFT Data Exports CARBON_EMISSIONS)", load: async () => { const m = require('../shared/cli/commands/reconcile') as typeof import('../shared/cli/commands/reconcile'); return { run: m.reconcileCommand, usage: m.RECONCILE_USAGE }; } },
  instruments: { summary: 'contractual instruments for market-based scope 2: import FILE.json | demo | show', load: async () => { const m = require('../shared/cli/commands/instruments') as typeof import('../shared/cli/commands/instruments'); return { run: m.instrumentsCommand, usage: m.INSTRUMENTS_USAGE }; } },
  budgets: { summary: 'carbon budgets: list | set | delete', load: async () => { const m = require('../shared/cli/commands/budgets') as typeof import('../shared/cli/commands/budgets'); return { run: m.budgetsCommand, usage: m.BUDGETS_USAGE }; } },
  targets: { summary: 'reduction targets: list | set | delete', load: async () => { const m = require('../shared/cli/commands/targets') as typeof import('../shared/cli/commands/targets'); return { run: m.targetsCommand, usage: m.TARGETS_USAGE }; } },
  lifecycle: { summary: 'cold models and reversible parking: list | propose | approve | park | unpark | undo | ledger', load: async () => { const m = require('../shared/cli/commands/lifecycle') as typeof import('../shared/cli/commands/lifecycle'); return { run: m.lifecycleCommand, usage: m.LIFECYCLE_USAGE }; } },
  optimise: { summary: 'model optimisation attempts: start FILE.json | status | list | promote | abort | quality', load: async () => { const m = require('../shared/cli/commands/optimise') as typeof import('../shared/cli/commands/optimise'); return { run: m.optimiseCommand, usage: m.OPTIMISE_USAGE }; } },
  rightsizing: { summary: 'smaller or newer instances for low-utilisation GPUs, with projected energy and kgCO2e', load: async () => { const m = require('../shared/cli/commands/rightsizing') as typeof import('../shared/cli/commands/rightsizing'); return { run: m.rightsizingCommand, usage: m.RIGHTSIZING_USAGE }; } },
};

/* eslint-enable @typescript-eslint/no-require-imports */

export function overview(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'usage: carbonpilot <command> [options]        carbonpilot <command> --help   the options of one command',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(w)}  ${c.summary}`),
    '',
    'Exit codes: 0 ok, 1 failure, 2 bad arguments, 3 refused by an enforcing carbon budget, 4 deadline at risk (plan, submit).',
    'carbonpilot --version   the version',
  ].join('\n');
}

/** package.json's version: one level up from bin/cli.ts, two from dist/bin/cli.js. */
export function version(): string {
  const root = existsSync(join(__dirname, '..', 'package.json')) ? join(__dirname, '..') : join(__dirname, '..', '..');
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

const hint = (cmd: string, argv: readonly string[], usage?: CommandUsage): string =>
  `see \`carbonpilot ${cmd}${argv[0] !== undefined && usage?.subcommands?.[argv[0]] ? ` ${argv[0]}` : ''} --help\``;

/** One line: a multi-line message (e.g. a list of field errors) is joined with "; ". */
const oneLine = (s: string): string => s.split('\n').map((x) => x.trim()).filter(Boolean).join('; ');

export async function main(argv: string[], io: CliIo = { out: (s) => console.log(s), err: (s) => console.error(s) }): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === '--version' || cmd === '-V' || cmd === 'version') {
    io.out(`carbonpilot ${version()}`);
    return EXIT.ok;
  }
  if (!cmd || cmd === '--help' || cmd === '-h' || (cmd === 'help' && !rest.length)) {
    io.out(overview());
    return cmd ? EXIT.ok : EXIT.usage;
  }
  const name = cmd === 'help' ? rest[0] : cmd;
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.err(`carbonpilot: unknown command "${name}"`);
    io.err('see `carbonpilot --help`');
    return EXIT.usage;
  }
  const args = cmd === 'help' ? rest.slice(1) : rest;
  const command = await entry.load();
  if (cmd === 'help' || wantsHelp(args)) {
    io.out(usageText(command.usage, args));
    return EXIT.ok;
  }
  // Everything the CLI writes (data directory, LevelDB files, endpoint, schedules, exports) is owner-only.
  process.umask(0o077);
  try {
    return await command.run(args, io.out, io.err);
  } catch (e) {
    const message = oneLine(e instanceof Error ? e.message : String(e));
    if (e instanceof UsageError) {
      io.err(`carbonpilot: ${message}`);
      io.err(hint(name, args, command.usage));
      return EXIT.usage;
    }
    io.err(`carbonpilot: ${message}`);
    // Typed errors carry their own exit code (DataDirInUseError 2, BudgetExceededError 3).
    const code = (e as { exitCode?: unknown }).exitCode;
    return typeof code === 'number' && Number.isInteger(code) && code >= EXIT.usage ? code : EXIT.failure;
  }
}

/** Run the CLI on this process's arguments and set its exit code. */
export function run(): Promise<void> {
  return main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) void run();
