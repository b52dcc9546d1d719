/**
 * Use case: collect the footprint of resources since their cursors, exactly once.
 * A late run catches up, a duplicate run is a no-op, provisional intervals are replaced by later revisions.
 */
import type { Clock, EventPublisher, FootprintStore, MetricsSource, PutOutcome } from '../ports';
import { computeInterval, intervalRevision, type ComputeIntervalInput } from '../domain/footprint/compute-interval';
import { resolveAttribution, type AttributionKeys } from '../domain/attribution';
import type { InstanceSpec } from '../domain/power/instance-catalog';
import { signalZone, type RegionInfo } from '../domain/regions/region-catalog';
import type { FootprintInterval, ResourceRef, ResourceTelemetry } from '../domain/types';
import { alignDown, alignUp, splitAligned, utcDay, type Window } from '../domain/time';
import { DetailTypes, EVENT_SOURCE } from '../pipeline';
import type { IntensityResolver } from './intensity-resolver';

export interface CollectorDeps {
  store: FootprintStore;
  metrics: MetricsSource;
  intensity: IntensityResolver;
  clock: Clock;
  publisher?: EventPublisher;
  lookupInstance: (instanceType: string) => InstanceSpec | undefined;
  regionInfo: (region: string) => RegionInfo | undefined;
  attributionKeys: AttributionKeys;
  /** Metric period, s (60 = CloudWatch 1-minute resolution). */
  periodSec: number;
  /** Accounting interval, s (3600: grid intensity is hourly). */
  intervalSec: number;
  /** Wait this long after an interval ends before collecting it (CloudWatch ingestion delay). */
  lagSec: number;
  /** Most one run collects per resource (a long outage is caught up over several runs). */
  maxCatchUpSec: number;
  storeRawSamples: boolean;
  /**
   * An hour of an active resource with no telemetry at all stays provisional (collected again, cursor held) until
   * this long after the hour ends; then it is written final as `no-telemetry` (coverage 0 %). Either way it is
   * reported in `noTelemetry`: a misconfigured agent or region never turns silently into zero energy.
   */
  noTelemetryGraceSec?: number;
}

export interface CollectResult {
  resources: number;
  written: number;
  replaced: number;
  unchanged: number;
  upToDate: number;
  completed: number;
  skipped: { resourceKey: string; reason: string }[];
  errors: { resourceKey: string; error: string }[];
  /** Hours of active resources without any telemetry: provisional while within the grace period, then final. */
  noTelemetry: { resourceKey: string; intervalStartSec: number; final: boolean }[];
  days: string[];
  metricsRequested: number;
  /** Final intervals this run wrote or replaced (for the EMF metrics); not for logging whole. */
  finalIntervals: FootprintInterval[];
}

interface Plan {
  resource: ResourceRef;
  key: string;
  window: Window;
  cursorVersion: number;
}

export const makeCollectFootprint = (d: CollectorDeps) =>
  async (resourceKeys: string[]): Promise<CollectResult> => {
    const res: CollectResult = { resources: resourceKeys.length, written: 0, replaced: 0, unchanged: 0, upToDate: 0, completed: 0, skipped: [], errors: [], noTelemetry: [], days: [], metricsRequested: 0, finalIntervals: [] };
    const cursorMoves: { key: string; version: number; toSec: number }[] = [];
    const days = new Set<string>();
    const horizon = alignDown(d.clock.nowSec() - d.lagSec, d.intervalSec);

    // 1. Plan each resource's window from its cursor.
    const plans: Plan[] = [];
    for (const key of resourceKeys) {
      try {
        const [r, cursor] = await Promise.all([d.store.getResource(key), d.store.getCursor(key)]);
        if (!r) {
          res.skipped.push({ resourceKey: key, reason: 'unknown resource' });
          continue;
        }
        const from = cursor?.collectedToSec ?? alignDown(r.startSec, d.intervalSec);
        const end = r.endSec !== undefined ? Math.min(horizon, alignUp(r.endSec, d.intervalSec)) : horizon;
        if (r.endSec !== undefined && from >= alignUp(r.endSec, d.intervalSec)) {
          // Conditional on the end we planned with: a resource reopened meanwhile stays in the active list.
          if (await d.store.markCollectionComplete(key, r.endSec)) res.completed++;
          continue;
        }
        const to = Math.min(end, from + d.maxCatchUpSec);
        if (to <= from) {
          res.upToDate++;
          continue;
        }
        plans.push({ resource: r, key, window: { startSec: from, endSec: to }, cursorVersion: cursor?.version ?? 0 });
      } catch (e) {
        res.errors.push({ resourceKey: key, error: errorText(e) });
      }
    }

    // 2. Fetch telemetry in as few calls as possible: one batch per distinct window.
    const byWindow = new Map<string, Plan[]>();
    for (const p of plans) {
      const k = `${p.window.startSec}-${p.window.endSec}`;
      byWindow.set(k, [...(byWindow.get(k) ?? []), p]);
    }
    for (const group of byWindow.values()) {
      const window = group[0].window;
      let telemetry = new Map<string, ResourceTelemetry>();
      try {
        const fetched = await d.metrics.fetch(group.map((p) => p.resource), window, d.periodSec);
        res.metricsRequested += fetched.metricsRequested;
        telemetry = new Map(fetched.telemetry.map((t) => [t.resourceKey, t]));
        for (const s of fetched.skipped) res.skipped.push(s);
        for (const e of fetched.errors ?? []) res.errors.push(e);
      } catch (e) {
        for (const p of group) res.errors.push({ resourceKey: p.key, error: `telemetry: ${errorText(e)}` });
        continue;
      }
      // 3. Compute and write each interval; one bad resource never sinks the batch.
      for (const p of group) {
        const t = telemetry.get(p.key);
        if (!t) continue; // skipped (budget) – the cursor stays, the next run retries
        try {
          const outcome = await collectOne(d, p, t, days, res);
          res.written += outcome.written;
          res.replaced += outcome.replaced;
          res.unchanged += outcome.unchanged;
          if (outcome.finalTo > p.window.startSec) cursorMoves.push({ key: p.key, version: p.cursorVersion, toSec: outcome.finalTo });
        } catch (e) {
          res.errors.push({ resourceKey: p.key, error: errorText(e) });
        }
      }
    }

    res.days = [...days].sort();
    // Announce the days before any cursor moves: if publishing fails, the retry finds the cursors where they were,
    // collects the same hours again (unchanged) and announces them again — roll-ups and exports are never skipped.
    if (d.publisher && res.days.length) {
      await d.publisher.publish([{ source: EVENT_SOURCE, detailType: DetailTypes.intervalsWritten, detail: { days: res.days } }]);
    }
    // Advance past the final (non-provisional) prefix; a lost race means another run did it.
    for (const m of cursorMoves) await d.store.advanceCursor(m.key, m.version, m.toSec);
    return res;
  };

