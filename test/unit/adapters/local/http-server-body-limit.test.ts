/**
 * The local API server refuses request bodies over MAX_REQUEST_BODY_BYTES with a 413 and a clear message, whether the
 * size is declared up front (Content-Length) or only seen while streaming (chunked), and keeps serving afterwards.
 */
import { request as httpRequest } from 'node:http';
import { startHttpServer, type LocalHttpServer } from '../../../../shared/adapters/local/http-server';
import { MAX_REQUEST_BODY_BYTES } from '../../../../shared/contracts/job-request';
import type { Route } from '../../../../shared/http/router';

const TOKEN = 'test-token-0123456789';
let server: LocalHttpServer;
const seenBytes: number[] = [];

beforeAll(async () => {
  const echo: Route = {
    method: 'POST',
    path: '/api/echo',
    handle: async (req) => {
      const bytes = JSON.stringify(req.body).length;
      seenBytes.push(bytes);
      return { status: 200, body: { bytes } };
    },
  };
  server = await startHttpServer({ routes: [echo], token: TOKEN });
});
afterAll(async () => server.close());

/** POST `total` bytes of a JSON string body in 16 KiB chunks, chunked (no Content-Length) unless `declare`. */
const post = (total: number, declare: boolean): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify('x'.repeat(Math.max(0, total - 2))));
    const req = httpRequest(`${server.url}/api/echo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...(declare ? { 'content-length': String(payload.length) } : {}) },
    });
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
    });
    // The server may close the connection while the rest of an oversized upload is still being written.
    req.on('error', (e: NodeJS.ErrnoException) => (['EPIPE', 'ECONNRESET'].includes(e.code ?? '') ? undefined : reject(e)));
    let off = 0;
    const writeMore = () => {
      while (off < payload.length) {
        const chunk = payload.subarray(off, off + 16 * 1024);
        off += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', writeMore);
      }
      req.end();
    };
    writeMore();
  });

describe('local HTTP server: request body limit', () => {
  it('accepts a body up to the limit', async () => {
    const r = await post(MAX_REQUEST_BODY_BYTES, false);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ bytes: MAX_REQUEST_BODY_BYTES });
  });

  it.each([
    ['declared by Content-Length', true],
    ['seen while streaming a chunked body', false],
  ])('refuses a body over the limit %s with 413 naming the limit; the route never runs', async (_name, declare) => {
    const before = seenBytes.length;
    const r = await post(4 * MAX_REQUEST_BODY_BYTES, declare);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toEqual({ error: 'request body over the 256 KiB limit (262144 bytes)' });
    expect(seenBytes).toHaveLength(before);
  });

  it('keeps serving after refusing one', async () => {
    await post(2 * MAX_REQUEST_BODY_BYTES, false);
    expect((await post(1000, true)).status).toBe(200);
  });
});
