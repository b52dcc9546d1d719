/**
 * Which optimisation technique may target which SageMaker instance type (pure). A config that cannot run where it is
 * asked to is refused before anything is launched, with the field that is wrong (HTTP 400 / CLI exit 2).
 *
 * Sources:
 * - Inference optimization jobs: `DeploymentInstanceType` valid values of CreateOptimizationJob (SageMaker API
 *   reference; enum OptimizationJobDeploymentInstanceType of @aws-sdk/client-sagemaker 3.1142, 2026).
 * - Quantisation formats INT4-AWQ, INT8-SmoothQuant, FP8 and compilation libraries (TensorRT-LLM on NVIDIA GPUs, AWS
 *   Neuron on Inferentia/Trainium): AWS "Supported models reference" for inference optimization (2026).
 * - FP8 needs an FP8-capable GPU (Ada Lovelace, Hopper, Blackwell): NVIDIA TensorRT Model Optimizer, "Best practices to
 *   choose the right quantization methods" ("if your deployment is on Ampere GPUs or earlier, we recommend using INT4
 *   AWQ or INT8 SQ"). GPU per family: AWS EC2 accelerated-computing instance pages (g4dn T4, g5 A10G, p4d/p4de A100,
 *   g6 L4, g6e L40S, p5 H100, p5e/p5en H200, p6-b200 B200).
 * - Neo: TargetDevice values of CreateCompilationJob OutputConfig (SDK enum TargetDevice: ml_c4 … ml_trn1).
 */

/** CreateOptimizationJob `DeploymentInstanceType` valid values (SDK 3.1142 enum). */
export const OPTIMIZATION_JOB_INSTANCE_TYPES: readonly string[] = [
  ...['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'].map((s) => `ml.g4dn.${s}`),
  ...['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'].flatMap((s) => [`ml.g5.${s}`, `ml.g6.${s}`, `ml.g6e.${s}`]),
  ...['2xlarge', '4xlarge', '8xlarge', '12xlarge', '24xlarge', '48xlarge'].flatMap((s) => [`ml.g7.${s}`, `ml.g7e.${s}`]),
  ...['xlarge', '8xlarge', '24xlarge', '48xlarge'].map((s) => `ml.inf2.${s}`),
  'ml.p4d.24xlarge',
  'ml.p4de.24xlarge',
  'ml.p5.48xlarge',
  'ml.p5e.48xlarge',
  'ml.p5en.48xlarge',
  'ml.p6-b200.48xlarge',
  'ml.trn1.2xlarge',
  'ml.trn1.32xlarge',
  'ml.trn1n.32xlarge',
];

type Arch = 'turing' | 'ampere' | 'ada' | 'hopper' | 'blackwell' | 'neuron' | 'unknown';

/** GPU (or Neuron) architecture per SageMaker instance family (EC2 accelerated-computing pages). */
const FAMILY_ARCH: Record<string, Arch> = {
  g4dn: 'turing',
  g5: 'ampere',
  p4d: 'ampere',
  p4de: 'ampere',
  g6: 'ada',
  g6e: 'ada',
  p5: 'hopper',
  p5e: 'hopper',
  p5en: 'hopper',
  'p6-b200': 'blackwell',
  inf2: 'neuron',
  trn1: 'neuron',
  trn1n: 'neuron',
};
const FP8_ARCHS: readonly Arch[] = ['ada', 'hopper', 'blackwell'];

/** Neo TargetDevice per SageMaker instance family (CreateCompilationJob OutputConfig.TargetDevice). */
const NEO_TARGET_BY_FAMILY: Record<string, string> = {
  c4: 'ml_c4',
  c5: 'ml_c5',
  c6g: 'ml_c6g',
  m4: 'ml_m4',
  m5: 'ml_m5',
  m6g: 'ml_m6g',
  p2: 'ml_p2',
  p3: 'ml_p3',
  g4dn: 'ml_g4dn',
  inf1: 'ml_inf1',
  inf2: 'ml_inf2',
  trn1: 'ml_trn1',
};

