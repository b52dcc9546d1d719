/**
 * Carbon budget alerts: an SNS topic subscribed (through an EventBridge rule on the CarbonPilot bus) to the
 * notification events of shared/pipeline.ts NOTIFICATIONS (`Carbon Budget Threshold Crossed`). The topic receives the
 * whole EventBridge event as JSON; subscribe e-mail (CDK context `budgetAlertEmail`), AWS Chatbot, a queue or a
 * function to it. The rule target retries and dead-letters like every pipeline rule (lib/pipeline-lambda.ts).
 */
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { NotificationSubscription } from '../shared/pipeline';
import { validatePattern } from '../shared/domain/event-pattern';
import { RULE_TARGET_RETRY } from './pipeline-lambda';

/** Description prefix of notification rules (pipeline rules use `[carbonpilot] <fn> <- <trigger>`). */
export const NOTIFICATION_RULE_PREFIX = '[carbonpilot:notify]';
export const notificationRuleDescription = (n: Pick<NotificationSubscription, 'id' | 'description'>): string => `${NOTIFICATION_RULE_PREFIX} ${n.id}: ${n.description}`;

export interface BudgetAlertsProps {
  /** The CarbonPilot bus (the notification's `bus` is `carbonpilot`). */
  customBus: events.IEventBus;
  notification: NotificationSubscription;
  /** Rule-target DLQ (an imported reference, as for the pipeline rules). */
  eventTargetDlq: sqs.IQueue;
  /** Optional e-mail address subscribed to the topic (SNS sends a confirmation first). */
  email?: string;
}

export class BudgetAlerts extends Construct {
  readonly topic: sns.Topic;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: BudgetAlertsProps) {
    super(scope, id);
    if (props.notification.bus !== 'carbonpilot') throw new Error(`${props.notification.id}: notifications are read from the carbonpilot bus`);
    validatePattern(props.notification.pattern); // the local runtime prints with the same pattern
    // SSL enforced for publishers and subscribers. No SSE-KMS, as for the alarm topic: EventBridge can publish to an
    // encrypted topic only with a customer-managed key whose policy admits events.amazonaws.com, and the payload is
    // budget ids, periods and kgCO2e figures (no secrets).
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'CarbonPilot carbon budget alerts', enforceSSL: true });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    // targets.SnsTopic adds the topic-policy statement that lets EventBridge (events.amazonaws.com) publish.
    this.rule = new events.Rule(this, 'Rule', {
      eventBus: props.customBus,
      description: notificationRuleDescription(props.notification),
      eventPattern: props.notification.pattern as events.EventPattern,
      targets: [new targets.SnsTopic(this.topic, { deadLetterQueue: props.eventTargetDlq, ...RULE_TARGET_RETRY })],
    });
  }
}
