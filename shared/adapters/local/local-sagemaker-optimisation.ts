/**
 * DEMO stand-in for the SageMaker side of the optimisation pipeline (`npm start`, tests): optimization and Neo
 * compilation jobs, models, endpoint configs, shadow inference experiments, blue/green endpoint updates and the Model
 * Registry — and the telemetry hooks that let the demo fleet generate the candidate variant's footprint from
 * published per-configuration measurements (demo-optimisation-profiles.ts).
 *
 * Durable: every resource is an item in the local store (single partition `LOCALSM`, sort key
 * `<region>#<KIND>#<name>`), written with the same conditions SageMaker applies to names (a taken name answers
 * 'exists'), so a restarted `npm start` — or a resumed step — finds what was created before. Status is a pure
 * function of the stored creation/stop times and the clock (no background work): a job COMPLETEs 50 minutes after
 * creation, a shadow variant serves 10 minutes after its experiment was created, a blue/green update bakes 30 minutes.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, isConditionFailure, queryAll } from '../aws/dynamodb-helpers';
import type { Clock } from '../../ports';
import type {
  CompilationJobSpec,
  EndpointDescription,
  InferenceExperimentStatus,
  OptimisationGateway,
  OptimisationJobSpec,
  OptimisePollScheduler,
  SageMakerJobStatus,
  VariantMetricsSource,
  VariantRequestMetrics,
  VariantSpec,
} from '../../ports/optimisation-ports';
import type { EpochSec, Window } from '../../domain/time';
import type { LocalSegmentScheduler } from './local-segment-scheduler';
import { resourceKey, type ResourceRef } from '../../domain/types';
import type { DemoServing } from './demo-fleet';
import { DEMO_SERVING_PROFILES, demoOptimisedProfile, type DemoServingEndpoint } from './demo-optimisation-profiles';

const MIN = 60;
/** DEMO durations (not SageMaker's: real optimisation jobs take tens of minutes to hours). */
export const LOCAL_SM_TIMINGS = { jobStartingSec: 5 * MIN, jobDoneSec: 50 * MIN, neoDoneSec: 30 * MIN, experimentRunningSec: 10 * MIN, stopSec: 10 * MIN, deploySec: 30 * MIN } as const;
/** The LMI deep-learning container (AWS DLC account 763104351884) the stand-in "recommends" (DEMO). */
const demoLmiImage = (region: string) => `763104351884.dkr.ecr.${region}.amazonaws.com/djl-inference:0.31.0-lmi13.0.0-cu124`;

interface EndpointItem {
  name: string;
  region: string;
  createdAtSec: EpochSec;
  variantName: string;
  tags: Record<string, string>;
  peakRps: number;
  demo: boolean;
  /** Config history: each entry serves from `effectiveAtSec` (a rolled-back one never does). */
  deployments: { configName: string; requestedAtSec: EpochSec; effectiveAtSec: EpochSec; rolledBack?: boolean; alarms?: string[] }[];
}
interface ConfigItem {
  name: string;
  variants: VariantSpec[];
}
interface ModelItem {
  name: string;
  profile?: string;
  image: string;
  modelDataUrl: string;
  env: Record<string, string>;
}
interface JobItem {
  name: string;
  kind: 'optimization' | 'compilation';
  createdAtSec: EpochSec;
  outputS3Uri: string;
  sourceModelName?: string;
  outputProfile?: string;
  stoppedAtSec?: EpochSec;
  targetDevice?: string;
}
interface ExperimentItem {
  name: string;
  endpointName: string;
  createdAtSec: EpochSec;
  production: VariantSpec;
  shadow: VariantSpec;
  samplingPct: number;
  stoppedAtSec?: EpochSec;
  finalState?: 'Completed' | 'Cancelled';
}

type Kind = 'ENDPOINT' | 'EPCFG' | 'MODEL' | 'OPTJOB' | 'NEOJOB' | 'EXPERIMENT' | 'MPG' | 'MPKG';

