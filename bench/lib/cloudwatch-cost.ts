/** What CloudWatch charges for the telemetry CarbonPilot reads (bench:pipeline cost model). */

/**
 * CloudWatch custom metrics — what the user pays for the agent's GPU metrics themselves, whoever reads them:
 * per metric-month (prorated by the hour a metric receives data), tiered over all custom metrics of the account in
 * the Region: first 10,000 $0.30, next 240,000 $0.10, next 750,000 $0.05, over 1,000,000 $0.02 (us-east-1,
 * aws.amazon.com/cloudwatch/pricing, Metrics tab; checked 2026-12-01 on stored copies of the page and of
 * api-evangelist/cloudwatch plans/cloudwatch-plans-pricing.yml of 2026-05, which lists the first three tiers).
 * The free tier's 10 metrics are ignored (≤ $3 a month).
 */
export const CUSTOM_METRIC_TIERS: readonly { upToMetrics: number; usdPerMetricMonth: number }[] = [
  { upToMetrics: 10_000, usdPerMetricMonth: 0.3 },
  { upToMetrics: 250_000, usdPerMetricMonth: 0.1 },
  { upToMetrics: 1_000_000, usdPerMetricMonth: 0.05 },
  { upToMetrics: Infinity, usdPerMetricMonth: 0.02 },
];
/** USD a month for `metrics` custom metrics in one account and Region, tier by tier. */
export function customMetricsUsdPerMonth(metrics: number): number {
  let usd = 0;
  let from = 0;
  for (const t of CUSTOM_METRIC_TIERS) {
    const n = Math.max(0, Math.min(metrics, t.upToMetrics) - from);
    usd += n * t.usdPerMetricMonth;
    from = t.upToMetrics;
    if (metrics <= from) break;
  }
  return usd;
}
/**
 * The minimal CloudWatch agent measurements CarbonPilot reads on EC2 GPU hosts (nvidia_gpu section): one metric per GPU
 * each (`nvidia_smi_utilization_gpu`, `nvidia_smi_power_draw`). CPU comes from AWS/EC2 CPUUtilization (basic
 * monitoring, no charge), so the minimal agent configuration publishes nothing else.
 */
export const AGENT_GPU_MEASUREMENTS = ['utilization_gpu', 'power_draw'] as const;


/**
 * The minimal CloudWatch agent configuration for NVIDIA GPU hosts that CarbonPilot needs (agent docs, "Collect NVIDIA
 * GPU metrics" and "Manually create or edit the CloudWatch agent configuration file", Linux section): the two
 * measurements at 60 s, and InstanceId appended so the collector's SEARCH finds the host's GPUs. No
 * aggregation_dimensions: an InstanceId-only roll-up would be billed as extra metrics and match the same SEARCH twice.
 */
export const MINIMAL_AGENT_CONFIG = {
  agent: { metrics_collection_interval: 60 },
  metrics: {
    namespace: 'CWAgent',
    append_dimensions: { InstanceId: '${aws:InstanceId}' },
    metrics_collected: {
      nvidia_gpu: { measurement: [...AGENT_GPU_MEASUREMENTS], metrics_collection_interval: 60 },
    },
  },
} as const;
