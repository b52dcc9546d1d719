/**
 * Carbon budgets in AWS: the budget-evaluate function (hourly and on Rollups Updated, exactly the table actions it
 * uses, PutEvents), and the alert topic: an SSL-only SNS topic subscribed by a rule on the CarbonPilot bus to
 * `Carbon Budget Threshold Crossed`, with the pattern the local runtime prints with, a DLQ and retries, e-mail when
 * configured, cdk-nag clean.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { NOTIFICATION_RULE_PREFIX } from '../../lib/budget-alerts-construct';
import { RULE_TARGET_RETRY } from '../../lib/pipeline-lambda';
import { BUDGET_THRESHOLD_CROSSED } from '../../shared/contracts/budgets';
import { DetailTypes, NOTIFICATIONS, PIPELINE } from '../../shared/pipeline';
import { nagFindings, synthesizeTestApp, synthesizedEventRules, type SynthesizedApp } from './synth';

type Statement = { Action: string | string[]; Effect: string; Principal?: unknown; Condition?: unknown };
const asList = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

describe('carbon budget infrastructure', () => {
  let s: SynthesizedApp;
  beforeAll(() => {
    s = synthesizeTestApp({ budgetAlertEmail: 'carbon@example.com' });
  });

  const notificationRules = () =>
    Object.values(s.statelessTemplate.findResources('AWS::Events::Rule')).filter((r) => String(r.Properties.Description).startsWith(NOTIFICATION_RULE_PREFIX));

  it('runs budget-evaluate hourly and on Rollups Updated, and the rollup function may publish that event', () => {
    const rules = synthesizedEventRules(s.statelessTemplate).filter((r) => r.functionId === 'budget-evaluate');
    expect(rules.map((r) => ({ bus: r.bus, trigger: r.scheduleExpression ?? r.pattern }))).toEqual(expect.arrayContaining([
      { bus: 'default', trigger: 'rate(1 hour)' },
      { bus: 'carbonpilot', trigger: { source: ['carbonpilot'], 'detail-type': [DetailTypes.rollupsUpdated] } },
    ]));
    expect(rules).toHaveLength(2);
    expect(PIPELINE.find((f) => f.id === 'rollup')!.permissions.some((p) => p.kind === 'put-events')).toBe(true);
  });

  it('grants budget-evaluate GetItem, PutItem and Query on the table (no Scan, no DeleteItem) and PutEvents', () => {
    const fn = PIPELINE.find((f) => f.id === 'budget-evaluate')!;
    const table = fn.permissions.find((p) => p.kind === 'table');
    expect(table).toEqual({ kind: 'table', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'] });
    expect(fn.permissions.some((p) => p.kind === 'put-events')).toBe(true);
    expect(fn.permissions.some((p) => p.kind === 'service')).toBe(false);
  });

  it('subscribes one SSL-only topic to Carbon Budget Threshold Crossed on the CarbonPilot bus, with a DLQ and retries', () => {
    const rules = notificationRules();
    expect(rules).toHaveLength(1);
    const p = rules[0].Properties;
    expect(p.EventPattern).toEqual({ source: ['carbonpilot'], 'detail-type': [BUDGET_THRESHOLD_CROSSED] });
    expect(p.EventPattern).toEqual(NOTIFICATIONS[0].pattern);
    expect(p.EventBusName).toEqual({ Ref: expect.stringMatching(/^Bus/) });
    expect(p.Targets).toHaveLength(1);
    expect(p.Targets[0]).toMatchObject({
      Arn: { Ref: expect.stringMatching(/^NotifyBudgetThresholdCrossedTopic/) },
      DeadLetterConfig: { Arn: expect.anything() },
      RetryPolicy: { MaximumRetryAttempts: RULE_TARGET_RETRY.retryAttempts, MaximumEventAgeInSeconds: RULE_TARGET_RETRY.maxEventAge.toSeconds() },
    });
    s.statelessTemplate.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'CarbonPilot carbon budget alerts' });
  });

  it('lets EventBridge publish to the topic, denies non-TLS access, and e-mails the configured address', () => {
    const policies = Object.values(s.statelessTemplate.findResources('AWS::SNS::TopicPolicy')).filter((tp) =>
      JSON.stringify(tp.Properties.Topics).includes('NotifyBudgetThresholdCrossedTopic'),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0].Properties.PolicyDocument.Statement as Statement[];
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'events.amazonaws.com' } }),
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]));
    expect(statements.filter((st) => st.Effect === 'Allow').flatMap((st) => asList(st.Action))).toEqual(['sns:Publish']);
    s.statelessTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email', Endpoint: 'carbon@example.com', TopicArn: { Ref: Match.stringLikeRegexp('^NotifyBudgetThresholdCrossedTopic') },
    });
  });

  it('has no e-mail subscription on the alert topic unless one is configured', () => {
    const plain = synthesizeTestApp();
    const subs = Object.values(plain.statelessTemplate.findResources('AWS::SNS::Subscription')).filter((x) => JSON.stringify(x.Properties.TopicArn).includes('NotifyBudgetThresholdCrossedTopic'));
    expect(subs).toEqual([]);
  });

  it('is cdk-nag clean', () => {
    expect(nagFindings(s.app)).toEqual([]);
  });
});