/** `ml.g6e.12xlarge` → `g6e`. */
export const instanceFamily = (instanceType: string): string => instanceType.replace(/^ml\./, '').split('.')[0] ?? '';
const archOf = (instanceType: string): Arch => FAMILY_ARCH[instanceFamily(instanceType)] ?? 'unknown';

/** The Neo TargetDevice of an instance type, or undefined when Neo has none for its family. */
export const neoTargetDevice = (instanceType: string): string | undefined => NEO_TARGET_BY_FAMILY[instanceFamily(instanceType)];

/** What the validator needs of a config (the contract's union, structurally). */
export type ConfigToValidate =
  | { kind: 'quantization'; format: 'awq' | 'fp8' | 'smoothquant' }
  | { kind: 'compilation' | 'sharding' | 'speculative-decoding' | 'byo' }
  | { kind: 'neo-compilation'; targetDevice?: string };

export interface ConfigIssue {
  /** Dotted path in the start request. */
  field: string;
  message: string;
}

/**
 * Problems with running `config` on `instanceType` (the candidate's deployment instance); empty = supported.
 * `instanceField` names where the instance type came from (the request's candidate.instanceType, or the baseline).
 */
export function validateConfigFor(config: ConfigToValidate, instanceType: string, instanceField = 'candidate.instanceType'): ConfigIssue[] {
  const arch = archOf(instanceType);
  const issues: ConfigIssue[] = [];
  const viaOptimizationJob = config.kind === 'quantization' || config.kind === 'compilation' || config.kind === 'sharding' || config.kind === 'speculative-decoding';
  if (viaOptimizationJob && !OPTIMIZATION_JOB_INSTANCE_TYPES.includes(instanceType)) {
    issues.push({ field: instanceField, message: `${instanceType} is not a DeploymentInstanceType of CreateOptimizationJob (supported: ml.g4dn/g5/g6/g6e/g7/g7e, ml.p4d/p4de/p5/p5e/p5en/p6-b200, ml.inf2, ml.trn1/trn1n)` });
    return issues;
  }
  if (config.kind === 'quantization') {
    if (arch === 'neuron') issues.push({ field: 'config.format', message: `${config.format} quantisation runs on NVIDIA GPUs; ${instanceType} is an AWS Neuron instance (use kind "compilation")` });
    else if (config.format === 'fp8' && !FP8_ARCHS.includes(arch)) {
      issues.push({
        field: 'config.format',
        message:
          arch === 'unknown'
            ? `fp8 needs an FP8-capable GPU and the GPU architecture of ${instanceType} is not in our table; choose awq or smoothquant, or an ml.g6/g6e/p5/p5e/p5en/p6-b200 instance`
            : `fp8 needs an FP8-capable GPU (Ada, Hopper, Blackwell); ${instanceType} has a ${arch} GPU: use awq or smoothquant, or an ml.g6/g6e/p5/p5e/p5en/p6-b200 instance`,
      });
    }
  }
  // ASSUMPTION: speculative decoding (EAGLE) and sharding run in the LMI GPU containers only; AWS documents them for GPU models.
  if ((config.kind === 'speculative-decoding' || config.kind === 'sharding') && arch === 'neuron') {
    issues.push({ field: 'config.kind', message: `${config.kind} runs on NVIDIA GPU instances; ${instanceType} is an AWS Neuron instance` });
  }
  if (config.kind === 'neo-compilation') {
    const target = neoTargetDevice(instanceType);
    if (!target) issues.push({ field: instanceField, message: `Neo has no TargetDevice for ${instanceType} (families: ${Object.keys(NEO_TARGET_BY_FAMILY).join(', ')})` });
    else if (config.targetDevice !== undefined && config.targetDevice !== target) {
      issues.push({ field: 'config.targetDevice', message: `${config.targetDevice} does not run on ${instanceType} (its Neo target is ${target})` });
    }
  }
  return issues;
}
