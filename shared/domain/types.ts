import type { EpochSec } from './time';

/** Kinds of AI workload CarbonPilot tracks. */
export type ResourceKind = 'training-job' | 'endpoint' | 'ec2-instance';

/** Attribution dimensions resolved from tags; missing tags resolve to UNTAGGED, never to ''. */
export interface Attribution {
  team: string;
  project: string;
  model: string;
}
export const UNTAGGED = 'untagged';

/** A change of instance count over time (endpoint auto scaling, multi-instance jobs). */
export interface CountChange {
  atSec: EpochSec;
  instanceCount: number;
}

/** One tracked AI workload as discovered by the inventory. */
export interface ResourceRef {
  kind: ResourceKind;
  /** Job name, endpoint name + '/' + variant name, or EC2 instance id. */
  id: string;
  region: string;
  instanceType: string;
  /** Instance count history, sorted by atSec; the first entry is at or before startSec. */
  counts: CountChange[];
  startSec: EpochSec;
  /** Undefined while running. */
  endSec?: EpochSec;
  status: string;
  tags: Record<string, string>;
  /** SageMaker serverless variants have no instance type to model; flagged, not guessed. */
  serverless?: boolean;
  /** True for the generated demo fleet: every output derived from it is labelled demo. */
  demo?: boolean;
  /** AWS account that owns the resource (from its ARN), for reconciliation with AWS's carbon export; optional. */
  accountId?: string;
}

/** Stable key of a resource: `<kind>#<region>#<id>`. */
export const resourceKey = (r: Pick<ResourceRef, 'kind' | 'region' | 'id'>): string => `${r.kind}#${r.region}#${r.id}`;

/** One metric period of one host. `null` = no datapoint (a gap, never filled). */
export interface HostSample {
  tSec: EpochSec;
  /** Mean utilisation per GPU/accelerator, 0–100 (already normalised by accelerator count). */
  gpuUtilPct: number | null;
  /** Measured board power summed over the host's GPUs, W (CloudWatch agent nvidia_smi_power_draw). */
  gpuPowerW: number | null;
  /** Host CPU utilisation 0–100 (mean over vCPUs). */
  cpuUtilPct: number | null;
  /** Endpoints: invocations in this period (AWS/SageMaker Invocations, Sum); absent for other kinds. */
  invocations?: number | null;
}

export interface HostSeries {
  /** Training: `<job>/algo-<n>`; endpoint: `<endpoint>/<variant>` (instances averaged by CloudWatch); EC2: instance id. */
  host: string;
  periodSec: number;
  samples: HostSample[];
  /** Instances this series stands for (endpoints report one averaged series for N instances). */
  instancesRepresented?: number;
}

/** Telemetry of one resource for one window, as fetched. */
export interface ResourceTelemetry {
  resourceKey: string;
  window: { startSec: EpochSec; endSec: EpochSec };
  hosts: HostSeries[];
  /** CloudWatch returned PartialData for some query: values may still change, the interval is provisional. */
  partial: boolean;
  /**
   * With `partial`: periods starting at or after this instant may still change; earlier ones are final, so the hours
   * before it can be accounted (and the cursor can move). Undefined = the whole window is provisional.
   */
  provisionalFromSec?: EpochSec;
  /** Data-quality flags (impossible values, missing metrics) with what was done about them. */
  issues: string[];
}

/** Which carbon signal a number used. Never mixed silently. */
export type IntensitySignal = 'average-lifecycle' | 'average-direct' | 'marginal';

/** Quality of an intensity value, best first: actual > provider forecast > own forecast > yearly average. */
export type IntensityQuality = 'actual' | 'provider-forecast' | 'own-forecast' | 'yearly-average' | 'demo';

/** One hourly (or finer) grid-intensity value with provenance. */
export interface IntensityPoint {
  /** Start of the period this value covers. */
  tSec: EpochSec;
  periodSec: number;
  gPerKwh: number;
  zone: string;
  signal: IntensitySignal;
  provider: string;
  quality: IntensityQuality;
  /** For forecasts: when the forecast was issued. */
  issuedAtSec?: EpochSec;
  fetchedAtSec?: EpochSec;
  /**
   * Carbon-free share of the grid in this period, 0–100 (Electricity Maps "Carbon-free Energy Percentage" / hourly
   * export "Low Carbon Percentage"), where the provider gives it; undefined = unknown (hourly CFE says so, never guesses).
   */
  cfePct?: number;
}

export type EnergyMethod = 'measured' | 'estimated' | 'mixed' | 'unmodelled' | 'no-telemetry';

/** A value with its uncertainty range. */
export interface Ranged {
  point: number;
  low: number;
  high: number;
}

/** The footprint of one resource over one aligned interval — the unit of exactly-once accounting. */
export interface FootprintInterval {
  resourceKey: string;
  kind: ResourceKind;
  resourceId: string;
  region: string;
  instanceType: string;
  attribution: Attribution;
  intervalStartSec: EpochSec;
  intervalSec: number;
  /** IT energy (servers) in the interval, kWh, with range. */
  itEnergyKwh: Ranged;
  /** Power usage effectiveness applied (facility / IT), shown separately. */
  pue: number;
  pueSource: string;
  /** Facility energy = IT energy × PUE, kWh. */
  energyKwh: Ranged;
  /** Location-based operational emissions (scope 2 of the energy), kg CO2e. Never includes embodied emissions. */
  co2eKg: Ranged;
  /** Time-weighted grid intensity over the interval, g/kWh. */
  intensityGPerKwh: number;
  intensitySignal: IntensitySignal;
  intensityZone: string;
  intensityProvider: string;
  intensityQuality: IntensityQuality;
  intensityIssuedAtSec?: EpochSec;
  method: EnergyMethod;
  /** Share of IT energy that is measured (board power) rather than estimated, 0–1. */
  measuredShare: number;
  /** Share of expected host-periods that had telemetry, 0–100. */
  coveragePct: number;
  /** Mean per-GPU utilisation over covered periods (undefined when none). */
  meanGpuUtilPct?: number;
  invocations?: number;
  modelVersion: string;
  provisional: boolean;
  /** Higher revision replaces lower; equal is a no-op. */
  revision: number;
  issues: string[];
  demo: boolean;
  /**
   * Embodied hardware emissions (scope 3) of the reserved instance time, kg CO2e, amortised over
   * `embodiedBasis.lifetimeYears` (shared/domain/embodied). Stored beside `co2eKg`, never added to it.
   * Present only when `embodiedStatus` is 'computed'.
   */
  embodiedKgCo2e?: Ranged;
  /** 'computed', or 'unmodelled' (reason in `issues`); absent on intervals stored before embodied accounting = not computed. */
  embodiedStatus?: EmbodiedStatus;
  /** Factor-table version the embodied figure was computed with (EMBODIED_FACTORS_VERSION). */
  embodiedModelVersion?: string;
  /** How the embodied figure was allocated (platform, share of it, lifetime, reserved instance-hours). */
  embodiedBasis?: {
    platform: string;
    allocation: 'accelerator-share' | 'vcpu-share';
    share: number;
    lifetimeYears: number;
    reservedInstanceHours: number;
  };
}

/** Embodied accounting state of an interval; a missing value means the interval predates it ("not computed"). */
export type EmbodiedStatus = 'computed' | 'unmodelled';
