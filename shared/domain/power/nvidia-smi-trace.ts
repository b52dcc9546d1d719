/**
 * Parser for raw `nvidia-smi --query-gpu=timestamp,power.draw,utilization.gpu[,...] --format=csv` output (pure).
 * Values carry units and leading spaces (`151.82 W`, `100 %`). Without an `index` column, each sample tick writes
 * one row per GPU in index order, so row i belongs to GPU i mod N; N is inferred from the timestamp rhythm
 * (rows of one tick are milliseconds apart, ticks are the sampling period apart) unless given.
 * Bad rows are skipped and counted; they still occupy their row slot so later rows keep their GPU.
 */

export interface TraceSample {
  /** Seconds relative to the first valid row (host wall-clock, zone unknown, so only differences matter). */
  tSec: number;
  powerW: number;
  utilPct: number;
}

export interface ParsedTrace {
  gpus: number;
  /** One series per GPU, in index order, sorted by time. */
  series: TraceSample[][];
  rows: number;
  skippedRows: number;
}

/** nvidia-smi timestamp `YYYY/MM/DD HH:MM:SS.mmm` read as a naive wall-clock (treated as UTC): epoch seconds or NaN. */
export function parseNvidiaSmiTimestamp(s: string): number {
  const m = /^(\d{4})[/-](\d{2})[/-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/.exec(s.trim());
  if (!m) return NaN;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return ms / 1000 + (m[7] ? parseFloat(m[7]) : 0);
}

const num = (s: string | undefined): number => {
  if (s === undefined) return NaN;
  const t = s.trim().replace(/\s*(W|%|MiB)$/i, '');
  return t === '' || !/^-?\d+(\.\d+)?$/.test(t) ? NaN : parseFloat(t);
};

/** Infer rows per tick from timestamp gaps: tick boundaries are the large gaps. */
export function inferGpuCount(times: number[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) if (Number.isFinite(times[i]) && Number.isFinite(times[i - 1])) gaps.push(times[i] - times[i - 1]);
  if (gaps.length === 0) return 1;
  const sorted = [...gaps].sort((a, b) => a - b);
  const big = sorted[Math.floor(0.98 * (sorted.length - 1))];
  const threshold = big / 2;
  if (!(threshold > 0)) return 1;
  const counts = new Map<number, number>();
  let run = 1;
  for (const g of gaps) {
    if (g > threshold) {
      counts.set(run, (counts.get(run) ?? 0) + 1);
      run = 1;
    } else run++;
  }
  let best = 1;
  let bestN = -1;
  for (const [k, v] of counts) if (v > bestN) [best, bestN] = [k, v];
  return best;
}

/** Parse an nvidia-smi CSV text into per-GPU series. `gpus` overrides inference when the caller knows it. */
export function parseNvidiaSmiCsv(text: string, opts: { gpus?: number } = {}): ParsedTrace {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.findIndex((h) => h === name || h.startsWith(`${name} `));
  const iT = col('timestamp');
  const iP = col('power.draw');
  const iU = col('utilization.gpu');
  const iIdx = col('index');
  if (iT < 0 || iP < 0 || iU < 0) throw new Error('not an nvidia-smi CSV: need timestamp, power.draw, utilization.gpu columns');

  const rows = lines.slice(1).filter((l) => l.trim() !== '');
  const parsed = rows.map((l) => {
    const f = l.split(',');
    const t = parseNvidiaSmiTimestamp(f[iT] ?? '');
    const p = num(f[iP]);
    const u = num(f[iU]);
    const idx = iIdx >= 0 ? num(f[iIdx]) : NaN;
    const ok = Number.isFinite(t) && Number.isFinite(p) && p >= 0 && Number.isFinite(u) && u >= 0 && u <= 100;
    return { t, p, u, idx, ok };
  });

  const gpus =
    iIdx >= 0
      ? Math.max(1, ...parsed.filter((r) => r.ok && Number.isInteger(r.idx)).map((r) => r.idx + 1))
      : opts.gpus ?? inferGpuCount(parsed.map((r) => r.t));
  const t0 = Math.min(...parsed.filter((r) => r.ok).map((r) => r.t));
  const series: TraceSample[][] = Array.from({ length: gpus }, () => []);
  let skippedRows = 0;
  parsed.forEach((r, i) => {
    const g = iIdx >= 0 ? r.idx : i % gpus;
    if (!r.ok || !Number.isInteger(g) || g < 0 || g >= gpus) {
      skippedRows++;
      return;
    }
    series[g].push({ tSec: r.t - t0, powerW: r.p, utilPct: r.u });
  });
  for (const s of series) s.sort((a, b) => a.tSec - b.tSec);
  return { gpus, series, rows: rows.length, skippedRows };
}
