/**
 * The Gaussian-source ensemble of the reduced dynamics: full-batch GD beyond the 1/n expansion (issue 11).
 *
 * The 1/n expansion (propagate.ts) linearizes W about the population trajectory W̄ for the diagonal (trace)
 * coordinates too; in the escape these carry secular terms — a change of a growing mode's amplitude becomes a time
 * shift of the escape, and its expansion in powers of the shift grows without bound — so at moderate n the late
 * stage is mispredicted (measured: d = 8, n = 8000, 24 seeds, the predicted shift of |b| 2–5× the measured from step
 * ≈ 220). Here every theory draw ("seed") keeps its diagonal coordinates exact and nonlinear and linearizes only the
 * pieces of W off the block algebra about its OWN diagonal trajectory:
 *
 *   W = A + X,  A = Σ_a a_a P_a (the seed's block coefficients, exact),  X = the off-diagonal pairs X_ab and the
 *   traceless parts X̃_aa, first order in the sample fluctuation, X = Σ_j (images of R_j), evolved by the linear map
 *   of propagate.ts `stepAction` evaluated at the seed's own path (not at ā), with its gradient factors g̃ at the
 *   seed's Gram traces z_b = a_b² + ν_b — a third-order choice that does not change the 1/n order and stops the
 *   rotation piece of Wθ (which the loss does not resist) from growing once z_θ reaches 1, as the seed's a does.
 *
 * The sources are the frozen fluctuations R_j of the empirical fourth-moment operator (moments.ts), replaced by their
 * Gaussian (central-limit) law with the exact covariances (the order-8 moments): per draw, the block traces
 * tr (R_j)_aa (jointly Gaussian, covariance sm.tr/n), and for every pair (a, b) and every block's traceless part only
 * the Gram matrices of the J source pieces, G_ab[j][j'] = ⟨(R_j)_ab, (R_j')_ab⟩ — Wishart with r_a r_b degrees of
 * freedom and scale sm.off(·,·,a,b)/(n r_a r_b) (the entries of a piece are i.i.d. across the block's directions by
 * rotation invariance, Gaussian by the central limit), traceless: dof m_a = r_a(r_a + 1)/2 − 1, scale sm.tl/(n m_a);
 * the pieces of different pairs and the traces are uncorrelated, hence independent. Sampled by the Bartlett
 * decomposition (exact for every dof).
 *
 * The seed's diagonal update is tr_a(W − hW M_n(D))/r_a expanded to second order in X and first in R, exact in A
 * (D = WᵀW − P_s = D₀ + D₁ + D₂, D₀ = A² − P_s, D₁ = AX + XᵀA, D₂ = XᵀX; M_n = M + Δ (+ label noise R_ε)):
 *   a_a' = a_a − h [ a_a g̃_a(z)                                      (1)+(2): g̃ at the Gram traces z_b = a_b² + ν_b,
 *                  + 2λ_a(Σ_{c≠a} λ_c(a_c⟨X_ac, X_caᵀ⟩ + a_a‖X_ac‖²) + 2λ_a a_a‖X̃_aa‖²)/r_a     (3): tr X M(D₁)
 *                  + a_a Σ_j c_j tr(R_j)_aa / r_a                     (4): the frozen trace source
 *                  + Σ_j c_j (Σ_{c≠a} ⟨X_ac, (R_j)_ac⟩ + ⟨X̃_aa, (R̃_j)_aa⟩)/r_a          (5): tr X Δ(D)
 *                  + a_a E tr_a Δ(D₁)/(r_a n) ]                        (6): its same-sample mean (propagate.ts sameSampleMean,
 *                    its piece terms: the trace terms of srcD are reproduced by (4), where the seed's e_j carries
 *                    2ā_j δa_j and δa_j is correlated with the same draw's trace sources, sm.tr = the same 4-form moment)
 * with ν_b = (Σ_{c≠b} ‖X_cb‖² + ‖X̃_bb‖²)/r_b the pieces' share of column b, c_j = z_j − [j = s] the sources'
 * coefficients at the Gram traces (D's block traces; e_j = a_j² − [j = s] at second order, the difference Δ(D₂) being
 * third order — but at small n the rotation piece carries an O(1) share of the signal column late in the escape, and
 * with e_j the sources would keep feeding the pieces after the sample's D has converged: measured d = 40, n = 2000,
 * step 284, the θ-row of the bulk columns 2.8× the simulation's with e_j, 1.2× with z_j); the inner products are
 * contractions of the images with the Gram matrices. Expanding this recursion about ā reproduces the second-order response of
 * propagate.ts term by term (the trace–trace terms arise from the exact A), so the ensemble's mean agrees with the
 * 1/n expansion to its order; what it adds is the higher orders of the diagonal coordinates (the phase of the escape,
 * the saturation of the spike) and of the statistics (‖WP_k‖ = √(r_k a_k² + r_k ν_k)/√r_k unexpanded). What it
 * leaves out: third order in X (the pieces are linear about the seed's path) and the non-Gaussian corrections to the
 * law of the sources (relative O(n^{-1/2})).
 *
 * Statistics per draw: a_k, |a|_k = √(a_k² + ν_k), and the population loss κ[T² + 2 tr((DΣ)²)] with
 * T = Σ r_b λ_b (z_b − [b = s]), tr((DΣ)²) = Σ_b r_b λ_b² (z_b − [b = s])² + 4 Σ_b λ_b² a_b² ‖X̃_bb‖²
 * + 2 Σ_{b<c} λ_bλ_c ‖a_b X_bc + a_c X_cbᵀ‖²; ensemble mean and SD over ENSEMBLE_DRAWS seeded draws (the same on
 * every run: the theory is deterministic). Full batch only (online: fresh sources per step, where the 1/B expansion
 * is kept); GD only (SpecGD: propagate.ts, no response before the first sign switch).
 */
