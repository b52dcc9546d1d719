/**
 * Composition of the model lifecycle for every environment: the deps of the lifecycle function, of the API routes /
 * CLI service, and the local SageMaker stand-in (DEMO) with its seed. Only composition builds adapters.
 */
import type { EventPublisher } from '../ports';
import type { LifecycleCloud } from '../ports/lifecycle-ports';
import { catalogInstanceTypes, lookupInstance } from '../domain/power/instance-catalog';
import { DAY_SEC, type EpochSec } from '../domain/time';
import { RAW_SAMPLES_TTL_SEC } from '../adapters/aws/table-schema';
import { LocalSageMakerEndpoints, demoModelBucket, demoPackageArn } from '../adapters/local/local-sagemaker-endpoints';
import { buildDemoFleet, DEMO_MODEL_PACKAGES } from '../adapters/local/demo-fleet';
import { variantResourceId, VARIANT_DIMENSION } from '../domain/lifecycle/aws-calls';
import type { LifecycleFunctionDeps } from '../use-cases/lifecycle-run';
import type { LifecycleServiceDeps } from '../use-cases/lifecycle-service';
import type { AppCore } from './deps';
import type { DemoSeeder } from './local-demo';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Who the scheduled function acts as in action records. */
export const LIFECYCLE_ACTOR = 'lifecycle-function';

/** Deps of the lifecycle function over one environment's core and cloud. */
export const lifecycleFunctionDeps = (core: AppCore, cloud: LifecycleCloud, publisher: EventPublisher): LifecycleFunctionDeps => ({
  footprint: core.store,
  store: core.lifecycle,
  cloud,
  clock: core.clock,
  defaults: core.config.lifecycle,
  lookupInstance: core.lookupInstance,
  regions: core.config.regions,
  publisher,
  actor: LIFECYCLE_ACTOR,
});

/** Deps of the lifecycle API routes and CLI: `cloud` only where the process may act (CLI, local server). */
export const lifecycleServiceDeps = (core: AppCore, o: { cloud?: LifecycleCloud; publisher?: EventPublisher }): LifecycleServiceDeps => ({
  footprint: core.store,
  store: core.lifecycle,
  clock: core.clock,
  defaults: core.config.lifecycle,
  lookupInstance,
  regions: core.config.regions,
  intensityProviders: core.intensityProviders,
  regionInfo: core.regionInfo,
  signal: core.config.signal,
  catalogTypes: catalogInstanceTypes(),
  minObservedHours: core.config.lifecycle.rightsizingMinObservedHours,
  rawRetentionSec: RAW_SAMPLES_TTL_SEC,
  ...(o.cloud ? { cloud: o.cloud } : {}),
  ...(o.publisher ? { publisher: o.publisher } : {}),
});

/** The local SageMaker stand-in over a local store (DEMO). */
export const localSageMaker = (client: DynamoDBClient, tableName: string, core: Pick<AppCore, 'store' | 'clock'>): LocalSageMakerEndpoints =>
  new LocalSageMakerEndpoints(client, tableName, core.store, core.clock);

/**
 * DEMO seed of the lifecycle (before the replay): the stand-in's auto scaling of the demo endpoints (a target-tracking
 * policy each; a step policy with its alarm on the over-provisioned one), the demo Model Registry, and the registry
 * history CarbonPilot "observed" before the replay (a package last served 120 days ago). Writes only where nothing is
 * stored, so `npm start` twice changes nothing and never undoes what the lifecycle did.
 */
