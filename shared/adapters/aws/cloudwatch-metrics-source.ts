/**
 * MetricsSource over CloudWatch GetMetricData.
 *
 * - Whole windows at full resolution in few calls: GetMetricData is priced per metric requested, not per datapoint.
 *   Limits (CloudWatch API reference, GetMetricData): ≤ 500 queries and ≤ 100,800 datapoints per call, `NextToken`
 *   pagination. Windows are aligned to the period here because CloudWatch rounds StartTime down on its own.
 * - Results are mapped by timestamp onto a fixed grid, so the default `TimestampDescending` order, pages that split a
 *   series, and missing periods all land in the right slot; periods with no datapoint stay `null` (never filled).
 * - SageMaker `GPUUtilization` (and `CPUUtilization`) are 0–100 × number of GPUs (vCPUs): normalised per device here.
 * - Impossible values are nulled and reported in `issues`; `PartialData` marks the telemetry provisional.
 * - A top-level `Messages` entry means the call was cut ("as much of the operation as possible is still executed",
 *   API reference, GetMetricDataOutput.Messages): every resource of that call is kept provisional, with the message.
 * - A result with `StatusCode: InternalError` is asked again (bounded, each attempt counted in the budget); if it
 *   still fails the window stays provisional, never a final zero.
 * - A request budget exhausted mid-run, or a terminal error on a call, skips the affected resources (reported in
 *   `skipped`), never throws: the next run picks them up.
 */
