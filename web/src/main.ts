/** CarbonPilot dashboard page: reads the query API (/api/*) with the bearer token from the URL fragment (#token=…). */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

/** Okabe–Ito: distinguishable under the common colour-vision deficiencies (https://jfly.uni-koeln.de/color/). */
const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#F0E442', '#000000'];
/** Viridis stops (perceptually uniform, colour-blind safe) for the intensity heatmap. */
const VIRIDIS = ['#440154', '#414487', '#2a788e', '#22a884', '#7ad151', '#fde725'];

import { PANELS } from './panel-registry';
import type { Json, PanelContext, PanelFilter, PanelFilters } from './panels';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const token = new URLSearchParams(location.hash.replace(/^#/, '')).get('token') ?? '';
const DAY_MS = 86_400_000;
/** What every panel says when the filters select nothing. */
const NO_DATA = 'no data for this filter';
const ALL_FILTERS: readonly PanelFilter[] = ['team', 'region', 'time'];

async function api(path: string, params: Record<string, string | undefined> = {}): Promise<Json> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const res = await fetch(`/api/${path}${q.size ? `?${q}` : ''}`, { headers: { Authorization: `Bearer ${token}` } });
  let body: Json;
  try {
    body = (await res.json()) as Json;
  } catch {
    body = {};
  }
  if (!res.ok) throw new Error(`${path}: ${body.error ?? `HTTP ${res.status}`}`);
  return body;
}

const fmt = (x: number | null | undefined, unit = ''): string => {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  const s = a >= 100 ? x.toFixed(0) : a >= 1 ? x.toFixed(1) : a === 0 ? '0' : x.toPrecision(2);
  return unit ? `${s} ${unit}` : s;
};
const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const noDataHtml = `<p class="no-data" data-no-data>${NO_DATA}</p>`;
const noData = (body: HTMLElement) => void (body.innerHTML = noDataHtml);

/** The form's filters as API parameters (the "to" date is inclusive in the form; the API window is half-open). */
function formFilters(): PanelFilters & { fromDay?: string; toDay?: string } {
  const fromDay = $<HTMLInputElement>('from').value || undefined;
  const toDay = $<HTMLInputElement>('to').value || undefined;
  const to = toDay ? new Date(Date.parse(`${toDay}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10) : undefined;
  return { from: fromDay, to, fromDay, toDay, team: $<HTMLSelectElement>('team').value || undefined, region: $<HTMLSelectElement>('region').value || undefined };
}

/** The filters of the last refresh (what every figure on the page is for). */
let applied: PanelFilters = {};
const filters = (): PanelFilters => ({ ...applied });

function showError(e: unknown) {
  const el = $('error');
  el.hidden = false;
  el.textContent = e instanceof Error ? e.message : String(e);
}

function fillSelect(sel: HTMLSelectElement, values: string[], keepFirst = true) {
  const first = keepFirst ? sel.options[0] : undefined;
  sel.innerHTML = '';
  if (first) sel.append(first);
  for (const v of values) sel.append(new Option(v, v));
}

let demo = false;
const markDemo = (b: Json) => {
  demo ||= b.demo === true;
  $('demo-banner').hidden = !demo;
};

// ---- built-in panels -----------------------------------------------------------------------------------------

async function renderTotals() {
  const f = await api('footprint', { ...filters(), by: 'kind' });
  markDemo(f);
  $('window-note').textContent = `${f.from} → ${f.to} · signal: ${(f.signals as string[]).join(', ') || 'n/a'}`;
  if (!f.totals.intervals) {
    clearTotals();
    $('total-co2e-range').innerHTML = noDataHtml;
    return;
  }
  $('total-co2e').textContent = fmt(f.totals.co2eKg);
  $('total-energy').textContent = fmt(f.totals.energyKwh);
  $('total-co2e-range').textContent = `range ${fmt(f.totals.co2eKgLow)}–${fmt(f.totals.co2eKgHigh)} kgCO₂e · ${f.totals.intervals} intervals`;
}
function clearTotals() {
  $('total-co2e').textContent = '—';
  $('total-energy').textContent = '—';
  $('total-co2e-range').textContent = '';
}

let chart: Chart | undefined;
async function renderTimeseries() {
  const f = filters();
  const spanDays = f.from && f.to ? (Date.parse(f.to) - Date.parse(f.from)) / DAY_MS : 0;
  const bucket = spanDays > 0 && spanDays <= 4 ? 'hour' : 'day';
  const ts = await api('timeseries', { ...f, stack: $<HTMLSelectElement>('stack').value, bucket });
  markDemo(ts);
  if (!(ts.series as Json[]).length) {
    clearTimeseries();
    $('ts-note').innerHTML = noDataHtml;
    return;
  }
  const metric = $<HTMLSelectElement>('metric').value as 'co2eKg' | 'energyKwh';
  const labels = (ts.buckets as string[]).map((b) => (bucket === 'hour' ? b.slice(5, 13).replace('T', ' ') + 'h' : b.slice(0, 10)));
  const datasets = (ts.series as Json[]).map((s, k) => ({ label: s.key as string, data: s[metric] as number[], backgroundColor: OKABE_ITO[k % OKABE_ITO.length], stack: 'all' }));
  chart?.destroy();
  chart = new Chart($<HTMLCanvasElement>('ts-chart'), {
    type: 'bar',
    data: { labels, datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { stacked: true, ticks: { maxRotation: 0, autoSkip: true } }, y: { stacked: true, title: { display: true, text: metric === 'co2eKg' ? 'kgCO₂e' : 'kWh' } } },
      plugins: { legend: { position: 'bottom' } },
    },
  });
  $('ts-note').textContent = `${bucket}ly buckets · total ${fmt(ts.totals.co2eKg)} kgCO₂e, ${fmt(ts.totals.energyKwh)} kWh`;
}
function clearTimeseries() {
  chart?.destroy();
  chart = undefined;
  $('ts-note').textContent = '';
}

async function renderTop() {
  const top = await api('top', { ...filters(), kind: $<HTMLSelectElement>('top-kind').value, limit: '10' });
  markDemo(top);
  const body = $('top-table').querySelector('tbody')!;
  body.innerHTML = (top.rows as Json[]).length
    ? (top.rows as Json[]).map((r) => `<tr><td>${esc(r.key)}</td><td>${esc(r.team)}</td><td class="num">${fmt(r.energyKwh)}</td><td class="num">${fmt(r.co2eKg)}</td>` +
      `<td class="num">${fmt(r.measuredShare * 100)} %</td><td class="num">${r.gCo2ePerInference === undefined ? '—' : fmt(r.gCo2ePerInference)}</td></tr>`).join('')
    : `<tr><td colspan="6">${noDataHtml}</td></tr>`;
}
const clearTop = () => void ($('top-table').querySelector('tbody')!.innerHTML = '');

const viridis = (t: number): string => {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const mix = (a: string, b: string, f: number) => {
    const p = (s: string, o: number) => parseInt(s.slice(o, o + 2), 16);
    return `rgb(${[1, 3, 5].map((o) => Math.round(p(a, o) + (p(b, o) - p(a, o)) * f)).join(',')})`;
  };
  return mix(VIRIDIS[i], VIRIDIS[i + 1], x - i);
};

async function renderHeatmap() {
  const sel = $<HTMLSelectElement>('hm-region');
  const f = filters();
  // The page's region filter picks the region; without one, the card's own selector does.
  if (f.region) {
    if (!Array.from(sel.options).some((o) => o.value === f.region)) sel.append(new Option(f.region, f.region));
    sel.value = f.region;
  }
  sel.disabled = Boolean(f.region);
  const region = sel.value;
  const el = $('heatmap');
  if (!region) {
    clearHeatmap();
    el.innerHTML = noDataHtml;
    return;
  }
  const hm = await api('intensity/heatmap', { from: f.from, to: f.to, region });
  markDemo(hm);
  $('hm-source').textContent = `${hm.region} → grid zone ${hm.zone} · signal: ${hm.signal} · source: ${(hm.providers as string[]).join(', ') || 'none'} [${(hm.qualities as string[]).join(', ')}] · ${hm.unit}, hours in UTC`;
  if (hm.min === null) {
    el.innerHTML = noDataHtml;
    $('hm-legend').innerHTML = '';
    return;
  }
  const min = hm.min ?? 0;
  const span = Math.max(1e-9, (hm.max ?? 0) - min);
  el.style.gridTemplateColumns = `auto repeat(24, minmax(14px, 1fr))`;
  let html = '<div></div>' + Array.from({ length: 24 }, (_, h) => `<div class="hdr">${h % 3 === 0 ? h : ''}</div>`).join('');
  (hm.days as string[]).forEach((day, d) => {
    html += `<div class="day">${day.slice(5)}</div>`;
    for (let h = 0; h < 24; h++) {
      const v = hm.cells[d][h] as number | null;
      html += v === null
        ? `<div class="cell empty" title="${day} ${h}:00 UTC: no data"></div>`
        : `<div class="cell" data-g="${v.toFixed(1)}" style="background:${viridis((v - min) / span)}" title="${day} ${h}:00 UTC: ${v.toFixed(0)} g/kWh"></div>`;
    }
  });
  el.innerHTML = html;
  $('hm-legend').innerHTML = `<span>${fmt(hm.min)}</span><span class="bar" style="background:linear-gradient(90deg,${VIRIDIS.join(',')})"></span><span>${fmt(hm.max)} gCO₂e/kWh</span>`;
}
function clearHeatmap() {
  $('heatmap').innerHTML = '';
  $('hm-source').textContent = '';
  $('hm-legend').innerHTML = '';
}

async function renderKpis() {
  const k = await api('kpis', { ...filters() });
  markDemo(k);
  const kpis = k.kpis as Json[];
  const empty = kpis.find((x) => x.id === 'total-emissions')?.value === null;
  $('kpis').innerHTML = (empty ? noDataHtml : '') + kpis.map((x) => `<div class="kpi" data-kpi="${esc(x.id)}"><div class="label">${esc(x.label)}</div>` +
    (x.value === null
      ? `<div class="value na">n/a — ${esc(x.reason)}</div>`
      : `<div class="value">${fmt(x.value)} <small>${esc(x.unit)}</small></div>${x.low !== undefined ? `<div class="detail">range ${fmt(x.low)}–${fmt(x.high)}</div>` : ''}`) +
    (x.detail ? `<div class="detail">${esc(x.detail)}</div>` : '') + '</div>').join('');
}
const clearKpis = () => void ($('kpis').innerHTML = '');

async function renderScheduler() {
  const s = await api('scheduler', { ...filters() });
  const el = $('scheduler');
  if (!s.available) {
    el.innerHTML = s.reason === NO_DATA ? noDataHtml : `<p class="note">${esc(s.reason)}</p>`;
    return;
  }
  el.innerHTML = `<div class="big">${fmt(s.totals.savedCo2eKg)} <small>kgCO₂e saved</small></div>` +
    `<p class="note">realised ${fmt(s.totals.realisedCo2eKg)} vs ${fmt(s.totals.runNowCo2eKg)} kgCO₂e if run immediately · ${(s.jobs as Json[]).length} jobs</p>`;
}
const clearScheduler = () => void ($('scheduler').innerHTML = '');

const BUILT_IN: Record<string, { render: () => Promise<void>; clear: () => void }> = {
  totals: { render: renderTotals, clear: clearTotals },
  timeseries: { render: renderTimeseries, clear: clearTimeseries },
  kpis: { render: renderKpis, clear: clearKpis },
  top: { render: renderTop, clear: clearTop },
  heatmap: { render: renderHeatmap, clear: clearHeatmap },
  scheduler: { render: renderScheduler, clear: clearScheduler },
};

const panelContext: PanelContext = { api, filters, fmt, esc, markDemo, palette: OKABE_ITO, noData };

// ---- cards: refresh states -------------------------------------------------------------------------------------

const cardOf = (id: string) => document.querySelector<HTMLElement>(`section[data-panel="${id}"]`)!;

/** Render one card: its figures stay greyed until they are replaced; a failure clears them and shows its message. */
async function runCard(id: string, render: () => Promise<void>, clear: () => void): Promise<void> {
  const card = cardOf(id);
  const err = card.querySelector<HTMLElement>('.panel-error')!;
  card.classList.add('stale');
  try {
    await render();
    err.hidden = true;
    card.classList.remove('failed');
  } catch (e) {
    clear();
    err.hidden = false;
    err.textContent = e instanceof Error ? e.message : String(e);
    card.classList.add('failed');
  } finally {
    card.classList.remove('stale');
  }
}

const filterNames: Record<PanelFilter, string> = { team: 'team', region: 'region', time: 'date range' };

/** One card per registered capability panel, after the built-in ones; a panel that cannot follow a filter says so. */
function mountPanels() {
  const main = document.querySelector('main.grid')!;
  for (const p of PANELS) {
    const follows = p.filters ?? ALL_FILTERS;
    const missing = ALL_FILTERS.filter((f) => !follows.includes(f));
    const card = document.createElement('section');
    card.className = `card${p.size && p.size !== 'normal' ? ` ${p.size}` : ''}`;
    card.dataset.panel = p.id;
    card.dataset.filters = follows.join(' ');
    card.innerHTML = `<h2>${esc(p.title)}</h2>` +
      (missing.length ? `<p class="filter-note">Not filtered by ${missing.map((f) => filterNames[f]).join(' or ')}.</p>` : '') +
      `<div class="panel-error error" role="alert" hidden></div><div class="panel-body" data-testid="panel-${esc(p.id)}"></div>`;
    main.append(card);
  }
}

function summary(f: PanelFilters & { fromDay?: string; toDay?: string }): string {
  const parts = [f.fromDay || f.toDay ? `${f.fromDay ?? '…'} → ${f.toDay ?? '…'} (UTC days)` : 'all data'];
  parts.push(f.team ? `team ${f.team}` : 'all teams', f.region ? `region ${f.region}` : 'all regions');
  return `Showing ${parts.join(' · ')}`;
}

/** Refresh every card with the filters of the form; a bad date range is refused in the form, no figures change. */
async function renderAll() {
  $('error').hidden = true;
  const f = formFilters();
  const fe = $('filter-error');
  const to = $<HTMLInputElement>('to');
  if (f.fromDay && f.toDay && f.fromDay > f.toDay) {
    fe.hidden = false;
    fe.textContent = `“From” (${f.fromDay}) is after “To” (${f.toDay}): pick a From on or before To. The figures below are still for the previous filter.`;
    to.setAttribute('aria-invalid', 'true');
    for (const card of Array.from(document.querySelectorAll<HTMLElement>('main.grid section.card'))) card.classList.add('stale');
    document.body.dataset.ready = 'true';
    return;
  }
  fe.hidden = true;
  to.removeAttribute('aria-invalid');
  applied = { from: f.from, to: f.to, team: f.team, region: f.region };
  $('filter-summary').textContent = summary(f);
  await Promise.all([
    ...Object.entries(BUILT_IN).map(([id, p]) => runCard(id, p.render, p.clear)),
    ...PANELS.map((p) => {
      const body = cardOf(p.id).querySelector<HTMLElement>(`[data-testid="panel-${p.id}"]`)!;
      return runCard(p.id, () => p.render(body, panelContext), () => void (body.innerHTML = ''));
    }),
  ]);
  document.body.dataset.ready = 'true';
}

async function init() {
  mountPanels();
  if (!token) showError('No API token: open the URL printed by `npm start` (it ends with #token=…).');
  const meta = await api('meta');
  markDemo(meta);
  fillSelect($<HTMLSelectElement>('team'), meta.teams);
  fillSelect($<HTMLSelectElement>('region'), meta.regions);
  fillSelect($<HTMLSelectElement>('hm-region'), meta.regions, false);
  if (meta.from && meta.to) {
    $<HTMLInputElement>('from').value = String(meta.from).slice(0, 10);
    // Inclusive last day in the form = the day before the exclusive end.
    $<HTMLInputElement>('to').value = new Date(Date.parse(meta.to) - 1000).toISOString().slice(0, 10);
  }
  $('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    void renderAll();
  });
  const one = (id: string) => () => void runCard(id, BUILT_IN[id].render, BUILT_IN[id].clear);
  $('stack').addEventListener('change', one('timeseries'));
  $('metric').addEventListener('change', one('timeseries'));
  $('top-kind').addEventListener('change', one('top'));
  $('hm-region').addEventListener('change', one('heatmap'));
  await renderAll();
}

init().catch((e) => {
  showError(e);
  document.body.dataset.ready = 'true';
});
