/**
 * DEMO seeders of the emission scopes for `npm start` (registered in local-demo.ts), so the market-based, renewable
 * share, hourly CFE and reconciliation views have data. Everything is labelled demo; nothing here is a real contract,
 * certificate or AWS figure.
 *
 * - before the replay: the demo instrument registry (shared/adapters/local/demo-instruments.ts), validated by the same
 *   contract as a user's file; only when no registry or a demo one is current — a user's own registry is never
 *   replaced. Same `--now` → same registry id → a no-op.
 * - after the replay: a sample AWS carbon export (Data Exports `CARBON_EMISSIONS`, documented columns, model v3)
 *   generated from the replayed demo fleet, written like the S3 delivery under
 *   `<data dir>/ccft-export-DEMO/model_version=v3.0.0/usage_period=YYYY-MM/carbon-emissions-DEMO.csv`, one file per
 *   month (rewritten whole, atomically): `carbonpilot reconcile --ccft .carbonpilot/ccft-export-DEMO`.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildDemoInstruments } from '../adapters/local/demo-instruments';
import { buildDemoCcftExportCsv } from '../adapters/local/demo-ccft-export';
import { INSTRUMENTS_API_VERSION, parseInstrumentRegistry } from '../contracts/instruments';
import { DAY_SEC } from '../domain/time';
import type { DemoSeeder } from './local-demo';

/** Folder of the sample export inside the data directory (the name says DEMO). */
export const DEMO_CCFT_EXPORT_DIR = 'ccft-export-DEMO';
const MODEL_VERSION = 'v3.0.0';

export const demoInstrumentsSeeder: DemoSeeder = {
  id: 'scopes-demo-instruments',
  phase: 'before-replay',
  async run(env, replay) {
    const current = await env.stores.instruments.currentRegistry();
    if (current && !current.demo) return; // the user's registry: left alone
    const days = Math.max(1, Math.round((replay.nowSec - replay.startSec) / DAY_SEC));
    const reg = parseInstrumentRegistry({ apiVersion: INSTRUMENTS_API_VERSION, kind: 'InstrumentRegistry', demo: true, instruments: buildDemoInstruments(replay.nowSec, days) });
    await env.stores.instruments.importRegistry(reg.instruments, { nowSec: replay.nowSec, demo: true });
  },
};

export const demoCcftExportSeeder: DemoSeeder = {
  id: 'scopes-demo-ccft-export',
  phase: 'after-replay',
  async run(env, replay) {
    if (!env.dbDir) return; // in-memory store: no data directory to write into
    const intervals = (await env.stores.store.queryIntervals({ startSec: replay.startSec, endSec: replay.nowSec })).filter((i) => i.demo);
    const byMonth = new Map<string, typeof intervals>();
    for (const i of intervals) {
      const m = new Date(i.intervalStartSec * 1000).toISOString().slice(0, 7);
      byMonth.set(m, [...(byMonth.get(m) ?? []), i]);
    }
    const root = join(dirname(env.dbDir), DEMO_CCFT_EXPORT_DIR);
    for (const [month, xs] of [...byMonth].sort()) {
      const dir = join(root, `model_version=${MODEL_VERSION}`, `usage_period=${month}`);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const file = join(dir, 'carbon-emissions-DEMO.csv');
      writeFileSync(`${file}.tmp`, buildDemoCcftExportCsv(xs, { nowSec: replay.nowSec, modelVersion: MODEL_VERSION }), { mode: 0o600 });
      renameSync(`${file}.tmp`, file); // a reader never sees half a file
    }
  },
};
