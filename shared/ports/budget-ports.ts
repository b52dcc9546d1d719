/** Ports of carbon budgets and reduction targets (DynamoDB single table in AWS, dynalite locally). */
import type { NotificationStateItem } from '../domain/budgets/notifications';
import type { BudgetDef } from '../domain/budgets/types';
import type { TargetDef } from '../domain/targets/types';
import type { EpochSec } from '../domain/time';

/** A stored budget definition: versioned (compare-and-set), soft-deleted (a tombstone keeps the version line). */
export interface StoredBudget extends BudgetDef {
  version: number;
  createdAtSec: EpochSec;
  updatedAtSec: EpochSec;
  deleted?: boolean;
}

/** An override of an enforcing budget by a job request, recorded with its reason (pk BUDGET#<id>, sk OVERRIDE#<period>#<job>). */
export interface BudgetOverrideRecord {
  budgetId: string;
  periodKey: string;
  jobId: string;
  reason: string;
  approvedBy?: string;
  planKgCo2e: number;
  remainingKgCo2e: number | null;
  atSec: EpochSec;
  demo: boolean;
}

export interface BudgetStore {
  /**
   * Compare-and-set write of a definition: succeeds only if the stored version (live or tombstone) equals
   * `expectedVersion` (0 = absent). Returns the stored record, or undefined when another writer got there first.
   */
  putBudget(b: BudgetDef, expectedVersion: number, nowSec: EpochSec): Promise<StoredBudget | undefined>;
  /** The live definition; with `includeDeleted` also a tombstone (to continue its version line). */
  getBudget(id: string, opts?: { includeDeleted?: boolean }): Promise<StoredBudget | undefined>;
  /** Live definitions, by id. */
  listBudgets(): Promise<StoredBudget[]>;
  /** Soft delete by compare-and-set; false on a version mismatch or when there is nothing live to delete. */
  deleteBudget(id: string, expectedVersion: number, nowSec: EpochSec): Promise<boolean>;
  /** Notification states of a budget in one period. */
  getNotificationStates(budgetId: string, periodKey: string): Promise<NotificationStateItem[]>;
  /** Compare-and-set on the item's version (0 = must be absent); false when someone else wrote first. */
  putNotificationState(item: NotificationStateItem, expectedVersion: number): Promise<boolean>;
  /** Deterministic key per budget, period and job: a repeat is 'exists', never a second record. */
  recordOverride(o: BudgetOverrideRecord): Promise<'recorded' | 'exists'>;
  listOverrides(budgetId: string): Promise<BudgetOverrideRecord[]>;
}

/** How a target's base-year value was fixed when the target was set (for the SBTi recalculation check). */
export interface TargetBaseline {
  source: 'entered' | 'store';
  /** The base-year value the pathway was set with; undefined when the store did not hold the base year yet. */
  recordedValue?: number;
  recordedAtSec: EpochSec;
  /** Set when this version restated an entered base by ≥ 5 % against the previous version. */
  restatedFrom?: { value: number; changePct: number; version: number };
}

export interface StoredTarget extends TargetDef {
  version: number;
  createdAtSec: EpochSec;
  updatedAtSec: EpochSec;
  baseline: TargetBaseline;
  deleted?: boolean;
}

export interface TargetStore {
  /** Compare-and-set write (see BudgetStore.putBudget). */
  putTarget(t: TargetDef, baseline: TargetBaseline, expectedVersion: number, nowSec: EpochSec): Promise<StoredTarget | undefined>;
  getTarget(id: string, opts?: { includeDeleted?: boolean }): Promise<StoredTarget | undefined>;
  listTargets(): Promise<StoredTarget[]>;
  deleteTarget(id: string, expectedVersion: number, nowSec: EpochSec): Promise<boolean>;
}
