/** Runtime configuration from the environment, parsed once at start-up and frozen. */
import { z } from 'zod';
import { DEFAULT_ATTRIBUTION_KEYS, parseAttributionKeys, type AttributionKeys } from '../domain/attribution';
import { parseRegionOverrides, type RegionInfo } from '../domain/regions/region-catalog';
import type { IntensitySignal } from '../domain/types';

/**
 * Hours between collection runs (collect-dispatch's schedule): divisors of 24, so every cadence covers whole days
 * alike. The collector catches up from its cursors, so the cadence changes freshness and the GetMetricData bill
 * (priced per metric per call), never what is accounted. Set with COLLECT_EVERY_HOURS (local runtime) or the CDK
 * context `collectionCadenceHours` (deploy).
 */
export const COLLECTION_CADENCES_H = [1, 2, 3, 4, 6, 8, 12, 24] as const;
export type CollectionCadenceHours = (typeof COLLECTION_CADENCES_H)[number];
const CADENCE_MESSAGE = `must be one of ${COLLECTION_CADENCES_H.join(', ')} (hours)`;
const CadenceHours = z.coerce
  .number({ error: CADENCE_MESSAGE })
  .refine((v): v is CollectionCadenceHours => (COLLECTION_CADENCES_H as readonly number[]).includes(v), CADENCE_MESSAGE);

/** A collection cadence from a setting (CDK context, environment); a bad value is an error naming the setting. */
export function parseCollectionCadenceHours(value: unknown, setting: string): CollectionCadenceHours {
  const r = CadenceHours.safeParse(value);
  if (!r.success) throw new Error(`configuration: ${setting}: ${r.error.issues.map((i) => i.message).join('; ')}, got ${JSON.stringify(value)}`);
  return r.data as CollectionCadenceHours;
}

const Env = z.object({
  TABLE_NAME: z.string().min(1).default('carbonpilot'),
  EVENT_BUS_NAME: z.string().min(1).default('carbonpilot'),
  MONITORED_REGIONS: z.string().optional(),
  AWS_REGION: z.string().optional(),
  ATTRIBUTION_KEYS: z.string().optional(),
  REGION_OVERRIDES: z.string().optional(),
  FOOTPRINT_SIGNAL: z.enum(['average-lifecycle', 'average-direct', 'marginal']).default('average-lifecycle'),
  METRIC_PERIOD_SEC: z.coerce.number().int().positive().default(60),
  COLLECT_LAG_SEC: z.coerce.number().int().nonnegative().default(900),
  MAX_CATCH_UP_SEC: z.coerce.number().int().positive().refine((v) => v % 3600 === 0, 'must be a multiple of 3600 (intervals are hourly)').default(2 * 86400),
  INVENTORY_LOOKBACK_SEC: z.coerce.number().int().positive().default(2 * 86400),
  COLLECT_BATCH_SIZE: z.coerce.number().int().positive().max(1000).default(100),
  GETMETRICDATA_CALL_BUDGET: z.coerce.number().int().positive().default(200),
  STORE_RAW_SAMPLES: z.enum(['true', 'false']).default('true'),
  COLLECT_EVERY_HOURS: CadenceHours.default(1),
});

export interface AppConfig {
  tableName: string;
  eventBusName: string;
  regions: string[];
  attributionKeys: AttributionKeys;
  regionOverrides: Record<string, Partial<RegionInfo>>;
  signal: IntensitySignal;
  periodSec: number;
  intervalSec: number;
  lagSec: number;
  maxCatchUpSec: number;
  inventoryLookbackSec: number;
  batchSize: number;
  getMetricDataCallBudget: number;
  storeRawSamples: boolean;
  collectEveryHours: CollectionCadenceHours;
}

/** Parse the environment; a bad value throws an error naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): Readonly<AppConfig> {
  const r = Env.safeParse(env);
  if (!r.success) {
    throw new Error(`configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = r.data;
  // One run must be able to catch up a whole cadence, or the cursors fall behind for good.
  if (e.MAX_CATCH_UP_SEC < e.COLLECT_EVERY_HOURS * 3600) {
    throw new Error(`configuration: MAX_CATCH_UP_SEC: must be at least COLLECT_EVERY_HOURS × 3600 = ${e.COLLECT_EVERY_HOURS * 3600}`);
  }
  const regions = (e.MONITORED_REGIONS ?? e.AWS_REGION ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return Object.freeze({
    tableName: e.TABLE_NAME,
    eventBusName: e.EVENT_BUS_NAME,
    regions,
    attributionKeys: e.ATTRIBUTION_KEYS ? parseAttributionKeys(e.ATTRIBUTION_KEYS) : DEFAULT_ATTRIBUTION_KEYS,
    regionOverrides: e.REGION_OVERRIDES ? parseRegionOverrides(e.REGION_OVERRIDES) : {},
    signal: e.FOOTPRINT_SIGNAL,
    periodSec: e.METRIC_PERIOD_SEC,
    intervalSec: 3600,
    lagSec: e.COLLECT_LAG_SEC,
    maxCatchUpSec: e.MAX_CATCH_UP_SEC,
    inventoryLookbackSec: e.INVENTORY_LOOKBACK_SEC,
    batchSize: e.COLLECT_BATCH_SIZE,
    getMetricDataCallBudget: e.GETMETRICDATA_CALL_BUDGET,
    storeRawSamples: e.STORE_RAW_SAMPLES === 'true',
    collectEveryHours: e.COLLECT_EVERY_HOURS as CollectionCadenceHours,
  });
}
