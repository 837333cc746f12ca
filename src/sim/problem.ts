/**
 * The full-dimensional problem of one seed (model.md §1, §4): the covariance Σ = Q diag(λ) Qᵀ with eigenbasis Q
 * (identity for the canonical basis, a seeded Haar-random orthogonal matrix for `basis: "random"`), Σ^{1/2}, the
 * signal θ = Q Σ_i w_i e_{j_i} (spec.signal; θ = Q e_s when it spans its block), the block of each eigen-direction, and the student shape (m = d rows for the matrix student,
 * m = 1 for the vector student).
 */
import type { ModelSpec } from '../model/spec.js';
import { createRng, randomOrthogonal } from '../core/rng.js';

/** RNG streams of one seed: fixed so that every run of a config + seed draws the same numbers. */
export const RNG_STREAMS = { basis: 0, init: 1, data: 2 } as const;

export interface SimProblem {
  spec: ModelSpec;
  d: number;
  /** Rows of W: d (matrix student) or 1 (vector student). */
  m: number;
  /** Eigenbasis Q (d×d, row-major; column j = q_j, the j-th eigen-direction), null for the canonical basis. */
  Q: Float64Array | null;
  /** λ_j of eigen-direction j. */
  lambda: Float64Array;
  /** Σ (d×d). */
  sigma: Float64Array;
  /** Σ^{1/2} (d×d). */
  sigmaHalf: Float64Array;
  /** Σ diagonal (canonical basis): lets kernels skip dense products. */
  sigmaDiagonal: boolean;
  /** θ (unit vector). */
  theta: Float64Array;
  /** Block of each eigen-direction, and the ranks of the summary coordinates (blocks, or matrix-block coordinates). */
  blockOf: Int32Array;
  ranks: Float64Array;
}

/** The eigenbasis of the covariance for a seed: null (= identity) for "canonical", Haar-random for "random". */
export function eigenbasis(spec: ModelSpec, seed: number): Float64Array | null {
  if (spec.basis === 'canonical') return null;
  return randomOrthogonal(spec.d, createRng(seed, RNG_STREAMS.basis));
}

export function buildProblem(spec: ModelSpec, seed: number): SimProblem {
  const d = spec.d;
  const Q = eigenbasis(spec, seed);
  const lambda = Float64Array.from(spec.eigenvalues);
  const sigma = new Float64Array(d * d);
  const sigmaHalf = new Float64Array(d * d);
  const theta = new Float64Array(d);
  // The signal θ = Σ_i w_i q_{j_i} over its eigen-directions (spec.signal; one direction of weight 1 when θ spans
  // the rank-1 signal block, issue 13 otherwise).
  if (Q === null) {
    for (let j = 0; j < d; j++) {
      sigma[j * d + j] = lambda[j];
      sigmaHalf[j * d + j] = Math.sqrt(lambda[j]);
    }
    for (const c of spec.signal) theta[c.direction] = c.weight;
  } else {
    // Σ = Σ_j λ_j q_j q_jᵀ, Σ^{1/2} = Σ_j √λ_j q_j q_jᵀ (symmetric: entries k ≥ i computed, mirrored), θ = q_s
    const sqrtLambda = lambda.map(Math.sqrt);
    for (let i = 0; i < d; i++) {
      for (let k = i; k < d; k++) {
        let a = 0;
        let b = 0;
        for (let j = 0; j < d; j++) {
          const qq = Q[i * d + j] * Q[k * d + j];
          a += lambda[j] * qq;
          b += sqrtLambda[j] * qq;
        }
        sigma[i * d + k] = sigma[k * d + i] = a;
        sigmaHalf[i * d + k] = sigmaHalf[k * d + i] = b;
      }
      let t = 0;
      for (const c of spec.signal) t += Q[i * d + c.direction] * c.weight;
      theta[i] = t;
    }
  }
  // Ranks of the summary coordinates: the blocks', or the matrix-block coordinates' (issue 13).
  const ranks = spec.coordinates ? Float64Array.from(spec.coordinates.ranks) : Float64Array.from(spec.blocks, (b) => b.rank);
  return {
    spec,
    d,
    m: spec.student.kind === 'matrix' ? d : 1,
    Q,
    lambda,
    sigma,
    sigmaHalf,
    sigmaDiagonal: Q === null,
    theta,
    blockOf: spec.blockOf,
    ranks,
  };
}

/**
 * Initial weights W₀ (m×d) for a seed (model.md §4 conventions):
 *  - scaled-identity: W₀ = αI (matrix; = Σ_k α P_k, on the block manifold in any basis); w₀ = α Σ_j q_j (vector:
 *    α𝟙 in the eigenbasis);
 *  - orthogonal: W₀ = αO with O Haar-random orthogonal (matrix); w₀ = α√d·u with u uniform on the sphere (vector,
 *    the norm of α𝟙);
 *  - gaussian: i.i.d. N(0, std²) entries.
 */
export function initialWeights(problem: SimProblem, seed: number): Float64Array {
  const { d, m, Q } = problem;
  const init = problem.spec.init;
  const W = new Float64Array(m * d);
  const rng = createRng(seed, RNG_STREAMS.init);
  if (init.kind === 'scaled-identity') {
    if (m === d) for (let i = 0; i < d; i++) W[i * d + i] = init.alpha;
    else for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += Q === null ? (i === j ? 1 : 0) : Q[i * d + j];
      W[i] = init.alpha * s;
    }
  } else if (init.kind === 'orthogonal') {
    if (m === d) {
      const O = randomOrthogonal(d, rng);
      for (let i = 0; i < d * d; i++) W[i] = init.alpha * O[i];
    } else {
      rng.fillNormal(W);
      let nrm = 0;
      for (let i = 0; i < d; i++) nrm += W[i] * W[i];
      const scale = (init.alpha * Math.sqrt(d)) / Math.sqrt(nrm);
      for (let i = 0; i < d; i++) W[i] *= scale;
    }
  } else {
    rng.fillNormal(W);
    for (let i = 0; i < W.length; i++) W[i] *= init.std;
  }
  return W;
}
