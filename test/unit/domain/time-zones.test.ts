/**
 * Identical results whatever the process time zone: the same computation runs in child processes under
 * TZ=UTC, America/New_York (across the 2025-11-02 DST change) and Asia/Kolkata, and must print the same bytes.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { alignDown, splitAligned, utcDay, parseIsoInstant } from '../../../shared/domain/time';

const SCRIPT = join(__dirname, '../../helpers/tz-probe.ts');
const run = (tz: string) =>
  execFileSync(process.execPath, [require.resolve('tsx/cli'), SCRIPT], { env: { ...process.env, TZ: tz }, encoding: 'utf8' });

describe('time zone independence', () => {
  it('aggregations over a window spanning a DST change print identically under three TZ settings', () => {
    const utc = run('UTC');
    expect(utc).toContain('"days"');
    expect(run('America/New_York')).toBe(utc);
    expect(run('Asia/Kolkata')).toBe(utc);
  });

  it('UTC day boundaries and hour alignment ignore the local zone', () => {
    // 2025-11-02T05:30Z is 01:30 EST right after New York falls back.
    const t = parseIsoInstant('2025-11-02T05:30:00Z');
    expect(utcDay(t)).toBe('2025-11-02');
    expect(alignDown(t, 3600)).toBe(parseIsoInstant('2025-11-02T05:00:00Z'));
    // A UTC day is always 24 hourly slots, even on a local DST day.
    const day = parseIsoInstant('2025-11-02');
    expect(splitAligned({ startSec: day, endSec: day + 86400 }, 3600)).toHaveLength(24);
    expect(parseIsoInstant('2025-11-02T01:30')).toBeNaN(); // no zone: rejected, never guessed
  });
});
