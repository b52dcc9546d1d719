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
        })),
      },
    };
  };
