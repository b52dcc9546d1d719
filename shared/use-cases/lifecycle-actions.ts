/**
 * Use case: lifecycle actions as durable state machines (shared/domain/lifecycle/action-machine.ts). Each step makes
 * its idempotent AWS calls, then moves the record by one compare-and-set write; a step that fails leaves the record
 * where it was, with the error on it, and the next `advance` (the hourly function, the CLI, the API) resumes there.
 * The park snapshot (description, endpoint config, tags, scalable targets, policies, alarms) is stored before any
 * change, so from every later status undo/unpark can recreate the endpoint. Every request records who and why.
 */
import type { Clock, EventPublisher, FootprintStore } from '../ports';
import type { LifecycleCloud, LifecycleStore } from '../ports/lifecycle-ports';
import { DAY_SEC, isoUtc, type EpochSec } from '../domain/time';
import { resourceKey, type ResourceRef } from '../domain/types';
import type { InstanceSpec } from '../domain/power/instance-catalog';
import {
  actionIdFor,
  canTransition,
  isDue,
  isFinal,
  newActionRecord,
  transition,
  undoTarget,
} from '../domain/lifecycle/action-machine';
import {
  alarmsToRestore,
  archivePackageInput,
  archiveTaggingInput,
  createEndpointInput,
  deleteEndpointInput,
  deregisterScalableTargetInput,
  parseS3Url,
  putMetricAlarmInput,
  putScalingPolicyInput,
  registerScalableTargetInput,
  restorePackageInput,
  restoreTaggingInput,
  scaleToZeroInputs,
  componentResourceId,
  variantResourceId,
} from '../domain/lifecycle/aws-calls';
import { endpointIdleness, variantIdleness } from '../domain/lifecycle/cold-detection';
import { subjectSettings, type LifecycleDefaults } from '../domain/lifecycle/settings';
import {
  subjectKey,
  type ActionRecord,
  type ActionSnapshot,
  type ActionStatus,
  type EndpointSnapshot,
  type LedgerBasis,
  type LedgerEntry,
  type LifecycleActionKind,
  type LifecycleMode,
  type Proposal,
  type Subject,
} from '../domain/lifecycle/types';
import { LifecycleDetailTypes } from '../contracts/lifecycle';
import { EVENT_SOURCE } from '../pipeline';

export interface LifecycleActionDeps {
  store: LifecycleStore;
  cloud: LifecycleCloud;
  footprint: FootprintStore;
  clock: Clock;
  defaults: LifecycleDefaults;
  lookupInstance: (instanceType: string) => InstanceSpec | undefined;
  publisher?: EventPublisher;
  /** Who the scheduled function acts as in records ("lifecycle-function"). */
  actor?: string;
}

/** No such subject (endpoint, component, package) in the cloud or no open action for it: terminal. */
export class LifecycleNotFoundError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'LifecycleNotFoundError';
  }
}

/** The request conflicts with the subject's open action or its state (another action open, nothing to undo): terminal. */
export class LifecycleConflictError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'LifecycleConflictError';
  }
}

/** The action must not run on this subject (keep-warm tag, shadow test, not tagged carbonpilot:managed): terminal. */
export class LifecycleRefusedError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'LifecycleRefusedError';
  }
}

export interface AdvanceOutcome {
  record: ActionRecord;
  /** Statuses passed through in this call, in order. */
  steps: ActionStatus[];
  /** The step that failed (the record stays at its status with `lastError`). */
  error?: string;
  /** Why the record waits (approval, veto window, endpoint still creating …). */
  waiting?: string;
}

const errorText = (e: unknown): string => (e instanceof Error ? `${e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}` : String(e));
/** Lookback of intervals for the ledger's counterfactual (as cold detection). */
const BASIS_LOOKBACK_SEC = 45 * DAY_SEC;
const MAX_STEPS = 16;

/** A step's own failure that leaves the record where it is (retried by the next advance). */
class StepFailed extends Error {}