import {
  GetMetricDataCommand,
  type CloudWatchClient,
  type GetMetricDataCommandOutput,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { alignDown, alignUp, chunkWindow, type Window } from '../../domain/time';
import { resourceKey, type HostSample, type HostSeries, type ResourceRef, type ResourceTelemetry } from '../../domain/types';
import type { MetricsFetchResult, MetricsSource } from '../../ports';
import { RequestBudgetExhaustedError, backoffDelayMs, defaultBackoff, withBackoff, type BackoffOptions, type RequestBudget } from './retry';

/** GetMetricData hard limits (Amazon CloudWatch API Reference, GetMetricData, 2024). */
export const GET_METRIC_DATA_MAX_QUERIES = 500;
export const GET_METRIC_DATA_MAX_DATAPOINTS = 100_800;

/**
 * Upper bound of plausible board power per GPU, W. The highest-TDP AWS GPU today is the NVIDIA B200 at 1,000 W
 * (NVIDIA DGX B200 datasheet, 2024; H100 SXM5 is 700 W, NVIDIA H100 datasheet 2023). 1,200 W leaves headroom for
 * transient over-TDP readings; anything above, per GPU, is a sensor or aggregation error.
 */
export const DEFAULT_MAX_GPU_BOARD_POWER_W = 1200;
/** Largest GPU count of any EC2 instance (p4d/p5/p6: 8 GPUs; g4dn.metal/g5.48xlarge: 8). Used when the count is unknown; 16 leaves headroom. */
const FALLBACK_MAX_GPUS_PER_INSTANCE = 16;

/**
 * The metric schema (namespace + the exact dimension set) of the CloudWatch agent's per-GPU NVIDIA series.
 * A schema-bound SEARCH matches only series with exactly these dimension names ("CloudWatch search expression
 * syntax"), so roll-ups from `aggregation_dimensions` (e.g. `[["InstanceId"]]`) are never summed with the per-GPU series.
 */
export interface AgentGpuSchema {
  namespace: string;
  /** Must include `InstanceId` (the SEARCH selects the instance by it). */
  dimensions: readonly string[];
}

/**
 * The agent's NVIDIA series carry `index`, `name` and `host` ("Collect NVIDIA GPU metrics", CloudWatch agent
 * documentation; aws/amazon-cloudwatch-agent#981: "gathered by Name, Index and Host") in namespace `CWAgent`, plus
 * whatever `append_dimensions` adds: this default expects `"append_dimensions": {"InstanceId": "${aws:InstanceId}"}`.
 */
export const DEFAULT_AGENT_GPU_SCHEMA: AgentGpuSchema = { namespace: 'CWAgent', dimensions: ['InstanceId', 'host', 'index', 'name'] };

/** Extra asks for a query whose result came back `InternalError` (each one a GetMetricData call in the budget). */
const DEFAULT_INTERNAL_ERROR_RETRIES = 2;

export interface CloudWatchMetricsSourceOptions {
  /** GPUs per instance type (0 = CPU-only, undefined = unknown → GPU utilisation cannot be normalised). */
  acceleratorCount: (instanceType: string) => number | undefined;
  /** vCPUs per instance type; SageMaker CPUUtilization is 0–100 × vCPUs. Undefined → SageMaker CPU values are not reported. */
  vcpuCount?: (instanceType: string) => number | undefined;
  budget?: RequestBudget;
  backoff?: Partial<BackoffOptions>;
  maxGpuBoardPowerW?: number;
  /** Lower the per-call limits (tests, or to bound a single response). Never above the AWS limits. */
  maxQueriesPerCall?: number;
  maxDatapointsPerCall?: number;
  /** SEARCH expressions per call (default 100, the documented per-graph cap of the "Search expression limits"). */
  maxSearchesPerCall?: number;
  /** Schema of the agent's per-GPU EC2 series (default DEFAULT_AGENT_GPU_SCHEMA). */
  agentGpuSchema?: AgentGpuSchema;
  /** Extra GetMetricData asks for queries that returned `InternalError` (default 2). */
  internalErrorRetries?: number;
}

type Field = 'gpu' | 'cpu' | 'pow' | 'inv';

interface HostPlan {
  host: string;
  instancesRepresented?: number;
}

interface QuerySpec {
  hi: number;
  field: Field;
  query: Omit<MetricDataQuery, 'Id'>;
  /** Metrics this query makes CloudWatch read (billing unit); a SEARCH reads one per GPU. */
  metricsCost: number;
  /** True when the value is already per GPU (EC2 AVG over GPUs); false when it is a SageMaker sum over GPUs. */
  perDevice: boolean;
}

interface ResourcePlan {
  ref: ResourceRef;
  key: string;
  hosts: HostPlan[];
  specs: QuerySpec[];
  gpus: number | undefined;
  vcpus: number | undefined;
}

interface Unit {
  id: string;
  ri: number;
  spec: QuerySpec;
  chunk: Window;
  points: number;
}

interface Merged {
  tsSec: number[];
  values: number[];
  status?: string;
  messages: string[];
}

const SAGEMAKER_TRAINING_NS = '/aws/sagemaker/TrainingJobs';
const SAGEMAKER_ENDPOINT_NS = '/aws/sagemaker/Endpoints';
const SAGEMAKER_INVOCATIONS_NS = 'AWS/SageMaker';

const metricStat = (
  namespace: string,
  metricName: string,
  dims: Record<string, string>,
  periodSec: number,
  stat: 'Average' | 'Sum',
): Omit<MetricDataQuery, 'Id'> => ({
  MetricStat: {
    Metric: { Namespace: namespace, MetricName: metricName, Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })) },
    Period: periodSec,
    Stat: stat,
  },
  ReturnData: true,
});

/** Quote a value for a CloudWatch SEARCH term (double quotes; backslash-escape quotes and backslashes). */
const searchQuote = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** A namespace or dimension name in a metric schema: bare when alphanumeric, else double-quoted (search expression syntax). */
const schemaToken = (s: string): string => (/^[A-Za-z0-9]+$/.test(s) ? s : searchQuote(s));

/**
 * EC2 GPU metrics from the CloudWatch agent's `nvidia_gpu` section: one series per GPU. One schema-bound SEARCH per
 * metric and instance, reduced with metric math (AVG for utilisation → already per GPU; SUM for power → host total),
 * e.g. `SUM(SEARCH('{CWAgent,InstanceId,host,index,name} MetricName="nvidia_smi_power_draw" InstanceId="i-…"',
 * 'Average', 60))`. The schema pins the exact dimension set, so only the per-GPU series match — not an
 * `aggregation_dimensions` roll-up by InstanceId, which an unbound search would add to the sum (one extra GPU's worth).
 * One query per host instead of one per GPU also keeps us far from the 500-query limit. SEARCH only finds metrics with
 * data in the last two weeks (CloudWatch docs, "Use search expressions").
 */
