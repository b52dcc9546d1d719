/**
 * Use case: what the CLI and the API offer — the lifecycle list, park / unpark / approve / undo / propose requests
 * (with `--dry-run`), the savings ledger and right-sizing — over one store and, where this process may act (the CLI
 * and `npm start` locally), a cloud. Without a cloud (the api function in AWS, which has no SageMaker rights) a
 * request is recorded on the action and the lifecycle function carries it out on its next run.
 */
import type { LifecycleCloud } from '../ports/lifecycle-ports';
import type { LifecycleActionRequest } from '../contracts/lifecycle';
import type { AwsCall } from '../domain/lifecycle/aws-calls';
import { restoreCostOf } from '../domain/lifecycle/ladder';
import type { LifecycleActionKind, Proposal, Subject } from '../domain/lifecycle/types';
import { makeLifecycleActions, LifecycleNotFoundError, LifecycleRefusedError, type AdvanceOutcome, type LifecycleActionDeps } from './lifecycle-actions';
import { evaluateLifecycle, type LifecycleEvaluateDeps, type LifecycleResourceView } from './lifecycle-evaluate';
import { storedLifecycleView } from './lifecycle-run';
import { OverlayStore, RecordingCloud } from './lifecycle-dry-run';
import { ledgerReport, type LedgerDeps } from './lifecycle-ledger';
import { rightsizingReport, type RightsizingDeps } from './lifecycle-rightsizing';
import type { Window } from '../domain/time';

/** A request that names its subject ambiguously or wrongly: a usage error naming the field (400 / exit 2). */
export class LifecycleRequestError extends Error {
  readonly retryable = false;
  readonly exitCode = 2;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'LifecycleRequestError';
  }
}

export type LifecycleServiceDeps = Omit<LifecycleEvaluateDeps, 'cloud'> &
  Omit<LifecycleActionDeps, 'cloud'> &
  Omit<LedgerDeps, 'store' | 'footprint'> &
  Omit<RightsizingDeps, 'store' | 'footprint' | 'lookupInstance'> & {
    /** Present where this process may act on the cloud (CLI, local server); absent in the api function. */
    cloud?: LifecycleCloud;
  };

export interface ActOutcome {
  op: LifecycleActionRequest['op'];
  resource: string;
  region: string;
  kind: Subject['kind'];
  actionId: string;
  action: LifecycleActionKind;
  status: string;
  steps: string[];
  waiting?: string;
  error?: string;
  dryRun: boolean;
  /** The AWS calls (dry run: what would be sent; reads included for context). */
  calls?: AwsCall[];
}

/** The action a `park` request means for each kind of subject. */
const PARK_ACTION: Record<Subject['kind'], LifecycleActionKind> = { endpoint: 'park', 'inference-component': 'scale-to-zero', 'model-package': 'archive-package' };

const subjectOf = (r: LifecycleResourceView): Subject => ({ kind: r.kind, region: r.region, name: r.subjectKey.split('#').slice(2).join('#') });

