import { DEFAULT_FORECASTER_CONFIG, forecastHourlyWith, ForecasterConfig } from '../shared/domain/intensity/forecaster';
import { loadHourlyZones } from './lib/hourly-data';
const zones = loadHourlyZones('/work/shared/data');
const variants: Record<string, Partial<ForecasterConfig>> = JSON.parse(process.argv[2]);
const zl = (process.argv[3] ?? 'GB,DE-LU,US-TEX-ERCO,US-CAL-CISO,AU-NSW,AU-VIC,CA-ON,US-NY-NYIS').split(',');
for (const [name, v] of Object.entries(variants)) {
  const cfg = { ...DEFAULT_FORECASTER_CONFIG, ...v };
  const rows: string[] = []; let ms = 0, calls = 0; const rs: number[][] = [];
  for (const zn of zl) {
    const z = zones.get(zn)!; const s = z.lca;
    const e = [0, 0, 0], y = [0, 0, 0], wm=[0,0,0], c = [0, 0, 0]; let cin = 0, cn = 0;
    for (let o = 24 * 28; o < s.length - 96; o += 31) {
      const t0 = performance.now();
      const f = forecastHourlyWith(cfg, s.subarray(Math.max(0, o - Number(process.env.HIST ?? 1344)), o), 96, { firstHourSec: 0 });
      ms += performance.now() - t0; calls++;
      for (let h = 1; h <= 96; h++) {
        const b = h <= 24 ? 0 : h <= 48 ? 1 : 2; const t = o + h - 1; const act = s[t]; const j = Math.ceil(h / 24);
        e[b] += Math.abs(f.point[h - 1] - act) / act; y[b] += Math.abs(s[t - 24 * j] - act) / act; c[b]++;
        let sm=0; for (let k=j;k<j+7;k++) sm+=s[t-24*k]; wm[b]+=Math.abs(sm/7-act)/act;
        cn++; if (act >= f.low[h - 1] && act <= f.high[h - 1]) cin++;
      }
    }
    rs.push([e[0]/y[0], e[1]/y[1], e[2]/y[2], e[2]/wm[2]]);
    rows.push(`${zn}:${(e[0] / y[0]).toFixed(3)}/${(e[1] / y[1]).toFixed(3)}/${(e[2] / y[2]).toFixed(3)} w${(e[2]/wm[2]).toFixed(3)} c${(cin / cn).toFixed(3)}`);
  }
  const avg = (i: number) => (rs.reduce((a, r) => a + r[i], 0) / rs.length).toFixed(4);
  console.log(`${name.padEnd(14)} avg ${avg(0)}/${avg(1)}/${avg(2)} w${avg(3)} ${(ms / calls).toFixed(2)}ms | ${rows.join(' ')}`);
}
