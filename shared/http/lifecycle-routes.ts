/**
 * The lifecycle API (served by the api function behind API Gateway and by the local server of `npm start`):
 *   GET  /api/lifecycle            the subjects with state, idle days, wasted kgCO2e and proposals (newest evaluation)
 *   GET  /api/lifecycle/ledger     the savings ledger: AVOIDED figures per action and totals (from, to)
 *   GET  /api/rightsizing          right-sizing recommendations with evidence and saving ranges
 *   POST /api/lifecycle/actions    park | unpark | approve | undo | propose (body: LifecycleActionRequest)
 * Bad input is a 400 naming the field; an unknown subject 404; a conflicting state 409 — and nothing is changed.
 */
import { z } from 'zod';
import { HttpError, validate, type Route } from './router';
import { LifecycleActionRequest } from '../contracts/lifecycle';
import { isoUtc, parseIsoInstant, DAY_SEC } from '../domain/time';
import { LifecycleConflictError, LifecycleNotFoundError, LifecycleRefusedError } from '../use-cases/lifecycle-actions';
import { IllegalTransitionError } from '../domain/lifecycle/action-machine';
import { LifecycleRequestError, makeLifecycleService, type LifecycleServiceDeps } from '../use-cases/lifecycle-service';

export interface LifecycleRouteDeps {
  lifecycle: LifecycleServiceDeps;
}

export const LIFECYCLE_ROUTE_SPECS = [
  { method: 'GET', path: '/api/lifecycle' },
  { method: 'GET', path: '/api/lifecycle/ledger' },
  { method: 'GET', path: '/api/rightsizing' },
  { method: 'POST', path: '/api/lifecycle/actions' },
] as const;

const instant = z.string().transform((s, ctx) => {
  const t = parseIsoInstant(s);
  if (!Number.isFinite(t)) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not an ISO-8601 instant with a zone (e.g. 2026-11-01T00:00:00Z)` });
    return z.NEVER;
  }
  return t;
});
const ListQuery = z.object({ all: z.enum(['true', 'false']).optional(), state: z.enum(['active', 'cooling', 'cold', 'frozen', 'parked']).optional() }).strict();
const LedgerQuery = z.object({ from: instant.optional(), to: instant.optional() }).strict();
const EmptyQuery = z.object({}).strict();
const params = (q: URLSearchParams) => Object.fromEntries(q.entries());

/** Domain errors → HTTP. */
const mapErrors = async <T>(f: () => Promise<T>): Promise<T> => {
  try {
    return await f();
  } catch (e) {
    if (e instanceof LifecycleRequestError) throw new HttpError(400, `invalid lifecycle request: ${e.field}: ${e.message}`, [{ field: e.field, message: e.message }]);
    if (e instanceof LifecycleNotFoundError) throw new HttpError(404, e.message);
    if (e instanceof LifecycleConflictError || e instanceof LifecycleRefusedError || e instanceof IllegalTransitionError) throw new HttpError(409, e.message);
    throw e;
  }
};

export function lifecycleRoutes(d: LifecycleRouteDeps): Route[] {
  const svc = makeLifecycleService(d.lifecycle);
  return [
    {
      method: 'GET',
      path: '/api/lifecycle',
      handle: async (req) => {
        const q = validate(ListQuery, params(req.query), 'query');
        const v = await svc.view();
        const resources = v.resources.filter((r) => (q.state ? r.state === q.state : q.all === 'true' || r.state !== 'active'));
        return { status: 200, body: { at: isoUtc(v.at), fresh: v.fresh, resources, errors: v.errors, demo: v.demo } };
      },
    },
    {
      method: 'GET',
      path: '/api/lifecycle/ledger',
      handle: async (req) => {
        const q = validate(LedgerQuery, params(req.query), 'query');
        const now = d.lifecycle.clock.nowSec();
        const w = { startSec: q.from ?? now - 93 * DAY_SEC, endSec: q.to ?? now };
        if (w.startSec >= w.endSec) throw new HttpError(400, 'invalid query: from must be before to', [{ field: 'from', message: 'must be before to' }]);
        const r = await svc.ledger(w);
        return { status: 200, body: { from: isoUtc(w.startSec), to: isoUtc(w.endSec), label: r.label, signal: r.signal, rows: r.rows, totals: r.totals, demo: r.demo } };
      },
    },
    {
      method: 'GET',
      path: '/api/rightsizing',
      handle: async (req) => {
        validate(EmptyQuery, params(req.query), 'query');
        const r = await svc.rightsizing();
        return { status: 200, body: { recommendations: r.recommendations, skipped: r.skipped, minimumObservedHours: r.minimumObservedHours, from: isoUtc(r.window.startSec), to: isoUtc(r.window.endSec), demo: r.demo } };
      },
    },
    {
      method: 'POST',
      path: '/api/lifecycle/actions',
      handle: async (req) => {
        const body = validate(LifecycleActionRequest, req.body, 'lifecycle request');
        const out = await mapErrors(() => svc.act(body));
        return { status: out.error ? 502 : out.waiting && !out.dryRun ? 202 : 200, body: out };
      },
    },
  ];
}
