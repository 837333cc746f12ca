/**
 * The linear-algebra backend seam (architecture.md practice 4): dense row-major Float64Array kernels behind one
 * interface, so a native BLAS/LAPACK backend can replace the portable one without touching `sim/`.
 *
 * Conventions: every matrix is row-major with explicit sizes; A (r×c) has entry (i, j) at A[i·c + j]. Kernels
 * never allocate: callers create workspaces once (outside any step loop) with the `*Workspace` factories.
 *
 * Why not ml-matrix here: its `Matrix` stores rows as separate arrays and every product allocates a new matrix;
 * stack.md measured its SVD at 490 ms for 256² (numpy 17 ms) and its matmul slower than a hand Float64Array loop.
 * Its EigenvalueDecomposition (JAMA tred2/tql2) is correct, so `symEigen` below is a Float64Array port of the same
 * algorithm (tests compare the two), with an iteration cap so a non-finite input returns a status instead of
 * spinning forever.
 */

/** Workspace of the thin SVD / polar factor for an m×n input. */
export interface SvdWorkspace {
  readonly m: number;
  readonly n: number;
  /** internal buffers (sized for p = min(m, n), q = max(m, n)) */
  readonly gram: Float64Array;
  readonly vt: Float64Array;
  readonly bt: Float64Array;
  readonly sigma: Float64Array;
  readonly colNorm2: Float64Array;
  readonly eigWork: Float64Array;
  readonly eigValues: Float64Array;
  readonly order: Int32Array;
  readonly tmp: Float64Array;
  readonly gt: Float64Array;
}

export interface SvdResult {
  /** Numerical rank r: singular values > relTol · s_max. */
  rank: number;
  /** Largest singular value. */
  sMax: number;
  /** false when an iteration cap was hit (non-finite input or a pathological matrix). */
  converged: boolean;
}

export interface LinalgBackend {
  readonly name: string;
  /**
   * General product C ← α·op(A)·op(B) + β·C, op(A) M×K, op(B) K×N, C M×N (row-major). `transA`: A is stored
   * K×M; `transB`: B is stored N×K. β = 0 overwrites C (its old content, even NaN, is ignored).
   */
  gemm(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number, A: Float64Array, B: Float64Array, beta: number, C: Float64Array): void;
  /**
   * Symmetric eigendecomposition A = Σ_j λ_j v_j v_jᵀ of the n×n symmetric `A` (only read): eigenvalues in
   * ascending order in `values`, eigenvector j in ROW j of `vectors` (n×n). `work` has length ≥ n.
   * Returns false if the QL iteration did not converge (non-finite input).
   */
  symEigen(n: number, A: Float64Array, values: Float64Array, vectors: Float64Array, work: Float64Array): boolean;
  /**
   * The eigenvalues of the n×n symmetric `A` (ascending, into `values`) and the coordinates coords[j] = v_jᵀx of
   * `x` along the eigenvectors of `symEigen` (same order, same signs), without forming the eigenvectors. `scratch`
   * is n×n, `work` length ≥ n. Returns false as `symEigen` does.
   */
  symEigenProject(n: number, A: Float64Array, x: Float64Array, values: Float64Array, coords: Float64Array, scratch: Float64Array, work: Float64Array): boolean;
  svdWorkspace(m: number, n: number): SvdWorkspace;
  /**
   * Thin SVD G = U S Vᵀ of the m×n `G`, truncated at the numerical rank r (singular values ≤ relTol·s_max are
   * numerically zero): writes polar(G) = U_r V_rᵀ (m×n) into `polarOut` when given, and the singular values
   * (descending, length min(m, n)) into `ws.sigma`.
   */
  thinSvdPolar(G: Float64Array, ws: SvdWorkspace, relTol: number, polarOut: Float64Array | null): SvdResult;
}

