/**
 * Each AWS composition root is built with exactly the environment the synthesized template gives its function
 * (intrinsics resolved to placeholders, AWS_REGION as Lambda sets it): every function starts, gets its own deps,
 * and a required variable removed from the template's environment fails at start-up naming it.
 */
import { awsRootFor, requiredEnvOf } from '../../shared/composition/aws';
import { ConfigurationError } from '../../shared/contracts/config';
import { PIPELINE } from '../../shared/pipeline';
import type { FunctionId } from '../../shared/composition/deps';
import { synthesizeTestApp } from './synth';

/** A CloudFormation value as a Lambda would see it: intrinsics become a placeholder string. */
const resolved = (v: unknown): string => (typeof v === 'string' ? v : `resolved-${JSON.stringify(v).replace(/[^A-Za-z0-9]/g, '').slice(0, 40)}`);

describe('AWS composition roots from the synthesized environment', () => {
  const { statelessTemplate } = synthesizeTestApp({ regions: ['eu-north-1'], homeRegion: 'us-east-1' });
  const fns = Object.values(statelessTemplate.findResources('AWS::Lambda::Function'));
  const envOf = (id: string): Record<string, string> => {
    const description = PIPELINE.find((p) => p.id === id)!.description.slice(0, 256);
    const fn = fns.find((f) => f.Properties.Description === description);
    if (!fn) throw new Error(`no synthesized function for ${id}`);
    const vars = (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
    return { ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, resolved(v)])), AWS_REGION: 'us-east-1' };
  };

  it.each(PIPELINE.map((f) => f.id))('%s: the template sets every variable the function requires', (id) => {
    const env = envOf(id);
    expect(requiredEnvOf(id as FunctionId).filter((n) => !env[n])).toEqual([]);
  });

  it.each(PIPELINE.map((f) => f.id))('%s: its root builds its own deps from the template environment', async (id) => {
    const root = awsRootFor(id as FunctionId, envOf(id));
    const deps = await root[id as FunctionId]({ invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${id}` });
    expect(deps).toHaveProperty('log');
  });

  it('every function monitors home and the extra regions', () => {
    for (const f of PIPELINE) expect(envOf(f.id).MONITORED_REGIONS).toBe('us-east-1,eu-north-1');
  });

  it.each(PIPELINE.flatMap((f) => requiredEnvOf(f.id as FunctionId).map((name) => [f.id, name] as const)))(
    '%s without %s fails at start-up naming it',
    (id, name) => {
      const env = envOf(id);
      delete env[name];
      let err: unknown;
      try {
        awsRootFor(id as FunctionId, env);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigurationError);
      expect((err as ConfigurationError).variables).toContain(name);
      expect((err as Error).message).toContain(name);
    },
  );

  it('a warm collector gets a fresh GetMetricData budget on every invocation', async () => {
    const root = awsRootFor('collect-footprint', envOf('collect-footprint'));
    const a = await root['collect-footprint']();
    const b = await root['collect-footprint']();
    expect(a.collector.metrics).not.toBe(b.collector.metrics);
    expect(a.collector.store).toBe(b.collector.store); // clients and stores live once per container
  });
});
