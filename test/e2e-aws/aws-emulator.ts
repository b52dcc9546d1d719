/**
 * Loopback stand-ins for the AWS APIs CarbonPilot calls, on one HTTP server that every SDK client reaches through
 * AWS_ENDPOINT_URL. Each request is routed by the service and region of its SigV4 credential scope
 * (`Credential=<key>/<date>/<region>/<service>/aws4_request`) and answered in that service's wire protocol, so the
 * SDK's own serialisation, signing and parsing run:
 *  - CloudWatch GetMetricData — AWS JSON 1.0 (X-Amz-Target GraniteServiceVersion20100801.*; awsQueryCompatible errors);
 *  - SageMaker List/Describe training jobs and endpoints, ListTags, Create/StopTrainingJob, and the lifecycle's
 *    ListInferenceExperiments / ListInferenceComponents / ListModelPackageGroups — AWS JSON 1.1;
 *  - EC2 DescribeInstances — EC2 query protocol, XML response;
 *  - EventBridge PutEvents — AWS JSON 1.1; EventBridge Scheduler Create/Delete/GetSchedule — REST-JSON;
 *  - S3 GetBucketLocation and PutObject — REST-XML (path-style, as the SDK uses for an IP endpoint);
 *  - Secrets Manager GetSecretValue — AWS JSON 1.1;
 *  - DynamoDB — forwarded to dynalite (a real implementation of the DynamoDB API).
 * Response shapes follow the AWS API references of each operation. Every call is recorded with its region.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACCOUNT } from './assembly';
import { H, MIN, type MetricQuery, type World } from './world';

export interface CallRecord {
  service: string;
  op: string;
  region: string;
  /** The call was signed for a region where the resource it is about does not live (or a home-only API). */
  wrongRegion: boolean;
  status: number;
  note?: string;
}

export interface EmulatorHooks {
  nowSec(): number;
  homeRegion: string;
  /** PutEvents on a bus: the event router (buses are per region). */
  putEvent(region: string, bus: string, e: { source: string; detailType: string; detail: string; resources: string[] }): boolean;
  /** Scheduler: the schedule store. */
  scheduler: { create(name: string, group: string, body: any): 'created' | 'conflict'; delete(name: string, group: string): boolean; get(name: string, group: string): any | undefined };
  /** The scheduler role the template passes; schedules with another role are refused (IAM would). */
  schedulerRoleArn: string;
  /** Where the DynamoDB API (dynalite) listens. */
  dynamoEndpoint: string;
  /** Inject faults: a fraction of GetMetricData calls answered with Throttling (tests our backoff). */
  throttleEvery?: number;
}

const iso = (sec: number) => new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, '.000Z');

const scopeOf = (auth: string | undefined): { region: string; service: string } | undefined => {
  const m = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth ?? '');
  return m ? { region: m[1], service: m[2] } : undefined;
};

export class AwsEmulator {
  readonly calls: CallRecord[] = [];
  private server?: http.Server;
  private gmdCount = 0;
  endpoint = '';

