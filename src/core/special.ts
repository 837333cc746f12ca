/**
 * Special functions used by the tolerances and the Monte Carlo checks, in one place: the normal and Student-t
 * quantiles, log-gamma and the regularized incomplete beta function.
 */

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

/**
 * Standard normal survival function Φ̄(x) = P(Z > x) = ½ erfc(x/√2), with erfc from the Chebyshev fit of Press et al.,
 * Numerical Recipes (2nd ed., 1992), §6.2 `erfcc` (fractional error < 1.2e-7 everywhere, so it is accurate far into
 * the tails): used by the sign-resolution rule's tail chances.
 */
export function normalSurvival(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 0.5 * erfc : 1 - 0.5 * erfc;
}

/** k with P(|Z| > k) = p for Z ~ N(0, 1): the two-sided normal quantile Φ⁻¹(1 − p/2). */
export function twoSidedNormalQuantile(p: number): number {
  return normalQuantile(1 - p / 2);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error ~1e-15). */
export function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized incomplete beta I_x(a, b) (continued fraction, modified Lentz; Numerical Recipes' betacf). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log(1 - x) - (logGamma(a) + logGamma(b) - logGamma(a + b)));
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return (front * h) / a;
}

/** Two-sided tail P(|T| > x) of Student's t with ν degrees of freedom: I_{ν/(ν + x²)}(ν/2, 1/2). */
export function studentTwoSidedTail(x: number, nu: number): number {
  if (!(nu > 0)) throw new RangeError(`studentTwoSidedTail: ν must be > 0, got ${nu}`);
  const ax = Math.abs(x);
  return incompleteBeta(nu / (nu + ax * ax), nu / 2, 0.5);
}

/** x > 0 with P(|T_ν| > x) = tail (bisection on the tail; relative resolution 1e-12). */
export function studentTwoSidedQuantile(tail: number, nu: number): number {
  if (!(tail > 0 && tail < 1)) throw new RangeError(`studentTwoSidedQuantile: tail must be in (0, 1), got ${tail}`);
  let lo = 0;
  let hi = 1;
  while (studentTwoSidedTail(hi, nu) > tail) hi *= 2;
  while (hi - lo > 1e-12 * hi) {
    const mid = 0.5 * (lo + hi);
    if (studentTwoSidedTail(mid, nu) > tail) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

