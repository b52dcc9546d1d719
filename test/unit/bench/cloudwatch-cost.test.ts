import { AGENT_GPU_MEASUREMENTS, customMetricsUsdPerMonth, MINIMAL_AGENT_CONFIG } from '../../../bench/lib/cloudwatch-cost';

describe('CloudWatch custom-metric cost (tiered per metric-month, us-east-1)', () => {
  it.each([
    // Expectations from the published tiers: first 10,000 at $0.30, next 240,000 at $0.10, next 750,000 at $0.05, then $0.02.
    { metrics: 0, usd: 0 },
    { metrics: 16, usd: 16 * 0.3 }, // one p4d host: 8 GPUs × 2 measurements
    { metrics: 10_000, usd: 3_000 },
    { metrics: 16_000, usd: 3_000 + 6_000 * 0.1 }, // 1,000 p4d hosts
    { metrics: 250_000, usd: 3_000 + 24_000 },
    { metrics: 1_000_000, usd: 3_000 + 24_000 + 37_500 },
    { metrics: 1_500_000, usd: 3_000 + 24_000 + 37_500 + 10_000 },
  ])('$metrics metrics → $usd a month', ({ metrics, usd }) => {
    expect(customMetricsUsdPerMonth(metrics)).toBeCloseTo(usd, 6);
  });

  it('never costs less for more metrics, and the marginal price never rises', () => {
    let last = 0;
    let lastStep = Infinity;
    for (let m = 0; m <= 1_200_000; m += 5_000) {
      const usd = customMetricsUsdPerMonth(m);
      expect(usd).toBeGreaterThanOrEqual(last);
      expect(usd - last).toBeLessThanOrEqual(lastStep + 1e-9);
      if (m > 0) lastStep = usd - last;
      last = usd;
    }
  });

  it('configures the agent with exactly the two GPU measurements CarbonPilot reads, InstanceId appended, every 60 s', () => {
    expect(MINIMAL_AGENT_CONFIG.metrics.metrics_collected).toEqual({ nvidia_gpu: { measurement: ['utilization_gpu', 'power_draw'], metrics_collection_interval: 60 } });
    expect(MINIMAL_AGENT_CONFIG.metrics.append_dimensions).toEqual({ InstanceId: '${aws:InstanceId}' });
    expect(MINIMAL_AGENT_CONFIG.metrics).not.toHaveProperty('aggregation_dimensions');
    expect(AGENT_GPU_MEASUREMENTS).toHaveLength(2);
  });
});
