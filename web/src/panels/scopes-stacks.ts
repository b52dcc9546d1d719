/**
 * Panel: operational (location-based scope 2) and embodied (scope 3, hardware) emissions per UTC day, stacked —
 * reported side by side and summed explicitly, never folded into one another. Reads `/api/footprint?by=day` with the
 * page's filters (team, region, window); each row carries `operationalKgCo2e` and `embodiedKgCo2e` (low/point/high).
 */
import { Chart } from 'chart.js';
import type { Json, Panel } from '../panels';

let chart: Chart | undefined;

export const scopesStacksPanel: Panel = {
  id: 'scopes-stacks',
  title: 'Operational and embodied emissions',
  size: 'wide',
  async render(body, ctx) {
    const f = await ctx.api('footprint', { ...ctx.filters(), by: 'day' });
    ctx.markDemo(f);
    const rows = [...(f.rows as Json[])].sort((a, b) => (a.key < b.key ? -1 : 1));
    const t = f.totals as Json;
    const e = t.embodiedIntervals as { computed: number; unmodelled: number; notComputed: number } | undefined;
    const missing = e ? e.unmodelled + e.notComputed : 0;
    body.innerHTML =
      `<div class="kpis">` +
      `<div class="kpi"><div class="label">Operational (location-based scope 2)</div><div class="value" data-testid="scopes-operational">${ctx.fmt(t.operationalKgCo2e?.point)}</div><div class="detail">kgCO₂e · range ${ctx.fmt(t.operationalKgCo2e?.low)}–${ctx.fmt(t.operationalKgCo2e?.high)}</div></div>` +
      `<div class="kpi"><div class="label">Embodied (scope 3, hardware)</div><div class="value" data-testid="scopes-embodied">${ctx.fmt(t.embodiedKgCo2e?.point)}</div><div class="detail">kgCO₂e · range ${ctx.fmt(t.embodiedKgCo2e?.low)}–${ctx.fmt(t.embodiedKgCo2e?.high)} · 6-year life (4 years: ${ctx.fmt(t.embodiedKgCo2eSensitivity4y?.point)})</div></div>` +
      `<div class="kpi"><div class="label">Total (operational + embodied)</div><div class="value" data-testid="scopes-total">${ctx.fmt(t.totalKgCo2e?.point)}</div><div class="detail">kgCO₂e</div></div>` +
      `</div>` +
      `<div class="chart-box"><canvas data-testid="scopes-chart" role="img" aria-label="Operational and embodied emissions per day, stacked"></canvas></div>` +
      `<p class="note" data-testid="scopes-stacks-note">${rows.length ? `${rows.length} UTC day(s)` : 'no data for this filter'}` +
      `${missing ? ` · ${missing} interval(s) without an embodied figure (${e!.unmodelled} unmodelled, ${e!.notComputed} stored before embodied accounting)` : ''}</p>`;
    chart?.destroy();
    chart = new Chart(body.querySelector('canvas')!, {
      type: 'bar',
      data: {
        labels: rows.map((r) => String(r.key).slice(5)),
        datasets: [
          { label: 'operational (location-based)', data: rows.map((r) => r.operationalKgCo2e.point as number), backgroundColor: ctx.palette[0], stack: 'scopes' },
          { label: 'embodied (scope 3)', data: rows.map((r) => r.embodiedKgCo2e.point as number), backgroundColor: ctx.palette[1], stack: 'scopes' },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: 'kgCO₂e' } } },
        plugins: { legend: { position: 'bottom' } },
      },
    });
  },
};
