/**
 * Use case: the scheduled lifecycle function. Every run advances the open actions that are due (approved past their
 * veto window, auto proposals past it, in-flight parks and unparks); once per UTC day it evaluates every subject,
 * records proposals for subjects in approve/auto mode (the `Lifecycle Action Proposed` event is the owner's
 * notification) and stores the day's evaluation (what the API and dashboard show, and the KPI counts). A repeated or
 * concurrent run changes nothing: proposals have deterministic ids under a compare-and-set head, the day's evaluation
 * is replaced as a whole.
 */
import { isoUtc, utcDay, type EpochSec } from '../domain/time';
import { isFinal } from '../domain/lifecycle/action-machine';
import type { EvaluationSummary, LifecycleStore } from '../ports/lifecycle-ports';
import type { Subject } from '../domain/lifecycle/types';
import { evaluateLifecycle, evaluationCounts, type LifecycleEvaluateDeps, type LifecycleResourceView, type LifecycleView } from './lifecycle-evaluate';
import { makeLifecycleActions, type AdvanceOutcome, type LifecycleActionDeps, type LifecycleActions } from './lifecycle-actions';

export interface LifecycleRunDeps extends LifecycleEvaluateDeps {
  actions: LifecycleActions;
  /** Who the function acts as in action records. */
  actor: string;
}

export interface LifecycleRunResult {
  evaluated: boolean;
  day: string;
  subjects: number;
  proposed: string[];
  advanced: { actionId: string; status: string; steps: string[]; error?: string; waiting?: string }[];
  errors: string[];
}

const brief = (o: AdvanceOutcome) => ({ actionId: o.record.actionId, status: o.record.status, steps: o.steps, ...(o.error ? { error: o.error } : {}), ...(o.waiting ? { waiting: o.waiting } : {}) });

/** Record proposals for the subjects whose mode asks for them (approve, auto); recommend mode only shows them. */
async function propose(d: LifecycleRunDeps, view: LifecycleView, out: LifecycleRunResult): Promise<void> {
  for (const r of view.resources) {
    const p = r.proposal;
    if (!p.ready || p.action === 'none' || r.excluded || r.action || r.mode === 'recommend') continue;
    if (!r.managed) continue; // IAM would refuse: shown as a recommendation with the warning instead
    try {
      const subject: Subject = { kind: r.kind, region: r.region, name: r.kind === 'model-package' ? r.subjectKey.split('#').slice(2).join('#') : r.resource };
      const { record, created } = await d.actions.request({
        subject, action: p.action, mode: r.mode, by: d.actor, reason: p.reason, approved: false, proposal: p, demo: r.demo, owner: r.owner,
      });
      if (created) out.proposed.push(record.actionId);
    } catch (e) {
      out.errors.push(`${r.resource}: proposal not recorded: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** Store the view of one day (replacing it), with the counts the KPI reads. */
export async function storeEvaluation(store: LifecycleStore, view: LifecycleView, extra: Pick<EvaluationSummary, 'proposed' | 'executed' | 'errors'>): Promise<EvaluationSummary> {
  const summary: EvaluationSummary = { day: utcDay(view.atSec), atSec: view.atSec, subjects: view.resources.length, ...evaluationCounts(view), demo: view.demo, ...extra };
  await store.putEvaluation(summary, view.resources);
  return summary;
}

/** One run of the lifecycle function (`force` evaluates even when today's evaluation exists). */
export const makeLifecycleRun = (d: LifecycleRunDeps) =>
  async (o: { force?: boolean; subject?: Subject } = {}): Promise<LifecycleRunResult> => {
    const nowSec: EpochSec = d.clock.nowSec();
    const day = utcDay(nowSec);
    const out: LifecycleRunResult = { evaluated: false, day, subjects: 0, proposed: [], advanced: [], errors: [] };
    if (o.subject) {
      // An endpoint state change: continue only that subject's open action (e.g. InService after CreateEndpoint).
      const open = await d.actions.openAction(o.subject);
      if (open) out.advanced.push(brief(await d.actions.advance(open.actionId, d.actor)));
      return out;
    }
    for (const a of await d.actions.advanceDue(d.actor)) out.advanced.push(brief(a));
    if (!o.force && (await d.store.getEvaluation(day))) return out;
    const view = await evaluateLifecycle(d);
    out.evaluated = true;
    out.subjects = view.resources.length;
    out.errors.push(...view.errors);
    await propose(d, view, out);
    // Auto proposals with no veto window run at once; the others wait for their window (next runs).
    for (const id of out.proposed) {
      const a = await d.actions.advance(id, d.actor);
      if (a.steps.length) out.advanced.push(brief(a));
    }
    const fresh = out.proposed.length || out.advanced.length ? await evaluateLifecycle(d) : view;
    await storeEvaluation(d.store, fresh, { proposed: out.proposed, executed: out.advanced.filter((a) => a.status === 'parked' || a.status === 'applied').map((a) => a.actionId), errors: out.errors });
    return out;
  };

/**
 * The view as the API and dashboard show it: the newest stored evaluation, with each subject's action status
 * brought up to date from the records (a park or unpark since the evaluation shows at once).
 */
export async function storedLifecycleView(store: LifecycleStore, atSec: EpochSec): Promise<{ view: LifecycleResourceView[]; evaluatedAt: EpochSec | undefined; demo: boolean }> {
  const latest = await store.latestEvaluation(atSec);
  if (!latest) return { view: [], evaluatedAt: undefined, demo: false };
  const resources = (await store.evaluationResources(latest.day)) as LifecycleResourceView[];
  const actions = await store.listActions();
  const newest = new Map<string, (typeof actions)[number]>();
  for (const a of actions) {
    const k = `${a.subject.kind}#${a.subject.region}#${a.subject.name}`;
    const cur = newest.get(k);
    if (!cur || a.createdAtSec >= cur.createdAtSec) newest.set(k, a);
  }
  for (const r of resources) {
    const a = newest.get(r.subjectKey);
    if (!a) continue;
    const last = a.history[a.history.length - 1]?.atSec ?? a.createdAtSec;
    if (isFinal(a.status) && last < latest.atSec && !r.action) continue; // finished before the evaluation: already reflected
    r.action = { actionId: a.actionId, action: a.action, status: a.status, since: isoUtc(last), ...(a.lastError ? { lastError: `${a.lastError.step}: ${a.lastError.message}` } : {}) };
    if (['parked', 'applied', 'scaling-removed', 'deleting'].includes(a.status)) r.state = 'parked';
    else if (a.status === 'restored' && r.state === 'parked') r.state = 'active';
  }
  return { view: resources, evaluatedAt: latest.atSec, demo: latest.demo };
}

/** What the lifecycle function gets: the evaluation's and the actions' dependencies over one store and one cloud. */
export type LifecycleFunctionDeps = LifecycleEvaluateDeps & Omit<LifecycleActionDeps, 'cloud'> & { cloud: NonNullable<LifecycleEvaluateDeps['cloud']>; actor: string };

/** The scheduled function's use case, built from its deps. */
export const makeLifecycleFunction = (d: LifecycleFunctionDeps) => makeLifecycleRun({ ...d, actions: makeLifecycleActions(d) });