/** The actions API over one store and one cloud. */
export function makeLifecycleActions(d: LifecycleActionDeps) {
  const actor = d.actor ?? 'lifecycle-function';
  const now = () => d.clock.nowSec();

  const save = async (r: ActionRecord, next: ActionRecord): Promise<ActionRecord> => {
    if (!(await d.store.putAction(next, r.version))) throw new LifecycleConflictError(`action ${r.actionId} changed under us (version ${r.version}); retry`);
    return next;
  };
  const move = (r: ActionRecord, to: ActionStatus, by: string, why: string, patch?: Parameters<typeof transition>[2]['patch']) =>
    save(r, transition(r, to, { atSec: now(), by, why, patch }));
  const annotate = async (r: ActionRecord, step: string, e: unknown): Promise<ActionRecord> => {
    const next: ActionRecord = { ...r, version: r.version + 1, lastError: { atSec: now(), step, message: errorText(e).slice(0, 1000) } };
    return (await d.store.putAction(next, r.version)) ? next : r;
  };
  const publish = async (detailType: string, detail: Record<string, unknown>) => {
    if (!d.publisher) return;
    await d.publisher.publish([{ source: EVENT_SOURCE, detailType, detail }]);
  };
  /** Announced before the record moves: a crash in between repeats the step and the event (at least once, never lost). */
  const executed = (r: ActionRecord, status: ActionStatus, phase: 'effect' | 'undo', by: string) =>
    publish(LifecycleDetailTypes.executed, { actionId: r.actionId, subject: r.subject, action: r.action, phase, status, by, at: isoUtc(now()), demo: r.demo });

  /** Release the subject's head once its action is final (a new action may start). */
  const release = async (r: ActionRecord) => {
    const key = subjectKey(r.subject);
    for (let attempt = 0; attempt < 5; attempt++) {
      const h = await d.store.getHead(key);
      if (!h || h.openActionId !== r.actionId) return;
      const { openActionId: _gone, ...rest } = h;
      if (await d.store.putHead({ ...rest, version: h.version + 1 }, h.version)) return;
    }
  };

  /** The subject's open action, if any (a head pointing at a record never written is repaired by `request`). */
  const openAction = async (subject: Subject): Promise<ActionRecord | undefined> => {
    const h = await d.store.getHead(subjectKey(subject));
    if (!h?.openActionId) return undefined;
    const r = await d.store.getAction(h.openActionId);
    return r && !isFinal(r.status) ? r : undefined;
  };

  /**
   * Create an action record for a subject (idempotent per episode): claim the subject's head by compare-and-set, then
   * write the record under the head's deterministic id. A second request for the same open action returns it.
   */
  const request = async (o: { subject: Subject; action: LifecycleActionKind; mode: LifecycleMode; by: string; reason: string; approved: boolean; proposal: Proposal; demo: boolean; owner?: string }): Promise<{ record: ActionRecord; created: boolean }> => {
    const key = subjectKey(o.subject);
    for (let attempt = 0; attempt < 5; attempt++) {
      const h = await d.store.getHead(key);
      if (h?.openActionId) {
        const existing = await d.store.getAction(h.openActionId);
        if (existing && !isFinal(existing.status)) {
          if (existing.action !== o.action) throw new LifecycleConflictError(`${o.subject.name} already has an open ${existing.action} action (${existing.actionId}, ${existing.status}); undo it first`);
          if (o.approved && existing.status === 'proposed') return { record: await approveRecord(existing, o.by, o.reason, true), created: false };
          return { record: existing, created: false };
        }
        if (!existing) {
          // The head was claimed but the record not written (a crash between the two): write it now.
          const rec = newActionRecord({ ...o, actionId: h.openActionId, atSec: now(), vetoWindowSec: d.defaults.vetoWindowSec });
          if (await d.store.putAction(rec, 0)) return { record: rec, created: true };
          continue;
        }
      }
      const episodes = (h?.episodes ?? 0) + 1;
      const actionId = actionIdFor(o.action, o.subject, episodes);
      if (!(await d.store.putHead({ subjectKey: key, openActionId: actionId, episodes, version: (h?.version ?? 0) + 1 }, h?.version ?? 0))) continue;
      const rec = newActionRecord({ ...o, actionId, atSec: now(), vetoWindowSec: d.defaults.vetoWindowSec });
      if (await d.store.putAction(rec, 0)) {
        if (!o.approved) {
          // The owner notification: a rule on the CarbonPilot bus routes it (e-mail, chat) to the owner named here.
          await publish(LifecycleDetailTypes.proposed, {
            actionId, subject: o.subject, action: o.action, mode: o.mode, owner: o.owner ?? 'unknown', notBefore: isoUtc(rec.notBeforeSec ?? rec.createdAtSec),
            expectedSavingKgCo2ePerMonth: o.proposal.expectedSavingKgCo2ePerMonth, restoreTime: o.proposal.restoreTime, reason: o.reason, demo: o.demo,
          });
        }
        return { record: rec, created: true };
      }
      const raced = await d.store.getAction(actionId);
      if (raced) return { record: raced, created: false };
    }
    throw new LifecycleConflictError(`${o.subject.name}: the subject's head kept changing under concurrent requests`);
  };

  const approveRecord = async (r: ActionRecord, by: string, why: string, explicitRun = false): Promise<ActionRecord> => {
    if (r.status !== 'proposed') throw new LifecycleConflictError(`action ${r.actionId} is ${r.status}, not proposed`);
    // approve mode: runs once the veto window since the proposal has passed (at once when it already has, or when the
    // approver asked to run it now).
    const notBeforeSec = explicitRun ? now() : Math.max(now(), r.createdAtSec + d.defaults.vetoWindowSec);
    return move(r, 'approved', by, why, { approvedBy: by, approvedAtSec: now(), notBeforeSec });
  };

  // ---- steps ---------------------------------------------------------------------------------------------------

  const variantsOf = async (s: Subject): Promise<ResourceRef[]> =>
    (await d.footprint.listResourcesByKeyPrefix(`endpoint#${s.region}#${s.name}/`)).filter((r) => r.kind === 'endpoint');

  /** The counterfactual basis of a park: the endpoint's measured idle draw (mean over its idle run) and its GPUs. */
  const parkBasis = async (s: Subject, snap: EndpointSnapshot): Promise<{ basis: LedgerBasis | null; keys: string[]; note?: string }> => {
    const variants = await variantsOf(s);
    const w = { startSec: now() - BASIS_LOOKBACK_SEC, endSec: now() + 1 };
    const idle = [];
    for (const v of variants) {
      const vi = variantIdleness(v, await d.footprint.queryResourceIntervals(resourceKey(v), w), d.lookupInstance(v.instanceType)?.acceleratorCount ?? 0);
      if (vi) idle.push(vi);
    }
    const ep = endpointIdleness(idle);
    const instances = snap.endpoint.ProductionVariants.reduce((a, v) => a + (v.CurrentInstanceCount ?? 0), 0);
    const types = snap.config.ProductionVariants.map((v) => v.InstanceType).filter((t): t is string => !!t);
    const gpus = snap.endpoint.ProductionVariants.reduce((a, v) => {
      const t = snap.config.ProductionVariants.find((c) => c.VariantName === v.VariantName)?.InstanceType;
      return a + (v.CurrentInstanceCount ?? 0) * (t ? d.lookupInstance(t)?.acceleratorCount ?? 0 : 0);
    }, 0);
    const keys = variants.map(resourceKey);
    if (!ep || !(ep.idleHours > 0) || !(ep.idleItKwhPerHour.point > 0)) return { basis: null, keys, note: 'no measured idle draw before the action: avoided energy not booked' };
    return {
      basis: { itKwhPerHour: ep.idleItKwhPerHour, pue: ep.pue, gpus, instances, instanceType: [...new Set(types)].join('+'), observedHours: ep.idleHours, method: 'mean measured IT energy per hour over the idle run before the action (footprint intervals)' },
      keys,
    };
  };

  const bookLedger = async (r: ActionRecord, basis: { basis: LedgerBasis | null; keys: string[]; note?: string }) => {
    const e: LedgerEntry = { actionId: r.actionId, subject: r.subject, action: r.action, resourceKeys: basis.keys, effectiveFromSec: now(), basis: basis.basis, ...(basis.note ? { note: basis.note } : {}), demo: r.demo };
    await d.store.putLedgerEntry(e);
  };

  const snapshotOf = async (r: ActionRecord): Promise<ActionSnapshot> => {
    const s = await d.store.getSnapshot(r.actionId);
    if (!s) throw new StepFailed(`no snapshot stored for ${r.actionId}`);
    return s;
  };

  /** approved → snapshot-saved (or failed when the subject is gone or excluded). */
  const takeSnapshot = async (r: ActionRecord, by: string): Promise<ActionRecord> => {
    const { subject: s } = r;
    const fail = (why: string) => move(r, 'failed', by, why);
    let snapshot: ActionSnapshot;
    if (r.action === 'park') {
      const ep = await d.cloud.describeEndpoint(s.region, s.name);
      if (!ep) return fail(`endpoint ${s.name} not found in ${s.region}: nothing to park`);
      if (ep.EndpointStatus !== 'InService') throw new StepFailed(`endpoint ${s.name} is ${ep.EndpointStatus}, not InService; retried later`);
      const config = await d.cloud.describeEndpointConfig(s.region, ep.EndpointConfigName);
      if (!config) return fail(`endpoint config ${ep.EndpointConfigName} not found: the endpoint could not be recreated, so it is not parked`);
      // Variants without a model host inference components, which DeleteEndpoint would delete and CreateEndpoint not bring back.
      if (config.ProductionVariants.some((v) => !v.ModelName)) return fail('hosts inference components: parking would delete them; scale them to zero instead');
      const tags = await d.cloud.listTags(s.region, ep.EndpointArn);
      const refusal = await refusalOf(s, tags);
      if (refusal) return fail(refusal);
      const ids = ep.ProductionVariants.map((v) => variantResourceId(ep.EndpointName, v.VariantName));
      const scalableTargets = await d.cloud.describeScalableTargets(s.region, ids);
      const scalingPolicies = (await Promise.all(scalableTargets.map((t) => d.cloud.describeScalingPolicies(s.region, t.ResourceId)))).flat();
      const alarms = await d.cloud.describeAlarms(s.region, [...new Set(scalingPolicies.flatMap((p) => p.Alarms.map((a) => a.AlarmName)))]);
      snapshot = { kind: 'endpoint', endpoint: { takenAtSec: now(), endpoint: ep, config, tags, scalableTargets, scalingPolicies, alarms } };
    } else if (r.action === 'scale-to-zero') {
      const id = componentResourceId(s.name);
      const scalableTargets = await d.cloud.describeScalableTargets(s.region, [id]);
      const scalingPolicies = await d.cloud.describeScalingPolicies(s.region, id);
      snapshot = { kind: 'scaling', scaling: { takenAtSec: now(), scalableTargets, scalingPolicies } };
    } else {
      const pkg = await d.cloud.describeModelPackage(s.region, s.name);
      if (!pkg) return fail(`model package ${s.name} not found in ${s.region}`);
      const refusal = await refusalOf(s, pkg.tags);
      if (refusal) return fail(refusal);
      if (r.action === 'archive-package') snapshot = { kind: 'package', package: { takenAtSec: now(), modelPackageArn: pkg.arn, ...(pkg.lifeCycle ? { previousModelLifeCycle: pkg.lifeCycle } : {}) } };
      else {
        const objects = pkg.modelDataUrls.map(parseS3Url).filter((x): x is { bucket: string; key: string } => !!x);
        if (!objects.length) return fail('no single-object s3:// model artefact to tag (uncompressed prefixes are not tagged)');
        const artefacts = [];
        for (const o of objects) artefacts.push({ takenAtSec: now(), bucket: o.bucket, key: o.key, previousTags: await d.cloud.getObjectTagging(s.region, { Bucket: o.bucket, Key: o.key }) });
        const cls = subjectSettings(pkg.tags, d.defaults).archiveClass;
        const full = artefacts.find((a) => !archiveTaggingInput(a.bucket, a.key, a.previousTags, cls));
        if (full) return fail(`s3://${full.bucket}/${full.key} already has 10 tags (the S3 maximum): the archive tag cannot be added`);
        snapshot = { kind: 'artefacts', artefacts };
      }
    }
    await d.store.putSnapshot(r.actionId, snapshot); // before anything is changed
    return move(r, 'snapshot-saved', by, 'snapshot stored');
  };

  const refusalOf = async (s: Subject, tags: Record<string, string>): Promise<string | undefined> => {
    const st = subjectSettings(tags, d.defaults);
    if (st.keepWarm) return 'excluded: tagged carbonpilot:keep-warm';
    if (!st.managed) return 'not tagged carbonpilot:managed=true: CarbonPilot may only change resources with that tag (its IAM policy is scoped to it)';
    if (s.kind === 'endpoint') {
      const shadow = (await d.cloud.runningShadowTests(s.region)).find((x) => x.endpointName === s.name);
      if (shadow) return `excluded: shadow test ${shadow.experimentName} is running on it`;
    }
    return undefined;
  };

  /** One step of the effect (snapshot-saved → … → parked | applied). */
  const applyStep = async (r: ActionRecord, by: string): Promise<ActionRecord> => {
    const { subject: s } = r;
    const snap = await snapshotOf(r);
    if (snap.kind === 'endpoint') {
      const e = snap.endpoint;
      if (r.status === 'snapshot-saved') {
        // Deleting the endpoint would deregister its targets anyway (needing DeregisterScalableTarget rights); do it ourselves, from the snapshot.
        for (const t of e.scalableTargets) await d.cloud.deregisterScalableTarget(s.region, deregisterScalableTargetInput(t));
        return move(r, 'scaling-removed', by, `${e.scalableTargets.length} scalable target(s) deregistered`);
      }
      if (r.status === 'scaling-removed') return move(r, 'deleting', by, 'DeleteEndpoint requested (endpoint config and model are kept)');
      if (r.status === 'deleting') {
        await d.cloud.deleteEndpoint(s.region, deleteEndpointInput(e.endpoint.EndpointName));
        await bookLedger(r, await parkBasis(s, e));
        await executed(r, 'parked', 'effect', by);
        return move(r, 'parked', by, 'endpoint deleted; snapshot kept for unpark', { effectiveFromSec: now() });
      }
    } else if (snap.kind === 'scaling') {
      const target = snap.scaling.scalableTargets[0];
      const calls = scaleToZeroInputs(s.name, s.region, target, Math.max(1, target?.MaxCapacity ?? 1));
      await d.cloud.registerScalableTarget(s.region, calls.register);
      const { PolicyARN } = await d.cloud.putScalingPolicy(s.region, calls.policy);
      await d.cloud.putMetricAlarm(s.region, calls.alarm(PolicyARN));
      await d.store.putLedgerEntry({ actionId: r.actionId, subject: s, action: r.action, resourceKeys: [], effectiveFromSec: now(), basis: null, note: 'inference component copies: energy avoided shows in the endpoint\'s instance hours, not booked per component', demo: r.demo });
      await executed(r, 'applied', 'effect', by);
      return move(r, 'applied', by, 'MinCapacity 0 with the wake-up alarm', { effectiveFromSec: now() });
    } else if (snap.kind === 'package') {
      await d.cloud.updateModelPackage(s.region, archivePackageInput(snap.package.modelPackageArn, `CarbonPilot ${r.actionId}: ${r.reason}`));
      await d.store.putLedgerEntry({ actionId: r.actionId, subject: s, action: r.action, resourceKeys: [], effectiveFromSec: now(), basis: null, note: 'registry stage: no compute energy avoided', demo: r.demo });
      await executed(r, 'applied', 'effect', by);
      return move(r, 'applied', by, 'ModelLifeCycle stage Archived', { effectiveFromSec: now() });
    } else {
      const pkg = await d.cloud.describeModelPackage(s.region, s.name);
      const cls = subjectSettings(pkg?.tags ?? {}, d.defaults).archiveClass;
      for (const a of snap.artefacts) {
        const input = archiveTaggingInput(a.bucket, a.key, a.previousTags, cls);
        if (input) await d.cloud.putObjectTagging(s.region, input);
      }
      await d.store.putLedgerEntry({ actionId: r.actionId, subject: s, action: r.action, resourceKeys: [], effectiveFromSec: now(), basis: null, note: 'storage class change: storage energy is not modelled', demo: r.demo });
      await executed(r, 'applied', 'effect', by);
      return move(r, 'applied', by, `${snap.artefacts.length} artefact(s) tagged for the ${cls} lifecycle rule`, { effectiveFromSec: now() });
    }
    throw new StepFailed(`no effect step from ${r.status}`);
  };

  /** One step of the undo (restoring → … → restored). */
  const restoreStep = async (r: ActionRecord, by: string): Promise<ActionRecord | { wait: string }> => {
    const { subject: s } = r;
    const snap = await snapshotOf(r);
    const finish = async (why: string) => {
      const to = r.history.find((h) => h.to === 'in-service')?.atSec ?? now();
      if (r.effectiveFromSec !== undefined) await d.store.endLedgerEntry(r.actionId, to);
      await executed(r, 'restored', 'undo', by);
      const next = await move(r, 'restored', by, why, { effectiveToSec: to });
      await release(next); // a crash before this leaves a head on a final record: the next request starts a new episode
      return next;
    };
    if (snap.kind === 'endpoint') {
      const e = snap.endpoint;
      if (r.status === 'restoring' || r.status === 'creating') {
        const ep = await d.cloud.describeEndpoint(s.region, e.endpoint.EndpointName);
        if (!ep) {
          if (r.status === 'creating') return move(r, 'restoring', by, 'endpoint not found while creating: create again');
          await d.cloud.createEndpoint(s.region, createEndpointInput(e));
          return move(r, 'creating', by, `CreateEndpoint with config ${e.endpoint.EndpointConfigName}`);
        }
        if (ep.EndpointStatus === 'InService') return move(r, 'in-service', by, 'endpoint InService');
        if (ep.EndpointStatus === 'Failed') throw new StepFailed(`endpoint ${s.name} is Failed after CreateEndpoint; delete it and unpark again`);
        if (ep.EndpointStatus === 'Deleting') return { wait: `endpoint ${s.name} is still Deleting; CreateEndpoint follows once it is gone` };
        return r.status === 'creating' ? { wait: `endpoint ${s.name} is ${ep.EndpointStatus}; waiting for InService` } : move(r, 'creating', by, `endpoint ${ep.EndpointStatus}`);
      }
      if (r.status === 'in-service') {
        for (const t of e.scalableTargets) await d.cloud.registerScalableTarget(s.region, registerScalableTargetInput(t));
        const arns = new Map<string, string>();
        for (const p of e.scalingPolicies) arns.set(p.PolicyARN, (await d.cloud.putScalingPolicy(s.region, putScalingPolicyInput(p))).PolicyARN);
        for (const a of alarmsToRestore(e.scalingPolicies, e.alarms)) await d.cloud.putMetricAlarm(s.region, putMetricAlarmInput(a, arns));
        return finish(`auto scaling restored (${e.scalableTargets.length} target(s), ${e.scalingPolicies.length} policy(ies))`);
      }
    } else if (snap.kind === 'scaling') {
      const prev = snap.scaling.scalableTargets[0];
      // Back to the previous minimum (at least one copy, so the component serves again at once).
      await d.cloud.registerScalableTarget(s.region, prev ? registerScalableTargetInput({ ...prev, MinCapacity: Math.max(1, prev.MinCapacity) }) : { ...scaleToZeroInputs(s.name, s.region, undefined, 1).register, MinCapacity: 1 });
      for (const p of snap.scaling.scalingPolicies) await d.cloud.putScalingPolicy(s.region, putScalingPolicyInput(p));
      return finish('previous minimum copies restored (the wake-up policy stays, inert while the minimum is ≥ 1)');
    } else if (snap.kind === 'package') {
      await d.cloud.updateModelPackage(s.region, restorePackageInput(snap.package.modelPackageArn, snap.package.previousModelLifeCycle, `CarbonPilot undo of ${r.actionId}`));
      return finish('previous ModelLifeCycle restored');
    } else {
      for (const a of snap.artefacts) await d.cloud.putObjectTagging(s.region, restoreTaggingInput(a.bucket, a.key, a.previousTags));
      return finish('previous object tags restored');
    }
    throw new StepFailed(`no restore step from ${r.status}`);
  };

  /**
   * Take every step that is due now, until the record waits (approval, veto window, InService) or is final. A failing
   * step is recorded on the record (`lastError`) and stops this call; the record stays where it was.
   */
  const advance = async (actionId: string, by = actor): Promise<AdvanceOutcome> => {
    let r = await d.store.getAction(actionId);
    if (!r) throw new LifecycleNotFoundError(`no action ${actionId}`);
    const steps: ActionStatus[] = [];
    for (let k = 0; k < MAX_STEPS; k++) {
      if (isFinal(r.status) || r.status === 'parked' || r.status === 'applied') return { record: r, steps };
      if (!isDue(r, now())) {
        const waiting =
          r.status === 'proposed'
            ? r.mode === 'auto' ? `auto: runs after the veto window, ${isoUtc(r.notBeforeSec ?? r.createdAtSec)}` : 'waiting for approval (lifecycle approve)'
            : `veto window until ${isoUtc(r.notBeforeSec ?? r.createdAtSec)}`;
        return { record: r, steps, waiting };
      }
      const step = r.status;
      try {
        let next: ActionRecord | { wait: string };
        if (r.status === 'proposed') next = await move(r, 'approved', by, 'auto mode: veto window passed without a veto', { approvedBy: by, approvedAtSec: now() });
        else if (r.status === 'approved') next = await takeSnapshot(r, by);
        else if (r.status === 'restoring' || r.status === 'creating' || r.status === 'in-service') next = await restoreStep(r, by);
        else next = await applyStep(r, by);
        if ('wait' in next) return { record: r, steps, waiting: next.wait };
        r = next;
        steps.push(r.status);
        if (r.status === 'failed' || r.status === 'cancelled') await release(r);
      } catch (e) {
        if (e instanceof LifecycleConflictError) throw e;
        r = await annotate(r, step, e);
        return { record: r, steps, error: `${step}: ${errorText(e)}` };
      }
    }
    return { record: r, steps, waiting: 'step limit reached; the next run continues' };
  };

  /** Undo the subject's open action: cancel it before any effect, restore after (then advance). */
  const undo = async (subject: Subject, by: string, why: string, o: { advance?: boolean } = {}): Promise<AdvanceOutcome> => {
    const r = await openAction(subject);
    if (!r) throw new LifecycleConflictError(`${subject.name}: no open lifecycle action to undo`);
    const to = undoTarget(r.status);
    if (!to) {
      if (r.status === 'restoring' || r.status === 'creating' || r.status === 'in-service') return advance(r.actionId, by); // already being undone
      throw new LifecycleConflictError(`action ${r.actionId} is ${r.status}: nothing to undo`);
    }
    const next = await move(r, to, by, why);
    if (to === 'cancelled') {
      await release(next);
      return { record: next, steps: [to] };
    }
    // Without execution rights (the api function) the request is recorded; the lifecycle function restores it.
    if (o.advance === false) return { record: next, steps: [to], waiting: 'restore requested; the lifecycle function carries it out within the hour' };
    const out = await advance(next.actionId, by);
    return { ...out, steps: [to, ...out.steps] };
  };

  return {
    request,
    advance,
    undo,
    openAction,
    /** Approve a proposal (approve mode); it runs once the veto window has passed. */
    approve: async (subject: Subject, by: string, why: string, o: { runNow?: boolean; advance?: boolean } = {}): Promise<AdvanceOutcome> => {
      const r = await openAction(subject);
      if (!r) throw new LifecycleConflictError(`${subject.name}: no proposal to approve`);
      const approved = await approveRecord(r, by, why, o.runNow ?? false);
      if (o.advance === false) return { record: approved, steps: ['approved'], waiting: `runs after ${isoUtc(approved.notBeforeSec ?? now())} (the lifecycle function carries it out)` };
      return advance(approved.actionId, by);
    },
    /** Every open action whose next step is due, advanced (the hourly run). */
    advanceDue: async (by = actor): Promise<AdvanceOutcome[]> => {
      const out: AdvanceOutcome[] = [];
      for (const r of await d.store.listActions({ openOnly: true })) {
        if (isFinal(r.status) || !isDue(r, now())) continue;
        try {
          out.push(await advance(r.actionId, by));
        } catch (e) {
          out.push({ record: r, steps: [], error: errorText(e) });
        }
      }
      return out;
    },
    canTransition,
  };
}

export type LifecycleActions = ReturnType<typeof makeLifecycleActions>;
