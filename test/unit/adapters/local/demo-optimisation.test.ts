/**
 * The DEMO side of the optimisation pipeline: the served-model telemetry reproduces the published per-configuration
 * power through the product's own power model, and the local SageMaker stand-in is durable (another instance on the
 * same store sees what was created) and exposes the shadow variant with the candidate's profile.
 */
import { demoServedModelSample, demoServedRps, type DemoServing } from '../../../../shared/adapters/local/demo-fleet';
import { DEMO_SERVING_PROFILES, demoOptimisedProfile } from '../../../../shared/adapters/local/demo-optimisation-profiles';
import { LocalSageMakerOptimisation } from '../../../../shared/adapters/local/local-sagemaker-optimisation';
import { estimateAcceleratorPowerW } from '../../../../shared/domain/power/power-model';
import { lookupInstance } from '../../../../shared/domain/power/instance-catalog';
import { resourceKey } from '../../../../shared/domain/types';
import { startOptimiseHarness, T0, type OptimiseHarness } from '../../../helpers/optimise-harness';

const p5 = lookupInstance('ml.p5.48xlarge')!;
const acc = { count: p5.acceleratorCount, idleW: p5.accelerator.idleW, maxW: p5.accelerator.maxW };

describe('served-model telemetry (DEMO)', () => {
  const profile = DEMO_SERVING_PROFILES['qwen3-235b-bf16-tp8-seqs16'];
  const benchRps = profile.benchPowerW / profile.energyPerRequestJ;

  it('at the benchmark load the power model estimates exactly the published GPU power from the utilisation reported', () => {
    // Prepare: one instance whose traffic equals the leaderboard's request rate (peak 15:00 UTC ≈ peakRps × ~1)
    const t = T0 + 15 * 3600;
    const s: DemoServing = { fromSec: 0, profile, instanceCount: 1, peakRps: benchRps / (demoServedRps(1, 'x', t) || 1), share: 1, trafficSeed: 'x' };
    // Act
    const sample = demoServedModelSample(t, s, acc, 1, Math.floor(t / 60));
    // Assess: 8 GPUs × estimated W = the published 3188.6 W (min(1, load) keeps it at the benchmark point)
    expect(8 * estimateAcceleratorPowerW(p5.accelerator, sample.gpuUtilPct!).point).toBeCloseTo(profile.benchPowerW, 6);
    expect(sample.invocations).toBe(Math.round(benchRps * 60));
  });

  it('a shadow variant with 100 % sampling sees the same requests as production; half sampling half of them', () => {
    const base: DemoServing = { fromSec: 0, profile, instanceCount: 1, peakRps: 0.5, share: 1, trafficSeed: 'chat' };
    for (let k = 0; k < 24; k++) {
      const t = T0 + k * 3600;
      const a = demoServedModelSample(t, base, acc, 1, t / 60);
      expect(demoServedModelSample(t, { ...base, profile: DEMO_SERVING_PROFILES['qwen3-235b-fp8-tp8-seqs16'] }, acc, 2, t / 60).invocations).toBe(a.invocations);
      expect(demoServedModelSample(t, { ...base, share: 0.5 }, acc, 2, t / 60).invocations).toBeCloseTo(a.invocations! / 2, -0.5);
    }
  });

  it('FP8 costs GPU power on the low-concurrency profile and halves the GPUs on the high-concurrency one (published pairs)', () => {
    const t = T0 + 15 * 3600;
    const power = (id: string, instances: number, rps: number) => {
      const s: DemoServing = { fromSec: 0, profile: DEMO_SERVING_PROFILES[id], instanceCount: instances, peakRps: rps, share: 1, trafficSeed: 'e' };
      return instances * 8 * estimateAcceleratorPowerW(p5.accelerator, demoServedModelSample(t, s, acc, 1, 0).gpuUtilPct!).point;
    };
    expect(power('qwen3-235b-fp8-tp8-seqs16', 1, 0.55)).toBeGreaterThan(power('qwen3-235b-bf16-tp8-seqs16', 1, 0.55));
    expect(power('qwen3-235b-fp8-tp4-seqs64', 1, 2.4)).toBeLessThan(0.8 * power('qwen3-235b-bf16-tp8-seqs64', 2, 2.4));
  });

  it('maps an optimisation to the profile it was measured for, and nothing else', () => {
    expect(demoOptimisedProfile('qwen3-235b-bf16-tp8-seqs64', { OPTION_QUANTIZE: 'fp8', OPTION_TENSOR_PARALLEL_DEGREE: '4' })).toBe('qwen3-235b-fp8-tp4-seqs64');
    expect(demoOptimisedProfile('qwen3-235b-bf16-tp8-seqs16', { OPTION_QUANTIZE: 'fp8' })).toBe('qwen3-235b-fp8-tp8-seqs16');
    expect(demoOptimisedProfile('qwen3-235b-bf16-tp8-seqs16', { OPTION_QUANTIZE: 'awq' })).toBeUndefined();
  });
});

