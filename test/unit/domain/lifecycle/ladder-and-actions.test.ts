/** Settings by tag, the ladder's proposals and restore costs, the action state machine and the exact AWS inputs. */
import { DEFAULT_LIFECYCLE, subjectSettings } from '../../../../shared/domain/lifecycle/settings';
import { HOURS_PER_MONTH, proposalFor, RESTORE_COST } from '../../../../shared/domain/lifecycle/ladder';
import { actionIdFor, canTransition, isDue, newActionRecord, transition, undoTarget, IllegalTransitionError } from '../../../../shared/domain/lifecycle/action-machine';
import {
  alarmsToRestore,
  archivePackageInput,
  archiveTaggingInput,
  createEndpointInput,
  parseS3Url,
  putMetricAlarmInput,
  restorePackageInput,
  scaleToZeroInputs,
} from '../../../../shared/domain/lifecycle/aws-calls';
import type { EndpointSnapshot, Proposal, ScalingPolicySnapshot } from '../../../../shared/domain/lifecycle/types';

describe('settings per subject (defaults, overridden by tags)', () => {
  it('uses the issue defaults without tags: recommend, cooling 3 d, cold 14 d, frozen 90 d', () => {
    expect(subjectSettings({})).toMatchObject({ mode: 'recommend', coolingAfterDays: 3, coldAfterDays: 14, frozenAfterDays: 90, keepWarm: false, managed: false, archiveClass: 'glacier-ir', issues: [] });
  });

  it('reads thresholds, mode, keep-warm, managed and archive class from tags (keys case-insensitive)', () => {
    const s = subjectSettings({ 'CarbonPilot:Cold-After-Days': '5', 'carbonpilot:cooling-after-days': '1', 'carbonpilot:lifecycle-mode': 'auto', 'carbonpilot:keep-warm': 'yes', 'carbonpilot:managed': 'TRUE', 'carbonpilot:archive-class': 'deep-archive' });
    expect(s).toMatchObject({ coldAfterDays: 5, coolingAfterDays: 1, mode: 'auto', keepWarm: true, managed: true, archiveClass: 'deep-archive' });
  });

  it.each([
    [{ 'carbonpilot:cold-after-days': 'soon' }, /cold-after-days="soon".*default 14/],
    [{ 'carbonpilot:lifecycle-mode': 'yolo' }, /lifecycle-mode="yolo"/],
    [{ 'carbonpilot:cold-after-days': '2' }, /below the cooling threshold/],
  ])('reports and ignores a bad tag %j', (tags, issue) => {
    const s = subjectSettings(tags);
    expect(s.issues.join('; ')).toMatch(issue);
    expect(s.coldAfterDays).toBeGreaterThanOrEqual(s.coolingAfterDays);
  });

  it('never lets the configuration default be auto (auto is a per-resource opt-in by tag)', () => {
    expect(DEFAULT_LIFECYCLE.mode).not.toBe('auto');
    expect(subjectSettings({ 'carbonpilot:keep-warm': 'false' }).keepWarm).toBe(false);
  });
});

