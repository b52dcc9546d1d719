import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchMetricsSource, type CloudWatchMetricsSourceOptions } from '../../../../shared/adapters/aws/cloudwatch-metrics-source';
import { RequestBudget } from '../../../../shared/adapters/aws/retry';
import { resourceKey, type ResourceRef } from '../../../../shared/domain/types';

const cw = mockClient(CloudWatchClient);
beforeEach(() => cw.reset());

const T0 = 1_717_200_000; // 2024-06-01T00:00:00Z, a multiple of 3600
const P = 60;

// p4d.24xlarge: 8 × A100, 96 vCPUs (AWS EC2 accelerated computing instance specs); g5.xlarge: 1 × A10G, 4 vCPUs.
const GPUS: Record<string, number> = { 'ml.p4d.24xlarge': 8, 'p4d.24xlarge': 8, 'ml.g5.xlarge': 1, 'g5.xlarge': 1, 'ml.m5.xlarge': 0 };
const VCPUS: Record<string, number> = { 'ml.p4d.24xlarge': 96, 'ml.g5.xlarge': 4, 'ml.m5.xlarge': 4 };
const fastBackoff = { sleep: async () => undefined, random: () => 0 };
const source = (over: Partial<CloudWatchMetricsSourceOptions> = {}) =>
  new CloudWatchMetricsSource(new CloudWatchClient({ region: 'eu-west-1' }), {
    acceleratorCount: (t) => GPUS[t],
    vcpuCount: (t) => VCPUS[t],
    backoff: fastBackoff,
    ...over,
  });

const training = (id: string, instanceType = 'ml.p4d.24xlarge', instanceCount = 1): ResourceRef => ({
  kind: 'training-job', id, region: 'eu-west-1', instanceType, counts: [{ atSec: T0 - 600, instanceCount }], startSec: T0 - 600, status: 'InProgress', tags: {},
});
const endpoint = (id: string, over: Partial<ResourceRef> = {}): ResourceRef => ({
  kind: 'endpoint', id, region: 'eu-west-1', instanceType: 'ml.g5.xlarge', counts: [{ atSec: T0 - 86400, instanceCount: 2 }], startSec: T0 - 86400, status: 'InService', tags: {}, ...over,
});
const ec2 = (id: string): ResourceRef => ({
  kind: 'ec2-instance', id, region: 'eu-west-1', instanceType: 'p4d.24xlarge', counts: [{ atSec: T0 - 60, instanceCount: 1 }], startSec: T0 - 60, status: 'running', tags: {},
});

/** Describe a query by what it asks for, so fakes can answer by meaning rather than by our internal ids. */
const describeQuery = (q: MetricDataQuery): string => {
  if (q.Expression) return q.Expression;
  const m = q.MetricStat!.Metric!;
  return `${m.Namespace}|${m.MetricName}|${(m.Dimensions ?? []).map((d) => `${d.Name}=${d.Value}`).join(',')}|${q.MetricStat!.Stat}`;
};

type Series = { t: number[]; v: number[]; status?: MetricDataResult['StatusCode'] };
/** A fake GetMetricData that answers each query from `answer` (by description), newest first like CloudWatch's default. */
const answerWith = (answer: (desc: string) => Series | undefined) => (input: GetMetricDataCommandInput) => ({
  MetricDataResults: (input.MetricDataQueries ?? []).map((q): MetricDataResult => {
    const s = answer(describeQuery(q)) ?? { t: [], v: [] };
    const order = s.t.map((_, i) => i).sort((a, b) => s.t[b] - s.t[a]); // TimestampDescending
    return { Id: q.Id, Timestamps: order.map((i) => new Date(s.t[i] * 1000)), Values: order.map((i) => s.v[i]), StatusCode: s.status ?? 'Complete' };
  }),
});

const window = { startSec: T0, endSec: T0 + 5 * P };

