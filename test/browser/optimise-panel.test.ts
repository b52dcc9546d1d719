/**
 * The optimisation ledger panel in headless Chromium, against the seeded store's two finished DEMO attempts: one row
 * per attempt with its decision and reason, before/after bars of J per inference with their range whiskers, and the
 * optimisation KPIs in the KPI panel (avoided emissions labelled as an estimate).
 */
import type { Page } from 'playwright-core';
import type { SeededStore } from './seed-store';
import { openSeededDashboard, type SeededPage } from './seeded-page';


describe('optimisation panel in headless Chromium', () => {
  let seeded: SeededStore;
  let page: Page;
  let ui: SeededPage;
  let failed: string[];

  beforeAll(async () => {
    // The dashboard's routes as `npm start` serves them (seed-store.ts).
    ui = await openSeededDashboard({ dirPrefix: 'cp-web-opt-' });
    ({ seeded, page, failed: failed } = ui);
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('shows one ledger row per attempt with its decision and reason, and no panel error', async () => {
    expect(failed).toEqual([]);
    expect(await page.locator('section[data-panel=optimise] .panel-error').isHidden()).toBe(true);
    const rows = await page.$$eval('[data-testid=optimise-ledger] tbody tr', (trs) => trs.map((tr) => ({ id: tr.getAttribute('data-attempt'), decision: tr.getAttribute('data-decision'), reason: tr.querySelector('[data-testid=reason]')?.textContent ?? '' })));
    expect(rows.map((r) => r.decision).sort()).toEqual(['promote', 'reject']);
    expect(rows.find((r) => r.decision === 'reject')!.reason).toMatch(/^energy regression: \+2\d % J\/inference/);
  });

  it('draws before/after bars of J per inference with whiskers around each value', async () => {
    const bars = await page.$$eval('[data-attempt=aaaaaaaaaaaaaaa1] g[data-bar]', (gs) => gs.map((g) => ({ bar: g.getAttribute('data-bar'), j: Number(g.getAttribute('data-j')), low: Number(g.getAttribute('data-low')), high: Number(g.getAttribute('data-high')), width: Number(g.querySelector('rect')!.getAttribute('width')) })));
    expect(bars.map((b) => b.bar)).toEqual(['baseline', 'candidate']);
    for (const b of bars) {
      expect(b.low).toBeLessThan(b.j);
      expect(b.j).toBeLessThan(b.high);
    }
    // The promoted candidate uses ~30 % less energy: its bar is shorter on the shared scale.
    expect(bars[1].width).toBeLessThan(bars[0].width);
    expect(await page.textContent('[data-attempt=aaaaaaaaaaaaaaa1] [data-testid=change]')).toMatch(/^-3\d % \[-3\d, -[23]\d\]$/);
  });

  it('the KPI panel shows the optimisation KPIs; avoided emissions are labelled an estimate', async () => {
    expect(await page.textContent('[data-kpi=inference-efficiency-improvement] .value')).toMatch(/^3\d/);
    expect(await page.textContent('[data-kpi=avoided-emissions-per-month] .label')).toMatch(/estimated; not in measured totals/);
  });
});
