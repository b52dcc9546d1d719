/**
 * Versioned embodied-emissions (scope 3, hardware manufacturing) factor table per AWS instance platform: the GPU /
 * accelerator boards and the host (CPU, memory, storage, chassis), each as low / point / high kgCO2e with its source.
 * Pure data: embedded in code because the product cannot read ../shared/data at run time (Lambda); the unit test
 * `embodied-factors.test.ts` checks every CCF- and Boavizta-sourced figure against ../shared/data where it exists.
 *
 * A "platform" is the physical server behind an instance family (AWS sells slices of it: g5.xlarge is 1 of the 8
 * A10G of a g5.48xlarge host). Instances get a share of the whole platform (shared/domain/embodied/embodied-model.ts).
 *
 * Changing any number here is a new EMBODIED_FACTORS_VERSION: stored intervals keep the version they were computed
 * with (see embodied-model.ts on why a new table does not silently re-revise history).
 */

export const EMBODIED_FACTORS_VERSION = 'embodied-v1-2026';

export interface KgRange {
  low: number;
  point: number;
  high: number;
}

export interface AcceleratorEmbodied {
  /** Per accelerator (GPU module / card / chip incl. its share of baseboard and switches where the source has it), kgCO2e. */
  kgCo2e: KgRange;
  source: string;
}

export interface PlatformEmbodied {
  /** Platform id, e.g. 'p5.48xlarge' (the full server). */
  platform: string;
  /** Instance families sold from this platform (EC2 names, without `ml.`). */
  families: string[];
  accelerators: number;
  /** vCPUs of the whole platform (for vCPU-share allocation of non-accelerated slices). */
  vcpus: number;
  accelerator: AcceleratorEmbodied;
  /** Host without accelerators: CPU, memory, storage, chassis, kgCO2e. */
  hostKgCo2e: KgRange;
  hostSource: string;
  /** Where the host point value is in ../shared/data (checked by the unit test when present). */
  ccfRow?: { file: 'aws-instances-latest-2026.csv' | 'coefficients-aws-embodied.csv'; instanceType: string };
  /** Boavizta server archetype (../shared/data/boavizta/server_archetypes.csv `id`) whose GPU.units must equal `accelerators`. */
  boaviztaArchetype?: string;
}

// ---- accelerator sources -----------------------------------------------------------------------------------------
// NVIDIA HGX H100 Product Carbon Footprint Summary (ISO 14067, critically reviewed; FY2025):
// "the carbon footprint from cradle-to-gate for one HGX H100 GPU baseboard is 1,312 kg CO2e" (8 GPUs + NVSwitch
// baseboard) → 164 kg per GPU; memory 42 % of materials and components, which are 91 % of the total.
// https://images.nvidia.com/aem-dam/Solutions/documents/HGX-H100-PCF-Summary.pdf
const NV_H100_PCF = 'NVIDIA HGX H100 PCF Summary (ISO 14067, FY2025): 1,312 kgCO2e cradle-to-gate per 8-GPU baseboard → 164 kg/GPU';
// NVIDIA HGX B200 PCF Summary: "the carbon footprint from cradle-to-gate for one HGX B200 GPU baseboard is 2,274 kg CO2e".
// https://images.nvidia.com/aem-dam/Solutions/documents/HGX-B200-PCF-Summary.pdf
const NV_B200_PCF = 'NVIDIA HGX B200 PCF Summary (ISO 14067, 2025): 2,274 kgCO2e cradle-to-gate per 8-GPU baseboard → 284.25 kg/GPU';
// Falk et al. 2025, "More than Carbon: Cradle-to-Grave Environmental Impacts of GenAI Training on the Nvidia A100 GPU",
// arXiv:2509.00093: 127.6 kgCO2e per A100 SXM4 40 GB card (ISO 14040/44).
const FALK_A100 = 'Falk et al. 2025 (arXiv:2509.00093): 127.6 kgCO2e per A100 SXM4 40 GB card';
// Green Software Foundation Impact Framework, builtin sci-embodied defaults (gpu-emissions-constant 150,000 gCO2e per
// GPU, following Cloud Carbon Footprint: coefficients-aws-embodied.csv additional_gpus = 150 kg × GPUs).
const GSF_GPU_DEFAULT = 'GSF Impact Framework sci-embodied default 150 kgCO2e per GPU (= CCF additional_gpus 150 kg/GPU)';
// EcoDiag (CNRS EcoInfo) "powerful GPU" 60 kgCO2e, quoted in Boavizta/boaviztapi issue #65 (2022).
const ECODIAG_GPU = 'EcoDiag (CNRS EcoInfo) "powerful GPU" 60 kgCO2e';
/**
 * Memory share of the total for HBM scaling: NVIDIA HGX H100 PCF, memory 42 % of materials and components, which are
 * 91 % of the cradle-to-gate total → 0.42 × 0.91 ≈ 0.38.
 */
