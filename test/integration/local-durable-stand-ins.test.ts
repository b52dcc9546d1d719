/**
 * The local stand-ins for durable AWS services remember what AWS would after a crash of their process: launched
 * training jobs (SageMaker), accepted-but-undelivered events (EventBridge) and one-time schedules until they fired
 * (EventBridge Scheduler). A "crash" here is a new adapter instance on the same store or file, with nothing carried
 * over in memory. Real SDK against dynalite; the whole runtime under SIGKILL is `npm run test:crash`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { createTableInput } from '../../shared/adapters/aws/table-schema';
import { DynamoLocalState } from '../../shared/adapters/local/local-durable-state';
import { LocalTrainingLauncher } from '../../shared/adapters/local/local-training-launcher';
import { LocalBus, type BusEvent } from '../../shared/adapters/local/local-bus';
import { LocalSegmentScheduler } from '../../shared/adapters/local/local-segment-scheduler';
import { ManualClock } from '../../shared/adapters/local/manual-clock';
import { DetailTypes, EVENT_SOURCE, PIPELINE } from '../../shared/pipeline';

const T0 = 1_749_254_400; // 2025-06-07T00:00:00Z
const H = 3600;

let db: EmbeddedDynamo;
let tables = 0;
beforeAll(async () => {
  db = await startEmbeddedDynamo({ tableName: 'durable-0' });
});
afterAll(() => db.close());

async function freshState(): Promise<DynamoLocalState> {
  const name = `durable-${++tables}`;
  await db.client.send(new CreateTableCommand(createTableInput(name)));
  return new DynamoLocalState(db.client, name);
}

const request = (workSec: number) => ({
  ResourceConfig: { InstanceType: 'ml.g5.2xlarge', InstanceCount: 2 },
  Tags: [{ Key: 'carbonpilot:remaining-work-sec', Value: String(workSec) }, { Key: 'team', Value: 'speech' }],
});

describe('local training launcher (SageMaker stand-in) on the local store', () => {
  it('a job launched before a crash is still running after it, and completes at the end of its work', async () => {
    // Prepare
    const state = await freshState();
    const clock = new ManualClock(T0);
    await new LocalTrainingLauncher(clock, state.launchedJobs).create('eu-west-1', 'job-a', request(2 * H));

    // Act: a new launcher on the same store (the process was killed).
    const after = new LocalTrainingLauncher(clock, state.launchedJobs);
    clock.set(T0 + H);
    const running = await after.resources();
    clock.set(T0 + 3 * H);
    const changes = await after.unreportedStateChanges(clock.nowSec());

    // Assess
    expect(running).toEqual([expect.objectContaining({ id: 'job-a', region: 'eu-west-1', status: 'InProgress', startSec: T0, counts: [{ atSec: T0, instanceCount: 2 }] })]);
    expect(running[0].endSec).toBeUndefined();
    expect(changes).toEqual([{ TrainingJobName: 'job-a', TrainingJobStatus: 'Completed', region: 'eu-west-1', atSec: T0 + 2 * H }]);
    expect(await after.describe('eu-west-1', 'job-a')).toEqual({ status: 'Completed', endSec: T0 + 2 * H });
  });

  it('creating a job again (a retried dispatch) is "exists" and changes nothing', async () => {
    const state = await freshState();
    const clock = new ManualClock(T0);
    expect(await new LocalTrainingLauncher(clock, state.launchedJobs).create('us-east-1', 'job-b', request(H))).toBe('created');
    clock.set(T0 + 600);
    expect(await new LocalTrainingLauncher(clock, state.launchedJobs).create('us-east-1', 'job-b', request(5 * H))).toBe('exists');
    expect((await state.launchedJobs.list()).map((j) => [j.jobName, j.ref.startSec, j.completesAtSec])).toEqual([['job-b', T0, T0 + H]]);
  });

  it('a completion is reported until it is marked reported, once, across restarts', async () => {
    const state = await freshState();
    const clock = new ManualClock(T0);
    await new LocalTrainingLauncher(clock, state.launchedJobs).create('us-east-1', 'job-c', request(H));
    clock.set(T0 + 2 * H);
    const first = await new LocalTrainingLauncher(clock, state.launchedJobs).unreportedStateChanges(clock.nowSec());
    // Crash before markReported: the restarted launcher reports it again (the bus dedups the same event id).
    const again = new LocalTrainingLauncher(clock, state.launchedJobs);
    expect(await again.unreportedStateChanges(clock.nowSec())).toEqual(first);
    await again.markReported(first);
    expect(await new LocalTrainingLauncher(clock, state.launchedJobs).unreportedStateChanges(clock.nowSec())).toEqual([]);
  });

  it('a stop ends a running job for good; a stop after its work was done changes nothing', async () => {
    const state = await freshState();
    const clock = new ManualClock(T0);
    const l = new LocalTrainingLauncher(clock, state.launchedJobs);
    await l.create('us-east-1', 'short', request(H));
    await l.create('us-east-1', 'long', request(10 * H));
    clock.set(T0 + 2 * H);
    await l.stop('us-east-1', 'short'); // already completed at T0 + 1 h
    await l.stop('us-east-1', 'long');
    clock.set(T0 + 20 * H);
    const after = new LocalTrainingLauncher(clock, state.launchedJobs);
    expect(await after.describe('us-east-1', 'short')).toEqual({ status: 'Completed', endSec: T0 + H });
    expect(await after.describe('us-east-1', 'long')).toEqual({ status: 'Stopped', endSec: T0 + 2 * H });
    // The dispatcher stopped it and knows; only the completion is a state change to report.
    expect((await after.unreportedStateChanges(clock.nowSec())).map((c) => c.TrainingJobName)).toEqual(['short']);
  });
});

describe('local bus (EventBridge stand-in) with its outbox on the local store', () => {
  const collectionRequested = (keys: string[]) => ({ source: EVENT_SOURCE, detailType: DetailTypes.collectionRequested, detail: { resourceKeys: keys }, timeSec: T0 });

  it('an event accepted before a crash is delivered after it, exactly once', async () => {
    // Prepare: accepted (PutEvents returned), not delivered.
    const state = await freshState();
    const before: string[] = [];
    const crashed = new LocalBus(PIPELINE, async (fn, ev) => void before.push(`${fn}:${ev.id}`), 'local', state.outbox<BusEvent>());
    await crashed.publish('carbonpilot', [collectionRequested(['a']), collectionRequested(['b'])]);

    // Act: a new bus on the same outbox.
    const got: string[] = [];
    const restarted = new LocalBus(PIPELINE, async (fn, ev) => void got.push(`${fn}:${JSON.stringify(ev.detail)}`), 'local', state.outbox<BusEvent>());
    const recovered = await restarted.recover();
    await restarted.drain();
    await restarted.commit();

    // Assess: in acceptance order, once; nothing left.
    expect(before).toEqual([]);
    expect(recovered).toBe(2);
    expect(got).toEqual(['collect-footprint:{"resourceKeys":["a"]}', 'collect-footprint:{"resourceKeys":["b"]}']);
    expect(await state.outbox<BusEvent>().load()).toEqual([]);
  });

  it('a regenerated copy of a delivery already made (same deterministic id) is not delivered again', async () => {
    const state = await freshState();
    const got: string[] = [];
    const bus1 = new LocalBus(PIPELINE, async (fn, ev) => void got.push(`${fn}@${ev.time}`), 'local', state.outbox<BusEvent>());
    await bus1.fireSchedulesUpTo(T0, T0, true);
    await bus1.drain();
    const firstRound = got.length;
    // Crash before the step was committed: the rerun of the step fires the same schedules again.
    const bus2 = new LocalBus(PIPELINE, async (fn, ev) => void got.push(`${fn}@${ev.time}`), 'local', state.outbox<BusEvent>());
    await bus2.recover();
    await bus2.fireSchedulesUpTo(T0, T0, true);
    await bus2.drain();
    expect(firstRound).toBeGreaterThan(0);
    expect(got).toHaveLength(firstRound);
  });

  it("a handler's PutEvents gets ids derived from the event it handles, the same in every process", async () => {
    const ids = async () => {
      const state = await freshState();
      const seen: string[] = [];
      const bus: LocalBus = new LocalBus(
        PIPELINE,
        async (fn, ev) => {
          seen.push(ev.id);
          if (fn === 'collect-dispatch') await bus.publish('carbonpilot', [collectionRequested(['x']), collectionRequested(['x'])]);
        },
        'local',
        state.outbox<BusEvent>(),
      );
      await bus.fireSchedulesUpTo(T0, T0, true);
      await bus.drain();
      return seen;
    };
    const a = await ids();
    const b = await ids();
    expect(a).toEqual(b);
    // Two identical entries of one PutEvents are two events (their position is part of the id).
    expect(new Set(a).size).toBe(a.length);
  });

  it('keeps the rate schedules where they were (restored from the replay progress)', async () => {
    const fired: string[] = [];
    const bus1 = new LocalBus(PIPELINE, async (fn, ev) => void fired.push(`${fn}@${ev.time}`));
    await bus1.fireSchedulesUpTo(T0, T0, true);
    const saved = bus1.scheduleState();
    const bus2 = new LocalBus(PIPELINE, async (fn, ev) => void fired.push(`${fn}@${ev.time}`));
    bus2.restoreScheduleState(saved);
    fired.length = 0;
    await bus2.fireSchedulesUpTo(T0 + H, T0, true);
    await bus2.drain();
    // One hour later only the sub-daily schedules fire: the daily roll-up/export backstops fired at T0 already.
    expect(fired.some((f) => f.startsWith('rollup@'))).toBe(false);
    expect(fired).toContain('collect-dispatch@2025-06-07T01:00:00Z');
  });
});

describe('local one-time schedules (EventBridge Scheduler stand-in) in a file', () => {
  const payload = { kind: 'carbonpilot.dispatch' as const, jobId: 'j1', segment: 0, action: 'start' as const, planRevision: 0, attempt: 0 };

  it('a due schedule stays until it is deleted after its delivery (a crash in between fires it again)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-sched-'));
    try {
      const file = join(dir, 'schedules.json');
      await new LocalSegmentScheduler(file).createOneTime('cp-j1-r0-s0-start-a0', T0 + H, payload);
      const due = new LocalSegmentScheduler(file).due(T0 + H);
      // "Crash" before the delete: a new scheduler on the file still has it due.
      expect(new LocalSegmentScheduler(file).due(T0 + H).map((s) => s.name)).toEqual(due.map((s) => s.name));
      await new LocalSegmentScheduler(file).delete(due[0].name);
      expect(new LocalSegmentScheduler(file).due(T0 + 10 * H)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replaces the file atomically, owner-only, leaving no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-sched-'));
    try {
      const file = join(dir, 'schedules.json');
      const s = new LocalSegmentScheduler(file);
      for (let i = 0; i < 5; i++) await s.createOneTime(`cp-j${i}`, T0 + i * H, { ...payload, jobId: `j${i}` });
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readdirSync(dir)).toEqual(['schedules.json']);
      expect(s.pending().map((x) => x.name)).toEqual(['cp-j0', 'cp-j1', 'cp-j2', 'cp-j3', 'cp-j4']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loses no update when two processes write the file at once (submit racing npm start)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-sched-'));
    try {
      const file = join(dir, 'schedules.json');
      const count = 150;
      const run = (prefix: string) =>
        new Promise<number | null>((res, rej) => {
          const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../fixtures/schedule-writer.ts'), file, prefix, String(count)], { stdio: ['ignore', 'ignore', 'inherit'] });
          child.on('error', rej);
          child.on('exit', res);
        });
      expect(await Promise.all([run('a'), run('b'), run('c')])).toEqual([0, 0, 0]);
      const names = new LocalSegmentScheduler(file).pending().map((x) => x.name);
      const expected = ['a', 'b', 'c'].flatMap((p) => Array.from({ length: count }, (_, i) => i).filter((i) => i % 3 !== 2).map((i) => `${p}-${i}`));
      expect(names.sort()).toEqual(expected.sort());
      expect(readdirSync(dir)).toEqual(['schedules.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes over a lock left by a process that died holding it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-sched-'));
    try {
      const file = join(dir, 'schedules.json');
      // A pid that cannot be alive (above the Linux maximum of 2^22).
      writeFileSync(`${file}.lock`, '99999999\n', { mode: 0o600 });
      await new LocalSegmentScheduler(file).createOneTime('cp-j1', T0, payload);
      expect(new LocalSegmentScheduler(file).pending().map((x) => x.name)).toEqual(['cp-j1']);
      expect(readdirSync(dir)).toEqual(['schedules.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