import { chiSquareDraw, createRng, type Rng } from '../../core/rng.js';
import { blockMisalignmentRatio } from '../../core/blocks.js';
import { ensembleDraws } from '../../config/defaults.js';
import { DIVERGENCE_BOUND } from '../../core/tolerances.js';
import { sourceMoments, type ResponseBlocks, type SourceMoments } from './moments.js';
import { pairIndex, pairList, populationGradientFactors, q4Table, sameSampleMean, type PieceImages } from './propagate.js';

export { ENSEMBLE_DRAWS, ENSEMBLE_MIN_DRAWS, ensembleDraws } from '../../config/defaults.js';

/**
 * Per-step sums over the draws of each statistic, and over antithetic pairs (draws 2i and 2i + 1 share every random
 * input, the Gaussian ones with opposite signs): the mean over the draws, the per-draw SD, and the Monte Carlo standard
 * error of the mean from the pair means, SD(pair means)/√(D/2) — the first-order part of the fluctuation cancels in
 * a pair, so the mean's error is far below σ/√D.
 */
export class EnsembleAccumulator {
  private readonly sum: Float64Array[];
  private readonly sum2: Float64Array[];
  private readonly psum: Float64Array[];
  private readonly psum2: Float64Array[];
  private readonly first: Float64Array[];
  /** Draw 0's value: the sums are of v − shift (a spread ~1e-9 of the value, early on, is below what Σv² − D·m² resolves). */
  private readonly shift: Float64Array[];
  constructor(private readonly S: number, steps: number) {
    const mk = () => Array.from({ length: S }, () => new Float64Array(steps + 1));
    this.shift = mk();
    this.sum = mk();
    this.sum2 = mk();
    this.psum = mk();
    this.psum2 = mk();
    this.first = mk();
  }
  /** The kept draws (EnsembleProblem.keep): stat indices, step → slot (−1: not kept), values [(d·slots + slot)·idx + i]. */
  private keepIdx: number[] = [];
  private keepSlot: Int32Array | null = null;
  private keepSlots = 0;
  kept: Float64Array | null = null;
  keep(idx: number[], steps: ArrayLike<number>, D: number, last: number): void {
    for (let i = 1; i < steps.length; i++) if (!(steps[i] > steps[i - 1])) throw new Error('source ensemble: kept steps must be increasing');
    this.keepIdx = idx;
    this.keepSlot = new Int32Array(last + 1).fill(-1);
    for (let slot = 0; slot < steps.length; slot++) if (steps[slot] >= 0 && steps[slot] <= last) this.keepSlot[steps[slot]] = slot;
    this.keepSlots = steps.length;
    this.kept = new Float64Array(D * steps.length * idx.length);
  }
  add(d: number, k: number, stat: Float64Array): void {
    if (this.kept) {
      const slot = this.keepSlot![k];
      if (slot >= 0) {
        const base = (d * this.keepSlots + slot) * this.keepIdx.length;
        for (let i = 0; i < this.keepIdx.length; i++) this.kept[base + i] = stat[this.keepIdx[i]];
      }
    }
    for (let i = 0; i < this.S; i++) {
      if (d === 0) this.shift[i][k] = stat[i];
      const v = stat[i] - this.shift[i][k];
      this.sum[i][k] += v;
      this.sum2[i][k] += v * v;
      if (d % 2 === 0) this.first[i][k] = v;
      else {
        const m = 0.5 * (this.first[i][k] + v);
        this.psum[i][k] += m;
        this.psum2[i][k] += m * m;
      }
    }
  }
  series(names: readonly string[], last: number, D: number): { mean: Record<string, number[]>; sd: Record<string, number[]>; mcse: Record<string, number[]> } {
    const mean: Record<string, number[]> = {};
    const sd: Record<string, number[]> = {};
    const mcse: Record<string, number[]> = {};
    const pairs = D / 2;
    names.forEach((name, i) => {
      mean[name] = Array.from({ length: last + 1 }, (_, k) => this.shift[i][k] + this.sum[i][k] / D);
      sd[name] = Array.from({ length: last + 1 }, (_, k) => Math.sqrt(Math.max(0, (this.sum2[i][k] - (this.sum[i][k] * this.sum[i][k]) / D) / (D - 1))));
      mcse[name] = Array.from({ length: last + 1 }, (_, k) =>
        pairs > 1 ? Math.sqrt(Math.max(0, (this.psum2[i][k] - (this.psum[i][k] * this.psum[i][k]) / pairs) / (pairs - 1)) / pairs) : sd[name][k],
      );
    });
    return { mean, sd, mcse };
  }
}

/** The accumulator of a run, keeping the draws `pb.keep` asks for. */
export function newAccumulator(pb: EnsembleProblem, names: readonly string[], D: number): EnsembleAccumulator {
  const acc = new EnsembleAccumulator(names.length, pb.steps);
  if (pb.keep) {
    const idx = pb.keep.names.map((n) => names.indexOf(n));
    const missing = pb.keep.names.filter((_, i) => idx[i] < 0);
    if (missing.length) throw new Error(`source ensemble: no series ${missing.join(', ')} to keep (it has ${names.join(', ')})`);
    acc.keep(idx, pb.keep.steps, D, pb.steps);
  }
  return acc;
}

/** The kept draws at the kept steps up to `last` (the slots past it, never written, are left out). */
export function keptDraws(pb: EnsembleProblem, acc: EnsembleAccumulator, last: number, D: number): { kept?: KeptDraws } {
  if (!pb.keep || !acc.kept) return {};
  const all = Array.from(pb.keep.steps);
  const slots = all.filter((k) => k <= last).length;
  const G = pb.keep.names.length;
  // every kept step reached: the accumulator's buffer is the layout (no copy: it can be most of the run's memory)
  if (slots === all.length) return { kept: { names: [...pb.keep.names], steps: all, draws: D, values: acc.kept } };
  const values = new Float64Array(D * slots * G);
  for (let d = 0; d < D; d++) values.set(acc.kept.subarray(d * all.length * G, (d * all.length + slots) * G), d * slots * G);
  return { kept: { names: [...pb.keep.names], steps: all.slice(0, slots), draws: D, values } };
}

