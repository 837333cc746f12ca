/** Muon's quintic Newton–Schulz iteration (moving to src/algorithms/ with the algorithm registry, issue 8). */
import type { LinalgBackend } from './backend.js';

/**
 * Muon's quintic Newton–Schulz iteration (model.md §3), the named variant of the polar factor:
 *   X₀ = G/‖G‖_F (transposed first when m > n, as in the Muon reference, so A = XXᵀ is the smaller Gram matrix),
 *   X ← a X + (b A + c A²) X,  A = X Xᵀ,  (a, b, c) = coeffs, repeated `steps` times.
 * It maps each singular value s ↦ p(s) = a s + b s³ + c s⁵ iterated, approximating U S' Vᵀ (S' ≈ 0.7–1.1), not
 * U Vᵀ. G = 0 gives 0. The Muon reference adds 1e-7 to ‖G‖_F; here we divide by ‖G‖_F exactly (float64, G ≠ 0).
 */
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

export function newtonSchulz(
  backend: LinalgBackend,
  G: Float64Array,
  ws: NewtonSchulzWorkspace,
  steps: number,
  coeffs: { a: number; b: number; c: number },
  out: Float64Array,
): void {
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
