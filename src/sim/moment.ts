/**
 * The fourth-moment operator of a fixed sample (full-batch gradients in O(p²) per step, independent of n).
 *
 * With f_W(x) = xᵀMx, M = WᵀW, write the symmetric d×d matrices on the p = d(d+1)/2 coordinates (a ≤ b):
 *   φ_i = (x_ia x_ib)_{a≤b}  and  m̃ = (M_aa, 2 M_ab)_{a<b},  so that  xᵢᵀ M xᵢ = ⟨φ_i, m̃⟩.
 * The finite-sample gradient (gradient.ts) is ∇L_n = (4κ/n) Σ_i r_i W x_i x_iᵀ = 4κ W S with
 *   S = (1/n) Σ_i r_i x_i x_iᵀ,   r_i = ⟨φ_i, m̃⟩ − y_i,
 * and on the coordinates a ≤ b
 *   S_ab = (Q m̃ − β)_(ab),   Q = (1/n) Σ_i φ_i φ_iᵀ (p×p),   β = (1/n) Σ_i y_i φ_i (p),
 * exactly (the same sums in a different order). Q and β are computed once per sample (n·p²/2 multiply-adds by
 * dsyrk over row chunks of Φ = [φ_iᵀ]); a step then costs one symmetric p×p matrix-vector product plus the d×d
 * products M = WᵀW and W S, instead of the direct path's 2·n·m·d.
 *
 * Q takes p² float64 entries (8p² bytes; the upper triangle is what is read), so it is used only within a memory
 * budget (DEFAULT_MOMENT_BUDGET_BYTES, SPECGD_MOMENT_BUDGET_MB) and when it is cheaper than the direct path over
 * the run (`chooseGradientPath`). The training loss at recorded steps is computed directly from the residuals
 * (gradient.ts `sampleLoss`): through Q it would be a difference of O(1) terms, with absolute error ~ε instead of
 * ~ε·L_n.
 */
import { symmetrize, type LinalgBackend } from '../core/linalg.js';
import type { SimProblem } from './problem.js';

/** Default memory budget for Q: 512 MiB (issue 9). */
export const DEFAULT_MOMENT_BUDGET_BYTES = 512 * 2 ** 20;

/** Q's budget in bytes: SPECGD_MOMENT_BUDGET_MB (MiB; 0 disables the moment path) or the default. */
export function momentBudgetBytes(): number {
  const env = process.env.SPECGD_MOMENT_BUDGET_MB;
  if (env === undefined || env === '') return DEFAULT_MOMENT_BUDGET_BYTES;
  const mb = Number(env);
  if (!(Number.isFinite(mb) && mb >= 0)) throw new Error(`invalid SPECGD_MOMENT_BUDGET_MB: got ${JSON.stringify(env)}; expected a number of MiB ≥ 0`);
  return mb * 2 ** 20;
}

/** p = d(d+1)/2, the dimension of the symmetric d×d matrices. */
export function symDim(d: number): number {
  return (d * (d + 1)) / 2;
}

export type GradientPath = 'moment' | 'direct';

export interface PathChoice {
  path: GradientPath;
  /** Q's size in bytes and the budget it was checked against */
  bytes: number;
  budget: number;
  /** estimated multiply-adds of the whole run on each path (moment: precompute + steps) */
  directCost: number;
  momentCost: number;
}

/**
 * The full-batch gradient path for a sample of n rows, dimension d, m rows of W, used `uses` times (steps ×
 * algorithms sharing the sample), in multiply-adds weighted by the backend's measured relative costs c_symv, c_syrk
 * (gemm = 1): the moment operator when 8p² bytes fit `budget` and its cost
 *   c_syrk·n·p²/2 (Q) + uses·(c_symv·p² + c_syrk·m·d²/2 + m·d²)
 * is below the direct path's uses·2·n·m·d; otherwise direct.
 */
