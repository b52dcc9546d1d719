/**
 * bench:pipeline — the domain + store path over a simulated fleet of 10,000 GPU instances × 1 hour of 1-minute
 * samples, and a cost model of the AWS deployment per 1,000 monitored instance-months.
 *   npm run bench:pipeline -- --out FILE.json [--instances N] [--concurrency C]
 * Side by side in one run: the domain alone (computeInterval) vs the full collector on the real DynamoDB API (dynalite).
 * The fleet and telemetry are synthetic (deterministic); no ../shared data is needed.
 */
import { CloudWatchMetricsSource } from '../shared/adapters/aws/cloudwatch-metrics-source';
import { DynamoFootprintStore } from '../shared/adapters/aws/dynamodb-footprint-store';
import { startEmbeddedDynamo } from '../shared/adapters/local/embedded-dynamodb';
import { DemoIntensityProvider } from '../shared/adapters/intensity/demo-intensity-provider';
import { DEFAULT_ATTRIBUTION_KEYS, resolveAttribution } from '../shared/domain/attribution';
import { computeInterval } from '../shared/domain/footprint/compute-interval';
import { lookupInstance } from '../shared/domain/power/instance-catalog';
import { getRegionInfo } from '../shared/domain/regions/region-catalog';
import { resourceKey, type HostSample, type ResourceRef, type ResourceTelemetry } from '../shared/domain/types';
import type { MetricsSource } from '../shared/ports';
import { makeCollectFootprint } from '../shared/use-cases/collect-footprint';
import { makeIntensityResolver } from '../shared/use-cases/intensity-resolver';
import { COLLECTION_CADENCES_H } from '../shared/contracts/config';
import { benchArgs, writeJson } from './lib/bench-args';
import { AGENT_GPU_MEASUREMENTS, CUSTOM_METRIC_TIERS, customMetricsUsdPerMonth } from './lib/cloudwatch-cost';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const args = benchArgs('pipeline', { dataRequired: false, extra: ['instances', 'concurrency'] });
const N = Number(args.get('instances') ?? 10_000);
const CONCURRENCY = Number(args.get('concurrency') ?? 8);
const BATCH = 100; // resources per collection request (COLLECT_BATCH_SIZE)
const T0 = 1_763_596_800; // 2025-11-20T00:00:00Z
const WINDOW = { startSec: T0, endSec: T0 + 3600 };
const TYPES = ['p4d.24xlarge', 'p5.48xlarge', 'g5.xlarge', 'g5.12xlarge', 'g6.xlarge', 'g6e.12xlarge', 'inf2.xlarge', 'trn1.32xlarge'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-north-1', 'ap-southeast-2'];

const fleet: ResourceRef[] = Array.from({ length: N }, (_, i) => ({
  kind: 'ec2-instance',
  id: `i-${i.toString(16).padStart(17, '0')}`,
  region: REGIONS[i % REGIONS.length],
  instanceType: TYPES[i % TYPES.length],
  counts: [{ atSec: T0 - 86400, instanceCount: 1 }],
  startSec: T0 - 86400,
  status: 'running',
  tags: { team: `team-${i % 13}` },
  demo: true,
}));

/** Deterministic synthetic telemetry: 60 one-minute samples per instance; every third instance reports board power. */
const telemetryOf = (r: ResourceRef, i: number): ResourceTelemetry => {
  const samples: HostSample[] = [];
  for (let m = 0; m < 60; m++) {
    const u = (Math.sin(i * 0.37 + m * 0.11) + 1) * 50;
    samples.push({ tSec: T0 + m * 60, gpuUtilPct: u, gpuPowerW: i % 3 === 0 ? 80 + 3 * u : null, cpuUtilPct: 30 });
  }
  return { resourceKey: resourceKey(r), window: WINDOW, hosts: [{ host: r.id, periodSec: 60, samples }], partial: false, issues: [] };
};
const telemetry = new Map(fleet.map((r, i) => [resourceKey(r), telemetryOf(r, i)]));
const metrics: MetricsSource = {
  fetch: async (rs) => ({ telemetry: rs.map((r) => telemetry.get(resourceKey(r))!), skipped: [], metricsRequested: 0, apiCalls: 0 }),
};
const totalSamples = N * 60;

async function domainOnly() {
  const t = performance.now();
  let kwh = 0;
  const provider = new DemoIntensityProvider();
  const intensity = makeIntensityResolver([provider], 'average-lifecycle');
  for (const r of fleet) {
    const info = getRegionInfo(r.region)!;
    const iv = computeInterval({
      resource: r, spec: lookupInstance(r.instanceType), attribution: resolveAttribution(r.tags, DEFAULT_ATTRIBUTION_KEYS),
      interval: WINDOW, telemetry: telemetry.get(resourceKey(r)), pue: info.pue, pueSource: info.pueSource,
      intensity: await intensity.forInterval(info.emZone, WINDOW),
    });
    kwh += iv.energyKwh.point;
  }
  const sec = (performance.now() - t) / 1000;
  return { seconds: sec, samplesPerSec: totalSamples / sec, energyKwh: kwh };
}

async function withStore() {
  const db = await startEmbeddedDynamo({ tableName: 'bench' });
  const store = new DynamoFootprintStore(db.client, db.tableName);
  for (let i = 0; i < fleet.length; i += 200) await Promise.all(fleet.slice(i, i + 200).map((r) => store.putResource(r)));
  const clock = { nowSec: () => WINDOW.endSec + 900 };
  const collect = makeCollectFootprint({
    store, metrics, clock, intensity: makeIntensityResolver([new DemoIntensityProvider()], 'average-lifecycle'),
    lookupInstance, regionInfo: (r) => getRegionInfo(r), attributionKeys: DEFAULT_ATTRIBUTION_KEYS,
    periodSec: 60, intervalSec: 3600, lagSec: 600, maxCatchUpSec: 3600, storeRawSamples: true,
  });
  // Cursors start at the window: only this hour is collected.
  for (let i = 0; i < fleet.length; i += 200) await Promise.all(fleet.slice(i, i + 200).map((r) => store.advanceCursor(resourceKey(r), 0, T0)));
  const batches: string[][] = [];
  for (let i = 0; i < fleet.length; i += BATCH) batches.push(fleet.slice(i, i + BATCH).map(resourceKey));
  const t = performance.now();
  let written = 0;
  let errors = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches.length) {
        const b = batches[next++];
        const res = await collect(b);
        written += res.written;
        errors += res.errors.length;
      }
    }),
  );
  const sec = (performance.now() - t) / 1000;
  // Item sizes for the cost model (DynamoDB bills 1 WRU per started KB written).
  const [sample] = await store.queryResourceIntervals(resourceKey(fleet[0]), WINDOW);
  const intervalBytes = Buffer.byteLength(JSON.stringify(sample)) + 120;
  const rawBytes = Buffer.byteLength(JSON.stringify(telemetry.get(resourceKey(fleet[0]))!.hosts)) + 80;
  await db.close();
  return { seconds: sec, samplesPerSec: totalSamples / sec, intervalsWritten: written, errors, intervalBytes, rawBytes, concurrency: CONCURRENCY, batchSize: BATCH };
}

