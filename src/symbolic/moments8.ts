/**
 * Gaussian moments up to order 8 in the projector algebra (issue 11, A), derived with the Wick calculus (wick.ts),
 * for the linear-response theory of finite-sample and online GD. x ~ N(0, Σ), Σ = Σ_k λ_k P_k, q_A = xᵀAx,
 * A, B, C, D ∈ span{P_k}; λ_k, the ranks r_k (polynomials in d) and the coefficients may be symbols.
 *
 *   order 8:  E[q_A q_B q_C q_D]          (scalar, 105 matchings)
 *             E[q_A q_B q_C x xᵀ]          (in the algebra, 105 matchings)
 *   order 6:  E[q_A q_B x xᵀ]              (15 matchings)
 *   M(A) = E[q_A x xᵀ] = tr(AΣ)Σ + 2ΣAΣ  (order 4; equal to ProjectorAlgebra.expectQuadOuter, tested).
 *
 * The single-sample fluctuation δ(A) = q_A x xᵀ − M(A) (so that M_n(A) − M(A) is the mean of n of them) has, by
 * tr(P_a x xᵀ P_b x xᵀ) = (xᵀP_a x)(xᵀP_b x) and tr(P_a x xᵀ) = xᵀP_a x (exact, P_a symmetric),
 *   E[tr(P_a δ(A) P_b δ(B))]        = E[q_A q_B q_{P_a} q_{P_b}] − tr(P_a M(A) P_b M(B)),
 *   E[tr(P_a δ(A)) tr(P_b δ(B))]    = E[q_A q_B q_{P_a} q_{P_b}] − tr(P_a M(A)) tr(P_b M(B)),
 * the Frobenius pairing of the (a, b) blocks of Cov[δ(A), δ(B)] and its trace part.
 *
 * The single-sample gradient (online SGD, the engine's 4κ convention, derive.ts): with r = f_W(x) − y =
 * xᵀDx − σ_ε ε (D = WᵀW − P_s, ε ~ N(0, 1) independent of x), g(x) = 4κ r W x xᵀ, mean Ḡ = 4κ W M(D). For W in the
 * algebra, tr(P_a g P_b gᵀ) = 16κ² r² (xᵀWᵀP_aWx)(xᵀP_b x) and tr(P_a g) = 4κ r xᵀP_aWx, and E[r² ·] =
 * E[q_D² ·] + σ_ε² E[·] (the odd ε term has mean zero), so
 *   E[tr(P_a g P_b gᵀ)] − tr(P_a Ḡ P_b Ḡᵀ)
 *       = 16κ² (E[q_D q_D q_{WᵀP_aW} q_{P_b}] + σ_ε² E[q_{WᵀP_aW} q_{P_b}]) − tr(P_a Ḡ P_b Ḡᵀ),
 *   E[tr(P_a g) tr(P_b g)] − tr(P_a Ḡ) tr(P_b Ḡ)
 *       = 16κ² (E[q_D q_D q_{P_aW} q_{P_bW}] + σ_ε² E[q_{P_aW} q_{P_bW}]) − tr(P_a Ḡ) tr(P_b Ḡ).
 *
 * Label noise in a fixed sample: the empirical gradient's fluctuation is 4κW[(1/n)Σ_i δ_i(D) − σ_ε (1/n)Σ_i ε_i x_ix_iᵀ];
 * the noise part is uncorrelated with every δ(A) (odd in ε) and has, per sample, E[tr(P_a εxxᵀ P_b εxxᵀ)] =
 * E[tr(P_a εxxᵀ) tr(P_b εxxᵀ)] = E[q_{P_a} q_{P_b}] (`labelNoiseCovariance`, times σ_ε²).
 *
 * Independent route (checks): in span{P_k} the block forms q_k = xᵀP_k x are independent λ_k χ²_{r_k}, with
 * E[q_k^j] = λ_k^j r_k (r_k + 2) ⋯ (r_k + 2j − 2), so E[∏_i q_{A_i}] = Σ_{k_1..k_m} ∏_i A_i[k_i] ∏_k E[q_k^{n_k}]
 * (`chiSquareExpect`). The Wick result must equal it exactly.
 */
