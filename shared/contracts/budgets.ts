/**
 * Carbon budgets: the definition a user sets (HTTP body, CLI flags or `--file`), its notifications, and the
 * `Carbon Budget Threshold Crossed` event. zod at the edge, types via z.infer. Definitions are strict: an unknown
 * field is rejected naming it, so a typo (`limitKg`) is never silently ignored.
 *
 * Notifications follow AWS Budgets (Billing and Cost Management API reference, `Notification` data type):
 * `ACTUAL` or `FORECASTED`, a threshold as a percentage of the limit (`PERCENTAGE`) or an absolute amount
 * (`ABSOLUTE_VALUE`, here kgCO2e), up to 10 per budget, each with an `OK`/`ALARM` state. The comparison is AWS's
 * `GREATER_THAN`: the notification holds when the amount is over the threshold.
 */
import { z } from 'zod';
import {
  BUDGET_DIMENSIONS, BUDGET_MODES, BUDGET_PERIODS, EMISSION_BASES, NOTIFICATION_STATES, NOTIFICATION_TYPES, RESOURCE_KINDS, THRESHOLD_TYPES,
  type BudgetDef, type BudgetDimension, type BudgetMode, type BudgetPeriodType, type EmissionBasis, type NotificationState,
} from '../domain/budgets/types';

/** EventBridge detail-type of a notification changing state (published on the CarbonPilot bus). */
export const BUDGET_THRESHOLD_CROSSED = 'Carbon Budget Threshold Crossed';

export {
  BUDGET_DIMENSIONS, BUDGET_PERIODS, EMISSION_BASES, BUDGET_MODES, NOTIFICATION_TYPES, THRESHOLD_TYPES, NOTIFICATION_STATES,
  type BudgetDimension, type BudgetPeriodType, type EmissionBasis, type BudgetMode, type NotificationState,
};

/** AWS Budgets allows up to 10 notifications per budget. */
export const MAX_NOTIFICATIONS = 10;
/** Highest percentage threshold accepted (10 × the limit); anything above is almost certainly a unit mistake. */
export const MAX_THRESHOLD_PCT = 1000;

const label = z.string().trim().min(1, 'must not be empty').max(128, 'at most 128 characters');

export const BudgetScope = z
  .object({
    dimension: z.enum(BUDGET_DIMENSIONS, { error: `expected one of ${BUDGET_DIMENSIONS.join(', ')}` }),
    /** The dimension's value (a team name, a region code, a resource kind); absent for the whole account. */
    value: label.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.dimension === 'account') {
      if (s.value !== undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: 'an account-wide budget takes no value' });
      return;
    }
    if (s.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `a ${s.dimension} budget needs the ${s.dimension} it applies to` });
      return;
    }
    if (s.dimension === 'kind' && !(RESOURCE_KINDS as readonly string[]).includes(s.value)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `expected one of ${RESOURCE_KINDS.join(', ')}` });
    }
    if (s.dimension === 'region' && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(s.value)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'expected an AWS region code like eu-west-1' });
    }
  });
export type BudgetScope = z.infer<typeof BudgetScope>;

export const BudgetNotification = z
  .object({
    type: z.enum(NOTIFICATION_TYPES, { error: 'expected ACTUAL or FORECASTED' }),
    threshold: z.number({ error: 'expected a number' }).positive('must be > 0').finite(),
    thresholdType: z.enum(THRESHOLD_TYPES, { error: 'expected PERCENTAGE or ABSOLUTE_VALUE' }).default('PERCENTAGE'),
  })
  .strict()
  .superRefine((n, ctx) => {
    if (n.thresholdType === 'PERCENTAGE' && n.threshold > MAX_THRESHOLD_PCT) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: `at most ${MAX_THRESHOLD_PCT} % of the limit` });
    }
  });
export type BudgetNotification = z.infer<typeof BudgetNotification>;

