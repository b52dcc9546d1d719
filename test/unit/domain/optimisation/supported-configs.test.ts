/**
 * Which technique may run on which instance type. Expectations from the sources in supported-configs.ts: the
 * CreateOptimizationJob DeploymentInstanceType enum, FP8 only on Ada/Hopper/Blackwell GPUs (NVIDIA TensorRT Model
 * Optimizer guide), quantisation not on Neuron, Neo TargetDevice per family.
 */
import { instanceFamily, neoTargetDevice, validateConfigFor, type ConfigToValidate } from '../../../../shared/domain/optimisation/supported-configs';

describe('validateConfigFor', () => {
  const cases: [string, ConfigToValidate, string, string | undefined][] = [
    ['fp8 on H100 (p5) is supported', { kind: 'quantization', format: 'fp8' }, 'ml.p5.48xlarge', undefined],
    ['fp8 on L40S (g6e) is supported', { kind: 'quantization', format: 'fp8' }, 'ml.g6e.12xlarge', undefined],
    ['fp8 on B200 (p6-b200) is supported', { kind: 'quantization', format: 'fp8' }, 'ml.p6-b200.48xlarge', undefined],
    ['fp8 on A10G (g5, Ampere) is refused on config.format', { kind: 'quantization', format: 'fp8' }, 'ml.g5.12xlarge', 'config.format'],
    ['fp8 on A100 (p4d, Ampere) is refused', { kind: 'quantization', format: 'fp8' }, 'ml.p4d.24xlarge', 'config.format'],
    ['fp8 on T4 (g4dn, Turing) is refused', { kind: 'quantization', format: 'fp8' }, 'ml.g4dn.xlarge', 'config.format'],
    ['fp8 where the GPU architecture is not in the table is refused', { kind: 'quantization', format: 'fp8' }, 'ml.g7e.2xlarge', 'config.format'],
    ['awq on A10G is supported', { kind: 'quantization', format: 'awq' }, 'ml.g5.2xlarge', undefined],
    ['smoothquant on Inferentia2 is refused (quantisation runs on NVIDIA GPUs)', { kind: 'quantization', format: 'smoothquant' }, 'ml.inf2.xlarge', 'config.format'],
    ['compilation on Inferentia2 is supported (AWS Neuron)', { kind: 'compilation' }, 'ml.inf2.8xlarge', undefined],
    ['compilation on an instance type CreateOptimizationJob does not take is refused on the instance', { kind: 'compilation' }, 'ml.c5.xlarge', 'candidate.instanceType'],
    ['speculative decoding on Trainium is refused', { kind: 'speculative-decoding' }, 'ml.trn1.2xlarge', 'config.kind'],
    ['speculative decoding on g6 is supported', { kind: 'speculative-decoding' }, 'ml.g6.12xlarge', undefined],
    ['Neo on g4dn with the default target is supported', { kind: 'neo-compilation' }, 'ml.g4dn.xlarge', undefined],
    ['Neo with a target device of another family is refused on config.targetDevice', { kind: 'neo-compilation', targetDevice: 'ml_inf2' }, 'ml.g4dn.xlarge', 'config.targetDevice'],
    ['Neo on a family without a Neo target is refused on the instance', { kind: 'neo-compilation' }, 'ml.g5.xlarge', 'candidate.instanceType'],
    ['a bring-your-own artefact is not checked against the instance', { kind: 'byo' }, 'ml.g5.xlarge', undefined],
  ];
  it.each(cases)('%s', (_name, config, instanceType, field) => {
    // Act
    const issues = validateConfigFor(config, instanceType);
    // Assess
    expect(issues[0]?.field).toBe(field);
    if (field) expect(issues[0].message).toContain(instanceType);
  });

  it('names the field the instance type came from', () => {
    expect(validateConfigFor({ kind: 'compilation' }, 'ml.c5.xlarge', 'variantName')[0].field).toBe('variantName');
  });
});

describe('instance families and Neo targets', () => {
  it.each([
    ['ml.g6e.12xlarge', 'g6e'],
    ['ml.p6-b200.48xlarge', 'p6-b200'],
    ['ml.trn1n.32xlarge', 'trn1n'],
  ])('%s is family %s', (t, f) => expect(instanceFamily(t)).toBe(f));
  it.each([
    ['ml.g4dn.2xlarge', 'ml_g4dn'],
    ['ml.inf2.xlarge', 'ml_inf2'],
    ['ml.p5.48xlarge', undefined],
  ])('%s compiles for %s', (t, d) => expect(neoTargetDevice(t)).toBe(d));
});
