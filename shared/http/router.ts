/**
 * Transport-neutral HTTP routing: the same route table serves the local server (shared/adapters/local/http-server.ts)
 * and API Gateway in AWS (lambdas/api/handler.ts). Routes validate with zod and throw HttpError for 4xx.
 */
import type { z } from 'zod';
import { fieldIssues } from '../contracts/zod-issues';

export type Method = 'GET' | 'POST' | 'DELETE' | 'PUT';

export interface HttpRequest {
  method: Method;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  /** Parsed JSON body (undefined when none). */
  body: unknown;
}

export interface HttpResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: Method;
  /** Path pattern, e.g. `/api/jobs/:id`. */
  path: string;
  handle(req: HttpRequest): Promise<HttpResponse>;
}

/** A client error with field-level details (400) or another status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: { field: string; message: string }[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Validate with a zod schema; a failure is a 400 naming each bad field (an unknown field of a strict object by its name). */
export function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const details = fieldIssues(schema, r.error, what);
  throw new HttpError(400, `invalid ${what}: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details);
}

export function matchRoute(routes: readonly Route[], method: string, path: string): { route: Route; params: Record<string, string> } | 'method-not-allowed' | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (!params) continue;
    pathMatched = true;
    if (route.method === method) return { route, params };
  }
  return pathMatched ? 'method-not-allowed' : undefined;
}

const matchPath = (pattern: string, path: string): Record<string, string> | undefined => {
  const a = pattern.split('/').filter(Boolean);
  const b = path.split('/').filter(Boolean);
  if (a.length !== b.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith(':')) {
      try {
        params[a[i].slice(1)] = decodeURIComponent(b[i]);
      } catch {
        throw new HttpError(400, `invalid path parameter ${a[i].slice(1)}`, [{ field: a[i].slice(1), message: 'bad percent-encoding' }]);
      }
    }
    else if (a[i] !== b[i]) return undefined;
  }
  return params;
};

/** Dispatch a request through the routes; unexpected errors become 500 without leaking internals. */
export async function dispatch(routes: readonly Route[], req: Omit<HttpRequest, 'params'>): Promise<HttpResponse> {
  let m: ReturnType<typeof matchRoute>;
  try {
    m = matchRoute(routes, req.method, req.path);
  } catch (e) {
    if (e instanceof HttpError) return { status: e.status, body: { error: e.message, details: e.details } };
    throw e;
  }
  if (!m) return { status: 404, body: { error: `no route for ${req.path}` } };
  if (m === 'method-not-allowed') return { status: 405, body: { error: `${req.method} not allowed on ${req.path}` } };
  try {
    return await m.route.handle({ ...req, params: m.params });
  } catch (e) {
    if (e instanceof HttpError) return { status: e.status, body: { error: e.message, details: e.details } };
    console.error(JSON.stringify({ level: 'error', message: 'route failed', path: req.path, error: e instanceof Error ? e.message : String(e) }));
    return { status: 500, body: { error: 'internal error' } };
  }
}
