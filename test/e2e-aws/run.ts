/**
 * `npm run e2e:aws -- [--out FILE.json] [--hours 120] [--dynamodb-endpoint URL]`
 *
 * The emulated-AWS end-to-end run of the DEPLOYED bundles: synthesize the CDK app with bundling, take each
 * function's bundle from the cloud assembly, run it in a long-lived container (child process) with the environment
 * the synthesized template gives it, and drive ≥ 48 simulated hours over two monitored regions against loopback
 * stand-ins of every AWS API it calls (aws-emulator.ts). EventBridge rules (schedules, patterns, cross-region
 * forwarders) and EventBridge Scheduler one-time schedules are taken from the templates and fired on the simulated
 * clock. At the end the stored footprints are compared with the ground truth of the simulated world (world.ts).
 *
 * Exit 0 when every check holds, 1 when a figure is off (the JSON says which), 2 on bad arguments.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { matchesPattern } from '../../shared/domain/event-pattern';
import { rateSeconds, type BusEvent } from '../../shared/adapters/local/local-bus';
import { bucketOf, ecrImageRegion, regionLocalRefs } from '../../shared/domain/scheduler/region-request';
import { ACCOUNT, synthesizeDeployable, type FunctionArtifact, type RuleArtifact } from './assembly';
import { AwsEmulator } from './aws-emulator';
import { LambdaHost } from './lambda-host';
import { H, MIN, World } from './world';

const HOME = 'us-east-1';
const OTHER = 'eu-north-1';


function usage(msg: string): never {
  console.error(`e2e:aws: ${msg}\nusage: npm run e2e:aws -- [--out FILE.json] [--hours N ≥ 48] [--dynamodb-endpoint URL]`);
  process.exit(2);
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { out: { type: 'string' }, hours: { type: 'string' }, 'dynamodb-endpoint': { type: 'string' } }, allowPositionals: false }).values;
  } catch (e) {
    usage((e as Error).message);
  }
  // 120 h: long enough that a warm collector makes more GetMetricData calls than one run's budget (200), so a budget
  // that is not renewed per invocation would starve it — the run would then lose energy and fail.
  const hours = args.hours === undefined ? 120 : Number(args.hours);
  if (!Number.isInteger(hours) || hours < 48 || hours > 240) usage('--hours: an integer from 48 to 240');
  const out = args.out ?? 'out/e2e-aws.json';
  const wall0 = Date.now();

  // 1. The deployed artefacts.
  const assembly = synthesizeDeployable(HOME, [OTHER]);
  const T0 = Math.floor(Date.UTC(2026, 10, 23) / 1000); // Monday 2026-11-23T00:00:00Z
  let nowSec = T0;
  const world = new World(T0, HOME, OTHER);
  world.buckets.set(assembly.buckets.export, HOME);

  // 2. DynamoDB: dynalite (or another DynamoDB API), table created from the stateful template's definition.
  let dynamoEndpoint = args['dynamodb-endpoint'];
  let dynaliteServer: import('node:http').Server | undefined;
  if (!dynamoEndpoint) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const dynalite = require('dynalite') as (o: object) => import('node:http').Server;
    dynaliteServer = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((r) => dynaliteServer!.listen(0, '127.0.0.1', () => r()));
    dynamoEndpoint = `http://127.0.0.1:${(dynaliteServer.address() as AddressInfo).port}`;
  }
  const ddb = new DynamoDBClient({ endpoint: dynamoEndpoint, region: HOME, credentials: { accessKeyId: 'e2e', secretAccessKey: 'e2e' } });
  const tp = assembly.table.properties;
  await ddb.send(
    new CreateTableCommand({
      TableName: assembly.table.name,
      KeySchema: tp.KeySchema,
      AttributeDefinitions: tp.AttributeDefinitions,
      GlobalSecondaryIndexes: tp.GlobalSecondaryIndexes,
      BillingMode: tp.BillingMode,
    }),
  );

  // 3. Buses, rules and schedules from the templates.
  const queue: { region: string; bus: string; event: BusEvent }[] = [];
  let eventSeq = 0;
  const busExists = (region: string, bus: string) => bus === 'default' || assembly.rules.some((r) => r.region === region && r.bus === bus);
  const putEvent = (region: string, bus: string, e: Omit<BusEvent, 'version' | 'id' | 'account'>) => {
    if (!busExists(region, bus)) return false;
    queue.push({ region, bus, event: { version: '0', id: `e2e-${++eventSeq}`, account: ACCOUNT, ...e } });
    return true;
  };
  const schedules = new Map<string, { name: string; group: string; body: any; atSec: number }>();
  const atOf = (expr: string): number => {
    const m = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expr);
    if (!m) throw new Error(`unsupported schedule expression ${expr}`);
    return Math.floor(Date.parse(`${m[1]}Z`) / 1000);
  };

  const emulator = new AwsEmulator(world, {
    nowSec: () => nowSec,
    homeRegion: HOME,
    schedulerRoleArn: assembly.schedulerRoleArn,
    dynamoEndpoint,
    throttleEvery: 17,
    putEvent: (region, bus, e) =>
      putEvent(region, bus, { 'detail-type': e.detailType, source: e.source, time: new Date(nowSec * 1000).toISOString(), region, resources: e.resources, detail: JSON.parse(e.detail) }),
    scheduler: {
      create: (name, group, body) => {
        const k = `${group}/${name}`;
        if (schedules.has(k)) return 'conflict';
        if (body.ScheduleExpressionTimezone && body.ScheduleExpressionTimezone !== 'UTC') throw new Error('emulator: only UTC schedules');
        schedules.set(k, { name, group, body, atSec: atOf(body.ScheduleExpression) });
        return 'created';
      },
      delete: (name, group) => schedules.delete(`${group}/${name}`),
      get: (name, group) => schedules.get(`${group}/${name}`)?.body,
    },
  });
  // Jobs whose Completed event is lost: only the hourly reconcile can notice them.
  emulator.loseEventsFor.add('e2e-shift-lost');
  const endpoint = await emulator.start();

  const host = new LambdaHost(
    assembly.functions,
    (fn) => ({
      AWS_REGION: fn.arn.split(':')[3],
      AWS_DEFAULT_REGION: fn.arn.split(':')[3],
      AWS_ACCESS_KEY_ID: 'AKIAE2EEMULATED',
      AWS_SECRET_ACCESS_KEY: 'e2e-secret',
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_ENDPOINT_URL: endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      PATH: process.env.PATH ?? '',
    }),
    () => nowSec * 1000,
  );

  const errors: string[] = [];
  /** Asynchronous invocation (EventBridge, Scheduler): Lambda retries twice, then the failure goes to the DLQ. */
  const invokeAsync = async (fn: FunctionArtifact, event: unknown, trigger: string) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await host.invoke(fn, event, trigger);
      if (r.ok) return r.result;
      if (attempt === 2) errors.push(`${fn.id} (${trigger}) failed 3 times: ${r.error}`);
    }
    return undefined;
  };
  /** What EventBridge delivered to SNS topics (the budget alert topic): SNS itself is a delivery sink here. */
  const snsDeliveries: { topicArn: string; rule: string; event: BusEvent }[] = [];
  const targetsOf = async (rule: RuleArtifact, event: BusEvent) => {
    for (const t of rule.targets) {
      if (t.kind === 'sns-topic') {
        snsDeliveries.push({ topicArn: t.arn, rule: rule.logicalId, event });
        continue;
      }
      if (t.kind === 'event-bus') {
        // Cross-region event-bus target: the event keeps its source, region and detail.
        const [, , , region, , busRes] = t.arn.split(':');
        putEvent(region, busRes.replace(/^event-bus\//, ''), event);
      } else {
        const fn = host.byArn(t.arn);
        if (!fn) errors.push(`rule ${rule.logicalId} targets unknown function ${t.arn}`);
        else await invokeAsync(fn, t.input ? JSON.parse(t.input) : event, rule.description || rule.logicalId);
      }
    }
  };
  const drain = async () => {
    for (let guard = 0; queue.length; guard++) {
      if (guard > 100_000) throw new Error('event storm');
      const { region, bus, event } = queue.shift()!;
      for (const rule of assembly.rules) {
        if (rule.region !== region || rule.bus !== bus || !rule.pattern) continue;
        if (matchesPattern(rule.pattern, event)) await targetsOf(rule, event);
      }
    }
  };

  // 4. The simulation.
  const STEP = 5 * MIN;
  const end = T0 + hours * H;
  const scheduleRules = assembly.rules.filter((r) => r.schedule).map((r) => ({ rule: r, every: rateSeconds(r.schedule!), next: T0 }));
  const api = host.byId('api');
  const submissions: { clientToken: string; status?: number; body?: any }[] = [];
  let budgetPut: number | undefined;
  for (; nowSec <= end; nowSec += STEP) {
    for (const e of world.dueEvents(nowSec)) putEvent(e.region, 'default', { 'detail-type': e.detailType, source: e.source, time: new Date(e.atSec * 1000).toISOString(), region: e.region, resources: e.resources, detail: e.detail });
    await drain();
    if (nowSec === T0 + H) {
      // A budget through the deployed API; its ACTUAL threshold is crossed within hours, so budget-evaluate (hourly
      // and on Rollups Updated) must publish exactly one ALARM, which the rule delivers to the alert topic.
      const r = (await host.invoke(api, httpApiEvent('PUT', `/api/budgets/${E2E_BUDGET.id}`, E2E_BUDGET), 'HTTP API PUT /api/budgets/:id')) as any;
      budgetPut = r.result?.statusCode;
      if (!r.ok || r.result?.statusCode !== 201) errors.push(`PUT /api/budgets/${E2E_BUDGET.id}: ${r.error ?? `${r.result?.statusCode} ${r.result?.body}`}`);
      for (const token of ['e2e-shift-1', 'e2e-shift-lost']) {
        const r = (await host.invoke(api, httpApiEvent('POST', '/api/jobs', jobRequest(token, token === 'e2e-shift-1' ? 'e2e-shift' : 'e2e-shift-lost', nowSec)), 'HTTP API POST /api/jobs')) as any;
        submissions.push({ clientToken: token, status: r.result?.statusCode, body: r.result?.body ? JSON.parse(r.result.body) : r.error });
        if (!r.ok || r.result?.statusCode !== 201) errors.push(`POST /api/jobs ${token}: ${r.error ?? `${r.result?.statusCode} ${r.result?.body}`}`);
      }
      await drain();
    }
    for (const s of scheduleRules) {
      while (s.next <= nowSec) {
        const ruleArn = `arn:aws:events:${s.rule.region}:${ACCOUNT}:rule/${s.rule.logicalId}`;
        await targetsOf(s.rule, { version: '0', id: `sched-${++eventSeq}`, 'detail-type': 'Scheduled Event', source: 'aws.events', account: ACCOUNT, time: new Date(s.next * 1000).toISOString(), region: s.rule.region, resources: [ruleArn], detail: {} });
        s.next += s.every;
        await drain();
      }
    }
    for (const [k, s] of [...schedules].sort((a, b) => a[1].atSec - b[1].atSec)) {
      if (s.atSec > nowSec) continue;
      const fn = host.byArn(s.body.Target.Arn);
      if (!fn) errors.push(`schedule ${k} targets unknown ${s.body.Target.Arn}`);
      else await invokeAsync(fn, JSON.parse(s.body.Target.Input), `schedule ${s.name}`);
      if (s.body.ActionAfterCompletion === 'DELETE') schedules.delete(k);
      await drain();
    }
  }
  nowSec = end;

  // 5. What the deployment accounted, against the truth.
  const items: Record<string, any>[] = [];
  let start: ScanCommandOutput['LastEvaluatedKey'];
  do {
    const page = await ddb.send(new ScanCommand({ TableName: assembly.table.name, ExclusiveStartKey: start }));
    for (const it of page.Items ?? []) items.push(unmarshall(it));
    start = page.LastEvaluatedKey;
  } while (start);
  const fromSec = T0 - 48 * H;
  const toSec = Math.floor((end - 900) / H) * H - H; // the last hour every resource has surely been collected for
  const intervals = items.filter((i) => i.type === 'interval').map((i) => i.interval as { resourceKey: string; intervalStartSec: number; energyKwh: { point: number }; provisional: boolean; method: string });
  const inWindow = intervals.filter((i) => i.intervalStartSec >= fromSec && i.intervalStartSec < toSec);
  const accountedByResource = new Map<string, number>();
  for (const i of inWindow) accountedByResource.set(i.resourceKey, (accountedByResource.get(i.resourceKey) ?? 0) + i.energyKwh.point);
  const accounted = inWindow.reduce((a, i) => a + i.energyKwh.point, 0);
  const truth = world.expectedEnergyKwh(fromSec, toSec);
  const resources = items.filter((i) => i.type === 'resource').map((i) => i.resource as { kind: string; region: string; id: string; endSec?: number; status: string });
  const jobs = items.filter((i) => i.type === 'job').map((i) => i.job as { jobId: string; status: string; launches: { trainingJobName: string; region: string }[] });

  const perResource = [...new Set([...truth.byResource.keys(), ...accountedByResource.keys()])].sort().map((k) => ({
    resource: k,
    expectedEnergyKwh: round(truth.byResource.get(k) ?? 0),
    accountedEnergyKwh: round(accountedByResource.get(k) ?? 0),
  }));
  const within = (a: number, b: number, tol = 0.01) => (b === 0 ? a === 0 : Math.abs(a - b) / b <= tol);

  const deleted = world.endpoints.filter((e) => e.deletedSec !== undefined);
  const restarted = world.instances.filter((i) => i.running.length > 1);
  const endedResources = [
    ...deleted.flatMap((e) =>
      e.variants.map((v) => {
        const key = `endpoint#${e.region}#${e.name}/${v.name}`;
        const r = resources.find((x) => `${x.kind}#${x.region}#${x.id}` === key);
        const energyOk = within(accountedByResource.get(key) ?? 0, truth.byResource.get(key) ?? 0);
        const endOk = r?.endSec !== undefined && r.endSec >= e.deletedSec! && r.endSec <= e.deletedSec! + 20 * MIN;
        return { resource: key, event: 'deleted', trueEndSec: e.deletedSec!, storedEndSec: r?.endSec ?? null, status: r?.status ?? null, accountedExactly: energyOk && endOk };
      }),
    ),
    ...restarted.map((i) => {
      const key = `ec2-instance#${i.region}#${i.id}`;
      const r = resources.find((x) => `${x.kind}#${x.region}#${x.id}` === key);
      return {
        resource: key,
        event: 'stopped and restarted',
        trueEndSec: null,
        storedEndSec: r?.endSec ?? null,
        status: r?.status ?? null,
        accountedExactly: r !== undefined && r.endSec === undefined && within(accountedByResource.get(key) ?? 0, truth.byResource.get(key) ?? 0),
      };
    }),
  ];

  const launched = world.trainingJobs.filter((j) => j.launchedByCarbonPilot);
  const shiftedJobs = launched
    .filter((j) => j.region !== HOME)
    .map((j) => {
      const refs = regionLocalRefs(j.request ?? {});
      const problems = [
        ...refs.s3Uris.filter((u) => world.buckets.get(bucketOf(u)) !== j.region).map((u) => `${u} not in ${j.region}`),
        ...(refs.trainingImage && ecrImageRegion(refs.trainingImage) !== j.region ? [`image ${refs.trainingImage} not in ${j.region}`] : []),
      ];
      const job = jobs.find((x) => x.launches.some((l) => l.trainingJobName === j.name));
      // How the dispatcher learnt of the completion: the forwarded state-change event, or the hourly reconcile.
      const viaEvent = host.logs.some((l) => l.startsWith('job-dispatch: ') && l.includes('"message":"job-state-change"') && l.includes(`"trainingJobName":"${j.name}"`) && l.includes('"note":"completed"'));
      const viaReconcile = host.logs.some((l) => l.startsWith('job-dispatch: ') && l.includes('"message":"replan-jobs"') && l.includes(`"trainingJobName":"${j.name}"`));
      return {
        trainingJobName: j.name,
        region: j.region,
        launchedRequestRegionLocal: problems.length === 0,
        problems,
        jobStatus: job?.status ?? null,
        completionEventLost: j.loseCompletionEvent === true,
        completedVia: viaEvent ? 'forwarded event' : viaReconcile ? 'hourly reconcile' : null,
      };
    });
  const crossRegionCompletions = shiftedJobs.filter((s) => s.jobStatus === 'completed').length;

  const wrong = emulator.calls.filter((c) => c.wrongRegion);
  const unsupported = emulator.calls.filter((c) => c.note === 'unsupported');
  for (const u of unsupported) errors.push(`unsupported call ${u.service} ${u.op} in ${u.region}`);
  const callsByService: Record<string, number> = {};
  for (const c of emulator.calls) callsByService[`${c.service}:${c.op}`] = (callsByService[`${c.service}:${c.op}`] ?? 0) + 1;
  const invocationsByFunction: Record<string, { invocations: number; coldStarts: number; failed: number }> = {};
  for (const i of host.invocations) {
    const f = (invocationsByFunction[i.functionId] ??= { invocations: 0, coldStarts: 0, failed: 0 });
    f.invocations++;
    if (i.cold) f.coldStarts++;
    if (!i.ok) f.failed++;
  }

  const alerts = snsDeliveries.filter((d) => d.event['detail-type'] === 'Carbon Budget Threshold Crossed').map((d) => d.event.detail as { eventId: string; budget: { id: string }; threshold: { index: number }; state: string; actualKgCo2e: number });
  const alertIds = alerts.map((a) => a.eventId);
  const budgetAlerts = {
    putStatus: budgetPut ?? null,
    topicDeliveries: snsDeliveries.length,
    alarms: alerts.filter((a) => a.budget.id === E2E_BUDGET.id && a.state === 'ALARM').map((a) => ({ eventId: a.eventId, threshold: a.threshold.index, actualKgCo2e: round(a.actualKgCo2e) })),
    duplicateEventIds: alertIds.filter((id, i) => alertIds.indexOf(id) !== i),
    evaluations: host.invocations.filter((i) => i.functionId === 'budget-evaluate').length,
  };

  const result = {
    regions: [HOME, OTHER],
    simulatedHours: hours,
    invocations: host.invocations.length,
    warmInvocations: host.invocations.filter((i) => !i.cold).length,
    callsInWrongRegion: wrong.length,
    expectedEnergyKwh: round(truth.total),
    accountedEnergyKwh: round(accounted),
    accountedVsExpectedPct: round(truth.total > 0 ? ((accounted - truth.total) / truth.total) * 100 : 0),
    shiftedJobs,
    crossRegionCompletions,
    endedResources,
    errors,
    window: { from: new Date(fromSec * 1000).toISOString(), to: new Date(toSec * 1000).toISOString() },
    provisionalIntervals: inWindow.filter((i) => i.provisional).length,
    perResource,
    wrongRegionCalls: wrong.slice(0, 20),
    submissions: submissions.map((s) => ({ clientToken: s.clientToken, status: s.status })),
    budgetAlerts,
    invocationsByFunction,
    callsByService,
    apiCalls: emulator.calls.length,
    wallSec: round((Date.now() - wall0) / 1000),
    fixtures:
      'Responses follow the AWS API references of each operation (CloudWatch GetMetricData, SageMaker List/Describe/Create/StopTrainingJob, List/DescribeEndpoint(Config), ListTags, ListInferenceExperiments, ListInferenceComponents, ListModelPackageGroups, EC2 DescribeInstances, EventBridge PutEvents, Scheduler CreateSchedule/DeleteSchedule/GetSchedule, S3 GetBucketLocation/PutObject, Secrets Manager GetSecretValue); events follow the SageMaker EventBridge guide and the EC2 state-change event reference.',
  };
  const failures = [
    result.callsInWrongRegion > 0 && `${result.callsInWrongRegion} call(s) in the wrong region`,
    !within(accounted, truth.total) && `accounted ${result.accountedEnergyKwh} kWh vs expected ${result.expectedEnergyKwh} kWh (${result.accountedVsExpectedPct} %)`,
    shiftedJobs.length < 2 && `only ${shiftedJobs.length} job(s) shifted to ${OTHER} (expected 2)`,
    shiftedJobs.some((s) => !s.launchedRequestRegionLocal) && 'a shifted job was launched with locations of another region',
    crossRegionCompletions < shiftedJobs.length && `${crossRegionCompletions} of ${shiftedJobs.length} cross-region completions handled`,
    shiftedJobs.some((s) => s.completedVia !== (s.completionEventLost ? 'hourly reconcile' : 'forwarded event')) && 'a completion did not arrive the way it should (forwarded event, or the reconcile for a lost event)',
    endedResources.some((r) => !r.accountedExactly) && 'an ended or restarted resource is not accounted exactly',
    errors.length > 0 && `${errors.length} error(s)`,
    result.warmInvocations === 0 && 'no warm invocations',
    budgetAlerts.alarms.length !== 1 && `${budgetAlerts.alarms.length} budget ALARM event(s) on the alert topic (expected exactly 1)`,
    budgetAlerts.duplicateEventIds.length > 0 && `budget alert delivered twice: ${budgetAlerts.duplicateEventIds.join(', ')}`,
  ].filter(Boolean) as string[];
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ ...result, ok: failures.length === 0, failures }, null, 2));
  console.log(
    `e2e:aws ${failures.length ? 'FAILED' : 'ok'}: ${hours} h over ${result.regions.join('+')} | ${result.invocations} invocations (${result.warmInvocations} warm) | ${result.apiCalls} AWS calls, ${result.callsInWrongRegion} in the wrong region | energy ${result.accountedEnergyKwh} of ${result.expectedEnergyKwh} kWh (${result.accountedVsExpectedPct} %) | shifted ${shiftedJobs.length}, region-local ${shiftedJobs.filter((s) => s.launchedRequestRegionLocal).length}, completed ${crossRegionCompletions} | ended/restarted exact ${endedResources.filter((r) => r.accountedExactly).length}/${endedResources.length} | errors ${errors.length} | ${result.wallSec}s → ${out}`,
  );
  for (const f of failures) console.log(`  ✗ ${f}`);
  await host.close();
  await emulator.close();
  ddb.destroy();
  if (dynaliteServer) await new Promise<void>((r) => dynaliteServer!.close(() => r()));
  return failures.length ? 1 : 0;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** An advisory account budget whose ACTUAL > 2 kgCO2e notification the simulated fleet crosses within hours. */
