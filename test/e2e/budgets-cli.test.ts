/**
 * `carbonpilot budgets` and `carbonpilot targets` end to end, as a user runs them (the real CLI in a child process,
 * the embedded DynamoDB API on disk): the list shapes the issue promises, field-named errors with exit 2 and nothing
 * stored, set by flags and by file, delete.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { DynamoBudgetStore } from '../../shared/adapters/aws/dynamodb-budget-store';
import { DynamoFootprintStore } from '../../shared/adapters/aws/dynamodb-footprint-store';
import { DynamoTargetStore } from '../../shared/adapters/aws/dynamodb-target-store';
import { DEFAULT_ATTRIBUTION_KEYS } from '../../shared/domain/attribution';
import { seedDemoBudgets } from '../../shared/use-cases/seed-demo-budgets';
import { at } from '../helpers/budget-fixtures';
import { seedFleet, steady } from '../helpers/budget-store-seed';

jest.setTimeout(300_000);
const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'bin/carbonpilot-cli.js');

describe('carbonpilot budgets / targets (e2e)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-budgets-'));
  const data = join(dir, 'data');
  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args, '--data-dir', data], { encoding: 'utf8', timeout: 240_000, env: { ...process.env, DYNAMODB_ENDPOINT: '' } });
  const file = (name: string, body: unknown) => {
    const f = join(dir, name);
    writeFileSync(f, JSON.stringify(body));
    return f;
  };
  const listIds = () => (JSON.parse(cli('budgets', 'list', '--format', 'json').stdout) as { budgets: { id: string }[] }).budgets.map((b) => b.id);

  beforeAll(async () => {
    // A small store on disk, as `npm start` leaves it: 24 days of an nlp endpoint and a vision instance, then the demo seed.
    const db = await startEmbeddedDynamo({ dataDir: join(data, 'db'), tableName: 'carbonpilot' });
    try {
      const store = new DynamoFootprintStore(db.client, db.tableName);
      const from = at('2026-10-27');
      await seedFleet(store, [
        { r: { ...steady('chat/AllTraffic', 'endpoint', 'us-east-1', 'nlp', from), demo: true }, kgPerHour: 0.5 },
        { r: { ...steady('i-vision', 'ec2-instance', 'eu-west-1', 'vision', from), demo: true }, kgPerHour: 0.25 },
      ], from, at('2026-11-20'));
      const clock = { nowSec: () => at('2026-11-20T01:00:00Z') };
      await seedDemoBudgets({ store, budgets: new DynamoBudgetStore(db.client, db.tableName), targets: new DynamoTargetStore(db.client, db.tableName), clock, attributionKeys: DEFAULT_ATTRIBUTION_KEYS });
    } finally {
      await db.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('budgets list --format json prints { budgets: [{ id, scope, period, limitKgCo2e, actualKgCo2e, forecastKgCo2e: { p50, p90 }, utilisationPct, notifications }] }', () => {
    const r = cli('budgets', 'list', '--format', 'json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.demo).toBe(true);
    expect(out.budgets.map((b: { id: string }) => b.id)).toEqual(['demo-account-monthly', 'demo-nlp-gated', 'demo-vision-monthly']);
    for (const b of out.budgets) {
      expect(b).toEqual(expect.objectContaining({
        id: expect.any(String), scope: expect.objectContaining({ dimension: expect.any(String) }), period: 'month', limitKgCo2e: expect.any(Number),
        actualKgCo2e: expect.any(Number), forecastKgCo2e: expect.objectContaining({ p50: expect.any(Number), p90: expect.any(Number) }), utilisationPct: expect.any(Number),
      }));
      for (const n of b.notifications) expect(n).toEqual(expect.objectContaining({ type: expect.stringMatching(/^(ACTUAL|FORECASTED)$/), threshold: expect.any(Number), state: expect.stringMatching(/^(OK|ALARM)$/) }));
    }
    // 19 November days of 18 kg: 342 kg so far; the vision budget is heading for a forecasted breach.
    expect(out.budgets[0].actualKgCo2e).toBeCloseTo(342, 6);
    const vision = out.budgets.find((b: { id: string }) => b.id === 'demo-vision-monthly');
    expect(vision.notifications.map((n: { type: string; state: string }) => `${n.type}:${n.state}`)).toEqual(['ACTUAL:OK', 'FORECASTED:ALARM']);
  });

  it('targets list --format json prints { targets: [{ id, metric, method, baseYear, targetYear, pathway, current, status }] }', () => {
    const r = cli('targets', 'list', '--format', 'json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.targets).toHaveLength(5);
    for (const t of out.targets) {
      expect(t).toEqual(expect.objectContaining({
        id: expect.any(String), metric: expect.any(String), method: expect.any(String), baseYear: 2025, targetYear: 2035,
        pathway: expect.objectContaining({ yearly: expect.any(Array), monthly: expect.any(Array) }), current: expect.objectContaining({ period: expect.any(String) }),
        status: expect.stringMatching(/^(on-track|off-track|insufficient-data)$/),
      }));
    }
  });

  it('bad input exits 2 naming the field (and its flag), and stores nothing', () => {
    const before = listIds();
    const cases: [string[], RegExp][] = [
      [['budgets', 'set', '--id', 'x', '--scope', 'team=nlp', '--period', 'month'], /limitKgCo2e: required.*\(--limit-kg\).*nothing stored/],
      [['budgets', 'set', '--id', 'x', '--scope', 'colour=blue', '--period', 'month', '--limit-kg', '10'], /scope\.dimension: expected one of account, team/],
      [['budgets', 'set', '--id', 'x', '--scope', 'account', '--period', 'month', '--limit-kg', '10', '--notify', 'ACTUAL:1200%'], /notifications\.0\.threshold: at most 1000 %/],
      [['budgets', 'set', '--file', file('bad.json', { id: 'x', scope: { dimension: 'account' }, period: 'month', limitKgCo2e: 5, colour: 'red' })], /colour: unknown field/],
      [['targets', 'set', '--id', 't', '--metric', 'total-emissions', '--base-year', '2025', '--target-year', '2020'], /targetYear: must be after baseYear \(2025\) \(--target-year\)/],
    ];
    for (const [args, message] of cases) {
      const r = cli(...args);
      expect([args.join(' '), r.status]).toEqual([args.join(' '), 2]);
      expect(r.stderr).toMatch(message);
    }
    expect(listIds()).toEqual(before);
  });

  it('plan of a job that would break the enforcing demo budget exits 3 naming it; an override reason lets it through', () => {
    // Prepare: the example request (team nlp, 20–22 November) at the store's watermark.
    const example = JSON.parse(readFileSync(join(ROOT, 'examples/job-request.json'), 'utf8'));
    // Act
    const refused = cli('plan', join(ROOT, 'examples/job-request.json'), '--now', '2026-11-20T01:00:00Z');
    // Assess: exit 3, naming the budget, its remaining kg and the plan's kg.
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/enforcing budget demo-nlp-gated \(team=nlp, 2026-11\) has [\d.]+ kgCO2e remaining of \d+ .*the plan needs up to [\d.]+ kgCO2e/);
    expect(refused.stderr).toMatch(/budgetOverride/);
    const overridden = cli('plan', file('override.json', { ...example, budgetOverride: { reason: 'deadline for the search relaunch, approved by ops' } }), '--now', '2026-11-20T01:00:00Z');
    expect(overridden.status).toBe(0);
    expect(overridden.stdout).toMatch(/overridden: deadline for the search relaunch/);
  });

  it('sets a budget by flags and by file, then deletes it', () => {
    const set = cli('budgets', 'set', '--id', 'speech-q', '--scope', 'team=speech', '--period', 'quarter', '--limit-kg', '250', '--mode', 'enforcing', '--notify', 'ACTUAL:80%,FORECASTED:300kg');
    expect(set.stdout).toMatch(/budget speech-q created \(version 1\): team=speech, quarter, 250 kgCO2e, enforcing/);
    const update = cli('budgets', 'set', '--file', file('speech.json', { id: 'speech-q', scope: { dimension: 'team', value: 'speech' }, period: 'quarter', limitKgCo2e: 300 }));
    expect(update.stdout).toMatch(/budget speech-q updated \(version 2\)/);
    const csv = cli('budgets', 'list', '--format', 'csv');
    expect(csv.stdout.split('\n')[0]).toMatch(/^id,scope,period,periodKey,mode/);
    expect(csv.stdout).toMatch(/speech-q,team=speech,quarter,2026-Q4,advisory/);
    expect(cli('budgets', 'delete', 'speech-q').stdout).toMatch(/budget speech-q deleted/);
    expect(cli('budgets', 'delete', 'speech-q').status).toBe(2);
    expect(listIds()).not.toContain('speech-q');
  });

  it('a budget set with --embodied shows its operational/embodied split and which resources have no embodied figure', () => {
    expect(cli('budgets', 'set', '--id', 'with-embodied', '--scope', 'account', '--period', 'month', '--limit-kg', '1000', '--embodied').status).toBe(0);
    const json = JSON.parse(cli('budgets', 'list', '--format', 'json').stdout);
    const b = json.budgets.find((x: { id: string }) => x.id === 'with-embodied');
    // The seeded intervals carry no embodied figure: the budget counts operational only, and says so for both resources.
    expect(b).toMatchObject({ includeEmbodied: true, embodied: { embodiedKgCo2e: 0, resourcesWithoutFigure: 2, resourcesInScope: 2, plannedJobsWithoutFigure: 0 } });
    expect(b.embodied.operationalKgCo2e).toBeCloseTo(342, 6);
    expect(b.actualKgCo2e).toBeCloseTo(342, 6);
    expect(json.budgets.find((x: { id: string }) => x.id === 'demo-account-monthly').embodied).toBeNull();
    const table = cli('budgets', 'list').stdout;
    expect(table).toMatch(/with-embodied: includes embodied — actual 342(\.0)? = operational 342(\.0)? \+ embodied 0(\.0+)?; without an embodied figure \(operational only\): 2 of 2 resources, 0 planned job\(s\)/);
    expect(cli('budgets', 'delete', 'with-embodied').status).toBe(0);
  });
});
