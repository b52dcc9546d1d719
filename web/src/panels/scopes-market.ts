/**
 * Panel: location-based vs market-based scope 2 (two separate figures, GHG Protocol dual reporting — never mixed),
 * renewable share (annual matching) beside the hourly carbon-free-energy score (24/7 matching), and SCI per inference.
 * Reads the KPI report (`/api/kpis`, window only); a KPI that cannot be computed shows its reason, never 0.
 */
import type { Json, Panel, PanelContext } from '../panels';

const KPIS: { id: string; testId: string; label: string }[] = [
  { id: 'total-emissions', testId: 'scopes-location', label: 'Location-based scope 2' },
  { id: 'market-based-emissions', testId: 'scopes-market', label: 'Market-based scope 2' },
  { id: 'renewable-share', testId: 'scopes-renewable', label: 'Renewable share (annual matching)' },
  { id: 'cfe-hourly', testId: 'scopes-cfe', label: 'Carbon-free energy (hourly, 24/7)' },
  { id: 'sci-per-inference', testId: 'scopes-sci', label: 'SCI per inference' },
];

const cell = (ctx: PanelContext, k: Json | undefined, testId: string, label: string): string =>
  `<div class="kpi"><div class="label">${ctx.esc(label)}</div>` +
  (!k
    ? `<div class="value na" data-testid="${testId}">n/a — not in the KPI report</div>`
    : k.value === null
      ? `<div class="value na" data-testid="${testId}">n/a — ${ctx.esc(k.reason)}</div>`
      : `<div class="value" data-testid="${testId}">${ctx.fmt(k.value)} <small>${ctx.esc(k.unit)}</small></div>${k.low !== undefined ? `<div class="detail">range ${ctx.fmt(k.low)}–${ctx.fmt(k.high)}</div>` : ''}`) +
  (k?.breakdown?.length ? `<div class="detail">${(k.breakdown as Json[]).slice(0, 4).map((b) => `${ctx.esc(b.key)}: ${ctx.fmt(b.value)}`).join(' · ')}</div>` : '') +
  '</div>';

export const scopesMarketPanel: Panel = {
  id: 'scopes-market',
  title: 'Market vs location, renewables and CFE',
  size: 'wide',
  async render(body, ctx) {
    const f = ctx.filters();
    const r = await ctx.api('kpis', { from: f.from, to: f.to });
    ctx.markDemo(r);
    const byId = new Map((r.kpis as Json[]).map((k) => [k.id as string, k]));
    body.innerHTML =
      `<div class="kpis">${KPIS.map((k) => cell(ctx, byId.get(k.id), k.testId, k.label)).join('')}</div>` +
      `<p class="note" data-testid="scopes-market-note">Market-based is a separate figure: instruments (PPAs, certificates), then supplier rates, residual mix, grid average; ` +
      `renewable share matches MWh per year, CFE matches clean supply hour by hour with no carry-over.` +
      `${f.team || f.region ? ' These figures cover all teams and regions (the KPI report is not filtered by team or region).' : ''}</p>`;
  },
};
