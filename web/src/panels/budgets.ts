/**
 * Carbon budgets panel: one bar per budget (current UTC period) with the actual emissions so far, the forecast band
 * to period end (P50–P90), the limit and every notification threshold (ALARM thresholds in the warning colour), and
 * the alerts the budget evaluation published (the `Carbon Budget Threshold Crossed` events, as last stored per
 * notification). Reads GET /api/budgets (the shape of `carbonpilot budgets list --format json`).
 */
import type { Json, Panel, PanelContext } from '../panels';

const pct = (x: number, max: number) => `${Math.max(0, Math.min(100, (100 * x) / max)).toFixed(2)}%`;

function bar(b: Json, ctx: PanelContext): string {
  const f = b.forecastKgCo2e as Json;
  const thresholds = (b.notifications as Json[]).map((n) => ({ kg: n.thresholdKgCo2e as number, state: n.state as string | null, label: `${n.type} > ${n.threshold}${n.thresholdType === 'PERCENTAGE' ? ' %' : ' kg'}` }));
  const max = Math.max(b.limitKgCo2e, b.actualKgCo2e ?? 0, f.p90 ?? 0, ...thresholds.map((t) => t.kg)) * 1.05 || 1;
  const actual = b.actualKgCo2e as number | null;
  const band = f.p50 !== null && f.p90 !== null
    ? `<div class="bb-band" data-testid="budget-band" style="position:absolute;top:3px;bottom:3px;left:${pct(f.p50, max)};width:calc(${pct(f.p90, max)} - ${pct(f.p50, max)});min-width:2px;background:repeating-linear-gradient(45deg,${ctx.palette[1]}66,${ctx.palette[1]}66 4px,${ctx.palette[1]}22 4px,${ctx.palette[1]}22 8px);border:1px solid ${ctx.palette[1]}" title="forecast P50 ${ctx.fmt(f.p50)} – P90 ${ctx.fmt(f.p90)} kgCO₂e at period end"></div>`
    : '';
  const ticks = thresholds.map((t) =>
    `<div class="bb-threshold" data-threshold-kg="${t.kg}" data-state="${ctx.esc(t.state ?? 'n/a')}" title="${ctx.esc(t.label)}: ${ctx.fmt(t.kg)} kgCO₂e (${ctx.esc(t.state ?? 'n/a')})" ` +
    `style="position:absolute;top:-3px;bottom:-3px;left:${pct(t.kg, max)};width:2px;background:${t.state === 'ALARM' ? ctx.palette[3] : ctx.palette[5]}"></div>`).join('');
  const forecastText = f.p50 !== null ? `forecast P50 ${ctx.fmt(f.p50)} (P90 ${ctx.fmt(f.p90)}) kgCO₂e at period end` : `no forecast: ${ctx.esc(f.reason ?? b.reason ?? f.status)}`;
  return `<div class="budget" data-budget="${ctx.esc(b.id)}" data-actual="${actual ?? ''}" data-limit="${b.limitKgCo2e}" data-p50="${f.p50 ?? ''}" data-p90="${f.p90 ?? ''}" style="margin:6px 0 12px">` +
    `<div style="display:flex;flex-wrap:wrap;justify-content:space-between;gap:2px 10px"><strong>${ctx.esc(b.name ?? b.id)}</strong>` +
    `<span class="note">${ctx.esc(b.scope.dimension === 'account' ? 'account' : `${b.scope.dimension}=${b.scope.value}`)} · ${ctx.esc(b.currentPeriod.key)} · ${ctx.esc(b.mode)}</span></div>` +
    `<div style="position:relative;height:20px;background:#eef1f4;border-radius:3px;margin:4px 0" role="img" aria-label="${ctx.esc(b.id)}: ${ctx.fmt(actual)} of ${ctx.fmt(b.limitKgCo2e)} kgCO2e">` +
    `<div data-testid="budget-actual" style="position:absolute;top:0;bottom:0;left:0;width:${pct(actual ?? 0, max)};background:${ctx.palette[0]};border-radius:3px 0 0 3px"></div>` +
    band +
    `<div class="bb-limit" style="position:absolute;top:-5px;bottom:-5px;left:${pct(b.limitKgCo2e, max)};width:3px;background:${ctx.palette[7]}" title="limit ${ctx.fmt(b.limitKgCo2e)} kgCO₂e"></div>` +
    ticks + '</div>' +
    `<div class="note" data-testid="budget-text">actual <span data-field="actual">${ctx.fmt(actual)}</span> of <span data-field="limit">${ctx.fmt(b.limitKgCo2e)}</span> kgCO₂e ` +
    `(${b.utilisationPct === null ? '—' : `${ctx.fmt(b.utilisationPct)} %`})${embodiedText(b, ctx)} · ${forecastText}</div></div>`;
}

/** For a budget that includes embodied emissions: the split of its actual, and what has no embodied figure. */
function embodiedText(b: Json, ctx: PanelContext): string {
  const e = b.embodied as Json | null;
  if (!e) return '';
  const gap = e.resourcesWithoutFigure ? `; ${e.resourcesWithoutFigure} of ${e.resourcesInScope} resources without an embodied figure` : '';
  return ` = operational <span data-field="operational">${ctx.fmt(e.operationalKgCo2e)}</span> + embodied <span data-field="embodied">${ctx.fmt(e.embodiedKgCo2e)}</span>${ctx.esc(gap)}`;
}

function alerts(budgets: Json[], ctx: PanelContext): string {
  const rows = budgets.flatMap((b) =>
    (b.notifications as Json[]).filter((n) => n.stored?.state === 'ALARM').map((n) =>
      `<li data-alert="${ctx.esc(b.id)}/${n.index}"><strong>${ctx.esc(b.id)}</strong> ${ctx.esc(n.type)} &gt; ${n.threshold}${n.thresholdType === 'PERCENTAGE' ? ' %' : ' kg'} — ALARM` +
      `${n.stored.alarmPublishedAt ? ` since ${ctx.esc(n.stored.alarmPublishedAt)}` : ''} (data to ${ctx.esc(n.stored.asOf)})</li>`));
  return `<h3 style="font-size:13px;margin:8px 0 4px">Alerts (Carbon Budget Threshold Crossed)</h3>` +
    (rows.length ? `<ul data-testid="budget-alerts" style="margin:0;padding-left:18px">${rows.join('')}</ul>` : '<p class="note" data-testid="budget-alerts">no notification in ALARM</p>');
}

export const budgetsPanel: Panel = {
  id: 'budgets',
  title: 'Carbon budgets (current period)',
  size: 'wide',
  async render(body, ctx) {
    const r = await ctx.api('budgets');
    ctx.markDemo(r);
    const budgets = r.budgets as Json[];
    if (!budgets.length) {
      body.innerHTML = '<p class="note">No budgets defined: <code>carbonpilot budgets set</code> or PUT /api/budgets/:id.</p>';
      return;
    }
    body.innerHTML =
      `<p class="note">kgCO₂e, location-based (plus embodied where a budget includes it); data to ${ctx.esc(r.asOf ?? 'n/a')}. Bar: actual so far; hatched: forecast P50–P90 at period end; black: limit; ticks: notification thresholds (red = in ALARM).</p>` +
      budgets.map((b) => bar(b, ctx)).join('') + alerts(budgets, ctx);
  },
};