describe('the ladder', () => {
  const base = { idleDays: 20, done: [] as never[], archiveClass: 'glacier-ir' as const };
  it('proposes park for a cold endpoint, saving its measured idle draw per month', () => {
    const p = proposalFor({ ...base, kind: 'endpoint', state: 'cold', idleKgCo2ePerHour: { point: 0.01, low: 0.005, high: 0.02 }, idleKwhPerHour: { point: 0.04, low: 0.02, high: 0.08 } });
    expect(p).toMatchObject({ action: 'park', ready: true, restoreTime: RESTORE_COST.park.restoreTime });
    expect(p.expectedSavingKgCo2ePerMonth).toBeCloseTo(0.01 * HOURS_PER_MONTH, 9);
    expect(p.expectedSavingRangeKgCo2ePerMonth).toEqual({ point: 0.01 * 730, low: 0.005 * 730, high: 0.02 * 730 });
    expect(p.expectedSavingKwhPerMonth).toBeCloseTo(0.04 * 730, 9);
  });

  it.each([
    ['inference-component', 'scale-to-zero', 'PT5M'],
    ['model-package', 'archive-package', 'PT0S'],
  ] as const)('proposes %s → %s (restore %s)', (kind, action, restore) => {
    const p = proposalFor({ ...base, kind, state: kind === 'model-package' ? 'frozen' : 'cold' });
    expect(p).toMatchObject({ action, restoreTime: restore, ready: true });
    expect(p.expectedSavingKgCo2ePerMonth).toBeNull(); // not quantified per component / no compute energy
  });

  it('takes the next rung once one is done, and warns of deep archive classes', () => {
    const p = proposalFor({ ...base, kind: 'model-package', state: 'frozen', done: ['archive-package'], archiveClass: 'deep-archive' });
    expect(p).toMatchObject({ action: 'archive-artefacts', restoreTime: 'PT48H' });
    expect(p.warnings.join(' ')).toMatch(/RestoreObject first/);
  });

  it.each([
    [{ state: 'active' as const }, /^active/],
    [{ state: 'cold' as const, excluded: 'keep-warm tag' }, /^excluded: keep-warm tag/],
    [{ state: 'parked' as const, actedBy: { actionId: 'park-x-1', action: 'park' as const } }, /park by park-x-1/],
  ])('proposes nothing when %j', (o, reason) => {
    const p = proposalFor({ ...base, kind: 'endpoint', ...o });
    expect(p.action).toBe('none');
    expect(p.reason).toMatch(reason);
    expect(p).toHaveProperty('expectedSavingKgCo2ePerMonth');
    expect(p).toHaveProperty('restoreTime');
  });

  it('shows a cooling endpoint the action it will get, not ready, with days to cold', () => {
    const p = proposalFor({ ...base, kind: 'endpoint', state: 'cooling', idleDays: 5, readyInDays: 9 });
    expect(p).toMatchObject({ action: 'park', ready: false });
    expect(p.reason).toMatch(/cold in 9.0 days/);
  });
});

describe('the action state machine', () => {
  const proposal = { action: 'park' } as Proposal;
  const rec = (approved: boolean, mode: 'approve' | 'auto' | 'recommend' = 'approve') =>
    newActionRecord({ actionId: 'a-1', subject: { kind: 'endpoint', region: 'eu-west-1', name: 'x' }, action: 'park', mode, atSec: 1000, by: 'alice', reason: 'cold', proposal, approved, vetoWindowSec: 3600, demo: false });

  it('records who and why on creation and on every move, one version at a time', () => {
    const r = transition(rec(true), 'snapshot-saved', { atSec: 1100, by: 'fn', why: 'snapshot stored' });
    expect(r.version).toBe(2);
    expect(r.history.map((h) => [h.from, h.to, h.by, h.why])).toEqual([[null, 'approved', 'alice', 'cold'], ['approved', 'snapshot-saved', 'fn', 'snapshot stored']]);
  });

  it('refuses moves the table does not allow (e.g. deleting before the snapshot)', () => {
    expect(() => transition(rec(true), 'deleting', { atSec: 1, by: 'x', why: 'y' })).toThrow(IllegalTransitionError);
    expect(canTransition('parked', 'deleting')).toBe(false);
    expect(canTransition('restored', 'restoring')).toBe(false);
  });

  it.each([
    ['proposed', 'cancelled'],
    ['approved', 'cancelled'],
    ['snapshot-saved', 'restoring'],
    ['scaling-removed', 'restoring'],
    ['deleting', 'restoring'],
    ['parked', 'restoring'],
    ['applied', 'restoring'],
    ['restored', undefined],
  ] as const)('undo from %s goes to %s', (from, to) => {
    expect(undoTarget(from)).toBe(to);
    if (to) expect(canTransition(from, to)).toBe(true);
  });

  it('runs an approved action after its veto window, an auto proposal after its own, never a proposal in approve mode', () => {
    expect(isDue(rec(true), 1000)).toBe(true);
    expect(isDue(rec(false, 'auto'), 1000 + 3599)).toBe(false);
    expect(isDue(rec(false, 'auto'), 1000 + 3600)).toBe(true);
    expect(isDue(rec(false, 'approve'), 1e9)).toBe(false);
  });

  it('names actions deterministically per subject and episode', () => {
    const s = { kind: 'endpoint' as const, region: 'eu-west-1', name: 'x' };
    expect(actionIdFor('park', s, 1)).toBe(actionIdFor('park', s, 1));
    expect(actionIdFor('park', s, 2)).not.toBe(actionIdFor('park', s, 1));
    expect(actionIdFor('park', s, 1)).toMatch(/^park-[0-9a-f]{10}-1$/);
  });
});

