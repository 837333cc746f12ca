/**
 * The Gaussian-source ensemble with the rank-1 part of W exact: full-batch GD beyond the W-piece ensemble's rotation
 * limit (issue 11).
 *
 * The W-piece ensemble (source-ensemble.ts) keeps the block coefficients a_k exact and linearizes every off-algebra
 * piece of W about the draw's diagonal path. Among the pieces are the rotation pieces of the rank-1 blocks (the part
 * of Wθ along v, which the loss does not resist); at n = 2000 they are O(1) late in the escape (measured, d = 8,
 * λ_v = 10, step 284: ‖P_vWθ‖² = 0.44 against a_θ² = 0.42), and the bulk columns' rank-1 rows contract along the
 * signal's output direction Wθ/‖Wθ‖, i.e. at the rate of the rotated W, not of the a_k: the W-piece ensemble's bulk
 * magnitude stops contracting after the escape while the seeds' does (256 seeds: 10.5 SE at step 284).
 *
 * Here, for models whose blocks are rank-1 blocks R (K₁ of them: signal, spike, power-law directions) and at most one
 * bulk block b (rank r_b ≥ 2), a draw carries
 *   W_RR (K₁×K₁) exact and nonlinear; a_b exact; the bulk's pieces X_Rb (rows R, columns b), X_bR (rows b, columns R)
 *   and the traceless X̃_bb first order in the sample fluctuation, linear about the draw's own path.
 * The sources are those of source-ensemble.ts at the same covariances (moments.ts, order 8): block traces jointly
 * Gaussian; the rank-1 pairs' entries (R_j)_xy scalar Gaussians; for the bulk, the r_b-vectors ρ_(j,x) = (R_j)_xb
 * (x ∈ R) through their joint Gram matrix, Wishart with r_b degrees of freedom and scale blockdiag_x(sm.off(·,·,x,b)/
 * (n r_b)) (pairs uncorrelated, hence independent; the cross inner products are what the rows' mixing needs); the
 * traceless part through its Gram matrix. With D = WᵀW − P_s, M̂ = M(D) + Σ_j c_j R_j (c_j = D's block traces,
 * 1 for the label noise), M(D) = tr(DΣ)Σ + 2ΣDΣ, and GD's W' = W − h W M̂:
 *   D_RR = W_RRᵀW_RR + X_bRᵀX_bR − e_s e_sᵀ (exact to second order), D_Rb = W_RRᵀX_Rb + a_b X_bRᵀ (first order),
 *   D_bb = z_b I + 2a_b X̃ (z_b = a_b² + (‖X_Rb‖² + ‖X̃‖²)/r_b);
 *   W_RR' = W_RR − h[W_RR(M_RR + R_RR + diag E tr_xΔ(D₁)/n) + X_Rb(2λ_b D_bR Λ_R + R_bR)],
 *     M_RR = T Λ_R + 2Λ_R D_RR Λ_R, T = tr(DΣ);
 *   a_b' = a_b − h[a_b g̃_b + (2λ_b Σ_x λ_x⟨X_bx, (D_Rb)_x⟩ + Σ_x⟨X_bx, R_xb⟩ + 4λ_b² a_b‖X̃‖² + a_b t_b + ⟨X̃, R̃_bb⟩
 *     + a_b E tr_bΔ(D₁)/n)/r_b],  g̃_b = λ_b T + 2λ_b² z_b, t_b = tr_b R;
 *   X_Rb' = (1 − hg̃_b) X_Rb − h W_RR(2λ_b Λ_R D_Rb + R_Rb)   (the rows mix through W_RR: the output direction);
 *   X_bR' = X_bR (I − h M_RR) − h a_b (2λ_b D_bR Λ_R + R_bR);
 *   X̃' = (1 − hg̃_b − 4hλ_b² a_b²) X̃ − h a_b R̃_bb;
 * E tr_xΔ(D₁) the same-sample mean (propagate.ts `sameSampleMean`, its piece terms): the frozen fluctuation acting on
 * the piece of D it drove, with D₁'s linear images in the sources (the bulk pairs' from D_Rb's own-pair components —
 * another pair's source is independent of this pair's entries, its term vanishes — the rank-1 pairs' from their
 * linear images, carried beside the exact W_RR as in source-ensemble.ts).
 * On the block manifold and to second order this is source-ensemble.ts's recursion (W_RR = diag(a) + pieces); it
 * differs in keeping the products of the rank-1 pieces with the bulk's. Statistics per draw: the signed coefficients
 * (W_RR's diagonal, a_b), the magnitudes √z_k (z_x = ‖W_RR e_x‖² + ‖X_bx‖²), the loss κ[T² + 2tr((DΣ)²)],
 * tr((DΣ)²) = ‖Λ_R^{1/2} D_RR Λ_R^{1/2}‖² + 2λ_b Σ_x λ_x ‖(D_Rb)_x‖² + λ_b²(r_b z_b² + 4a_b²‖X̃‖²), the ratios.
 */
