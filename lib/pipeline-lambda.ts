import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { validatePattern } from '../shared/domain/event-pattern';
import type { PipelineFunction, Trigger } from '../shared/pipeline';
import type { FootprintExport } from './export-construct';

/** Retry policy of every EventBridge rule target. */
export const RULE_TARGET_RETRY = {
  // Schedules re-fire every 15 min / 1 h and per-resource cursors catch up, so an event older than an hour is
  // better dead-lettered for inspection than delivered late (EventBridge's default is 185 tries over 24 h).
  retryAttempts: 8,
  maxEventAge: Duration.hours(1),
} as const;

/** Lambda asynchronous-invocation retry policy (EventBridge invokes Lambda asynchronously). */
export const LAMBDA_ASYNC_RETRY = { retryAttempts: 2, maxEventAge: Duration.hours(1) } as const;

/** Description prefix of every rule; test/infra reads function and trigger ids back from it. */
export const RULE_DESCRIPTION_PREFIX = '[carbonpilot]';
export const ruleDescription = (functionId: string, triggerId: string): string =>
  `${RULE_DESCRIPTION_PREFIX} ${functionId} <- ${triggerId}`;

export interface PipelineLambdaProps {
  definition: PipelineFunction;
  /** Directory `definition.handlerPath` is relative to (the repository root). */
  repoRoot: string;
  table: dynamodb.ITable;
  /** GSI names of `table`: each gets its own index ARN in the table policy (no `index/*`). */
  indexNames: readonly string[];
  customBus: events.IEventBus;
  /** Rule-target DLQ. Pass an imported reference (see StatelessStack) so CDK does not add a cross-stack policy. */
  eventTargetDlq: sqs.IQueue;
  lambdaFailureDlq: sqs.IQueue;
  alarmAction?: cloudwatch.IAlarmAction;
  /** The footprint export (S3 + Glue), for functions with the `export-bucket` permission. */
  footprintExport?: FootprintExport;
  /** Role EventBridge Scheduler assumes to invoke the job dispatcher (`pass-scheduler-role`). */
  schedulerRole?: iam.IRole;
}

