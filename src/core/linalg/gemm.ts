/**
 * Portable row-major product kernels on Float64Array (the portable backend's BLAS): gemm, syrk, gemv, symv with the
 * semantics documented on `LinalgBackend` (backend.ts). The inner loops always run over contiguous memory.
 *
 * Why not ml-matrix here: its `Matrix` stores rows as separate arrays and every product allocates a new matrix;
 * stack.md measured its matmul slower than a hand Float64Array loop.
 */

/** Row-major product kernels. The inner loop always runs over contiguous memory (i-k-j order). */
export function gemm(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number, A: Float64Array, B: Float64Array, beta: number, C: Float64Array): void {
  const MN = M * N;
  if (beta === 0) C.fill(0, 0, MN);
  else if (beta !== 1) for (let i = 0; i < MN; i++) C[i] *= beta;
  if (transA && !transB) {
    gemmTN(M, N, K, alpha, A, B, C, false);
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

/**
 * C ← C + α·AᵀB with A stored K×M, B stored K×N (no β: the caller scaled C). With `upper` only the blocks on or
 * above the diagonal are accumulated (syrk with B = A: every entry j ≥ i is written, a few just below the diagonal
 * too).
 */
function gemmTN(M: number, N: number, K: number, alpha: number, A: Float64Array, B: Float64Array, C: Float64Array, upper: boolean): void {
  // C[i,j] += α Σ_k A[k,i] B[k,j] (A stored K×M): a 4×2 block of C held in registers while k runs over a block
  // of KC rows of A and B (6 loads per 8 FMAs, no traffic on C inside the k loop); the KC-row blocks of A and B
  // stay in cache while every (i, j) block passes over them. This is the finite-sample gradient's (diag(r)Z)ᵀX.
  // Columns in blocks of NC so the KC×NC block of B stays in cache for wide C (syrk of the moment operator).
  const KC = 256;
  const NC = 256;
  const M4 = M - (M % 4);
  const N2 = N - (N % 2);
  for (let k0 = 0; k0 < K; k0 += KC) {
    const k1 = Math.min(K, k0 + KC);
    for (let j0 = 0; j0 < N2; j0 += NC) {
      const j1 = Math.min(N2, j0 + NC);
      for (let i = 0; i < M4; i += 4) {
        for (let j = Math.max(j0, upper ? i : 0); j < j1; j += 2) {
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
      }
    }
    for (let i = 0; i < M4 && N2 < N; i += 4) {
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
    for (let i = M4; i < M; i++) {
      const ci = i * N;
      for (let k = k0; k < k1; k++) {
        const a = alpha * A[k * M + i];
        if (a === 0) continue;
        const bk = k * N;
        for (let j = upper ? i : 0; j < N; j++) C[ci + j] += a * B[bk + j];
      }
    }
  }
}


/**
 * Upper triangle of C ← α·AᵀA + β·C (trans, A stored K×N) or α·AAᵀ + β·C (A stored N×K); the strict lower triangle
 * is unspecified on return. AᵀA runs on gemm's register-blocked AᵀB kernel restricted to the upper blocks.
 */
export function syrk(trans: boolean, N: number, K: number, alpha: number, A: Float64Array, beta: number, C: Float64Array): void {
  for (let i = 0; i < N; i++) {
    const r = i * N;
    if (beta === 0) C.fill(0, r + i, r + N);
    else if (beta !== 1) for (let j = i; j < N; j++) C[r + j] *= beta;
  }
  if (trans) gemmTN(N, N, K, alpha, A, A, C, true);
  else {
    for (let i = 0; i < N; i++) {
      const ri = i * K;
      for (let j = i; j < N; j++) {
        const rj = j * K;
        let s = 0;
        for (let k = 0; k < K; k++) s += A[ri + k] * A[rj + k];
        C[i * N + j] += alpha * s;
      }
    }
  }
}

/** y ← α·A·x + β·y (A stored M×N, y length M) or, with `trans`, y ← α·Aᵀx + β·y (y length N). */
export function gemv(trans: boolean, M: number, N: number, alpha: number, A: Float64Array, x: Float64Array, beta: number, y: Float64Array): void {
  const ny = trans ? N : M;
  if (beta === 0) y.fill(0, 0, ny);
  else if (beta !== 1) for (let i = 0; i < ny; i++) y[i] *= beta;
  if (trans) {
    for (let i = 0; i < M; i++) {
      const a = alpha * x[i];
      if (a === 0) continue;
      const r = i * N;
      for (let j = 0; j < N; j++) y[j] += a * A[r + j];
    }
  } else {
    for (let i = 0; i < M; i++) {
      const r = i * N;
      let s = 0;
      for (let j = 0; j < N; j++) s += A[r + j] * x[j];
      y[i] += alpha * s;
    }
  }
}

/** y ← α·A·x + β·y for symmetric A (N×N) from its upper triangle: row i contributes A_ij x_j (j ≥ i) to y_i and A_ij x_i to y_j (j > i). */
export function symv(N: number, alpha: number, A: Float64Array, x: Float64Array, beta: number, y: Float64Array): void {
  if (beta === 0) y.fill(0, 0, N);
  else if (beta !== 1) for (let i = 0; i < N; i++) y[i] *= beta;
  for (let i = 0; i < N; i++) {
    const r = i * N;
    const xi = alpha * x[i];
    let s = A[r + i] * x[i];
    for (let j = i + 1; j < N; j++) {
      const a = A[r + j];
      s += a * x[j];
      y[j] += a * xi;
    }
    y[i] += alpha * s;
  }
}
