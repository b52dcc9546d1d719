/**
 * Runtime configuration from the environment: every variable CarbonPilot reads is declared here, parsed once at
 * start-up and frozen. A bad value, or a variable the function requires but lacks, throws a ConfigurationError
 * naming the variable — in every handler alike (see `loadConfig(env, { require })`).
 */
import { z } from 'zod';
import { DEFAULT_ATTRIBUTION_KEYS, parseAttributionKeys, type AttributionKeys } from '../domain/attribution';
import { parseRegionOverrides, type RegionInfo } from '../domain/regions/region-catalog';
import type { IntensitySignal } from '../domain/types';
import { DEFAULT_MAX_PLAN_HORIZON_DAYS, PLAN_HORIZON_CEILING_DAYS } from '../domain/scheduler/planner';
import { LIFECYCLE_ENV, lifecycleConfigOf, type LifecycleConfig } from './lifecycle';

const SIGNALS = ['average-lifecycle', 'average-direct', 'marginal'] as const;
const optionalString = z.string().trim().min(1).optional().catch(undefined);

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
  FOOTPRINT_SIGNAL: z.enum(SIGNALS).default('average-lifecycle'),
  METRIC_PERIOD_SEC: z.coerce.number().int().positive().default(60),
  COLLECT_LAG_SEC: z.coerce.number().int().nonnegative().default(900),
  MAX_CATCH_UP_SEC: z.coerce.number().int().positive().refine((v) => v % 3600 === 0, 'must be a multiple of 3600 (intervals are hourly)').default(2 * 86400),
  INVENTORY_LOOKBACK_SEC: z.coerce.number().int().positive().default(2 * 86400),
  COLLECT_BATCH_SIZE: z.coerce.number().int().positive().max(1000).default(100),
  GETMETRICDATA_CALL_BUDGET: z.coerce.number().int().positive().default(200),
  STORE_RAW_SAMPLES: z.enum(['true', 'false']).default('true'),
  /**
   * How long an active resource whose hour has no telemetry at all stays provisional (collected again) before the
   * hour is written final as `no-telemetry` (coverage 0 %, reported). Covers agents that start late and CloudWatch
   * ingestion delays; 6 h by default.
   */
  NO_TELEMETRY_GRACE_SEC: z.coerce.number().int().nonnegative().default(6 * 3600),
  // Carbon-aware scheduling (job-dispatch, api): set by the infrastructure.
  SCHEDULER_ROLE_ARN: optionalString,
  DISPATCH_FUNCTION_ARN: optionalString,
  SCHEDULE_GROUP_NAME: optionalString,
  SCHEDULER_DLQ_ARN: optionalString,
  // Footprint export: S3 in AWS, a folder locally.
  EXPORT_BUCKET: optionalString,
  EXPORT_DIR: optionalString,
  // Intensity ingest.
  PROVIDER_SECRET_ID: optionalString,
  INTENSITY_SIGNALS: z.string().optional(),
  ELECTRICITYMAPS_API_TOKEN: optionalString,
  WATTTIME_USERNAME: optionalString,
  WATTTIME_PASSWORD: optionalString,
  NESO_ENABLED: z.string().optional(),
  // Local only.
  DYNAMODB_ENDPOINT: optionalString,
  /** Job deadlines may lie at most this many days ahead (a later one is a 400 on `deadline`). */
  MAX_PLAN_HORIZON_DAYS: z.coerce.number().int().min(1).max(PLAN_HORIZON_CEILING_DAYS).default(DEFAULT_MAX_PLAN_HORIZON_DAYS),
  /** Account of resources whose ARN gives none, for reconciliation with AWS's carbon export (12 digits). */
  CARBONPILOT_ACCOUNT_ID: z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id').optional(),
  COLLECT_EVERY_HOURS: CadenceHours.default(1),
  ...LIFECYCLE_ENV,
});

/** Every environment variable CarbonPilot reads. */
export type EnvName = keyof z.input<typeof Env>;
export const ENV_NAMES = Object.keys(Env.shape) as EnvName[];

/** Live-provider credentials (environment locally; in AWS the JSON secret named by PROVIDER_SECRET_ID has the same keys). */
export interface ProviderCredentials {
  electricityMapsToken?: string;
  wattTime?: { username: string; password: string };
  /** NESO needs no key; it is opt-in so that a run without network access makes no calls. */
  neso: boolean;
}

export interface AppConfig {
  tableName: string;
  eventBusName: string;
  /** The function's own region (AWS_REGION); undefined locally. */
  homeRegion?: string;
  regions: string[];
  attributionKeys: AttributionKeys;
  regionOverrides: Record<string, Partial<RegionInfo>>;
  signal: IntensitySignal;
  /** Signals the ingest stores: the footprint signal plus INTENSITY_SIGNALS. */
  ingestSignals: IntensitySignal[];
  periodSec: number;
  intervalSec: number;
  lagSec: number;
  maxCatchUpSec: number;
  inventoryLookbackSec: number;
  batchSize: number;
  getMetricDataCallBudget: number;
  storeRawSamples: boolean;
  noTelemetryGraceSec: number;
  scheduling: { schedulerRoleArn?: string; dispatchFunctionArn?: string; scheduleGroupName?: string; schedulerDlqArn?: string };
  exportBucket?: string;
  exportDir?: string;
  providerSecretId?: string;
  /** Credentials from the environment (local); in AWS they come from the secret. Never logged. */
  localCredentials: ProviderCredentials;
  dynamodbEndpoint?: string;
  maxPlanHorizonDays: number;
  /** Default AWS account id for reconciliation (resources without one in their ARN); undefined = none configured. */
  accountId?: string;
  collectEveryHours: CollectionCadenceHours;
  lifecycle: Readonly<LifecycleConfig>;
}

