/**
 * JobStore on the single table (DynamoDB in AWS, dynalite locally). Single-item conditions only (dynalite has no
 * transactions): the STATE item is compare-and-set on `version`, segment items likewise, creates are
 * `attribute_not_exists`, and "already exists" is success for idempotent index items.
 *
 * | item           | pk                 | sk             | gsi1pk          | gsi1sk  |
 * |----------------|--------------------|----------------|-----------------|---------|
 * | job state      | JOB#<id>           | STATE          | JOBS#<status>   | <id>    |
 * | segment        | JOB#<id>           | SEG#<nnn>      | –               | –       |
 * | name index     | JOBNAME#<sm name>  | REF            | –               | –       |
 * | family history | FAMILY#<family>    | JOB#<id>       | –               | –       |
 * | template       | TEMPLATE#<name>    | META           | –               | –       |
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isConditionFailure, queryAll } from './dynamodb-helpers';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { JobPatch, JobRecord, JobStore, SegmentRecord } from '../../ports/scheduler-ports';
import type { JobStatus } from '../../domain/scheduler/job-state';
import type { TrainingJobSpec } from '../../contracts/job-request';

const jobPk = (id: string) => `JOB#${id}`;
const segSk = (n: number) => `SEG#${String(n).padStart(3, '0')}`;


export class DynamoJobStore implements JobStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true } });
  }

  private stateItem(job: JobRecord) {
    return { pk: jobPk(job.jobId), sk: 'STATE', gsi1pk: `JOBS#${job.status}`, gsi1sk: job.jobId, type: 'job', version: job.version, job };
  }

  async create(job: JobRecord, segments: SegmentRecord[]): Promise<'created' | 'exists'> {
    // Segments first (deterministic keys, absent-only): a crash before STATE leaves orphans a retry overwrites.
    for (const s of segments) await this.putSegmentItem(s, 'attribute_not_exists(pk) OR planRevision < :rev', { ':rev': s.planRevision }).catch((e) => {
      if (!isConditionFailure(e)) throw e;
    });
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: this.stateItem(job), ConditionExpression: 'attribute_not_exists(pk)' }));
      return 'created';
    } catch (e) {
      if (isConditionFailure(e)) return 'exists';
      throw e;
    }
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: jobPk(jobId), sk: 'STATE' }, ConsistentRead: true }));
    return out.Item ? ({ ...(out.Item.job as JobRecord), version: out.Item.version as number }) : undefined;
  }

  async getSegments(jobId: string): Promise<SegmentRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': jobPk(jobId), ':s': 'SEG#' },
      ConsistentRead: true,
    });
    return items.map((i) => ({ ...(i.segment as SegmentRecord), version: i.version as number })).sort((a, b) => a.n - b.n);
  }

  async update(jobId: string, expectedVersion: number, patch: JobPatch): Promise<boolean> {
    const current = await this.get(jobId);
    if (!current || current.version !== expectedVersion) return false;
    const next: JobRecord = { ...current, ...patch, jobId, version: expectedVersion + 1 };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.stateItem(next),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': expectedVersion },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async putSegment(seg: SegmentRecord, expectedVersion: number): Promise<boolean> {
    try {
      await this.putSegmentItem(
        { ...seg, version: expectedVersion + 1 },
        expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
        expectedVersion === 0 ? undefined : { ':v': expectedVersion },
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  private putSegmentItem(seg: SegmentRecord, condition: string, values?: Record<string, unknown>) {
    return this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: jobPk(seg.jobId), sk: segSk(seg.n), type: 'segment', version: seg.version, planRevision: seg.planRevision, segment: seg },
        ConditionExpression: condition,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async listByStatus(status: JobStatus): Promise<JobRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': `JOBS#${status}` },
    });
    return items.map((i) => ({ ...(i.job as JobRecord), version: i.version as number }));
  }

  async findByTrainingJobName(name: string): Promise<string | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: `JOBNAME#${name}`, sk: 'REF' } }));
    return out.Item?.jobId as string | undefined;
  }

  async putTrainingJobName(name: string, jobId: string): Promise<void> {
    await this.putIfAbsent({ pk: `JOBNAME#${name}`, sk: 'REF', type: 'jobname', jobId });
  }

  async familyDurations(jobFamily: string): Promise<number[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': `FAMILY#${jobFamily}` },
    });
    return items.map((i) => i.durationSec as number);
  }

  async putFamilyDuration(jobFamily: string, jobId: string, durationSec: number): Promise<void> {
    await this.putIfAbsent({ pk: `FAMILY#${jobFamily}`, sk: jobPk(jobId), type: 'family', durationSec });
  }

  async getTemplate(name: string): Promise<TrainingJobSpec | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: `TEMPLATE#${name}`, sk: 'META' } }));
    return out.Item?.spec as TrainingJobSpec | undefined;
  }

  async putTemplate(name: string, spec: TrainingJobSpec): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: `TEMPLATE#${name}`, sk: 'META', type: 'template', spec } }));
  }

  /** Deterministic fact: "already exists" is success. */
  private async putIfAbsent(item: Record<string, unknown>): Promise<void> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

}
