/** One validated row of AWS's Data Exports `CARBON_EMISSIONS` table, as the reconciliation uses it (metric tons). */
export interface CcftRow {
  /** File and 1-based line (CSV) or row (Parquet) it came from, for messages. */
  source: string;
  /** `YYYY-MM` of `usage_period_start` (UTC). */
  month: string;
  periodStartSec: number;
  accountId: string;
  payerAccountId?: string;
  /** `region_code`; rows without one (global services) are 'global'. */
  region: string;
  /** `product_code` as exported (e.g. AmazonEC2); 'unknown' when empty. */
  productCode: string;
  modelVersion: string;
  /** total_lbm_emissions_value, MTCO2e. */
  totalLbmT: number;
  totalMbmT: number | null;
  scope1T: number | null;
  scope2LbmT: number | null;
  scope2MbmT: number | null;
  scope3LbmT: number | null;
  scope3MbmT: number | null;
  lastRefreshSec?: number;
}
