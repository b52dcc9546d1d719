import * as path from 'node:path';
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { NOTIFICATIONS, PIPELINE, type PipelineFunction } from '../shared/pipeline';
import { BudgetAlerts } from './budget-alerts-construct';
import { PipelineLambda, constructIdFor } from './pipeline-lambda';
import type { FootprintExport } from './export-construct';
import { ObservabilityDashboard } from './observability-construct';
import { JobsApi } from './api-construct';
import { FOOTPRINT_NAMESPACE } from '../shared/adapters/aws/emf';

/** Name of the custom event bus (EVENT_BUS_NAME in every function). */
export const CUSTOM_BUS_NAME = 'carbonpilot';

export interface StatelessStackProps extends StackProps {
  table: dynamodb.ITable;
  indexNames: readonly string[];
  eventTargetDlq: sqs.IQueue;
  lambdaFailureDlq: sqs.IQueue;
  /** Defaults to shared/pipeline.ts PIPELINE. */
  pipeline?: readonly PipelineFunction[];
  /** Directory handler paths are relative to; defaults to the repository root. */
  repoRoot?: string;
  /** Optional e-mail address subscribed to the alarm topic. */
  alarmEmail?: string;
  /** Optional e-mail address subscribed to the carbon budget alert topic. */
  budgetAlertEmail?: string;
  /** S3/Glue footprint export (stateful stack). */
  footprintExport?: FootprintExport;
  /** MONITORED_REGIONS of every function (home first); omitted = the function's own region. */
  monitoredRegions?: readonly string[];
}

/** Functions, rules, the custom bus and alarms, generated from the single pipeline definition. */
export class StatelessStack extends Stack {
  readonly bus: events.EventBus;
  readonly alarmTopic: sns.Topic;
  readonly functions: ReadonlyMap<string, PipelineLambda>;
  readonly dlqAlarms: cloudwatch.Alarm[];
  /** SNS topics of the notification events (carbon budget alerts), by notification id. */
  readonly notifications: ReadonlyMap<string, BudgetAlerts>;
  /** The IAM-authorised HTTP API (when the pipeline has an http-api function). */
  api?: import('aws-cdk-lib/aws-apigatewayv2').HttpApi;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const pipeline = props.pipeline ?? PIPELINE;
    const repoRoot = props.repoRoot ?? path.resolve(__dirname, '..');

    this.bus = new events.EventBus(this, 'Bus', { eventBusName: CUSTOM_BUS_NAME });

    // Alarm notifications carry only alarm names and states; SSL is enforced for publishers. No SSE-KMS: CloudWatch
    // can publish to an encrypted topic only with a customer-managed key whose policy admits cloudwatch.amazonaws.com,
    // a cost and a moving part that these payloads do not justify.
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: 'CarbonPilot alarms', enforceSSL: true });
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*` },
          StringEquals: { 'aws:SourceAccount': this.account },
        },
      }),
    );
    if (props.alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const alarmAction = new cwActions.SnsAction(this.alarmTopic);

    // Rule targets get an imported reference: with the real queue CDK would add one queue-policy statement per rule
    // in the stateful stack, referencing rules of this stack (a cross-stack cycle). The stateful stack grants
    // EventBridge for all rules of the account instead.
    const eventTargetDlq = sqs.Queue.fromQueueAttributes(this, 'EventTargetDlqRef', {
      queueArn: props.eventTargetDlq.queueArn,
      queueUrl: props.eventTargetDlq.queueUrl,
      queueName: props.eventTargetDlq.queueName,
    });

    // EventBridge Scheduler assumes this role to invoke the job dispatcher at each segment's start/stop time.
    const schedulerRole = new iam.Role(this, 'SchedulerInvokeRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
      description: 'EventBridge Scheduler -> CarbonPilot job dispatcher',
    });

    const fns = new Map<string, PipelineLambda>();
    for (const d of pipeline) {
      if (fns.has(d.id)) throw new Error(`Duplicate pipeline function id "${d.id}"`);
      fns.set(
        d.id,
        new PipelineLambda(this, constructIdFor(d.id), {
          definition: d,
          repoRoot,
          table: props.table,
          indexNames: props.indexNames,
          customBus: this.bus,
          eventTargetDlq,
          lambdaFailureDlq: props.lambdaFailureDlq,
          alarmAction,
          footprintExport: props.footprintExport,
          schedulerRole,
        }),
      );
      if (props.monitoredRegions?.length) fns.get(d.id)!.fn.addEnvironment('MONITORED_REGIONS', props.monitoredRegions.join(','));
    }
    this.functions = fns;

    const dispatcher = [...fns.entries()].find(([, f]) => f.definition.triggers.some((t) => t.type === 'one-time-schedules'))?.[1];
    // Exactly the function ARN (grantInvoke would add `<arn>:*` for every version and alias).
    const invokeDispatcher = (role: iam.IRole) =>
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [dispatcher!.fn.functionArn] }));
    if (dispatcher) invokeDispatcher(schedulerRole);
    // Every other function that schedules its own one-time polls (the optimiser) is a scheduler target too.
    for (const f of fns.values()) if (f !== dispatcher && f.definition.triggers.some((t) => t.type === 'one-time-schedules')) schedulerRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [f.fn.functionArn] }));
    for (const f of fns.values()) {
      if (f.definition.permissions.some((p) => p.kind === 'invoke-dispatcher')) {
        if (!dispatcher) throw new Error(`${f.definition.id}: invoke-dispatcher needs a function with a one-time-schedules trigger`);
        invokeDispatcher(f.role);
        f.fn.addEnvironment('DISPATCH_FUNCTION_ARN', dispatcher.fn.functionArn);
      }
      const http = f.definition.triggers.find((t) => t.type === 'http-api');
      if (http) this.api = new JobsApi(this, http.id, { handler: f.fn }).api;
    }

    this.notifications = new Map(NOTIFICATIONS.map((n) => [n.id, new BudgetAlerts(this, `Notify${n.id}`, { customBus: this.bus, notification: n, eventTargetDlq, email: props.budgetAlertEmail })]));

    new ObservabilityDashboard(this, 'Dashboard', {
      namespace: FOOTPRINT_NAMESPACE,
      functions: [...fns.entries()].map(([fid, f]) => ({ id: fid, fn: f.fn })),
      queues: [
        { name: 'event-target DLQ', queue: props.eventTargetDlq },
        { name: 'lambda-failure DLQ', queue: props.lambdaFailureDlq },
      ],
    });

    this.dlqAlarms = [
      ['EventTargetDlq', props.eventTargetDlq, 'EventBridge could not deliver an event to a function'],
      ['LambdaFailureDlq', props.lambdaFailureDlq, 'a function failed an event after all Lambda async retries'],
    ].map(([id, q, what]) => {
      const queue = q as sqs.IQueue;
      const alarm = new cloudwatch.Alarm(this, `${id as string}DepthAlarm`, {
        alarmDescription: `carbonpilot: messages in a dead-letter queue (${what as string}); inspect and redrive`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(alarmAction);
      return alarm;
    });
  }
}
