/**
 * The early stage of full-batch GD on a drawn sample, exactly (issue 11, item 3): the spectral-initialization
 * matrix Y_n = (1/n) Σ_i y_i x_i x_iᵀ of phase retrieval and its eigendecomposition.
 *
 * The finite-sample gradient (sim/gradient.ts) is ∇L_n(W) = (4κ/n) Σ_i r_i W x_i x_iᵀ with r_i = x_iᵀWᵀWx_i − y_i,
 * i.e. ∇L_n(W) = 4κ W (S_n(WᵀW) − Y_n) with S_n(M) = (1/n) Σ_i (x_iᵀMx_i) x_i x_iᵀ. GD with step η̃ is therefore
 * exactly
 *   W_{k+1} = W_k (I + h Y_n) − h W_k S_n(W_kᵀW_k),   h = 4κη̃,
 * and from a small W₀ (αI, or any W₀) the linear stage is the power method
 *   Ŵ_k = W₀ (I + h Y_n)^k = W₀ Σ_j (1 + hμ_j)^k u_j u_jᵀ   (μ_j, u_j the eigenpairs of Y_n).
 * The neglected term is cubic in W. Bound (spectral norm; derived here, tested against simulated GD): with
 * E_k = W_k − Ŵ_k, ρ = max_j |1 + hμ_j|, s₂ = λ_max(S₂), S₂ = (1/n) Σ_i ‖x_i‖² x_i x_iᵀ, and 0 ≼ S_n(M) ≼ ‖M‖ S₂ for
 * M ≽ 0 (so ‖S_n(WᵀW)‖ ≤ s₂‖W‖²):
 *   ‖E_{k+1}‖ ≤ ρ‖E_k‖ + h s₂ ‖W_k‖³ + δ_k,   ‖W_k‖ ≤ ‖W₀‖ρ^k + ‖E_k‖,   E₀ = 0,
 * δ_k a floating-point allowance for the simulated step (10·d·u per product, see `linearStageBound`). To leading
 * order ‖E_k‖ ≈ h s₂ ‖W₀‖³ ρ^{3k} / (ρ² − 1): relative to the linear stage it is α² ρ^{2k} s₂/(2μ₁), so the power
 * method describes GD while ‖W_k‖² ≪ μ₁/s₂, i.e. before the escape.
 *
 * SpecGD from W₀ = cI: the gradient 4κc(c²S₂ − Y_n) is symmetric, and negative definite while Y_n − c²S₂ ≻ 0, so its
 * polar factor is exactly −I and W_{k+1} = (c + η)I: SpecGD's first steps do not see the sample at all (they stay
 * at (α + kη)I while Y_n − (α + kη)²S₂ ≻ 0; tested in test/sim/spectral-init.test.ts).
 *
 * Population side (derived by the engine, symbolic/moments8.ts `spectralPopulation`, passed in by the caller): Y = E[y x xᵀ] = M(θθᵀ) = λ_θ Σ + 2λ_θ² θθᵀ (label
 * noise has mean zero), eigenvalue λ_θλ_k + 2λ_θ²[k = s] on block k. The coupling θᵀY_n v (v the spike) has mean 0
 * and variance (E[q_θ³ q_v] + σ_ε² E[q_θ q_v]) / n (q = (·ᵀx)², y (θᵀx)(vᵀx) squared), the O(n^{−1/2}) leakage
 * that the power method amplifies at rate (1 + hλ_θλ_v)^k against the signal's (1 + 3hλ_θ²)^k.
 *
 * The sample is the simulation's own: the same problem (sim/problem.ts) and the same draw (sim/data.ts) from the
 * seed's data stream.
 */
import type { ExperimentConfig } from '../config/config.js';
import { defaultBackend, type LinalgBackend } from '../core/linalg.js';
import { createRng } from '../core/rng.js';
import { algorithmOf } from '../algorithms/index.js';
import { buildModelSpec } from '../model/spec.js';
import { drawSamples, sampleBuffers } from './data.js';
import { buildProblem, RNG_STREAMS, type SimProblem } from './problem.js';

/** Number of top eigenpairs of Y_n reported. */
export const SPECTRAL_TOP = 4;

const U = Number.EPSILON / 2;

/** Y_n's eigendecomposition with the quantities of the linear-stage bound. */
export interface SampleSpectrum {
  d: number;
  n: number;
  /** Eigenvalues μ_j of Y_n, descending. */
  mu: Float64Array;
  /** Eigenvectors: row j = u_j (same order as mu). */
  vectors: Float64Array;
  /** λ_max(S₂), S₂ = (1/n) Σ ‖x_i‖² x_i x_iᵀ (the bound's s₂). */
  s2: number;
  /** Y_n itself (d×d). */
  Y: Float64Array;
  /** S₂ itself (d×d). */
  S2: Float64Array;
}

