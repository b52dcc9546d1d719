/** The API Lambda refuses bodies over MAX_REQUEST_BODY_BYTES with 413 before building any dependency or parsing JSON. */
import { makeHandler } from '../../../lambdas/api/handler';
import { MAX_REQUEST_BODY_BYTES } from '../../../shared/contracts/job-request';

const ctx = {} as never;
const event = (body: string, isBase64Encoded = false) => ({
  version: '2.0',
  rawPath: '/api/plans',
  rawQueryString: '',
  body,
  isBase64Encoded,
  requestContext: { http: { method: 'POST' } },
});

describe('api handler: request body limit', () => {
  const built: string[] = [];
  const handler = makeHandler(async () => {
    built.push('deps');
    throw new Error('deps built');
  });
  const json = (n: number) => JSON.stringify('x'.repeat(n - 2));

  it.each([
    ['a plain body one byte over', event(json(MAX_REQUEST_BODY_BYTES + 1))],
    ['a base64 body that decodes to one byte over', event(Buffer.from(json(MAX_REQUEST_BODY_BYTES + 1)).toString('base64'), true)],
    ['a multi-byte UTF-8 body over the limit in bytes, not characters', event(JSON.stringify('é'.repeat(MAX_REQUEST_BODY_BYTES / 2 + 1)))],
  ])('%s → 413 naming the limit, no dependency built', async (_name, e) => {
    // Act
    const r = (await handler(e, ctx)) as { statusCode: number; body: string };
    // Assess
    expect(r.statusCode).toBe(413);
    expect(JSON.parse(r.body)).toEqual({ error: 'request body over the 256 KiB limit (262144 bytes)' });
    expect(built).toHaveLength(0);
  });

  it.each([
    ['a plain body at the limit', event(json(MAX_REQUEST_BODY_BYTES))],
    ['a base64 body decoding to the limit', event(Buffer.from(json(MAX_REQUEST_BODY_BYTES)).toString('base64'), true)],
  ])('%s goes on to the routes', async (_name, e) => {
    built.length = 0;
    await expect(handler(e, ctx)).rejects.toThrow('deps built');
    expect(built).toEqual(['deps']);
  });
});
