/**
 * IntensityStore on DynamoDB (AWS) or dynalite (local), in the footprint single table:
 *
 * | item              | pk                       | sk                                             |
 * |-------------------|--------------------------|------------------------------------------------|
 * | intensity actual  | CI#<zone>#<signal>       | A#<paddedHour>                                 |
 * | forecast vintage  | CI#<zone>#<signal>       | F#<paddedHour>#<paddedIssuedAt>#<quality>      |
 *
 * Zero-padded epoch seconds make lexical order = time order, so a window is one key-range Query.
 * Actuals: a re-fetch overwrites the same key (a value, never a sum), conditional on the value having changed.
 * `cfePct` (the grid's carbon-free share of the hour, 0–100, where the source gives it) is stored with the point and
 * counts as part of its value: a re-fetch that adds or changes it overwrites; one without it never erases it by itself
 * (an identical intensity without a share is a no-op).
 * Forecasts: every vintage kept, written once (`attribute_not_exists`: "already exists" is success).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient, isConditionFailure, queryAll } from './dynamodb-helpers';
import { FORECAST_VINTAGE_TTL_SEC, TABLE_KEYS } from './table-schema';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { alignUp, HOUR_SEC, padSec, type EpochSec, type Window } from '../../domain/time';
import type { IntensitySignal } from '../../domain/types';
import {
  InvalidIntensityPointError,
  STORED_QUALITIES,
  type ForecastQuery,
  type IntensityStore,
  type IntensityVintage,
  type StoredIntensityPoint,
  type StoredQuality,
  type VintageRef,
} from '../../ports/intensity-store';

export const intensityPk = (zone: string, signal: IntensitySignal): string => `CI#${zone}#${signal}`;
export const actualSk = (tSec: EpochSec): string => `A#${padSec(tSec)}`;
export const forecastSk = (tSec: EpochSec, issuedAtSec: EpochSec, quality: StoredQuality): string =>
  `F#${padSec(tSec)}#${padSec(issuedAtSec)}#${quality}`;
/** Vintage index entry: one small item per forecast vintage, in the zone-signal partition. */
export const vintageSk = (issuedAtSec: EpochSec, quality: StoredQuality): string => `V#${padSec(issuedAtSec)}#${quality}`;
/** Concurrent GetItem calls when reading one vintage by exact keys. */
const READ_CONCURRENCY = 16;

/** Puts in flight at once: enough to hide round trips, few enough not to trip on-demand throttling for one key. */
const WRITE_CONCURRENCY = 8;
/** Forecast quality order when both exist for an hour: a provider's forecast beats ours. */
const FORECAST_RANK: Record<string, number> = { 'provider-forecast': 0, 'own-forecast': 1 };


const ATTR_NAMES = { '#g': 'gPerKwh', '#p': 'provider', '#ps': 'periodSec' };
/** With a carbon-free share: also overwrite when the stored item has none or a different one. */
const CFE_CHANGED = ' OR attribute_not_exists(#c) OR #c <> :c';

