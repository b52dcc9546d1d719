/** Region-local training requests: a moved job gets its region's locations, field by field, or is not moved at all. */
import { TrainingJobSpec, type RegionLocations } from '../../../../shared/contracts/job-request';
import { ecrImageRegion, kmsKeyRegion, regionLocalRefs, regionRequest, requiredOverrides } from '../../../../shared/domain/scheduler/region-request';

const home = TrainingJobSpec.parse({
  TrainingJobName: 'bert',
  AlgorithmSpecification: { TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1', TrainingInputMode: 'File' },
  RoleArn: 'arn:aws:iam::123456789012:role/carbonpilot-training-x',
  ResourceConfig: { InstanceType: 'ml.g5.2xlarge', InstanceCount: 1, VolumeSizeInGB: 50, VolumeKmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/vol' },
  StoppingCondition: { MaxRuntimeInSeconds: 3600 },
  OutputDataConfig: { S3OutputPath: 's3://data-use1/out', KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/out' },
  InputDataConfig: [
    { ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://data-use1/train' } } },
    { ChannelName: 'eval', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://data-use1/eval' } } },
  ],
  VpcConfig: { SecurityGroupIds: ['sg-1'], Subnets: ['subnet-use1'] },
  HyperParameters: { epochs: '3' },
});
const eu: RegionLocations = {
  trainingImage: '123456789012.dkr.ecr.eu-north-1.amazonaws.com/train:1',
  inputChannels: { train: 's3://data-eun1/train', eval: 's3://data-eun1/eval' },
  outputPath: 's3://data-eun1/out',
  checkpointS3Uri: 's3://data-eun1/ckpt',
  vpcConfig: { SecurityGroupIds: ['sg-2'], Subnets: ['subnet-eun1'] },
  volumeKmsKeyId: 'arn:aws:kms:eu-north-1:123456789012:key/vol',
  outputKmsKeyId: 'arn:aws:kms:eu-north-1:123456789012:key/out',
};
const base = { spec: home, homeRegion: 'us-east-1', regionNeutral: false, checkpointS3Uri: 's3://data-use1/ckpt' };

describe('regionRequest', () => {
  it('at home: the request as given, with the job checkpoint', () => {
    const r = regionRequest({ ...base, region: 'us-east-1' });
    expect(r.complete).toBe(true);
    if (!r.complete) return;
    expect({ ...r.request, CheckpointConfig: undefined }).toEqual({ ...home, CheckpointConfig: undefined });
    expect(r.request.CheckpointConfig).toEqual({ S3Uri: 's3://data-use1/ckpt' });
  });

  it('elsewhere: the home request with every region-local field replaced, and nothing else changed', () => {
    const r = regionRequest({ ...base, region: 'eu-north-1', locations: eu });
    expect(r.complete).toBe(true);
    if (!r.complete) return;
    const q = r.request as any;
    expect(q.AlgorithmSpecification).toEqual({ ...home.AlgorithmSpecification, TrainingImage: eu.trainingImage });
    expect(q.InputDataConfig.map((c: any) => [c.ChannelName, c.DataSource.S3DataSource.S3Uri, c.DataSource.S3DataSource.S3DataType])).toEqual([
      ['train', 's3://data-eun1/train', 'S3Prefix'],
      ['eval', 's3://data-eun1/eval', 'S3Prefix'],
    ]);
    expect(q.OutputDataConfig).toEqual({ S3OutputPath: eu.outputPath, KmsKeyId: eu.outputKmsKeyId });
    expect(q.ResourceConfig).toEqual({ ...home.ResourceConfig, VolumeKmsKeyId: eu.volumeKmsKeyId });
    expect(q.VpcConfig).toEqual(eu.vpcConfig);
    expect(q.CheckpointConfig).toEqual({ S3Uri: eu.checkpointS3Uri });
    // Every other field is the home request's.
    for (const k of ['TrainingJobName', 'RoleArn', 'StoppingCondition', 'HyperParameters']) expect(q[k]).toEqual((home as any)[k]);
    // The home spec itself is untouched.
    expect(home.OutputDataConfig.S3OutputPath).toBe('s3://data-use1/out');
  });

  it.each([
    ['no locations at all', undefined, ['trainingImage', 'inputChannels.train', 'inputChannels.eval', 'outputPath', 'checkpointS3Uri', 'vpcConfig', 'volumeKmsKeyId', 'outputKmsKeyId']],
    ['one channel missing', { ...eu, inputChannels: { train: 's3://data-eun1/train' } }, ['inputChannels.eval']],
    ['no checkpoint for an interruptible job', { ...eu, checkpointS3Uri: undefined }, ['checkpointS3Uri']],
    ['no KMS key for the output', { ...eu, outputKmsKeyId: undefined }, ['outputKmsKeyId']],
  ])('an incomplete region-local set (%s) is not usable and names what is missing', (_n, locations, missing) => {
    const r = regionRequest({ ...base, region: 'eu-north-1', locations: locations as RegionLocations | undefined });
    expect(r).toEqual({ region: 'eu-north-1', complete: false, missing });
  });

  it('a region-neutral request runs unchanged anywhere', () => {
    const r = regionRequest({ ...base, region: 'eu-north-1', regionNeutral: true });
    expect(r.complete).toBe(true);
  });

  it('a channel on EFS/FSx cannot be relocated', () => {
    const fs = { ...home, InputDataConfig: [{ ChannelName: 'train', DataSource: { FileSystemDataSource: { FileSystemId: 'fs-1', FileSystemType: 'EFS', FileSystemAccessMode: 'ro', DirectoryPath: '/d' } } }] } as typeof home;
    const r = regionRequest({ ...base, spec: fs, region: 'eu-north-1', locations: eu });
    expect(r.complete).toBe(false);
    if (!r.complete) expect(r.missing.join(' ')).toMatch(/not an S3 channel/);
  });

  it('requires only what the request uses', () => {
    const minimal = TrainingJobSpec.parse({ ...home, InputDataConfig: undefined, VpcConfig: undefined, ResourceConfig: { ...home.ResourceConfig, VolumeKmsKeyId: undefined }, OutputDataConfig: { S3OutputPath: 's3://xyz/out' } });
    expect(requiredOverrides(minimal, undefined)).toEqual(['trainingImage', 'outputPath']);
  });
});

describe('region-local references', () => {
  it('lists every bucket URI, the image, KMS keys and subnets of a request', () => {
    const r = regionRequest({ ...base, region: 'eu-north-1', locations: eu });
    if (!r.complete) throw new Error('incomplete');
    expect(regionLocalRefs(r.request)).toEqual({
      s3Uris: ['s3://data-eun1/train', 's3://data-eun1/eval', 's3://data-eun1/out', 's3://data-eun1/ckpt'],
      trainingImage: eu.trainingImage,
      kmsKeyIds: [eu.outputKmsKeyId, eu.volumeKmsKeyId],
      subnets: ['subnet-eun1'],
    });
  });

  it.each([
    ['123456789012.dkr.ecr.eu-north-1.amazonaws.com/train:1', 'eu-north-1'],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/t:1', 'us-gov-west-1'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/t:1', 'cn-north-1'],
    ['docker.io/library/python:3', undefined],
  ])('ECR image %s is in %s', (img, region) => expect(ecrImageRegion(img)).toBe(region));

  it('reads the region of a KMS key ARN only', () => {
    expect(kmsKeyRegion('arn:aws:kms:eu-west-1:123456789012:key/abc')).toBe('eu-west-1');
    expect(kmsKeyRegion('alias/my-key')).toBeUndefined();
  });
});
