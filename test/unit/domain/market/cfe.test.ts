/** Hourly carbon-free energy (24/7 matching): clean supply up to each hour's load, no carry-over, grid share for the rest. */
import fc from 'fast-check';
import { gridCfeFromPoints, hourlyCfe, type GridCfeLookup } from '../../../../shared/domain/market/cfe';
import type { Instrument } from '../../../../shared/domain/market/instrument-types';
import { HOUR, NOV_1_2026, interval } from '../../../helpers/scope-fixtures';

const iso = (h: number) => new Date((NOV_1_2026 + h * HOUR) * 1000).toISOString().replace('.000Z', 'Z');
const ppa = (kwhByHour: number[], over: Record<string, unknown> = {}): Instrument => ({
  id: 'ppa', type: 'ppa', region: 'us-east-1', generationCountry: 'US', technology: 'solar', gCo2ePerKwh: 0,
  hourlyProfile: kwhByHour.map((kwh, h) => ({ hour: iso(h), mwh: kwh / 1000 })), ...over,
} as Instrument);
const loadAt = (h: number, kwh: number, resourceId = 'j1') =>
  interval({ resourceId, intervalStartSec: NOV_1_2026 + h * HOUR, energyKwh: { point: kwh, low: kwh, high: kwh } });
const grid = (byHour: (number | undefined)[]): GridCfeLookup => (_region, hourSec) => byHour[(hourSec - NOV_1_2026) / HOUR];

