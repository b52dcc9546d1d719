/**
 * The embedded embodied factor table against its sources. Where ../shared/data exists (a developer machine), every
 * CCF- and Boavizta-sourced figure is compared with the file it cites; a clone without it checks the table's own
 * integrity (every figure sourced, ranges ordered, every platform reachable).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMBODIED_PLATFORMS, HBM_SHARE_OF_TOTAL, scaleByMemory } from '../../../../shared/domain/embodied/embodied-factors';
import { splitCsvLine } from '../../../../shared/domain/intensity/csv-import';
import { acceleratedFamilies, lookupInstance } from '../../../../shared/domain/power/instance-catalog';

const DATA = join(__dirname, '../../../../../shared/data');
const csv = (file: string): Record<string, string>[] => {
  const [head, ...lines] = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const cols = splitCsvLine(head);
  return lines.map((l) => Object.fromEntries(splitCsvLine(l).map((v, i) => [cols[i], v])));
};

describe('embodied factor table', () => {
  it('has a source, ordered low ≤ point ≤ high, and positive figures for every platform', () => {
    for (const p of EMBODIED_PLATFORMS) {
      for (const r of [p.accelerator.kgCo2e, p.hostKgCo2e]) {
        expect(r.low).toBeGreaterThan(0);
        expect(r.low).toBeLessThanOrEqual(r.point);
        expect(r.point).toBeLessThanOrEqual(r.high);
      }
      expect(p.accelerator.source.length).toBeGreaterThan(20);
      expect(p.hostSource.length).toBeGreaterThan(20);
      // A figure not taken from a CCF row is an assumption and must say so.
      if (!p.ccfRow) expect(p.hostSource).toMatch(/ASSUMPTION/);
    }
  });

  it('covers every accelerated family of the instance catalog, and each platform’s own size is a whole platform', () => {
    const covered = new Set(EMBODIED_PLATFORMS.flatMap((p) => p.families));
    for (const f of acceleratedFamilies()) expect(covered).toContain(f);
    for (const p of EMBODIED_PLATFORMS) expect(lookupInstance(p.platform)?.acceleratorCount).toBe(p.accelerators);
  });

  it('derives the per-GPU vendor figures from the NVIDIA PCF summaries (1,312 and 2,274 kg per 8-GPU baseboard)', () => {
    const p5 = EMBODIED_PLATFORMS.find((p) => p.platform === 'p5.48xlarge')!;
    const b200 = EMBODIED_PLATFORMS.find((p) => p.platform === 'p6-b200.48xlarge')!;
    expect(p5.accelerator.kgCo2e.point * 8).toBeCloseTo(1312, 9);
    expect(b200.accelerator.kgCo2e.point * 8).toBeCloseTo(2274, 9);
  });

  it('scales a per-GPU figure by memory only in its memory share (38 % of the H100 PCF total)', () => {
    expect(HBM_SHARE_OF_TOTAL).toBeCloseTo(0.42 * 0.91, 2);
    expect(scaleByMemory(100, 80, 80)).toBeCloseTo(100, 12);
    expect(scaleByMemory(100, 160, 80)).toBeCloseTo(100 * (1 + HBM_SHARE_OF_TOTAL), 12);
  });

  it('matches CCF and Boavizta in ../shared/data where the folder exists (integrity only in a clone without it)', () => {
    const ccfDir = join(DATA, 'ccf-coefficients');
    const boaDir = join(DATA, 'boavizta');
    const checked: string[] = [];
    if (existsSync(join(ccfDir, 'aws-instances-latest-2026.csv')) && existsSync(join(ccfDir, 'coefficients-aws-embodied.csv'))) {
      const latest = new Map(csv(join(ccfDir, 'aws-instances-latest-2026.csv')).map((r) => [r['Instance Type'], r['Platform Embedded Emissions (mtCo2eq)']]));
      const legacy = new Map(csv(join(ccfDir, 'coefficients-aws-embodied.csv')).map((r) => [r.type, r]));
      for (const p of EMBODIED_PLATFORMS) {
        if (!p.ccfRow) {
          // No CCF value claimed: the 2026 file must indeed have none for this platform (else we should use it).
          expect(latest.get(p.platform) ?? '').toBe('');
          continue;
        }
        if (p.ccfRow.file === 'aws-instances-latest-2026.csv') {
          expect(Number(latest.get(p.ccfRow.instanceType)) * 1000).toBeCloseTo(p.hostKgCo2e.point, 6);
        } else {
          const r = legacy.get(p.ccfRow.instanceType)!;
          expect(Number(r.total) - Number(r.additional_gpus)).toBeCloseTo(p.hostKgCo2e.point, 6);
          // CCF's GPU constant: 150 kg per GPU.
          expect(Number(r.additional_gpus)).toBe(150 * p.accelerators);
        }
        checked.push(`ccf:${p.platform}`);
      }
    }
    if (existsSync(join(boaDir, 'server_archetypes.csv')) && existsSync(join(boaDir, 'cloud_aws_instances.csv'))) {
      const servers = new Map(csv(join(boaDir, 'server_archetypes.csv')).map((r) => [r.id, r]));
      for (const p of EMBODIED_PLATFORMS) {
        if (!p.boaviztaArchetype) continue;
        expect(Number(servers.get(p.boaviztaArchetype)?.['GPU.units'])).toBe(p.accelerators);
        checked.push(`boavizta:${p.platform}`);
      }
      // Boavizta's per-instance GPU counts agree with the catalog the shares are computed from.
      for (const r of csv(join(boaDir, 'cloud_aws_instances.csv'))) {
        const spec = lookupInstance(r.id);
        if (spec && r.gpu_units !== '') {
          expect(`${r.id}:${Number(r.gpu_units)}`).toBe(`${r.id}:${spec.acceleratorCount}`);
          checked.push(`boavizta-instance:${r.id}`);
        }
      }
    }
    // Present data → every cited row was checked; absent → nothing to compare, the integrity tests above still ran.
    const expected = existsSync(ccfDir) ? EMBODIED_PLATFORMS.filter((p) => p.ccfRow).length : 0;
    expect(checked.filter((c) => c.startsWith('ccf:')).length).toBe(expected);
  });
});
