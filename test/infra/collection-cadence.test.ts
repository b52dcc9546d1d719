/** CDK context `collectionCadenceHours` sets the synthesized collect-dispatch rule, the same schedule the local bus runs. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addCarbonPilotStacks } from '../../lib/app';
import { localSubscriptions } from '../../shared/adapters/local/local-bus';
import { PIPELINE, withCollectionCadence } from '../../shared/pipeline';
import { synthesizedEventRules } from './synth';

const synth = (context: Record<string, unknown>) => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context }, builtinCloudFormationValidation: false });
  return Template.fromStack(addCarbonPilotStacks(app).stateless);
};
const collectRule = (t: Template) => synthesizedEventRules(t).find((r) => r.functionId === 'collect-dispatch')!;

describe('collection cadence in the CDK app', () => {
  it('is hourly without the context', () => {
    expect(collectRule(synth({})).scheduleExpression).toBe('rate(1 hour)');
  });

  it('follows `-c collectionCadenceHours=6`, as the local runtime follows COLLECT_EVERY_HOURS=6', () => {
    // Prepare: CDK context values from the command line are strings.
    const rule = collectRule(synth({ collectionCadenceHours: '6' }));
    const local = localSubscriptions(withCollectionCadence(PIPELINE, 6)).find((s) => s.functionId === 'collect-dispatch')!;
    // Assess
    expect(rule.scheduleExpression).toBe('rate(6 hours)');
    expect({ triggerId: rule.triggerId, schedule: rule.scheduleExpression }).toEqual({ triggerId: local.triggerId, schedule: local.scheduleExpression });
  });

  it('fails synth naming the setting on a cadence it does not support', () => {
    expect(() => synth({ collectionCadenceHours: '5' })).toThrow(/collectionCadenceHours \(CDK context\): must be one of/);
  });
});
