/**
 * Catalog of AWS accelerated instance types (EC2 and their SageMaker `ml.*` forms) with the power figures the
 * power model needs. Pure data + lookups: no I/O.
 *
 * Host (non-accelerator) power = CPU + memory, derived the Cloud Carbon Footprint way:
 *   CPU W = vCPUs × (min|max W per vCPU of the CPU architecture)   — CCF coefficients-aws-use.csv (SPECpower), ccf-coefficients commit b0032d9 (2026)
 *   memory W = GiB × 0.392 W/GiB                                    — CCF methodology memory coefficient (0.392 Wh per GB-hour, Micron/Crucial)
 *   platform W = vCPUs × 0.875 W                                    — Teads "Delta Full Machine" (fans, board, NIC) share per vCPU,
 *                                                                     e.g. g4dn.xlarge 3.5 W / 4 vCPU, p3.2xlarge 6.4 W / 8 vCPU (Teads dataset, ccf-coefficients/aws-instances.csv)
 * Accelerator idle/max per chip from vendor datasheets (max = board power limit / TDP) and measured idle where available.
 */

export interface AcceleratorSpec {
  model: string;
  idleW: number;
  maxW: number;
  source: string;
}

/** hostIdle/Max = CPU + memory + platform (non-accelerator) power. */
export interface InstanceSpec {
  instanceType: string;
  family: string;
  accelerator: AcceleratorSpec;
  acceleratorCount: number;
  vcpus: number;
  memoryGiB: number;
  hostIdleW: number;
  hostMaxW: number;
  sources: string[];
  /** Breakdown of the host figures (W): CPU idle/max, memory (flat), platform (flat). */
  cpuIdleW: number;
  cpuMaxW: number;
  memoryW: number;
  platformW: number;
}

const ACCELERATORS: Record<string, AcceleratorSpec> = {
  V100: {
    model: 'V100',
    idleW: 35,
    maxW: 300,
    source: 'NVIDIA Tesla V100 SXM2 datasheet (2017): 300 W; idle 34.8 W: Teads EC2 dataset p3.2xlarge GPUWatt@Idle',
  },
  A100: {
    model: 'A100',
    idleW: 46,
    maxW: 400,
    source: 'NVIDIA A100 SXM4 datasheet (2020): 400 W TGP; idle 46 W: Teads EC2 dataset p4d.24xlarge GPUWatt@Idle 371.6 W / 8',
  },
  H100: {
    model: 'H100',
    idleW: 70,
    maxW: 700,
    source: 'NVIDIA H100 SXM5 datasheet (2022): up to 700 W; idle ≈70 W: nvidia-smi lead-in of grantwilkins/training_profile H100 traces (2025)',
  },
  H200: {
    model: 'H200',
    idleW: 75,
    maxW: 700,
    source: 'NVIDIA H200 SXM datasheet (2024): up to 700 W; idle assumed ≈H100 SXM idle (same board class) + HBM3e',
  },
  B200: {
    model: 'B200',
    idleW: 140,
    maxW: 1000,
    source: 'NVIDIA HGX B200 datasheet (2024): 1000 W per GPU; idle ASSUMED 0.14×TDP (no public idle measurement)',
  },
  A10G: {
    model: 'A10G',
    idleW: 25,
    maxW: 300,
    source: 'AWS g5 A10G: nvidia-smi power limit 300 W (AWS g5 docs / nvidia-smi); idle ≈25 W ASSUMED (nvidia-smi P8 reports on g5)',
  },
  T4: {
    model: 'T4',
    idleW: 8,
    maxW: 70,
    source: 'NVIDIA T4 datasheet (2018): 70 W; idle 8.1 W: Teads EC2 dataset g4dn.xlarge GPUWatt@Idle',
  },
  L4: {
    model: 'L4',
    idleW: 16,
    maxW: 72,
    source: 'NVIDIA L4 datasheet (2023): 72 W; idle ≈16 W ASSUMED (nvidia-smi P8 on g6)',
  },
  L40S: {
    model: 'L40S',
    idleW: 35,
    maxW: 350,
    source: 'NVIDIA L40S datasheet (2023): 350 W; idle ≈0.1×TDP ASSUMED',
  },
  TITANX: {
    model: 'Titan X',
    idleW: 16,
    maxW: 250,
    source: 'NVIDIA GeForce GTX Titan X spec: 250 W board power; idle ≈16 W: lead-in of grantwilkins/training_profile Titan X traces (2025)',
  },
  INFERENTIA1: {
    model: 'Inferentia1',
    idleW: 10,
    maxW: 60,
    source: 'ASSUMPTION: AWS publishes no Inferentia power; inf1 chip sized as a ≤75 W PCIe-class accelerator, wide uncertainty',
  },
  INFERENTIA2: {
    model: 'Inferentia2',
    idleW: 25,
    maxW: 175,
    source: 'ASSUMPTION: AWS publishes no Inferentia2 power; sized from inf2.48xlarge (12 chips) rack-class estimates, wide uncertainty',
  },
  TRAINIUM1: {
    model: 'Trainium1',
    idleW: 50,
    maxW: 400,
    source: 'ASSUMPTION: AWS publishes no Trainium power; sized like an A100-class 400 W module, wide uncertainty',
  },
  TRAINIUM2: {
    model: 'Trainium2',
    idleW: 70,
    maxW: 500,
    source: 'ASSUMPTION: AWS publishes no Trainium2 power; ≈500 W per chip from press estimates of Trn2 UltraServer, wide uncertainty',
  },
};

