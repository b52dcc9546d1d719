/** Market-based scope 2: GHG Protocol hierarchy, quality criteria, one claim per MWh, deterministic allocation. */
import fc from 'fast-check';
import { certificateVintageFits, computeMarketBased, intervalKey, renewableShare } from '../../../../shared/domain/market/market-based';
import type { CertificateInstrument, Instrument } from '../../../../shared/domain/market/instrument-types';
import { HOUR, NOV_1_2026, interval } from '../../../helpers/scope-fixtures';

const rec = (over: Partial<CertificateInstrument> = {}): CertificateInstrument => ({
  id: 'rec-1', type: 'rec', region: 'us-east-1', generationCountry: 'US', technology: 'wind', vintageYear: 2026, mwh: 0.02, gCo2ePerKwh: 0, ...over,
});
const ppa = (kwhAtNov1: number, over: Record<string, unknown> = {}): Instrument => ({
  id: 'ppa-1', type: 'ppa', region: 'us-east-1', generationCountry: 'US', technology: 'solar', gCo2ePerKwh: 0,
  hourlyProfile: [{ hour: '2026-11-01T00:00:00Z', mwh: kwhAtNov1 / 1000 }], ...over,
} as Instrument);

// Residual mixes (markets.ts): us-east-1 Green-e 2018 SRVC 366.199 g/kWh; eu-west-1 AIB 2023 IE 445.50 g/kWh.
const SRVC = 0.366199;
const IE = 0.4455;

