/** Deterministic names within the SageMaker and EventBridge Scheduler rules (API references). */
import { attemptIdFor, attemptNames, modelPackageGroupName, pollScheduleName } from '../../../../shared/domain/optimisation/names';

const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

describe('optimisation names', () => {
  it('the same request (or client token) is the same attempt, whatever the key order', () => {
    expect(attemptIdFor({ a: 1, b: { c: 2 } })).toBe(attemptIdFor({ b: { c: 2 }, a: 1 }));
    expect(attemptIdFor({ a: 1 }, 'tok')).toBe(attemptIdFor({ a: 2 }, 'tok'));
    expect(attemptIdFor({ a: 1 }, 'tok')).not.toBe(attemptIdFor({ a: 1 }, 'other'));
    expect(attemptIdFor({ a: 1 })).toMatch(/^[a-f0-9]{16}$/);
  });

  it('every SageMaker name of an attempt follows the naming rule, also for a 63-character endpoint', () => {
    const long = `e${'x'.repeat(62)}`;
    for (const endpoint of ['chat', long]) {
      const n = attemptNames('0123456789abcdef', endpoint);
      for (const [k, v] of Object.entries(n)) if (k !== 'modelPackageToken') expect(v).toMatch(SAGEMAKER_NAME);
      expect(n.modelPackageToken.length).toBeLessThanOrEqual(36); // CreateModelPackage ClientToken limit
    }
  });

  it('long endpoint names keep distinct registry groups (hash suffix)', () => {
    const a = modelPackageGroupName(`${'a'.repeat(60)}-one`);
    const b = modelPackageGroupName(`${'a'.repeat(60)}-two`);
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(63);
  });

  it('each poll after a state write has its own schedule name (≤ 64 characters)', () => {
    expect(pollScheduleName('0123456789abcdef', 7)).toBe('cp-opt-0123456789abcdef-v7');
    expect(pollScheduleName('0123456789abcdef', 7)).not.toBe(pollScheduleName('0123456789abcdef', 8));
  });
});
