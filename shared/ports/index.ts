/** Ports: what the domain needs from the outside world. Adapters live in shared/adapters/{aws,local}. */
import type { EpochSec, Window } from '../domain/time';
import type {
  FootprintInterval,
  HostSeries,
  IntensityPoint,
  IntensitySignal,
  ResourceKind,
  ResourceRef,
  ResourceTelemetry,
} from '../domain/types';
import type { Instrument } from '../domain/market/instrument-types';
import type { PieceChunk } from '../domain/footprint/rollup-facts';
import type { RollupManifest } from '../domain/footprint/rollup-tree';

export interface Clock {
  nowSec(): EpochSec;
}

/** Discovers AI workloads (SageMaker training jobs, endpoints, EC2 GPU instances). */
export interface WorkloadInventory {
  /** Every resource that was active at any time in `window` in the given regions. */
  listActive(window: Window, regions: string[]): Promise<ResourceRef[]>;
  /**
   * Optional: the same per region, with what the listing proves about absence, so a sweep can end what is gone.
   * A region whose listing failed comes back with `error` (and whatever was seen before the failure), never throws.
   */
  listRegions?(window: Window, regions: string[]): Promise<RegionListing[]>;
}

/** One region's listing in a sweep. */
export interface RegionListing {
  region: string;
  /** When the listing began (the clock the sweep was given). */
  listedAtSec: EpochSec;
  /** Resources active in the window. */
  resources: ResourceRef[];
  /** Kinds listed completely: every existing resource of these kinds was seen (empty when the listing failed). */
  completeKinds: ResourceKind[];
  /** Keys of everything seen to exist, including what was not mapped to a resource (inactive in the window, bad data). */
  presentKeys: string[];
  error?: string;
}

/** Fetches telemetry; one call covers many resources (GetMetricData batches up to 500 queries). */
export interface MetricsSource {
  fetch(resources: ResourceRef[], window: Window, periodSec: number): Promise<MetricsFetchResult>;
}
export interface MetricsFetchResult {
  telemetry: ResourceTelemetry[];
  /** Resources not fetched (request budget exhausted, permanent errors) with the reason; retried next run. */
  skipped: { resourceKey: string; reason: string }[];
  /** Resources whose telemetry cannot be read at all (region not readable): reported as errors; the cursor stays. */
  errors?: { resourceKey: string; error: string }[];
  /** Metrics requested (GetMetricData is priced per metric requested). */
  metricsRequested: number;
  apiCalls: number;
}

/** Hourly (or finer) grid intensity by zone and signal. */
export interface IntensityProvider {
  readonly name: string;
  /** Points covering [window.startSec, window.endSec); may be empty when the provider has no data. */
  getSeries(zone: string, signal: IntensitySignal, window: Window): Promise<IntensityPoint[]>;
}

export type PutOutcome = 'written' | 'replaced' | 'unchanged';

export interface Cursor {
  resourceKey: string;
  /** Everything before this instant is final for this resource. */
  collectedToSec: EpochSec;
  version: number;
}

/**
 * Packed roll-up pieces and per-day manifests (layout: shared/domain/footprint/rollup-tree.ts). A piece is written as
 * chunks that all carry its hash; a reader asks for a piece at the hash it expects and gets it only when every chunk
 * of that version is there, so a piece being rewritten or left stale is never mixed into a result.
 */
export interface RollupPieceStore {
  putRollupPiece(id: string, hash: string, chunks: readonly PieceChunk[]): Promise<void>;
  /** The piece's chunks at `hash`, or undefined when absent, incomplete or of another version. */
  getRollupPiece(id: string, hash: string): Promise<PieceChunk[] | undefined>;
  /** Written after the day's pieces: readers trust a day's pieces through its manifest. */
  putRollupManifest(m: RollupManifest): Promise<void>;
  /** Manifests of the UTC days in [fromDay, toDay] (YYYY-MM-DD, inclusive), oldest first; every day when omitted. */
  getRollupManifests(fromDay?: string, toDay?: string): Promise<RollupManifest[]>;
}

/**
 * The footprint store (DynamoDB single table). The roll-up piece methods are optional: a store without them keeps
 * only the per-dimension roll-up rows, and reports on it are summed from intervals.
 */
