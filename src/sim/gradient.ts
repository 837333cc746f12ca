/**
 * Loss and gradients of the quadratic-activation student f_W(x) = ‖Wx‖² (model.md §1–2) with loss scale κ,
 * L = κ E[(f_W(x) − y)²] (model.md uses κ = ¼):
 *  - population (exact, Gaussian fourth moments), D = WᵀW − θθᵀ:
 *      L(W)  = κ [ tr(DΣ)² + 2 tr((DΣ)²) ]
 *      ∇L(W) = 4κ W [ tr(DΣ) Σ + 2 ΣDΣ ]
 *    (the vector student is the case m = 1: with W = wᵀ this is model.md §4's T Σw + 2(wᵀΣw)Σw − 2(θᵀΣw)Σθ,
 *    scaled by 4κ);
 *  - finite sample (X n×d with rows x_iᵀ, residual r_i = ‖W x_i‖² − y_i):
 *      L_n(W)  = (κ/n) Σ_i r_i²
 *      ∇L_n(W) = (4κ/n) Σ_i r_i W x_i x_iᵀ = (4κ/n) (diag(r) X Wᵀ)ᵀ X,
 *    computed with Z = X Wᵀ once per step (two n·m·d products).
 *    For a fixed sample (full batch) the same gradient can come from the fourth-moment operator in O(p²) per step
 *    (moment.ts); `fullBatchGradient` picks the path.
 * All kernels write into preallocated workspaces (no allocation per call).
 */
import { symmetrize, type LinalgBackend } from '../core/linalg.js';
import type { ExperimentConfig } from '../config/config.js';
import { chooseGradientPath, momentBudgetBytes, momentGradient, momentOperator, momentWorkspace, type GradientPath, type PathChoice } from './moment.js';
import type { SimProblem } from './problem.js';

export interface PopulationWorkspace {
  /** WᵀW (d×d), left in place after each call (the statistics reuse it) */
  M: Float64Array;
  /** DΣ (d×d) */
  DS: Float64Array;
  /** tr(DΣ)Σ + 2ΣDΣ (d×d) */
  K: Float64Array;
}

export function populationWorkspace(d: number): PopulationWorkspace {
  return { M: new Float64Array(d * d), DS: new Float64Array(d * d), K: new Float64Array(d * d) };
}

/** Writes WᵀW into ws.M (kept for the statistics) and DΣ (D = WᵀW − θθᵀ) into ws.DS; returns T = tr(DΣ). */
function fillDS(problem: SimProblem, backend: LinalgBackend, W: Float64Array, ws: PopulationWorkspace): number {
  const { d, m } = problem;
  backend.gemm(true, false, d, d, m, 1, W, W, 0, ws.M);
  return fillDSFromGram(problem, backend, ws.M, ws);
}

/** DΣ (D = M − θθᵀ) into ws.DS from a given M = WᵀW (d×d, full); returns T = tr(DΣ). */
function fillDSFromGram(problem: SimProblem, backend: LinalgBackend, M: Float64Array, ws: PopulationWorkspace): number {
  const { d, theta, lambda, sigma, sigmaDiagonal } = problem;
  const { DS, K } = ws;
  if (sigmaDiagonal) {
    // (DΣ)_ij = (M_ij − θ_i θ_j) λ_j
    for (let i = 0; i < d; i++) {
      const r = i * d;
      const ti = theta[i];
      for (let j = 0; j < d; j++) DS[r + j] = (M[r + j] - ti * theta[j]) * lambda[j];
    }
  } else {
    // D into K (scratch until the gradient overwrites it), then DΣ = D·Σ
    for (let i = 0; i < d; i++) {
      const r = i * d;
      const ti = theta[i];
      for (let j = 0; j < d; j++) K[r + j] = M[r + j] - ti * theta[j];
    }
    backend.gemm(false, false, d, d, d, 1, K, sigma, 0, DS);
  }
  let T = 0;
  for (let i = 0; i < d; i++) T += DS[i * d + i];
  return T;
}

