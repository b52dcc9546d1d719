/**
 * A loopback stand-in for the S3 REST API calls the carbon-export reader makes — HeadBucket, ListObjectsV2 (two keys
 * per page, to exercise pagination) and GetObject — shaped like the S3 API reference (path-style, as the SDK uses for
 * an IP endpoint). Records each call with the region its SigV4 credential scope was signed for.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface S3StubCall {
  op: 'HeadBucket' | 'ListObjectsV2' | 'GetObject' | 'other';
  region: string | undefined;
  key?: string;
}

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const regionOf = (req: IncomingMessage) => /Credential=[^/]+\/\d{8}\/([^/]+)\/s3\//.exec(String(req.headers.authorization ?? ''))?.[1];

export async function startS3Stub(o: { bucket: string; region: string; objects: Record<string, Buffer | string>; deny?: boolean }) {
  const calls: S3StubCall[] = [];
  const keys = Object.keys(o.objects).sort();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [, bucket, ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const region = regionOf(req);
    const fail = (status: number, code: string) => {
      res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-bucket-region': o.region });
      res.end(req.method === 'HEAD' ? undefined : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code}</Message></Error>`);
    };
    if (req.method === 'HEAD' && !key) {
      calls.push({ op: 'HeadBucket', region });
      if (bucket !== o.bucket) return fail(404, 'NotFound');
      if (o.deny) return fail(403, 'Forbidden');
      res.writeHead(200, { 'x-amz-bucket-region': o.region });
      return res.end();
    }
    if (req.method === 'GET' && !key && url.searchParams.get('list-type') === '2') {
      calls.push({ op: 'ListObjectsV2', region });
      if (bucket !== o.bucket) return fail(404, 'NoSuchBucket');
      const prefix = url.searchParams.get('prefix') ?? '';
      const matching = keys.filter((k) => k.startsWith(prefix));
      const from = Number(url.searchParams.get('continuation-token') ?? '0');
      const page = matching.slice(from, from + 2);
      const truncated = from + 2 < matching.length;
      res.writeHead(200, { 'content-type': 'application/xml' });
      return res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${o.bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
          page.map((k) => `<Contents><Key>${xmlEscape(k)}</Key><Size>${Buffer.byteLength(o.objects[k])}</Size><StorageClass>STANDARD</StorageClass></Contents>`).join('') +
          (truncated ? `<NextContinuationToken>${from + 2}</NextContinuationToken>` : '') +
          '</ListBucketResult>',
      );
    }
    if (req.method === 'GET' && key) {
      calls.push({ op: 'GetObject', region, key });
      if (bucket !== o.bucket || !(key in o.objects)) return fail(404, 'NoSuchKey');
      const body = Buffer.from(o.objects[key]);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      return res.end(body);
    }
    calls.push({ op: 'other', region });
    return fail(400, 'InvalidRequest');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
