/**
 * Linear response of GD and SpecGD (matrix student m = d, W₀ = αI) about the population trajectory
 * W̄_k = Σ_a ā_a(k) P_a, to second order in the sample fluctuation (issue 11).
 *
 * Notation: h = 4κη̃ (GD), M(A) = tr(AΣ)Σ + 2ΣAΣ, D = WᵀW − P_s, e_a = ā_a² − [a = s], T = Σ_a r_a λ_a e_a,
 * g̃_a = λ_a T + 2λ_a² e_a (so M(D̄) = Σ_a g̃_a P_a and the gradient is 4κ W M(D)). The empirical gradient operator
 * is M_n(D) + R(D) with R(D) = Δ(D) + R_ε, Δ(A) = M_n(A) − M(A), R_ε = −(1/n) Σ ε_i x_i x_iᵀ (label noise); at the
 * population point R(D̄) = Σ_j c_j R_j with c_j = e_j (blocks) and c_ε = 1 (moments.ts). With W = W̄ + W₁ + W₂
 * (orders n^{-1/2}, n^{-1}):
 *
 * GD  W₁' = W₁ − h[W₁M(D̄) + W̄M(D₁) + W̄R(D̄)],                                  D₁ = W̄W₁ + W₁ᵀW̄,
 *     E W₂' = E W₂ − h[E W₂ M(D̄) + W̄ M(E D₂)] − h E[W₁M(D₁) + W̄M(W₁ᵀW₁) + W₁R(D̄) + W̄Δ(D₁)].
 * The linearized map preserves the block pieces of X = W₁ (P_aXP_b =: X_ab):
 *  - each pair a < b, p = (X_ab, X_baᵀ), entrywise p' = (I − hK_ab) p − h (ā_a, ā_b) R_ab with
 *    K_ab = [[g̃_b + 2ā_a²λ_aλ_b, 2ā_aā_bλ_aλ_b], [2ā_aā_bλ_aλ_b, g̃_a + 2ā_b²λ_aλ_b]];
 *  - the traceless symmetric part of X_aa: X̃' = (1 − hg̃_a − 4hλ_a²ā_a²) X̃ − hā_a R̃_aa;
 *  - the traces t_a = tr X_aa: t_a' = t_a − h[g̃_a t_a + 2ā_aλ_a r_a Σ_b λ_b ā_b t_b + 4λ_a²ā_a² t_a] − hā_a tr R_aa
 *    (the reduced map's Jacobian in the coordinates t_a = r_a δa_a);
 *  - antisymmetric parts of X_aa are never excited (W̄R is block-symmetric). Pieces are uncorrelated by symmetry.
 * E W₂ lies in span{P_a}: only its traces t2_a = E tr(W₂)_aa are propagated, t2' = J t2 − h·src with src_a the
 * traces of the four expectations (srcA…srcD below), evaluated from the second moments of the pieces.
 *
 * SpecGD  W' = W − η polar(G), G = 4κ W M_n(D), Ḡ = Σ_a g_a P_a (g_a = 4κ ā_a g̃_a ≠ 0, s_a = sgn g_a).
 * With Q = S(I + Ω + Ψ) (S = Σ s_a P_a): QᵀQ = I gives Ω antisymmetric and sym Ψ = Ω²/2; QᵀG symmetric gives
 * Ω|Ḡ| + |Ḡ|Ω = SδG − δGᵀS, i.e. dQ_ab = (δG_ab − s_as_b δG_baᵀ)/(|g_a| + |g_b|), and dQ_aa = 0 for symmetric
 * δG_aa (trace and traceless parts of W₁ are not driven: SpecGD's sign update pins the diagonal blocks).
 * So only pairs move: p' = (I − ωP K_ab) p − ωP (ā_a, ā_b) R_ab with ω = η/(|ā_ag̃_a| + |ā_bg̃_b|),
 * P = [[1, −s_as_b], [−s_as_b, 1]]. The trace of the second-order polar term: tr(SΨ)_aa = −(s_a/2) Σ_{b≠a} ‖dQ_ab‖²,
 * so t2_a' = t2_a + (η s_a/2) Σ_{b≠a} E‖dQ_ab‖². Valid while every g_a ≠ 0 keeps its sign (the escape stage up to
 * the first sign switch); the run stops there with status "sign-switch".
 *
 * Sources. Full batch: the same R_j at every step, so each piece of W₁,k is a fixed linear image of the R_j
 * (coefficients `Image` per source) and the expectations need the joint moments of the R_j (moments.ts).
 * Online SGD (batch B): a fresh R per step, independent of W₁,k, so E[W₁R] = E[W̄Δ(D₁)] = 0 and the second moments
 * of the pieces are propagated directly: S' = A S Aᵀ + s sᵀ C.
 * Everything is returned per unit 1/n (full batch) or 1/B (online): the predicted covariance of W₁ is mom/n and
 * the predicted mean of W₂ is mean/n.
 */
