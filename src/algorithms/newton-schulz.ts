/**
 * Newton–Schulz iterations for an approximate polar factor (Muon, muon.ts), full-dimensional and per block.
 *
 *   X₀ = G/‖G‖_F (transposed first when m > n, as in the Muon reference, so A = XXᵀ is the smaller Gram matrix),
 *   X ← a X + (b A + c A²) X,  A = X Xᵀ,  (a, b, c) = coefficients, repeated `steps` times.
 * It maps each singular value s ↦ p(s) = a s + b s³ + c s⁵ iterated, approximating U S' Vᵀ (S' ≈ 0.7–1.1), not
 * U Vᵀ. G = 0 gives 0. The Muon reference adds 1e-7 to ‖G‖_F; here we divide by ‖G‖_F exactly (float64, G ≠ 0).
 *
 * On the block manifold (model.md §4) X₀ = Σ_k (g_k/‖G‖_F) P_k with ‖G‖_F² = Σ_k r_k g_k², and the iteration
 * commutes with the block algebra: each block scalar x_k follows the scalar map x ← a x + b x³ + c x⁵. For the
 * vector student XXᵀX = ‖X‖²X, so X stays along g and only its norm (1 at the start) is iterated.
 */
import type { LinalgBackend } from '../core/linalg.js';

/**
 * Muon reference quintic coefficients (a, b, c) = (3.4445, −4.7750, 2.0315): K. Jordan et al., "Muon: An optimizer
 * for hidden layers in neural networks" (2024), `zeropower_via_newtonschulz5` in github.com/KellerJordan/Muon.
 */
export const MUON_NS_COEFFS = { a: 3.4445, b: -4.775, c: 2.0315 } as const;

export interface NewtonSchulzCoefficients {
  a: number;
  b: number;
  c: number;
}

export interface NewtonSchulzWorkspace {
  readonly m: number;
  readonly n: number;
  readonly x: Float64Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly bx: Float64Array;
}

export function newtonSchulzWorkspace(m: number, n: number): NewtonSchulzWorkspace {
  const p = Math.min(m, n);
  const q = Math.max(m, n);
  return { m, n, x: new Float64Array(p * q), a: new Float64Array(p * p), b: new Float64Array(p * p), bx: new Float64Array(p * q) };
}

/** Full-dimensional iteration of G (m×n, row-major) into `out` (see the module comment). */
export function newtonSchulz(backend: LinalgBackend, G: Float64Array, ws: NewtonSchulzWorkspace, steps: number, coeffs: NewtonSchulzCoefficients, out: Float64Array): void {
  const { m, n, x, a: A, b: Bm, bx } = ws;
  const transposed = m > n;
  const r = transposed ? n : m; // rows of X
  const c = transposed ? m : n; // columns of X
  let norm2 = 0;
  for (let i = 0; i < m * n; i++) norm2 += G[i] * G[i];
  if (norm2 === 0) {
    out.fill(0, 0, m * n);
    return;
  }
  const inv = 1 / Math.sqrt(norm2);
  if (transposed) {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) x[j * m + i] = G[i * n + j] * inv;
  } else for (let i = 0; i < m * n; i++) x[i] = G[i] * inv;
  for (let s = 0; s < steps; s++) {
    // A = X Xᵀ (r×r)
    backend.gemm(false, true, r, r, c, 1, x, x, 0, A);
    // B = b A + c A A
    backend.gemm(false, false, r, r, r, coeffs.c, A, A, 0, Bm);
    for (let i = 0; i < r * r; i++) Bm[i] += coeffs.b * A[i];
    // X ← a X + B X
    backend.gemm(false, false, r, c, r, 1, Bm, x, 0, bx);
    for (let i = 0; i < r * c; i++) x[i] = coeffs.a * x[i] + bx[i];
  }
  if (transposed) {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = x[j * m + i];
  } else for (let i = 0; i < m * n; i++) out[i] = x[i];
}

/**
 * The same iteration on the block manifold: block gradients g (ranks r_k) → the block coefficients of the
 * Newton–Schulz output, into `out` (see the module comment).
 */
export function newtonSchulzBlocks(student: 'matrix' | 'vector', ranks: Float64Array, g: Float64Array, out: Float64Array, steps: number, coeffs: NewtonSchulzCoefficients): void {
  const n = g.length;
  const { a: ca, b: cb, c: cc } = coeffs;
  let norm2 = 0;
  for (let k = 0; k < n; k++) norm2 += ranks[k] * g[k] * g[k];
  const norm = Math.sqrt(norm2);
  if (norm === 0) {
    out.fill(0);
    return;
  }
  if (student === 'vector') {
    let s = 1;
    for (let i = 0; i < steps; i++) s = ca * s + cb * s * s * s + cc * s * s * s * s * s;
    for (let k = 0; k < n; k++) out[k] = (s * g[k]) / norm;
    return;
  }
  for (let k = 0; k < n; k++) {
    let x = g[k] / norm;
    for (let i = 0; i < steps; i++) {
      const x2 = x * x;
      x = ca * x + cb * x2 * x + cc * x2 * x2 * x;
    }
    out[k] = x;
  }
}
