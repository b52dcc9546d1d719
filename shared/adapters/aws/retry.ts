/**
 * Our own retry layer for AWS calls: exponential backoff with full jitter on retryable errors (throttling, 5xx,
 * transient network), immediate rethrow of terminal errors, and a per-run request budget shared by every
 * adapter so a run can never spend more API calls (GetMetricData is billed per metric) than configured.
 *
 * Clients used with this layer must be built with the SDK's own retries off (`NO_SDK_RETRIES`, i.e. `maxAttempts: 1`):
 * with the SDK default (standard mode, 3 attempts) each of our attempts can hide up to 3 HTTP requests that neither
 * our backoff nor the budget sees — 6 attempts × 3 = 18 requests while the budget counts 6. With retries off, every
 * HTTP request is one attempt here and one unit of the budget (test/unit/adapters/aws/sdk-retries-http.test.ts proves
 * it at the wire). Full jitter: sleep = random() × min(maxMs, baseMs × 2^(attempt-1)), from "Exponential Backoff And
 * Jitter", AWS Architecture Blog (Brooker, 2015).
 */

/** SDK client configuration for clients whose calls go through `withBackoff`: one HTTP request per attempt. */
export const NO_SDK_RETRIES = { maxAttempts: 1 } as const;

/** Thrown when the per-run cap on API calls is reached. Terminal for this run; the next run continues. */
export class RequestBudgetExhaustedError extends Error {
  readonly retryable = false;
  constructor(readonly limit: number) {
    super(`request budget of ${limit} API calls exhausted for this run`);
    this.name = 'RequestBudgetExhaustedError';
  }
}

/** A per-run cap on API calls, shared by all adapters of one run. */
export class RequestBudget {
  private usedCalls = 0;
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`request budget must be a non-negative integer, got ${limit}`);
  }
  get used(): number {
    return this.usedCalls;
  }
  get remaining(): number {
    return this.limit - this.usedCalls;
  }
  /** Reserve one call; throws RequestBudgetExhaustedError when none is left. */
  take(): void {
    if (this.usedCalls >= this.limit) throw new RequestBudgetExhaustedError(this.limit);
    this.usedCalls += 1;
  }
}

export interface BackoffOptions {
  /** Total attempts including the first (≥ 1). */
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
  budget?: RequestBudget;
  sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1). */
  random: () => number;
  /** Override the classification (defaults to `isRetryableAwsError`). */
  isRetryable?: (err: unknown) => boolean;
}

export const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Sensible production defaults: 6 attempts, 100 ms base, 20 s cap. */
export const defaultBackoff = (budget?: RequestBudget): BackoffOptions => ({
  maxAttempts: 6,
  baseMs: 100,
  maxMs: 20_000,
  budget,
  sleep: realSleep,
  random: Math.random,
});

// Error codes AWS documents as throttling or transient. CloudWatch: `Throttling` (HTTP 400);
// EC2: `RequestLimitExceeded`; SageMaker: `ThrottlingException`; generic 5xx service faults.
const RETRYABLE_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'InternalServiceError',
  'InternalServiceFault',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);
const RETRYABLE_NET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/** True for throttling, HTTP 429/5xx and transient network errors; false for everything else (validation, access…). */
export const isRetryableAwsError = (err: unknown): boolean => {
  if (err instanceof RequestBudgetExhaustedError) return false;
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (typeof e.name === 'string' && RETRYABLE_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && (RETRYABLE_NAMES.has(e.code) || RETRYABLE_NET_CODES.has(e.code))) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status === 429 || status >= 500)) return true;
  return e.$retryable !== undefined && e.$retryable !== null && e.$retryable !== false;
};

/** Delay before retry number `attempt` (1 = first retry): full jitter over the capped exponential. */
export const backoffDelayMs = (attempt: number, o: Pick<BackoffOptions, 'baseMs' | 'maxMs' | 'random'>): number =>
  Math.floor(o.random() * Math.min(o.maxMs, o.baseMs * 2 ** (attempt - 1)));

/**
 * Run `fn` with retries. Each attempt takes one unit of `budget` first (RequestBudgetExhaustedError propagates);
 * retryable errors sleep and retry up to `maxAttempts`, terminal errors are rethrown at once.
 */
export const withBackoff = async <T>(fn: () => Promise<T>, o: BackoffOptions): Promise<T> => {
  const retryable = o.isRetryable ?? isRetryableAwsError;
  const maxAttempts = Math.max(1, Math.floor(o.maxAttempts));
  for (let attempt = 1; ; attempt++) {
    o.budget?.take();
    try {
      return await fn();
    } catch (err) {
      if (attempt >= maxAttempts || !retryable(err)) throw err;
      await o.sleep(backoffDelayMs(attempt, o));
    }
  }
};
