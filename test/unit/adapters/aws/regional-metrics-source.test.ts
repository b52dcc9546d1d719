/** CloudWatch is regional: each resource's telemetry is read in its own region; an unreadable region is an error. */
import { RegionalMetricsSource } from '../../../../shared/adapters/aws/regional-metrics-source';
import type { MetricsSource } from '../../../../shared/ports';
import { resourceKey, type ResourceRef } from '../../../../shared/domain/types';

const ref = (id: string, region: string): ResourceRef => ({ kind: 'ec2-instance', id, region, instanceType: 'g5.xlarge', counts: [{ atSec: 0, instanceCount: 1 }], startSec: 0, status: 'running', tags: {} });
const W = { startSec: 3600, endSec: 7200 };

describe('RegionalMetricsSource', () => {
  it('asks each region only about its own resources, one source per region', async () => {
    const asked: Record<string, string[]> = {};
    const built: string[] = [];
    const src = new RegionalMetricsSource((region): MetricsSource => {
      built.push(region);
      return {
        fetch: async (rs, w) => {
          asked[region] = [...(asked[region] ?? []), ...rs.map((r) => r.id)];
          return { telemetry: rs.map((r) => ({ resourceKey: resourceKey(r), window: w, hosts: [], partial: false, issues: [] })), skipped: [], metricsRequested: rs.length, apiCalls: 1 };
        },
      };
    }, ['us-east-1', 'eu-north-1']);
    const out = await src.fetch([ref('i-a', 'us-east-1'), ref('i-b', 'eu-north-1'), ref('i-c', 'us-east-1')], W, 60);
    await src.fetch([ref('i-d', 'eu-north-1')], W, 60);
    expect(asked).toEqual({ 'eu-north-1': ['i-b', 'i-d'], 'us-east-1': ['i-a', 'i-c'] });
    expect(built.sort()).toEqual(['eu-north-1', 'us-east-1']);
    expect(out).toMatchObject({ metricsRequested: 3, apiCalls: 2, errors: [] });
    expect(out.telemetry.map((t) => t.resourceKey).sort()).toEqual(['ec2-instance#eu-north-1#i-b', 'ec2-instance#us-east-1#i-a', 'ec2-instance#us-east-1#i-c']);
  });

  it('reports a resource of a region that is not monitored as an error, never as empty telemetry', async () => {
    const src = new RegionalMetricsSource(() => {
      throw new Error('must not build a source for an unmonitored region');
    }, ['us-east-1']);
    const out = await src.fetch([ref('i-x', 'ap-south-1')], W, 60);
    expect(out.telemetry).toEqual([]);
    expect(out.errors).toEqual([{ resourceKey: 'ec2-instance#ap-south-1#i-x', error: expect.stringMatching(/ap-south-1 is not monitored.*MONITORED_REGIONS/) }]);
  });

  it('turns a region whose calls fail outright into errors for its resources only', async () => {
    const src = new RegionalMetricsSource((region): MetricsSource => ({
      fetch: async (rs, w) => {
        if (region === 'eu-north-1') throw Object.assign(new Error('The security token included in the request is invalid'), { name: 'UnrecognizedClientException' });
        return { telemetry: rs.map((r) => ({ resourceKey: resourceKey(r), window: w, hosts: [], partial: false, issues: [] })), skipped: [], metricsRequested: 1, apiCalls: 1 };
      },
    }));
    const out = await src.fetch([ref('i-a', 'us-east-1'), ref('i-b', 'eu-north-1')], W, 60);
    expect(out.telemetry.map((t) => t.resourceKey)).toEqual(['ec2-instance#us-east-1#i-a']);
    expect(out.errors).toEqual([{ resourceKey: 'ec2-instance#eu-north-1#i-b', error: expect.stringMatching(/eu-north-1 not readable: UnrecognizedClientException/) }]);
  });
});
