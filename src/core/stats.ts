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

/**
 * Inverse standard normal CDF Φ⁻¹(p) (Acklam's rational approximation, |rel. error| < 1.2e-9): used for the
 * Bonferroni quantile z_N.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const dd = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1);
  }
  return x;
}

/** k with P(|Z| > k) = p for Z ~ N(0, 1): the two-sided normal quantile Φ⁻¹(1 − p/2). */
export function twoSidedNormalQuantile(p: number): number {
  return normalQuantile(1 - p / 2);
}