/** Per-draw escape steps → the EnsembleSeries escape summary over the draws that escape by `last` (censoring stated). */
export function escapeSummary(steps: Int32Array, last: number): EnsembleSeries['escape'] {
  const hit = Array.from(steps).filter((k) => k >= 0 && k <= last);
  const D = steps.length;
  if (hit.length === 0) return { mean: null, sd: null, escaped: 0, draws: D };
  const mean = hit.reduce((a, b) => a + b, 0) / hit.length;
  // the SD of a censored sample (some draws not yet escaped) is not the per-seed SD: null unless every draw escaped
  const sd = hit.length === D && D > 1 ? Math.sqrt(hit.reduce((a, b) => a + (b - mean) ** 2, 0) / (D - 1)) : null;
  return { mean, sd, escaped: hit.length, draws: D };
}

/**
 * Whether one draw's statistics at a step are finite and its block coefficients and magnitudes within the
 * simulation's divergence bound (core/tolerances.ts: |a_k|, |W_ij| ≤ DIVERGENCE_BOUND): a draw that is not ends the
 * ensemble's prediction (`divergedMessage`).
 */
export function inRange(stat: Float64Array, K: number): boolean {
  for (let i = 0; i < stat.length; i++) if (!Number.isFinite(stat[i])) return false;
  for (let i = 0; i < 2 * K; i++) if (Math.abs(stat[i]) > DIVERGENCE_BOUND) return false;
  return true;
}

/** Why an ensemble's prediction ended at step k − 1: draw d left the range of `inRange` at step k. */
export function divergedMessage(d: number, k: number, n: number): string {
  return `draw ${d} of the source ensemble left the range |statistic| ≤ ${DIVERGENCE_BOUND} at step ${k} (the Gaussian law of the sources at n = ${n} allows a curvature the step cannot follow): prediction stopped at step ${k - 1}`;
}

/**
 * One draw's statistics (module comment): z_b = a_b² + ν_b with ν_b the pieces' share of column b, the coefficients,
 * the magnitudes √z_b, the loss κ[T² + 2 tr((DΣ)²)], the misalignment ratio (core/blocks.ts
 * `blockMisalignmentRatio`, as statistics/ratio.ts) and that of the magnitudes (statistics/magnitude-ratio.ts). G3 per pair (x < y): [‖X_xy‖², ⟨X_xy, X_yxᵀ⟩, ‖X_yx‖²];
 * TL per block ‖X̃_bb‖². Writes z and stat.
 */
function drawStatistics(pb: EnsembleProblem, pairs: [number, number][], a: Float64Array, G3: Float64Array, TL: Float64Array, z: Float64Array, stat: Float64Array): void {
  const { lambda: lam, rank } = pb.blocks;
  const K = a.length;
  const s = pb.signal;
  for (let b = 0; b < K; b++) z[b] = TL[b];
  for (let p = 0; p < pairs.length; p++) {
    const [x, y] = pairs[p];
    z[y] += G3[3 * p]; // ‖X_xy‖² is in column y
    z[x] += G3[3 * p + 2]; // ‖X_yx‖² is in column x
  }
  for (let b = 0; b < K; b++) z[b] = a[b] * a[b] + z[b] / rank[b];
  let T = 0;
  let q = 0;
  for (let b = 0; b < K; b++) {
    const eb = z[b] - (b === s ? 1 : 0);
    T += rank[b] * lam[b] * eb;
    q += rank[b] * lam[b] ** 2 * eb * eb + 4 * lam[b] ** 2 * a[b] ** 2 * TL[b];
  }
  for (let p = 0; p < pairs.length; p++) {
    const [x, y] = pairs[p];
    q += 2 * lam[x] * lam[y] * (a[x] ** 2 * G3[3 * p] + 2 * a[x] * a[y] * G3[3 * p + 1] + a[y] ** 2 * G3[3 * p + 2]);
  }
  for (let b = 0; b < K; b++) {
    stat[b] = a[b];
    stat[K + b] = Math.sqrt(Math.max(0, z[b]));
  }
  stat[2 * K] = pb.lossScale * (T * T + 2 * q);
  stat[2 * K + 1] = blockMisalignmentRatio(a, s, pb.spike);
  // the magnitudes' ratio (statistics/magnitude-ratio.ts), a function of WᵀW like the magnitudes
  stat[2 * K + 2] = blockMisalignmentRatio(stat.subarray(K, 2 * K), s, pb.spike);
}

/**
 * A draw's gradient factors: e_b = a_b² − [b = s] and g̃ at a (population form), the sources' coefficients
 * c_j = z_j − [j = s] at the Gram traces (and c = 1 for label noise), and g̃ at the Gram traces z (gz: the D the map
 * sees, terms (1)+(2) and the pieces' map).
 */
function drawFactors(pb: EnsembleProblem, a: Float64Array, z: Float64Array, e: Float64Array, gt: Float64Array, gz: Float64Array, c: Float64Array): void {
  const { lambda: lam, rank } = pb.blocks;
  const K = a.length;
  const s = pb.signal;
  populationGradientFactors(pb.blocks, s, a, e, gt);
  // the sources' coefficients at the Gram traces too: R(D) = Σ_j (z_j − [j = s]) R_j (+ label noise), the D the
  // sample's operator acts on; at second order the same as e_j = a_j² − [j = s] (the difference Δ(D₂) is third
  // order), but once the rotation piece carries an O(1) share ν_s of the signal column (small n, late in the escape)
  // e_s = −ν_s while D_ss → 0, and e_s would keep feeding the pieces after the sample's own D has converged
  c.fill(0);
  for (let j = 0; j < Math.min(K, c.length); j++) c[j] = z[j] - (j === s ? 1 : 0);
  if (c.length > K) c[K] = 1;
  let Tz = 0;
  for (let b = 0; b < K; b++) Tz += rank[b] * lam[b] * (z[b] - (b === s ? 1 : 0));
  for (let b = 0; b < K; b++) gz[b] = lam[b] * Tz + 2 * lam[b] ** 2 * (z[b] - (b === s ? 1 : 0));
}

