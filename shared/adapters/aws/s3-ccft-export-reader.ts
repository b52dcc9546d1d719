/**
 * Reads AWS's carbon Data Export (`CARBON_EMISSIONS`) straight from S3 for `carbonpilot reconcile --ccft s3://…`:
 * every data file (`.csv`, `.csv.gz`, `.parquet`) under the prefix — the export's `model_version=…/usage_period=…/`
 * partitions included — decoded and validated by the same code as a local file or folder
 * (shared/adapters/local/ccft-export-reader.ts). All files validate or none is used.
 *
 * The bucket's region comes from the bucket itself (HeadBucket's `BucketRegion`, i.e. the `x-amz-bucket-region`
 * header, asked with region redirects followed), so the caller need not know it; list and get then go to a client
 * of that region. Calls: HeadBucket, ListObjectsV2 (paginated), GetObject per file — `s3:ListBucket` on the bucket
 * and `s3:GetObject` on the objects (S3 API reference).
 */
import { GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { CcftExportError } from '../../contracts/ccft';
import type { CcftRow } from '../../domain/reconcile/ccft-types';
import { decodeCcftExport, EXPORT_FILE, partitionOf } from '../local/ccft-export-reader';

/** Reading stops above these (a carbon export is a few rows per month × account × region × service). */
export const MAX_EXPORT_FILES = 5000;
export const MAX_EXPORT_BYTES = 256 * 1024 ** 2;

/** `s3://bucket/prefix…` → bucket and key prefix; undefined when it is not one. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } | undefined {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri.trim());
  return m ? { bucket: m[1], prefix: m[2] ?? '' } : undefined;
}

/** The bucket or prefix cannot be read (missing, access denied, too large); `retryable` for throttling/5xx. */
export class S3ExportReadError extends Error {
  constructor(
    message: string,
    readonly kind: 'not-found' | 'access-denied' | 'too-large' | 'other',
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'S3ExportReadError';
  }
}

const classify = (e: unknown, what: string): S3ExportReadError => {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = err.$metadata?.httpStatusCode;
  if (err.name === 'NotFound' || err.name === 'NoSuchBucket' || status === 404) return new S3ExportReadError(`${what}: not found`, 'not-found');
  if (err.name === 'AccessDenied' || err.name === 'Forbidden' || status === 403) {
    return new S3ExportReadError(`${what}: access denied (needs s3:ListBucket on the bucket and s3:GetObject on the export's objects)`, 'access-denied');
  }
  return new S3ExportReadError(`${what}: ${err.name ?? 'Error'}: ${err.message ?? String(e)}`, 'other', status === undefined || status >= 500 || status === 429);
};

export interface S3CcftExportReaderOptions {
  /** An S3 client for a region (undefined = the caller's default region, used to find the bucket's region). */
  clientFor: (region?: string) => S3Client;
}

/** Read and validate every export file under `s3://bucket/prefix`. */
export async function readCcftExportS3(o: S3CcftExportReaderOptions, uri: string): Promise<{ rows: CcftRow[]; files: string[]; region: string }> {
  const loc = parseS3Uri(uri);
  if (!loc) throw new CcftExportError([`${uri}: not an s3://bucket/prefix URI`]);
  let region: string;
  try {
    const head = await o.clientFor().send(new HeadBucketCommand({ Bucket: loc.bucket }));
    region = head.BucketRegion ?? 'us-east-1';
  } catch (e) {
    throw classify(e, `s3://${loc.bucket}`);
  }
  const s3 = o.clientFor(region);
  const keys: { key: string; size: number }[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: loc.bucket, Prefix: loc.prefix || undefined, ContinuationToken: token }));
      for (const obj of page.Contents ?? []) if (obj.Key && EXPORT_FILE.test(obj.Key)) keys.push({ key: obj.Key, size: obj.Size ?? 0 });
      if (keys.length > MAX_EXPORT_FILES) throw new S3ExportReadError(`${uri}: more than ${MAX_EXPORT_FILES} export files; narrow the prefix (e.g. …/model_version=v3.0.0/)`, 'too-large');
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (e) {
    throw e instanceof S3ExportReadError ? e : classify(e, uri);
  }
  if (!keys.length) throw new CcftExportError([`${uri}: no .csv, .csv.gz or .parquet export files found`]);
  const bytesTotal = keys.reduce((a, k) => a + k.size, 0);
  if (bytesTotal > MAX_EXPORT_BYTES) throw new S3ExportReadError(`${uri}: ${bytesTotal} bytes of export files, more than ${MAX_EXPORT_BYTES}; narrow the prefix`, 'too-large');
  keys.sort((a, b) => (a.key < b.key ? -1 : 1));
  const rows: CcftRow[] = [];
  const problems: string[] = [];
  for (const { key } of keys) {
    let bytes: Uint8Array;
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: loc.bucket, Key: key }));
      bytes = await out.Body!.transformToByteArray();
    } catch (e) {
      throw classify(e, `s3://${loc.bucket}/${key}`);
    }
    try {
      rows.push(...(await decodeCcftExport(bytes, `s3://${loc.bucket}/${key}`, partitionOf(key))));
    } catch (e) {
      if (e instanceof CcftExportError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length) throw new CcftExportError(problems);
  return { rows, files: keys.map((k) => `s3://${loc.bucket}/${k.key}`), region };
}
