/**
 * Test harness of the optimisation pipeline on real local adapters: dynalite (attempt store, footprint store and the
 * durable SageMaker stand-in), the local one-time schedules, a manual clock — and a scripted world that writes the
 * two variants' hourly footprint intervals (the candidate using `candidateFactor` × the baseline's energy) and
 * delivers due polls like EventBridge Scheduler and Lambda would (at least once, retried after a crash).
 */
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { DynamoOptimisationStore } from '../../shared/adapters/aws/dynamodb-optimisation-store';
import { DynamoFootprintStore } from '../../shared/adapters/aws/dynamodb-footprint-store';
import { LocalSageMakerOptimisation, localPollScheduler } from '../../shared/adapters/local/local-sagemaker-optimisation';
import { LocalSegmentScheduler } from '../../shared/adapters/local/local-segment-scheduler';
import { ManualClock } from '../../shared/adapters/local/manual-clock';
import { OptimiseStartRequest, type OptimiseStartRequestInput } from '../../shared/contracts/optimisation';
import { isTerminalAttempt } from '../../shared/domain/optimisation/attempt-state';
import { HOUR_SEC, DAY_SEC } from '../../shared/domain/time';
import type { FootprintInterval } from '../../shared/domain/types';
import type { AttemptRecord, OptimiseDeps } from '../../shared/ports/optimisation-ports';
import { makeOptimiseDriver, makeStartOptimisation, variantKey } from '../../shared/use-cases/optimise-attempt';

export const T0 = 1_717_200_000; // 2024-06-01T00:00:00Z
export const REGION = 'us-east-1';
export const ENDPOINT = 'chat';

export interface OptimiseHarness {
  db: EmbeddedDynamo;
  clock: ManualClock;
  attempts: DynamoOptimisationStore;
  footprints: DynamoFootprintStore;
  sm: LocalSageMakerOptimisation;
  schedules: LocalSegmentScheduler;
  deps: OptimiseDeps;
  notified: string[];
  close(): Promise<void>;
}

export async function startOptimiseHarness(): Promise<OptimiseHarness> {
  const db = await startEmbeddedDynamo({ tableName: 'carbonpilot-opt-test' });
  const clock = new ManualClock(T0);
  const attempts = new DynamoOptimisationStore(db.client, db.tableName);
  const footprints = new DynamoFootprintStore(db.client, db.tableName);
  const sm = new LocalSageMakerOptimisation(db.client, db.tableName, clock);
  const schedules = new LocalSegmentScheduler();
  const notified: string[] = [];
  const deps: OptimiseDeps = { attempts, sagemaker: sm, metrics: sm, footprints, scheduler: localPollScheduler(schedules), clock, notify: async (id) => void notified.push(id) };
  // A DEMO endpoint: Qwen3-235B BF16 on ml.p5.48xlarge (its stand-in profile gives the request metrics: ModelLatency).
  await sm.registerDemoEndpoint(
    { endpointName: ENDPOINT, region: REGION, variantName: 'AllTraffic', modelName: 'chat-bf16', profile: 'qwen3-235b-bf16-tp8-seqs16', instanceType: 'ml.p5.48xlarge', instanceCount: 1, peakRps: 0.5, tags: { team: 'nlp', model: 'chat' } },
    T0 - DAY_SEC,
  );
  return { db, clock, attempts, footprints, sm, schedules, deps, notified, close: () => db.close() };
}

/** A start request (FP8 on the harness endpoint), small measurement minimum, quality given. */
export const request = (over: Partial<OptimiseStartRequestInput> = {}): OptimiseStartRequest =>
  OptimiseStartRequest.parse({
    apiVersion: 'carbonpilot/v1',
    endpointName: ENDPOINT,
    region: REGION,
    config: { kind: 'quantization', format: 'fp8' },
    roleArn: 'arn:aws:iam::123456789012:role/carbonpilot-optimise-test',
    outputS3Uri: 's3://my-bucket/optimised',
    measurement: { minHours: 6, minInvocations: 1000, maxHours: 12 },
    quality: { metric: 'accuracy', baseline: 0.8, candidate: 0.799 },
    slo: { p95LatencyMs: 60_000 },
    rollbackAlarmNames: ['chat-5xx'],
    ...over,
  });

/** One hourly footprint interval of an endpoint variant (the fields the measurement reads are exact). */
export function variantInterval(key: string, variantId: string, hourSec: number, energyKwh: number, invocations: number, gPerKwh = 400): FootprintInterval {
  const c = (energyKwh * gPerKwh) / 1000;
  return {
    resourceKey: key, kind: 'endpoint', resourceId: variantId, region: REGION, instanceType: 'ml.p5.48xlarge',
    attribution: { team: 'nlp', project: 'serving', model: 'chat' }, intervalStartSec: hourSec, intervalSec: HOUR_SEC,
    itEnergyKwh: { point: energyKwh / 1.1, low: (energyKwh / 1.1) * 0.6, high: (energyKwh / 1.1) * 1.4 }, pue: 1.1, pueSource: 'test',
    energyKwh: { point: energyKwh, low: energyKwh * 0.6, high: energyKwh * 1.4 }, co2eKg: { point: c, low: c * 0.6, high: c * 1.4 },
    intensityGPerKwh: gPerKwh, intensitySignal: 'average-lifecycle', intensityZone: 'US-MIDA-PJM', intensityProvider: 'test', intensityQuality: 'actual',
    method: 'estimated', measuredShare: 0, coveragePct: 100, invocations, modelVersion: 'gpu-util-v1', provisional: false, revision: 1, issues: [], demo: false,
  };
}

