/**
 * Unknown fields in a job request are errors naming them (a `dedline` typo was silently ignored), in every
 * CarbonPilot-owned object; the embedded SageMaker `trainingJob` passes unknown fields through to SageMaker.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JobRequest } from '../../../shared/contracts/job-request';
import { closestField, fieldIssues } from '../../../shared/contracts/zod-issues';
import { HttpError, validate } from '../../../shared/http/router';

const example = JSON.parse(readFileSync(join(__dirname, '../../../examples/job-request.json'), 'utf8'));
const issues = (body: unknown) => {
  const r = JobRequest.safeParse(body);
  return r.success ? [] : fieldIssues(JobRequest, r.error, 'job request');
};

describe('job request: unknown fields', () => {
  it('the example is valid', () => expect(issues(example)).toEqual([]));

  it.each([
    ['top level (a typo of deadline)', (() => { const { deadline, ...rest } = example; return { ...rest, dedline: deadline }; })(), [
      { field: 'dedline', message: 'unknown field (did you mean deadline?)' },
      { field: 'deadline', message: expect.stringMatching(/expected string/) },
    ]],
    ['interruptible', { ...example, interruptible: { ...example.interruptible, restartOverhead: 60 } }, [{ field: 'interruptible.restartOverhead', message: 'unknown field (did you mean restartOverheadSec?)' }]],
    ['an allowed region', { ...example, allowedRegions: [{ region: 'us-east-1', regoin: 'x' }] }, [{ field: 'allowedRegions.0.regoin', message: 'unknown field (did you mean region?)' }]],
    ['estimateFromHistory', { ...example, expectedDurationSec: undefined, estimateFromHistory: { jobFamily: 'bert', family: 'x' } }, [{ field: 'estimateFromHistory.family', message: 'unknown field (did you mean jobFamily?)' }]],
    ['template', { ...example, trainingJob: undefined, template: { name: 't', version: 2 } }, [{ field: 'template.version', message: 'unknown field' }]],
  ])('%s: named by its own path', (_what, body, expected) => {
    expect(issues(body)).toEqual(expected);
  });

  it('trainingJob passes SageMaker fields it does not validate through unchanged', () => {
    const body = { ...example, trainingJob: { ...example.trainingJob, EnableNetworkIsolation: true, RetryStrategy: { MaximumRetryAttempts: 2 } } };
    const r = JobRequest.parse(body);
    expect(r.trainingJob).toMatchObject({ EnableNetworkIsolation: true, RetryStrategy: { MaximumRetryAttempts: 2 } });
  });

  it('the API answers 400 with the unknown field in the details', () => {
    const { deadline, ...rest } = example;
    let e: unknown;
    try {
      validate(JobRequest, { ...rest, deadline, dedline: deadline }, 'job request');
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(HttpError);
    expect((e as HttpError).status).toBe(400);
    expect((e as HttpError).details).toEqual([{ field: 'dedline', message: 'unknown field (did you mean deadline?)' }]);
  });

  it.each([
    ['dedline', 'deadline'],
    ['Deadline', 'deadline'],
    ['alowedRegions', 'allowedRegions'],
    ['colour', undefined],
    ['y', undefined],
  ])('closestField(%s) = %s', (key, near) => {
    expect(closestField(key, ['deadline', 'allowedRegions', 'signal', 'x'])).toBe(near);
  });
});
