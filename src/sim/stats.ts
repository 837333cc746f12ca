/**
 * The primitives of the summary statistics of an arbitrary W (model.md §5; the statistics themselves are the
 * registry src/statistics/), with P_k = Σ_{j ∈ block k} q_j q_jᵀ (q_j the eigenbasis):
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
import { tiedWithTop } from '../core/blocks.js';
import { STATISTICS, type FullView, type StatModel } from '../statistics/index.js';
import type { LinalgBackend } from '../core/linalg.js';
import { populationLoss, populationWorkspace, type PopulationWorkspace } from './gradient.js';
import type { SimProblem } from './problem.js';
import { specStatModel } from '../model/spec.js';

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
  };
}

/**
 * The primitives of W at one recorded step (statistics/types.ts `FullView`): the block coefficients and magnitudes
 * are computed by `load`; WᵀW, the top-eigenspace projection and the population loss on first use. One object per
 * run, reused at every recorded step (no allocation per step).
 */
export class FullStatView implements FullView {
  readonly m: number;
  readonly d: number;
  W: Float64Array;
  readonly theta: Float64Array;
  readonly signed: Float64Array;
  readonly magnitude: Float64Array;
  trainLoss = Number.NaN;
  private gramReady = false;
  private gramM: Float64Array;
  private p2: number | null = null;
  private loss: number | null = null;

  constructor(
    private readonly problem: SimProblem,
    private readonly backend: LinalgBackend,
    private readonly ws: StatsWorkspace,
    private readonly tieRelTol: number,
  ) {
    this.m = problem.m;
    this.d = problem.d;
    this.W = new Float64Array(0);
    this.theta = problem.theta;
    this.signed = ws.signed;
    this.magnitude = ws.mag2;
    this.gramM = ws.M;
  }

  /**
   * Point the view at W (block coefficients and magnitudes computed now). `pre`: WᵀW and L(W) already computed by
   * a population gradient step at this W (reused, not recomputed).
   */
  load(W: Float64Array, pre?: { WtW: Float64Array; loss: number }, trainLoss = Number.NaN): this {
    this.W = W;
    this.trainLoss = trainLoss;
    this.p2 = null;
    if (pre) {
      this.gramM = pre.WtW;
      this.gramReady = true;
      this.loss = pre.loss;
    } else {
      this.gramM = this.ws.M;
      this.gramReady = false;
      this.loss = null;
    }
    blockCoefficients(this.problem, this.backend, W, this.ws);
    return this;
  }

  gram(): Float64Array {
    if (!this.gramReady) {
      const { m, d } = this;
      this.backend.gemm(true, false, d, d, m, 1, this.W, this.W, 0, this.gramM);
      this.gramReady = true;
    }
    return this.gramM;
  }

  topProjection2(): number {
    if (this.p2 === null) this.p2 = topProjection2(this.backend, this.d, this.gram(), this.theta, this.ws, this.tieRelTol);
    return this.p2;
  }

  populationLoss(): number {
    if (this.loss === null) this.loss = populationLoss(this.problem, this.backend, this.W, this.ws.pop);
    return this.loss;
  }
}

/**
 * Matrix-block coordinates of W (issue 13, model/coordinates.ts) into ws.signed, magnitudes into ws.mag2:
 * M_ij = q_{j_i}ᵀ W q_{j_k} on S (magnitude |M_ij|), c_k = tr(Q_k W)/ρ_k with Q_k the remaining directions of block k
 * (magnitude ‖W Q_k‖_F/√ρ_k). On the manifold they are the reduced coordinates.
 */
function matrixBlockCoordinatesOf(problem: SimProblem, backend: LinalgBackend, W: Float64Array, ws: StatsWorkspace): void {
  const { d, Q, blockOf, ranks } = problem;
  const co = problem.spec.coordinates!;
  const K = co.K;
  const { signed, mag2 } = ws;
  signed.fill(0);
  mag2.fill(0);
  let WQ = W;
  if (Q !== null) {
    backend.gemm(false, false, d, d, d, 1, W, Q, 0, ws.WQ);
    WQ = ws.WQ;
  }
  // q_aᵀ W q_b = Σ_i Q[i, a] (WQ)[i, b]
  const form = (a: number, b: number): number => {
    if (Q === null) return W[a * d + b];
    let s = 0;
    for (let i = 0; i < d; i++) s += Q[i * d + a] * WQ[i * d + b];
    return s;
  };
  for (let i = 0; i < K; i++)
    for (let j = 0; j < K; j++) {
      const v = form(co.directions[i], co.directions[j]);
      signed[i * K + j] = v;
      mag2[i * K + j] = Math.abs(v);
    }
  for (let k = 0; k < co.scalars.length; k++) {
    const block = co.scalars[k].block;
    let tr = 0;
    let f2 = 0;
    for (let j = 0; j < d; j++) {
      if (blockOf[j] !== block || co.directions.includes(j)) continue;
      tr += form(j, j);
      for (let i = 0; i < d; i++) f2 += WQ[i * d + j] * WQ[i * d + j];
    }
    const r = ranks[K * K + k];
    signed[K * K + k] = tr / r;
    mag2[K * K + k] = Math.sqrt(f2 / r);
  }
}