import { SIGN_TIE_REL_TOL } from '../../core/tolerances.js';
import { sourceMoments, type ResponseBlocks, type SourceMoments } from './moments.js';

export type ResponseAlgorithm = { kind: 'gd'; h: number } | { kind: 'specgd'; eta: number };
export type SourceMode = 'full-batch' | 'online';

/** Second moments of the pieces of W₁ (per unit 1/n). */
export interface SecondMoments {
  /** E[t_a t_b] (K×K). */
  tt: Float64Array;
  /** E‖X_ab‖²_F for ordered a ≠ b (K×K, diagonal unused). */
  off2: Float64Array;
  /** E tr(X_ab X_ba) (K×K symmetric, diagonal unused). */
  offx: Float64Array;
  /** E‖X̃_aa‖²_F (traceless symmetric part). */
  tl: Float64Array;
}

export interface ResponsePoint {
  step: number;
  /** ā(k) */
  a: Float64Array;
  /** g̃(k) */
  gt: Float64Array;
  /** Traces of E W₂ (per unit 1/n). */
  mean: Float64Array;
  mom: SecondMoments;
}

export interface ResponseRun {
  points: ResponsePoint[];
  status: 'ok' | 'sign-switch' | 'diverged';
  message: string;
}

export interface ResponseProblem {
  blocks: ResponseBlocks;
  signal: number;
  a0: Float64Array;
  algorithm: ResponseAlgorithm;
  mode: SourceMode;
  steps: number;
  /** Bound on |ā| and on the response coefficients beyond which the run is reported diverged. */
  divergenceBound?: number;
}

/** e_a, T and g̃_a at ā. */
export function populationGradientFactors(bl: ResponseBlocks, signal: number, a: Float64Array, e: Float64Array, gt: Float64Array): number {
  const K = a.length;
  let T = 0;
  for (let k = 0; k < K; k++) {
    e[k] = a[k] * a[k] - (k === signal ? 1 : 0);
    T += bl.rank[k] * bl.lambda[k] * e[k];
  }
  for (let k = 0; k < K; k++) gt[k] = bl.lambda[k] * T + 2 * bl.lambda[k] ** 2 * e[k];
  return T;
}

/** Pair index of a < b in a K-block problem. */
export function pairList(K: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) out.push([a, b]);
  return out;
}

/** Component of X_ab in the pair (min, max): 0 for a < b (X_ab), 1 for a > b (X_ab = p₁ᵀ). */
const comp = (a: number, b: number): 0 | 1 => (a < b ? 0 : 1);

/** Linear image of one source R_j: the coefficients of every piece of W₁ (full batch). */
interface Image {
  /** pair p: [u₀, u₁] at 2p, 2p+1 */
  u: Float64Array;
  /** traceless coefficient per block */
  al: Float64Array;
  /** t_a = Σ_b G_ab tr(R_j)_bb */
  G: Float64Array;
}

function newImage(K: number, P: number): Image {
  return { u: new Float64Array(2 * P), al: new Float64Array(K), G: new Float64Array(K * K) };
}

/** The per-step linear action on the pieces and its source (see the module comment). */
interface StepAction {
  /** pair p: A (2×2 row-major at 4p) and source s (2 at 2p) */
  A: Float64Array;
  s: Float64Array;
  /** traceless factor and source */
  tlF: Float64Array;
  tlS: Float64Array;
  /** trace Jacobian (K×K) and source diag */
  trJ: Float64Array;
  trS: Float64Array;
  /** SpecGD: dQ per pair = q (P K p + P ā R): factor q = ω/η and the matrices P K (4p) and P ā (2p) */
  specQ?: { q: Float64Array; PK: Float64Array; Pa: Float64Array; sign: Float64Array };
}

