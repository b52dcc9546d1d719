/**
 * Parse the AWS service events the inventory subscribes to (see shared/pipeline.ts triggers):
 * - `aws.sagemaker` / "SageMaker Training Job State Change": detail.TrainingJobName, detail.TrainingJobStatus
 * - `aws.sagemaker` / "SageMaker Endpoint State Change": detail.EndpointName, detail.EndpointStatus
 * - `aws.ec2` / "EC2 Instance State-change Notification": detail["instance-id"], detail.state
 * (SageMaker developer guide "Automating SageMaker with EventBridge"; EC2 user guide "EC2 instance state change events").
 * The instant is the envelope `time`: ISO-8601 with a zone, or (as in the SageMaker guide's endpoint example,
 * `"time": "1583831889050"`) epoch milliseconds; 10-digit values are read as epoch seconds.
 * Endpoint events carry `EndpointStatus` in UPPER_SNAKE (`IN_SERVICE`, `DELETING`, `SYSTEM_UPDATING`) while
 * DescribeEndpoint says `InService`: normalised here to the API form so stored statuses agree whichever path saw them.
 * An endpoint event names the endpoint, not a variant: its `id` is the endpoint name, and the inventory use case
 * applies it to every stored `<endpoint>/<variant>` (shared/use-cases/inventory-sync.ts).
 */
import { z } from 'zod';
import type { StateChange } from '../../domain/inventory';
import { MalformedEventError as BaseMalformed } from '../../contracts/events';

/** A bad state-change event: terminal (redelivery will not fix it); `field` names the missing or invalid part. */
class MalformedEventError extends BaseMalformed {
  constructor(field: string, detail: string) {
    super(field, detail, 'malformed state-change event');
  }
}

export type { StateChange };

export { MalformedEventError };

const nonEmpty = z.string().trim().min(1);
/** Epoch seconds of an event time, or NaN. */
const eventTimeSec = (s: string): number => {
  const t = s.trim();
  if (/^\d{13}$/.test(t)) return Math.floor(Number(t) / 1000);
  if (/^\d{10}$/.test(t)) return Number(t);
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(t)) return NaN;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : NaN;
};
const isoInstant = nonEmpty.refine((s) => Number.isFinite(eventTimeSec(s)), 'not an ISO-8601 instant with a zone nor epoch milliseconds');

/** `IN_SERVICE` → `InService` (the DescribeEndpoint spelling); anything else is kept as is. */
export const normaliseEndpointStatus = (s: string): string =>
  /^[A-Z]+(_[A-Z]+)*$/.test(s) ? s.split('_').map((w) => w[0] + w.slice(1).toLowerCase()).join('') : s;

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
  const base = { region: env.region, atSec: eventTimeSec(env.time) };
  const key = `${env.source}|${env['detail-type']}`;
  switch (key) {
    case 'aws.sagemaker|SageMaker Training Job State Change': {
      const d = parseWith(TrainingDetail, env.detail, 'detail');
      return { kind: 'training-job', id: d.TrainingJobName, state: d.TrainingJobStatus, ...base };
    }
    case 'aws.sagemaker|SageMaker Endpoint State Change': {
      const d = parseWith(EndpointDetail, env.detail, 'detail');
      return { kind: 'endpoint', id: d.EndpointName, state: normaliseEndpointStatus(d.EndpointStatus), ...base };
    }
    case 'aws.ec2|EC2 Instance State-change Notification': {
      const d = parseWith(Ec2Detail, env.detail, 'detail');
      return { kind: 'ec2-instance', id: d['instance-id'], state: d.state, ...base };
    }
    default:
      throw new MalformedEventError('detail-type', `unsupported source/detail-type "${env.source}" / "${env['detail-type']}"`);
  }
};
