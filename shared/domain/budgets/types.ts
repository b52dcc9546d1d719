/**
 * Budget vocabulary shared by the pure budget domain and the zod contracts (shared/contracts/budgets.ts builds its
 * schemas from these lists and is checked against these types at compile time).
 */
import type { ResourceKind } from '../types';

/** What a budget can be scoped to: the whole account, or one attribution dimension (team/project/model), region or kind. */
export const BUDGET_DIMENSIONS = ['account', 'team', 'project', 'model', 'region', 'kind'] as const;
export type BudgetDimension = (typeof BUDGET_DIMENSIONS)[number];

export const BUDGET_PERIODS = ['month', 'quarter', 'year'] as const;
export type BudgetPeriodType = (typeof BUDGET_PERIODS)[number];

/** Location-based now; market-based once footprints carry it. Never mixed (GHG Protocol Scope 2 Guidance, dual reporting). */
export const EMISSION_BASES = ['location-based', 'market-based'] as const;
export type EmissionBasis = (typeof EMISSION_BASES)[number];

export const BUDGET_MODES = ['advisory', 'enforcing'] as const;
export type BudgetMode = (typeof BUDGET_MODES)[number];

/** AWS Budgets notification vocabulary (Billing and Cost Management API reference, `Notification`). */
export const NOTIFICATION_TYPES = ['ACTUAL', 'FORECASTED'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
export const THRESHOLD_TYPES = ['PERCENTAGE', 'ABSOLUTE_VALUE'] as const;
export type ThresholdType = (typeof THRESHOLD_TYPES)[number];
export const NOTIFICATION_STATES = ['OK', 'ALARM'] as const;
export type NotificationState = (typeof NOTIFICATION_STATES)[number];

export const RESOURCE_KINDS: readonly ResourceKind[] = ['training-job', 'endpoint', 'ec2-instance'];

export interface BudgetScope {
  dimension: BudgetDimension;
  /** The dimension's value (a team name, a region code, a resource kind); absent for the whole account. */
  value?: string;
}

export interface BudgetNotificationDef {
  type: NotificationType;
  threshold: number;
  thresholdType: ThresholdType;
}

/** A validated budget definition (what the user set). */
export interface BudgetDef {
  id: string;
  name?: string;
  scope: BudgetScope;
  period: BudgetPeriodType;
  limitKgCo2e: number;
  basis: EmissionBasis;
  includeEmbodied: boolean;
  mode: BudgetMode;
  notifications: BudgetNotificationDef[];
  demo?: boolean;
}
