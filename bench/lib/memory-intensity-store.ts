/**
 * In-memory `IntensityStore` for benchmarks: a test double of storage, not of product logic. It keeps the port's
 * contract as DynamoIntensityStore implements it (actuals one per zone, signal and hour, overwritten only when changed;
 * every forecast vintage kept, written once; the latest vintage issued by a cutoff wins per hour, a provider's
 * forecast before our own; the vintage index ordered by issue time), so the product's StoredIntensityProvider and
 * SeriesForecastSource run on it unchanged. Hour-aligned, hourly points only (all the reference data has); anything
 * else is rejected. The bench holds two years × 16 zones, where dynalite would spend minutes per run.
 * test/unit/bench/memory-intensity-store.test.ts runs the same calls against DynamoIntensityStore on dynalite.
 */
import { alignUp, HOUR_SEC, type EpochSec, type Window } from '../../shared/domain/time';
import type { IntensitySignal } from '../../shared/domain/types';
import {
  InvalidIntensityPointError,
  type ForecastQuery,
  type IntensityStore,
  type IntensityVintage,
  type StoredIntensityPoint,
  type StoredQuality,
  type VintageRef,
} from '../../shared/ports/intensity-store';

type ForecastQuality = Exclude<StoredQuality, 'actual'>;

interface Vintage {
  ref: VintageRef;
  points: Map<EpochSec, StoredIntensityPoint>;
}

/** Quality order when both exist for an hour (as the DynamoDB store): a provider's forecast beats ours. */
const FORECAST_RANK: Record<ForecastQuality, number> = { 'provider-forecast': 0, 'own-forecast': 1 };

export class MemoryIntensityStore implements IntensityStore {
  private readonly actuals = new Map<string, Map<EpochSec, StoredIntensityPoint>>();
  /** Per zone and signal, every vintage, ordered by issue time then quality (the index order). */
  private readonly vintages = new Map<string, Vintage[]>();

  async putPoints(points: readonly StoredIntensityPoint[]): Promise<{ written: number }> {
    points.forEach(validate); // all or nothing, as the DynamoDB store validates before writing
    let written = 0;
    for (const p of points) {
      const pk = key(p.zone, p.signal);
      if (p.quality === 'actual') {
        let m = this.actuals.get(pk);
        if (!m) this.actuals.set(pk, (m = new Map()));
        const cur = m.get(p.tSec);
        if (cur && cur.gPerKwh === p.gPerKwh && cur.provider === p.provider && cur.periodSec === p.periodSec) continue;
        m.set(p.tSec, { ...p });
        written++;
        continue;
      }
      const v = this.vintageOf(pk, { issuedAtSec: p.issuedAtSec!, quality: p.quality as ForecastQuality, provider: p.provider });
      if (v.points.has(p.tSec)) continue; // written once: "already exists" is success
      v.points.set(p.tSec, { ...p });
      written++;
    }
    return { written };
  }

  async getActuals(zone: string, signal: IntensitySignal, w: Window): Promise<StoredIntensityPoint[]> {
    const m = this.actuals.get(key(zone, signal));
    const out: StoredIntensityPoint[] = [];
    if (!m) return out;
    for (let t = alignUp(w.startSec, HOUR_SEC); t < w.endSec; t += HOUR_SEC) {
      const p = m.get(t);
      if (p) out.push(p);
    }
    return out;
  }

  async getForecasts(zone: string, signal: IntensitySignal, w: Window, q: ForecastQuery = {}): Promise<StoredIntensityPoint[]> {
    const best = new Map<EpochSec, StoredIntensityPoint>();
    for (const v of this.vintages.get(key(zone, signal)) ?? []) {
      if (q.issuedAtOrBefore !== undefined && v.ref.issuedAtSec > q.issuedAtOrBefore) continue;
      if (q.quality && v.ref.quality !== q.quality) continue;
      for (let t = alignUp(w.startSec, HOUR_SEC); t < w.endSec; t += HOUR_SEC) {
        const p = v.points.get(t);
        if (!p) continue;
        const cur = best.get(t);
        if (!cur || better(p, cur)) best.set(t, p);
      }
    }
    return [...best.values()].sort((a, b) => a.tSec - b.tSec);
  }

