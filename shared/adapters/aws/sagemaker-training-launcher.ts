/**
 * TrainingLauncher on SageMaker: CreateTrainingJob / StopTrainingJob in the target region under the dispatcher's
 * deterministic name. "Already exists" (`ResourceInUse`) is success: a duplicate delivery started nothing new.
 * Capacity problems (`ResourceLimitExceeded`, `CapacityError`, InsufficientCapacity…) become a typed, retryable
 * CapacityError so the dispatcher can move region or retry while the deadline allows.
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html
 */
import { CreateTrainingJobCommand, StopTrainingJobCommand, type CreateTrainingJobCommandInput, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { CapacityError, type TrainingLauncher } from '../../ports/scheduler-ports';

const info = (e: unknown): { name: string; message: string } => ({
  name: (e as { name?: string })?.name ?? '',
  message: (e as { message?: string })?.message ?? String(e),
});

/** True for the errors SageMaker returns when there is no capacity or quota for the instance type now. */
export const isCapacityError = (e: unknown): boolean => {
  const { name, message } = info(e);
  return name === 'ResourceLimitExceeded' || name === 'CapacityError' || /insufficient\s*capacity|InsufficientInstanceCapacity|CapacityError/i.test(`${name} ${message}`);
};

export class SageMakerTrainingLauncher implements TrainingLauncher {
  constructor(private readonly clientFor: (region: string) => SageMakerClient) {}

  async create(region: string, jobName: string, request: Record<string, unknown>): Promise<'created' | 'exists'> {
    try {
      await this.clientFor(region).send(new CreateTrainingJobCommand({ ...(request as unknown as CreateTrainingJobCommandInput), TrainingJobName: jobName }));
      return 'created';
    } catch (e) {
      const { name, message } = info(e);
      if (name === 'ResourceInUse' || /already exists/i.test(message)) return 'exists';
      if (isCapacityError(e)) throw new CapacityError(region, `${name}: ${message}`);
      throw e;
    }
  }

  async stop(region: string, jobName: string): Promise<void> {
    try {
      await this.clientFor(region).send(new StopTrainingJobCommand({ TrainingJobName: jobName }));
    } catch (e) {
      const { name, message } = info(e);
      // Stopping a job that already stopped/completed/failed is a ValidationException: the pause already holds.
      if (name === 'ValidationException' && /(status|state).*(Stopp|Complet|Fail)|not in progress|already/i.test(message)) return;
      throw e;
    }
  }
}
