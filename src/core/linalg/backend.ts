/**
 * The linear-algebra backend seam (architecture.md practice 4): dense row-major Float64Array kernels behind one
 * interface, so the native BLAS/LAPACK backend (native.ts) replaces the portable one (portable.ts) without touching
 * `sim/`. Which one runs is decided in one place, `defaultBackend()` (select.ts).
 *
 * Conventions: every matrix is row-major with explicit sizes; A (r×c) has entry (i, j) at A[i·c + j]. Kernels
 * never allocate per call: callers create workspaces once (outside any step loop) with the `*Workspace` factories
 * (a backend may keep its own scratch, sized on first use).
 */

/** Workspace of the thin SVD / polar factor for an m×n input (the rest of the buffers are backend-specific). */
export interface SvdWorkspace {
  /** name of the backend that made it (a workspace is only valid with that backend) */
  readonly backend: string;
  readonly m: number;
  readonly n: number;
  /** singular values of the last call, descending (length min(m, n)) */
  readonly sigma: Float64Array;
}

export interface SvdResult {
  /** Numerical rank r: singular values > relTol · s_max. */
  rank: number;
  /** Largest singular value. */
  sMax: number;
  /** false when the decomposition failed (non-finite input, iteration cap, LAPACK info ≠ 0). */
  converged: boolean;
}

export interface LinalgBackend {
  /** "portable-float64" or "openblas" (recorded in provenance) */
  readonly name: string;
  /** Details for provenance (for OpenBLAS: its core name, version/config string and thread count). */
  readonly info: Readonly<Record<string, string | number>>;
  /**
   * Measured cost per multiply-add of `symv` and `syrk` relative to `gemm` on large operands (used only to choose
   * between equivalent algorithms, e.g. sim/moment.ts; never to change a result's meaning).
   */
  readonly relativeCost: { readonly symv: number; readonly syrk: number };
  /**
   * General product C ← α·op(A)·op(B) + β·C, op(A) M×K, op(B) K×N, C M×N (row-major). `transA`: A is stored
   * K×M; `transB`: B is stored N×K. β = 0 overwrites C (its old content, even NaN, is ignored).
   */
  gemm(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number, A: Float64Array, B: Float64Array, beta: number, C: Float64Array): void;
  /**
   * Symmetric rank-K update of the UPPER triangle of C (N×N, entries j ≥ i; the strict lower triangle is
   * unspecified on return and never read): C ← α·op(A)·op(A)ᵀ + β·C with `trans` false: A stored N×K, op(A)op(A)ᵀ = AAᵀ; `trans` true: A stored
   * K×N, AᵀA. β = 0 overwrites. `symmetrize` copies the upper triangle into the lower one when the full matrix is
   * needed.
   */
  syrk(trans: boolean, N: number, K: number, alpha: number, A: Float64Array, beta: number, C: Float64Array): void;
  /** y ← α·op(A)·x + β·y with A stored M×N; `trans` false: op(A) = A (y length M), true: Aᵀ (y length N). */
  gemv(trans: boolean, M: number, N: number, alpha: number, A: Float64Array, x: Float64Array, beta: number, y: Float64Array): void;
  /** y ← α·A·x + β·y for the symmetric N×N `A`, reading only its UPPER triangle (entries j ≥ i). */
  symv(N: number, alpha: number, A: Float64Array, x: Float64Array, beta: number, y: Float64Array): void;
  /**
   * Symmetric eigendecomposition A = Σ_j λ_j v_j v_jᵀ of the n×n symmetric `A` (only read): eigenvalues in
   * ascending order in `values`, eigenvector j in ROW j of `vectors` (n×n). `work` has length ≥ n.
   * Returns false if the solver did not converge (non-finite input).
   */
  symEigen(n: number, A: Float64Array, values: Float64Array, vectors: Float64Array, work: Float64Array): boolean;
  /**
   * The eigenvalues of the n×n symmetric `A` (ascending, into `values`) and the coordinates coords[j] = v_jᵀx of
   * `x` along the eigenvectors of `symEigen` (same order, same signs), without forming the eigenvectors where the
   * backend can. `scratch` is n×n, `work` length ≥ n. Returns false as `symEigen` does.
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

/** Copy the upper triangle of the n×n row-major `C` into its lower triangle (C_ji ← C_ij for j > i). */
export function symmetrize(n: number, C: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const r = i * n;
    for (let j = i + 1; j < n; j++) C[j * n + i] = C[r + j];
  }
}

/** Throws unless `ws` was made by `backend` (workspaces carry backend-specific buffers). */
export function checkWorkspace<T extends SvdWorkspace>(ws: SvdWorkspace, backend: string): T {
  if (ws.backend !== backend) throw new Error(`SVD workspace of backend ${ws.backend} used with backend ${backend}`);
  return ws as T;
}
