/**
 * Tolerances for theory-vs-simulation deviations, derived from how the simulation was run (stated in every
 * comparison's output as `rule`):
 *
 *  - population-exact (population gradient, initialization on the block manifold): the reduced map IS the
 *    full-dimensional algorithm (model.md §4), so the only difference is floating-point rounding. Per series,
 *    tol = POPULATION_REL_TOL · max_window |theory|  (the project's exactness standard, ~1e-12 relative).
 *  - finite-sample (full batch of n samples, or online mini-batches) with S ≥ 2 seeds: the statement tested is
 *    "the population theory predicts a finite-sample run to within that run's own sampling fluctuation". The
 *    fluctuation of one run at point k is measured as the seed-to-seed spread σ̂_k = √S · se_k (it shrinks like
 *    n^{-1/2}, so the tolerance scales with n through the measurement):
 *      tol_k = c · σ̂_k + POPULATION_REL_TOL · max_window |theory|,   c = max(z_N, t_N / √S),
 *    with z_N the two-sided normal quantile at family-wise level FAMILY_ALPHA over the N compared points
 *    (Bonferroni): z_N = Φ⁻¹(1 − FAMILY_ALPHA / (2N)); the second term is the rounding floor (points where every
 *    seed gives the same value). A systematic finite-n bias larger than z_N one-run fluctuations fails.
 *    σ̂_k is itself estimated from S − 1 degrees of freedom: for an unbiased ensemble (mean − theory)/σ̂ is
 *    t_{S−1}/√S distributed, so z_N alone would raise far more false alarms than FAMILY_ALPHA for few seeds (per
 *    point P(|t₃| > 2z_N) ≈ 4e-3 at S = 4, N = 300: family-wise ≈ 0.7). t_N = the Student-t quantile with S − 1
 *    degrees of freedom at the same two-sided tail FAMILY_ALPHA/N keeps the stated false-alarm level for any S.
 *  - finite-sample with a single seed: no standard error is available; the deviation is reported, the verdict is
 *    "n/a" (run with ≥ 2 seeds to test it).
 *  - off-manifold initialization (orthogonal / Gaussian W₀) against the reduced theory: not an exact statement;
 *    reported with verdict "n/a".
 *  - a flow (gradient flow, smoothed sign flow) against a map: the deviation is the map's O(η) discretization
 *    error (and for the sign flow its smoothing), a measurement rather than a test: reported with verdict "n/a".
 */
import { normalQuantile } from '../core/stats.js';
import type { ExperimentConfig } from '../config/config.js';

/** Relative tolerance of population-exact comparisons (rounding only). */
export const POPULATION_REL_TOL = 1e-12;
/** Family-wise false-alarm probability of a finite-sample comparison over all its compared points. */
export const FAMILY_ALPHA = 0.01;

export type ToleranceRule =
  | { kind: 'population-exact'; relTol: number; rule: string }
  /** z: the multiplier c of σ̂_k (see the module comment). */
  | { kind: 'finite-sample'; z: number; seeds: number; points: number; rule: string }
  | { kind: 'not-testable'; rule: string };

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error ~1e-15). */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized incomplete beta I_x(a, b) (continued fraction, modified Lentz; Numerical Recipes' betacf). */
function incompleteBeta(x: number, a: number, b: number): number {
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

/** Is the simulation an exact realization of the reduced theory (population gradient, W₀ on the manifold)? */
export function isPopulationExact(config: ExperimentConfig): boolean {
  return config.data.mode === 'population' && config.model.init.kind === 'scaled-identity';
}

/**
 * The tolerance rule for a simulation run with `config` over `seeds` seeds, compared at `points` points against
 * a map (`theoryIsFlow` false) or a flow.
 */
export function toleranceRule(config: ExperimentConfig, seeds: number, points: number, theoryIsFlow = false): ToleranceRule {
  if (theoryIsFlow) {
    return { kind: 'not-testable', rule: 'flow vs map: the deviation is the O(η) time-discretization error of the map (and the smoothing of the sign flow); reported, no verdict' };
  }
  if (config.model.init.kind !== 'scaled-identity') {
    return { kind: 'not-testable', rule: `off-manifold initialization (${config.model.init.kind}): the reduced theory is not exact; deviation reported, no verdict` };
  }
  if (config.data.mode === 'population') {
    return {
      kind: 'population-exact',
      relTol: POPULATION_REL_TOL,
      rule: `population-exact: the reduced map is the full-dimensional algorithm; tol = ${POPULATION_REL_TOL} × max|theory| over the window (rounding only)`,
    };
  }
  const sample = config.data.mode === 'full-batch' ? `n = ${config.data.n}` : `online batch ${config.data.batch}`;
  if (seeds < 2) return { kind: 'not-testable', rule: `finite-sample (${sample}) with 1 seed: no standard error; run ≥ 2 seeds for a verdict` };
  const N = Math.max(points, 1);
  const zN = normalQuantile(1 - FAMILY_ALPHA / (2 * N));
  const tN = studentTwoSidedQuantile(FAMILY_ALPHA / N, seeds - 1);
  const z = Math.max(zN, tN / Math.sqrt(seeds));
  return {
    kind: 'finite-sample',
    z,
    seeds,
    points,
    rule: `finite-sample (${sample}), ${seeds} seeds: tol_k = c·σ̂_k + ${POPULATION_REL_TOL}·max|theory|, σ̂_k = √${seeds}·se_k the seed-to-seed spread of one run (∝ n^-1/2), c = max(z_N, t_N/√${seeds}) = ${z.toFixed(3)} with z_N = Φ⁻¹(1 − ${FAMILY_ALPHA}/(2·${points})) = ${zN.toFixed(3)} (Bonferroni over ${points} points) and t_N = ${tN.toFixed(3)} the Student-t (${seeds - 1} d.o.f.) quantile at the same tail (σ̂ estimated from ${seeds} seeds)`,
  };
}