/** tr((DΣ)²) = Σ_ij (DΣ)_ij (DΣ)_ji */
function traceSquare(d: number, DS: Float64Array): number {
  let s = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) s += DS[i * d + j] * DS[j * d + i];
  return s;
}

/** Exact population loss L(W) = κ [tr(DΣ)² + 2 tr((DΣ)²)] (noiseless target; label noise adds κσ_ε²). */
export function populationLoss(problem: SimProblem, backend: LinalgBackend, W: Float64Array, ws: PopulationWorkspace): number {
  const T = fillDS(problem, backend, W, ws);
  return problem.spec.lossScale * (T * T + 2 * traceSquare(problem.d, ws.DS));
}

/**
 * The same population loss from an already formed M = WᵀW (d×d, full; e.g. the statistics' Gram matrix at a
 * recorded step), so WᵀW is not formed twice.
 */
export function populationLossFromGram(problem: SimProblem, backend: LinalgBackend, M: Float64Array, ws: PopulationWorkspace): number {
  const T = fillDSFromGram(problem, backend, M, ws);
  return problem.spec.lossScale * (T * T + 2 * traceSquare(problem.d, ws.DS));
}

/**
 * Exact population gradient G = 4κ W [tr(DΣ)Σ + 2ΣDΣ] written into G (m×d); returns the population loss at W.
 */
export function populationGradient(problem: SimProblem, backend: LinalgBackend, W: Float64Array, G: Float64Array, ws: PopulationWorkspace): number {
  const { d, m, lambda, sigma, sigmaDiagonal } = problem;
  const kappa = problem.spec.lossScale;
  const T = fillDS(problem, backend, W, ws);
  const loss = kappa * (T * T + 2 * traceSquare(d, ws.DS));
  const { DS, K } = ws;
  if (sigmaDiagonal) {
    // K_ij = 2 λ_i (DΣ)_ij + T λ_i δ_ij
    for (let i = 0; i < d; i++) {
      const r = i * d;
      const li = 2 * lambda[i];
      for (let j = 0; j < d; j++) K[r + j] = li * DS[r + j];
      K[r + i] += T * lambda[i];
    }
  } else {
    backend.gemm(false, false, d, d, d, 2, sigma, DS, 0, K);
    for (let i = 0; i < d * d; i++) K[i] += T * sigma[i];
  }
  backend.gemm(false, false, m, d, d, 4 * kappa, W, K, 0, G);
  return loss;
}

export interface SampleWorkspace {
  /** Z = X Wᵀ (n×m), overwritten by diag(r) Z */
  Z: Float64Array;
  /** residuals r_i */
  r: Float64Array;
  /** Gram variant: rows √|r_i| x_iᵀ (n×d) and S (d×d), allocated on its first use */
  A: Float64Array | null;
  S: Float64Array | null;
}

export function sampleWorkspace(n: number, m: number): SampleWorkspace {
  return { Z: new Float64Array(n * m), r: new Float64Array(n), A: null, S: null };
}

/**
 * ‖z‖² of the row z = Z[r0 .. r0 + m) with four partial sums (Σ_{k ≡ c mod 4} z_k², c = 0..3, added at the end):
 * independent additions the CPU overlaps, instead of one dependent chain.
 */
function rowNorm2(Z: Float64Array, r0: number, m: number): number {
  let f0 = 0;
  let f1 = 0;
  let f2 = 0;
  let f3 = 0;
  let k = 0;
  for (; k + 3 < m; k += 4) {
    const a = Z[r0 + k];
    const b = Z[r0 + k + 1];
    const c = Z[r0 + k + 2];
    const e = Z[r0 + k + 3];
    f0 += a * a;
    f1 += b * b;
    f2 += c * c;
    f3 += e * e;
  }
  for (; k < m; k++) f0 += Z[r0 + k] * Z[r0 + k];
  return f0 + f1 + (f2 + f3);
}

