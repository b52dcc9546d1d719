/**
 * WorkloadInventory over SageMaker (training jobs, endpoints) and EC2 (GPU instances), per region.
 * Tags are returned raw: attribution is resolved by the domain (shared/domain/attribution.ts).
 * Every API call goes through our backoff and the shared request budget.
 */
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeTrainingJobCommand,
  ListEndpointsCommand,
  ListTagsCommand,
  ListTrainingJobsCommand,
  type SageMakerClient,
  type TrainingJobSummary,
} from '@aws-sdk/client-sagemaker';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Window } from '../../domain/time';
import { resourceKey, type ResourceKind, type ResourceRef } from '../../domain/types';
import type { RegionListing, WorkloadInventory } from '../../ports';
import { accountOfArn, listEc2GpuInstances, toSec, type AwsCall } from './ec2-inventory';
import { defaultBackoff, withBackoff, type BackoffOptions, type RequestBudget } from './retry';

export { parseStateChangeEvent, MalformedEventError, type StateChange } from './state-change-event';

export interface RegionClients {
  sagemaker: SageMakerClient;
  ec2: EC2Client;
}

export interface AwsWorkloadInventoryOptions {
  /** Build (or return cached) clients for a region; called once per region per instance. */
  clientsFor: (region: string) => RegionClients;
  /** Accelerated EC2 families to track, e.g. ['p4d', 'p5', 'g5', 'g6', 'inf2', 'trn1']. */
  acceleratedFamilies: readonly string[];
  budget?: RequestBudget;
  backoff?: Partial<BackoffOptions>;
  /** Data problems (a job that vanished between list and describe, an unparseable stop time …): reported, then skipped. */
  onIssue?: (msg: string) => void;
}

const NOT_FOUND = new Set(['ResourceNotFound', 'ResourceNotFoundException', 'ValidationException']);
const isNotFound = (err: unknown): boolean => NOT_FOUND.has((err as { name?: string })?.name ?? '');

export class AwsWorkloadInventory implements WorkloadInventory {
  private readonly call: AwsCall;
  private readonly clients = new Map<string, RegionClients>();
  private readonly onIssue: (msg: string) => void;

  constructor(private readonly opts: AwsWorkloadInventoryOptions) {
    const backoff: BackoffOptions = { ...defaultBackoff(opts.budget), ...opts.backoff, budget: opts.budget ?? opts.backoff?.budget };
    this.call = (fn) => withBackoff(fn, backoff);
    this.onIssue = opts.onIssue ?? (() => undefined);
  }

  private clientsFor(region: string): RegionClients {
    let c = this.clients.get(region);
    if (!c) {
      c = this.opts.clientsFor(region);
      this.clients.set(region, c);
    }
    return c;
  }

  async listActive(window: Window, regions: string[]): Promise<ResourceRef[]> {
    const out: ResourceRef[] = [];
    // Sequential on purpose: keeps the request budget and API pressure predictable. The first failure throws.
    for (const region of regions) await this.listRegion(region, window, { resources: out, present: new Set() });
    return out;
  }

  /**
   * Per-region listings for reconciliation. Endpoints (ListEndpoints lists every existing endpoint) and EC2 instances
   * (DescribeInstances lists every state; terminated ones stay visible about an hour, so a missing one is long gone)
   * are listed completely; training jobs are not (listed by window, and a job's record outlives it in SageMaker, so
   * its end comes from DescribeTrainingJob or its event, never from absence). A failed region reports the error.
   */
  async listRegions(window: Window, regions: string[]): Promise<RegionListing[]> {
    const out: RegionListing[] = [];
    for (const region of regions) {
      const sink = { resources: [] as ResourceRef[], present: new Set<string>() };
      const base = { region, listedAtSec: window.endSec };
      try {
        await this.listRegion(region, window, sink);
        const complete: ResourceKind[] = this.opts.acceleratedFamilies.length > 0 ? ['endpoint', 'ec2-instance'] : ['endpoint'];
        out.push({ ...base, resources: sink.resources, completeKinds: complete, presentKeys: [...sink.present] });
      } catch (err) {
        const e = err as { name?: string; message?: string };
        out.push({ ...base, resources: sink.resources, completeKinds: [], presentKeys: [...sink.present], error: `${region}: ${e.name ?? 'Error'}: ${e.message ?? String(err)}` });
      }
    }
    return out;
  }

