/**
 * The matrix-block coordinates of a model whose signal touches several eigen-directions (issue 13).
 *
 * Σ = Σ_k λ_k P_k, θ = Σ_i t_i e_i over eigen-directions e_i (0-based `direction`s, Σ t_i² = 1). The algebra generated
 * by the P_k and θθᵀ is M_K(ℝ) ⊕ ℝ^m: the K×K matrix units E_ij = e_i e_jᵀ on S = span{e_i} (E_ij E_kl = δ_jk E_il,
 * tr E_ij = δ_ij) and one projector per remaining piece of Σ — every block θ does not touch (P_k, rank r_k) and the
 * complement Q_k = P_k − e_k e_kᵀ of a touched block of rank r_k > 1 (rank r_k − 1) — orthogonal to S and to each
 * other. Σ = Σ_i λ_{k(i)} E_ii + Σ λ Q, θθᵀ = Σ_ij t_i t_j E_ij; W₀ = αI = Σ_i α E_ii + Σ α Q lies in it, and it is
 * closed under products and transposes, so GD and SpecGD stay in it (symbolic/matrix-block-derive.ts).
 *
 * Coordinates: x = (M_11, M_12, ..., M_KK, c_1, ..., c_m) with W = Σ M_ij E_ij + Σ_k c_k Q_k:
 * M_ij = e_iᵀ W e_j, c_k = tr(Q_k W)/rank(Q_k). Symbols: a diagonal entry of a rank-1 touched block takes the block's
 * symbol (spiked: a = M_uu, b = M_vv; diagonal: a_j), an off-diagonal one m_<i><j> from the blocks' axis labels
 * (spiked: m_uv, m_vu; diagonal: m_i_j, 1-based); the scalars keep their block's symbol (c, a_j), a complement takes
 * <symbol>_q.
 */
import type { MatrixBlockLayout } from '../core/matrix-block.js';
import type { Block, BlockDecomposition } from './covariance/index.js';

export interface MatrixBlockCoordinates {
  /** K ≥ 2 (or forced, see `matrixBlockCoordinates`). */
  readonly K: number;
  /** Eigen-directions e_1..e_K spanning S (0-based, ascending). */
  readonly directions: readonly number[];
  /** Block of each direction of S. */
  readonly directionBlocks: readonly number[];
  readonly layout: MatrixBlockLayout;
  /** One per scalar coordinate: the covariance block it lies in and whether it is a complement Q_k of a touched block. */
  readonly scalars: readonly { block: number; complement: boolean }[];
  /** All n = K² + m coordinate symbols, ranks, and variances (λ of the direction / block; M_ij: λ of row i). */
  readonly symbols: readonly string[];
  readonly ranks: Float64Array;
  /** Symbolic rank of each scalar coordinate: coef·d + offset. */
  readonly scalarRankInD: readonly { coef: number; offset: number }[];
}

function axisOf(blocks: readonly Block[], block: number, direction: number): string {
  return blocks[block].axis ?? String(direction + 1);
}

/**
 * The coordinates for θ = Σ t_i e_i on `directions` (the signal's by default). Passing more directions than the
 * signal touches (weights 0 there) gives a larger invariant algebra — used to test the general path against the
 * commuting-block one at φ = 0.
 */
export function matrixBlockCoordinates(dec: Pick<BlockDecomposition, 'blocks' | 'blockOf' | 'signal'>, directions?: readonly number[]): MatrixBlockCoordinates {
  const dirs = [...(directions ?? dec.signal.map((c) => c.direction))].sort((x, y) => x - y);
  const K = dirs.length;
  const weights = new Float64Array(K);
  for (const c of dec.signal) {
    const i = dirs.indexOf(c.direction);
    if (i < 0) throw new Error(`matrixBlockCoordinates: the signal's direction ${c.direction} is not among the block's directions`);
    weights[i] = c.weight;
  }
  const directionBlocks = dirs.map((j) => dec.blockOf[j]);
  const symbols: string[] = [];
  const ranks: number[] = [];
  const axes = dirs.map((j, i) => axisOf(dec.blocks, directionBlocks[i], j));
  const joined = axes.every((x) => x.length === 1 && !/\d/.test(x));
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      const bi = dec.blocks[directionBlocks[i]];
      symbols.push(i === j && bi.rank === 1 ? bi.symbol : i === j ? `m_${axes[i]}${joined ? '' : '_'}${axes[i]}` : `m_${axes[i]}${joined ? '' : '_'}${axes[j]}`);
      ranks.push(1);
    }
  }
  const touchedCount = new Map<number, number>();
  for (const b of directionBlocks) touchedCount.set(b, (touchedCount.get(b) ?? 0) + 1);
  const scalars: { block: number; complement: boolean }[] = [];
  const scalarRankInD: { coef: number; offset: number }[] = [];
  dec.blocks.forEach((b, k) => {
    const used = touchedCount.get(k) ?? 0;
    if (used === 0) {
      scalars.push({ block: k, complement: false });
      symbols.push(b.symbol);
      ranks.push(b.rank);
      scalarRankInD.push({ ...b.rankInD });
    } else if (b.rank > used) {
      scalars.push({ block: k, complement: true });
      symbols.push(`${b.symbol}_q`);
      ranks.push(b.rank - used);
      scalarRankInD.push({ coef: b.rankInD.coef, offset: b.rankInD.offset - used });
    }
  });
  return { K, directions: dirs, directionBlocks, layout: { K, weights }, scalars, symbols, ranks: Float64Array.from(ranks), scalarRankInD };
}