export function makeLifecycleService(d: LifecycleServiceDeps) {
  const view = async (): Promise<{ resources: LifecycleResourceView[]; at: number; fresh: boolean; demo: boolean; errors: string[] }> => {
    if (d.cloud) {
      const v = await evaluateLifecycle({ ...d, cloud: d.cloud });
      return { resources: v.resources, at: v.atSec, fresh: true, demo: v.demo, errors: v.errors };
    }
    const s = await storedLifecycleView(d.store, d.clock.nowSec());
    return { resources: s.view, at: s.evaluatedAt ?? d.clock.nowSec(), fresh: false, demo: s.demo, errors: s.evaluatedAt === undefined ? ['no lifecycle evaluation stored yet (the lifecycle function evaluates once a day)'] : [] };
  };

  /** The view entry a request names: by endpoint/component name, package ARN or group/version; region when ambiguous. */
  const resolve = async (resource: string, region?: string): Promise<LifecycleResourceView> => {
    const all = (await view()).resources;
    const hits = all.filter((r) => (r.resource === resource || subjectOf(r).name === resource) && (!region || r.region === region));
    if (!hits.length) throw new LifecycleNotFoundError(`no lifecycle subject "${resource}"${region ? ` in ${region}` : ''} (see lifecycle list --all)`);
    if (hits.length > 1) throw new LifecycleRequestError('region', `"${resource}" exists in ${hits.map((h) => h.region).join(', ')}: name the region`);
    return hits[0];
  };

  const proposalFor = (r: LifecycleResourceView, action: LifecycleActionKind, by: string): Proposal =>
    r.proposal.action === action
      ? r.proposal
      : {
          action, expectedSavingKgCo2ePerMonth: null, expectedSavingRangeKgCo2ePerMonth: null, expectedSavingKwhPerMonth: null,
          restoreTime: restoreCostOf(action).restoreTime, restoreNote: restoreCostOf(action).note, ready: false, reason: `requested by ${by} (${r.state})`, warnings: [],
        };

  const act = async (req: LifecycleActionRequest): Promise<ActOutcome> => {
    const r = await resolve(req.resource, req.region);
    const subject = subjectOf(r);
    if (req.dryRun && !d.cloud) throw new LifecycleRequestError('dryRun', 'a dry run needs read access to the cloud: run it with the CLI (or where the lifecycle function runs)');
    const recorder = req.dryRun && d.cloud ? new RecordingCloud(d.cloud) : undefined;
    const store = req.dryRun ? new OverlayStore(d.store) : d.store;
    // No cloud: a stand-in that refuses, so nothing but the record moves (advance is never called then).
    const cloud = recorder ?? d.cloud;
    const actions = makeLifecycleActions({ ...d, store, cloud: cloud ?? refusingCloud, publisher: req.dryRun ? undefined : d.publisher, actor: req.by });
    const execute = cloud !== undefined;
    let out: AdvanceOutcome;
    let action: LifecycleActionKind;
    if (req.op === 'park' || req.op === 'propose') {
      action = req.action ?? PARK_ACTION[r.kind];
      if (r.excluded) throw new LifecycleRefusedError(`${r.resource} is excluded: ${r.excluded}`);
      const { record } = await actions.request({ subject, action, mode: r.mode, by: req.by, reason: req.reason, approved: req.op === 'park', proposal: proposalFor(r, action, req.by), demo: r.demo, owner: r.owner });
      out = execute && req.op === 'park' ? await actions.advance(record.actionId, req.by) : { record, steps: [record.status], ...(req.op === 'park' ? { waiting: 'requested; the lifecycle function carries it out within the hour' } : {}) };
    } else if (req.op === 'approve') {
      const open = await actions.openAction(subject);
      if (!open) throw new LifecycleNotFoundError(`${r.resource}: no proposal to approve`);
      action = open.action;
      out = await actions.approve(subject, req.by, req.reason, { advance: execute });
    } else {
      const open = await actions.openAction(subject);
      if (!open) throw new LifecycleNotFoundError(`${r.resource}: no open lifecycle action to ${req.op}`);
      if (req.op === 'unpark' && open.action !== 'park' && open.action !== 'scale-to-zero') throw new LifecycleRequestError('op', `${r.resource}'s open action is ${open.action}: use undo`);
      action = open.action;
      out = await actions.undo(subject, req.by, req.reason, { advance: execute });
    }
    return {
      op: req.op, resource: r.resource, region: r.region, kind: r.kind, actionId: out.record.actionId, action, status: out.record.status, steps: out.steps,
      ...(out.waiting ? { waiting: out.waiting } : {}), ...(out.error ? { error: out.error } : {}), dryRun: req.dryRun, ...(recorder ? { calls: recorder.calls } : {}),
    };
  };

  return {
    view,
    resolve,
    act,
    ledger: (w: Window) => ledgerReport(d, w, d.clock.nowSec()),
    rightsizing: () => rightsizingReport(d, d.clock.nowSec()),
  };
}

export type LifecycleService = ReturnType<typeof makeLifecycleService>;

/** Where no cloud is reachable: any call is refused (only record transitions happen there). */
const refuse = async (): Promise<never> => {
  throw new LifecycleRefusedError('this process cannot call the cloud; the lifecycle function carries the request out');
};
const refusingCloud: LifecycleCloud = new Proxy({} as LifecycleCloud, { get: () => refuse });
