/**
 * The authenticated API routes (everything but the read-only dashboard queries): served by the `api` function behind
 * API Gateway (IAM auth) in AWS and by the local server of `npm start` (bearer token). One registry, so both serve the
 * same routes and the CDK creates one API Gateway route per entry (lib/api-construct.ts); a test checks that the
 * routes built here and `API_ROUTE_SPECS` agree.
 *
 * Adding a feature's routes: export a `xxxRoutes(deps)` factory and its static specs from `shared/http/xxx-routes.ts`,
 * then add ONE line to each list below (and the deps it needs to `ApiRouteDeps`).
 */
import type { Method, Route } from './router';
import { jobsRoutes, JOBS_ROUTE_SPECS, type JobsRouteDeps } from './jobs-routes';
import { budgetsRoutes, BUDGETS_ROUTE_SPECS, type BudgetsRouteDeps } from './budgets-routes';
import { lifecycleRoutes, LIFECYCLE_ROUTE_SPECS, type LifecycleRouteDeps } from './lifecycle-routes';
import { optimiseRoutes, OPTIMISE_ROUTE_SPECS, type OptimiseRouteDeps } from './optimise-routes';

export interface RouteSpec {
  method: Method;
  /** Path pattern, e.g. `/api/jobs/:id`. */
  path: string;
}

/** What every API route module needs (each feature adds its own fields). */
export type ApiRouteDeps = JobsRouteDeps & BudgetsRouteDeps & LifecycleRouteDeps & OptimiseRouteDeps;

/** Static method + path of every API route (for API Gateway). */
export const API_ROUTE_SPECS: readonly RouteSpec[] = [
  ...JOBS_ROUTE_SPECS,
  ...BUDGETS_ROUTE_SPECS,
  ...LIFECYCLE_ROUTE_SPECS,
  ...OPTIMISE_ROUTE_SPECS,
];

/** The API routes bound to their deps. */
export const apiRoutes = (d: ApiRouteDeps): Route[] => [
  ...jobsRoutes(d),
  ...budgetsRoutes(d),
  ...lifecycleRoutes(d),
  ...optimiseRoutes(d),
];
