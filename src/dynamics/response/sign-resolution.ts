/**
 * Sign resolution of the empirical gradient: where SpecGD's finite-sample response stops (issue 11).
 *
 * At W̄ = Σ_j a_j P_j the symmetric core of the empirical gradient (full batch: the n samples; online: a batch of B) is
 *   G = (1/N) Σ_i φ_i x_i x_iᵀ,   φ = Σ_j e_j q_j − ε,   e_j = a_j² − [j = s],   q_j = xᵀP_j x = λ_j χ²_{r_j}
 * (independent across blocks; ε the label noise), with population value Σ_j g̃_j P_j. The polar response is an
 * expansion about the population's sign pattern σ_j = sgn g̃_j; it holds while no eigenvalue of G crosses zero (from
 * W₀ = αI, SpecGD's sample trajectory is exactly the population's until then: W stays (α + kη)I while σG ≻ 0).
 * The rule, at a tail `tail` per step (SWITCH_TAIL, corrected.ts). Blocks of equal λ and equal e have the same weights
 * and are one block (`mergeBlocks`: e.g. the spike at λ_v = λ_bulk, a power law with exponent 0); the tail is split
 * equally over the K' merged blocks, and each block's share τ = tail/K' by the union bound into parts (τ/2 for a
 * bulk's edge fluctuation, τ/4 for its outliers; τ/2 for a rank-1 block against a bulk (3a); without one (3b),
 * Z = Φ⁻¹(1 − τ/4) for its spread and for every coupling entry); the one-sign test spends tail/4:
 *
 * 0. N < d: G has rank ≤ N, zero eigenvalues: never resolved.
 * 1. One sign: when every σ_j is the same σ and N·P(σφ < 0) ≤ tail/4 (Chernoff, `chernoffTail`), every sample's
 *    weight has the sign σ and σG ≻ 0 (N ≥ d): resolved, whatever the blocks' spreads. (At W₀ = αI, φ = −(θᵀx)² + O(α²):
 *    early on the gradient is a one-signed Wishart matrix that cannot switch.)
 * 2. A block k of rank r_k ≥ 2 (a bulk). Writing P_k x = √q_k ω (ω uniform on the block's unit sphere, independent
 *    of the q's and of ε):
 *      σ_k G_kk = (1/N) Σ_i t_i y_i y_iᵀ,   t = σ_k φ q_k / r_k,   y = √r_k ω   (E yyᵀ = I, |y|² = r_k),   E t = |g̃_k|,
 *    a Wishart matrix with i.i.d. weights independent of the directions. Its spectrum in the proportional limit
 *    (γ = r_k/N) is the weighted Marchenko–Pastur law (Marchenko & Pastur, Math. USSR-Sb. 1 (1967); Silverstein & Bai,
 *    J. Multivariate Anal. 54 (1995), eq. (1.4)): the Stieltjes transform m(x) = ∫ dF(λ)/(λ − x) solves
 *      x = ζ(m),   ζ(m) = −1/m + E[t / (1 + γ t m)],
 *    and x lies outside the support iff x = ζ(m) at a real m with ζ'(m) > 0 (Silverstein & Choi, J. Multivariate
 *    Anal. 54 (1995), Theorem 4.1). As x → −∞, m → 0⁺, so the lowest point ℓ of the spectrum is the first local
 *    maximum of ζ on m ∈ (0, m_pole), m_pole = 1/(γ |min t|):
 *      ζ'(m*) = 1/m*² − γ E[t²/(1 + γ t m*)²] = 0,   ℓ = ζ(m*)
 *    (t ≡ 1: ℓ = (1 − √γ)², Marchenko–Pastur's lower edge). The law of t is WEIGHT_DRAWS seeded draws of (q, ε)
 *    (fixed: the same config gives the same cut), shifted and scaled to the exact mean |g̃_k| and second moment
 *    E[φ²q_k²]/r_k² (moments.ts tables, propagate.ts `coeffOff`). Margins:
 *     - two fluctuations of the lowest eigenvalue about ℓ, combined at tail/2: the N weights' empirical law
 *       fluctuates, and ℓ moves by δE f(t), f(t) = t/(1 + γ t m*) (the envelope theorem at m*, where ζ' = 0),
 *       Gaussian with SD σ_w = √(Var f/N); given the weights, the extreme eigenvalue fluctuates about the edge on the
 *       Tracy–Widom scale: near the soft edge the density is ρ(x) ≈ (1/π)√(2(x − ℓ)/|ζ''(m*)|)
 *       (ζ(m) ≈ ℓ − ½|ζ''|(m − m*)²), and matching the count density r_k ρ to the Airy kernel's K(ξ, ξ) ≈ √|ξ|/π
 *       (Tracy & Widom, Comm. Math. Phys. 159 (1994); the β = 1 edge has the same scale) gives
 *       σ_TW = (√(|ζ''|/2)/r_k)^{2/3}. The margin is the a with P(X + σ_TW Y > a) ≤ tail/2, X ~ N(0, σ_w²), Y of
 *       the β = 1 law, bounded through `tracyWidomTailBound` (`edgeFluctuationSpread`);
 *     - the rank-1 levels' coupling to the bulk is not a margin of the edge: it shows as the rank-1 level's own
 *       eigenvalue (item 3), the only one it moves at leading order; two bulks' mutual coupling is not included (no
 *       covariance family here has two);
 *     - outliers: one sample of weight t < 0 is a rank-one perturbation (t/N) y yᵀ, with an eigenvalue outside the
 *       bulk where 1 + γ t m(x) = 0, i.e. at x = ζ(1/(γ|t|)) when 1/(γ|t|) < m* (Baik & Silverstein, J.
 *       Multivariate Anal. 97 (2006)). It lies below the margin μ (the fluctuation above) when t < t_crit =
 *       −1/(γ m₀), ζ(m₀) = μ, so the rule asks N·P(t < t_crit) ≤ tail/4. That tail (far beyond what the draws
 *       resolve) is bounded by conditioning on q_k = Q: σφ = σe_k Q + R, R = Σ_{j≠k} σe_j q_j − σε, t < −x ⟺
 *       −R > x r_k/Q + σe_k Q, whose probability is at most the Chernoff bound with the exact moment generating
 *       function of R, integrated over Q's χ²_{r_k} density (`weightLowerTail`).
 *    Resolved iff ℓ − μ > 0 and the outlier condition holds.
 * 3. A block k of rank 1. In the whitened frame Σ^{-1/2} σG Σ^{-1/2} (a congruence, so the same signs of
 *    eigenvalues: Sylvester's law of inertia) every direction has unit variance and the blocks differ only in how the
 *    weight depends on them (z_k² = q_k/λ_k).
 *    a. With one bulk b of its sign (`whitenedSchur`, `rankOneSwitchChance`): given G_bb ≻ 0 (item 2), σG ≻ 0 on
 *       (k ⊕ b) iff the Schur complement S_kk = G_kk − G_kb G_bb⁻¹ G_bk > 0. Its deterministic equivalent is the
 *       leave-one-out (Sherman–Morrison) form s_k = E[w z_k² h], h = 1/(1 + γ_b t m_b(0)) (w = σφ; t the bulk's
 *       weight; the resummation of the linearized pull of 3b, which at d = 30, N = 256 lies 25–90% below the
 *       replicates), its variance [Var(w z_k² h) + 2γ_b m̂_b'(0) E[w² z_k² h²]²]/N (the diagonal of the quadratic
 *       form and its resolvent cross terms; with constant weights 2(1 − γ)/N, the law χ²_{N−r}/N of a least-squares residual). The rank-1
 *       levels s_j ≥ s_k of the same sign repel it by (√(Δ_j² + 4S_jk²) − Δ_j)/2, S_jk ~ N(0, [E[w² z_j² z_k² h²] +
 *       γ_b m̂_b'(0) E[w² z_j² h²] E[w² z_k² h²]]/N) independent of S_kk (odd moments vanish). Resolved iff
 *       P(S_kk − Σ_j repulsion_j < 0) ≤ τ/2 under these central limits, the couplings integrated over their law (not
 *       each at its own tail: a union of tails ended B = 256 at step 0, where the replicates' lowest Schur eigenvalue
 *       is more than 5 SD above zero, d = 40). Replicates of the full matrix (test) agree on the bulk-like spike's mean
 *       and SD within 2% and lie above the central limit's 1% point (θ's law is skewed to the right: its lower tail
 *       is lighter).
 *    b. Otherwise (no bulk of its sign, or several): the scalar x_k = (1/N) Σ_i σ_k φ_i q_k,i: mean |g̃_k|, SD
 *       √(Var(φ q_k)/N) exact, taken at its low tail x_k − Z·SD (central limit; conservative where the sum is of
 *       positive, skewed terms, as (θᵀx)⁴ early on), less the repulsion of the rank-1 levels j of the same sign above it
 *       (two-level shift with the coupling entry at its tail, c² = Z² E[φ² q_j q_k]/N), less, for each bulk b of its
 *       sign, the linearized pull: the eigenvalue is the root λ of x − λ = C m_b(λ), C = E‖G_kb‖² = E[φ² q_k q_b]/N,
 *       above zero iff x > C m_b(0). Resolved iff x_k − Z·SD − repulsion − Σ_b C m_b(0) > 0.
 * Validated by Monte Carlo of the full matrix G (test/response/sign-resolution.test.ts) and against the seeds' own
 * first departure (scripts/response-check.ts).
 */