/** Y_n = (1/n) Σ y_i x_i x_iᵀ, S₂ and the eigendecomposition of Y_n, from the sample (X n×d rows x_iᵀ, y). */
export function sampleSpectrum(backend: LinalgBackend, X: Float64Array, y: Float64Array, n: number, d: number): SampleSpectrum {
  // Y_n = Xᵀ diag(y) X and S₂ = Xᵀ diag(‖x_i‖²) X, each as one product with a row-scaled copy of X.
  const scaled = new Float64Array(n * d);
  const product = (w: (i: number) => number): Float64Array => {
    for (let i = 0; i < n; i++) {
      const s = w(i) / n;
      for (let j = 0; j < d; j++) scaled[i * d + j] = s * X[i * d + j];
    }
    const out = new Float64Array(d * d);
    backend.gemm(true, false, d, d, n, 1, scaled, X, 0, out);
    // symmetric up to roundoff: average the two triangles
    for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) out[a * d + b] = out[b * d + a] = 0.5 * (out[a * d + b] + out[b * d + a]);
    return out;
  };
  const Y = product((i) => y[i]);
  const S2 = product((i) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += X[i * d + j] ** 2;
    return s;
  });
  const values = new Float64Array(d);
  const V = new Float64Array(d * d);
  const work = new Float64Array(d);
  if (!backend.symEigen(d, Y, values, V, work)) throw new Error('spectral-init: the eigendecomposition of Y_n did not converge (non-finite sample?)');
  const s2Values = new Float64Array(d);
  if (!backend.symEigen(d, S2, s2Values, new Float64Array(d * d), work)) throw new Error('spectral-init: the eigendecomposition of S₂ did not converge');
  // descending order
  const mu = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const src = d - 1 - j;
    mu[j] = values[src];
    vectors.set(V.subarray(src * d, src * d + d), j * d);
  }
  return { d, n, mu, vectors, s2: s2Values[d - 1], Y, S2 };
}

/** Ŵ_k = W₀ (I + hY_n)^k (m×d) from the eigendecomposition. */
export function linearStage(spec: SampleSpectrum, W0: Float64Array, m: number, h: number, k: number): Float64Array {
  const { d, mu, vectors } = spec;
  const out = new Float64Array(m * d);
  for (let j = 0; j < d; j++) {
    const g = (1 + h * mu[j]) ** k;
    const u = vectors.subarray(j * d, j * d + d);
    for (let r = 0; r < m; r++) {
      let c = 0;
      for (let i = 0; i < d; i++) c += W0[r * d + i] * u[i];
      c *= g;
      for (let i = 0; i < d; i++) out[r * d + i] += c * u[i];
    }
  }
  return out;
}

/**
 * The bound on ‖W_k − Ŵ_k‖₂ for k = 0..steps (file comment): e_{k+1} = ρe_k + h s₂ w_k³ + δ_k, w_k = ‖W₀‖ρ^k + e_k,
 * with the floating-point allowance δ_k = 10·d·u·w_k·(ρ + h(‖Y_n‖ + s₂w_k²)) for the simulated step's products.
 */
export function linearStageBound(spec: SampleSpectrum, w0Norm: number, h: number, steps: number): number[] {
  const { d, mu, s2 } = spec;
  let rho = 0;
  let yNorm = 0;
  for (const m of mu) {
    rho = Math.max(rho, Math.abs(1 + h * m));
    yNorm = Math.max(yNorm, Math.abs(m));
  }
  const out = [0];
  let e = 0;
  for (let k = 0; k < steps; k++) {
    const w = w0Norm * rho ** k + e;
    e = rho * e + h * s2 * w ** 3 + 10 * d * U * w * (rho + h * (yNorm + s2 * w * w));
    out.push(e);
  }
  return out;
}

/** One seed's summary in `specgd simulate` output (finite-sample configs). */
export interface SpectralInitSummary {
  seed: number;
  n: number;
  /** Y_n's top eigenpairs: eigenvalue μ_j and |⟨u_j, θ⟩|, |⟨u_j, v⟩| (v the spike; null without one). */
  top: { eigenvalue: number; overlapTheta: number; overlapSpike: number | null }[];
  /** Population Y = E[y x xᵀ] = λ_θΣ + 2λ_θ²θθᵀ (derived): per block, descending, with its rank. */
  population: { block: string; eigenvalue: number; rank: number; overlapTheta: number; overlapSpike: number | null }[];
  /** The coupling θᵀY_n v of signal and spike (population value 0) and its population SD over samples; null without a spike. */
  coupling: { value: number; populationSd: number } | null;
  /**
   * Per GD algorithm: h = 4κη̃ and the per-step growth factors 1 + hμ_j of the linear stage W_k ≈ W₀(I + hY_n)^k for
   * the top eigenpairs, beside the population ones of the signal and the spike.
   */
  linearStage: { algorithm: string; h: number; growth: number[]; populationGrowthSignal: number; populationGrowthSpike: number | null }[];
}

