/** The portable backend: plain Float64Array loops, no dependencies (always available; the reference for native). */
import type { LinalgBackend } from './backend.js';
import { gemm, gemv, symv, syrk } from './gemm.js';
import { symEigen, symEigenProject } from './symeigen.js';
import { PORTABLE_NAME, svdWorkspace, thinSvdPolar } from './svd.js';

export const portableLinalg: LinalgBackend = {
  name: PORTABLE_NAME,
  info: {},
  gemm,
  syrk,
  gemv,
  symv,
  symEigen,
  symEigenProject,
  svdWorkspace,
  thinSvdPolar,
};
