/** Test harness: real local adapters (dynalite job store, local scheduler and launcher, manual clock) + a scripted forecast. */
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../shared/adapters/local/embedded-dynamodb';
import { DynamoJobStore } from '../../../shared/adapters/aws/dynamodb-job-store';
import { LocalSegmentScheduler } from '../../../shared/adapters/local/local-segment-scheduler';
import { LocalTrainingLauncher } from '../../../shared/adapters/local/local-training-launcher';
import { ManualClock } from '../../../shared/adapters/local/manual-clock';
import { lookupInstance } from '../../../shared/domain/power/instance-catalog';
import { getRegionInfo } from '../../../shared/domain/regions/region-catalog';
import { alignDown, HOUR_SEC, isoUtc } from '../../../shared/domain/time';
import type { ForecastSource, SchedulingDeps, ZoneForecast } from '../../../shared/ports/scheduler-ports';
import type { JobRequestInput } from '../../../shared/contracts/job-request';

export const T0 = 1_717_200_000; // 2024-06-01T00:00:00Z

/** Forecast = f(zone, hour start): tests change `curve` to simulate a newer forecast. */
export class ScriptedForecasts implements ForecastSource {
  calls = 0;
  /** Every zone key a forecast was asked for, with its signal. */
  readonly asked: string[] = [];
  constructor(public curve: (zone: string, hourSec: number) => number) {}
  async forecast(zone: string, signal: ZoneForecast['signal'], nowSec: number, horizonH: number): Promise<ZoneForecast> {
    this.calls++;
    this.asked.push(`${zone}|${signal}`);
    const startSec = alignDown(nowSec, HOUR_SEC);
    const point = Array.from({ length: horizonH }, (_, h) => this.curve(zone, startSec + h * HOUR_SEC));
    return { zone, startSec, point, low: point.map((v) => v * 0.9), high: point.map((v) => v * 1.1), issuedAtSec: startSec, signal, source: 'scripted' };
  }
}

/** PJM (us-east-1) 400 g/kWh except a clean window 10:00–14:00 UTC on day 0; SE-SE3 (eu-north-1) flat 300. */
export const cleanWindowAt10 = (zone: string, t: number): number => {
  if (zone === 'SE-SE3') return 300;
  const h = (t - T0) / HOUR_SEC;
  return h >= 10 && h < 14 ? 100 : 400;
};

export interface Harness {
  db: EmbeddedDynamo;
  jobs: DynamoJobStore;
  scheduler: LocalSegmentScheduler;
  launcher: LocalTrainingLauncher;
  clock: ManualClock;
  forecasts: ScriptedForecasts;
  deps: SchedulingDeps;
  close(): Promise<void>;
}

export async function startHarness(curve = cleanWindowAt10): Promise<Harness> {
  const db = await startEmbeddedDynamo({ tableName: 'carbonpilot-test' });
  const jobs = new DynamoJobStore(db.client, db.tableName);
  const scheduler = new LocalSegmentScheduler();
  const clock = new ManualClock(T0);
  const launcher = new LocalTrainingLauncher(clock);
  const forecasts = new ScriptedForecasts(curve);
  const deps: SchedulingDeps = { jobs, scheduler, launcher, forecasts, clock, regionInfo: (r) => getRegionInfo(r), lookupInstance };
  return { db, jobs, scheduler, launcher, clock, forecasts, deps, close: () => db.close() };
}

export const request = (over: Partial<JobRequestInput> = {}): JobRequestInput => ({
  apiVersion: 'carbonpilot/v1',
  trainingJob: {
    TrainingJobName: 'bert-ft',
    AlgorithmSpecification: { TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1', TrainingInputMode: 'File' },
    RoleArn: 'arn:aws:iam::123456789012:role/carbonpilot-training-test',
    ResourceConfig: { InstanceType: 'ml.g5.2xlarge', InstanceCount: 1, VolumeSizeInGB: 50 },
    StoppingCondition: { MaxRuntimeInSeconds: 86400 },
    OutputDataConfig: { S3OutputPath: 's3://my-bucket/out' },
    HyperParameters: { epochs: '3' },
  },
  deadline: isoUtc(T0 + 24 * HOUR_SEC),
  expectedDurationSec: 2 * HOUR_SEC,
  allowedRegions: [
    { region: 'us-east-1' },
    { region: 'eu-north-1', locations: { trainingImage: '123456789012.dkr.ecr.eu-north-1.amazonaws.com/train:1', outputPath: 's3://my-bucket-eu/out' } },
  ],
  interruptible: false,
  signal: 'average',
  ownerTags: { team: 'nlp' },
  ...over,
});
