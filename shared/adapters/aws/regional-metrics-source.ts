/**
 * CloudWatch metrics are regional: a resource's telemetry can only be read in the resource's own region. This
 * MetricsSource groups resources by region and asks each region's source; a region that is not readable (not among
 * the monitored regions, or its calls fail outright) is an error for its resources — never an empty result that
 * would be written as zero energy.
 */
import type { Window } from '../../domain/time';
import { resourceKey, type ResourceRef } from '../../domain/types';
import type { MetricsFetchResult, MetricsSource } from '../../ports';

export class RegionalMetricsSource implements MetricsSource {
  private readonly sources = new Map<string, MetricsSource>();

  /**
   * @param sourceFor the source of one region (built once per region per run).
   * @param readableRegions regions telemetry may be read in (MONITORED_REGIONS); empty = any region.
   */
  constructor(
    private readonly sourceFor: (region: string) => MetricsSource,
    private readonly readableRegions: readonly string[] = [],
  ) {}

  async fetch(resources: ResourceRef[], window: Window, periodSec: number): Promise<MetricsFetchResult> {
    const out: MetricsFetchResult = { telemetry: [], skipped: [], errors: [], metricsRequested: 0, apiCalls: 0 };
    const byRegion = new Map<string, ResourceRef[]>();
    for (const r of resources) byRegion.set(r.region, [...(byRegion.get(r.region) ?? []), r]);
    for (const [region, group] of [...byRegion].sort(([a], [b]) => a.localeCompare(b))) {
      if (this.readableRegions.length && !this.readableRegions.includes(region)) {
        for (const r of group) out.errors!.push({ resourceKey: resourceKey(r), error: `region ${region} is not monitored (add it to MONITORED_REGIONS): telemetry not read` });
        continue;
      }
      let src = this.sources.get(region);
      if (!src) this.sources.set(region, (src = this.sourceFor(region)));
      try {
        const r = await src.fetch(group, window, periodSec);
        out.telemetry.push(...r.telemetry);
        out.skipped.push(...r.skipped);
        out.errors!.push(...(r.errors ?? []));
        out.metricsRequested += r.metricsRequested;
        out.apiCalls += r.apiCalls;
      } catch (e) {
        const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        for (const r of group) out.errors!.push({ resourceKey: resourceKey(r), error: `telemetry in ${region} not readable: ${msg}` });
      }
    }
    return out;
  }
}