/** Row-major product kernels. The inner loop always runs over contiguous memory (i-k-j order). */
function gemm(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number, A: Float64Array, B: Float64Array, beta: number, C: Float64Array): void {
  const MN = M * N;
  if (beta === 0) C.fill(0, 0, MN);
  else if (beta !== 1) for (let i = 0; i < MN; i++) C[i] *= beta;
  if (transA && !transB) {
    // C[i,j] += α Σ_k A[k,i] B[k,j] (A stored K×M): a 4×2 block of C held in registers while k runs over a block
    // of KC rows of A and B (6 loads per 8 FMAs, no traffic on C inside the k loop); the KC-row blocks of A and B
    // stay in cache while every (i, j) block passes over them. This is the finite-sample gradient's (diag(r)Z)ᵀX.
    const KC = 256;
    const M4 = M - (M % 4);
    const N2 = N - (N % 2);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const k1 = Math.min(K, k0 + KC);
      for (let i = 0; i < M4; i += 4) {
        for (let j = 0; j < N2; j += 2) {
          let s00 = 0;
          let s01 = 0;
          let s10 = 0;
          let s11 = 0;
          let s20 = 0;
          let s21 = 0;
          let s30 = 0;
          let s31 = 0;
          let pa = k0 * M + i;
          let pb = k0 * N + j;
          for (let k = k0; k < k1; k++) {
            const a0 = A[pa];
            const a1 = A[pa + 1];
            const a2 = A[pa + 2];
            const a3 = A[pa + 3];
            const b0 = B[pb];
            const b1 = B[pb + 1];
            s00 += a0 * b0;
            s01 += a0 * b1;
            s10 += a1 * b0;
            s11 += a1 * b1;
            s20 += a2 * b0;
            s21 += a2 * b1;
            s30 += a3 * b0;
            s31 += a3 * b1;
            pa += M;
            pb += N;
          }
          const c = i * N + j;
          C[c] += alpha * s00;
          C[c + 1] += alpha * s01;
          C[c + N] += alpha * s10;
          C[c + N + 1] += alpha * s11;
          C[c + 2 * N] += alpha * s20;
          C[c + 2 * N + 1] += alpha * s21;
          C[c + 3 * N] += alpha * s30;
          C[c + 3 * N + 1] += alpha * s31;
        }
        if (N2 < N) {
          const j = N - 1;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let k = k0; k < k1; k++) {
            const b = B[k * N + j];
            const pa = k * M + i;
            s0 += A[pa] * b;
            s1 += A[pa + 1] * b;
            s2 += A[pa + 2] * b;
            s3 += A[pa + 3] * b;
          }
          C[i * N + j] += alpha * s0;
          C[(i + 1) * N + j] += alpha * s1;
          C[(i + 2) * N + j] += alpha * s2;
          C[(i + 3) * N + j] += alpha * s3;
        }
      }
      for (let i = M4; i < M; i++) {
        const ci = i * N;
        for (let k = k0; k < k1; k++) {
          const a = alpha * A[k * M + i];
          if (a === 0) continue;
          const bk = k * N;
          for (let j = 0; j < N; j++) C[ci + j] += a * B[bk + j];
        }
      }
    }
  } else if (!transB) {
    // C[i,:] += α A[i,k] B[k,:]: four rows of C per pass over a row of B (4 FMAs per load of B[k,j]); K in blocks so
    // that block of B stays in cache.
    const sa = K;
    const sk = 1;
    const KC = 128;
    for (let k0 = 0; k0 < K; k0 += KC) {
      const k1 = Math.min(K, k0 + KC);
      let i = 0;
      for (; i + 3 < M; i += 4) {
        const c0 = i * N;
        const c1 = c0 + N;
        const c2 = c1 + N;
        const c3 = c2 + N;
        for (let k = k0; k < k1; k++) {
          const ak = i * sa + k * sk;
          const a0 = alpha * A[ak];
          const a1 = alpha * A[ak + sa];
          const a2 = alpha * A[ak + 2 * sa];
          const a3 = alpha * A[ak + 3 * sa];
          if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue; // sparse / block-diagonal W (on the manifold)
          const bk = k * N;
          for (let j = 0; j < N; j++) {
            const b = B[bk + j];
            C[c0 + j] += a0 * b;
            C[c1 + j] += a1 * b;
            C[c2 + j] += a2 * b;
            C[c3 + j] += a3 * b;
          }
        }
      }
      for (; i < M; i++) {
        const ci = i * N;
        for (let k = k0; k < k1; k++) {
          const a = alpha * A[i * sa + k * sk];
          if (a === 0) continue;
          const bk = k * N;
          for (let j = 0; j < N; j++) C[ci + j] += a * B[bk + j];
        }
      }
    }
  } else if (!transA && transB) {
    // C[i,j] += α Σ_k A[i,k] B[j,k]: contiguous dot products in a 2×4 register block (6 loads per 8 FMAs), rows of
    // B taken in blocks of JB (~16 KB) so they stay in cache while every pair of rows of A passes over them.
    const JB = Math.max(4, Math.floor(2048 / Math.max(1, K)) * 4);
    for (let j0 = 0; j0 < N; j0 += JB) {
      const j1 = Math.min(N, j0 + JB);
      let i = 0;
      for (; i + 1 < M; i += 2) {
        const a0 = i * K;
        const a1 = a0 + K;
        const c0 = i * N;
        const c1 = c0 + N;
        let j = j0;
        for (; j + 3 < j1; j += 4) {
          const b0 = j * K;
          const b1 = b0 + K;
          const b2 = b1 + K;
          const b3 = b2 + K;
          let s00 = 0;
          let s01 = 0;
          let s02 = 0;
          let s03 = 0;
          let s10 = 0;
          let s11 = 0;
          let s12 = 0;
          let s13 = 0;
          for (let k = 0; k < K; k++) {
            const x0 = A[a0 + k];
            const x1 = A[a1 + k];
            const y0 = B[b0 + k];
            const y1 = B[b1 + k];
            const y2 = B[b2 + k];
            const y3 = B[b3 + k];
            s00 += x0 * y0;
            s01 += x0 * y1;
            s02 += x0 * y2;
            s03 += x0 * y3;
            s10 += x1 * y0;
            s11 += x1 * y1;
            s12 += x1 * y2;
            s13 += x1 * y3;
          }
          C[c0 + j] += alpha * s00;
          C[c0 + j + 1] += alpha * s01;
          C[c0 + j + 2] += alpha * s02;
          C[c0 + j + 3] += alpha * s03;
          C[c1 + j] += alpha * s10;
          C[c1 + j + 1] += alpha * s11;
          C[c1 + j + 2] += alpha * s12;
          C[c1 + j + 3] += alpha * s13;
        }
        for (; j < j1; j++) {
          const b0 = j * K;
          let s0 = 0;
          let s1 = 0;
          for (let k = 0; k < K; k++) {
            s0 += A[a0 + k] * B[b0 + k];
            s1 += A[a1 + k] * B[b0 + k];
          }
          C[c0 + j] += alpha * s0;
          C[c1 + j] += alpha * s1;
        }
      }
      for (; i < M; i++) {
        const a0 = i * K;
        for (let j = j0; j < j1; j++) {
          const b0 = j * K;
          let s = 0;
          for (let k = 0; k < K; k++) s += A[a0 + k] * B[b0 + k];
          C[i * N + j] += alpha * s;
        }
      }
    }
  } else {
    // Both transposed (not used on hot paths): C[i,j] += α Σ_k A[k,i] B[j,k].
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += A[k * M + i] * B[j * K + k];
        C[i * N + j] += alpha * s;
      }
    }
  }
}

