/**
 * bench:scopes — embodied (scope 3) emissions per reserved instance-hour, our factor table vs the Cloud Carbon
 * Footprint method on CCF's own coefficients, and the embodied share of the hourly SCI numerator per region.
 *   npm run bench:scopes -- --data DIR --out FILE.json
 * Discovers DIR/ccf-coefficients/{coefficients-aws-embodied.csv,aws-instances-latest-2026.csv} and
 * DIR/aws-region-grid-mapping/aws_region_grid_mapping.csv (annual Electricity Maps zone factors, 2024).
 *
 * Side by side on the same instance types:
 * - ours: boards + host per platform (shared/domain/embodied), accelerator share, 6 years (4-year sensitivity);
 * - CCF: platform total (coefficients-aws-embodied.csv: host + 150 kg/GPU, or the 2026 platform figure, which
 *   carries no GPUs) × vCPU share ÷ 4 years — CCF's published method.
 * Then, at 60 % GPU / 40 % CPU utilisation (power model) and each region's PUE and 2024 yearly grid factor:
 * embodied ÷ (operational + embodied), the share of the SCI numerator (E × I + M) that is hardware.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchArgs, writeJson } from './lib/bench-args';
import { splitCsvLine } from '../shared/domain/intensity/csv-import';
import { embodiedPerInstanceHourKg, platformShare } from '../shared/domain/embodied/embodied-model';
import { EMBODIED_FACTORS_VERSION } from '../shared/domain/embodied/embodied-factors';
import { lookupInstance } from '../shared/domain/power/instance-catalog';
import { estimateAcceleratorPowerW, estimateHostRestPowerW } from '../shared/domain/power/power-model';
import { getRegionInfo } from '../shared/domain/regions/region-catalog';

const args = benchArgs('scopes', { dataRequired: true });
const data = args.data!;
const csv = (file: string): Record<string, string>[] => {
  if (!existsSync(file)) args.fail(`missing ${file}`);
  const [head, ...lines] = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const cols = splitCsvLine(head);
  return lines.map((l) => Object.fromEntries(splitCsvLine(l).map((v, i) => [cols[i], v])));
};

const legacy = new Map(csv(join(data, 'ccf-coefficients/coefficients-aws-embodied.csv')).map((r) => [r.type, Number(r.total)]));
const latest = new Map(csv(join(data, 'ccf-coefficients/aws-instances-latest-2026.csv')).map((r) => [r['Instance Type'], r]));
const grid = new Map(csv(join(data, 'aws-region-grid-mapping/aws_region_grid_mapping.csv')).map((r) => [r.aws_region, Number(r.em_zone_yearly_2024_gco2eq_per_kwh)]));

const TYPES = ['p3.16xlarge', 'p4d.24xlarge', 'p5.48xlarge', 'p5.4xlarge', 'g4dn.xlarge', 'g5.xlarge', 'g5.12xlarge', 'g6.xlarge', 'g6e.12xlarge', 'inf1.xlarge', 'inf2.48xlarge', 'trn1.32xlarge'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-north-1', 'eu-west-3', 'ap-southeast-2'];

interface Row {
  instanceType: string;
  platform: string;
  share: number;
  oursKgPerH: { low: number; point: number; high: number };
  ours4yKgPerH: number;
  ccfKgPerH: number | null;
  ccfBasis: string;
  oursOverCcf: number | null;
  operationalKwhPerH: number;
  embodiedShareOfSci: Record<string, number>;
}

const rows: Row[] = [];
for (const t of TYPES) {
  const spec = lookupInstance(t)!;
  const ps = platformShare(t)!;
  const ours = embodiedPerInstanceHourKg(t)!;
  // CCF: the platform total of its own files, vCPU share, 4 years (35,040 h).
  const platformVcpus = Number(latest.get(ps.platform.platform)?.vCPUs ?? ps.platform.vcpus);
  const legacyTotal = legacy.get(ps.platform.platform);
  // The 2026 file repeats the platform figure on each size; a blank size row falls back to its platform's row.
  const latestT = Number(latest.get(t)?.['Platform Embedded Emissions (mtCo2eq)'] || latest.get(ps.platform.platform)?.['Platform Embedded Emissions (mtCo2eq)'] || NaN);
  const ccfPlatformKg = legacyTotal ?? (Number.isFinite(latestT) ? latestT * 1000 : NaN);
  const ccfKgPerH = Number.isFinite(ccfPlatformKg) ? (ccfPlatformKg * (spec.vcpus / platformVcpus)) / (4 * 8760) : null;
  const accW = estimateAcceleratorPowerW(spec.accelerator, 60).point * spec.acceleratorCount;
  const hostW = estimateHostRestPowerW(spec, 40).point;
  const itKwh = (accW + hostW) / 1000;
  const share: Record<string, number> = {};
  for (const region of REGIONS) {
    const info = getRegionInfo(region)!;
    const opKg = itKwh * info.pue * ((grid.get(region) ?? NaN) / 1000);
    share[region] = ours.point / (opKg + ours.point);
  }
  rows.push({
    instanceType: t,
    platform: ps.platform.platform,
    share: ps.share,
    oursKgPerH: ours,
    ours4yKgPerH: embodiedPerInstanceHourKg(t, 4)!.point,
    ccfKgPerH,
    ccfBasis: legacyTotal !== undefined ? 'coefficients-aws-embodied.csv total (host + 150 kg/GPU)' : 'aws-instances-latest-2026.csv platform (host only, no GPUs)',
    oursOverCcf: ccfKgPerH ? ours.point / ccfKgPerH : null,
    operationalKwhPerH: itKwh,
    embodiedShareOfSci: share,
  });
}

const ratios = rows.map((r) => r.oursOverCcf).filter((x): x is number => x !== null).sort((a, b) => a - b);
const median = ratios.length ? ratios[Math.floor(ratios.length / 2)] : NaN;
const p5 = rows.find((r) => r.instanceType === 'p5.48xlarge')!;
const g5 = rows.find((r) => r.instanceType === 'g5.xlarge')!;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const summary =
  `bench:scopes ${EMBODIED_FACTORS_VERSION}: p5.48xlarge ${p5.oursKgPerH.point.toFixed(3)} kgCO2e/h embodied (CCF method ${p5.ccfKgPerH?.toFixed(3) ?? 'n/a'}); ` +
  `ours ÷ CCF median ${median.toFixed(2)} over ${ratios.length} types; embodied share of SCI at 60 % GPU — p5: us-east-1 ${pct(p5.embodiedShareOfSci['us-east-1'])}, ` +
  `eu-north-1 ${pct(p5.embodiedShareOfSci['eu-north-1'])}; g5.xlarge: us-east-1 ${pct(g5.embodiedShareOfSci['us-east-1'])}, eu-north-1 ${pct(g5.embodiedShareOfSci['eu-north-1'])}`;
console.log(summary);
writeJson(args.out, { summary, version: EMBODIED_FACTORS_VERSION, utilisation: { gpuPct: 60, cpuPct: 40 }, gridFactor: 'Electricity Maps 2024 yearly zone average (aws-region-grid-mapping)', rows });
