/**
 * End to end, as a user runs it: `npm start -- --once` runs the two DEMO optimisation attempts within the replay (one
 * promoted, one rejected for an energy regression); `carbonpilot optimise list --format json` prints the ledger;
 * `kpis` carries the optimisation KPIs; promote/start refuse what they must, with the documented exit codes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(__dirname, '../../bin/carbonpilot-cli.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 600_000 });
const NOW = '2026-11-20T06:30:00Z';

jest.setTimeout(900_000);

describe('carbonpilot optimise (e2e)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-e2e-opt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let started: ReturnType<typeof cli>;
  beforeAll(() => {
    started = cli('start', '--once', '--now', NOW, '--days', '1', '--step-hours', '3', '--data-dir', dir);
  });

  it('npm start runs two demo attempts: one promoted, one rejected for an energy regression', () => {
    expect(started.status).toBe(0);
    const r = cli('optimise', 'list', '--format', 'json', '--data-dir', dir);
    expect(r.status).toBe(0);
    const { attempts, demo } = JSON.parse(r.stdout) as { attempts: Record<string, any>[]; demo: boolean };
    expect(demo).toBe(true);
    expect(attempts).toHaveLength(2);
    for (const a of attempts) {
      expect(Object.keys(a)).toEqual(expect.arrayContaining(['model', 'config', 'baseline', 'candidate', 'changePct', 'quality', 'decision', 'reason']));
      for (const v of [a.baseline, a.candidate]) {
        expect(v.jPerInference).toBeGreaterThan(0);
        expect(v.gCo2ePerInference).toBeGreaterThan(0);
      }
      expect(a.changePct.low).toBeLessThanOrEqual(a.changePct.point);
      expect(a.changePct.point).toBeLessThanOrEqual(a.changePct.high);
    }
    const promoted = attempts.find((a) => a.decision === 'promote')!;
    const rejected = attempts.find((a) => a.decision === 'reject')!;
    expect(promoted).toMatchObject({ status: 'promoted', model: 'model-qwen3-235b-batch', config: { kind: 'quantization', format: 'fp8' } });
    expect(promoted.changePct.high).toBeLessThan(-10);
    expect(promoted.registry.group).toBe('carbonpilot-demo-llm-batch');
    expect(rejected).toMatchObject({ status: 'rejected', model: 'model-qwen3-235b-assistant' });
    expect(rejected.reason).toMatch(/^energy regression: \+\d+ % J\/inference \[\+\d+, \+\d+\]$/);
  });

  it('the table and CSV show the same ledger; status shows the history', () => {
    const table = cli('optimise', 'list', '--data-dir', dir);
    expect(table.stdout).toMatch(/DEMO DATA/);
    expect(table.stdout).toMatch(/energy regression/);
    const csv = cli('optimise', 'list', '--format', 'csv', '--data-dir', dir).stdout.trim().split('\n');
    expect(csv[0]).toMatch(/^attempt_id,model,endpoint,region,config,status,baseline_j_per_inference/);
    expect(csv).toHaveLength(3);
    const id = csv[1].split(',')[0];
    const status = cli('optimise', 'status', id, '--data-dir', dir);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/measuring/);
  });

  it('kpis carries the measured improvement, the share of models optimised and the avoided emissions (labelled)', () => {
    const k = JSON.parse(cli('kpis', '--format', 'json', '--data-dir', dir).stdout) as { kpis: Record<string, any>[] };
    const byId = new Map(k.kpis.map((x) => [x.id, x]));
    expect(byId.get('inference-efficiency-improvement')?.value).toBeGreaterThan(10);
    expect(byId.get('models-optimised-share')?.value).toBeGreaterThan(0);
    expect(byId.get('avoided-emissions-per-month')).toMatchObject({ basis: 'avoided (estimated)', unit: 'kgCO2e/month' });
  });

  it('refuses to promote a rejected candidate (exit 1) and a bad request file names the field (exit 2)', () => {
    const list = JSON.parse(cli('optimise', 'list', '--format', 'json', '--data-dir', dir).stdout) as { attempts: Record<string, any>[] };
    const rejected = list.attempts.find((a) => a.decision === 'reject')!;
    const p = cli('optimise', 'promote', rejected.attemptId, '--data-dir', dir);
    expect(p.status).toBe(1);
    expect(p.stderr).toMatch(/was rejected/);
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'carbonpilot/v1', endpointName: 'demo-llm-batch', region: 'us-east-1', config: { kind: 'quantization', format: 'int3' }, roleArn: 'arn:aws:iam::123456789012:role/carbonpilot-optimise-x', outputS3Uri: 's3://b/o' }));
    const s = cli('optimise', 'start', file, '--data-dir', dir);
    expect(s.status).toBe(2);
    expect(s.stderr).toMatch(/config\.format/);
  });
});
