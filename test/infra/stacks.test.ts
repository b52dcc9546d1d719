import { Match, Template } from 'aws-cdk-lib/assertions';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LAMBDA_ASYNC_RETRY, RULE_TARGET_RETRY } from '../../lib/pipeline-lambda';
import { PIPELINE, type PipelineFunction } from '../../shared/pipeline';
import { type SynthesizedApp, nagFindings, synthesizeTestApp, synthesizedEventRules } from './synth';

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Effect: string };
const asList = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** Statements of the IAM policies attached to the role of a pipeline function. */
function roleStatements(template: Template, functionId: string): Statement[] {
  const description = PIPELINE.find((p) => p.id === functionId)?.description.slice(0, 256);
  const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) => f.Properties.Description === description);
  if (!fn) throw new Error(`no function for ${functionId}`);
  const roleLogicalId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleLogicalId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

describe('CarbonPilot infrastructure', () => {
  let s: SynthesizedApp;
  beforeAll(() => {
    s = synthesizeTestApp();
  });

  describe('stateful stack', () => {
    it('has one on-demand table with pk/sk, the gsi1 index, TTL, PITR and SSE, retained on delete', () => {
      s.statefulTemplate.resourceCountIs('AWS::DynamoDB::Table', 1);
      s.statefulTemplate.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: Match.arrayWith([
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
            { AttributeName: 'gsi1pk', AttributeType: 'S' },
            { AttributeName: 'gsi1sk', AttributeType: 'S' },
          ]),
          GlobalSecondaryIndexes: [
            {
              IndexName: 'gsi1',
              KeySchema: [
                { AttributeName: 'gsi1pk', KeyType: 'HASH' },
                { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
          TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
        },
      });
    });

    it('has two encrypted, SSL-only dead-letter queues keeping messages 14 days', () => {
      s.statefulTemplate.resourceCountIs('AWS::SQS::Queue', 2);
      s.statefulTemplate.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86400 });
      s.statefulTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('lets EventBridge rules of this account (only) send to the rule-target DLQ', () => {
      s.statefulTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Condition: { ArnLike: { 'aws:SourceArn': Match.anyValue() }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }),
          ]),
        },
      });
    });
  });

  describe('stateless stack', () => {
    it('creates the custom event bus "carbonpilot"', () => {
      s.statelessTemplate.hasResourceProperties('AWS::Events::EventBus', { Name: 'carbonpilot' });
    });

    it('creates one arm64 Lambda per pipeline entry on nodejs22.x or newer, with the declared memory, timeout and environment', () => {
      s.statelessTemplate.resourceCountIs('AWS::Lambda::Function', PIPELINE.length);
      for (const f of PIPELINE) {
        s.statelessTemplate.hasResourceProperties('AWS::Lambda::Function', {
          Description: f.description.slice(0, 256),
          Handler: 'index.handler',
          Runtime: Match.stringLikeRegexp('^nodejs(2[2-9]|[3-9]\\d)\\.x$'),
          Architectures: ['arm64'],
          MemorySize: f.memoryMb,
          Timeout: f.timeoutSec,
          LoggingConfig: { LogGroup: Match.anyValue() },
          Environment: {
            Variables: {
              ...f.environment,
              TABLE_NAME: Match.anyValue(),
              EVENT_BUS_NAME: Match.anyValue(),
              NODE_OPTIONS: '--enable-source-maps',
              CARBONPILOT_RUNTIME: 'aws',
            },
          },
        });
      }
    });

    it('gives each function an explicit log group with retention', () => {
      // One per function, plus the HTTP API's access-log group.
      s.statelessTemplate.resourceCountIs('AWS::Logs::LogGroup', PIPELINE.length + 1);
      s.statelessTemplate.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    });

    it('configures async failure handling: 2 retries, max event age, onFailure to the Lambda DLQ', () => {
      s.statelessTemplate.resourceCountIs('AWS::Lambda::EventInvokeConfig', PIPELINE.length);
      s.statelessTemplate.allResourcesProperties('AWS::Lambda::EventInvokeConfig', {
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: LAMBDA_ASYNC_RETRY.maxEventAge.toSeconds(),
        DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      });
    });

    it('uses no AWS managed policies', () => {
      for (const role of Object.values(s.statelessTemplate.findResources('AWS::IAM::Role'))) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
    });

    it.each(PIPELINE.map((f) => [f.id, f] as const))('%s: table policy has exactly the declared actions, never Scan/DeleteItem', (id, f) => {
      const declared = f.permissions.flatMap((p) => (p.kind === 'table' ? p.actions : [])).sort();
      const statements = roleStatements(s.statelessTemplate, id);
      const table = statements.filter((st) => st.Sid === 'TableAccess');
      expect(table.flatMap((st) => asList(st.Action)).sort()).toEqual(declared);
      const all = statements.flatMap((st) => asList(st.Action));
      expect(all).not.toContain('dynamodb:Scan');
      expect(all).not.toContain('dynamodb:DeleteItem');
      expect(all.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(declared);
      // The resources are the table and its index ARNs, no wildcard.
      for (const st of table) expect(JSON.stringify(st.Resource)).not.toContain('*');
    });

    it.each(PIPELINE.map((f) => [f.id, f] as const))('%s: service and put-events permissions match the definition', (id, f) => {
      const statements = roleStatements(s.statelessTemplate, id);
      // Actions on Resource '*' are exactly the service permissions declared without resources (no resource-level support).
      const onStar = statements.filter((st) => st.Resource === '*').flatMap((st) => asList(st.Action)).sort();
      const declared = f.permissions.flatMap((p) => (p.kind === 'service' && !p.resources ? p.actions : [])).sort();
      expect(onStar).toEqual(declared);
      // Service permissions with resource patterns are granted on those patterns only.
      for (const p of f.permissions) {
        if (p.kind !== 'service' || !p.resources) continue;
        const st = statements.find((x) => asList(x.Action).includes(p.actions[0]));
        expect(st).toBeDefined();
        expect(JSON.stringify(st!.Resource)).not.toBe('"*"');
      }
      const putEvents = statements.some((st) => asList(st.Action).includes('events:PutEvents'));
      expect(putEvents).toBe(f.permissions.some((p) => p.kind === 'put-events'));
    });

    it('gives every rule target a DLQ and a retry policy', () => {
      const rules = synthesizedEventRules(s.statelessTemplate);
      expect(rules.length).toBeGreaterThan(0);
      for (const r of rules) {
        expect(r.targets).toHaveLength(1);
        expect(r.targets[0]).toMatchObject({
          DeadLetterConfig: { Arn: expect.anything() },
          RetryPolicy: { MaximumRetryAttempts: RULE_TARGET_RETRY.retryAttempts, MaximumEventAgeInSeconds: RULE_TARGET_RETRY.maxEventAge.toSeconds() },
        });
      }
    });

    it('puts schedules on the default bus and event rules on the bus the definition names', () => {
      const rules = synthesizedEventRules(s.statelessTemplate);
      for (const f of PIPELINE) {
        for (const t of f.triggers) {
          const r = rules.find((x) => x.functionId === f.id && x.triggerId === t.id);
          if (t.type === 'http-api' || t.type === 'one-time-schedules') {
            expect(r).toBeUndefined(); // API Gateway / EventBridge Scheduler, not rules
            continue;
          }
          expect(r).toBeDefined();
          if (t.type === 'schedule') expect(r).toMatchObject({ bus: 'default', scheduleExpression: t.expression });
          else expect(r).toMatchObject({ bus: t.bus, pattern: t.pattern });
        }
      }
    });

    it('alarms on every DLQ depth and every function error count, notifying an SSL-only topic', () => {
      s.statelessTemplate.resourceCountIs('AWS::CloudWatch::Alarm', PIPELINE.length + 2);
      s.statelessTemplate.resourcePropertiesCountIs(
        'AWS::CloudWatch::Alarm',
        { MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' },
        2,
      );
      s.statelessTemplate.resourcePropertiesCountIs(
        'AWS::CloudWatch::Alarm',
        { MetricName: 'Errors', Namespace: 'AWS/Lambda', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [{ Ref: Match.anyValue() }] },
        PIPELINE.length,
      );
      s.statelessTemplate.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    });

    it('handler files named by the pipeline exist in the repository', () => {
      const root = path.resolve(__dirname, '../..');
      const missing = PIPELINE.map((f) => f.handlerPath).filter((p) => !fs.existsSync(path.join(root, p)));
      expect(missing).toEqual([]);
    });
  });

  describe('cdk-nag (AwsSolutions)', () => {
    it('reports no unacknowledged findings', () => {
      expect(nagFindings(s.app)).toEqual([]);
    });
  });
});

