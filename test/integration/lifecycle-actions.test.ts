/**
 * Park / unpark as durable state machines, against the real DynamoDB API (dynalite) and the local SageMaker
 * stand-in: the round trip restores the endpoint with its config, tags and auto scaling; every request is idempotent
 * and records who and why; and a failure injected at every step of a park (every cloud call and every store write,
 * the process "dying" there) still leaves enough recorded for unpark to bring the endpoint back.
 */
import type { LifecycleCloud, LifecycleStore } from '../../shared/ports/lifecycle-ports';
import { variantResourceId } from '../../shared/domain/lifecycle/aws-calls';
import { isFinal } from '../../shared/domain/lifecycle/action-machine';
import { LifecycleConflictError } from '../../shared/use-cases/lifecycle-actions';
import { endpointSubject, EP, HOUR, NOW, packageSubject, parkProposal, REGION, startLifecycleWorld, type LifecycleWorld } from '../helpers/lifecycle-world';

jest.setTimeout(240_000);

const park = async (w: LifecycleWorld, o: Parameters<LifecycleWorld['actions']>[0] = {}) => {
  const a = w.actions(o);
  const { record } = await a.request({ subject: endpointSubject, action: 'park', mode: 'recommend', by: 'alice', reason: 'idle 9 days', approved: true, proposal: parkProposal, demo: false });
  return a.advance(record.actionId, 'alice');
};
const unpark = (w: LifecycleWorld, o: Parameters<LifecycleWorld['actions']>[0] = {}) => w.actions(o).undo(endpointSubject, 'bob', 'traffic is back');

/** What must hold once the endpoint serves again: same config and tags, auto scaling as before (new policy ARNs). */
async function expectRestored(w: LifecycleWorld) {
  const ep = await w.sm.describeEndpoint(REGION, EP);
  expect(ep).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: `${EP}-config` });
  expect(await w.sm.listTags(REGION, ep!.EndpointArn)).toMatchObject({ team: 'nlp', 'carbonpilot:managed': 'true' });
  const id = variantResourceId(EP, 'AllTraffic');
  expect(await w.sm.describeScalableTargets(REGION, [id])).toEqual([expect.objectContaining({ ResourceId: id, MinCapacity: 1, MaxCapacity: 3 })]);
  const policies = await w.sm.describeScalingPolicies(REGION, id);
  expect(policies.map((p) => p.PolicyName).sort()).toEqual(['step', 'tt']);
  const step = policies.find((p) => p.PolicyName === 'step')!;
  const [alarm] = await w.sm.describeAlarms(REGION, ['cpu-high']);
  expect(alarm.AlarmActions).toEqual([step.PolicyARN]);
  expect(step.Alarms.map((a) => a.AlarmName)).toContain('cpu-high');
}

