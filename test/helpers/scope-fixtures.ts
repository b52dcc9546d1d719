/** Hand-built footprint intervals for the embodied / market-based / reconciliation tests (round numbers). */
import type { FootprintInterval } from '../../shared/domain/types';

export const NOV_1_2026 = Date.UTC(2026, 10, 1) / 1000; // 2026-11-01T00:00:00Z
export const HOUR = 3600;

/** One hourly interval: 10 kWh facility energy (low 5, high 20), 4 kg operational, 0.1 kg embodied. */
export const interval = (over: Partial<FootprintInterval> = {}): FootprintInterval => ({
  resourceKey: `training-job#${over.region ?? 'us-east-1'}#${over.resourceId ?? 'j1'}`,
  kind: 'training-job',
  resourceId: 'j1',
  region: 'us-east-1',
  instanceType: 'ml.p4d.24xlarge',
  attribution: { team: 'nlp', project: 'p', model: 'm' },
  intervalStartSec: NOV_1_2026,
  intervalSec: HOUR,
  itEnergyKwh: { point: 10, low: 5, high: 20 },
  pue: 1,
  pueSource: 'test',
  energyKwh: { point: 10, low: 5, high: 20 },
  co2eKg: { point: 4, low: 2, high: 8 },
  intensityGPerKwh: 400,
  intensitySignal: 'average-lifecycle',
  intensityZone: 'Z',
  intensityProvider: 'test',
  intensityQuality: 'actual',
  method: 'estimated',
  measuredShare: 0,
  coveragePct: 100,
  modelVersion: 'v',
  provisional: false,
  revision: 14,
  issues: [],
  demo: false,
  embodiedKgCo2e: { point: 0.1, low: 0.08, high: 0.15 },
  embodiedStatus: 'computed',
  embodiedModelVersion: 'embodied-v1-2026',
  embodiedBasis: { platform: 'p4d.24xlarge', allocation: 'accelerator-share', share: 1, lifetimeYears: 6, reservedInstanceHours: 1 },
  ...over,
});

/** The same interval as stored before embodied accounting existed (no embodied fields at all). */
export const legacyInterval = (over: Partial<FootprintInterval> = {}): FootprintInterval => {
  const i = interval(over);
  delete i.embodiedKgCo2e;
  delete i.embodiedStatus;
  delete i.embodiedModelVersion;
  delete i.embodiedBasis;
  return i;
};
