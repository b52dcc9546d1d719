/**
 * bench:import end to end on a data folder laid out like ../shared/data, filled with the synthetic import fixtures
 * (a user's clone has no ../shared): files are found by folder convention, each is read with the flags its
 * SOURCE.md implies, and the JSON reports rows accepted/rejected per file and kind; bad arguments exit 2.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(120_000);
const ROOT = join(__dirname, '../..');
const FIX = join(__dirname, '../fixtures/intensity-import');
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const bench = (...args: string[]) => spawnSync(process.execPath, [TSX, join(ROOT, 'bench/intensity-import.ts'), ...args], { encoding: 'utf8', timeout: 100_000 });

describe('bench:import (e2e)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-bench-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const place = (fixture: string, folder: string, name: string) => {
    mkdirSync(join(dir, 'data', folder), { recursive: true });
    copyFileSync(join(FIX, fixture), join(dir, 'data', folder, name));
  };

  it('finds each kind of public file by folder convention and reports rows accepted and rejected', () => {
    place('em-export-de.csv', 'electricitymaps-hourly-greendcc', 'DE-LU_2025_hourly.csv');
    place('em-api-scrape-fr.csv', 'carbonadvisor-em-api-scrapes', 'FR.csv');
    place('half-hourly-gb.csv', 'lets-wait-awhile', 'gb_ci.csv');
    place('vessim-moer-caiso.csv', 'vessim-watttime-caiso-north', 'watttime2025_caiso-north_actual.csv');
    place('carboncast-us-dates.csv', 'carboncast', 'CISO_lifecycle_emissions.csv');
    const out = join(dir, 'import.json');
    const r = bench('--data', join(dir, 'data'), '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^bench:import: 5\/5 files imported \(0 refused\), 31 rows accepted, 5 rejected, \d+ zone-hours, \d+ rows\/s parsed/);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    const byFile = Object.fromEntries(j.files.map((f: { file: string }) => [f.file, f]));
    expect(byFile['DE-LU_2025_hourly.csv']).toMatchObject({ format: 'electricitymaps', zone: 'DE', zoneGiven: 'DE-LU', accepted: 3, rejected: 3 });
    expect(byFile['FR.csv']).toMatchObject({ format: 'electricitymaps-api', zone: 'FR', accepted: 4, rejected: 1, rejectionsByReason: { 'bad-value': 1 } });
    expect(byFile['gb_ci.csv']).toMatchObject({ format: 'columns', zone: 'GB', accepted: 9, rejected: 1, hours: 5, averaged: { values: 9, resolution: 'half-hourly' } });
    expect(byFile['watttime2025_caiso-north_actual.csv']).toMatchObject({ zone: 'CAISO_NORTH', accepted: 12, rejected: 0, signals: ['marginal'] });
    expect(byFile['CISO_lifecycle_emissions.csv']).toMatchObject({ zone: 'US-CAL-CISO', accepted: 3, rejected: 0, signals: ['average-lifecycle'] });
    expect(j.summary).toMatchObject({ files: 5, imported: 5, refused: 0, rowsAccepted: 31, rowsRejected: 5 });
    expect(j.byKind['electricitymaps-export']).toEqual({ files: 1, imported: 1, accepted: 3, rejected: 3, hours: 3 });
  });

  it('exits 2 without --data, or with a folder holding no intensity files', () => {
    const none = bench('--out', join(dir, 'x.json'));
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/--data is required/);
    mkdirSync(join(dir, 'empty'));
    const empty = bench('--data', join(dir, 'empty'), '--out', join(dir, 'y.json'));
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/no intensity files found/);
  });
});