/** dst[o + j] = s · src[i + j] for j < len (unrolled by 4). */
function scaledCopy(dst: Float64Array, o: number, s: number, src: Float64Array, i: number, len: number): void {
  let j = 0;
  for (; j + 3 < len; j += 4) {
    dst[o + j] = s * src[i + j];
    dst[o + j + 1] = s * src[i + j + 1];
    dst[o + j + 2] = s * src[i + j + 2];
    dst[o + j + 3] = s * src[i + j + 3];
  }
  for (; j < len; j++) dst[o + j] = s * src[i + j];
}

/**
 * Z = X Wᵀ and the residuals r_i = ‖Z_i‖² − y_i in one pass over Z (which it leaves scaled: Z_i ← r_i Z_i, the
 * left factor of the gradient); returns Σ r_i². Vector student (m = 1): Z = Xw by gemv and Z_i ← r_i z_i.
 */
function residuals(backend: LinalgBackend, m: number, d: number, W: Float64Array, X: Float64Array, y: Float64Array, n: number, ws: SampleWorkspace, scale: boolean): number {
  const Z = ws.Z;
  let sse = 0;
  if (m === 1) {
    backend.gemv(false, n, d, 1, X, W, 0, Z);
    for (let i = 0; i < n; i++) {
      const z = Z[i];
      const r = z * z - y[i];
      sse += r * r;
      if (scale) Z[i] = r * z;
    }
    return sse;
  }
  backend.gemm(false, true, n, m, d, 1, X, W, 0, Z);
  const res = ws.r;
  for (let i = 0; i < n; i++) {
    const r0 = i * m;
    const r = rowNorm2(Z, r0, m) - y[i];
    res[i] = r;
    sse += r * r;
    if (scale) scaledCopy(Z, r0, r, Z, r0, m);
  }
  return sse;
}

/**
 * Finite-sample gradient ∇L_n = (4κ/n) (diag(r) X Wᵀ)ᵀ X into G (m×d) on the sample (X, y) of size n; returns the
 * training loss L_n(W) = (κ/n) Σ r_i². Work: X Wᵀ once (n·m·d), one fused pass over its rows, then either
 *  - the product (diag(r)Z)ᵀX (n·m·d; the pass leaves Z_i ← r_i Z_i), or
 *  - the Gram variant ∇L_n = (4κ/n) W Xᵀdiag(r)X with Xᵀdiag(r)X = A₊ᵀA₊ − A₋ᵀA₋, A± the rows √|r_i| x_iᵀ with
 *    r_i ≷ 0 (written by the same pass: positive residuals fill A from the top, negative ones from the bottom):
 *    two syrk (n·d²/2 together) and W·S (m·d²), used when m = d, n ≥ 4d and the backend's syrk is at least as
 *    fast per multiply-add as its gemm (relativeCost.syrk ≤ 1: the native backend);
 * the vector student uses two gemv.
 */
