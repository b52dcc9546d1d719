/** Minimal strict argument parsing: unknown flags and bad values are usage errors (exit 2) naming the argument. */
import { parseIsoInstant, type EpochSec } from '../domain/time';

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

/** Parse `--name value`, `--name=value` and boolean `--name`; `booleans` lists flags that take no value. */
export function parseArgs(argv: string[], allowed: readonly string[], booleans: readonly string[] = []): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq >= 0 ? eq : undefined);
    if (!allowed.includes(name) && !booleans.includes(name)) throw new UsageError(`unknown option --${name} (allowed: ${[...allowed, ...booleans].map((x) => `--${x}`).join(', ')})`);
    if (booleans.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
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