/** Metrics requested per instance-hour by the real CloudWatch query planner (a stub client answers empty results). */
async function metricsPerInstanceHour(): Promise<Record<string, number>> {
  const stub = { send: async () => ({ MetricDataResults: [], Messages: [] }) } as unknown as ConstructorParameters<typeof CloudWatchMetricsSource>[0];
  const src = new CloudWatchMetricsSource(stub, { acceleratorCount: (t) => lookupInstance(t)?.acceleratorCount, vcpuCount: (t) => lookupInstance(t)?.vcpus });
  const out: Record<string, number> = {};
  const one = (kind: ResourceRef['kind'], type: string, count = 1): ResourceRef => ({ kind, id: kind === 'endpoint' ? 'ep/v' : 'x', region: 'us-east-1', instanceType: type, counts: [{ atSec: T0 - 3600, instanceCount: count }], startSec: T0 - 3600, status: 'running', tags: {} });
  out['ec2-instance (p4d.24xlarge, 8 GPUs)'] = (await src.fetch([one('ec2-instance', 'p4d.24xlarge')], WINDOW, 60)).metricsRequested;
  out['training-job host (ml.p4d.24xlarge)'] = (await src.fetch([one('training-job', 'ml.p4d.24xlarge')], WINDOW, 60)).metricsRequested;
  out['endpoint variant (ml.g5.xlarge)'] = (await src.fetch([one('endpoint', 'ml.g5.xlarge')], WINDOW, 60)).metricsRequested;
  return out;
}

