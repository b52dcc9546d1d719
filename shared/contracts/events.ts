/** zod contracts of the events our functions receive; types derived with z.infer. */
import { z } from 'zod';

/** The EventBridge envelope (fields we read). */
export const EventBridgeEnvelope = z.object({
  'detail-type': z.string().min(1),
  source: z.string().min(1),
  time: z.string().min(1),
  region: z.string().optional(),
  detail: z.unknown(),
});

export const CollectionRequested = z.object({
  resourceKeys: z.array(z.string().regex(/^(training-job|endpoint|ec2-instance)#[a-z0-9-]+#.+$/, 'resourceKeys[]: expected <kind>#<region>#<id>')).min(1).max(1000),
});
export type CollectionRequested = z.infer<typeof CollectionRequested>;

/** A daily schedule re-runs day-based work over the last few UTC days (backstop for late or lost events). */
export const BACKSTOP_DAYS = 3;

export const IntervalsWritten = z.object({
  days: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'days[]: expected YYYY-MM-DD')).min(1),
});
export type IntervalsWritten = z.infer<typeof IntervalsWritten>;

/** Detail of `Rollups Updated` (the rollup function recomputed these UTC days). */
export const RollupsUpdated = IntervalsWritten;
export type RollupsUpdated = IntervalsWritten;

/** Thrown for an event that does not fit its contract: terminal (retrying cannot fix it), names the field. */
export class MalformedEventError extends Error {
  readonly retryable = false;
  /** `field` names the missing or invalid part; `detail` says what is wrong with it. */
  constructor(
    readonly field: string,
    detail: string,
    what = 'malformed event',
  ) {
    super(`${what}: ${field}: ${detail}`);
    this.name = 'MalformedEventError';
  }
}

/** Parse with a contract, turning zod issues into one message that names each bad field. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const [first, ...rest] = r.error.issues;
  const more = rest.map((i) => `; ${i.path.join('.') || '(root)'}: ${i.message}`).join('');
  throw new MalformedEventError(first.path.join('.') || '(root)', `${first.message}${more}`, `malformed ${what}`);
}