describe('park and unpark round-trip', () => {
  let w: LifecycleWorld;
  beforeEach(async () => (w = await startLifecycleWorld()));
  afterEach(() => w.close());

  it('parks: snapshot first, scaling deregistered, endpoint deleted (config and model kept), ledger booked, event published', async () => {
    const out = await park(w);
    expect(out.steps).toEqual(['snapshot-saved', 'scaling-removed', 'deleting', 'parked']);
    expect(out.record).toMatchObject({ status: 'parked', createdBy: 'alice', reason: 'idle 9 days', effectiveFromSec: NOW });
    expect(await w.sm.describeEndpoint(REGION, EP)).toBeUndefined();
    expect(await w.sm.describeEndpointConfig(REGION, `${EP}-config`)).toBeDefined();
    const snap = await w.stores.lifecycle.getSnapshot(out.record.actionId);
    expect(snap).toMatchObject({ kind: 'endpoint', endpoint: { endpoint: { EndpointName: EP, EndpointConfigName: `${EP}-config` }, scalableTargets: [expect.objectContaining({ MinCapacity: 1, MaxCapacity: 3 })] } });
    const [entry] = await w.stores.lifecycle.listLedger();
    // Basis: the measured idle run (0.1 kWh IT per hour), 2 instances × 1 A10G.
    expect(entry).toMatchObject({ actionId: out.record.actionId, effectiveFromSec: NOW, basis: { pue: 1.2, gpus: 2, instances: 2 } });
    expect(entry.basis!.itKwhPerHour.point).toBeCloseTo(0.1, 9);
    expect(w.events.map((e) => [e.detailType, e.detail.phase])).toEqual([['Lifecycle Action Executed', 'effect']]);
  });

  it('unparks: CreateEndpoint with the kept config and tags, InService, auto scaling re-registered (alarm on the new policy ARN)', async () => {
    const parked = await park(w);
    w.clock.set(NOW + 5 * HOUR);
    const out = await unpark(w);
    expect(out.steps).toEqual(['restoring', 'creating', 'in-service', 'restored']);
    expect(out.record).toMatchObject({ status: 'restored', effectiveToSec: NOW + 5 * HOUR });
    expect(out.record.history.map((h) => [h.to, h.by])).toContainEqual(['restoring', 'bob']);
    await expectRestored(w);
    expect((await w.stores.lifecycle.listLedger())[0].effectiveToSec).toBe(NOW + 5 * HOUR);
    expect((await w.stores.lifecycle.getHead(`endpoint#${REGION}#${EP}`))?.openActionId).toBeUndefined();
    expect(w.events.map((e) => e.detail.phase)).toEqual(['effect', 'undo']);
    // A second park is a new episode with its own id.
    w.clock.set(NOW + 9 * HOUR);
    const again = await park(w);
    expect(again.record.actionId).not.toBe(parked.record.actionId);
    expect(again.record.actionId).toMatch(/-2$/);
  });

  it('is idempotent: the same request twice is one action; advancing a parked action again changes nothing', async () => {
    const first = await park(w);
    const a = w.actions();
    const { record, created } = await a.request({ subject: endpointSubject, action: 'park', mode: 'recommend', by: 'alice', reason: 'again', approved: true, proposal: parkProposal, demo: false });
    expect(created).toBe(false);
    expect(record.actionId).toBe(first.record.actionId);
    expect((await a.advance(record.actionId)).steps).toEqual([]);
    await expect(a.request({ subject: endpointSubject, action: 'scale-to-zero', mode: 'recommend', by: 'x', reason: 'y', approved: true, proposal: parkProposal, demo: false })).rejects.toThrow(LifecycleConflictError);
  });

  it('two concurrent runners advance the same action to the same end, without a second DeleteEndpoint or CreateEndpoint', async () => {
    const a = w.actions();
    const { record } = await a.request({ subject: endpointSubject, action: 'park', mode: 'recommend', by: 'alice', reason: 'idle', approved: true, proposal: parkProposal, demo: false });
    const results = await Promise.allSettled([a.advance(record.actionId), w.actions().advance(record.actionId)]);
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    await w.actions().advance(record.actionId); // whoever lost the race resumes from where the winner stopped
    expect((await w.stores.lifecycle.getAction(record.actionId))!.status).toBe('parked');
    expect((await w.sm.endpointHistories()).get(`${REGION}#${EP}`)).toHaveLength(1);
  });

  it('refuses at execution what must not be parked, recording why (keep-warm tag)', async () => {
    await w.close();
    w = await startLifecycleWorld({ tags: { 'carbonpilot:keep-warm': 'true' } });
    const out = await park(w);
    expect(out.record.status).toBe('failed');
    expect(out.record.history.at(-1)!.why).toMatch(/keep-warm/);
    expect(await w.sm.describeEndpoint(REGION, EP)).toBeDefined();
  });

  it('refuses an endpoint not tagged carbonpilot:managed=true (the IAM scope)', async () => {
    await w.close();
    w = await startLifecycleWorld({ tags: { 'carbonpilot:managed': 'no' } });
    expect((await park(w)).record.history.at(-1)!.why).toMatch(/carbonpilot:managed=true/);
  });
});

