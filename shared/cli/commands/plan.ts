/**
 * `carbonpilot plan FILE.json`   → the plan the request would get now (nothing stored or dispatched)
 * `carbonpilot submit FILE.json` → plan, store the job in the local store and schedule its segments for `npm start`
 * Options: [--now ISO] [--data-dir DIR] [--format text|json]. A bad file exits 2 naming the field (an unknown field
 * too); a plan that cannot meet its deadline says so first and exits 4 (EXIT.deadlineAtRisk).
 * Forecasts: CarbonPilot's forecaster on the local store's series (imported or ingested, with any stored provider
 * forecast blended in) where it has them, else on the DEMO hourly series (labelled demo), else the yearly average.
 */
import { readFileSync, statSync } from 'node:fs';
import { JobRequest, MAX_REQUEST_BODY_BYTES } from '../../contracts/job-request';
import { fieldIssues } from '../../contracts/zod-issues';
import { DEMO_PROVIDER_NAME } from '../../domain/intensity/demo-series';
import { isoUtc, type EpochSec } from '../../domain/time';
import { scheduleName } from '../../domain/scheduler/job-name';
import type { Plan } from '../../domain/scheduler/planner';
import { gateSummary } from '../../domain/budgets/gate';
import { relativeText, whenText } from '../../domain/scheduler/plan-text';
import { systemClock } from '../../adapters/system-clock';
import { JobRequestError, makePreviewPlan, makeScheduleJob } from '../../use-cases/schedule-job';
import { EXIT, flagEnum, flagInstant, flagString, parseArgs, UsageError, type CommandUsage } from '../args';
import { DEFAULT_DATA_DIR } from '../store-access';
import { cliSchedulingDeps, openCliStore } from '../../composition/cli';

const COMMON = `  FILE.json     a carbonpilot/v1 job request (examples/job-request.json); unknown fields are errors, except inside
                trainingJob (a SageMaker CreateTrainingJob request, passed through)
  --now ISO     plan as of this instant (default: the wall clock)
  --format      text (default) or json: the plan with its fields (feasible, startSec, startsNow, beyondForecast,
                warnings, segments, reasons)
  --data-dir    the local store whose intensity series the forecasts use (default .carbonpilot)
  Exit codes: 0 planned, 2 bad request (naming the field), 4 the deadline cannot be met (said first).`;

export const PLAN_USAGE: CommandUsage = {
  text: `usage: carbonpilot plan FILE.json [--now ISO] [--format text|json] [--data-dir DIR]
  The carbon-aware plan the request would get now: when and where to run (and in how many segments, if
  interruptible), expected kgCO2e against starting now, and why. Nothing is stored or scheduled.
${COMMON}`,
};

export const SUBMIT_USAGE: CommandUsage = {
  text: `usage: carbonpilot submit FILE.json [--now ISO] [--format text|json] [--data-dir DIR]
  Plan the request and store the job with its one-time schedules in the local store; a running \`npm start\` dispatches
  the segments when they are due. Idempotent: the same request (or clientToken) is the same job.
${COMMON}`,
};

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
  if (!r.success) throw new UsageError(`${file}: ${fieldIssues(JobRequest, r.error, '(root)').map((i) => `${i.field}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** The plan as text: what must be read first (deadline at risk, beyond the forecast), `heading`, then when, where and why. */
export function renderPlan(plan: Plan, nowSec: EpochSec, heading?: string): string {
  const warnings = plan.warnings ?? (plan.feasible ? [] : ['DEADLINE AT RISK: no plan meets the deadline']);
  const first = plan.segments[0];
  const start = plan.startSec ?? first.startSec;
  const when = start <= nowSec ? 'start now' : `start at ${whenText(start, nowSec)}`;
  const rel = (t: EpochSec) => {
    const r = relativeText(t, nowSec);
    return r && r !== 'now' ? ` (${r})` : '';
  };
  const lines = [
    ...warnings,
    ...(heading ? [heading] : []),
    `${plan.feasible ? 'plan' : 'plan (DEADLINE AT RISK)'}: ${when} in ${first.region}; expected ${plan.expectedCo2eKg.point.toFixed(3)} kg CO2e (90 % ${plan.expectedCo2eKg.low.toFixed(3)}–${plan.expectedCo2eKg.high.toFixed(3)}) vs ${plan.runNow.co2eKg.toFixed(3)} kg starting as early as allowed in ${plan.runNow.region}: savings ${plan.savingsPct.toFixed(1)} %`,
    ...plan.segments.map((s, i) => `  segment ${i}: ${s.region} ${isoUtc(s.startSec)} → ${isoUtc(s.endSec)}${rel(s.startSec)}`),
    // The warnings are printed above; the reasons repeat them for the record (JSON, stored plans).
    ...plan.reasons.filter((r) => !warnings.some((w) => w.endsWith(r))).map((r) => `  - ${r}`),
    `  forecast issued ${isoUtc(plan.forecastIssuedAtSec)}${plan.reasons.some((r) => r.includes(DEMO_PROVIDER_NAME)) ? ' (includes the DEMO intensity series)' : ''}; latest safe start ${isoUtc(plan.latestSafeStartSec)}${rel(plan.latestSafeStartSec)}`,
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
        out(format === 'json' ? JSON.stringify(p, null, 2) : `${renderPlan(p.plan, nowSec, `job ${p.jobId} (preview, nothing scheduled)`)}${p.budgetGate ? `\n  ${gateSummary(p.budgetGate)}` : ''}`);
        return p.plan.feasible ? EXIT.ok : EXIT.deadlineAtRisk;
      }
      // Segments already due get an immediate schedule: the running `npm start` dispatches them.
      const schedule = makeScheduleJob(deps, async (jobId, segment, planRevision) =>
        deps.scheduler.createOneTime(scheduleName(jobId, planRevision, segment, 'start'), nowSec, { kind: 'carbonpilot.dispatch', jobId, segment, action: 'start', planRevision, attempt: 0 }),
      );
      const r = await schedule(req);
      out(format === 'json' ? JSON.stringify(r, null, 2) : renderPlan(r.job.plan, nowSec, `job ${r.job.jobId} ${r.created ? 'scheduled' : 'already exists'} (${r.job.status})`));
      return r.job.plan.feasible ? EXIT.ok : EXIT.deadlineAtRisk;
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
