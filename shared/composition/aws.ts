/** Composition root in AWS Lambda: clients built once per cold start, configuration parsed once and frozen. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { loadConfig } from '../contracts/config';
import { CloudWatchMetricsSource } from '../adapters/aws/cloudwatch-metrics-source';
import { DynamoFootprintStore } from '../adapters/aws/dynamodb-footprint-store';
import { AwsWorkloadInventory } from '../adapters/aws/sagemaker-inventory';
import { RequestBudget } from '../adapters/aws/retry';
import { YearlyIntensityProvider } from '../adapters/intensity/yearly-intensity-provider';
import { acceleratedFamilies, lookupInstance } from '../domain/power/instance-catalog';
import { getRegionInfo } from '../domain/regions/region-catalog';
import { systemClock } from '../adapters/system-clock';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { DynamoJobStore } from '../adapters/aws/dynamodb-job-store';
import { EventBridgeSegmentScheduler } from '../adapters/aws/eventbridge-segment-scheduler';
import { SageMakerTrainingLauncher } from '../adapters/aws/sagemaker-training-launcher';
import { SeriesForecastSource } from '../adapters/intensity/series-forecast-source';
import type { SchedulingDeps } from '../ports/scheduler-ports';
import { jsonLog, type AppDeps } from './deps';
import { DynamoIntensityStore } from '../adapters/aws/dynamodb-intensity-store';
import { StoredIntensityProvider } from '../adapters/intensity/stored-intensity-provider';
import { liveProvidersLoader } from '../adapters/intensity/live-providers';

let cached: Promise<AppDeps> | undefined;

/** Built lazily on the first invocation so importing a handler (tests, local runtime) never creates AWS clients. */
export const awsDeps = (): Promise<AppDeps> => (cached ??= build());

async function build(): Promise<AppDeps> {
  const config = loadConfig(process.env);
  const dynamo = new DynamoDBClient({});
  const events = new EventBridgeClient({});
  const sagemakers = new Map<string, { sagemaker: SageMakerClient; ec2: EC2Client }>();
  const intensityStore = new DynamoIntensityStore(dynamo, config.tableName);
  return {
    intensityStore,
    liveProviders: liveProvidersLoader(process.env),
    config,
    store: new DynamoFootprintStore(dynamo, config.tableName),
    // CloudWatch metrics are regional: one source per monitored region is the next step; today the function's region.
    metrics: new CloudWatchMetricsSource(new CloudWatchClient({}), {
      acceleratorCount: (t) => lookupInstance(t)?.acceleratorCount,
      vcpuCount: (t) => lookupInstance(t)?.vcpus,
      budget: new RequestBudget(config.getMetricDataCallBudget),
    }),
    inventory: new AwsWorkloadInventory({
      clientsFor: (region) => {
        let c = sagemakers.get(region);
        if (!c) sagemakers.set(region, (c = { sagemaker: new SageMakerClient({ region }), ec2: new EC2Client({ region }) }));
        return c;
      },
      acceleratedFamilies: acceleratedFamilies(),
      onIssue: (msg) => jsonLog('inventory issue', { issue: msg }),
    }),
    intensityProviders: [new StoredIntensityProvider(intensityStore, systemClock), new YearlyIntensityProvider()],
    publisher: {
      publish: async (entries) => {
        for (let i = 0; i < entries.length; i += 10) {
          const out = await events.send(
            new PutEventsCommand({
              Entries: entries.slice(i, i + 10).map((e) => ({
                EventBusName: config.eventBusName,
                Source: e.source,
                DetailType: e.detailType,
                Detail: JSON.stringify(e.detail),
              })),
            }),
          );
          if (out.FailedEntryCount) throw new Error(`PutEvents: ${out.FailedEntryCount} entries failed`);
        }
      },
    },
    clock: systemClock,
    lookupInstance,
    regionInfo: (region) => getRegionInfo(region, config.regionOverrides),
    log: jsonLog,
    emitMetricLine: (line) => console.log(line),
  };
}

/** AWS scheduling adapters over the app deps (clients once per cold start). `targetArn` = the dispatch Lambda. */
export function awsSchedulingDeps(app: AppDeps, targetArn: string, env: Record<string, string | undefined> = process.env): SchedulingDeps {
  const roleArn = env.SCHEDULER_ROLE_ARN;
  if (!roleArn) throw new Error('configuration: SCHEDULER_ROLE_ARN is required');
  const sagemakers = new Map<string, SageMakerClient>();
  return {
    jobs: new DynamoJobStore(new DynamoDBClient({}), app.config.tableName),
    scheduler: new EventBridgeSegmentScheduler(new SchedulerClient({}), { targetArn, roleArn, groupName: env.SCHEDULE_GROUP_NAME, deadLetterArn: env.SCHEDULER_DLQ_ARN }),
    launcher: new SageMakerTrainingLauncher((region) => {
      let c = sagemakers.get(region);
      if (!c) sagemakers.set(region, (c = new SageMakerClient({ region })));
      return c;
    }),
    forecasts: new SeriesForecastSource(app.intensityProviders, app.intensityStore),
    clock: app.clock,
    regionInfo: app.regionInfo,
    lookupInstance: app.lookupInstance,
    log: app.log,
  };
}