describe('the exact AWS inputs', () => {
  const snap = { endpoint: { EndpointName: 'ep', EndpointConfigName: 'ep-config' }, tags: { team: 'nlp', 'aws:cloudformation:stack-name': 's', 'carbonpilot:managed': 'true' } } as unknown as EndpointSnapshot;
  it('CreateEndpoint reuses the kept config and the tags, minus the reserved aws: ones', () => {
    expect(createEndpointInput(snap)).toEqual({ EndpointName: 'ep', EndpointConfigName: 'ep-config', Tags: [{ Key: 'carbonpilot:managed', Value: 'true' }, { Key: 'team', Value: 'nlp' }] });
  });

  const policies: ScalingPolicySnapshot[] = [
    { PolicyName: 'tt', PolicyARN: 'arn:old-tt', ServiceNamespace: 'sagemaker', ResourceId: 'r', ScalableDimension: 'd', PolicyType: 'TargetTrackingScaling', Alarms: [{ AlarmName: 'TargetTracking-hi' }] },
    { PolicyName: 'step', PolicyARN: 'arn:old-step', ServiceNamespace: 'sagemaker', ResourceId: 'r', ScalableDimension: 'd', PolicyType: 'StepScaling', Alarms: [{ AlarmName: 'cpu-high' }] },
  ];
  it('puts back only step-scaling alarms (target-tracking ones belong to Application Auto Scaling), pointed at the new policy ARN', () => {
    const alarms = [{ AlarmName: 'TargetTracking-hi', EvaluationPeriods: 1, ComparisonOperator: 'x' }, { AlarmName: 'cpu-high', EvaluationPeriods: 3, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: ['arn:old-step', 'arn:sns'] }];
    const keep = alarmsToRestore(policies, alarms);
    expect(keep.map((a) => a.AlarmName)).toEqual(['cpu-high']);
    expect(putMetricAlarmInput(keep[0], new Map([['arn:old-step', 'arn:new-step']])).AlarmActions).toEqual(['arn:new-step', 'arn:sns']);
  });

  it('archives with ModelLifeCycle Archived (never ModelApprovalStatus), and undoes to the previous stage', () => {
    const a = archivePackageInput('arn:p', 'why');
    expect(a).toEqual({ ModelPackageArn: 'arn:p', ModelLifeCycle: { Stage: 'Archived', StageStatus: 'Archived', StageDescription: 'why' } });
    expect(a).not.toHaveProperty('ModelApprovalStatus');
    expect(restorePackageInput('arn:p', { Stage: 'Production', StageStatus: 'Deployed' }, 'undo').ModelLifeCycle).toEqual({ Stage: 'Production', StageStatus: 'Deployed' });
  });

  it('adds the archive tag to the object\'s own tags, refusing an 11th tag (S3 allows 10)', () => {
    expect(archiveTaggingInput('b', 'k', { a: '1' }, 'glacier-ir')).toEqual({ Bucket: 'b', Key: 'k', Tagging: { TagSet: [{ Key: 'a', Value: '1' }, { Key: 'carbonpilot:archive', Value: 'GLACIER_IR' }] } });
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, 'v']));
    expect(archiveTaggingInput('b', 'k', ten, 'glacier-ir')).toBeUndefined();
  });

  it('scales a component to zero with the documented wake-up: MinCapacity 0, a step policy and a NoCapacityInvocationFailures alarm', () => {
    const c = scaleToZeroInputs('ic-1', 'eu-west-1', { ServiceNamespace: 'sagemaker', ResourceId: 'inference-component/ic-1', ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount', MinCapacity: 1, MaxCapacity: 4 }, 1);
    expect(c.register).toMatchObject({ ResourceId: 'inference-component/ic-1', ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount', MinCapacity: 0, MaxCapacity: 4 });
    expect(c.policy).toMatchObject({ PolicyType: 'StepScaling', StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] } });
    expect(c.alarm('arn:pol')).toMatchObject({ MetricName: 'NoCapacityInvocationFailures', Namespace: 'AWS/SageMaker', AlarmActions: ['arn:pol'], Dimensions: [{ Name: 'InferenceComponentName', Value: 'ic-1' }] });
  });

  it.each([
    ['s3://my-bucket/models/m.tar.gz', { bucket: 'my-bucket', key: 'models/m.tar.gz' }],
    ['s3://my-bucket/prefix/', undefined],
    ['https://example.com/x', undefined],
  ])('parses %s', (url, out) => expect(parseS3Url(url)).toEqual(out));
});