describe('approve and auto modes: proposals, approval, veto window', () => {
  let w: LifecycleWorld;
  beforeEach(async () => (w = await startLifecycleWorld()));
  afterEach(() => w.close());

  it('approve mode: a proposal waits for approval (owner notified), then for the veto window, then runs', async () => {
    const a = w.actions({ vetoWindowSec: 24 * HOUR });
    const { record } = await a.request({ subject: endpointSubject, action: 'park', mode: 'approve', by: 'lifecycle-function', reason: 'cold', approved: false, proposal: parkProposal, demo: false, owner: 'nlp' });
    expect(w.events[0]).toMatchObject({ detailType: 'Lifecycle Action Proposed', detail: { owner: 'nlp', mode: 'approve', expectedSavingKgCo2ePerMonth: 21.9, restoreTime: 'PT15M' } });
    expect((await a.advance(record.actionId)).waiting).toMatch(/waiting for approval/);
    w.clock.set(NOW + 2 * HOUR);
    const approved = await a.approve(endpointSubject, 'carol', 'ok');
    expect(approved.record).toMatchObject({ status: 'approved', approvedBy: 'carol', notBeforeSec: NOW + 24 * HOUR });
    expect(approved.waiting).toMatch(/veto window/);
    w.clock.set(NOW + 24 * HOUR);
    expect((await a.advanceDue()).map((o) => o.record.status)).toEqual(['parked']);
  });

  it('auto mode: runs once the veto window passed without a veto; a veto (undo) cancels it', async () => {
    const a = w.actions({ vetoWindowSec: 6 * HOUR });
    const { record } = await a.request({ subject: endpointSubject, action: 'park', mode: 'auto', by: 'lifecycle-function', reason: 'cold', approved: false, proposal: parkProposal, demo: false });
    w.clock.set(NOW + 5 * HOUR);
    expect(await a.advanceDue()).toEqual([]);
    const vetoed = await a.undo(endpointSubject, 'owner', 'still needed');
    expect(vetoed.record.status).toBe('cancelled');
    expect(await w.sm.describeEndpoint(REGION, EP)).toBeDefined();
    // A new proposal after the veto; this time nobody objects.
    const next = await a.request({ subject: endpointSubject, action: 'park', mode: 'auto', by: 'lifecycle-function', reason: 'cold', approved: false, proposal: parkProposal, demo: false });
    expect(next.record.actionId).not.toBe(record.actionId);
    w.clock.set(NOW + 12 * HOUR);
    const [ran] = await a.advanceDue();
    expect(ran.record.status).toBe('parked');
    expect(ran.record.history.find((h) => h.to === 'approved')!.why).toMatch(/veto window passed/);
  });
});

describe('registry archive and artefact tagging (undoable)', () => {
  let w: LifecycleWorld;
  beforeEach(async () => (w = await startLifecycleWorld()));
  afterEach(() => w.close());

  it('archives a package as ModelLifeCycle Archived and restores the previous stage', async () => {
    const a = w.actions();
    const { record } = await a.request({ subject: packageSubject, action: 'archive-package', mode: 'recommend', by: 'alice', reason: 'frozen', approved: true, proposal: { ...parkProposal, action: 'archive-package' }, demo: false });
    expect((await a.advance(record.actionId)).record.status).toBe('applied');
    expect((await w.sm.describeModelPackage(REGION, packageSubject.name))!.lifeCycle).toMatchObject({ Stage: 'Archived', StageStatus: 'Archived' });
    expect((await a.undo(packageSubject, 'bob', 'needed')).record.status).toBe('restored');
    expect((await w.sm.describeModelPackage(REGION, packageSubject.name))!.lifeCycle).toEqual({ Stage: 'Production', StageStatus: 'Deployed' });
  });

  it('tags the package artefacts for the archive lifecycle rule, keeping their own tags, and undoes it', async () => {
    const a = w.actions();
    const { record } = await a.request({ subject: packageSubject, action: 'archive-artefacts', mode: 'recommend', by: 'alice', reason: 'frozen', approved: true, proposal: { ...parkProposal, action: 'archive-artefacts' }, demo: false });
    const obj = { Bucket: 'carbonpilot-demo-models-eu-west-1', Key: 'pkg/model.tar.gz' };
    await w.sm.putObjectTagging(REGION, { ...obj, Tagging: { TagSet: [{ Key: 'owner', Value: 'nlp' }] } });
    await a.advance(record.actionId);
    expect(await w.sm.getObjectTagging(REGION, obj)).toEqual({ owner: 'nlp', 'carbonpilot:archive': 'GLACIER_IR' });
    await a.undo(packageSubject, 'bob', 'restore');
    expect(await w.sm.getObjectTagging(REGION, obj)).toEqual({ owner: 'nlp' });
  });
});