describe('permission mapping (fixture pipeline)', () => {
  const fixture: PipelineFunction[] = [
    {
      ...PIPELINE[0],
      id: 'reader',
      description: 'fixture reader',
      triggers: [{ type: 'event', id: 'Any', bus: 'carbonpilot', pattern: { source: [{ prefix: 'carbon' }] } }],
      environment: {},
      permissions: [
        { kind: 'table', actions: ['dynamodb:Query'] },
        { kind: 'service', actions: ['cloudwatch:GetMetricData'], reason: 'fixture reason: GetMetricData has no resource-level permissions' },
        { kind: 'secret', secretEnv: 'PROVIDER_SECRET_ID' },
      ],
    },
  ];
  let s: SynthesizedApp;
  beforeAll(() => {
    s = synthesizeTestApp({ pipeline: fixture });
  });

  it('grants a narrower table action set exactly', () => {
    s.statelessTemplate.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'TableAccess', Action: 'dynamodb:Query' })]) },
    });
  });

  it('grants secret read and passes the secret name in the environment', () => {
    s.statelessTemplate.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] })]),
      },
    });
    s.statelessTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PROVIDER_SECRET_ID: 'carbonpilot/provider-secret-id' }) },
    });
  });

  it('acknowledges Resource::* with the definition reason, and the acknowledgement is what silences cdk-nag', () => {
    expect(nagFindings(s.app)).toEqual([]);
    const withoutReason = synthesizeTestApp({ pipeline: [{ ...fixture[0], permissions: [{ kind: 'table', actions: ['dynamodb:Query'] }] }] });
    withoutReason.stateless.functions.get('reader')!.role.addToPrincipalPolicy(
      new (require('aws-cdk-lib/aws-iam').PolicyStatement)({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
    );
    expect(nagFindings(withoutReason.app).some((f) => f.startsWith('AwsSolutions-IAM5[Resource::*]'))).toBe(true);
  });

  it('rejects a pipeline pattern the local matcher cannot evaluate', () => {
    const bad: PipelineFunction[] = [{ ...fixture[0], triggers: [{ type: 'event', id: 'Bad', bus: 'default', pattern: { source: [{ cidr: '10.0.0.0/8' }] } }] }];
    expect(() => synthesizeTestApp({ pipeline: bad })).toThrow(/unsupported operator "cidr"/);
  });
});

