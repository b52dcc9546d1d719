import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { FootprintExport } from '../../lib/export-construct';
import { ObservabilityDashboard } from '../../lib/observability-construct';
import { EXPORT_COLUMNS } from '../../shared/use-cases/export-footprints';
import { nagFindings } from './synth';

/** A small stack holding only the two constructs, plus a function and a queue for them to observe. */
function synth() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'ObservabilityTest');
  const role = new iam.Role(stack, 'ExporterRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const fn = lambda.Function.fromFunctionName(stack, 'Collector', 'carbonpilot-collect-footprint');
  const queue = sqs.Queue.fromQueueArn(stack, 'Dlq', 'arn:aws:sqs:eu-west-1:111122223333:carbonpilot-dlq');
  const exp = new FootprintExport(stack, 'Export');
  exp.grantExportWrite(role);
  new ObservabilityDashboard(stack, 'Observability', { namespace: 'CarbonPilot', functions: [{ id: 'collect-footprint', fn }], queues: [{ name: 'LambdaFailureDlq', queue }] });
  return { app, template: Template.fromStack(stack) };
}

describe('observability and export constructs', () => {
  const { app, template } = synth();
  /** The dashboard body with CloudFormation tokens (region, function names) replaced by a placeholder, parsed. */
  const dashboard = (): { widgets: { type: string; properties: { title?: string; stacked?: boolean; metrics?: unknown[] } }[] } => {
    const body = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
    return JSON.parse(body['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : 'TOKEN')).join(''));
  };
  const widget = (title: string) => dashboard().widgets.find((w) => w.properties.title === title)!;

  it('builds one dashboard that stacks EMF emissions by team and region and shows function errors and DLQ depth', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    for (const [title, dim] of [['Emissions by team (kgCO2e/h)', 'Team'], ['Emissions by region (kgCO2e/h)', 'Region'], ['Emissions by resource kind (kgCO2e/h)', 'Kind']]) {
      const w = widget(title);
      expect(w.properties.stacked).toBe(true);
      expect(w.properties.metrics).toEqual([[{ expression: `SEARCH('{CarbonPilot,${dim}} MetricName="Co2eKg"', 'Sum', 3600)`, period: 3600 }]]);
    }
    expect(JSON.stringify(widget('Function errors').properties.metrics)).toContain('"AWS/Lambda","Errors"');
    expect(widget('Dead-letter queue depth').properties.metrics).toEqual([['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', 'carbonpilot-dlq', { label: 'LambdaFailureDlq', stat: 'Maximum' }]]);
  });

  it('creates an encrypted, versioned, non-public export bucket that denies non-TLS access and logs to an access-log bucket', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { LogFilePrefix: 'export-bucket/' },
    });
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies.length).toBe(2);
    for (const p of policies) {
      expect(p.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      );
    }
  });

  it('defines a Glue JSON table partitioned by day with partition projection and the exported columns', () => {
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: 'footprints',
        PartitionKeys: [{ Name: 'day', Type: 'string' }],
        Parameters: Match.objectLike({ 'projection.enabled': 'true', 'projection.day.type': 'date', 'projection.day.format': 'yyyy-MM-dd' }),
        StorageDescriptor: Match.objectLike({ SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', Parameters: Match.anyValue() } }),
      }),
    });
    const table = Object.values(template.findResources('AWS::Glue::Table'))[0];
    const cols = (table.Properties.TableInput.StorageDescriptor.Columns as { Name: string }[]).map((c) => c.Name);
    expect(cols).toEqual(EXPORT_COLUMNS.map((c) => c.name));
    template.resourceCountIs('AWS::Glue::Database', 1);
  });

  it('creates an Athena workgroup that enforces encrypted results', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({ EnforceWorkGroupConfiguration: true, ResultConfiguration: Match.objectLike({ EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } }) }),
    });
  });

  it('grants the exporter only s3:PutObject under footprints/', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]);
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('s3:PutObject');
    expect(JSON.stringify(statements[0].Resource)).toContain('/footprints/*');
  });

  it('is clean under cdk-nag AwsSolutions (acknowledged findings carry reasons)', () => {
    expect(nagFindings(app)).toEqual([]);
  });
});