export interface FootprintStore extends Partial<RollupPieceStore> {
  /**
   * Write the inventory record. With `expectedVersion` it is a compare-and-set (0 = must be absent) and returns
   * false when another writer got there first (re-read, merge, retry); without, it overwrites (seeding, tests).
   */
  putResource(r: ResourceRef, expectedVersion?: number): Promise<boolean>;
  getResource(resourceKey: string): Promise<ResourceRef | undefined>;
  /** The record with its version, for read-merge-write. */
  getResourceVersioned(resourceKey: string): Promise<{ resource: ResourceRef; version: number } | undefined>;
  /** Resources still being collected (not yet marked complete). */
  listResources(): Promise<ResourceRef[]>;
  /** Every resource ever registered, complete or not. */
  listAllResources(): Promise<ResourceRef[]>;
  /** Every resource (active or complete) whose key starts with `keyPrefix`, e.g. all variants of one endpoint. */
  listResourcesByKeyPrefix(keyPrefix: string): Promise<ResourceRef[]>;
  /**
   * The resource ended and its cursor passed its end: drop it from the active list. With `expectedEndSec` only while
   * the stored record still ends there (false otherwise: it was reopened or re-ended meanwhile and stays active).
   */
  markCollectionComplete(resourceKey: string, expectedEndSec?: EpochSec): Promise<boolean>;
  /** Conditional: writes if absent or if `revision` is higher than the stored one; never adds. */
  putInterval(i: FootprintInterval): Promise<PutOutcome>;
  getCursor(resourceKey: string): Promise<Cursor | undefined>;
  /** Compare-and-set: succeeds only if the stored version equals `expectedVersion` (0 = absent). */
  advanceCursor(resourceKey: string, expectedVersion: number, collectedToSec: EpochSec): Promise<boolean>;
  queryResourceIntervals(resourceKey: string, window: Window): Promise<FootprintInterval[]>;
  /** All intervals whose start lies in `window` (by UTC-day index). */
  queryIntervals(window: Window): Promise<FootprintInterval[]>;
  /**
   * Raw telemetry of one interval, kept for audit, expired by TTL. With `revision` (the interval's), kept by the
   * interval's own rule: written when absent or of a lower revision, so the samples stay those of the stored interval.
   */
  putRawSamples(resourceKey: string, intervalStartSec: EpochSec, hosts: HostSeries[], revision?: number): Promise<void>;
  /** Replace roll-up rows (deterministic keys: day + dimension + key). */
  putRollups(rows: RollupRow[]): Promise<void>;
  getRollups(day: string): Promise<RollupRow[]>;
}

/** A per-day aggregate recomputed from intervals (the per-dimension view of a day's roll-up; budgets read it). */
export interface RollupRow {
  day: string;
  /** 'resource' | 'kind' | 'team' | 'project' | 'model' | 'region' | 'total' */
  dimension: string;
  key: string;
  energyKwh: number;
  /** Location-based operational emissions. */
  co2eKg: number;
  /** Embodied (scope 3) emissions of the intervals that carry one (point); absent on roll-ups written before it. */
  embodiedKgCo2e?: number;
  /** Intervals with an energy figure but no embodied one (unmodelled hardware, or stored before embodied accounting). */
  embodiedGapIntervals?: number;
  measuredKwh: number;
  /** Σ coveragePct × intervalSec, so coverage can be re-averaged over days. */
  coverageWeightedSec: number;
  intervalSec: number;
  intervals: number;
  demo: boolean;
}

/** Publishes domain events (EventBridge PutEvents in AWS, the local bus locally). */
export interface EventPublisher {
  publish(events: { source: string; detailType: string; detail: unknown }[]): Promise<void>;
}

/** The contractual-instruments registry for market-based scope 2 (DynamoDB items `INSTRSET#…`). */
export interface InstrumentStore {
  /**
   * Replace the registry with `instruments` as one unit: readers keep seeing the previous registry until every item
   * of the new one is written and the `CURRENT` pointer has moved (compare-and-set). Re-importing the same content is
   * a no-op (the registry id is a hash of it).
   */
  importRegistry(instruments: readonly Instrument[], opts: { nowSec: EpochSec; demo?: boolean }): Promise<{ registryId: string; instruments: number; changed: boolean }>;
  /** The current registry, or undefined when none was ever imported. */
  currentRegistry(): Promise<{ registryId: string; instruments: Instrument[]; importedAtSec: EpochSec; demo: boolean } | undefined>;
}
