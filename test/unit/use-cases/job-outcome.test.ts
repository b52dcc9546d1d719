/** Realised outcome: Σ intervals of the launched jobs, run-now baseline on actual intensities, low-carbon hours. */
import { makeJobOutcome } from '../../../shared/use-cases/job-outcome';
import type { FootprintStore, IntensityProvider } from '../../../shared/ports';
import type { FootprintInterval, IntensityPoint } from '../../../shared/domain/types';
import type { JobRecord, JobStore } from '../../../shared/ports/scheduler-ports';
import { getRegionInfo } from '../../../shared/domain/regions/region-catalog';
import { DAY_SEC, HOUR_SEC } from '../../../shared/domain/time';

const T0 = 1_717_200_000;
const PJM = 'US-MIDA-PJM';
/** Actual intensity: 100 g/kWh at 10–11 h each day, 400 otherwise. */
const actual = (t: number) => (((t - T0) % DAY_SEC) / HOUR_SEC >= 10 && ((t - T0) % DAY_SEC) / HOUR_SEC < 12 ? 100 : 400);
const provider = (quality: IntensityPoint['quality']): IntensityProvider => ({
  name: 'test',
  getSeries: async (zone, signal, w) => {
    const out: IntensityPoint[] = [];
    for (let t = w.startSec - (w.startSec % HOUR_SEC); t < w.endSec; t += HOUR_SEC) out.push({ tSec: t, periodSec: HOUR_SEC, gPerKwh: actual(t), zone, signal, provider: 'test', quality });
    return out;
  },
});
const interval = (start: number, itKwh: number, g: number): FootprintInterval =>
  ({
    resourceKey: 'training-job#us-east-1#bert-abcdef01-s0',
    intervalStartSec: start,
    intervalSec: HOUR_SEC,
    region: 'us-east-1',
    itEnergyKwh: { point: itKwh, low: itKwh, high: itKwh },
    energyKwh: { point: itKwh * 1.15, low: itKwh * 1.15, high: itKwh * 1.15 },
    co2eKg: { point: (itKwh * 1.15 * g) / 1000, low: 0, high: 0 },
    intensityGPerKwh: g,
    intensityZone: PJM,
    intensityQuality: 'actual',
    demo: false,
  }) as FootprintInterval;

const job = {
  jobId: 'abcdef0123456789abcd',
  status: 'completed',
  demo: false,
  inputs: { submittedAtSec: T0 + 30 * DAY_SEC, earliestStartSec: T0 + 30 * DAY_SEC, durationSec: 2 * HOUR_SEC, powerKw: 10, signal: 'average-lifecycle', regions: ['us-east-1'] },
  plan: { runNow: { region: 'us-east-1', co2eKg: 9.2 } },
  launches: [{ segment: 0, attempt: 0, region: 'us-east-1', trainingJobName: 'bert-abcdef01-s0', startedAtSec: T0 + 30 * DAY_SEC + 10 * HOUR_SEC, endedAtSec: T0 + 30 * DAY_SEC + 12 * HOUR_SEC, status: 'Completed' }],
} as unknown as JobRecord;
const jobs = { get: async () => job } as unknown as JobStore;
const start = T0 + 30 * DAY_SEC + 10 * HOUR_SEC;
const store = { queryResourceIntervals: async () => [interval(start, 10, 100), interval(start + HOUR_SEC, 10, 100)] } as unknown as FootprintStore;

describe('job outcome', () => {
  it('sums the launched job intervals and compares with run-now at actual intensities', async () => {
    const o = (await makeJobOutcome({ jobs, store, intensityProviders: [provider('actual')], regionInfo: (r) => getRegionInfo(r) })(job.jobId))!;
    expect(o.realisedCo2eKg.point).toBeCloseTo(2 * (10 * 1.15 * 100) / 1000, 9); // 2.3 kg
    // Run-now: 20 kWh IT from 00:00 (400 g/kWh) × PUE 1.15 (AWS us-east-1 2025) = 9.2 kg.
    expect(o.baseline).toMatchObject({ basis: 'actual-intensity', region: 'us-east-1' });
    expect(o.baseline.co2eKg).toBeCloseTo(9.2, 9);
    expect(o.savingsPct).toBeCloseTo(75, 9);
    // 10–12 h are the daily minimum: ≤ 30th percentile of the trailing 30 days.
    expect(o.hours.map((x) => x.lowCarbon)).toEqual([true, true]);
    expect(o.lowCarbonSharePct).toBe(100);
    expect(o.complete).toBe(true);
  });

  it('falls back to the plan estimate (scaled to the realised energy) without actual intensities, and says so', async () => {
    const o = (await makeJobOutcome({ jobs, store, intensityProviders: [provider('own-forecast')], regionInfo: (r) => getRegionInfo(r) })(job.jobId))!;
    expect(o.baseline.basis).toBe('plan-estimate');
    expect(o.baseline.co2eKg).toBeCloseTo(9.2 * (20 / 20), 9);
    expect(o.lowCarbonSharePct).toBeNull();
  });

  it('compares like with like: a job planned on marginal is reported on the signal of its footprints', async () => {
    const marginalJob = { ...job, inputs: { ...job.inputs, signal: 'marginal' } } as unknown as JobRecord;
    const avgStore = {
      queryResourceIntervals: async () => [start, start + HOUR_SEC].map((t) => ({ ...interval(t, 10, 100), intensitySignal: 'average-lifecycle' })),
    } as unknown as FootprintStore;
    const asked = new Set<string>();
    const p = provider('actual');
    const recording: IntensityProvider = {
      name: 'rec',
      getSeries: async (zone, signal, w) => {
        asked.add(`${zone}|${signal}`);
        return signal === 'marginal' ? [] : p.getSeries(zone, signal, w);
      },
    };
    const o = (await makeJobOutcome({ jobs: { get: async () => marginalJob } as unknown as JobStore, store: avgStore, intensityProviders: [recording], regionInfo: (r) => getRegionInfo(r) })(job.jobId))!;
    expect(o.signal).toBe('average-lifecycle');
    expect([...asked]).toEqual(['US-MIDA-PJM|average-lifecycle']);
    expect(o.baseline).toMatchObject({ basis: 'actual-intensity' });
    expect(o.baseline.co2eKg).toBeCloseTo(9.2, 9);
    expect(o.lowCarbonSharePct).toBe(100);
  });
});
