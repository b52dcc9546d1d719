import fc from 'fast-check';
import { childrenOf, decomposeDays, expectedBlockHash, MAX_LEVEL } from '../../../../shared/domain/footprint/rollup-tree';
import { decodePiece, EMPTY_PIECE_HASH, encodePiece, factsOfIntervals, valueOf, countOf } from '../../../../shared/domain/footprint/rollup-facts';
import type { FootprintInterval } from '../../../../shared/domain/types';

const T0 = Date.UTC(2026, 10, 18) / 1000;
const iv = (o: Partial<FootprintInterval> = {}): FootprintInterval => ({
  resourceKey: 'training-job#eu-west-1#a', kind: 'training-job', resourceId: 'a', region: 'eu-west-1', instanceType: 'ml.p4d.24xlarge',
  attribution: { team: 'nlp', project: 'p', model: 'm' }, intervalStartSec: T0, intervalSec: 3600,
  itEnergyKwh: { point: 1, low: 0.9, high: 1.1 }, pue: 1.1, pueSource: 't', energyKwh: { point: 1.1, low: 1, high: 1.2 }, co2eKg: { point: 0.3, low: 0.2, high: 0.4 },
  intensityGPerKwh: 300, intensitySignal: 'average-lifecycle', intensityZone: 'IE', intensityProvider: 'p', intensityQuality: 'actual',
  method: 'estimated', measuredShare: 0.5, coveragePct: 90, meanGpuUtilPct: 40, modelVersion: 'v', provisional: false, revision: 1, issues: [], demo: false,
  ...o,
});

describe('roll-up tree', () => {
  it('decomposes a day range into aligned blocks that cover it exactly, at most 2 per level (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 1, max: 93 }), (from, len) => {
      const blocks = decomposeDays(from, from + len);
      let next = from;
      for (const b of blocks) {
        expect(b.firstIdx).toBe(next);
        expect(b.firstIdx % 2 ** b.level).toBe(0); // aligned
        expect(b.level).toBeLessThanOrEqual(MAX_LEVEL);
        next += 2 ** b.level;
      }
      expect(next).toBe(from + len);
      for (let level = 0; level < MAX_LEVEL; level++) expect(blocks.filter((b) => b.level === level).length).toBeLessThanOrEqual(2);
    }));
  });

  it.each<[number, number, number]>([
    [0, 64, 1], // one aligned 64-day block
    [20_400, 20_430, 4], // 30 days from a 16-aligned day: 16 + 8 + 4 + 2
    [20_401, 20_431, 8], // 30 days from an odd day: 1 + 2 + 4 + 8 | 8 + 4 + 2 + 1
    [5, 6, 1],
  ])('days [%i, %i) take %i pieces', (a, b, n) => {
    expect(decomposeDays(a, b)).toHaveLength(n);
  });

  it('a block hash follows its days: any changed, unknown or empty day shows', () => {
    const blk = { level: 2, firstIdx: 8 };
    const base = (idx: number) => `h${idx}`;
    const h = expectedBlockHash(blk, base);
    expect(h).toMatch(/^[0-9a-f]{32}$/);
    expect(expectedBlockHash(blk, (i) => (i === 10 ? 'changed' : base(i)))).not.toBe(h);
    expect(expectedBlockHash(blk, (i) => (i === 9 ? undefined : base(i)))).toBeUndefined();
    expect(expectedBlockHash(blk, () => EMPTY_PIECE_HASH)).toBe(EMPTY_PIECE_HASH);
    expect(childrenOf(blk)).toEqual([{ level: 1, firstIdx: 8 }, { level: 1, firstIdx: 10 }]);
  });
});

describe('roll-up piece codec', () => {
  it('round-trips cells and entries through chunks of any size, with the same hash (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ team: fc.constantFrom('a', 'b'), id: fc.constantFrom('x', 'y', 'z'), h: fc.integer({ min: 0, max: 23 }), e: fc.double({ min: 0, max: 50, noNaN: true }), inv: fc.option(fc.nat(1000), { nil: undefined }) }), { maxLength: 40 }),
      fc.integer({ min: 200, max: 5000 }),
      (xs, maxBytes) => {
        const ivs = xs.map((x) => iv({ resourceKey: `endpoint#eu-west-1#${x.id}`, kind: 'endpoint', resourceId: x.id, attribution: { team: x.team, project: 'p', model: 'm' }, intervalStartSec: T0 + x.h * 3600, energyKwh: { point: x.e, low: x.e / 2, high: x.e * 2 }, invocations: x.inv }));
        const f = factsOfIntervals(ivs);
        const cells = f.days.get(T0) ?? new Map();
        for (const [schema, accs] of [['cell', cells], ['entry', f.entries]] as const) {
          const enc = encodePiece(schema, accs, maxBytes);
          expect(encodePiece(schema, accs, 1_000_000).hash).toBe(enc.hash); // the hash is of the content, not of the chunking
          if (!accs.size) expect(enc).toMatchObject({ hash: EMPTY_PIECE_HASH, chunks: [] });
          const dec = schema === 'cell' ? decodePiece('cell', enc.chunks) : decodePiece('entry', enc.chunks);
          expect([...dec.keys()].sort()).toEqual([...accs.keys()].sort());
          for (const [k, a] of accs) {
            const b = dec.get(k)!;
            expect(valueOf(b, 'energyHigh')).toBe(valueOf(a, 'energyHigh'));
            expect(valueOf(b, 'invocations')).toBe(valueOf(a, 'invocations'));
            expect(countOf(b, 'withInvocations')).toBe(countOf(a, 'withInvocations'));
            expect(b.firstStartSec).toBe(a.firstStartSec);
          }
          expect(encodePiece(schema, dec, maxBytes).hash).toBe(enc.hash); // decode → encode is the identity
        }
      },
    ), { numRuns: 60 });
  });
});
