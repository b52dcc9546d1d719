/**
 * Reduction targets panel: the yearly pathway of the first absolute-contraction target (base year → target year)
 * with its base-year value, this year's actual emissions so far and this year's forecast; and every target's status
 * (on-track / off-track / insufficient-data with the reason). Reads GET /api/targets (the shape of
 * `carbonpilot targets list --format json`).
 */
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import type { Json, Panel, PanelContext } from '../panels';

Chart.register(LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

let chart: Chart | undefined;

const STATUS_COLOUR: Record<string, number> = { 'on-track': 2, 'off-track': 3, 'insufficient-data': 7 };

function pathwayChart(body: HTMLElement, t: Json, ctx: PanelContext): void {
  const years = (t.pathway.yearly as Json[]).map((p) => p.period as string);
  const at = (period: string, v: number | null | undefined) => years.map((y) => (y === period && v !== null && v !== undefined ? v : null));
  const canvas = body.querySelector<HTMLCanvasElement>('canvas[data-testid=target-chart]')!;
  chart?.destroy();
  chart = new Chart(canvas, {
    type: 'line',
    data: {
      labels: years,
      datasets: [
        { label: `pathway (${ctx.fmt(t.pathway.annualReductionPct)} %/yr of base)`, data: (t.pathway.yearly as Json[]).map((p) => p.value as number), borderColor: ctx.palette[0], backgroundColor: ctx.palette[0], pointRadius: 2 },
        { label: `base ${t.baseYear} (${t.base.source})`, data: at(String(t.baseYear), t.base.value), borderColor: ctx.palette[7], backgroundColor: ctx.palette[7], pointRadius: 6, showLine: false },
        { label: `${t.current.period} actual so far`, data: at(t.current.period, t.current.value), borderColor: ctx.palette[2], backgroundColor: ctx.palette[2], pointRadius: 6, pointStyle: 'rectRot', showLine: false },
        { label: `${t.current.period} forecast`, data: at(t.current.period, t.current.forecast), borderColor: ctx.palette[1], backgroundColor: ctx.palette[1], pointRadius: 6, pointStyle: 'triangle', showLine: false },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { min: 0, title: { display: true, text: `${t.unit} per year` } } },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}

export const targetsPanel: Panel = {
  id: 'targets',
  title: 'Reduction targets',
  size: 'full',
  async render(body, ctx) {
    const r = await ctx.api('targets');
    ctx.markDemo(r);
    const targets = r.targets as Json[];
    if (!targets.length) {
      chart?.destroy();
      chart = undefined;
      body.innerHTML = '<p class="note">No targets defined: <code>carbonpilot targets set</code> or PUT /api/targets/:id.</p>';
      return;
    }
    const absolute = targets.find((t) => t.method === 'absolute-contraction' && t.pathway);
    const rows = targets.map((t) =>
      `<tr data-target="${ctx.esc(t.id)}"><td>${ctx.esc(t.name ?? t.id)}</td><td>${ctx.esc(t.metric)}</td><td>${t.baseYear}→${t.targetYear}</td>` +
      `<td class="num" data-field="value">${ctx.fmt(t.current.value)}</td><td class="num" data-field="forecast">${ctx.fmt(t.current.forecast)}</td>` +
      `<td class="num" data-field="pathway">${ctx.fmt(t.current.pathwayValue)}</td><td>${ctx.esc(t.unit)}</td>` +
      `<td data-field="status"><strong style="color:${ctx.palette[STATUS_COLOUR[t.status] ?? 7]}">${ctx.esc(t.status)}</strong>${t.recalculation?.required ? ' · recalculate' : ''}</td>` +
      `<td class="note" style="white-space:normal">${ctx.esc(t.statusReason)}</td></tr>`).join('');
    body.innerHTML =
      (absolute
        ? `<p class="note" data-testid="target-summary" data-target="${ctx.esc(absolute.id)}">${ctx.esc(absolute.name ?? absolute.id)}: base ${absolute.baseYear} ` +
          `<span data-field="base">${ctx.fmt(absolute.base.value)}</span> ${ctx.esc(absolute.unit)} (${ctx.esc(absolute.base.source)}) → ${absolute.targetYear}; ` +
          `${ctx.esc(absolute.current.period)}: actual so far <span data-field="actual">${ctx.fmt(absolute.current.value)}</span>, forecast <span data-field="forecast">${ctx.fmt(absolute.current.forecast)}</span>, ` +
          `pathway <span data-field="pathway">${ctx.fmt(absolute.current.pathwayValue)}</span> ${ctx.esc(absolute.unit)} — ${ctx.esc(absolute.status)}</p>` +
          '<div class="chart-box"><canvas data-testid="target-chart" aria-label="target pathway with actuals"></canvas></div>'
        : '<p class="note">No absolute-contraction target with a base-year value: no pathway to draw.</p>') +
      `<div class="table-wrap"><table data-testid="targets-table"><thead><tr><th>target</th><th>metric</th><th>years</th><th class="num">value</th><th class="num">forecast</th><th class="num">pathway</th><th>unit</th><th>status</th><th>why</th></tr></thead><tbody>${rows}</tbody></table></div>` +
      `<p class="note">data to ${ctx.esc(r.asOf ?? 'n/a')}; location-based.</p>`;
    if (absolute) pathwayChart(body, absolute, ctx);
    else {
      chart?.destroy();
      chart = undefined;
    }
  },
};
