/** The portable backend: plain Float64Array loops, no dependencies (always available; the reference for native). */
import type { LinalgBackend } from './backend.js';
import { gemm, gemv, symv, syrk } from './gemm.js';
import { symEigen, symEigenProject } from './symeigen.js';
import { PORTABLE_NAME, svdWorkspace, thinSvdPolar } from './svd.js';

export const portableLinalg: LinalgBackend = {
  name: PORTABLE_NAME,
  info: {},
  // measured 2026-12-01 (2 cores, load ~4.5, n = 8192): gemm 0.7–1.3 GFLOP/s; symv at p = 528 / 2080 0.4–0.9;
  // syrk (AᵀA, K = 504) 0.3–1.0 with p = 2080 the slow end (A's row blocks leave the cache)
  relativeCost: { symv: 2, syrk: 4 },
  gemm,
  syrk,
  gemv,
  symv,
  symEigen,
  symEigenProject,
  svdWorkspace,
  thinSvdPolar,
};
