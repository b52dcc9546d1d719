/** Use case: keep the resource registry current from sweeps and state-change events. */
import type { Clock, FootprintStore, WorkloadInventory } from '../ports';
import { applyStateChange, mergeResource, type StateChange } from '../domain/inventory';
import { resourceKey, type ResourceRef } from '../domain/types';

export interface InventoryDeps {
  inventory: WorkloadInventory;
  store: FootprintStore;
  clock: Clock;
  regions: string[];
  /** How far back a sweep looks for work it may have missed. */
  lookbackSec: number;
}

export interface SyncResult {
  seen: number;
  changed: number;
  errors: string[];
}

/**
 * Read-merge-write with compare-and-set: a sweep and a state-change event racing on the same resource both land
 * (the loser re-reads and merges again) instead of one silently dropping the other's count change.
 */
async function upsert(store: FootprintStore, key: string, merge: (existing: ResourceRef | undefined) => ResourceRef | undefined): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const cur = await store.getResourceVersioned(key);
    const next = merge(cur?.resource);
    if (!next) return false;
    if (await store.putResource(next, cur?.version ?? 0)) return true;
  }
  throw new Error(`${key}: inventory record kept changing under concurrent writers (5 attempts)`);
}

export const makeInventorySweep = (d: InventoryDeps) =>
  async (regions: string[] = d.regions): Promise<SyncResult> => {
    const now = d.clock.nowSec();
    const seen = await d.inventory.listActive({ startSec: now - d.lookbackSec, endSec: now }, regions);
    const out: SyncResult = { seen: seen.length, changed: 0, errors: [] };
    for (const r of seen) {
      try {
        if (await upsert(d.store, resourceKey(r), (existing) => mergeResource(existing, r))) out.changed++;
      } catch (e) {
        out.errors.push(`${resourceKey(r)}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return out;
  };

/** A state change of a known resource is applied at its exact time; an unknown one triggers a sweep of its region. */
export const makeStateChangeHandler = (d: InventoryDeps) => {
  const sweep = makeInventorySweep(d);
  return async (ev: StateChange): Promise<SyncResult> => {
    if (!(await d.store.getResource(resourceKey(ev)))) return sweep([ev.region]);
    const changed = await upsert(d.store, resourceKey(ev), (existing) => (existing ? applyStateChange(existing, ev) : undefined));
    return { seen: 1, changed: changed ? 1 : 0, errors: [] };
  };
};
