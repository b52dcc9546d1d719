/**
 * The lifecycle function's IAM is least privilege and scoped by the CarbonPilot tag where SageMaker allows it:
 * DeleteEndpoint and UpdateModelPackage only on resources tagged carbonpilot:managed=true, CreateEndpoint only with
 * that tag in the request; no action wildcards; and the whole app stays cdk-nag clean (stacks.test.ts).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { synthesizeTestApp } from './synth';

describe('lifecycle function IAM', () => {
  const { statelessTemplate } = synthesizeTestApp({ regions: ['eu-north-1'], homeRegion: 'us-east-1' });
  const policies = Object.values(statelessTemplate.findResources('AWS::IAM::Policy'));
  const statements = policies.flatMap((p) => (p.Properties.PolicyDocument.Statement as Record<string, any>[]));
  const withAction = (a: string) => statements.filter((s) => ([] as string[]).concat(s.Action).includes(a));

  it.each([
    ['sagemaker:DeleteEndpoint', 'aws:ResourceTag/carbonpilot:managed'],
    ['sagemaker:UpdateModelPackage', 'aws:ResourceTag/carbonpilot:managed'],
  ])('%s only on resources tagged carbonpilot:managed=true', (action, key) => {
    const s = withAction(action);
    expect(s.length).toBe(1);
    expect(s[0].Condition).toEqual({ StringEquals: { [key]: 'true' } });
  });

  it('CreateEndpoint (and its tag-on-create AddTags) on endpoints only with carbonpilot:managed=true in the request', () => {
    const onEndpoint = withAction('sagemaker:CreateEndpoint').filter((s) => JSON.stringify(s.Resource).includes(':endpoint/'));
    expect(onEndpoint).toHaveLength(1);
    expect(onEndpoint[0].Action).toEqual(['sagemaker:CreateEndpoint', 'sagemaker:AddTags']);
    expect(onEndpoint[0].Condition).toEqual({ StringEquals: { 'aws:RequestTag/carbonpilot:managed': 'true' } });
  });

  it('never grants DeleteEndpointConfig, DeleteModel or ModelApprovalStatus-only actions, nor action wildcards', () => {
    const actions = statements.flatMap((s) => ([] as string[]).concat(s.Action));
    expect(actions).not.toEqual(expect.arrayContaining(['sagemaker:DeleteEndpointConfig']));
    expect(actions).not.toEqual(expect.arrayContaining(['sagemaker:DeleteModel']));
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });

  it('runs hourly and on endpoint state changes of the default bus', () => {
    statelessTemplate.hasResourceProperties('AWS::Events::Rule', { Description: '[carbonpilot] lifecycle <- LifecycleHourly', ScheduleExpression: 'rate(1 hour)' });
    statelessTemplate.hasResourceProperties('AWS::Events::Rule', { Description: '[carbonpilot] lifecycle <- LifecycleEndpointStateChange', EventPattern: Match.objectLike({ 'detail-type': ['SageMaker Endpoint State Change'] }) });
  });
});