const E2E_BUDGET = { id: 'e2e-account', scope: { dimension: 'account' }, period: 'month', limitKgCo2e: 1_000_000, notifications: [{ type: 'ACTUAL', threshold: 2, thresholdType: 'ABSOLUTE_VALUE' }] };

/** API Gateway HTTP API payload format 2.0 (IAM-authorised route), as the api function receives it. */
function httpApiEvent(method: string, path: string, body: unknown) {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: { accountId: ACCOUNT, apiId: 'e2e', http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'e2e' }, requestId: 'e2e', routeKey: `${method} ${path}`, stage: '$default', time: '', timeEpoch: 0 },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

/** A deferrable job whose home is HOME, with a complete region-local set in OTHER (much cleaner on yearly averages). */
function jobRequest(clientToken: string, prefix: string, nowSec: number) {
  const img = (r: string) => `${ACCOUNT}.dkr.ecr.${r}.amazonaws.com/train:1`;
  return {
    apiVersion: 'carbonpilot/v1',
    clientToken,
    trainingJob: {
      TrainingJobName: prefix,
      AlgorithmSpecification: { TrainingImage: img(HOME), TrainingInputMode: 'File' },
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/carbonpilot-training-e2e`,
      ResourceConfig: { InstanceType: 'ml.g5.12xlarge', InstanceCount: 1, VolumeSizeInGB: 100 },
      StoppingCondition: { MaxRuntimeInSeconds: 86400 },
      InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://e2e-data-home/${prefix}/train` } } }],
      OutputDataConfig: { S3OutputPath: `s3://e2e-data-home/${prefix}/out` },
    },
    deadline: new Date((nowSec + 40 * H) * 1000).toISOString(),
    expectedDurationSec: 6 * H,
    allowedRegions: [
      { region: HOME },
      { region: OTHER, locations: { trainingImage: img(OTHER), inputChannels: { train: `s3://e2e-data-other/${prefix}/train` }, outputPath: `s3://e2e-data-other/${prefix}/out` } },
    ],
    interruptible: false,
    signal: 'average',
    ownerTags: { team: 'nlp', project: 'e2e' },
  };
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
