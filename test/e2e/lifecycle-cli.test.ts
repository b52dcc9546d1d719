/**
 * End to end, as a user runs it on the demo store: `lifecycle list --format json` gives every non-active subject with
 * state, idle days, wasted kgCO2e and a proposal; `lifecycle park X` then `lifecycle unpark X` round-trips (and
 * `--dry-run` prints the exact AWS calls, changing nothing); `rightsizing --format json` gives recommendations with
 * their evidence and saving range; `kpis` carries the lifecycle KPIs and the ledger its avoided figures.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(__dirname, '../../bin/carbonpilot-cli.js');
const NOW = '2026-11-20T06:30:00Z';
jest.setTimeout(900_000);

describe('carbonpilot lifecycle / rightsizing (e2e, demo store)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-lifecycle-'));
  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args, '--data-dir', dir], { encoding: 'utf8', timeout: 600_000 });
  const json = (...args: string[]) => {
    const r = cli(...args, '--format', 'json');
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  beforeAll(() => {
    const r = cli('start', '--once', '--now', NOW, '--days', '2', '--step-hours', '3');
    if (r.status !== 0) throw new Error(`start failed: ${r.stderr.slice(-2000)}`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lifecycle list --format json: { resources: [{ resource, state, idleDays, wastedKgCo2e, proposal: { action, expectedSavingKgCo2ePerMonth, restoreTime } }] }', () => {
    const out = json('lifecycle', 'list', '--now', NOW);
    expect(out.demo).toBe(true);
    expect(out.resources.length).toBeGreaterThan(0);
    for (const r of out.resources) {
      expect(r).toEqual(expect.objectContaining({ resource: expect.any(String), state: expect.any(String), idleDays: expect.any(Number) }));
      expect(r).toHaveProperty('wastedKgCo2e');
      expect(r.proposal).toEqual(expect.objectContaining({ action: expect.any(String), restoreTime: expect.stringMatching(/^PT/) }));
      expect(r.proposal).toHaveProperty('expectedSavingKgCo2ePerMonth');
      expect(r.state).not.toBe('active');
    }
    const cold = out.resources.find((r: any) => r.resource === 'demo-legacy-summariser');
    expect(cold).toMatchObject({ state: 'cold', idleDaysLowerBound: true, proposal: { action: 'park', ready: true } });
    expect(cold.wastedKgCo2e).toBeGreaterThan(0);
    expect(cold.proposal.expectedSavingKgCo2ePerMonth).toBeGreaterThan(0);
    // Never proposed: the keep-warm tag and a running shadow test.
    expect(out.resources.find((r: any) => r.resource === 'demo-fraud-scorer')).toMatchObject({ excluded: 'keep-warm tag', proposal: { action: 'none' } });
    expect(out.resources.find((r: any) => r.resource === 'demo-search-rerank').excluded).toMatch(/shadow test demo-rerank-v2-shadow running/);
  });

  it('--dry-run prints the exact AWS calls and changes nothing', () => {
    const r = cli('lifecycle', 'park', 'demo-legacy-summariser', '--dry-run', '--now', NOW);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/DRY RUN/);
    expect(r.stdout).toMatch(/WOULD CALL application-autoscaling:DeregisterScalableTarget \(us-east-1\) \{"ServiceNamespace":"sagemaker","ResourceId":"endpoint\/demo-legacy-summariser\/variant\/AllTraffic"/);
    expect(r.stdout).toMatch(/WOULD CALL sagemaker:DeleteEndpoint \(us-east-1\) \{"EndpointName":"demo-legacy-summariser"\}/);
    expect(json('lifecycle', 'list', '--now', NOW).resources.find((x: any) => x.resource === 'demo-legacy-summariser').state).toBe('cold');
  });

  it('lifecycle park X then lifecycle unpark X round-trips', () => {
    const parked = json('lifecycle', 'park', 'demo-legacy-summariser', '--now', '2026-11-20T07:00:00Z', '--reason', 'idle since deploy');
    expect(parked).toMatchObject({ op: 'park', status: 'parked', steps: ['snapshot-saved', 'scaling-removed', 'deleting', 'parked'] });
    expect(json('lifecycle', 'list', '--now', '2026-11-20T07:30:00Z').resources.find((x: any) => x.resource === 'demo-legacy-summariser')).toMatchObject({ state: 'parked', action: { status: 'parked' } });
    const back = cli('lifecycle', 'unpark', 'demo-legacy-summariser', '--now', '2026-11-20T09:00:00Z');
    expect(back.status).toBe(0);
    expect(back.stdout).toMatch(/is restored after restoring → creating → in-service → restored/);
    const after = json('lifecycle', 'list', '--all', '--now', '2026-11-20T09:30:00Z').resources.find((x: any) => x.resource === 'demo-legacy-summariser');
    expect(after.state).not.toBe('parked');
    // The ledger booked the 2 parked hours, labelled avoided.
    const ledger = json('lifecycle', 'ledger', '--now', '2026-11-20T10:00:00Z');
    expect(ledger.label).toMatch(/^AVOIDED/);
    const row = ledger.rows.find((x: any) => x.resource === 'demo-legacy-summariser');
    expect(row).toMatchObject({ effectiveFrom: '2026-11-20T07:00:00Z', effectiveTo: '2026-11-20T09:00:00Z' });
    expect(row.avoided.hours).toBeCloseTo(2, 6);
    expect(row.avoided.energyKwh.point).toBeGreaterThan(0);
  });

  it('rightsizing --format json: { recommendations: [{ resource, from, to, observedHours, p95UtilisationPct, savingKgCo2ePerMonth: { low, point, high } }] }', () => {
    // The demo fleet's endpoints exist for 15 days before --now; the collector catches all of it up.
    const out = json('rightsizing', '--now', NOW);
    expect(out.minimumObservedHours).toBe(168);
    const r = out.recommendations.find((x: any) => x.resource === 'demo-intent-classifier/AllTraffic');
    expect(r).toEqual(expect.objectContaining({ from: expect.objectContaining({ instanceType: 'ml.g5.12xlarge', instanceCount: 2 }), to: expect.objectContaining({ instanceType: expect.stringMatching(/^ml\./) }), observedHours: expect.any(Number), p95UtilisationPct: expect.any(Number) }));
    expect(r.savingKgCo2ePerMonth.low).toBeLessThanOrEqual(r.savingKgCo2ePerMonth.point);
    expect(r.savingKgCo2ePerMonth.point).toBeLessThanOrEqual(r.savingKgCo2ePerMonth.high);
    expect(r.savingKgCo2ePerMonth.low).toBeGreaterThan(0);
    expect(r.observedHours).toBeGreaterThanOrEqual(168);
    expect(r.p95UtilisationPct).toBeLessThan(50);
    expect(r.to.gpus).toBeLessThan(r.from.gpus);
    // Never from less than the stated minimum of observed hours.
    const strict = json('rightsizing', '--min-observed-hours', '1000', '--now', NOW);
    expect(strict.recommendations).toEqual([]);
    expect(strict.skipped.find((x: any) => x.resource === 'demo-intent-classifier/AllTraffic').reason).toMatch(/at least 1000 h are required/);
  });

  it('kpis carries the lifecycle KPIs (avoided kept apart from measured)', () => {
    const k = json('kpis');
    const ids = k.kpis.map((x: any) => x.id);
    expect(ids).toEqual(expect.arrayContaining(['lifecycle-cold-acted-share', 'hardware-utilisation', 'lifecycle-avoided-emissions']));
    expect(k.kpis.find((x: any) => x.id === 'hardware-utilisation').value).toBeGreaterThan(0);
    expect(k.kpis.find((x: any) => x.id === 'lifecycle-avoided-emissions').label).toMatch(/AVOIDED, not measured/);
  });

  it.each([
    [['lifecycle'], /lifecycle: expected one of list\|park/, 2],
    [['lifecycle', 'park'], /expected one RESOURCE/, 2],
    [['lifecycle', 'list', '--state', 'sleepy'], /--state: "sleepy" is not one of/, 2],
    [['lifecycle', 'park', 'bad name!'], /RESOURCE: expected an endpoint/, 2],
    [['lifecycle', 'park', 'no-such-endpoint'], /no lifecycle subject "no-such-endpoint"/, 1],
    [['rightsizing', '--min-observed-hours', '0'], /--min-observed-hours/, 2],
  ])('%j exits %s naming the argument', (args, msg, code) => {
    const r = cli(...(args as string[]));
    expect(r.stderr).toMatch(msg as RegExp);
    expect(r.status).toBe(code);
  });
});