/** A SageMaker-style client error (the AWS adapter's callers see the same names). */
export class LocalSageMakerError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface LocalSmCall {
  op: string;
  region: string;
  name: string;
  result: 'created' | 'exists' | 'ok' | 'not-found';
  atSec: EpochSec;
}

export class LocalSageMakerOptimisation implements OptimisationGateway, VariantMetricsSource {
  private readonly doc: DynamoDBDocumentClient;
  /** Every call, in order (tests count what was really created). */
  readonly calls: LocalSmCall[] = [];
  /** Endpoints whose next blue/green update is rolled back by its alarms (tests of the rollback path). */
  readonly rollBackNextUpdate = new Set<string>();

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {
    this.doc = documentClient(client);
  }

  // ---- storage ----------------------------------------------------------------------------------------------------
  private sk = (region: string, kind: Kind, name: string) => `${region}#${kind}#${name}`;

  private async getItem<T>(region: string, kind: Kind, name: string): Promise<{ data: T; version: number } | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'LOCALSM', sk: this.sk(region, kind, name) }, ConsistentRead: true }));
    return out.Item ? { data: out.Item.data as T, version: out.Item.version as number } : undefined;
  }

  private async putIfAbsent(region: string, kind: Kind, name: string, data: unknown): Promise<'created' | 'exists'> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: 'LOCALSM', sk: this.sk(region, kind, name), type: 'local-sagemaker', version: 1, data }, ConditionExpression: 'attribute_not_exists(pk)' }));
      return 'created';
    } catch (e) {
      if (isConditionFailure(e)) return 'exists';
      throw e;
    }
  }

  /** Read-modify-write with a version condition (retried on a lost race). */
  private async modify<T>(region: string, kind: Kind, name: string, f: (d: T) => T | undefined): Promise<T | undefined> {
    for (let i = 0; i < 5; i++) {
      const cur = await this.getItem<T>(region, kind, name);
      if (!cur) return undefined;
      const next = f(cur.data);
      if (next === undefined) return cur.data;
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: 'LOCALSM', sk: this.sk(region, kind, name), type: 'local-sagemaker', version: cur.version + 1, data: next },
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': cur.version },
          }),
        );
        return next;
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
      }
    }
    throw new Error(`local SageMaker: ${kind} ${name}: too many concurrent updates`);
  }

  private async all(): Promise<{ region: string; kind: Kind; data: unknown }[]> {
    const items = await queryAll(this.doc, { TableName: this.tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'LOCALSM' } });
    return items.map((i) => {
      const [region, kind] = String(i.sk).split('#');
      return { region, kind: kind as Kind, data: i.data };
    });
  }

  private note(op: string, region: string, name: string, result: LocalSmCall['result']) {
    this.calls.push({ op, region, name, result, atSec: this.clock.nowSec() });
  }

  // ---- DEMO endpoints ---------------------------------------------------------------------------------------------
  /** Register a DEMO serving endpoint with its model and first endpoint config (idempotent). */
  async registerDemoEndpoint(e: DemoServingEndpoint, createdAtSec: EpochSec): Promise<void> {
    const config = `${e.endpointName}-config`;
    await this.putIfAbsent(e.region, 'MODEL', e.modelName, { name: e.modelName, profile: e.profile, image: demoLmiImage(e.region), modelDataUrl: `s3://demo-carbonpilot-${e.region}/models/${e.modelName}/`, env: {} } satisfies ModelItem);
    await this.putIfAbsent(e.region, 'EPCFG', config, { name: config, variants: [{ variantName: e.variantName, modelName: e.modelName, instanceType: e.instanceType, instanceCount: e.instanceCount }] } satisfies ConfigItem);
    await this.putIfAbsent(e.region, 'ENDPOINT', e.endpointName, {
      name: e.endpointName, region: e.region, createdAtSec, variantName: e.variantName, tags: e.tags, peakRps: e.peakRps, demo: true,
      deployments: [{ configName: config, requestedAtSec: createdAtSec, effectiveAtSec: createdAtSec }],
    } satisfies EndpointItem);
  }

  // ---- status as a function of time -----------------------------------------------------------------------------
  private jobStatus(j: JobItem, now: EpochSec): SageMakerJobStatus {
    const done = j.createdAtSec + (j.kind === 'compilation' ? LOCAL_SM_TIMINGS.neoDoneSec : LOCAL_SM_TIMINGS.jobDoneSec);
    if (j.stoppedAtSec !== undefined && j.stoppedAtSec < done) return now < j.stoppedAtSec + MIN ? 'STOPPING' : 'STOPPED';
    if (now >= done) return 'COMPLETED';
    return now < j.createdAtSec + LOCAL_SM_TIMINGS.jobStartingSec ? 'STARTING' : 'INPROGRESS';
  }

  private experimentStatus(x: ExperimentItem, now: EpochSec): InferenceExperimentStatus {
    if (x.stoppedAtSec !== undefined) return now < x.stoppedAtSec + LOCAL_SM_TIMINGS.stopSec ? 'Stopping' : x.finalState!;
    if (now < x.createdAtSec + 2 * MIN) return 'Creating';
    return now < x.createdAtSec + LOCAL_SM_TIMINGS.experimentRunningSec ? 'Starting' : 'Running';
  }

  /** The config serving at `t` (the last deployment that took effect). */
  private configAt(e: EndpointItem, t: EpochSec): string {
    let c = e.deployments[0].configName;
    for (const d of e.deployments) if (!d.rolledBack && d.effectiveAtSec <= t) c = d.configName;
    return c;
  }

  private async experimentsOf(region: string, endpointName: string): Promise<ExperimentItem[]> {
    return (await this.all()).filter((i) => i.region === region && i.kind === 'EXPERIMENT').map((i) => i.data as ExperimentItem).filter((x) => x.endpointName === endpointName);
  }

  // ---- OptimisationGateway ----------------------------------------------------------------------------------------
  async describeEndpoint(region: string, endpointName: string): Promise<EndpointDescription | undefined> {
    const now = this.clock.nowSec();
    const e = (await this.getItem<EndpointItem>(region, 'ENDPOINT', endpointName))?.data;
    if (!e) return undefined;
    const configName = this.configAt(e, now);
    const cfg = (await this.getItem<ConfigItem>(region, 'EPCFG', configName))!.data;
    const experiments = await this.experimentsOf(region, endpointName);
    const deploying = e.deployments.find((d) => d.requestedAtSec <= now && now < d.requestedAtSec + LOCAL_SM_TIMINGS.deploySec);
    const expChanging = experiments.some((x) => (now >= x.createdAtSec && now < x.createdAtSec + LOCAL_SM_TIMINGS.experimentRunningSec) || (x.stoppedAtSec !== undefined && now >= x.stoppedAtSec && now < x.stoppedAtSec + LOCAL_SM_TIMINGS.stopSec));
    const last = e.deployments[e.deployments.length - 1];
    return {
      endpointName,
      status: deploying || expChanging ? 'Updating' : 'InService',
      endpointConfigName: configName,
      productionVariants: cfg.variants.map((v) => ({ variantName: v.variantName, modelName: v.modelName, instanceType: v.instanceType, instanceCount: v.instanceCount })),
      shadowVariants: experiments.filter((x) => x.stoppedAtSec === undefined || now < x.stoppedAtSec + LOCAL_SM_TIMINGS.stopSec).map((x) => x.shadow.variantName),
      ...(last.rolledBack && now >= last.requestedAtSec + LOCAL_SM_TIMINGS.deploySec ? { failureReason: `blue/green update to ${last.configName} rolled back: alarm ${last.alarms?.[0] ?? '(none)'} in ALARM (local demo)` } : {}),
    };
  }

  async createOptimizationJob(region: string, name: string, spec: OptimisationJobSpec): Promise<'created' | 'exists'> {
    const source = (await this.getItem<ModelItem>(region, 'MODEL', spec.sourceModelName))?.data;
    if (!source) throw new LocalSageMakerError('ValidationException', `Could not find model "${spec.sourceModelName}".`);
    const env = Object.assign({}, ...spec.optimizationConfigs.map((c) => Object.values(c)[0] as { OverrideEnvironment?: Record<string, string> }).map((c) => c.OverrideEnvironment ?? {})) as Record<string, string>;
    const outputProfile = source.profile ? (demoOptimisedProfile(source.profile, env) ?? source.profile) : undefined;
    const r = await this.putIfAbsent(region, 'OPTJOB', name, { name, kind: 'optimization', createdAtSec: this.clock.nowSec(), outputS3Uri: spec.outputS3Uri, sourceModelName: spec.sourceModelName, ...(outputProfile ? { outputProfile } : {}) } satisfies JobItem);
    this.note('CreateOptimizationJob', region, name, r);
    return r;
  }

  async describeOptimizationJob(region: string, name: string) {
    const j = (await this.getItem<JobItem>(region, 'OPTJOB', name))?.data;
    if (!j) return undefined;
    const status = this.jobStatus(j, this.clock.nowSec());
    return { status, ...(status === 'COMPLETED' ? { recommendedImage: demoLmiImage(region), outputS3Uri: j.outputS3Uri } : {}) };
  }

  async stopOptimizationJob(region: string, name: string): Promise<void> {
    const now = this.clock.nowSec();
    const r = await this.modify<JobItem>(region, 'OPTJOB', name, (j) => (j.stoppedAtSec !== undefined || this.jobStatus(j, now) === 'COMPLETED' ? undefined : { ...j, stoppedAtSec: now }));
    this.note('StopOptimizationJob', region, name, r ? 'ok' : 'not-found');
  }

  async createCompilationJob(region: string, name: string, spec: CompilationJobSpec): Promise<'created' | 'exists'> {
    const r = await this.putIfAbsent(region, 'NEOJOB', name, { name, kind: 'compilation', createdAtSec: this.clock.nowSec(), outputS3Uri: `${spec.outputS3Uri}model-${spec.targetDevice}.tar.gz`, targetDevice: spec.targetDevice } satisfies JobItem);
    this.note('CreateCompilationJob', region, name, r);
    return r;
  }

  async describeCompilationJob(region: string, name: string) {
    const j = (await this.getItem<JobItem>(region, 'NEOJOB', name))?.data;
    if (!j) return undefined;
    const status = this.jobStatus(j, this.clock.nowSec());
    return { status, ...(status === 'COMPLETED' ? { image: `301217895009.dkr.ecr.${region}.amazonaws.com/sagemaker-inference-pytorch:1.8-gpu-py3`, modelArtifactsS3Uri: j.outputS3Uri } : {}) };
  }

  async stopCompilationJob(region: string, name: string): Promise<void> {
    const now = this.clock.nowSec();
    const r = await this.modify<JobItem>(region, 'NEOJOB', name, (j) => (j.stoppedAtSec !== undefined || this.jobStatus(j, now) === 'COMPLETED' ? undefined : { ...j, stoppedAtSec: now }));
    this.note('StopCompilationJob', region, name, r ? 'ok' : 'not-found');
  }

  async createModel(region: string, name: string, spec: { image: string; modelDataUrl: string; env: Record<string, string> }): Promise<'created' | 'exists'> {
    // The candidate's DEMO profile is the one its optimisation job produced.
    const jobs = (await this.all()).filter((i) => i.region === region && (i.kind === 'OPTJOB' || i.kind === 'NEOJOB')).map((i) => i.data as JobItem);
    const job = jobs.find((j) => j.outputS3Uri === spec.modelDataUrl);
    const r = await this.putIfAbsent(region, 'MODEL', name, { name, image: spec.image, modelDataUrl: spec.modelDataUrl, env: spec.env, ...(job?.outputProfile ? { profile: job.outputProfile } : {}) } satisfies ModelItem);
    this.note('CreateModel', region, name, r);
    return r;
  }

  async createInferenceExperiment(region: string, name: string, spec: { endpointName: string; production: VariantSpec; shadow: VariantSpec; samplingPct: number }): Promise<'created' | 'exists'> {
    const existing = await this.getItem<ExperimentItem>(region, 'EXPERIMENT', name);
    if (!existing) {
      const ep = await this.describeEndpoint(region, spec.endpointName);
      if (!ep) throw new LocalSageMakerError('ResourceNotFound', `Could not find endpoint "${spec.endpointName}".`);
      if (!(await this.getItem<ModelItem>(region, 'MODEL', spec.shadow.modelName))) throw new LocalSageMakerError('ValidationException', `Could not find model "${spec.shadow.modelName}".`);
    }
    const r = await this.putIfAbsent(region, 'EXPERIMENT', name, { name, endpointName: spec.endpointName, createdAtSec: this.clock.nowSec(), production: spec.production, shadow: spec.shadow, samplingPct: spec.samplingPct } satisfies ExperimentItem);
    this.note('CreateInferenceExperiment', region, name, r);
    return r;
  }

  async describeInferenceExperiment(region: string, name: string) {
    const x = (await this.getItem<ExperimentItem>(region, 'EXPERIMENT', name))?.data;
    return x ? { status: this.experimentStatus(x, this.clock.nowSec()) } : undefined;
  }

  async stopInferenceExperiment(region: string, name: string, o: { desiredState: 'Completed' | 'Cancelled' }): Promise<void> {
    const now = this.clock.nowSec();
    const r = await this.modify<ExperimentItem>(region, 'EXPERIMENT', name, (x) => (x.stoppedAtSec !== undefined ? undefined : { ...x, stoppedAtSec: now, finalState: o.desiredState }));
    this.note('StopInferenceExperiment', region, name, r ? 'ok' : 'not-found');
  }

  async createEndpointConfig(region: string, name: string, spec: { variants: VariantSpec[] }): Promise<'created' | 'exists'> {
    const r = await this.putIfAbsent(region, 'EPCFG', name, { name, variants: spec.variants } satisfies ConfigItem);
    this.note('CreateEndpointConfig', region, name, r);
    return r;
  }

  async updateEndpoint(region: string, endpointName: string, endpointConfigName: string, o: { alarms: string[] }): Promise<void> {
    const now = this.clock.nowSec();
    const ep = await this.describeEndpoint(region, endpointName);
    if (!ep) throw new LocalSageMakerError('ValidationException', `Could not find endpoint "${endpointName}".`);
    if (ep.status !== 'InService') throw new LocalSageMakerError('ValidationException', `Cannot update in-progress endpoint "${endpointName}".`);
    if (!(await this.getItem<ConfigItem>(region, 'EPCFG', endpointConfigName))) throw new LocalSageMakerError('ValidationException', `Could not find endpoint configuration "${endpointConfigName}".`);
    const rollBack = this.rollBackNextUpdate.delete(endpointName);
    await this.modify<EndpointItem>(region, 'ENDPOINT', endpointName, (e) => ({
      ...e,
      deployments: [...e.deployments, { configName: endpointConfigName, requestedAtSec: now, effectiveAtSec: now + LOCAL_SM_TIMINGS.deploySec, alarms: o.alarms, ...(rollBack ? { rolledBack: true } : {}) }],
    }));
    this.note('UpdateEndpoint', region, endpointName, 'ok');
  }

  async createModelPackageGroup(region: string, name: string): Promise<'created' | 'exists'> {
    const r = await this.putIfAbsent(region, 'MPG', name, { name });
    this.note('CreateModelPackageGroup', region, name, r);
    return r;
  }

  async createModelPackage(region: string, spec: { group: string; clientToken: string; metadata: Record<string, string> }): Promise<{ modelPackageArn?: string }> {
    const arn = `arn:aws:sagemaker:${region}:000000000000:model-package/${spec.group}/1`;
    const r = await this.putIfAbsent(region, 'MPKG', spec.clientToken, { arn, group: spec.group, metadata: spec.metadata });
    this.note('CreateModelPackage', region, spec.clientToken, r);
    return { modelPackageArn: r === 'created' ? arn : ((await this.getItem<{ arn: string }>(region, 'MPKG', spec.clientToken))!.data.arn) };
  }

  /** Registered model packages (tests and the demo's summary). */
  async modelPackages(): Promise<{ region: string; arn: string; group: string; metadata: Record<string, string> }[]> {
    return (await this.all()).filter((i) => i.kind === 'MPKG').map((i) => ({ region: i.region, ...(i.data as { arn: string; group: string; metadata: Record<string, string> }) }));
  }

  // ---- VariantMetricsSource (DEMO ModelLatency and errors) --------------------------------------------------------
  /**
   * DEMO request metrics: ModelLatency ≈ inter-token latency × output tokens of the profile served (median → p50,
   * p95 → p95; time to first token left out), no 4XX/5XX errors. Not measurements.
   */
  async read(region: string, endpointName: string, variants: string[], w: Window): Promise<Map<string, VariantRequestMetrics>> {
    const timelines = await this.servingOf(variants.map((v) => resourceKey({ kind: 'endpoint', region, id: `${endpointName}/${v}` })));
    const out = new Map<string, VariantRequestMetrics>();
    for (const v of variants) {
      const tl = timelines.get(resourceKey({ kind: 'endpoint', region, id: `${endpointName}/${v}` }));
      const serving = tl ? [...tl].reverse().find((s) => s.fromSec <= w.startSec) ?? tl[0] : undefined;
      const profile = serving ? Object.values(DEMO_SERVING_PROFILES).find((p) => p.benchPowerW === serving.profile.benchPowerW && p.energyPerRequestJ === serving.profile.energyPerRequestJ) : undefined;
      out.set(v, { hourlyErrors: new Map(), ...(profile ? { p50Ms: profile.medianItlMs * profile.avgOutputTokens, p95Ms: profile.p95ItlMs * profile.avgOutputTokens } : {}) });
    }
    return out;
  }

  // ---- telemetry hooks of the demo fleet ------------------------------------------------------------------------
  /** The DEMO endpoints' variants and the shadow variants, as the SageMaker inventory would list them at `now`. */
  async resources(now: EpochSec): Promise<ResourceRef[]> {
    const items = await this.all();
    const configs = new Map(items.filter((i) => i.kind === 'EPCFG').map((i) => [`${i.region}#${(i.data as ConfigItem).name}`, i.data as ConfigItem]));
    const out: ResourceRef[] = [];
    for (const i of items) {
      if (i.kind === 'ENDPOINT') {
        const e = i.data as EndpointItem;
        if (e.createdAtSec > now) continue;
        const variantOf = (configName: string) => configs.get(`${e.region}#${configName}`)?.variants.find((v) => v.variantName === e.variantName);
        const first = variantOf(e.deployments[0].configName)!;
        const counts = e.deployments.filter((d) => !d.rolledBack && d.effectiveAtSec <= now).map((d) => ({ atSec: d.effectiveAtSec, instanceCount: variantOf(d.configName)?.instanceCount ?? first.instanceCount }));
        out.push({ kind: 'endpoint', id: `${e.name}/${e.variantName}`, region: e.region, instanceType: first.instanceType, counts, startSec: e.createdAtSec, status: 'InService', tags: e.tags, demo: true });
      }
      if (i.kind === 'EXPERIMENT') {
        const x = i.data as ExperimentItem;
        const startSec = x.createdAtSec + LOCAL_SM_TIMINGS.experimentRunningSec;
        if (startSec > now) continue;
        const ep = items.find((j) => j.kind === 'ENDPOINT' && j.region === i.region && (j.data as EndpointItem).name === x.endpointName)?.data as EndpointItem | undefined;
        const endSec = x.stoppedAtSec !== undefined && x.stoppedAtSec <= now ? Math.max(startSec, x.stoppedAtSec) : undefined;
        out.push({
          kind: 'endpoint', id: `${x.endpointName}/${x.shadow.variantName}`, region: i.region, instanceType: x.shadow.instanceType,
          counts: [{ atSec: startSec, instanceCount: x.shadow.instanceCount }], startSec, ...(endSec !== undefined ? { endSec } : {}),
          status: endSec !== undefined ? 'Deleted' : 'InService', tags: { ...(ep?.tags ?? {}), 'carbonpilot:shadow-of': x.production.variantName }, demo: true,
        });
      }
    }
    return out;
  }

  /** What each DEMO variant serves over time (for DemoMetricsSource); other resources are absent from the map. */
  async servingOf(keys: string[]): Promise<Map<string, DemoServing[]>> {
    const want = new Set(keys);
    const out = new Map<string, DemoServing[]>();
    if (!keys.some((k) => k.startsWith('endpoint#'))) return out;
    const items = await this.all();
    const get = <T>(region: string, kind: Kind, name: string) => items.find((i) => i.region === region && i.kind === kind && (i.data as { name: string }).name === name)?.data as T | undefined;
    const profileOf = (region: string, modelName: string) => {
      const id = get<ModelItem>(region, 'MODEL', modelName)?.profile;
      return id ? DEMO_SERVING_PROFILES[id] : undefined;
    };
    for (const i of items) {
      if (i.kind === 'ENDPOINT') {
        const e = i.data as EndpointItem;
        const key = resourceKey({ kind: 'endpoint', region: e.region, id: `${e.name}/${e.variantName}` });
        if (!want.has(key)) continue;
        const tl: DemoServing[] = [];
        for (const d of e.deployments.filter((x) => !x.rolledBack)) {
          const v = get<ConfigItem>(e.region, 'EPCFG', d.configName)?.variants.find((x) => x.variantName === e.variantName);
          const p = v && profileOf(e.region, v.modelName);
          if (v && p) tl.push({ fromSec: d.effectiveAtSec, profile: p, instanceCount: v.instanceCount, peakRps: e.peakRps, share: 1, trafficSeed: e.name });
        }
        if (tl.length) out.set(key, tl);
      }
      if (i.kind === 'EXPERIMENT') {
        const x = i.data as ExperimentItem;
        const key = resourceKey({ kind: 'endpoint', region: i.region, id: `${x.endpointName}/${x.shadow.variantName}` });
        if (!want.has(key)) continue;
        const e = get<EndpointItem>(i.region, 'ENDPOINT', x.endpointName);
        const p = profileOf(i.region, x.shadow.modelName) ?? profileOf(i.region, x.production.modelName);
        if (e && p) out.set(key, [{ fromSec: x.createdAtSec, profile: p, instanceCount: x.shadow.instanceCount, peakRps: e.peakRps, share: x.samplingPct / 100, trafficSeed: e.name }]);
      }
    }
    return out;
  }
}

/** The optimise function's poll schedules on the local runtime's one-time schedules (fired on its clock). */
export const localPollScheduler = (schedules: LocalSegmentScheduler, target = 'optimise'): OptimisePollScheduler => ({
  schedule: (name, atSec, payload) => schedules.createOneTimeFor(target, name, atSec, payload),
});
