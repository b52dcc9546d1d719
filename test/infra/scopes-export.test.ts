/**
 * CDK for the scope exports: the market-based Glue table beside the footprints table, and the optional carbon Data
 * Export (`CARBON_EMISSIONS`, us-east-1 only) with its bucket policy and Glue table — off by default, cdk-nag clean.
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { addCarbonPilotStacks } from '../../lib/app';
import { CARBON_EMISSIONS_COLUMNS } from '../../shared/contracts/ccft';
import { MARKET_EXPORT_COLUMNS } from '../../shared/use-cases/export-footprints';
import { nagFindings } from './synth';

const synth = (context: Record<string, unknown> = {}, opts: Parameters<typeof addCarbonPilotStacks>[1] = {}) => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context }, builtinCloudFormationValidation: false });
  return { app, stacks: addCarbonPilotStacks(app, opts) };
};

describe('scope exports in the CDK app', () => {
  it('adds a market-based Glue table (partition projection on month) beside the footprints table, in the same database', () => {
    const { stacks } = synth();
    const t = Template.fromStack(stacks.stateful);
    t.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'carbonpilot',
      TableInput: Match.objectLike({
        Name: 'footprints_market_based',
        PartitionKeys: [{ Name: 'month', Type: 'string' }],
        Parameters: Match.objectLike({ 'projection.enabled': 'true', 'projection.month.type': 'date', 'projection.month.format': 'yyyy-MM', 'projection.month.interval.unit': 'MONTHS' }),
      }),
    });
    const table = Object.values(t.findResources('AWS::Glue::Table')).find((r) => r.Properties.TableInput.Name === 'footprints_market_based')!;
    expect(table.Properties.TableInput.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name)).toEqual(MARKET_EXPORT_COLUMNS.map((c) => c.name));
  });

  it('lets the exporter write market-based parts (s3:PutObject on market-based/* only)', () => {
    const { stacks } = synth();
    const statements = Object.values(Template.fromStack(stacks.stateless).findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]);
    const put = statements.filter((s) => s.Action === 's3:PutObject' && JSON.stringify(s.Resource).includes('carbonpilot-footprints-'));
    expect(put).toHaveLength(1);
    expect(JSON.stringify(put[0].Resource)).toMatch(/\/footprints\/\*.*\/market-based\/\*/);
  });

  it('creates no carbon Data Export unless asked', () => {
    const { stacks } = synth();
    expect(stacks.carbonExport).toBeUndefined();
    expect(Object.keys(Template.fromStack(stacks.stateful).findResources('AWS::Glue::Table'))).toHaveLength(2);
  });

  describe('with -c carbonEmissionsExport=true', () => {
    const { stacks } = synth({ carbonEmissionsExport: 'true' }, { env: { account: '111122223333', region: 'eu-west-1' } });
    const stateful = Template.fromStack(stacks.stateful);

    it('creates the export in a us-east-1 stack, CSV gzip, every documented column, delivered to the home-region bucket', () => {
      expect(stacks.carbonExport!.region).toBe('us-east-1');
      const t = Template.fromStack(stacks.carbonExport!);
      t.resourceCountIs('AWS::BCMDataExports::Export', 1);
      t.hasResourceProperties('AWS::BCMDataExports::Export', {
        Export: {
          Name: 'carbonpilot-carbon-emissions',
          DataQuery: { QueryStatement: `SELECT ${CARBON_EMISSIONS_COLUMNS.join(', ')} FROM CARBON_EMISSIONS` },
          DestinationConfigurations: {
            S3Destination: {
              S3Bucket: 'carbonpilot-ccft-111122223333-eu-west-1', S3Prefix: 'ccft', S3Region: 'eu-west-1',
              S3OutputConfigurations: { OutputType: 'CUSTOM', Format: 'TEXT_OR_CSV', Compression: 'GZIP', Overwrite: 'OVERWRITE_REPORT' },
            },
          },
          RefreshCadence: { Frequency: 'SYNCHRONOUS' },
        },
      });
      expect(stacks.carbonExport!.dependencies).toContain(stacks.stateful);
    });

    it('gives the bucket the Data Exports bucket policy (this account’s exports only), SSL-only and logged', () => {
      stateful.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'carbonpilot-ccft-111122223333-eu-west-1', LoggingConfiguration: { LogFilePrefix: 'ccft-bucket/' } });
      const policy = Object.values(stateful.findResources('AWS::S3::BucketPolicy')).map((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[]).find((st) => st.some((s) => s.Sid === 'EnableAWSDataExportsToWriteToS3AndCheckPolicy'))!;
      const allow = policy.find((s) => s.Sid === 'EnableAWSDataExportsToWriteToS3AndCheckPolicy')!;
      expect(allow).toMatchObject({
        Effect: 'Allow',
        Principal: { Service: ['billingreports.amazonaws.com', 'bcm-data-exports.amazonaws.com'] },
        Action: ['s3:PutObject', 's3:GetBucketPolicy'],
        Condition: { StringLike: { 'aws:SourceAccount': '111122223333' } },
      });
      const arns = JSON.stringify((allow.Condition as { StringLike: Record<string, unknown> }).StringLike['aws:SourceArn']);
      expect(arns).toContain(':cur:us-east-1:111122223333:definition/*');
      expect(arns).toContain(':bcm-data-exports:us-east-1:111122223333:export/*');
      expect(policy.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'))).toBe(true);
    });

    it('adds the Glue table aws_carbon_emissions beside ours, projecting the export partitions, columns in query order', () => {
      stateful.hasResourceProperties('AWS::Glue::Table', {
        DatabaseName: 'carbonpilot',
        TableInput: Match.objectLike({
          Name: 'aws_carbon_emissions',
          PartitionKeys: [{ Name: 'partition_model_version', Type: 'string' }, { Name: 'partition_usage_period', Type: 'string' }],
          Parameters: Match.objectLike({
            'skip.header.line.count': '1',
            'projection.partition_usage_period.format': 'yyyy-MM',
            'storage.location.template': 's3://carbonpilot-ccft-111122223333-eu-west-1/ccft/carbonpilot-carbon-emissions/data/model_version=${partition_model_version}/usage_period=${partition_usage_period}/',
          }),
        }),
      });
      const table = Object.values(stateful.findResources('AWS::Glue::Table')).find((r) => r.Properties.TableInput.Name === 'aws_carbon_emissions')!;
      const cols = table.Properties.TableInput.StorageDescriptor.Columns as { Name: string; Type: string }[];
      expect(cols.map((c) => c.Name)).toEqual([...CARBON_EMISSIONS_COLUMNS]);
      expect(cols.find((c) => c.Name === 'total_scope_2_lbm_emissions_value')!.Type).toBe('double');
    });

  });

  it('is clean under cdk-nag AwsSolutions with the export on (environment-agnostic, as `cdk synth` runs offline)', () => {
    const { app } = synth({ carbonEmissionsExport: true }, { homeRegion: 'eu-west-1' });
    expect(nagFindings(app)).toEqual([]);
  });

  it.each([
    [{ carbonEmissionsExport: 'yes' }, {}, /carbonEmissionsExport \(CDK context\): expected true or false, got "yes"/],
    [{ carbonEmissionsExport: 'true' }, {}, /carbonEmissionsExport: a home region is needed/],
  ])('refuses a bad setting, naming it (%j)', (context, opts, message) => {
    expect(() => synth(context, opts)).toThrow(message);
  });
});
