/**
 * The `Statistic` interface: one file of `src/statistics/` per summary statistic of a student W (model.md §5),
 * exporting `statistic: Statistic`. Each has one id, the names of the series it produces for a model (one per block
 * for per-block statistics), its axis metadata, a full-dimensional evaluation (sim/ supplies the primitives of W
 * through `FullView`) and a reduced evaluation on the block coefficients where it is defined. Theory and
 * simulation name their series from the registry, and `compare` pairs series by these names.
 *
 * Like the algorithm registry, this module imports only `core/`.
 */

import type { MatrixBlockLayout } from '../core/matrix-block.js';

/** What a statistic needs to know of the model (both sides). */
export interface StatModel {
  /** Block coefficient symbols (a, b, c or a_1..a_d). */
  readonly symbols: readonly string[];
  readonly ranks: Float64Array;
  /** Index of the signal block s, and of the spike block (−1 when there is none). */
  readonly signal: number;
  readonly spike: number;
  readonly student: 'matrix' | 'vector';
  /** Tie rule of the top eigenvalue (DEFAULTS.signTieRelTol). */
  readonly tieRelTol: number;
  /** Data mode of the run ("population" for the reduced theory). */
  readonly dataMode: 'population' | 'full-batch' | 'online';
  /**
   * Present when θ touches several eigen-directions (issue 13): the coordinates are then the K×K block M on
   * S = span{θ_k} (row-major) followed by one scalar per remaining block, `symbols`/`ranks` are theirs, and the
   * statistics use core/matrix-block.ts.
   */
  readonly matrixBlock?: MatrixBlockLayout;
}

/** The reduced side: the model plus the reduced population loss L(a). */
export interface ReducedStatContext extends StatModel {
  loss(a: Float64Array): number;
}

/**
 * Primitives of a full-dimensional W at one recorded step, computed once and shared by the statistics (sim/stats.ts
 * implements it; expensive pieces are computed on first use).
 */
export interface FullView {
  readonly m: number;
  readonly d: number;
  /** W (m×d, row-major) and θ in the coordinate basis. */
  readonly W: Float64Array;
  readonly theta: Float64Array;
  /** Signed block coefficients a_k = tr(P_k W)/r_k (matrix) or (1/r_k) Σ_{j∈k} q_jᵀw (vector). */
  readonly signed: Float64Array;
  /** Block magnitudes ‖W P_k‖_F/√r_k. */
  readonly magnitude: Float64Array;
  /** WᵀW (d×d). */
  gram(): Float64Array;
  /**
   * ‖Π_top θ‖²: θ's squared projection on the top eigenspace of WᵀW (eigenvalues tied with the top by the tie rule);
   * NaN when the eigen-solver failed (non-finite W).
   */
  topProjection2(): number;
  /** The exact population loss L(W) (model.md §2). */
  populationLoss(): number;
  /** The training loss L_n on the current sample (finite-sample modes), else NaN. */
  readonly trainLoss: number;
}

export interface Statistic {
  /** Registry id ("coefficient", "magnitude", "ratio", "alignment", "overlap", "loss", "train-loss"). */
  readonly id: string;
  /** Position in outputs: ascending. */
  readonly order: number;
  /** Human name and axis metadata for figures. */
  readonly title: string;
  readonly axis: { readonly label: string; readonly scale: 'linear' | 'log' };
  /** Compared between theory and simulation by default (`compare`). */
  readonly compared: boolean;
  /** Series names it produces for this model ([] where it is not defined). */
  names(model: StatModel): string[];
  /** Full-dimensional evaluation: writes names(model).length values into out[offset..]. */
  full?(view: FullView, model: StatModel, out: Float64Array, offset: number): void;
  /**
   * Reduced evaluation on block coefficients a (the manifold W = Σ_k a_k P_k): writes names(model).length values.
   * Defined where the statistic has a closed form on the manifold.
   */
  reduced?(a: Float64Array, ctx: ReducedStatContext, out: Float64Array, offset: number): void;
  /** Recorded in theory trajectories (false for statistics that are redundant on the manifold, e.g. |a_k|). */
  readonly inTheory: boolean;
  /**
   * A function of WᵀW alone (invariant under the left rotation W → QW, which the loss does not see): the statistics
   * a finite-sample comparison compares, the ones the corrected theory predicts (issue 11; `gramSeries`).
   */
  readonly gram?: boolean;
}
