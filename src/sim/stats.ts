/**
 * Summary statistics of an arbitrary W (model.md §5), with P_k = Σ_{j ∈ block k} q_j q_jᵀ (q_j the eigenbasis):
 *  - signed block coefficients a_k = tr(P_k W)/r_k = (1/r_k) Σ_{j∈k} q_jᵀ W q_j (matrix student); for the vector
 *    student (w = Σ_k a_k P_k 𝟙 on the manifold, 𝟙 = Σ_j q_j) a_k = (1/r_k) Σ_{j∈k} q_jᵀ w. Both equal the
 *    reduced coordinates on the block manifold;
 *  - block magnitudes |a|_k = ‖W P_k‖_F / √r_k;
 *  - alignment |⟨θ, u₁⟩| with u₁ the top eigenvector of WᵀW. When the top eigenvalue is tied (eigenvalues within
 *    signTieRelTol·λ_max of λ_max, e.g. W = αI), u₁ is not unique and we report ‖P_top θ‖, the norm of θ's
 *    projection on the top eigenspace (on the manifold: 1 if the signal block has the largest a_k², else 0). The
 *    eigen-solver runs only when WᵀW has a non-zero off-diagonal entry: a diagonal WᵀW is its own
 *    eigendecomposition;
 *  - overlap θᵀWᵀWθ / ‖WᵀW‖_F (0 when W = 0);
 *  - misalignment ratio, as on the theory side: b/a (spiked, signed) or max_{k≠s}|a_k|/|a_s|; 0 when a_s = 0;
 *  - the exact population loss (gradient.ts).
 */
import { blockMisalignmentRatio, tiedWithTop } from '../core/blocks.js';
import type { LinalgBackend } from '../core/linalg.js';
import { populationLoss, populationWorkspace, type PopulationWorkspace } from './gradient.js';
import type { SimProblem } from './problem.js';

export interface StatsWorkspace {
  WQ: Float64Array;
  M: Float64Array;
  eigValues: Float64Array;
  /** v_kᵀθ along the eigenvectors of WᵀW */
  eigCoords: Float64Array;
  eigScratch: Float64Array;
  eigWork: Float64Array;
  pop: PopulationWorkspace;
  /** per-block accumulators */
  signed: Float64Array;
  mag2: Float64Array;
  /** the result object, reused on every call (no allocation per recorded step) */
  out: WStats;
}

export function statsWorkspace(problem: SimProblem): StatsWorkspace {
  const { d, m } = problem;
  const nb = problem.ranks.length;
  const signed = new Float64Array(nb);
  const mag2 = new Float64Array(nb);
  return {
    WQ: new Float64Array(m * d),
    M: new Float64Array(d * d),
    eigValues: new Float64Array(d),
    eigCoords: new Float64Array(d),
    eigScratch: new Float64Array(d * d),
    eigWork: new Float64Array(d),
    pop: populationWorkspace(d),
    signed,
    mag2,
    out: { signed, mag: mag2, alignment: 0, overlap: 0, ratio: 0, loss: 0, ok: true },
  };
}

export interface WStats {
  /** signed block coefficients (length = number of blocks), written into ws.signed */
  signed: Float64Array;
  /** block magnitudes (written into ws.mag2 as magnitudes after the call) */
  mag: Float64Array;
  alignment: number;
  overlap: number;
  /** misalignment ratio b/a (spiked) or max_{k≠s}|a_k|/|a_s| (0 when a_s = 0) */
  ratio: number;
  loss: number;
  /** false if the eigen-solver failed (non-finite W) */
  ok: boolean;
}