/** The empty result of an ensemble whose initial state is already out of range. */
export function noSteps(D: number, message: string): EnsembleSeries {
  return { mean: {}, sd: {}, mcse: {}, steps: -1, status: 'diverged', message, escape: { mean: null, sd: null, escaped: 0, draws: D }, draws: D };
}
/** Seed of those draws (a fixed stream: same config → same prediction). */
export const ENSEMBLE_SEED = 0x3c6ef372;

export interface EnsembleProblem {
  blocks: ResponseBlocks;
  signal: number;
  /** The spike block (spiked model: ratio = a_spike/a_signal, signed), or −1 (ratio = max_{k≠s}|a_k|/|a_s|). */
  spike: number;
  /** Level of the signal coefficient that defines each draw's escape step. */
  escapeLevel: number;
  a0: Float64Array;
  h: number;
  n: number;
  steps: number;
  lossScale: number;
  draws?: number;
  /** The draws' stream (default ENSEMBLE_SEED; another gives independent draws of the same law: the tests' fake seeds). */
  seed?: number;
  /**
   * Keep every draw's value of these series at these steps (`EnsembleSeries.kept`): the theory's own law of a seed, from
   * which a comparison's null distribution is resampled (family-critical.ts).
   */
  keep?: { names: readonly string[]; steps: ArrayLike<number> };
}

/** Every draw's values of the kept series at the kept steps: values[(d·steps.length + slot)·names.length + i]. */
export interface KeptDraws {
  names: string[];
  steps: number[];
  draws: number;
  values: Float64Array;
}

export interface EnsembleSeries {
  /** name → mean over the draws per step (0..steps) */
  mean: Record<string, number[]>;
  /** name → SD over the draws per step (the predicted per-seed SD) */
  sd: Record<string, number[]>;
  /** name → Monte Carlo standard error of the mean per step (from the antithetic pairs) */
  mcse: Record<string, number[]>;
  /** Last step computed (a draw out of range ends the prediction before it: status); −1 when none. */
  steps: number;
  status: 'ok' | 'diverged';
  message: string;
  /** Per-draw escape steps (first k with a_s ≥ level): mean and SD over the draws that escape, and how many did. */
  escape: { mean: number | null; sd: number | null; escaped: number; draws: number };
  draws: number;
  /** The kept draws (EnsembleProblem.keep), at the kept steps up to `steps`. */
  kept?: KeptDraws;
}

/** Lower Cholesky factor of a symmetric PSD matrix (n×n row-major); semidefinite directions get a zero column. */
export function cholesky(C: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  choleskyInto(C, n, L);
  return L;
}

/** `cholesky` into a caller's buffer (no allocation: the online ensemble calls it every step). */
function choleskyInto(C: Float64Array, n: number, L: Float64Array): void {
  L.fill(0);
  let scale = Number.MIN_VALUE;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(C[i * n + i]));
  for (let j = 0; j < n; j++) {
    let d = C[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] ** 2;
    const ljj = d > 1e-14 * scale ? Math.sqrt(d) : 0;
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = C[i * n + j];
      for (let k = 0; k < j; k++) t -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = ljj > 0 ? t / ljj : 0;
    }
  }
}


/**
 * Wishart(dof, Σ = L Lᵀ) draw (J×J) by the Bartlett decomposition: W = L B Bᵀ Lᵀ, B lower triangular with
 * B_ii = √χ²_{dof − i} (i = 0..J−1) and B_ij ~ N(0, 1) below the diagonal (exact for dof > J − 1; for fewer degrees of
 * freedom the sum of dof outer products of N(0, Σ) vectors).
 */
export function wishart(rng: Rng, L: Float64Array, J: number, dof: number): Float64Array {
  const W = new Float64Array(J * J);
  if (dof <= 0) return W;
  if (dof < J) {
    for (let t = 0; t < dof; t++) {
      const z = Float64Array.from({ length: J }, () => rng.normal());
      const g = Float64Array.from({ length: J }, (_, i) => { let s = 0; for (let k = 0; k <= i; k++) s += L[i * J + k] * z[k]; return s; });
      for (let i = 0; i < J; i++) for (let j = 0; j < J; j++) W[i * J + j] += g[i] * g[j];
    }
    return W;
  }
  const B = new Float64Array(J * J);
  for (let i = 0; i < J; i++) {
    B[i * J + i] = Math.sqrt(chiSquareDraw(rng, dof - i));
    for (let j = 0; j < i; j++) B[i * J + j] = rng.normal();
  }
  const LB = new Float64Array(J * J);
  for (let i = 0; i < J; i++) for (let j = 0; j < J; j++) { let s = 0; for (let k = 0; k < J; k++) s += L[i * J + k] * B[k * J + j]; LB[i * J + j] = s; }
  for (let i = 0; i < J; i++) for (let j = 0; j < J; j++) { let s = 0; for (let k = 0; k < J; k++) s += LB[i * J + k] * LB[j * J + k]; W[i * J + j] = s; }
  return W;
}

/** One draw's frozen sources: trace sources tr (R_j)_aa [j·K + a], pair Grams [p][j·J + j'], traceless Grams [a][·]. */
interface Sources {
  tr: Float64Array;
  off: Float64Array[];
  tl: Float64Array[];
}

