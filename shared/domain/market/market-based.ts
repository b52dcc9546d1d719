/**
 * Market-based scope 2 (pure), kept apart from the location-based figures everywhere.
 *
 * GHG Protocol Scope 2 Guidance (2015) hierarchy, applied per footprint interval (facility energy, incl. PUE):
 *   1. PPAs (bundled attributes) and 2. unbundled certificates (REC / GO / I-REC) claimed for the interval's region;
 *   3. a supplier-specific emission rate for the region and year;
 *   4. the residual mix of the region's market (shared/domain/market/markets.ts);
 *   5. where no residual mix is published: the location-based grid average of the interval, flagged.
 * Market-based kgCO2e = Σ instrument-covered kWh × instrument rate (0 for renewables) + the rest × step 3/4/5 factor.
 *
 * Quality criteria applied as far as the data allows (Scope 2 Guidance Table 7.1):
 * - same market (criterion 5): the generator's country must be in the market of the region the instrument is claimed
 *   for, and the certificate type must be one issued there (REC in North America, GO in the EECS domain, I-REC in
 *   country markets);
 * - vintage (criterion 4, "as close as possible to the period of consumption"): the Green-e / RE100 21-month window —
 *   generation in the reporting year, the 6 months before it or the 3 months after it. With only a vintage year the
 *   window can be shown for the same year only, so only that year is accepted. PPA volumes count in the year
 *   delivered;
 * - retirement (criterion 3): a certificate marked `retired: false` is not claimable;
 * - no double claim (criterion 2): each instrument's MWh are allocated once, in a deterministic order — consumption
 *   in time order (then resource key), instruments PPAs first, then certificates oldest vintage first, then by id.
 *   Allocation is on the point energy; the low/high bounds scale with the energy range at the same coverage.
 *   Allocation is chronological within a calendar year, so a month's figure depends only on consumption before it:
 *   pass every interval from the start of the reporting year up to the end of the window you report.
 */
import type { FootprintInterval, Ranged } from '../types';
import { parseIsoInstant } from '../time';
import { residualMixOf, noResidualMixReason, marketOfCountry, marketOfRegion, certificateTypeFits, type MarketId } from './markets';
import { isRenewable, type CertificateInstrument, type Instrument, type PpaInstrument, type SupplierRateInstrument } from './instrument-types';

export const MARKET_MODEL_VERSION = 'market-v1';

/** Key of an interval in results: `<resourceKey>@<intervalStartSec>`. */
export const intervalKey = (i: Pick<FootprintInterval, 'resourceKey' | 'intervalStartSec'>): string => `${i.resourceKey}@${i.intervalStartSec}`;

const utcYear = (tSec: number): number => new Date(tSec * 1000).getUTCFullYear();

export type ResidualBasis = 'supplier-rate' | 'residual-mix' | 'location-based-fallback' | 'none';

export interface MarketIntervalResult {
  key: string;
  region: string;
  market: MarketId | undefined;
  year: number;
  energyKwh: number;
  marketBasedKgCo2e: Ranged;
  /** kWh covered by PPAs and certificates, by instrument id. */
  byInstrument: { id: string; kwh: number; renewable: boolean }[];
  coveredKwh: number;
  /** kWh priced at the supplier rate, residual mix or grid-average fallback. */
  restKwh: number;
  restBasis: ResidualBasis;
  restGCo2ePerKwh?: number;
  restSource?: string;
}

export interface InstrumentUse {
  id: string;
  type: Instrument['type'];
  region: string;
  /** Claimable volume, kWh (PPA: delivered volume; certificate: MWh × 1000; supplier rate: not a volume → 0). */
  volumeKwh: number;
  allocatedKwh: number;
  unusedKwh: number;
  eligible: boolean;
  /** Quality-criteria findings (why it was not or only partly claimable). */
  findings: string[];
  demo: boolean;
}

export interface MarketBasedResult {
  modelVersion: string;
  byInterval: Map<string, MarketIntervalResult>;
  instruments: InstrumentUse[];
  /** Fallbacks and stale factors used, one line each. */
  flags: string[];
  demo: boolean;
}

interface Pool {
  ins: PpaInstrument | CertificateInstrument;
  rank: number;
  /** PPA: remaining kWh per delivery year; certificate: one pool under key 0. */
  remaining: Map<number, number>;
  use: InstrumentUse;
  /** Years with consumption for which the vintage rule excluded it (for the finding). */
  vintageMisses: Set<number>;
}

/** Green-e / RE100 21-month vintage window: the reporting year, 6 months before, 3 months after. */
export function certificateVintageFits(c: Pick<CertificateInstrument, 'vintageYear' | 'vintageMonth'>, reportingYear: number): boolean {
  if (c.vintageMonth === undefined) return c.vintageYear === reportingYear;
  const m = c.vintageYear * 12 + (c.vintageMonth - 1);
  return m >= (reportingYear - 1) * 12 + 6 && m <= (reportingYear + 1) * 12 + 2;
}

