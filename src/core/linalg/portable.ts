/** The portable backend: plain Float64Array loops, no dependencies (always available; the reference for native). */
import type { LinalgBackend } from './backend.js';
import { gemm, gemv, symv, syrk } from './gemm.js';
import { symEigen, symEigenProject } from './symeigen.js';
import { PORTABLE_NAME, svdWorkspace, thinSvdPolar } from './svd.js';

export const portableLinalg: LinalgBackend = {
  name: PORTABLE_NAME,
  info: {},
  // measured 2026-12-01 (2 cores shared, load 4–10, n = 8192): gemm 0.6–1.3 GFLOP/s; symv at p = 528 / 2080
  // 0.4–0.9; syrk (AᵀA, ~8 MiB row chunks) 0.8 at p = 528 and 2080
  relativeCost: { symv: 2, syrk: 1.5 },
  gemm,
  syrk,
  gemv,
  symv,
  symEigen,
  symEigenProject,
  svdWorkspace,
  thinSvdPolar,
};
