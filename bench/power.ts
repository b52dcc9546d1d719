/**
 * bench:power — utilisation-only GPU energy estimate vs measured board energy on real nvidia-smi traces.
 *   npx tsx bench/power.ts --data DIR --out FILE.json
 * Discovers DIR/gpu-power-traces-training-profile/<model>-traces/*.csv (model from the folder name, e.g. h100-traces → H100).
 * The estimator sees only the utilisation series; measured energy = ∫ power.draw (same hold rule).
 * Side by side: CarbonPilot model (raw 100 ms samples and 1-minute averages, as CloudWatch delivers) vs linear idle→max.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { benchArgs, writeJson } from './lib/bench-args';
import { join } from 'path';
import { lookupAccelerator } from '../shared/domain/power/instance-catalog';
import { parseNvidiaSmiCsv, type TraceSample } from '../shared/domain/power/nvidia-smi-trace';
import {
  estimateAcceleratorEnergyDetailed,
  linearAcceleratorPowerW,
  POWER_MODEL_VERSION,
  type UtilSample,
} from '../shared/domain/power/power-model';
import type { Ranged } from '../shared/domain/types';

const J_PER_KWH = 3.6e6;


/** Hold-until-next integration with last sample = median step (same rule as the estimator). */
const integrate = (ts: number[], vals: number[]): number => {
  const d: number[] = [];
  for (let i = 1; i < ts.length; i++) if (ts[i] > ts[i - 1]) d.push(ts[i] - ts[i - 1]);
  d.sort((a, b) => a - b);
  const med = d.length ? (d.length % 2 ? d[d.length >> 1] : (d[(d.length >> 1) - 1] + d[d.length >> 1]) / 2) : 0;
  let e = 0;
  for (let i = 0; i < ts.length; i++) e += vals[i] * (i + 1 < ts.length ? ts[i + 1] - ts[i] : med);
  return e;
};

/** Time-weighted 1-minute means of utilisation, stamped at bucket start (what CloudWatch Average gives). */
const minuteAverages = (s: TraceSample[], periodSec = 60): UtilSample[] => {
  if (s.length === 0) return [];
  const buckets = new Map<number, { w: number; uw: number }>();
  for (let i = 0; i < s.length; i++) {
    const dt = i + 1 < s.length ? s[i + 1].tSec - s[i].tSec : 0.1;
    const b = Math.floor(s[i].tSec / periodSec) * periodSec;
    const cur = buckets.get(b) ?? { w: 0, uw: 0 };
    cur.w += dt;
    cur.uw += dt * s[i].utilPct;
    buckets.set(b, cur);
  }
  const out = [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ tSec: t, utilPct: v.w > 0 ? v.uw / v.w : 0 }));
  return out;
};

interface RunResult {
  file: string;
  gpuModel: string;
  gpus: number;
  durationSec: number;
  measuredKwh: number;
  estimatedKwh: Ranged;
  linearKwh: number;
  errPct: number;
  linearErrPct: number;
  inInterval: boolean;
  minuteAvgKwh: Ranged;
  minuteAvgErrPct: number;
  minuteAvgInInterval: boolean;
  stallSharePct: number;
  rows: number;
  skippedRows: number;
}