export class DynamoIntensityStore implements IntensityStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async putPoints(points: readonly StoredIntensityPoint[]): Promise<{ written: number }> {
    points.forEach(validate); // all or nothing at the validation step: a bad batch writes nothing
    let written = 0;
    let next = 0;
    const worker = async () => {
      while (next < points.length) {
        const p = points[next++];
        if (await this.putOne(p)) written++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, points.length) }, worker));
    // Index every vintage written (idempotent put; after its points, so an indexed vintage has its points).
    const vintages = new Map<string, StoredIntensityPoint & { lastHourSec: number }>();
    for (const p of points) {
      if (p.quality === 'actual') continue;
      const k = `${intensityPk(p.zone, p.signal)}|${vintageSk(p.issuedAtSec!, p.quality as StoredQuality)}`;
      const v = vintages.get(k);
      if (!v) vintages.set(k, { ...p, lastHourSec: p.tSec });
      else v.lastHourSec = Math.max(v.lastHourSec, p.tSec);
    }
    for (const v of vintages.values()) {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: intensityPk(v.zone, v.signal),
            sk: vintageSk(v.issuedAtSec!, v.quality as StoredQuality),
            type: 'intensity-vintage',
            issuedAtSec: v.issuedAtSec,
            quality: v.quality,
            provider: v.provider,
            [TABLE_KEYS.ttl]: v.lastHourSec + FORECAST_VINTAGE_TTL_SEC,
          },
        }),
      );
    }
    return { written };
  }

  async listVintageIssues(zone: string, signal: IntensitySignal, issued: Window, quality?: Exclude<StoredQuality, 'actual'>): Promise<VintageRef[]> {
    if (issued.endSec <= issued.startSec) return [];
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
      ExpressionAttributeValues: { ':pk': intensityPk(zone, signal), ':a': `V#${padSec(issued.startSec)}`, ':b': `V#${padSec(issued.endSec - 1)}#~` },
    });
    return items
      .map((it) => ({ issuedAtSec: it.issuedAtSec as number, quality: it.quality as VintageRef['quality'], provider: it.provider as string }))
      .filter((v) => quality === undefined || v.quality === quality)
      .sort((a, b) => a.issuedAtSec - b.issuedAtSec || a.quality.localeCompare(b.quality));
  }

  async getVintage(zone: string, signal: IntensitySignal, v: VintageRef, window: Window): Promise<StoredIntensityPoint[]> {
    const hours: number[] = [];
    for (let t = alignUp(window.startSec, HOUR_SEC); t < window.endSec; t += HOUR_SEC) hours.push(t);
    const out: StoredIntensityPoint[] = [];
    let next = 0;
    const worker = async () => {
      while (next < hours.length) {
        const t = hours[next++];
        const r = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: intensityPk(zone, signal), sk: forecastSk(t, v.issuedAtSec, v.quality) } }));
        if (r.Item) out.push(toPoint(r.Item));
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, hours.length) }, worker));
    return out.sort((a, b) => a.tSec - b.tSec);
  }

  private async putOne(p: StoredIntensityPoint): Promise<boolean> {
    const isActual = p.quality === 'actual';
    const item = {
      pk: intensityPk(p.zone, p.signal),
      sk: isActual ? actualSk(p.tSec) : forecastSk(p.tSec, p.issuedAtSec!, p.quality as StoredQuality),
      type: 'intensity',
      tSec: p.tSec,
      periodSec: p.periodSec,
      gPerKwh: p.gPerKwh,
      zone: p.zone,
      signal: p.signal,
      provider: p.provider,
      quality: p.quality,
      issuedAtSec: isActual ? undefined : p.issuedAtSec,
      fetchedAtSec: p.fetchedAtSec,
      lowGPerKwh: p.lowGPerKwh,
      highGPerKwh: p.highGPerKwh,
      cfePct: p.cfePct,
      [TABLE_KEYS.ttl]: isActual ? undefined : p.tSec + FORECAST_VINTAGE_TTL_SEC,
    };
    try {
      await this.doc.send(
        new PutCommand(
          isActual
            ? {
                TableName: this.tableName,
                Item: item,
                // Overwrite only a different value: an identical re-fetch is a no-op, so `written` counts real changes.
                ConditionExpression: `attribute_not_exists(pk) OR #g <> :g OR #p <> :p OR #ps <> :ps${p.cfePct === undefined ? '' : CFE_CHANGED}`,
                ExpressionAttributeNames: p.cfePct === undefined ? ATTR_NAMES : { ...ATTR_NAMES, '#c': 'cfePct' },
                ExpressionAttributeValues: { ':g': p.gPerKwh, ':p': p.provider, ':ps': p.periodSec, ...(p.cfePct === undefined ? {} : { ':c': p.cfePct }) },
              }
            : { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
        ),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async getActuals(zone: string, signal: IntensitySignal, w: Window): Promise<StoredIntensityPoint[]> {
    if (w.endSec <= w.startSec) return [];
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
      ExpressionAttributeValues: { ':pk': intensityPk(zone, signal), ':a': actualSk(w.startSec), ':b': actualSk(w.endSec - 1) },
    });
    return items.map(toPoint);
  }

  async getForecasts(zone: string, signal: IntensitySignal, w: Window, q: ForecastQuery = {}): Promise<StoredIntensityPoint[]> {
    const items = await this.queryForecasts(zone, signal, w, q);
    const best = new Map<number, StoredIntensityPoint>();
    for (const p of items.map(toPoint)) {
      const cur = best.get(p.tSec);
      if (!cur || betterForecast(p, cur)) best.set(p.tSec, p);
    }
    return [...best.values()].sort((a, b) => a.tSec - b.tSec);
  }

  async listVintages(zone: string, signal: IntensitySignal, w: Window): Promise<IntensityVintage[]> {
    const items = await this.queryForecasts(zone, signal, w, {}, 'tSec, issuedAtSec, quality, provider');
    const byKey = new Map<string, IntensityVintage>();
    for (const it of items) {
      const tSec = it.tSec as number;
      const issuedAtSec = it.issuedAtSec as number;
      const quality = it.quality as IntensityVintage['quality'];
      const provider = it.provider as string;
      const k = `${issuedAtSec}|${quality}|${provider}`;
      const v = byKey.get(k);
      if (!v) byKey.set(k, { zone, signal, provider, quality, issuedAtSec, hours: 1, firstHourSec: tSec, lastHourSec: tSec });
      else {
        v.hours++;
        v.firstHourSec = Math.min(v.firstHourSec, tSec);
        v.lastHourSec = Math.max(v.lastHourSec, tSec);
      }
    }
    return [...byKey.values()].sort((a, b) => a.issuedAtSec - b.issuedAtSec || a.quality.localeCompare(b.quality) || a.provider.localeCompare(b.provider));
  }

  private async queryForecasts(zone: string, signal: IntensitySignal, w: Window, q: ForecastQuery, projection?: string) {
    if (w.endSec <= w.startSec) return [];
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':pk': intensityPk(zone, signal),
      ':a': `F#${padSec(w.startSec)}`,
      ':b': `F#${padSec(w.endSec - 1)}#~`, // '~' sorts after every digit and '#': the whole last hour is included
    };
    if (q.issuedAtOrBefore !== undefined) {
      filters.push('#i <= :cut');
      names['#i'] = 'issuedAtSec';
      values[':cut'] = q.issuedAtOrBefore;
    }
    if (q.quality) {
      filters.push('#q = :q');
      names['#q'] = 'quality';
      values[':q'] = q.quality;
    }
    let projectionNames: Record<string, string> = {};
    let ProjectionExpression: string | undefined;
    if (projection) {
      const fields = projection.split(',').map((s) => s.trim());
      projectionNames = Object.fromEntries(fields.map((f) => [`#f_${f}`, f]));
      ProjectionExpression = fields.map((f) => `#f_${f}`).join(', ');
    }
    const allNames = { ...names, ...projectionNames };
    return queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
      FilterExpression: filters.length ? filters.join(' AND ') : undefined,
      ProjectionExpression,
      ExpressionAttributeNames: Object.keys(allNames).length ? allNames : undefined,
      ExpressionAttributeValues: values,
    });
  }

}