import type { ModelSpec } from '../model/spec.js';
import { ProjectorAlgebra, type Elem } from './algebra.js';
import { Poly, Rational } from './poly.js';
import { wickExpect, wickExpectOuter, wickTerms, wickTermsLatex, type WickTerm } from './wick.js';

/** Symbolic Gaussian moments over one projector algebra with covariance Σ (in span{P_k}). */
export class GaussianMoments {
  readonly alg: ProjectorAlgebra;
  readonly Sigma: Elem;

  constructor(alg: ProjectorAlgebra, Sigma: Elem) {
    this.alg = alg;
    this.Sigma = Sigma;
  }

  /** The algebra of `ranks` with Σ = Σ_k λ_k P_k for the variance symbols (or values) `lambdas`. */
  static of(ranks: readonly Poly[], lambdas: readonly Poly[]): GaussianMoments {
    const alg = new ProjectorAlgebra(ranks);
    return new GaussianMoments(alg, alg.diag(lambdas));
  }

  /** E[∏_i xᵀA_i x] (Wick, every matching). */
  expect(forms: readonly Elem[]): Poly {
    return wickExpect(this.alg, this.Sigma, forms);
  }

  /** E[∏_i (xᵀA_i x) x xᵀ] (Wick, every matching). */
  expectOuter(forms: readonly Elem[]): Elem {
    return wickExpectOuter(this.alg, this.Sigma, forms);
  }

  /** M(A) = E[q_A x xᵀ] = tr(AΣ)Σ + 2ΣAΣ. */
  M(A: Elem): Elem {
    return this.expectOuter([A]);
  }

  /** E[q_A q_B q_C q_D] (order 8). */
  moment8(A: Elem, B: Elem, C: Elem, D: Elem): Poly {
    return this.expect([A, B, C, D]);
  }

  /** E[q_A q_B q_C x xᵀ] (order 8, in the algebra). */
  moment8Outer(A: Elem, B: Elem, C: Elem): Elem {
    return this.expectOuter([A, B, C]);
  }

  /** E[q_A q_B x xᵀ] (order 6, in the algebra). */
  moment6Outer(A: Elem, B: Elem): Elem {
    return this.expectOuter([A, B]);
  }

  /** E[tr(P_a δ(A) P_b δ(B))], δ(A) = q_A x xᵀ − M(A) (see the file comment). */
  fluctuationBlockCovariance(a: number, b: number, A: Elem, B: Elem): Poly {
    const { alg } = this;
    const Pa = alg.P(a);
    const Pb = alg.P(b);
    return this.expect([A, B, Pa, Pb]).sub(alg.trace(alg.mul(alg.mul(Pa, this.M(A)), alg.mul(Pb, this.M(B)))));
  }

  /** E[tr(P_a δ(A)) tr(P_b δ(B))] (see the file comment). */
  fluctuationTraceCovariance(a: number, b: number, A: Elem, B: Elem): Poly {
    const { alg } = this;
    const Pa = alg.P(a);
    const Pb = alg.P(b);
    return this.expect([A, B, Pa, Pb]).sub(alg.trace(alg.mul(Pa, this.M(A))).mul(alg.trace(alg.mul(Pb, this.M(B)))));
  }

  /** E[q_{P_a} q_{P_b}]: the per-sample covariance pieces of the label-noise part εxxᵀ (both the block and the trace piece). */
  labelNoiseCovariance(a: number, b: number): Poly {
    return this.expect([this.alg.P(a), this.alg.P(b)]);
  }

  /** Mean single-sample gradient Ḡ = 4κ W M(D), D = WᵀW − P_s. */
  meanGradient(g: GradientSetting): Elem {
    const { alg } = this;
    const D = alg.sub(alg.mul(alg.transpose(g.W), g.W), alg.P(g.signalBlock));
    return alg.scale(alg.mul(g.W, this.M(D)), g.kappa.scale(4));
  }

