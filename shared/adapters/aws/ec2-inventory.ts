/**
 * EC2 GPU instances active in a window, via DescribeInstances filtered server-side by instance-type wildcards
 * (`g5.*`, `p4d.*` …) built from the accelerated families the composition root passes in.
 */
import { DescribeInstancesCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import type { Window } from '../../domain/time';
import { resourceKey, type ResourceRef } from '../../domain/types';

export type AwsCall = <T>(fn: () => Promise<T>) => Promise<T>;

/** Epoch seconds of an SDK timestamp (Date, ISO string or epoch ms), undefined when absent or invalid. */
export const toSec = (d: Date | string | number | undefined): number | undefined => {
  if (d === undefined) return undefined;
  const ms = new Date(d).getTime();
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
};

/**
 * Time of the last stop/termination from StateTransitionReason, e.g. "User initiated (2024-05-01 10:20:30 GMT)".
 * EC2 exposes no structured stop time; the reason string is the only source (EC2 API reference, Instance).
 */
export const parseTransitionTimeSec = (reason: string | undefined): number | undefined => {
  const m = /\((\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) GMT\)/.exec(reason ?? '');
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}T${m[2]}Z`);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
};

/**
 * The AWS account of an ARN (`arn:<partition>:<service>:<region>:<account>:<resource>`, IAM user guide "ARN format"),
 * or undefined when it has none (12 digits) — for reconciling with AWS's per-account carbon export.
 */
export const accountOfArn = (arn: string | undefined): string | undefined => {
  const account = arn?.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
};

const ENDED_STATES = new Set(['stopping', 'stopped', 'shutting-down', 'terminated']);

export type Ec2Mapping = { ref: ResourceRef } | { reason: string; /** true when the data is bad (reported), false when merely inactive */ report: boolean };

/**
 * Map one DescribeInstances instance to a ResourceRef if it was running at some time in `window`; otherwise says why
 * not. `ownerId`: the reservation's `OwnerId` (the instance's account; EC2 API reference, Reservation).
 */
export const ec2InstanceToRef = (inst: Instance, region: string, window: Window, ownerId?: string): Ec2Mapping => {
  const id = inst.InstanceId;
  const type = inst.InstanceType;
  const launchSec = toSec(inst.LaunchTime);
  const state = inst.State?.Name ?? 'unknown';
  if (!id || !type || launchSec === undefined) return { reason: `instance ${id ?? '?'} lacks InstanceId/InstanceType/LaunchTime`, report: true };
  if (launchSec >= window.endSec) return { reason: `instance ${id} launched after the window`, report: false };
  let endSec: number | undefined;
  if (ENDED_STATES.has(state)) {
    endSec = parseTransitionTimeSec(inst.StateTransitionReason);
    if (endSec === undefined) return { reason: `instance ${id} is ${state} with no parseable stop time in StateTransitionReason`, report: true };
    if (endSec <= window.startSec) return { reason: `instance ${id} stopped before the window`, report: false };
  }
  const tags: Record<string, string> = {};
  for (const t of inst.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  const ref: ResourceRef = {
    kind: 'ec2-instance',
    id,
    region,
    instanceType: type,
    counts: [{ atSec: launchSec, instanceCount: 1 }],
    startSec: launchSec,
    ...(endSec !== undefined ? { endSec } : {}),
    status: state,
    tags,
    ...(ownerId && /^\d{12}$/.test(ownerId) ? { accountId: ownerId } : {}),
  };
  return { ref };
};

/**
 * List EC2 instances of the accelerated families that were running in `window` (all pages). Every instance seen, mapped
 * or not (stopped before the window, bad data), is added to `present`: it exists, so it is never ended as missing.
 */
export const listEc2GpuInstances = async (
  ec2: EC2Client,
  region: string,
  families: readonly string[],
  window: Window,
  call: AwsCall,
  onIssue: (msg: string) => void,
  present?: Set<string>,
): Promise<ResourceRef[]> => {
  if (families.length === 0) return [];
  const out: ResourceRef[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call(() =>
      ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: 'instance-type', Values: families.map((f) => `${f}.*`) },
            // Terminated instances stay visible for about an hour; the EventBridge state-change events cover the rest.
            { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'] },
          ],
          MaxResults: 1000,
          NextToken: nextToken,
        }),
      ),
    );
    for (const res of page.Reservations ?? []) {
      for (const inst of res.Instances ?? []) {
        if (inst.InstanceId) present?.add(resourceKey({ kind: 'ec2-instance', region, id: inst.InstanceId }));
        const r = ec2InstanceToRef(inst, region, window, res.OwnerId);
        if ('ref' in r) out.push(r.ref);
        else if (r.report) onIssue(`${region}: ${r.reason}`);
      }
    }
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return out;
};