// Published prices, us-east-1 (checked 2025): CloudWatch GetMetricData $0.01 per 1,000 metrics requested
// (aws.amazon.com/cloudwatch/pricing); Lambda arm64 $0.0000133334 per GB-s and $0.20 per 1M requests
// (aws.amazon.com/lambda/pricing); DynamoDB on-demand $0.625 per 1M write request units, $0.125 per 1M read
// request units, storage $0.25 per GB-month (aws.amazon.com/dynamodb/pricing/on-demand, after the Nov 2024 cut);
// EventBridge custom events $1.00 per 1M (aws.amazon.com/eventbridge/pricing).
const PRICE = { gmdPerMetric: 0.01 / 1000, lambdaGbSec: 0.0000133334, lambdaReq: 0.2 / 1e6, wru: 0.625 / 1e6, rru: 0.125 / 1e6, storageGbMonth: 0.25, eventsPerEvent: 1 / 1e6 };
const HOURS_PER_MONTH = 730;
function costModel(store: Awaited<ReturnType<typeof withStore>>, metricsPerHour: Record<string, number>) {
  const instanceMonths = 1000;
  const hours = instanceMonths * HOURS_PER_MONTH;
  const gpus = lookupInstance('p4d.24xlarge')!.acceleratorCount;
  const requestedPerInstanceRun = metricsPerHour['ec2-instance (p4d.24xlarge, 8 GPUs)'];
  // Lambda time per instance-hour measured here (dynalite on this machine; a proxy for DynamoDB latency), at 1024 MB.
  // A run every c hours fetches and writes c hours per instance: the same work per instance-hour, in fewer invocations.
  const lambdaSecPerInstanceHour = (store.seconds * store.concurrency) / N;
  const lambdaGbSec = hours * lambdaSecPerInstanceHour * 1.0;
  const storageGb = (hours * store.intervalBytes) / 1e9; // raw samples expire after 35 days (TTL)
  // Telemetry itself: the agent's custom metrics, the same at every cadence (the agent publishes every minute).
  const agentMetrics = instanceMonths * gpus * AGENT_GPU_MEASUREMENTS.length;
  const agentMetricsUsd = customMetricsUsdPerMonth(agentMetrics);
  const byCadenceHours = Object.fromEntries(
    COLLECTION_CADENCES_H.map((c) => {
      const runs = hours / c; // instance-runs a month
      // GetMetricData is priced per metric per call, not per datapoint: one call every c hours fetches the same
      // datapoints as c hourly calls.
      const metricsRequested = runs * requestedPerInstanceRun;
      const writes = hours * (Math.ceil(store.intervalBytes / 1024) + Math.ceil(store.rawBytes / 1024) + 0.2 /* share of roll-up rows */) + runs * 1; /* cursor */
      const reads = runs * 2.5; // resource + cursor per run (eventually-consistent halves rounded up) + roll-up share
      const invocations = (hours / BATCH + HOURS_PER_MONTH * 2) / c; // collectors + dispatch and roll-up per run
      const usd = {
        getMetricData: metricsRequested * PRICE.gmdPerMetric,
        lambda: lambdaGbSec * PRICE.lambdaGbSec + invocations * PRICE.lambdaReq,
        dynamodbWrites: writes * PRICE.wru,
        dynamodbReads: reads * PRICE.rru,
        dynamodbStorageFirstMonth: storageGb * PRICE.storageGbMonth,
        eventBridge: (runs / BATCH) * 2 * PRICE.eventsPerEvent,
      };
      const carbonPilotUsd = Object.values(usd).reduce((a, b) => a + b, 0);
      return [c, { freshnessH: c, metricsRequested, dynamodbWriteUnits: writes, dynamodbReadUnits: reads, usd, carbonPilotUsd, agentMetricsUsd, totalWithTelemetryUsd: carbonPilotUsd + agentMetricsUsd }];
    }),
  );
  const hourly = byCadenceHours[1];
  return {
    per: '1,000 monitored instance-months (p4d-class EC2, 8 GPUs, with the CloudWatch agent)',
    collectionCadenceSetting: 'COLLECT_EVERY_HOURS (local) / CDK context collectionCadenceHours (deploy), default 1',
    agent: {
      measurements: AGENT_GPU_MEASUREMENTS,
      customMetricsPerInstance: gpus * AGENT_GPU_MEASUREMENTS.length,
      customMetrics: agentMetrics,
      usdPerMonth: agentMetricsUsd,
      // Tiers are per account: the same 1,000 instance-months cost less inside a larger fleet.
      usdPer1000InstanceMonthsInAFleetOf: Object.fromEntries(
        [1_000, 10_000, 100_000].map((n) => [n, (customMetricsUsdPerMonth(n * gpus * AGENT_GPU_MEASUREMENTS.length) / n) * 1000]),
      ),
      tiers: CUSTOM_METRIC_TIERS.map((t) => ({ upToMetrics: Number.isFinite(t.upToMetrics) ? t.upToMetrics : null, usdPerMetricMonth: t.usdPerMetricMonth })),
    },
    byCadenceHours,
    // Hourly figures at the top level, as before.
    metricsRequested: hourly.metricsRequested,
    lambdaGbSec,
    usd: hourly.usd,
    totalUsd: hourly.carbonPilotUsd,
    prices: PRICE,
    assumptions: [
      '1 interval/hour/instance, 60 samples; a run every c hours catches up c hours from the cursors',
      'raw samples kept 35 days by TTL',
      'Lambda time measured against dynalite on this machine, the same per instance-hour at every cadence',
      'custom-metric tiers assume these are the only custom metrics of the account and Region',
    ],
  };
}