const ALIASES: Record<string, string> = {
  TESLAV100: 'V100',
  V100SXM2: 'V100',
  A100SXM4: 'A100',
  H100SXM: 'H100',
  H100SXM5: 'H100',
  H100SXM580GB: 'H100',
  H200SXM: 'H200',
  TITAN: 'TITANX',
  TITANXPASCAL: 'TITANX',
  GTXTITANX: 'TITANX',
  A10: 'A10G',
  TESLAT4: 'T4',
  INF1: 'INFERENTIA1',
  INFERENTIA: 'INFERENTIA1',
  INF2: 'INFERENTIA2',
  TRAINIUM: 'TRAINIUM1',
  TRN1: 'TRAINIUM1',
  TRN2: 'TRAINIUM2',
};

const normaliseModel = (s: string): string => s.toUpperCase().replace(/^NVIDIA/, '').replace(/[^A-Z0-9]/g, '');

/** Accelerator spec by model name, case- and punctuation-insensitive ('H100', 'titanx', 'NVIDIA A10G'). */
export function lookupAccelerator(model: string): AcceleratorSpec | undefined {
  const key = normaliseModel(model);
  const hit = ACCELERATORS[key] ?? ACCELERATORS[ALIASES[key] ?? ''];
  return hit ? { ...hit } : undefined;
}

/** CPU architecture coefficients, W per vCPU at idle / 100 % (CCF coefficients-aws-use.csv, SPECpower-derived, 2026 export). */
const CPU_W_PER_VCPU = {
  Broadwell: { min: 0.713, max: 3.685 },
  CascadeLake: { min: 0.69, max: 4.063 },
  Skylake: { min: 0.613, max: 4.104 },
  IceLake: { min: 0.767, max: 3.758 },
  SapphireRapids: { min: 1.036, max: 4.16 },
  EmeraldRapids: { min: 0.814, max: 4.482 },
  Epyc2: { min: 0.474, max: 1.693 },
  Epyc3: { min: 0.456, max: 1.957 },
} as const;
type CpuArch = keyof typeof CPU_W_PER_VCPU;

/** CCF memory coefficient: 0.392 W per GiB (CCF methodology, 2021). */
const MEMORY_W_PER_GIB = 0.392;
/** Teads "Delta Full Machine" platform overhead per vCPU (Teads EC2 dataset: g4dn.xlarge 0.875, p3.2xlarge 0.8, p4d.24xlarge 1.0 W/vCPU). */
const PLATFORM_W_PER_VCPU = 0.875;

const SIZE_SOURCE =
  'AWS EC2 instance type pages (vCPU, memory, accelerator count); ccf-coefficients/aws-instances-latest-2026.csv; boavizta cloud_aws_instances.csv';

interface FamilyDef {
  family: string;
  accelerator: keyof typeof ACCELERATORS;
  cpu: CpuArch;
  cpuSource: string;
  /** size -> [vCPUs, memory GiB, accelerator count] */
  sizes: Record<string, [number, number, number]>;
}