const ec2GpuSearch = (
  schema: AgentGpuSchema,
  metricName: string,
  instanceId: string,
  periodSec: number,
  reducer: 'AVG' | 'SUM',
): Omit<MetricDataQuery, 'Id'> => {
  const braces = `{${[schema.namespace, ...schema.dimensions].map(schemaToken).join(',')}}`;
  return {
    Expression: `${reducer}(SEARCH('${braces} MetricName=${searchQuote(metricName)} InstanceId=${searchQuote(instanceId)}', 'Average', ${periodSec}))`,
    Period: periodSec,
    ReturnData: true,
  };
};

const latestCount = (r: ResourceRef, atSec: number): number => {
  let n = r.counts[0]?.instanceCount ?? 1;
  for (const c of r.counts) if (c.atSec < atSec) n = c.instanceCount;
  return n;
};

export class CloudWatchMetricsSource implements MetricsSource {
  private readonly backoff: BackoffOptions;
  private readonly maxQueries: number;
  private readonly maxPoints: number;
  private readonly maxGpuW: number;
  private readonly maxSearches: number;
  private readonly schema: AgentGpuSchema;
  private readonly internalErrorRetries: number;

  constructor(private readonly client: CloudWatchClient, private readonly opts: CloudWatchMetricsSourceOptions) {
    this.backoff = { ...defaultBackoff(opts.budget), ...opts.backoff, budget: opts.budget ?? opts.backoff?.budget };
    this.maxQueries = Math.min(GET_METRIC_DATA_MAX_QUERIES, opts.maxQueriesPerCall ?? GET_METRIC_DATA_MAX_QUERIES);
    this.maxPoints = Math.min(GET_METRIC_DATA_MAX_DATAPOINTS, opts.maxDatapointsPerCall ?? GET_METRIC_DATA_MAX_DATAPOINTS);
    this.maxGpuW = opts.maxGpuBoardPowerW ?? DEFAULT_MAX_GPU_BOARD_POWER_W;
    this.maxSearches = opts.maxSearchesPerCall ?? 100;
    this.schema = opts.agentGpuSchema ?? DEFAULT_AGENT_GPU_SCHEMA;
    if (!this.schema.dimensions.includes('InstanceId')) {
      throw new RangeError(`agentGpuSchema.dimensions must include InstanceId (got ${this.schema.dimensions.join(',') || 'none'})`);
    }
    this.internalErrorRetries = Math.max(0, Math.floor(opts.internalErrorRetries ?? DEFAULT_INTERNAL_ERROR_RETRIES));
  }