export const HBM_SHARE_OF_TOTAL = 0.38;
/** Scale a per-GPU footprint by memory capacity: the memory share scales with GB, the rest stays. */
export const scaleByMemory = (kg: number, gbNew: number, gbRef: number): number =>
  kg * (1 - HBM_SHARE_OF_TOTAL + HBM_SHARE_OF_TOTAL * (gbNew / gbRef));

const round1 = (x: number) => Math.round(x * 10) / 10;
const H100_KG = 1312 / 8;
const B200_KG = 2274 / 8;
const A100_40_KG = 127.6;
const A100_80_KG = round1(scaleByMemory(A100_40_KG, 80, 40));
const H200_KG = round1(scaleByMemory(H100_KG, 141, 80));

const ACC = {
  V100: {
    kgCo2e: { low: 60, point: A100_40_KG, high: H100_KG },
    source: `no vendor PCF for V100; ASSUMPTION: point = A100 SXM4 40 GB card (${FALK_A100}) as the nearest SXM/HBM2 module; low = ${ECODIAG_GPU}; high = H100 PCF per GPU (${NV_H100_PCF})`,
  },
  A100_40: {
    kgCo2e: { low: round1(A100_40_KG * 0.8), point: A100_40_KG, high: H100_KG },
    source: `${FALK_A100}; low −20 % ASSUMPTION (LCA uncertainty); high = H100 PCF per GPU incl. baseboard/NVSwitch share, which a per-card LCA omits (${NV_H100_PCF})`,
  },
  A100_80: {
    kgCo2e: { low: A100_40_KG, point: A100_80_KG, high: round1(H100_KG * 1.2) },
    source: `ASSUMPTION: ${FALK_A100} with its memory share (${HBM_SHARE_OF_TOTAL}, from the NVIDIA HGX H100 PCF) scaled 40 → 80 GB HBM2e; low = the 40 GB card; high = H100 PCF per GPU +20 %`,
  },
  H100: {
    kgCo2e: { low: H100_KG, point: H100_KG, high: round1(H100_KG * 1.5) },
    source: `${NV_H100_PCF}; cradle-to-gate excludes transport and end of life, so it is the low bound; high +50 % ASSUMPTION (omitted stages, LCA uncertainty)`,
  },
  H200: {
    kgCo2e: { low: H100_KG, point: H200_KG, high: B200_KG },
    source: `ASSUMPTION: no H200 PCF; H100 PCF per GPU with its memory share (${HBM_SHARE_OF_TOTAL}) scaled 80 → 141 GB HBM3e; low = H100 (${NV_H100_PCF}); high = B200 per GPU (${NV_B200_PCF})`,
  },
  B200: {
    kgCo2e: { low: B200_KG, point: B200_KG, high: round1(B200_KG * 1.5) },
    source: `${NV_B200_PCF}; cradle-to-gate is the low bound; high +50 % ASSUMPTION (omitted stages, LCA uncertainty)`,
  },
  A10G: {
    kgCo2e: { low: 60, point: 150, high: H100_KG },
    source: `no vendor PCF for A10G (300 W PCIe, 24 GB GDDR6); point = ${GSF_GPU_DEFAULT}; low = ${ECODIAG_GPU}; high = H100 SXM module incl. baseboard share (${NV_H100_PCF}) as an upper bound for a smaller PCIe card`,
  },
  L40S: {
    kgCo2e: { low: 60, point: 150, high: H100_KG },
    source: `no vendor PCF for L40S (350 W PCIe, 48 GB GDDR6); point = ${GSF_GPU_DEFAULT}; low = ${ECODIAG_GPU}; high = H100 PCF per GPU (${NV_H100_PCF})`,
  },
  T4: {
    kgCo2e: { low: 30, point: 60, high: 150 },
    source: `no vendor PCF for T4 (70 W low-profile card, 16 GB); point = ${ECODIAG_GPU}; low = half of it (ASSUMPTION); high = ${GSF_GPU_DEFAULT}`,
  },
  L4: {
    kgCo2e: { low: 30, point: 60, high: 150 },
    source: `no vendor PCF for L4 (72 W low-profile card, 24 GB); point = ${ECODIAG_GPU}; low = half of it (ASSUMPTION); high = ${GSF_GPU_DEFAULT}`,
  },
  INFERENTIA1: {
    kgCo2e: { low: 30, point: 60, high: 150 },
    source: `ASSUMPTION: AWS publishes no Inferentia footprint; sized like a small inference card: point = ${ECODIAG_GPU}; high = ${GSF_GPU_DEFAULT}`,
  },
  INFERENTIA2: {
    kgCo2e: { low: 60, point: 150, high: H100_KG },
    source: `ASSUMPTION: AWS publishes no Inferentia2 footprint (32 GB HBM per chip); point = ${GSF_GPU_DEFAULT}; high = H100 PCF per GPU`,
  },
  TRAINIUM1: {
    kgCo2e: { low: 60, point: 150, high: H100_KG },
    source: `ASSUMPTION: AWS publishes no Trainium footprint (32 GB HBM per chip); point = ${GSF_GPU_DEFAULT}; high = H100 PCF per GPU`,
  },
  TRAINIUM2: {
    kgCo2e: { low: A100_40_KG, point: H100_KG, high: round1(H100_KG * 1.5) },
    source: `ASSUMPTION: AWS publishes no Trainium2 footprint (96 GB HBM per chip, H100-class module); point = ${NV_H100_PCF}; low = ${FALK_A100}; high +50 %`,
  },
} satisfies Record<string, AcceleratorEmbodied>;