function drawSources(rng: Rng, sm: SourceMoments, blocks: ResponseBlocks, pairs: [number, number][], chol: { tr: Float64Array; off: Float64Array[]; tl: Float64Array[] }): Sources {
  const { K, J } = sm;
  const z = Float64Array.from({ length: J * K }, () => rng.normal());
  const tr = new Float64Array(J * K);
  for (let i = 0; i < J * K; i++) { let s = 0; for (let k = 0; k <= i; k++) s += chol.tr[i * J * K + k] * z[k]; tr[i] = s; }
  const off = pairs.map(([x, y], p) => wishart(rng, chol.off[p], J, blocks.rank[x] * blocks.rank[y]));
  const tl = Array.from({ length: K }, (_, x) => wishart(rng, chol.tl[x], J, (blocks.rank[x] * (blocks.rank[x] + 1)) / 2 - 1));
  return { tr, off, tl };
}

/** Cholesky factors of the source covariances at size n (module comment). */
function sourceFactors(sm: SourceMoments, blocks: ResponseBlocks, pairs: [number, number][], n: number) {
  const { K, J } = sm;
  const Ctr = new Float64Array(J * K * J * K);
  for (let j = 0; j < J; j++) for (let a = 0; a < K; a++) for (let jp = 0; jp < J; jp++) for (let b = 0; b < K; b++) Ctr[(j * K + a) * J * K + jp * K + b] = sm.tr(j, jp, a, b) / n;
  const off = pairs.map(([x, y]) => {
    const m = blocks.rank[x] * blocks.rank[y];
    const C = new Float64Array(J * J);
    for (let j = 0; j < J; j++) for (let jp = 0; jp < J; jp++) C[j * J + jp] = sm.off(j, jp, x, y) / (n * m);
    return cholesky(C, J);
  });
  const tl = Array.from({ length: K }, (_, x) => {
    const m = (blocks.rank[x] * (blocks.rank[x] + 1)) / 2 - 1;
    const C = new Float64Array(J * J);
    if (m > 0) for (let j = 0; j < J; j++) for (let jp = 0; jp < J; jp++) C[j * J + jp] = sm.tl(j, jp, x) / (n * m);
    return cholesky(C, J);
  });
  return { tr: cholesky(Ctr, J * K), off, tl };
}

/** Series names: the block coefficients, their magnitudes, the loss, the misalignment ratio and that of the magnitudes. */
export function ensembleSeriesNames(symbols: readonly string[]): string[] {
  return [...symbols, ...symbols.map((s) => `${s}_mag`), 'loss', 'ratio', 'ratio_mag'];
}

/** What both runners set up from the problem: block tables, pairs and pair index, draw count, series, accumulator, a draw's scratch. */
function ensembleSetup(pb: EnsembleProblem, symbols: readonly string[]) {
  const bl = pb.blocks;
  const K = pb.a0.length;
  const sm = sourceMoments(bl);
  const pairs = pairList(K);
  const D = ensembleDraws(K, pb.draws);
  const names = ensembleSeriesNames(symbols);
  return {
    bl,
    K,
    sm,
    J: sm.J,
    pairs,
    P: pairs.length,
    D,
    names,
    steps: pb.steps,
    acc: newAccumulator(pb, names, D),
    escapeStep: new Int32Array(D).fill(-1),
    lam: bl.lambda,
    rank: bl.rank,
    h: pb.h,
    s: pb.signal,
    // pair index and orientation of an ordered block pair (x, y), x ≠ y: pidx[x·K + y], comp = x < y ? 0 : 1
    pidx: pairIndex(pairs, K),
    // a draw's state and scratch (reused by every draw): coefficients, next step, gradient factors, source
    // coefficients, Gram traces, statistics
    a: new Float64Array(K),
    next: new Float64Array(K),
    e: new Float64Array(K),
    gt: new Float64Array(K),
    gz: new Float64Array(K),
    c: new Float64Array(sm.J),
    z: new Float64Array(K),
    stat: new Float64Array(names.length),
  };
}

