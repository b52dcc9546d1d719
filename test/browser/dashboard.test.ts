import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { aggregate } from '../../shared/domain/footprint/aggregate';
import { makeBudgetStatuses } from '../../shared/use-cases/evaluate-budgets';
import { makeTargetStatuses } from '../../shared/use-cases/targets-crud';
import { SEED_START_SEC, SEED_TARGET_BASE_KG, type SeededStore } from './seed-store';
import { openSeededDashboard, type SeededPage } from './seeded-page';
import type { SchedulerOutcomes } from '../../shared/domain/kpis';

/** Two scheduled demo jobs (nlp in eu-west-1 on the first day, vision in us-east-1 on the second) for the scheduler panel. */
const SCHEDULED: SchedulerOutcomes = { jobs: [
  { realisedCo2eKg: 6, runNowCo2eKg: 10, lowCarbonHours: 3, hours: 4, ownerTags: { team: 'nlp' }, regions: ['eu-west-1'], startSec: SEED_START_SEC + 3600, endSec: SEED_START_SEC + 5 * 3600 },
  { realisedCo2eKg: 1, runNowCo2eKg: 1.5, lowCarbonHours: 1, hours: 2, ownerTags: { team: 'vision' }, regions: ['us-east-1'], startSec: SEED_START_SEC + 86400, endSec: SEED_START_SEC + 86400 + 7200 },
] };
import { makeLifecycleService } from '../../shared/use-cases/lifecycle-service';
import { SEED_LIFECYCLE_VIEWS } from './seed-lifecycle';