// ---- host sources ------------------------------------------------------------------------------------------------
// CCF aws-instances-latest-2026.csv "Platform Embedded Emissions (mtCo2eq)" (ccf-coefficients @b0032d9, 2026-04-24) is
// per platform and excludes accelerators: GPU platforms equal same-memory CPU platforms (inf2 1.9 t = m6a.48xlarge
// 1.9 t at 768 GiB; g6e 3.5 t ≈ r6a.48xlarge 3.4 t at 1,536 GiB; g4dn 1.2 t = m5 1.2 t at 384 GiB).
const CCF_2026 = 'CCF aws-instances-latest-2026.csv "Platform Embedded Emissions (mtCo2eq)" (ccf-coefficients @b0032d9, 2026; host only, no GPUs)';
// CCF coefficients-aws-embodied.csv (Dell R740 LCA method): total − additional_gpus = host.
const CCF_LEGACY = 'CCF coefficients-aws-embodied.csv (Dell R740 LCA method, ccf-coefficients @b0032d9): total − additional_gpus';
/** Host range: CCF's linear component model publishes no uncertainty. ASSUMPTION −25 % / +50 % (rack, network and building shares are outside it). */
const HOST_LOW = 0.75;
const HOST_HIGH = 1.5;
const HOST_BAND = `range −25 %/+50 % ASSUMPTION (no published uncertainty; rack, network and building shares are outside the model)`;
const host = (pointKg: number): KgRange => ({ low: round1(pointKg * HOST_LOW), point: pointKg, high: round1(pointKg * HOST_HIGH) });
/** p5-class 2 TiB hosts without a CCF value: the p5.48xlarge figure, wider band. */
const host2TiBAssumed = (): KgRange => ({ low: round1(5700 * 0.6), point: 5700, high: round1(5700 * 1.6) });