export function chooseGradientPath(backend: LinalgBackend, n: number, d: number, m: number, uses: number, budget: number): PathChoice {
  const p = symDim(d);
  const bytes = 8 * p * p;
  const { symv, syrk } = backend.relativeCost;
  const directCost = uses * 2 * n * m * d;
  const momentCost = (syrk * n * p * p) / 2 + uses * (symv * p * p + (syrk * m * d * d) / 2 + m * d * d);
  const path: GradientPath = bytes <= budget && momentCost < directCost ? 'moment' : 'direct';
  return { path, bytes, budget, directCost, momentCost };
}

export interface MomentOperator {
  d: number;
  p: number;
  /** Q (p×p, upper triangle valid) */
  Q: Float64Array;
  /** β (p) */
  beta: Float64Array;
}

/** Rows of Φ formed at a time: a chunk of about 2²⁰ entries (8 MiB), at least one row. */
function chunkRows(p: number, n: number): number {
  return Math.max(1, Math.min(n, Math.floor(2 ** 20 / p)));
}

/** Q = (1/n) ΦᵀΦ and β = (1/n) Φᵀy for the n×d sample X (rows x_i), Φ built and consumed in row chunks. */
export function momentOperator(backend: LinalgBackend, X: Float64Array, y: Float64Array, n: number, d: number): MomentOperator {
  const p = symDim(d);
  const Q = new Float64Array(p * p);
  const beta = new Float64Array(p);
  const rows = chunkRows(p, n);
  const phi = new Float64Array(rows * p);
  for (let i0 = 0; i0 < n; i0 += rows) {
    const k = Math.min(rows, n - i0);
    for (let i = 0; i < k; i++) {
      const x = (i0 + i) * d;
      let c = i * p;
      for (let a = 0; a < d; a++) {
        const xa = X[x + a];
        for (let b = a; b < d; b++) phi[c++] = xa * X[x + b];
      }
    }
    const first = i0 === 0 ? 0 : 1;
    backend.syrk(true, p, k, 1 / n, phi, first, Q);
    backend.gemv(true, k, p, 1 / n, phi, y.subarray(i0, i0 + k), first, beta);
  }
  return { d, p, Q, beta };
}

export interface MomentWorkspace {
  /** WᵀW (d×d, upper triangle) */
  M: Float64Array;
  /** m̃ (p) */
  mt: Float64Array;
  /** svec of S (p) */
  s: Float64Array;
  /** S (d×d, full) */
  S: Float64Array;
}

export function momentWorkspace(d: number): MomentWorkspace {
  const p = symDim(d);
  return { M: new Float64Array(d * d), mt: new Float64Array(p), s: new Float64Array(p), S: new Float64Array(d * d) };
}

/** ∇L_n(W) = 4κ W S with S from Q m̃ − β (see the module comment), into G (m×d). */
export function momentGradient(problem: SimProblem, backend: LinalgBackend, W: Float64Array, op: MomentOperator, G: Float64Array, ws: MomentWorkspace): void {
  const { d, m } = problem;
  const { p, Q, beta } = op;
  const { M, mt, s, S } = ws;
  const kappa = problem.spec.lossScale;
  // m̃ from M = WᵀW (upper triangle); the vector student has M = wwᵀ
  let c = 0;
  if (m === 1) {
    for (let a = 0; a < d; a++) {
      const wa = W[a];
      mt[c++] = wa * wa;
      for (let b = a + 1; b < d; b++) mt[c++] = 2 * wa * W[b];
    }
  } else {
    backend.syrk(true, d, m, 1, W, 0, M);
    for (let a = 0; a < d; a++) {
      const r = a * d;
      mt[c++] = M[r + a];
      for (let b = a + 1; b < d; b++) mt[c++] = 2 * M[r + b];
    }
  }
  // s = Q m̃ − β
  s.set(beta);
  backend.symv(p, 1, Q, mt, -1, s);
  c = 0;
  for (let a = 0; a < d; a++) {
    const r = a * d;
    for (let b = a; b < d; b++) S[r + b] = s[c++];
  }
  if (m === 1) backend.symv(d, 4 * kappa, S, W, 0, G);
  else {
    symmetrize(d, S);
    backend.gemm(false, false, m, d, d, 4 * kappa, W, S, 0, G);
  }
}
