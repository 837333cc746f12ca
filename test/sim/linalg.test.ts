import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EigenvalueDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';
import { portableLinalg as B } from '../../src/core/linalg.js';
import { createRng, randomOrthogonal } from '../../src/core/rng.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { MUON_NS_COEFFS, newtonSchulz, newtonSchulzWorkspace } from '../../src/algorithms/newton-schulz.js';
import { maxAbs, normalArrays } from '../helpers/arrays.js';

const rng = createRng(4242, 7);
const randn = normalArrays(rng);
/** naive C = op(A) op(B) */
function naive(tA: boolean, tB: boolean, M: number, N: number, K: number, A: Float64Array, Bm: Float64Array): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (tA ? A[k * M + i] : A[i * K + k]) * (tB ? Bm[j * K + k] : Bm[k * N + j]);
      C[i * N + j] = s;
    }
  return C;
}
function toMatrix(m: number, n: number, a: Float64Array): Matrix {
  return new Matrix(Array.from({ length: m }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n))));
}
/** singular values of a row-major m×n array, by ml-matrix (an independent implementation) */
function refSingularValues(m: number, n: number, a: Float64Array): number[] {
  const mat = toMatrix(m, n, a);
  return new SingularValueDecomposition(m >= n ? mat : mat.transpose(), { computeLeftSingularVectors: false, computeRightSingularVectors: false }).diagonal;
}

describe('gemm', () => {
  // Sizes with remainders for the 4-row and 2×4 register blocks; K > 128 crosses a K block; [5, 70, 300] spans
  // three column blocks of the NT kernel (JB = 24 rows of B for K = 300) with a ragged last block.
  for (const [tA, tB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    it(`op(A)=${tA ? 'Aᵀ' : 'A'}, op(B)=${tB ? 'Bᵀ' : 'B'} matches the naive triple loop`, () => {
      for (const [M, N, K] of [
        [7, 5, 3],
        [9, 11, 150],
        [1, 6, 4],
        [4, 1, 9],
        [5, 70, 300],
      ]) {
        const A = randn(M * K);
        const Bm = randn(K * N);
        const ref = naive(tA, tB, M, N, K, A, Bm);
        const C = randn(M * N);
        const C0 = Float64Array.from(C);
        B.gemm(tA, tB, M, N, K, 2, A, Bm, 0.5, C);
        // sums of K products in a different order: error ≤ K·ε·Σ|a||b|; 1e-13 relative to max |C| is > 100× that
        for (let i = 0; i < M * N; i++) expect(Math.abs(C[i] - (2 * ref[i] + 0.5 * C0[i]))).toBeLessThan(1e-13 * (1 + maxAbs(ref)) * Math.sqrt(K));
        const D = new Float64Array(M * N).fill(Number.NaN);
        B.gemm(tA, tB, M, N, K, 1, A, Bm, 0, D); // β = 0 ignores old content, even NaN
        for (let i = 0; i < M * N; i++) expect(Math.abs(D[i] - ref[i])).toBeLessThan(1e-13 * (1 + maxAbs(ref)) * Math.sqrt(K));
      }
    });
  }
});

describe('symEigen (tred2/tql2 on Float64Array)', () => {
  it('reconstructs a random symmetric matrix, orthonormal vectors, eigenvalues equal to ml-matrix', () => {
    const n = 30;
    const R = randn(n * n);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = R[i * n + j] + R[j * n + i];
    const w = new Float64Array(n);
    const V = new Float64Array(n * n);
    expect(B.symEigen(n, A, w, V, new Float64Array(n))).toBe(true);
    const scale = maxAbs(A);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        let o = 0;
        for (let k = 0; k < n; k++) {
          s += V[k * n + i] * w[k] * V[k * n + j];
          o += V[i * n + k] * V[j * n + k];
        }
        expect(Math.abs(s - A[i * n + j])).toBeLessThan(1e-13 * scale);
        expect(Math.abs(o - (i === j ? 1 : 0))).toBeLessThan(1e-13);
      }
    for (let i = 1; i < n; i++) expect(w[i]).toBeGreaterThanOrEqual(w[i - 1]);
    const ref = new EigenvalueDecomposition(toMatrix(n, n, A), { assumeSymmetric: true }).realEigenvalues.sort((a, b) => a - b);
    for (let i = 0; i < n; i++) expect(Math.abs(ref[i] - w[i])).toBeLessThan(1e-13 * scale);
  });

  it('returns false (and terminates) on non-finite input', () => {
    const n = 4;
    const A = new Float64Array(n * n).fill(1);
    A[5] = Number.NaN;
    expect(B.symEigen(n, A, new Float64Array(n), new Float64Array(n * n), new Float64Array(n))).toBe(false);
    expect(B.symEigenProject(n, A, new Float64Array(n).fill(1), new Float64Array(n), new Float64Array(n), new Float64Array(n * n), new Float64Array(n))).toBe(false);
  });

  it('symEigenProject: the same eigenvalues as symEigen and coords_j = v_jᵀx (random, repeated eigenvalues, n = 1)', () => {
    const R = randn(30 * 30);
    const cases: { n: number; A: Float64Array }[] = [];
    for (const n of [30, 12, 1]) {
      const A = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = R[i * n + j] + R[j * n + i];
      cases.push({ n, A });
    }
    // repeated top eigenvalue: A = U diag(3, 3, 3, 1, ..) Uᵀ with U orthogonal (from symEigen of a random matrix)
    const n = 12;
    const U = new Float64Array(n * n);
    B.symEigen(n, cases[1].A, new Float64Array(n), U, new Float64Array(n));
    const Arep = new Float64Array(n * n);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Arep[i * n + j] += (k < 3 ? 3 : 1 + k / n) * U[k * n + i] * U[k * n + j];
    cases.push({ n, A: Arep });
    for (const { n, A } of cases) {
      const x = randn(n);
      const w = new Float64Array(n);
      const V = new Float64Array(n * n);
      expect(B.symEigen(n, A, w, V, new Float64Array(n))).toBe(true);
      const w2 = new Float64Array(n);
      const z = new Float64Array(n);
      expect(B.symEigenProject(n, A, x, w2, z, new Float64Array(n * n), new Float64Array(n))).toBe(true);
      // the same tred2/tql2 arithmetic on the eigenvalues: bit-identical
      expect(Array.from(w2)).toEqual(Array.from(w));
      const xn = Math.sqrt(x.reduce((s, v) => s + v * v, 0));
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += V[j * n + k] * x[k];
        // both are x rotated by the same orthogonal transform, rounded in a different order: n·ε·‖x‖ scale
        expect(Math.abs(z[j] - s)).toBeLessThan(1e-14 * n * xn);
      }
    }
  });
});