const FAMILIES: FamilyDef[] = [
  {
    family: 'p3',
    accelerator: 'V100',
    cpu: 'Broadwell',
    cpuSource: 'Xeon E5-2686 v4 (Teads dataset)',
    sizes: { '2xlarge': [8, 61, 1], '8xlarge': [32, 244, 4], '16xlarge': [64, 488, 8] },
  },
  {
    family: 'p3dn',
    accelerator: 'V100',
    cpu: 'Skylake',
    cpuSource: 'Xeon Platinum 8175M (AWS p3dn page)',
    sizes: { '24xlarge': [96, 768, 8] },
  },
  {
    family: 'p4d',
    accelerator: 'A100',
    cpu: 'CascadeLake',
    cpuSource: 'Xeon Platinum 8275CL (Teads dataset)',
    sizes: { '24xlarge': [96, 1152, 8] },
  },
  {
    family: 'p4de',
    accelerator: 'A100',
    cpu: 'CascadeLake',
    cpuSource: 'Xeon Platinum 8275CL (AWS p4de page; A100 80 GB)',
    sizes: { '24xlarge': [96, 1152, 8] },
  },
  {
    family: 'p5',
    accelerator: 'H100',
    cpu: 'Epyc3',
    cpuSource: 'AMD EPYC 7R13 (ccf aws-instances-latest-2026.csv)',
    sizes: { '4xlarge': [16, 256, 1], '48xlarge': [192, 2048, 8] },
  },
  {
    family: 'p5e',
    accelerator: 'H200',
    cpu: 'Epyc3',
    cpuSource: 'AMD EPYC 7R13 (ccf aws-instances-latest-2026.csv)',
    sizes: { '48xlarge': [192, 2048, 8] },
  },
  {
    family: 'p5en',
    accelerator: 'H200',
    cpu: 'SapphireRapids',
    cpuSource: 'Intel Xeon Sapphire Rapids (ccf aws-instances-latest-2026.csv)',
    sizes: { '48xlarge': [192, 2048, 8] },
  },
  {
    family: 'p6-b200',
    accelerator: 'B200',
    cpu: 'EmeraldRapids',
    cpuSource: 'Intel Xeon Emerald Rapids (ccf aws-instances-latest-2026.csv)',
    sizes: { '48xlarge': [192, 2048, 8] },
  },
  {
    family: 'g4dn',
    accelerator: 'T4',
    cpu: 'CascadeLake',
    cpuSource: 'Xeon Platinum 8259CL (Teads dataset)',
    sizes: {
      xlarge: [4, 16, 1],
      '2xlarge': [8, 32, 1],
      '4xlarge': [16, 64, 1],
      '8xlarge': [32, 128, 1],
      '16xlarge': [64, 256, 1],
      '12xlarge': [48, 192, 4],
      metal: [96, 384, 8],
    },
  },
  {
    family: 'g5',
    accelerator: 'A10G',
    cpu: 'Epyc2',
    cpuSource: '2nd Gen AMD EPYC 7R32 (ccf aws-instances-latest-2026.csv)',
    sizes: {
      xlarge: [4, 16, 1],
      '2xlarge': [8, 32, 1],
      '4xlarge': [16, 64, 1],
      '8xlarge': [32, 128, 1],
      '16xlarge': [64, 256, 1],
      '12xlarge': [48, 192, 4],
      '24xlarge': [96, 384, 4],
      '48xlarge': [192, 768, 8],
    },
  },
  {
    family: 'g6',
    accelerator: 'L4',
    cpu: 'Epyc3',
    cpuSource: 'AMD EPYC 7R13 (ccf aws-instances-latest-2026.csv)',
    sizes: {
      xlarge: [4, 16, 1],
      '2xlarge': [8, 32, 1],
      '4xlarge': [16, 64, 1],
      '8xlarge': [32, 128, 1],
      '16xlarge': [64, 256, 1],
      '12xlarge': [48, 192, 4],
      '24xlarge': [96, 384, 4],
      '48xlarge': [192, 768, 8],
    },
  },
  {
    family: 'g6e',
    accelerator: 'L40S',
    cpu: 'Epyc3',
    cpuSource: 'AMD EPYC 7R13 (ccf aws-instances-latest-2026.csv)',
    sizes: {
      xlarge: [4, 32, 1],
      '2xlarge': [8, 64, 1],
      '4xlarge': [16, 128, 1],
      '8xlarge': [32, 256, 1],
      '16xlarge': [64, 512, 1],
      '12xlarge': [48, 384, 4],
      '24xlarge': [96, 768, 4],
      '48xlarge': [192, 1536, 8],
    },
  },
  {
    family: 'inf1',
    accelerator: 'INFERENTIA1',
    cpu: 'CascadeLake',
    cpuSource: 'Xeon Platinum 8275CL (Teads dataset)',
    sizes: { xlarge: [4, 8, 1], '2xlarge': [8, 16, 1], '6xlarge': [24, 48, 4], '24xlarge': [96, 192, 16] },
  },
  {
    family: 'inf2',
    accelerator: 'INFERENTIA2',
    cpu: 'Epyc3',
    cpuSource: 'AMD EPYC 7R13 (ccf aws-instances-latest-2026.csv)',
    sizes: { xlarge: [4, 16, 1], '8xlarge': [32, 128, 1], '24xlarge': [96, 384, 6], '48xlarge': [192, 768, 12] },
  },
  {
    family: 'trn1',
    accelerator: 'TRAINIUM1',
    cpu: 'IceLake',
    cpuSource: 'Intel Xeon Ice Lake 8375C (ccf aws-instances-latest-2026.csv)',
    sizes: { '2xlarge': [8, 32, 1], '32xlarge': [128, 512, 16] },
  },
  {
    family: 'trn1n',
    accelerator: 'TRAINIUM1',
    cpu: 'IceLake',
    cpuSource: 'Intel Xeon Ice Lake (ccf aws-instances-latest-2026.csv)',
    sizes: { '32xlarge': [128, 512, 16] },
  },
  {
    family: 'trn2',
    accelerator: 'TRAINIUM2',
    cpu: 'SapphireRapids',
    cpuSource: 'Intel Xeon Sapphire Rapids (ccf aws-instances-latest-2026.csv)',
    sizes: { '3xlarge': [12, 128, 1], '48xlarge': [192, 2048, 16] },
  },
  {
    family: 'trn2u',
    accelerator: 'TRAINIUM2',
    cpu: 'SapphireRapids',
    cpuSource: 'Intel Xeon Sapphire Rapids (ccf aws-instances-latest-2026.csv; UltraServer node)',
    sizes: { '48xlarge': [192, 2048, 16] },
  },
];

