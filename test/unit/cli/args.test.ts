/** The CLI's argument parsing (node:util parseArgs tokens, checked here): every bad argument is a UsageError naming it. */
import { parseArgs, UsageError, usageText, wantsHelp } from '../../../shared/cli/args';

const parse = (argv: string[]) => parseArgs(argv, ['by', 'from', 'days'], ['once']);

describe('parseArgs', () => {
  it('reads --name value, --name=value, booleans and positionals; everything after -- is positional', () => {
    // Act
    const p = parse(['FILE', '--by', 'team', '--from=2026-11-01', '--once', '--', '--days']);
    // Assess
    expect(p.positionals).toEqual(['FILE', '--days']);
    expect([...p.flags]).toEqual([['by', 'team'], ['from', '2026-11-01'], ['once', true]]);
  });

  it('a repeated flag keeps its last value', () => {
    expect(parse(['--by', 'team', '--by', 'job']).flags.get('by')).toBe('job');
  });

  it.each([
    [['--colour'], 'unknown option --colour (allowed: --by, --from, --days, --once)'],
    [['-x'], 'unknown option -x (allowed: --by, --from, --days, --once)'],
    [['--by'], '--by needs a value'],
    [['--days', '--once'], '--days needs a value'],
    [['--once=yes'], '--once takes no value'],
  ])('%j → %s', (argv, message) => {
    expect(() => parse(argv)).toThrow(new UsageError(message));
  });
});

describe('--help', () => {
  it.each([
    [['--help'], true],
    [['import', '-h'], true],
    [['import', 'FILE', '--zone', 'DE'], false],
    [['--', '--help'], false],
  ])('wantsHelp(%j) = %s', (argv, want) => expect(wantsHelp(argv)).toBe(want));

  it('prints the subcommand text for `<command> <subcommand> --help`, else the command text', () => {
    const u = { text: 'all', subcommands: { import: 'import only' } };
    expect(usageText(u, ['import', '--help'])).toBe('import only');
    expect(usageText(u, ['--help'])).toBe('all');
    expect(usageText(u, ['frobnicate'])).toBe('all');
  });
});
