import {
  RequestBudget,
  RequestBudgetExhaustedError,
  backoffDelayMs,
  isRetryableAwsError,
  withBackoff,
  type BackoffOptions,
} from '../../../../shared/adapters/aws/retry';

const awsError = (name: string, httpStatusCode?: number): Error =>
  Object.assign(new Error(name), { name, $metadata: httpStatusCode ? { httpStatusCode } : {} });

/** Prepare: a fake that fails with the given errors in order, then returns 'ok'. */
const failing = (errors: Error[]) => {
  let calls = 0;
  const fn = async (): Promise<string> => {
    const e = errors[calls];
    calls += 1;
    if (e) throw e;
    return 'ok';
  };
  return { fn, calls: () => calls };
};

const opts = (over: Partial<BackoffOptions> = {}) => {
  const sleeps: number[] = [];
  const o: BackoffOptions = {
    maxAttempts: 5,
    baseMs: 100,
    maxMs: 1000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...over,
  };
  return { o, sleeps };
};

describe('withBackoff', () => {
  it('retries throttling with exponential full-jitter delays, then succeeds', async () => {
    const f = failing([awsError('Throttling', 400), awsError('Throttling', 400), awsError('ThrottlingException', 400)]);
    const { o, sleeps } = opts();
    await expect(withBackoff(f.fn, o)).resolves.toBe('ok');
    expect(f.calls()).toBe(4);
    // random 0.5 × min(1000, 100 × 2^(n-1))
    expect(sleeps).toEqual([50, 100, 200]);
  });

  it('caps the delay at maxMs', () => {
    expect(backoffDelayMs(20, { baseMs: 100, maxMs: 1000, random: () => 0.999 })).toBe(999);
    expect(backoffDelayMs(1, { baseMs: 100, maxMs: 1000, random: () => 0 })).toBe(0);
  });

  it('rethrows terminal errors at once without sleeping', async () => {
    const f = failing([awsError('ValidationError', 400)]);
    const { o, sleeps } = opts();
    await expect(withBackoff(f.fn, o)).rejects.toThrow('ValidationError');
    expect(f.calls()).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('gives up after maxAttempts and rethrows the last retryable error', async () => {
    const f = failing(Array.from({ length: 10 }, () => awsError('ServiceUnavailable', 503)));
    const { o, sleeps } = opts({ maxAttempts: 3 });
    await expect(withBackoff(f.fn, o)).rejects.toThrow('ServiceUnavailable');
    expect(f.calls()).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('counts every attempt against the shared budget and stops when it is spent', async () => {
    const budget = new RequestBudget(2);
    const f = failing([awsError('Throttling', 400), awsError('Throttling', 400)]);
    const { o } = opts({ budget });
    await expect(withBackoff(f.fn, o)).rejects.toBeInstanceOf(RequestBudgetExhaustedError);
    expect(f.calls()).toBe(2);
    expect(budget.remaining).toBe(0);
  });

  it('shares one budget between callers', async () => {
    const budget = new RequestBudget(3);
    const { o } = opts({ budget });
    await withBackoff(async () => 1, o);
    await withBackoff(async () => 2, o);
    await withBackoff(async () => 3, o);
    await expect(withBackoff(async () => 4, o)).rejects.toThrow('request budget of 3 API calls exhausted');
  });
});

describe('isRetryableAwsError', () => {
  it.each([
    ['Throttling (CloudWatch, HTTP 400)', awsError('Throttling', 400), true],
    ['RequestLimitExceeded (EC2)', awsError('RequestLimitExceeded', 503), true],
    ['HTTP 500 with an unknown name', awsError('WeirdFault', 500), true],
    ['HTTP 429', awsError('Whatever', 429), true],
    ['network reset', Object.assign(new Error('socket'), { code: 'ECONNRESET' }), true],
    ['AccessDenied', awsError('AccessDeniedException', 400), false],
    ['InvalidParameterValue', awsError('InvalidParameterValue', 400), false],
    ['budget exhausted', new RequestBudgetExhaustedError(1), false],
    ['not an object', 'boom', false],
  ])('%s → %p', (_n, err, expected) => {
    expect(isRetryableAwsError(err)).toBe(expected);
  });
});