/** Provider forecast before own forecast; then the later issue; then provider name (deterministic). */
const betterForecast = (a: StoredIntensityPoint, b: StoredIntensityPoint): boolean => {
  const ra = FORECAST_RANK[a.quality] ?? 9;
  const rb = FORECAST_RANK[b.quality] ?? 9;
  if (ra !== rb) return ra < rb;
  if ((a.issuedAtSec ?? 0) !== (b.issuedAtSec ?? 0)) return (a.issuedAtSec ?? 0) > (b.issuedAtSec ?? 0);
  return a.provider < b.provider;
};

const toPoint = (it: Record<string, unknown>): StoredIntensityPoint => {
  const p: StoredIntensityPoint = {
    tSec: it.tSec as number,
    periodSec: it.periodSec as number,
    gPerKwh: it.gPerKwh as number,
    zone: it.zone as string,
    signal: it.signal as IntensitySignal,
    provider: it.provider as string,
    quality: it.quality as StoredQuality,
  };
  if (it.issuedAtSec !== undefined) p.issuedAtSec = it.issuedAtSec as number;
  if (it.fetchedAtSec !== undefined) p.fetchedAtSec = it.fetchedAtSec as number;
  if (it.lowGPerKwh !== undefined) p.lowGPerKwh = it.lowGPerKwh as number;
  if (it.highGPerKwh !== undefined) p.highGPerKwh = it.highGPerKwh as number;
  if (it.cfePct !== undefined) p.cfePct = it.cfePct as number;
  return p;
};

const KEY_SAFE = /^[A-Za-z0-9_.:-]+$/;

function validate(p: StoredIntensityPoint, i: number): void {
  const where = `points[${i}] (${p.zone} ${p.signal} t=${p.tSec})`;
  if (!STORED_QUALITIES.includes(p.quality as StoredQuality)) {
    throw new InvalidIntensityPointError(`${where}: quality '${p.quality}' is not stored (only ${STORED_QUALITIES.join(', ')})`);
  }
  if (!KEY_SAFE.test(p.zone)) throw new InvalidIntensityPointError(`${where}: zone must match ${KEY_SAFE}`);
  if (!Number.isInteger(p.tSec) || p.tSec < 0) throw new InvalidIntensityPointError(`${where}: tSec must be a non-negative integer`);
  if (!Number.isInteger(p.periodSec) || p.periodSec <= 0) throw new InvalidIntensityPointError(`${where}: periodSec must be a positive integer`);
  if (!Number.isFinite(p.gPerKwh) || p.gPerKwh < 0) throw new InvalidIntensityPointError(`${where}: gPerKwh must be finite and ≥ 0`);
  if (p.cfePct !== undefined && !(Number.isFinite(p.cfePct) && p.cfePct >= 0 && p.cfePct <= 100)) {
    throw new InvalidIntensityPointError(`${where}: cfePct must be a share between 0 and 100`);
  }
  if (p.quality !== 'actual' && !(Number.isInteger(p.issuedAtSec) && (p.issuedAtSec as number) >= 0)) {
    throw new InvalidIntensityPointError(`${where}: a forecast needs its issue time (issuedAtSec)`);
  }
}