/** One pipeline entry as AWS resources: function, role, log group, rules, permissions and an Errors alarm. */
export class PipelineLambda extends Construct {
  readonly definition: PipelineFunction;
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly rules: events.Rule[] = [];
  readonly errorsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: PipelineLambdaProps) {
    super(scope, id);
    const d = props.definition;
    this.definition = d;

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      // Operational logs only; the footprint data lives in the stateful stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Own role without AWSLambdaBasicExecutionRole: that managed policy allows logs:CreateLogGroup on every group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `carbonpilot ${d.id}`,
    });
    logGroup.grantWrite(this.role);

    const environment: Record<string, string> = {
      ...d.environment,
      TABLE_NAME: props.table.tableName,
      EVENT_BUS_NAME: props.customBus.eventBusName,
      NODE_OPTIONS: '--enable-source-maps',
      CARBONPILOT_RUNTIME: 'aws',
    };

    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(props.repoRoot, d.handlerPath),
      handler: 'handler',
      projectRoot: props.repoRoot,
      depsLockFilePath: path.join(props.repoRoot, 'package-lock.json'),
      description: d.description.slice(0, 256),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: d.memoryMb,
      timeout: Duration.seconds(d.timeoutSec),
      role: this.role,
      logGroup,
      environment,
      bundling: {
        forceDockerBundling: false, // local esbuild (no Docker on these machines)
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        format: OutputFormat.CJS,
        target: 'node24',
        // Bundle the AWS SDK too (NodejsFunction leaves @aws-sdk/* to the runtime by default): the functions then run
        // the SDK version the lockfile pins and the tests exercise, not whatever the Lambda runtime ships.
        externalModules: [],
      },
      onFailure: new destinations.SqsDestination(props.lambdaFailureDlq),
      ...LAMBDA_ASYNC_RETRY,
    });

    this.grantPermissions(d, props, environment);
    // http-api and one-time-schedules triggers are wired by the stack (API Gateway, EventBridge Scheduler), not rules.
    for (const t of d.triggers) if (t.type === 'schedule' || t.type === 'event') this.rules.push(this.addTrigger(t, d, props));

    this.errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription: `carbonpilot ${d.id}: the function reported errors (after its own retries, failed events go to the Lambda failure DLQ)`,
      metric: this.fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmAction) this.errorsAlarm.addAlarmAction(props.alarmAction);
  }

  private addTrigger(t: Extract<Trigger, { type: 'schedule' | 'event' }>, d: PipelineFunction, props: PipelineLambdaProps): events.Rule {
    const target = new targets.LambdaFunction(this.fn, { deadLetterQueue: props.eventTargetDlq, ...RULE_TARGET_RETRY });
    const common = { description: ruleDescription(d.id, t.id), targets: [target] };
    if (t.type === 'schedule') {
      // Rule schedules run in UTC on the account's default bus.
      return new events.Rule(this, `Rule${t.id}`, { ...common, schedule: events.Schedule.expression(t.expression) });
    }
    validatePattern(t.pattern); // the local bus must be able to evaluate every pattern we deploy
    return new events.Rule(this, `Rule${t.id}`, {
      ...common,
      eventBus: t.bus === 'carbonpilot' ? props.customBus : undefined, // undefined = the account's default bus
      eventPattern: t.pattern as events.EventPattern,
    });
  }

  private grantPermissions(d: PipelineFunction, props: PipelineLambdaProps, environment: Record<string, string>): void {
    const serviceReasons: string[] = [];
    for (const p of d.permissions) {
      switch (p.kind) {
        case 'table': {
          // Exactly the declared actions (grantReadWriteData would add Scan, DeleteItem, ConditionCheckItem …).
          const indexArns = props.indexNames.map((n) => `${props.table.tableArn}/index/${n}`);
          this.role.addToPrincipalPolicy(
            new iam.PolicyStatement({ sid: 'TableAccess', actions: [...p.actions], resources: [props.table.tableArn, ...indexArns] }),
          );
          break;
        }
        case 'put-events':
          props.customBus.grantPutEventsTo(this.role);
          break;
        case 'service': {
          const stack = Stack.of(this);
          const resources = (p.resources ?? ['*']).map((r) =>
            r.replace(/\$\{partition\}/g, stack.partition).replace(/\$\{region\}/g, stack.region).replace(/\$\{account\}/g, stack.account),
          );
          this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...p.actions], resources, conditions: p.conditions }));
          // cdk-nag names each wildcard resource as it renders it (pseudo parameters as <AWS::…>).
          for (const r of p.resources ?? ['*']) {
            const rendered = r.replace(/\$\{partition\}/g, '<AWS::Partition>').replace(/\$\{region\}/g, '<AWS::Region>').replace(/\$\{account\}/g, '<AWS::AccountId>');
            serviceReasons.push(`${rendered}\u0000${p.reason}`);
          }
          break;
        }
        case 'pass-scheduler-role': {
          if (!props.schedulerRole) throw new Error(`${d.id}: pass-scheduler-role needs the scheduler role`);
          this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [props.schedulerRole.roleArn] }));
          environment.SCHEDULER_ROLE_ARN = props.schedulerRole.roleArn;
          this.fn.addEnvironment('SCHEDULER_ROLE_ARN', props.schedulerRole.roleArn);
          break;
        }
        case 'invoke-dispatcher':
          break; // granted by the stack once the dispatcher exists (see StatelessStack)
        case 'export-bucket': {
          if (!props.footprintExport) throw new Error(`${d.id}: export-bucket permission needs the footprint export`);
          props.footprintExport.grantExportWrite(this.role);
          environment.EXPORT_BUCKET = props.footprintExport.bucket.bucketName;
          this.fn.addEnvironment('EXPORT_BUCKET', props.footprintExport.bucket.bucketName);
          break;
        }
        case 'secret': {
          // The function reads the secret named by its environment variable; default name carbonpilot/<env-name>.
          const name = d.environment[p.secretEnv] ?? `carbonpilot/${p.secretEnv.toLowerCase().replace(/_/g, '-')}`;
          environment[p.secretEnv] = name;
          this.fn.addEnvironment(p.secretEnv, name);
          secretsmanager.Secret.fromSecretNameV2(this, `Secret${p.secretEnv}`, name).grantRead(this.role);
          break;
        }
      }
    }
    const byResource = new Map<string, string[]>();
    for (const entry of serviceReasons) {
      const [resource, reason] = entry.split('\u0000');
      byResource.set(resource, [...(byResource.get(resource) ?? []), reason]);
    }
    for (const [resource, reasons] of byResource) {
      Validations.of(this.role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason: reasons.join('; ') });
    }
  }
}

/** Stack-unique, CloudFormation-safe construct id for a pipeline function id. */
export const constructIdFor = (functionId: string): string =>
  functionId.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_m, _s, c: string) => c.toUpperCase());