import { logGamma, normalQuantile, normalSurvival } from '../../core/special.js';
import { chiSquareDraw, createRng } from '../../core/rng.js';
import { sourceMoments, type ResponseBlocks, type SourceMoments } from './moments.js';
import { coeffOff } from './propagate.js';

/** Draws tabulating the law of the weights t. */
export const WEIGHT_DRAWS = 4096;
/** Seed of those draws (a fixed stream: same config → same cut). */
export const WEIGHT_SEED = 0x5be0cd19;

/** Fixed draws of the block quadratic forms q_j = λ_j χ²_{r_j} (row per draw) and of the label noise ε. */
export interface WeightDraws {
  readonly M: number;
  readonly K: number;
  readonly q: Float64Array;
  readonly eps: Float64Array;
}

export function weightDraws(bl: ResponseBlocks, M = WEIGHT_DRAWS): WeightDraws {
  const K = bl.lambda.length;
  const rng = createRng(WEIGHT_SEED);
  const q = new Float64Array(M * K);
  const eps = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < K; j++) q[i * K + j] = bl.lambda[j] * chiSquareDraw(rng, bl.rank[j]);
    eps[i] = bl.labelNoise > 0 ? bl.labelNoise * rng.normal() : 0;
  }
  return { M, K, q, eps };
}

