/**
 * Statistics of block coefficients shared by the reduced theory (dynamics/) and the full-dimensional simulation
 * (sim/), so that both sides compute the same definitions (model.md §5).
 */

/**
 * Misalignment ratio of block coefficients a = (a_k) with signal block s: spiked model (spike block v ≥ 0) the
 * signed ratio b/a = a_v / a_s; other models max_{k≠s} |a_k| / |a_s| over the first n entries. Defined as 0 when
 * a_s = 0.
 */
export function blockMisalignmentRatio(a: ArrayLike<number>, signal: number, spike: number, n = a.length): number {
  const as = a[signal];
  if (as === 0) return 0;
  if (spike >= 0) return a[spike] / as;
  let m = 0;
  for (let k = 0; k < n; k++) if (k !== signal) m = Math.max(m, Math.abs(a[k]));
  return m / Math.abs(as);
}

/**
 * The tie rule of the top eigenvalue: x belongs to the top eigenspace of a spectrum with largest value `top` when
 * x ≥ top − relTol·|top| (relTol = DEFAULTS.signTieRelTol on both sides).
 */
export function tiedWithTop(x: number, top: number, relTol: number): boolean {
  return x >= top - relTol * Math.abs(top);
}