describe('CloudWatchMetricsSource.fetch', () => {
  it('normalises summed GPUUtilization of an 8-GPU host per GPU and maps descending timestamps onto the grid', async () => {
    cw.on(GetMetricDataCommand).callsFake(
      answerWith((d) => {
        if (d.includes('GPUUtilization|Host=job-a/algo-1')) return { t: [T0, T0 + 60, T0 + 180], v: [800, 400, 0] };
        if (d.includes('CPUUtilization|Host=job-a/algo-1')) return { t: [T0 + 60], v: [4800] };
        return undefined;
      }),
    );
    const res = await source().fetch([training('job-a')], window, P);
    const [tel] = res.telemetry;
    expect(tel.resourceKey).toBe(resourceKey(training('job-a')));
    expect(tel.window).toEqual(window);
    expect(tel.hosts).toHaveLength(1);
    expect(tel.hosts[0].samples.map((s) => s.tSec)).toEqual([0, 1, 2, 3, 4].map((i) => T0 + i * P));
    expect(tel.hosts[0].samples.map((s) => s.gpuUtilPct)).toEqual([100, 50, null, 0, null]); // 800/8, 400/8; gaps stay null
    expect(tel.hosts[0].samples[1].cpuUtilPct).toBe(50); // 4800 / 96 vCPUs
    expect(tel.partial).toBe(false);
    expect(tel.issues).toEqual([]);
    expect(res).toMatchObject({ apiCalls: 1, metricsRequested: 2, skipped: [] });
  });

  it('queries one host per instance of a multi-instance training job (algo-1..N)', async () => {
    const seen: string[] = [];
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      seen.push(...input.MetricDataQueries!.map(describeQuery));
      return answerWith(() => undefined)(input);
    });
    const res = await source().fetch([training('job-b', 'ml.p4d.24xlarge', 3)], window, P);
    expect(res.telemetry[0].hosts.map((h) => h.host)).toEqual(['job-b/algo-1', 'job-b/algo-2', 'job-b/algo-3']);
    expect(seen.filter((d) => d.includes('GPUUtilization'))).toHaveLength(3);
  });

  it('aligns an unaligned window to the period and sends aligned StartTime/EndTime', async () => {
    cw.on(GetMetricDataCommand).callsFake(answerWith(() => undefined));
    const res = await source().fetch([training('job-c')], { startSec: T0 + 30, endSec: T0 + 130 }, P);
    const input = cw.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect(input.StartTime).toEqual(new Date(T0 * 1000));
    expect(input.EndTime).toEqual(new Date((T0 + 180) * 1000));
    expect(res.telemetry[0].window).toEqual({ startSec: T0, endSec: T0 + 180 });
    expect(res.telemetry[0].hosts[0].samples).toHaveLength(3);
  });

  it('nulls impossible values and reports them as issues', async () => {
    cw.on(GetMetricDataCommand).callsFake(
      answerWith((d) => {
        if (d.includes('GPUUtilization')) return { t: [T0, T0 + 60, T0 + 120, T0 + 180], v: [900, -5, NaN, 720] }; // 900/8 = 112.5 %
        if (d.startsWith('SUM(SEARCH') ) return { t: [T0, T0 + 60], v: [50_000, 2400] }; // 50 kW on one host: impossible
        return undefined;
      }),
    );
    const res = await source().fetch([training('job-d'), ec2('i-0abc')], window, P);
    const job = res.telemetry[0];
    expect(job.hosts[0].samples.map((s) => s.gpuUtilPct)).toEqual([null, null, null, 90, null]);
    expect(job.issues.join('\n')).toMatch(/1 gpuUtilPct datapoint\(s\): utilisation above 100% per GPU/);
    expect(job.issues.join('\n')).toMatch(/2 gpuUtilPct datapoint\(s\): negative or non-numeric/);
    const inst = res.telemetry[1];
    expect(inst.hosts[0].samples.map((s) => s.gpuPowerW)).toEqual([null, 2400, null, null, null]);
    expect(inst.issues.join('\n')).toMatch(/gpuPowerW .*above 9600 W bound/);
  });

  it('reports GPU utilisation of an instance type with unknown GPU count as an issue instead of guessing', async () => {
    cw.on(GetMetricDataCommand).callsFake(answerWith((d) => (d.includes('GPUUtilization') ? { t: [T0], v: [80] } : undefined)));
    const res = await source().fetch([training('job-e', 'ml.unknown.xlarge')], window, P);
    expect(res.telemetry[0].hosts[0].samples[0].gpuUtilPct).toBeNull();
    expect(res.telemetry[0].issues.join()).toMatch(/GPU count of ml.unknown.xlarge unknown/);
  });

  it('builds endpoint queries per variant with invocations (Sum) and instance count', async () => {
    cw.on(GetMetricDataCommand).callsFake(
      answerWith((d) => {
        if (d === '/aws/sagemaker/Endpoints|GPUUtilization|EndpointName=chat,VariantName=blue|Average') return { t: [T0], v: [35] };
        if (d === 'AWS/SageMaker|Invocations|EndpointName=chat,VariantName=blue|Sum') return { t: [T0, T0 + 60], v: [120, 30] };
        return undefined;
      }),
    );
    const res = await source().fetch([endpoint('chat/blue')], window, P);
    const tel = res.telemetry[0];
    expect(tel.hosts[0].samples.map((s) => s.invocations)).toEqual([120, 30, null, null, null]);
    expect(tel.hosts[0]).toMatchObject({ host: 'chat/blue', instancesRepresented: 2 });
    expect(tel.hosts[0].samples[0].gpuUtilPct).toBe(35);
  });

  it('asks serverless variants only for invocations', async () => {
    cw.on(GetMetricDataCommand).callsFake(answerWith(() => undefined));
    const res = await source().fetch([endpoint('faq/AllTraffic', { serverless: true, instanceType: 'serverless' })], window, P);
    const queries = cw.commandCalls(GetMetricDataCommand)[0].args[0].input.MetricDataQueries!.map(describeQuery);
    expect(queries).toEqual(['AWS/SageMaker|Invocations|EndpointName=faq,VariantName=AllTraffic|Sum']);
    expect(res.telemetry[0].hosts[0].samples.every((s) => s.invocations === null && s.gpuUtilPct === null)).toBe(true);
  });

  it('reads EC2 GPU metrics with schema-bound SEARCH expressions reduced per host, and EC2 CPU from AWS/EC2', async () => {
    cw.on(GetMetricDataCommand).callsFake(
      answerWith((d) => {
        if (d.startsWith('AVG(SEARCH(\'{CWAgent,InstanceId,host,index,name} MetricName="nvidia_smi_utilization_gpu" InstanceId="i-0abc"\'')) return { t: [T0], v: [75] };
        if (d.startsWith('SUM(SEARCH(\'{CWAgent,InstanceId,host,index,name} MetricName="nvidia_smi_power_draw" InstanceId="i-0abc"\'')) return { t: [T0], v: [2400] };
        if (d === 'AWS/EC2|CPUUtilization|InstanceId=i-0abc|Average') return { t: [T0], v: [12.5] };
        return undefined;
      }),
    );
    const res = await source().fetch([ec2('i-0abc')], window, P);
    expect(res.telemetry[0].hosts[0].samples[0]).toEqual({ tSec: T0, gpuUtilPct: 75, gpuPowerW: 2400, cpuUtilPct: 12.5 }); // no invocations field
    expect(res.metricsRequested).toBe(8 + 8 + 1); // each SEARCH reads one metric per GPU
  });

  it('follows NextToken, merges the pages, and takes the status of the last page', async () => {
    cw.on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [{ Id: 'r0_gpu_0_c0', Timestamps: [new Date((T0 + 240) * 1000), new Date((T0 + 180) * 1000)], Values: [80, 160], StatusCode: 'PartialData' }],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        MetricDataResults: [{ Id: 'r0_gpu_0_c0', Timestamps: [new Date((T0 + 60) * 1000), new Date(T0 * 1000)], Values: [240, 320], StatusCode: 'Complete' }],
      });
    const res = await source().fetch([training('job-f')], window, P);
    expect(res.telemetry[0].hosts[0].samples.map((s) => s.gpuUtilPct)).toEqual([40, 30, null, 20, 10]);
    expect(res.telemetry[0].partial).toBe(false);
    expect(res.apiCalls).toBe(2);
    expect(cw.commandCalls(GetMetricDataCommand)[1].args[0].input.NextToken).toBe('page-2');
  });

  it('marks the telemetry partial (provisional) when a final result says PartialData', async () => {
    cw.on(GetMetricDataCommand).callsFake(answerWith((d) => (d.includes('GPUUtilization') ? { t: [T0], v: [400], status: 'PartialData' } : undefined)));
    const res = await source().fetch([training('job-g'), endpoint('other/AllTraffic')], window, P);
    expect(res.telemetry.map((t) => t.partial)).toEqual([true, true]);
    cw.reset();
    cw.on(GetMetricDataCommand).callsFake(answerWith((d) => (d.includes('TrainingJobs|GPU') ? { t: [T0], v: [400], status: 'PartialData' } : undefined)));
    const res2 = await source().fetch([training('job-g'), endpoint('other/AllTraffic')], window, P);
    expect(res2.telemetry.map((t) => t.partial)).toEqual([true, false]);
    // What came back before the last returned period is settled: provisional from that period on.
    expect(res2.telemetry[0].provisionalFromSec).toBe(T0);
    expect(res2.telemetry[1].provisionalFromSec).toBeUndefined();
  });

  it('packs 300 resources into several calls of at most 500 queries and 100,800 datapoints, with valid unique ids', async () => {
    cw.on(GetMetricDataCommand).callsFake(answerWith((d) => (d.includes('GPUUtilization') ? { t: [T0], v: [400] } : undefined)));
    const resources = Array.from({ length: 300 }, (_, i) => training(`job-${i}`, 'ml.p4d.24xlarge', 1)); // 600 queries
    const day = { startSec: T0, endSec: T0 + 86_400 }; // 1,440 points per query → ≤ 70 queries per call
    const res = await source().fetch(resources, day, P);
    const calls = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(calls.length).toBeGreaterThanOrEqual(Math.ceil((600 * 1440) / 100_800));
    for (const input of calls) {
      const qs = input.MetricDataQueries!;
      expect(qs.length).toBeLessThanOrEqual(500);
      expect(qs.length * 1440).toBeLessThanOrEqual(100_800);
      for (const q of qs) expect(q.Id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
    }
    const ids = calls.flatMap((c) => c.MetricDataQueries!.map((q) => q.Id));
    expect(new Set(ids).size).toBe(600);
    expect(res.telemetry).toHaveLength(300);
    expect(res.telemetry.every((t) => t.hosts[0].samples[0].gpuUtilPct === 50)).toBe(true);
    expect(res).toMatchObject({ apiCalls: calls.length, metricsRequested: 600 });
  });

  it('keeps each call under 500 queries when windows are short', async () => {
    cw.on(GetMetricDataCommand).callsFake(answerWith(() => undefined));
    await source().fetch(Array.from({ length: 300 }, (_, i) => training(`j${i}`)), window, P);
    expect(cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.MetricDataQueries!.length)).toEqual([500, 100]);
  });

  it('splits EC2 SEARCH expressions across calls at the per-call SEARCH cap', async () => {
    cw.on(GetMetricDataCommand).callsFake(answerWith(() => undefined));
    await source({ maxSearchesPerCall: 4 }).fetch([ec2('i-1'), ec2('i-2'), ec2('i-3')], window, P); // 2 SEARCH + 1 stat each
    const perCall = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.MetricDataQueries!.filter((q) => q.Expression).length);
    expect(perCall).toEqual([4, 2]);
  });

  it('reports resources beyond the request budget as skipped instead of throwing', async () => {
    cw.on(GetMetricDataCommand).callsFake(answerWith(() => undefined));
    const resources = Array.from({ length: 300 }, (_, i) => training(`j${i}`)); // 2 calls needed
    const res = await source({ budget: new RequestBudget(1) }).fetch(resources, window, P);
    expect(res.apiCalls).toBe(1);
    expect(res.telemetry).toHaveLength(250); // the first 500 queries = 250 jobs
    expect(res.skipped).toHaveLength(50);
    expect(res.skipped[0]).toEqual({ resourceKey: resourceKey(training('j250')), reason: 'request budget exhausted' });
  });

  it('retries a throttled call with our backoff and skips resources of a call that fails terminally', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });
    const invalid = Object.assign(new Error('bad query'), { name: 'InvalidParameterValue', $metadata: { httpStatusCode: 400 } });
    cw.on(GetMetricDataCommand).rejectsOnce(throttled).callsFakeOnce(answerWith(() => undefined)).rejectsOnce(invalid);
    const resources = Array.from({ length: 300 }, (_, i) => training(`j${i}`));
    const res = await source().fetch(resources, window, P);
    expect(res.apiCalls).toBe(3);
    expect(res.telemetry).toHaveLength(250);
    expect(res.skipped).toHaveLength(50);
    expect(res.skipped[0].reason).toMatch(/InvalidParameterValue: bad query/);
  });

  it('asks again only for the queries whose result said InternalError, and maps the answer as final', async () => {
    // Prepare: the first answer fails the GPU query of job-h with InternalError; the second ask succeeds.
    const asked: string[][] = [];
    let first = true;
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      asked.push(input.MetricDataQueries!.map(describeQuery));
      const fail = first;
      first = false;
      return answerWith((d) => (d.includes('GPUUtilization') ? (fail ? { t: [], v: [], status: 'InternalError' } : { t: [T0], v: [400] }) : undefined))(input);
    });
    const budget = new RequestBudget(10);
    // Act
    const res = await source({ budget }).fetch([training('job-h')], window, P);
    // Assess
    expect(asked).toHaveLength(2);
    expect(asked[1]).toEqual(['/aws/sagemaker/TrainingJobs|GPUUtilization|Host=job-h/algo-1|Average']);
    expect(res.telemetry[0].hosts[0].samples[0].gpuUtilPct).toBe(50);
    expect(res.telemetry[0].partial).toBe(false);
    expect(res).toMatchObject({ apiCalls: 2, metricsRequested: 3, skipped: [] }); // the retried metric is billed again
    expect(budget.used).toBe(2);
  });

  it('keeps a window provisional (never a final zero) when InternalError persists after the bounded retries', async () => {
    cw.on(GetMetricDataCommand).callsFake(answerWith((d) => (d.includes('GPUUtilization') ? { t: [], v: [], status: 'InternalError' } : undefined)));
    const budget = new RequestBudget(10);
    const res = await source({ budget, internalErrorRetries: 2 }).fetch([training('job-i')], window, P);
    const [tel] = res.telemetry;
    expect(res.apiCalls).toBe(3); // first ask + 2 retries
    expect(budget.used).toBe(3);
    expect(tel.partial).toBe(true);
    expect(tel.provisionalFromSec).toBe(T0);
    expect(tel.issues.join('\n')).toMatch(/gpu query returned InternalError .*kept provisional/);
  });

  it('keeps what it has (provisional) when the budget runs out during an InternalError retry', async () => {
    cw.on(GetMetricDataCommand).callsFake(answerWith((d) => (d.includes('GPUUtilization') ? { t: [T0], v: [80], status: 'InternalError' } : { t: [T0], v: [960] })));
    const res = await source({ budget: new RequestBudget(1) }).fetch([training('job-j')], window, P);
    expect(res.apiCalls).toBe(1);
    expect(res.skipped).toEqual([]);
    expect(res.telemetry[0].partial).toBe(true);
    expect(res.telemetry[0].hosts[0].samples[0].cpuUtilPct).toBe(10); // 960 / 96 vCPUs, from the first answer
  });

  it('treats a top-level GetMetricData message as a cut call: its resources stay provisional, with the message as an issue', async () => {
    // Prepare: two calls (500-query cap); only the first answer carries a top-level message.
    let calls = 0;
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      calls += 1;
      const out = answerWith((d) => (d.includes('GPUUtilization') ? { t: [T0], v: [400] } : undefined))(input);
      return calls === 1 ? { ...out, Messages: [{ Code: 'MaxMetricsExceeded', Value: 'Maximum number of allowed metrics exceeded' }] } : out;
    });
    const resources = Array.from({ length: 300 }, (_, i) => training(`m${i}`));
    // Act
    const res = await source().fetch(resources, window, P);
    // Assess
    const byKey = new Map(res.telemetry.map((t) => [t.resourceKey, t]));
    const cut = byKey.get(resourceKey(training('m0')))!;
    expect(cut.partial).toBe(true);
    expect(cut.provisionalFromSec).toBe(T0);
    expect(cut.issues.join('\n')).toMatch(/MaxMetricsExceeded Maximum number of allowed metrics exceeded/);
    const whole = byKey.get(resourceKey(training('m299')))!;
    expect(whole.partial).toBe(false);
    expect(whole.issues).toEqual([]);
  });

  it('uses a configured agent schema (quoting names that are not alphanumeric) and refuses one without InstanceId', async () => {
    cw.on(GetMetricDataCommand).callsFake(answerWith(() => undefined));
    await source({ agentGpuSchema: { namespace: 'GPU/Agent', dimensions: ['InstanceId', 'InstanceType', 'host', 'index', 'name'] } }).fetch([ec2('i-9')], window, P);
    const expr = cw.commandCalls(GetMetricDataCommand)[0].args[0].input.MetricDataQueries!.find((q) => q.Expression?.includes('power'))!.Expression;
    expect(expr).toBe('SUM(SEARCH(\'{"GPU/Agent",InstanceId,InstanceType,host,index,name} MetricName="nvidia_smi_power_draw" InstanceId="i-9"\', \'Average\', 60))');
    expect(() => source({ agentGpuSchema: { namespace: 'CWAgent', dimensions: ['host', 'index'] } })).toThrow(/must include InstanceId/);
  });
});

