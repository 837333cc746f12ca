/**
 * Why coordinate-wise optimizers (Adam, signGD) reduce to block maps only in the canonical basis.
 *
 * In the canonical basis Σ's eigenprojectors P_k are diagonal in the coordinate basis (0/1 on the coordinates of
 * block k). On the manifold W = Σ_k a_k P_k (matrix student; w = Σ_k a_k P_k 𝟙 for the vector student) the
 * gradient is ∇L = Σ_k g_k P_k (model.md §4): a diagonal matrix whose diagonal entries on block k all equal g_k, and
 * whose off-diagonal entries are exactly 0 (products and sums of exact zeros; the population kernel uses Σ's
 * diagonal). An entrywise map φ (sign, Adam's moment update with its per-entry state) then gives φ(g_k) on every
 * entry of block k, and φ(0) = 0 off the diagonal — sign(0) = 0; Adam's moments of an entry whose gradient is
 * always 0 stay 0 and its update is 0/(0 + ε) = 0 (ε > 0). So the update is Σ_k φ(g_k) P_k: the iterate stays on
 * the manifold, with the per-entry state equal across a block (block coefficients).
 *
 * In a rotated basis (`basis: "random"`), P_k = Q D_k Qᵀ is not diagonal, ∇L has non-zero off-diagonal entries
 * and entrywise maps do not commute with the rotation: the iterate leaves the block algebra. SpecGD / Muon are
 * rotation-equivariant (polar(QGQᵀ) = Q polar(G) Qᵀ) and reduce in every basis.
 */
import type { ReducibilityQuery } from './types.js';

/** `reducible` of a coordinate-wise optimizer (module comment). */
export function coordinatewiseReducible(query: ReducibilityQuery): string | null {
  if ((query.signalDirections ?? 1) > 1) return 'a coordinate-wise update has no reduced map on the matrix-block coordinates of a signal over several eigen-directions (issue 13: only the block-coefficient maps are implemented for it)';
  if (query.basis === 'canonical') return null;
  return 'a coordinate-wise update reduces to the block manifold only when Σ\'s eigenbasis is the coordinate basis (basis "canonical"); in basis "random" the gradient is not diagonal and entrywise operations leave the block algebra';
}
