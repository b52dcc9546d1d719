/**
 * InstrumentStore on DynamoDB (AWS) or dynalite (local). The registry is immutable per content hash and switched
 * by one conditional write, so an import is all-or-nothing without transactions (dynalite has none):
 *
 * | item              | pk                      | sk                              | attributes                                   |
 * |-------------------|-------------------------|---------------------------------|----------------------------------------------|
 * | instrument        | INSTRSET#<registryId>   | INSTR#<instrumentId>            | instrument (hourly profile moved out), months |
 * | profile month     | INSTRSET#<registryId>   | PROFILE#<instrumentId>#<YYYY-MM>| hours: [{ hour, mwh }] (≤ 744, well under 400 KB) |
 * | current pointer   | INSTRSET                | CURRENT                         | registryId, version (CAS), importedAtSec, count, demo |
 *
 * registryId = first 16 hex digits of SHA-256 over the canonical instruments JSON: the same content always writes
 * the same items (a retried import is a no-op), and the pointer only moves after every item of the new set is
 * written. A crash in between leaves an unreferenced set that the next import of the same content completes.
 * Access: one GetItem on the pointer and one Query on the set's partition.
 */
import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InstrumentStore } from '../../ports';
import type { Instrument, PpaInstrument } from '../../domain/market/instrument-types';
import { parseIsoInstant, type EpochSec } from '../../domain/time';
import { documentClient, isConditionFailure, queryAll } from './dynamodb-helpers';

const SET_PK = (id: string) => `INSTRSET#${id}`;
const POINTER = { pk: 'INSTRSET', sk: 'CURRENT' };

/** Another import moved the pointer between our read and our write; re-read and retry (retryable). */
export class InstrumentImportRaceError extends Error {
  readonly retryable = true;
  constructor() {
    super('another instrument import changed the current registry concurrently; retry');
    this.name = 'InstrumentImportRaceError';
  }
}

/** Canonical JSON (sorted keys) so that equal content hashes equally. */
const canonical = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(canonical).join(',')}]`
    : v && typeof v === 'object'
      ? `{${Object.keys(v as object).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`
      : JSON.stringify(v);

export class DynamoInstrumentStore implements InstrumentStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async importRegistry(instruments: readonly Instrument[], opts: { nowSec: EpochSec; demo?: boolean }) {
    const sorted = [...instruments].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const registryId = createHash('sha256').update(canonical({ demo: opts.demo ?? false, instruments: sorted })).digest('hex').slice(0, 16);
    const current = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: POINTER, ConsistentRead: true }));
    if (current.Item?.registryId === registryId) return { registryId, instruments: sorted.length, changed: false };

    for (const ins of sorted) {
      const months = new Map<string, { hour: string; mwh: number }[]>();
      let stored: Instrument = ins;
      if (ins.type === 'ppa' && ins.hourlyProfile) {
        for (const h of ins.hourlyProfile) {
          const m = h.hour.slice(0, 7);
          months.set(m, [...(months.get(m) ?? []), h]);
        }
        const { hourlyProfile: _omit, ...rest } = ins;
        stored = rest as PpaInstrument;
      }
      for (const [m, hours] of months) {
        await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: SET_PK(registryId), sk: `PROFILE#${ins.id}#${m}`, type: 'instrument-profile', hours } }));
      }
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: SET_PK(registryId), sk: `INSTR#${ins.id}`, type: 'instrument', instrument: stored, profileMonths: [...months.keys()].sort() },
        }),
      );
    }
    // Move the pointer last, by compare-and-set on its version: readers never see a half-written set.
    const version = (current.Item?.version as number | undefined) ?? 0;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...POINTER, type: 'instrument-pointer', registryId, version: version + 1, importedAtSec: opts.nowSec, count: sorted.length, demo: opts.demo ?? false },
          ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
          ExpressionAttributeValues: version === 0 ? undefined : { ':v': version },
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) throw new InstrumentImportRaceError();
      throw e;
    }
    return { registryId, instruments: sorted.length, changed: true };
  }

  async currentRegistry() {
    const p = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: POINTER, ConsistentRead: true }));
    if (!p.Item) return undefined;
    const registryId = p.Item.registryId as string;
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': SET_PK(registryId) },
      ConsistentRead: true,
    });
    const profiles = new Map<string, { hour: string; mwh: number }[]>();
    for (const it of items) {
      const m = /^PROFILE#(.+)#\d{4}-\d{2}$/.exec(it.sk as string);
      if (m) profiles.set(m[1], [...(profiles.get(m[1]) ?? []), ...((it.hours as { hour: string; mwh: number }[]) ?? [])]);
    }
    const instruments: Instrument[] = items
      .filter((it) => (it.sk as string).startsWith('INSTR#'))
      .map((it) => {
        const ins = it.instrument as Instrument;
        const hours = profiles.get(ins.id);
        return ins.type === 'ppa' && hours ? { ...ins, hourlyProfile: hours.sort((a, b) => parseIsoInstant(a.hour) - parseIsoInstant(b.hour)) } : ins;
      });
    return { registryId, instruments, importedAtSec: p.Item.importedAtSec as number, demo: (p.Item.demo as boolean | undefined) ?? false };
  }
}
