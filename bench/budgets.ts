/**
 * bench:budgets — back-test of the budget forecast (P50/P90 to period end).
 *   npm run bench:budgets -- --out FILE.json [--days N] [--now ISO] [--data-dir DIR]
 * Without --data-dir: a DEMO history of N days (default 240) of the demo fleet, tiled from the local replay's
 * generator and collected by the real collector into memory. With --data-dir: the local store of `npm start`
 * (e.g. after `npm start -- --once --days 60`; note the replayed demo fleet itself spans only the last 14 days).
 * Scopes: account, each demo team, each kind; periods: month and quarter (every complete one), every UTC day cut.
 */
import { benchArgs, writeJson } from './lib/bench-args';
import { demoHistoryStore } from './lib/demo-history';
import { DEFAULT_ATTRIBUTION_KEYS } from '../shared/domain/attribution';
import { DEFAULT_FORECAST_OPTIONS } from '../shared/domain/budgets/forecast';
import type { BudgetScope } from '../shared/domain/budgets/types';
import { parseIsoInstant } from '../shared/domain/time';
import type { FootprintStore } from '../shared/ports';
import { makeBudgetBacktest } from '../shared/use-cases/backtest-budgets';
import type { DynamoJobStore } from '../shared/adapters/aws/dynamodb-job-store';
import { requireCliStore } from '../shared/composition/cli';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const args = benchArgs('budgets', { dataRequired: false, extra: ['days', 'now', 'data-dir'] });
const days = Number(args.get('days') ?? 240);
if (!Number.isInteger(days) || days < 35 || days > 1000) args.fail('--days: an integer in [35, 1000]');
const nowSec = parseIsoInstant(args.get('now') ?? '2026-11-20T00:00:00Z');
if (!Number.isFinite(nowSec)) args.fail('--now: an ISO-8601 instant with a zone');

const SCOPES: BudgetScope[] = [
  { dimension: 'account' },
  ...['nlp', 'vision', 'recsys', 'speech'].map((value) => ({ dimension: 'team' as const, value })),
  ...['training-job', 'endpoint', 'ec2-instance'].map((value) => ({ dimension: 'kind' as const, value })),
];

async function main() {
  const t0 = process.hrtime.bigint();
  let store: FootprintStore;
  let jobs: DynamoJobStore | undefined;
  let close = async () => {};
  const dir = args.get('data-dir');
  if (dir) {
    const s = await requireCliStore(dir);
    store = s.stores.store;
    jobs = s.stores.jobs;
    close = s.close;
  } else {
    store = await demoHistoryStore(nowSec, days);
  }
  const t1 = process.hrtime.bigint();
  try {
    const bt = makeBudgetBacktest({ store, jobs, attributionKeys: DEFAULT_ATTRIBUTION_KEYS, clock: { nowSec: () => nowSec } });
    // Side by side on the same cases: the forecast as shipped, and the plain block bootstrap without the level shock.
    const ours = await bt({ scopes: SCOPES, periodTypes: ['month', 'quarter'] });
    const t2 = process.hrtime.bigint();
    const plain = await bt({ scopes: SCOPES, periodTypes: ['month', 'quarter'], forecast: { levelShockDays: 0 } });
    if (!ours || !plain) args.fail('the store holds no collected data');
    const { detail, ...summary } = ours!;
    const { detail: _d, ...baseline } = plain!;
    writeJson(args.out, {
      source: dir ? `local store ${dir}` : `DEMO history: ${days} days of the tiled demo fleet to ${args.get('now') ?? '2026-11-20T00:00:00Z'}`,
      forecastOptions: DEFAULT_FORECAST_OPTIONS,
      ...summary,
      baselineNoLevelShock: baseline,
      historySec: Number(t1 - t0) / 1e9,
      backtestSec: Number(t2 - t1) / 1e9,
      // One row per case (compact): realised and forecast totals in kgCO2e, rounded to 0.1 kg.
      caseColumns: ['scope', 'periodKey', 'cutDay', 'remainingDays', 'realisedKgCo2e', 'p50KgCo2e', 'p90KgCo2e'],
      cases: detail.map((c) => [c.scope, c.periodKey, c.cutDay, c.remainingDays, Math.round(c.realisedKgCo2e * 10) / 10, Math.round(c.p50KgCo2e * 10) / 10, Math.round(c.p90KgCo2e * 10) / 10]),
    });
    const line = (name: string, r: typeof summary) => {
      const m = r.byPeriod.month;
      const q = r.byPeriod.quarter;
      const worst = Object.entries(r.byScope).sort((a, b) => a[1].p90CoveragePct - b[1].p90CoveragePct)[0];
      return `${name}: P90 covers the realised total in ${r.p90CoveragePct.toFixed(1)} % of ${r.cases} cases (month ${m ? m.p90CoveragePct.toFixed(1) : 'n/a'} %, quarter ${q ? q.p90CoveragePct.toFixed(1) : 'n/a'} %; ` +
        `lowest scope ${worst ? `${worst[0]} ${worst[1].p90CoveragePct.toFixed(1)} %` : 'n/a'}); realised ≤ P50 in ${r.p50CoveragePct.toFixed(1)} %, P50 MAPE ${r.p50MapePct.toFixed(1)} %, bias ${r.p50BiasPct.toFixed(1)} %`;
    };
    console.log(`bench:budgets ${summary.demo ? '(DEMO data) ' : ''}${summary.days} days from ${summary.firstDay}, ${summary.skippedInsufficientHistory} cuts without enough history`);
    if (!summary.cases) {
      console.log('  no complete month or quarter in the store to back-test (the local demo replay spans its last 14 days); run without --data-dir for the tiled demo history');
      return;
    }
    console.log(`  ${line('forecast', summary)}`);
    console.log(`  ${line('baseline (block bootstrap, no level shock)', baseline)}`);
  } finally {
    await close();
  }
}

void main().catch((e) => {
  console.error(`bench:budgets: ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});
