/**
 * LocationVerifier on AWS: every S3 bucket a training request reads or writes must be in the job's region
 * (SageMaker rejects input data in another region), checked with GetBucketLocation; an ECR image and KMS keys
 * name their region in the URI/ARN and are checked without a call. Bucket regions are cached per container
 * (a bucket's region never changes).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html — LocationConstraint is null (or empty)
 * for us-east-1 and the legacy value `EU` means eu-west-1.
 */
import { GetBucketLocationCommand, type S3Client } from '@aws-sdk/client-s3';
import type { LocationVerifier } from '../../ports/scheduler-ports';
import { bucketOf, ecrImageRegion, kmsKeyRegion, type RegionLocalRefs } from '../../domain/scheduler/region-request';
import { defaultBackoff, withBackoff, type BackoffOptions } from './retry';

/** The region of a GetBucketLocation LocationConstraint. */
export const bucketRegionOf = (constraint: string | undefined | null): string => (!constraint ? 'us-east-1' : constraint === 'EU' ? 'eu-west-1' : constraint);

export class S3LocationVerifier implements LocationVerifier {
  private readonly bucketRegion = new Map<string, string>();
  private readonly backoff: BackoffOptions;

  constructor(
    private readonly s3: S3Client,
    backoff: Partial<BackoffOptions> = {},
  ) {
    this.backoff = { ...defaultBackoff(), ...backoff };
  }

  async verify(region: string, refs: RegionLocalRefs): Promise<string[]> {
    const problems: string[] = [];
    for (const bucket of [...new Set(refs.s3Uris.map(bucketOf))]) {
      let where = this.bucketRegion.get(bucket);
      if (where === undefined) {
        try {
          const out = await withBackoff(() => this.s3.send(new GetBucketLocationCommand({ Bucket: bucket })), this.backoff);
          where = bucketRegionOf(out.LocationConstraint);
          this.bucketRegion.set(bucket, where);
        } catch (e) {
          const name = (e as { name?: string }).name ?? 'Error';
          if (name === 'NoSuchBucket' || name === 'AccessDenied' || name === 'Forbidden') {
            problems.push(`bucket ${bucket}: ${name}`);
            continue;
          }
          throw e;
        }
      }
      if (where !== region) problems.push(`bucket ${bucket} is in ${where}, not ${region}`);
    }
    const imageRegion = refs.trainingImage !== undefined ? ecrImageRegion(refs.trainingImage) : undefined;
    if (imageRegion !== undefined && imageRegion !== region) problems.push(`training image ${refs.trainingImage} is in ${imageRegion}, not ${region}`);
    for (const k of refs.kmsKeyIds) {
      const r = kmsKeyRegion(k);
      if (r !== undefined && r !== region) problems.push(`KMS key ${k} is in ${r}, not ${region}`);
    }
    return problems;
  }
}
