/**
 * The budgets and targets API (authenticated; the `api` function behind API Gateway, the local server of `npm start`):
 *   GET    /api/budgets          every live budget with its state: { asOf, demo, budgets: [...] } (as `budgets list --format json`)
 *   GET    /api/budgets/:id      { asOf, demo, budget }
 *   PUT    /api/budgets/:id      create or replace (201 created, 200 updated); `?ifVersion=N` = only if still at version N
 *   DELETE /api/budgets/:id      tombstone; `?ifVersion=N`
 * and the same four for /api/targets. A bad definition is a 400 naming every field (nothing stored), an unknown id a
 * 404, a version that moved a 409.
 */
import { z } from 'zod';
import { DefinitionError } from '../contracts/budgets';
import { DefinitionNotFoundError, makeDeleteBudget, makeSetBudget, VersionConflictError } from '../use-cases/budgets-crud';
import { makeBudgetStatuses } from '../use-cases/evaluate-budgets';
import { makeDeleteTarget, makeSetTarget, makeTargetStatuses, type BudgetingDeps } from '../use-cases/targets-crud';
import { isoUtc } from '../domain/time';
import { budgetsBody, budgetView, targetsBody, targetView } from './budget-views';
import { HttpError, validate, type HttpRequest, type Route } from './router';

export interface BudgetsRouteDeps {
  /** Stores, attribution keys, clock and the KPI loader (shared/composition/factories.ts makeBudgetingDeps). */
  budgeting: BudgetingDeps;
}

/** Method + path of every budgets/targets route (API Gateway routes are created from these). */
export const BUDGETS_ROUTE_SPECS = [
  { method: 'GET', path: '/api/budgets' },
  { method: 'GET', path: '/api/budgets/:id' },
  { method: 'PUT', path: '/api/budgets/:id' },
  { method: 'DELETE', path: '/api/budgets/:id' },
  { method: 'GET', path: '/api/targets' },
  { method: 'GET', path: '/api/targets/:id' },
  { method: 'PUT', path: '/api/targets/:id' },
  { method: 'DELETE', path: '/api/targets/:id' },
] as const;

const ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const ListQuery = z.object({}).strict();
const VersionQuery = z.object({ ifVersion: z.coerce.number({ error: 'expected a whole number' }).int('expected a whole number').min(0).optional() }).strict();

const params = (q: URLSearchParams): Record<string, string> => Object.fromEntries(q.entries());

/** Definition and lookup errors → HTTP: 400 with every bad field, 404, 409. */
async function mapErrors<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof DefinitionError) throw new HttpError(400, `${e.message}; nothing stored`, e.fields);
    if (e instanceof DefinitionNotFoundError) throw new HttpError(404, e.message);
    if (e instanceof VersionConflictError) throw new HttpError(409, e.message);
    throw e;
  }
}

const idOf = (req: HttpRequest, what: string): string => {
  const id = req.params.id;
  if (!id || !ID.test(id)) throw new HttpError(400, `invalid ${what} id`, [{ field: 'id', message: '1–64 of a-z, 0-9 and inner hyphens' }]);
  return id;
};

/** The body's definition with the path's id: a body naming another id is a 400 on `id`. */
const definitionOf = (req: HttpRequest, id: string, what: string): unknown => {
  const body = req.body;
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, `invalid ${what}: expected a JSON object; nothing stored`, [{ field: '(root)', message: 'expected a JSON object' }]);
  }
  const given = (body as { id?: unknown }).id;
  if (given !== undefined && given !== id) throw new HttpError(400, `invalid ${what}: id: "${String(given)}" differs from the path's "${id}"; nothing stored`, [{ field: 'id', message: `differs from the path's "${id}"` }]);
  return { ...body, id };
};

export function budgetsRoutes(deps: BudgetsRouteDeps): Route[] {
  const d = deps.budgeting;
  const crud = { budgets: d.budgets, clock: d.clock };
  return [
    {
      method: 'GET',
      path: '/api/budgets',
      handle: async (req) => {
        validate(ListQuery, params(req.query), 'query');
        return { status: 200, body: budgetsBody(await makeBudgetStatuses(d)()) };
      },
    },
    {
      method: 'GET',
      path: '/api/budgets/:id',
      handle: async (req) => {
        validate(ListQuery, params(req.query), 'query');
        const id = idOf(req, 'budget');
        const r = await makeBudgetStatuses(d)({ ids: [id] });
        if (!r.statuses.length) throw new HttpError(404, new DefinitionNotFoundError('budget', id).message);
        return { status: 200, body: { asOf: r.watermarkSec === undefined ? null : isoUtc(r.watermarkSec), demo: r.demo, budget: budgetView(r.statuses[0]) } };
      },
    },
    {
      method: 'PUT',
      path: '/api/budgets/:id',
      handle: async (req) => {
        const id = idOf(req, 'budget');
        const { ifVersion } = validate(VersionQuery, params(req.query), 'query');
        const r = await mapErrors(() => makeSetBudget(crud)(definitionOf(req, id, 'budget'), { expectedVersion: ifVersion }));
        return { status: r.created ? 201 : 200, body: { created: r.created, budget: r.record }, headers: { location: `/api/budgets/${id}` } };
      },
    },
    {
      method: 'DELETE',
      path: '/api/budgets/:id',
      handle: async (req) => {
        const id = idOf(req, 'budget');
        const { ifVersion } = validate(VersionQuery, params(req.query), 'query');
        const r = await mapErrors(() => makeDeleteBudget(crud)(id, { expectedVersion: ifVersion }));
        return { status: 200, body: { deleted: true, ...r } };
      },
    },
    {
      method: 'GET',
      path: '/api/targets',
      handle: async (req) => {
        validate(ListQuery, params(req.query), 'query');
        return { status: 200, body: targetsBody(await makeTargetStatuses(d)()) };
      },
    },
    {
      method: 'GET',
      path: '/api/targets/:id',
      handle: async (req) => {
        validate(ListQuery, params(req.query), 'query');
        const id = idOf(req, 'target');
        const r = await makeTargetStatuses(d)({ ids: [id] });
        if (!r.statuses.length) throw new HttpError(404, new DefinitionNotFoundError('target', id).message);
        return { status: 200, body: { asOf: r.watermarkSec === undefined ? null : isoUtc(r.watermarkSec), demo: r.demo, target: targetView(r.statuses[0]) } };
      },
    },
    {
      method: 'PUT',
      path: '/api/targets/:id',
      handle: async (req) => {
        const id = idOf(req, 'target');
        const { ifVersion } = validate(VersionQuery, params(req.query), 'query');
        const r = await mapErrors(() => makeSetTarget(d)(definitionOf(req, id, 'target'), { expectedVersion: ifVersion }));
        return { status: r.created ? 201 : 200, body: { created: r.created, target: r.record }, headers: { location: `/api/targets/${id}` } };
      },
    },
    {
      method: 'DELETE',
      path: '/api/targets/:id',
      handle: async (req) => {
        const id = idOf(req, 'target');
        const { ifVersion } = validate(VersionQuery, params(req.query), 'query');
        const r = await mapErrors(() => makeDeleteTarget(d)(id, { expectedVersion: ifVersion }));
        return { status: 200, body: { deleted: true, ...r } };
      },
    },
  ];
}
