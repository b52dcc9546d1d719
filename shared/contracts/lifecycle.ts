/**
 * Contracts of the model lifecycle: its event detail-types and schemas, the API request body, and its configuration
 * variables (spread into the environment schema of shared/contracts/config.ts). Types via z.infer.
 */
import { z } from 'zod';
import { DEFAULT_LIFECYCLE, type LifecycleDefaults } from '../domain/lifecycle/settings';
import { DEFAULT_MIN_OBSERVED_HOURS } from '../domain/lifecycle/rightsizing';

export const LifecycleDetailTypes = {
  proposed: 'Lifecycle Action Proposed',
  executed: 'Lifecycle Action Executed',
} as const;

const SubjectSchema = z.object({ kind: z.enum(['endpoint', 'inference-component', 'model-package']), region: z.string().min(1), name: z.string().min(1) });

/** Detail of `Lifecycle Action Proposed`: the owner notification (route it with a rule on the CarbonPilot bus). */
export const LifecycleActionProposed = z.object({
  actionId: z.string().min(1),
  subject: SubjectSchema,
  action: z.enum(['scale-to-zero', 'park', 'archive-artefacts', 'archive-package']),
  mode: z.enum(['recommend', 'approve', 'auto']),
  owner: z.string(),
  notBefore: z.string(),
  expectedSavingKgCo2ePerMonth: z.number().nullable(),
  restoreTime: z.string(),
  reason: z.string(),
  demo: z.boolean(),
});
export type LifecycleActionProposed = z.infer<typeof LifecycleActionProposed>;

/** Detail of `Lifecycle Action Executed`: an effect took place (`effect`) or was undone (`undo`). */
export const LifecycleActionExecuted = z.object({
  actionId: z.string().min(1),
  subject: SubjectSchema,
  action: z.enum(['scale-to-zero', 'park', 'archive-artefacts', 'archive-package']),
  phase: z.enum(['effect', 'undo']),
  status: z.string(),
  by: z.string(),
  at: z.string(),
  demo: z.boolean(),
});
export type LifecycleActionExecuted = z.infer<typeof LifecycleActionExecuted>;

/** The fields the lifecycle reads of a `SageMaker Endpoint State Change` event (SageMaker EventBridge guide). */
export const EndpointStateChangeDetail = z.object({ EndpointName: z.string().min(1), EndpointStatus: z.string().min(1) });

/** Names of endpoints/components: SageMaker's pattern (API reference: `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`); packages by ARN. */
export const RESOURCE_NAME = /^([a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}|arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/.{1,200})$/;

/** POST /api/lifecycle/actions: a park/unpark/approve/undo request. */
export const LifecycleActionRequest = z
  .object({
    op: z.enum(['park', 'unpark', 'approve', 'undo', 'propose']),
    resource: z.string().regex(RESOURCE_NAME, 'expected an endpoint or inference component name, or a model package ARN'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected an AWS region like eu-west-1').optional(),
    /** For `propose` on a package or component: which rung. */
    action: z.enum(['scale-to-zero', 'park', 'archive-artefacts', 'archive-package']).optional(),
    by: z.string().min(1).max(128).default('api'),
    reason: z.string().min(1, 'say why (recorded with the action)').max(512),
    dryRun: z.boolean().default(false),
  })
  .strict();
export type LifecycleActionRequest = z.infer<typeof LifecycleActionRequest>;

const positive = (max: number) => z.coerce.number().positive().max(max);

/** The lifecycle's environment variables (spread into the Env schema of config.ts). */
export const LIFECYCLE_ENV = {
  /** recommend (default) or approve; `auto` is opted into per resource with the tag carbonpilot:lifecycle-mode=auto. */
  LIFECYCLE_MODE: z.enum(['recommend', 'approve'], { error: 'must be recommend or approve (auto is set per resource by tag)' }).default(DEFAULT_LIFECYCLE.mode),
  LIFECYCLE_COOLING_AFTER_DAYS: positive(3650).default(DEFAULT_LIFECYCLE.coolingAfterDays),
  LIFECYCLE_COLD_AFTER_DAYS: positive(3650).default(DEFAULT_LIFECYCLE.coldAfterDays),
  LIFECYCLE_FROZEN_AFTER_DAYS: positive(3650).default(DEFAULT_LIFECYCLE.frozenAfterDays),
  LIFECYCLE_VETO_WINDOW_HOURS: z.coerce.number().min(0).max(24 * 30).default(DEFAULT_LIFECYCLE.vetoWindowSec / 3600),
  RIGHTSIZING_MIN_OBSERVED_HOURS: positive(24 * 365).default(DEFAULT_MIN_OBSERVED_HOURS),
};

export interface LifecycleConfig extends LifecycleDefaults {
  rightsizingMinObservedHours: number;
}

type LifecycleEnv = { [K in keyof typeof LIFECYCLE_ENV]: z.output<(typeof LIFECYCLE_ENV)[K]> };

/** The parsed lifecycle settings (frozen). */
export const lifecycleConfigOf = (e: LifecycleEnv): Readonly<LifecycleConfig> =>
  Object.freeze({
    mode: e.LIFECYCLE_MODE,
    coolingAfterDays: e.LIFECYCLE_COOLING_AFTER_DAYS,
    coldAfterDays: Math.max(e.LIFECYCLE_COLD_AFTER_DAYS, e.LIFECYCLE_COOLING_AFTER_DAYS),
    frozenAfterDays: e.LIFECYCLE_FROZEN_AFTER_DAYS,
    vetoWindowSec: Math.round(e.LIFECYCLE_VETO_WINDOW_HOURS * 3600),
    rightsizingMinObservedHours: e.RIGHTSIZING_MIN_OBSERVED_HOURS,
  });
