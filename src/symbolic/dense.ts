/**
 * Small dense kernels for the derivation checks (full-dimensional gradients at d ≈ 20–50) and fixed-point
 * classification. Row-major Float64Array, explicit sizes. Local to symbolic/ on purpose: the simulator's
 * linear-algebra backend (core/linalg.ts) is a separate implementation, so the checks stay independent of it.
 */
import type { Rng } from '../core/rng.js';

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

export function transpose(A: Float64Array, m: number, n: number): Float64Array {
  const T = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) T[j * m + i] = A[i * n + j];
  return T;
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

export function axpby(a: number, X: Float64Array, b: number, Y: Float64Array): Float64Array {
  const Z = new Float64Array(X.length);
  for (let i = 0; i < X.length; i++) Z[i] = a * X[i] + b * Y[i];
  return Z;
}

/** A seeded random orthogonal n×n matrix (modified Gram–Schmidt, applied twice, on a Gaussian matrix). */
export function randomOrthogonal(n: number, rng: Rng): Float64Array {
  const Q = new Float64Array(n * n);
  rng.fillNormal(Q);
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < j; i++) {
        let dot = 0;
        for (let r = 0; r < n; r++) dot += Q[r * n + i] * Q[r * n + j];
        for (let r = 0; r < n; r++) Q[r * n + j] -= dot * Q[r * n + i];
      }
      let norm = 0;
      for (let r = 0; r < n; r++) norm += Q[r * n + j] ** 2;
      norm = Math.sqrt(norm);
      for (let r = 0; r < n; r++) Q[r * n + j] /= norm;
    }
  }
  return Q;
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

/** Eigenvalues of a symmetric n×n matrix (cyclic Jacobi), ascending. */
export function symmetricEigenvalues(Ain: Float64Array, n: number): number[] {
  const A = Float64Array.from(Ain);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += A[i * n + j] ** 2;
    if (off < 1e-30 * (frobenius(A) ** 2 + 1e-300)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        const theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k];
          const aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => A[i * n + i]).sort((x, y) => x - y);
}
