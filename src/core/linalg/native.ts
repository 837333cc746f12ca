/**
 * The native backend: OpenBLAS (Debian's `libopenblas0-pthread`, `libopenblas.so.0`) called through koffi (an npm
 * FFI package with prebuilt binaries; nothing is compiled). stack.md "Native linear algebra" has the measurements.
 *
 *  - products: CBLAS `cblas_dgemm`, `cblas_dsyrk`, `cblas_dgemv`, `cblas_dsymv` in row-major order (CblasRowMajor),
 *    so the `LinalgBackend` semantics map one to one;
 *  - symmetric eigen: LAPACK `dsyevd_` (divide and conquer, eigenvectors). A row-major symmetric matrix is its own
 *    column-major transpose, and the column-major eigenvector j (contiguous) is row j of the row-major result;
 *  - thin SVD / polar: LAPACK `dgesdd_` with jobz = 'S' (numpy's `svd(full_matrices=False)`). The row-major m×n G
 *    is the column-major n×m Gᵀ; polar(Gᵀ) = polar(G)ᵀ, so U_r V_rᵀ of Gᵀ in column-major order IS polar(G) in
 *    row-major order. Truncation at the numerical rank r = #{σ_j > relTol·σ_max}, as in the portable backend;
 *    polar = U_r V_rᵀ with one column-major dgemm of inner size r.
 * Fortran character arguments are passed with their hidden lengths (size_t, after the last argument), as gfortran
 * expects. OpenBLAS's thread count is set explicitly (`openblas_set_num_threads`; 1 unless SPECGD_BLAS_THREADS says
 * otherwise), so seed-parallel workers each use one core. Non-finite inputs never reach LAPACK (they return a
 * failure status first).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { checkWorkspace, type LinalgBackend, type SvdResult, type SvdWorkspace } from './backend.js';

export const NATIVE_NAME = 'openblas';

/** CBLAS enum values (cblas.h). */
const ROW_MAJOR = 101;
const COL_MAJOR = 102;
const NO_TRANS = 111;
const TRANS = 112;
const UPPER = 121;

/** The shared library looked up by default (the dynamic loader's search path; Debian's alternatives link). */
export const OPENBLAS_LIBRARY = 'libopenblas.so.0';

type Fn = (...args: unknown[]) => unknown;

interface NativeSvdWorkspace extends SvdWorkspace {
  /** column-major copy of Gᵀ (n×m), destroyed by dgesdd */
  readonly a: Float64Array;
  readonly u: Float64Array;
  readonly vt: Float64Array;
  readonly work: Float64Array;
  readonly iwork: Int32Array;
  readonly lwork: Int32Array;
}

