/** API Gateway HTTP API (payload format 2.0, IAM-authorised) → the transport-neutral API routes (shared/http/api-routes.ts). */
import middy from '@middy/core';
import { z } from 'zod';
import { dispatch, type Method, type Route } from '../../shared/http/router';
import { apiRoutes } from '../../shared/http/api-routes';
import { parseOrThrow } from '../../shared/contracts/events';
import { MAX_REQUEST_BODY_BYTES, REQUEST_BODY_TOO_LARGE } from '../../shared/contracts/job-request';
import type { DepsGetter, InvocationContext } from '../../shared/composition/deps';
import { awsDeps } from '../../shared/composition/aws';

const HttpApiEvent = z.object({
  version: z.literal('2.0'),
  rawPath: z.string(),
  rawQueryString: z.string().default(''),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().default(false),
  requestContext: z.object({ http: z.object({ method: z.string() }) }),
});

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}) => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

/** Decoded size of the body without decoding it (base64: 3 bytes per 4 characters, less padding). */
const encodedBodyBytes = (body: string, base64: boolean): number =>
  base64 ? Math.floor((body.length * 3) / 4) - (body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0) : Buffer.byteLength(body, 'utf8');

export const makeHandler = (getDeps: DepsGetter<'api'>) => {
  // The routes hold no per-run state: built once per container, on the first request.
  let routes: Route[] | undefined;
  return middy().handler(async (event: unknown, context: InvocationContext) => {
    const e = parseOrThrow(HttpApiEvent, event, 'http api event');
    if (e.body && encodedBodyBytes(e.body, e.isBase64Encoded) > MAX_REQUEST_BODY_BYTES) return json(413, { error: REQUEST_BODY_TOO_LARGE });
    let body: unknown;
    if (e.body) {
      try {
        body = JSON.parse(e.isBase64Encoded ? Buffer.from(e.body, 'base64').toString('utf8') : e.body);
      } catch {
        return json(400, { error: 'body is not valid JSON' });
      }
    }
    const deps = await getDeps(context ?? {});
    routes ??= apiRoutes(deps);
    const r = await dispatch(routes, { method: e.requestContext.http.method as Method, path: e.rawPath, query: new URLSearchParams(e.rawQueryString), body });
    return json(r.status, r.body, r.headers);
  });
};

export const handler = makeHandler(awsDeps('api'));
