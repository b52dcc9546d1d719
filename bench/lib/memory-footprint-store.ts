/**
 * An in-memory FootprintStore with the same conditional semantics as DynamoFootprintStore (revision-guarded intervals,
 * compare-and-set cursors and resources). For benchmarks that replay months of the demo fleet: the DynamoDB adapter is
 * tested against dynalite elsewhere; here only the accounting matters, and LevelDB writes would dominate the run time.
 */
import type { Cursor, FootprintStore, PutOutcome, RollupRow } from '../../shared/ports';
import { resourceKey, type FootprintInterval, type HostSeries, type ResourceRef } from '../../shared/domain/types';
import { utcDay, type EpochSec, type Window } from '../../shared/domain/time';

export class MemoryFootprintStore implements FootprintStore {
  private readonly resources = new Map<string, { resource: ResourceRef; version: number; done: boolean }>();
  private readonly cursors = new Map<string, Cursor>();
  private readonly intervals = new Map<string, Map<EpochSec, FootprintInterval>>();
  private readonly byDay = new Map<string, Map<string, FootprintInterval>>();
  private readonly rollups = new Map<string, Map<string, RollupRow>>();

  async putResource(r: ResourceRef, expectedVersion?: number): Promise<boolean> {
    const key = resourceKey(r);
    const cur = this.resources.get(key);
    if (expectedVersion !== undefined && (cur?.version ?? 0) !== expectedVersion) return false;
    this.resources.set(key, { resource: r, version: (expectedVersion ?? 0) + 1, done: false }); // every put lists it as active, as in DynamoDB
    return true;
  }
  async getResource(key: string) {
    return this.resources.get(key)?.resource;
  }
  async getResourceVersioned(key: string) {
    const r = this.resources.get(key);
    return r && { resource: r.resource, version: r.version };
  }
  async listResources() {
    return [...this.resources.values()].filter((r) => !r.done).map((r) => r.resource);
  }
  async listAllResources() {
    return [...this.resources.values()].map((r) => r.resource);
  }
  async listResourcesByKeyPrefix(prefix: string) {
    return [...this.resources.entries()].filter(([k]) => k.startsWith(prefix)).map(([, r]) => r.resource);
  }
  async markCollectionComplete(key: string, expectedEndSec?: EpochSec) {
    const r = this.resources.get(key);
    if (!r || (expectedEndSec !== undefined && r.resource.endSec !== expectedEndSec)) return false;
    r.done = true;
    return true;
  }
  async putInterval(i: FootprintInterval): Promise<PutOutcome> {
    let m = this.intervals.get(i.resourceKey);
    if (!m) this.intervals.set(i.resourceKey, (m = new Map()));
    const old = m.get(i.intervalStartSec);
    if (old && old.revision >= i.revision) return 'unchanged';
    m.set(i.intervalStartSec, i);
    const day = utcDay(i.intervalStartSec);
    let d = this.byDay.get(day);
    if (!d) this.byDay.set(day, (d = new Map()));
    d.set(`${i.resourceKey}#${i.intervalStartSec}`, i);
    return old ? 'replaced' : 'written';
  }
  async getCursor(key: string) {
    return this.cursors.get(key);
  }
  async advanceCursor(key: string, expectedVersion: number, collectedToSec: EpochSec) {
    const c = this.cursors.get(key);
    if ((c?.version ?? 0) !== expectedVersion || (c && c.collectedToSec > collectedToSec)) return false;
    this.cursors.set(key, { resourceKey: key, collectedToSec, version: expectedVersion + 1 });
    return true;
  }
  async queryResourceIntervals(key: string, w: Window) {
    return [...(this.intervals.get(key)?.values() ?? [])].filter((i) => i.intervalStartSec >= w.startSec && i.intervalStartSec < w.endSec).sort((a, b) => a.intervalStartSec - b.intervalStartSec);
  }
  async queryIntervals(w: Window) {
    const out: FootprintInterval[] = [];
    for (let d = Math.floor(w.startSec / 86400) * 86400; d < w.endSec; d += 86400) {
      for (const i of this.byDay.get(utcDay(d))?.values() ?? []) if (i.intervalStartSec >= w.startSec && i.intervalStartSec < w.endSec) out.push(i);
    }
    return out;
  }
  async putRawSamples(_k: string, _t: EpochSec, _h: HostSeries[]) {}
  async putRollups(rows: RollupRow[]) {
    for (const r of rows) {
      let m = this.rollups.get(r.day);
      if (!m) this.rollups.set(r.day, (m = new Map()));
      m.set(`${r.dimension}#${r.key}`, r);
    }
  }
  async getRollups(day: string) {
    return [...(this.rollups.get(day)?.values() ?? [])];
  }
}
