/**
 * `carbonpilot plan FILE.json`   → the plan the request would get now (nothing stored or dispatched)
 * `carbonpilot submit FILE.json` → plan, store the job in the local store and schedule its segments for `npm start`
 * Options: [--now ISO] [--data-dir DIR] [--format text|json]. A bad file exits 2 naming the field.
 * Forecasts: CarbonPilot's forecaster on the local store's series (imported or ingested, with any stored provider
 * forecast blended in) where it has them, else on the DEMO hourly series (labelled demo), else the yearly average.
 */
import { readFileSync, statSync } from 'node:fs';
import { JobRequest, MAX_REQUEST_BODY_BYTES } from '../../contracts/job-request';
import { DEMO_PROVIDER_NAME } from '../../domain/intensity/demo-series';
import { isoUtc } from '../../domain/time';
import { scheduleName } from '../../domain/scheduler/job-name';
import type { Plan } from '../../domain/scheduler/planner';
import { gateSummary } from '../../domain/budgets/gate';
import { systemClock } from '../../adapters/system-clock';
import { JobRequestError, makePreviewPlan, makeScheduleJob } from '../../use-cases/schedule-job';
import { flagEnum, flagInstant, flagString, parseArgs, UsageError } from '../args';
import { DEFAULT_DATA_DIR } from '../store-access';
import { cliSchedulingDeps, openCliStore } from '../../composition/cli';

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
  const clock = { nowSec: () => nowSec };
  const opened = await openCliStore(dataDir, { create: kind === 'submit', clock });
  try {
    const deps = cliSchedulingDeps(dataDir, opened, clock);
    try {
      if (kind === 'plan') {
        const p = await makePreviewPlan(deps)(req);
        out(format === 'json' ? JSON.stringify(p, null, 2) : `job ${p.jobId} (preview, nothing scheduled)\n${renderPlan(p.plan)}${p.budgetGate ? `\n  ${gateSummary(p.budgetGate)}` : ''}`);
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
