/**
 * S3 ObjectWriter: PutObject (overwrite) of export parts, SSE-S3 by the bucket's default encryption.
 *
 * @aws-sdk/client-s3 is not among the project's dependencies, so the default `put` is a SigV4-signed HTTPS PUT built
 * from the SDK's own signer (@smithy/signature-v4) and default credential chain (@aws-sdk/credential-provider-node),
 * both already installed with the other v3 clients. Swap in `new S3Client().send(new PutObjectCommand(p))` through
 * the `PutObjectFn` seam once client-s3 is added.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { ObjectWriter } from '../../use-cases/export-footprints';

export interface PutObjectParams {
  Bucket: string;
  Key: string;
  Body: string;
  ContentType: string;
}
export type PutObjectFn = (p: PutObjectParams) => Promise<void>;

export class S3ObjectWriter implements ObjectWriter {
  constructor(
    private readonly bucket: string,
    private readonly putObject: PutObjectFn,
  ) {}

  async put(key: string, body: string): Promise<void> {
    await this.putObject({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/x-ndjson' });
  }
}

/** S3 rejected a request; 5xx and 429/503 SlowDown are retryable, other 4xx are terminal. */
export class S3PutError extends Error {
  readonly retryable: boolean;
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'S3PutError';
    this.retryable = status >= 500 || status === 429;
  }
}

/** node:crypto as the signer's SHA-256 (hash, or HMAC when given a secret). */
class NodeSha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | Uint8Array) {
    this.h = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data: string | Uint8Array): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

/** Each path segment percent-encoded once (S3 keys are signed as sent: no double escaping). */
const encodeKey = (key: string): string => key.split('/').map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');

/** PutObject over HTTPS with SigV4 (virtual-hosted-style URL; `endpoint` overrides the host for tests/S3-compatible stores). */
export function signedPutObject(o: { region: string; endpoint?: string; credentials?: ReturnType<typeof defaultProvider>; fetchFn?: typeof fetch }): PutObjectFn {
  const signer = new SignatureV4({
    service: 's3',
    region: o.region,
    credentials: o.credentials ?? defaultProvider(),
    sha256: NodeSha256 as never,
    uriEscapePath: false,
    applyChecksum: true,
  });
  const doFetch = o.fetchFn ?? fetch;
  return async (p) => {
    const base = new URL(o.endpoint ?? `https://${p.Bucket}.s3.${o.region}.amazonaws.com`);
    const path = `${o.endpoint ? `/${p.Bucket}` : ''}/${encodeKey(p.Key)}`;
    const body = Buffer.from(p.Body, 'utf8');
    const signed = await signer.sign({
      method: 'PUT',
      protocol: base.protocol,
      hostname: base.hostname,
      port: base.port ? Number(base.port) : undefined,
      path,
      query: {},
      headers: { host: base.host, 'content-type': p.ContentType, 'content-length': String(body.length) },
      body,
    });
    const headers = { ...(signed.headers as Record<string, string>) };
    delete headers.host; // fetch sets Host itself
    delete headers['content-length'];
    const res = await doFetch(`${base.protocol}//${base.host}${path}`, { method: 'PUT', headers, body });
    if (!res.ok) throw new S3PutError(res.status, `S3 PutObject ${p.Bucket}/${p.Key} failed: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  };
}