/** The factor table (one row per platform). */
export const EMBODIED_PLATFORMS: readonly PlatformEmbodied[] = Object.freeze([
  {
    platform: 'p3.16xlarge', families: ['p3'], accelerators: 8, vcpus: 64, accelerator: ACC.V100,
    hostKgCo2e: host(2343.79), hostSource: `${CCF_LEGACY}: p3.16xlarge 3,543.79 − 1,200 = 2,343.79 kg; ${HOST_BAND}`,
    ccfRow: { file: 'coefficients-aws-embodied.csv', instanceType: 'p3.16xlarge' }, boaviztaArchetype: 'platform_aws_p3',
  },
  {
    platform: 'p3dn.24xlarge', families: ['p3dn'], accelerators: 8, vcpus: 96, accelerator: ACC.V100,
    hostKgCo2e: host(2343.79), hostSource: `${CCF_LEGACY}: p3dn.24xlarge 3,543.79 − 1,200 = 2,343.79 kg; ${HOST_BAND}`,
    ccfRow: { file: 'coefficients-aws-embodied.csv', instanceType: 'p3dn.24xlarge' }, boaviztaArchetype: 'p3dn.24xlarge',
  },
  {
    platform: 'p4d.24xlarge', families: ['p4d'], accelerators: 8, vcpus: 96, accelerator: ACC.A100_40,
    hostKgCo2e: host(3000), hostSource: `${CCF_2026}: p4d.24xlarge 3.0 t; ${HOST_BAND}`,
    ccfRow: { file: 'aws-instances-latest-2026.csv', instanceType: 'p4d.24xlarge' }, boaviztaArchetype: 'p4d.24xlarge',
  },
  {
    platform: 'p4de.24xlarge', families: ['p4de'], accelerators: 8, vcpus: 96, accelerator: ACC.A100_80,
    hostKgCo2e: host(3000), hostSource: `${CCF_2026}: p4de.24xlarge 3.0 t; ${HOST_BAND}`,
    ccfRow: { file: 'aws-instances-latest-2026.csv', instanceType: 'p4de.24xlarge' }, boaviztaArchetype: 'p4de.24xlarge',
  },
  {
    platform: 'p5.48xlarge', families: ['p5'], accelerators: 8, vcpus: 192, accelerator: ACC.H100,
    hostKgCo2e: host(5700), hostSource: `${CCF_2026}: p5.48xlarge 5.7 t; ${HOST_BAND}`,
    ccfRow: { file: 'aws-instances-latest-2026.csv', instanceType: 'p5.48xlarge' }, boaviztaArchetype: 'p5.48xlarge',
  },
  {
    platform: 'p5e.48xlarge', families: ['p5e'], accelerators: 8, vcpus: 192, accelerator: ACC.H200,
    hostKgCo2e: host2TiBAssumed(), hostSource: `ASSUMPTION: CCF 2026 has no p5e value; p5.48xlarge host (same 2× EPYC 7R13, 2 TiB, 8× 3.84 TB NVMe) ${CCF_2026}, band −40 %/+60 %`,
  },
  {
    platform: 'p5en.48xlarge', families: ['p5en'], accelerators: 8, vcpus: 192, accelerator: ACC.H200,
    hostKgCo2e: host2TiBAssumed(), hostSource: `ASSUMPTION: CCF 2026 has no p5en value; p5.48xlarge host (2 TiB, 8× 3.84 TB NVMe) ${CCF_2026}, band −40 %/+60 %`,
  },
  {
    platform: 'p6-b200.48xlarge', families: ['p6-b200'], accelerators: 8, vcpus: 192, accelerator: ACC.B200,
    hostKgCo2e: host2TiBAssumed(), hostSource: `ASSUMPTION: CCF 2026 has no p6-b200 value; p5.48xlarge host (2 TiB) ${CCF_2026}, band −40 %/+60 %`,
  },
  {
    platform: 'g4dn.metal', families: ['g4dn'], accelerators: 8, vcpus: 96, accelerator: ACC.T4,
    hostKgCo2e: host(1200), hostSource: `${CCF_2026}: g4dn 1.2 t; ${HOST_BAND}`,
    ccfRow: { file: 'aws-instances-latest-2026.csv', instanceType: 'g4dn.metal' }, boaviztaArchetype: 'g4dn.metal',
  },
  {
    platform: 'g5.48xlarge', families: ['g5'], accelerators: 8, vcpus: 192, accelerator: ACC.A10G,
    hostKgCo2e: host(2200), hostSource: `${CCF_2026}: g5 2.2 t; ${HOST_BAND}`,
    ccfRow: { file: 'aws-instances-latest-2026.csv', instanceType: 'g5.48xlarge' }, boaviztaArchetype: 'g5.48xlarge',
  },
  {
    platform: 'g6.48xlarge', families: ['g6'], accelerators: 8, vcpus: 192, accelerator: ACC.L4,
    hostKgCo2e: host(2300), hostSource: `${CCF_2026}: g6 2.3 t; ${HOST_BAND}`,
    ccfRow: { file: 'aws-instances-latest-2026.csv', instanceType: 'g6.48xlarge' }, boaviztaArchetype: 'g6.48xlarge',
  },
  {
    platform: 'g6e.48xlarge', families: ['g6e'], accelerators: 8, vcpus: 192, accelerator: ACC.L40S,
    hostKgCo2e: host(3500), hostSource: `${CCF_2026}: g6e 3.5 t; ${HOST_BAND}`,
    ccfRow: { file: 'aws-instances-latest-2026.csv', instanceType: 'g6e.48xlarge' }, boaviztaArchetype: 'g6e.48xlarge',
  },
  {
    platform: 'inf1.24xlarge', families: ['inf1'], accelerators: 16, vcpus: 96, accelerator: ACC.INFERENTIA1,
    hostKgCo2e: host(790), hostSource: `${CCF_2026}: inf1 0.79 t; ${HOST_BAND}`,
    ccfRow: { file: 'aws-instances-latest-2026.csv', instanceType: 'inf1.24xlarge' }, boaviztaArchetype: 'inf1.24xlarge',
  },
  {
    platform: 'inf2.48xlarge', families: ['inf2'], accelerators: 12, vcpus: 192, accelerator: ACC.INFERENTIA2,
    hostKgCo2e: host(1900), hostSource: `${CCF_2026}: inf2 1.9 t; ${HOST_BAND}`,
    ccfRow: { file: 'aws-instances-latest-2026.csv', instanceType: 'inf2.48xlarge' }, boaviztaArchetype: 'inf2.48xlarge',
  },
  {
    platform: 'trn1.32xlarge', families: ['trn1', 'trn1n'], accelerators: 16, vcpus: 128, accelerator: ACC.TRAINIUM1,
    hostKgCo2e: host(1700), hostSource: `${CCF_2026}: trn1/trn1n 1.7 t; ${HOST_BAND}`,
    ccfRow: { file: 'aws-instances-latest-2026.csv', instanceType: 'trn1.32xlarge' }, boaviztaArchetype: 'trn1.32xlarge',
  },
  {
    platform: 'trn2.48xlarge', families: ['trn2', 'trn2u'], accelerators: 16, vcpus: 192, accelerator: ACC.TRAINIUM2,
    hostKgCo2e: host2TiBAssumed(), hostSource: `ASSUMPTION: CCF 2026 has no trn2 value; p5.48xlarge host (2 TiB) ${CCF_2026}, band −40 %/+60 %`,
  },
]);

/** Default amortisation: 6 years, as AWS's scope 3 method and Boavizta's server archetypes (USAGE.hours_life_time 52,560 h). */
export const DEFAULT_LIFETIME_YEARS = 6;
/** Sensitivity: 4 years, the CCF and GSF Impact Framework sci-embodied default (lifespan 126,144,000 s). */
export const SENSITIVITY_LIFETIME_YEARS = 4;
/** Hours in a year for amortisation (365 d; Boavizta 52,560 h = 6 × 8,760). */
export const HOURS_PER_YEAR = 8760;
