/**
 * Hourly carbon-free-energy score (24/7 matching), pure.
 *
 * Per region and UTC hour h, with load L_h (facility kWh of every tracked workload in the region) and clean supply
 * S_h (the hourly profiles of the PPAs claimed for the region that pass the same-market check):
 *   CFE_h = min(L_h, S_h) + g_h × (L_h − min(L_h, S_h))
 * where g_h is the grid's carbon-free share in that hour (IntensityPoint.cfePct / 100). Supply above an hour's load
 * is not carried to another hour; the grid share applies only to the load the PPA did not cover. CFE % =
 * Σ CFE_h ÷ Σ L_h (Google, "24/7 by 2030: Realizing a Carbon-free Future", 2020; the UN 24/7 Carbon-free Energy
 * Compact methodology). A workload gets its pro-rata share of each hour's matched supply.
 *
 * Data gaps are not filled: if g_h is unknown for an hour whose load the PPA does not fully cover, the region's
 * score is `null` with "insufficient data" and the count of such hours. Annual-volume PPAs and unbundled certificates
 * have no hourly shape, so they count in the annual renewable share (market-based.ts), never here.
 */
import { HOUR_SEC, alignDown, overlapSec, parseIsoInstant } from '../time';
import type { FootprintInterval, IntensityPoint } from '../types';
import type { Instrument, PpaInstrument } from './instrument-types';
import { marketOfCountry, marketOfRegion } from './markets';

/** Grid carbon-free share (0–1) of a region in the UTC hour starting at `hourSec`; undefined = unknown. */
export type GridCfeLookup = (region: string, hourSec: number) => number | undefined;

export interface CfeRow {
  key: string;
  region: string;
  loadKwh: number;
  /** Load met hour by hour by PPA generation. */
  matchedKwh: number;
  /** Carbon-free part of the grid supply for the rest. */
  gridCfeKwh: number;
  /** 0–100, or null with `reason`. */
  cfePct: number | null;
  reason?: string;
  hours: number;
  hoursWithoutGridShare: number;
}

export interface CfeResult {
  byRegion: CfeRow[];
  byWorkload: CfeRow[];
  overall: { cfePct: number | null; reason?: string; loadKwh: number };
  notes: string[];
  demo: boolean;
}

/** Energy of an interval per UTC hour it overlaps (energy is extensive: split by overlap). */
const hourlyLoad = (i: FootprintInterval): [number, number][] => {
  const w = { startSec: i.intervalStartSec, endSec: i.intervalStartSec + i.intervalSec };
  const out: [number, number][] = [];
  for (let h = alignDown(w.startSec, HOUR_SEC); h < w.endSec; h += HOUR_SEC) {
    const sec = overlapSec(w, { startSec: h, endSec: h + HOUR_SEC });
    if (sec > 0) out.push([h, (i.energyKwh.point * sec) / i.intervalSec]);
  }
  return out;
};

const ppaEligibleHere = (p: PpaInstrument): boolean => {
  const m = marketOfRegion(p.region);
  return m !== undefined && marketOfCountry(p.generationCountry) === m;
};