/** Run the ensemble (module comment); `symbols` name the blocks. */
export function runSourceEnsemble(pb: EnsembleProblem, symbols: readonly string[]): EnsembleSeries {
  const { bl, K, sm, J, pairs, P, D, names, steps, acc, escapeStep, lam, rank, h, s, pidx, a, next, e, gt, gz, c, z, stat } = ensembleSetup(pb, symbols);
  const rng = createRng(pb.seed ?? ENSEMBLE_SEED, K * 1000 + J);
  const chol = sourceFactors(sm, bl, pairs, pb.n);
  // E[q_j q_b q_c q_x] for the same-sample mean (6)
  const q4 = q4Table(sm);
  let reached = steps;
  let status: EnsembleSeries['status'] = 'ok';
  let message = `${D} draws × ${steps} steps`;
  const U = new Float64Array(J * P * 2);
  const U2 = new Float64Array(J * P * 2);
  const AL = new Float64Array(J * K);
  const offNorm = new Float64Array(K * K);
  const offCross = new Float64Array(P);
  const G3 = new Float64Array(3 * P);
  const offSrc = new Float64Array(K * K * J);
  const tlNorm = new Float64Array(K);
  const tlSrc = new Float64Array(K * J);
  // the draw's pieces for the same-sample term (6) (propagate.ts sameSampleMean, without its trace terms: module
  // comment): U and AL are its flat layout, updated in place
  const pieces: PieceImages = { u: U, al: AL, G: null, pidx, P };
  const t6 = new Float64Array(K); // (6) per block, this step
  let src: Sources | null = null;
  for (let d = 0; d < D; d++) {
    // antithetic pairs: draw 2i + 1 has draw 2i's Gram matrices and the opposite trace sources
    if (d % 2 === 0) src = drawSources(rng, sm, bl, pairs, chol);
    else src = { tr: src!.tr.map((v) => -v), off: src!.off, tl: src!.tl };
    a.set(pb.a0);
    U.fill(0);
    AL.fill(0);
    for (let k = 0; k <= reached; k++) {
      // the pieces' inner products from the images and the Grams
      for (let p = 0; p < P; p++) {
        const [x, y] = pairs[p];
        const G = src.off[p];
        let n0 = 0;
        let n1 = 0;
        let cr = 0;
        for (let j = 0; j < J; j++) {
          const u0 = U[(j * P + p) * 2];
          const u1 = U[(j * P + p) * 2 + 1];
          let s0 = 0;
          let s1 = 0;
          for (let jp = 0; jp < J; jp++) {
            const g = G[j * J + jp];
            s0 += U[(jp * P + p) * 2] * g;
            s1 += U[(jp * P + p) * 2 + 1] * g;
          }
          // s0 = ⟨X_xy, (R_j)_xy⟩, s1 = ⟨X_yxᵀ, (R_j)_xy⟩ (G symmetric)
          offSrc[(x * K + y) * J + j] = s0;
          offSrc[(y * K + x) * J + j] = s1;
          n0 += u0 * s0;
          n1 += u1 * s1;
          cr += u0 * s1;
        }
        offNorm[x * K + y] = n0;
        offNorm[y * K + x] = n1;
        offCross[p] = cr;
      }
      for (let x = 0; x < K; x++) {
        const G = src.tl[x];
        let nrm = 0;
        for (let j = 0; j < J; j++) {
          let t = 0;
          for (let jp = 0; jp < J; jp++) t += AL[jp * K + x] * G[jp * J + j];
          tlSrc[x * J + j] = t;
          nrm += AL[j * K + x] * t;
        }
        tlNorm[x] = nrm;
      }
      for (let p = 0; p < P; p++) {
        const [x, y] = pairs[p];
        G3[3 * p] = offNorm[x * K + y];
        G3[3 * p + 1] = offCross[p];
        G3[3 * p + 2] = offNorm[y * K + x];
      }
      drawStatistics(pb, pairs, a, G3, tlNorm, z, stat);
      if (escapeStep[d] < 0 && a[s] >= pb.escapeLevel) escapeStep[d] = k;
      // a draw beyond the simulation's divergence bound (or not finite) ends the prediction: the Gaussian law of the
      // sources is not itself a fourth-moment operator (it is not positive), and at small n a draw can have a
      // curvature the step cannot follow — there the model, not the sample, has diverged
      if (!inRange(stat, K)) {
        // the prediction ends before the first step at which some draw is not finite (every draw covers 0..reached)
        reached = k - 1;
        status = 'diverged';
        message = divergedMessage(d, k, pb.n);
        break;
      }
      acc.add(d, k, stat);
      if (k === reached) break;
      // the seed's diagonal update (module comment (1)–(6)); e_j and g̃ of the pieces' map at the seed's a
      drawFactors(pb, a, z, e, gt, gz, c);
      // (6): E tr_x Δ(D₁) over the pieces of D₁ = AX + XᵀA (propagate.ts sampleMeanSource without its trace terms)
      sameSampleMean(bl, a, J, sm, q4, pieces, t6);
      for (let x = 0; x < K; x++) {
        let t3 = 4 * lam[x] * lam[x] * a[x] * tlNorm[x];
        for (let y = 0; y < K; y++) if (y !== x) t3 += 2 * lam[x] * lam[y] * (a[y] * offCross[pidx[x * K + y]] + a[x] * offNorm[x * K + y]);
        let t4 = 0;
        let t5 = 0;
        for (let j = 0; j < J; j++) {
          t4 += c[j] * src.tr[j * K + x];
          let t = tlSrc[x * J + j];
          for (let y = 0; y < K; y++) if (y !== x) t += offSrc[(x * K + y) * J + j];
          t5 += c[j] * t;
        }
        next[x] = a[x] - h * (a[x] * gz[x] + (t3 + a[x] * t4 + t5 + (a[x] * t6[x]) / pb.n) / rank[x]);
      }
      // the pieces' images, linear about the seed's path (propagate.ts stepAction, GD): pair p = (x, y):
      // p' = (I − hK) p − h (a_x, a_y) c_j, K = [[g̃_y + 2a_x²λ_xλ_y, 2a_xa_yλ_xλ_y], [·, g̃_x + 2a_y²λ_xλ_y]];
      // traceless: X̃' = (1 − hg̃_x − 4hλ_x²a_x²) X̃ − h a_x c_j; with g̃ at the seed's Gram traces z (the D the map
      // sees): the piece of Wθ along v is the rotation W → QW, which the loss does not resist, and it must stop
      // growing when z_θ = a_θ² + ν_θ reaches 1, as the seed's diagonal does
      for (let p = 0; p < P; p++) {
        const [x, y] = pairs[p];
        const ll = lam[x] * lam[y];
        const k00 = gz[y] + 2 * a[x] * a[x] * ll;
        const k01 = 2 * a[x] * a[y] * ll;
        const k11 = gz[x] + 2 * a[y] * a[y] * ll;
        for (let j = 0; j < J; j++) {
          const i0 = (j * P + p) * 2;
          const p0 = U[i0];
          const p1 = U[i0 + 1];
          U2[i0] = p0 - h * (k00 * p0 + k01 * p1) - h * a[x] * c[j];
          U2[i0 + 1] = p1 - h * (k01 * p0 + k11 * p1) - h * a[y] * c[j];
        }
      }
      U.set(U2);
      for (let x = 0; x < K; x++) {
        const f = 1 - h * gz[x] - 4 * h * lam[x] ** 2 * a[x] ** 2;
        for (let j = 0; j < J; j++) AL[j * K + x] = f * AL[j * K + x] - h * a[x] * c[j];
      }
      a.set(next);
    }
  }
  if (reached < 0) return noSteps(D, message);
  const { mean, sd, mcse } = acc.series(names, reached, D);
  return { mean, sd, mcse, steps: reached, status, message, escape: escapeSummary(escapeStep, reached), draws: D, ...keptDraws(pb, acc, reached, D) };
}