const ppaVolumeByYear = (p: PpaInstrument): Map<number, number> => {
  const out = new Map<number, number>();
  if (p.hourlyProfile) {
    for (const h of p.hourlyProfile) {
      const y = utcYear(parseIsoInstant(h.hour));
      out.set(y, (out.get(y) ?? 0) + h.mwh * 1000);
    }
  } else if (p.annualMwh !== undefined && p.year !== undefined) out.set(p.year, p.annualMwh * 1000);
  return out;
};

/** Static quality checks (market, certificate type, retirement); empty = claimable for its region. */
function staticFindings(ins: PpaInstrument | CertificateInstrument): string[] {
  const out: string[] = [];
  const market = marketOfRegion(ins.region);
  if (!market) return [`region ${ins.region} is not in the region catalog: cannot place it in a market`];
  const genMarket = marketOfCountry(ins.generationCountry);
  if (genMarket !== market) out.push(`same-market criterion: generated in ${ins.generationCountry} (${genMarket}), claimed for ${ins.region} (${market})`);
  if (ins.type !== 'ppa' && !certificateTypeFits(ins.type, market)) out.push(`instrument type ${ins.type.toUpperCase()} is not issued in the ${market} market`);
  if (ins.type !== 'ppa' && ins.retired === false) out.push('not retired/cancelled for the reporting entity (criterion 3): not claimable');
  return out;
}

/** Market-based emissions of each interval, with each instrument's use and the quality-criteria findings. */
export function computeMarketBased(intervals: readonly FootprintInterval[], instruments: readonly Instrument[]): MarketBasedResult {
  const flags = new Set<string>();
  const pools: Pool[] = [];
  const supplier = new Map<string, SupplierRateInstrument>();
  const uses: InstrumentUse[] = [];
  for (const ins of instruments) {
    if (ins.type === 'supplier-rate') {
      const k = `${ins.region}#${ins.year}`;
      const use: InstrumentUse = { id: ins.id, type: ins.type, region: ins.region, volumeKwh: 0, allocatedKwh: 0, unusedKwh: 0, eligible: true, findings: [], demo: ins.demo ?? false };
      if (supplier.has(k)) {
        use.eligible = false;
        use.findings.push(`a second supplier rate for ${ins.region} ${ins.year} (first: ${supplier.get(k)!.id}) is ignored`);
      } else supplier.set(k, ins);
      uses.push(use);
      continue;
    }
    const findings = staticFindings(ins);
    const remaining = ins.type === 'ppa' ? ppaVolumeByYear(ins) : new Map([[0, ins.mwh * 1000]]);
    const volumeKwh = [...remaining.values()].reduce((a, b) => a + b, 0);
    const use: InstrumentUse = { id: ins.id, type: ins.type, region: ins.region, volumeKwh, allocatedKwh: 0, unusedKwh: volumeKwh, eligible: findings.length === 0, findings, demo: ins.demo ?? false };
    uses.push(use);
    if (findings.length === 0) pools.push({ ins, rank: ins.type === 'ppa' ? 1 : 2, remaining, use, vintageMisses: new Set() });
  }
  const vintageKey = (p: Pool) => (p.ins.type === 'ppa' ? 0 : p.ins.vintageYear * 12 + (p.ins.vintageMonth ?? 1));
  pools.sort((a, b) => a.rank - b.rank || vintageKey(a) - vintageKey(b) || (a.ins.id < b.ins.id ? -1 : a.ins.id > b.ins.id ? 1 : 0));
  const poolsByRegion = new Map<string, Pool[]>();
  for (const p of pools) poolsByRegion.set(p.ins.region, [...(poolsByRegion.get(p.ins.region) ?? []), p]);

  const ordered = [...intervals].sort((a, b) => a.intervalStartSec - b.intervalStartSec || (a.resourceKey < b.resourceKey ? -1 : a.resourceKey > b.resourceKey ? 1 : 0));
  const byInterval = new Map<string, MarketIntervalResult>();
  for (const i of ordered) {
    const year = utcYear(i.intervalStartSec);
    const energy = i.energyKwh.point;
    const res: MarketIntervalResult = {
      key: intervalKey(i), region: i.region, market: marketOfRegion(i.region), year, energyKwh: energy,
      marketBasedKgCo2e: { point: 0, low: 0, high: 0 }, byInstrument: [], coveredKwh: 0, restKwh: 0, restBasis: 'none',
    };
    byInterval.set(res.key, res);
    if (!(energy > 0)) continue;
    let remaining = energy;
    let kg = 0;
    for (const p of poolsByRegion.get(i.region) ?? []) {
      if (remaining <= 0) break;
      const poolKey = p.ins.type === 'ppa' ? year : 0;
      if (p.ins.type !== 'ppa' && !certificateVintageFits(p.ins, year)) {
        if ((p.remaining.get(0) ?? 0) > 0) p.vintageMisses.add(year);
        continue;
      }
      const left = p.remaining.get(poolKey) ?? 0;
      if (left <= 0) continue;
      const take = Math.min(left, remaining);
      p.remaining.set(poolKey, left - take);
      remaining -= take;
      p.use.allocatedKwh += take;
      p.use.unusedKwh -= take;
      kg += (take * p.ins.gCo2ePerKwh) / 1000;
      res.byInstrument.push({ id: p.ins.id, kwh: take, renewable: isRenewable(p.ins.technology) });
      res.coveredKwh += take;
    }
    if (remaining > 0) {
      res.restKwh = remaining;
      const rate = supplier.get(`${i.region}#${year}`);
      const mix = residualMixOf(i.region);
      if (rate) {
        res.restBasis = 'supplier-rate';
        res.restGCo2ePerKwh = rate.gCo2ePerKwh;
        res.restSource = `supplier-specific rate ${rate.id} (${rate.utility}, ${rate.year})`;
        uses.find((u) => u.id === rate.id)!.allocatedKwh += remaining;
      } else if (mix) {
        res.restBasis = 'residual-mix';
        res.restGCo2ePerKwh = mix.gCo2ePerKwh;
        res.restSource = mix.source;
        if (year - mix.year > 2) flags.add(`${i.region}: residual mix of ${mix.year} (${mix.source}) applied to ${year} consumption — the newest embedded`);
      } else {
        res.restBasis = 'location-based-fallback';
        res.restGCo2ePerKwh = i.intensityGPerKwh;
        res.restSource = `location-based grid average of the interval (${i.intensityProvider}, ${i.intensitySignal}) — ${noResidualMixReason(i.region)}`;
        flags.add(`${i.region}: ${noResidualMixReason(i.region)}; market-based falls back to the location-based grid average (GHG Protocol hierarchy step 5)`);
      }
      kg += (remaining * (res.restGCo2ePerKwh ?? 0)) / 1000;
    }
    const lo = i.energyKwh.low / energy;
    const hi = i.energyKwh.high / energy;
    res.marketBasedKgCo2e = { point: kg, low: kg * lo, high: kg * hi };
  }
  for (const p of pools) {
    for (const y of [...p.vintageMisses].sort()) {
      const c = p.ins as CertificateInstrument;
      p.use.findings.push(`vintage ${c.vintageYear}${c.vintageMonth ? `-${String(c.vintageMonth).padStart(2, '0')}` : ''} is outside the 21-month window for ${y} consumption`);
    }
  }
  return {
    modelVersion: MARKET_MODEL_VERSION,
    byInterval,
    instruments: uses,
    flags: [...flags].sort(),
    demo: instruments.some((x) => x.demo === true) || intervals.some((x) => x.demo),
  };
}