  /** Build the query plan of one resource: hosts and the metric queries per host. */
  private planResource(ref: ResourceRef, periodSec: number, w: Window): ResourcePlan {
    const gpus = this.opts.acceleratorCount(ref.instanceType);
    const vcpus = this.opts.vcpuCount?.(ref.instanceType);
    const hosts: HostPlan[] = [];
    const specs: QuerySpec[] = [];
    const hasGpu = gpus !== 0; // unknown (undefined) is queried: values are then reported as an issue, not dropped silently
    if (ref.kind === 'training-job') {
      const n = Math.max(1, ...ref.counts.map((c) => c.instanceCount));
      for (let i = 1; i <= n; i++) {
        const host = `${ref.id}/algo-${i}`;
        const hi = hosts.push({ host }) - 1;
        if (hasGpu) specs.push({ hi, field: 'gpu', perDevice: false, metricsCost: 1, query: metricStat(SAGEMAKER_TRAINING_NS, 'GPUUtilization', { Host: host }, periodSec, 'Average') });
        specs.push({ hi, field: 'cpu', perDevice: false, metricsCost: 1, query: metricStat(SAGEMAKER_TRAINING_NS, 'CPUUtilization', { Host: host }, periodSec, 'Average') });
      }
    } else if (ref.kind === 'endpoint') {
      const slash = ref.id.indexOf('/');
      const endpointName = slash < 0 ? ref.id : ref.id.slice(0, slash);
      const variantName = slash < 0 ? 'AllTraffic' : ref.id.slice(slash + 1);
      const dims = { EndpointName: endpointName, VariantName: variantName };
      const hi = hosts.push({ host: `${endpointName}/${variantName}`, instancesRepresented: ref.serverless ? undefined : latestCount(ref, w.endSec) }) - 1;
      // Serverless variants publish no instance utilisation metrics; only invocations are meaningful.
      if (!ref.serverless) {
        if (hasGpu) specs.push({ hi, field: 'gpu', perDevice: false, metricsCost: 1, query: metricStat(SAGEMAKER_ENDPOINT_NS, 'GPUUtilization', dims, periodSec, 'Average') });
        specs.push({ hi, field: 'cpu', perDevice: false, metricsCost: 1, query: metricStat(SAGEMAKER_ENDPOINT_NS, 'CPUUtilization', dims, periodSec, 'Average') });
      }
      specs.push({ hi, field: 'inv', perDevice: true, metricsCost: 1, query: metricStat(SAGEMAKER_INVOCATIONS_NS, 'Invocations', dims, periodSec, 'Sum') });
    } else {
      const hi = hosts.push({ host: ref.id }) - 1;
      if (hasGpu) {
        const cost = gpus ?? 1;
        specs.push({ hi, field: 'gpu', perDevice: true, metricsCost: cost, query: ec2GpuSearch(this.schema, 'nvidia_smi_utilization_gpu', ref.id, periodSec, 'AVG') });
        specs.push({ hi, field: 'pow', perDevice: true, metricsCost: cost, query: ec2GpuSearch(this.schema, 'nvidia_smi_power_draw', ref.id, periodSec, 'SUM') });
      }
      specs.push({ hi, field: 'cpu', perDevice: true, metricsCost: 1, query: metricStat('AWS/EC2', 'CPUUtilization', { InstanceId: ref.id }, periodSec, 'Average') });
    }
    return { ref, key: resourceKey(ref), hosts, specs, gpus, vcpus };
  }

