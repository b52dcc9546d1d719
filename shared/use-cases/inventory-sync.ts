/** Use case: keep the resource registry current from sweeps and state-change events. */
import type { Clock, FootprintStore, WorkloadInventory } from '../ports';
import { applyStateChange, mergeResource, type StateChange } from '../domain/inventory';
import { resourceKey } from '../domain/types';

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

export const makeInventorySweep = (d: InventoryDeps) =>
  async (regions: string[] = d.regions): Promise<SyncResult> => {
    const now = d.clock.nowSec();
    const seen = await d.inventory.listActive({ startSec: now - d.lookbackSec, endSec: now }, regions);
    const out: SyncResult = { seen: seen.length, changed: 0, errors: [] };
    for (const r of seen) {
      try {
        const merged = mergeResource(await d.store.getResource(resourceKey(r)), r);
        if (merged) {
          await d.store.putResource(merged);
          out.changed++;
        }
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
    const existing = await d.store.getResource(resourceKey(ev));
    if (!existing) return sweep([ev.region]);
    const next = applyStateChange(existing, ev);
    if (next) await d.store.putResource(next);
    return { seen: 1, changed: next ? 1 : 0, errors: [] };
  };
};