/** √(a² + b²) without destructive underflow or overflow. */
function hypot2(a: number, b: number): number {
  const aa = Math.abs(a);
  const ab = Math.abs(b);
  if (aa > ab) {
    const r = b / a;
    return aa * Math.sqrt(1 + r * r);
  }
  if (b !== 0) {
    const r = a / b;
    return ab * Math.sqrt(1 + r * r);
  }
  return 0;
}

/**
 * Symmetric eigendecomposition by Householder tridiagonalization (tred2) and implicit QL (tql2): the JAMA /
 * EISPACK algorithm, as in ml-matrix's EigenvalueDecomposition, ported to a flat array. `V` is worked on in
 * transposed storage (V[a·n + b] = logical V(b, a)) so the hot loops are row scans; at the end row j of `V` is
 * eigenvector j.
 */
function symEigen(n: number, A: Float64Array, d: Float64Array, V: Float64Array, e: Float64Array): boolean {
  return symEigenCore(n, A, d, V, e, null, null);
}

/**
 * Eigenvalues of the symmetric n×n `A` (ascending, into `values`) and the coordinates coords[j] = v_jᵀx of `x` in
 * its eigenbasis, without forming the eigenvectors: the tql2 rotations are applied to Hᵀx (H the tridiagonalizing
 * transform) instead of to the n columns of H, which removes the O(n³) eigenvector update. `V` (n×n) is scratch.
 */
