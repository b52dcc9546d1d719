/**
 * The "done when", end to end from a fresh data directory, as a user runs it: after `start --once` the demo
 * ships labelled sample instruments and a sample AWS carbon export, so `report --format json` rows carry operational,
 * embodied (low/point/high) and market-based emissions, `kpis` shows SCI per inference, renewable share and CFE %,
 * and `reconcile --ccft <the sample export> --format json` prints the documented cells. A second start changes none
 * of it, and never replaces a registry the user imported.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(__dirname, '../../bin/carbonpilot-cli.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 600_000 });
const NOW = '2026-11-20T06:30:00Z';
const json = (r: ReturnType<typeof cli>) => {
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
};

jest.setTimeout(900_000);

describe('emission scopes on the demo (e2e, fresh data directory)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-scopes-demo-'));
  const exportDir = join(dir, 'ccft-export-DEMO');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    const r = cli('start', '--once', '--now', NOW, '--days', '2', '--step-hours', '3', '--data-dir', dir);
    if (r.status !== 0) throw new Error(`start failed: ${r.stderr}`);
  });

  it('ships a labelled demo instrument registry', () => {
    const reg = json(cli('instruments', 'show', '--format', 'json', '--data-dir', dir));
    expect(reg.demo).toBe(true);
    expect(reg.instruments.length).toBeGreaterThan(0);
    expect(reg.instruments.every((i: { id: string; demo: boolean }) => i.demo && i.id.startsWith('demo-'))).toBe(true);
  });

  it('report --format json: rows carry operationalKgCo2e, embodiedKgCo2e (low/point/high) and marketBasedKgCo2e', () => {
    const doc = json(cli('report', '--by', 'region', '--format', 'json', '--data-dir', dir));
    expect(doc.rows.length).toBeGreaterThan(0);
    for (const row of doc.rows) {
      for (const f of ['operationalKgCo2e', 'embodiedKgCo2e', 'marketBasedKgCo2e']) expect(Object.keys(row[f]).sort()).toEqual(['high', 'low', 'point']);
      expect(row.operationalKgCo2e.point).toBeCloseTo(row.co2eKg, 9);
    }
    expect(doc.totals.embodiedKgCo2e.point).toBeGreaterThan(0);
    expect(doc.marketBased.modelVersion).toBe('market-v1');
  });

  it('kpis shows SCI per inference, renewable share and CFE % with values', () => {
    const doc = json(cli('kpis', '--format', 'json', '--data-dir', dir));
    const byId = Object.fromEntries(doc.kpis.map((k: { id: string }) => [k.id, k]));
    for (const id of ['sci-per-inference', 'renewable-share', 'cfe-hourly', 'embodied-emissions', 'market-based-emissions']) {
      expect(byId[id]).toBeDefined();
      expect(byId[id].value).toEqual(expect.any(Number));
    }
    expect(byId['renewable-share'].value).toBeGreaterThan(0);
    expect(byId['cfe-hourly'].value).toBeGreaterThan(0);
    expect(byId['cfe-hourly'].value).toBeLessThanOrEqual(100);
    const table = cli('kpis', '--data-dir', dir).stdout;
    expect(table).toMatch(/SCI per inference \(E × I \+ M\) \/ R\s+\d/);
    expect(table).toMatch(/Renewable share \(annual matching\)\s+\d/);
    expect(table).toMatch(/Carbon-free energy \(hourly, 24\/7\)\s+\d/);
  });

  it('reconcile --ccft <the sample export> --format json prints the documented cells', () => {
    const doc = json(cli('reconcile', '--ccft', exportDir, '--format', 'json', '--now', NOW, '--data-dir', dir));
    expect(doc.demo).toBe(true);
    expect(doc.cells.length).toBeGreaterThan(0);
    const tracked = doc.cells.filter((c: { ours: unknown; ccft: unknown }) => c.ours && c.ccft);
    expect(tracked.length).toBeGreaterThan(0);
    for (const c of tracked) {
      expect(c).toMatchObject({ month: expect.stringMatching(/^\d{4}-\d{2}$/), accountId: '123456789012', region: expect.any(String), service: expect.any(String), ccft: { scope2LbmT: expect.any(Number), scope3T: expect.any(Number) }, ours: { operationalT: expect.any(Number), embodiedT: expect.any(Number) }, ratio: expect.any(Number), withinTolerance: expect.any(Boolean), notes: expect.any(Array) });
    }
  });

  it('a second start changes neither the registry nor the sample export, and keeps a registry the user imported', () => {
    const reg = json(cli('instruments', 'show', '--format', 'json', '--data-dir', dir)).registryId;
    const file = join(exportDir, 'model_version=v3.0.0', 'usage_period=2026-11', 'carbon-emissions-DEMO.csv');
    const before = readFileSync(file, 'utf8');
    expect(cli('start', '--once', '--now', NOW, '--days', '2', '--step-hours', '3', '--data-dir', dir).status).toBe(0);
    expect(json(cli('instruments', 'show', '--format', 'json', '--data-dir', dir)).registryId).toBe(reg);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(join(exportDir, 'model_version=v3.0.0', 'usage_period=2026-11'))).toEqual(['carbon-emissions-DEMO.csv']);

    const mine = join(dir, 'mine.json');
    writeFileSync(mine, JSON.stringify({ apiVersion: 'carbonpilot/v1', kind: 'InstrumentRegistry', instruments: [{ id: 'my-rec', type: 'rec', region: 'us-east-1', generationCountry: 'US', technology: 'wind', vintageYear: 2026, mwh: 1 }] }));
    expect(cli('instruments', 'import', mine, '--data-dir', dir).status).toBe(0);
    expect(cli('start', '--once', '--now', NOW, '--days', '2', '--step-hours', '3', '--data-dir', dir).status).toBe(0);
    const after = json(cli('instruments', 'show', '--format', 'json', '--data-dir', dir));
    expect(after.instruments.map((i: { id: string }) => i.id)).toEqual(['my-rec']);
  });
});