function stepAction(bl: ResponseBlocks, alg: ResponseAlgorithm, a: Float64Array, gt: Float64Array, pairs: [number, number][]): StepAction {
  const K = a.length;
  const P = pairs.length;
  const { lambda: lam, rank } = bl;
  const act: StepAction = {
    A: new Float64Array(4 * P),
    s: new Float64Array(2 * P),
    tlF: new Float64Array(K),
    tlS: new Float64Array(K),
    trJ: new Float64Array(K * K),
    trS: new Float64Array(K),
  };
  const Kp = (p: number): [number, number, number, number] => {
    const [x, y] = pairs[p];
    const ll = lam[x] * lam[y];
    return [gt[y] + 2 * a[x] * a[x] * ll, 2 * a[x] * a[y] * ll, 2 * a[x] * a[y] * ll, gt[x] + 2 * a[y] * a[y] * ll];
  };
  if (alg.kind === 'gd') {
    const h = alg.h;
    pairs.forEach((pr, p) => {
      const k = Kp(p);
      act.A.set([1 - h * k[0], -h * k[1], -h * k[2], 1 - h * k[3]], 4 * p);
      act.s.set([-h * a[pr[0]], -h * a[pr[1]]], 2 * p);
    });
    for (let x = 0; x < K; x++) {
      act.tlF[x] = 1 - h * gt[x] - 4 * h * lam[x] ** 2 * a[x] ** 2;
      act.tlS[x] = -h * a[x];
      act.trS[x] = -h * a[x];
      for (let y = 0; y < K; y++) {
        act.trJ[x * K + y] = (x === y ? 1 - h * (gt[x] + 4 * lam[x] ** 2 * a[x] ** 2) : 0) - h * 2 * a[x] * lam[x] * rank[x] * lam[y] * a[y];
      }
    }
    return act;
  }
  const eta = alg.eta;
  const sign = new Float64Array(K);
  for (let x = 0; x < K; x++) sign[x] = Math.sign(a[x] * gt[x]);
  const q = new Float64Array(P);
  const PK = new Float64Array(4 * P);
  const Pa = new Float64Array(2 * P);
  pairs.forEach(([x, y], p) => {
    const k = Kp(p);
    const sg = sign[x] * sign[y];
    const w = eta / (Math.abs(a[x] * gt[x]) + Math.abs(a[y] * gt[y]));
    // P K with P = [[1, −σ], [−σ, 1]]
    const pk = [k[0] - sg * k[2], k[1] - sg * k[3], -sg * k[0] + k[2], -sg * k[1] + k[3]];
    const pa = [a[x] - sg * a[y], -sg * a[x] + a[y]];
    PK.set(pk, 4 * p);
    Pa.set(pa, 2 * p);
    q[p] = w / eta;
    act.A.set([1 - w * pk[0], -w * pk[1], -w * pk[2], 1 - w * pk[3]], 4 * p);
    act.s.set([-w * pa[0], -w * pa[1]], 2 * p);
  });
  for (let x = 0; x < K; x++) {
    act.tlF[x] = 1;
    act.trJ[x * K + x] = 1;
  }
  act.specQ = { q, PK, Pa, sign };
  return act;
}

/** Source coefficients c_j at the population point: e_j for blocks, 1 for label noise. */
function sourceCoefficients(e: Float64Array, J: number): Float64Array {
  const c = new Float64Array(J);
  c.set(e.subarray(0, Math.min(e.length, J)));
  if (J > e.length) c[e.length] = 1;
  return c;
}

/** Second moments of the pieces from the full-batch images. */
function momentsOfImages(images: Image[], sm: SourceMoments, pairs: [number, number][], K: number): SecondMoments {
  const J = images.length;
  const mom: SecondMoments = { tt: new Float64Array(K * K), off2: new Float64Array(K * K), offx: new Float64Array(K * K), tl: new Float64Array(K) };
  for (let j = 0; j < J; j++) {
    for (let jp = 0; jp < J; jp++) {
      const I = images[j];
      const Ip = images[jp];
      pairs.forEach(([x, y], p) => {
        const o = sm.off(j, jp, x, y);
        mom.off2[x * K + y] += I.u[2 * p] * Ip.u[2 * p] * o;
        mom.off2[y * K + x] += I.u[2 * p + 1] * Ip.u[2 * p + 1] * o;
        const ox = I.u[2 * p] * Ip.u[2 * p + 1] * o;
        mom.offx[x * K + y] += ox;
        mom.offx[y * K + x] += ox;
      });
      for (let x = 0; x < K; x++) {
        mom.tl[x] += I.al[x] * Ip.al[x] * sm.tl(j, jp, x);
        for (let y = 0; y < K; y++) {
          let s = 0;
          for (let b = 0; b < K; b++) for (let c = 0; c < K; c++) s += I.G[x * K + b] * Ip.G[y * K + c] * sm.tr(j, jp, b, c);
          mom.tt[x * K + y] += s;
        }
      }
    }
  }
  return mom;
}

