/**
 * The local HTTP server of `npm start`: the API routes (same table as API Gateway) under /api, bearer-token
 * authenticated, and static dashboard assets. Binds to 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { dispatch, type Method, type Route } from '../../http/router';
import { MAX_REQUEST_BODY_BYTES, REQUEST_BODY_TOO_LARGE } from '../../contracts/job-request';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export interface LocalHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const tokenOk = (header: string | undefined, token: string): boolean => {
  const got = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const want = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want);
};

const tooLarge = () => Object.assign(new Error(REQUEST_BODY_TOO_LARGE), { status: 413 });

/**
 * The JSON body, at most MAX_REQUEST_BODY_BYTES: a larger Content-Length is refused before reading, and a body that
 * grows past the limit is refused as soon as it does; what follows is drained, never kept.
 */
function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolveBody, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > MAX_REQUEST_BODY_BYTES) {
      req.resume();
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
    };
    req.on('data', (c: Buffer) => {
      if (settled) return;
      size += c.length;
      if (size > MAX_REQUEST_BODY_BYTES) {
        chunks.length = 0;
        return settle(() => reject(tooLarge()));
      }
      chunks.push(c);
    });
    req.on('error', (e) => settle(() => reject(e)));
    req.on('end', () =>
      settle(() => {
        if (!size) return resolveBody(undefined);
        try {
          resolveBody(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          reject(Object.assign(new Error('body is not valid JSON'), { status: 400 }));
        }
      }),
    );
  });
}

/** Start the server. `token` protects /api/*; static files come from `staticDir` (index.html at /). */
export async function startHttpServer(o: { routes: readonly Route[]; token: string; staticDir?: string; port?: number }): Promise<LocalHttpServer> {
  // An empty token would compare equal to a missing header: refuse to start rather than serve an open API.
  if (o.token.length < 16) throw new Error('API token must be at least 16 characters');
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
      res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
    };
    try {
      if (url.pathname.startsWith('/api/')) {
        if (!tokenOk(req.headers.authorization, o.token)) return send(401, { error: 'missing or wrong bearer token' });
        const body = req.method === 'POST' || req.method === 'PUT' ? await readBody(req) : undefined;
        const r = await dispatch(o.routes, { method: (req.method ?? 'GET') as Method, path: url.pathname, query: url.searchParams, body });
        return send(r.status, r.body, r.headers);
      }
      if (!o.staticDir || req.method !== 'GET') return send(404, { error: 'not found' });
      const root = resolve(o.staticDir);
      const file = normalize(join(root, url.pathname === '/' ? 'index.html' : url.pathname));
      if (!file.startsWith(root)) return send(403, { error: 'forbidden' });
      const data = await readFile(file).catch(() => undefined);
      if (!data) return send(404, { error: 'not found' });
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'x-content-type-options': 'nosniff' });
      res.end(data);
    } catch (e) {
      const status = (e as { status?: number }).status ?? 500;
      // After a 413 the rest of the upload is not wanted: close the connection instead of reading it.
      send(status, { error: status === 500 ? 'internal error' : (e as Error).message }, status === 413 ? { connection: 'close' } : {});
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port ?? 0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, close: () => new Promise((ok) => server.close(() => ok())) };
}