  /** E[tr(P_a g P_b gᵀ)] − tr(P_a Ḡ P_b Ḡᵀ) for the single-sample gradient g (see the file comment). */
  gradientBlockCovariance(a: number, b: number, g: GradientSetting): Poly {
    const { alg } = this;
    const D = alg.sub(alg.mul(alg.transpose(g.W), g.W), alg.P(g.signalBlock));
    const Pa = alg.P(a);
    const Pb = alg.P(b);
    const WPW = alg.mul(alg.mul(alg.transpose(g.W), Pa), g.W);
    const second = this.expect([D, D, WPW, Pb]).add(g.noiseVariance.mul(this.expect([WPW, Pb])));
    const G = this.meanGradient(g);
    const mean = alg.trace(alg.mul(alg.mul(Pa, G), alg.mul(Pb, alg.transpose(G))));
    return second.mul(g.kappa.pow(2)).scale(16).sub(mean);
  }

  /** E[tr(P_a g) tr(P_b g)] − tr(P_a Ḡ) tr(P_b Ḡ) for the single-sample gradient g (see the file comment). */
  gradientTraceCovariance(a: number, b: number, g: GradientSetting): Poly {
    const { alg } = this;
    const D = alg.sub(alg.mul(alg.transpose(g.W), g.W), alg.P(g.signalBlock));
    const PaW = alg.mul(alg.P(a), g.W);
    const PbW = alg.mul(alg.P(b), g.W);
    const second = this.expect([D, D, PaW, PbW]).add(g.noiseVariance.mul(this.expect([PaW, PbW])));
    const G = this.meanGradient(g);
    const mean = alg.trace(alg.mul(alg.P(a), G)).mul(alg.trace(alg.mul(alg.P(b), G)));
    return second.mul(g.kappa.pow(2)).scale(16).sub(mean);
  }
}

/** The single-sample gradient's setting: W in the algebra, the signal block s (θθᵀ = P_s), κ and σ_ε². */
export interface GradientSetting {
  W: Elem;
  signalBlock: number;
  kappa: Poly;
  noiseVariance: Poly;
}

/** E[q^j] for q ~ λ χ²_r: λ^j r (r + 2) ⋯ (r + 2j − 2) (the χ² moments; r may be a polynomial in d). */
export function chiSquareMoment(lambda: Poly, rank: Poly, j: number): Poly {
  let p = Poly.ONE;
  for (let i = 0; i < j; i++) p = p.mul(rank.add(Poly.constant(2 * i)));
  return p.mul(lambda.pow(j));
}

/**
 * E[∏_i q_{A_i}] by the independent route: q_{A} = Σ_k A[k] q_k with independent q_k ~ λ_k χ²_{r_k}, expanded
 * over the block assignments k_1..k_m (A_i given by their diagonal coefficients A_i[k]):
 *   E[∏_i q_{A_i}] = Σ_{k_1..k_m} ∏_i A_i[k_i] ∏_k E[q_k^{n_k}],  n_k = #{i : k_i = k}.
 * Summed block by block over the subsets of forms assigned to each block (a dynamic programme over the 2^m subsets:
 * n·3^m products instead of n^m), the same sum in a different order.
 */
export function chiSquareExpect(ranks: readonly Poly[], lambdas: readonly Poly[], forms: readonly (readonly Poly[])[]): Poly {
  const n = ranks.length;
  const m = forms.length;
  const full = (1 << m) - 1;
  let state: Poly[] = Array.from({ length: full + 1 }, (_, S) => (S === 0 ? Poly.ONE : Poly.ZERO));
  const popcount = (x: number) => {
    let c = 0;
    for (let y = x; y; y &= y - 1) c++;
    return c;
  };
  for (let k = 0; k < n; k++) {
    const moments = Array.from({ length: m + 1 }, (_, j) => chiSquareMoment(lambdas[k], ranks[k], j));
    const next: Poly[] = state.map(() => Poly.ZERO);
    for (let S = 0; S <= full; S++) {
      if (state[S].isZero()) continue;
      const rest = full & ~S;
      // every subset T of the unassigned forms goes to block k
      for (let T = rest; ; T = (T - 1) & rest) {
        let c = moments[popcount(T)];
        for (let i = 0; i < m; i++) if (T & (1 << i)) c = c.mul(forms[i][k]);
        if (!c.isZero()) next[S | T] = next[S | T].add(state[S].mul(c));
        if (T === 0) break;
      }
    }
    state = next;
  }
  return state[full];
}

