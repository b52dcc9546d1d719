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

// One client of each kind per Lambda container, shared by the app and the scheduling adapters.
let dynamoClient: DynamoDBClient | undefined;
const dynamoDb = (): DynamoDBClient => (dynamoClient ??= new DynamoDBClient({}));
const regional = <C>(make: (region: string) => C): ((region: string) => C) => {
  const m = new Map<string, C>();
  return (region) => {
    let c = m.get(region);
    if (!c) m.set(region, (c = make(region)));
    return c;
  };
};
const sageMakerIn = regional((region) => new SageMakerClient({ region }));
const ec2In = regional((region) => new EC2Client({ region }));

/** Built lazily on the first invocation so importing a handler (tests, local runtime) never creates AWS clients. */
export const awsDeps = (): Promise<AppDeps> => (cached ??= build());

async function build(): Promise<AppDeps> {
  const config = loadConfig(process.env);
  const dynamo = dynamoDb();
  const events = new EventBridgeClient({});
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
      clientsFor: (region) => ({ sagemaker: sageMakerIn(region), ec2: ec2In(region) }),
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
  return {
    jobs: new DynamoJobStore(dynamoDb(), app.config.tableName),
    scheduler: new EventBridgeSegmentScheduler(new SchedulerClient({}), { targetArn, roleArn, groupName: env.SCHEDULE_GROUP_NAME, deadLetterArn: env.SCHEDULER_DLQ_ARN }),
    launcher: new SageMakerTrainingLauncher(sageMakerIn),
    forecasts: new SeriesForecastSource(app.intensityProviders, app.intensityStore),
    clock: app.clock,
    regionInfo: app.regionInfo,
    lookupInstance: app.lookupInstance,
    log: app.log,
    config: { maxPlanHorizonDays: app.config.maxPlanHorizonDays },
  };
}

