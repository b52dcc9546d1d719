/**
 * `reconcile --ccft s3://…`: the carbon export read from S3 through the real S3 client against a loopback S3 —
 * the bucket's region found from the bucket, every data file under the prefix (paginated), partitions checked,
 * all-or-nothing; missing bucket, access denied and bad URIs are clear errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { S3Client } from '@aws-sdk/client-s3';
import { parseS3Uri, readCcftExportS3, S3ExportReadError } from '../../../../shared/adapters/aws/s3-ccft-export-reader';
import { CcftExportError } from '../../../../shared/contracts/ccft';
import { startS3Stub } from '../../../helpers/s3-stub-server';

const CSV = readFileSync(join(__dirname, '../../../fixtures/ccft/carbon-emissions-v3.csv'), 'utf8');
const BUCKET = 'carbonpilot-ccft-111122223333-eu-west-1';
const DATA = 'ccft/carbonpilot-carbon-emissions/data';

const clientsAt = (endpoint: string) => {
  const made: S3Client[] = [];
  const clientFor = (region?: string) => {
    const c = new S3Client({ region: region ?? 'us-east-1', endpoint, forcePathStyle: true, followRegionRedirects: true, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
    made.push(c);
    return c;
  };
  return { clientFor, destroy: () => made.forEach((c) => c.destroy()) };
};

describe('S3 carbon-export reader', () => {
  it('finds the bucket region, lists every data file under the prefix (all pages) and validates them with their partitions', async () => {
    // Prepare: the Data Exports layout, gzip CSV, plus a metadata file that is not data.
    const s3 = await startS3Stub({
      bucket: BUCKET, region: 'eu-west-1',
      objects: {
        [`${DATA}/model_version=v3.0.0/usage_period=2026-10/part-00001.csv.gz`]: gzipSync(CSV),
        [`${DATA}/model_version=v3.0.0/usage_period=2026-10/part-00002.csv`]: CSV.split('\n').slice(0, 2).join('\n') + '\n',
        'ccft/carbonpilot-carbon-emissions/metadata/model_version=v3.0.0/usage_period=2026-10/manifest.json': '{}',
        'other/unrelated.csv': 'x',
      },
    });
    const c = clientsAt(s3.endpoint);
    try {
      // Act
      const r = await readCcftExportS3({ clientFor: c.clientFor }, `s3://${BUCKET}/ccft/carbonpilot-carbon-emissions/`);
      // Assess
      expect(r.region).toBe('eu-west-1');
      expect(r.files).toEqual([`s3://${BUCKET}/${DATA}/model_version=v3.0.0/usage_period=2026-10/part-00001.csv.gz`, `s3://${BUCKET}/${DATA}/model_version=v3.0.0/usage_period=2026-10/part-00002.csv`]);
      expect(r.rows).toHaveLength(4);
      expect(r.rows[0]).toMatchObject({ month: '2026-10', accountId: '111122223333', region: 'us-east-1', productCode: 'AmazonSageMaker', scope2LbmT: 0.011 });
      expect(s3.calls.filter((x) => x.op === 'ListObjectsV2')).toHaveLength(2); // 3 keys under the prefix, 2 per page
      // Head first (default region), then list and get signed for the bucket's own region.
      expect(s3.calls[0]).toMatchObject({ op: 'HeadBucket', region: 'us-east-1' });
      expect(s3.calls.slice(1).every((x) => x.region === 'eu-west-1')).toBe(true);
    } finally {
      c.destroy();
      await s3.close();
    }
  });

  it('rejects the whole export when one file is bad (partition mismatch here), naming the object, row and field', async () => {
    const s3 = await startS3Stub({ bucket: BUCKET, region: 'eu-west-1', objects: { [`${DATA}/model_version=v3.0.0/usage_period=2026-09/a.csv`]: CSV } });
    const c = clientsAt(s3.endpoint);
    try {
      const e = await readCcftExportS3({ clientFor: c.clientFor }, `s3://${BUCKET}/${DATA}/`).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CcftExportError);
      expect((e as CcftExportError).problems[0]).toMatch(new RegExp(`s3://${BUCKET}/.*a\\.csv line 2: usage_period_start: month 2026-10 is not the file's partition usage_period=2026-09`));
    } finally {
      c.destroy();
      await s3.close();
    }
  });

  it.each([
    ['a missing bucket', { bucket: 'someone-else' }, 'not-found', /s3:\/\/carbonpilot-ccft-111122223333-eu-west-1: not found/],
    ['access denied', { deny: true }, 'access-denied', /access denied \(needs s3:ListBucket on the bucket and s3:GetObject/],
  ])('says so for %s', async (_n, over, kind, message) => {
    const s3 = await startS3Stub({ bucket: BUCKET, region: 'eu-west-1', objects: {}, ...over });
    const c = clientsAt(s3.endpoint);
    try {
      const e = await readCcftExportS3({ clientFor: c.clientFor }, `s3://${BUCKET}/ccft/`).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(S3ExportReadError);
      expect(e).toMatchObject({ kind, message: expect.stringMatching(message) });
    } finally {
      c.destroy();
      await s3.close();
    }
  });

  it('an empty prefix is a bad export, not an empty reconciliation', async () => {
    const s3 = await startS3Stub({ bucket: BUCKET, region: 'eu-west-1', objects: {} });
    const c = clientsAt(s3.endpoint);
    try {
      await expect(readCcftExportS3({ clientFor: c.clientFor }, `s3://${BUCKET}/ccft/`)).rejects.toThrow(/no \.csv, \.csv\.gz or \.parquet export files found/);
    } finally {
      c.destroy();
      await s3.close();
    }
  });

  it.each([
    ['s3://bucket-name/some/prefix/', { bucket: 'bucket-name', prefix: 'some/prefix/' }],
    ['s3://bucket-name', { bucket: 'bucket-name', prefix: '' }],
    ['s3://Bad_Bucket/x', undefined],
    ['https://bucket/x', undefined],
  ])('parses %s', (uri, want) => {
    expect(parseS3Uri(uri)).toEqual(want);
  });
});