export interface WorldOptions {
  /** Candidate energy per hour = factor × baseline's (undefined = the candidate never reports telemetry). */
  candidateFactor?: number;
  /** Deliver every poll this many times (at-least-once delivery). */
  deliveries?: number;
  /** Stop once the attempt reaches this status (default: a terminal one). */
  until?: (rec: AttemptRecord) => boolean;
  /** Hours of world time at most. */
  maxHours?: number;
}

/** An injected crash (a Lambda that died after its side effect, before the rest of the step). */
export class InjectedCrash extends Error {
  constructor(what: string) {
    super(`injected crash after ${what}`);
    this.name = 'InjectedCrash';
  }
}

/**
 * Run the world: at each next instant (a due poll or the next hour), deliver due polls; on each hour write the
 * footprints of the hour that ended two hours before (collection lag) and run the hourly sweep. A delivery that
 * crashes is retried up to twice (Lambda asynchronous invocation retries).
 */
export async function runWorld(h: OptimiseHarness, attemptId: string, o: WorldOptions = {}, driverDeps: OptimiseDeps = h.deps): Promise<AttemptRecord> {
  const driver = makeOptimiseDriver(driverDeps);
  const done = o.until ?? ((r: AttemptRecord) => isTerminalAttempt(r.status));
  const deliver = async (fn: () => Promise<unknown>) => {
    for (let i = 0; i < 3; i++) {
      try {
        await fn();
        return;
      } catch (e) {
        if (!(e instanceof InjectedCrash)) throw e;
      }
    }
  };
  const end = h.clock.nowSec() + (o.maxHours ?? 72) * HOUR_SEC;
  const base = variantKey(REGION, ENDPOINT, 'AllTraffic');
  let lastHour = Math.floor(h.clock.nowSec() / HOUR_SEC) * HOUR_SEC;
  for (;;) {
    const rec = (await h.attempts.get(attemptId))!;
    if (done(rec) || h.clock.nowSec() >= end) return rec;
    const nextPoll = h.schedules.pending()[0]?.atSec ?? Infinity;
    const t = Math.min(nextPoll, lastHour + HOUR_SEC, end);
    h.clock.set(Math.max(h.clock.nowSec(), t));
    for (const s of h.schedules.dueUpTo(h.clock.nowSec())) {
      for (let k = 0; k < (o.deliveries ?? 1); k++) await deliver(() => driver.advance((s.payload as unknown as { attemptId: string }).attemptId));
    }
    if (h.clock.nowSec() >= lastHour + HOUR_SEC) {
      lastHour += HOUR_SEC;
      const hour = lastHour - 2 * HOUR_SEC; // final two hours after it ended
      const x = hour / HOUR_SEC;
      const e = 2 * (1 + 0.2 * Math.sin(x));
      const n = Math.round(1000 + 300 * Math.sin(x / 3));
      await h.footprints.putInterval(variantInterval(base, `${ENDPOINT}/AllTraffic`, hour, e, n));
      const cur = (await h.attempts.get(attemptId))!;
      const started = cur.experimentStartedAtSec;
      const stopped = cur.experimentStoppedAtSec;
      if (o.candidateFactor !== undefined && started !== undefined && started <= hour + HOUR_SEC && (stopped === undefined || stopped > hour)) {
        const shadow = cur.candidate!.variantName;
        await h.footprints.putInterval(variantInterval(variantKey(REGION, ENDPOINT, shadow), `${ENDPOINT}/${shadow}`, hour, o.candidateFactor * e * (1 + 0.01 * Math.cos(x)), n));
      }
      await deliver(() => driver.sweep());
    }
  }
}

/** Start an attempt and drive its first step, as the API's notification would. */
export async function startAttempt(h: OptimiseHarness, req = request(), deps: OptimiseDeps = h.deps): Promise<string> {
  const { attempt } = await makeStartOptimisation(deps)(req);
  await makeOptimiseDriver(deps).advance(attempt.attemptId).catch((e: unknown) => {
    if (!(e instanceof InjectedCrash)) throw e;
  });
  return attempt.attemptId;
}

/** How many resources of each kind the stand-in really created (a duplicate answers 'exists'). */
export const createdCounts = (h: OptimiseHarness): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const c of h.sm.calls) if (c.result === 'created' || c.op === 'UpdateEndpoint') out[c.op] = (out[c.op] ?? 0) + 1;
  return out;
};