/** Statistics of W written into (and returned as) `ws.out`: valid until the next call with the same workspace. */
export function computeStats(
  problem: SimProblem,
  backend: LinalgBackend,
  W: Float64Array,
  ws: StatsWorkspace,
  tieRelTol: number,
  /** WᵀW and the population loss at this W when already computed (population gradient step): not recomputed */
  pre?: { WtW: Float64Array; loss: number },
): WStats {
  const { d, m, Q, blockOf, ranks, theta } = problem;
  const { signed, mag2 } = ws;
  signed.fill(0);
  mag2.fill(0);
  let WQ = W;
  if (Q !== null) {
    backend.gemm(false, false, m, d, d, 1, W, Q, 0, ws.WQ);
    WQ = ws.WQ;
  }
  // (WQ)[i, j] = (W q_j)_i
  for (let i = 0; i < m; i++) {
    const r = i * d;
    for (let j = 0; j < d; j++) {
      const v = WQ[r + j];
      mag2[blockOf[j]] += v * v;
    }
  }
  if (m === d) {
    // q_jᵀ W q_j = Σ_i Q[i, j] (WQ)[i, j]
    for (let j = 0; j < d; j++) {
      let s = 0;
      if (Q === null) s = W[j * d + j];
      else for (let i = 0; i < d; i++) s += Q[i * d + j] * WQ[i * d + j];
      signed[blockOf[j]] += s;
    }
  } else {
    for (let j = 0; j < d; j++) signed[blockOf[j]] += WQ[j];
  }
  for (let k = 0; k < ranks.length; k++) {
    signed[k] /= ranks[k];
    mag2[k] = Math.sqrt(mag2[k] / ranks[k]);
  }
  // WᵀW, overlap, alignment
  let M = ws.M;
  if (pre) M = pre.WtW;
  else backend.gemm(true, false, d, d, m, 1, W, W, 0, M);
  let fro2 = 0;
  let tMt = 0;
  let offDiagonal = false;
  for (let i = 0; i < d; i++) {
    const r = i * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = M[r + j];
      fro2 += v * v;
      s += v * theta[j];
      if (v !== 0 && j !== i) offDiagonal = true;
    }
    tMt += theta[i] * s;
  }
  const fro = Math.sqrt(fro2);
  const overlap = fro > 0 ? tMt / fro : 0;
  let alignment: number;
  let ok = true;
  if (m === 1) {
    // WᵀW = wwᵀ: u₁ = w/‖w‖ (rank one, no eigen-solver needed); w = 0 → 0 as on the theory side
    let nw = 0;
    let tw = 0;
    for (let j = 0; j < d; j++) {
      nw += W[j] * W[j];
      tw += theta[j] * W[j];
    }
    alignment = nw > 0 ? Math.abs(tw) / Math.sqrt(nw) : 0;
  } else if (!offDiagonal) {
    // WᵀW diagonal (W on the block manifold in the canonical basis): its eigenvalues are the M_jj with
    // eigenvectors e_j, so ‖P_top θ‖² = Σ θ_j² over the j tied with the top (no eigen-solver; non-finite → !ok)
    let lmax = -Infinity;
    for (let j = 0; j < d; j++) lmax = Math.max(lmax, M[j * d + j]);
    ok = Number.isFinite(lmax);
    let p2 = 0;
    for (let j = 0; j < d; j++) if (tiedWithTop(M[j * d + j], lmax, tieRelTol)) p2 += theta[j] * theta[j];
    alignment = Math.sqrt(Math.min(1, p2));
  } else {
    // ‖P_top θ‖² = Σ_{k tied with the top} (v_kᵀθ)², the v_kᵀθ from the eigen-solver without the eigenvectors
    ok = backend.symEigenProject(d, M, theta, ws.eigValues, ws.eigCoords, ws.eigScratch, ws.eigWork);
    const lmax = ws.eigValues[d - 1];
    let p2 = 0;
    for (let k = d - 1; k >= 0 && tiedWithTop(ws.eigValues[k], lmax, tieRelTol); k--) p2 += ws.eigCoords[k] * ws.eigCoords[k];
    alignment = Math.sqrt(Math.min(1, p2));
  }
  // misalignment ratio, the theory side's definition: spiked b/a (signed); otherwise max_{k≠s}|a_k|/|a_s|; 0 if a_s = 0
  const ratio = blockMisalignmentRatio(signed, problem.spec.signalBlock, problem.spec.spikeBlock);
  const loss = pre ? pre.loss : populationLoss(problem, backend, W, ws.pop);
  const out = ws.out;
  out.alignment = alignment;
  out.overlap = overlap;
  out.ratio = ratio;
  out.loss = loss;
  out.ok = ok;
  return out;
}
