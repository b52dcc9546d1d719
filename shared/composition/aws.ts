/**
 * Composition root in AWS Lambda. Configuration is parsed once per container (a missing required variable fails
 * the first invocation, naming it); clients are built once per container — one per service and, for regional
 * services (CloudWatch, SageMaker, EC2), one per region; per-run state (request budgets, intensity caches) is made
 * per invocation. Where our retry layer runs (CloudWatch, SageMaker, EC2, S3 checks), the SDK's own retries are off
 * (`maxAttempts: 1`), so every HTTP request is an attempt our backoff counts against the run's budget.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { SageMakerLifecycleCloud } from '../adapters/aws/sagemaker-lifecycle';
import { ConfigurationError, loadConfig, type AppConfig } from '../contracts/config';
import { COMMON_REQUIRED_ENV, PIPELINE } from '../pipeline';
import type { EventPublisher } from '../ports';
import { CloudWatchMetricsSource } from '../adapters/aws/cloudwatch-metrics-source';
import { RegionalMetricsSource } from '../adapters/aws/regional-metrics-source';
import { AwsWorkloadInventory } from '../adapters/aws/sagemaker-inventory';
import { NO_SDK_RETRIES, RequestBudget } from '../adapters/aws/retry';
import { EventBridgeSegmentScheduler } from '../adapters/aws/eventbridge-segment-scheduler';
import { SageMakerTrainingLauncher } from '../adapters/aws/sagemaker-training-launcher';
import { S3LocationVerifier } from '../adapters/aws/s3-location-verifier';
import { S3ObjectWriter } from '../adapters/aws/s3-object-writer';
import { SageMakerOptimisationGateway } from '../adapters/aws/sagemaker-optimisation-gateway';
import { SageMakerOptimisationMetrics } from '../adapters/aws/sagemaker-optimisation-metrics';
import { EventBridgeOptimisationScheduler } from '../adapters/aws/eventbridge-optimisation-scheduler';
import { liveProvidersLoader } from '../adapters/intensity/live-providers';
import { systemClock } from '../adapters/system-clock';
import { acceleratedFamilies, lookupInstance } from '../domain/power/instance-catalog';
import { jsonLog, type CompositionRoot, type DepsGetter, type FunctionId } from './deps';
import { makeCore, makeRoot, tableStores } from './factories';

/** One client per key for the container's lifetime. */
const perKey = <C>(make: (key: string) => C): ((key: string) => C) => {
  const m = new Map<string, C>();
  return (key) => {
    let c = m.get(key);
    if (!c) m.set(key, (c = make(key)));
    return c;
  };
};

/** PutEvents on the CarbonPilot bus, 10 entries per call (the API's limit); a partial failure throws (the run is retried). */
export const eventBridgePublisher = (events: EventBridgeClient, busName: string): EventPublisher => ({
  publish: async (entries) => {
    for (let i = 0; i < entries.length; i += 10) {
      const out = await events.send(
        new PutEventsCommand({
          Entries: entries.slice(i, i + 10).map((e) => ({ EventBusName: busName, Source: e.source, DetailType: e.detailType, Detail: JSON.stringify(e.detail) })),
        }),
      );
      if (out.FailedEntryCount) throw new Error(`PutEvents: ${out.FailedEntryCount} entries failed`);
    }
  },
});

