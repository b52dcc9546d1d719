/**
 * CLI conventions, on the compiled CLI as users run it (bin/carbonpilot-cli.js → dist/): every registered command
 * and subcommand answers --help with exit 0; an error is one line plus "see `carbonpilot <command> --help`" and exit
 * 2; --version and --help load no command module (no AWS SDK, no dynalite).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from '../../bin/cli';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'bin/carbonpilot-cli.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
const lines = (s: string) => s.split('\n').filter(Boolean);

describe('carbonpilot CLI conventions (e2e, compiled)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-conv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--version prints the package version', () => {
    const r = cli('--version');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`carbonpilot ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
  });

  it('--help lists every registered command and the exit codes', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(r.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(r.stdout).toMatch(/4 deadline at risk/);
  });

  it.each(Object.keys(COMMANDS))('carbonpilot %s --help: exit 0 with its usage', (name) => {
    const r = cli(name, '--help');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage: (carbonpilot ${name}|npm start)`));
  });

  it('every subcommand answers --help with its own usage, exit 0', async () => {
    const subs: [string, string][] = [];
    for (const [name, entry] of Object.entries(COMMANDS)) for (const sub of Object.keys((await entry.load()).usage.subcommands ?? {})) subs.push([name, sub]);
    expect(subs).toEqual(expect.arrayContaining([['intensity', 'import'], ['intensity', 'backfill'], ['intensity', 'show'], ['budgets', 'set'], ['targets', 'delete'], ['instruments', 'demo']]));
    for (const [name, sub] of subs) {
      const r = cli(name, sub, '--help');
      expect({ name, sub, status: r.status, head: r.stdout.split('\n')[0] }).toEqual({ name, sub, status: 0, head: expect.stringMatching(new RegExp(`^usage: carbonpilot ${name} ${sub}`)) });
    }
  }, 300_000);

  it.each([
    [['report', '--by', 'team', '--colour'], /^carbonpilot: unknown option --colour/, 'see `carbonpilot report --help`'],
    [['report', '--by', 'galaxy'], /^carbonpilot: --by: "galaxy" is not one of/, 'see `carbonpilot report --help`'],
    [['budgets', 'set', '--limit-kg'], /^carbonpilot: --limit-kg needs a value/, 'see `carbonpilot budgets set --help`'],
    [['intensity', 'import', '--zone', 'DE'], /^carbonpilot intensity: import: FILE is required/, 'see `carbonpilot intensity import --help`'],
    [['plan'], /^carbonpilot: expected a job request file/, 'see `carbonpilot plan --help`'],
    [['frobnicate'], /^carbonpilot: unknown command "frobnicate"/, 'see `carbonpilot --help`'],
  ])('%j: one line, then where to look, exit 2 (no usage dump)', (args, first, hint) => {
    const r = cli(...(args as string[]), '--data-dir', dir);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toEqual([expect.stringMatching(first), hint]);
  });

  it('a failure that is not a usage error is one line, exit 1', () => {
    const r = cli('report', '--by', 'team', '--data-dir', join(dir, 'none'));
    expect(r.status).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^carbonpilot: no local store under /)]);
  });

  it('--version and --help load no command module: no AWS SDK, no dynalite, no zod', () => {
    const probe = `
      const cli = require(${JSON.stringify(join(ROOT, 'dist/bin/cli.js'))});
      (async () => {
        await cli.main(['--version'], { out: () => {}, err: () => {} });
        await cli.main(['--help'], { out: () => {}, err: () => {} });
        process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules|dist.shared/.test(k))));
      })();`;
    const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const loaded = JSON.parse(r.stdout) as string[];
    expect(loaded.filter((k) => /@aws-sdk|dynalite|zod|dist.shared.cli.commands/.test(k))).toEqual([]);
  });
});
