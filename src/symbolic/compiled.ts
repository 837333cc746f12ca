/**
 * `CompiledSystem`: the numeric face of a `Derivation`, with every symbol but the block coefficients substituted
 * (variances, ranks, d, loss scale). Produced by `compileSystem` in `symbolic/` (generated straight-line code from
 * the exact polynomials, no allocation per call) and consumed by `dynamics/` and by tests in `sim/`.
 *
 * Coordinates: a_k, k = 0..n−1, in `spec.blocks` order (a, b, c for the spiked model).
 *  - matrix student: W = Σ_k a_k P_k;   vector student: w = Σ_k a_k P_k 𝟙 (𝟙 = all-ones in the eigenbasis).
 *  - g_k = block coefficient of the gradient (∇L = Σ_k g_k P_k, resp. Σ_k g_k P_k 𝟙) = (1/r_k) ∂L/∂a_k.
 */
import type { MatrixBlockLayout } from '../core/matrix-block.js';

export interface CompiledSystem {
  /**
   * Present for the matrix-block coordinates (issue 13, model/coordinates.ts): the state is then the K×K block M
   * (row-major) followed by the scalars, and g its coordinate gradient (∇L = (G_S, g)).
   */
  readonly matrixBlock?: MatrixBlockLayout;
  /** Number of blocks n. */
  readonly n: number;
  /** Coefficient symbols (a, b, c or a_1..a_d). */
  readonly symbols: readonly string[];
  /** Numeric ranks r_k. */
  readonly ranks: Float64Array;
  readonly student: 'matrix' | 'vector';
  /** Reduced population loss L(a). */
  loss(a: Float64Array): number;
  /** Block gradients g_k(a) written into `out` (length n). */
  grad(a: Float64Array, out: Float64Array): void;
  /** Jacobian of the block gradients, out[i·n + j] = ∂g_i/∂a_j (row-major n×n). GD-map Jacobian = I − η̃ this. */
  gradJacobian(a: Float64Array, out: Float64Array): void;
}