  constructor(
    private readonly world: World,
    private readonly hooks: EmulatorHooks,
  ) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        this.route(req, body, res).catch((e: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(e instanceof Error ? e.stack : e));
        });
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private record(service: string, op: string, region: string, wrongRegion: boolean, status: number, note?: string) {
    this.calls.push({ service, op, region, wrongRegion, status, ...(note ? { note } : {}) });
  }

  private async route(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<unknown> {
    const scope = scopeOf(req.headers.authorization);
    if (!scope) {
      res.writeHead(403);
      res.end('unsigned request');
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    if (scope.service === 'dynamodb') return this.dynamo(req, body, res, scope.region, target);
    if (scope.service === 'monitoring') return this.cloudwatch(JSON.parse(body.toString() || '{}'), res, scope.region, target);
    if (scope.service === 'sagemaker') return this.sagemaker(JSON.parse(body.toString() || '{}'), res, scope.region, target.replace(/^SageMaker\./, ''));
    if (scope.service === 'ec2') return this.ec2(new URLSearchParams(body.toString()), res, scope.region);
    if (scope.service === 'events') return this.events(JSON.parse(body.toString() || '{}'), res, scope.region, target.replace(/^AWSEvents\./, ''));
    if (scope.service === 'scheduler') return this.schedulerApi(req, body, res, scope.region);
    if (scope.service === 's3') return this.s3(req, body, res, scope.region);
    if (scope.service === 'secretsmanager') {
      this.record('secretsmanager', target.replace(/^secretsmanager\./, ''), scope.region, scope.region !== this.hooks.homeRegion, 400);
      return this.jsonError(res, '1.1', 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    }
    this.record(scope.service, target || `${req.method} ${req.url}`, scope.region, false, 400, 'unsupported');
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: `emulator: unsupported service ${scope.service}` }));
  }

  private json(res: http.ServerResponse, version: '1.0' | '1.1', body: unknown) {
    res.writeHead(200, { 'content-type': `application/x-amz-json-${version}`, 'x-amzn-requestid': `e2e-${this.calls.length}` });
    res.end(JSON.stringify(body));
  }

  private jsonError(res: http.ServerResponse, version: '1.0' | '1.1', type: string, message: string, status = 400, queryCode?: string) {
    res.writeHead(status, {
      'content-type': `application/x-amz-json-${version}`,
      'x-amzn-errortype': type,
      ...(queryCode ? { 'x-amzn-query-error': `${queryCode};Sender` } : {}),
    });
    res.end(JSON.stringify({ __type: type, message }));
  }

  // ---- DynamoDB: dynalite ----------------------------------------------------------------------
  private async dynamo(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse, region: string, target: string) {
    this.record('dynamodb', target.replace(/^DynamoDB_20120810\./, ''), region, region !== this.hooks.homeRegion, 200);
    const url = new URL(this.hooks.dynamoEndpoint);
    await new Promise<void>((resolve) => {
      const fwd = http.request({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 500, r.headers);
        r.pipe(res);
        r.on('end', () => resolve());
      });
      fwd.on('error', (e) => {
        res.writeHead(500);
        res.end(String(e));
        resolve();
      });
      fwd.end(body);
    });
  }

  // ---- CloudWatch GetMetricData ----------------------------------------------------------------
  private cloudwatch(b: any, res: http.ServerResponse, region: string, target: string) {
    const op = target.replace(/^GraniteServiceVersion20100801\./, '');
    if (op !== 'GetMetricData') {
      this.record('monitoring', op, region, false, 400, 'unsupported');
      return this.jsonError(res, '1.0', 'InvalidAction', `emulator: ${op} unsupported`, 400, 'InvalidAction');
    }
    this.gmdCount++;
    if (this.hooks.throttleEvery && this.gmdCount % this.hooks.throttleEvery === 0) {
      this.record('monitoring', op, region, false, 400, 'Throttling (injected)');
      return this.jsonError(res, '1.0', 'com.amazonaws.cloudwatch#Throttling', 'Rate exceeded', 400, 'Throttling');
    }
    const queries = (b.MetricDataQueries ?? []) as any[];
    if (queries.length > 500) {
      this.record('monitoring', op, region, false, 400, 'too many queries');
      return this.jsonError(res, '1.0', 'InvalidParameterValue', 'The collection MetricDataQueries must not have a size greater than 500.', 400, 'InvalidParameterValue');
    }
    const startSec = Number(b.StartTime);
    const endSec = Number(b.EndTime);
    let wrong = false;
    let points = 0;
    const results = queries.map((q) => {
      const parsed = parseQuery(q);
      if (!parsed) return { Id: q.Id, Label: q.Id, Timestamps: [], Values: [], StatusCode: 'Complete', Messages: [{ Code: 'Emulator', Value: 'query not understood' }] };
      const v = this.world.metricValues(parsed, region, startSec, endSec, this.hooks.nowSec() - 2 * MIN);
      wrong ||= v.wrongRegion;
      points += v.ts.length;
      return { Id: q.Id, Label: q.Id, Timestamps: v.ts, Values: v.values, StatusCode: 'Complete' };
    });
    if (points > 100_800) {
      this.record('monitoring', op, region, wrong, 400, 'too many datapoints');
      return this.jsonError(res, '1.0', 'InvalidParameterCombination', 'too many datapoints requested', 400, 'InvalidParameterCombination');
    }
    this.record('monitoring', op, region, wrong, 200, `${queries.length} queries`);
    this.json(res, '1.0', { MetricDataResults: results, Messages: [] });
  }

  // ---- SageMaker -------------------------------------------------------------------------------
  private sagemaker(b: any, res: http.ServerResponse, region: string, op: string) {
    const w = this.world;
    const now = this.hooks.nowSec();
    const inRegion = <T extends { region: string }>(xs: T[]) => xs.filter((x) => x.region === region);
    const ok = (body: unknown, wrongRegion = false) => {
      this.record('sagemaker', op, region, wrongRegion, 200);
      this.json(res, '1.1', body);
    };
    const notFound = (msg: string, wrongRegion = false) => {
      this.record('sagemaker', op, region, wrongRegion, 400, msg);
      this.jsonError(res, '1.1', 'ValidationException', msg);
    };
    const exists = (j: { createdSec: number }) => j.createdSec <= now;
    switch (op) {
      case 'ListTrainingJobs': {
        const jobs = inRegion(w.trainingJobs).filter(exists).filter((j) => {
          const status = w.statusAt(j, now)!;
          const lastModified = Math.max(...j.statuses.filter((s) => s.atSec <= now).map((s) => s.atSec));
          if (b.StatusEquals && status !== b.StatusEquals) return false;
          if (b.CreationTimeBefore !== undefined && !(j.createdSec < Number(b.CreationTimeBefore))) return false;
          if (b.LastModifiedTimeAfter !== undefined && !(lastModified > Number(b.LastModifiedTimeAfter))) return false;
          return true;
        });
        return ok({
          TrainingJobSummaries: jobs.map((j) => ({ TrainingJobName: j.name, TrainingJobArn: w.trainingArn(j), CreationTime: j.createdSec, TrainingEndTime: now >= j.endSec ? j.endSec : undefined, LastModifiedTime: Math.max(...j.statuses.filter((s) => s.atSec <= now).map((s) => s.atSec)), TrainingJobStatus: w.statusAt(j, now) })),
        });
      }
      case 'DescribeTrainingJob': {
        const j = w.trainingJobs.find((x) => x.name === b.TrainingJobName && exists(x));
        if (!j || j.region !== region) return notFound('Requested resource not found.', !!j);
        const status = w.statusAt(j, now)!;
        const started = now >= j.startSec;
        const ended = ['Completed', 'Stopped', 'Failed'].includes(status);
        return ok({
          TrainingJobName: j.name,
          TrainingJobArn: w.trainingArn(j),
          TrainingJobStatus: status,
          SecondaryStatus: ended ? status : started ? 'Training' : 'Starting',
          AlgorithmSpecification: { TrainingImage: `${ACCOUNT}.dkr.ecr.${j.region}.amazonaws.com/train:1`, TrainingInputMode: 'File' },
          RoleArn: `arn:aws:iam::${ACCOUNT}:role/carbonpilot-training-e2e`,
          OutputDataConfig: { S3OutputPath: 's3://e2e-data-home/out' },
          ResourceConfig: { InstanceType: j.instanceType, InstanceCount: j.instanceCount, VolumeSizeInGB: 50 },
          StoppingCondition: { MaxRuntimeInSeconds: 86400 * 3 },
          CreationTime: j.createdSec,
          ...(started ? { TrainingStartTime: j.startSec } : {}),
          ...(ended ? { TrainingEndTime: j.endSec } : {}),
          LastModifiedTime: now,
        });
      }
      case 'ListEndpoints': {
        const eps = inRegion(w.endpoints).filter((e) => w.endpointVisible(e, now) && (b.CreationTimeBefore === undefined || e.createdSec < Number(b.CreationTimeBefore)));
        return ok({ Endpoints: eps.map((e) => ({ EndpointName: e.name, EndpointArn: w.endpointArn(e), CreationTime: e.createdSec, LastModifiedTime: e.deletedSec !== undefined && now >= e.deletedSec ? e.deletedSec : e.createdSec, EndpointStatus: e.deletedSec !== undefined && now >= e.deletedSec ? 'Deleting' : 'InService' })) });
      }
      case 'DescribeEndpoint': {
        const e = w.endpoints.find((x) => x.name === b.EndpointName && w.endpointVisible(x, now));
        if (!e || e.region !== region) return notFound(`Could not find endpoint "${b.EndpointName}".`, !!e);
        const deleting = e.deletedSec !== undefined && now >= e.deletedSec;
        return ok({
          EndpointName: e.name,
          EndpointArn: w.endpointArn(e),
          EndpointConfigName: `${e.name}-config`,
          ProductionVariants: e.variants.map((v) => ({ VariantName: v.name, CurrentWeight: 1, DesiredWeight: 1, CurrentInstanceCount: v.count, DesiredInstanceCount: v.count })),
          EndpointStatus: deleting ? 'Deleting' : 'InService',
          CreationTime: e.createdSec,
          LastModifiedTime: deleting ? e.deletedSec : e.createdSec,
        });
      }
      case 'DescribeEndpointConfig': {
        const e = w.endpoints.find((x) => `${x.name}-config` === b.EndpointConfigName);
        if (!e || e.region !== region) return notFound(`Could not find endpoint configuration "${b.EndpointConfigName}".`, !!e);
        return ok({ EndpointConfigName: b.EndpointConfigName, EndpointConfigArn: `arn:aws:sagemaker:${region}:${ACCOUNT}:endpoint-config/${b.EndpointConfigName}`, ProductionVariants: e.variants.map((v) => ({ VariantName: v.name, ModelName: `${e.name}-model`, InitialInstanceCount: v.count, InstanceType: v.instanceType, InitialVariantWeight: 1 })), CreationTime: e.createdSec });
      }
      case 'ListTags': {
        const arn = String(b.ResourceArn);
        const owner = [...w.trainingJobs.map((j) => ({ arn: w.trainingArn(j), tags: j.tags, region: j.region })), ...w.endpoints.map((e) => ({ arn: w.endpointArn(e), tags: e.tags, region: e.region }))].find((x) => x.arn === arn);
        if (!owner) return notFound('Requested resource not found.');
        return ok({ Tags: Object.entries(owner.tags).map(([Key, Value]) => ({ Key, Value })) }, owner.region !== region);
      }
      case 'CreateTrainingJob': {
        if (w.trainingJobs.some((j) => j.name === b.TrainingJobName && j.region === region)) {
          this.record('sagemaker', op, region, false, 400, 'ResourceInUse');
          return this.jsonError(res, '1.1', 'ResourceInUse', `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${b.TrainingJobName})`);
        }
        const tags = Object.fromEntries(((b.Tags ?? []) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
        const workSec = Number(tags['carbonpilot:remaining-work-sec'] ?? 3600);
        const startSec = now + 4 * MIN; // provisioning, then training
        const job = w.addTrainingJob({
          name: b.TrainingJobName,
          region,
          instanceType: b.ResourceConfig.InstanceType,
          instanceCount: b.ResourceConfig.InstanceCount,
          createdSec: now,
          startSec,
          endSec: startSec + workSec,
          tags,
          request: b,
          launchedByCarbonPilot: true,
          loseCompletionEvent: [...this.loseEventsFor].some((prefix) => String(b.TrainingJobName).startsWith(`${prefix}-`)),
        });
        this.record('sagemaker', op, region, false, 200, job.name);
        return this.json(res, '1.1', { TrainingJobArn: w.trainingArn(job) });
      }
      // The lifecycle function's daily reads (SageMaker API reference: ListInferenceExperiments, ListInferenceComponents,
      // ListModelPackageGroups): this account runs no shadow tests, hosts no inference components, registers no packages.
      case 'ListInferenceExperiments':
        return ok({ InferenceExperiments: [] });
      case 'ListInferenceComponents':
        return ok({ InferenceComponents: [] });
      case 'ListModelPackageGroups':
        return ok({ ModelPackageGroupSummaryList: [] });
      case 'StopTrainingJob': {
        const j = w.trainingJobs.find((x) => x.name === b.TrainingJobName);
        if (!j || j.region !== region) return notFound('Requested resource not found.', !!j);
        w.stopTrainingJob(j, now);
        return ok({});
      }
      default:
        this.record('sagemaker', op, region, false, 400, 'unsupported');
        return this.jsonError(res, '1.1', 'UnknownOperationException', `emulator: ${op}`);
    }
  }

  /** Training-job name prefixes whose Completed event the emulation drops. */
  readonly loseEventsFor = new Set<string>();

  // ---- EC2 DescribeInstances -------------------------------------------------------------------
  private ec2(p: URLSearchParams, res: http.ServerResponse, region: string) {
    const action = p.get('Action') ?? '';
    if (action !== 'DescribeInstances') {
      this.record('ec2', action, region, false, 400, 'unsupported');
      res.writeHead(400, { 'content-type': 'text/xml' });
      res.end(`<Response><Errors><Error><Code>InvalidAction</Code><Message>${action}</Message></Error></Errors><RequestID>e2e</RequestID></Response>`);
      return;
    }
    const filters = new Map<string, string[]>();
    for (let i = 1; p.has(`Filter.${i}.Name`); i++) {
      const vals: string[] = [];
      for (let k = 1; p.has(`Filter.${i}.Value.${k}`); k++) vals.push(p.get(`Filter.${i}.Value.${k}`)!);
      filters.set(p.get(`Filter.${i}.Name`)!, vals);
    }
    const now = this.hooks.nowSec();
    const wild = (pattern: string, s: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(s);
    const items = this.world.instances
      .filter((i) => i.region === region)
      .map((i) => ({ i, st: this.world.instanceState(i, now) }))
      .filter(({ i, st }) => (filters.get('instance-type') ?? ['*']).some((f) => wild(f, i.instanceType)) && (filters.get('instance-state-name') ?? [st.state]).includes(st.state));
    const codes: Record<string, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };
    const gmt = (sec: number) => new Date(sec * 1000).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' GMT');
    const xml = items
      .map(
        ({ i, st }) => `<item><reservationId>r-${i.id.slice(2)}</reservationId><ownerId>${ACCOUNT}</ownerId><instancesSet><item>
<instanceId>${i.id}</instanceId><instanceType>${i.instanceType}</instanceType><launchTime>${iso(st.launchSec)}</launchTime>
<instanceState><code>${codes[st.state]}</code><name>${st.state}</name></instanceState>
<reason>${st.stoppedAtSec !== undefined ? `User initiated (${gmt(st.stoppedAtSec)})` : ''}</reason>
<tagSet>${Object.entries(i.tags).map(([k, v]) => `<item><key>${k}</key><value>${v}</value></item>`).join('')}</tagSet>
</item></instancesSet></item>`,
      )
      .join('');
    this.record('ec2', action, region, false, 200, `${items.length} instances`);
    res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>e2e-${this.calls.length}</requestId><reservationSet>${xml}</reservationSet></DescribeInstancesResponse>`);
  }

  // ---- EventBridge PutEvents -------------------------------------------------------------------
  private events(b: any, res: http.ServerResponse, region: string, op: string) {
    if (op !== 'PutEvents') {
      this.record('events', op, region, false, 400, 'unsupported');
      return this.jsonError(res, '1.1', 'UnknownOperationException', op);
    }
    const entries = (b.Entries ?? []) as any[];
    if (entries.length > 10) {
      this.record('events', op, region, false, 400, 'more than 10 entries');
      return this.jsonError(res, '1.1', 'ValidationException', '1 validation error detected: Value at \'entries\' failed to satisfy constraint: Member must have length less than or equal to 10');
    }
    let failed = 0;
    const out = entries.map((e, k) => {
      const okPut = this.hooks.putEvent(region, e.EventBusName ?? 'default', { source: e.Source, detailType: e.DetailType, detail: e.Detail, resources: e.Resources ?? [] });
      if (!okPut) failed++;
      return okPut ? { EventId: `e2e-${this.calls.length}-${k}` } : { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${e.EventBusName} does not exist in ${region}.` };
    });
    this.record('events', op, region, failed > 0, 200, `${entries.length} entries`);
    this.json(res, '1.1', { FailedEntryCount: failed, Entries: out });
  }

  // ---- EventBridge Scheduler -------------------------------------------------------------------
  private schedulerApi(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse, region: string) {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/schedules\/([^/]+)$/.exec(url.pathname);
    const wrong = region !== this.hooks.homeRegion;
    const restError = (status: number, type: string, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
      res.end(JSON.stringify({ Message: message }));
    };
    if (!m) {
      this.record('scheduler', `${req.method} ${url.pathname}`, region, wrong, 400, 'unsupported');
      return restError(400, 'ValidationException', 'unsupported');
    }
    const name = decodeURIComponent(m[1]);
    const group = url.searchParams.get('groupName') ?? 'default';
    if (req.method === 'POST') {
      const b = JSON.parse(body.toString() || '{}');
      if (b.Target?.RoleArn !== this.hooks.schedulerRoleArn) {
        this.record('scheduler', 'CreateSchedule', region, wrong, 400, 'role');
        return restError(400, 'ValidationException', `The execution role ${b.Target?.RoleArn} is not the scheduler role`);
      }
      const r = this.hooks.scheduler.create(name, b.GroupName ?? group, b);
      this.record('scheduler', 'CreateSchedule', region, wrong, r === 'created' ? 200 : 409);
      if (r === 'conflict') return restError(409, 'ConflictException', `Schedule ${name} already exists.`);
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ ScheduleArn: `arn:aws:scheduler:${region}:${ACCOUNT}:schedule/${group}/${name}` }));
    }
    if (req.method === 'DELETE') {
      const okDel = this.hooks.scheduler.delete(name, group);
      this.record('scheduler', 'DeleteSchedule', region, wrong, okDel ? 200 : 404);
      if (!okDel) return restError(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{}');
    }
    if (req.method === 'GET') {
      const s = this.hooks.scheduler.get(name, group);
      this.record('scheduler', 'GetSchedule', region, wrong, s ? 200 : 404);
      if (!s) return restError(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ ...s, Name: name, GroupName: group, Arn: `arn:aws:scheduler:${region}:${ACCOUNT}:schedule/${group}/${name}` }));
    }
    this.record('scheduler', `${req.method}`, region, wrong, 400, 'unsupported');
    return restError(400, 'ValidationException', 'unsupported');
  }

  // ---- S3 --------------------------------------------------------------------------------------
  private s3(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse, region: string) {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, bucket, ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const where = this.world.buckets.get(bucket);
    const xmlError = (status: number, code: string, msg: string) => {
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${msg}</Message><BucketName>${bucket}</BucketName><RequestId>e2e</RequestId></Error>`);
    };
    if (req.method === 'GET' && url.searchParams.has('location')) {
      this.record('s3', 'GetBucketLocation', region, false, where ? 200 : 404);
      if (!where) return xmlError(404, 'NoSuchBucket', 'The specified bucket does not exist');
      res.writeHead(200, { 'content-type': 'application/xml' });
      // us-east-1 answers an empty LocationConstraint (API reference, GetBucketLocation).
      return res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${where === 'us-east-1' ? '' : where}</LocationConstraint>`);
    }
    if (req.method === 'PUT' && key) {
      const wrong = where !== undefined && where !== region;
      this.record('s3', 'PutObject', region, wrong, where ? 200 : 404, key);
      if (!where) return xmlError(404, 'NoSuchBucket', 'The specified bucket does not exist');
      this.world.objects.set(`${bucket}/${key}`, body.toString('utf8'));
      res.writeHead(200, { etag: `"e2e${body.length}"` });
      return res.end();
    }
    this.record('s3', `${req.method} ${url.pathname}`, region, false, 400, 'unsupported');
    return xmlError(400, 'NotImplemented', 'emulator');
  }
}

