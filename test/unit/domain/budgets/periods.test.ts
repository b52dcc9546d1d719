/** UTC calendar periods: bounds, keys and navigation, identical in every process time zone. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { nextPeriod, parsePeriodKey, periodOf, periodsOverlapping, previousPeriod } from '../../../../shared/domain/budgets/periods';
import { parseIsoInstant } from '../../../../shared/domain/time';

const t = (iso: string) => parseIsoInstant(iso);

describe('UTC calendar periods', () => {
  // Expected bounds are the Gregorian calendar: February 2028 has 29 days (leap year), Q4 = Oct–Dec.
  it.each([
    ['month', '2026-11-20T13:45:00Z', '2026-11', '2026-11-01', '2026-12-01'],
    ['month', '2028-02-29T23:59:59Z', '2028-02', '2028-02-01', '2028-03-01'],
    ['month', '2026-12-31T23:59:59Z', '2026-12', '2026-12-01', '2027-01-01'],
    ['quarter', '2026-11-20T00:00:00Z', '2026-Q4', '2026-10-01', '2027-01-01'],
    ['quarter', '2026-03-31T23:00:00Z', '2026-Q1', '2026-01-01', '2026-04-01'],
    ['year', '2026-07-01T00:00:00Z', '2026', '2026-01-01', '2027-01-01'],
  ] as const)('%s containing %s is %s = [%s, %s)', (type, at, key, from, to) => {
    const p = periodOf(type, t(at));
    expect(p).toEqual({ type, key, startSec: t(from), endSec: t(to) });
  });

  it('the period boundary instant belongs to the next period (half-open)', () => {
    expect(periodOf('month', t('2026-12-01')).key).toBe('2026-12');
    expect(periodOf('month', t('2026-12-01') - 1).key).toBe('2026-11');
  });

  it('navigates forwards and backwards across year ends', () => {
    expect(nextPeriod(periodOf('month', t('2026-12-15'))).key).toBe('2027-01');
    expect(previousPeriod(periodOf('quarter', t('2026-02-01'))).key).toBe('2025-Q4');
    expect(periodsOverlapping('month', { startSec: t('2026-10-15'), endSec: t('2027-01-02') }).map((p) => p.key)).toEqual(['2026-10', '2026-11', '2026-12', '2027-01']);
  });

  it('parses its own keys and nothing else', () => {
    for (const key of ['2026-11', '2026-Q4', '2026']) expect(parsePeriodKey(key)?.key).toBe(key);
    for (const bad of ['2026-13', '2026-Q5', '26', '2026-1']) expect(parsePeriodKey(bad)).toBeUndefined();
  });

  it('prints the same bounds under TZ=UTC, America/New_York and Asia/Kolkata', () => {
    const probe = `const { periodOf } = require(${JSON.stringify(join(__dirname, '../../../../shared/domain/budgets/periods'))});
      const ts = [1793491200, 1804000000, 1830297599];
      process.stdout.write(JSON.stringify(ts.flatMap((t) => ['month', 'quarter', 'year'].map((k) => periodOf(k, t)))));`;
    const run = (tz: string) => execFileSync(process.execPath, [require.resolve('tsx/cli'), '-e', probe], { env: { ...process.env, TZ: tz }, encoding: 'utf8' });
    const utc = run('UTC');
    expect(utc).toContain('"key"');
    expect(run('America/New_York')).toBe(utc);
    expect(run('Asia/Kolkata')).toBe(utc);
  });
});