export function sampleGradient(
  problem: SimProblem,
  backend: LinalgBackend,
  W: Float64Array,
  X: Float64Array,
  y: Float64Array,
  n: number,
  G: Float64Array,
  ws: SampleWorkspace,
): number {
  const { d, m } = problem;
  const kappa = problem.spec.lossScale;
  const gram = m === d && m > 1 && n >= 4 * d && backend.relativeCost.syrk <= 1;
  if (!gram) {
    const sse = residuals(backend, m, d, W, X, y, n, ws, true);
    if (m === 1) backend.gemv(true, n, d, (4 * kappa) / n, X, ws.Z, 0, G);
    else backend.gemm(true, false, m, d, n, (4 * kappa) / n, ws.Z, X, 0, G);
    return (kappa / n) * sse;
  }
  const Z = ws.Z;
  const A = (ws.A ??= new Float64Array(n * d));
  const S = (ws.S ??= new Float64Array(d * d));
  backend.gemm(false, true, n, m, d, 1, X, W, 0, Z);
  // one pass: r_i = ‖Z_i‖² − y_i, Σ r_i², and the row √|r_i| x_iᵀ of A₊ (top) or A₋ (bottom)
  let sse = 0;
  let top = 0;
  let bottom = n;
  for (let i = 0; i < n; i++) {
    const ri = rowNorm2(Z, i * m, m) - y[i];
    sse += ri * ri;
    if (ri === 0) continue;
    const row = ri > 0 ? top++ : --bottom;
    scaledCopy(A, row * d, Math.sqrt(Math.abs(ri)), X, i * d, d);
  }
  backend.syrk(true, d, top, 1, A, 0, S);
  if (bottom < n) backend.syrk(true, d, n - bottom, -1, A.subarray(bottom * d), 1, S);
  symmetrize(d, S);
  backend.gemm(false, false, m, d, d, (4 * kappa) / n, W, S, 0, G);
  return (kappa / n) * sse;
}

/** Training loss L_n(W) = (κ/n) Σ_i (‖W x_i‖² − y_i)² alone (X Wᵀ and one residual pass; no gradient). */
export function sampleLoss(problem: SimProblem, backend: LinalgBackend, W: Float64Array, X: Float64Array, y: Float64Array, n: number, ws: SampleWorkspace): number {
  return (problem.spec.lossScale / n) * residuals(backend, problem.m, problem.d, W, X, y, n, ws, false);
}

/** The full-batch gradient of one fixed sample, by the path `chooseGradientPath` picked (shared by the algorithms). */
export interface FullBatchGradient {
  readonly path: GradientPath;
  readonly choice: PathChoice;
  /**
   * ∇L_n(W) into G when G is given; returns the training loss L_n(W) when `withLoss` (the direct path always has
   * it), NaN otherwise. Not reentrant (one workspace): one run at a time.
   */
  evaluate(W: Float64Array, G: Float64Array | null, withLoss: boolean): number;
}

/** The path for a full-batch run of this config (`uses` = steps × algorithms on the same sample). */
export function fullBatchPath(backend: LinalgBackend, n: number, d: number, m: number, uses: number): PathChoice {
  return chooseGradientPath(backend, n, d, m, uses, momentBudgetBytes());
}

/** Name of the gradient path a config's runs take, for provenance: population-exact, moment or direct. */
export function gradientPathName(backend: LinalgBackend, config: ExperimentConfig): 'population-exact' | GradientPath {
  const data = config.data;
  if (data.mode === 'population') return 'population-exact';
  if (data.mode === 'online') return 'direct';
  const d = config.model.d;
  const m = config.model.student.kind === 'vector' ? 1 : d;
  return fullBatchPath(backend, data.n, d, m, config.steps * config.algorithms.length).path;
}

export function fullBatchGradient(problem: SimProblem, backend: LinalgBackend, X: Float64Array, y: Float64Array, n: number, uses: number): FullBatchGradient {
  const { d, m } = problem;
  const choice = fullBatchPath(backend, n, d, m, uses);
  const sws = sampleWorkspace(n, m);
  if (choice.path === 'direct') {
    return {
      path: 'direct',
      choice,
      evaluate: (W, G) => (G ? sampleGradient(problem, backend, W, X, y, n, G, sws) : sampleLoss(problem, backend, W, X, y, n, sws)),
    };
  }
  const op = momentOperator(backend, X, y, n, d);
  const mws = momentWorkspace(d);
  return {
    path: 'moment',
    choice,
    evaluate: (W, G, withLoss) => {
      if (G) momentGradient(problem, backend, W, op, G, mws);
      return withLoss ? sampleLoss(problem, backend, W, X, y, n, sws) : Number.NaN;
    },
  };
}
