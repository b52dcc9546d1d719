import fc from 'fast-check';
import { canonicalJson, jobIdFor, scheduleName, trainingJobName } from '../../../../shared/domain/scheduler/job-name';

const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/; // CreateTrainingJob TrainingJobName pattern

describe('deterministic names', () => {
  it('training-job names follow <prefix>-<jobId8>-s<n>[a<k>]', () => {
    expect(trainingJobName('bert-ft', 'abcdef0123456789abcd', 2)).toBe('bert-ft-abcdef01-s2');
    expect(trainingJobName('bert-ft', 'abcdef0123456789abcd', 2, 3)).toBe('bert-ft-abcdef01-s2a3');
    expect(trainingJobName(undefined, 'abcdef0123456789abcd', 0)).toBe('cp-abcdef01-s0');
  });

  it('any prefix gives a valid SageMaker name of at most 63 characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.nat(999), fc.nat(99), (prefix, n, k) => {
        const name = trainingJobName(prefix, 'abcdef0123456789abcd', n, k);
        expect(name.length).toBeLessThanOrEqual(63);
        expect(name).toMatch(SAGEMAKER_NAME);
      }),
    );
  });

  it('schedule names fit EventBridge Scheduler (≤ 64 of [0-9a-zA-Z-_.])', () => {
    const n = scheduleName('abcdef0123456789abcd', 12, 3, 'start', 4);
    expect(n).toMatch(/^[0-9a-zA-Z_.-]{1,64}$/);
  });

  it('job ids ignore key order and depend on the content or the client token', () => {
    expect(jobIdFor({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(jobIdFor({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(jobIdFor({ a: 1 })).not.toBe(jobIdFor({ a: 2 }));
    expect(jobIdFor({ a: 1 }, 'tok')).toBe(jobIdFor({ a: 2 }, 'tok'));
    expect(jobIdFor({ a: 1 })).toMatch(/^[a-z0-9]{20}$/);
    expect(canonicalJson({ b: 1, a: undefined })).toBe('{"b":1}');
  });
});
