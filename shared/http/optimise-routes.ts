/**
 * The optimisation API (the api function behind API Gateway, and the local server of `npm start`):
 *   POST /api/optimisations                 start an attempt (201; the same request again returns it with 200)
 *   GET  /api/optimisations                 the ledger: every attempt with its before/after figures and decision
 *   GET  /api/optimisations/:id             one attempt with its history
 *   POST /api/optimisations/:id/promote     approve a manual promotion (409 unless the rule passed)
 *   POST /api/optimisations/:id/abort       stop it (409 once the blue/green deployment runs)
 *   POST /api/optimisations/:id/quality     the candidate's quality score (and the baseline's)
 * A bad request is a 400 naming the field; nothing is stored or launched.
 */
import { z } from 'zod';
import { HttpError, validate, type Route } from './router';
import { ATTEMPT_ID, OptimiseStartRequest, QualityScore } from '../contracts/optimisation';
import type { OptimiseDeps } from '../ports/optimisation-ports';
import {
  AttemptConflictError,
  AttemptNotFoundError,
  OptimiseRequestError,
  makeAbortOptimisation,
  makePromoteOptimisation,
  makeStartOptimisation,
  makeSubmitQuality,
} from '../use-cases/optimise-attempt';
import { ledgerRow, makeListOptimisations } from '../use-cases/optimise-ledger';
import { isoUtc } from '../domain/time';
import type { AttemptRecord } from '../ports/optimisation-ports';

export interface OptimiseRouteDeps {
  /** Absent where the environment has no optimisation pipeline: the routes answer 503. */
  optimise?: OptimiseDeps;
}

export const OPTIMISE_ROUTE_SPECS = [
  { method: 'POST', path: '/api/optimisations' },
  { method: 'GET', path: '/api/optimisations' },
  { method: 'GET', path: '/api/optimisations/:id' },
  { method: 'POST', path: '/api/optimisations/:id/promote' },
  { method: 'POST', path: '/api/optimisations/:id/abort' },
  { method: 'POST', path: '/api/optimisations/:id/quality' },
] as const;

const ListQuery = z.object({ model: z.string().min(1).max(256).optional(), endpoint: z.string().min(1).max(63).optional() }).strict();

/** Use-case errors → HTTP: a field 400, an unknown attempt 404, a conflicting state 409. */
export const mapOptimiseErrors = async <T>(f: () => Promise<T>): Promise<T> => {
  try {
    return await f();
  } catch (e) {
    if (e instanceof OptimiseRequestError) throw new HttpError(400, `invalid optimisation request: ${e.message}`, [{ field: e.field, message: e.message.slice(e.field.length + 2) }]);
    if (e instanceof AttemptNotFoundError) throw new HttpError(404, e.message);
    if (e instanceof AttemptConflictError) throw new HttpError(409, e.message);
    throw e;
  }
};

/** One attempt as the API shows it: the ledger row, its state and its history. */
export const attemptView = (rec: AttemptRecord) => ({
  ...ledgerRow(rec),
  nextActionAt: rec.nextActionAtSec !== undefined ? isoUtc(rec.nextActionAtSec) : null,
  requests: { abort: rec.requests.abortAtSec !== undefined ? isoUtc(rec.requests.abortAtSec) : null, promote: rec.requests.promoteAtSec !== undefined ? isoUtc(rec.requests.promoteAtSec) : null },
  gates: rec.decision?.gates ?? null,
  reasons: rec.decision?.reasons ?? [],
  names: rec.names,
  history: rec.history.map((h) => ({ ...h, at: isoUtc(h.atSec) })),
});

export function optimiseRoutes(d: OptimiseRouteDeps): Route[] {
  const deps = (): OptimiseDeps => {
    if (!d.optimise) throw new HttpError(503, 'the optimisation pipeline is not configured here');
    return d.optimise;
  };
  const attemptId = (raw: string | undefined): string => {
    if (!raw || !ATTEMPT_ID.test(raw)) throw new HttpError(400, 'invalid attempt id', [{ field: 'id', message: 'expected 16 lowercase hex digits' }]);
    return raw;
  };
  const act = (f: (o: OptimiseDeps) => (id: string) => Promise<AttemptRecord>): Route['handle'] => async (req) => {
    const id = attemptId(req.params.id);
    const rec = await mapOptimiseErrors(() => f(deps())(id));
    return { status: 200, body: { attempt: attemptView(rec) } };
  };
  return [
    {
      method: 'POST',
      path: '/api/optimisations',
      handle: async (req) => {
        const body = validate(OptimiseStartRequest, req.body, 'optimisation request');
        const r = await mapOptimiseErrors(() => makeStartOptimisation(deps())(body));
        return { status: r.created ? 201 : 200, body: { created: r.created, attempt: attemptView(r.attempt) }, headers: { location: `/api/optimisations/${r.attempt.attemptId}` } };
      },
    },
    {
      method: 'GET',
      path: '/api/optimisations',
      handle: async (req) => {
        const q = validate(ListQuery, Object.fromEntries(req.query.entries()), 'query');
        const attempts = await makeListOptimisations(deps().attempts)(q);
        return { status: 200, body: { attempts, demo: attempts.some((a) => a.demo) } };
      },
    },
    {
      method: 'GET',
      path: '/api/optimisations/:id',
      handle: async (req) => {
        const id = attemptId(req.params.id);
        const rec = await deps().attempts.get(id);
        if (!rec) throw new HttpError(404, `no optimisation attempt ${id}`);
        return { status: 200, body: { attempt: attemptView(rec) } };
      },
    },
    { method: 'POST', path: '/api/optimisations/:id/promote', handle: act((o) => makePromoteOptimisation(o)) },
    { method: 'POST', path: '/api/optimisations/:id/abort', handle: act((o) => makeAbortOptimisation(o)) },
    {
      method: 'POST',
      path: '/api/optimisations/:id/quality',
      handle: async (req) => {
        const id = attemptId(req.params.id);
        const body = validate(QualityScore, req.body, 'quality score');
        const rec = await mapOptimiseErrors(() => makeSubmitQuality(deps())(id, body));
        return { status: 200, body: { attempt: attemptView(rec) } };
      },
    },
  ];
}