const round1 = (x: number): number => Math.round(x * 10) / 10;

const buildCatalog = (): Map<string, InstanceSpec> => {
  const out = new Map<string, InstanceSpec>();
  for (const f of FAMILIES) {
    const acc = ACCELERATORS[f.accelerator];
    const cpu = CPU_W_PER_VCPU[f.cpu];
    for (const [size, [vcpus, memoryGiB, count]] of Object.entries(f.sizes)) {
      const instanceType = `${f.family}.${size}`;
      const cpuIdleW = round1(vcpus * cpu.min);
      const cpuMaxW = round1(vcpus * cpu.max);
      const memoryW = round1(memoryGiB * MEMORY_W_PER_GIB);
      const platformW = round1(vcpus * PLATFORM_W_PER_VCPU);
      out.set(instanceType, {
        instanceType,
        family: f.family,
        accelerator: { ...acc },
        acceleratorCount: count,
        vcpus,
        memoryGiB,
        hostIdleW: round1(cpuIdleW + memoryW + platformW),
        hostMaxW: round1(cpuMaxW + memoryW + platformW),
        cpuIdleW,
        cpuMaxW,
        memoryW,
        platformW,
        sources: [
          SIZE_SOURCE,
          `accelerator: ${acc.source}`,
          `CPU ${f.cpuSource}: CCF ${f.cpu} ${cpu.min}–${cpu.max} W/vCPU (coefficients-aws-use.csv)`,
          `memory: CCF ${MEMORY_W_PER_GIB} W/GiB; platform: Teads Delta Full Machine ${PLATFORM_W_PER_VCPU} W/vCPU`,
        ],
      });
    }
  }
  return out;
};

const CATALOG = buildCatalog();

/** Instance spec for an EC2 type or its SageMaker form ('ml.p4d.24xlarge' and 'p4d.24xlarge'); unknown -> undefined. */
export function lookupInstance(instanceType: string): InstanceSpec | undefined {
  const key = instanceType.trim().toLowerCase().replace(/^ml\./, '');
  const hit = CATALOG.get(key);
  return hit ? { ...hit, accelerator: { ...hit.accelerator }, sources: [...hit.sources] } : undefined;
}

/** Families in the catalog (e.g. for the EC2 inventory filter). */
export function acceleratedFamilies(): string[] {
  return FAMILIES.map((f) => f.family);
}

/** Every instance type in the catalog (EC2 names, without `ml.`). */
export function catalogInstanceTypes(): string[] {
  return [...CATALOG.keys()];
}
