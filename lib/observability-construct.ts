import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FOOTPRINT_METRICS } from '../shared/adapters/aws/emf';

export interface ObservabilityProps {
  /** Namespace of the EMF footprint metrics (shared/adapters/aws/emf.ts FOOTPRINT_NAMESPACE). */
  namespace: string;
  /** Functions whose errors, throttles and duration are shown. */
  functions: { id: string; fn: lambda.IFunction }[];
  /** Dead-letter queues whose depth is shown. */
  queues: { name: string; queue: sqs.IQueue }[];
  dashboardName?: string;
}

/**
 * The CloudWatch dashboard: emissions and energy by team / region / kind over time (from the EMF metrics, via SEARCH
 * so new teams and regions appear without a redeploy), function errors and DLQ depth.
 */
export class ObservabilityDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const ns = props.namespace;
    // SEARCH picks up every value of a dimension; Sum over 1 h = kgCO2e (kWh) per hour, since each EMF datum is one
    // hour of one team × region × kind. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-search-expressions.html
    const byDim = (dim: string, metric: string, label: string) =>
      new cloudwatch.MathExpression({ expression: `SEARCH('{${ns},${dim}} MetricName="${metric}"', 'Sum', 3600)`, usingMetrics: {}, label, period: Duration.hours(1) });
    const stacked = (title: string, dim: string, metric: string, unit: string) =>
      new cloudwatch.GraphWidget({
        title,
        left: [byDim(dim, metric, '')],
        leftYAxis: { label: unit, showUnits: false, min: 0 },
        stacked: true,
        width: 12,
        height: 6,
        period: Duration.hours(1),
      });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.days(7),
      widgets: [
        [
          new cloudwatch.TextWidget({
            markdown: '# CarbonPilot footprint\nLocation-based emissions (kgCO2e) and facility energy (kWh, incl. PUE) per hour, from the collector\'s Embedded Metric Format logs. Provisional intervals are not published.',
            width: 24,
            height: 2,
          }),
        ],
        [stacked('Emissions by team (kgCO2e/h)', 'Team', FOOTPRINT_METRICS.co2e, 'kgCO2e'), stacked('Emissions by region (kgCO2e/h)', 'Region', FOOTPRINT_METRICS.co2e, 'kgCO2e')],
        [stacked('Emissions by resource kind (kgCO2e/h)', 'Kind', FOOTPRINT_METRICS.co2e, 'kgCO2e'), stacked('Energy by team (kWh/h)', 'Team', FOOTPRINT_METRICS.energy, 'kWh')],
        [
          new cloudwatch.GraphWidget({
            title: 'Function errors',
            left: props.functions.map((f) => f.fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM, label: f.id })),
            width: 8,
            height: 6,
          }),
          new cloudwatch.GraphWidget({
            title: 'Function duration p95 (ms)',
            left: props.functions.map((f) => f.fn.metricDuration({ period: Duration.minutes(5), statistic: cloudwatch.Stats.p(95), label: f.id })),
            width: 8,
            height: 6,
          }),
          new cloudwatch.GraphWidget({
            title: 'Dead-letter queue depth',
            left: props.queues.map((q) => q.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM, label: q.name })),
            width: 8,
            height: 6,
          }),
        ],
      ],
    });
  }
}