/** A missing or invalid configuration variable: terminal, names the variable. */
export class ConfigurationError extends Error {
  readonly retryable = false;
  constructor(readonly variables: string[], detail: string) {
    super(`configuration: ${detail}`);
    this.name = 'ConfigurationError';
  }
}

/** Credentials from a flat record of keys (the environment, or the parsed secret JSON). */
export function credentialsFromRecord(r: Record<string, unknown>): ProviderCredentials {
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const token = str(r.ELECTRICITYMAPS_API_TOKEN);
  const username = str(r.WATTTIME_USERNAME);
  const password = str(r.WATTTIME_PASSWORD);
  const neso = r.NESO_ENABLED;
  const c: ProviderCredentials = { neso: neso === true || neso === 'true' || neso === '1' };
  if (token) c.electricityMapsToken = token;
  if (username && password) c.wattTime = { username, password };
  return c;
}

export interface LoadConfigOptions {
  /** Variables this function cannot run without (the pipeline definition's `requiredEnv`). */
  require?: readonly EnvName[];
}

/** Parse the environment; a bad value or a missing required variable throws a ConfigurationError naming it. */
export function loadConfig(env: Record<string, string | undefined>, opts: LoadConfigOptions = {}): Readonly<AppConfig> {
  const missing = (opts.require ?? []).filter((name) => (env[name] ?? '').trim() === '');
  if (missing.length) throw new ConfigurationError(missing, `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required`);
  const r = Env.safeParse(env);
  if (!r.success) {
    throw new ConfigurationError(
      r.error.issues.map((i) => String(i.path[0])),
      r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  const e = r.data;
  const named = <T>(name: EnvName, f: () => T): T => {
    try {
      return f();
    } catch (err) {
      throw new ConfigurationError([name], `${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  // One run must be able to catch up a whole cadence, or the cursors fall behind for good.
  if (e.MAX_CATCH_UP_SEC < e.COLLECT_EVERY_HOURS * 3600) {
    throw new ConfigurationError(['MAX_CATCH_UP_SEC'], `MAX_CATCH_UP_SEC: must be at least COLLECT_EVERY_HOURS × 3600 = ${e.COLLECT_EVERY_HOURS * 3600}`);
  }
  const regions = (e.MONITORED_REGIONS ?? e.AWS_REGION ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const extraSignals = (e.INTENSITY_SIGNALS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of extraSignals) {
    if (!(SIGNALS as readonly string[]).includes(s)) throw new ConfigurationError(['INTENSITY_SIGNALS'], `INTENSITY_SIGNALS: unknown signal "${s}" (${SIGNALS.join(', ')})`);
  }
  return Object.freeze({
    tableName: e.TABLE_NAME,
    eventBusName: e.EVENT_BUS_NAME,
    homeRegion: e.AWS_REGION,
    regions,
    attributionKeys: e.ATTRIBUTION_KEYS ? named('ATTRIBUTION_KEYS', () => parseAttributionKeys(e.ATTRIBUTION_KEYS!)) : DEFAULT_ATTRIBUTION_KEYS,
    regionOverrides: e.REGION_OVERRIDES ? named('REGION_OVERRIDES', () => parseRegionOverrides(e.REGION_OVERRIDES!)) : {},
    signal: e.FOOTPRINT_SIGNAL,
    ingestSignals: [...new Set([e.FOOTPRINT_SIGNAL, ...(extraSignals as IntensitySignal[])])],
    periodSec: e.METRIC_PERIOD_SEC,
    intervalSec: 3600,
    lagSec: e.COLLECT_LAG_SEC,
    maxCatchUpSec: e.MAX_CATCH_UP_SEC,
    inventoryLookbackSec: e.INVENTORY_LOOKBACK_SEC,
    batchSize: e.COLLECT_BATCH_SIZE,
    getMetricDataCallBudget: e.GETMETRICDATA_CALL_BUDGET,
    storeRawSamples: e.STORE_RAW_SAMPLES === 'true',
    noTelemetryGraceSec: e.NO_TELEMETRY_GRACE_SEC,
    scheduling: Object.freeze({
      schedulerRoleArn: e.SCHEDULER_ROLE_ARN,
      dispatchFunctionArn: e.DISPATCH_FUNCTION_ARN,
      scheduleGroupName: e.SCHEDULE_GROUP_NAME,
      schedulerDlqArn: e.SCHEDULER_DLQ_ARN,
    }),
    exportBucket: e.EXPORT_BUCKET,
    exportDir: e.EXPORT_DIR,
    providerSecretId: e.PROVIDER_SECRET_ID,
    localCredentials: credentialsFromRecord(env),
    dynamodbEndpoint: e.DYNAMODB_ENDPOINT,
    maxPlanHorizonDays: e.MAX_PLAN_HORIZON_DAYS,
    ...(e.CARBONPILOT_ACCOUNT_ID ? { accountId: e.CARBONPILOT_ACCOUNT_ID } : {}),
    collectEveryHours: e.COLLECT_EVERY_HOURS as CollectionCadenceHours,
    lifecycle: lifecycleConfigOf(e),
  });
}
