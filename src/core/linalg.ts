/**
 * The linear-algebra backend seam, re-exported from its modules in `core/linalg/` (one concern each):
 *  - backend.ts: the `LinalgBackend` interface (row-major Float64Array kernels) and workspace types;
 *  - gemm.ts: portable products (gemm, syrk, gemv, symv);
 *  - symeigen.ts: portable symmetric eigendecomposition (tred2/tql2);
 *  - svd.ts: portable thin SVD / polar factor (Jacobi);
 *  - portable.ts: the portable backend object; native.ts: OpenBLAS/LAPACK through koffi;
 *  - select.ts: `defaultBackend()`, the one place that picks the backend (SPECGD_BACKEND);
 */
export { checkWorkspace, symmetrize, type LinalgBackend, type SvdResult, type SvdWorkspace } from './linalg/backend.js';
export { portableLinalg } from './linalg/portable.js';
export type { PortableSvdWorkspace } from './linalg/svd.js';
export { loadNativeLinalg, NATIVE_NAME, OPENBLAS_LIBRARY, type NativeLoad } from './linalg/native.js';
export { backendByName, defaultBackend, nativeLinalg, NATIVE_INSTALL_HINT, type BackendName } from './linalg/select.js';
