/**
 * CloudWatch Embedded Metric Format (EMF): metrics written as structured log lines that CloudWatch Logs extracts
 * into metrics — no PutMetricData calls, no extra latency or API cost in the Lambda.
 * Spec: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * (root `_aws: { Timestamp, CloudWatchMetrics: [{ Namespace, Dimensions: [[…]], Metrics: [{ Name, Unit }] }] }`; dimension
 * and metric values are top-level members; ≤ 30 dimensions per set, ≤ 100 metrics per directive).
 */
import type { FootprintInterval } from '../../domain/types';

/** CloudWatch standard units we use ('None' for kWh and kgCO2e, which CloudWatch has no unit for). */
export type EmfUnit = 'None' | 'Count' | 'Percent' | 'Seconds';

export interface EmfMetric {
  name: string;
  value: number;
  unit: EmfUnit;
}

/** Default namespace of CarbonPilot's footprint metrics (the dashboard reads the same constant). */
export const FOOTPRINT_NAMESPACE = 'CarbonPilot';
/** Dimension sets published for every footprint line: per team, per region, per kind. */
export const FOOTPRINT_DIMENSION_SETS: readonly (readonly string[])[] = [['Team'], ['Region'], ['Kind']];
export const FOOTPRINT_METRICS = { energy: 'EnergyKwh', co2e: 'Co2eKg', invocations: 'Invocations' } as const;

const MAX_DIMENSIONS_PER_SET = 30;
const MAX_METRICS_PER_DIRECTIVE = 100;

/**
 * One EMF log line. `dimensions` holds the values (e.g. { Team: 'nlp', Region: 'eu-west-1' }); `dimensionSets` (default:
 * one set with every dimension) says which combinations CloudWatch aggregates by.
 */
export function emfLine(
  namespace: string,
  dimensions: Record<string, string>,
  metrics: readonly EmfMetric[],
  timestampMs: number,
  dimensionSets: readonly (readonly string[])[] = [Object.keys(dimensions)],
): string {
  if (!namespace) throw new Error('emf: namespace is required');
  if (!metrics.length || metrics.length > MAX_METRICS_PER_DIRECTIVE) throw new Error(`emf: 1–${MAX_METRICS_PER_DIRECTIVE} metrics per line, got ${metrics.length}`);
  for (const set of dimensionSets) {
    if (set.length > MAX_DIMENSIONS_PER_SET) throw new Error(`emf: at most ${MAX_DIMENSIONS_PER_SET} dimensions per set`);
    for (const d of set) if (!(d in dimensions)) throw new Error(`emf: dimension set names "${d}" without a value`);
  }
  const root: Record<string, unknown> = {
    _aws: {
      Timestamp: Math.floor(timestampMs),
      CloudWatchMetrics: [{ Namespace: namespace, Dimensions: dimensionSets.map((s) => [...s]), Metrics: metrics.map((m) => ({ Name: m.name, Unit: m.unit })) }],
    },
    ...dimensions,
  };
  for (const m of metrics) {
    if (!Number.isFinite(m.value)) throw new Error(`emf: metric ${m.name} is not a finite number`);
    if (m.name in dimensions || m.name === '_aws') throw new Error(`emf: metric name ${m.name} clashes with a member`);
    root[m.name] = m.value;
  }
  return JSON.stringify(root);
}

/**
 * EMF lines for written footprint intervals: EnergyKwh and Co2eKg (point values, location-based) per team × region × kind
 * and interval hour, published under the Team, Region and Kind dimension sets, timestamped at the interval start.
 * Provisional intervals are left out (a later revision replaces them; EMF values cannot be taken back).
 */
export function footprintMetrics(intervals: readonly FootprintInterval[], namespace = FOOTPRINT_NAMESPACE): string[] {
  const groups = new Map<string, { team: string; region: string; kind: string; tSec: number; e: number; c: number; inv: number; hasInv: boolean; demo: boolean }>();
  for (const i of intervals) {
    if (i.provisional) continue;
    const k = JSON.stringify([i.attribution.team, i.region, i.kind, i.intervalStartSec]);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { team: i.attribution.team, region: i.region, kind: i.kind, tSec: i.intervalStartSec, e: 0, c: 0, inv: 0, hasInv: false, demo: false }));
    g.e += i.energyKwh.point;
    g.c += i.co2eKg.point;
    if (i.invocations !== undefined && i.invocations !== null) {
      g.inv += i.invocations;
      g.hasInv = true;
    }
    g.demo ||= i.demo;
  }
  return [...groups.values()]
    .sort((a, b) => a.tSec - b.tSec || (a.team + a.region + a.kind < b.team + b.region + b.kind ? -1 : 1))
    .map((g) => {
      const metrics: EmfMetric[] = [
        { name: FOOTPRINT_METRICS.energy, value: g.e, unit: 'None' },
        { name: FOOTPRINT_METRICS.co2e, value: g.c, unit: 'None' },
      ];
      if (g.hasInv) metrics.push({ name: FOOTPRINT_METRICS.invocations, value: g.inv, unit: 'Count' });
      const line = JSON.parse(emfLine(namespace, { Team: g.team, Region: g.region, Kind: g.kind }, metrics, g.tSec * 1000, FOOTPRINT_DIMENSION_SETS)) as Record<string, unknown>;
      // Non-metric members are kept in the log event (searchable in Logs Insights) but not extracted as metrics.
      if (g.demo) line.demo = true;
      return JSON.stringify(line);
    });
}