  async fetch(resources: ResourceRef[], window: Window, periodSec: number): Promise<MetricsFetchResult> {
    if (!Number.isInteger(periodSec) || periodSec <= 0 || (periodSec < 60 && ![1, 5, 10, 20, 30].includes(periodSec)) || (periodSec >= 60 && periodSec % 60 !== 0)) {
      // CloudWatch accepts 1, 5, 10, 20, 30 (high resolution) or multiples of 60 s.
      throw new RangeError(`invalid CloudWatch period ${periodSec}s`);
    }
    const w: Window = { startSec: alignDown(window.startSec, periodSec), endSec: alignUp(window.endSec, periodSec) };
    const nPeriods = Math.max(0, (w.endSec - w.startSec) / periodSec);
    const plans = resources.map((r) => this.planResource(r, periodSec, w));

    // Split the window into chunks of at most maxPoints periods so one query never exceeds a call's datapoint limit.
    const chunks = chunkWindow(w, this.maxPoints * periodSec);

    // Units in resource order so a resource's queries stay in as few calls as possible (skips are per resource).
    const units: Unit[] = [];
    plans.forEach((p, ri) =>
      p.specs.forEach((spec, si) =>
        chunks.forEach((chunk, ci) =>
          units.push({ id: `r${ri}_${spec.field}_${si}_c${ci}`, ri, spec, chunk, points: (chunk.endSec - chunk.startSec) / periodSec }),
        ),
      ),
    );

    // Greedy packing: a call holds ≤ maxQueries queries, ≤ maxPoints datapoints, ≤ maxSearches SEARCH expressions,
    // and one time chunk (StartTime/EndTime are per call).
    const calls: Unit[][] = [];
    let cur: Unit[] = [];
    let curPoints = 0;
    let curSearches = 0;
    for (const u of units) {
      const isSearch = u.spec.query.Expression !== undefined ? 1 : 0;
      if (
        cur.length > 0 &&
        (cur.length >= this.maxQueries ||
          curPoints + u.points > this.maxPoints ||
          curSearches + isSearch > this.maxSearches ||
          cur[0].chunk.startSec !== u.chunk.startSec)
      ) {
        calls.push(cur);
        cur = [];
        curPoints = 0;
        curSearches = 0;
      }
      cur.push(u);
      curPoints += u.points;
      curSearches += isSearch;
    }
    if (cur.length > 0) calls.push(cur);

    const merged = new Map<string, Merged>();
    const failed = new Map<number, string>();
    /** Top-level GetMetricData messages, by resource index: the call was cut, its results are provisional. */
    const cut = new Map<number, string[]>();
    const counters = { apiCalls: 0, metricsRequested: 0 };
    let budgetGone = false;

    for (const call of calls) {
      const live = call.filter((u) => !failed.has(u.ri));
      if (live.length === 0) continue;
      if (budgetGone) {
        for (const u of live) failed.set(u.ri, 'request budget exhausted');
        continue;
      }
      try {
        const first = await this.ask(live, live[0].chunk, counters);
        for (const [id, m] of first.results) merged.set(id, m);
        noteCut(cut, live, first.messages);
      } catch (err) {
        if (err instanceof RequestBudgetExhaustedError) {
          budgetGone = true; // the budget is checked before each attempt, so no call was made for this one
          for (const u of live) failed.set(u.ri, 'request budget exhausted');
        } else {
          const e = err as { name?: string; message?: string };
          for (const u of live) failed.set(u.ri, `GetMetricData failed: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`);
        }
        continue;
      }
      // Per-result InternalError: ask again for those queries only. A retry that fails keeps the InternalError
      // result (provisional), so what the first answer gave is never lost to a skip.
      let again = live.filter((u) => merged.get(u.id)?.status === 'InternalError');
      for (let round = 1; again.length > 0 && round <= this.internalErrorRetries && !budgetGone; round++) {
        await this.backoff.sleep(backoffDelayMs(round, this.backoff));
        try {
          const retry = await this.ask(again, again[0].chunk, counters);
          for (const u of again) {
            const m = retry.results.get(u.id);
            if (m) merged.set(u.id, m);
          }
          noteCut(cut, again, retry.messages);
        } catch (err) {
          if (err instanceof RequestBudgetExhaustedError) budgetGone = true;
          break;
        }
        again = again.filter((u) => merged.get(u.id)?.status === 'InternalError');
      }
    }
    const { apiCalls, metricsRequested } = counters;

    const telemetry: ResourceTelemetry[] = [];
    const skipped: MetricsFetchResult['skipped'] = [];
    plans.forEach((p, ri) => {
      const reason = failed.get(ri);
      if (reason !== undefined) {
        skipped.push({ resourceKey: p.key, reason });
        return;
      }
      telemetry.push(this.assemble(p, units.filter((u) => u.ri === ri), merged, w, nPeriods, periodSec, cut.get(ri) ?? []));
    });
    return { telemetry, skipped, metricsRequested, apiCalls };
  }

