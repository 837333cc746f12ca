/** Small statistics used by Monte Carlo checks and ensembles. */

/** Sample mean `x̄ = (1/N) Σ x_i`. */
export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Unbiased sample standard deviation `σ̂ = √(Σ (x_i − x̄)² / (N − 1))`. */
export function std(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < n; i++) s += (xs[i] - m) ** 2;
  if (Number.isFinite(s) && s > 0) return Math.sqrt(s / (n - 1));
  // The squares overflowed (|x_i − x̄| ≳ 1e154) or underflowed: the same formula rescaled by M = max |x_i − x̄|,
  // σ̂ = M·√(Σ ((x_i − x̄)/M)² / (N − 1)).
  let M = 0;
  for (let i = 0; i < n; i++) M = Math.max(M, Math.abs(xs[i] - m));
  if (M === 0 || !Number.isFinite(M)) return M;
  let r = 0;
  for (let i = 0; i < n; i++) r += ((xs[i] - m) / M) ** 2;
  return M * Math.sqrt(r / (n - 1));
}

/** Standard error of the mean `σ̂/√N`. */
export function standardError(xs: ArrayLike<number>): number {
  return xs.length < 2 ? 0 : std(xs) / Math.sqrt(xs.length);
}

/** Least-squares slope of y on x (used for log–log rate fits). */
export function slope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}

export { normalQuantile, twoSidedNormalQuantile } from './special.js';