/**
 * N_b = E tr(P_b W₁ᵀW₁ P_b) = Σ_{c≠b} E‖X_cb‖² + E t_b²/r_b + E‖X̃_bb‖² (per unit 1/n).
 */
export function columnNorm2(mom: SecondMoments, rank: Float64Array, b: number): number {
  const K = rank.length;
  let s = mom.tt[b * K + b] / rank[b] + mom.tl[b];
  for (let c = 0; c < K; c++) if (c !== b) s += mom.off2[c * K + b];
  return s;
}

/**
 * Traces of E[W₁M(D₁)] (srcA) + E[W̄M(W₁ᵀW₁)] (srcB) from the second moments:
 *  srcA_a = λ_a Σ_b 2λ_bā_b E[t_b t_a] + 2λ_a [λ_a 2ā_a(E t_a²/r_a + E‖X̃_aa‖²) + Σ_{b≠a} λ_b (ā_b E tr(X_abX_ba) + ā_a E‖X_ab‖²)]
 *  srcB_a = ā_a [λ_a r_a Σ_b λ_b N_b + 2λ_a² N_a].
 */
function momentSources(bl: ResponseBlocks, a: Float64Array, mom: SecondMoments, out: Float64Array): void {
  const K = a.length;
  const { lambda: lam, rank } = bl;
  const N = Float64Array.from({ length: K }, (_, b) => columnNorm2(mom, rank, b));
  let sumLN = 0;
  for (let b = 0; b < K; b++) sumLN += lam[b] * N[b];
  for (let x = 0; x < K; x++) {
    let tauT = 0;
    for (let b = 0; b < K; b++) tauT += 2 * lam[b] * a[b] * mom.tt[b * K + x];
    let cross = lam[x] * 2 * a[x] * (mom.tt[x * K + x] / rank[x] + mom.tl[x]);
    for (let b = 0; b < K; b++) if (b !== x) cross += lam[b] * (a[b] * mom.offx[x * K + b] + a[x] * mom.off2[x * K + b]);
    const srcA = lam[x] * tauT + 2 * lam[x] * cross;
    const srcB = a[x] * (lam[x] * rank[x] * sumLN + 2 * lam[x] ** 2 * N[x]);
    out[x] = srcA + srcB;
  }
}

/**
 * Full batch only: traces of E[W₁R(D̄)] (srcC) and E[W̄Δ(D₁)] (srcD).
 *  srcC_a = Σ_{j,j'} c_j' [Σ_{b≠a} u^j_{ab} off(j,j',a,b) + (1/r_a) Σ_b G^j_ab tr(j,j',b,a) + al^j_a tl(j,j',a)]
 *  srcD_a = ā_a Σ_{j block} E[q_a · (xᵀL_j(q_j xxᵀ − M(P_j))x)], with D₁ = Σ_j L_j(R_j):
 *    xᵀL_j(q_j xxᵀ)x = q_j [Σ_{b≠c} β_bc q_b q_c + Σ_b 2ā_b al_b (1 − 1/r_b) q_b² + Σ_b (2ā_b/r_b) Σ_c G_bc q_c q_b],
 *    xᵀL_j(M(P_j))x = Σ_b (2ā_b/r_b) Σ_c G_bc μ_jc r_c q_b,   β_bc = ā_b u_bc + ā_c u_cb   (u_bc: coefficient of X_bc).
 */
