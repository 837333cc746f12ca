/** Portable thin SVD and polar factor (one-sided Jacobi preconditioned by the eigenvectors of GᵀG). */
import { checkWorkspace, type SvdResult, type SvdWorkspace } from './backend.js';
import { gemm } from './gemm.js';
import { symEigen } from './symeigen.js';

export const PORTABLE_NAME = 'portable-float64';

/** The portable backend's SVD workspace (p = min(m, n), q = max(m, n)). */
export interface PortableSvdWorkspace extends SvdWorkspace {
  readonly gram: Float64Array;
  readonly vt: Float64Array;
  readonly bt: Float64Array;
  readonly colNorm2: Float64Array;
  readonly eigWork: Float64Array;
  readonly eigValues: Float64Array;
  readonly order: Int32Array;
  readonly tmp: Float64Array;
  readonly gt: Float64Array;
}

export function svdWorkspace(m: number, n: number): PortableSvdWorkspace {
  const p = Math.min(m, n);
  const q = Math.max(m, n);
  return {
    backend: PORTABLE_NAME,
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
export function thinSvdPolar(G: Float64Array, wsIn: SvdWorkspace, relTol: number, polarOut: Float64Array | null): SvdResult {
  const ws = checkWorkspace<PortableSvdWorkspace>(wsIn, PORTABLE_NAME);
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