const ROOT = join(__dirname, '..', '..');
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
  let page: Page;
  let ui: SeededPage;
  let failedRequests: string[];

  beforeAll(async () => {
    // The dashboard's routes as `npm start` serves them (seed-store.ts), with two scheduled demo jobs.
    ui = await openSeededDashboard({ dirPrefix: 'cp-web-', routes: { schedulerOutcomes: async () => SCHEDULED } });
    ({ seeded, page, failed: failedRequests } = ui);
  });
  const submit = async () => {
    await page.evaluate(() => (document.body.dataset.ready = 'false'));
    await page.click('#filters button[type=submit]');
    await page.waitForSelector('body[data-ready="true"]');
  };
  const apply = async (f: { team?: string; region?: string }) => {
    await page.selectOption('#team', f.team ?? '');
    await page.selectOption('#region', f.region ?? '');
    await submit();
  };

  afterAll(async () => {
    await ui?.close();
  });

  it('loads every asset from our own server and every API call succeeds (no CDN, bearer token from the fragment)', async () => {
    expect(failedRequests).toEqual([]);
    expect(await page.locator('#error').isHidden()).toBe(true);
  });

  it('shows no replay progress when nothing is replaying', async () => {
    expect(await page.locator('section[data-panel="replay-progress"]').isHidden()).toBe(true);
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
    expect(await page.textContent('[data-kpi=scheduler-savings] .value')).toBe(`${fmt(10 + 1.5 - 6 - 1)} kgCO2e`);
    expect(await page.textContent('[data-testid=scheduler]')).toContain(`${fmt(4.5)} kgCO₂e saved`);
  });

  it('shows the lifecycle panel: cold models with idle days and wasted kg, proposals, and the AVOIDED ledger apart', async () => {
    const rows = await page.$$eval('[data-testid=lifecycle-table] tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(rows.map((r) => r[0])).toEqual(SEED_LIFECYCLE_VIEWS.map((v) => v.resource)); // cold first, then cooling
    expect(rows[0].slice(3, 9)).toEqual(['cold', '16.0', '12.5', 'park', '23.4', 'PT15M']);
    const ledger = await makeLifecycleService(seeded.lifecycle).ledger({ startSec: Date.UTC(2026, 10, 18) / 1000, endSec: Date.UTC(2026, 10, 20) / 1000 });
    expect(ledger.totals.co2eKg.point).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid=ledger-total]')).toMatch(new RegExp(`^${fmt(ledger.totals.co2eKg.point).replace('.', '\\.')} kgCO₂e avoided`));
    expect(await page.textContent('[data-panel=lifecycle] h3')).toMatch(/AVOIDED emissions \(counterfactual\), not measured/);
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

  it('every panel follows the team and region filters, or says on the panel which one it cannot', async () => {
    // Prepare: team nlp + region us-east-1 is the chat endpoint alone (the nlp training job runs in eu-west-1).
    await apply({ team: 'nlp', region: 'us-east-1' });
    const xs = seeded.intervals.filter((i) => i.attribution.team === 'nlp' && i.region === 'us-east-1');
    const kg = xs.reduce((a, i) => a + i.co2eKg.point, 0);
    expect(xs.length).toBeGreaterThan(0);
    expect(kg).toBeLessThan(aggregate(seeded.intervals, 'team').totals.co2eKg);
    // Assess, panel by panel.
    expect(await page.textContent('[data-testid=total-co2e]')).toBe(fmt(kg));
    expect(await page.textContent('[data-testid=ts-note]')).toContain(`total ${fmt(kg)} kgCO₂e`);
    expect(await page.textContent('[data-kpi=total-emissions] .value')).toContain(fmt(kg));
    expect(await page.textContent('[data-kpi=monitoring-coverage] .value')).toContain('100'); // the one nlp resource in us-east-1 has telemetry
    expect(await page.textContent('[data-testid=top-table]')).toContain('no data for this filter'); // no nlp training job in us-east-1
    await page.selectOption('#top-kind', 'endpoint');
    await page.waitForFunction(() => document.querySelector('[data-testid=top-table] tbody')?.textContent?.includes('chat/AllTraffic'));
    expect(await page.$$eval('[data-testid=top-table] tbody tr', (trs) => trs.length)).toBe(1);
    await page.selectOption('#top-kind', 'job');
    expect(await page.textContent('[data-testid=hm-source]')).toMatch(/^us-east-1 → grid zone/);
    expect(await page.locator('#hm-region').isDisabled()).toBe(true);
    expect(await page.textContent('[data-testid=scheduler]')).toContain('no data for this filter'); // the nlp job ran in eu-west-1
    // Every card lists the filters it follows; for any it does not, the card says so.
    const cards = await page.$$eval('main.grid section.card', (els) => els.map((e) => ({ id: (e as HTMLElement).dataset.panel, filters: (e as HTMLElement).dataset.filters ?? '', note: e.querySelector('.filter-note')?.textContent ?? '' })));
    expect(cards.map((c) => c.id)).toEqual(expect.arrayContaining(['totals', 'timeseries', 'kpis', 'top', 'heatmap', 'scheduler']));
    for (const c of cards) {
      const missing = ['team', 'region', 'time'].filter((f) => !c.filters.split(' ').includes(f));
      for (const f of missing) expect({ id: c.id, note: c.note }).toEqual({ id: c.id, note: expect.stringContaining(f) });
    }
    // Team alone: the scheduler follows it too.
    await apply({ team: 'nlp' });
    expect(await page.textContent('[data-testid=scheduler]')).toContain(`${fmt(4)} kgCO₂e saved`);
    await apply({});
  });

  it('a filter that selects nothing says "no data for this filter" on every footprint panel', async () => {
    await apply({ team: 'vision', region: 'eu-west-1' });
    for (const id of ['panel-totals', 'panel-timeseries', 'panel-kpis', 'panel-top', 'scheduler']) {
      expect({ id, text: await page.textContent(`[data-testid=${id}]`) }).toEqual({ id, text: expect.stringContaining('no data for this filter') });
    }
    await apply({});
  });

  it('a failed refresh clears that panel\'s figures and shows its message; the others are refreshed', async () => {
    await page.route('**/api/top?*', (route) => route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'internal error (test)' }) }));
    await apply({ team: 'vision' });
    const top = page.locator('section[data-panel=top]');
    expect(await top.locator('.panel-error').textContent()).toBe('top: internal error (test)');
    expect(await page.$$eval('[data-testid=top-table] tbody tr', (trs) => trs.length)).toBe(0);
    expect(await top.getAttribute('class')).toContain('failed');
    const vision = seeded.intervals.filter((i) => i.attribution.team === 'vision').reduce((a, i) => a + i.co2eKg.point, 0);
    expect(await page.textContent('[data-testid=total-co2e]')).toBe(fmt(vision));
    expect(await page.locator('section[data-panel=totals] .panel-error').isHidden()).toBe(true);
    await page.unroute('**/api/top?*');
    await apply({});
    expect(await top.locator('.panel-error').isHidden()).toBe(true);
    expect(await page.$$eval('[data-testid=top-table] tbody tr', (trs) => trs.length)).toBeGreaterThan(0);
  });

  it('an inverted date range is caught in the form: no request, the old figures greyed, one message', async () => {
    const before = await page.textContent('[data-testid=total-co2e]');
    const requests: string[] = [];
    const onRequest = (r: { url(): string }) => void (r.url().includes('/api/') && requests.push(r.url()));
    page.on('request', onRequest);
    await page.fill('#from', '2026-11-19');
    await page.fill('#to', '2026-11-18');
    await submit();
    page.off('request', onRequest);
    expect(requests).toEqual([]);
    expect(await page.textContent('[data-testid=filter-error]')).toContain('is after');
    expect(await page.getAttribute('#to', 'aria-invalid')).toBe('true');
    expect(await page.$$eval('main.grid section.card', (els) => els.every((e) => e.classList.contains('stale')))).toBe(true);
    expect(await page.textContent('[data-testid=total-co2e]')).toBe(before);
    await page.fill('#from', '2026-11-18');
    await page.fill('#to', '2026-11-19');
    await submit();
    expect(await page.locator('[data-testid=filter-error]').isHidden()).toBe(true);
    expect(await page.$$eval('main.grid section.card.stale', (els) => els.length)).toBe(0);
  });

  it('fits a phone screen without horizontal page scroll, and saves screenshots', async () => {
    // docs/dashboard.png comes from the real demo (real-demo.test.ts); these are of the seeded store.
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results', 'dashboard-1280x800.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200); // chart.js resizes on the next animation frame
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ROOT, 'test-results', 'dashboard-390x844.png') });
  });
});
