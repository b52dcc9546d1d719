import { TRAINING_ROLE_ARN } from '../../../shared/contracts/job-request';

describe('training role allow-list', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/carbonpilot-training-bert', true],
    ['arn:aws:iam::123456789012:role/ml/carbonpilot-training-x', true],
    ['arn:aws-us-gov:iam::123456789012:role/carbonpilot-training-a', true],
    ['arn:aws:iam::123456789012:role/Admin', false],
    ['arn:aws:iam::123456789012:role/sagemaker-training', false],
    ['arn:aws:iam::123456789012:role/x-carbonpilot-training-a', false],
    ['arn:aws:iam::123456789012:user/carbonpilot-training-a', false],
  ])('%s → %s', (arn, ok) => {
    expect(TRAINING_ROLE_ARN.test(arn)).toBe(ok);
  });
});