describe('LocalSageMakerOptimisation (durable DEMO stand-in)', () => {
  let h: OptimiseHarness;
  beforeEach(async () => {
    h = await startOptimiseHarness();
  });
  afterEach(async () => h.close());

  it('keeps its resources in the store: a new instance (a restarted npm start) finds them, and status follows the clock', async () => {
    const spec = { roleArn: 'r', sourceModelName: 'chat-bf16', deploymentInstanceType: 'ml.p5.48xlarge', optimizationConfigs: [{ ModelQuantizationConfig: { OverrideEnvironment: { OPTION_QUANTIZE: 'fp8' } } }], outputS3Uri: 's3://b/o/', maxRuntimeSec: 3600, tags: {} };
    expect(await h.sm.createOptimizationJob('us-east-1', 'cp-opt-1', spec)).toBe('created');
    const restarted = new LocalSageMakerOptimisation(h.db.client, h.db.tableName, h.clock);
    expect(await restarted.createOptimizationJob('us-east-1', 'cp-opt-1', spec)).toBe('exists');
    expect((await restarted.describeOptimizationJob('us-east-1', 'cp-opt-1'))?.status).toBe('STARTING');
    h.clock.set(T0 + 20 * 60);
    expect((await restarted.describeOptimizationJob('us-east-1', 'cp-opt-1'))?.status).toBe('INPROGRESS');
    h.clock.set(T0 + 3600);
    expect(await restarted.describeOptimizationJob('us-east-1', 'cp-opt-1')).toEqual({ status: 'COMPLETED', recommendedImage: expect.stringContaining('djl-inference'), outputS3Uri: 's3://b/o/' });
  });

  it('lists the shadow variant while its experiment runs and serves it with the candidate profile', async () => {
    const spec = { roleArn: 'r', sourceModelName: 'chat-bf16', deploymentInstanceType: 'ml.p5.48xlarge', optimizationConfigs: [{ ModelQuantizationConfig: { OverrideEnvironment: { OPTION_QUANTIZE: 'fp8' } } }], outputS3Uri: 's3://b/o/', maxRuntimeSec: 3600, tags: {} };
    await h.sm.createOptimizationJob('us-east-1', 'cp-opt-1', spec);
    await h.sm.createModel('us-east-1', 'cand', { image: 'i', modelDataUrl: 's3://b/o/', env: {} });
    const v = (variantName: string, modelName: string) => ({ variantName, modelName, instanceType: 'ml.p5.48xlarge', instanceCount: 1 });
    await h.sm.createInferenceExperiment('us-east-1', 'x', { endpointName: 'chat', production: v('AllTraffic', 'chat-bf16'), shadow: v('shadow-1', 'cand'), samplingPct: 100 });
    h.clock.set(T0 + 3600);
    const shadow = (await h.sm.resources(h.clock.nowSec())).find((r) => r.id === 'chat/shadow-1')!;
    expect(shadow).toMatchObject({ kind: 'endpoint', instanceType: 'ml.p5.48xlarge', startSec: T0 + 600, tags: { model: 'chat', 'carbonpilot:shadow-of': 'AllTraffic' } });
    const key = resourceKey(shadow);
    const tl = (await h.sm.servingOf([key])).get(key)!;
    expect(tl[0].profile).toBe(DEMO_SERVING_PROFILES['qwen3-235b-fp8-tp8-seqs16']);
    await h.sm.stopInferenceExperiment('us-east-1', 'x', { desiredState: 'Completed' });
    expect((await h.sm.resources(h.clock.nowSec() + 60)).find((r) => r.id === 'chat/shadow-1')!.endSec).toBe(T0 + 3600);
  });
});
