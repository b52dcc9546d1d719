/**
 * TrainingLauncher on SageMaker: CreateTrainingJob / StopTrainingJob in the target region under the dispatcher's
 * deterministic name. "Already exists" (`ResourceInUse`) is success: a duplicate delivery started nothing new.
 * Capacity problems (`ResourceLimitExceeded`, `CapacityError`, InsufficientCapacity…) become a typed, retryable
 * CapacityError so the dispatcher can move region or retry while the deadline allows.
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html
 */
import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  StopTrainingJobCommand,
  type CreateTrainingJobCommandInput,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { CapacityError, type TrainingJobStatusReport, type TrainingLauncher } from '../../ports/scheduler-ports';
import { defaultBackoff, withBackoff, type BackoffOptions } from './retry';

const info = (e: unknown): { name: string; message: string } => ({
  name: (e as { name?: string })?.name ?? '',
  message: (e as { message?: string })?.message ?? String(e),
});

/** True for the errors SageMaker returns when there is no capacity or quota for the instance type now. */
export const isCapacityError = (e: unknown): boolean => {
  const { name, message } = info(e);
  return name === 'ResourceLimitExceeded' || name === 'CapacityError' || /insufficient\s*capacity|InsufficientInstanceCapacity|CapacityError/i.test(`${name} ${message}`);
};

const STATUSES = new Set(['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped']);

export class SageMakerTrainingLauncher implements TrainingLauncher {
  private readonly backoff: BackoffOptions;
  /** `clientFor` returns the SageMaker client of a region (SDK retries off: our backoff retries reads). */
  constructor(
    private readonly clientFor: (region: string) => SageMakerClient,
    backoff: Partial<BackoffOptions> = {},
  ) {
    this.backoff = { ...defaultBackoff(), ...backoff };
  }

  async describe(region: string, jobName: string): Promise<TrainingJobStatusReport | undefined> {
    try {
      const d = await withBackoff(() => this.clientFor(region).send(new DescribeTrainingJobCommand({ TrainingJobName: jobName })), this.backoff);
      const status = d.TrainingJobStatus ?? '';
      if (!STATUSES.has(status)) throw new Error(`DescribeTrainingJob ${jobName}: unexpected TrainingJobStatus "${status}"`);
      const endMs = d.TrainingEndTime ? new Date(d.TrainingEndTime).getTime() : NaN;
      return {
        status: status as TrainingJobStatusReport['status'],
        ...(d.FailureReason ? { failureReason: d.FailureReason } : {}),
        ...(Number.isFinite(endMs) ? { endSec: Math.floor(endMs / 1000) } : {}),
      };
    } catch (e) {
      const { name, message } = info(e);
      // SageMaker answers an unknown training job with ValidationException "Requested resource not found".
      if (name === 'ResourceNotFound' || (name === 'ValidationException' && /not found/i.test(message))) return undefined;
      throw e;
    }
  }

  async create(region: string, jobName: string, request: Record<string, unknown>): Promise<'created' | 'exists'> {
    try {
      // Safe to retry: the name is deterministic, so a retry after a lost response answers ResourceInUse (= exists).
      await withBackoff(() => this.clientFor(region).send(new CreateTrainingJobCommand({ ...(request as unknown as CreateTrainingJobCommandInput), TrainingJobName: jobName })), this.backoff);
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
      await withBackoff(() => this.clientFor(region).send(new StopTrainingJobCommand({ TrainingJobName: jobName })), this.backoff);
    } catch (e) {
      const { name, message } = info(e);
      // Stopping a job that already stopped/completed/failed is a ValidationException: the pause already holds.
      if (name === 'ValidationException' && /(status|state).*(Stopp|Complet|Fail)|not in progress|already/i.test(message)) return;
      throw e;
    }
  }
}
