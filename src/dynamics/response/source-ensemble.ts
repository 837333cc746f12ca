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
 *   of propagate.ts `stepAction` evaluated at the seed's a (not at ā).
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
 *                  + a_a Σ_j e_j tr(R_j)_aa / r_a                     (4): the frozen trace source at the seed's e
 *                  + Σ_j e_j (Σ_{c≠a} ⟨X_ac, (R_j)_ac⟩ + ⟨X̃_aa, (R̃_j)_aa⟩)/r_a          (5): tr X Δ(D₀)
 *                  + a_a E tr_a Δ(D₁)/(r_a n) ]                        (6): its same-sample mean (propagate.ts srcD,
 *                    its piece terms: the trace terms of srcD are reproduced by (4), where the seed's e_j carries
 *                    2ā_j δa_j and δa_j is correlated with the same draw's trace sources, sm.tr = the same 4-form moment)
 * with ν_b = (Σ_{c≠b} ‖X_cb‖² + ‖X̃_bb‖²)/r_b the pieces' share of column b; the inner products are contractions of
 * the images with the Gram matrices. Expanding this recursion about ā reproduces the second-order response of
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
import { createRng, type Rng } from '../../core/rng.js';
import { DIVERGENCE_BOUND } from '../../core/tolerances.js';
import { sourceMoments, type ResponseBlocks, type SourceMoments } from './moments.js';
import { pairList, populationGradientFactors } from './propagate.js';

/** Theory draws of the source ensemble. */
export const ENSEMBLE_DRAWS = 2048;
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
}

export interface EnsembleSeries {
  /** name → mean over the draws per step (0..steps) */
  mean: Record<string, number[]>;
  /** name → SD over the draws per step */
  sd: Record<string, number[]>;
  /** Steps computed (a draw that leaves the finite range ends the run there: status). */
  steps: number;
  status: 'ok' | 'diverged';
  message: string;
  /** Per-draw escape steps (first k with a_s ≥ level): mean and SD over the draws that escape, and how many did. */
  escape: { mean: number | null; sd: number | null; escaped: number; draws: number };
  draws: number;
}

/** Lower Cholesky factor of a symmetric PSD matrix (n×n row-major); semidefinite directions get a zero column. */
function cholesky(C: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  const scale = Math.max(...Array.from({ length: n }, (_, i) => Math.abs(C[i * n + i])), Number.MIN_VALUE);
  for (let j = 0; j < n; j++) {
    let d = C[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] ** 2;
    const ljj = d > 1e-14 * scale ? Math.sqrt(d) : 0;
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = C[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = ljj > 0 ? s / ljj : 0;
    }
  }
  return L;
}

/** χ²_ν draw for real ν > 0 (Marsaglia–Tsang gamma with shape ν/2, scale 2; for shape < 1 the boost U^{1/α}). */
function chiSquareDraw(rng: Rng, nu: number): number {
  const shape = nu / 2;
  const boost = shape < 1 ? Math.pow(rng.uniform() || Number.MIN_VALUE, 1 / shape) : 1;
  const alpha = shape < 1 ? shape + 1 : shape;
  const d = alpha - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u || Number.MIN_VALUE) < 0.5 * x * x + d * (1 - v + Math.log(v))) return 2 * d * v * boost;
  }
}

/**
 * Wishart(dof, Σ = L Lᵀ) draw (J×J) by the Bartlett decomposition: W = L B Bᵀ Lᵀ, B lower triangular with
 * B_ii = √χ²_{dof − i} (i = 0..J−1) and B_ij ~ N(0, 1) below the diagonal (exact for dof > J − 1; for fewer degrees of
 * freedom the sum of dof outer products of N(0, Σ) vectors).
 */