describe('computeMarketBased: the Scope 2 hierarchy for one 10 kWh hour', () => {
  it.each<[string, Instrument[], { kg: number; covered: number; basis: string; region?: string }]>([
    ['no instrument → residual mix of the market (Green-e SRVC)', [], { kg: 10 * SRVC, covered: 0, basis: 'residual-mix' }],
    ['hourly PPA delivering 4 kWh → 6 kWh at the residual mix', [ppa(4)], { kg: 6 * SRVC, covered: 4, basis: 'residual-mix' }],
    ['PPA with a 50 g/kWh contracted rate covering all', [ppa(10, { gCo2ePerKwh: 50 })], { kg: 0.5, covered: 10, basis: 'none' }],
    ['REC, same market, same-year vintage → 0', [rec()], { kg: 0, covered: 10, basis: 'none' }],
    ['REC from Canada for us-east-1 (US + Canada is one market)', [rec({ generationCountry: 'CA' })], { kg: 0, covered: 10, basis: 'none' }],
    ['REC vintage 2025-09 (inside the 21-month window)', [rec({ vintageYear: 2025, vintageMonth: 9 })], { kg: 0, covered: 10, basis: 'none' }],
    ['REC vintage 2025-05 (outside the window) → residual', [rec({ vintageYear: 2025, vintageMonth: 5 })], { kg: 10 * SRVC, covered: 0, basis: 'residual-mix' }],
    ['REC with only vintage year 2025 → not shown inside the window → residual', [rec({ vintageYear: 2025 })], { kg: 10 * SRVC, covered: 0, basis: 'residual-mix' }],
    ['REC not retired → not claimable', [rec({ retired: false })], { kg: 10 * SRVC, covered: 0, basis: 'residual-mix' }],
    ['a GO claimed in North America → wrong instrument for the market', [rec({ type: 'go', generationCountry: 'NO' })], { kg: 10 * SRVC, covered: 0, basis: 'residual-mix' }],
    ['supplier-specific rate before the residual mix', [{ id: 's', type: 'supplier-rate', region: 'us-east-1', utility: 'U', year: 2026, gCo2ePerKwh: 200 }], { kg: 2, covered: 0, basis: 'supplier-rate' }],
    ['a supplier rate for another year does not apply', [{ id: 's', type: 'supplier-rate', region: 'us-east-1', utility: 'U', year: 2025, gCo2ePerKwh: 200 }], { kg: 10 * SRVC, covered: 0, basis: 'residual-mix' }],
    ['eu-west-1: GO from Norwegian hydro (EECS market) → 0', [rec({ id: 'go', type: 'go', region: 'eu-west-1', generationCountry: 'NO', technology: 'hydro' })], { kg: 0, covered: 10, basis: 'none', region: 'eu-west-1' }],
    ['eu-west-1 without instruments → AIB 2023 residual mix (IE)', [], { kg: 10 * IE, covered: 0, basis: 'residual-mix', region: 'eu-west-1' }],
    ['ap-southeast-2: no residual mix published → location-based grid average (400 g/kWh), flagged', [], { kg: 4, covered: 0, basis: 'location-based-fallback', region: 'ap-southeast-2' }],
  ])('%s', (_name, instruments, want) => {
    // Prepare
    const i = interval({ region: want.region ?? 'us-east-1' });
    // Act
    const r = computeMarketBased([i], instruments);
    // Assess
    const res = r.byInterval.get(intervalKey(i))!;
    expect(res.marketBasedKgCo2e.point).toBeCloseTo(want.kg, 9);
    expect(res.coveredKwh).toBeCloseTo(want.covered, 9);
    expect(res.restBasis).toBe(want.basis);
    // Bounds scale with the energy range (5–20 kWh for a 10 kWh point) at the same coverage.
    expect(res.marketBasedKgCo2e.low).toBeCloseTo(want.kg * 0.5, 9);
    expect(res.marketBasedKgCo2e.high).toBeCloseTo(want.kg * 2, 9);
  });

  it('says why an instrument is not claimable (market, type, retirement, vintage)', () => {
    const i = interval();
    const r = computeMarketBased([i], [
      rec({ id: 'go-us', type: 'go', generationCountry: 'NO' }),
      rec({ id: 'unretired', retired: false }),
      rec({ id: 'old', vintageYear: 2024 }),
      rec({ id: 'au-for-us', generationCountry: 'AU' }),
    ]);
    const f = Object.fromEntries(r.instruments.map((u) => [u.id, u.findings.join(' | ')]));
    expect(f['go-us']).toMatch(/same-market criterion: generated in NO .* claimed for us-east-1/);
    expect(f['go-us']).toMatch(/GO is not issued in the north-america market/);
    expect(f.unretired).toMatch(/not retired/);
    expect(f.old).toMatch(/vintage 2024 is outside the 21-month window for 2026 consumption/);
    expect(f['au-for-us']).toMatch(/same-market criterion/);
  });

  it('flags the location-based fallback and a residual mix older than the reporting year', () => {
    const r = computeMarketBased([interval({ region: 'ap-southeast-2' }), interval({ resourceId: 'j2' })], []);
    expect(r.flags.join('\n')).toMatch(/ap-southeast-2: no published residual mix .* hierarchy step 5/);
    expect(r.flags.join('\n')).toMatch(/us-east-1: residual mix of 2018 .* applied to 2026 consumption/);
  });

  it('claims each MWh once: a 15 kWh REC covers the first hour fully and the next hour by 5 kWh', () => {
    const a = interval({ intervalStartSec: NOV_1_2026 });
    const b = interval({ intervalStartSec: NOV_1_2026 + HOUR });
    const r = computeMarketBased([b, a], [rec({ mwh: 0.015 })]);
    expect(r.byInterval.get(intervalKey(a))!.coveredKwh).toBeCloseTo(10, 9);
    expect(r.byInterval.get(intervalKey(b))!.coveredKwh).toBeCloseTo(5, 9);
    expect(r.byInterval.get(intervalKey(b))!.marketBasedKgCo2e.point).toBeCloseTo(5 * SRVC, 9);
    expect(r.instruments[0]).toMatchObject({ allocatedKwh: 15, unusedKwh: 0, eligible: true });
  });

  it('counts a PPA’s volume only in the year it was delivered', () => {
    const jan2027 = Date.UTC(2027, 0, 1) / 1000;
    const r = computeMarketBased([interval({ intervalStartSec: jan2027 })], [ppa(10)]);
    expect(r.byInterval.get(intervalKey(interval({ intervalStartSec: jan2027 })))!.coveredKwh).toBe(0);
  });

  const hours = fc.array(fc.record({ h: fc.integer({ min: 0, max: 200 }), kwh: fc.double({ min: 0, max: 50, noNaN: true }), res: fc.constantFrom('a', 'b', 'c') }), { minLength: 1, maxLength: 25 });
  const toIntervals = (xs: { h: number; kwh: number; res: string }[]) => {
    const seen = new Set<string>();
    return xs
      .filter((x) => !seen.has(`${x.res}@${x.h}`) && seen.add(`${x.res}@${x.h}`))
      .map((x) => interval({ resourceId: x.res, intervalStartSec: NOV_1_2026 + x.h * HOUR, energyKwh: { point: x.kwh, low: x.kwh / 2, high: x.kwh * 2 } }));
  };

  it('never allocates more than an instrument holds nor more than an interval used, in any input order (property)', () => {
    fc.assert(
      fc.property(hours, fc.double({ min: 0.001, max: 2, noNaN: true }), fc.integer(), (xs, mwh, seed) => {
        const ivs = toIntervals(xs);
        const shuffled = [...ivs].sort((p, q) => ((p.intervalStartSec * 31 + seed) % 7) - ((q.intervalStartSec * 31 + seed) % 7));
        const a = computeMarketBased(ivs, [rec({ mwh })]);
        const b = computeMarketBased(shuffled, [rec({ mwh })]);
        let covered = 0;
        for (const i of ivs) {
          const ra = a.byInterval.get(intervalKey(i))!;
          expect(ra.coveredKwh).toBeLessThanOrEqual(i.energyKwh.point + 1e-9);
          expect(b.byInterval.get(intervalKey(i))!.coveredKwh).toBeCloseTo(ra.coveredKwh, 9); // deterministic order
          covered += ra.coveredKwh;
        }
        expect(covered).toBeLessThanOrEqual(mwh * 1000 + 1e-6);
      }),
    );
  });

  it('leaves earlier hours unchanged when later consumption is added (chronological allocation, property)', () => {
    fc.assert(
      fc.property(hours, hours, fc.double({ min: 0.001, max: 1, noNaN: true }), (early, late, mwh) => {
        const first = toIntervals(early.map((x) => ({ ...x, h: x.h % 100 })));
        const later = toIntervals(late.map((x) => ({ ...x, h: 100 + (x.h % 100) })));
        const alone = computeMarketBased(first, [rec({ mwh })]);
        const withLater = computeMarketBased([...later, ...first], [rec({ mwh })]);
        for (const i of first) expect(withLater.byInterval.get(intervalKey(i))!.marketBasedKgCo2e.point).toBeCloseTo(alone.byInterval.get(intervalKey(i))!.marketBasedKgCo2e.point, 9);
      }),
    );
  });
});

