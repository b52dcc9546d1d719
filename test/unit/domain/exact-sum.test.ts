import fc from 'fast-check';
import { exactAdd, exactMerge, exactSumOf, exactValue, exactZero } from '../../../shared/domain/exact-sum';

/** Exact reference: every finite double is an integer multiple of 2^-1074; sum those integers with BigInt, then round once. */
const toBig = (x: number): bigint => {
  if (x === 0) return 0n;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = exp === 0 ? frac : frac | (1n << 52n);
  const e = exp === 0 ? -1074 : exp - 1075;
  return sign * (mant << BigInt(e + 1074));
};
/** Round an exact multiple of 2^-1074 to the nearest double (ties to even) by bisecting on doubles. */
const fromBig = (n: bigint): number => {
  const big = n < 0n ? -n : n;
  // A first approximation (within a few ulps), then walk to the neighbours that bracket n; the nearer wins, even on ties.
  const shift = Math.max(0, big.toString(2).length - 1000);
  let x = Number(n >> BigInt(shift)) * 2 ** (shift - 1074);
  const next = (y: number, up: boolean) => {
    const b = new DataView(new ArrayBuffer(8));
    b.setFloat64(0, y);
    let bits = b.getBigUint64(0);
    if (y === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
    bits += (y > 0) === up ? 1n : -1n;
    b.setBigUint64(0, bits);
    return b.getFloat64(0);
  };
  while (toBig(x) > n) x = next(x, false);
  while (toBig(next(x, true)) <= n) x = next(x, true);
  const lo = x;
  const hi = toBig(lo) === n ? lo : next(lo, true);
  if (lo === hi) return lo;
  const dl = n - toBig(lo);
  const dh = toBig(hi) - n;
  if (dl < dh) return lo;
  if (dh < dl) return hi;
  const even = (y: number) => {
    const b = new DataView(new ArrayBuffer(8));
    b.setFloat64(0, y);
    return (b.getBigUint64(0) & 1n) === 0n;
  };
  return even(lo) ? lo : hi;
};
const exactReference = (xs: number[]) => fromBig(xs.reduce((a, x) => a + toBig(x), 0n));

describe('exact summation (Shewchuk partials, correctly rounded)', () => {
  it.each<[string, number[], number]>([
    // Python math.fsum documentation: sum([.1]*10) = 0.9999999999999999, fsum = 1.0
    ['ten times 0.1', new Array(10).fill(0.1), 1],
    ['cancellation keeps the small term', [1e100, 1, -1e100], 1],
    ['0.1 + 0.2 + 0.3', [0.1, 0.2, 0.3], 0.6],
    ['empty', [], 0],
    ['negative zeros sum to +0', [-0, -0], 0],
    ['zeros of both signs', [-0, 0, -0], 0],
  ])('%s', (_n, xs, expected) => {
    expect(exactSumOf(xs)).toBe(expected);
  });

  it('equals the exactly computed, once-rounded sum (property, against BigInt arithmetic)', () => {
    fc.assert(fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), { maxLength: 30 }), (xs) => {
      expect(exactSumOf(xs)).toBe(exactReference(xs));
    }), { numRuns: 300 });
  });

  it('does not depend on order or grouping: partial sums merged give the same double (property)', () => {
    fc.assert(fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 1e6 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 7 }), (xs, k) => {
      const parts = Array.from({ length: k }, exactZero);
      xs.forEach((x, i) => exactAdd(parts[(i * 7919) % k], x));
      const merged = exactZero();
      for (const p of parts.reverse()) exactMerge(merged, p);
      expect(exactValue(merged)).toBe(exactSumOf([...xs].reverse()));
    }));
  });

  it('sums non-finite inputs as plain addition would', () => {
    expect(exactSumOf([1, Infinity, 2])).toBe(Infinity);
    expect(exactSumOf([Infinity, -Infinity])).toBeNaN();
    expect(exactSumOf([1, NaN])).toBeNaN();
  });
});
