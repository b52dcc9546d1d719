/**
 * The optimisation workflow end to end on real local adapters (dynalite attempt and footprint stores, the durable
 * SageMaker stand-in, local one-time schedules): promotion, rejection for an energy regression, duplicate delivery,
 * manual approval, abort, rollback, a late quality score, an inconclusive measurement — and a crash injected at every
 * step (after each SageMaker side effect, and after each state write before its poll is scheduled) resumes without
 * launching anything twice.
 */
import { AttemptConflictError, OptimiseRequestError, makeAbortOptimisation, makePromoteOptimisation, makeStartOptimisation, makeSubmitQuality } from '../../shared/use-cases/optimise-attempt';
import type { AttemptStatus } from '../../shared/domain/optimisation/attempt-state';
import type { OptimisationGateway, OptimisationStore, OptimiseDeps } from '../../shared/ports/optimisation-ports';
import { InjectedCrash, createdCounts, request, runWorld, startAttempt, startOptimiseHarness, type OptimiseHarness } from '../helpers/optimise-harness';

jest.setTimeout(60_000);

let h: OptimiseHarness;
beforeEach(async () => {
  h = await startOptimiseHarness();
});
afterEach(async () => h.close());

/** What a clean promotion creates: each resource once, one blue/green update, one registry version. */
const ONCE = { CreateOptimizationJob: 1, CreateModel: 1, CreateInferenceExperiment: 1, CreateEndpointConfig: 1, UpdateEndpoint: 1, CreateModelPackageGroup: 1, CreateModelPackage: 1 };

describe('a candidate that saves energy', () => {
  it('is optimised, shadow-tested, measured, promoted blue/green and registered with its figures', async () => {
    // Act
    const id = await startAttempt(h);
    const rec = await runWorld(h, id, { candidateFactor: 0.8 });
    // Assess
    expect(rec.status).toBe('promoted');
    expect(rec.decision?.decision).toBe('promote');
    expect(rec.measurement!.pairedHours).toBe(6);
    expect(rec.measurement!.changePct.point).toBeCloseTo(-20, 0);
    expect(rec.measurement!.changePct.high).toBeLessThan(0);
    expect(createdCounts(h)).toEqual(ONCE);
    const [pkg] = await h.sm.modelPackages();
    expect(pkg.group).toBe('carbonpilot-chat');
    expect(pkg.metadata['carbonpilot:change-pct']).toMatch(/^-20/);
    expect(pkg.metadata['carbonpilot:paired-hours']).toBe('6');
    // The endpoint now serves the candidate model.
    expect((await h.sm.describeEndpoint('us-east-1', 'chat'))!.endpointConfigName).toBe(rec.names.promoteConfig);
    expect(rec.history.map((x) => x.status)).toEqual(['requested', 'optimising', 'optimised', 'candidate-created', 'measuring', 'measured', 'decided', 'promoting', 'deploying', 'promoted']);
  });

  it('every poll delivered twice (and the same start sent twice) launches nothing twice and decides the same', async () => {
    const id = await startAttempt(h);
    await makeStartOptimisation(h.deps)(request()); // the same request again: the same attempt
    const rec = await runWorld(h, id, { candidateFactor: 0.8, deliveries: 2 });
    expect(rec.status).toBe('promoted');
    expect(createdCounts(h)).toEqual(ONCE);
    expect(h.notified).toEqual([id]); // the repeat found the attempt: nothing new to tell the driver
  });
});