describe('certificateVintageFits (Green-e / RE100 21-month window)', () => {
  it.each([
    [{ vintageYear: 2026 }, 2026, true],
    [{ vintageYear: 2025 }, 2026, false],
    [{ vintageYear: 2025, vintageMonth: 6 }, 2026, false],
    [{ vintageYear: 2025, vintageMonth: 7 }, 2026, true],
    [{ vintageYear: 2027, vintageMonth: 3 }, 2026, true],
    [{ vintageYear: 2027, vintageMonth: 4 }, 2026, false],
  ])('%o for %i consumption → %s', (c, year, fits) => expect(certificateVintageFits(c, year)).toBe(fits));
});

describe('renewableShare (annual matching)', () => {
  it('is renewable instrument kWh ÷ consumption per year and market, capped at 1 by the allocation', () => {
    const us = [interval({ resourceId: 'a' }), interval({ resourceId: 'b' })];
    const eu = interval({ region: 'eu-west-1' });
    const r = computeMarketBased([...us, eu], [
      rec({ mwh: 0.005 }),
      { id: 'nuc', type: 'go', region: 'eu-west-1', generationCountry: 'FR', technology: 'nuclear', vintageYear: 2026, mwh: 1, gCo2ePerKwh: 0 },
    ]);
    const s = renewableShare(r);
    // The nuclear GO is claimed (its 10 kWh are covered at 0 g/kWh) but is not renewable.
    expect(r.byInterval.get(intervalKey(eu))!.coveredKwh).toBeCloseTo(10, 9);
    expect(s.rows).toEqual([
      { year: 2026, market: 'eu-eea-ch', consumptionKwh: 10, renewableKwh: 0, share: 0 }, // nuclear is carbon-free, not renewable
      { year: 2026, market: 'north-america', consumptionKwh: 20, renewableKwh: 5, share: 0.25 },
    ]);
    expect(s.overall).toBeCloseTo(5 / 30, 12);
  });
});
