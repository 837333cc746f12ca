/**
 * Small dense kernels for the derivation checks (full-dimensional gradients at d ≈ 20–50) and fixed-point
 * classification. Row-major Float64Array, explicit sizes. The products are local to symbolic/ on purpose: the
 * simulator's gemm (core/linalg.ts) is a separate implementation, so the checks stay independent of it. The
 * eigenvalues (classification only, not a check) come from core/linalg.ts.
 */
import { portableLinalg } from '../core/linalg.js';

/** C = A B, A: m×k, B: k×n. */
export function matmul(A: Float64Array, B: Float64Array, m: number, k: number, n: number): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const a = A[i * k + p];
      if (a === 0) continue;
      for (let j = 0; j < n; j++) C[i * n + j] += a * B[p * n + j];
    }
  }
  return C;
}

export function trace(A: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += A[i * n + i];
  return s;
}

export function frobenius(A: Float64Array): number {
  let s = 0;
  for (let i = 0; i < A.length; i++) s += A[i] * A[i];
  return Math.sqrt(s);
}

/** Q diag(v) Qᵀ. */
export function conjugateDiag(Q: Float64Array, v: Float64Array, n: number): Float64Array {
  const M = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += Q[i * n + r] * v[r] * Q[j * n + r];
      M[i * n + j] = s;
    }
  }
  return M;
}

/**
 * Eigenvalues of a symmetric n×n matrix, ascending: the linear-algebra backend's symmetric eigensolver
 * (core/linalg.ts, tred2/tql2). NaN for every eigenvalue if it did not converge (non-finite input).
 */
export function symmetricEigenvalues(A: Float64Array, n: number): number[] {
  const values = new Float64Array(n);
  const ok = portableLinalg.symEigen(n, A, values, new Float64Array(n * n), new Float64Array(n));
  return ok ? Array.from(values) : new Array<number>(n).fill(Number.NaN);
}