import { createRng, type Rng } from '../../core/rng.js';
import { blockMisalignmentRatio } from '../../core/blocks.js';
import { ensembleDraws } from '../../config/defaults.js';
import { sourceMoments, type SourceMoments } from './moments.js';
import { q4Table, sameSampleMeanOf } from './propagate.js';
import { cholesky, divergedMessage, ENSEMBLE_SEED, ensembleSeriesNames, escapeSummary, inRange, keptDraws, newAccumulator, noSteps, wishart, type EnsembleProblem, type EnsembleSeries } from './source-ensemble.js';

/** Most rank-1 blocks beside a bulk: a draw's step costs (J·K₁)²·K₁ for the bulk rows' Gram contractions. */
export const MAX_RANK_ONE_WITH_BULK = 4;

/**
 * The blocks this ensemble applies to (null otherwise, and source-ensemble.ts runs): the rank-1 blocks R and at most
 * one bulk, with at most MAX_RANK_ONE_WITH_BULK rank-1 blocks beside it (the spiked model: θ, v and the bulk).
 */
export function rankOneLayout(rank: ArrayLike<number>): { R: number[]; bulk: number } | null {
  const R: number[] = [];
  const bulks: number[] = [];
  for (let k = 0; k < rank.length; k++) (rank[k] === 1 ? R : bulks).push(k);
  if (bulks.length > 1 || R.length === 0 || (bulks.length === 1 && R.length > MAX_RANK_ONE_WITH_BULK)) return null;
  return { R, bulk: bulks.length ? bulks[0] : -1 };
}

/** L z for z standard normal (n). */
function gaussian(rng: Rng, L: Float64Array, n: number): Float64Array {
  const z = Float64Array.from({ length: n }, () => rng.normal());
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k <= i; k++) s += L[i * n + k] * z[k];
    out[i] = s;
  }
  return out;
}

interface Factors {
  tr: Float64Array;
  /** rank-1 pairs (x < y in R), J×J each */
  pair: Float64Array[];
  /** the bulk family (J·K₁)², blockdiag over x */
  fam: Float64Array;
  tl: Float64Array;
}

function factors(sm: SourceMoments, rank: ArrayLike<number>, R: number[], b: number, n: number): Factors {
  const { K, J } = sm;
  const K1 = R.length;
  const Ctr = new Float64Array(J * K * J * K);
  for (let j = 0; j < J; j++) for (let a = 0; a < K; a++) for (let jp = 0; jp < J; jp++) for (let c = 0; c < K; c++) Ctr[(j * K + a) * J * K + jp * K + c] = sm.tr(j, jp, a, c) / n;
  const pair: Float64Array[] = [];
  for (let i = 0; i < K1; i++) for (let l = i + 1; l < K1; l++) {
    const C = new Float64Array(J * J);
    for (let j = 0; j < J; j++) for (let jp = 0; jp < J; jp++) C[j * J + jp] = sm.off(j, jp, R[i], R[l]) / n;
    pair.push(cholesky(C, J));
  }
  const Q = J * K1;
  const Cf = new Float64Array(Q * Q);
  const Ct = new Float64Array(J * J);
  if (b >= 0) {
    for (let i = 0; i < K1; i++) for (let j = 0; j < J; j++) for (let jp = 0; jp < J; jp++) Cf[(j * K1 + i) * Q + jp * K1 + i] = sm.off(j, jp, R[i], b) / (n * rank[b]);
    const m = (rank[b] * (rank[b] + 1)) / 2 - 1;
    for (let j = 0; j < J; j++) for (let jp = 0; jp < J; jp++) Ct[j * J + jp] = sm.tl(j, jp, b) / (n * m);
  }
  return { tr: cholesky(Ctr, J * K), pair, fam: cholesky(Cf, Q), tl: cholesky(Ct, J) };
}

