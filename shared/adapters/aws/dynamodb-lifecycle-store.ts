/**
 * LifecycleStore on the single table (DynamoDB in AWS, dynalite locally). Single-item conditions only (dynalite has
 * no transactions): records and heads move by compare-and-set on `version`, snapshots and ledger entries are written
 * once (`attribute_not_exists`), a package's last-live time only grows.
 *
 * | item               | pk                        | sk                 | gsi1pk                          | gsi1sk                   |
 * |--------------------|---------------------------|--------------------|---------------------------------|--------------------------|
 * | action record      | LCACT#<actionId>          | REC                | LCACTIONS#OPEN / LCACTIONS#DONE | <createdPad>#<actionId>  |
 * | action snapshot    | LCACT#<actionId>          | SNAPSHOT           | –                               | –                        |
 * | ledger entry       | LCACT#<actionId>          | LEDGER             | LCLEDGER                        | <fromPad>#<actionId>     |
 * | subject head       | LCSUBJ#<subjectKey>       | HEAD               | –                               | –                        |
 * | evaluation summary | LCEVAL#<YYYY-MM-DD>       | SUMMARY            | LCEVALS                         | <YYYY-MM-DD>             |
 * | evaluation subject | LCEVAL#<YYYY-MM-DD>       | SUBJ#<subjectKey>  | –                               | –                        |
 * | registry observed  | LCOBS#<region>            | START              | –                               | –                        |
 * | package last live  | LCPKG#<region>#<arn>      | LIVE               | –                               | –                        |
 * Raw minute samples are read from the collector's `RES#<key>` / `RAW#<start>` items (shared/adapters/aws/dynamodb-footprint-store.ts).
 */
import { gunzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionFailure, queryAll } from './dynamodb-helpers';
import type { EvaluationSummary, LifecycleStore, SubjectHead } from '../../ports/lifecycle-ports';
import { isFinal } from '../../domain/lifecycle/action-machine';
import type { ActionRecord, ActionSnapshot, LedgerEntry } from '../../domain/lifecycle/types';
import { padSec, utcDay, type EpochSec, type Window } from '../../domain/time';
import type { HostSeries } from '../../domain/types';

const actPk = (id: string) => `LCACT#${id}`;

