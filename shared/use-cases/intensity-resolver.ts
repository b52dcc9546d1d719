/**
 * Resolves the grid intensity of an interval for a region: the region's zone, the configured signal, the
 * best available hourly values from the providers (in priority order), time-weighted over the interval.
 */
import type { IntensityProvider } from '../ports';
import type { IntensityPoint, IntensitySignal } from '../domain/types';
import { alignDown, alignUp, HOUR_SEC, type Window } from '../domain/time';
import { resolveHourly, timeWeightedIntensity } from '../domain/intensity/fallback-chain';
import type { IntervalIntensity } from '../domain/footprint/compute-interval';

export interface IntensityResolver {
  /** The signal this resolver serves (decides the zone key: Electricity Maps zone or WattTime region). */
  readonly signal: IntensitySignal;
  /** Prefetch a window for a zone (one provider call per zone per run rather than per interval). */
  prefetch(zone: string, window: Window): Promise<void>;
  forInterval(zone: string, window: Window): Promise<IntervalIntensity>;
}

/**
 * The best hourly points of a zone over a window (hour-aligned) from providers in priority order. A provider that
 * fails is skipped (its hours fall to the next); with `rethrowTerminal`, a terminal error (e.g. an unknown zone)
 * is raised instead, since accounting must not silently fall back on a misconfiguration.
 */
export async function fetchHourly(
  providers: readonly IntensityProvider[],
  zone: string,
  signal: IntensitySignal,
  w: Window,
  rethrowTerminal = false,
): Promise<IntensityPoint[]> {
  const window = { startSec: alignDown(w.startSec, HOUR_SEC), endSec: alignUp(w.endSec, HOUR_SEC) };
  const candidates: IntensityPoint[][] = [];
  for (const p of providers) {
    try {
      candidates.push(await p.getSeries(zone, signal, window));
    } catch (e) {
      if (rethrowTerminal && (e as { retryable?: boolean }).retryable === false) throw e;
      candidates.push([]);
    }
  }
  return resolveHourly(window, candidates).points;
}

/** Providers in priority order (e.g. stored actuals, stored forecasts, yearly fallback). */
export function makeIntensityResolver(providers: IntensityProvider[], signal: IntensitySignal): IntensityResolver {
  const cache = new Map<string, { window: Window; points: IntensityPoint[] }>();
  const load = async (zone: string, w: Window) => {
    const window = { startSec: alignDown(w.startSec, HOUR_SEC), endSec: alignUp(w.endSec, HOUR_SEC) };
    const hit = cache.get(zone);
    if (hit && hit.window.startSec <= window.startSec && hit.window.endSec >= window.endSec) return hit.points;
    // One provider failing must not stop accounting: its hours fall through to the next in the chain.
    const points = await fetchHourly(providers, zone, signal, window, true);
    cache.set(zone, { window, points });
    return points;
  };
  return {
    signal,
    prefetch: async (zone, w) => void (await load(zone, w)),
    forInterval: async (zone, w) => {
      const points = await load(zone, w);
      const t = timeWeightedIntensity(points, w);
      return { gPerKwh: t.gPerKwh, signal: t.signal, zone, provider: t.provider, quality: t.quality, issuedAtSec: t.issuedAtSec };
    },
  };
}
