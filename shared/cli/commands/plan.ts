/**
 * `carbonpilot plan FILE.json`   → the plan the request would get now (nothing stored or dispatched)
 * `carbonpilot submit FILE.json` → plan, store the job in the local store and schedule its segments for `npm start`
 * Options: [--now ISO] [--data-dir DIR] [--format text|json]. A bad file exits 2 naming the field.
 * Forecasts: CarbonPilot's forecaster on the local store's series (imported or ingested, with any stored provider
 * forecast blended in) where it has them, else on the DEMO hourly series (labelled demo), else the yearly average.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { JobRequest, MAX_REQUEST_BODY_BYTES } from '../../contracts/job-request';
import { DynamoJobStore } from '../../adapters/aws/dynamodb-job-store';
import { LocalSegmentScheduler } from '../../adapters/local/local-segment-scheduler';
import { DemoIntensityProvider } from '../../adapters/intensity/demo-intensity-provider';
import { YearlyIntensityProvider } from '../../adapters/intensity/yearly-intensity-provider';
import { SeriesForecastSource } from '../../adapters/intensity/series-forecast-source';
import { StoredIntensityProvider } from '../../adapters/intensity/stored-intensity-provider';
import { DynamoIntensityStore } from '../../adapters/aws/dynamodb-intensity-store';
import { DEMO_PROVIDER_NAME } from '../../domain/intensity/demo-series';
import { lookupInstance } from '../../domain/power/instance-catalog';
import { isoUtc } from '../../domain/time';
import { scheduleName } from '../../domain/scheduler/job-name';
import type { Plan } from '../../domain/scheduler/planner';
import { systemClock } from '../../adapters/system-clock';
import type { JobStore, SchedulingDeps, TrainingLauncher } from '../../ports/scheduler-ports';
import { JobRequestError, makePreviewPlan, makeScheduleJob } from '../../use-cases/schedule-job';
import { flagEnum, flagInstant, flagString, parseArgs, UsageError } from '../args';
import { cliSchedulingConfig, DEFAULT_DATA_DIR, openLocalDb, regionLookup } from '../store-access';


/** Read and validate the request file; every problem is a usage error (exit 2) naming the field. */
export function readJobRequestFile(file: string | undefined): JobRequest {
  if (!file) throw new UsageError('expected a job request file: carbonpilot plan FILE.json');
  let raw: unknown;
  try {
    const bytes = statSync(file).size;
    if (bytes > MAX_REQUEST_BODY_BYTES) throw new UsageError(`${file}: ${bytes} bytes is over the ${MAX_REQUEST_BODY_BYTES / 1024} KiB limit of a job request`);
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(e as Error).message})`}`);
  }
  const r = JobRequest.safeParse(raw);
  if (!r.success) throw new UsageError(`${file}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** The job and intensity stores of a running `npm start` or of the data directory; undefined when none exists and `create` is false. */
async function openJobStore(dataDir: string, create: boolean): Promise<{ jobs: JobStore; intensity: DynamoIntensityStore; close: () => Promise<void> } | undefined> {
  const db = await openLocalDb(dataDir, { create });
  return db && { jobs: new DynamoJobStore(db.client, db.tableName), intensity: new DynamoIntensityStore(db.client, db.tableName), close: () => db.close() };
}

/** No stored templates or history (plan preview without a local store). */
const EMPTY_STORE = { getTemplate: async () => undefined, familyDurations: async () => [] } as unknown as JobStore;
const NO_LAUNCHER: TrainingLauncher = {
  create: async () => {
    throw new Error('the CLI never launches training jobs; `npm start` dispatches them');
  },
  stop: async () => undefined,
};

export function renderPlan(plan: Plan): string {
  const lines = [
    `${plan.feasible ? 'plan' : 'plan (DEADLINE AT RISK)'}: expected ${plan.expectedCo2eKg.point.toFixed(3)} kg CO2e (90 % ${plan.expectedCo2eKg.low.toFixed(3)}–${plan.expectedCo2eKg.high.toFixed(3)}), run now in ${plan.runNow.region} ${plan.runNow.co2eKg.toFixed(3)} kg, savings ${plan.savingsPct.toFixed(1)} %`,
    ...plan.segments.map((s, i) => `  segment ${i}: ${s.region} ${isoUtc(s.startSec)} → ${isoUtc(s.endSec)}`),
    ...plan.reasons.map((r) => `  - ${r}`),
    `  forecast issued ${isoUtc(plan.forecastIssuedAtSec)}${plan.reasons.some((r) => r.includes(DEMO_PROVIDER_NAME)) ? ' (includes the DEMO intensity series)' : ''}; latest safe start ${isoUtc(plan.latestSafeStartSec)}`,
  ];
  return lines.join('\n');
}

async function run(kind: 'plan' | 'submit', argv: string[], out: (s: string) => void): Promise<number> {
  const a = parseArgs(argv, ['now', 'data-dir', 'format']);
  if (a.positionals.length > 1) throw new UsageError(`${kind}: unexpected argument "${a.positionals[1]}"`);
  const req = readJobRequestFile(a.positionals[0]);
  const nowSec = flagInstant(a, 'now') ?? systemClock.nowSec();
  const format = flagEnum(a, 'format', ['text', 'json'] as const, 'text');
  const dataDir = flagString(a, 'data-dir') ?? DEFAULT_DATA_DIR;
  const schedulingLimits = cliSchedulingConfig();
  const opened = await openJobStore(dataDir, kind === 'submit');
  try {
    const deps: SchedulingDeps = {
      jobs: opened?.jobs ?? EMPTY_STORE,
      scheduler: new LocalSegmentScheduler(join(resolve(dataDir), 'schedules.json')),
      launcher: NO_LAUNCHER,
      forecasts: new SeriesForecastSource(
        [...(opened ? [new StoredIntensityProvider(opened.intensity, { nowSec: () => nowSec })] : []), new DemoIntensityProvider(), new YearlyIntensityProvider()],
        opened?.intensity,
      ),
      clock: { nowSec: () => nowSec },
      regionInfo: regionLookup(),
      lookupInstance,
      config: schedulingLimits,
    };
    try {
      if (kind === 'plan') {
        const p = await makePreviewPlan(deps)(req);
        out(format === 'json' ? JSON.stringify(p, null, 2) : `job ${p.jobId} (preview, nothing scheduled)\n${renderPlan(p.plan)}`);
        return 0;
      }
      // Segments already due get an immediate schedule: the running `npm start` dispatches them.
      const schedule = makeScheduleJob(deps, async (jobId, segment, planRevision) =>
        deps.scheduler.createOneTime(scheduleName(jobId, planRevision, segment, 'start'), nowSec, { kind: 'carbonpilot.dispatch', jobId, segment, action: 'start', planRevision, attempt: 0 }),
      );
      const r = await schedule(req);
      out(format === 'json' ? JSON.stringify(r, null, 2) : `job ${r.job.jobId} ${r.created ? 'scheduled' : 'already exists'} (${r.job.status})\n${renderPlan(r.job.plan)}`);
      return 0;
    } catch (e) {
      if (e instanceof JobRequestError) throw new UsageError(`${a.positionals[0]}: ${e.message}`);
      throw e;
    }
  } finally {
    await opened?.close();
  }
}

export const planCommand = (argv: string[], out: (s: string) => void) => run('plan', argv, out);
export const submitCommand = (argv: string[], out: (s: string) => void) => run('submit', argv, out);
