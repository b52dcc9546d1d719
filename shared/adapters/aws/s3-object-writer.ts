/** S3 ObjectWriter: PutObject (overwrite — a day's part is replaced, never appended) with the real S3 client. */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectWriter } from '../../use-cases/export-footprints';

export class S3ObjectWriter implements ObjectWriter {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/x-ndjson' }));
  }
}