export class DynamoLifecycleStore implements LifecycleStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  private async get(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }));
    return out.Item as Record<string, unknown> | undefined;
  }

  /** Put guarded by a condition; false when the condition fails. */
  private async putIf(item: Record<string, unknown>, condition: string, values?: Record<string, unknown>): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: condition, ...(values ? { ExpressionAttributeValues: values } : {}) }));
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async getAction(actionId: string): Promise<ActionRecord | undefined> {
    return (await this.get(actPk(actionId), 'REC'))?.record as ActionRecord | undefined;
  }

  async putAction(r: ActionRecord, expectedVersion: number): Promise<boolean> {
    const item = {
      pk: actPk(r.actionId),
      sk: 'REC',
      gsi1pk: isFinal(r.status) ? 'LCACTIONS#DONE' : 'LCACTIONS#OPEN',
      gsi1sk: `${padSec(r.createdAtSec)}#${r.actionId}`,
      type: 'lc-action',
      version: r.version,
      record: r,
    };
    return expectedVersion === 0 ? this.putIf(item, 'attribute_not_exists(pk)') : this.putIf(item, 'version = :v', { ':v': expectedVersion });
  }

  async listActions(o: { openOnly?: boolean } = {}): Promise<ActionRecord[]> {
    const parts = o.openOnly ? ['LCACTIONS#OPEN'] : ['LCACTIONS#OPEN', 'LCACTIONS#DONE'];
    const out: ActionRecord[] = [];
    for (const p of parts) {
      const items = await queryAll(this.doc, { TableName: this.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': p } });
      out.push(...items.map((i) => i.record as ActionRecord));
    }
    // The index is eventually consistent: re-read each record so a status that just changed is current.
    const fresh = await Promise.all(out.map((r) => this.getAction(r.actionId)));
    return fresh.filter((r): r is ActionRecord => r !== undefined && (!o.openOnly || !isFinal(r.status)));
  }

  async getHead(subjectKey: string): Promise<SubjectHead | undefined> {
    const it = await this.get(`LCSUBJ#${subjectKey}`, 'HEAD');
    return it ? { subjectKey, episodes: it.episodes as number, version: it.version as number, ...(it.openActionId ? { openActionId: it.openActionId as string } : {}) } : undefined;
  }

  async putHead(h: SubjectHead, expectedVersion: number): Promise<boolean> {
    const item = { pk: `LCSUBJ#${h.subjectKey}`, sk: 'HEAD', type: 'lc-head', episodes: h.episodes, version: h.version, ...(h.openActionId ? { openActionId: h.openActionId } : {}) };
    return expectedVersion === 0 ? this.putIf(item, 'attribute_not_exists(pk)') : this.putIf(item, 'version = :v', { ':v': expectedVersion });
  }

  async getSnapshot(actionId: string): Promise<ActionSnapshot | undefined> {
    return (await this.get(actPk(actionId), 'SNAPSHOT'))?.snapshot as ActionSnapshot | undefined;
  }

  async putSnapshot(actionId: string, s: ActionSnapshot): Promise<'written' | 'exists'> {
    return (await this.putIf({ pk: actPk(actionId), sk: 'SNAPSHOT', type: 'lc-snapshot', snapshot: s }, 'attribute_not_exists(pk)')) ? 'written' : 'exists';
  }

  async putLedgerEntry(e: LedgerEntry): Promise<'written' | 'exists'> {
    const item = { pk: actPk(e.actionId), sk: 'LEDGER', gsi1pk: 'LCLEDGER', gsi1sk: `${padSec(e.effectiveFromSec)}#${e.actionId}`, type: 'lc-ledger', entry: e };
    return (await this.putIf(item, 'attribute_not_exists(pk)')) ? 'written' : 'exists';
  }

  async endLedgerEntry(actionId: string, effectiveToSec: EpochSec): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: actPk(actionId), sk: 'LEDGER' },
          UpdateExpression: 'SET #e.#to = :to',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#e.#to)',
          ExpressionAttributeNames: { '#e': 'entry', '#to': 'effectiveToSec' },
          ExpressionAttributeValues: { ':to': effectiveToSec },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e; // already ended (a repeated step), or no entry: nothing to do
    }
  }

  async listLedger(): Promise<LedgerEntry[]> {
    const items = await queryAll(this.doc, { TableName: this.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'LCLEDGER' } });
    const fresh = await Promise.all(items.map((i) => this.get(actPk((i.entry as LedgerEntry).actionId), 'LEDGER')));
    return fresh.filter((i): i is Record<string, unknown> => !!i).map((i) => i.entry as LedgerEntry);
  }

  async getEvaluation(day: string): Promise<EvaluationSummary | undefined> {
    return (await this.get(`LCEVAL#${day}`, 'SUMMARY'))?.summary as EvaluationSummary | undefined;
  }

  async putEvaluation(s: EvaluationSummary, resources: readonly { subjectKey: string }[]): Promise<void> {
    // Subject items first, the summary (naming its run) last: a reader never sees a summary without its subjects.
    const runAtSec = s.atSec;
    for (const r of resources) {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: `LCEVAL#${s.day}`, sk: `SUBJ#${r.subjectKey}`, type: 'lc-eval-subject', runAtSec, view: r } }));
    }
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: `LCEVAL#${s.day}`, sk: 'SUMMARY', gsi1pk: 'LCEVALS', gsi1sk: s.day, type: 'lc-eval', runAtSec, summary: s } }));
  }

  async evaluationResources(day: string): Promise<unknown[]> {
    const items = await queryAll(this.doc, { TableName: this.tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `LCEVAL#${day}` }, ConsistentRead: true });
    const summary = items.find((i) => i.sk === 'SUMMARY');
    if (!summary) return [];
    // Only the subjects of the summary's run: a subject gone since an earlier run of the same day is not shown.
    return items.filter((i) => String(i.sk).startsWith('SUBJ#') && i.runAtSec === summary.runAtSec).map((i) => i.view);
  }

  async latestEvaluation(atSec: EpochSec): Promise<EvaluationSummary | undefined> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p AND gsi1sk <= :d',
        ExpressionAttributeValues: { ':p': 'LCEVALS', ':d': utcDay(atSec) },
        ScanIndexForward: false,
        Limit: 3,
      }),
    );
    return (out.Items ?? []).map((i) => i.summary as EvaluationSummary).find((s) => s.atSec <= atSec);
  }

  async observedSince(region: string, nowSec: EpochSec): Promise<EpochSec> {
    if (await this.putIf({ pk: `LCOBS#${region}`, sk: 'START', type: 'lc-observed', sinceSec: nowSec }, 'attribute_not_exists(pk)')) return nowSec;
    return ((await this.get(`LCOBS#${region}`, 'START'))?.sinceSec as number | undefined) ?? nowSec;
  }

  async packageLastLive(region: string, arn: string): Promise<EpochSec | undefined> {
    return (await this.get(`LCPKG#${region}#${arn}`, 'LIVE'))?.lastLiveSec as number | undefined;
  }

  async markPackageLive(region: string, arn: string, atSec: EpochSec, demo = false): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `LCPKG#${region}#${arn}`, sk: 'LIVE' },
          UpdateExpression: 'SET lastLiveSec = :t, #ty = :ty, demo = :demo',
          ConditionExpression: 'attribute_not_exists(lastLiveSec) OR lastLiveSec < :t',
          ExpressionAttributeNames: { '#ty': 'type' },
          ExpressionAttributeValues: { ':t': atSec, ':ty': 'lc-package-live', ':demo': demo },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e; // a later time is already stored
    }
  }

  async rawSamples(resourceKey: string, w: Window): Promise<{ intervalStartSec: EpochSec; hosts: HostSeries[] }[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b',
      ExpressionAttributeValues: { ':p': `RES#${resourceKey}`, ':a': `RAW#${padSec(w.startSec)}`, ':b': `RAW#${padSec(w.endSec - 1)}` },
    });
    return items.map((i) => ({
      intervalStartSec: Number(String(i.sk).slice(4)),
      hosts: JSON.parse(typeof i.hosts === 'string' ? i.hosts : gunzipSync(Buffer.from(i.hostsGz as Uint8Array)).toString('utf8')) as HostSeries[],
    }));
  }
}