function wishart(rng: Rng, L: Float64Array, J: number, dof: number): Float64Array {
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

/** Series names: the block coefficients, their magnitudes, the misalignment ratio and the loss. */
export function ensembleSeriesNames(symbols: readonly string[]): string[] {
  return [...symbols, ...symbols.map((s) => `${s}_mag`), 'loss', 'ratio'];
}

/** Run the ensemble (module comment); `symbols` name the blocks. */
export function runSourceEnsemble(pb: EnsembleProblem, symbols: readonly string[]): EnsembleSeries {
  const bl = pb.blocks;
  const K = pb.a0.length;
  const sm = sourceMoments(bl);
  const J = sm.J;
  const pairs = pairList(K);
  const P = pairs.length;
  const D = pb.draws ?? ENSEMBLE_DRAWS;
  const rng = createRng(ENSEMBLE_SEED, K * 1000 + J);
  const chol = sourceFactors(sm, bl, pairs, pb.n);
  const names = ensembleSeriesNames(symbols);
  const S = names.length;
  const steps = pb.steps;
  const sum = Array.from({ length: S }, () => new Float64Array(steps + 1));
  const sum2 = Array.from({ length: S }, () => new Float64Array(steps + 1));
  const { lambda: lam, rank } = bl;
  const kappa = pb.lossScale;
  const h = pb.h;
  const s = pb.signal;
  // pair index and orientation of an ordered block pair (x, y), x ≠ y: pidx[x·K + y], comp = x < y ? 0 : 1
  const pidx = new Int32Array(K * K).fill(-1);
  pairs.forEach(([x, y], p) => {
    pidx[x * K + y] = p;
    pidx[y * K + x] = p;
  });
  // E[q_j q_b q_c q_x] for the same-sample mean (6)
  const JK = Math.min(J, K);
  const q4 = new Float64Array(JK * K * K * K);
  for (let j = 0; j < JK; j++) for (let b = 0; b < K; b++) for (let c = 0; c < K; c++) for (let x = 0; x < K; x++) q4[((j * K + b) * K + c) * K + x] = sm.q4(j, b, c, x);
  let reached = steps;
  let escSum = 0;
  let escSum2 = 0;
  let escCount = 0;
  let status: EnsembleSeries['status'] = 'ok';
  let message = `${D} draws × ${steps} steps`;
  const a = new Float64Array(K);
  const next = new Float64Array(K);
  const e = new Float64Array(K);
  const gt = new Float64Array(K);
  const gz = new Float64Array(K);
  const c = new Float64Array(J);
  const nu = new Float64Array(K);
  const z = new Float64Array(K);
  const stat = new Float64Array(S);
  const U = new Float64Array(J * P * 2);
  const U2 = new Float64Array(J * P * 2);
  const AL = new Float64Array(J * K);
  const offNorm = new Float64Array(K * K);
  const offCross = new Float64Array(P);
  const offSrc = new Float64Array(K * K * J);
  const tlNorm = new Float64Array(K);
  const tlSrc = new Float64Array(K * J);
  const u = (j: number, x: number, y: number): number => U[(j * P + pidx[x * K + y]) * 2 + (x < y ? 0 : 1)];
  for (let d = 0; d < D; d++) {
    const src = drawSources(rng, sm, bl, pairs, chol);
    let escaped = false;
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
      for (let b = 0; b < K; b++) {
        let t = tlNorm[b];
        for (let y = 0; y < K; y++) if (y !== b) t += offNorm[y * K + b];
        nu[b] = t / rank[b];
        z[b] = a[b] * a[b] + nu[b];
      }
      // statistics of this draw
      let T = 0;
      let q = 0;
      for (let b = 0; b < K; b++) {
        const eb = z[b] - (b === s ? 1 : 0);
        T += rank[b] * lam[b] * eb;
        q += rank[b] * lam[b] ** 2 * eb * eb + 4 * lam[b] ** 2 * a[b] ** 2 * tlNorm[b];
      }
      for (let p = 0; p < P; p++) {
        const [x, y] = pairs[p];
        q += 2 * lam[x] * lam[y] * (a[x] ** 2 * offNorm[x * K + y] + 2 * a[x] * a[y] * offCross[p] + a[y] ** 2 * offNorm[y * K + x]);
      }
      for (let b = 0; b < K; b++) {
        stat[b] = a[b];
        stat[K + b] = Math.sqrt(Math.max(0, z[b]));
      }
      stat[2 * K] = kappa * (T * T + 2 * q);
      // misalignment ratio (statistics/ratio.ts): spiked b/a (signed), else max_{k≠s}|a_k|/|a_s|; 0 when a_s = 0
      if (a[s] === 0) stat[2 * K + 1] = 0;
      else if (pb.spike >= 0) stat[2 * K + 1] = a[pb.spike] / a[s];
      else {
        let mx = 0;
        for (let b = 0; b < K; b++) if (b !== s) mx = Math.max(mx, Math.abs(a[b]));
        stat[2 * K + 1] = mx / Math.abs(a[s]);
      }
      if (!escaped && a[s] >= pb.escapeLevel) {
        escaped = true;
        escSum += k;
        escSum2 += k * k;
        escCount++;
      }
      // a draw beyond the simulation's divergence bound (or not finite) ends the prediction: the Gaussian law of the
      // sources is not itself a fourth-moment operator (it is not positive), and at small n a draw can have a
      // curvature the step cannot follow — there the model, not the sample, has diverged
      let finite = true;
      for (let i = 0; i < S; i++) if (!(Math.abs(stat[i]) <= DIVERGENCE_BOUND)) finite = false;
      if (!finite) {
        // the prediction ends before the first step at which some draw is not finite (every draw covers 0..reached)
        reached = k - 1;
        status = 'diverged';
        message = `draw ${d} of the source ensemble left the range |statistic| ≤ ${DIVERGENCE_BOUND} at step ${k} (the Gaussian law of the sources at n = ${pb.n} allows a curvature the step cannot follow): prediction stopped at step ${k - 1}`;
        break;
      }
      for (let i = 0; i < S; i++) {
        sum[i][k] += stat[i];
        sum2[i][k] += stat[i] * stat[i];
      }
      if (k === reached) break;
      // the seed's diagonal update (module comment (1)–(6)); e_j and g̃ of the pieces' map at the seed's a
      populationGradientFactors(bl, s, a, e, gt);
      c.fill(0);
      c.set(e.subarray(0, Math.min(K, J)));
      if (J > K) c[K] = 1;
      let Tz = 0;
      for (let b = 0; b < K; b++) Tz += rank[b] * lam[b] * (z[b] - (b === s ? 1 : 0));
      for (let b = 0; b < K; b++) gz[b] = lam[b] * Tz + 2 * lam[b] ** 2 * (z[b] - (b === s ? 1 : 0));
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
        // (6): E tr_x Δ(D₁) over the pieces of D₁ = AX + XᵀA (propagate.ts sampleMeanSource without its trace terms)
        let t6 = 0;
        for (let j = 0; j < JK; j++) {
          for (let b = 0; b < K; b++) {
            for (let y = 0; y < K; y++) if (y !== b) t6 += (a[b] * u(j, b, y) + a[y] * u(j, y, b)) * q4[((j * K + b) * K + y) * K + x];
            t6 += 2 * a[b] * AL[j * K + b] * (1 - 1 / rank[b]) * q4[((j * K + b) * K + b) * K + x];
          }
        }
        next[x] = a[x] - h * (a[x] * gz[x] + (t3 + a[x] * t4 + t5 + (a[x] * t6) / pb.n) / rank[x]);
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
  const last = Math.max(0, reached);
  const mean: Record<string, number[]> = {};
  const sd: Record<string, number[]> = {};
  names.forEach((name, i) => {
    mean[name] = Array.from({ length: last + 1 }, (_, k) => sum[i][k] / D);
    sd[name] = Array.from({ length: last + 1 }, (_, k) => Math.sqrt(Math.max(0, (sum2[i][k] - (sum[i][k] * sum[i][k]) / D) / (D - 1))));
  });
  const escMean = escCount > 0 ? escSum / escCount : null;
  const escape = { mean: escMean, sd: escCount > 1 ? Math.sqrt(Math.max(0, (escSum2 - escCount * escMean! ** 2) / (escCount - 1))) : null, escaped: escCount, draws: D };
  return { mean, sd, steps: last, status, message, escape, draws: D };
}