const main = (): void => {
  const { data, out, fail } = benchArgs('power', { dataRequired: true });
  const root = join(data as string, 'gpu-power-traces-training-profile');
  if (!existsSync(root) || !statSync(root).isDirectory()) fail(`no gpu-power-traces-training-profile folder under ${data}`);

  const runs: RunResult[] = [];
  const skippedFiles: { file: string; reason: string }[] = [];
  const dirs = readdirSync(root).filter((d) => /-traces$/.test(d) && statSync(join(root, d)).isDirectory()).sort();
  for (const dir of dirs) {
    const modelName = dir.replace(/-traces$/, '');
    const acc = lookupAccelerator(modelName);
    for (const f of readdirSync(join(root, dir)).filter((x) => x.endsWith('.csv')).sort()) {
      const file = `${dir}/${f}`;
      if (!acc) {
        skippedFiles.push({ file, reason: `unknown accelerator model '${modelName}'` });
        continue;
      }
      let trace;
      try {
        trace = parseNvidiaSmiCsv(readFileSync(join(root, dir, f), 'utf8'));
      } catch (e) {
        skippedFiles.push({ file, reason: (e as Error).message });
        continue;
      }
      let measuredJ = 0;
      let linearJ = 0;
      let durationSec = 0;
      let stallSec = 0;
      const est = { point: 0, low: 0, high: 0 };
      const minute = { point: 0, low: 0, high: 0 };
      for (const s of trace.series) {
        if (s.length === 0) continue;
        const ts = s.map((x) => x.tSec);
        measuredJ += integrate(ts, s.map((x) => x.powerW));
        linearJ += integrate(ts, s.map((x) => linearAcceleratorPowerW(acc, x.utilPct)));
        const d = estimateAcceleratorEnergyDetailed(acc, s.map(({ tSec, utilPct }) => ({ tSec, utilPct })));
        est.point += d.energyJ.point;
        est.low += d.energyJ.low;
        est.high += d.energyJ.high;
        durationSec = Math.max(durationSec, d.durationSec);
        stallSec += d.stallSec;
        // Minute averages: scale to the raw duration so both estimates cover the same span.
        const m = estimateAcceleratorEnergyDetailed(acc, minuteAverages(s));
        const k = m.durationSec > 0 ? d.durationSec / m.durationSec : 0;
        minute.point += m.energyJ.point * k;
        minute.low += m.energyJ.low * k;
        minute.high += m.energyJ.high * k;
      }
      if (measuredJ <= 0) {
        skippedFiles.push({ file, reason: 'no valid samples' });
        continue;
      }
      const kwh = (j: number) => j / J_PER_KWH;
      const r = (x: Ranged): Ranged => ({ point: kwh(x.point), low: kwh(x.low), high: kwh(x.high) });
      const errPct = ((est.point - measuredJ) / measuredJ) * 100;
      runs.push({
        file,
        gpuModel: acc.model,
        gpus: trace.gpus,
        durationSec,
        measuredKwh: kwh(measuredJ),
        estimatedKwh: r(est),
        linearKwh: kwh(linearJ),
        errPct,
        linearErrPct: ((linearJ - measuredJ) / measuredJ) * 100,
        inInterval: est.low <= measuredJ && measuredJ <= est.high,
        minuteAvgKwh: r(minute),
        minuteAvgErrPct: ((minute.point - measuredJ) / measuredJ) * 100,
        minuteAvgInInterval: minute.low <= measuredJ && measuredJ <= minute.high,
        stallSharePct: (stallSec / Math.max(1e-9, durationSec * trace.gpus)) * 100,
        rows: trace.rows,
        skippedRows: trace.skippedRows,
      });
    }
  }
  if (runs.length === 0) fail(`no usable traces under ${root}`);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const mape = {
    carbonpilot: mean(runs.map((x) => Math.abs(x.errPct))),
    linear: mean(runs.map((x) => Math.abs(x.linearErrPct))),
    carbonpilotMinuteAvg: mean(runs.map((x) => Math.abs(x.minuteAvgErrPct))),
  };
  const result = {
    modelVersion: POWER_MODEL_VERSION,
    runs,
    mape,
    mapeRatio: mape.linear / mape.carbonpilot,
    intervalCoverage: runs.filter((x) => x.inInterval).length / runs.length,
    minuteAvgIntervalCoverage: runs.filter((x) => x.minuteAvgInInterval).length / runs.length,
    meanIntervalWidthRatio: mean(runs.map((x) => x.estimatedKwh.high / Math.max(1e-12, x.estimatedKwh.low))),
    skippedRows: runs.reduce((a, x) => a + x.skippedRows, 0),
    skippedFiles,
  };
  writeJson(out, result);
  console.log(
    `bench:power ${POWER_MODEL_VERSION}: ${runs.length} runs, MAPE carbonpilot ${mape.carbonpilot.toFixed(1)}% ` +
      `(1-min avg ${mape.carbonpilotMinuteAvg.toFixed(1)}%) vs linear ${mape.linear.toFixed(1)}% → ratio ${result.mapeRatio.toFixed(2)}×, ` +
      `coverage ${(result.intervalCoverage * 100).toFixed(0)}% (1-min ${(result.minuteAvgIntervalCoverage * 100).toFixed(0)}%), ` +
      `skipped rows ${result.skippedRows}, skipped files ${skippedFiles.length}`,
  );
};

main();
