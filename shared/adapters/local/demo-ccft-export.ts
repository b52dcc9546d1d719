/**
 * DEMO DATA: a sample AWS Data Exports `CARBON_EMISSIONS` file (CSV, the documented columns of model v3) for the
 * demo account 123456789012, generated from the demo fleet's own footprint so that `carbonpilot reconcile` has cells
 * on both sides. The "AWS" numbers are invented for the demo — our figures times fixed per-region factors that stand
 * for AWS's allocation of unused capacity and overheads — plus rows for services CarbonPilot does not track (Amazon
 * S3, AWS Lambda). Write it to a file whose name says DEMO; never present it as AWS data.
 */
import type { FootprintInterval } from '../../domain/types';
import { CARBON_EMISSIONS_COLUMNS } from '../../contracts/ccft';
import { DEMO_ACCOUNT_ID, SERVICE_OF_KIND } from '../../domain/reconcile/reconcile';
import { getRegionInfo } from '../../domain/regions/region-catalog';

export { DEMO_ACCOUNT_ID };

/** DEMO factors "AWS ÷ ours" per region (scope 2, scope 3): some cells inside the tolerance band, some outside. */
const DEMO_FACTORS: Record<string, [number, number]> = {
  'us-east-1': [1.18, 1.1],
  'us-west-2': [1.45, 1.3],
  'eu-west-1': [1.05, 0.9],
  'eu-north-1': [2.6, 1.2],
  'ap-southeast-2': [0.92, 1.05],
};

const tonnes = (x: number) => x.toFixed(6);
/** RFC 4180 quoting of one cell. */
const csvCell = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The demo export as CSV text (header + rows), for the months the intervals cover. */
export function buildDemoCcftExportCsv(intervals: readonly FootprintInterval[], opts: { nowSec: number; modelVersion?: string }): string {
  const model = opts.modelVersion ?? 'v3.0.0';
  const cells = new Map<string, { month: string; region: string; service: string; opT: number; embT: number }>();
  for (const i of intervals) {
    const month = new Date(i.intervalStartSec * 1000).toISOString().slice(0, 7);
    const service = SERVICE_OF_KIND[i.kind];
    const k = `${month}|${i.region}|${service}`;
    let c = cells.get(k);
    if (!c) cells.set(k, (c = { month, region: i.region, service, opT: 0, embT: 0 }));
    c.opT += i.co2eKg.point / 1000;
    c.embT += (i.embodiedKgCo2e?.point ?? 0) / 1000;
  }
  // Services CarbonPilot does not measure, as AWS would report them for the same account.
  for (const m of new Set([...cells.values()].map((c) => c.month))) {
    cells.set(`${m}|us-east-1|AmazonS3`, { month: m, region: 'us-east-1', service: 'AmazonS3', opT: 0.004, embT: 0.001 });
    cells.set(`${m}|eu-west-1|AWSLambda`, { month: m, region: 'eu-west-1', service: 'AWSLambda', opT: 0.0008, embT: 0.0002 });
  }
  const refreshed = new Date(opts.nowSec * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const lines = [CARBON_EMISSIONS_COLUMNS.join(',')];
  for (const c of [...cells.values()].sort((a, b) => (a.month + a.region + a.service < b.month + b.region + b.service ? -1 : 1))) {
    const [f2, f3] = DEMO_FACTORS[c.region] ?? [1.2, 1.1];
    const s2 = c.service === 'AmazonS3' || c.service === 'AWSLambda' ? c.opT : c.opT * f2;
    const s3 = c.service === 'AmazonS3' || c.service === 'AWSLambda' ? c.embT : c.embT * f3;
    const s1 = s2 * 0.01;
    const s2m = s2 * 0.55;
    const start = `${c.month}-01 00:00:00Z`;
    const [y, mo] = c.month.split('-').map(Number);
    const end = `${new Date(Date.UTC(y, mo, 1)).toISOString().slice(0, 10)} 00:00:00Z`;
    const row: Record<(typeof CARBON_EMISSIONS_COLUMNS)[number], string> = {
      last_refresh_timestamp: refreshed,
      location: getRegionInfo(c.region)?.name ?? c.region,
      model_version: model,
      payer_account_id: DEMO_ACCOUNT_ID,
      product_code: c.service,
      region_code: c.region,
      total_lbm_emissions_unit: 'MTCO2e',
      total_lbm_emissions_value: tonnes(s1 + s2 + s3),
      total_mbm_emissions_unit: 'MTCO2e',
      total_mbm_emissions_value: tonnes(s1 + s2m + s3),
      total_scope_1_emissions_unit: 'MTCO2e',
      total_scope_1_emissions_value: tonnes(s1),
      total_scope_2_lbm_emissions_unit: 'MTCO2e',
      total_scope_2_lbm_emissions_value: tonnes(s2),
      total_scope_2_mbm_emissions_unit: 'MTCO2e',
      total_scope_2_mbm_emissions_value: tonnes(s2m),
      total_scope_3_lbm_emissions_unit: 'MTCO2e',
      total_scope_3_lbm_emissions_value: tonnes(s3),
      total_scope_3_mbm_emissions_unit: 'MTCO2e',
      total_scope_3_mbm_emissions_value: tonnes(s3),
      usage_account_id: DEMO_ACCOUNT_ID,
      usage_period_end: end,
      usage_period_start: start,
    };
    lines.push(CARBON_EMISSIONS_COLUMNS.map((col) => csvCell(row[col])).join(','));
  }
  return lines.join('\n') + '\n';
}
