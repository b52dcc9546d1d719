/**
 * Reconciliation of CarbonPilot's figures with AWS's Customer Carbon Footprint Tool export (pure).
 *
 * Both sides are rolled up the same way — UTC month × usage account × region × service — and compared like with
 * like: AWS's location-based scope 2 with our operational (location-based) emissions, AWS's scope 3 with our
 * embodied emissions. Market-based figures are shown, never compared with location-based ones.
 *
 * Tolerance band (per cell, on the ratio AWS ÷ ours): [ (our low ÷ our point) ÷ 1.3, (our high ÷ our point) × 1.3 ].
 * Our own estimate range covers our uncertainty (power model, unmeasured hosts; embodied factor ranges); 1.3 covers
 * the disagreement between published grid factors for the same AWS region, which AWS's method and ours need not
 * share (e.g. eu-west-1: Ember 2024 279.8 vs Electricity Maps 2024 352 gCO2e/kWh, ×1.26 —
 * ../shared/data/aws-region-grid-mapping). A ratio outside the band is not an error: the notes list the reasons we
 * expect AWS's figure to differ (AWS allocates unused capacity and overheads, counts every EC2/SageMaker use in the
 * account, publishes monthly about three weeks after the month ends).
 */
import type { FootprintInterval, ResourceKind } from '../types';
import type { CcftRow } from './ccft-types';

/** AWS product codes of the services CarbonPilot tracks (as in Cost and Usage Reports and the carbon export). */
export const SERVICE_OF_KIND: Record<ResourceKind, string> = {
  'training-job': 'AmazonSageMaker',
  endpoint: 'AmazonSageMaker',
  'ec2-instance': 'AmazonEC2',
};

/** The demo fleet's AWS account (the example account id of the AWS documentation), labelled demo wherever it appears. */
export const DEMO_ACCOUNT_ID = '123456789012';

/** Product codes compare without spaces and case ('Amazon EC2' and 'AmazonEC2' are the same service). */
export const normaliseProductCode = (s: string): string => s.replace(/\s+/g, '').toLowerCase();

/** Spread factor between published grid factors for one region (see the module comment). */
export const GRID_FACTOR_SPREAD = 1.3;
/** AWS publishes a month's carbon data about three weeks after it ends (AWS CCFT documentation): until then provisional. */
export const PUBLICATION_LAG_SEC = 21 * 86400;

export type AccountSource = 'resource' | 'configured' | 'demo';

export interface ReconcileInput {
  ccft: readonly CcftRow[];
  intervals: readonly FootprintInterval[];
  /** The account of a resource: its own (from the ARN), else the configured default; demo resources get the demo account. */
  accountOf: (i: FootprintInterval) => { accountId: string; source: AccountSource };
  nowSec: number;
}

export interface ReconcileCell {
  month: string;
  accountId: string;
  region: string;
  service: string;
  ccft: { scope2LbmT: number | null; scope3T: number | null; totalLbmT: number; scope1T: number | null; scope2MbmT: number | null; modelVersion: string } | null;
  ours: { operationalT: number; operationalLowT: number; operationalHighT: number; embodiedT: number; embodiedLowT: number; embodiedHighT: number; intervals: number } | null;
  /** AWS location-based scope 2 (or total LBM when the export has no scope columns) ÷ our operational. */
  ratio: number | null;
  ratioBasis: 'scope2-lbm' | 'total-lbm' | null;
  /** AWS scope 3 ÷ our embodied. */
  scope3Ratio: number | null;
  tolerance: { low: number; high: number } | null;
  withinTolerance: boolean | null;
  scope3WithinTolerance: boolean | null;
  provisional: boolean;
  notes: string[];
  demo: boolean;
}

export interface ReconcileReport {
  cells: ReconcileCell[];
  /** The model version used per month (the newest in the export) and what was set aside. */
  modelVersions: Record<string, string>;
  notes: string[];
  tolerance: string;
  demo: boolean;
}