  /**
   * One GetMetricData request over `units` (one time chunk), every page, each page through our backoff and budget.
   * Returns the results by query id and the top-level messages.
   */
  private async ask(units: Unit[], chunk: Window, counters: { apiCalls: number; metricsRequested: number }): Promise<{ results: Map<string, Merged>; messages: string[] }> {
    const results = new Map<string, Merged>();
    const messages: string[] = [];
    let nextToken: string | undefined;
    let requested = false;
    do {
      const input = {
        MetricDataQueries: units.map((u) => ({ Id: u.id, ...u.spec.query })),
        StartTime: new Date(chunk.startSec * 1000),
        EndTime: new Date(chunk.endSec * 1000),
        NextToken: nextToken,
        MaxDatapoints: this.maxPoints,
      };
      const out: GetMetricDataCommandOutput = await withBackoff(() => {
        counters.apiCalls += 1;
        if (!requested) {
          requested = true;
          counters.metricsRequested += units.reduce((s, u) => s + u.spec.metricsCost, 0);
        }
        return this.client.send(new GetMetricDataCommand(input));
      }, this.backoff);
      for (const r of out.MetricDataResults ?? []) mergeResult(results, r);
      for (const m of out.Messages ?? []) {
        const text = `${m.Code ?? ''} ${m.Value ?? ''}`.trim();
        if (text && !messages.includes(text)) messages.push(text);
      }
      nextToken = out.NextToken || undefined;
    } while (nextToken);
    return { results, messages };
  }

  /** Map merged query results of one resource onto its host grids, normalising and flagging values. */
  private assemble(
    p: ResourcePlan,
    units: Unit[],
    merged: Map<string, Merged>,
    w: Window,
    nPeriods: number,
    periodSec: number,
    cutMessages: string[],
  ): ResourceTelemetry {
    const hasInvocations = p.specs.some((s) => s.field === 'inv');
    const hosts: HostSeries[] = p.hosts.map((h) => ({
      host: h.host,
      periodSec,
      samples: Array.from({ length: nPeriods }, (_, i): HostSample => ({
        tSec: w.startSec + i * periodSec,
        gpuUtilPct: null,
        gpuPowerW: null,
        cpuUtilPct: null,
        ...(hasInvocations ? { invocations: null } : {}),
      })),
      ...(h.instancesRepresented !== undefined ? { instancesRepresented: h.instancesRepresented } : {}),
    }));
    const issues = new IssueCollector();
    let partial = false;
    let provisionalFromSec = w.endSec;
    if (cutMessages.length > 0) {
      partial = true;
      provisionalFromSec = w.startSec;
      for (const msg of cutMessages) issues.note(`GetMetricData message "${msg}": the call may be incomplete, telemetry kept provisional`);
    }
    const gpuPowerBoundW = this.maxGpuW * (p.gpus && p.gpus > 0 ? p.gpus : FALLBACK_MAX_GPUS_PER_INSTANCE);

    for (const u of units) {
      const host = p.hosts[u.spec.hi].host;
      const m = merged.get(u.id);
      if (!m) continue; // no result at all for this query: every period stays null (a gap)
      if (m.status === 'PartialData' || m.status === 'InternalError') {
        partial = true;
        // PartialData: what came back up to the last returned period is settled; from that period on it may change.
        // InternalError: nothing in the window can be trusted as final.
        const last = m.status === 'PartialData' && m.tsSec.length ? Math.max(...m.tsSec) : w.startSec;
        provisionalFromSec = Math.min(provisionalFromSec, last);
      }
      if (m.status === 'InternalError') issues.note(`${host}: ${u.spec.field} query returned InternalError (asked again up to ${this.internalErrorRetries} times): kept provisional`);
      if (m.status === 'Forbidden') issues.note(`${host}: ${u.spec.field} query returned Forbidden`);
      for (const msg of m.messages) issues.note(`${host}: ${u.spec.field} query: ${msg}`);

      for (let k = 0; k < m.tsSec.length; k++) {
        const t = m.tsSec[k];
        const raw = m.values[k];
        const idx = (t - w.startSec) / periodSec;
        if (!Number.isInteger(idx) || idx < 0 || idx >= nPeriods) {
          issues.count(host, u.spec.field, 'datapoint outside the aligned window grid ignored', t);
          continue;
        }
        const sample = hosts[u.spec.hi].samples[idx];
        if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) {
          issues.count(host, u.spec.field, 'negative or non-numeric value nulled', raw);
          continue;
        }
        switch (u.spec.field) {
          case 'inv':
            sample.invocations = raw; // a period without a datapoint stays null, like every other gap
            break;
          case 'gpu': {
            const divisor = u.spec.perDevice ? 1 : p.gpus;
            if (divisor === undefined) {
              issues.count(host, 'gpu', `GPU count of ${p.ref.instanceType} unknown: GPUUtilization cannot be normalised, nulled`, raw);
              break;
            }
            const pct = raw / divisor;
            if (pct > 100) issues.count(host, 'gpu', 'utilisation above 100% per GPU after normalisation nulled', pct);
            else sample.gpuUtilPct = pct;
            break;
          }
          case 'cpu': {
            const divisor = u.spec.perDevice ? 1 : p.vcpus;
            if (divisor === undefined || divisor <= 0) {
              issues.count(host, 'cpu', `vCPU count of ${p.ref.instanceType} unknown: CPUUtilization (sum over vCPUs) cannot be normalised, nulled`, raw);
              break;
            }
            const pct = raw / divisor;
            if (pct > 100) issues.count(host, 'cpu', 'CPU utilisation above 100% after normalisation nulled', pct);
            else sample.cpuUtilPct = pct;
            break;
          }
          case 'pow':
            if (raw > gpuPowerBoundW) issues.count(host, 'pow', `GPU power above ${gpuPowerBoundW} W bound nulled`, raw);
            else sample.gpuPowerW = raw;
            break;
        }
      }
    }
    return {
      resourceKey: p.key,
      window: { startSec: w.startSec, endSec: w.endSec },
      hosts,
      partial,
      ...(partial ? { provisionalFromSec } : {}),
      issues: issues.list(),
    };
  }
}

