/** Reconciliation with AWS's carbon export: like with like per month × account × region × service. */
import { reconcile, type ReconcileInput } from '../../../../shared/domain/reconcile/reconcile';
import type { CcftRow } from '../../../../shared/domain/reconcile/ccft-types';
import type { FootprintInterval } from '../../../../shared/domain/types';
import { HOUR, NOV_1_2026, interval, legacyInterval } from '../../../helpers/scope-fixtures';

const OCT_1 = Date.UTC(2026, 9, 1) / 1000;
const row = (over: Partial<CcftRow> = {}): CcftRow => ({
  source: 'f line 2', month: '2026-10', periodStartSec: OCT_1, accountId: '111122223333', region: 'us-east-1', productCode: 'AmazonSageMaker',
  modelVersion: 'v3.0.0', totalLbmT: 0.0122, totalMbmT: 0.006, scope1T: 0, scope2LbmT: 0.01, scope2MbmT: 0.005, scope3LbmT: 0.0002, scope3MbmT: 0.0002, ...over,
});
// Our side: one October hour on SageMaker in us-east-1: 4 kg operational (2–8), 0.1 kg embodied (0.08–0.15).
const ours = (over: Partial<FootprintInterval> = {}) => interval({ intervalStartSec: OCT_1 + 5 * HOUR, ...over });
const run = (over: Partial<ReconcileInput> & Pick<ReconcileInput, 'ccft' | 'intervals'>) =>
  reconcile({ accountOf: () => ({ accountId: '111122223333', source: 'resource' }), nowSec: NOV_1_2026 + 30 * 86400, ...over });