describe('thin SVD / polar factor', () => {
  const tol = DEFAULTS.signTieRelTol;

  /** G = U diag(s) Vᵀ with Haar-random U (m×m), V (n×n) and the given singular values (length min(m, n)). */
  function withSingularValues(m: number, n: number, s: number[]): Float64Array {
    const U = randomOrthogonal(m, rng);
    const V = randomOrthogonal(n, rng);
    const G = new Float64Array(m * n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let x = 0;
        for (let k = 0; k < s.length; k++) x += U[i * m + k] * s[k] * V[j * n + k];
        G[i * n + j] = x;
      }
    return G;
  }

  /** Checks P (m×n) is orthonormal on its range: r singular values equal to 1 and the rest 0, all to `eps`. */
  function expectPartialIsometry(m: number, n: number, P: Float64Array, r: number, eps: number): void {
    const sv = refSingularValues(m, n, P);
    sv.forEach((x, i) => expect(Math.abs(x - (i < r ? 1 : 0))).toBeLessThan(eps));
    // and directly: P Pᵀ P = P
    const PPt = naive(false, true, m, m, n, P, P);
    const PPtP = naive(false, false, m, n, m, PPt, P);
    for (let i = 0; i < m * n; i++) expect(Math.abs(PPtP[i] - P[i])).toBeLessThan(eps);
  }

  it('well-conditioned square G: singular values and UVᵀ agree with ml-matrix, polar orthogonal to 1e-12', () => {
    const n = 24;
    const G = randn(n * n);
    const ws = B.svdWorkspace(n, n);
    const P = new Float64Array(n * n);
    const res = B.thinSvdPolar(G, ws, tol, P);
    expect(res.converged).toBe(true);
    expect(res.rank).toBe(n);
    const svd = new SingularValueDecomposition(toMatrix(n, n, G));
    svd.diagonal.forEach((x, i) => expect(Math.abs(x - ws.sigma[i])).toBeLessThan(1e-13 * res.sMax));
    const UVt = svd.leftSingularVectors.mmul(svd.rightSingularVectors.transpose());
    // polar factor of a well-conditioned G is unique; perturbation ≤ ε‖G‖/σ_min, σ_min here ≳ 1e-2·‖G‖
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(Math.abs(UVt.get(i, j) - P[i * n + j])).toBeLessThan(1e-12);
    expectPartialIsometry(n, n, P, n, 1e-12);
  });

  it('graded and rank-deficient G: σ to ~ε·s_max absolute, truncation at signTieRelTol, orthonormal on range to 1e-12', () => {
    // singular values 1, 1e-1, …, 1e-11 (all above the 1e-12 cut), then 1e-14, 1e-15 and exact zeros (below it)
    const kept = Array.from({ length: 12 }, (_, k) => 10 ** -k);
    const s = [...kept, 1e-14, 1e-15, 0, 0];
    for (const [m, n] of [
      [16, 16],
      [20, 16],
      [16, 20],
    ]) {
      const G = withSingularValues(m, n, s);
      const ws = B.svdWorkspace(m, n);
      const P = new Float64Array(m * n);
      const res = B.thinSvdPolar(G, ws, tol, P);
      expect(res.converged).toBe(true);
      expect(res.rank).toBe(kept.length);
      // G itself carries rounding ~ε·‖G‖ from its construction, so σ_i is known to ~1e-15 absolute
      s.forEach((x, i) => expect(Math.abs(ws.sigma[i] - x)).toBeLessThan(1e-14));
      expectPartialIsometry(m, n, P, kept.length, 1e-12);
    }
  });

  it('wide input is handled through the transpose: polar(Gᵀ) = polar(G)ᵀ', () => {
    const [m, n] = [5, 9];
    const G = randn(m * n);
    const Gt = new Float64Array(n * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) Gt[j * m + i] = G[i * n + j];
    const P = new Float64Array(m * n);
    const Pt = new Float64Array(n * m);
    B.thinSvdPolar(G, B.svdWorkspace(m, n), tol, P);
    B.thinSvdPolar(Gt, B.svdWorkspace(n, m), tol, Pt);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(Math.abs(P[i * n + j] - Pt[j * m + i])).toBeLessThan(1e-13);
    expectPartialIsometry(m, n, P, m, 1e-12);
  });

  it('G = 0 has rank 0 and polar 0; a NaN gradient is reported as not converged', () => {
    const n = 6;
    const P = new Float64Array(n * n).fill(7);
    const res = B.thinSvdPolar(new Float64Array(n * n), B.svdWorkspace(n, n), tol, P);
    expect(res.rank).toBe(0);
    expect(maxAbs(P)).toBe(0);
    const G = randn(n * n);
    G[3] = Number.NaN;
    expect(B.thinSvdPolar(G, B.svdWorkspace(n, n), tol, P).converged).toBe(false);
  });
});

