/**
 * The real CloudWatchClient (SDK retries off: maxAttempts 1) against a tiny local HTTP server, so our backoff —
 * not the SDK middleware that aws-sdk-client-mock bypasses — is what recovers from `Throttling`.
 * This SDK version (@aws-sdk/client-cloudwatch 3.11xx) speaks AWS JSON 1.0 to CloudWatch
 * (X-Amz-Target: GraniteServiceVersion20100801.<Operation>) with awsQueryCompatible errors: the legacy query error
 * code travels in the `x-amzn-query-error: <Code>;<Sender|Receiver>` header.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchMetricsSource } from '../../../../shared/adapters/aws/cloudwatch-metrics-source';
import type { ResourceRef } from '../../../../shared/domain/types';

const T0 = 1_717_200_000;

describe('CloudWatchMetricsSource over HTTP', () => {
  let server: http.Server;
  let port: number;
  const seen: { target?: string; contentType?: string; body: any }[] = [];
  let failuresLeft = 2;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const body = JSON.parse(raw || '{}');
        seen.push({ target: req.headers['x-amz-target'] as string, contentType: req.headers['content-type'], body });
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': 'Throttling;Sender' });
          res.end(JSON.stringify({ __type: 'com.amazonaws.cloudwatch#Throttling', message: 'Rate exceeded' }));
          return;
        }
        const results = body.MetricDataQueries.map((q: { Id: string }) => ({
          Id: q.Id,
          Label: q.Id,
          // JSON protocol timestamps are epoch seconds; newest first, as CloudWatch returns by default.
          Timestamps: q.Id.includes('_gpu_') ? [T0 + 60, T0] : [],
          Values: q.Id.includes('_gpu_') ? [200, 400] : [],
          StatusCode: 'Complete',
        }));
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ MetricDataResults: results, Messages: [] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('retries Throttling twice with our backoff, then maps the successful answer', async () => {
    // Prepare
    const client = new CloudWatchClient({
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const sleeps: number[] = [];
    const src = new CloudWatchMetricsSource(client, {
      acceleratorCount: () => 8,
      vcpuCount: () => 96,
      backoff: { maxAttempts: 4, baseMs: 100, maxMs: 1000, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
    });
    const job: ResourceRef = {
      kind: 'training-job', id: 'job-http', region: 'eu-west-1', instanceType: 'ml.p4d.24xlarge',
      counts: [{ atSec: T0, instanceCount: 1 }], startSec: T0, status: 'InProgress', tags: {},
    };
    // Act
    const res = await src.fetch([job], { startSec: T0, endSec: T0 + 120 }, 60);
    // Assess
    expect(seen).toHaveLength(3);
    expect(seen[0].target).toBe('GraniteServiceVersion20100801.GetMetricData');
    expect(seen[0].contentType).toBe('application/x-amz-json-1.0');
    expect(seen[0].body.StartTime).toBe(T0);
    expect(sleeps).toEqual([50, 100]);
    expect(res.apiCalls).toBe(3);
    expect(res.skipped).toEqual([]);
    expect(res.telemetry[0].hosts[0].samples.map((s) => s.gpuUtilPct)).toEqual([50, 25]);
    client.destroy();
  });
});