function allFinite(a: Float64Array, len: number): boolean {
  for (let i = 0; i < len; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/** Why the native backend could not be loaded (to print) — or the backend. */
export type NativeLoad = { ok: true; backend: LinalgBackend } | { ok: false; reason: string };

/**
 * The OpenBLAS kernel family pinned on x86-64 (OPENBLAS_CORETYPE, read once when the library is loaded): OpenBLAS
 * otherwise picks its kernels by CPU (SkylakeX's AVX-512 on this Intel machine, Zen's AVX2 on an AMD one), and
 * kernels of another family round differently, so the same config and seed gave different data on two machines (the
 * quick run's figure data 8, 10, 11, 13 and claims.json: measured 2026-12-02, a reference made on a Zen machine
 * reproduced bit for bit here only with OPENBLAS_CORETYPE=Zen; Haswell differed in one file, SkylakeX in ten). Zen's
 * kernels need AVX2 and FMA only; a CPU without them keeps OpenBLAS's own choice (its provenance names the core), and
 * a user's OPENBLAS_CORETYPE is respected.
 */
export const OPENBLAS_PINNED_CORE = 'Zen';

/** Set OPENBLAS_CORETYPE to OPENBLAS_PINNED_CORE before the library loads, where the CPU runs its kernels. */
function pinOpenblasCore(): void {
  if (process.env.OPENBLAS_CORETYPE !== undefined || process.arch !== 'x64') return;
  let flags = '';
  try {
    flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '';
  } catch {
    return;
  }
  const has = new Set(flags.trim().split(/\s+/));
  if (has.has('avx2') && has.has('fma')) process.env.OPENBLAS_CORETYPE = OPENBLAS_PINNED_CORE;
}

/**
 * Load koffi and OpenBLAS and bind the kernels. `library` defaults to SPECGD_OPENBLAS or `libopenblas.so.0`;
 * `threads` to SPECGD_BLAS_THREADS or 1. Never throws: a missing package, library or symbol is a reason.
 */
export function loadNativeLinalg(library = process.env.SPECGD_OPENBLAS ?? OPENBLAS_LIBRARY, threads = Number(process.env.SPECGD_BLAS_THREADS ?? 1)): NativeLoad {
  let koffi: { load(path: string): { func(name: string, ret: string, args: string[]): Fn } };
  try {
    koffi = createRequire(import.meta.url)('koffi');
  } catch (e) {
    return { ok: false, reason: `the npm package koffi is not installed (${(e as Error).message.split('\n')[0]})` };
  }
  let lib: ReturnType<typeof koffi.load>;
  pinOpenblasCore();
  try {
    lib = koffi.load(library);
  } catch (e) {
    return { ok: false, reason: `${library} could not be loaded (${(e as Error).message.split('\n')[0]})` };
  }
  const bind = (name: string, ret: string, args: string[]): Fn => lib.func(name, ret, args);
  let k: Record<string, Fn>;
  try {
    const P = 'double *';
    k = {
      dgemm: bind('cblas_dgemm', 'void', ['int', 'int', 'int', 'int', 'int', 'int', 'double', P, 'int', P, 'int', 'double', P, 'int']),
      dsyrk: bind('cblas_dsyrk', 'void', ['int', 'int', 'int', 'int', 'int', 'double', P, 'int', 'double', P, 'int']),
      dgemv: bind('cblas_dgemv', 'void', ['int', 'int', 'int', 'int', 'double', P, 'int', P, 'int', 'double', P, 'int']),
      dsymv: bind('cblas_dsymv', 'void', ['int', 'int', 'int', 'double', P, 'int', P, 'int', 'double', P, 'int']),
      dsyevd: bind('dsyevd_', 'void', ['uint8_t *', 'uint8_t *', 'int *', P, 'int *', P, P, 'int *', 'int *', 'int *', 'int *', 'size_t', 'size_t']),
      dgesdd: bind('dgesdd_', 'void', ['uint8_t *', 'int *', 'int *', P, 'int *', P, P, 'int *', P, 'int *', P, 'int *', 'int *', 'int *', 'size_t']),
      setThreads: bind('openblas_set_num_threads', 'void', ['int']),
      getThreads: bind('openblas_get_num_threads', 'int', []),
      coreName: bind('openblas_get_corename', 'const char *', []),
      config: bind('openblas_get_config', 'const char *', []),
    };
  } catch (e) {
    return { ok: false, reason: `${library} lacks a CBLAS/LAPACK symbol (${(e as Error).message.split('\n')[0]}); install Debian's libopenblas0-pthread` };
  }
  if (!(Number.isInteger(threads) && threads >= 1)) threads = 1;
  k.setThreads(threads);
  return { ok: true, backend: nativeBackend(k, library) };
}

function nativeBackend(k: Record<string, Fn>, library: string): LinalgBackend {
  const { dgemm, dsyrk, dgemv, dsymv, dsyevd, dgesdd } = k;
  const V = Uint8Array.of('V'.charCodeAt(0));
  const U = Uint8Array.of('U'.charCodeAt(0));
  const S = Uint8Array.of('S'.charCodeAt(0));
  const iN = new Int32Array(1);
  const iM = new Int32Array(1);
  const iLda = new Int32Array(1);
  const iLdu = new Int32Array(1);
  const iLdvt = new Int32Array(1);
  const iInfo = new Int32Array(1);
  const iLwork = new Int32Array(1);
  const iLiwork = new Int32Array(1);

  // dsyevd workspaces, grown on first use for a given n (never per call once sized)
  let eigN = -1;
  let eigWork = new Float64Array(0);
  let eigIwork = new Int32Array(0);
  const eigSize = (n: number): void => {
    if (n === eigN) return;
    // workspace query (lwork = liwork = -1): optimal sizes in work[0], iwork[0]
    const w = new Float64Array(1);
    const iw = new Int32Array(1);
    const a = new Float64Array(n * n);
    const vals = new Float64Array(n);
    iN[0] = n;
    iLda[0] = n;
    iLwork[0] = -1;
    iLiwork[0] = -1;
    dsyevd(V, U, iN, a, iLda, vals, w, iLwork, iw, iLiwork, iInfo, 1, 1);
    // documented minimum for jobz = 'V' (1 + 6n + 2n², 3 + 5n) when the query returns less
    eigWork = new Float64Array(Math.max(w[0], 1 + 6 * n + 2 * n * n));
    eigIwork = new Int32Array(Math.max(iw[0], 3 + 5 * n));
    eigN = n;
  };
  const eigen = (n: number, A: Float64Array, values: Float64Array, vectors: Float64Array): boolean => {
    if (!allFinite(A, n * n)) return false;
    eigSize(n);
    vectors.set(A.subarray(0, n * n));
    iN[0] = n;
    iLda[0] = n;
    iLwork[0] = eigWork.length;
    iLiwork[0] = eigIwork.length;
    dsyevd(V, U, iN, vectors, iLda, values, eigWork, iLwork, eigIwork, iLiwork, iInfo, 1, 1);
    return iInfo[0] === 0;
  };

  const backend: LinalgBackend = {
    name: NATIVE_NAME,
    // measured 2026-12-01 (OpenBLAS 0.3.21 Zen, 1 thread, load ~4.5): dgemm 10–12 GFLOP/s at n = 8192, d = 32–64;
    // dsymv at p = 528 / 2080: 5.1 / 3.9 GFLOP/s (memory-bound); dsyrk with K = 504: 14–24 GFLOP/s
    relativeCost: { symv: 3, syrk: 1 },
    info: { library, openblasCore: String(k.coreName()), openblasConfig: String(k.config()), blasThreads: Number(k.getThreads()) },
    gemm(transA, transB, M, N, K, alpha, A, B, beta, C) {
      if (M === 0 || N === 0) return;
      if (K === 0) {
        if (beta === 0) C.fill(0, 0, M * N);
        else if (beta !== 1) for (let i = 0; i < M * N; i++) C[i] *= beta;
        return;
      }
      // β = 0 in BLAS overwrites C without reading it (NaN in C is ignored), as the seam requires
      dgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, M, N, K, alpha, A, transA ? M : K, B, transB ? K : N, beta, C, N);
    },
    syrk(trans, N, K, alpha, A, beta, C) {
      if (N === 0) return;
      if (K === 0) {
        for (let i = 0; i < N; i++) for (let j = i; j < N; j++) C[i * N + j] = beta === 0 ? 0 : beta * C[i * N + j];
        return;
      }
      dsyrk(ROW_MAJOR, UPPER, trans ? TRANS : NO_TRANS, N, K, alpha, A, trans ? N : K, beta, C, N);
    },
    gemv(trans, M, N, alpha, A, x, beta, y) {
      if (M === 0 || N === 0) {
        const ny = trans ? N : M;
        if (beta === 0) y.fill(0, 0, ny);
        else if (beta !== 1) for (let i = 0; i < ny; i++) y[i] *= beta;
        return;
      }
      dgemv(ROW_MAJOR, trans ? TRANS : NO_TRANS, M, N, alpha, A, N, x, 1, beta, y, 1);
    },
    symv(N, alpha, A, x, beta, y) {
      if (N === 0) return;
      dsymv(ROW_MAJOR, UPPER, N, alpha, A, N, x, 1, beta, y, 1);
    },
    symEigen(n, A, values, vectors) {
      return eigen(n, A, values, vectors);
    },
    symEigenProject(n, A, x, values, coords, scratch) {
      // eigenvectors into scratch (row j = v_j), then coords = V x
      if (!eigen(n, A, values, scratch)) return false;
      dgemv(ROW_MAJOR, NO_TRANS, n, n, 1, scratch, n, x, 1, 0, coords, 1);
      return true;
    },
    svdWorkspace(m, n) {
      const p = Math.min(m, n);
      // column-major Gᵀ is n×m: M' = n rows, N' = m columns; U is M'×p, VT is p×N'
      const Mc = n;
      const Nc = m;
      const a = new Float64Array(Mc * Nc);
      const u = new Float64Array(Mc * p);
      const vt = new Float64Array(p * Nc);
      const sigma = new Float64Array(p);
      const iwork = new Int32Array(8 * Math.max(1, p));
      const q = new Float64Array(1);
      let lw = 1;
      if (p > 0) {
        iM[0] = Mc;
        iN[0] = Nc;
        iLda[0] = Mc;
        iLdu[0] = Mc;
        iLdvt[0] = p;
        iLwork[0] = -1;
        dgesdd(S, iM, iN, a, iLda, sigma, u, iLdu, vt, iLdvt, q, iLwork, iwork, iInfo, 1);
        lw = Math.max(1, Math.ceil(q[0]));
      }
      const ws: NativeSvdWorkspace = { backend: NATIVE_NAME, m, n, sigma, a, u, vt, work: new Float64Array(lw), iwork, lwork: Int32Array.of(lw) };
      return ws;
    },
    thinSvdPolar(G, wsIn, relTol, polarOut): SvdResult {
      const ws = checkWorkspace<NativeSvdWorkspace>(wsIn, NATIVE_NAME);
      const { m, n, a, u, vt, sigma, work, iwork } = ws;
      const p = Math.min(m, n);
      const mn = m * n;
      if (!allFinite(G, mn)) {
        sigma.fill(Number.NaN);
        return { rank: 0, sMax: Number.NaN, converged: false };
      }
      if (p === 0) return { rank: 0, sMax: 0, converged: true };
      a.set(G.subarray(0, mn));
      iM[0] = n;
      iN[0] = m;
      iLda[0] = n;
      iLdu[0] = n;
      iLdvt[0] = p;
      dgesdd(S, iM, iN, a, iLda, sigma, u, iLdu, vt, iLdvt, work, ws.lwork, iwork, iInfo, 1);
      const sMax = sigma[0];
      const converged = iInfo[0] === 0 && Number.isFinite(sMax);
      const cut = relTol * sMax;
      let rank = 0;
      while (rank < p && sigma[rank] > cut) rank++;
      if (polarOut) {
        if (rank === 0) polarOut.fill(0, 0, mn);
        // column-major (n×m) polar(Gᵀ) = U_r VT_r  ==  row-major (m×n) polar(G)
        else dgemm(COL_MAJOR, NO_TRANS, NO_TRANS, n, m, rank, 1, u, n, vt, p, 0, polarOut, n);
      }
      return { rank, sMax, converged };
    },
  };
  return backend;
}
