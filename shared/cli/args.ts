/**
 * Strict argument parsing on node:util's parseArgs: unknown flags and bad values are usage errors (exit 2) naming
 * the argument. Also the shape of a command's `--help` text and the CLI's exit codes.
 */
import { parseArgs as parseTokens } from 'node:util';
import { parseIsoInstant, type EpochSec } from '../domain/time';

/** Exit codes of every command (bin/cli.ts). */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** Refused by an enforcing carbon budget (BudgetExceededError). */
  budgetRefused: 3,
  /** `plan`/`submit`: no plan meets the deadline (the job would run now and still finish late, or inside the safety margin). */
  deadlineAtRisk: 4,
} as const;

export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** What `carbonpilot <command> --help` prints (each command module exports one; bin/cli.ts prints it). */
export interface CommandUsage {
  /** The whole command: synopsis, options, what it does. */
  text: string;
  /** `carbonpilot <command> <subcommand> --help`, for commands with subcommands. */
  subcommands?: Record<string, string>;
}

/** Whether argv asks for help (`--help` or `-h` anywhere before a `--` terminator). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** The help text of `argv` (`[subcommand, …]`) for a command's usage. */
export const usageText = (u: CommandUsage, argv: readonly string[]): string => (argv[0] !== undefined && u.subcommands?.[argv[0]]) || u.text;

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

/**
 * Parse `--name value`, `--name=value` and boolean `--name` (node:util parseArgs tokens); `booleans` lists flags that
 * take no value, everything after `--` is positional. A repeated flag keeps its last value.
 */
export function parseArgs(argv: string[], allowed: readonly string[], booleans: readonly string[] = []): ParsedArgs {
  const options = Object.fromEntries([...allowed.map((n) => [n, { type: 'string' as const }]), ...booleans.map((n) => [n, { type: 'boolean' as const }])]);
  // Not strict: the tokens are checked here, so that every message names the flag the way the rest of the CLI does.
  const { tokens } = parseTokens({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') positionals.push(t.value);
    if (t.kind !== 'option') continue;
    const flag = t.rawName.startsWith('--') ? t.rawName : `-${t.name}`;
    if (!allowed.includes(t.name) && !booleans.includes(t.name)) {
      throw new UsageError(`unknown option ${flag} (allowed: ${[...allowed, ...booleans].map((x) => `--${x}`).join(', ')})`);
    }
    if (booleans.includes(t.name)) {
      if (t.value !== undefined) throw new UsageError(`${flag} takes no value`);
      flags.set(t.name, true);
      continue;
    }
    // `--days --once`: node's parser takes the next argument whatever it is; a flag is not a value here.
    if (t.value === undefined || (!t.inlineValue && t.value.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
    flags.set(t.name, t.value);
  }
  return { positionals, flags };
}

export const flagString = (p: ParsedArgs, name: string): string | undefined => {
  const v = p.flags.get(name);
  return typeof v === 'string' ? v : undefined;
};

/** An ISO-8601 instant with a zone (or a plain date = 00:00Z). */
export function flagInstant(p: ParsedArgs, name: string): EpochSec | undefined {
  const v = flagString(p, name);
  if (v === undefined) return undefined;
  const t = parseIsoInstant(v);
  if (!Number.isFinite(t)) throw new UsageError(`--${name}: "${v}" is not an ISO-8601 instant with a zone (e.g. 2026-11-01T00:00:00Z or 2026-11-01)`);
  return t;
}

export function flagEnum<T extends string>(p: ParsedArgs, name: string, values: readonly T[], fallback: T): T {
  const v = flagString(p, name);
  if (v === undefined) return fallback;
  if (!values.includes(v as T)) throw new UsageError(`--${name}: "${v}" is not one of ${values.join('|')}`);
  return v as T;
}

export function flagInt(p: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const v = flagString(p, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name}: "${v}" must be an integer in [${min}, ${max}]`);
  return n;
}