/** Signed block coefficients and block magnitudes of W into ws.signed and ws.mag2 (see the module comment). */
function blockCoefficients(problem: SimProblem, backend: LinalgBackend, W: Float64Array, ws: StatsWorkspace): void {
  if (problem.spec.coordinates && problem.m === problem.d) {
    matrixBlockCoordinatesOf(problem, backend, W, ws);
    return;
  }
  const { d, m, Q, blockOf, ranks } = problem;
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
}

/**
 * ‖Π_top θ‖² for the symmetric M = WᵀW: a diagonal M (W on the block manifold in the canonical basis) is its own
 * eigendecomposition, Σ θ_j² over the j tied with the top (no eigen-solver); otherwise Σ_{k tied with the top}
 * (v_kᵀθ)², the v_kᵀθ from the eigen-solver without forming eigenvectors. NaN when the solver fails (non-finite W).
 */
function topProjection2(backend: LinalgBackend, d: number, M: Float64Array, theta: Float64Array, ws: StatsWorkspace, tieRelTol: number): number {
  let offDiagonal = false;
  for (let i = 0; i < d && !offDiagonal; i++) {
    const r = i * d;
    for (let j = 0; j < d; j++) if (j !== i && M[r + j] !== 0) {
      offDiagonal = true;
      break;
    }
  }
  if (!offDiagonal) {
    let lmax = -Infinity;
    for (let j = 0; j < d; j++) lmax = Math.max(lmax, M[j * d + j]);
    if (!Number.isFinite(lmax)) return Number.NaN;
    let p2 = 0;
    for (let j = 0; j < d; j++) if (tiedWithTop(M[j * d + j], lmax, tieRelTol)) p2 += theta[j] * theta[j];
    return p2;
  }
  if (!backend.symEigenProject(d, M, theta, ws.eigValues, ws.eigCoords, ws.eigScratch, ws.eigWork)) return Number.NaN;
  const lmax = ws.eigValues[d - 1];
  let p2 = 0;
  for (let k = d - 1; k >= 0 && tiedWithTop(ws.eigValues[k], lmax, tieRelTol); k--) p2 += ws.eigCoords[k] * ws.eigCoords[k];
  return p2;
}

/** The statistics model of a simulation problem (statistics/types.ts). */
export function statModel(problem: SimProblem, tieRelTol: number, dataMode: StatModel['dataMode']): StatModel {
  return { ...specStatModel(problem.spec, tieRelTol, dataMode), ranks: Float64Array.from(problem.ranks), student: problem.m === 1 ? 'vector' : 'matrix' };
}

export interface WStats {
  signed: Float64Array;
  mag: Float64Array;
  alignment: number;
  overlap: number;
  ratio: number;
  /** The magnitudes' misalignment ratio (statistics/magnitude-ratio.ts). */
  ratioMag: number;
  loss: number;
  /** false if a statistic is not finite (eigen-solver failure on a non-finite W) */
  ok: boolean;
}

/**
 * Every registered statistic of one W by id (tests, benchmarks): the same evaluation the simulation records.
 * Valid until the next call with the same workspace.
 */
export function computeStats(problem: SimProblem, backend: LinalgBackend, W: Float64Array, ws: StatsWorkspace, tieRelTol: number, pre?: { WtW: Float64Array; loss: number }): WStats {
  const model = statModel(problem, tieRelTol, 'population');
  const view = new FullStatView(problem, backend, ws, tieRelTol).load(W, pre);
  const one = new Float64Array(1);
  const value = (id: string): number => {
    STATISTICS.find((s) => s.id === id)!.full!(view, model, one, 0);
    return one[0];
  };
  const out = { signed: view.signed, mag: view.magnitude, alignment: value('alignment'), overlap: value('overlap'), ratio: value('ratio'), ratioMag: value('magnitude-ratio'), loss: value('loss'), ok: true };
  out.ok = [out.alignment, out.overlap, out.ratio, out.ratioMag, out.loss].every(Number.isFinite);
  return out;
}
