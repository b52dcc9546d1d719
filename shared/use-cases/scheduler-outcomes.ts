/** Use case: the realised outcomes of completed carbon-aware jobs, for the KPI report, the dashboard and `npm start`. */
import type { SchedulerOutcomes } from '../domain/kpis';
import type { JobOutcome, JobOutcomeDeps } from './job-outcome';
import { makeJobOutcome } from './job-outcome';

export interface SchedulerSummary {
  outcomes: JobOutcome[];
  /** In the KPI shape; undefined when no job has completed (the KPI then says why). */
  kpi?: SchedulerOutcomes;
}

export const makeSchedulerOutcomes = (d: JobOutcomeDeps) =>
  async (): Promise<SchedulerSummary> => {
    const outcome = makeJobOutcome(d);
    const done = await d.jobs.listByStatus('completed');
    const tags = new Map(done.map((j) => [j.jobId, j.request.ownerTags]));
    const outcomes = (await Promise.all(done.map((j) => outcome(j.jobId)))).filter((o): o is JobOutcome => o !== undefined && o.complete);
    outcomes.sort((a, b) => a.jobId.localeCompare(b.jobId));
    if (!outcomes.length) return { outcomes };
    return {
      outcomes,
      kpi: {
        jobs: outcomes.map((o) => ({
          realisedCo2eKg: o.realisedCo2eKg.point,
          runNowCo2eKg: o.baseline.co2eKg,
          lowCarbonHours: o.hours.filter((h) => h.lowCarbon === true).length,
          hours: o.hours.filter((h) => h.lowCarbon !== null && h.lowCarbon !== undefined).length,
          // For team/region/time filters of the dashboard and the KPIs.
          ownerTags: tags.get(o.jobId),
          regions: [...new Set(o.hours.map((h) => h.region))].sort(),
          ...(o.hours.length ? { startSec: o.hours[0].startSec, endSec: o.hours[o.hours.length - 1].startSec + 3600 } : {}),
        })),
      },
    };
  };
