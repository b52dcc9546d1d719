/** DEMO data for the new views: instruments, a synthetic grid carbon-free share and a sample CCFT export. */
import { buildDemoCcftExportCsv, DEMO_ACCOUNT_ID } from '../../../../shared/adapters/local/demo-ccft-export';
import { buildDemoInstruments, demoGridCfe } from '../../../../shared/adapters/local/demo-instruments';
import { decodeCcftExport } from '../../../../shared/adapters/local/ccft-export-reader';
import { CARBON_EMISSIONS_COLUMNS } from '../../../../shared/contracts/ccft';
import { hourlyCfe } from '../../../../shared/domain/market/cfe';
import { reconcile } from '../../../../shared/domain/reconcile/reconcile';
import { HOUR, NOV_1_2026, interval } from '../../../helpers/scope-fixtures';

describe('demo scopes data (labelled demo)', () => {
  it('gives a grid carbon-free share in [0, 1] whose daily mean is near the zone’s yearly share (PJM 2025: 39 %)', () => {
    const g = demoGridCfe();
    const day = Array.from({ length: 24 * 7 }, (_, h) => g('us-east-1', NOV_1_2026 + h * HOUR)!);
    for (const x of day) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
    }
    expect(day.reduce((a, b) => a + b, 0) / day.length).toBeGreaterThan(0.25);
    expect(day.reduce((a, b) => a + b, 0) / day.length).toBeLessThan(0.55);
    expect(g('xx-nowhere-1', NOV_1_2026)).toBeUndefined();
  });

  it('lets the demo PPA’s daytime profile raise the hourly CFE of us-east-1 above the grid-only score', () => {
    const now = NOV_1_2026 + 2 * 86400;
    const ins = buildDemoInstruments(now, 2);
    const load = Array.from({ length: 48 }, (_, h) => interval({ intervalStartSec: NOV_1_2026 + h * HOUR, energyKwh: { point: 6, low: 6, high: 6 } }));
    const withPpa = hourlyCfe(load, ins, demoGridCfe()).overall.cfePct!;
    const gridOnly = hourlyCfe(load, [], demoGridCfe()).overall.cfePct!;
    expect(withPpa).toBeGreaterThan(gridOnly + 10);
  });

  it('writes a sample export in the documented columns that parses and reconciles, demo account labelled', async () => {
    const xs = [interval({ intervalStartSec: NOV_1_2026, demo: true }), interval({ region: 'eu-north-1', intervalStartSec: NOV_1_2026, demo: true })];
    const csv = buildDemoCcftExportCsv(xs, { nowSec: NOV_1_2026 + 40 * 86400 });
    expect(csv.split('\n')[0]).toBe(CARBON_EMISSIONS_COLUMNS.join(','));
    const rows = await decodeCcftExport(new TextEncoder().encode(csv), 'ccft-DEMO.csv');
    expect(new Set(rows.map((r) => r.productCode))).toEqual(new Set(['AmazonSageMaker', 'AmazonS3', 'AWSLambda']));
    const r = reconcile({ ccft: rows, intervals: xs, accountOf: () => ({ accountId: DEMO_ACCOUNT_ID, source: 'demo' }), nowSec: NOV_1_2026 + 40 * 86400 });
    const us = r.cells.find((c) => c.region === 'us-east-1' && c.service === 'AmazonSageMaker')!;
    expect(us.ratio).toBeCloseTo(1.18, 5); // the demo's stated us-east-1 factor
    expect(us.notes.join()).toMatch(/demo account/);
  });
});