/**
 * A stand-in for CloudWatch's SEARCH over a metric catalogue, following "CloudWatch search expression syntax": a
 * schema `{Namespace,Dim1,…}` matches only metrics with exactly that set of dimension names; without a schema every
 * metric whose terms match is found. The reducer (SUM/AVG) is applied across the matches, per timestamp.
 */
describe('schema-bound SEARCH against an agent that also publishes an InstanceId roll-up', () => {
  type Metric = { ns: string; name: string; dims: Record<string, string>; t: number[]; v: number[] };
  // 8 GPUs at 300 W each (per-GPU series, dimensions of the documented agent config + append_dimensions InstanceId),
  // plus the `aggregation_dimensions: [["InstanceId"]]` roll-up: the average over the 8 GPUs, i.e. 300 W.
  const catalogue: Metric[] = [
    ...Array.from({ length: 8 }, (_, i): Metric => ({ ns: 'CWAgent', name: 'nvidia_smi_power_draw', dims: { InstanceId: 'i-8gpu', host: 'ip-10-0-0-1', index: String(i), name: 'NVIDIA A100-SXM4-40GB' }, t: [T0], v: [300] })),
    { ns: 'CWAgent', name: 'nvidia_smi_power_draw', dims: { InstanceId: 'i-8gpu' }, t: [T0], v: [300] },
  ];
  const unquote = (s: string) => s.replace(/^"|"$/g, '');
  const search = (expr: string): Series | undefined => {
    const m = /^(SUM|AVG)\(SEARCH\('(?:\{([^}]*)\} )?MetricName="([^"]+)" InstanceId="([^"]+)"', 'Average', \d+\)\)$/.exec(expr);
    if (!m) return undefined;
    const [, reducer, schema, metricName, instanceId] = m;
    const [ns, ...dimNames] = schema ? schema.split(',').map(unquote) : [];
    const found = catalogue.filter(
      (x) =>
        x.name === metricName &&
        x.dims.InstanceId === instanceId &&
        (!schema || (x.ns === ns && Object.keys(x.dims).sort().join() === [...dimNames].sort().join())),
    );
    if (found.length === 0) return { t: [], v: [] };
    const sum = found.reduce((s, x) => s + x.v[0], 0);
    return { t: [T0], v: [reducer === 'SUM' ? sum : sum / found.length] };
  };

  it('sums the 8 per-GPU series only: 2,400 W, not the 2,700 W an unbound search gives with the roll-up (12.5 % too much)', async () => {
    // Prepare
    cw.on(GetMetricDataCommand).callsFake(answerWith((d) => search(d)));
    // Act
    const res = await source().fetch([{ ...ec2('i-8gpu') }], window, P);
    // Assess
    expect(res.telemetry[0].hosts[0].samples[0].gpuPowerW).toBe(8 * 300);
    // The same stand-in with the old unbound expression shows what the schema prevents.
    expect(search('SUM(SEARCH(\'MetricName="nvidia_smi_power_draw" InstanceId="i-8gpu"\', \'Average\', 60))')!.v[0]).toBe(9 * 300);
  });
});
