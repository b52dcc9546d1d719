import { emfLine, footprintMetrics } from '../../../../shared/adapters/aws/emf';
import { seedIntervals } from '../../../browser/seed-store';

describe('Embedded Metric Format', () => {
  it('emfLine puts the metric directive under _aws and the values at the root', () => {
    const line = JSON.parse(emfLine('CarbonPilot', { Team: 'nlp', Region: 'eu-west-1' }, [{ name: 'Co2eKg', value: 1.5, unit: 'None' }], 1_700_000_000_123.7));
    expect(line).toEqual({
      _aws: { Timestamp: 1_700_000_000_123, CloudWatchMetrics: [{ Namespace: 'CarbonPilot', Dimensions: [['Team', 'Region']], Metrics: [{ Name: 'Co2eKg', Unit: 'None' }] }] },
      Team: 'nlp',
      Region: 'eu-west-1',
      Co2eKg: 1.5,
    });
  });

  it.each([
    ['no metrics', () => emfLine('N', { A: 'x' }, [], 0)],
    ['a non-finite value', () => emfLine('N', { A: 'x' }, [{ name: 'M', value: NaN, unit: 'None' }], 0)],
    ['a dimension set naming a missing dimension', () => emfLine('N', { A: 'x' }, [{ name: 'M', value: 1, unit: 'None' }], 0, [['B']])],
    ['a metric clashing with a dimension', () => emfLine('N', { M: 'x' }, [{ name: 'M', value: 1, unit: 'None' }], 0)],
  ])('rejects %s', (_what, f) => {
    expect(f).toThrow(/emf:/);
  });

  it('footprintMetrics publishes EnergyKwh and Co2eKg per team, region and kind that sum to the interval totals', () => {
    const xs = seedIntervals();
    const lines = footprintMetrics(xs).map((l) => JSON.parse(l));
    for (const l of lines) {
      expect(l._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Team'], ['Region'], ['Kind']]);
      expect(l._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name)).toEqual(expect.arrayContaining(['EnergyKwh', 'Co2eKg']));
      expect(typeof l.Team).toBe('string');
    }
    const sum = (f: (l: Record<string, number>) => number) => lines.reduce((a, l) => a + f(l), 0);
    expect(sum((l) => l.Co2eKg)).toBeCloseTo(xs.reduce((a, i) => a + i.co2eKg.point, 0), 9);
    expect(sum((l) => l.EnergyKwh)).toBeCloseTo(xs.reduce((a, i) => a + i.energyKwh.point, 0), 9);
    expect(sum((l) => l.Invocations ?? 0)).toBe(xs.reduce((a, i) => a + (i.invocations ?? 0), 0));
    expect(lines[0]._aws.Timestamp).toBe(xs.reduce((m, i) => Math.min(m, i.intervalStartSec), Infinity) * 1000);
  });

  it('leaves provisional intervals out (EMF values cannot be revised)', () => {
    const [a] = seedIntervals();
    expect(footprintMetrics([{ ...a, provisional: true }])).toEqual([]);
  });
});