/**
 * Online SGD (batch B): the same ensemble with a fresh source each step (module comment). The sources of one step
 * enter only through R = Σ_j c_j R_j at the draw's own e (one Gaussian piece per pair, i.i.d. entries of variance
 * σ_p² = Σ_{j,j'} c_j c_j' sm.off(j,j',x,y)/(B r_x r_y); traceless: σ² = Σ c_j c_j' sm.tl(j,j',x)/(B m_x); traces jointly
 * Gaussian with covariance Σ c_j c_j' sm.tr(j,j',x,y)/B), independent of the pieces accumulated so far. So a draw needs
 * the pieces only through their Gram matrices — per pair the 2×2 Gram of (X_xy, X_yxᵀ), per block ‖X̃_xx‖² — which
 * evolve exactly under the linear map X' = A X + s R: with u_i = ⟨R, e_i⟩/σ_p ~ N(0, 1) along an orthonormal pair
 * (e₀, e₁) spanning (a superset of) span(X_xy, X_yxᵀ), g = (⟨X_xy, R⟩, ⟨X_yxᵀ, R⟩) = σ_p L u (L the Cholesky factor of
 * the Gram G, whatever its rank) and ‖R‖² = σ_p²(u₀² + u₁² + χ²_{m−2}) (one direction only when m = 1),
 *   G' = A G Aᵀ + s (A g)ᵀ + (A g) sᵀ + s sᵀ ‖R‖²   (s = −h (a_x, a_y)).
 * The diagonal update is (1)–(5) with these (term (5) = the g's: a fresh source is uncorrelated with the pieces it has
 * not yet driven, so its mean is zero but its spread enters each draw), and (6) = 0 (E Δ_k(D₁) = 0 for a fresh Δ_k).
 */
