/**
 * Sampling the data (model.md §1): x = Σ^{1/2} z with z ~ N(0, I_d), y = (θᵀx)² + σ_ε ε with ε ~ N(0, 1)
 * (σ_ε = labelNoise; no ε is drawn when σ_ε = 0). Draw order per sample: z_1..z_d, then ε. All draws come from
 * the seed's data stream (pure-rand), so a config + seed always gives the same sample.
 * For a dense Σ^{1/2} (random basis) the z_i are drawn (same order) into the rows of Z and X = Z Σ^{1/2}
 * (Σ^{1/2} symmetric) is one product on the backend; θᵀx_i for all i is one matrix-vector product.
 */
import { portableLinalg, type LinalgBackend } from '../core/linalg.js';
import type { Rng } from '../core/rng.js';
import type { SimProblem } from './problem.js';

export interface SampleBuffers {
  /** capacity in samples */
  n: number;
  X: Float64Array;
  y: Float64Array;
  /** Z (n×d, rows z_iᵀ; dense Σ^{1/2} only) */
  z: Float64Array;
  /** ε_i (label noise only) */
  eps: Float64Array;
}

export function sampleBuffers(problem: SimProblem, n: number): SampleBuffers {
  const d = problem.d;
  return {
    n,
    X: new Float64Array(n * d),
    y: new Float64Array(n),
    z: new Float64Array(problem.sigmaDiagonal ? 0 : n * d),
    eps: new Float64Array(problem.spec.labelNoise > 0 ? n : 0),
  };
}

/** Fill the n samples of `buf` (X rows x_iᵀ, y_i). No allocation. */
export function drawSamples(problem: SimProblem, rng: Rng, buf: SampleBuffers, backend: LinalgBackend = portableLinalg): void {
  const { d, sigmaHalf, theta, sigmaDiagonal } = problem;
  const noise = problem.spec.labelNoise;
  const { n, X, y, z, eps } = buf;
  for (let i = 0; i < n; i++) {
    const r = i * d;
    if (sigmaDiagonal) {
      // Σ^{1/2} = diag(√λ_j), computed once per problem
      for (let j = 0; j < d; j++) X[r + j] = sigmaHalf[j * d + j] * rng.normal();
    } else for (let j = 0; j < d; j++) z[r + j] = rng.normal();
    if (noise > 0) eps[i] = rng.normal();
  }
  // x_i = Σ^{1/2} z_i for every i at once: X = Z Σ^{1/2} (Σ^{1/2} symmetric)
  if (!sigmaDiagonal) backend.gemm(false, false, n, d, d, 1, z, sigmaHalf, 0, X);
  // y_i = (θᵀx_i)² + σ_ε ε_i
  backend.gemv(false, n, d, 1, X, theta, 0, y);
  for (let i = 0; i < n; i++) {
    const p = y[i];
    y[i] = p * p + (noise > 0 ? noise * eps[i] : 0);
  }
}
