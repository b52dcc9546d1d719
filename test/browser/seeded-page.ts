/**
 * The dashboard in headless Chromium over the seeded store, as the browser tests open it: the built page served by
 * the local HTTP server with every route `npm start` serves (seed-store.ts `seededRoutes`), the bearer token in the
 * fragment, and every failed request or error response recorded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildDashboard } from '../../web/build';
import { startHttpServer, type LocalHttpServer } from '../../shared/adapters/local/http-server';
import type { QueryRouteOptions } from '../../shared/http/query-routes';
import { seededRoutes, startSeededStore, type SeededStore } from './seed-store';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const TOKEN = 'browser-test-token';

export interface SeededPage {
  seeded: SeededStore;
  server: LocalHttpServer;
  browser: Browser;
  page: Page;
  outDir: string;
  /** Failed requests and ≥ 400 responses, as `STATUS URL` (or the URL of a request that failed outright). */
  failed: string[];
  close(): Promise<void>;
}

export async function openSeededDashboard(o: { dirPrefix: string; routes?: QueryRouteOptions }): Promise<SeededPage> {
  const outDir = mkdtempSync(join(tmpdir(), o.dirPrefix));
  const [seeded] = await Promise.all([startSeededStore(), buildDashboard(outDir)]);
  const server = await startHttpServer({ routes: seededRoutes(seeded, o.routes), token: TOKEN, staticDir: outDir });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const failed: string[] = [];
  page.on('requestfailed', (r) => failed.push(r.url()));
  page.on('response', (r) => void (r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`)));
  await page.goto(`${server.url}/#token=${TOKEN}`);
  await page.waitForSelector('body[data-ready="true"]');
  return {
    seeded, server, browser, page, outDir, failed,
    close: async () => {
      await browser.close();
      await server.close();
      await seeded.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
