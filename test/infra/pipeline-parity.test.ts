/**
 * Pipeline parity: the synthesized AWS::Events::Rules and the local bus subscriptions come from the same
 * definition, so they must be the same set, both ways.
 */
import { localSubscriptions } from '../../shared/adapters/local/local-bus';
import { PIPELINE, type PipelineFunction } from '../../shared/pipeline';
import { canonicalJson, synthesizeTestApp, synthesizedEventRules } from './synth';

const key = (s: { functionId: string; triggerId: string; bus: string; pattern?: unknown; scheduleExpression?: string }): string =>
  canonicalJson({ functionId: s.functionId, triggerId: s.triggerId, bus: s.bus, pattern: s.pattern ?? null, schedule: s.scheduleExpression ?? null });

const paritySets = (pipeline: readonly PipelineFunction[], repoRoot?: string) => {
  const { statelessTemplate } = synthesizeTestApp({ pipeline, repoRoot });
  return {
    aws: new Set(synthesizedEventRules(statelessTemplate).map(key)),
    local: new Set(localSubscriptions(pipeline).map(key)),
  };
};

describe('pipeline parity between AWS rules and local subscriptions', () => {
  let aws: Set<string>;
  let local: Set<string>;
  beforeAll(() => {
    ({ aws, local } = paritySets(PIPELINE));
  });

  it('synthesizes one rule per trigger in the pipeline', () => {
    // http-api and one-time-schedules triggers become an HTTP API and EventBridge Scheduler targets, not rules.
    expect(aws.size).toBe(PIPELINE.reduce((n, f) => n + f.triggers.filter((t) => t.type === 'schedule' || t.type === 'event').length, 0));
  });

  it('every synthesized rule is subscribed locally', () => {
    expect([...aws].filter((k) => !local.has(k))).toEqual([]);
  });

  it('every local subscription exists as a synthesized rule', () => {
    expect([...local].filter((k) => !aws.has(k))).toEqual([]);
  });

  it('the comparison detects drift (a pattern changed only on one side)', () => {
    // Prepare: a pipeline whose AWS side is synthesized from a modified copy.
    const drifted = PIPELINE.map((f, i) =>
      i === 0
        ? { ...f, triggers: f.triggers.map((t) => (t.type === 'event' ? { ...t, pattern: { ...t.pattern, region: ['eu-west-1'] } } : t)) }
        : f,
    );
    const { statelessTemplate } = synthesizeTestApp({ pipeline: drifted });
    const awsDrifted = new Set(synthesizedEventRules(statelessTemplate).map(key));
    // Assess
    expect([...awsDrifted].filter((k) => !local.has(k)).length).toBeGreaterThan(0);
  });
});
