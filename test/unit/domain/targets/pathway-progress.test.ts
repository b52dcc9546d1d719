/** Target pathways (SBTi absolute contraction, intensity, KPI thresholds), status, and the 5 % recalculation flag. */
import { annualRatePct, pathwayValue, targetPathway } from '../../../../shared/domain/targets/pathway';
import { recalculationFlag, targetProgress } from '../../../../shared/domain/targets/progress';
import { defaultTargets } from '../../../../shared/domain/targets/defaults';
import type { TargetDef } from '../../../../shared/domain/targets/types';

const absolute = (over: Partial<TargetDef> = {}): TargetDef => ({
  id: 't', metric: 'total-emissions', method: 'absolute-contraction', scope: { dimension: 'account' }, basis: 'location-based',
  baseYear: 2020, targetYear: 2030, comparator: 'at-most', ...over,
});

describe('targetPathway', () => {
  it('absolute contraction defaults to the SBTi 1.5 °C rate: 4.2 % of base-year emissions per year, linear', () => {
    const p = targetPathway(absolute(), 1000)!;
    expect(p.annualReductionPct).toBeCloseTo(4.2, 12);
    // 2025: 1000 × (1 − 0.042 × 5) = 790; 2030: 1000 × (1 − 0.42) = 580.
    expect(pathwayValue(p, '2025')).toBeCloseTo(790, 9);
    expect(pathwayValue(p, '2030')).toBeCloseTo(580, 9);
  });

  it('a total reduction is spread linearly: 50 % over 10 years is 5 %/yr', () => {
    const t = absolute({ targetReductionPct: 50 });
    expect(annualRatePct(t)).toBe(5);
    expect(pathwayValue(targetPathway(t, 1000)!, '2030')).toBeCloseTo(500, 9);
  });

  it('monthly allowances add up to the year (split by days: February 2024 has 29)', () => {
    const p = targetPathway(absolute({ baseYear: 2024, targetYear: 2026 }), 3660)!;
    const months2024 = p.monthly.filter((m) => m.period.startsWith('2024-'));
    expect(months2024.reduce((a, m) => a + m.value, 0)).toBeCloseTo(3660, 9);
    expect(pathwayValue(p, '2024-02')).toBeCloseTo(290, 9); // 3660 × 29 / 366
  });

  it('needs a base value for absolute targets; intensity targets run linearly from their base, or flat without one', () => {
    expect(targetPathway(absolute(), undefined)).toBeUndefined();
    const inten: TargetDef = { id: 'i', metric: 'inference-intensity', method: 'intensity', basis: 'location-based', baseYear: 2024, targetYear: 2026, targetValue: 0.5, comparator: 'below' };
    expect(pathwayValue(targetPathway(inten, 1.5)!, '2025')).toBeCloseTo(1.0, 12);
    expect(pathwayValue(targetPathway(inten, undefined)!, '2025')).toBe(0.5);
  });
});

describe('targetProgress', () => {
  const t = absolute({ targetReductionPct: 50 });
  const p = targetPathway(t, 1000)!; // 2025 allowance 750
  it.each([
    [700, 'on-track'],
    [750, 'on-track'],
    [751, 'off-track'],
  ] as const)('a 2025 forecast of %d kg against a 750 kg pathway is %s', (forecast, status) => {
    expect(targetProgress(t, p, { period: '2025', actual: 300, forecast, forecastMethod: 'year forecast P50' }).status).toBe(status);
  });

  it('is insufficient-data with the reason when there is no pathway or no forecast', () => {
    expect(targetProgress(t, undefined, { period: '2025', actual: null, forecast: null, forecastMethod: '' }, 'base year 2020 is not fully covered')).toMatchObject({ status: 'insufficient-data', reason: 'base year 2020 is not fully covered' });
    expect(targetProgress(t, p, { period: '2025', actual: null, forecast: null, forecastMethod: '', reason: 'no complete day of data yet' })).toMatchObject({ status: 'insufficient-data', reason: 'no complete day of data yet' });
    expect(targetProgress(t, p, { period: '2040', actual: 1, forecast: 1, forecastMethod: '' }).status).toBe('insufficient-data');
  });

  it('KPI targets compare with their comparator (≥ 95 % of training hours in low-carbon windows)', () => {
    const k: TargetDef = { id: 'k', metric: 'low-carbon-training-share', method: 'kpi-threshold', basis: 'location-based', baseYear: 2025, targetYear: 2030, targetValue: 95, comparator: 'at-least' };
    const kp = targetPathway(k, undefined)!;
    expect(targetProgress(k, kp, { period: '2026-11', actual: 96, forecast: 96, forecastMethod: 'recent' }).status).toBe('on-track');
    expect(targetProgress(k, kp, { period: '2026-11', actual: 25, forecast: 25, forecastMethod: 'recent' }).status).toBe('off-track');
  });
});

describe('recalculationFlag (SBTi: base-year emissions restated by ≥ 5 %)', () => {
  it.each([
    [1000, 1049, false],
    [1000, 1050, true],
    [1000, 950, true],
    [1000, 951, false],
  ])('recorded %d, now %d → recalculate: %s', (recorded, now, required) => {
    expect(recalculationFlag(recorded, now).required).toBe(required);
  });
  it('cannot compare without both values', () => expect(recalculationFlag(undefined, 10).required).toBe(false));
});

describe('default targets', () => {
  it('are the five measurable targets of the brief, base year last year, target year +10', () => {
    const ts = defaultTargets(2026, { demo: true });
    expect(ts.map((t) => [t.metric, t.targetReductionPct ?? t.targetValue, t.comparator])).toEqual([
      ['total-emissions', 50, 'at-most'],
      ['inference-intensity', 0.5, 'below'],
      ['training-emissions-per-run', 50, 'below'],
      ['low-carbon-training-share', 95, 'at-least'],
      ['budget-utilisation', 90, 'below'],
    ]);
    expect(ts.every((t) => t.baseYear === 2025 && t.targetYear === 2035 && t.demo === true)).toBe(true);
  });
});
