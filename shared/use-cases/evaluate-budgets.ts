/**
 * Use cases: the state of every budget (read-only, for lists and the API) and the evaluation that moves
 * notification states and publishes `Carbon Budget Threshold Crossed` (after roll-ups and hourly).
 *
 * Exactly-once lives in the data: each notification's per-period state item is written by compare-and-set on its
 * version, guarded by the evaluation's watermark (an older evaluation never overwrites a newer one), and a transition
 * publishes through the item's outbox (see shared/domain/budgets/notifications.ts). A duplicate or out-of-order
 * delivery of the trigger therefore finds the state already decided and publishes nothing. One bad budget is
 * reported in `errors` and the others are still evaluated.
 */
import { BUDGET_THRESHOLD_CROSSED, type BudgetThresholdCrossedDetail } from '../contracts/budgets';
import { EVENT_SOURCE } from '../pipeline';
import {
  claimExpired,
  decideNotification,
  notificationFingerprint,
  transitionEventId,
  type NotificationStateItem,
} from '../domain/budgets/notifications';
import { periodOf } from '../domain/budgets/periods';
import { budgetStatus, type BudgetStatus, type NotificationStatus } from '../domain/budgets/status';
import { DEFAULT_FORECAST_OPTIONS, type ForecastOptions } from '../domain/budgets/forecast';
import type { NotificationState } from '../domain/budgets/types';
import { DAY_SEC, isoUtc, type EpochSec } from '../domain/time';
import type { EventPublisher } from '../ports';
import type { BudgetStore, StoredBudget } from '../ports/budget-ports';
import { loadBudgetInputs, type BudgetDataDeps, type LoadedBudgetInputs } from './budget-data';

export interface BudgetStatusDeps extends BudgetDataDeps {
  budgets: BudgetStore;
  forecast?: Partial<ForecastOptions>;
}