async function collectOne(d: CollectorDeps, p: Plan, t: ResourceTelemetry, days: Set<string>, res: CollectResult) {
  const r = p.resource;
  const info = d.regionInfo(r.region);
  if (!info) throw new Error(`region ${r.region} is not in the region catalog (add an override)`);
  const spec = d.lookupInstance(r.instanceType);
  const attribution = resolveAttribution(r.tags, d.attributionKeys);
  const zone = signalZone(info, d.intensity.signal);
  if (!zone) throw new Error(`region ${r.region} has no WattTime region, so no ${d.intensity.signal} intensity (add wattTimeRegion in REGION_OVERRIDES)`);
  await d.intensity.prefetch(zone, p.window);
  const counts = { written: 0, replaced: 0, unchanged: 0 };
  let finalTo = p.window.startSec;
  let contiguousFinal = true;
  for (const slot of splitAligned(p.window, d.intervalSec)) {
    if (r.startSec >= slot.endSec || (r.endSec !== undefined && r.endSec <= slot.startSec)) {
      if (contiguousFinal) finalTo = slot.endSec;
      continue; // not running in this hour: no interval
    }
    const input: ComputeIntervalInput = {
      resource: r,
      spec,
      attribution,
      interval: slot,
      telemetry: sliceTelemetry(t, slot),
      pue: info.pue,
      pueSource: info.pueSource,
      intensity: await d.intensity.forInterval(zone, slot),
    };
    let interval: FootprintInterval = computeInterval(input);
    if (interval.method === 'no-telemetry' && interval.coveragePct === 0) {
      // Nothing at all came back for an hour the resource ran: wait for late data (or a fixed agent) before accepting zero.
      const final = d.clock.nowSec() >= slot.endSec + (d.noTelemetryGraceSec ?? 0);
      res.noTelemetry.push({ resourceKey: p.key, intervalStartSec: slot.startSec, final });
      if (!final && !interval.provisional) {
        interval = { ...interval, provisional: true, revision: intervalRevision(true, interval.intensityQuality), issues: [...interval.issues, `no telemetry yet: provisional until ${(d.noTelemetryGraceSec ?? 0) / 3600} h after the hour`] };
      }
    }
    if (d.storeRawSamples && input.telemetry) {
      // Raw samples first, under the interval's revision rule: the interval write is the commit point, so a crash
      // between the two leaves the hour to be collected again, never an interval whose samples are lost. Raw samples
      // are an audit aid: failing to keep them must not hold the accounting back.
      try {
        await d.store.putRawSamples(p.key, slot.startSec, input.telemetry.hosts, interval.revision);
      } catch (e) {
        res.skipped.push({ resourceKey: p.key, reason: `raw samples of ${utcDay(slot.startSec)}@${slot.startSec} not stored: ${errorText(e)}` });
      }
    }
    const outcome: PutOutcome = await d.store.putInterval(interval);
    counts[outcome]++;
    days.add(utcDay(slot.startSec)); // also when unchanged: a retry must announce the days again
    if (outcome !== 'unchanged' && !interval.provisional) res.finalIntervals.push(interval);
    if (interval.provisional) contiguousFinal = false;
    if (contiguousFinal) finalTo = slot.endSec;
  }
  return { ...counts, finalTo };
}

/** The part of a resource's telemetry inside one interval. */
export function sliceTelemetry(t: ResourceTelemetry, w: Window): ResourceTelemetry {
  return {
    ...t,
    // Only the hours that reach into the unsettled tail stay provisional.
    partial: t.partial && (t.provisionalFromSec === undefined || w.endSec > t.provisionalFromSec),
    window: w,
    hosts: t.hosts.map((h) => ({ ...h, samples: h.samples.filter((s) => s.tSec >= w.startSec && s.tSec < w.endSec) })),
  };
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

