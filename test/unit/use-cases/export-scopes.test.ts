/**
 * The S3/Athena export carries embodied emissions beside the operational ones (never summed in), and market-based
 * scope 2 in a table of its own (per resource and month, from the year-to-date allocation), written by the daily
 * backstop run.
 */
import { EXPORT_COLUMNS, MARKET_EXPORT_COLUMNS, exportRow, makeExportFootprints, makeExportMarketBased, monthsOfDays, type ObjectWriter } from '../../../shared/use-cases/export-footprints';
import { computeMarketBased } from '../../../shared/domain/market/market-based';
import { makeHandler } from '../../../lambdas/export-footprints/handler';
import { interval, legacyInterval } from '../../helpers/scope-fixtures';
import { SEED_INSTRUMENTS, startSeededStore, type SeededStore } from '../../browser/seed-store';

const memoryWriter = () => {
  const puts = new Map<string, string>();
  const writer: ObjectWriter = { put: async (key, body) => void puts.set(key, body) };
  return { puts, writer };
};

describe('embodied columns of the footprint export', () => {
  it.each([
    ['computed', interval(), { embodied_kg_co2e: 0.1, embodied_kg_co2e_low: 0.08, embodied_kg_co2e_high: 0.15, embodied_status: 'computed', embodied_model_version: 'embodied-v1-2026' }],
    ['unmodelled', { ...legacyInterval(), embodiedStatus: 'unmodelled' as const }, { embodied_kg_co2e: null, embodied_kg_co2e_low: null, embodied_kg_co2e_high: null, embodied_status: 'unmodelled', embodied_model_version: null }],
    ['stored before embodied accounting', legacyInterval(), { embodied_kg_co2e: null, embodied_kg_co2e_low: null, embodied_kg_co2e_high: null, embodied_status: 'not-computed', embodied_model_version: null }],
  ])('%s interval → embodied columns', (_n, i, want) => {
    const row = exportRow(i);
    expect(row).toMatchObject(want);
    expect(row.co2e_kg).toBe(i.co2eKg.point); // operational unchanged, embodied not added to it
    expect(Object.keys(row)).toEqual(EXPORT_COLUMNS.map((c) => c.name));
  });

  it('declares the new columns with Athena types', () => {
    expect(EXPORT_COLUMNS.filter((c) => c.name.startsWith('embodied_'))).toEqual([
      { name: 'embodied_kg_co2e', type: 'double' },
      { name: 'embodied_kg_co2e_low', type: 'double' },
      { name: 'embodied_kg_co2e_high', type: 'double' },
      { name: 'embodied_status', type: 'string' },
      { name: 'embodied_model_version', type: 'string' },
    ]);
  });
});

describe('market-based export table', () => {
  let s: SeededStore;
  beforeAll(async () => {
    s = await startSeededStore();
  });
  afterAll(() => s.close());

  it('writes one row per resource for the month, summing to the allocation of the registry, and overwrites identically', async () => {
    // Prepare
    const { puts, writer } = memoryWriter();
    // Act
    const r = await makeExportMarketBased({ store: s.store, instruments: s.deps.instruments!, writer })(['2026-11', '2026-12']);
    // Assess
    expect(r.written).toEqual([{ month: '2026-11', key: 'market-based/month=2026-11/part.json', rows: 4 }]);
    expect(r.empty).toEqual(['2026-12']);
    const rows = puts.get('market-based/month=2026-11/part.json')!.trim().split('\n').map((l) => JSON.parse(l));
    expect(Object.keys(rows[0])).toEqual(MARKET_EXPORT_COLUMNS.map((c) => c.name));
    const expected = [...computeMarketBased(s.intervals, SEED_INSTRUMENTS).byInterval.values()];
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(rows.map((x) => x.market_based_kg_co2e))).toBeCloseTo(sum(expected.map((e) => e.marketBasedKgCo2e.point)), 9);
    expect(sum(rows.map((x) => x.instrument_kwh))).toBeCloseTo(300, 9); // 100 kWh of RECs + 200 kWh of GOs, each used once
    expect(rows.every((x) => x.demo === true && x.market_model_version === 'market-v1' && /^[0-9a-f]{16}$/.test(x.registry_id))).toBe(true);
    expect(rows.some((x) => 'co2e_kg' in x)).toBe(false); // location-based figures stay in their own table
    const before = puts.get('market-based/month=2026-11/part.json');
    await makeExportMarketBased({ store: s.store, instruments: s.deps.instruments!, writer })(['2026-11']);
    expect(puts.get('market-based/month=2026-11/part.json')).toBe(before);
  });

  it('writes nothing without instruments (no market-based figure exists)', async () => {
    const { puts, writer } = memoryWriter();
    const r = await makeExportMarketBased({ store: s.store, instruments: { currentRegistry: async () => undefined }, writer })(['2026-11']);
    expect(r).toEqual({ written: [], empty: [], noInstruments: true });
    expect(puts.size).toBe(0);
  });

  it('rejects a month that is not YYYY-MM', async () => {
    await expect(makeExportMarketBased({ store: s.store, instruments: s.deps.instruments!, writer: memoryWriter().writer })(['2026-13'])).rejects.toThrow(/"2026-13" is not a YYYY-MM month/);
  });

  it('the handler writes the market-based months only on the daily backstop, not on every intervals event', async () => {
    const { puts, writer } = memoryWriter();
    const deps = { store: s.store, clock: { nowSec: () => Date.UTC(2026, 10, 20, 1) / 1000 }, writer, instruments: s.deps.instruments, log: () => undefined };
    const handler = makeHandler(async () => deps);
    const envelope = (detailType: string, detail: unknown) => ({ version: '0', id: 'e1', 'detail-type': detailType, source: 'carbonpilot', account: '111122223333', time: '2026-11-20T01:00:00Z', region: 'eu-west-1', resources: [], detail });
    await handler(envelope('Footprint Intervals Written', { days: ['2026-11-18'] }), {} as never);
    expect([...puts.keys()]).toEqual(['footprints/day=2026-11-18/part.json']);
    await handler(envelope('Scheduled Event', {}), {} as never);
    expect([...puts.keys()].filter((k) => k.startsWith('market-based/'))).toEqual(['market-based/month=2026-11/part.json']);
    expect(monthsOfDays(['2026-10-31', '2026-11-01', '2026-11-02'])).toEqual(['2026-10', '2026-11']);
  });

  it('the footprint export itself is unchanged by instruments (same parts, embodied columns filled)', async () => {
    const { puts, writer } = memoryWriter();
    await makeExportFootprints({ store: s.store, writer })(['2026-11-18']);
    const rows = puts.get('footprints/day=2026-11-18/part.json')!.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.every((x) => x.embodied_status === 'computed' && x.embodied_kg_co2e === 0.08)).toBe(true);
  });
});
