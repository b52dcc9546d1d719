import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FsObjectWriter } from '../../../shared/adapters/local/fs-object-writer';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectWriter } from '../../../shared/adapters/aws/s3-object-writer';
import { EXPORT_COLUMNS, makeExportFootprints, type ObjectWriter } from '../../../shared/use-cases/export-footprints';
import { startSeededStore, type SeededStore } from '../../browser/seed-store';

describe('export footprints', () => {
  let s: SeededStore;
  beforeAll(async () => {
    s = await startSeededStore();
  });
  afterAll(() => s.close());

  it('writes one deterministic JSON-lines part per UTC day with every column, and skips empty days', async () => {
    const puts: { key: string; body: string }[] = [];
    const writer: ObjectWriter = { put: async (key, body) => void puts.push({ key, body }) };
    const r = await makeExportFootprints({ store: s.store, writer })(['2026-11-19', '2026-11-18', '2026-11-18', '2026-12-01']);
    expect(r.written.map((w) => w.key)).toEqual(['footprints/day=2026-11-18/part.json', 'footprints/day=2026-11-19/part.json']);
    expect(r.empty).toEqual(['2026-12-01']);
    const rows = puts[0].body.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(s.intervals.filter((i) => i.intervalStartSec < Date.UTC(2026, 10, 19) / 1000).length);
    expect(Object.keys(rows[0])).toEqual(EXPORT_COLUMNS.map((c) => c.name));
    const again: string[] = [];
    await makeExportFootprints({ store: s.store, writer: { put: async (_k, b) => void again.push(b) } })(['2026-11-18']);
    expect(again[0]).toBe(puts[0].body); // rerun = byte-identical overwrite, never a duplicate
  });

  it('the local writer overwrites the same file instead of adding one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-export-'));
    try {
      const w = new FsObjectWriter(dir);
      await w.put('footprints/day=2026-11-18/part.json', 'a\n');
      await w.put('footprints/day=2026-11-18/part.json', 'b\n');
      expect(readdirSync(join(dir, 'footprints/day=2026-11-18'))).toEqual(['part.json']);
      expect(readFileSync(join(dir, 'footprints/day=2026-11-18/part.json'), 'utf8')).toBe('b\n');
      await expect(w.put('../escape.json', 'x')).rejects.toThrow(/escapes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the S3 writer sends a SigV4-signed PUT of the key through the real S3 client', async () => {
    const seen: { method?: string; url?: string; auth?: string; sha?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, sha: req.headers['x-amz-content-sha256'] as string, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = new S3Client({ region: 'eu-west-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
      await new S3ObjectWriter(client, 'my-bucket').put('footprints/day=2026-11-18/part.json', '{"a":1}\n');
      client.destroy();
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ method: 'PUT', url: expect.stringMatching(/^\/my-bucket\/footprints\/day(=|%3D)2026-11-18\/part\.json/), body: '{"a":1}\n' });
      expect(seen[0].auth).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=.*x-amz-content-sha256.*, Signature=[0-9a-f]{64}$/);
      expect(seen[0].sha ?? 'UNSIGNED-PAYLOAD').toMatch(/^([0-9a-f]{64}|UNSIGNED-PAYLOAD|STREAMING-.*)$/);
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });
});
