import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FootprintExport } from './export-construct';
import { TABLE_KEYS } from '../shared/adapters/aws/table-schema';

/** Name of the single global secondary index (the single-table key design: shared/adapters/aws/table-schema.ts). */
export const GSI1_NAME = TABLE_KEYS.gsi1;

/**
 * Everything that holds data and must survive a redeploy of the functions: the single DynamoDB table and the two
 * dead-letter queues. RemovalPolicy.RETAIN throughout: deleting this stack must never delete footprint history.
 */
export class StatefulStack extends Stack {
  readonly table: dynamodb.Table;
  /** Index names on `table`, so IAM policies can name each index ARN instead of `index/*`. */
  readonly indexNames: readonly string[] = [GSI1_NAME];
  /** EventBridge rule targets that still fail after their retry policy land here. */
  readonly eventTargetDlq: sqs.Queue;
  /** Lambda asynchronous invocations that still fail after Lambda's own retries land here (onFailure destination). */
  readonly lambdaFailureDlq: sqs.Queue;
  /** Footprints exported to S3 as partitioned JSON lines, with a Glue table and an Athena workgroup (QuickSight). */
  readonly footprintExport: FootprintExport;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.pk, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sk, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE_KEYS.ttl,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // AWS-managed key (aws/dynamodb): the table holds operational metrics and footprints, no personal data or
      // secrets. Every use of the key is still logged in CloudTrail, and it spares a customer-managed key's monthly
      // and per-request cost and the kms:Decrypt/Encrypt grants each function's hand-written policy would need.
      // Switch to TableEncryption.CUSTOMER_MANAGED (with rotation) if a tenant requires key-policy control.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: GSI1_NAME,
      partitionKey: { name: TABLE_KEYS.gsi1pk, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.gsi1sk, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });

    this.footprintExport = new FootprintExport(this, 'FootprintExport');
    this.eventTargetDlq = this.deadLetterQueue('EventTargetDlq');
    this.lambdaFailureDlq = this.deadLetterQueue('LambdaFailureDlq');

    // EventBridge needs sqs:SendMessage on its target DLQ. CDK would add this per rule, but the rules live in the
    // stateless stack and a per-rule statement here would make this stack depend on that one (a cycle). Scope it to
    // this account's rules instead (rule ARNs are rule/<name> on the default bus, rule/<bus>/<name> on others).
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
    this.eventTargetDlq.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeRulesOfThisAccount',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.eventTargetDlq.queueArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': `arn:${this.partition}:events:${this.region}:${this.account}:rule/*` },
          StringEquals: { 'aws:SourceAccount': this.account },
        },
      }),
    );
  }

  private deadLetterQueue(id: string): sqs.Queue {
    const q = new sqs.Queue(this, id, {
      // SSE-SQS, not SSE-KMS with aws/sqs: EventBridge cannot send to a queue encrypted with the AWS-managed
      // aws/sqs key (its key policy cannot be edited to allow events.amazonaws.com).
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // 14 days is the SQS maximum: the longest window to inspect and redrive failed events.
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(q).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue IS a dead-letter queue (for EventBridge rule targets or Lambda async onFailure); a DLQ of a DLQ would only move the same messages, and 14-day retention plus the DLQ-depth alarm cover it.',
    });
    return q;
  }
}
