/** Shared argument handling for `npm run bench:* -- --data DIR --out FILE.json`: bad arguments exit 2 with a message. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface BenchArgs {
  data?: string;
  out: string;
  get(name: string): string | undefined;
  /** Print the message with the usage line and exit 2. */
  fail(message: string): never;
}

export function benchArgs(name: string, opts: { dataRequired: boolean; extra?: string[] }): BenchArgs {
  const argv = process.argv.slice(2);
  const allowed = new Set(['data', 'out', ...(opts.extra ?? [])]);
  const values = new Map<string, string>();
  const usage = `usage: npm run bench:${name} -- ${opts.dataRequired ? '--data DIR' : '[--data DIR]'} --out FILE.json`;
  const fail = (msg: string): never => {
    console.error(`bench:${name}: ${msg}\n${usage}`);
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)$/.exec(argv[i]);
    if (!m || !allowed.has(m[1])) fail(`unknown argument "${argv[i]}"`);
    const v = argv[++i];
    if (v === undefined || v.startsWith('--')) fail(`--${m![1]} needs a value`);
    values.set(m![1], v);
  }
  const out = values.get('out') ?? fail('--out is required');
  const data = values.get('data');
  if (opts.dataRequired && !data) fail('--data is required');
  if (data && !existsSync(data)) fail(`--data: folder "${data}" does not exist`);
  return { data, out, get: (k) => values.get(k), fail };
}

export function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2));
}
