/**
 * Peak throughput and memory per accelerator, for right-sizing (pure data). Throughput is the dense FP16 Tensor Core
 * peak from the vendor datasheets (with-sparsity figures halved): a proxy for what a model can do per GPU, not a
 * benchmark — memory-bound work (LLM decoding) scales with HBM bandwidth instead, which right-sizing states as a
 * caveat and covers with its pessimistic case. Inferentia/Trainium publish no comparable figure and no power, so they
 * are not right-sized. Power comes from the instance catalog (shared/domain/power/instance-catalog.ts).
 */

export interface AcceleratorThroughput {
  /** Dense FP16 Tensor Core TFLOPS. */
  fp16DenseTflops: number;
  source: string;
}

/** By the instance catalog's accelerator model name. */
export const ACCELERATOR_THROUGHPUT: Readonly<Record<string, AcceleratorThroughput>> = Object.freeze({
  V100: { fp16DenseTflops: 125, source: 'NVIDIA Tesla V100 datasheet (2017): Tensor Performance 125 TFLOPS (SXM2)' },
  A100: { fp16DenseTflops: 312, source: 'NVIDIA A100 datasheet (2020): FP16 Tensor Core 312 TFLOPS (624 with sparsity)' },
  H100: { fp16DenseTflops: 989, source: 'NVIDIA H100 datasheet (2022): FP16 Tensor Core 1,979 TFLOPS with sparsity (SXM) → 989 dense' },
  H200: { fp16DenseTflops: 989, source: 'NVIDIA H200 datasheet (2024): FP16 Tensor Core 1,979 TFLOPS with sparsity (SXM) → 989 dense' },
  B200: { fp16DenseTflops: 2250, source: 'NVIDIA HGX B200 datasheet (2024): FP16/BF16 Tensor Core 4.5 PFLOPS with sparsity per GPU → 2,250 dense' },
  A10G: { fp16DenseTflops: 125, source: 'NVIDIA A10 datasheet (2021): FP16 Tensor Core 125 TFLOPS (250 with sparsity); ASSUMPTION: AWS A10G ≈ A10 (no public A10G datasheet)' },
  T4: { fp16DenseTflops: 65, source: 'NVIDIA T4 datasheet (2018): 65 TFLOPS FP16 mixed precision' },
  L4: { fp16DenseTflops: 121, source: 'NVIDIA L4 datasheet (2023): FP16 Tensor Core 242 TFLOPS with sparsity → 121 dense' },
  L40S: { fp16DenseTflops: 362, source: 'NVIDIA L40S datasheet (2023): FP16 Tensor Core 362 TFLOPS (733 with sparsity)' },
});

/**
 * GPU memory per accelerator by instance family, GB (AWS instance type pages: P3 16 GB / P3dn 32 GB V100, P4d 40 GB /
 * P4de 80 GB A100, P5 80 GB H100, P5e/P5en 141 GB H200, P6-B200 180 GB, G4dn 16 GB T4, G5 24 GB A10G, G6 24 GB L4,
 * G6e 48 GB L40S).
 */
export const GPU_MEMORY_GB_BY_FAMILY: Readonly<Record<string, number>> = Object.freeze({
  p3: 16,
  p3dn: 32,
  p4d: 40,
  p4de: 80,
  p5: 80,
  p5e: 141,
  p5en: 141,
  'p6-b200': 180,
  g4dn: 16,
  g5: 24,
  g6: 24,
  g6e: 48,
});
