/**
 * Port: hourly grid-intensity series per zone and signal, with provenance, in the footprint table.
 * Actuals are one value per hour (a re-fetch overwrites, never adds); forecasts keep every vintage
 * (issue time) so decisions can be audited and forecasts scored later.
 */
import type { EpochSec, Window } from '../domain/time';
import type { IntensityPoint, IntensityQuality, IntensitySignal } from '../domain/types';

/** Qualities the store keeps; yearly averages and demo values are computed on the fly, never stored. */
export type StoredQuality = Extract<IntensityQuality, 'actual' | 'provider-forecast' | 'own-forecast'>;
export const STORED_QUALITIES: readonly StoredQuality[] = ['actual', 'provider-forecast', 'own-forecast'];

/** A stored point: an IntensityPoint plus, for our own forecast, its 90 % prediction interval. */
export interface StoredIntensityPoint extends IntensityPoint {
  /** 5 % quantile of the forecast, g/kWh (own forecasts). */
  lowGPerKwh?: number;
  /** 95 % quantile of the forecast, g/kWh (own forecasts). */
  highGPerKwh?: number;
}

/** One forecast vintage: every hour one provider forecast for a zone and signal at one issue time. */
export interface IntensityVintage {
  zone: string;
  signal: IntensitySignal;
  provider: string;
  quality: Exclude<StoredQuality, 'actual'>;
  issuedAtSec: EpochSec;
  /** Hours of this vintage inside the queried window. */
  hours: number;
  firstHourSec: EpochSec;
  lastHourSec: EpochSec;
}

export interface ForecastQuery {
  /** Only vintages issued at or before this instant (what was known at decision time). Default: all. */
  issuedAtOrBefore?: EpochSec;
  /** Only this forecast quality. Default: a provider forecast beats our own forecast. */
  quality?: Exclude<StoredQuality, 'actual'>;
}

export interface IntensityStore {
  /**
   * Write points. Actuals: one per (zone, signal, hour), overwritten only when the value or provider changed.
   * Forecasts: one per (zone, signal, hour, issue time, quality), written once ("already exists" is success).
   * `written` counts items that were new or changed.
   */
  putPoints(points: readonly StoredIntensityPoint[]): Promise<{ written: number }>;
  /** Actuals whose hour starts in `window`, in time order. */
  getActuals(zone: string, signal: IntensitySignal, window: Window): Promise<StoredIntensityPoint[]>;
  /**
   * Per hour starting in `window`: the latest vintage issued at or before `issuedAtOrBefore` (provider forecast
   * before own forecast unless `quality` is given), in time order.
   */
  getForecasts(zone: string, signal: IntensitySignal, window: Window, q?: ForecastQuery): Promise<StoredIntensityPoint[]>;
  /** Forecast vintages with hours in `window`, oldest issue first. */
  listVintages(zone: string, signal: IntensitySignal, window: Window): Promise<IntensityVintage[]>;
  /**
   * Vintages issued in `issued` (half-open), oldest first, from a small index written with the points: cheap to read
   * however many hours each vintage has (listVintages reads every forecast point of its window).
   */
  listVintageIssues(zone: string, signal: IntensitySignal, issued: Window, quality?: Exclude<StoredQuality, 'actual'>): Promise<VintageRef[]>;
  /** The points of one vintage whose hours start in `window`, in time order (read by exact key). */
  getVintage(zone: string, signal: IntensitySignal, v: VintageRef, window: Window): Promise<StoredIntensityPoint[]>;
}

/** One forecast vintage's identity (an entry of the vintage index). */
export interface VintageRef {
  issuedAtSec: EpochSec;
  quality: Exclude<StoredQuality, 'actual'>;
  provider: string;
}

/** A point the store cannot keep (wrong quality, missing issue time, bad value): terminal, names the point. */
export class InvalidIntensityPointError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidIntensityPointError';
  }
}
