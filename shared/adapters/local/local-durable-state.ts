/**
 * What the local stand-ins for durable AWS services remember across a crash of `npm start`, kept in the local store
 * (dynalite on disk, the stand-in for DynamoDB; LevelDB appends every write to its log before answering, so a SIGKILL
 * loses nothing that was acknowledged). AWS itself never sees these items.
 *
 * | item                | pk               | sk                          | attributes                                        |
 * |---------------------|------------------|-----------------------------|---------------------------------------------------|
 * | launched job        | LOCALSM#JOBS     | <region>#<training job name>| job (ResourceRef, completesAtSec), stoppedAtSec?, reported |
 * | bus delivery        | LOCALBUS#OUTBOX  | <event id>#<function id>    | seq, functionId, event, state pending|delivered    |
 * | replay progress     | LOCALRT#REPLAY   | <now>#<days>#<step>         | atSec, submitted, stepToSec?, stepPhase?, nextFire |
 *
 * - Launched jobs: SageMaker remembers a job once CreateTrainingJob returned, and its completion. The put is
 *   conditional (attribute_not_exists), so a repeated create is "already exists", as SageMaker's ResourceInUse.
 * - Bus deliveries (outbox): EventBridge keeps an event it accepted from PutEvents and delivers it at least once.
 *   A delivery is written `pending` (conditional: the same deterministic event id is accepted once) before it is
 *   queued, marked `delivered` after its handler returned, and deleted when the replay step that holds it is
 *   committed: until then a regenerated copy of an event already delivered is recognised and not delivered again.
 * - Replay progress: where the local clock got to, which phase of a step is done, and the bus's rate-schedule state,
 *   so a rerun of the same replay resumes at the step it was in and finishes the same work.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ResourceRef } from '../../domain/types';
import type { EpochSec } from '../../domain/time';
import { documentClient, isConditionFailure, queryAll } from '../aws/dynamodb-helpers';

/** A training job the local launcher started (what SageMaker would remember). */
export interface LaunchedJob {
  region: string;
  jobName: string;
  /** The job as the inventory lists it while it runs (status InProgress, no end). */
  ref: ResourceRef;
  completesAtSec: EpochSec;
  /** Set when the dispatcher stopped the job before its work was done. */
  stoppedAtSec?: EpochSec;
  /** Whether its end was reported (a Completed state change published; a stop made by the dispatcher needs none). */
  reported: boolean;
}

/** Where the launcher keeps its jobs: in memory (tests) or in the local store (`npm start`). */
export interface LaunchedJobRepo {
  list(): Promise<LaunchedJob[]>;
  /** false: a job of that region and name exists already. */
  putIfAbsent(job: LaunchedJob): Promise<boolean>;
  /** Record a stop at `atSec` unless the job ended before (completed or stopped). false: nothing changed. */
  stop(region: string, jobName: string, atSec: EpochSec): Promise<boolean>;
  markReported(region: string, jobName: string): Promise<void>;
}

/** One delivery of an event to one function, as the outbox keeps it. */
export interface OutboxDelivery<E> {
  key: string;
  seq: number;
  functionId: string;
  event: E;
  state: 'pending' | 'delivered';
}

/** The bus's durable record of accepted-but-undelivered events. */
export interface BusOutbox<E> {
  /** Every delivery not yet cleared, in acceptance order. */
  load(): Promise<OutboxDelivery<E>[]>;
  /** Accept a pending delivery; false when one with this key exists (pending or delivered): nothing to queue. */
  accept(d: Omit<OutboxDelivery<E>, 'state'>): Promise<boolean>;
  markDelivered(key: string): Promise<void>;
  /** Forget deliveries that are done (at a replay step's commit). */
  clear(keys: readonly string[]): Promise<void>;
}

/** The replay's own progress (one item per replay identity). */
export interface ReplayProgress {
  /** Every step up to here is done (the clock got here and the bus drained). */
  atSec: EpochSec;
  /** The demo jobs of the replay's start were submitted (and their due starts dispatched). */
  submitted: boolean;
  /** The step in flight (ending here) had fired its one-time schedules: resume with its bus phase. */
  stepToSec?: EpochSec;
  /** Rate schedules' next firing, as `LocalBus.scheduleState()` gives it (as of `atSec`). */
  nextFire: Record<string, EpochSec>;
}

export interface ReplayProgressRepo {
  get(replayId: string): Promise<ReplayProgress | undefined>;
  put(replayId: string, p: ReplayProgress): Promise<void>;
}

const JOBS_PK = 'LOCALSM#JOBS';
const OUTBOX_PK = 'LOCALBUS#OUTBOX';
const PROGRESS_PK = 'LOCALRT#REPLAY';
const jobSk = (region: string, jobName: string) => `${region}#${jobName}`;

