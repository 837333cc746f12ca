/**
 * Gaussian moments of the block quadratic forms q_a = xᵀP_a x (x ~ N(0, Σ), Σ = Σ_a λ_a P_a), the only moments the
 * finite-sample linear response needs (issue 11). In the eigenbasis q_a = λ_a χ²_{r_a}, independent across blocks,
 * so (Gaussian χ² moments, e.g. Johnson–Kotz–Balakrishnan, Continuous Univariate Distributions vol. 1, §18.3)
 *
 *   E[∏_a q_a^{m_a}] = ∏_a λ_a^{m_a} · r_a (r_a + 2) ⋯ (r_a + 2m_a − 2).
 *
 * Directions inside a block enter only through rotational invariance within the block (Isserlis):
 *   Σ_{p∈a, q∈b} x_p² x_q² = q_a q_b,  E[f(q) P_a x xᵀ P_a] = E[f(q) q_a] P_a / r_a,  off-diagonal blocks of
 *   E[f(q) x xᵀ] vanish (reflections).
 *
 * Sources. The empirical fourth-moment operator M_n(A) = (1/n) Σ_i (x_iᵀAx_i) x_i x_iᵀ fluctuates about
 * M(A) = tr(AΣ)Σ + 2ΣAΣ by Δ(A) = (1/n) Σ_i δ_x(A), δ_x(A) = (xᵀAx) xxᵀ − M(A). The random symmetric matrices of
 * the response are R_j = (1/n) Σ_i [φ_j(x_i) x_i x_iᵀ − E φ_j x xᵀ] with φ_j = q_j (R_j = Δ(P_j), j a block)
 * and, with label noise y = (θᵀx)² + ε, φ_ε = −ε (R_ε = −(1/n) Σ ε_i x_i x_iᵀ, index `K` = number of blocks).
 * Their single-sample piece covariances (the 1/n factor is applied by the caller):
 *   off(j, j', a, b)  = E tr((δ_j)_ab (δ_j')_abᵀ)       = E[φ_j φ_j' q_a q_b]                 (a ≠ b)
 *   tl(j, j', a)      = E tr((δ̃_j)_aa (δ̃_j')_aa)        = (1 − 1/r_a) E[φ_j φ_j' q_a²]       (traceless parts)
 *   tr(j, j', a, b)   = Cov(tr (δ_j)_aa, tr (δ_j')_bb)   = E[φ_j φ_j' q_a q_b] − E[φ_j q_a] E[φ_j' q_b]
 * with E[φ_ε φ_ε f(q)] = σ_ε² E[f(q)] and E[φ_ε φ_j f(q)] = 0.
 */

/** Block data: variances λ_a, ranks r_a, label-noise standard deviation σ_ε. */
export interface ResponseBlocks {
  readonly lambda: Float64Array;
  readonly rank: Float64Array;
  readonly labelNoise: number;
}

/** E[(λχ²_r)^m] = λ^m r(r+2)⋯(r+2m−2). */
export function chiSquareMoment(lambda: number, r: number, m: number): number {
  let p = 1;
  for (let i = 0; i < m; i++) p *= lambda * (r + 2 * i);
  return p;
}

/** E[∏_{i} q_{idx[i]}] for a list of block indices (repeats allowed). */
export function qMoment(bl: ResponseBlocks, idx: readonly number[]): number {
  const count = new Map<number, number>();
  for (const a of idx) count.set(a, (count.get(a) ?? 0) + 1);
  let p = 1;
  for (const [a, m] of count) p *= chiSquareMoment(bl.lambda[a], bl.rank[a], m);
  return p;
}

/** The piece covariances of the sources (module comment), tabulated once per block structure. */
export interface SourceMoments {
  /** Number of blocks K; sources are 0..K−1 (blocks) and K (label noise) when `noise`. */
  readonly K: number;
  /** Number of sources J (K, or K + 1 with label noise). */
  readonly J: number;
  off(j: number, jp: number, a: number, b: number): number;
  tl(j: number, jp: number, a: number): number;
  tr(j: number, jp: number, a: number, b: number): number;
  /** E[q_j q_a q_b q_c] (blocks only). */
  q4(j: number, a: number, b: number, c: number): number;
  /** E[q_a q_b]. */
  q2(a: number, b: number): number;
  /** μ_jc: M(P_j) = Σ_c μ_jc P_c, μ_jc = λ_j r_j λ_c + 2 λ_j² [c = j]. */
  mu(j: number, c: number): number;
}

export function sourceMoments(bl: ResponseBlocks): SourceMoments {
  const K = bl.lambda.length;
  const noise = bl.labelNoise > 0;
  const J = noise ? K + 1 : K;
  const s2 = bl.labelNoise * bl.labelNoise;
  const idx = (...i: number[]) => i.reduce((acc, x) => acc * K + x, 0);
  const t4 = new Float64Array(K ** 4);
  for (let j = 0; j < K; j++) for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) for (let c = 0; c < K; c++) t4[idx(j, a, b, c)] = qMoment(bl, [j, a, b, c]);
  const t2 = new Float64Array(K * K);
  for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) t2[a * K + b] = qMoment(bl, [a, b]);
  /** E[φ_j φ_j' q_a q_b] */
  const pp = (j: number, jp: number, a: number, b: number): number => {
    if (j < K && jp < K) return t4[idx(j, jp, a, b)];
    if (j === K && jp === K) return s2 * t2[a * K + b];
    return 0;
  };
  /** E[φ_j q_a] */
  const p1 = (j: number, a: number): number => (j < K ? t2[j * K + a] : 0);
  return {
    K,
    J,
    off: (j, jp, a, b) => pp(j, jp, a, b),
    tl: (j, jp, a) => (1 - 1 / bl.rank[a]) * pp(j, jp, a, a),
    tr: (j, jp, a, b) => pp(j, jp, a, b) - p1(j, a) * p1(jp, b),
    q4: (j, a, b, c) => t4[idx(j, a, b, c)],
    q2: (a, b) => t2[a * K + b],
    mu: (j, c) => bl.lambda[j] * bl.rank[j] * bl.lambda[c] + (c === j ? 2 * bl.lambda[j] ** 2 : 0),
  };
}
