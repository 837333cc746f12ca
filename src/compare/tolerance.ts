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
import { normalQuantile, studentTwoSidedQuantile } from '../core/special.js';
export { studentTwoSidedQuantile, studentTwoSidedTail } from '../core/special.js';
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