/** The local stand-ins' state in the local store (see the table above). */
export class DynamoLocalState {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  readonly launchedJobs: LaunchedJobRepo = {
    list: async () => {
      const items = await queryAll(this.doc, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': JOBS_PK }, ConsistentRead: true });
      return items.map((i) => ({ ...(i.job as Omit<LaunchedJob, 'stoppedAtSec' | 'reported'>), ...(i.stoppedAtSec !== undefined ? { stoppedAtSec: i.stoppedAtSec as number } : {}), reported: i.reported === true }));
    },
    putIfAbsent: async (j) => {
      const { stoppedAtSec, reported, ...job } = j;
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: JOBS_PK, sk: jobSk(j.region, j.jobName), type: 'local-training-job', job, reported, ...(stoppedAtSec !== undefined ? { stoppedAtSec } : {}) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (e) {
        if (isConditionFailure(e)) return false;
        throw e;
      }
    },
    stop: async (region, jobName, atSec) => {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: JOBS_PK, sk: jobSk(region, jobName) },
            UpdateExpression: 'SET stoppedAtSec = :t, reported = :y',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(stoppedAtSec) AND job.completesAtSec > :t',
            ExpressionAttributeValues: { ':t': atSec, ':y': true },
          }),
        );
        return true;
      } catch (e) {
        if (isConditionFailure(e)) return false;
        throw e;
      }
    },
    markReported: async (region, jobName) => {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: JOBS_PK, sk: jobSk(region, jobName) },
          UpdateExpression: 'SET reported = :y',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':y': true },
        }),
      );
    },
  };

  /** The bus outbox, for events of type E (the local bus's EventBridge-shaped events). */
  outbox<E>(): BusOutbox<E> {
    return {
      load: async () => {
        const items = await queryAll(this.doc, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': OUTBOX_PK }, ConsistentRead: true });
        return items
          .map((i) => ({ key: i.sk as string, seq: i.seq as number, functionId: i.functionId as string, event: i.event as E, state: i.state as 'pending' | 'delivered' }))
          .sort((a, b) => a.seq - b.seq);
      },
      accept: async (d) => {
        try {
          await this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { pk: OUTBOX_PK, sk: d.key, type: 'local-bus-delivery', seq: d.seq, functionId: d.functionId, event: d.event, state: 'pending' },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
          return true;
        } catch (e) {
          if (isConditionFailure(e)) return false;
          throw e;
        }
      },
      markDelivered: async (key) => {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: OUTBOX_PK, sk: key },
            UpdateExpression: 'SET #s = :d',
            ExpressionAttributeNames: { '#s': 'state' },
            ExpressionAttributeValues: { ':d': 'delivered' },
          }),
        );
      },
      clear: async (keys) => {
        for (let i = 0; i < keys.length; i += 25) {
          let requests: Record<string, unknown>[] | undefined = keys.slice(i, i + 25).map((sk) => ({ DeleteRequest: { Key: { pk: OUTBOX_PK, sk } } }));
          // BatchWriteItem may leave some unprocessed (throttling): retry those until none is left.
          for (let attempt = 0; requests?.length; attempt++) {
            if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
            const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests as never } }));
            requests = out.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
          }
        }
      },
    };
  }

  readonly progress: ReplayProgressRepo = {
    get: async (replayId) => {
      const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: PROGRESS_PK, sk: replayId }, ConsistentRead: true }));
      if (!out.Item) return undefined;
      const { pk: _pk, sk: _sk, type: _type, ...p } = out.Item;
      return p as ReplayProgress;
    },
    put: async (replayId, p) => {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: PROGRESS_PK, sk: replayId, type: 'local-replay-progress', ...p } }));
    },
  };
}

/** The in-memory repo of the launcher (unit tests and scenarios that need no durability). */
export class InMemoryLaunchedJobs implements LaunchedJobRepo {
  private readonly jobs = new Map<string, LaunchedJob>();
  async list(): Promise<LaunchedJob[]> {
    return [...this.jobs.values()].map((j) => ({ ...j }));
  }
  async putIfAbsent(j: LaunchedJob): Promise<boolean> {
    const k = jobSk(j.region, j.jobName);
    if (this.jobs.has(k)) return false;
    this.jobs.set(k, { ...j });
    return true;
  }
  async stop(region: string, jobName: string, atSec: EpochSec): Promise<boolean> {
    const j = this.jobs.get(jobSk(region, jobName));
    if (!j || j.stoppedAtSec !== undefined || j.completesAtSec <= atSec) return false;
    j.stoppedAtSec = atSec;
    j.reported = true;
    return true;
  }
  async markReported(region: string, jobName: string): Promise<void> {
    const j = this.jobs.get(jobSk(region, jobName));
    if (j) j.reported = true;
  }
}