/**
 * Numeric moments in span{P_k} for given λ_k, r_k (e.g. along a trajectory): the grouped Wick terms of wick.ts
 * evaluated on diagonal coefficient vectors, each cycle C giving Σ_k r_k λ_k^{|C|} ∏_{i∈C} A_i[k] and the path
 * P the diagonal λ_k^{|P|+1} ∏_{i∈P} A_i[k]. Equal to the symbolic results evaluated (tested).
 */
export class NumericMoments {
  readonly lambda: readonly number[];
  readonly rank: readonly number[];

  constructor(lambda: readonly number[], rank: readonly number[]) {
    if (lambda.length !== rank.length) throw new RangeError(`NumericMoments: ${lambda.length} variances but ${rank.length} ranks`);
    this.lambda = lambda;
    this.rank = rank;
  }

  /** At dimension d: the ranks r_k(d) (polynomials in d, as in a derivation's blocks) evaluated, with variances λ_k. */
  static at(ranks: readonly Poly[], lambda: readonly number[], d: number): NumericMoments {
    return new NumericMoments(lambda, ranks.map((r) => r.evaluate({ d })));
  }

  private cycle(forms: readonly (readonly number[])[], c: readonly number[]): number {
    let s = 0;
    for (let k = 0; k < this.lambda.length; k++) {
      let p = this.rank[k] * this.lambda[k] ** c.length;
      for (const i of c) p *= forms[i][k];
      s += p;
    }
    return s;
  }

  /** E[∏_i xᵀA_i x] for A_i = Σ_k forms[i][k] P_k. */
  expect(forms: readonly (readonly number[])[]): number {
    let total = 0;
    for (const t of wickTerms(forms.length, false)) total += t.count * t.cycles.reduce((p, c) => p * this.cycle(forms, c), 1);
    return total;
  }

  /** Diagonal coefficients of E[∏_i (xᵀA_i x) x xᵀ]. */
  expectOuter(forms: readonly (readonly number[])[]): number[] {
    const n = this.lambda.length;
    const out = new Array<number>(n).fill(0);
    for (const t of wickTerms(forms.length, true)) {
      const s = t.count * t.cycles.reduce((p, c) => p * this.cycle(forms, c), 1);
      for (let k = 0; k < n; k++) {
        let v = s * this.lambda[k] ** (t.path!.length + 1);
        for (const i of t.path!) v *= forms[i][k];
        out[k] += v;
      }
    }
    return out;
  }

  private unit(a: number): number[] {
    return this.lambda.map((_, k) => (k === a ? 1 : 0));
  }

  /** M(A) = tr(AΣ)Σ + 2ΣAΣ (diagonal coefficients). */
  M(A: readonly number[]): number[] {
    return this.expectOuter([A]);
  }

  /** E[tr(P_a δ(A) P_b δ(B))]. */
  fluctuationBlockCovariance(a: number, b: number, A: readonly number[], B: readonly number[]): number {
    const e = this.expect([A, B, this.unit(a), this.unit(b)]);
    return a === b ? e - this.rank[a] * this.M(A)[a] * this.M(B)[a] : e;
  }

  /** E[tr(P_a δ(A)) tr(P_b δ(B))]. */
  fluctuationTraceCovariance(a: number, b: number, A: readonly number[], B: readonly number[]): number {
    return this.expect([A, B, this.unit(a), this.unit(b)]) - this.rank[a] * this.M(A)[a] * this.rank[b] * this.M(B)[b];
  }

  /**
   * The traceless part inside block a: E⟨P_aδ(A)P_a − tr(P_aδ(A))P_a/r_a, P_aδ(B)P_a − tr(P_aδ(B))P_a/r_a⟩_F
   * = E tr(P_aδ(A)P_aδ(B)) − E[tr(P_aδ(A)) tr(P_aδ(B))]/r_a (zero for a rank-1 block).
   */
  fluctuationTracelessCovariance(a: number, A: readonly number[], B: readonly number[]): number {
    return this.fluctuationBlockCovariance(a, a, A, B) - this.fluctuationTraceCovariance(a, a, A, B) / this.rank[a];
  }

  /** E[q_{P_a} q_{P_b}] (the label-noise part's covariance pieces per sample, times σ_ε²). */
  labelNoiseCovariance(a: number, b: number): number {
    return this.expect([this.unit(a), this.unit(b)]);
  }

