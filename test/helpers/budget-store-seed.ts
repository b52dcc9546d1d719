/** Seeds a footprint store with a small steady fleet (hourly intervals, daily roll-ups, cursors) for budget tests. */
import type { FootprintInterval, ResourceRef } from '../../shared/domain/types';
import { resourceKey } from '../../shared/domain/types';
import { DAY_SEC, HOUR_SEC, utcDay, type EpochSec } from '../../shared/domain/time';
import type { FootprintStore } from '../../shared/ports';
import { makeRollup } from '../../shared/use-cases/rollup';

export const steady = (id: string, kind: ResourceRef['kind'], region: string, team: string, startSec: EpochSec, tags: Record<string, string> = {}): ResourceRef => ({
  kind, id, region, instanceType: 'g5.xlarge', counts: [{ atSec: startSec, instanceCount: 1 }], startSec, status: 'running', tags: { team, project: 'proj', model: 'm', ...tags },
});

/** A minimal final interval with a given location-based figure (fields the budget path does not read are plausible constants). */
export const intervalOf = (r: ResourceRef, startSec: EpochSec, co2eKg: number): FootprintInterval => ({
  resourceKey: resourceKey(r), kind: r.kind, resourceId: r.id, region: r.region, instanceType: r.instanceType,
  attribution: { team: r.tags.team ?? 'untagged', project: r.tags.project ?? 'untagged', model: r.tags.model ?? 'untagged' },
  intervalStartSec: startSec, intervalSec: HOUR_SEC,
  itEnergyKwh: { point: co2eKg * 2, low: co2eKg * 2, high: co2eKg * 2 }, pue: 1.0, pueSource: 'test', energyKwh: { point: co2eKg * 2, low: co2eKg * 2, high: co2eKg * 2 },
  co2eKg: { point: co2eKg, low: co2eKg * 0.9, high: co2eKg * 1.1 }, intensityGPerKwh: 500, intensitySignal: 'average-lifecycle', intensityZone: 'Z', intensityProvider: 'test', intensityQuality: 'actual',
  method: 'estimated', measuredShare: 0, coveragePct: 100, modelVersion: 'test', provisional: false, revision: 14, issues: [], demo: false,
});

/** The same interval carrying an embodied figure (as the collector stores it for modelled hardware). */
export const withEmbodied = (i: FootprintInterval, kg: number): FootprintInterval => ({
  ...i, embodiedKgCo2e: { point: kg, low: kg * 0.5, high: kg * 2 }, embodiedStatus: 'computed', embodiedModelVersion: 'test',
});

/**
 * Write every resource's hourly intervals in [fromSec, toSec) at `kgPerHour` (and `embodiedKgPerHour` beside it when
 * given), the days' roll-ups and cursors at toSec.
 */
export async function seedFleet(store: FootprintStore, fleet: { r: ResourceRef; kgPerHour: number; embodiedKgPerHour?: number }[], fromSec: EpochSec, toSec: EpochSec): Promise<void> {
  const days = new Set<string>();
  for (const { r, kgPerHour, embodiedKgPerHour } of fleet) {
    await store.putResource(r);
    const writes: Promise<unknown>[] = [];
    for (let t = Math.max(fromSec, r.startSec); t < toSec && (r.endSec === undefined || t < r.endSec); t += HOUR_SEC) {
      const i = intervalOf(r, t, kgPerHour);
      writes.push(store.putInterval(embodiedKgPerHour === undefined ? i : withEmbodied(i, embodiedKgPerHour)));
      days.add(utcDay(t));
      if (writes.length >= 48) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);
    const c = await store.getCursor(resourceKey(r));
    await store.advanceCursor(resourceKey(r), c?.version ?? 0, r.endSec !== undefined ? Math.min(r.endSec, toSec) : toSec);
  }
  await makeRollup({ store })([...days].sort());
}

export const DAYS = (n: number) => n * DAY_SEC;