describe('reconcile', () => {
  it('compares AWS scope 2 LBM with our operational and scope 3 with our embodied, in tonnes, with a tolerance band', () => {
    // Act
    const r = run({ ccft: [row()], intervals: [ours()] });
    // Assess
    expect(r.cells).toHaveLength(1);
    const c = r.cells[0];
    expect(c).toMatchObject({ month: '2026-10', accountId: '111122223333', region: 'us-east-1', service: 'AmazonSageMaker', provisional: false, ratioBasis: 'scope2-lbm' });
    expect(c.ccft).toMatchObject({ scope2LbmT: 0.01, scope3T: 0.0002, totalLbmT: 0.0122 });
    expect(c.ours!.operationalT).toBeCloseTo(0.004, 12);
    expect(c.ours!.embodiedT).toBeCloseTo(0.0001, 12);
    expect(c.ratio).toBeCloseTo(2.5, 12);
    expect(c.scope3Ratio).toBeCloseTo(2, 12);
    // Band: [our low ÷ point ÷ 1.3, our high ÷ point × 1.3] = [0.5 / 1.3, 2 × 1.3].
    expect(c.tolerance!.low).toBeCloseTo(0.5 / 1.3, 12);
    expect(c.tolerance!.high).toBeCloseTo(2.6, 12);
    expect(c.withinTolerance).toBe(true);
    expect(c.scope3WithinTolerance).toBe(false); // 2 > 1.5 × 1.3
    expect(c.notes.join('\n')).toMatch(/AWS allocates unused capacity and data-centre overheads/);
    expect(c.notes.join('\n')).toMatch(/AmazonSageMaker in the export also covers notebooks/);
  });

  it('labels a month provisional until about three weeks after it ends', () => {
    const early = run({ ccft: [row()], intervals: [ours()], nowSec: NOV_1_2026 + 10 * 86400 });
    const late = run({ ccft: [row()], intervals: [ours()], nowSec: NOV_1_2026 + 22 * 86400 });
    expect(early.cells[0].provisional).toBe(true);
    expect(early.cells[0].notes[0]).toMatch(/^provisional/);
    expect(late.cells[0].provisional).toBe(false);
  });

  it('uses one model version per month (the newest) and one row per cell (the latest refresh)', () => {
    const r = run({
      ccft: [row({ modelVersion: 'v2.0.0', scope2LbmT: null, scope3LbmT: null, totalLbmT: 9 }), row({ lastRefreshSec: 1, scope2LbmT: 0.02 }), row({ lastRefreshSec: 2 }), row({ modelVersion: 'v10.0.0', month: '2026-09', periodStartSec: OCT_1 - 30 * 86400 })],
      intervals: [ours()],
    });
    expect(r.modelVersions).toEqual({ '2026-09': 'v10.0.0', '2026-10': 'v3.0.0' });
    expect(r.notes.join('\n')).toMatch(/1 export row\(s\) of older model versions set aside \(2026-10 v2\.0\.0\)/);
    expect(r.notes.join('\n')).toMatch(/1 duplicate export row\(s\).*kept the latest last_refresh_timestamp/);
    expect(r.cells.find((c) => c.month === '2026-10')!.ccft!.scope2LbmT).toBe(0.01);
  });

  it('compares the total LBM when the export has no per-scope columns (older models), and says so', () => {
    const c = run({ ccft: [row({ modelVersion: 'v2.0.0', scope2LbmT: null, scope3LbmT: null, scope1T: null, totalLbmT: 0.006 })], intervals: [ours()] }).cells[0];
    expect(c.ratioBasis).toBe('total-lbm');
    expect(c.ccft!.scope2LbmT).toBeNull();
    expect(c.ratio).toBeCloseTo(1.5, 12);
    expect(c.scope3Ratio).toBeNull();
    expect(c.notes.join('\n')).toMatch(/no per-scope columns \(model v2\.0\.0\)/);
  });

  it('keeps cells of either side alone, with the reason (untracked service, no tracked resources, not published)', () => {
    const r = run({
      ccft: [row({ productCode: 'AmazonS3' }), row({ productCode: 'Amazon EC2', region: 'eu-west-1' })],
      intervals: [ours({ resourceId: 'ep', kind: 'endpoint' }), ours({ region: 'eu-west-1', kind: 'ec2-instance', resourceId: 'i-1' }), ours({ intervalStartSec: NOV_1_2026, resourceId: 'nov' })],
      nowSec: NOV_1_2026 + 5 * 86400,
    });
    const by = (svc: string, month = '2026-10', region = 'us-east-1') => r.cells.find((c) => c.service === svc && c.month === month && c.region === region)!;
    expect(by('AmazonS3').ours).toBeNull();
    expect(by('AmazonS3').notes.join()).toMatch(/service not tracked by CarbonPilot/);
    // 'Amazon EC2' and AmazonEC2 are the same service.
    expect(by('Amazon EC2', '2026-10', 'eu-west-1').ratio).not.toBeNull();
    expect(by('AmazonSageMaker').ccft).toBeNull();
    expect(by('AmazonSageMaker').notes.join()).toMatch(/no export row for this cell/);
    expect(by('AmazonSageMaker', '2026-11').notes.join()).toMatch(/not yet published/);
  });

  it('rolls ours up by the account each resource belongs to and names demo and configured accounts', () => {
    const r = reconcile({
      ccft: [],
      intervals: [ours({ demo: true }), ours({ resourceId: 'x' }), legacyInterval({ intervalStartSec: OCT_1, resourceId: 'old' })],
      accountOf: (i) => (i.demo ? { accountId: '123456789012', source: 'demo' } : { accountId: '444455556666', source: 'configured' }),
      nowSec: NOV_1_2026 + 30 * 86400,
    });
    expect(r.cells.map((c) => c.accountId)).toEqual(['123456789012', '444455556666']);
    expect(r.cells[0].notes.join()).toMatch(/demo account/);
    expect(r.cells[0].demo).toBe(true);
    expect(r.cells[1].notes.join()).toMatch(/configured default/);
    expect(r.cells[1].notes.join()).toMatch(/1 CarbonPilot interval\(s\) stored before embodied accounting/);
    expect(r.cells[1].ours!.intervals).toBe(2);
  });
});