(async () => {
  const d = await domainOnly();
  const s = await withStore();
  const m = await metricsPerInstanceHour();
  const cost = costModel(s, m);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const result = {
    fleet: { instances: N, samples: totalSamples, window: '1 hour, 60 s period', synthetic: true },
    domainOnly: d,
    domainPlusStore: s,
    storeOverheadRatio: d.samplesPerSec / s.samplesPerSec,
    peakRssMb,
    metricsRequestedPerInstanceHour: m,
    costModel: cost,
  };
  writeJson(args.out, result);
  console.log(
    `bench:pipeline ${N} instances × 60 samples: domain ${Math.round(d.samplesPerSec).toLocaleString('en')} samples/s, domain+store ${Math.round(s.samplesPerSec).toLocaleString('en')} samples/s (×${result.storeOverheadRatio.toFixed(1)} slower, ${s.errors} errors), peak RSS ${peakRssMb.toFixed(0)} MB; ` +
      `per 1,000 p4d instance-months: agent custom metrics $${cost.agent.usdPerMonth.toFixed(0)} (${cost.agent.customMetrics} metrics) + CarbonPilot ` +
      COLLECTION_CADENCES_H.map((c) => `${c} h $${cost.byCadenceHours[c].carbonPilotUsd.toFixed(2)}`).join(', '),
  );
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
