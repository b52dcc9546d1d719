/**
 * DEMO DATA: a long history of the demo fleet (shared/adapters/local/demo-fleet.ts) for back-tests. The local replay
 * lays the fleet out over the 14 days before --now; here the same generator is tiled: the steady endpoints and EC2
 * instances span the whole history, and the 24 training jobs of each 14-day tile repeat with the generator's own
 * start offsets and durations. Collected by the real collector (demo telemetry, demo intensity) and rolled up.
 */
import { buildDemoFleet, DemoMetricsSource } from '../../shared/adapters/local/demo-fleet';
import { DemoIntensityProvider } from '../../shared/adapters/intensity/demo-intensity-provider';
import { YearlyIntensityProvider } from '../../shared/adapters/intensity/yearly-intensity-provider';
import { DEFAULT_ATTRIBUTION_KEYS } from '../../shared/domain/attribution';
import { lookupInstance } from '../../shared/domain/power/instance-catalog';
import { getRegionInfo } from '../../shared/domain/regions/region-catalog';
import { alignDown, DAY_SEC, HOUR_SEC, utcDay, type EpochSec } from '../../shared/domain/time';
import { resourceKey, type ResourceRef } from '../../shared/domain/types';
import { makeCollectFootprint } from '../../shared/use-cases/collect-footprint';
import { makeIntensityResolver } from '../../shared/use-cases/intensity-resolver';
import { makeRollup } from '../../shared/use-cases/rollup';
import { MemoryFootprintStore } from './memory-footprint-store';

const TILE_DAYS = 14;

/** The demo fleet over `days` days before `nowSec`: steady resources throughout, training jobs tiled every 14 days. */
export function longDemoFleet(nowSec: EpochSec, days: number): ResourceRef[] {
  const origin = alignDown(nowSec, HOUR_SEC) - days * DAY_SEC;
  const steady = buildDemoFleet(nowSec, days).filter((r) => r.kind !== 'training-job');
  // A template far enough back that every job of a tile has started and ended: offsets and durations per job.
  const tplNow = alignDown(nowSec, HOUR_SEC) - 400 * DAY_SEC;
  const tplOrigin = tplNow - TILE_DAYS * DAY_SEC;
  const template = buildDemoFleet(tplNow, TILE_DAYS).filter((r) => r.kind === 'training-job');
  const jobs: ResourceRef[] = [];
  for (let k = 0, tile = origin; tile < nowSec; k++, tile += TILE_DAYS * DAY_SEC) {
    for (const t of template) {
      const startSec = tile + (t.startSec - tplOrigin);
      const endSec = tile + (t.endSec! - tplOrigin);
      if (startSec >= nowSec) continue;
      const ended = endSec <= nowSec;
      jobs.push({ ...t, id: `${t.id}-t${String(k).padStart(2, '0')}`, startSec, endSec: ended ? endSec : undefined, status: ended ? 'Completed' : 'InProgress', counts: [{ atSec: startSec, instanceCount: t.counts[0].instanceCount }] });
    }
  }
  return [...steady, ...jobs];
}

/** Collect the long demo fleet up to `nowSec` into a memory store and compute every day's roll-ups. */
export async function demoHistoryStore(nowSec: EpochSec, days: number): Promise<MemoryFootprintStore> {
  const store = new MemoryFootprintStore();
  const fleet = longDemoFleet(nowSec, days);
  for (const r of fleet) await store.putResource(r);
  const clock = { nowSec: () => nowSec };
  const collect = makeCollectFootprint({
    store,
    metrics: new DemoMetricsSource(clock, (type) => {
      const s = lookupInstance(type);
      return s && { count: s.acceleratorCount, idleW: s.accelerator.idleW, maxW: s.accelerator.maxW };
    }),
    intensity: makeIntensityResolver([new DemoIntensityProvider(), new YearlyIntensityProvider()], 'average-lifecycle'),
    clock,
    lookupInstance,
    regionInfo: (r) => getRegionInfo(r),
    attributionKeys: DEFAULT_ATTRIBUTION_KEYS,
    periodSec: 60,
    intervalSec: HOUR_SEC,
    lagSec: 900,
    maxCatchUpSec: 4 * DAY_SEC,
    storeRawSamples: false,
  });
  const keys = fleet.map(resourceKey);
  for (let pass = 0; pass < Math.ceil(days / 4) + 3; pass++) {
    const res = await collect(keys);
    if (res.errors.length) throw new Error(`collector: ${res.errors[0].resourceKey}: ${res.errors[0].error}`);
    if (res.upToDate + res.completed === keys.length) break;
  }
  const allDays: string[] = [];
  for (let t = alignDown(nowSec, DAY_SEC) - (days + 1) * DAY_SEC; t <= nowSec; t += DAY_SEC) allDays.push(utcDay(t));
  await makeRollup({ store })(allDays);
  return store;
}