const semver = (v: string): number[] => (v.match(/\d+/g) ?? []).map(Number);
const newerVersion = (a: string, b: string): boolean => {
  const x = semver(a);
  const y = semver(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return a > b;
};

const monthOf = (sec: number): string => new Date(sec * 1000).toISOString().slice(0, 7);
const monthEndSec = (month: string): number => Date.UTC(+month.slice(0, 4), +month.slice(5, 7), 1) / 1000;

const TRACKED = new Set(Object.values(SERVICE_OF_KIND).map(normaliseProductCode));
const SERVICE_NOTES: Record<string, string> = {
  amazonec2: 'AmazonEC2 in the export covers every EC2 instance of the account and region (and its EBS and networking), not only the GPU instances CarbonPilot tracks',
  amazonsagemaker: 'AmazonSageMaker in the export also covers notebooks, Studio, processing and other SageMaker usage beyond the tracked training jobs and endpoints',
};

/** Compare the export with our roll-up per month × account × region × service. */
export function reconcile(input: ReconcileInput): ReconcileReport {
  const globalNotes: string[] = [];
  // 1. One model version per month (AWS re-states history when its method changes; summing versions double counts).
  const best = new Map<string, string>();
  for (const r of input.ccft) {
    const cur = best.get(r.month);
    if (cur === undefined || newerVersion(r.modelVersion, cur)) best.set(r.month, r.modelVersion);
  }
  const dropped = input.ccft.filter((r) => r.modelVersion !== best.get(r.month));
  if (dropped.length) {
    const versions = [...new Set(dropped.map((r) => `${r.month} ${r.modelVersion}`))].sort();
    globalNotes.push(`${dropped.length} export row(s) of older model versions set aside (${versions.join(', ')}): each month uses the newest model version only`);
  }
  // 2. Dedupe repeated export versions of the same cell (CREATE_NEW_REPORT keeps old files): keep the latest refresh.
  const ccftCells = new Map<string, CcftRow>();
  let duplicates = 0;
  for (const r of input.ccft) {
    if (r.modelVersion !== best.get(r.month)) continue;
    const k = `${r.month}|${r.accountId}|${r.region}|${normaliseProductCode(r.productCode)}`;
    const prev = ccftCells.get(k);
    if (prev) {
      duplicates++;
      if ((r.lastRefreshSec ?? 0) > (prev.lastRefreshSec ?? 0)) ccftCells.set(k, r);
    } else ccftCells.set(k, r);
  }
  if (duplicates) globalNotes.push(`${duplicates} duplicate export row(s) for the same month, account, region and service ignored (kept the latest last_refresh_timestamp)`);

  // 3. Our side, rolled up the same way.
  interface Ours { op: number; opL: number; opH: number; emb: number; embL: number; embH: number; n: number; unmodelled: number; noEmbodied: number; accountSources: Set<AccountSource>; demo: boolean; service: string }
  const ours = new Map<string, Ours>();
  for (const i of input.intervals) {
    const acct = input.accountOf(i);
    const service = SERVICE_OF_KIND[i.kind];
    const k = `${monthOf(i.intervalStartSec)}|${acct.accountId}|${i.region}|${normaliseProductCode(service)}`;
    let o = ours.get(k);
    if (!o) ours.set(k, (o = { op: 0, opL: 0, opH: 0, emb: 0, embL: 0, embH: 0, n: 0, unmodelled: 0, noEmbodied: 0, accountSources: new Set(), demo: false, service }));
    o.op += i.co2eKg.point / 1000;
    o.opL += i.co2eKg.low / 1000;
    o.opH += i.co2eKg.high / 1000;
    if (i.embodiedKgCo2e) {
      o.emb += i.embodiedKgCo2e.point / 1000;
      o.embL += i.embodiedKgCo2e.low / 1000;
      o.embH += i.embodiedKgCo2e.high / 1000;
    } else if (i.embodiedStatus !== 'unmodelled' && i.method !== 'unmodelled') o.noEmbodied++;
    if (i.method === 'unmodelled') o.unmodelled++;
    o.n++;
    o.accountSources.add(acct.source);
    o.demo ||= i.demo;
  }

  // 4. Cells: the union of both sides.
  const keys = [...new Set([...ccftCells.keys(), ...ours.keys()])].sort();
  const cells: ReconcileCell[] = keys.map((k) => {
    const [month, accountId, region, svc] = k.split('|');
    const c = ccftCells.get(k);
    const o = ours.get(k);
    const notes: string[] = [];
    const provisional = input.nowSec < monthEndSec(month) + PUBLICATION_LAG_SEC;
    if (provisional) notes.push('provisional: AWS publishes a month about three weeks after it ends; this month may still change or be missing');
    const scopeColumns = c ? c.scope2LbmT !== null || c.scope3LbmT !== null : false;
    const ccft = c
      ? {
          scope2LbmT: c.scope2LbmT,
          scope3T: c.scope3LbmT,
          totalLbmT: c.totalLbmT,
          scope1T: c.scope1T,
          scope2MbmT: c.scope2MbmT,
          modelVersion: c.modelVersion,
        }
      : null;
    if (c && !scopeColumns) notes.push(`export row has no per-scope columns (model ${c.modelVersion}): its total location-based value is compared with our operational; no scope 3 comparison`);
    if (c && (c.scope1T ?? 0) > 0) notes.push('AWS scope 1 (its own fuel and refrigerants) is in its total, not in our figures, and is left out of the comparison');
    if (!c) notes.push(`no export row for this cell (${provisional ? 'not yet published' : 'below the export\'s reporting threshold, or the export does not cover it'})`);
    if (!o) notes.push(TRACKED.has(svc) ? 'no CarbonPilot-tracked resources in this cell' : 'service not tracked by CarbonPilot (CarbonPilot measures SageMaker and EC2 GPU workloads only)');
    if (c && o) notes.push('AWS allocates unused capacity and data-centre overheads to customers and uses its own grid factors; CarbonPilot counts the tracked workloads\' measured or estimated energy');
    if (SERVICE_NOTES[svc] && c) notes.push(SERVICE_NOTES[svc]);
    if (o?.unmodelled) notes.push(`${o.unmodelled} CarbonPilot interval(s) on unmodelled instance types are not in our figures`);
    if (o?.noEmbodied) notes.push(`${o.noEmbodied} CarbonPilot interval(s) stored before embodied accounting: no embodied figure (not computed)`);
    if (o?.accountSources.has('demo')) notes.push(`account ${accountId} is the demo account (DEMO DATA)`);
    if (o?.accountSources.has('configured')) notes.push('our account id is the configured default: these resources carry no account id of their own');

    const comparedT = c ? (scopeColumns ? c.scope2LbmT : c.totalLbmT) : null;
    const ratio = comparedT !== null && o && o.op > 0 ? comparedT / o.op : null;
    const scope3Ratio = ccft && o && ccft.scope3T !== null && o.emb > 0 ? ccft.scope3T / o.emb : null;
    const tolerance = o && o.op > 0 ? { low: o.opL / o.op / GRID_FACTOR_SPREAD, high: (o.opH / o.op) * GRID_FACTOR_SPREAD } : null;
    const tol3 = o && o.emb > 0 ? { low: o.embL / o.emb / GRID_FACTOR_SPREAD, high: (o.embH / o.emb) * GRID_FACTOR_SPREAD } : null;
    return {
      month,
      accountId,
      region,
      service: c?.productCode ?? o?.service ?? svc,
      ccft,
      ours: o ? { operationalT: o.op, operationalLowT: o.opL, operationalHighT: o.opH, embodiedT: o.emb, embodiedLowT: o.embL, embodiedHighT: o.embH, intervals: o.n } : null,
      ratio,
      ratioBasis: c ? (scopeColumns ? 'scope2-lbm' : 'total-lbm') : null,
      scope3Ratio,
      tolerance,
      withinTolerance: ratio !== null && tolerance ? ratio >= tolerance.low && ratio <= tolerance.high : null,
      scope3WithinTolerance: scope3Ratio !== null && tol3 ? scope3Ratio >= tol3.low && scope3Ratio <= tol3.high : null,
      provisional,
      notes,
      demo: o?.demo ?? false,
    };
  });
  return {
    cells,
    modelVersions: Object.fromEntries([...best.entries()].sort()),
    notes: globalNotes,
    tolerance: `ratio AWS ÷ CarbonPilot within [our low ÷ point ÷ ${GRID_FACTOR_SPREAD}, our high ÷ point × ${GRID_FACTOR_SPREAD}] (our estimate range widened by the spread of published grid factors for one region)`,
    demo: cells.some((c) => c.demo),
  };
}