/** Hourly CFE % per region, per workload (`workloadOf`, default the resource key) and overall. */
export function hourlyCfe(
  intervals: readonly FootprintInterval[],
  instruments: readonly Instrument[],
  gridCfe: GridCfeLookup,
  workloadOf: (i: FootprintInterval) => string = (i) => i.resourceKey,
): CfeResult {
  const notes: string[] = [];
  const supply = new Map<string, Map<number, number>>(); // region → hour → kWh
  for (const ins of instruments) {
    if (ins.type !== 'ppa') {
      if (ins.type !== 'supplier-rate') notes.push(`${ins.id}: unbundled ${ins.type.toUpperCase()} has no hourly shape — counted in the annual renewable share only`);
      continue;
    }
    if (!ins.hourlyProfile) {
      notes.push(`${ins.id}: annual-volume PPA has no hourly profile — counted in the annual renewable share only`);
      continue;
    }
    if (!ppaEligibleHere(ins)) {
      notes.push(`${ins.id}: generated in ${ins.generationCountry}, outside the market of ${ins.region} — not counted`);
      continue;
    }
    let m = supply.get(ins.region);
    if (!m) supply.set(ins.region, (m = new Map()));
    for (const h of ins.hourlyProfile) {
      const t = parseIsoInstant(h.hour);
      m.set(t, (m.get(t) ?? 0) + h.mwh * 1000);
    }
  }

  // region → hour → workload → kWh
  const load = new Map<string, Map<number, Map<string, number>>>();
  for (const i of intervals) {
    if (!(i.energyKwh.point > 0)) continue;
    let byHour = load.get(i.region);
    if (!byHour) load.set(i.region, (byHour = new Map()));
    for (const [h, kwh] of hourlyLoad(i)) {
      let byW = byHour.get(h);
      if (!byW) byHour.set(h, (byW = new Map()));
      const w = workloadOf(i);
      byW.set(w, (byW.get(w) ?? 0) + kwh);
    }
  }

  const byRegion: CfeRow[] = [];
  const byWorkload: CfeRow[] = [];
  for (const [region, byHour] of [...load.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const rRow: CfeRow = { key: region, region, loadKwh: 0, matchedKwh: 0, gridCfeKwh: 0, cfePct: null, hours: 0, hoursWithoutGridShare: 0 };
    const wRows = new Map<string, CfeRow>();
    for (const [h, byW] of byHour) {
      const L = [...byW.values()].reduce((a, b) => a + b, 0);
      if (!(L > 0)) continue;
      const S = supply.get(region)?.get(h) ?? 0;
      const matched = Math.min(L, S);
      const rest = L - matched;
      const g = rest > 0 ? gridCfe(region, h) : 0;
      const known = g !== undefined && Number.isFinite(g) && g >= 0 && g <= 1;
      rRow.hours++;
      rRow.loadKwh += L;
      rRow.matchedKwh += matched;
      if (known) rRow.gridCfeKwh += (g as number) * rest;
      else rRow.hoursWithoutGridShare++;
      for (const [w, kwh] of byW) {
        let row = wRows.get(w);
        if (!row) wRows.set(w, (row = { key: w, region, loadKwh: 0, matchedKwh: 0, gridCfeKwh: 0, cfePct: null, hours: 0, hoursWithoutGridShare: 0 }));
        const share = kwh / L;
        row.hours++;
        row.loadKwh += kwh;
        row.matchedKwh += matched * share;
        if (known) row.gridCfeKwh += (g as number) * rest * share;
        else row.hoursWithoutGridShare++;
      }
    }
    const finish = (row: CfeRow) => {
      if (row.hoursWithoutGridShare > 0) {
        row.reason = `insufficient data: grid carbon-free share unknown for ${row.hoursWithoutGridShare} of ${row.hours} hours the PPA did not fully cover`;
      } else if (row.loadKwh > 0) row.cfePct = Math.min(100, (100 * (row.matchedKwh + row.gridCfeKwh)) / row.loadKwh);
      return row;
    };
    byRegion.push(finish(rRow));
    for (const w of [...wRows.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) byWorkload.push(finish(w));
  }
  const total = byRegion.reduce((a, r) => a + r.loadKwh, 0);
  const missing = byRegion.filter((r) => r.cfePct === null);
  const overall = !byRegion.length
    ? { cfePct: null, reason: 'no energy recorded', loadKwh: 0 }
    : missing.length
      ? { cfePct: null, reason: `insufficient data in ${missing.map((r) => r.region).join(', ')}`, loadKwh: total }
      : { cfePct: (100 * byRegion.reduce((a, r) => a + r.matchedKwh + r.gridCfeKwh, 0)) / total, loadKwh: total };
  return {
    byRegion,
    byWorkload,
    overall,
    notes,
    demo: intervals.some((i) => i.demo) || instruments.some((x) => x.demo === true),
  };
}

/**
 * A GridCfeLookup from stored hourly intensity points that carry `cfePct` (per grid zone); hours whose point has no
 * `cfePct` stay unknown (→ "insufficient data"), never filled from a neighbour or a yearly value.
 */
export function gridCfeFromPoints(pointsByZone: ReadonlyMap<string, readonly IntensityPoint[]>, zoneOfRegion: (region: string) => string | undefined): GridCfeLookup {
  const byZone = new Map<string, Map<number, number>>();
  for (const [zone, pts] of pointsByZone) {
    const m = new Map<number, number>();
    for (const p of pts) if (p.cfePct !== undefined && Number.isFinite(p.cfePct) && p.periodSec === HOUR_SEC) m.set(p.tSec, p.cfePct / 100);
    byZone.set(zone, m);
  }
  return (region, hourSec) => {
    const zone = zoneOfRegion(region);
    return zone === undefined ? undefined : byZone.get(zone)?.get(hourSec);
  };
}