  async listVintages(zone: string, signal: IntensitySignal, w: Window): Promise<IntensityVintage[]> {
    const out: IntensityVintage[] = [];
    for (const v of this.vintages.get(key(zone, signal)) ?? []) {
      const hours = [...v.points.keys()].filter((t) => t >= w.startSec && t < w.endSec);
      if (!hours.length) continue;
      out.push({ zone, signal, ...v.ref, hours: hours.length, firstHourSec: Math.min(...hours), lastHourSec: Math.max(...hours) });
    }
    return out.sort((a, b) => a.issuedAtSec - b.issuedAtSec || a.quality.localeCompare(b.quality) || a.provider.localeCompare(b.provider));
  }

  async listVintageIssues(zone: string, signal: IntensitySignal, issued: Window, quality?: ForecastQuality): Promise<VintageRef[]> {
    const list = this.vintages.get(key(zone, signal)) ?? [];
    const out: VintageRef[] = [];
    // Binary search for the first vintage issued at or after the window start (the list is in index order).
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].ref.issuedAtSec < issued.startSec) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < list.length && list[i].ref.issuedAtSec < issued.endSec; i++) {
      if (quality === undefined || list[i].ref.quality === quality) out.push({ ...list[i].ref });
    }
    return out;
  }

  async getVintage(zone: string, signal: IntensitySignal, ref: VintageRef, w: Window): Promise<StoredIntensityPoint[]> {
    // One index entry per (issue time, quality), as the DynamoDB index key; the provider is not part of the key.
    const v = (this.vintages.get(key(zone, signal)) ?? []).find((x) => x.ref.issuedAtSec === ref.issuedAtSec && x.ref.quality === ref.quality);
    const out: StoredIntensityPoint[] = [];
    if (!v) return out;
    for (let t = alignUp(w.startSec, HOUR_SEC); t < w.endSec; t += HOUR_SEC) {
      const p = v.points.get(t);
      if (p) out.push(p);
    }
    return out;
  }

  private vintageOf(pk: string, ref: VintageRef): Vintage {
    let list = this.vintages.get(pk);
    if (!list) this.vintages.set(pk, (list = []));
    const hit = list.find((x) => x.ref.issuedAtSec === ref.issuedAtSec && x.ref.quality === ref.quality);
    if (hit) return hit;
    const v = { ref, points: new Map<EpochSec, StoredIntensityPoint>() };
    list.push(v);
    list.sort((a, b) => a.ref.issuedAtSec - b.ref.issuedAtSec || a.ref.quality.localeCompare(b.ref.quality));
    return v;
  }
}

const key = (zone: string, signal: IntensitySignal): string => `${zone}#${signal}`;

/** Provider forecast before own forecast; then the later issue; then provider name (as the DynamoDB store). */
const better = (a: StoredIntensityPoint, b: StoredIntensityPoint): boolean => {
  const ra = FORECAST_RANK[a.quality as ForecastQuality] ?? 9;
  const rb = FORECAST_RANK[b.quality as ForecastQuality] ?? 9;
  if (ra !== rb) return ra < rb;
  if ((a.issuedAtSec ?? 0) !== (b.issuedAtSec ?? 0)) return (a.issuedAtSec ?? 0) > (b.issuedAtSec ?? 0);
  return a.provider < b.provider;
};

function validate(p: StoredIntensityPoint, i: number): void {
  const where = `points[${i}] (${p.zone} ${p.signal} t=${p.tSec})`;
  if (p.quality !== 'actual' && p.quality !== 'provider-forecast' && p.quality !== 'own-forecast') {
    throw new InvalidIntensityPointError(`${where}: quality '${p.quality}' is not stored`);
  }
  if (!Number.isInteger(p.tSec) || p.tSec % HOUR_SEC !== 0 || p.periodSec !== HOUR_SEC) {
    throw new InvalidIntensityPointError(`${where}: the benchmark store holds hour-aligned hourly points only`);
  }
  if (!Number.isFinite(p.gPerKwh) || p.gPerKwh < 0) throw new InvalidIntensityPointError(`${where}: gPerKwh must be finite and ≥ 0`);
  if (p.quality !== 'actual' && !(Number.isInteger(p.issuedAtSec) && (p.issuedAtSec as number) >= 0)) {
    throw new InvalidIntensityPointError(`${where}: a forecast needs its issue time (issuedAtSec)`);
  }
}
