/**
 * Sampling the data (model.md §1): x = Σ^{1/2} z with z ~ N(0, I_d), y = (θᵀx)² + σ_ε ε with ε ~ N(0, 1)
 * (σ_ε = labelNoise; no ε is drawn when σ_ε = 0). Draw order per batch: the n·d entries of Z = [z_iᵀ] row by row
 * (z_1 of sample 1, …, z_d of sample n), then ε_1 … ε_n, all from the seed's data stream (core/rng.ts), so a config
 * + seed always gives the same sample. x_i = Σ^{1/2} z_i for all i at once (Σ^{1/2} symmetric: X = Z Σ^{1/2}):
 *  - canonical basis (Σ^{1/2} = diag(√λ_j)): X_ij = √λ_j Z_ij, O(n·d);
 *  - a random basis where most eigenvalues share one value λ* (spiked, few blocks): Σ^{1/2} = c I + U D Uᵀ with
 *    c = √λ*, U = [q_j] (d×k) the eigen-directions with λ_j ≠ λ*, D = diag(√λ_j − c), so X = c Z + (Z U) D Uᵀ,
 *    2·n·d·k multiply-adds (`lowRankSqrt`; used when 2k < d and it reproduces Σ^{1/2} to rounding);
 *  - otherwise the dense product X = Z Σ^{1/2} (n·d²) on the backend.
 * θᵀx_i for all i is one matrix-vector product.
 */
import { portableLinalg, type LinalgBackend } from '../core/linalg.js';
import type { Rng } from '../core/rng.js';
import type { SimProblem } from './problem.js';

/** Σ^{1/2} = c I + U D Uᵀ (see the module comment), with T = Z U's workspace. */
export interface LowRankSqrt {
  c: number;
  k: number;
  /** U (d×k, row-major: column j = q_j of a non-bulk direction) */
  U: Float64Array;
  /** D_j = √λ_j − c */
  D: Float64Array;
  /** Z U (n×k), then scaled by D */
  T: Float64Array;
}

export interface SampleBuffers {
  /** capacity in samples */
  n: number;
  X: Float64Array;
  y: Float64Array;
  /** Z (n×d, rows z_iᵀ; non-diagonal Σ^{1/2} only) */
  z: Float64Array;
  /** ε_i (label noise only) */
  eps: Float64Array;
  /** the structured Σ^{1/2} of a random basis, or null (diagonal or dense product) */
  lowRank: LowRankSqrt | null;
}

/**
 * The low-rank form of Σ^{1/2} for a random basis when it pays (2k < d) and reproduces Σ^{1/2} to rounding
 * (max_ab |c δ_ab + (U D Uᵀ)_ab − Σ^{1/2}_ab| ≤ 64 ε · max_ab |Σ^{1/2}_ab| · d: Σ^{1/2} and U D Uᵀ are sums of d
 * terms of the same q_j); else null.
 */
export function lowRankSqrt(problem: SimProblem, n: number): LowRankSqrt | null {
  const { d, Q, lambda, sigmaHalf, sigmaDiagonal } = problem;
  if (sigmaDiagonal || Q === null) return null;
  // λ*: the most frequent eigenvalue (exact equality: the spec gives a block's eigenvalues one value)
  const count = new Map<number, number>();
  for (let j = 0; j < d; j++) count.set(lambda[j], (count.get(lambda[j]) ?? 0) + 1);
  let star = lambda[0];
  for (const [l, c] of count) if (c > (count.get(star) ?? 0)) star = l;
  const cols: number[] = [];
  for (let j = 0; j < d; j++) if (lambda[j] !== star) cols.push(j);
  const k = cols.length;
  if (2 * k >= d) return null;
  const c = Math.sqrt(star);
  const U = new Float64Array(d * k);
  const D = new Float64Array(k);
  cols.forEach((j, t) => {
    D[t] = Math.sqrt(lambda[j]) - c;
    for (let i = 0; i < d; i++) U[i * k + t] = Q[i * d + j];
  });
  let err = 0;
  let scale = 0;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      let s = a === b ? c : 0;
      for (let t = 0; t < k; t++) s += U[a * k + t] * D[t] * U[b * k + t];
      err = Math.max(err, Math.abs(s - sigmaHalf[a * d + b]));
      scale = Math.max(scale, Math.abs(sigmaHalf[a * d + b]));
    }
  }
  if (!(err <= 64 * Number.EPSILON * scale * d)) return null;
  return { c, k, U, D, T: new Float64Array(n * k) };
}

export function sampleBuffers(problem: SimProblem, n: number): SampleBuffers {
  const d = problem.d;
  return {
    n,
    X: new Float64Array(n * d),
    y: new Float64Array(n),
    z: new Float64Array(problem.sigmaDiagonal ? 0 : n * d),
    eps: new Float64Array(problem.spec.labelNoise > 0 ? n : 0),
    lowRank: lowRankSqrt(problem, n),
  };
}

/** Fill the n samples of `buf` (X rows x_iᵀ, y_i). No allocation. */
export function drawSamples(problem: SimProblem, rng: Rng, buf: SampleBuffers, backend: LinalgBackend = portableLinalg): void {
  const { d, sigmaHalf, theta, sigmaDiagonal } = problem;
  const noise = problem.spec.labelNoise;
  const { n, X, y, z, eps, lowRank } = buf;
  if (sigmaDiagonal) {
    // Σ^{1/2} = diag(√λ_j), computed once per problem: X_ij = √λ_j Z_ij
    rng.fillNormal(X);
    for (let j = 0; j < d; j++) {
      const s = sigmaHalf[j * d + j];
      if (s !== 1) for (let i = j; i < n * d; i += d) X[i] *= s;
    }
  } else {
    rng.fillNormal(z);
    if (lowRank) {
      // X = c Z + ((Z U) D) Uᵀ
      const { c, k, U, D, T } = lowRank;
      backend.gemm(false, false, n, k, d, 1, z, U, 0, T);
      for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) T[i * k + t] *= D[t];
      for (let i = 0; i < n * d; i++) X[i] = c * z[i];
      backend.gemm(false, true, n, d, k, 1, T, U, 1, X);
    } else backend.gemm(false, false, n, d, d, 1, z, sigmaHalf, 0, X);
  }
  if (noise > 0) rng.fillNormal(eps);
  // y_i = (θᵀx_i)² + σ_ε ε_i
  backend.gemv(false, n, d, 1, X, theta, 0, y);
  for (let i = 0; i < n; i++) {
    const p = y[i];
    y[i] = p * p + (noise > 0 ? noise * eps[i] : 0);
  }
}