/**
 * The population side of the summary, derived by the symbolic engine (symbolic/moments8.ts `spectralPopulation`;
 * sim/ does not import the engine, so the caller passes it): the eigenvalue of Y = M(θθᵀ) on each block, and the
 * moments E[q_θ³q_v], E[q_θq_v] of the θ–v coupling (null without a rank-1 spike).
 */
export interface SpectralPopulation {
  Y: number[];
  coupling: { thetaCubedSpike: number; thetaSpike: number } | null;
}

/** The direction of block k's (rank-1) eigenvector in the problem's basis. */
function blockDirection(problem: SimProblem, k: number): Float64Array | null {
  const { d, Q, blockOf } = problem;
  const j = blockOf.indexOf(k);
  if (j < 0 || problem.ranks[k] !== 1) return null;
  return Float64Array.from({ length: d }, (_, i) => (Q === null ? (i === j ? 1 : 0) : Q[i * d + j]));
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** The sample of a full-batch config's seed (exactly the simulation's draw) and its spectrum. */
export function seedSpectrum(config: ExperimentConfig, seed: number, backend: LinalgBackend = defaultBackend()): { problem: SimProblem; spectrum: SampleSpectrum } {
  if (config.data.mode !== 'full-batch') throw new Error('spectral-init: defined for data.mode "full-batch" (a fixed sample)');
  const spec = buildModelSpec(config);
  const problem = buildProblem(spec, seed);
  const buf = sampleBuffers(problem, config.data.n);
  drawSamples(problem, createRng(seed, RNG_STREAMS.data), buf, backend);
  return { problem, spectrum: sampleSpectrum(backend, buf.X, buf.y, config.data.n, problem.d) };
}

/** The `spectralInit` summary of one seed of a full-batch config. */
export function spectralInitSummary(config: ExperimentConfig, seed: number, pop: SpectralPopulation, backend: LinalgBackend = defaultBackend()): SpectralInitSummary {
  const { problem, spectrum } = seedSpectrum(config, seed, backend);
  const spec = problem.spec;
  const d = problem.d;
  const theta = problem.theta;
  const spike = spec.spikeBlock >= 0 ? blockDirection(problem, spec.spikeBlock) : null;
  const nTop = Math.min(SPECTRAL_TOP, d);
  const top = Array.from({ length: nTop }, (_, j) => {
    const u = spectrum.vectors.subarray(j * d, j * d + d);
    return { eigenvalue: spectrum.mu[j], overlapTheta: Math.abs(dot(u, theta)), overlapSpike: spike ? Math.abs(dot(u, spike)) : null };
  });
  const popY = pop.Y;
  const population = spec.blocks
    .map((b, k) => ({ block: b.name, eigenvalue: popY[k], rank: b.rank, overlapTheta: k === spec.signalBlock ? 1 : 0, overlapSpike: spike ? (k === spec.spikeBlock ? 1 : 0) : null }))
    .sort((a, b) => b.eigenvalue - a.eigenvalue);
  let coupling: SpectralInitSummary['coupling'] = null;
  if (spike) {
    const Yv = new Float64Array(d);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) Yv[a] += spectrum.Y[a * d + b] * spike[b];
    const c = pop.coupling;
    if (!c) throw new Error('spectral-init: the population coupling moments are missing for a rank-1 spike');
    // Var(θᵀY_n v) = (E[q_θ³q_v] + σ_ε² E[q_θq_v]) / n (file comment)
    coupling = { value: dot(theta, Yv), populationSd: Math.sqrt((c.thetaCubedSpike + spec.labelNoise ** 2 * c.thetaSpike) / spectrum.n) };
  }
  const linear = config.algorithms
    .filter((a) => algorithmOf(a).linearResponse === 'gradient')
    .map((a) => {
      const h = 4 * spec.lossScale * a.eta;
      return {
        algorithm: algorithmOf(a).label(a),
        h,
        growth: top.map((t) => 1 + h * t.eigenvalue),
        populationGrowthSignal: 1 + h * popY[spec.signalBlock],
        populationGrowthSpike: spec.spikeBlock >= 0 ? 1 + h * popY[spec.spikeBlock] : null,
      };
    });
  return { seed, n: spectrum.n, top, population, coupling, linearStage: linear };
}