function sampleSources(bl: ResponseBlocks, a: Float64Array, c: Float64Array, images: Image[], sm: SourceMoments, q4: Float64Array, pairs: [number, number][], out: Float64Array): void {
  const K = a.length;
  const J = images.length;
  const rank = bl.rank;
  const im = imagesOf(images, pairIndex(pairs, K), pairs.length, K);
  const uOf = (I: Image, x: number, y: number): number => {
    const p = pairs.findIndex(([u, v]) => (u === Math.min(x, y) && v === Math.max(x, y)));
    return I.u[2 * p + comp(x, y)];
  };
  const srcD = new Float64Array(K);
  sameSampleMean(bl, a, J, sm, q4, im, srcD);
  for (let x = 0; x < K; x++) {
    let srcC = 0;
    for (let j = 0; j < J; j++) {
      const I = images[j];
      for (let jp = 0; jp < J; jp++) {
        if (c[jp] === 0) continue;
        let s = 0;
        for (let b = 0; b < K; b++) if (b !== x) s += uOf(I, x, b) * sm.off(j, jp, x, b);
        for (let b = 0; b < K; b++) s += (I.G[x * K + b] * sm.tr(j, jp, b, x)) / rank[x];
        s += I.al[x] * sm.tl(j, jp, x);
        srcC += c[jp] * s;
      }
    }
    out[x] = srcC + a[x] * srcD[x];
  }
}

/**
 * The pieces of W₁ seen by the same-sample mean, flat (the source ensemble calls it in its innermost loop):
 * u[(j·P + p)·2 + o] the coefficient of (R_j) in component o of pair p (o = 0: X_xy, 1: X_yxᵀ, x < y; `pidx` maps an
 * ordered block pair to p), al[j·K + b] of the traceless (R̃_j)_bb in X̃_bb, and — when W₁'s traces are images of
 * the sources too (the expansion) — G[(j·K + b)·K + c] with t_b = Σ_c G tr(R_j)_cc; without G the trace terms are
 * left out (the source ensemble, whose traces are exact and carry that correlation themselves). q4 the table
 * E[q_j q_b q_c q_x] at ((j·K + b)·K + c)·K + x (`q4Table`).
 */
export interface PieceImages {
  u: Float64Array;
  al: Float64Array;
  G: Float64Array | null;
  pidx: Int32Array;
  P: number;
}

/** E[q_j q_b q_c q_x] for j < min(J, K) as a flat table (constant per block structure). */
export function q4Table(sm: SourceMoments): Float64Array {
  const { K, J } = sm;
  const JK = Math.min(J, K);
  const t = new Float64Array(JK * K * K * K);
  for (let j = 0; j < JK; j++) for (let b = 0; b < K; b++) for (let c = 0; c < K; c++) for (let x = 0; x < K; x++) t[((j * K + b) * K + c) * K + x] = sm.q4(j, b, c, x);
  return t;
}

/** Ordered block pair (x, y), x ≠ y → pair index p of `pairList`. */
export function pairIndex(pairs: [number, number][], K: number): Int32Array {
  const pidx = new Int32Array(K * K).fill(-1);
  pairs.forEach(([x, y], p) => {
    pidx[x * K + y] = p;
    pidx[y * K + x] = p;
  });
  return pidx;
}

/**
 * E tr_x Δ(D₁) per unit 1/n from D₁'s images along the sources, without D₁'s trace terms:
 *   Σ_{j<min(J,K)} Σ_u [ Σ_{w≠u} off_{j,u,w} q4(j,u,w,x) + (1 − 1/r_u) tl_{j,u} q4(j,u,u,x) ],
 * off[(j·K + u)·K + w] the image of D₁_uw (u ≠ w) along (R_j)_uw, tl[j·K + u] that of D₁'s traceless part of block u
 * along (R̃_j)_uu (q4 as `q4Table`). `sameSampleMean` adds the trace terms; rank-one-ensemble.ts uses it as is.
 */
export function sameSampleMeanOf(J: number, K: number, rank: ArrayLike<number>, q4: Float64Array, off: Float64Array, tl: Float64Array, x: number): number {
  let srcD = 0;
  for (let j = 0; j < Math.min(J, K); j++) {
    for (let u = 0; u < K; u++) {
      for (let w = 0; w < K; w++) if (u !== w) srcD += off[(j * K + u) * K + w] * q4[((j * K + u) * K + w) * K + x];
      srcD += tl[j * K + u] * (1 - 1 / rank[u]) * q4[((j * K + u) * K + u) * K + x];
    }
  }
  return srcD;
}

/** Scratch for `sameSampleMean`'s images (grown on demand; each worker thread has its own module instance). */
let scratchOff = new Float64Array(0);
let scratchTl = new Float64Array(0);

