/**
 * Parse the AWS service events the inventory subscribes to (see shared/pipeline.ts triggers):
 * - `aws.sagemaker` / "SageMaker Training Job State Change": detail.TrainingJobName, detail.TrainingJobStatus
 * - `aws.sagemaker` / "SageMaker Endpoint State Change": detail.EndpointName, detail.EndpointStatus
 * - `aws.ec2` / "EC2 Instance State-change Notification": detail["instance-id"], detail.state
 * (SageMaker developer guide "Automating SageMaker with EventBridge"; EC2 user guide "EC2 instance state change events").
 * The instant is the envelope `time` (ISO-8601 UTC), the time AWS emitted the change.
 */
import { z } from 'zod';
import type { ResourceKind } from '../../domain/types';

export interface StateChange {
  kind: ResourceKind;
  region: string;
  /** Training job name, endpoint name (all variants), or EC2 instance id. */
  id: string;
  state: string;
  atSec: number;
}

/** A bad event: terminal (redelivery will not fix it); `field` names the missing or invalid part. */
export class MalformedEventError extends Error {
  readonly retryable = false;
  constructor(readonly field: string, detail: string) {
    super(`malformed state-change event: ${field}: ${detail}`);
    this.name = 'MalformedEventError';
  }
}

const nonEmpty = z.string().trim().min(1);
const isoInstant = nonEmpty.refine((s) => /(Z|[+-]\d{2}:?\d{2})$/.test(s) && Number.isFinite(Date.parse(s)), 'not an ISO-8601 instant with a zone');

const Envelope = z.object({
  source: nonEmpty,
  'detail-type': nonEmpty,
  region: nonEmpty,
  time: isoInstant,
  detail: z.record(z.string(), z.unknown()),
});

const TrainingDetail = z.object({ TrainingJobName: nonEmpty, TrainingJobStatus: nonEmpty });
const EndpointDetail = z.object({ EndpointName: nonEmpty, EndpointStatus: nonEmpty });
const Ec2Detail = z.object({ 'instance-id': nonEmpty, state: nonEmpty });

const firstIssue = (err: z.ZodError, prefix: string): MalformedEventError => {
  const issue = err.issues[0];
  const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
  return new MalformedEventError(path || '(event)', issue.message);
};

const parseWith = <T>(schema: z.ZodType<T>, value: unknown, prefix: string): T => {
  const r = schema.safeParse(value);
  if (!r.success) throw firstIssue(r.error, prefix);
  return r.data;
};

/** Turn a SageMaker training/endpoint or EC2 state-change event into a StateChange; throws MalformedEventError naming the field. */
export const parseStateChangeEvent = (event: unknown): StateChange => {
  const env = parseWith(Envelope, event, '');
  const base = { region: env.region, atSec: Math.floor(Date.parse(env.time) / 1000) };
  const key = `${env.source}|${env['detail-type']}`;
  switch (key) {
    case 'aws.sagemaker|SageMaker Training Job State Change': {
      const d = parseWith(TrainingDetail, env.detail, 'detail');
      return { kind: 'training-job', id: d.TrainingJobName, state: d.TrainingJobStatus, ...base };
    }
    case 'aws.sagemaker|SageMaker Endpoint State Change': {
      const d = parseWith(EndpointDetail, env.detail, 'detail');
      return { kind: 'endpoint', id: d.EndpointName, state: d.EndpointStatus, ...base };
    }
    case 'aws.ec2|EC2 Instance State-change Notification': {
      const d = parseWith(Ec2Detail, env.detail, 'detail');
      return { kind: 'ec2-instance', id: d['instance-id'], state: d.state, ...base };
    }
    default:
      throw new MalformedEventError('detail-type', `unsupported source/detail-type "${env.source}" / "${env['detail-type']}"`);
  }
};
