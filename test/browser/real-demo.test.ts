/**
 * The real demo in headless Chromium: `npm start` (the default 14-day DEMO replay, a fixed --now so the picture is
 * reproducible) exactly as a user runs it. The page is up while the replay fills the store in and shows its
 * progress; when the replay is live the page reloads and shows the same totals as `carbonpilot report` (one default
 * window). docs/dashboard.png is this page.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from './seeded-page';
import { CLI, ROOT, startServing, type ServingStart } from '../helpers/serving-start';

jest.setTimeout(900_000);
const NOW = '2026-11-20T06:30:00Z';
/** The page's number format (web/src/main.ts fmt). */
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(1) : x.toPrecision(2));

describe('the real demo (npm start) in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-real-demo-'));
  let serving: ServingStart;
  let browser: Browser;
  let page: Page;
  const failed: string[] = [];

  beforeAll(async () => {
    serving = await startServing(['--now', NOW, '--port', '0', '--data-dir', dir], { npm: true, until: 'url' });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('requestfailed', (r) => failed.push(r.url()));
    page.on('response', (r) => void (r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`)));
  });
  afterAll(async () => {
    await browser?.close();
    await serving?.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('is up while the replay runs: progress on the page, the figures stored so far', async () => {
    // Act: open the page as soon as the URL is printed.
    await page.goto(`${serving.url}/#token=${serving.token}`);
    await page.waitForSelector('body[data-ready="true"]');
    // Assess: a 14-day replay is still running.
    const panel = page.locator('section[data-panel="replay-progress"]');
    expect(await panel.isVisible()).toBe(true);
    expect(await panel.textContent()).toMatch(/Replaying the demo fleet from 2026-11-06 to 2026-11-20T06:30:00Z: \d+ %/);
    expect(await page.locator('[data-testid=demo-banner]').isVisible()).toBe(true);
    expect(failed).toEqual([]);
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results', 'dashboard-replaying.png') });
  });

  it('when the replay is live the page reloads by itself and shows the totals `carbonpilot report` gives', async () => {
    // Act
    await serving.live();
    await page.waitForFunction(() => (document.querySelector('section[data-panel="replay-progress"]') as HTMLElement | null)?.hidden === true && document.body.dataset.ready === 'true', undefined, { timeout: 60_000 });
    // Assess: the same default window as report (and kpis and the start-up summary).
    const report = spawnSync(process.execPath, [CLI, 'report', '--by', 'kind', '--format', 'json', '--data-dir', dir], { encoding: 'utf8' });
    expect(report.status).toBe(0);
    const totals = JSON.parse(report.stdout).totals as { co2eKg: number; energyKwh: number };
    expect(await page.textContent('[data-testid=total-co2e]')).toBe(fmt(totals.co2eKg));
    expect(await page.textContent('[data-testid=total-energy]')).toBe(fmt(totals.energyKwh));
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(failed).toEqual([]);
  });

  it('saves docs/dashboard.png: what npm start shows', async () => {
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    await page.waitForTimeout(500); // chart.js animates its first draw
    await page.screenshot({ path: join(ROOT, 'docs', 'dashboard.png'), fullPage: true });
  });
});