describe('a candidate that costs energy', () => {
  it('is rejected for the energy regression with its interval; the shadow is removed and the endpoint untouched', async () => {
    const id = await startAttempt(h);
    const rec = await runWorld(h, id, { candidateFactor: 1.25 });
    expect(rec.status).toBe('rejected');
    expect(rec.decision!.reason).toMatch(/^energy regression: \+2[45] % J\/inference \[\+2\d, \+2\d\]$/);
    expect(h.sm.calls.filter((c) => c.op === 'StopInferenceExperiment').length).toBeGreaterThanOrEqual(1);
    expect(createdCounts(h).UpdateEndpoint).toBeUndefined();
    expect(await h.sm.modelPackages()).toEqual([]);
    h.clock.set(h.clock.nowSec() + 3600); // the stop takes the shadow variant away within minutes
    expect((await h.sm.describeEndpoint('us-east-1', 'chat'))!.shadowVariants).toEqual([]);
    expect((await h.sm.describeEndpoint('us-east-1', 'chat'))!.endpointConfigName).toBe('chat-config');
  });

  it('cannot be promoted by hand (409)', async () => {
    const id = await startAttempt(h);
    await runWorld(h, id, { candidateFactor: 1.25 });
    await expect(makePromoteOptimisation(h.deps)(id)).rejects.toBeInstanceOf(AttemptConflictError);
  });
});