export const BUDGET_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export const BudgetDefinition = z
  .object({
    id: z.string({ error: 'required' }).regex(BUDGET_ID, '1–64 of a-z, 0-9 and inner hyphens'),
    name: label.optional(),
    scope: BudgetScope,
    period: z.enum(BUDGET_PERIODS, { error: `expected one of ${BUDGET_PERIODS.join(', ')} (UTC calendar)` }),
    limitKgCo2e: z.number({ error: 'required: the allowance in kgCO2e' }).positive('must be > 0').finite().max(1e12),
    basis: z.enum(EMISSION_BASES, { error: 'expected location-based or market-based' }).default('location-based'),
    /** Count the embodied (manufacturing) emissions footprints carry on top of the operational ones (the status shows the split). */
    includeEmbodied: z.boolean().default(false),
    /** `enforcing`: a job plan that would push the budget over its limit is refused (unless overridden with a reason). */
    mode: z.enum(BUDGET_MODES, { error: 'expected advisory or enforcing' }).default('advisory'),
    notifications: z.array(BudgetNotification).max(MAX_NOTIFICATIONS, `at most ${MAX_NOTIFICATIONS} notifications (as AWS Budgets)`).default([]),
    /** Seeded by `npm start` from the demo fleet: every output derived from it is labelled demo. */
    demo: z.boolean().optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    b.notifications.forEach((n, i) => {
      if (n.thresholdType === 'ABSOLUTE_VALUE' && n.threshold > (b.limitKgCo2e * MAX_THRESHOLD_PCT) / 100) {
        ctx.addIssue({ code: 'custom', path: ['notifications', i, 'threshold'], message: `at most ${MAX_THRESHOLD_PCT} % of the limit (${(b.limitKgCo2e * MAX_THRESHOLD_PCT) / 100} kgCO2e)` });
      }
    });
    const seen = new Set<string>();
    b.notifications.forEach((n, i) => {
      const k = `${n.type}|${n.thresholdType}|${n.threshold}`;
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: ['notifications', i], message: 'duplicate notification' });
      seen.add(k);
    });
  });
export type BudgetDefinition = z.infer<typeof BudgetDefinition>;
// The contract and the domain's type cannot drift: this line fails to compile if they do.
const _sameShape = (b: BudgetDefinition): BudgetDef => b;
void _sameShape;
/** What a client sends (defaults not yet applied). */
export type BudgetDefinitionInput = z.input<typeof BudgetDefinition>;

/** An explicit override of an enforcing budget, carried by a job request; the reason is recorded with the job. */
export const BudgetOverride = z
  .object({
    reason: z.string().trim().min(10, 'say why, in at least 10 characters').max(500),
    /** Who approved it (free text: a name, a ticket). */
    approvedBy: label.optional(),
  })
  .strict();
export type BudgetOverride = z.infer<typeof BudgetOverride>;

const kg = z.number().finite();

/** Detail of `Carbon Budget Threshold Crossed`. `eventId` is deterministic: consumers can drop a repeat. */
export const BudgetThresholdCrossedDetail = z.object({
  eventId: z.string().min(1),
  budget: z.object({
    id: z.string(),
    name: z.string().optional(),
    scope: z.object({ dimension: z.enum(BUDGET_DIMENSIONS), value: z.string().optional() }),
    period: z.enum(BUDGET_PERIODS),
    limitKgCo2e: kg,
    basis: z.enum(EMISSION_BASES),
    mode: z.enum(BUDGET_MODES),
    version: z.number().int(),
  }),
  period: z.object({ key: z.string(), from: z.string(), to: z.string() }),
  threshold: z.object({
    index: z.number().int().min(0),
    type: z.enum(NOTIFICATION_TYPES),
    threshold: z.number(),
    thresholdType: z.enum(THRESHOLD_TYPES),
    thresholdKgCo2e: kg,
  }),
  state: z.enum(NOTIFICATION_STATES),
  previousState: z.enum(NOTIFICATION_STATES),
  actualKgCo2e: kg,
  forecastKgCo2e: z.object({ p50: kg.nullable(), p90: kg.nullable() }),
  utilisationPct: kg,
  topContributors: z.array(z.object({ resourceKey: z.string(), kind: z.string(), resourceId: z.string(), co2eKg: kg, sharePct: kg })),
  /** End of the data the evaluation counted (the watermark), ISO UTC. */
  asOf: z.string(),
  demo: z.boolean(),
});
export type BudgetThresholdCrossedDetail = z.infer<typeof BudgetThresholdCrossedDetail>;

/** A definition that does not fit its contract: terminal, names every bad field (HTTP 400, CLI exit 2). */
export class DefinitionError extends Error {
  readonly retryable = false;
  constructor(
    readonly what: string,
    readonly fields: { field: string; message: string }[],
  ) {
    super(`invalid ${what}: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`);
    this.name = 'DefinitionError';
  }
}

/** zod issues as field/message pairs; an unknown key is named as its own field (`scope.colour: unknown field`). */
export function issueFields(issues: readonly z.core.$ZodIssue[]): { field: string; message: string }[] {
  return issues.flatMap((i) => {
    const at = i.path.map(String);
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ field: [...at, k].join('.'), message: 'unknown field' }));
    return [{ field: at.join('.') || '(root)', message: i.message }];
  });
}

/** Parse with a strict contract or throw a DefinitionError naming every bad field. */
export function parseDefinition<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new DefinitionError(what, issueFields(r.error.issues));
}

export const parseBudgetDefinition = (value: unknown): BudgetDefinition => parseDefinition(BudgetDefinition, value, 'budget');