/** Parse one GetMetricData query (MetricStat, or the agent SEARCH wrapped in SUM/AVG) into what it asks for. */
export function parseQuery(q: any): MetricQuery | undefined {
  if (q.MetricStat) {
    const m = q.MetricStat.Metric;
    const dims = Object.fromEntries(((m.Dimensions ?? []) as { Name: string; Value: string }[]).map((d) => [d.Name, d.Value]));
    return { kind: 'stat', namespace: m.Namespace, metric: m.MetricName, dims };
  }
  const expr = String(q.Expression ?? '');
  const s = /^(SUM|AVG)\(SEARCH\('(.*)',\s*'Average',\s*\d+\)\)$/.exec(expr);
  if (!s) return undefined;
  const metric = /MetricName\s*=\s*"?([A-Za-z0-9_]+)"?/.exec(s[2])?.[1];
  const instanceId = /InstanceId\s*=\s*"?(i-[0-9a-z]+)"?/.exec(s[2])?.[1];
  if (!metric || !instanceId) return undefined;
  // A schema-bound search names the exact dimension set the agent's per-GPU series carry.
  const schemaBound = /^\{\s*CWAgent\s*,[^}]*\bindex\b[^}]*\}/.test(s[2]);
  return { kind: 'search', metric, instanceId, reducer: s[1] as 'SUM' | 'AVG', schemaBound };
}

export { H };
