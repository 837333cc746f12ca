/**
 * Statistics of a point a = (a_k) on the block manifold (model.md §4, §5).
 *
 * Alignment |⟨θ, u₁⟩| with u₁ the top eigenvector of WᵀW:
 *  - matrix student, W = Σ_k a_k P_k: WᵀW = Σ_k a_k² P_k (the P_k are orthogonal projectors), so its eigenvalues
 *    are the a_k² with eigenspaces range(P_k), and θ spans range(P_s). If a_s² is the STRICT maximum, the top
 *    eigenspace is span θ and the alignment is 1; if some a_k² > a_s² (k ≠ s), u₁ ∈ range(P_k) ⊥ θ: alignment 0.
 *    Ties: the top eigenspace is the sum of the ranges of every block with a_k² ≥ (1 − tieRelTol)·max_j a_j²
 *    (`tiedWithTop` in core/blocks.ts, the rule the simulation applies to the eigenvalues of WᵀW), u₁ is
 *    not unique, and we report ‖Π_top θ‖ (the best alignment over the top eigenspace): 1 if the signal block is
 *    among the tied top blocks, else 0. (W = 0: every block ties, alignment 1; a measure-zero case.)
 *  - vector student, w = Σ_k a_k P_k 𝟙: WᵀW = wwᵀ has u₁ = w/‖w‖, so alignment = |a_s| / √(Σ_k r_k a_k²)
 *    (0 when w = 0).
 * Misalignment ratio: spiked model b/a (signed, as the `ratio` series); other models max_{k≠s} |a_k| / |a_s|.
 * Both are defined as 0 when a_s = 0 exactly (a measure-zero event that never occurs from a_s(0) = α > 0 under the
 * flows; the maps would need to land on 0 exactly).
 */
import type { CompiledSystem } from '../symbolic/compiled.js';
import type { ModelSpec } from '../model/spec.js';
import { blockMisalignmentRatio, tiedWithTop } from '../core/blocks.js';
import type { ReducedStatContext } from '../statistics/index.js';
import { matrixBlockMisalignment, matrixBlockTopProjection2, signalNorm, type MatrixBlockLayout } from '../core/matrix-block.js';

export interface StatContext {
  readonly n: number;
  readonly signal: number;
  /** Spike block index or −1. */
  readonly spike: number;
  readonly student: 'matrix' | 'vector';
  readonly ranks: Float64Array;
  readonly tieRelTol: number;
  /** The matrix-block layout when θ touches several eigen-directions (issue 13), else absent. */
  readonly matrixBlock?: MatrixBlockLayout;
}

/** The statistics registry's view of the reduced system (statistics/types.ts). */
export function reducedStatContext(sys: CompiledSystem, ctx: StatContext): ReducedStatContext {
  return { symbols: sys.symbols, ranks: ctx.ranks, signal: ctx.signal, spike: ctx.spike, student: ctx.student, tieRelTol: ctx.tieRelTol, dataMode: 'population', loss: (a) => sys.loss(a), ...(ctx.matrixBlock ? { matrixBlock: ctx.matrixBlock } : {}) };
}

export function statContext(sys: CompiledSystem, spec: ModelSpec, tieRelTol: number): StatContext {
  if (sys.matrixBlock) {
    // Matrix-block coordinates (issue 13): the signal and spike indices point at the diagonal entries of their
    // directions (a = M_uu, b = M_vv in the spiked model): spike saturation reads |b|.
    const at = (block: number) => (block >= 0 ? sys.symbols.indexOf(spec.blocks[block].symbol) : -1);
    return { n: sys.n, signal: at(spec.signalBlock), spike: at(spec.spikeBlock), student: sys.student, ranks: sys.ranks, tieRelTol, matrixBlock: sys.matrixBlock };
  }
  return { n: sys.n, signal: spec.signalBlock, spike: spec.spikeBlock, student: sys.student, ranks: sys.ranks, tieRelTol };
}

/**
 * The signal coefficient that defines escape: a_s on the block manifold, ‖Wθ‖ = ‖Mt‖ on the matrix-block
 * coordinates (issue 13, core/matrix-block.ts `signalNorm`: invariant under W → OW; |a_s| when θ spans a block).
 */
export function signalValue(a: Float64Array, ctx: StatContext): number {
  return ctx.matrixBlock ? signalNorm(a, ctx.matrixBlock) : a[ctx.signal];
}

/** |⟨θ, u₁⟩| (see the module comment for the derivation and the tie rule). */
export function alignment(a: Float64Array, ctx: StatContext): number {
  if (ctx.matrixBlock) return Math.sqrt(Math.min(1, matrixBlockTopProjection2(a, ctx.matrixBlock, ctx.n, ctx.tieRelTol)));
  const s = ctx.signal;
  if (ctx.student === 'vector') {
    let norm2 = 0;
    for (let k = 0; k < ctx.n; k++) norm2 += ctx.ranks[k] * a[k] * a[k];
    return norm2 > 0 ? Math.abs(a[s]) / Math.sqrt(norm2) : 0;
  }
  let max = 0;
  for (let k = 0; k < ctx.n; k++) max = Math.max(max, a[k] * a[k]);
  return tiedWithTop(a[s] * a[s], max, ctx.tieRelTol) ? 1 : 0;
}

/** Spiked: b/a; otherwise max_{k≠s}|a_k|/|a_s|; 0 when a_s = 0. */
export function misalignmentRatio(a: Float64Array, ctx: StatContext): number {
  if (ctx.matrixBlock) return matrixBlockMisalignment(a, ctx.matrixBlock, ctx.n, ctx.spike >= 0);
  return blockMisalignmentRatio(a, ctx.signal, ctx.spike, ctx.n);
}