/** The container: config and clients, built on the first invocation (importing a handler builds nothing). */
function buildContainer(env: Record<string, string | undefined>, required: readonly string[]): CompositionRoot {
  const config: Readonly<AppConfig> = loadConfig(env, { require: required as never });
  const home = config.homeRegion!;
  const dynamo = new DynamoDBClient({ region: home });
  const events = new EventBridgeClient({ region: home });
  const s3 = new S3Client({ region: home, ...NO_SDK_RETRIES });
  const cloudWatchIn = perKey((region) => new CloudWatchClient({ region, ...NO_SDK_RETRIES }));
  const sageMakerIn = perKey((region) => new SageMakerClient({ region, ...NO_SDK_RETRIES }));
  const ec2In = perKey((region) => new EC2Client({ region, ...NO_SDK_RETRIES }));
  const autoScalingIn = perKey((region) => new ApplicationAutoScalingClient({ region, ...NO_SDK_RETRIES }));
  // Model artefacts live in the model's region (SageMaker requires it): object tagging goes to that region's S3.
  const s3In = perKey((region) => (region === home ? s3 : new S3Client({ region, ...NO_SDK_RETRIES })));
  const lifecycleCloud = new SageMakerLifecycleCloud((region) => ({ sagemaker: sageMakerIn(region), autoscaling: autoScalingIn(region), cloudwatch: cloudWatchIn(region), s3: s3In(region) }));
  let scheduler: SchedulerClient | undefined;
  const stores = tableStores(dynamo, config.tableName);
  const core = makeCore({ config, stores, clock: systemClock, demo: false, log: jsonLog });
  const launcher = new SageMakerTrainingLauncher(sageMakerIn);
  const optimisationGateway = new SageMakerOptimisationGateway(sageMakerIn);
  const locations = new S3LocationVerifier(s3);
  const writer = config.exportBucket ? new S3ObjectWriter(s3, config.exportBucket) : undefined;
  const liveProviders = liveProvidersLoader(config, { secrets: new SecretsManagerClient({ region: home }) });
  return makeRoot({
    core,
    jobs: stores.jobs,
    budgets: stores.budgets,
    targets: stores.targets,
    publisher: eventBridgePublisher(events, config.eventBusName),
    inventory: () =>
      new AwsWorkloadInventory({
        clientsFor: (region) => ({ sagemaker: sageMakerIn(region), ec2: ec2In(region) }),
        acceleratedFamilies: acceleratedFamilies(),
        onIssue: (msg) => jsonLog('inventory issue', { issue: msg }),
      }),
    metrics: () => {
      // One budget per invocation, shared by every region's source: a warm container starts each run afresh.
      const budget = new RequestBudget(config.getMetricDataCallBudget);
      return new RegionalMetricsSource(
        (region) =>
          new CloudWatchMetricsSource(cloudWatchIn(region), {
            acceleratorCount: (t) => lookupInstance(t)?.acceleratorCount,
            vcpuCount: (t) => lookupInstance(t)?.vcpus,
            budget,
          }),
        config.regions,
      );
    },
    liveProviders,
    scheduling: (ctx) => {
      const targetArn = config.scheduling.dispatchFunctionArn ?? ctx.invokedFunctionArn;
      if (!targetArn) throw new ConfigurationError(['DISPATCH_FUNCTION_ARN'], 'DISPATCH_FUNCTION_ARN is required (or the dispatcher’s own ARN from its context)');
      if (!config.scheduling.schedulerRoleArn) throw new ConfigurationError(['SCHEDULER_ROLE_ARN'], 'SCHEDULER_ROLE_ARN is required');
      scheduler ??= new SchedulerClient({ region: home });
      return {
        scheduler: new EventBridgeSegmentScheduler(scheduler, {
          targetArn,
          roleArn: config.scheduling.schedulerRoleArn,
          groupName: config.scheduling.scheduleGroupName,
          deadLetterArn: config.scheduling.schedulerDlqArn,
        }),
        launcher,
        locations,
      };
    },
    exportWriter: () => writer,
    emitMetricLine: (line) => console.log(line),
    lifecycleCloud: () => lifecycleCloud,
    optimisation: (ctx) => ({
      sagemaker: optimisationGateway,
      // One GetMetricData budget per invocation (ModelLatency and errors of the variants under test).
      metrics: new SageMakerOptimisationMetrics(cloudWatchIn, { budget: new RequestBudget(config.getMetricDataCallBudget) }),
      // Polls target the optimise function itself (its ARN from the context), as the dispatcher's schedules do.
      scheduler: {
        schedule: (name, atSec, payload) => {
          if (!ctx.invokedFunctionArn) throw new ConfigurationError(['invokedFunctionArn'], 'the optimise function needs its own ARN (Lambda context) to schedule its polls');
          if (!config.scheduling.schedulerRoleArn) throw new ConfigurationError(['SCHEDULER_ROLE_ARN'], 'SCHEDULER_ROLE_ARN is required');
          scheduler ??= new SchedulerClient({ region: home });
          return new EventBridgeOptimisationScheduler(scheduler, {
            targetArn: ctx.invokedFunctionArn,
            roleArn: config.scheduling.schedulerRoleArn,
            groupName: config.scheduling.scheduleGroupName,
            deadLetterArn: config.scheduling.schedulerDlqArn,
          }).schedule(name, atSec, payload);
        },
      },
    }),
  });
}

/** The variables a pipeline function requires in AWS. */
export const requiredEnvOf = (id: FunctionId): string[] => {
  const fn = PIPELINE.find((f) => f.id === id);
  if (!fn) throw new Error(`no pipeline function ${id}`);
  return [...COMMON_REQUIRED_ENV, ...fn.requiredEnv];
};

let container: CompositionRoot | undefined;

/**
 * The deps getter of one pipeline function in AWS: `export const handler = makeHandler(awsDeps('rollup'))`.
 * The container is built on the first invocation; a configuration error is thrown then (and again on every
 * invocation until fixed), naming the variable.
 */
export const awsDeps = <K extends FunctionId>(id: K, env: Record<string, string | undefined> = process.env): DepsGetter<K> =>
  async (context) => {
    container ??= buildContainer(env, requiredEnvOf(id));
    return container[id](context);
  };

/** Test hook: build a container from an explicit environment (the synthesized template's) without caching it. */
export const awsRootFor = (id: FunctionId, env: Record<string, string | undefined>): CompositionRoot => buildContainer(env, requiredEnvOf(id));