/** Counts calls; from call `failAt` on, every call fails (the process died there) until `heal()`. */
class Crash {
  calls = 0;
  failAt = Infinity;
  log: string[] = [];
  heal() {
    this.failAt = Infinity;
  }
  wrap<T extends object>(target: T, label: string, only?: (name: string) => boolean): T {
    return new Proxy(target, {
      get: (t, name: string | symbol) => {
        const f = (t as Record<string | symbol, unknown>)[name];
        if (typeof f !== 'function' || (only && !only(String(name)))) return typeof f === 'function' ? f.bind(t) : f;
        return async (...args: unknown[]) => {
          const n = ++this.calls;
          this.log.push(`${label}.${String(name)}`);
          if (n >= this.failAt) throw Object.assign(new Error(`injected failure at call ${n} (${label}.${String(name)})`), { name: 'InjectedFailure' });
          return (f as (...a: unknown[]) => unknown).apply(t, args);
        };
      },
    });
  }
}

const STORE_WRITES = new Set(['putAction', 'putHead', 'putSnapshot', 'putLedgerEntry', 'endLedgerEntry']);

describe('a failure at every step still leaves enough recorded to restore', () => {
  const faultyDeps = (w: LifecycleWorld, crash: Crash) => ({ cloud: crash.wrap<LifecycleCloud>(w.sm, 'cloud'), store: crash.wrap<LifecycleStore>(w.stores.lifecycle, 'store', (n) => STORE_WRITES.has(n)) });

  it('a park that dies at any of its calls (cloud or store), restarted, is brought back by unpark', async () => {
    // Prepare: the calls of a clean park, in order.
    const clean = await startLifecycleWorld({ tableName: 'crash-clean' });
    const counter = new Crash();
    await park(clean, faultyDeps(clean, counter));
    await clean.close();
    expect(counter.log.indexOf('store.putSnapshot')).toBeLessThan(counter.log.indexOf('cloud.deregisterScalableTarget'));
    expect(counter.log.indexOf('store.putSnapshot')).toBeLessThan(counter.log.indexOf('cloud.deleteEndpoint'));
    expect(counter.log).toEqual(expect.arrayContaining(['cloud.describeEndpoint', 'cloud.describeScalableTargets', 'cloud.describeAlarms', 'store.putLedgerEntry', 'store.putAction', 'store.putHead']));
    const n = counter.calls;
    expect(n).toBeGreaterThanOrEqual(15);
    for (let k = 1; k <= n; k++) {
      const w = await startLifecycleWorld({ tableName: `crash-park-${k}` });
      try {
        // Act: the park dies at call k (and every call after it), then the process restarts and unparks.
        const crash = new Crash();
        crash.failAt = k;
        await expect(park(w, faultyDeps(w, crash))).rejects.toThrow(/injected failure/);
        crash.heal();
        w.clock.set(NOW + HOUR);
        const open = await w.actions().openAction(endpointSubject);
        if (open) expect(['restored', 'cancelled']).toContain((await unpark(w)).record.status);
        // Assess
        await expectRestored(w).catch((e: Error) => {
          throw new Error(`after dying at call ${k} (${counter.log[k - 1]}): ${e.message}`);
        });
      } finally {
        await w.close();
      }
    }
  });

  it('an unpark that dies at any of its calls is finished by running unpark again', async () => {
    const clean = await startLifecycleWorld({ tableName: 'crash-unpark-clean' });
    await park(clean);
    const counter = new Crash();
    await unpark(clean, faultyDeps(clean, counter));
    await clean.close();
    expect(counter.log).toEqual(expect.arrayContaining(['cloud.createEndpoint', 'cloud.registerScalableTarget', 'cloud.putScalingPolicy', 'cloud.putMetricAlarm', 'store.endLedgerEntry']));
    for (let k = 1; k <= counter.calls; k++) {
      const w = await startLifecycleWorld({ tableName: `crash-unpark-${k}` });
      try {
        await park(w);
        const crash = new Crash();
        crash.failAt = k;
        await unpark(w, faultyDeps(w, crash)).catch(() => undefined);
        crash.heal();
        // The restore either still has an open action (this unpark finishes it) or already reached `restored`
        // (only the head's release was lost: harmless, the next request opens a new episode).
        if (await w.actions().openAction(endpointSubject)) expect((await unpark(w)).record.status).toBe('restored');
        expect((await w.stores.lifecycle.listActions()).map((a) => a.status)).toEqual(['restored']);
        await expectRestored(w).catch((e: Error) => {
          throw new Error(`after the unpark died at call ${k} (${counter.log[k - 1]}): ${e.message}`);
        });
      } finally {
        await w.close();
      }
    }
  });
});
