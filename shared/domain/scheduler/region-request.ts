/**
 * Region-local training requests (pure). SageMaker requires a training job's S3 input in the job's own region, and
 * ECR images, VPC subnets and KMS keys are regional (CreateTrainingJob API reference; ECR images are regional unless
 * replicated). A job moved to another region therefore needs that region's locations: the launched request is the
 * home request with the region's overrides applied, and a region is usable only when every region-local field of
 * the home request has an override there (or the request declares itself region-neutral).
 */
import type { RegionLocations, TrainingJobSpec } from '../../contracts/job-request';

/** The region-local parts of a CreateTrainingJob request, for verification (bucket regions, image registry region). */
export interface RegionLocalRefs {
  s3Uris: string[];
  trainingImage?: string;
  kmsKeyIds: string[];
  subnets: string[];
}

export type RegionRequest =
  | { region: string; complete: true; request: Record<string, unknown> }
  | { region: string; complete: false; missing: string[] };

interface Channel {
  ChannelName?: string;
  DataSource?: { S3DataSource?: { S3Uri?: string }; FileSystemDataSource?: unknown };
}

const channelsOf = (spec: Record<string, unknown>): Channel[] => (Array.isArray(spec.InputDataConfig) ? (spec.InputDataConfig as Channel[]) : []);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Which override fields a region other than home needs for this request (`locations.<field>` paths). */
export function requiredOverrides(spec: TrainingJobSpec, checkpointS3Uri: string | undefined): string[] {
  const s = spec as Record<string, unknown>;
  const need: string[] = [];
  if (obj(s.AlgorithmSpecification).TrainingImage !== undefined) need.push('trainingImage');
  for (const c of channelsOf(s)) need.push(`inputChannels.${c.ChannelName ?? '?'}`);
  need.push('outputPath');
  if (checkpointS3Uri !== undefined || obj(s.CheckpointConfig).S3Uri !== undefined) need.push('checkpointS3Uri');
  if (s.VpcConfig !== undefined) need.push('vpcConfig');
  if (obj(s.ResourceConfig).VolumeKmsKeyId !== undefined) need.push('volumeKmsKeyId');
  if (obj(s.OutputDataConfig).KmsKeyId !== undefined) need.push('outputKmsKeyId');
  return need;
}

const has = (l: RegionLocations | undefined, field: string): boolean => {
  if (!l) return false;
  if (field.startsWith('inputChannels.')) return l.inputChannels?.[field.slice('inputChannels.'.length)] !== undefined;
  return (l as Record<string, unknown>)[field] !== undefined;
};

/**
 * The CreateTrainingJob request for `region`: the home request unchanged at home (with any overrides given for it),
 * elsewhere the home request with the region's overrides applied — or the list of missing overrides.
 * `checkpointS3Uri` is the job's (home) checkpoint location for interruptible jobs.
 */
export function regionRequest(o: {
  spec: TrainingJobSpec;
  homeRegion: string;
  region: string;
  locations?: RegionLocations;
  regionNeutral: boolean;
  checkpointS3Uri?: string;
}): RegionRequest {
  const { spec, region, locations: l } = o;
  const isHome = region === o.homeRegion;
  if (!isHome && !o.regionNeutral) {
    const missing = requiredOverrides(spec, o.checkpointS3Uri).filter((f) => !has(l, f));
    // A channel read from EFS/FSx is regional too and has no S3 override: such a request cannot move.
    for (const c of channelsOf(spec as Record<string, unknown>)) {
      if (c.DataSource?.S3DataSource === undefined) missing.push(`inputChannels.${c.ChannelName ?? '?'} (not an S3 channel: cannot be relocated)`);
    }
    if (missing.length) return { region, complete: false, missing: [...new Set(missing)] };
  }
  const base = structuredClone(spec) as Record<string, unknown>;
  if (l?.trainingImage !== undefined) base.AlgorithmSpecification = { ...obj(base.AlgorithmSpecification), TrainingImage: l.trainingImage };
  if (l?.inputChannels) {
    base.InputDataConfig = channelsOf(base).map((c) => {
      const uri = c.ChannelName !== undefined ? l.inputChannels?.[c.ChannelName] : undefined;
      if (uri === undefined || !c.DataSource?.S3DataSource) return c;
      return { ...c, DataSource: { ...c.DataSource, S3DataSource: { ...c.DataSource.S3DataSource, S3Uri: uri } } };
    });
  }
  if (l?.outputPath !== undefined) base.OutputDataConfig = { ...obj(base.OutputDataConfig), S3OutputPath: l.outputPath };
  if (l?.outputKmsKeyId !== undefined) base.OutputDataConfig = { ...obj(base.OutputDataConfig), KmsKeyId: l.outputKmsKeyId };
  if (l?.volumeKmsKeyId !== undefined) base.ResourceConfig = { ...obj(base.ResourceConfig), VolumeKmsKeyId: l.volumeKmsKeyId };
  if (l?.vpcConfig !== undefined) base.VpcConfig = { ...l.vpcConfig };
  if (l?.roleArn !== undefined) base.RoleArn = l.roleArn;
  const checkpoint = l?.checkpointS3Uri ?? o.checkpointS3Uri ?? (obj(base.CheckpointConfig).S3Uri as string | undefined);
  if (checkpoint !== undefined) base.CheckpointConfig = { ...obj(base.CheckpointConfig), S3Uri: checkpoint };
  return { region, complete: true, request: base };
}

/** The region-local references of a CreateTrainingJob request (what must live in the job's region). */
export function regionLocalRefs(request: Record<string, unknown>): RegionLocalRefs {
  const s3Uris: string[] = [];
  for (const c of channelsOf(request)) if (c.DataSource?.S3DataSource?.S3Uri) s3Uris.push(c.DataSource.S3DataSource.S3Uri);
  const out = obj(request.OutputDataConfig);
  if (typeof out.S3OutputPath === 'string') s3Uris.push(out.S3OutputPath);
  const ck = obj(request.CheckpointConfig).S3Uri;
  if (typeof ck === 'string') s3Uris.push(ck);
  const kmsKeyIds = [out.KmsKeyId, obj(request.ResourceConfig).VolumeKmsKeyId].filter((k): k is string => typeof k === 'string');
  const subnets = Array.isArray(obj(request.VpcConfig).Subnets) ? (obj(request.VpcConfig).Subnets as string[]) : [];
  const image = obj(request.AlgorithmSpecification).TrainingImage;
  return { s3Uris, trainingImage: typeof image === 'string' ? image : undefined, kmsKeyIds, subnets };
}

/** The bucket of an `s3://bucket/key` URI. */
export const bucketOf = (uri: string): string => uri.replace(/^s3:\/\//, '').split('/')[0];

/** The region of an ECR image URI (`<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/repo:tag`), undefined for other registries. */
export const ecrImageRegion = (image: string): string | undefined => /^\d{12}\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\//.exec(image)?.[1];

/** The region of a KMS key ARN (`arn:aws:kms:<region>:…`), undefined for a key id or alias without a region. */
export const kmsKeyRegion = (key: string): string | undefined => /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(key)?.[1];