/** Record a call's top-level messages against every resource the call asked for. */
const noteCut = (cut: Map<number, string[]>, units: Unit[], messages: string[]): void => {
  if (messages.length === 0) return;
  for (const ri of new Set(units.map((u) => u.ri))) {
    const list = cut.get(ri) ?? [];
    for (const m of messages) if (!list.includes(m)) list.push(m);
    cut.set(ri, list);
  }
};

/** Append one page's result for an id; the status of the last page that mentions the id wins (earlier pages say PartialData while more pages follow). */
const mergeResult = (merged: Map<string, Merged>, r: MetricDataResult): void => {
  if (!r.Id) return;
  const m = merged.get(r.Id) ?? { tsSec: [], values: [], messages: [] };
  const ts = r.Timestamps ?? [];
  const vs = r.Values ?? [];
  for (let i = 0; i < Math.min(ts.length, vs.length); i++) {
    m.tsSec.push(Math.floor(new Date(ts[i]).getTime() / 1000));
    m.values.push(vs[i]);
  }
  if (r.StatusCode) m.status = r.StatusCode;
  for (const msg of r.Messages ?? []) m.messages.push(`${msg.Code ?? ''} ${msg.Value ?? ''}`.trim());
  merged.set(r.Id, m);
};

const FIELD_NAMES: Record<Field, string> = { gpu: 'gpuUtilPct', cpu: 'cpuUtilPct', pow: 'gpuPowerW', inv: 'invocations' };

/** Aggregates per-datapoint problems into one readable line per host/field/reason. */
class IssueCollector {
  private readonly notes: string[] = [];
  private readonly counts = new Map<string, { n: number; example: unknown }>();
  note(s: string): void {
    if (!this.notes.includes(s)) this.notes.push(s);
  }
  count(host: string, field: Field, reason: string, example: unknown): void {
    const k = `${host}\u0000${FIELD_NAMES[field]}\u0000${reason}`;
    const c = this.counts.get(k);
    if (c) c.n += 1;
    else this.counts.set(k, { n: 1, example });
  }
  list(): string[] {
    const out = [...this.notes];
    for (const [k, { n, example }] of this.counts) {
      const [host, field, reason] = k.split('\u0000');
      out.push(`${host}: ${n} ${field} datapoint(s): ${reason} (e.g. ${String(example)})`);
    }
    return out;
  }
}
