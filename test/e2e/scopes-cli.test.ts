/**
 * End to end on a real local store (dynalite on disk): report rows name operational, embodied and — once instruments
 * are imported — market-based emissions; `instruments import` is all-or-nothing; `reconcile` compares an export in
 * AWS's documented format with the store, and a bad export exits 2 naming the line and field.
 */
import { execFile, spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoFootprintStore } from '../../shared/adapters/aws/dynamodb-footprint-store';
import { startEmbeddedDynamo } from '../../shared/adapters/local/embedded-dynamodb';
import { UsageError } from '../../shared/cli/args';
import { instrumentsCommand } from '../../shared/cli/commands/instruments';
import { reconcileCommand } from '../../shared/cli/commands/reconcile';
import { reportCommand } from '../../shared/cli/commands/report';
import { dbDir } from '../../shared/cli/store-access';
import { computeInterval } from '../../shared/domain/footprint/compute-interval';
import { lookupInstance } from '../../shared/domain/power/instance-catalog';
import { resourceKey, type ResourceRef } from '../../shared/domain/types';
import { minuteSamples, telemetryOf } from '../helpers/fixtures';
import { startS3Stub } from '../helpers/s3-stub-server';

const CLI = join(__dirname, '../../bin/carbonpilot-cli.js');
const FIXTURE = join(__dirname, '../fixtures/ccft/carbon-emissions-v3.csv');
const DAY = Date.UTC(2026, 9, 5) / 1000; // 2026-10-05T00:00:00Z
const ACCOUNT = '111122223333';

jest.setTimeout(180_000);

const resources: ResourceRef[] = [
  { kind: 'training-job', id: 'train-a', region: 'us-east-1', instanceType: 'ml.p4d.24xlarge', counts: [{ atSec: DAY, instanceCount: 1 }], startSec: DAY, endSec: DAY + 6 * 3600, status: 'Completed', tags: { team: 'nlp' }, accountId: ACCOUNT },
  { kind: 'endpoint', id: 'chat/AllTraffic', region: 'eu-west-1', instanceType: 'ml.g5.xlarge', counts: [{ atSec: DAY, instanceCount: 2 }], startSec: DAY, status: 'InService', tags: { team: 'nlp', model: 'chat' }, accountId: ACCOUNT },
];

async function seed(dir: string): Promise<void> {
  const db = await startEmbeddedDynamo({ dataDir: dbDir(dir), tableName: 'carbonpilot' });
  const store = new DynamoFootprintStore(db.client, db.tableName);
  for (const r of resources) {
    await store.putResource(r);
    for (let h = 0; h < 6; h++) {
      const w = { startSec: DAY + h * 3600, endSec: DAY + (h + 1) * 3600 };
      const samples = minuteSamples(w.startSec, 60, () => ({ gpuUtilPct: 70, cpuUtilPct: 30, ...(r.kind === 'endpoint' ? { invocations: 50 } : {}) }));
      const iv = computeInterval({
        resource: r, spec: lookupInstance(r.instanceType), attribution: { team: 'nlp', project: 'untagged', model: r.tags.model ?? 'untagged' }, interval: w,
        telemetry: { ...telemetryOf(r, [{ host: 'h', samples, instancesRepresented: r.counts[0].instanceCount }]), resourceKey: resourceKey(r), window: w },
        pue: 1.1, pueSource: 'test', intensity: { gPerKwh: 400, signal: 'average-lifecycle', zone: 'Z', provider: 'test', quality: 'actual' },
      });
      await store.putInterval(iv);
    }
    await store.advanceCursor(resourceKey(r), 0, DAY + 6 * 3600);
  }
  await db.close();
}

const capture = async (cmd: (argv: string[], out: (s: string) => void) => Promise<number>, argv: string[]) => {
  const out: string[] = [];
  const code = await cmd(argv, (s) => void out.push(s));
  return { code, stdout: out.join('\n') };
};