export interface RenewableShareRow {
  year: number;
  market: MarketId;
  consumptionKwh: number;
  /** Renewable instrument kWh claimed against this consumption (annual matching, each MWh once). */
  renewableKwh: number;
  /** min(1, renewable ÷ consumption). */
  share: number;
}

/** Renewable share by reporting year and market (annual matching), from a market-based allocation. */
export function renewableShare(result: MarketBasedResult, keys?: ReadonlySet<string>): { rows: RenewableShareRow[]; overall: number | null } {
  const acc = new Map<string, RenewableShareRow>();
  for (const r of result.byInterval.values()) {
    if (keys && !keys.has(r.key)) continue;
    if (!r.market || !(r.energyKwh > 0)) continue;
    const k = `${r.year}#${r.market}`;
    let row = acc.get(k);
    if (!row) acc.set(k, (row = { year: r.year, market: r.market, consumptionKwh: 0, renewableKwh: 0, share: 0 }));
    row.consumptionKwh += r.energyKwh;
    row.renewableKwh += r.byInstrument.filter((b) => b.renewable).reduce((a, b) => a + b.kwh, 0);
  }
  const rows = [...acc.values()].map((x) => ({ ...x, share: x.consumptionKwh > 0 ? Math.min(1, x.renewableKwh / x.consumptionKwh) : 0 }));
  rows.sort((a, b) => a.year - b.year || (a.market < b.market ? -1 : 1));
  const cons = rows.reduce((a, x) => a + x.consumptionKwh, 0);
  return { rows, overall: cons > 0 ? rows.reduce((a, x) => a + Math.min(x.renewableKwh, x.consumptionKwh), 0) / cons : null };
}