/**
 * E tr_x Δ(D₁) per unit 1/n (full batch) for every block x, into out[x]: D₁ the first-order Gram response with the
 * images of the sources R_j (module comment, srcD), the same-sample correlation of the frozen fluctuation with the
 * response it drives. D₁'s images, formed once for all x: off_{j,b,c} = a_b u_{j,(b,c)} + a_c u_{j,(c,b)} (u the pair
 * images), tl_{j,b} = 2 a_b α_{j,b} (`sameSampleMeanOf`), plus the trace terms
 * Σ_{b,c} (2 a_b/r_b) G_{j,b,c} (q4(j,c,b,x) − μ_{j,c} r_c q2(b,x)).
 */
export function sameSampleMean(bl: ResponseBlocks, a: Float64Array, J: number, sm: SourceMoments, q4: Float64Array, im: PieceImages, out: Float64Array): void {
  const K = a.length;
  const rank = bl.rank;
  const { u, al, G, pidx, P } = im;
  const Jm = Math.min(J, K);
  if (scratchOff.length < Jm * K * K) scratchOff = new Float64Array(Jm * K * K);
  if (scratchTl.length < Jm * K) scratchTl = new Float64Array(Jm * K);
  for (let j = 0; j < Jm; j++) {
    for (let b = 0; b < K; b++) {
      for (let cc = 0; cc < K; cc++) {
        if (b === cc) continue;
        const p = (j * P + pidx[b * K + cc]) * 2;
        scratchOff[(j * K + b) * K + cc] = a[b] * u[p + (b < cc ? 0 : 1)] + a[cc] * u[p + (cc < b ? 0 : 1)];
      }
      scratchTl[j * K + b] = 2 * a[b] * al[j * K + b];
    }
  }
  for (let x = 0; x < K; x++) {
    let trace = 0;
    if (G) {
      for (let j = 0; j < Jm; j++) {
        for (let b = 0; b < K; b++) {
          for (let cc = 0; cc < K; cc++) trace += ((2 * a[b]) / rank[b]) * G[(j * K + b) * K + cc] * (q4[((j * K + cc) * K + b) * K + x] - sm.mu(j, cc) * rank[cc] * sm.q2(b, x));
        }
      }
    }
    out[x] = sameSampleMeanOf(J, K, rank, q4, scratchOff, scratchTl, x) + trace;
  }
}

/** The expansion's images (one Image per source) in the flat layout of PieceImages. */
function imagesOf(images: Image[], pidx: Int32Array, P: number, K: number): PieceImages {
  const J = images.length;
  const u = new Float64Array(J * P * 2);
  const al = new Float64Array(J * K);
  const G = new Float64Array(J * K * K);
  images.forEach((I, j) => {
    u.set(I.u, j * P * 2);
    al.set(I.al, j * K);
    G.set(I.G, j * K * K);
  });
  return { u, al, G, pidx, P };
}

/** SpecGD: Σ_{b≠a} E‖dQ_ab‖² per block a (per unit 1/n), from the images or the pair second moments. */
function polarCurvature(act: StepAction, pairs: [number, number][], K: number, c: Float64Array, sm: SourceMoments, images: Image[] | null, pairMom: Float64Array | null): Float64Array {
  const out = new Float64Array(K);
  const { q, PK, Pa } = act.specQ!;
  pairs.forEach(([x, y], p) => {
    const k = PK.subarray(4 * p, 4 * p + 4);
    const pa = Pa.subarray(2 * p, 2 * p + 2);
    let m00 = 0;
    let m11 = 0;
    if (images) {
      const J = images.length;
      const v = images.map((I, j) => [q[p] * (k[0] * I.u[2 * p] + k[1] * I.u[2 * p + 1] + pa[0] * c[j]), q[p] * (k[2] * I.u[2 * p] + k[3] * I.u[2 * p + 1] + pa[1] * c[j])]);
      for (let j = 0; j < J; j++) for (let jp = 0; jp < J; jp++) {
        const o = sm.off(j, jp, x, y);
        m00 += v[j][0] * v[jp][0] * o;
        m11 += v[j][1] * v[jp][1] * o;
      }
    } else {
      // E of (K p + P ā R)(…)ᵀ with p, R independent: PK S (PK)ᵀ + (Pā)(Pā)ᵀ C
      const S = pairMom!.subarray(4 * p, 4 * p + 4);
      const Cp = coeffOff(sm, c, x, y);
      const r0 = [k[0] * S[0] + k[1] * S[2], k[0] * S[1] + k[1] * S[3]];
      const r1 = [k[2] * S[0] + k[3] * S[2], k[2] * S[1] + k[3] * S[3]];
      m00 = q[p] ** 2 * (r0[0] * k[0] + r0[1] * k[1] + pa[0] * pa[0] * Cp);
      m11 = q[p] ** 2 * (r1[0] * k[2] + r1[1] * k[3] + pa[1] * pa[1] * Cp);
    }
    out[x] += m00;
    out[y] += m11;
  });
  return out;
}

