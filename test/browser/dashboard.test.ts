import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildDashboard } from '../../web/build';
import { startHttpServer, type LocalHttpServer } from '../../shared/adapters/local/http-server';
import { queryRoutes } from '../../shared/http/query-routes';
import { aggregate } from '../../shared/domain/footprint/aggregate';
import { budgetsRoutes } from '../../shared/http/budgets-routes';
import { makeBudgetKpis } from '../../shared/use-cases/budget-kpis';
import { makeBudgetStatuses } from '../../shared/use-cases/evaluate-budgets';
import { makeTargetStatuses } from '../../shared/use-cases/targets-crud';
import { SEED_TARGET_BASE_KG, startSeededStore, type SeededStore } from './seed-store';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ROOT = join(__dirname, '..', '..');
const TOKEN = 'browser-test-token';
/** The page's number format (web/src/main.ts fmt). */
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(1) : x.toPrecision(2));

/** Non-transparent pixels of a canvas: a chart was drawn. */
const paintedPixels = (page: Page, selector: string): Promise<number> =>
  page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let k = 3; k < d.length; k += 4) if (d[k] > 0) n++;
    return n;
  });

describe('dashboard in headless Chromium', () => {
  let seeded: SeededStore;
  let server: LocalHttpServer;
  let browser: Browser;
  let page: Page;
  let outDir: string;
  const failedRequests: string[] = [];

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'cp-web-'));
    [seeded] = await Promise.all([startSeededStore(), buildDashboard(outDir)]);
    // The dashboard's routes as `npm start` serves them: the query API (with the budget KPIs) and the budgets/targets API.
    server = await startHttpServer({
      routes: [...queryRoutes(seeded.deps, { kpiContributors: [makeBudgetKpis(seeded.budgeting)] }), ...budgetsRoutes({ budgeting: seeded.budgeting })],
      token: TOKEN,
      staticDir: outDir,
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('requestfailed', (r) => failedRequests.push(r.url()));
    page.on('response', (r) => void (r.status() >= 400 && failedRequests.push(`${r.status()} ${r.url()}`)));
    await page.goto(`${server.url}/#token=${TOKEN}`);
    await page.waitForSelector('body[data-ready="true"]');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await seeded?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('loads every asset from our own server and every API call succeeds (no CDN, bearer token from the fragment)', async () => {
    expect(failedRequests).toEqual([]);
    expect(await page.locator('#error').isHidden()).toBe(true);
  });

  it('shows the store total emissions and energy and marks the data as demo', async () => {
    const totals = aggregate(seeded.intervals, 'kind').totals;
    expect(await page.textContent('[data-testid=total-co2e]')).toBe(fmt(totals.co2eKg));
    expect(await page.textContent('[data-testid=total-energy]')).toBe(fmt(totals.energyKwh));
    expect(await page.locator('[data-testid=demo-banner]').isVisible()).toBe(true);
  });

  it('draws the stacked footprint-over-time chart with the same total', async () => {
    const totals = aggregate(seeded.intervals, 'team').totals;
    expect(await page.textContent('[data-testid=ts-note]')).toContain(`total ${fmt(totals.co2eKg)} kgCO₂e`);
    expect(await paintedPixels(page, '#ts-chart')).toBeGreaterThan(1000);
  });

  it('lists the top emitters in store order with their kgCO2e', async () => {
    const expected = aggregate(seeded.intervals, 'job').rows;
    const rows = await page.$$eval('[data-testid=top-table] tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(rows.map((r) => r[0])).toEqual(expected.map((r) => r.key));
    expect(rows[0][3]).toBe(fmt(expected[0].co2eKg));
  });

  it('renders a 24-hour × day intensity heatmap naming signal and source', async () => {
    const cells = await page.$$eval('[data-testid=heatmap] .cell[data-g]', (els) => els.map((e) => Number((e as HTMLElement).dataset.g)));
    expect(cells.length % 24).toBe(0);
    expect(cells.length).toBeGreaterThanOrEqual(48);
    expect(cells.every((g) => g > 0)).toBe(true);
    const source = await page.textContent('[data-testid=hm-source]');
    expect(source).toContain('signal: average-lifecycle');
    expect(source).toContain('demo (synthetic)');
  });

  it('shows the KPIs with real values and reasons instead of zeros', async () => {
    const total = aggregate(seeded.intervals, 'team').totals.co2eKg;
    expect(await page.textContent('[data-kpi=total-emissions] .value')).toContain(fmt(total));
    expect(await page.textContent('[data-kpi=monitoring-coverage] .value')).toContain('80.0');
    expect(await page.textContent('[data-kpi=scheduler-savings] .value')).toBe('n/a — not available: no scheduler runs yet');
    expect(await page.textContent('[data-testid=scheduler]')).toContain('no scheduler runs yet');
  });

  it('draws each budget bar with the store\'s actual, forecast band (P50–P90), limit and thresholds, and lists the alerts', async () => {
    // Prepare: the budgets as the use case computes them from the store (not from the page).
    const expected = (await makeBudgetStatuses(seeded.budgeting)()).statuses;
    expect(expected.length).toBe(2);
    // Act
    const bars = await page.$$eval('[data-testid=panel-budgets] .budget', (els) => els.map((e) => {
      const d = (e as HTMLElement).dataset;
      return {
        id: d.budget, actual: Number(d.actual), limit: Number(d.limit), p50: Number(d.p50), p90: Number(d.p90),
        band: e.querySelector('[data-testid=budget-band]') !== null,
        thresholds: Array.from(e.querySelectorAll<HTMLElement>('.bb-threshold'), (t) => `${Number(t.dataset.thresholdKg)}:${t.dataset.state}`),
        text: e.querySelector('[data-testid=budget-text]')!.textContent,
      };
    }));
    // Assess
    expect(bars.map((b) => b.id)).toEqual(expected.map((s) => s.budget.id));
    for (const s of expected) {
      const b = bars.find((x) => x.id === s.budget.id)!;
      expect(b.actual).toBeCloseTo(s.actualKgCo2e!, 9);
      expect(b.limit).toBe(s.budget.limitKgCo2e);
      expect(s.forecast?.status).toBe('ok');
      expect(b.p50).toBeCloseTo(s.forecast!.p50KgCo2e!, 9);
      expect(b.p90).toBeCloseTo(s.forecast!.p90KgCo2e!, 9);
      expect(b.band).toBe(true);
      expect(b.thresholds).toEqual(s.notifications.map((n) => `${n.thresholdKgCo2e}:${n.condition}`));
      expect(b.text).toContain(`actual ${fmt(s.actualKgCo2e!)} of ${fmt(s.budget.limitKgCo2e)} kgCO₂e`);
      expect(b.text).toContain(`forecast P50 ${fmt(s.forecast!.p50KgCo2e!)} (P90 ${fmt(s.forecast!.p90KgCo2e!)})`);
    }
    // The account budget's ACTUAL 15 % and FORECASTED 100 % notifications are in ALARM (stored by the evaluation).
    const alerts = await page.$$eval('[data-testid=budget-alerts] li', (els) => els.map((e) => (e as HTMLElement).dataset.alert));
    const alarmed = expected.flatMap((s) => s.states.filter((x) => x.state === 'ALARM').map((x) => `${s.budget.id}/${x.index}`));
    expect(alarmed).toContain('seed-account/0');
    expect(alerts).toEqual(alarmed);
  });

  it('draws the target pathway with the base year, this year\'s actual and forecast, and every target\'s status', async () => {
    const expected = (await makeTargetStatuses(seeded.budgeting)()).statuses;
    const total = expected.find((t) => t.target.id === 'total-emissions-50pct')!;
    const summary = await page.$eval('[data-testid=target-summary]', (e) => ({
      id: (e as HTMLElement).dataset.target,
      base: e.querySelector('[data-field=base]')!.textContent,
      actual: e.querySelector('[data-field=actual]')!.textContent,
      forecast: e.querySelector('[data-field=forecast]')!.textContent,
      pathway: e.querySelector('[data-field=pathway]')!.textContent,
    }));
    expect(summary).toEqual({
      id: 'total-emissions-50pct', base: fmt(SEED_TARGET_BASE_KG), actual: fmt(total.current.actual!), forecast: fmt(total.current.forecast!), pathway: fmt(total.current.pathwayValue!),
    });
    // The seed's 2026 actual is the two seeded days: the store's own total.
    expect(total.current.actual).toBeCloseTo(aggregate(seeded.intervals, 'team').totals.co2eKg, 6);
    expect(await paintedPixels(page, '[data-testid=target-chart]')).toBeGreaterThan(1000);
    const rows = await page.$$eval('[data-testid=targets-table] tbody tr', (trs) => trs.map((tr) => [(tr as HTMLElement).dataset.target, tr.querySelector('[data-field=status] strong')!.textContent]));
    expect(rows).toEqual(expected.map((t) => [t.target.id, t.current.status]));
  });

  it('shows budget utilisation and target status among the KPIs', async () => {
    const budgets = (await makeBudgetStatuses(seeded.budgeting)()).statuses;
    const highest = Math.max(...budgets.map((b) => b.forecastUtilisationPct!));
    expect(await page.textContent('[data-kpi=budget-utilisation] .value')).toContain(fmt(highest));
    const targets = (await makeTargetStatuses(seeded.budgeting)()).statuses;
    const on = targets.filter((t) => t.current.status === 'on-track').length;
    const measurable = targets.filter((t) => t.current.status !== 'insufficient-data').length;
    expect(await page.textContent('[data-kpi=target-status] .value')).toBe(`${fmt((100 * on) / measurable)} % of ${measurable} measurable targets`);
  });

  it('filters by team', async () => {
    await page.selectOption('#team', 'vision');
    await page.evaluate(() => (document.body.dataset.ready = 'false'));
    await page.click('#filters button[type=submit]');
    await page.waitForSelector('body[data-ready="true"]');
    const vision = seeded.intervals.filter((i) => i.attribution.team === 'vision').reduce((a, i) => a + i.co2eKg.point, 0);
    expect(await page.textContent('[data-testid=total-co2e]')).toBe(fmt(vision));
    await page.selectOption('#team', '');
    await page.evaluate(() => (document.body.dataset.ready = 'false'));
    await page.click('#filters button[type=submit]');
    await page.waitForSelector('body[data-ready="true"]');
  });

  it('fits a phone screen without horizontal page scroll, and saves screenshots', async () => {
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results', 'dashboard-1280x800.png') });
    await page.screenshot({ path: join(ROOT, 'docs', 'dashboard.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200); // chart.js resizes on the next animation frame
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ROOT, 'test-results', 'dashboard-390x844.png') });
  });
});
