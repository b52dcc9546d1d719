/**
 * VariantMetricsSource over CloudWatch GetMetricData: the request metrics the footprint collector does not read —
 * per endpoint variant, hourly `Invocation4XXErrors` + `Invocation5XXErrors` (Sum) and `ModelLatency` p50/p95 over
 * the whole measurement window (namespace AWS/SageMaker, dimensions EndpointName + VariantName; shadow variants
 * publish the same metrics, SageMaker developer guide "Monitor a shadow test"). ModelLatency is in microseconds
 * (SageMaker "Metrics for monitoring Amazon SageMaker AI with Amazon CloudWatch"); returned in ms.
 *
 * Same patterns as cloudwatch-metrics-source.ts: one call for every variant (≤ 500 queries), `NextToken` pages,
 * each request through our backoff and the run's request budget (SDK retries off), windows aligned to the hour.
 */
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { alignDown, alignUp, HOUR_SEC, type EpochSec, type Window } from '../../domain/time';
import type { VariantMetricsSource, VariantRequestMetrics } from '../../ports/optimisation-ports';
import { defaultBackoff, withBackoff, type BackoffOptions, type RequestBudget } from './retry';

export interface SageMakerOptimisationMetricsOptions {
  budget?: RequestBudget;
  backoff?: Partial<BackoffOptions>;
}

type Field = 'e4' | 'e5' | 'p50' | 'p95';

export class SageMakerOptimisationMetrics implements VariantMetricsSource {
  private readonly backoff: BackoffOptions;

  constructor(
    private readonly clientFor: (region: string) => CloudWatchClient,
    o: SageMakerOptimisationMetricsOptions = {},
  ) {
    this.backoff = { ...defaultBackoff(o.budget), ...o.backoff, budget: o.budget ?? o.backoff?.budget };
  }

  async read(region: string, endpointName: string, variants: string[], window: Window): Promise<Map<string, VariantRequestMetrics>> {
    const w = { startSec: alignDown(window.startSec, HOUR_SEC), endSec: alignUp(window.endSec, HOUR_SEC) };
    const out = new Map<string, VariantRequestMetrics>(variants.map((v) => [v, { hourlyErrors: new Map<EpochSec, number>() }]));
    if (w.endSec <= w.startSec || !variants.length) return out;
    const span = w.endSec - w.startSec;
    const ids = new Map<string, { variant: string; field: Field }>();
    const queries: MetricDataQuery[] = [];
    variants.forEach((variant, i) => {
      const metric = (MetricName: string) => ({ Namespace: 'AWS/SageMaker', MetricName, Dimensions: [{ Name: 'EndpointName', Value: endpointName }, { Name: 'VariantName', Value: variant }] });
      const add = (field: Field, MetricName: string, Stat: string, Period: number) => {
        const Id = `v${i}_${field}`;
        ids.set(Id, { variant, field });
        queries.push({ Id, MetricStat: { Metric: metric(MetricName), Period, Stat }, ReturnData: true });
      };
      add('e4', 'Invocation4XXErrors', 'Sum', HOUR_SEC);
      add('e5', 'Invocation5XXErrors', 'Sum', HOUR_SEC);
      // One period over the whole window: the percentile of every request in it, not an average of hourly percentiles.
      add('p50', 'ModelLatency', 'p50', span);
      add('p95', 'ModelLatency', 'p95', span);
    });
    let nextToken: string | undefined;
    do {
      const input = { MetricDataQueries: queries, StartTime: new Date(w.startSec * 1000), EndTime: new Date(w.endSec * 1000), NextToken: nextToken, ScanBy: 'TimestampAscending' as const };
      const page = await withBackoff(() => this.clientFor(region).send(new GetMetricDataCommand(input)), this.backoff);
      for (const r of page.MetricDataResults ?? []) {
        const id = r.Id ? ids.get(r.Id) : undefined;
        if (!id) continue;
        const m = out.get(id.variant)!;
        const ts = (r.Timestamps ?? []).map((t) => Math.floor(new Date(t).getTime() / 1000));
        const vs = r.Values ?? [];
        if (id.field === 'e4' || id.field === 'e5') {
          ts.forEach((t, k) => m.hourlyErrors.set(alignDown(t, HOUR_SEC), (m.hourlyErrors.get(alignDown(t, HOUR_SEC)) ?? 0) + (vs[k] ?? 0)));
        } else if (vs.length) {
          const ms = vs[0] / 1000; // microseconds → ms
          if (id.field === 'p50') m.p50Ms = ms;
          else m.p95Ms = ms;
        }
      }
      nextToken = page.NextToken || undefined;
    } while (nextToken);
    return out;
  }
}