describe('hourlyCfe', () => {
  it('matches supply hour by hour and adds the grid’s clean share of the rest (hand example: 21.5 of 30 kWh)', () => {
    // Prepare: 10 kWh load in each of 3 hours; PPA 15, 0, 5 kWh; grid carbon-free 40 %, 40 %, 50 %.
    const loads = [0, 1, 2].map((h) => loadAt(h, 10));
    // Act
    const r = hourlyCfe(loads, [ppa([15, 0, 5])], grid([0.4, 0.4, 0.5]));
    // Assess: h0 10 (the 5 kWh surplus is not carried), h1 0 + 0.4 × 10, h2 5 + 0.5 × 5.
    expect(r.byRegion).toHaveLength(1);
    expect(r.byRegion[0]).toMatchObject({ region: 'us-east-1', loadKwh: 30, matchedKwh: 15, hours: 3, hoursWithoutGridShare: 0 });
    expect(r.byRegion[0].gridCfeKwh).toBeCloseTo(6.5, 12);
    expect(r.byRegion[0].cfePct).toBeCloseTo((100 * 21.5) / 30, 12);
    expect(r.overall.cfePct).toBeCloseTo((100 * 21.5) / 30, 12);
  });

  it('shares each hour’s matched supply among workloads pro rata to their load', () => {
    const r = hourlyCfe([loadAt(0, 6, 'a'), loadAt(0, 2, 'b')], [ppa([4])], grid([0.5]));
    const [a, b] = r.byWorkload;
    expect(a).toMatchObject({ key: 'training-job#us-east-1#a', matchedKwh: 3 });
    expect(b).toMatchObject({ key: 'training-job#us-east-1#b', matchedKwh: 1 });
    expect(a.cfePct).toBeCloseTo(b.cfePct!, 12); // same hour, same shares
    expect(a.cfePct).toBeCloseTo(100 * (3 + 0.5 * 3) / 6, 12);
  });

  it('says "insufficient data" instead of guessing when the grid share is unknown for an hour the PPA did not cover', () => {
    const r = hourlyCfe([loadAt(0, 10), loadAt(1, 10)], [ppa([10, 0])], grid([undefined, undefined]));
    expect(r.byRegion[0].cfePct).toBeNull();
    expect(r.byRegion[0].reason).toMatch(/insufficient data: grid carbon-free share unknown for 1 of 2 hours/);
    expect(r.overall).toMatchObject({ cfePct: null, reason: 'insufficient data in us-east-1' });
    // An hour fully met by the PPA needs no grid share.
    expect(hourlyCfe([loadAt(0, 10)], [ppa([12])], grid([undefined])).byRegion[0].cfePct).toBe(100);
  });

  it('counts only hourly PPAs of the same market; annual volumes and certificates are noted, not matched', () => {
    const r = hourlyCfe([loadAt(0, 10)], [
      ppa([10], { id: 'foreign', generationCountry: 'DE' }),
      { id: 'annual', type: 'ppa', region: 'us-east-1', generationCountry: 'US', technology: 'wind', annualMwh: 5, year: 2026, gCo2ePerKwh: 0 },
      { id: 'rec', type: 'rec', region: 'us-east-1', generationCountry: 'US', technology: 'wind', vintageYear: 2026, mwh: 1, gCo2ePerKwh: 0 },
    ], grid([0.3]));
    expect(r.byRegion[0].matchedKwh).toBe(0);
    expect(r.byRegion[0].cfePct).toBeCloseTo(30, 12);
    expect(r.notes.join('\n')).toMatch(/foreign: generated in DE/);
    expect(r.notes.join('\n')).toMatch(/annual: annual-volume PPA has no hourly profile/);
    expect(r.notes.join('\n')).toMatch(/rec: unbundled REC has no hourly shape/);
  });

  const scenario = fc.array(
    // Whole watt-hours: energy is never subnormal (a 1e-320 kWh profile entry underflows as MWh).
    fc.record({ load: fc.integer({ min: 0, max: 20_000 }).map((wh) => wh / 1000), supply: fc.integer({ min: 0, max: 30_000 }).map((wh) => wh / 1000), g: fc.double({ min: 0, max: 1, noNaN: true }) }),
    { minLength: 1, maxLength: 48 },
  );
  const run = (xs: { load: number; supply: number; g: number }[], k = 1) =>
    hourlyCfe(xs.map((x, h) => loadAt(h, x.load)), [ppa(xs.map((x) => x.supply * k))], grid(xs.map((x) => x.g))).overall.cfePct;

  it('is at most 100 % and at least the grid-only score (property)', () => {
    fc.assert(
      fc.property(scenario, (xs) => {
        if (!xs.some((x) => x.load > 0)) return;
        const withPpa = run(xs)!;
        const gridOnly = run(xs, 0)!;
        expect(withPpa).toBeLessThanOrEqual(100 + 1e-9);
        expect(withPpa).toBeGreaterThanOrEqual(gridOnly - 1e-9);
      }),
    );
  });

  it('never decreases when supply grows (monotone, property)', () => {
    fc.assert(
      fc.property(scenario, fc.double({ min: 1, max: 5, noNaN: true }), (xs, k) => {
        if (!xs.some((x) => x.load > 0)) return;
        expect(run(xs, k)!).toBeGreaterThanOrEqual(run(xs)! - 1e-9);
      }),
    );
  });

  it('does not carry supply over: more surplus in an already covered hour changes nothing (property)', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), fc.integer({ min: 0, max: 1_000_000 }).map((wh) => wh / 1000), (xs, pick, extra) => {
        if (!xs.some((x) => x.load > 0)) return;
        const j = pick % xs.length;
        const covered = xs.map((x, h) => (h === j ? { ...x, supply: x.load } : x));
        const moreSurplus = xs.map((x, h) => (h === j ? { ...x, supply: x.load + extra } : x));
        expect(run(moreSurplus)!).toBeCloseTo(run(covered)!, 9);
      }),
    );
  });
});

describe('gridCfeFromPoints', () => {
  it('reads the carbon-free share of stored hourly points and leaves hours without cfePct unknown', () => {
    const pt = (h: number, cfePct?: number) => ({ tSec: NOV_1_2026 + h * HOUR, periodSec: HOUR, gPerKwh: 300, zone: 'US-MIDA-PJM', signal: 'average-lifecycle' as const, provider: 'p', quality: 'actual' as const, ...(cfePct === undefined ? {} : { cfePct }) });
    const lookup = gridCfeFromPoints(new Map([['US-MIDA-PJM', [pt(0, 39), pt(1)]]]), (r) => (r === 'us-east-1' ? 'US-MIDA-PJM' : undefined));
    expect(lookup('us-east-1', NOV_1_2026)).toBeCloseTo(0.39, 12);
    expect(lookup('us-east-1', NOV_1_2026 + HOUR)).toBeUndefined();
    expect(lookup('eu-west-1', NOV_1_2026)).toBeUndefined();
  });
});