  private async listRegion(region: string, window: Window, sink: { resources: ResourceRef[]; present: Set<string> }): Promise<void> {
    const { sagemaker, ec2 } = this.clientsFor(region);
    const add = (refs: ResourceRef[]) => {
      for (const r of refs) {
        sink.resources.push(r);
        sink.present.add(resourceKey(r));
      }
    };
    add(await this.trainingJobs(sagemaker, region, window));
    add(await this.endpoints(sagemaker, region, window, sink.present));
    add(await listEc2GpuInstances(ec2, region, this.opts.acceleratedFamilies, window, this.call, this.onIssue, sink.present));
  }

  private async tags(sm: SageMakerClient, arn: string | undefined): Promise<Record<string, string>> {
    const tags: Record<string, string> = {};
    if (!arn) return tags;
    let nextToken: string | undefined;
    do {
      const page = await this.call(() => sm.send(new ListTagsCommand({ ResourceArn: arn, NextToken: nextToken, MaxResults: 100 })));
      for (const t of page.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
      nextToken = page.NextToken || undefined;
    } while (nextToken);
    return tags;
  }

  private async listTrainingJobSummaries(sm: SageMakerClient, filter: { StatusEquals?: 'InProgress'; LastModifiedTimeAfter?: Date; CreationTimeBefore?: Date }): Promise<TrainingJobSummary[]> {
    const out: TrainingJobSummary[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call(() => sm.send(new ListTrainingJobsCommand({ ...filter, MaxResults: 100, NextToken: nextToken })));
      out.push(...(page.TrainingJobSummaries ?? []));
      nextToken = page.NextToken || undefined;
    } while (nextToken);
    return out;
  }

  /**
   * Training jobs that trained at some time in the window. Two listings cover every case: a job that changed state
   * at or after window start (LastModifiedTime ≥ start: it ended in or after the window, or started in it), and a
   * job still InProgress whose last state change predates the window (a long run). Both exclude jobs created after
   * the window. DescribeTrainingJob then gives the exact TrainingStartTime/TrainingEndTime.
   */
  private async trainingJobs(sm: SageMakerClient, region: string, window: Window): Promise<ResourceRef[]> {
    const createdBefore = new Date(window.endSec * 1000);
    const [changed, running] = [
      await this.listTrainingJobSummaries(sm, { LastModifiedTimeAfter: new Date(window.startSec * 1000), CreationTimeBefore: createdBefore }),
      await this.listTrainingJobSummaries(sm, { StatusEquals: 'InProgress', CreationTimeBefore: createdBefore }),
    ];
    const names = [...new Set([...changed, ...running].map((s) => s.TrainingJobName).filter((n): n is string => !!n))].sort();
    const out: ResourceRef[] = [];
    for (const name of names) {
      let d;
      try {
        d = await this.call(() => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name })));
      } catch (err) {
        if (isNotFound(err)) {
          this.onIssue(`${region}: training job ${name} listed but not describable (${(err as Error).name}); skipped`);
          continue;
        }
        throw err;
      }
      const startSec = toSec(d.TrainingStartTime);
      const endSec = toSec(d.TrainingEndTime);
      if (startSec === undefined) continue; // never reached the Training state: no instances to account for
      if (startSec >= window.endSec || (endSec !== undefined && endSec <= window.startSec)) continue;
      const rc = d.ResourceConfig;
      // Heterogeneous clusters (InstanceGroups) have no single type: take the first group, report the simplification.
      const group = rc?.InstanceGroups?.[0];
      const instanceType = rc?.InstanceType ?? group?.InstanceType;
      const instanceCount = rc?.InstanceType ? rc?.InstanceCount : group?.InstanceCount;
      if (!instanceType || !instanceCount) {
        this.onIssue(`${region}: training job ${name} has no ResourceConfig instance type/count; skipped`);
        continue;
      }
      if (!rc?.InstanceType && (rc?.InstanceGroups?.length ?? 0) > 1) {
        this.onIssue(`${region}: training job ${name} is a heterogeneous cluster; only instance group ${group?.InstanceGroupName ?? '0'} is tracked`);
      }
      out.push({
        kind: 'training-job',
        id: name,
        region,
        instanceType,
        counts: [{ atSec: startSec, instanceCount }],
        startSec,
        ...(endSec !== undefined ? { endSec } : {}),
        status: d.TrainingJobStatus ?? 'Unknown',
        tags: await this.tags(sm, d.TrainingJobArn),
        ...(accountOfArn(d.TrainingJobArn) ? { accountId: accountOfArn(d.TrainingJobArn) } : {}),
      });
    }
    return out;
  }

  /**
   * Endpoints existing now and created before the window end, one ResourceRef per production variant.
   * Limitation: DescribeEndpoint only gives the *current* instance count, so the history is a single CountChange at
   * the endpoint's creation; auto-scaling changes inside the window need Application Auto Scaling activity or the
   * endpoint state-change events to be reconstructed. Endpoints deleted before this sweep are known from their events,
   * or ended by the sweep for being absent (use-cases/inventory-sync.ts). A Deleting endpoint ends at its LastModifiedTime.
   */
  private async endpoints(sm: SageMakerClient, region: string, window: Window, present: Set<string>): Promise<ResourceRef[]> {
    const summaries: { name: string }[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call(() =>
        sm.send(new ListEndpointsCommand({ CreationTimeBefore: new Date(window.endSec * 1000), MaxResults: 100, NextToken: nextToken })),
      );
      for (const e of page.Endpoints ?? []) if (e.EndpointName) summaries.push({ name: e.EndpointName });
      nextToken = page.NextToken || undefined;
    } while (nextToken);

    const out: ResourceRef[] = [];
    for (const { name } of summaries) {
      let ep;
      let cfg;
      try {
        ep = await this.call(() => sm.send(new DescribeEndpointCommand({ EndpointName: name })));
        const configName = ep.EndpointConfigName;
        cfg = configName ? await this.call(() => sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName }))) : undefined;
      } catch (err) {
        if (isNotFound(err)) {
          this.onIssue(`${region}: endpoint ${name} listed but not describable (${(err as Error).name}); skipped`);
          continue;
        }
        throw err;
      }
      if (ep.EndpointStatus === 'Failed') continue; // no instances behind a failed endpoint: stored variants end as missing
      const variantKey = (variant: string) => resourceKey({ kind: 'endpoint', region, id: `${name}/${variant}` });
      const createdSec = toSec(ep.CreationTime);
      if (createdSec === undefined) {
        this.onIssue(`${region}: endpoint ${name} has no CreationTime; skipped`);
        for (const v of [...(ep.ProductionVariants ?? []), ...(ep.ShadowProductionVariants ?? [])]) if (v.VariantName) present.add(variantKey(v.VariantName)); // exists: never ended as missing
        continue;
      }
      // DeleteEndpoint releases the instances; the listing still shows the endpoint while it is Deleting.
      const deletingSinceSec = ep.EndpointStatus === 'Deleting' ? toSec(ep.LastModifiedTime) : undefined;
      const tags = await this.tags(sm, ep.EndpointArn);
      // Shadow variants (a shadow test's candidate) run instances too: tracked like production variants.
      const configByVariant = new Map([...(cfg?.ProductionVariants ?? []), ...(cfg?.ShadowProductionVariants ?? [])].map((v) => [v.VariantName, v]));
      for (const v of [...(ep.ProductionVariants ?? []), ...(ep.ShadowProductionVariants ?? [])]) {
        if (!v.VariantName) continue;
        const c = configByVariant.get(v.VariantName);
        const serverless = v.CurrentServerlessConfig !== undefined || (c?.ServerlessConfig !== undefined && !c?.InstanceType);
        const instanceType = c?.InstanceType ?? (serverless ? 'serverless' : undefined);
        if (!instanceType) {
          this.onIssue(`${region}: endpoint ${name} variant ${v.VariantName} has no instance type in its endpoint config; skipped`);
          present.add(variantKey(v.VariantName));
          continue;
        }
        out.push({
          kind: 'endpoint',
          id: `${name}/${v.VariantName}`,
          region,
          instanceType,
          counts: [{ atSec: createdSec, instanceCount: serverless ? 0 : v.CurrentInstanceCount ?? c?.InitialInstanceCount ?? 0 }],
          startSec: createdSec,
          ...(deletingSinceSec !== undefined ? { endSec: Math.max(createdSec, deletingSinceSec) } : {}),
          status: ep.EndpointStatus ?? 'Unknown',
          tags,
          ...(serverless ? { serverless: true } : {}),
          ...(accountOfArn(ep.EndpointArn) ? { accountId: accountOfArn(ep.EndpointArn) } : {}),
        });
      }
    }
    return out;
  }
}
