/**
 * A small lifecycle world on the real DynamoDB API (dynalite, in memory) through the real SDK: one endpoint variant
 * with idle intervals and auto scaling (target tracking + a step policy and its alarm) in the local SageMaker
 * stand-in, the lifecycle store, a manual clock and a recording publisher.
 */
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { tableStores, type TableStores } from '../../shared/composition/factories';
import { LocalSageMakerEndpoints, demoModelBucket, demoPackageArn } from '../../shared/adapters/local/local-sagemaker-endpoints';
import { ManualClock } from '../../shared/adapters/local/manual-clock';
import { DEFAULT_LIFECYCLE } from '../../shared/domain/lifecycle/settings';
import { lookupInstance } from '../../shared/domain/power/instance-catalog';
import { variantResourceId, VARIANT_DIMENSION } from '../../shared/domain/lifecycle/aws-calls';
import { makeLifecycleActions, type LifecycleActionDeps } from '../../shared/use-cases/lifecycle-actions';
import type { LifecycleCloud, LifecycleStore } from '../../shared/ports/lifecycle-ports';
import type { ResourceRef } from '../../shared/domain/types';
import { DAY_SEC, HOUR_SEC } from '../../shared/domain/time';
import { hours, T0, variant } from './lifecycle-fixtures';

export const REGION = 'eu-west-1';
export const EP = 'ep-a';
export const NOW = T0 + 10 * DAY_SEC;

export interface LifecycleWorld {
  db: EmbeddedDynamo;
  stores: TableStores;
  clock: ManualClock;
  sm: LocalSageMakerEndpoints;
  events: { detailType: string; detail: any }[];
  resource: ResourceRef;
  deps(o?: { cloud?: LifecycleCloud; store?: LifecycleStore; vetoWindowSec?: number }): LifecycleActionDeps;
  actions(o?: Parameters<LifecycleWorld['deps']>[0]): ReturnType<typeof makeLifecycleActions>;
  close(): Promise<void>;
}

export async function startLifecycleWorld(o: { tags?: Record<string, string>; tableName?: string } = {}): Promise<LifecycleWorld> {
  const db = await startEmbeddedDynamo({ tableName: o.tableName ?? 'lifecycle-test' });
  const stores = tableStores(db.client, db.tableName);
  const clock = new ManualClock(NOW);
  const resource = variant({ id: `${EP}/AllTraffic`, region: REGION, instanceType: 'ml.g5.xlarge', counts: [{ atSec: T0 - DAY_SEC, instanceCount: 2 }], tags: { team: 'nlp', 'carbonpilot:managed': 'true', ...o.tags } });
  await stores.store.putResource(resource);
  // 10 days: invoked on day 0 only, then idle (0.1 kWh IT per hour).
  for (const i of hours(resource, 0, 240, (h) => (h < 24 ? 3 : 0))) await stores.store.putInterval({ ...i, itEnergyKwh: { point: 0.1, low: 0.05, high: 0.2 }, energyKwh: { point: 0.12, low: 0.06, high: 0.24 }, co2eKg: { point: 0.03, low: 0.015, high: 0.06 } });
  const sm = new LocalSageMakerEndpoints(db.client, db.tableName, stores.store, clock);
  const id = variantResourceId(EP, 'AllTraffic');
  await sm.seedDefault('LOCALSM#AAS', `${REGION}#${id}`, { ServiceNamespace: 'sagemaker', ResourceId: id, ScalableDimension: VARIANT_DIMENSION, MinCapacity: 1, MaxCapacity: 3, registered: true });
  await sm.seedDefault('LOCALSM#POLICIES', `${REGION}#${id}#tt`, { PolicyName: 'tt', PolicyARN: 'arn:aws:autoscaling:eu-west-1:000000000000:scalingPolicy:old-tt:resource/sagemaker/x:policyName/tt', ServiceNamespace: 'sagemaker', ResourceId: id, ScalableDimension: VARIANT_DIMENSION, PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: { TargetValue: 300, PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' } }, Alarms: [{ AlarmName: 'TargetTracking-hi' }] });
  const stepArn = 'arn:aws:autoscaling:eu-west-1:000000000000:scalingPolicy:old-step:resource/sagemaker/x:policyName/step';
  await sm.seedDefault('LOCALSM#POLICIES', `${REGION}#${id}#step`, { PolicyName: 'step', PolicyARN: stepArn, ServiceNamespace: 'sagemaker', ResourceId: id, ScalableDimension: VARIANT_DIMENSION, PolicyType: 'StepScaling', StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] }, Alarms: [{ AlarmName: 'cpu-high' }] });
  await sm.seedDefault('LOCALSM#ALARMS', `${REGION}#cpu-high`, { AlarmName: 'cpu-high', AlarmActions: [stepArn], MetricName: 'CPUUtilization', Namespace: '/aws/sagemaker/Endpoints', Statistic: 'Average', Period: 300, EvaluationPeriods: 3, Threshold: 80, ComparisonOperator: 'GreaterThanThreshold' });
  const arn = demoPackageArn(REGION, 'pkg', 1);
  await sm.seedDefault('LOCALSM#PACKAGES', `${REGION}#${arn}`, { arn, groupName: 'pkg', version: 1, createdSec: T0 - 200 * DAY_SEC, lifeCycle: { Stage: 'Production', StageStatus: 'Deployed' }, modelDataUrls: [`s3://${demoModelBucket(REGION)}/pkg/model.tar.gz`], tags: { 'carbonpilot:managed': 'true' } });
  const events: LifecycleWorld['events'] = [];
  const deps = (x: Parameters<LifecycleWorld['deps']>[0] = {}): LifecycleActionDeps => ({
    store: x.store ?? stores.lifecycle,
    cloud: x.cloud ?? sm,
    footprint: stores.store,
    clock,
    defaults: { ...DEFAULT_LIFECYCLE, vetoWindowSec: x.vetoWindowSec ?? DEFAULT_LIFECYCLE.vetoWindowSec },
    lookupInstance,
    publisher: { publish: async (es) => void events.push(...es.map((e) => ({ detailType: e.detailType, detail: e.detail }))) },
  });
  return { db, stores, clock, sm, events, resource, deps, actions: (x) => makeLifecycleActions(deps(x)), close: () => db.close() };
}

export const endpointSubject = { kind: 'endpoint' as const, region: REGION, name: EP };
export const packageSubject = { kind: 'model-package' as const, region: REGION, name: demoPackageArn(REGION, 'pkg', 1) };
export const parkProposal = { action: 'park' as const, expectedSavingKgCo2ePerMonth: 21.9, expectedSavingRangeKgCo2ePerMonth: null, expectedSavingKwhPerMonth: 87.6, restoreTime: 'PT15M', restoreNote: '', ready: true, reason: 'cold', warnings: [] };
export const HOUR = HOUR_SEC;