describe('cross-region forwarders', () => {
  let s: SynthesizedApp;
  beforeAll(() => {
    s = synthesizeTestApp({ regions: ['eu-north-1', 'us-west-2'], homeRegion: 'us-east-1' });
  });

  it('adds one forwarder stack per extra region, deployed in that region', () => {
    expect(s.forwarders.map((f) => f.region)).toEqual(['eu-north-1', 'us-west-2']);
  });

  it('forwards exactly the service patterns the home rules listen to, to the home default bus, with a role and a DLQ', () => {
    const homePatterns = synthesizedEventRules(s.statelessTemplate)
      .filter((r) => r.bus === 'default' && r.pattern && (r.pattern.source as string[]).every((x) => x.startsWith('aws.') && x !== 'aws.events'))
      .map((r) => JSON.stringify(r.pattern));
    const t = Template.fromStack(s.forwarders[0]);
    const rules = Object.values(t.findResources('AWS::Events::Rule'));
    expect(new Set(rules.map((r) => JSON.stringify(r.Properties.EventPattern)))).toEqual(new Set(homePatterns));
    for (const r of rules) {
      const [target] = r.Properties.Targets as Array<Record<string, any>>;
      expect(JSON.stringify(target.Arn)).toContain(':events:us-east-1:');
      expect(JSON.stringify(target.Arn)).toContain('event-bus/default');
      expect(target.DeadLetterConfig).toBeDefined();
      expect(target.RoleArn).toBeDefined();
    }
  });

  it('the forward role may only put events on the home default bus', () => {
    const t = Template.fromStack(s.forwarders[1]);
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('events:PutEvents');
    expect(JSON.stringify(statements[0].Resource)).toMatch(/events:us-east-1:.*event-bus\/default/);
  });

  it('is cdk-nag clean', () => {
    expect(nagFindings(s.app)).toEqual([]);
  });

  it('needs a home region to forward to', () => {
    expect(() => synthesizeTestApp({ regions: ['eu-north-1'] })).toThrow(/home region/);
  });
});
