/**
 * `ModelSpec`: the ONE definition of the problem (model.md §1, §4), shared by `symbolic/` (which derives the
 * reduced dynamics from it) and `sim/` (which runs the real algorithms in full dimension).
 *
 * Covariance as commuting blocks: Σ = Σ_k λ_k P_k with orthogonal projectors P_k of rank r_k, Σ_k P_k = I,
 * and the signal in a block of its own: θθᵀ = P_s, r_s = 1.
 *  - spiked: blocks signal (λ_θ, rank 1), spike v ⊥ θ (λ_v, rank 1), bulk (σ², rank d − 2); coefficients a, b, c;
 *  - powerlaw (λ_j = j^(−exponent)) and diagonal: one block per eigen-direction (rank 1), coefficients a_1..a_d.
 * In the eigenbasis, direction j (0-based) belongs to block `blockOf[j]`.
 */
import type { AlgorithmConfig, ExperimentConfig, InitConfig, StudentConfig } from '../config/config.js';
import type { StatModel } from '../statistics/index.js';

export type { Block, BlockRole } from './covariance/index.js';
import { covarianceFamily, type Block } from './covariance/index.js';
import { ConfigError } from '../core/errors.js';
import { matrixBlockCoordinates, type MatrixBlockCoordinates } from './coordinates.js';
export type { MatrixBlockCoordinates } from './coordinates.js';

export interface ModelSpec {
  d: number;
  /** The covariance family's kind (src/model/covariance/). */
  covarianceKind: string;
  blocks: Block[];
  /** Index (into `blocks`) of the signal block s. */
  signalBlock: number;
  /**
   * The signal θ = Σ weight · q_direction over eigen-directions (unit norm; one component of weight 1 when θ spans
   * its own block).
   */
  signal: { direction: number; weight: number }[];
  /**
   * null: θ spans a rank-1 block and the reduced coordinates are the block coefficients a_k (model.md §4). Otherwise
   * θ touches several eigen-directions and the coordinates are the matrix block M on S = span{θ_k} plus one scalar
   * per remaining block (issue 13, model/coordinates.ts).
   */
  coordinates: MatrixBlockCoordinates | null;
  /** Index of the spike block (spiked model only), else −1. */
  spikeBlock: number;
  /** For each eigen-direction j = 0..d−1, the block it belongs to. */
  blockOf: Int32Array;
  /** Eigenvalue of each eigen-direction j (λ_{blockOf[j]}). */
  eigenvalues: Float64Array;
  /** "canonical": the eigenbasis is the standard basis (θ = e_signal); "random": seeded orthonormal (sim only). */
  basis: 'canonical' | 'random';
  student: StudentConfig;
  init: InitConfig;
  /** κ in L = κ E[(f − y)²] (model.md: κ = 1/4). */
  lossScale: number;
  labelNoise: number;
  algorithms: AlgorithmConfig[];
}

/** Build the block decomposition of a resolved config. */
export function buildModelSpec(config: ExperimentConfig): ModelSpec {
  const { d, covariance: cov } = config.model;
  // The covariance family's blocks (src/model/covariance/).
  const dec = covarianceFamily(cov.kind).blocks(cov, d);
  const { blocks, blockOf, signalBlock, spikeBlock, basis, signal } = dec;
  if (signal.length > 1 && config.model.student.kind !== 'matrix') {
    throw new ConfigError('model.student.kind', config.model.student.kind, `"matrix" for a signal over several eigen-directions (θ touches ${signal.length}; the matrix-block reduction and its summary coordinates of issue 13 are defined for the matrix student)`);
  }
  const eigenvalues = new Float64Array(d);
  for (let j = 0; j < d; j++) eigenvalues[j] = blocks[blockOf[j]].variance;
  return {
    d,
    covarianceKind: cov.kind,
    blocks,
    signalBlock,
    spikeBlock,
    blockOf,
    eigenvalues,
    basis,
    signal,
    coordinates: signal.length > 1 ? matrixBlockCoordinates(dec) : null,
    student: config.model.student,
    init: config.model.init,
    lossScale: config.model.lossScale,
    labelNoise: config.model.labelNoise,
    algorithms: config.algorithms,
  };
}

/**
 * Initial block coefficients on the manifold W₀ = Σ_k a_k(0) P_k (matrix) or w₀ = Σ_k a_k(0) P_k 𝟙 (vector):
 * scaled-identity gives a_k(0) = α for every block. Other initializations leave the manifold (sim only): null.
 */
export function initialBlockCoefficients(spec: ModelSpec): Float64Array | null {
  if (spec.init.kind !== 'scaled-identity') return null;
  const c = spec.coordinates;
  if (c) {
    // αI = Σ_i α E_ii + Σ α Q: diagonal entries of M and every scalar α, off-diagonal entries 0.
    const x = new Float64Array(c.symbols.length).fill(spec.init.alpha);
    for (let i = 0; i < c.K; i++) for (let j = 0; j < c.K; j++) if (i !== j) x[i * c.K + j] = 0;
    return x;
  }
  return new Float64Array(spec.blocks.length).fill(spec.init.alpha);
}

/** The statistics model of a spec (statistics/types.ts). */
export function specStatModel(spec: ModelSpec, tieRelTol: number, dataMode: StatModel['dataMode']): StatModel {
  const c = spec.coordinates;
  return {
    symbols: c ? [...c.symbols] : spec.blocks.map((b) => b.symbol),
    ranks: c ? Float64Array.from(c.ranks) : Float64Array.from(spec.blocks.map((b) => b.rank)),
    ...(c ? { matrixBlock: c.layout } : {}),
    // matrix-block coordinates: the signal/spike indices name the diagonal entries of their directions (a, b)
    signal: c ? c.symbols.indexOf(spec.blocks[spec.signalBlock].symbol) : spec.signalBlock,
    spike: c ? (spec.spikeBlock >= 0 ? c.symbols.indexOf(spec.blocks[spec.spikeBlock].symbol) : -1) : spec.spikeBlock,
    student: spec.student.kind === 'vector' ? 'vector' : 'matrix',
    tieRelTol,
    dataMode,
  };
}


/**
 * The spec with the matrix-block coordinates on `directions` (which must contain the signal's): a larger invariant
 * algebra than needed when the signal touches fewer directions (e.g. the spiked model at φ = 0 on span{u, v}). Tests
 * use it to check the general path against the commuting-block one.
 */
export function withMatrixBlock(spec: ModelSpec, directions: readonly number[]): ModelSpec {
  return { ...spec, coordinates: matrixBlockCoordinates(spec, directions) };
}