function symEigenProject(n: number, A: Float64Array, x: Float64Array, values: Float64Array, coords: Float64Array, V: Float64Array, work: Float64Array): boolean {
  return symEigenCore(n, A, values, V, work, x, coords);
}

/** tred2 + tql2; with `x` and `z` given, z = (v_jᵀx)_j is rotated in place of the eigenvectors (V holds H only). */
function symEigenCore(n: number, A: Float64Array, d: Float64Array, V: Float64Array, e: Float64Array, x: Float64Array | null, z: Float64Array | null): boolean {
  // V[j*n+i] = logical V(i, j) = A(i, j) (A symmetric, so a plain copy).
  for (let i = 0; i < n * n; i++) V[i] = A[i];
  if (n === 1) {
    d[0] = A[0];
    V[0] = 1;
    if (x && z) z[0] = x[0];
    return Number.isFinite(A[0]);
  }
  // ---- tred2 ----
  for (let j = 0; j < n; j++) d[j] = V[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[j * n + i - 1];
        V[j * n + i] = 0;
        V[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[i * n + j] = f;
        g = e[j] + V[j * n + j] * f;
        const row = j * n;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[row + k] * d[k];
          e[k] += V[row + k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        const row = j * n;
        for (let k = j; k <= i - 1; k++) V[row + k] -= f * e[k] + g * d[k];
        d[j] = V[row + i - 1];
        V[row + i] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[i * n + n - 1] = V[i * n + i];
    V[i * n + i] = 1;
    const h = d[i + 1];
    const r1 = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[r1 + k] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        const rj = j * n;
        for (let k = 0; k <= i; k++) g += V[r1 + k] * V[rj + k];
        for (let k = 0; k <= i; k++) V[rj + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[r1 + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[j * n + n - 1];
    V[j * n + n - 1] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
  // Projected mode: z_a = (column a of H)ᵀ x (row a of V in transposed storage); the rotations below act on z.
  const project = x !== null && z !== null;
  if (project) {
    for (let a = 0; a < n; a++) {
      let s = 0;
      const ra = a * n;
      for (let b = 0; b < n; b++) s += V[ra + b] * x[b];
      z[a] = s;
    }
  }
  // ---- tql2 ----
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = Number.EPSILON;
  const maxIter = 60;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    if (!Number.isFinite(tst1)) return false;
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > maxIter) return false;
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = hypot2(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypot2(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (project) {
            h = z![i + 1];
            z![i + 1] = s * z![i] + c * h;
            z![i] = c * z![i] - s * h;
          } else {
            const ri = i * n;
            const ri1 = ri + n;
            for (let k = 0; k < n; k++) {
              h = V[ri1 + k];
              V[ri1 + k] = s * V[ri + k] + c * h;
              V[ri + k] = c * V[ri + k] - s * h;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  // Sort ascending (selection sort, swapping eigenvector rows).
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i];
    for (let j = i + 1; j < n; j++) {
      if (d[j] < p) {
        k = j;
        p = d[j];
      }
    }
    if (k !== i) {
      d[k] = d[i];
      d[i] = p;
      if (project) {
        const t = z![i];
        z![i] = z![k];
        z![k] = t;
        continue;
      }
      const ri = i * n;
      const rk = k * n;
      for (let j = 0; j < n; j++) {
        const t = V[ri + j];
        V[ri + j] = V[rk + j];
        V[rk + j] = t;
      }
    }
  }
  return true;
}

function svdWorkspace(m: number, n: number): SvdWorkspace {
  const p = Math.min(m, n);
  const q = Math.max(m, n);
  return {
    m,
    n,
    gram: new Float64Array(p * p),
    vt: new Float64Array(p * p),
    bt: new Float64Array(p * q),
    sigma: new Float64Array(p),
    colNorm2: new Float64Array(p),
    eigWork: new Float64Array(p),
    eigValues: new Float64Array(p),
    order: new Int32Array(p),
    tmp: new Float64Array(p),
    gt: m < n ? new Float64Array(m * n) : new Float64Array(0),
  };
}

/** Relative orthogonality threshold of the one-sided Jacobi sweeps: |b_iᵀb_j| ≤ JACOBI_TOL·‖b_i‖‖b_j‖. */
const JACOBI_TOL = 4 * Number.EPSILON;
const JACOBI_MAX_SWEEPS = 40;

/**
 * Thin SVD and polar factor, accurate to the working precision in absolute terms (σ_i ± O(ε)·s_max, U and V
 * orthonormal to O(ε)), which is what truncation at relTol = 1e-12 needs. Method (for m ≥ n; a wide G is handled
 * through Gᵀ, polar(Gᵀ) = polar(G)ᵀ):
 *   1. eigendecomposition GᵀG = V Λ Vᵀ (tred2/tql2): a cheap preconditioner only — eigenvectors of GᵀG alone
 *      resolve singular values only down to √ε·s_max ≈ 1e-8·s_max;
 *   2. B = G V, whose columns are then nearly orthogonal;
 *   3. one-sided (Hestenes) Jacobi on the columns of B, accumulating the rotations into V, until every pair is
 *      orthogonal to JACOBI_TOL (typically 1–2 sweeps after step 1); then σ_j = ‖b_j‖, u_j = b_j/σ_j;
 *   4. rank r = #{σ_j > relTol·s_max}; polar(G) = Σ_{j<r} u_j v_jᵀ.
 * B and V are stored transposed (rows = columns of B / right singular vectors) so rotations touch contiguous rows.
 */
function thinSvdPolar(G: Float64Array, ws: SvdWorkspace, relTol: number, polarOut: Float64Array | null): SvdResult {
  const { m: m0, n: n0 } = ws;
  let src = G;
  let m = m0;
  let n = n0;
  if (m0 < n0) {
    // work on Gᵀ (n0×m0)
    const gt = ws.gt;
    for (let i = 0; i < m0; i++) for (let j = 0; j < n0; j++) gt[j * m0 + i] = G[i * n0 + j];
    src = gt;
    m = n0;
    n = m0;
  }
  const { gram, vt, bt, sigma, colNorm2, eigWork, eigValues, order, tmp } = ws;
  // 1. gram = GᵀG (n×n)
  gemm(true, false, n, n, m, 1, src, src, 0, gram);
  let converged = symEigen(n, gram, eigValues, vt, eigWork);
  // 2. Bᵀ = Vᵀ Gᵀ: row j of bt = (G v_j)ᵀ, i.e. bt[j, i] = Σ_k G[i,k] v_j[k]  → bt = vt · srcᵀ (NT product)
  gemm(false, true, n, m, n, 1, vt, src, 0, bt);
  // 3. one-sided Jacobi on rows of bt, rotations mirrored on rows of vt
  for (let j = 0; j < n; j++) {
    let s = 0;
    const r = j * m;
    for (let i = 0; i < m; i++) s += bt[r + i] * bt[r + i];
    colNorm2[j] = s;
  }
  let sweep = 0;
  for (; sweep < JACOBI_MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      const rp = p * m;
      const vp = p * n;
      for (let q = p + 1; q < n; q++) {
        const alpha = colNorm2[p];
        const beta = colNorm2[q];
        if (alpha === 0 || beta === 0) continue;
        const rq = q * m;
        let gamma = 0;
        for (let i = 0; i < m; i++) gamma += bt[rp + i] * bt[rq + i];
        if (Math.abs(gamma) <= JACOBI_TOL * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        // rotation that zeroes the (p, q) entry of BᵀB: ζ = (β − α)/(2γ), t = sgn(ζ)/(|ζ| + √(1 + ζ²))
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        let np = 0;
        let nq = 0;
        for (let i = 0; i < m; i++) {
          const x = bt[rp + i];
          const y = bt[rq + i];
          const xn = c * x - s * y;
          const yn = s * x + c * y;
          bt[rp + i] = xn;
          bt[rq + i] = yn;
          np += xn * xn;
          nq += yn * yn;
        }
        colNorm2[p] = np;
        colNorm2[q] = nq;
        const vq = q * n;
        for (let i = 0; i < n; i++) {
          const x = vt[vp + i];
          const y = vt[vq + i];
          vt[vp + i] = c * x - s * y;
          vt[vq + i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  if (sweep === JACOBI_MAX_SWEEPS) converged = false;
  // 4. singular values (recomputed norms), descending order
  let sMax = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    const r = j * m;
    for (let i = 0; i < m; i++) s += bt[r + i] * bt[r + i];
    tmp[j] = Math.sqrt(s);
    order[j] = j;
    if (tmp[j] > sMax) sMax = tmp[j];
  }
  if (!Number.isFinite(sMax)) converged = false;
  // insertion sort of `order` by descending σ (n is small; stable, no allocation)
  for (let i = 1; i < n; i++) {
    const oi = order[i];
    const si = tmp[oi];
    let k = i - 1;
    while (k >= 0 && tmp[order[k]] < si) {
      order[k + 1] = order[k];
      k--;
    }
    order[k + 1] = oi;
  }
  for (let j = 0; j < n; j++) sigma[j] = tmp[order[j]];
  const cut = relTol * sMax;
  let rank = 0;
  while (rank < n && sigma[rank] > cut) rank++;
  if (polarOut) {
    // polar = Σ_{j<r} u_j v_jᵀ with u_j = b_j/σ_j. In the transposed case this is polar(Gᵀ) and we write its
    // transpose: polar(G) = Σ v_j u_jᵀ.
    polarOut.fill(0, 0, m0 * n0);
    for (let jj = 0; jj < rank; jj++) {
      const j = order[jj];
      const inv = 1 / tmp[j];
      const rb = j * m;
      const rv = j * n;
      if (m0 >= n0) {
        // polarOut (m×n) [i, k] += b_j[i]/σ_j · v_j[k]
        for (let i = 0; i < m; i++) {
          const u = bt[rb + i] * inv;
          if (u === 0) continue;
          const ro = i * n;
          for (let k = 0; k < n; k++) polarOut[ro + k] += u * vt[rv + k];
        }
      } else {
        // polarOut (m0×n0 = n×m) [k, i] += v_j[k] · b_j[i]/σ_j
        for (let k = 0; k < n; k++) {
          const v = vt[rv + k] * inv;
          if (v === 0) continue;
          const ro = k * m;
          for (let i = 0; i < m; i++) polarOut[ro + i] += v * bt[rb + i];
        }
      }
    }
  }
  return { rank, sMax, converged };
}

/** The portable backend: plain Float64Array loops, no dependencies. */
export const portableLinalg: LinalgBackend = {
  name: 'portable-float64',
  gemm,
  symEigen,
  symEigenProject,
  svdWorkspace,
  thinSvdPolar,
};

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