  private gradientParts(W: readonly number[], signalBlock: number): { D: number[]; G: number[] } {
    const D = W.map((w, k) => w * w - (k === signalBlock ? 1 : 0));
    const MD = this.M(D);
    return { D, G: W.map((w, k) => w * MD[k]) };
  }

  /** E[tr(P_a g P_b gᵀ)] − tr(P_a Ḡ P_b Ḡᵀ), W = Σ_k W[k] P_k; Ḡ = 4κ W M(D) (without the 4κ in `G`). */
  gradientBlockCovariance(a: number, b: number, W: readonly number[], signalBlock: number, kappa: number, noiseVariance: number): number {
    const { D, G } = this.gradientParts(W, signalBlock);
    const WPW = this.unit(a).map((p, k) => p * W[k] * W[k]);
    const Pb = this.unit(b);
    const second = this.expect([D, D, WPW, Pb]) + noiseVariance * this.expect([WPW, Pb]);
    const mean = a === b ? this.rank[a] * G[a] * G[a] : 0;
    return 16 * kappa * kappa * (second - mean);
  }

  /** E[tr(P_a g) tr(P_b g)] − tr(P_a Ḡ) tr(P_b Ḡ). */
  gradientTraceCovariance(a: number, b: number, W: readonly number[], signalBlock: number, kappa: number, noiseVariance: number): number {
    const { D, G } = this.gradientParts(W, signalBlock);
    const PaW = this.unit(a).map((p, k) => p * W[k]);
    const PbW = this.unit(b).map((p, k) => p * W[k]);
    const second = this.expect([D, D, PaW, PbW]) + noiseVariance * this.expect([PaW, PbW]);
    return 16 * kappa * kappa * (second - this.rank[a] * G[a] * this.rank[b] * G[b]);
  }
}

/** The grouped Wick expansions behind the moments of this module (for the derivation report). */
export function momentExpansions(): { id: string; lhs: string; matchings: number; terms: readonly WickTerm[]; names: string[] }[] {
  const e = (id: string, lhs: string, m: number, open: boolean, names: string[]) => {
    const terms = wickTerms(m, open);
    return { id, lhs, matchings: terms.reduce((s, t) => s + t.count, 0), terms, names };
  };
  return [
    e('moment4', '\\mathbb{E}[q_A q_B]', 2, false, ['A', 'B']),
    e('moment4-outer', 'M(A) = \\mathbb{E}[q_A\\, x x^\\top]', 1, true, ['A']),
    e('moment6-outer', '\\mathbb{E}[q_A q_B\\, x x^\\top]', 2, true, ['A', 'B']),
    e('moment8', '\\mathbb{E}[q_A q_B q_C q_D]', 4, false, ['A', 'B', 'C', 'D']),
    e('moment8-outer', '\\mathbb{E}[q_A q_B q_C\\, x x^\\top]', 3, true, ['A', 'B', 'C']),
  ];
}

