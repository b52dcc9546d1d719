import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { forwardedServicePatterns, type PipelineFunction } from '../shared/pipeline';

export interface ForwarderStackProps extends StackProps {
  /** The home region (where the CarbonPilot functions run). */
  homeRegion: string;
  pipeline?: readonly PipelineFunction[];
}

/** Description prefix of forwarder rules (tests read them back). */
export const FORWARDER_DESCRIPTION = '[carbonpilot] forward to home default bus';

/**
 * One per monitored or job region other than home: AWS services emit SageMaker and EC2 state changes to the default
 * bus of their own region only, so these rules forward them to the home region's default bus, where the pipeline's
 * rules (inventory, dispatcher) receive them with their original `region`. Same account: the target bus needs no
 * resource policy, only the rule role's events:PutEvents on it. Undeliverable events go to a regional DLQ; the
 * hourly reconcile and inventory sweep (DescribeTrainingJob, List*) recover what was still lost.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html
 */
export class ForwarderStack extends Stack {
  readonly rules: events.Rule[] = [];
  readonly dlq: sqs.Queue;

  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, props);
    const homeBus = events.EventBus.fromEventBusArn(this, 'HomeDefaultBus', `arn:${this.partition}:events:${props.homeRegion}:${this.account}:event-bus/default`);
    const role = new iam.Role(this, 'ForwardRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
      description: `carbonpilot: forward SageMaker/EC2 state changes from ${this.region} to ${props.homeRegion}`,
    });
    this.dlq = new sqs.Queue(this, 'ForwardDlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.dlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue IS the dead-letter queue of the forwarder rules; a DLQ of a DLQ would only move the same messages.',
    });
    forwardedServicePatterns(props.pipeline).forEach((pattern, i) => {
      this.rules.push(
        new events.Rule(this, `Forward${i}`, {
          description: `${FORWARDER_DESCRIPTION} ${props.homeRegion}`,
          eventPattern: pattern as events.EventPattern,
          // Event-bus targets keep EventBridge's own retry policy (24 h, 185 attempts; CDK exposes none for them).
          targets: [new targets.EventBus(homeBus, { role, deadLetterQueue: this.dlq })],
        }),
      );
    });
  }
}
