/**
 * Exact summation of doubles (pure). A sum is kept as non-overlapping partials (Shewchuk, "Adaptive Precision
 * Floating-Point Arithmetic and Fast Robust Geometric Predicates", 1997; the algorithm behind Python's `math.fsum`)
 * and read as the correctly rounded value of the exact total. The result therefore does not depend on the order or
 * the grouping of the additions: a figure summed from hourly intervals, from daily roll-ups or from multi-day
 * roll-up blocks is the same double, bit for bit. Non-finite inputs (NaN, ±Infinity) are summed on the side, as
 * plain addition would give them.
 */

/** An exact running sum: finite partials (increasing magnitude, non-overlapping) plus the sum of non-finite inputs. */
export interface ExactSum {
  partials: number[];
  special: number;
}

/** A new, empty exact sum. */
export const exactZero = (): ExactSum => ({ partials: [], special: 0 });

/** Add one double to an exact sum, in place (Shewchuk's grow-expansion with zero elimination). */
export function exactAdd(s: ExactSum, x: number): void {
  if (!Number.isFinite(x)) {
    s.special += x;
    return;
  }
  const p = s.partials;
  let i = 0;
  for (let j = 0; j < p.length; j++) {
    let y = p[j];
    if (Math.abs(x) < Math.abs(y)) {
      const t = x;
      x = y;
      y = t;
    }
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) p[i++] = lo;
    x = hi;
  }
  if (!Number.isFinite(x)) {
    // The exact total overflowed the double range: report it as the overflowed value (as plain addition would).
    p.length = 0;
    s.special += x;
    return;
  }
  p.length = i;
  if (x !== 0 || i === 0) p.push(x);
}

/** Add every partial of `b` (an exact sum or its partials) into `a`, in place; exact. */
export function exactMerge(a: ExactSum, b: ExactSum | readonly number[]): void {
  if (Array.isArray(b)) {
    for (const x of b as readonly number[]) exactAdd(a, x);
    return;
  }
  const e = b as ExactSum;
  for (const x of e.partials) exactAdd(a, x);
  if (e.special !== 0 || Number.isNaN(e.special)) a.special += e.special;
}

/** The correctly rounded value of an exact sum (round half to even, as `math.fsum`); a zero total is always +0. */
export function exactValue(s: ExactSum): number {
  if (s.special !== 0 || Number.isNaN(s.special)) return s.special;
  const p = s.partials;
  let n = p.length;
  if (n === 0) return 0;
  let hi = p[--n];
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = p[--n];
    hi = x + y;
    const yr = hi - x;
    lo = y - yr;
    if (lo !== 0) break;
  }
  // Half-way case: the rest of the partials decide which way to round.
  if (n > 0 && ((lo < 0 && p[n - 1] < 0) || (lo > 0 && p[n - 1] > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  // An exact total of zero is +0, whatever the signs of the zeros summed (a negative zero is not a figure).
  return hi === 0 ? 0 : hi;
}

/** The correctly rounded sum of `xs` (any order gives the same double). */
export function exactSumOf(xs: Iterable<number>): number {
  const s = exactZero();
  for (const x of xs) exactAdd(s, x);
  return exactValue(s);
}

/** A copy of an exact sum. */
export const exactClone = (s: ExactSum): ExactSum => ({ partials: [...s.partials], special: s.special });