describe("Muon's Newton–Schulz quintic", () => {
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/sim/muon-ns.json', import.meta.url), 'utf8')) as {
    coefficients: number[];
    cases: { m: number; n: number; steps: number; G: number[]; X: number[] }[];
  };

  it('uses the Muon reference coefficients', () => {
    expect([MUON_NS_COEFFS.a, MUON_NS_COEFFS.b, MUON_NS_COEFFS.c]).toEqual(fixture.coefficients);
  });

  it('matches the numpy reference (scripts/muon-ns-fixture.py) on tall, wide, square, vector and rank-deficient inputs', () => {
    for (const c of fixture.cases) {
      const out = new Float64Array(c.m * c.n);
      newtonSchulz(B, Float64Array.from(c.G), newtonSchulzWorkspace(c.m, c.n), c.steps, MUON_NS_COEFFS, out);
      // same operations in a different summation order; rounding in the small singular values is amplified by
      // p'(0) = a ≈ 3.44 per step (≈ 2e4 over 8 steps): measured max difference 4.8e-13 on O(1) entries
      const err = maxAbs(out.map((x, i) => x - c.X[i]));
      expect(err, `${c.m}×${c.n}, ${c.steps} steps`).toBeLessThan(1e-12);
    }
  });

  it('is not the polar factor: a vector comes back as ≈0.70·g/‖g‖ after 5 steps (model.md §3)', () => {
    const d = 8;
    const g = randn(d);
    const out = new Float64Array(d);
    newtonSchulz(B, g, newtonSchulzWorkspace(1, d), 5, MUON_NS_COEFFS, out);
    // for a 1×d input A = XXᵀ = s², so the iteration is the scalar map s ↦ a s + b s³ + c s⁵ from s = 1
    let s = 1;
    for (let k = 0; k < 5; k++) s = MUON_NS_COEFFS.a * s + MUON_NS_COEFFS.b * s ** 3 + MUON_NS_COEFFS.c * s ** 5;
    const nrm = Math.sqrt(g.reduce((a, x) => a + x * x, 0));
    for (let i = 0; i < d; i++) expect(Math.abs(out[i] - (s * g[i]) / nrm)).toBeLessThan(1e-14);
    expect(Math.abs(s - 1)).toBeGreaterThan(0.1);
  });
});
