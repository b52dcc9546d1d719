/** The API route registry: the routes built for the server are exactly the static specs API Gateway is given. */
import { API_ROUTE_SPECS, apiRoutes } from '../../../shared/http/api-routes';
import { JOBS_API_ROUTES } from '../../../lib/api-construct';
import { startHarness } from '../use-cases/scheduling-harness';

describe('API route registry', () => {
  it('builds one route per spec, same method and path, no more', async () => {
    const h = await startHarness();
    try {
      const built = apiRoutes({ scheduling: h.deps, footprint: {} as never, intensityProviders: [], budgeting: {} as never, lifecycle: {} as never }).map((r) => `${r.method} ${r.path}`).sort();
      expect(built).toEqual(API_ROUTE_SPECS.map((r) => `${r.method} ${r.path}`).sort());
    } finally {
      await h.close();
    }
  });

  it('gives API Gateway the same routes with {param} placeholders', () => {
    expect(JOBS_API_ROUTES.map((r) => `${r.method} ${r.path}`).sort()).toEqual(API_ROUTE_SPECS.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`).sort());
  });
});