export function runOnlineSourceEnsemble(pb: EnsembleProblem, symbols: readonly string[]): EnsembleSeries {
  const { K, sm, J, pairs, P, D, names, steps, acc, escapeStep, lam, rank, h, s, pidx, a, next, e, gt, gz, c, z, stat } = ensembleSetup(pb, symbols);
  const rng = createRng(pb.seed ?? ENSEMBLE_SEED, 7 * 1000 + K * 10 + J);
  // antithetic pairs: draw 2i records its random inputs on a tape, draw 2i + 1 replays them (normals negated)
  const tape: number[] = [];
  let pos = 0;
  let replay = false;
  const nrm = (): number => {
    if (replay) return -tape[pos++];
    const v = rng.normal();
    tape.push(v);
    return v;
  };
  const chi = (m: number): number => {
    if (replay) return tape[pos++];
    const v = chiSquareDraw(rng, m);
    tape.push(v);
    return v;
  };
  const B = pb.n;
  const mPair = pairs.map(([x, y]) => rank[x] * rank[y]);
  // the source moments as flat tables (the hot loop calls them every step of every draw)
  const trT = new Float64Array(J * J * K * K);
  for (let j = 0; j < J; j++) for (let jp = 0; jp < J; jp++) for (let x = 0; x < K; x++) for (let y = 0; y < K; y++) trT[((j * J + jp) * K + x) * K + y] = sm.tr(j, jp, x, y);
  const offT = new Float64Array(J * J * P);
  for (let j = 0; j < J; j++) for (let jp = 0; jp < J; jp++) pairs.forEach(([x, y], p) => (offT[(j * J + jp) * P + p] = sm.off(j, jp, x, y)));
  const tlT = new Float64Array(J * J * K);
  for (let j = 0; j < J; j++) for (let jp = 0; jp < J; jp++) for (let x = 0; x < K; x++) tlT[(j * J + jp) * K + x] = sm.tl(j, jp, x);
  const cc = new Float64Array(J * J);
  const Lk = new Float64Array(K * K);
  const zn = new Float64Array(K);
  const mTl = Array.from({ length: K }, (_, x) => (rank[x] * (rank[x] + 1)) / 2 - 1);
  let reached = steps;
  let status: EnsembleSeries['status'] = 'ok';
  let message = `${D} draws × ${steps} steps (online, fresh sources each step)`;
  const G = new Float64Array(3 * P); // per pair [‖X_xy‖², ⟨X_xy, X_yxᵀ⟩, ‖X_yx‖²]
  const TL = new Float64Array(K);
  const offNorm = new Float64Array(K * K);
  const Ctr = new Float64Array(K * K);
  const tau = new Float64Array(K);
  const gp = new Float64Array(2 * P);
  const rr = new Float64Array(P);
  const gtl = new Float64Array(K);
  const rtl = new Float64Array(K);
  for (let d = 0; d < D; d++) {
    replay = d % 2 === 1;
    pos = 0;
    if (!replay) tape.length = 0;
    a.set(pb.a0);
    G.fill(0);
    TL.fill(0);
    for (let k = 0; k <= reached; k++) {
      for (let p = 0; p < P; p++) {
        const [x, y] = pairs[p];
        offNorm[x * K + y] = G[3 * p];
        offNorm[y * K + x] = G[3 * p + 2];
      }
      drawStatistics(pb, pairs, a, G, TL, z, stat);
      if (escapeStep[d] < 0 && a[s] >= pb.escapeLevel) escapeStep[d] = k;
      if (!inRange(stat, K)) {
        reached = k - 1;
        status = 'diverged';
        message = `draw ${d} of the source ensemble left the range |statistic| ≤ ${DIVERGENCE_BOUND} at step ${k} (B = ${B}): prediction stopped at step ${k - 1}`;
        break;
      }
      acc.add(d, k, stat);
      if (k === reached) break;
      drawFactors(pb, a, z, e, gt, gz, c);
      // this step's fresh source: trace part (jointly Gaussian over blocks), per pair the projections g and ‖R‖²
      for (let j = 0; j < J; j++) for (let jp = 0; jp < J; jp++) cc[j * J + jp] = c[j] * c[jp];
      Ctr.fill(0);
      for (let jj = 0; jj < J * J; jj++) {
        const w = cc[jj] / B;
        if (w !== 0) for (let xy = 0; xy < K * K; xy++) Ctr[xy] += w * trT[jj * K * K + xy];
      }
      choleskyInto(Ctr, K, Lk);
      for (let x = 0; x < K; x++) zn[x] = nrm();
      for (let x = 0; x < K; x++) { let t = 0; for (let y = 0; y <= x; y++) t += Lk[x * K + y] * zn[y]; tau[x] = t; }
      for (let p = 0; p < P; p++) {
        let v = 0;
        for (let jj = 0; jj < J * J; jj++) v += cc[jj] * offT[jj * P + p];
        // (the pair's fresh piece R_xy, i.i.d. entries of variance s2)
        const s2 = Math.max(0, v / (B * mPair[p]));
        const g00 = G[3 * p];
        const g01 = G[3 * p + 1];
        const g11 = G[3 * p + 2];
        // g ~ N(0, s2·G) and ‖R‖²: with an orthonormal pair (e₀, e₁) spanning (a superset of) span(X_xy, X_yxᵀ) and
        // u_i = ⟨R, e_i⟩/σ ~ N(0, 1), g = σ L u (L the Cholesky factor of the 2×2 Gram, rank 0, 1 or 2) and
        // ‖R‖² = σ²(u₀² + u₁² + χ²_{m−2}) whatever the rank; a 1-entry pair (m = 1) has one direction only
        const l00 = Math.sqrt(Math.max(0, g00));
        const l10 = l00 > 0 ? g01 / l00 : 0;
        const l11 = mPair[p] > 1 ? Math.sqrt(Math.max(0, g11 - l10 * l10)) : 0;
        const u0 = nrm();
        const u1 = mPair[p] > 1 ? nrm() : 0;
        const sq = Math.sqrt(s2);
        gp[2 * p] = sq * l00 * u0;
        gp[2 * p + 1] = sq * (l10 * u0 + l11 * u1);
        rr[p] = s2 * (u0 * u0 + u1 * u1 + (mPair[p] > 2 ? chi(mPair[p] - 2) : 0));
      }
      for (let x = 0; x < K; x++) {
        let v = 0;
        if (mTl[x] > 0) for (let jj = 0; jj < J * J; jj++) v += cc[jj] * tlT[jj * K + x];
        const s2 = mTl[x] > 0 ? Math.max(0, v / (B * mTl[x])) : 0;
        // ĝ = ⟨X̃, R̃⟩ ~ N(0, σ²‖X̃‖²), ‖R̃‖² = σ²(u₀² + χ²_{m−1}) (as for the pairs, rank-free)
        const u0 = mTl[x] > 0 ? nrm() : 0;
        gtl[x] = Math.sqrt(s2 * TL[x]) * u0;
        rtl[x] = s2 * (u0 * u0 + (mTl[x] > 1 ? chi(mTl[x] - 1) : 0));
      }
      for (let x = 0; x < K; x++) {
        let t3 = 4 * lam[x] * lam[x] * a[x] * TL[x];
        let t5 = gtl[x];
        for (let y = 0; y < K; y++) {
          if (y === x) continue;
          const p = pidx[x * K + y];
          t3 += 2 * lam[x] * lam[y] * (a[y] * G[3 * p + 1] + a[x] * offNorm[x * K + y]);
          // ⟨X_xy, R_xy⟩: component 0 of the pair when x < y, else component 1
          t5 += gp[2 * p + (x < y ? 0 : 1)];
        }
        next[x] = a[x] - h * (a[x] * gz[x] + (t3 + a[x] * tau[x] + t5) / rank[x]);
      }
      // the pieces' Gram matrices under X' = A X + s R (module comment)
      for (let p = 0; p < P; p++) {
        const [x, y] = pairs[p];
        const ll = lam[x] * lam[y];
        const A00 = 1 - h * (gz[y] + 2 * a[x] * a[x] * ll);
        const A01 = -h * 2 * a[x] * a[y] * ll;
        const A11 = 1 - h * (gz[x] + 2 * a[y] * a[y] * ll);
        const s0 = -h * a[x];
        const s1 = -h * a[y];
        const g00 = G[3 * p];
        const g01 = G[3 * p + 1];
        const g11 = G[3 * p + 2];
        const Ag0 = A00 * gp[2 * p] + A01 * gp[2 * p + 1];
        const Ag1 = A01 * gp[2 * p] + A11 * gp[2 * p + 1];
        G[3 * p] = A00 * A00 * g00 + 2 * A00 * A01 * g01 + A01 * A01 * g11 + 2 * s0 * Ag0 + s0 * s0 * rr[p];
        G[3 * p + 1] = A00 * A01 * g00 + (A00 * A11 + A01 * A01) * g01 + A01 * A11 * g11 + s1 * Ag0 + s0 * Ag1 + s0 * s1 * rr[p];
        G[3 * p + 2] = A01 * A01 * g00 + 2 * A01 * A11 * g01 + A11 * A11 * g11 + 2 * s1 * Ag1 + s1 * s1 * rr[p];
      }
      for (let x = 0; x < K; x++) {
        const f = 1 - h * gz[x] - 4 * h * lam[x] ** 2 * a[x] ** 2;
        const st = -h * a[x];
        TL[x] = f * f * TL[x] + 2 * f * st * gtl[x] + st * st * rtl[x];
      }
      a.set(next);
    }
  }
  if (reached < 0) return noSteps(D, message);
  const { mean, sd, mcse } = acc.series(names, reached, D);
  return { mean, sd, mcse, steps: reached, status, message, escape: escapeSummary(escapeStep, reached), draws: D, ...keptDraws(pb, acc, reached, D) };
}