describe('a crash injected at every step', () => {
  /** After the side effect succeeded, before the step could record it. */
  const crashAfterCall = (gw: OptimisationGateway, op: keyof OptimisationGateway): OptimisationGateway => {
    let fired = false;
    return new Proxy(gw, {
      get(target, p) {
        const f = (target as unknown as Record<string | symbol, unknown>)[p];
        if (typeof f !== 'function') return f;
        return async (...args: unknown[]) => {
          const r = await (f as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (p === op && !fired) {
            fired = true;
            throw new InjectedCrash(String(op));
          }
          return r;
        };
      },
    });
  };
  /** After the state write, before its poll was scheduled (only the hourly sweep can pick it up). */
  const crashAfterWrite = (store: OptimisationStore, status: AttemptStatus): OptimisationStore => {
    let fired = false;
    return {
      create: (r) => store.create(r),
      get: (id) => store.get(id),
      listActive: () => store.listActive(),
      listAll: () => store.listAll(),
      update: async (id, v, patch) => {
        const ok = await store.update(id, v, patch);
        if (ok && patch.status === status && (patch.history?.length ?? 0) > 0 && patch.history![patch.history!.length - 1].status === status && !fired) {
          fired = true;
          throw new InjectedCrash(`write of ${status}`);
        }
        return ok;
      },
    };
  };

  const calls: (keyof OptimisationGateway)[] = ['createOptimizationJob', 'describeOptimizationJob', 'createModel', 'createInferenceExperiment', 'stopInferenceExperiment', 'createEndpointConfig', 'updateEndpoint', 'createModelPackageGroup', 'createModelPackage'];
  it.each(calls)('after %s: resumes, promotes, and launches nothing twice', async (op) => {
    const deps: OptimiseDeps = { ...h.deps, sagemaker: crashAfterCall(h.sm, op) };
    const id = await startAttempt(h, request(), deps);
    const rec = await runWorld(h, id, { candidateFactor: 0.8 }, deps);
    expect(rec.status).toBe('promoted');
    expect(rec.measurement!.changePct.point).toBeCloseTo(-20, 0);
    expect(createdCounts(h)).toEqual(ONCE);
    expect(await h.sm.modelPackages()).toHaveLength(1);
  });

  const writes: AttemptStatus[] = ['optimising', 'optimised', 'candidate-created', 'measuring', 'measured', 'decided', 'promoting', 'deploying', 'promoted'];
  it.each(writes)('after the write of %s: the sweep resumes it, and nothing is launched twice', async (status) => {
    const deps: OptimiseDeps = { ...h.deps, attempts: crashAfterWrite(h.attempts, status) };
    const id = await startAttempt(h, request(), deps);
    const rec = await runWorld(h, id, { candidateFactor: 0.8 }, deps);
    expect(rec.status).toBe('promoted');
    expect(createdCounts(h)).toEqual(ONCE);
  });
});

describe('requests from outside', () => {
  it('manual promotion waits for approval, then promotes', async () => {
    const id = await startAttempt(h, request({ promotion: 'manual' }));
    const waiting = await runWorld(h, id, { candidateFactor: 0.8, until: (r) => r.status === 'awaiting-approval' });
    expect(waiting.status).toBe('awaiting-approval');
    await makePromoteOptimisation(h.deps)(id);
    // The API's notification drives it; here the next sweep does (the world runs it hourly).
    const rec = await runWorld(h, id, { candidateFactor: 0.8 });
    expect(rec.status).toBe('promoted');
    expect(rec.requests.promoteAtSec).toBeDefined();
  });

  it('abort while measuring stops the shadow test; aborting twice is a no-op; a finished attempt cannot be aborted', async () => {
    const id = await startAttempt(h);
    await runWorld(h, id, { candidateFactor: 0.8, until: (r) => r.status === 'measuring' && r.measureFromSec !== undefined });
    await makeAbortOptimisation(h.deps)(id);
    await makeAbortOptimisation(h.deps)(id);
    const rec = await runWorld(h, id, { candidateFactor: 0.8 });
    expect(rec.status).toBe('aborted');
    expect(h.sm.calls.filter((c) => c.op === 'StopInferenceExperiment' && c.result === 'ok')).toHaveLength(1);
    expect((await h.sm.describeInferenceExperiment('us-east-1', rec.names.experiment))?.status).toMatch(/Stopping|Cancelled/);
    await expect(makeAbortOptimisation(h.deps)(id)).resolves.toMatchObject({ status: 'aborted' });
  });

  it('a late quality score lets the decision happen', async () => {
    const id = await startAttempt(h, request({ quality: { metric: 'accuracy', baseline: 0.8 } }));
    const waiting = await runWorld(h, id, { candidateFactor: 0.8, until: (r) => r.status === 'measured' && r.nextActionAtSec === undefined });
    expect(waiting.decision).toBeUndefined();
    await makeSubmitQuality(h.deps)(id, { candidate: 0.7999 });
    const rec = await runWorld(h, id, { candidateFactor: 0.8 });
    expect(rec.status).toBe('promoted');
    expect(rec.quality).toMatchObject({ metric: 'accuracy', baseline: 0.8, candidate: 0.7999 });
  });
});

describe('failures', () => {
  it('a blue/green update rolled back by its alarms fails the attempt with the reason', async () => {
    h.sm.rollBackNextUpdate.add('chat');
    const id = await startAttempt(h);
    const rec = await runWorld(h, id, { candidateFactor: 0.8 });
    expect(rec.status).toBe('failed');
    expect(rec.failure).toMatch(/rolled back/);
    expect(await h.sm.modelPackages()).toEqual([]);
  });

  it('a candidate without telemetry is rejected as inconclusive once the window reached maxHours', async () => {
    const id = await startAttempt(h);
    const rec = await runWorld(h, id, { candidateFactor: undefined });
    expect(rec.status).toBe('rejected');
    expect(rec.decision!.reason).toMatch(/^inconclusive: measurement ran out of time: 0\/6 paired hours/);
  });
});

describe('starting', () => {
  it('refuses what cannot run, naming the field, and stores nothing', async () => {
    const start = makeStartOptimisation(h.deps);
    await expect(start(request({ endpointName: 'nope' }))).rejects.toMatchObject({ name: 'OptimiseRequestError', field: 'endpointName' });
    await expect(start(request({ candidate: { instanceType: 'ml.g5.12xlarge' } }))).rejects.toMatchObject({ field: 'config.format' });
    await expect(start(request({ variantName: 'blue' }))).rejects.toBeInstanceOf(OptimiseRequestError);
    expect(await h.attempts.listAll()).toEqual([]);
  });

  it('one active attempt per endpoint (a shadow test holds the endpoint)', async () => {
    await startAttempt(h);
    await expect(makeStartOptimisation(h.deps)(request({ clientToken: 'another' }))).rejects.toBeInstanceOf(AttemptConflictError);
  });
});
