/** Small hand-built fixtures for tests (no ../shared data needed). */
import type { InstanceSpec } from '../../shared/domain/power/instance-catalog';
import type { HostSample, ResourceRef, ResourceTelemetry } from '../../shared/domain/types';
import { resourceKey } from '../../shared/domain/types';

/** A made-up 1-GPU instance with round numbers so expectations are easy to derive by hand. */
export const TEST_SPEC: InstanceSpec = {
  instanceType: 'test.1gpu',
  family: 'test',
  accelerator: { model: 'TestGPU', idleW: 50, maxW: 400, source: 'test fixture' },
  acceleratorCount: 1,
  vcpus: 8,
  memoryGiB: 32,
  hostIdleW: 100,
  hostMaxW: 200,
  sources: ['test fixture'],
} as InstanceSpec;

export const T0 = 1_763_596_800; // 2025-11-20T00:00:00Z

export const job = (over: Partial<ResourceRef> = {}): ResourceRef => ({
  kind: 'training-job',
  id: 'job-a',
  region: 'us-east-1',
  instanceType: 'test.1gpu',
  counts: [{ atSec: T0, instanceCount: 1 }],
  startSec: T0,
  status: 'InProgress',
  tags: { team: 'nlp' },
  ...over,
});

export const minuteSamples = (startSec: number, n: number, f: (i: number) => Partial<HostSample>): HostSample[] =>
  Array.from({ length: n }, (_, i) => ({ tSec: startSec + i * 60, gpuUtilPct: null, gpuPowerW: null, cpuUtilPct: null, ...f(i) }));

export const telemetryOf = (r: ResourceRef, hosts: { host: string; samples: HostSample[]; instancesRepresented?: number }[], partial = false): ResourceTelemetry => ({
  resourceKey: resourceKey(r),
  window: { startSec: T0, endSec: T0 + 3600 },
  hosts: hosts.map((h) => ({ periodSec: 60, ...h })),
  partial,
  issues: [],
});
