/**
 * Use case: reconcile AWS's carbon export (already parsed and validated) with the footprint store, per month ×
 * account × region × service. Reads exactly the months the export covers.
 */
import type { Clock, FootprintStore } from '../ports';
import { DEMO_ACCOUNT_ID, reconcile, type AccountSource, type ReconcileReport } from '../domain/reconcile/reconcile';
import type { CcftRow } from '../domain/reconcile/ccft-types';
import { resourceKey, type FootprintInterval, type ResourceRef } from '../domain/types';

/** Resources without an account id of their own and no configured default: the accounts cannot be matched. */
export class MissingAccountIdError extends Error {
  readonly retryable = false;
  constructor(readonly resources: number) {
    super(`${resources} resource(s) carry no AWS account id and no default account is configured (set one, e.g. --account-id 111122223333)`);
    this.name = 'MissingAccountIdError';
  }
}

export interface ReconcileDeps {
  store: FootprintStore;
  clock: Clock;
  /** Account for resources whose ARN did not give one (single-account deployments). */
  defaultAccountId?: string;
}

const monthStartSec = (month: string) => Date.UTC(+month.slice(0, 4), +month.slice(5, 7) - 1, 1) / 1000;
const monthEndSec = (month: string) => Date.UTC(+month.slice(0, 4), +month.slice(5, 7), 1) / 1000;

export const makeReconcileCcft = (d: ReconcileDeps) =>
  async (rows: readonly CcftRow[]): Promise<ReconcileReport> => {
    const months = [...new Set(rows.map((r) => r.month))].sort();
    const intervals: FootprintInterval[] = months.length
      ? await d.store.queryIntervals({ startSec: monthStartSec(months[0]), endSec: monthEndSec(months[months.length - 1]) })
      : [];
    const inMonths = intervals.filter((i) => months.includes(new Date(i.intervalStartSec * 1000).toISOString().slice(0, 7)));
    const resources = new Map<string, ResourceRef>((await d.store.listAllResources()).map((r) => [resourceKey(r), r]));
    const unassigned = new Set<string>();
    const accountOf = (i: FootprintInterval): { accountId: string; source: AccountSource } => {
      const r = resources.get(i.resourceKey);
      if (r?.accountId) return { accountId: r.accountId, source: 'resource' };
      if (r?.demo || i.demo) return { accountId: DEMO_ACCOUNT_ID, source: 'demo' };
      if (d.defaultAccountId) return { accountId: d.defaultAccountId, source: 'configured' };
      unassigned.add(i.resourceKey);
      return { accountId: 'unknown', source: 'configured' };
    };
    const report = reconcile({ ccft: rows, intervals: inMonths, accountOf, nowSec: d.clock.nowSec() });
    if (unassigned.size) throw new MissingAccountIdError(unassigned.size);
    return report;
  };