describe('emission scopes through the CLI (e2e)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-scopes-'));
  beforeAll(() => seed(dir));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('report --format json: rows carry operationalKgCo2e and embodiedKgCo2e (low/point/high), no market-based figure without instruments', async () => {
    const r = await capture(reportCommand, ['--by', 'region', '--format', 'json', '--data-dir', dir]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.rows).toHaveLength(2);
    for (const row of doc.rows) {
      expect(row.operationalKgCo2e.point).toBeCloseTo(row.co2eKg, 12);
      expect(Object.keys(row.embodiedKgCo2e).sort()).toEqual(['high', 'low', 'point']);
      expect(row.embodiedKgCo2e.point).toBeGreaterThan(0);
      expect(row.totalKgCo2e.point).toBeCloseTo(row.co2eKg + row.embodiedKgCo2e.point, 9);
      expect(row.marketBasedKgCo2e).toBeUndefined();
    }
    // p4d.24xlarge, 6 reserved hours: (8 × 127.6 + 3,000) kg ÷ 52,560 h × 6.
    expect(doc.rows.find((x: { key: string }) => x.key === 'us-east-1').embodiedKgCo2e.point).toBeCloseTo((4020.8 / 52560) * 6, 9);
    expect(doc.embodiedModelVersions).toEqual(['embodied-v1-2026']);
  });

  it('instruments import rejects a bad file whole (naming instrument and field) and stores nothing', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ apiVersion: 'carbonpilot/v1', kind: 'InstrumentRegistry', instruments: [
      { id: 'ok', type: 'rec', region: 'us-east-1', generationCountry: 'US', technology: 'wind', vintageYear: 2026, mwh: 1 },
      { id: 'no-vintage', type: 'go', region: 'eu-west-1', generationCountry: 'NO', technology: 'hydro', mwh: 1 },
    ] }));
    await expect(capture(instrumentsCommand, ['import', bad, '--data-dir', dir])).rejects.toThrow(UsageError);
    await expect(capture(instrumentsCommand, ['import', bad, '--data-dir', dir])).rejects.toThrow(/instruments\[1\] \(no-vintage\) vintageYear/);
    expect((await capture(instrumentsCommand, ['show', '--data-dir', dir])).stdout).toMatch(/no instruments registered/);
  });

  it('after importing instruments, report rows carry marketBasedKgCo2e beside (never instead of) the location-based figure', async () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ apiVersion: 'carbonpilot/v1', kind: 'InstrumentRegistry', instruments: [
      { id: 'rec-us', type: 'rec', region: 'us-east-1', generationCountry: 'US', technology: 'wind', vintageYear: 2026, mwh: 1000 },
    ] }));
    expect((await capture(instrumentsCommand, ['import', good, '--data-dir', dir])).stdout).toMatch(/imported: registry [0-9a-f]{16}, 1 instrument/);
    const doc = JSON.parse((await capture(reportCommand, ['--by', 'region', '--format', 'json', '--data-dir', dir])).stdout);
    const us = doc.rows.find((x: { key: string }) => x.key === 'us-east-1');
    const eu = doc.rows.find((x: { key: string }) => x.key === 'eu-west-1');
    expect(us.marketBasedKgCo2e.point).toBe(0); // fully covered by RECs
    expect(us.co2eKg).toBeGreaterThan(0); // location-based unchanged
    expect(eu.marketBasedKgCo2e.point).toBeCloseTo(eu.energyKwh * 0.4455, 9); // AIB 2023 residual mix, IE
    const table = (await capture(reportCommand, ['--by', 'region', '--basis', 'market', '--include', 'embodied', '--data-dir', dir])).stdout;
    expect(table).toMatch(/market-based scope 2/);
    expect(table).toMatch(/market-based kgCO2e .* embodied kgCO2e .* total kgCO2e/);
  });

  it('reconcile --ccft FILE --format json: one cell per month × account × region × service with ratio, band and notes', async () => {
    const r = await capture(reconcileCommand, ['--ccft', FIXTURE, '--format', 'json', '--now', '2026-12-01T00:00:00Z', '--data-dir', dir]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const cell = doc.cells.find((c: { region: string; service: string }) => c.region === 'us-east-1' && c.service === 'AmazonSageMaker');
    expect(cell).toMatchObject({ month: '2026-10', accountId: ACCOUNT, provisional: false, ccft: { scope2LbmT: 0.011, scope3T: 0.0014 } });
    expect(Object.keys(cell.ours).sort()).toEqual(expect.arrayContaining(['operationalT', 'embodiedT']));
    expect(cell.ratio).toBeCloseTo(0.011 / cell.ours.operationalT, 9);
    expect(typeof cell.withinTolerance).toBe('boolean');
    expect(cell.notes.length).toBeGreaterThan(0);
    // Our eu-west-1 endpoint is SageMaker; the export's eu-west-1 row is EC2: two cells, each alone.
    expect(doc.cells.filter((c: { region: string }) => c.region === 'eu-west-1').map((c: { service: string }) => c.service).sort()).toEqual(['AmazonEC2', 'AmazonSageMaker']);
  });

  it('the real CLI exits 2 on a bad export, naming the line and field, and on a malformed s3:// URI', () => {
    const bad = join(dir, 'bad-export.csv');
    writeFileSync(bad, readFileSync(FIXTURE, 'utf8').replace(',0.004,', ',lots,'));
    const r = spawnSync(process.execPath, [CLI, 'reconcile', '--ccft', bad, '--data-dir', dir], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad-export\.csv line 3: total_lbm_emissions_value: expected a non-negative number/);
    expect(r.stderr).toMatch(/nothing imported/);
    const s3 = spawnSync(process.execPath, [CLI, 'reconcile', '--ccft', 's3://Not_A_Bucket/carbon/', '--data-dir', dir], { encoding: 'utf8' });
    expect(s3.status).toBe(2);
    expect(s3.stderr).toMatch(/--ccft: "s3:\/\/Not_A_Bucket\/carbon\/" is not an s3:\/\/bucket\/prefix URI/);
  });

  it('the real CLI reads --ccft s3://… with the AWS credentials of the environment (loopback S3), and exits 2 on a missing bucket', async () => {
    // Prepare: the export as Data Exports delivers it, behind a loopback S3 the SDK reaches through AWS_ENDPOINT_URL_S3.
    const bucket = 'carbonpilot-ccft-111122223333-eu-west-1';
    const s3 = await startS3Stub({ bucket, region: 'eu-west-1', objects: { 'ccft/carbonpilot-carbon-emissions/data/model_version=v3.0.0/usage_period=2026-10/carbonpilot-carbon-emissions-00001.csv.gz': gzipSync(readFileSync(FIXTURE)) } });
    const env = { ...process.env, AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' };
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((ok) => {
        execFile(process.execPath, [CLI, ...args], { env, encoding: 'utf8' }, (err, stdout, stderr) => ok({ code: err ? (err as { code?: number }).code ?? 1 : 0, stdout, stderr }));
      });
    try {
      // Act
      const r = await run(['reconcile', '--ccft', `s3://${bucket}/ccft/carbonpilot-carbon-emissions/`, '--format', 'json', '--now', '2026-12-01T00:00:00Z', '--data-dir', dir]);
      // Assess
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.source).toBe(`1 file(s) under s3://${bucket}/ccft/carbonpilot-carbon-emissions/ (eu-west-1)`);
      expect(doc.cells.find((c: { region: string; service: string }) => c.region === 'us-east-1' && c.service === 'AmazonSageMaker')).toMatchObject({ month: '2026-10', ccft: { scope2LbmT: 0.011, scope3T: 0.0014 } });
      const missing = await run(['reconcile', '--ccft', 's3://no-such-bucket-here/ccft/', '--data-dir', dir]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/--ccft: s3:\/\/no-such-bucket-here: not found/);
    } finally {
      await s3.close();
    }
  });
});