/**
 * Bound on the Tracy–Widom β = 1 survival function 1 − F₁(s) from its right tail: F₁(s) = exp(−½∫_s^∞ q)·F₂(s)^{1/2}
 * (Tracy & Widom, Comm. Math. Phys. 177 (1996)), q ~ Ai and 1 − F₂ = O(e^{−(4/3)s^{3/2}}), so
 * 1 − F₁(s) ≈ ½∫_s^∞ Ai ≈ T(s) = e^{−(2/3)s^{3/2}} / (4√π s^{3/4}) (Ai's asymptotics, Abramowitz & Stegun 10.4.59).
 * min(1, T(s)) (1 for s ≤ 0) lies above the exact survival function at every point of s ∈ [0.25, 8] (by 3% at s = 7,
 * 49% at s = 1; the exact values from Bornemann's Fredholm determinant, test/fixtures/tracy-widom, checked in
 * test/response/sign-resolution.test.ts): used as the bound it is there.
 */
export function tracyWidomTailBound(s: number): number {
  if (!(s > 0)) return 1;
  return Math.min(1, Math.exp(-(2 / 3) * s ** 1.5) / (4 * Math.sqrt(Math.PI) * s ** 0.75));
}

/** The s with `tracyWidomTailBound(s)` = p (bisection on [0.5, 20]): an upper bound on the exact quantile (4.99 vs 4.96 at 2.5e-5). */
export function tracyWidomUpperQuantile(p: number): number {
  let lo = 0.5;
  let hi = 20;
  for (let it = 0; it < 100; it++) {
    const mid = 0.5 * (lo + hi);
    if (tracyWidomTailBound(mid) > p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * The a with P(X + σ_TW·Y > a) ≤ p for independent X ~ N(0, σ_w²) and Y Tracy–Widom β = 1 (the edge's two
 * fluctuations, module comment): P = E_X[P(Y > (a − X)/σ_TW)] ≤ E_X[min(1, T((a − X)/σ_TW))] (`tracyWidomTailBound`),
 * by the trapezoid rule over X ∈ ±12σ_w (401 points), solved for a by bisection below the union bound
 * σ_w Φ⁻¹(1 − p/2) + σ_TW z_TW(p/2).
 */
export function edgeFluctuationSpread(sigmaW: number, sigmaTW: number, p: number): number {
  if (!(sigmaTW > 0)) return sigmaW * normalQuantile(1 - p);
  if (!(sigmaW > 0)) return sigmaTW * tracyWidomUpperQuantile(p);
  const n = 401;
  const h = (24 * sigmaW) / (n - 1);
  const tail = (a: number): number => {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const x = -12 * sigmaW + i * h;
      const w = (i === 0 || i === n - 1 ? 0.5 : 1) * h * Math.exp(-0.5 * (x / sigmaW) ** 2) / (sigmaW * Math.sqrt(2 * Math.PI));
      acc += w * tracyWidomTailBound((a - x) / sigmaTW);
    }
    return acc;
  };
  let lo = 0;
  let hi = sigmaW * normalQuantile(1 - p / 2) + sigmaTW * tracyWidomUpperQuantile(p / 2);
  for (let it = 0; it < 40; it++) {
    const mid = 0.5 * (lo + hi);
    if (tail(mid) > p) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Golden-section minimum of a unimodal function on [a, b] (80 iterations: the bracket shrinks by 0.618⁸⁰ ≈ 2e-17). */
function goldenMin(f: (u: number) => number, a: number, b: number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let it = 0; it < 80; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return Math.min(fc, fd);
}

/**
 * Chernoff bound on P(Y > w), Y = Σ_{j≠skip} β_j q_j + σ_ε Z (q_j = λ_j χ²_{r_j}, Z standard normal):
 * inf_θ exp(log M(θ) − θw), log M(θ) = −Σ_j (r_j/2) log(1 − 2θβ_jλ_j) + θ²σ_ε²/2 on 0 < θ < 1/(2 max β_jλ_j);
 * log M(θ) − θw is convex, so its minimum over log θ is found by golden section. At most 1.
 */
export function chernoffTail(beta: ArrayLike<number>, bl: ResponseBlocks, skip: number, w: number): number {
  let bmax = 0;
  let mean = 0;
  for (let j = 0; j < beta.length; j++) {
    if (j === skip) continue;
    bmax = Math.max(bmax, beta[j] * bl.lambda[j]);
    mean += beta[j] * bl.lambda[j] * bl.rank[j];
  }
  const sigma = bl.labelNoise;
  if (w <= mean) return 1;
  // every term ≤ 0: Y ≤ 0 almost surely (no mass above w ≥ 0); below 0 the bound is not needed (1, conservative)
  if (bmax <= 0 && sigma === 0) return w >= 0 ? 0 : 1;
  if (bmax <= 0 && w <= 0) return 1;
  const logBound = (u: number): number => {
    const theta = Math.exp(u);
    let lm = 0.5 * theta * theta * sigma * sigma - theta * w;
    for (let j = 0; j < beta.length; j++) if (j !== skip) lm -= 0.5 * bl.rank[j] * Math.log(1 - 2 * theta * beta[j] * bl.lambda[j]);
    return lm;
  };
  const hi = bmax > 0 ? Math.log((1 - 1e-12) / (2 * bmax)) : Math.log((10 * w) / (sigma * sigma));
  return Math.min(1, Math.exp(goldenMin(logBound, hi - 60, hi)));
}

/** Midpoints of the χ²_r quadrature of `weightLowerTail`. */
const TAIL_QUADRATURE = 400;

/**
 * Bound on P(t < −x), t = σ φ q_k / r_k (module comment): conditioning on q_k = Q, t < −x ⟺ −R > x r_k/Q + σ e_k Q
 * with −R = Σ_{j≠k} (−σe_j) q_j + σε, bounded by `chernoffTail`, integrated over Q = λ_k χ²_{r_k} by the midpoint
 * rule on [0, Q_max] (Q_max at the χ² tail 1e-16, which is added).
 */
export function weightLowerTail(bl: ResponseBlocks, e: ArrayLike<number>, sg: number, k: number, x: number): number {
  const r = bl.rank[k];
  const lam = bl.lambda[k];
  const beta = Array.from({ length: e.length }, (_, j) => -sg * e[j]);
  const qMax = lam * r * chiSquareMeanUpperQuantile(r, 1e-16);
  const h = qMax / TAIL_QUADRATURE;
  const logNorm = -(r / 2) * Math.log(2) - logGamma(r / 2) - Math.log(lam);
  let p = 1e-16;
  for (let i = 0; i < TAIL_QUADRATURE; i++) {
    const Q = (i + 0.5) * h;
    const u = Q / lam;
    const dens = Math.exp(logNorm + (r / 2 - 1) * Math.log(u) - u / 2);
    const w = (x * r) / Q + sg * e[k] * Q;
    p += dens * h * chernoffTail(beta, bl, k, w);
  }
  return Math.min(1, p);
}

/** Upper Chernoff bound on the (1 − p) quantile of χ²_r / r: the u > 1 with (r/2)(u − 1 − log u) = log(1/p). */
export function chiSquareMeanUpperQuantile(r: number, p: number): number {
  const L = Math.log(1 / p);
  let lo = 1;
  let hi = 2;
  while ((r / 2) * (hi - 1 - Math.log(hi)) < L) hi *= 2;
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if ((r / 2) * (mid - 1 - Math.log(mid)) < L) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The coefficients of the weight φ = Σ_j e_j q_j − ε on the sources of moments.ts (c_j = e_j, and 1 for the label
 * noise φ_ε = −ε), so that E[φ² q_a q_b] = propagate.ts `coeffOff`(sm, c, a, b).
 */
export function weightCoefficients(sm: SourceMoments, e: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: sm.J }, (_, j) => (j < sm.K ? e[j] : 1));
}

/** Two-level shift toward the other level: (√(δ² + 4c²) − δ)/2 (c²/δ for δ ≫ c, c at δ = 0). */
function twoLevelShift(delta: number, c2: number): number {
  return 0.5 * (Math.sqrt(delta * delta + 4 * c2) - delta);
}

/** The lowest point of a bulk block's spectrum and its Stieltjes transform below it (item 2 of the module comment). */
export interface BulkEdge {
  k: number;
  /** ℓ (oriented: σ_k G_kk). */
  edge: number;
  mStar: number;
  /** SD of the weights' fluctuation of ℓ, √(Var f/N). */
  weightSD: number;
  /** σ_TW. */
  tracyWidomScale: number;
  /** Their combined fluctuation at tail/2 (`edgeFluctuationSpread`). */
  spread: number;
  /** ζ on the branch (0, m*]. */
  zeta(m: number): number;
  /** The moment-matched weights t of the draws (row i of `WeightDraws`), the law ζ is of. */
  t: Float64Array;
  /** γ = r_k/N. */
  gamma: number;
}

/**
 * The lowest point ℓ of the weighted Marchenko–Pastur law of weights t (equal masses) at ratio γ (item 2 of the
 * module comment): the first local maximum m* of ζ(m) = −1/m + E[t/(1 + γtm)] on (0, m_pole), found by a log-grid
 * scan of ζ' for its first sign change and bisection; also E[f^p], f = t/(1 + γtm*), p = 1, 2, 3, and ζ.
 */
export function weightedMarchenkoPasturEdge(t: Float64Array, gamma: number): { edge: number; mStar: number; e1: number; e2: number; e3: number; zeta: (m: number) => number } {
  const M = t.length;
  let tMin = Infinity;
  let tAbs = 0;
  for (let i = 0; i < M; i++) {
    tMin = Math.min(tMin, t[i]);
    tAbs += Math.abs(t[i]);
  }
  const moments = (m: number): [number, number, number] => {
    let e1 = 0;
    let e2 = 0;
    let e3 = 0;
    for (let i = 0; i < M; i++) {
      const f = t[i] / (1 + gamma * t[i] * m);
      e1 += f;
      e2 += f * f;
      e3 += f * f * f;
    }
    return [e1 / M, e2 / M, e3 / M];
  };
  const zeta = (m: number): number => -1 / m + moments(m)[0];
  const dzeta = (m: number): number => 1 / (m * m) - gamma * moments(m)[1];
  // the branch (0, m_pole): scan ζ' on a log grid for its first sign change, then bisect
  const mPole = tMin < 0 ? 1 / (gamma * -tMin) : Infinity;
  const mScale = 1 / (Math.sqrt(gamma) * Math.max(tAbs / M, Number.MIN_VALUE));
  let hi = Math.min(mPole * (1 - 1e-12), 1e6 * mScale);
  let lo = Math.min(1e-6 * mScale, 1e-6 * hi);
  const steps = 64;
  const ratio = Math.pow(hi / lo, 1 / steps);
  let prev = lo;
  let found = false;
  for (let i = 1; i <= steps; i++) {
    const m = lo * Math.pow(ratio, i);
    if (dzeta(m) <= 0) {
      lo = prev;
      hi = m;
      found = true;
      break;
    }
    prev = m;
  }
  // no sign change on the grid (ζ still rising at its end): the grid's end stands for m*, ζ there ≤ the sup
  if (!found) lo = hi = prev;
  for (let it = 0; it < 60 && hi - lo > 1e-13 * hi; it++) {
    const mid = 0.5 * (lo + hi);
    if (dzeta(mid) > 0) lo = mid;
    else hi = mid;
  }
  const mStar = 0.5 * (lo + hi);
  const [e1, e2, e3] = moments(mStar);
  return { edge: -1 / mStar + e1, mStar, e1, e2, e3, zeta };
}

/** Item 2's edge of bulk block k at gradient factors e and population values g (`t`: scratch of length draws.M). */
export function bulkEdge(bl: ResponseBlocks, sm: SourceMoments, draws: WeightDraws, e: ArrayLike<number>, g: ArrayLike<number>, k: number, N: number, tail: number, t: Float64Array): BulkEdge {
  const K = draws.K;
  const M = draws.M;
  const r = bl.rank[k];
  const sg = g[k] >= 0 ? 1 : -1;
  const gamma = r / N;
  let s1 = 0;
  for (let i = 0; i < M; i++) {
    let phi = -draws.eps[i];
    for (let j = 0; j < K; j++) phi += e[j] * draws.q[i * K + j];
    t[i] = (sg * phi * draws.q[i * K + k]) / r;
    s1 += t[i];
  }
  // moment matching to the exact E t = |g̃_k| and E t² = E[φ² q_k²]/r_k²
  const mean = s1 / M;
  let s2 = 0;
  for (let i = 0; i < M; i++) s2 += (t[i] - mean) ** 2;
  const sdDraws = Math.sqrt(s2 / M);
  const exactMean = Math.abs(g[k]);
  const exactVar = Math.max(0, coeffOff(sm, weightCoefficients(sm, e), k, k) / (r * r) - exactMean * exactMean);
  const scale = sdDraws > 0 ? Math.sqrt(exactVar) / sdDraws : 0;
  for (let i = 0; i < M; i++) t[i] = exactMean + (t[i] - mean) * scale;
  // a copy: ζ and the rank-1 test (item 3) read these weights after the scratch is reused by the next block
  const weights = Float64Array.from(t);
  const w = weightedMarchenkoPasturEdge(weights, gamma);
  const { mStar, e1, e2, e3 } = w;
  const weightSD = Math.sqrt(Math.max(0, e2 - e1 * e1) / N);
  // ζ''(m*) = −2/m*³ + 2γ² E[t³/(1 + γtm*)³]
  const d2 = Math.abs(-2 / mStar ** 3 + 2 * gamma * gamma * e3);
  const tracyWidomScale = Math.pow(Math.sqrt(d2 / 2) / r, 2 / 3);
  return { k, edge: w.edge, mStar, weightSD, tracyWidomScale, spread: edgeFluctuationSpread(weightSD, tracyWidomScale, tail / 2), zeta: w.zeta, t: weights, gamma };
}

/** m_b(x) = ζ_b^{-1}(x) on the branch below the edge (x < ℓ_b), by bisection on (0, m*). */
export function stieltjesBelow(b: BulkEdge, x: number): number {
  let lo = b.mStar * 1e-12;
  let hi = b.mStar;
  for (let it = 0; it < 80 && hi - lo > 1e-13 * hi; it++) {
    const mid = 0.5 * (lo + hi);
    if (b.zeta(mid) < x) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** What the rule found (module comment). */
export interface SignResolution {
  resolved: boolean;
  /** The block that is not resolved (−1: the whole matrix, N < d); an index of the caller's blocks. */
  block: number;
  /** How it was decided, for the message. */
  reason: string;
}

/** A block structure with its fixed weight draws and moment tables (one per merged structure, `SignResolutionCache`). */
interface Structure {
  bl: ResponseBlocks;
  draws: WeightDraws;
  sm: SourceMoments;
  t: Float64Array;
}

/** Weight draws and moment tables per (merged) block structure, built once per run (validRange). */
export class SignResolutionCache {
  private readonly byKey = new Map<string, Structure>();
  get(bl: ResponseBlocks): Structure {
    const key = `${Array.from(bl.lambda).join(',')}|${Array.from(bl.rank).join(',')}|${bl.labelNoise}`;
    let st = this.byKey.get(key);
    if (!st) {
      const draws = weightDraws(bl);
      st = { bl, draws, sm: sourceMoments(bl), t: new Float64Array(draws.M) };
      this.byKey.set(key, st);
    }
    return st;
  }
}

/** Relative tolerance under which two blocks are one (equal λ and equal gradient factor e: the same weights). */
export const MERGE_REL_TOL = 1e-12;

/**
 * Blocks with equal variance λ and equal gradient factor e are one block for the gradient (its weights φ depend on
 * them only through the sum of their quadratic forms; e.g. a power law with exponent 0, repeated diagonal variances,
 * the spike at λ_v = λ_bulk): merged, ranks added. Returns the merged λ, r, e, g and each merged block's members.
 */
function mergeBlocks(bl: ResponseBlocks, e: ArrayLike<number>, g: ArrayLike<number>): { bl: ResponseBlocks; e: number[]; g: number[]; members: number[][] } {
  const members: number[][] = [];
  const same = (x: number, y: number) => Math.abs(x - y) <= MERGE_REL_TOL * Math.max(Math.abs(x), Math.abs(y));
  for (let k = 0; k < e.length; k++) {
    const m = members.find((grp) => same(bl.lambda[grp[0]], bl.lambda[k]) && same(e[grp[0]], e[k]));
    if (m) m.push(k);
    else members.push([k]);
  }
  return {
    bl: { lambda: Float64Array.from(members, (m) => bl.lambda[m[0]]), rank: Float64Array.from(members, (m) => m.reduce((acc, k) => acc + bl.rank[k], 0)), labelNoise: bl.labelNoise },
    e: members.map((m) => e[m[0]]),
    g: members.map((m) => g[m[0]]),
    members,
  };
}

/** Item 3a's whitened Schur complement of one rank-1 block against a bulk (`whitenedSchur`). */
export interface WhitenedSchur {
  /** s_j(μ) for j = k, then the other rank-1 blocks of k's sign (`others`). */
  s: Float64Array;
  others: number[];
  /** E[w² h² z_k² z_j²] for the same j (the first entry: j = k). */
  cc: Float64Array;
  /** SD of the Schur complement S_kk(μ) from N samples (`whitenedSchur`). */
  sd: number;
  /** Gaps s_j − s_k ≥ 0 to the rank-1 levels above k, and the variances of their couplings S_jk (`whitenedSchur`). */
  gaps: number[];
  coupling: number[];
}

/**
 * Item 3a of the module comment: rank-1 block k against the one bulk b of its sign, at spectral parameter μ, in the
 * whitened frame Σ^{-1/2} σG Σ^{-1/2} (a congruence: the same signs of eigenvalues, Sylvester's law of inertia),
 * where every direction has unit variance and the blocks differ only in how the weight depends on them:
 *   s_j(μ) = E[ w z_j² h ],   h = 1/(1 + γ_b t m_b(λ_b μ)),   w = σφ,  z_j² = q_j/λ_j,  t = σφ q_b/r_b,  γ_b = r_b/N,
 * the deterministic equivalent of the Schur complement of the bulk from the leave-one-out (Sherman–Morrison) form
 * G_kb (G_bb − λ)^{-1} G_bk = (1/N) Σ_i w_i z_i² (1 − h_i) + (cross terms of mean zero), m_b the bulk's Stieltjes
 * transform on its branch below ℓ_b (`stieltjesBelow`). At first order in γ_b t m_b it is the linearized pull
 * E[w z_k²] − m_b E[w² z_k² q_b]/N of item 3b; with t ≡ 1 and w z_k² ≡ 1 at μ = 0 it is 1 − γ, the residual of a
 * least-squares fit on r_b regressors. The expectations are over the rule's fixed draws (the bulk's moment-matched t
 * beside each draw's w and z²).
 */
export function whitenedSchur(bl: ResponseBlocks, draws: WeightDraws, e: ArrayLike<number>, sg: ArrayLike<number>, k: number, b: BulkEdge, rankOne: readonly number[], N: number, mu: number): WhitenedSchur {
  const { M, K } = draws;
  const others = rankOne.filter((j) => j !== k && sg[j] === sg[k]);
  const J = [k, ...others];
  const lambdaB = bl.lambda[b.k];
  const m = stieltjesBelow(b, lambdaB * mu);
  const s = new Float64Array(J.length);
  /** E[w² h² z_k² z_j²] */
  const cc = new Float64Array(J.length);
  /** E[w² h² z_j²] */
  const u2 = new Float64Array(J.length);
  let s2 = 0;
  let th2 = 0;
  for (let i = 0; i < M; i++) {
    let phi = -draws.eps[i];
    for (let j = 0; j < K; j++) phi += e[j] * draws.q[i * K + j];
    const h = 1 / (1 + b.gamma * b.t[i] * m);
    const wh = sg[k] * phi * h;
    const zk = draws.q[i * K + k] / bl.lambda[k];
    s2 += (wh * zk) ** 2;
    th2 += (b.t[i] * h) ** 2;
    for (let u = 0; u < J.length; u++) {
      const zu = draws.q[i * K + J[u]] / bl.lambda[J[u]];
      s[u] += wh * zu;
      cc[u] += wh * wh * zk * zu;
      u2[u] += wh * wh * zu;
    }
  }
  for (let u = 0; u < J.length; u++) {
    s[u] /= M;
    cc[u] /= M;
    u2[u] /= M;
  }
  // tr(A⁻²)/r_b of the whitened bulk A = G_bb/λ_b: m̂'(μ) = λ_b² m_b'(λ_b μ), m_b' = 1/ζ'(m), ζ'(m) = 1/m² − γ E[t² h²]
  const dm = (lambdaB * lambdaB) / (1 / (m * m) - b.gamma * (th2 / M));
  const cross = (x: number, y: number) => b.gamma * dm * x * y;
  // m_b is taken on the branch where ζ' > 0, so dm > 0; were it not (a numerical failure), the spread is unknown and
  // the block is not resolved (sd = ∞ gives the chance ½), never resolved with certainty
  const sd = dm > 0 && Number.isFinite(dm) ? Math.sqrt(Math.max(0, s2 / M - s[0] * s[0] + 2 * cross(u2[0], u2[0])) / N) : Infinity;
  const gaps: number[] = [];
  const coupling: number[] = [];
  for (let u = 1; u < J.length; u++) {
    if (!(s[u] >= s[0])) continue;
    gaps.push(s[u] - s[0]);
    coupling.push((cc[u] + cross(u2[0], u2[u])) / N);
  }
  return { s, others, cc, sd, gaps, coupling };
}

/** Cells of the grid on which `rankOneSwitchChance` convolves the repulsions' laws. */
const SHIFT_GRID = 2000;

/**
 * P(S_kk − Σ_j shift_j < 0) for the Schur complement S_kk ~ N(s, sd²) and the repulsions shift_j = (√(Δ_j² + 4c_j²) −
 * Δ_j)/2 of the levels above it (`twoLevelShift`), couplings c_j ~ N(0, v_j) independent of S_kk and of each other
 * (odd moments vanish: E[S_kk S_jk] = E[S_jk S_lk] = 0). The law of each shift, P(shift_j ≤ x) = 1 − 2Φ̄(√(x(x + Δ_j)/v_j)),
 * is put on a grid of SHIFT_GRID cells to 9 SD of every coupling (each cell's mass at its upper end: the sum is
 * over-, never under-, estimated), the laws are convolved and P = Σ_x P(Σ shift = x) Φ̄((s − x)/sd), plus the mass
 * beyond the grid.
 */
export function rankOneSwitchChance(s: number, sd: number, gaps: readonly number[], coupling: readonly number[]): number {
  if (!(sd > 0)) return s > 0 ? 0 : 1;
  if (!gaps.length) return normalSurvival(s / sd);
  const xMax = gaps.reduce((acc, g, j) => acc + twoLevelShift(g, 81 * coupling[j]), 0);
  if (!(xMax > 0)) return normalSurvival(s / sd);
  const hx = xMax / SHIFT_GRID;
  let mass = new Float64Array([1]);
  let beyond = 0;
  for (let j = 0; j < gaps.length; j++) {
    const cdf = (x: number) => (coupling[j] > 0 ? 1 - 2 * normalSurvival(Math.sqrt((x * (x + gaps[j])) / coupling[j])) : 1);
    const p = new Float64Array(SHIFT_GRID);
    for (let i = 0; i < SHIFT_GRID; i++) p[i] = Math.max(0, cdf((i + 1) * hx) - cdf(i * hx));
    beyond += 1 - cdf(SHIFT_GRID * hx);
    // mass[a] at (a + j) cells' upper ends summed: index a + i + 1 after adding cell i (upper end (i + 1)·hx)
    const next = new Float64Array(mass.length + SHIFT_GRID);
    for (let a = 0; a < mass.length; a++) if (mass[a] > 0) for (let i = 0; i < SHIFT_GRID; i++) next[a + i + 1] += mass[a] * p[i];
    mass = next;
  }
  let chance = beyond;
  for (let a = 0; a < mass.length; a++) if (mass[a] > 0) chance += mass[a] * normalSurvival((s - a * hx) / sd);
  return Math.min(1, chance);
}

/**
 * The sign resolution of the empirical gradient at gradient factors e (e_j = a_j² − [j = s]) and population values
 * g (g̃_j of every block), sample size N, tail `tail` per step (module comment): blocks of equal λ and e merged
 * (`mergeBlocks`), the tail split equally over the K' merged blocks (a union bound), each block's share split as the
 * module comment says.
 */
export function gradientSignResolution(blocks: ResponseBlocks, cache: SignResolutionCache, e0: ArrayLike<number>, g0: ArrayLike<number>, N: number, tail: number): SignResolution {
  const merged = mergeBlocks(blocks, e0, g0);
  const { bl, e, g, members } = merged;
  const { draws, sm, t } = cache.get(bl);
  const K = e.length;
  let d = 0;
  for (let k = 0; k < K; k++) d += bl.rank[k];
  if (N < d) return { resolved: false, block: -1, reason: `N = ${N} < d = ${d}: the empirical gradient has rank ≤ N and zero eigenvalues` };
  const sg = Array.from({ length: K }, (_, k) => (g[k] >= 0 ? 1 : -1));
  const tailK = tail / K;
  const who = (k: number) => members[k][0];
  const mergedNote = (k: number) => (members[k].length > 1 ? ` (blocks ${members[k].join(', ')} of equal λ and e, one block of rank ${bl.rank[k]})` : '');
  // 1. one sign
  if (sg.every((x) => x === sg[0])) {
    const beta = Array.from({ length: K }, (_, j) => -sg[0] * e[j]);
    const pOff = chernoffTail(beta, bl, -1, 0);
    if (N * pOff <= tail / 4) return { resolved: true, block: -1, reason: 'one-signed weights' };
  }
  const Z = normalQuantile(1 - tailK / 4);
  const fmt = (x: number) => x.toPrecision(3);
  /** E[φ² q_j q_k] (propagate.ts `coeffOff`). */
  const c = weightCoefficients(sm, e);
  const phi2 = (j: number, k: number): number => coeffOff(sm, c, j, k);
  // the rank-1 levels and their spreads (central limit at Z)
  const level = g.map((x) => Math.abs(x));
  const spread = Array.from({ length: K }, (_, k) => (bl.rank[k] === 1 ? Z * Math.sqrt(Math.max(0, phi2(k, k) - level[k] ** 2) / N) : 0));
  // 2. bulks
  const bulks: BulkEdge[] = [];
  for (let k = 0; k < K; k++) {
    if (bl.rank[k] < 2) continue;
    const b = bulkEdge(bl, sm, draws, e, g, k, N, tailK, t);
    bulks.push(b);
    const margin = b.spread;
    const detail = `the lowest point of its spectrum, oriented to g̃'s sign, ${fmt(b.edge)} (weighted Marchenko–Pastur edge${mergedNote(k)}), against the margin ${fmt(margin)} (weights' SD ${fmt(b.weightSD)} with Tracy–Widom scale ${fmt(b.tracyWidomScale)})`;
    if (!(b.edge > margin)) return { resolved: false, block: who(k), reason: detail };
    // outliers below the margin: t < t_crit = −1/(γ m₀), ζ(m₀) = margin
    const m0 = stieltjesBelow(b, margin);
    const chance = N * weightLowerTail(bl, e, sg[k], k, N / (bl.rank[k] * m0));
    if (chance > tailK / 4) return { resolved: false, block: who(k), reason: `${detail}; the chance of an outlier eigenvalue below the margin from a single sample is ${fmt(chance)} > ${fmt(tailK / 4)}` };
  }
  // 3. rank-1 blocks. With one bulk of its sign: 3a, the chance that its whitened Schur complement against that bulk,
  // repelled by the rank-1 levels above it, reaches zero (`whitenedSchur`, `rankOneSwitchChance`). Otherwise (no bulk, or several): 3b, the level at its low tail, repelled by the other
  // rank-1 levels above it, and, for each bulk of its sign, the linearized pull: the root λ of x − λ = C m_b(λ)
  // (C = E‖G_kb‖²) lies above zero iff x > C m_b(0)
  const rankOne = Array.from({ length: K }, (_, k) => k).filter((k) => bl.rank[k] === 1);
  for (const k of rankOne) {
    const own = bulks.filter((b) => sg[b.k] === sg[k]);
    if (own.length === 1) {
      const w = whitenedSchur(bl, draws, e, sg, k, own[0], rankOne, N, 0);
      const chance = rankOneSwitchChance(w.s[0], w.sd, w.gaps, w.coupling);
      if (chance <= tailK / 2) continue;
      return { resolved: false, block: who(k), reason: `its whitened Schur complement against the bulk (block ${who(own[0].k)}) at zero, ${fmt(w.s[0])} ± ${fmt(w.sd)}, repelled by ${w.gaps.length} rank-1 level(s) above it, reaches zero with chance ${fmt(chance)} > ${fmt(tailK / 2)} (central limit)` };
    }
    let x = level[k] - spread[k];
    let shift = 0;
    for (const j of rankOne) {
      if (j === k || sg[j] !== sg[k] || !(level[j] >= level[k])) continue;
      shift += twoLevelShift(level[j] - level[k], (Z * Z * phi2(j, k)) / N);
    }
    x -= shift;
    let pull = 0;
    for (const b of own) if (x > 0) pull += (phi2(k, b.k) * stieltjesBelow(b, 0)) / N;
    if (!(x - pull > 0)) return { resolved: false, block: who(k), reason: `its value ${fmt(level[k])} at its low tail ${fmt(level[k] - spread[k])} (central limit), less the other levels' repulsion ${fmt(shift)}, against the bulk's pull C·m_b(0) = ${fmt(pull)} (its eigenvalue x − λ = C m_b(λ) would reach zero)` };
  }
  return { resolved: true, block: -1, reason: 'every block resolved' };
}
