/**
 * The optimise function as deployed: IAM scoped to the optimisation and endpoint actions it uses (names cp-opt-*,
 * roles carbonpilot-optimise-* passed only to SageMaker), EventBridge Scheduler allowed to invoke it, its sweep and
 * bus rules, the API allowed to describe endpoints and publish its event — and cdk-nag clean.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { PIPELINE } from '../../shared/pipeline';
import { nagFindings, synthesizeTestApp } from './synth';

describe('optimise function infrastructure', () => {
  const s = synthesizeTestApp({ regions: ['eu-north-1'], homeRegion: 'us-east-1' });
  const t = s.statelessTemplate;
  const description = PIPELINE.find((f) => f.id === 'optimise')!.description.slice(0, 256);
  const [fnId] = Object.entries(t.findResources('AWS::Lambda::Function')).find(([, f]) => f.Properties.Description === description)!;
  const roleOf = (id: string) => (t.toJSON().Resources[id].Properties.Role['Fn::GetAtt'] as string[])[0];
  const policiesOf = (roleId: string) => Object.values(t.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId));
  const statements = (roleId: string) => policiesOf(roleId).flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, any>[]);
  const sub = (r: unknown) => JSON.stringify(r);

  it('creates optimisation jobs, models, shadow tests and endpoint configs only under cp-opt-* names', () => {
    const st = statements(roleOf(fnId));
    const withAction = (a: string) => st.filter((x) => ([] as string[]).concat(x.Action).includes(a));
    expect(sub(withAction('sagemaker:CreateOptimizationJob').map((x) => x.Resource))).toContain('optimization-job/cp-opt-*');
    expect(sub(withAction('sagemaker:CreateModel').map((x) => x.Resource))).toContain('model/cp-opt-*');
    expect(sub(withAction('sagemaker:CreateInferenceExperiment').map((x) => x.Resource))).toContain('inference-experiment/cp-opt-*');
    expect(sub(withAction('sagemaker:CreateModelPackage').map((x) => x.Resource))).toContain('model-package/carbonpilot-*/*');
    expect(sub(withAction('scheduler:CreateSchedule').map((x) => x.Resource))).toContain('schedule/default/cp-opt-*');
    const pass = withAction('iam:PassRole').find((x) => sub(x.Resource).includes('carbonpilot-optimise-'))!;
    expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
    // Never more than it uses: no deletes, no training jobs.
    expect(st.flatMap((x) => [].concat(x.Action)).filter((a: string) => /Delete|TrainingJob/.test(a))).toEqual([]);
  });

  it('EventBridge Scheduler may invoke it (its own polls), and it has the hourly sweep and the bus rule', () => {
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [fnId, 'Arn'] } })]) },
    });
    t.hasResourceProperties('AWS::Events::Rule', { Description: Match.stringLikeRegexp('optimise <- OptimiseSweep'), ScheduleExpression: 'rate(1 hour)' });
    t.hasResourceProperties('AWS::Events::Rule', { Description: Match.stringLikeRegexp('optimise <- OptimisationChanged'), EventPattern: { source: ['carbonpilot'], 'detail-type': ['Optimisation Attempt Changed'] } });
  });

  it('the API may describe endpoints (start validation) and publish the change event', () => {
    const apiDescription = PIPELINE.find((f) => f.id === 'api')!.description.slice(0, 256);
    const [apiId] = Object.entries(t.findResources('AWS::Lambda::Function')).find(([, f]) => f.Properties.Description === apiDescription)!;
    const actions = statements(roleOf(apiId)).flatMap((x) => [].concat(x.Action));
    expect(actions).toEqual(expect.arrayContaining(['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig', 'events:PutEvents']));
    expect(actions.filter((a: string) => a.startsWith('sagemaker:') && /Create|Update|Stop/.test(a) && !/TrainingJob/.test(a))).toEqual([]);
  });

  it('is cdk-nag clean', () => {
    expect(nagFindings(s.app)).toEqual([]);
  });
});
