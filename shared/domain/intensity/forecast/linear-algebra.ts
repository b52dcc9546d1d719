/** Tiny dense linear algebra for the forecaster: symmetric positive-definite solve by Cholesky (no dependencies). */

/**
 * Solve A·x = b for a symmetric positive-definite `A` (row-major, size k×k) in place of a copy.
 * Returns undefined when A is not positive definite (degenerate data); callers fall back to a simpler model.
 */
export function solveSpd(a: Float64Array, b: Float64Array, k: number): Float64Array | undefined {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j];
      for (let p = 0; p < j; p++) s -= l[i * k + p] * l[j * k + p];
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i * k + i] = Math.sqrt(s);
      } else l[i * k + j] = s / l[j * k + j];
    }
  }
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i];
    for (let p = 0; p < i; p++) s -= l[i * k + p] * y[p];
    y[i] = s / l[i * k + i];
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i];
    for (let p = i + 1; p < k; p++) s -= l[p * k + i] * x[p];
    x[i] = s / l[i * k + i];
  }
  return x;
}

/** Empirical quantile (0–1) of the first `n` entries of `v` after sorting them in place (nearest rank, conservative). */
export function quantileInPlace(v: Float64Array, n: number, q: number): number {
  if (n <= 0) return NaN;
  const s = v.subarray(0, n).sort();
  // Finite-sample (split-conformal) rank: ceil((n+1)q) for upper, floor((n+1)q) for lower quantiles.
  const r = q >= 0.5 ? Math.ceil((n + 1) * q) : Math.floor((n + 1) * q);
  return s[Math.min(n - 1, Math.max(0, r - 1))];
}