export interface EvaluateBudgetsDeps extends BudgetStatusDeps {
  publisher: EventPublisher;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface BudgetStatusView extends BudgetStatus {
  budget: StoredBudget;
  /** The stored notification states of the current period (what was last decided and published). */
  states: NotificationStateItem[];
}

export interface BudgetStatuses {
  /** Undefined when the store holds no collected data yet (every budget then has no figures). */
  watermarkSec: EpochSec | undefined;
  statuses: BudgetStatusView[];
  demo: boolean;
}

/** Load the inputs once for a set of budgets: from the earliest current period start and the forecast history. */
async function inputsFor(d: BudgetStatusDeps, budgets: readonly StoredBudget[], watermarkSec?: EpochSec): Promise<LoadedBudgetInputs | undefined> {
  const historyDays = { ...DEFAULT_FORECAST_OPTIONS, ...d.forecast }.historyDays;
  return loadBudgetInputs(d, {
    watermarkSec,
    fromSec: (w) => Math.min(w - (historyDays + 1) * DAY_SEC, ...budgets.map((b) => periodOf(b.period, w).startSec)),
  });
}

/**
 * Every live budget's state at the store's watermark (or the given one), with its stored notification states.
 * `inputs`: already loaded inputs covering every budget's current period and the forecast history (reused as is);
 * `ids`: only these budgets.
 */
export const makeBudgetStatuses = (d: BudgetStatusDeps) =>
  async (opts: { watermarkSec?: EpochSec; inputs?: LoadedBudgetInputs; ids?: readonly string[] } = {}): Promise<BudgetStatuses> => {
    const budgets = (await d.budgets.listBudgets()).filter((b) => !opts.ids || opts.ids.includes(b.id));
    if (!budgets.length) return { watermarkSec: undefined, statuses: [], demo: false };
    const inputs = opts.inputs ?? (await inputsFor(d, budgets, opts.watermarkSec));
    if (!inputs) return { watermarkSec: undefined, statuses: [], demo: budgets.some((b) => b.demo === true) };
    const statuses = await Promise.all(
      budgets.map(async (b) => {
        const s = budgetStatus(b, inputs, { forecast: d.forecast });
        return { ...s, budget: b, states: await d.budgets.getNotificationStates(b.id, s.period.key) };
      }),
    );
    return { watermarkSec: inputs.watermarkSec, statuses, demo: inputs.demo || budgets.some((b) => b.demo === true) };
  };

/** The event detail of a notification changing state. */
export function thresholdCrossedDetail(s: BudgetStatus & { budget: StoredBudget }, n: NotificationStatus, state: NotificationState, previousState: NotificationState): BudgetThresholdCrossedDetail {
  const b = s.budget;
  return {
    eventId: transitionEventId(b.id, s.period.key, n.index, state),
    budget: { id: b.id, name: b.name, scope: { ...b.scope }, period: b.period, limitKgCo2e: b.limitKgCo2e, basis: b.basis, mode: b.mode, version: b.version },
    period: { key: s.period.key, from: isoUtc(s.period.startSec), to: isoUtc(s.period.endSec) },
    threshold: { index: n.index, type: n.type, threshold: n.threshold, thresholdType: n.thresholdType, thresholdKgCo2e: n.thresholdKgCo2e },
    state,
    previousState,
    actualKgCo2e: s.actualKgCo2e ?? 0,
    forecastKgCo2e: { p50: s.forecast?.p50KgCo2e ?? null, p90: s.forecast?.p90KgCo2e ?? null },
    utilisationPct: s.utilisationPct ?? 0,
    topContributors: s.topContributors.map((c) => ({ ...c })),
    asOf: isoUtc(s.watermarkSec),
    demo: s.demo,
  };
}

export interface Transition {
  budgetId: string;
  periodKey: string;
  index: number;
  from: NotificationState;
  to: NotificationState;
  published: boolean;
  eventId?: string;
}

export interface EvaluateResult {
  watermarkSec: EpochSec | undefined;
  budgets: number;
  transitions: Transition[];
  published: number;
  /** Evaluations older than the stored state (out of order), left as they were. */
  stale: number;
  errors: { budgetId: string; error: string }[];
}

const CAS_ATTEMPTS = 4;

/**
 * Evaluate every budget at the watermark: compute its state, move each notification by compare-and-set, publish the
 * transitions that fire. Safe to run concurrently, repeatedly and out of order.
 */
export const makeEvaluateBudgets = (d: EvaluateBudgetsDeps) =>
  async (opts: { watermarkSec?: EpochSec } = {}): Promise<EvaluateResult> => {
    const res: EvaluateResult = { watermarkSec: undefined, budgets: 0, transitions: [], published: 0, stale: 0, errors: [] };
    const budgets = await d.budgets.listBudgets();
    res.budgets = budgets.length;
    if (!budgets.length) return res;
    const inputs = await inputsFor(d, budgets, opts.watermarkSec);
    if (!inputs) return res;
    res.watermarkSec = inputs.watermarkSec;

    const publish = async (item: NotificationStateItem): Promise<boolean> => {
      if (!item.pending) return false;
      await d.publisher.publish([{ source: EVENT_SOURCE, detailType: BUDGET_THRESHOLD_CROSSED, detail: item.pending.detail }]);
      // Close the outbox; losing this race means a newer write already replaced the item, which is fine.
      await d.budgets.putNotificationState({ ...item, pending: undefined, version: item.version + 1, updatedAtSec: d.clock.nowSec() }, item.version);
      res.published++;
      return true;
    };

    for (const b of budgets) {
      try {
        const s = { ...budgetStatus(b, inputs, { forecast: d.forecast }), budget: b };
        for (const n of s.notifications) {
          for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            const now = d.clock.nowSec();
            const prev = (await d.budgets.getNotificationStates(b.id, s.period.key)).find((x) => x.index === n.index);
            // A claim left by a crashed run: take it over (compare-and-set), publish it, then decide.
            if (prev?.pending && claimExpired(prev.pending, now)) {
              const claimed = { ...prev, pending: { ...prev.pending, claimedAtSec: now }, version: prev.version + 1, updatedAtSec: now };
              if (await d.budgets.putNotificationState(claimed, prev.version)) await publish(claimed);
              continue;
            }
            const decision = decideNotification(prev, {
              budgetId: b.id, periodKey: s.period.key, index: n.index, fingerprint: notificationFingerprint(n), condition: n.condition, asOfSec: inputs.watermarkSec, nowSec: now,
            });
            if (decision.action === 'none') {
              if (decision.why === 'stale') res.stale++;
              break;
            }
            const next: NotificationStateItem = decision.publish
              ? { ...decision.next, pending: { eventId: transitionEventId(b.id, s.period.key, n.index, decision.publish), state: decision.publish, claimedAtSec: now, detail: thresholdCrossedDetail(s, n, decision.publish, decision.previousState) } }
              : decision.next;
            if (!(await d.budgets.putNotificationState(next, decision.expectedVersion))) continue; // lost the race: re-read, decide again
            if (decision.next.state !== decision.previousState) {
              res.transitions.push({ budgetId: b.id, periodKey: s.period.key, index: n.index, from: decision.previousState, to: decision.next.state, published: decision.publish !== undefined, eventId: next.pending?.eventId });
            }
            if (next.pending) await publish(next);
            break;
          }
        }
      } catch (e) {
        res.errors.push({ budgetId: b.id, error: e instanceof Error ? e.message : String(e) });
      }
    }
    d.log?.('budgets evaluated', { watermark: isoUtc(inputs.watermarkSec), budgets: res.budgets, transitions: res.transitions.length, published: res.published, stale: res.stale, errors: res.errors.length });
    return res;
  };
