/**
 * Sampling the data (model.md §1): x = Σ^{1/2} z with z ~ N(0, I_d), y = (θᵀx)² + σ_ε ε with ε ~ N(0, 1)
 * (σ_ε = labelNoise; no ε is drawn when σ_ε = 0). Draw order per sample: z_1..z_d, then ε. All draws come from
 * the seed's data stream (pure-rand), so a config + seed always gives the same sample.
 */
import type { Rng } from '../core/rng.js';
import type { SimProblem } from './problem.js';

export interface SampleBuffers {
  /** capacity in samples */
  n: number;
  X: Float64Array;
  y: Float64Array;
  /** z buffer (dense Σ^{1/2} only) */
  z: Float64Array;
}

export function sampleBuffers(problem: SimProblem, n: number): SampleBuffers {
  const d = problem.d;
  return { n, X: new Float64Array(n * d), y: new Float64Array(n), z: new Float64Array(problem.sigmaDiagonal ? 0 : d) };
}

/** Fill the n samples of `buf` (X rows x_iᵀ, y_i). No allocation. */
export function drawSamples(problem: SimProblem, rng: Rng, buf: SampleBuffers): void {
  const { d, sigmaHalf, theta, sigmaDiagonal } = problem;
  const noise = problem.spec.labelNoise;
  const { n, X, y, z } = buf;
  for (let i = 0; i < n; i++) {
    const r = i * d;
    if (sigmaDiagonal) {
      // Σ^{1/2} = diag(√λ_j), computed once per problem
      for (let j = 0; j < d; j++) X[r + j] = sigmaHalf[j * d + j] * rng.normal();
    } else {
      for (let j = 0; j < d; j++) z[j] = rng.normal();
      // x = Σ^{1/2} z (Σ^{1/2} symmetric)
      for (let j = 0; j < d; j++) {
        let s = 0;
        const rj = j * d;
        for (let k = 0; k < d; k++) s += sigmaHalf[rj + k] * z[k];
        X[r + j] = s;
      }
    }
    let p = 0;
    for (let j = 0; j < d; j++) p += theta[j] * X[r + j];
    y[i] = p * p + (noise > 0 ? noise * rng.normal() : 0);
  }
}