/** The derivation report's section on these moments: text and LaTeX per step (expansions generated, not typed). */
export function momentSteps(): { text: string; latex: string[] }[] {
  const ex = momentExpansions();
  return [
    {
      text: `For x ~ N(0, Σ) and q_A = xᵀAx with A, B, C, D ∈ span{P_k} (commuting with Σ), Isserlis' theorem sums over the perfect matchings of the two slots of every quadratic form (and the two open slots of x xᵀ); each matching closes the forms into cycles, a cycle C giving tr(Σ^{|C|} ∏_{i∈C} A_i) and the open path the matrix Σ^{|P|+1} ∏_{i∈P} A_i. The engine enumerates the matchings (${ex.map((x) => `${x.matchings} for ${x.id}`).join(', ')}) and groups them by cycle sets; the integer coefficients below are its counts.`,
      latex: ex.map((x) => `${x.lhs} = ${wickTermsLatex(x.terms, x.names)}`),
    },
    {
      text: 'Single-sample fluctuation δ(A) = q_A xxᵀ − M(A) (M_n(A) − M(A) is the mean of n independent copies) and its covariance pieces, by tr(P_a xxᵀ P_b xxᵀ) = q_{P_a} q_{P_b}:',
      latex: [
        '\\mathbb{E}\\operatorname{tr}(P_a\\delta(A)P_b\\delta(B)) = \\mathbb{E}[q_A q_B q_{P_a} q_{P_b}] - \\operatorname{tr}(P_a M(A) P_b M(B))',
        '\\mathbb{E}[\\operatorname{tr}(P_a\\delta(A))\\operatorname{tr}(P_b\\delta(B))] = \\mathbb{E}[q_A q_B q_{P_a} q_{P_b}] - \\operatorname{tr}(P_a M(A))\\operatorname{tr}(P_b M(B))',
      ],
    },
    {
      text: 'Single-sample gradient of online SGD, g = 4κ(f_W(x) − y)W xxᵀ with y = (θᵀx)² + σ_ε ε, W ∈ span{P_k}, D = WᵀW − θθᵀ, mean Ḡ = 4κW M(D):',
      latex: [
        '\\mathbb{E}\\operatorname{tr}(P_a g P_b g^\\top) - \\operatorname{tr}(P_a\\bar G P_b \\bar G^\\top) = 16\\kappa^2\\left(\\mathbb{E}[q_D^2\\, q_{W^\\top P_a W}\\, q_{P_b}] + \\sigma_\\varepsilon^2\\,\\mathbb{E}[q_{W^\\top P_a W}\\, q_{P_b}]\\right) - \\operatorname{tr}(P_a\\bar G P_b \\bar G^\\top)',
        '\\mathbb{E}[\\operatorname{tr}(P_a g)\\operatorname{tr}(P_b g)] - \\operatorname{tr}(P_a\\bar G)\\operatorname{tr}(P_b\\bar G) = 16\\kappa^2\\left(\\mathbb{E}[q_D^2\\, q_{P_a W}\\, q_{P_b W}] + \\sigma_\\varepsilon^2\\,\\mathbb{E}[q_{P_a W}\\, q_{P_b W}]\\right) - \\operatorname{tr}(P_a\\bar G)\\operatorname{tr}(P_b\\bar G)',
      ],
    },
    {
      text: 'Every identity is checked (table below): exactly against the χ² route (q_k = xᵀP_kx independent λ_kχ²_{r_k}, E[q_k^j] = λ_k^j r_k(r_k+2)⋯(r_k+2j−2)) and by seeded Monte Carlo with a self-normalized tolerance √L·σ/√N·(3 + ŝ²/σ²)/2 built on the exact variance σ² of each per-sample estimator (an order-16 moment by the χ² route), valid for heavy tails.',
      latex: [],
    },
  ];
}

/**
 * The population side of the spectral-initialization summary (sim/spectral-init.ts) at a model's variances and
 * ranks: the eigenvalue of Y = E[y xxᵀ] = M(θθᵀ) on each block (label noise has mean zero), and, with a rank-1 spike
 * v, the moments E[q_θ³q_v] and E[q_θq_v] of the coupling θᵀY_n v (its variance is (E[q_θ³q_v] + σ_ε²E[q_θq_v])/n).
 */
export function spectralPopulation(spec: ModelSpec): { Y: number[]; coupling: { thetaCubedSpike: number; thetaSpike: number } | null } {
  // θθᵀ = P_signal holds only when θ spans one rank-1 block (not for θ over several eigen-directions, issue 13).
  if (spec.coordinates !== null) throw new Error('spectralPopulation: derived for θ on one rank-1 block (θθᵀ = P_signal); this θ touches several eigen-directions');
  const gm = GaussianMoments.of(
    spec.blocks.map((b) => Poly.constant(b.rank)),
    spec.blocks.map((b) => Poly.constant(Rational.fromNumber(b.variance))),
  );
  const num = (p: Poly) => p.asConstant()!.toNumber();
  const Pt = gm.alg.P(spec.signalBlock);
  const coefs = gm.alg.diagCoefficients(gm.M(Pt));
  if (!coefs) throw new Error('spectralPopulation: M(θθᵀ) left span{P_k}');
  const v = spec.spikeBlock;
  const coupling = v >= 0 && spec.blocks[v].rank === 1 ? { thetaCubedSpike: num(gm.expect([Pt, Pt, Pt, gm.alg.P(v)])), thetaSpike: num(gm.expect([Pt, gm.alg.P(v)])) } : null;
  return { Y: coefs.map(num), coupling };
}
