/** Use case: keep the resource registry current from sweeps and state-change events. */
import type { Clock, FootprintStore, RegionListing, WorkloadInventory } from '../ports';
import { applyStateChange, endMissing, isLiveStatus, isMissingFrom, mergeResource, type StateChange } from '../domain/inventory';
import { resourceKey, type ResourceRef } from '../domain/types';
import type { Window } from '../domain/time';

export interface InventoryDeps {
  inventory: WorkloadInventory;
  store: FootprintStore;
  clock: Clock;
  regions: string[];
  /** How far back a sweep looks for work it may have missed. */
  lookbackSec: number;
  /**
   * A resource must predate a sweep's listing by this much before its absence ends it (List/Describe APIs are
   * eventually consistent right after a create). Default 300 s.
   */
  listingGraceSec?: number;
}

export interface SyncResult {
  seen: number;
  changed: number;
  /** Resources ended because a complete listing of their region no longer showed them. */
  ended: number;
  errors: string[];
}

const DEFAULT_LISTING_GRACE_SEC = 300;

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

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

/** Per-region listings; an inventory without them gives one listing that proves no absence. */
async function listings(inventory: WorkloadInventory, window: Window, regions: string[]): Promise<RegionListing[]> {
  if (inventory.listRegions) return inventory.listRegions(window, regions);
  const resources = await inventory.listActive(window, regions);
  return [{ region: '*', listedAtSec: window.endSec, resources, completeKinds: [], presentKeys: [] }];
}

/**
 * Sweep: merge what each region's listing shows, then end what a complete listing no longer shows — only in regions
 * listed without error, only kinds listed completely, never a resource newer than the listing (less the grace) nor
 * one changed since. Ended = `endSec` at the listing's start, status `Missing`; the collector then finishes its last
 * hour and marks it complete as for any ended resource.
 */
export const makeInventorySweep = (d: InventoryDeps) =>
  async (regions: string[] = d.regions): Promise<SyncResult> => {
    const now = d.clock.nowSec();
    const graceSec = d.listingGraceSec ?? DEFAULT_LISTING_GRACE_SEC;
    const listed = await listings(d.inventory, { startSec: now - d.lookbackSec, endSec: now }, regions);
    const out: SyncResult = { seen: 0, changed: 0, ended: 0, errors: [] };
    for (const l of listed) {
      if (l.error) out.errors.push(`listing failed, nothing ended in ${l.region}: ${l.error}`);
      out.seen += l.resources.length;
      for (const r of l.resources) {
        try {
          if (await upsert(d.store, resourceKey(r), (existing) => mergeResource(existing, r, l.listedAtSec))) out.changed++;
        } catch (e) {
          out.errors.push(`${resourceKey(r)}: ${errorText(e)}`);
        }
      }
    }

    const complete = new Map(listed.filter((l) => !l.error && l.completeKinds.length > 0).map((l) => [l.region, l]));
    if (complete.size === 0) return out;
    const evidence = new Map([...complete].map(([region, l]) => [region, { listedAtSec: l.listedAtSec, completeKinds: l.completeKinds, present: new Set(l.presentKeys), graceSec }]));
    let stored: ResourceRef[];
    try {
      stored = await d.store.listResources();
    } catch (e) {
      out.errors.push(`active resources not listed, nothing ended: ${errorText(e)}`);
      return out;
    }
    for (const r of stored) {
      const key = resourceKey(r);
      const e = evidence.get(r.region);
      if (!e || !isMissingFrom(r, key, e)) continue;
      try {
        // Re-judged on the fresh record: an event that reopened or ended it since the active list was read wins.
        if (await upsert(d.store, key, (cur) => (cur && isMissingFrom(cur, key, e) ? endMissing(cur, e.listedAtSec) : undefined))) out.ended++;
      } catch (err) {
        out.errors.push(`${key}: ${errorText(err)}`);
      }
    }
    return out;
  };

/**
 * A state change of a known resource is applied at its exact time; an unknown one triggers a sweep of its region.
 * Endpoint events name the endpoint while the registry holds its variants (`<endpoint>/<variant>`): the event applies
 * to every open variant. No stored variant, or a live state for an endpoint whose variants all ended (re-created under
 * the same name), sweeps the region so the variants, counts and creation time come from DescribeEndpoint.
 */
export const makeStateChangeHandler = (d: InventoryDeps) => {
  const sweep = makeInventorySweep(d);
  const applyTo = async (keys: string[], ev: StateChange): Promise<SyncResult> => {
    const out: SyncResult = { seen: keys.length, changed: 0, ended: 0, errors: [] };
    for (const key of keys) {
      try {
        if (await upsert(d.store, key, (existing) => (existing ? applyStateChange(existing, { ...ev, id: existing.id }) : undefined))) out.changed++;
      } catch (e) {
        out.errors.push(`${key}: ${errorText(e)}`);
      }
    }
    return out;
  };
  return async (ev: StateChange): Promise<SyncResult> => {
    if (ev.kind === 'endpoint') {
      const variants = await d.store.listResourcesByKeyPrefix(`${resourceKey(ev)}/`);
      const open = variants.filter((v) => v.endSec === undefined);
      if (variants.length === 0 || (open.length === 0 && isLiveStatus('endpoint', ev.state))) return sweep([ev.region]);
      return applyTo(open.map(resourceKey), ev);
    }
    if (!(await d.store.getResource(resourceKey(ev)))) return sweep([ev.region]);
    return applyTo([resourceKey(ev)], ev);
  };
};