/** ⟨A_x, GB_y⟩ = Σ_q A[q·K1 + x]·GB[q·K1 + y]: an inner product of two pieces' images (GB = the Gram matrix times B). */
function ip(A: Float64Array, GB: Float64Array, Q: number, K1: number, x: number, y: number): number {
  let t = 0;
  for (let q = 0; q < Q; q++) t += A[q * K1 + x] * GB[q * K1 + y];
  return t;
}

/** Run the ensemble (module comment) for a full-batch problem whose layout `rankOneLayout` accepts. */
export function runRankOneEnsemble(pb: EnsembleProblem, symbols: readonly string[]): EnsembleSeries {
  const bl = pb.blocks;
  const { lambda: lam, rank } = bl;
  const K = pb.a0.length;
  const lay = rankOneLayout(rank);
  if (!lay) throw new Error('rank-one ensemble: the model has more than one bulk block');
  const { R, bulk: b } = lay;
  const K1 = R.length;
  const sm = sourceMoments(bl);
  const J = sm.J;
  const Q = J * K1;
  const rb = b >= 0 ? rank[b] : 0;
  const lb = b >= 0 ? lam[b] : 0;
  const D = ensembleDraws(K, pb.draws);
  const names = ensembleSeriesNames(symbols);
  const acc = newAccumulator(pb, names, D);
  const h = pb.h;
  const s = pb.signal;
  const si = R.indexOf(s);
  const lamR = R.map((x) => lam[x]);
  const rng = createRng(pb.seed ?? ENSEMBLE_SEED, 13 * 1000 + K * 10 + J);
  const F = factors(sm, rank, R, b, pb.n);
  const q4 = q4Table(sm);
  const pairsR: [number, number][] = [];
  for (let i = 0; i < K1; i++) for (let l = i + 1; l < K1; l++) pairsR.push([i, l]);
  const PR = pairsR.length;
  let reached = pb.steps;
  let status: EnsembleSeries['status'] = 'ok';
  let message = `${D} draws × ${pb.steps} steps (rank-1 part exact)`;
  const escapeStep = new Int32Array(D).fill(-1);
  // state
  const W = new Float64Array(K1 * K1);
  const W2 = new Float64Array(K1 * K1);
  let ab = 0;
  const UR = new Float64Array(Q * K1); // X_yb = Σ_q UR[q·K1 + y] ρ_q
  const UC = new Float64Array(Q * K1); // X_by = Σ_q UC[q·K1 + y] ρ_q
  const UR2 = new Float64Array(Q * K1);
  const UC2 = new Float64Array(Q * K1);
  const AL = new Float64Array(J); // X̃ = Σ_j AL_j R̃_j
  const LI = new Float64Array(PR * J * 2); // linear images of W_RR's off-diagonal (x < y: X_xy, X_yxᵀ) for (6)
  const LI2 = new Float64Array(PR * J * 2);
  // scratch
  const c = new Float64Array(J);
  const z = new Float64Array(K);
  const DR = new Float64Array(Q * K1); // images of (D_Rb)_x
  const G = new Float64Array(Q * Q);
  const GUR = new Float64Array(Q * K1);
  const GUC = new Float64Array(Q * K1);
  const GDR = new Float64Array(Q * K1);
  const Gc = new Float64Array(Q * K1); // GB · (the image of R_xb = Σ_j c_j ρ_(j,x))
  const DRR = new Float64Array(K1 * K1);
  const MRR = new Float64Array(K1 * K1);
  const RRR = new Float64Array(K1 * K1);
  const XbXb = new Float64Array(K1 * K1);
  const F1 = new Float64Array(K1 * K1); // X_Rb(2λ_b D_bR Λ_R + R_bR) (K1×K1, rows y, columns x)
  const t6 = new Float64Array(K);
  const offD1 = new Float64Array(J * K * K);
  const tlD1 = new Float64Array(J * K);
  const stat = new Float64Array(names.length);
  const aSigned = new Float64Array(K);
  const mags = new Float64Array(K);
  let tr: Float64Array = new Float64Array(J * K);
  let pairG: Float64Array[] = [];
  let tlG: Float64Array = new Float64Array(J * J);
  for (let d = 0; d < D; d++) {
    // antithetic pairs: draw 2i + 1 has draw 2i's pieces' sources and the opposite trace sources
    if (d % 2 === 0) {
      tr = gaussian(rng, F.tr, J * K);
      pairG = F.pair.map((L) => gaussian(rng, L, J));
      if (b >= 0) {
        G.set(wishart(rng, F.fam, Q, rb));
        tlG = wishart(rng, F.tl, J, (rb * (rb + 1)) / 2 - 1);
      }
    } else tr = tr.map((v) => -v);
    W.fill(0);
    for (let i = 0; i < K1; i++) W[i * K1 + i] = pb.a0[R[i]];
    ab = b >= 0 ? pb.a0[b] : 0;
    UR.fill(0);
    UC.fill(0);
    AL.fill(0);
    LI.fill(0);
    for (let k = 0; k <= reached; k++) {
      // (D_Rb)_x images: Σ_y W[y, x] UR[q, y] + a_b UC[q, x], and the Gram matrix times the images (bulk only)
      if (b >= 0) for (let q = 0; q < Q; q++) for (let x = 0; x < K1; x++) {
        let v = ab * UC[q * K1 + x];
        for (let y = 0; y < K1; y++) v += W[y * K1 + x] * UR[q * K1 + y];
        DR[q * K1 + x] = v;
      }
      if (b >= 0) for (let q = 0; q < Q; q++) for (let x = 0; x < K1; x++) {
        let gr = 0;
        let gc = 0;
        let gd = 0;
        for (let qp = 0; qp < Q; qp++) {
          const g = G[q * Q + qp];
          gr += g * UR[qp * K1 + x];
          gc += g * UC[qp * K1 + x];
          gd += g * DR[qp * K1 + x];
        }
        GUR[q * K1 + x] = gr;
        GUC[q * K1 + x] = gc;
        GDR[q * K1 + x] = gd;
      }
      // D's block traces (c) and D_RR
      let rowNorm = 0; // Σ_y ‖X_yb‖²
      if (b >= 0) for (let y = 0; y < K1; y++) rowNorm += ip(UR, GUR, Q, K1, y, y);
      let tlN = 0;
      for (let j = 0; j < J; j++) for (let jp = 0; jp < J; jp++) tlN += AL[j] * AL[jp] * tlG[j * J + jp];
      // (the Gram traces z from the sums of squares themselves: z = (z − 1) + 1 would lose ~1e-10 of z_θ = α² at step 0)
      for (let x = 0; x < K1; x++) for (let y = 0; y < K1; y++) {
        XbXb[x * K1 + y] = b >= 0 ? ip(UC, GUC, Q, K1, x, y) : 0;
        let v = 0;
        for (let w = 0; w < K1; w++) v += W[w * K1 + x] * W[w * K1 + y];
        if (x === y) z[R[x]] = v + XbXb[x * K1 + y];
        DRR[x * K1 + y] = v + XbXb[x * K1 + y] - (x === si && y === si ? 1 : 0);
      }
      const zb = b >= 0 ? ab * ab + (rowNorm + tlN) / rb : 0;
      if (b >= 0) z[b] = zb;
      c.fill(0);
      for (let i = 0; i < K1; i++) c[R[i]] = DRR[i * K1 + i];
      if (b >= 0) c[b] = zb;
      if (J > K) c[K] = 1;
      let T = rb * lb * zb;
      for (let i = 0; i < K1; i++) T += lamR[i] * DRR[i * K1 + i];
      // statistics
      let q2 = 0;
      for (let x = 0; x < K1; x++) for (let y = 0; y < K1; y++) q2 += lamR[x] * lamR[y] * DRR[x * K1 + y] ** 2;
      if (b >= 0) {
        for (let x = 0; x < K1; x++) q2 += 2 * lb * lamR[x] * ip(DR, GDR, Q, K1, x, x);
        q2 += lb * lb * (rb * zb * zb + 4 * ab * ab * tlN);
      }
      for (let i = 0; i < K1; i++) aSigned[R[i]] = W[i * K1 + i];
      if (b >= 0) aSigned[b] = ab;
      for (let x = 0; x < K; x++) {
        mags[x] = Math.sqrt(Math.max(0, z[x]));
        stat[x] = aSigned[x];
        stat[K + x] = mags[x];
      }
      stat[2 * K] = pb.lossScale * (T * T + 2 * q2);
      stat[2 * K + 1] = blockMisalignmentRatio(aSigned, s, pb.spike);
      stat[2 * K + 2] = blockMisalignmentRatio(mags, s, pb.spike);
      if (escapeStep[d] < 0 && aSigned[s] >= pb.escapeLevel) escapeStep[d] = k;
      if (!inRange(stat, K)) {
        reached = k - 1;
        status = 'diverged';
        message = divergedMessage(d, k, pb.n);
        break;
      }
      acc.add(d, k, stat);
      if (k === reached) break;
      // M_RR, R_RR, the bulk's gradient factor
      for (let x = 0; x < K1; x++) for (let y = 0; y < K1; y++) MRR[x * K1 + y] = (x === y ? T * lamR[x] : 0) + 2 * lamR[x] * lamR[y] * DRR[x * K1 + y];
      RRR.fill(0);
      for (let x = 0; x < K1; x++) {
        let t = 0;
        for (let j = 0; j < J; j++) t += c[j] * tr[j * K + R[x]];
        RRR[x * K1 + x] = t;
      }
      pairsR.forEach(([x, y], p) => {
        let t = 0;
        for (let j = 0; j < J; j++) t += c[j] * pairG[p][j];
        RRR[x * K1 + y] = t;
        RRR[y * K1 + x] = t;
      });
      const gb = lb * T + 2 * lb * lb * zb;
      // G times the image of R_xb (column x of Gc): R_xb = Σ_j c_j ρ_(j,x)
      if (b >= 0) for (let q = 0; q < Q; q++) for (let x = 0; x < K1; x++) {
        let t = 0;
        for (let j = 0; j < J; j++) t += G[q * Q + j * K1 + x] * c[j];
        Gc[q * K1 + x] = t;
      }
      // X_Rb (2λ_b D_bR Λ_R + R_bR): [y, x] = 2λ_b λ_x ⟨X_yb, (D_Rb)_x⟩ + ⟨X_yb, R_xb⟩
      if (b >= 0) for (let y = 0; y < K1; y++) for (let x = 0; x < K1; x++) F1[y * K1 + x] = 2 * lb * lamR[x] * ip(UR, GDR, Q, K1, y, x) + ip(UR, Gc, Q, K1, y, x);
      else F1.fill(0);
      // the same-sample mean (6): D₁'s images — bulk pairs from D_Rb's own components, rank-1 pairs from LI
      offD1.fill(0);
      tlD1.fill(0);
      for (let j = 0; j < J; j++) {
        if (b >= 0) {
          for (let x = 0; x < K1; x++) {
            const v = DR[(j * K1 + x) * K1 + x];
            offD1[(j * K + R[x]) * K + b] = v;
            offD1[(j * K + b) * K + R[x]] = v;
          }
          tlD1[j * K + b] = 2 * ab * AL[j];
        }
        pairsR.forEach(([x, y], p) => {
          const v = W[x * K1 + x] * LI[(p * J + j) * 2] + W[y * K1 + y] * LI[(p * J + j) * 2 + 1];
          offD1[(j * K + R[x]) * K + R[y]] = v;
          offD1[(j * K + R[y]) * K + R[x]] = v;
        });
      }
      for (let x = 0; x < K; x++) t6[x] = sameSampleMeanOf(J, K, rank, q4, offD1, tlD1, x) / pb.n;
      // W_RR' = W_RR − h[W_RR(M_RR + R_RR + diag t6) + F1]
      for (let y = 0; y < K1; y++) for (let x = 0; x < K1; x++) {
        let v = 0;
        for (let w = 0; w < K1; w++) v += W[y * K1 + w] * (MRR[w * K1 + x] + RRR[w * K1 + x]);
        v += W[y * K1 + x] * t6[R[x]];
        W2[y * K1 + x] = W[y * K1 + x] - h * (v + F1[y * K1 + x]);
      }
      // a_b'
      let abNext = ab;
      if (b >= 0) {
        let tb = 0;
        for (let j = 0; j < J; j++) tb += c[j] * tr[j * K + b];
        let xR = 0;
        for (let x = 0; x < K1; x++) xR += 2 * lb * lamR[x] * ip(UC, GDR, Q, K1, x, x) + ip(UC, Gc, Q, K1, x, x);
        let tlR = 0;
        for (let j = 0; j < J; j++) for (let jp = 0; jp < J; jp++) tlR += AL[j] * tlG[j * J + jp] * c[jp];
        abNext = ab - h * (ab * gb + (xR + 4 * lb * lb * ab * tlN + ab * tb + tlR + ab * t6[b]) / rb);
        // pieces: X_Rb' = (1 − hg̃_b) X_Rb − h W_RR(2λ_b Λ_R D_Rb + R_Rb); X_bR' = X_bR(I − hM_RR) − h a_b(2λ_b D_bR Λ_R + R_bR)
        for (let q = 0; q < Q; q++) {
          const jq = Math.floor(q / K1);
          const xq = q % K1;
          for (let y = 0; y < K1; y++) {
            let v = 0;
            for (let x = 0; x < K1; x++) v += W[y * K1 + x] * (2 * lb * lamR[x] * DR[q * K1 + x] + (x === xq ? c[jq] : 0));
            UR2[q * K1 + y] = (1 - h * gb) * UR[q * K1 + y] - h * v;
            let u = 0;
            for (let x = 0; x < K1; x++) u += UC[q * K1 + x] * ((x === y ? 1 : 0) - h * MRR[x * K1 + y]);
            UC2[q * K1 + y] = u - h * ab * (2 * lb * lamR[y] * DR[q * K1 + y] + (y === xq ? c[jq] : 0));
          }
        }
        UR.set(UR2);
        UC.set(UC2);
        const f = 1 - h * gb - 4 * h * lb * lb * ab * ab;
        for (let j = 0; j < J; j++) AL[j] = f * AL[j] - h * ab * c[j];
      }
      // the rank-1 pairs' linear images (source-ensemble.ts's pair map at the draw's diagonal, gradient factors at z)
      pairsR.forEach(([x, y], p) => {
        const ax = W[x * K1 + x];
        const ay = W[y * K1 + y];
        const ll = lamR[x] * lamR[y];
        const gx = lamR[x] * T + 2 * lamR[x] ** 2 * (z[R[x]] - (x === si ? 1 : 0));
        const gy = lamR[y] * T + 2 * lamR[y] ** 2 * (z[R[y]] - (y === si ? 1 : 0));
        const k00 = gy + 2 * ax * ax * ll;
        const k01 = 2 * ax * ay * ll;
        const k11 = gx + 2 * ay * ay * ll;
        for (let j = 0; j < J; j++) {
          const i0 = (p * J + j) * 2;
          const p0 = LI[i0];
          const p1 = LI[i0 + 1];
          LI2[i0] = p0 - h * (k00 * p0 + k01 * p1) - h * ax * c[j];
          LI2[i0 + 1] = p1 - h * (k01 * p0 + k11 * p1) - h * ay * c[j];
        }
      });
      LI.set(LI2);
      W.set(W2);
      ab = abNext;
    }
  }
  if (reached < 0) return noSteps(D, message);
  const { mean, sd, mcse } = acc.series(names, reached, D);
  return { mean, sd, mcse, steps: reached, status, message, escape: escapeSummary(escapeStep, reached), draws: D, ...keptDraws(pb, acc, reached, D) };
}