export async function seedLifecycleDemo(sm: LocalSageMakerEndpoints, lifecycle: AppCore['lifecycle'], nowSec: EpochSec): Promise<void> {
  const fleet = buildDemoFleet(nowSec).filter((r) => r.kind === 'endpoint' && !r.serverless);
  for (const r of fleet) {
    const [name, variant] = r.id.split('/');
    const id = variantResourceId(name, variant);
    const counts = r.counts.map((c) => c.instanceCount);
    await sm.seedDefault('LOCALSM#AAS', `${r.region}#${id}`, { ServiceNamespace: 'sagemaker', ResourceId: id, ScalableDimension: VARIANT_DIMENSION, MinCapacity: Math.max(1, Math.min(...counts)), MaxCapacity: Math.max(...counts), registered: true });
    const base = `arn:aws:autoscaling:${r.region}:000000000000:scalingPolicy:00000000-demo-0000-0000-${name.length.toString(16).padStart(12, '0')}:resource/sagemaker/${id}:policyName/`;
    await sm.seedDefault('LOCALSM#POLICIES', `${r.region}#${id}#${name}-invocations`, {
      PolicyName: `${name}-invocations`, PolicyARN: `${base}${name}-invocations`, ServiceNamespace: 'sagemaker', ResourceId: id, ScalableDimension: VARIANT_DIMENSION, PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 300, PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' }, ScaleInCooldown: 300, ScaleOutCooldown: 60 },
      Alarms: [{ AlarmName: `TargetTracking-${id}-AlarmHigh-demo` }, { AlarmName: `TargetTracking-${id}-AlarmLow-demo` }],
    });
    if (r.tags['carbonpilot:demo-load'] === 'low') {
      const arn = `${base}${name}-cpu-step`;
      await sm.seedDefault('LOCALSM#POLICIES', `${r.region}#${id}#${name}-cpu-step`, {
        PolicyName: `${name}-cpu-step`, PolicyARN: arn, ServiceNamespace: 'sagemaker', ResourceId: id, ScalableDimension: VARIANT_DIMENSION, PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', MetricAggregationType: 'Average', Cooldown: 300, StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] },
        Alarms: [{ AlarmName: `${name}-cpu-high` }],
      });
      await sm.seedDefault('LOCALSM#ALARMS', `${r.region}#${name}-cpu-high`, {
        AlarmName: `${name}-cpu-high`, AlarmDescription: 'DEMO: add an instance when CPU runs hot', ActionsEnabled: true, AlarmActions: [arn],
        MetricName: 'CPUUtilization', Namespace: '/aws/sagemaker/Endpoints', Statistic: 'Average', Dimensions: [{ Name: 'EndpointName', Value: name }, { Name: 'VariantName', Value: variant }],
        Period: 300, EvaluationPeriods: 3, Threshold: 80, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
      });
    }
  }
  for (const p of DEMO_MODEL_PACKAGES) {
    const arn = demoPackageArn(p.region, p.group, p.version);
    const endpoint = p.servedBy ?? p.group;
    await sm.seedDefault('LOCALSM#PACKAGES', `${p.region}#${arn}`, {
      arn, groupName: p.group, version: p.version, createdSec: nowSec - p.createdDaysBeforeNow * DAY_SEC, approvalStatus: 'Approved',
      lifeCycle: { Stage: 'Production', StageStatus: 'Deployed' }, modelDataUrls: [`s3://${demoModelBucket(p.region)}/${endpoint}/model.tar.gz`], tags: p.tags, demo: true,
      ...(p.servedBy ? { servedBy: p.servedBy } : {}),
    });
    if (p.lastLiveDaysBeforeNow !== undefined) await lifecycle.markPackageLive(p.region, arn, nowSec - p.lastLiveDaysBeforeNow * DAY_SEC, true);
    await lifecycle.observedSince(p.region, nowSec - 180 * DAY_SEC); // DEMO: the registry "observed" for 180 days
  }
}

/** The DEMO seeder of `npm start` (registered in local-demo.ts). */
export const lifecycleDemoSeeder: DemoSeeder = {
  id: 'lifecycle',
  phase: 'before-replay',
  run: async (env, replay) => seedLifecycleDemo(env.endpoints, env.core.lifecycle, replay.nowSec),
};
