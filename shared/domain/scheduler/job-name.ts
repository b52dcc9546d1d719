/**
 * Deterministic names (pure). SageMaker training-job names: 1–63 chars, `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`
 * (CreateTrainingJob API reference). EventBridge Scheduler names: 1–64 chars, `[0-9a-zA-Z-_.]+`.
 * The same job, segment and attempt always give the same name, so a duplicate delivery cannot start a second job.
 */

const MAX_SAGEMAKER_NAME = 63;
const MAX_SCHEDULE_NAME = 64;

/** 64-bit FNV-1a of a string as 16 hex digits (deterministic job ids; not a security hash). */
export function fnv1a64Hex(s: string): string {
  let h = 0xcbf29ce484222325n;
  const p = 0x100000001b3n;
  const bytes = new TextEncoder().encode(s);
  for (const b of bytes) h = BigInt.asUintN(64, (h ^ BigInt(b)) * p);
  return h.toString(16).padStart(16, '0');
}

/** JSON with sorted object keys, so two equal requests hash equally whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Job id: hash of the request (idempotent POST) or of the client token when given. 20 lowercase hex/alnum chars. */
export function jobIdFor(request: unknown, clientToken?: string): string {
  const basis = clientToken !== undefined ? `token:${clientToken}` : `req:${canonicalJson(request)}`;
  return (fnv1a64Hex(basis) + fnv1a64Hex(`2|${basis}`)).slice(0, 20);
}

const sanitize = (s: string): string =>
  s
    .replace(/[^a-zA-Z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');

/** `<prefix>-<jobId8>-s<n>` (attempt k > 0: `…-s<n>a<k>`), always ≤ 63 chars of [a-zA-Z0-9-]. */
export function trainingJobName(prefix: string | undefined, jobId: string, segment: number, attempt = 0): string {
  const suffix = `${jobId.slice(0, 8)}-s${segment}${attempt > 0 ? `a${attempt}` : ''}`;
  const p = sanitize(prefix ?? 'cp') || 'cp';
  const room = MAX_SAGEMAKER_NAME - suffix.length - 1;
  return `${sanitize(p.slice(0, room)) || 'cp'}-${suffix}`;
}

/** One-time schedule name of a segment action, ≤ 64 chars of [0-9a-zA-Z-_.]. */
export function scheduleName(jobId: string, planRevision: number, segment: number, action: 'start' | 'stop', attempt = 0): string {
  const name = `cp-${jobId}-r${planRevision}-s${segment}-${action}${attempt > 0 ? `-a${attempt}` : ''}`;
  return name.slice(0, MAX_SCHEDULE_NAME);
}
