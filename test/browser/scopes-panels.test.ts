/**
 * The emission-scope panels in headless Chromium against the seeded store: operational and embodied stacks,
 * location- vs market-based scope 2, renewable share beside hourly CFE, SCI per inference — each showing the
 * store's numbers (expected values from the same query path the CLI uses, formatted as the page formats).
 */
import type { Page } from 'playwright-core';
import { loadKpiReport } from '../../shared/http/query-routes';
import { aggregate } from '../../shared/domain/footprint/aggregate';
import { SEED_END_SEC, SEED_START_SEC, type SeededStore } from './seed-store';
import { openSeededDashboard, type SeededPage } from './seeded-page';

/** The page's number format (web/src/main.ts fmt). */
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(1) : x === 0 ? '0' : x.toPrecision(2));

describe('emission-scope panels in headless Chromium', () => {
  let seeded: SeededStore;
  let page: Page;
  let ui: SeededPage;
  let failed: string[];

  beforeAll(async () => {
    // The dashboard's routes as `npm start` serves them (seed-store.ts).
    ui = await openSeededDashboard({ dirPrefix: 'cp-web-scopes-' });
    ({ seeded, page, failed: failed } = ui);
  });
  afterAll(async () => {
    await ui?.close();
  });

  const text = (testId: string) => page.textContent(`[data-testid=${testId}]`);

  it('mounts both panels without an error, every API call succeeding', async () => {
    expect(failed).toEqual([]);
    for (const id of ['scopes-stacks', 'scopes-market']) {
      expect(await page.locator(`section[data-panel="${id}"] .panel-error`).isHidden()).toBe(true);
    }
  });

  it('shows operational, embodied and their explicit total, and stacks them per day', async () => {
    const t = aggregate(seeded.intervals, 'day').totals;
    expect(await text('scopes-operational')).toBe(fmt(t.operationalKgCo2e.point));
    expect(await text('scopes-embodied')).toBe(fmt(t.embodiedKgCo2e.point));
    expect(await text('scopes-total')).toBe(fmt(t.totalKgCo2e.point));
    expect(t.embodiedKgCo2e.point).toBeGreaterThan(0);
    expect(await text('scopes-stacks-note')).toBe('2 UTC day(s)');
    const painted = await page.$eval('[data-testid=scopes-chart]', (c) => {
      const canvas = c as HTMLCanvasElement;
      const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let k = 3; k < d.length; k += 4) if (d[k] > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(1000);
  });

  it('shows location- and market-based scope 2 as two figures, renewable share beside CFE, and SCI per inference', async () => {
    const r = await loadKpiReport(seeded.deps, { startSec: SEED_START_SEC, endSec: SEED_END_SEC });
    const v = (id: string) => r.kpis.find((k) => k.id === id)!.value!;
    for (const [testId, id, unit] of [
      ['scopes-location', 'total-emissions', 'kgCO2e'],
      ['scopes-market', 'market-based-emissions', 'kgCO2e'],
      ['scopes-renewable', 'renewable-share', '%'],
      ['scopes-cfe', 'cfe-hourly', '%'],
      ['scopes-sci', 'sci-per-inference', 'gCO2e/inference'],
    ]) {
      expect(v(id)).not.toBeNull();
      expect(await text(testId)).toBe(`${fmt(v(id))} ${unit}`);
    }
    expect(v('market-based-emissions')).toBeLessThan(v('total-emissions')); // certificates cover part of the load
  });

  it('follows the team filter on the stacks and says the KPI figures are not filtered', async () => {
    await page.selectOption('#team', 'vision');
    await page.evaluate(() => (document.body.dataset.ready = 'false'));
    await page.click('#filters button[type=submit]');
    await page.waitForSelector('body[data-ready="true"]');
    const vision = aggregate(seeded.intervals.filter((i) => i.attribution.team === 'vision'), 'day').totals;
    expect(await text('scopes-embodied')).toBe(fmt(vision.embodiedKgCo2e.point));
    expect(await text('scopes-market-note')).toMatch(/cover all teams and regions/);
  });
});
