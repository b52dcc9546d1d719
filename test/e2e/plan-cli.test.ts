/**
 * `carbonpilot plan` and `carbonpilot submit` end to end, as a user runs them (the real CLI in a child process, the
 * embedded DynamoDB API on disk): the demo preview, field-level errors with exit 2, a marginal plan on a series
 * imported into the local store (keyed by the WattTime region), and idempotent submission.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORECASTER_VERSION } from '../../shared/domain/intensity/forecaster';

jest.setTimeout(300_000);
const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'bin/carbonpilot-cli.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 240_000 });
const cliEnv = (env: Record<string, string>, ...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 240_000, env: { ...process.env, ...env } });
const NOW = '2026-11-20T06:00:00Z';
const example = JSON.parse(readFileSync(join(ROOT, 'examples/job-request.json'), 'utf8'));

describe('carbonpilot plan / submit (e2e)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-plan-'));
  const data = join(dir, 'data');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, body: unknown) => {
    const f = join(dir, name);
    writeFileSync(f, typeof body === 'string' ? body : JSON.stringify(body));
    return f;
  };
  const marginal = { ...example, signal: 'marginal', deadline: '2026-11-22T06:00:00Z', allowedRegions: [{ region: 'us-east-1' }] };

  it('previews the example on the demo series: segments, savings, reasons, labelled demo, nothing stored', () => {
    const r = cli('plan', join(ROOT, 'examples/job-request.json'), '--now', NOW, '--data-dir', join(dir, 'empty'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/preview, nothing scheduled/);
    expect(r.stdout).toMatch(/segment 0: (us-east-1|eu-north-1) /);
    expect(r.stdout).toMatch(/us-east-1 forecast \(US-MIDA-PJM\): cp-seasonal-ridge-[0-9.]+ on demo \(synthetic\)/);
    expect(r.stdout).toMatch(/includes the DEMO intensity series/);
    expect(existsSync(join(dir, 'empty'))).toBe(false);
  });

  it('a bad request exits 2 naming the field, and a marginal request for a region without a WattTime region names that region', () => {
    const { deadline: _d, ...noDeadline } = example;
    const bad = cli('plan', file('bad.json', noDeadline), '--now', NOW);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/deadline/);
    const eu = cli('plan', file('eu.json', { ...example, signal: 'marginal' }), '--now', NOW);
    expect(eu.status).toBe(2);
    expect(eu.stderr).toMatch(/allowedRegions\.1\.region: no marginal intensity source for eu-north-1/);
    // REGION_OVERRIDES can add the missing WattTime region; the request then gets past validation (and this empty
    // store has no marginal series for it, which is said as such).
    const withOverride = cliEnv({ REGION_OVERRIDES: '{"eu-north-1":{"wattTimeRegion":"SE3"}}' }, 'plan', file('eu.json', { ...example, signal: 'marginal' }), '--now', NOW, '--data-dir', join(dir, 'empty'));
    expect(withOverride.stderr).not.toMatch(/allowedRegions/);
    expect(withOverride.stderr).toMatch(/no marginal intensity history for zone PJM_DC|no marginal intensity history for zone SE3/);
    const badOverride = cliEnv({ REGION_OVERRIDES: '{"eu-north-1":{"pue":9}}' }, 'plan', file('eu.json', example), '--now', NOW);
    expect(badOverride.status).toBe(2);
    expect(badOverride.stderr).toMatch(/REGION_OVERRIDES/);
  });

  it('bounds the work of a request: a deadline beyond MAX_PLAN_HORIZON_DAYS, a bad limit or an oversized file exit 2 naming it', () => {
    const far = cli('plan', file('far.json', { ...example, deadline: '2300-01-01T00:00:00Z' }), '--now', NOW, '--data-dir', join(dir, 'empty'));
    expect(far.status).toBe(2);
    expect(far.stderr).toMatch(/deadline: 2300-01-01T00:00:00Z is more than 14 days ahead \(limit MAX_PLAN_HORIZON_DAYS=14/);
    const wider = cliEnv({ MAX_PLAN_HORIZON_DAYS: '30' }, 'plan', file('in20d.json', { ...example, deadline: '2026-12-10T06:00:00Z' }), '--now', NOW, '--data-dir', join(dir, 'empty'));
    expect(wider.stderr).toBe('');
    expect(wider.status).toBe(0);
    const badLimit = cliEnv({ MAX_PLAN_HORIZON_DAYS: '1000' }, 'plan', join(ROOT, 'examples/job-request.json'), '--now', NOW);
    expect(badLimit.status).toBe(2);
    expect(badLimit.stderr).toMatch(/MAX_PLAN_HORIZON_DAYS/);
    const huge = cli('plan', file('huge.json', { ...example, ownerTags: { pad: 'x'.repeat(256) }, padding: 'x'.repeat(300 * 1024) }), '--now', NOW);
    expect(huge.status).toBe(2);
    expect(huge.stderr).toMatch(/huge\.json: \d+ bytes is over the 256 KiB limit of a job request/);
  });

  it('plans a marginal request on the WattTime series imported into the local store', () => {
    // Four weeks of an hourly MOER-like series for PJM_DC (test data): dirty evenings, clean early mornings.
    const rows = ['timestamp,g_per_kwh'];
    const t0 = Date.parse(NOW) - 28 * 86400_000;
    for (let t = t0; t < Date.parse(NOW); t += 3600_000) rows.push(`${new Date(t).toISOString().slice(0, 19)}Z,${(600 + 150 * Math.sin((2 * Math.PI * new Date(t).getUTCHours()) / 24)).toFixed(1)}`);
    const imp = cli('intensity', 'import', file('moer.csv', rows.join('\n')), '--zone', 'PJM_DC', '--signal', 'marginal', '--data-dir', data);
    expect(imp.status).toBe(0);
    const r = cli('plan', file('marginal.json', marginal), '--now', NOW, '--data-dir', data, '--format', 'json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.inputs.signal).toBe('marginal');
    expect(p.plan.reasons).toContain(`us-east-1 forecast (PJM_DC): ${FORECASTER_VERSION} on intensity store`);
    expect(p.plan.reasons.join('\n')).not.toMatch(/demo/);
    expect(p.plan.savingsPct).toBeGreaterThan(0); // the imported daily cycle gives a cleaner later window
  });

  it('an earliest start ahead says when the job starts, never "run now"', () => {
    // Prepare: the example's earliest start is 2026-11-20T06:00Z; plan it 10 h before that.
    const r = cli('plan', join(ROOT, 'examples/job-request.json'), '--now', '2026-11-19T20:00:00Z', '--data-dir', join(dir, 'empty'));
    // Assess
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^plan: start at 2026-11-2\d \d\d:00 UTC( \(in [0-9dh ]+\))? in (us-east-1|eu-north-1);/m);
    expect(r.stdout).not.toMatch(/run now|start now|\(\+\d+ d\)/);
  });

  it('a plan beyond the 96 h forecast horizon warns first, naming the fallback, and the JSON carries it as fields', () => {
    // Prepare: earliest start 5 days out: every hour of the plan lies past the forecast issued now.
    const later = file('later.json', { ...example, earliestStart: '2026-11-25T06:00:00Z', deadline: '2026-11-27T06:00:00Z' });
    // Act
    const text = cli('plan', later, '--now', NOW, '--data-dir', join(dir, 'empty'));
    const json = cli('plan', later, '--now', NOW, '--data-dir', join(dir, 'empty'), '--format', 'json');
    // Assess
    expect(text.status).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^WARNING: 6 h of the plan \(from 2026-11-2\d \d\d:\d\d UTC\) lies beyond the 96 h forecast horizon of (us-east-1|eu-north-1) \(it ends 2026-11-24 06:00 UTC\): there the plan assumes the mean of the last 24 forecast hours, \d+ g\/kWh, not a forecast/);
    const p = JSON.parse(json.stdout).plan;
    expect(p.startsNow).toBe(false);
    expect(p.beyondForecast).toEqual([expect.objectContaining({ forecastHours: 96, forecastEndSec: Date.parse('2026-11-24T06:00:00Z') / 1000, runSecBeyond: 6 * 3600, fallback: 'mean-of-last-24-forecast-hours' })]);
    expect(p.warnings).toHaveLength(1);
  });

  it('a deadline that cannot be met says DEADLINE AT RISK on the first line and exits 4 (text and JSON)', () => {
    // Prepare: 6 h of work, 4 h to the deadline.
    const tight = file('tight.json', { ...example, earliestStart: undefined, deadline: '2026-11-20T10:00:00Z' });
    // Act
    const text = cli('plan', tight, '--now', NOW, '--data-dir', join(dir, 'empty'));
    const json = cli('plan', tight, '--now', NOW, '--data-dir', join(dir, 'empty'), '--format', 'json');
    // Assess
    expect(text.status).toBe(4);
    expect(text.stdout.split('\n')[0]).toBe('DEADLINE AT RISK: deadline cannot be met: 6 h of work starting now ends 2 h after the deadline, 10:00 UTC (in 4 h); starting now in eu-north-1');
    expect(json.status).toBe(4);
    expect(JSON.parse(json.stdout).plan).toMatchObject({ feasible: false, startsNow: true, warnings: [expect.stringMatching(/^DEADLINE AT RISK/)] });
  });

  it('an unknown field is exit 2 naming it, with the field it most likely meant', () => {
    const { deadline, ...rest } = example;
    const r = cli('plan', file('typo.json', { ...rest, dedline: deadline }), '--now', NOW);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/typo\.json: dedline: unknown field \(did you mean deadline\?\)/);
  });

  it('submit stores the job once: a repeated submit is the same job', () => {
    const f = file('marginal.json', marginal);
    const a = cli('submit', f, '--now', NOW, '--data-dir', data);
    expect(a.status).toBe(0);
    const id = /job (\S+) scheduled/.exec(a.stdout)?.[1];
    expect(id).toBeDefined();
    const b = cli('submit', f, '--now', NOW, '--data-dir', data);
    expect(b.status).toBe(0);
    expect(b.stdout).toMatch(new RegExp(`job ${id} already exists`));
  });
});
