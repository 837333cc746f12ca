/**
 * Numerical tolerances shared by the reduced maps and the full-dimensional runs (re-exported in `DEFAULTS`).
 *  - SIGN_TIE_REL_TOL: a block gradient with |g_k| ≤ tol · max_j |g_j| counts as 0 (sgn(0) = 0), and singular values
 *    below tol · s_max are dropped from the thin SVD (model.md §3–4);
 *  - DIVERGENCE_BOUND: a run has diverged when some |a_k| (reduced) or |W_ij| (full) exceeds it or is not finite.
 */
export const SIGN_TIE_REL_TOL = 1e-12;
export const DIVERGENCE_BOUND = 1e6;

/**
 * Family-wise false-alarm probability of a finite-sample comparison over all its compared points (compare/tolerance.ts;
 * the corrected theory's resampled critical values, dynamics/response/family-critical.ts, are at the same level).
 */
export const FAMILY_ALPHA = 0.01;