/**
 * C(a,b) = E‖R_ab‖² per unit 1/n at coefficients c: Σ_{j,j'} c_j c_j' off(j,j',a,b) — i.e. E[φ² q_a q_b] for the
 * weight φ = Σ_j c_j φ_j (a = b included: off is E[φ_j φ_j' q_a q_b] for any a, b).
 */
export function coeffOff(sm: SourceMoments, c: Float64Array, x: number, y: number): number {
  let s = 0;
  for (let j = 0; j < sm.J; j++) for (let jp = 0; jp < sm.J; jp++) s += c[j] * c[jp] * sm.off(j, jp, x, y);
  return s;
}

/** Run the population map and its response (module comment). */
export function propagateResponse(pb: ResponseProblem): ResponseRun {
  const bl = pb.blocks;
  const K = pb.a0.length;
  const pairs = pairList(K);
  const P = pairs.length;
  const sm = sourceMoments(bl);
  const J = sm.J;
  const q4 = q4Table(sm);
  const bound = pb.divergenceBound ?? 1e6;
  const full = pb.mode === 'full-batch';
  let a = Float64Array.from(pb.a0);
  const e = new Float64Array(K);
  const gt = new Float64Array(K);
  let mean = new Float64Array(K);
  let images = full ? Array.from({ length: J }, () => newImage(K, P)) : null;
  let mom: SecondMoments = { tt: new Float64Array(K * K), off2: new Float64Array(K * K), offx: new Float64Array(K * K), tl: new Float64Array(K) };
  // online: pair second moments [S00, S01, S10, S11] per pair
  let pairMom = new Float64Array(4 * P);
  const points: ResponsePoint[] = [];
  let sign0: Float64Array | null = null;
  for (let k = 0; ; k++) {
    populationGradientFactors(bl, pb.signal, a, e, gt);
    if (pb.algorithm.kind === 'specgd') {
      let gmax = 0;
      for (let x = 0; x < K; x++) gmax = Math.max(gmax, Math.abs(a[x] * gt[x]));
      const sg = Float64Array.from(a, (ax, x) => (Math.abs(ax * gt[x]) <= SIGN_TIE_REL_TOL * gmax ? 0 : Math.sign(ax * gt[x])));
      sign0 ??= sg;
      const moved = sg.findIndex((s, x) => s === 0 || s !== sign0![x]);
      if (moved >= 0) {
        return { points, status: 'sign-switch', message: `SpecGD response valid until step ${k}: the population gradient of block ${moved} ${sg[moved] === 0 ? 'vanishes' : 'changes sign'} there (the polar factor is not differentiable at a sign switch); prediction stopped` };
      }
    }
    const c = sourceCoefficients(e, J);
    if (full) mom = momentsOfImages(images!, sm, pairs, K);
    else {
      // online: the pair second moments [S00, S01, S10, S11] = [E‖X_ab‖², E tr(X_ab X_ba), ·, E‖X_ba‖²]
      mom.offx.fill(0);
      mom.off2.fill(0);
      pairs.forEach(([x, y], p) => {
        mom.off2[x * K + y] = pairMom[4 * p];
        mom.offx[x * K + y] = mom.offx[y * K + x] = pairMom[4 * p + 1];
        mom.off2[y * K + x] = pairMom[4 * p + 3];
      });
    }
    points.push({ step: k, a: Float64Array.from(a), gt: Float64Array.from(gt), mean: Float64Array.from(mean), mom: { tt: Float64Array.from(mom.tt), off2: Float64Array.from(mom.off2), offx: Float64Array.from(mom.offx), tl: Float64Array.from(mom.tl) } });
    const bad = !a.every((x) => Number.isFinite(x) && Math.abs(x) <= bound) || !mean.every(Number.isFinite) || ![mom.tt, mom.off2, mom.offx, mom.tl].every((m) => m.every(Number.isFinite));
    if (bad) return { points: points.slice(0, -1), status: 'diverged', message: `response diverged at step ${k} (population coefficient or response beyond ${bound})` };
    if (k === pb.steps) break;
    const act = stepAction(bl, pb.algorithm, a, gt, pairs);
    // second-order mean
    const next = new Float64Array(K);
    if (pb.algorithm.kind === 'gd') {
      const src = new Float64Array(K);
      momentSources(bl, a, mom, src);
      if (full) {
        const s2 = new Float64Array(K);
        sampleSources(bl, a, c, images!, sm, q4, pairs, s2);
        for (let x = 0; x < K; x++) src[x] += s2[x];
      }
      for (let x = 0; x < K; x++) {
        let s = 0;
        for (let y = 0; y < K; y++) s += act.trJ[x * K + y] * mean[y];
        next[x] = s - pb.algorithm.h * src[x];
      }
    } else {
      const curv = polarCurvature(act, pairs, K, c, sm, images, full ? null : pairMom);
      const sg = act.specQ!.sign;
      for (let x = 0; x < K; x++) next[x] = mean[x] + ((pb.algorithm.eta * sg[x]) / 2) * curv[x];
    }
    mean = next;
    // first order
    if (full) {
      images = images!.map((I, j) => {
        const O = newImage(K, P);
        for (let p = 0; p < P; p++) {
          const A = act.A.subarray(4 * p);
          O.u[2 * p] = A[0] * I.u[2 * p] + A[1] * I.u[2 * p + 1] + act.s[2 * p] * c[j];
          O.u[2 * p + 1] = A[2] * I.u[2 * p] + A[3] * I.u[2 * p + 1] + act.s[2 * p + 1] * c[j];
        }
        for (let x = 0; x < K; x++) {
          O.al[x] = act.tlF[x] * I.al[x] + act.tlS[x] * c[j];
          for (let y = 0; y < K; y++) {
            let s = 0;
            for (let z = 0; z < K; z++) s += act.trJ[x * K + z] * I.G[z * K + y];
            O.G[x * K + y] = s + (x === y ? act.trS[x] * c[j] : 0);
          }
        }
        return O;
      });
    } else {
      const nextPair = new Float64Array(4 * P);
      pairs.forEach(([x, y], p) => {
        const A = act.A.subarray(4 * p, 4 * p + 4);
        const S = pairMom.subarray(4 * p, 4 * p + 4);
        const AS = [A[0] * S[0] + A[1] * S[2], A[0] * S[1] + A[1] * S[3], A[2] * S[0] + A[3] * S[2], A[2] * S[1] + A[3] * S[3]];
        const C = coeffOff(sm, c, x, y);
        const s0 = act.s[2 * p];
        const s1 = act.s[2 * p + 1];
        nextPair.set([AS[0] * A[0] + AS[1] * A[1] + s0 * s0 * C, AS[0] * A[2] + AS[1] * A[3] + s0 * s1 * C, AS[2] * A[0] + AS[3] * A[1] + s1 * s0 * C, AS[2] * A[2] + AS[3] * A[3] + s1 * s1 * C], 4 * p);
      });
      pairMom = nextPair;
      const tl = new Float64Array(K);
      const tt = new Float64Array(K * K);
      for (let x = 0; x < K; x++) {
        let Ctl = 0;
        for (let j = 0; j < J; j++) for (let jp = 0; jp < J; jp++) Ctl += c[j] * c[jp] * sm.tl(j, jp, x);
        tl[x] = act.tlF[x] ** 2 * mom.tl[x] + act.tlS[x] ** 2 * Ctl;
        for (let y = 0; y < K; y++) {
          let s = 0;
          for (let u = 0; u < K; u++) for (let v = 0; v < K; v++) s += act.trJ[x * K + u] * mom.tt[u * K + v] * act.trJ[y * K + v];
          let Ctr = 0;
          for (let j = 0; j < J; j++) for (let jp = 0; jp < J; jp++) Ctr += c[j] * c[jp] * sm.tr(j, jp, x, y);
          tt[x * K + y] = s + act.trS[x] * act.trS[y] * Ctr;
        }
      }
      mom = { tt, off2: mom.off2, offx: mom.offx, tl };
    }
    // population step
    const an = new Float64Array(K);
    if (pb.algorithm.kind === 'gd') for (let x = 0; x < K; x++) an[x] = a[x] - pb.algorithm.h * a[x] * gt[x];
    else for (let x = 0; x < K; x++) an[x] = a[x] - pb.algorithm.eta * act.specQ!.sign[x];
    a = an;
  }
  return { points, status: 'ok', message: `${pb.steps} steps` };
}
