import { inferGpuCount, parseNvidiaSmiCsv, parseNvidiaSmiTimestamp } from '../../../../shared/domain/power/nvidia-smi-trace';

// Inline fixture in the raw nvidia-smi format: 2 GPUs, one row per GPU per 100 ms tick, units and leading spaces.
const FIXTURE = [
  'timestamp, power.draw [W], utilization.gpu [%], memory.used [MiB]',
  '2025/07/27 00:22:27.858, 71.25 W, 0 %, 130 MiB',
  '2025/07/27 00:22:27.861, 72.48 W, 0 %, 17 MiB',
  '2025/07/27 00:22:27.958, 550.00 W, 95 %, 41185 MiB',
  '2025/07/27 00:22:27.961, garbage, 95 %, 41185 MiB',
  '2025/07/27 00:22:28.058, 151.82 W, 100 %, 41185 MiB',
  '2025/07/27 00:22:28.061, 152.00 W, 100 %, 41185 MiB',
  '',
].join('\n');

describe('nvidia-smi trace parsing', () => {
  it('reads units, assigns row i to GPU i mod N, and skips-and-counts bad rows without shifting GPUs', () => {
    const t = parseNvidiaSmiCsv(FIXTURE);
    expect(t.gpus).toBe(2);
    expect(t.rows).toBe(6);
    expect(t.skippedRows).toBe(1);
    expect(t.series[0].map((s) => s.powerW)).toEqual([71.25, 550, 151.82]);
    expect(t.series[1].map((s) => s.powerW)).toEqual([72.48, 152]);
    expect(t.series[0][1].utilPct).toBe(95);
    expect(t.series[0][2].tSec).toBeCloseTo(0.2, 6);
  });

  it('accepts Titan X style values without the W unit', () => {
    const t = parseNvidiaSmiCsv(FIXTURE.replace(/ W,/g, ','), { gpus: 2 });
    expect(t.series[1][0].powerW).toBe(72.48);
  });

  it('uses an index column when present', () => {
    const csv = ['timestamp, index, power.draw [W], utilization.gpu [%]', '2025/01/01 00:00:00.000, 1, 100 W, 50 %', '2025/01/01 00:00:00.000, 0, 60 W, 0 %'].join('\n');
    const t = parseNvidiaSmiCsv(csv);
    expect(t.gpus).toBe(2);
    expect(t.series[0][0].powerW).toBe(60);
  });

  it('infers rows per tick from timestamp rhythm', () => {
    const times = Array.from({ length: 40 }, (_, i) => Math.floor(i / 4) * 0.1 + (i % 4) * 0.003);
    expect(inferGpuCount(times)).toBe(4);
  });

  it('rejects a file that is not nvidia-smi output and parses timestamps across midnight', () => {
    expect(() => parseNvidiaSmiCsv('a,b,c\n1,2,3')).toThrow(/nvidia-smi/);
    expect(parseNvidiaSmiTimestamp('2025/07/28 00:00:00.100') - parseNvidiaSmiTimestamp('2025/07/27 23:59:59.900')).toBeCloseTo(0.2, 6);
    expect(parseNvidiaSmiTimestamp('yesterday')).toBeNaN();
  });
});
