/**
 * Checks of the order-8 Gaussian moments (moments8.ts) run on every derivation (issue 11, A), listed in the
 * derivation report with their measured errors:
 *  - exact: the Wick sums equal the independent χ² route (q_k = xᵀP_kx independent λ_k χ²_{r_k}) as polynomials in
 *    the symbolic variances and d, for random integer A, B, C, D ∈ span{P_k}: E[q_Aq_B], E[q_Aq_Bq_Cq_D], and the
 *    matrix-valued E[q_Aq_B x xᵀ], E[q_Aq_Bq_C x xᵀ] through r_k·(their P_k coefficient) = E[… q_{P_k}];
 *  - Monte Carlo, one seeded sample x ~ N(0, Σ) (dimension 20 when a rank depends on d, else the model's d; random
 *    variances in [0.5, 2.5], random A, B, C, D ∈ span{P_k}) for every identity: E[q_Aq_Bq_Cq_D]; every entry of
 *    E[q_Aq_Bq_C x xᵀ] and of E[q_Aq_B x xᵀ]; E[tr(P_aδ(A)P_bδ(B))] and E[tr(P_aδ(A))tr(P_bδ(B))] for every block pair
 *    a ≤ b; and, for the matrix student, the single-sample gradient covariance pieces with label noise (random W in
 *    the algebra, κ ∈ [0.1, 1], σ_ε ∈ [0.2, 1], g = 4κ(f_W(x) − y) W x xᵀ with y = (θᵀx)² + σ_ε ε drawn). The
 *    per-sample estimators are the definitions summed over the block entries (formulas at the sampling loop).
 *
 * Tolerance per compared entry (a self-normalized bound with the exact variance). The per-sample estimators Y are
 * products of up to 8 Gaussians: heavy-tailed (tails ~ exp(−c·|y|^{1/4})), so neither the normal rule k·σ̂/√N nor
 * k·σ/√N is valid in the far tail at N = 20 000 that a Bonferroni level needs. Measured with
 * scripts/calibrate-moment8-checks.ts (seeds 1..1000 of a 6-block diagonal model, 1..300 of the spiked and the
 * powerlaw presets, 1..60 of a 40-block model; the nominal rate is 10⁻⁴ per check): k·σ̂/√N failed up to 1.8% of the
 * runs of a check (3% for moment8-gradient-trace on the powerlaw preset; σ̂ underestimates σ on most seeds, median
 * σ̂²/σ² ≈ 0.8), and k·σ/√N with the exact σ still up to 1.7% (a single large sample moves the mean by several σ/√N:
 * with the exact σ, P(|z| > 4) was up to 1.4·10⁻³ against 6.3·10⁻⁵ for a normal z); the rule below failed none of
 * the 11 620 check runs. Instead, with S = Σ_i (Y_i − μ) over the N samples, V² = Σ_i (Y_i − μ)² and B² = Nσ²
 * (σ² = Var Y exact, moments8-variance.ts, by the χ² route: an order-16 moment for the order-8 estimators):
 *   for every real x, exp(x − x²/2) ≤ 1 + x + x²/2 (g(x) = ln(1 + x + x²/2) − x + x²/2 has g(0) = 0 and
 *   g'(x) = x(1 + x/2 + x²/2)/(1 + x + x²/2), of the sign of x), so for E X = 0, E X² < ∞ and any λ,
 *   E exp(λX − λ²X²/2) ≤ 1 + λ²E X²/2 ≤ exp(λ²E X²/2);  over independent samples E exp(λS − λ²(V² + B²)/2) ≤ 1
 * (the argument behind Bercu & Touati 2008, "Exponential inequalities for self-normalized martingales with
 * applications", Ann. Appl. Probab. 18(5), Theorem 2.1), and by Markov's inequality, for ±λ,
 *   P(λ|S| − λ²(V² + B²)/2 ≥ L) ≤ 2e^{−L}.
 * With λ = √L/B fixed in advance (the optimum for V² = B²) and 2e^{−L} = MC_ALPHA/m for the m entries of a check
 * (Bonferroni), the entry fails when
 *   |Ȳ − μ| > √L · σ/√N · (3 + ŝ²/σ²)/2,   ŝ² = V²/N,
 * a false alarm with probability ≤ MC_ALPHA per check for any estimator of finite variance, no normal approximation.
 * The self-normalization ŝ² widens the tolerance exactly when a large sample moves the mean; the exact σ keeps it from
 * shrinking when no large sample was drawn. With ŝ = σ the factor is 2√L (7.35 for m = 36) against the normal
 * quantile (4.69): the price of the guarantee (on the same seeds, tolerances ≈ 1.6× those of k·σ̂/√N). Still caught
 * (test/symbolic/moments8-checks.test.ts): the moments 15% off, the four-form order-8 moments 5% off, a wrong Wick
 * multiplicity in E[q_Aq_B xxᵀ].
 * Every estimator is a polynomial in the q_k and ε, so the χ² route applies to all of them (moments8-variance.ts);
 * entries x_ix_l of the matrix-valued moments split the coordinates off their blocks.
 */
import { createRng, type Rng } from '../core/rng.js';
import type { Check, CheckDetail } from './checks.js';
import type { SymbolicDerivation as Derivation } from './derivation.js';
import { chiSquareExpect, GaussianMoments, NumericMoments } from './moments8.js';
import { blockForm, ChiSquareBlocks, mulTerms, quadForm, type Affine, type Term } from './moments8-variance.js';
import { Poly, Rational } from './poly.js';

const MC_SAMPLES = 20_000;
const MC_ALPHA = 1e-4;
/**
 * Caps on the compared block pairs and matrix entries (large diagonal models have many blocks and a large d; each
 * entry costs N multiply-adds per moment): every diagonal entry of the matrix-valued moments, and off-diagonal ones
 * (whose expectation is 0) up to MAX_ENTRIES entries in all, seeded.
 */
const MAX_PAIRS = 36;
const MAX_ENTRIES = 60;
const MAX_OUTER_BLOCKS = 8;

/** k distinct elements of xs, chosen with the seeded rng (partial Fisher–Yates), in their original order. */
function seededSubset<T>(xs: readonly T[], k: number, rng: Rng): T[] {
  const idx = xs.map((_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng.uniform() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx
    .slice(0, k)
    .sort((a, b) => a - b)
    .map((i) => xs[i]);
}

function randomRational(rng: Rng, lo: number, hi: number): Rational {
  return Rational.of(Math.round((lo + (hi - lo) * rng.uniform()) * 1000), 1000);
}

/** Streaming sums Σ Y_i and Σ Y_i² of several per-sample estimators. */
class Accumulator {
  readonly sum: Float64Array;
  readonly sum2: Float64Array;
  constructor(n: number) {
    this.sum = new Float64Array(n);
    this.sum2 = new Float64Array(n);
  }
  add(i: number, v: number): void {
    this.sum[i] += v;
    this.sum2[i] += v * v;
  }
  mean(i: number): number {
    return this.sum[i] / MC_SAMPLES;
  }
  /** ŝ² = (1/N) Σ_i (Y_i − μ)² about a given μ (the value under test), from the two sums. */
  meanSquareAbout(i: number, mu: number): number {
    return Math.max(0, this.sum2[i] / MC_SAMPLES - 2 * mu * this.mean(i) + mu * mu);
  }
}

/**
 * The self-normalized tolerance on |Ȳ − μ| at level e^{−L} per side (module comment):
 *   t = √L · σ/√N · (3 + ŝ²/σ²)/2,  ŝ² = (1/N) Σ_i (Y_i − μ)²,
 * from P(λ|S| − λ²(V² + Nσ²)/2 ≥ L) ≤ 2e^{−L} with S = N(Ȳ − μ), V² = Nŝ² and λ = √L/(σ√N). σ = 0 (a constant
 * estimator) leaves no room: t = 0.
 */
export function selfNormalizedTolerance(sigma: number, meanSquare: number, samples: number, L: number): number {
  if (sigma === 0) return 0;
  return ((Math.sqrt(L) * sigma) / Math.sqrt(samples)) * ((3 + meanSquare / (sigma * sigma)) / 2);
}

/**
 * The worst entry of a Monte Carlo comparison: the largest error/tolerance, error = |measured − expected|. An entry
 * whose measured or expected value, error or tolerance is not a finite number (NaN, ±∞) is the worst and fails
 * (ratio +∞; `ratio > worst` is false for NaN, so it is mapped explicitly, never skipped); the first such entry is the
 * one shown.
 */
export function worstEntry(measured: readonly number[], expected: readonly number[], tolerance: readonly number[], labels: readonly string[]): { detail: CheckDetail; ratio: number } {
  let worst: CheckDetail | null = null;
  let worstRatio = -1;
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(measured[i] - expected[i]);
    const tol = tolerance[i];
    const finite = Number.isFinite(error) && Number.isFinite(tol) && tol >= 0;
    const ratio = !finite ? Infinity : tol > 0 ? error / tol : error === 0 ? 0 : Infinity;
    if (worst === null || ratio > worstRatio || !finite) {
      worstRatio = ratio;
      worst = { label: labels[i], expected: expected[i], measured: measured[i], error, tolerance: tol };
    }
    if (!finite) break;
  }
  if (worst === null) throw new Error('moments8 checks: a Monte Carlo comparison without entries');
  return { detail: worst, ratio: worstRatio };
}

/**
 * One Monte Carlo comparison before its verdict: per entry the expected value (under test), the sample mean of the
 * per-sample estimator, its sample mean square about the expected value and its exact standard deviation.
 */
export interface Comparison {
  id: string;
  title: string;
  method: string;
  dimension: number;
  samples: number;
  labels: readonly string[];
  expected: readonly number[];
  measured: readonly number[];
  meanSquare: readonly number[];
  sigma: readonly number[];
}

function comparison(id: string, title: string, method: string, dimension: number, acc: Accumulator, expected: readonly number[], sigma: readonly number[], labels: readonly string[]): Comparison {
  const measured = expected.map((_, i) => acc.mean(i));
  const meanSquare = expected.map((mu, i) => acc.meanSquareAbout(i, mu));
  return { id, title, method, dimension, samples: MC_SAMPLES, labels, expected, measured, meanSquare, sigma };
}

/** The per-entry tolerances of a comparison (Bonferroni over its m entries: 2e^{−L} = MC_ALPHA/m) and L. */
export function comparisonTolerances(c: Comparison): { L: number; tolerance: number[] } {
  const L = Math.log((2 * c.expected.length) / MC_ALPHA);
  return { L, tolerance: c.expected.map((_, i) => selfNormalizedTolerance(c.sigma[i], c.meanSquare[i], c.samples, L)) };
}

function mcCheck(c: Comparison): Check {
  const m = c.expected.length;
  const { L, tolerance } = comparisonTolerances(c);
  const { detail, ratio } = worstEntry(c.measured, c.expected, tolerance, c.labels);
  const rule = `√L·σ/√N·(3 + ŝ²/σ²)/2 with L = ln(2·${m}/${MC_ALPHA}) = ${L.toFixed(2)} (self-normalized bound, false-alarm probability ≤ ${MC_ALPHA}${m > 1 ? ` over the ${m} entries (Bonferroni)` : ''} for any estimator of finite variance), σ the exact standard deviation of the per-sample estimator (an order-16 Gaussian moment, χ² route), ŝ² its sample mean square about the expected value`;
  return {
    id: c.id,
    title: c.title,
    method: c.method,
    dimension: c.dimension,
    samples: c.samples,
    error: detail.error,
    tolerance: detail.tolerance,
    toleranceRule: m === 1 ? rule : `per entry ${rule}; the entry closest to its tolerance is shown`,
    passed: ratio <= 1,
    details: [detail],
  };
}

/** Exact check: Wick = χ² route with symbolic variances and ranks, random rational coefficients. */
function exactCheck(der: Derivation, rng: Rng): Check {
  const n = der.blocks.length;
  // Symbolic variances and ranks up to SYMBOLIC_BLOCKS blocks; beyond, the product of n^4 block assignments makes the
  // polynomials large, so both sides are compared exactly at EXACT_POINTS random rational variance point(s) on a grid
  // of 2001 values per variance (two different polynomials of degree ≤ 4 agree there with probability ≤ 4/2001,
  // Schwartz–Zippel; the symbolic comparison of test/symbolic/wick.test.ts covers the general case).
  const symbolic = n <= SYMBOLIC_BLOCKS;
  const points = symbolic ? 1 : EXACT_POINTS;
  const failed: string[] = [];
  for (let pt = 0; pt < points; pt++) exactComparisons(der, rng, symbolic, failed, points > 1 ? ` (point ${pt + 1})` : '');
  return {
    id: 'moment8-wick-chi-square-exact',
    title: 'Wick sums over all matchings = χ² route (q_k = xᵀP_kx independent λ_k χ²_{r_k}, E[q_k^j] = λ_k^j r_k(r_k+2)⋯(r_k+2j−2)) for E[q_Aq_B], E[q_Aq_Bq_Cq_D], E[q_Aq_B xxᵀ], E[q_Aq_Bq_C xxᵀ]',
    method: `exact ${symbolic ? 'polynomial equality in the symbolic variances and ranks (d symbolic)' : `rational equality at ${EXACT_POINTS} random rational variance points (${n} blocks)`}, random integer A, B, C, D ∈ span{P_k} (coefficients ±1..4); ${points * (2 + 2 * Math.min(n, MAX_OUTER_BLOCKS))} comparisons${n > MAX_OUTER_BLOCKS ? ` (the matrix-valued moments on ${MAX_OUTER_BLOCKS} seeded random blocks of the ${n})` : ''}`,
    dimension: 0,
    samples: 0,
    error: failed.length,
    tolerance: 0,
    toleranceRule: `exact equality (error = number of comparisons that fail${failed.length ? `: ${failed.join(', ')}` : ''})`,
    passed: failed.length === 0,
    details: [],
  };
}

const SYMBOLIC_BLOCKS = 3;
const EXACT_POINTS = 1;

function exactComparisons(der: Derivation, rng: Rng, symbolic: boolean, failed: string[], where: string): void {
  const n = der.blocks.length;
  const ranks = der.blocks.map((b) => (symbolic ? b.rank : Poly.constant(b.rankNumeric)));
  const lambdas = der.blocks.map((b) => (symbolic ? Poly.sym(b.varianceSymbol) : Poly.constant(randomRational(rng, 0.5, 2.5))));
  const gm = GaussianMoments.of(ranks, lambdas);
  // Small random integers (1..4, random sign) keep the exact arithmetic cheap; any non-zero values test the identity.
  const coefs = () => Array.from({ length: n }, () => Poly.constant((rng.uniform() < 0.5 ? -1 : 1) * (1 + Math.floor(4 * rng.uniform()))));
  const [A, B, C, D] = [coefs(), coefs(), coefs(), coefs()];
  const el = (c: Poly[]) => gm.alg.diag(c);
  const compare = (label: string, x: Poly, y: Poly) => {
    if (!x.equals(y)) failed.push(label + where);
  };
  compare('E[q_A q_B]', gm.expect([el(A), el(B)]), chiSquareExpect(ranks, lambdas, [A, B]));
  compare('E[q_A q_B q_C q_D]', gm.moment8(el(A), el(B), el(C), el(D)), chiSquareExpect(ranks, lambdas, [A, B, C, D]));
  const o6 = gm.alg.diagCoefficients(gm.moment6Outer(el(A), el(B)));
  const o8 = gm.alg.diagCoefficients(gm.moment8Outer(el(A), el(B), el(C)));
  // Every block's coefficient up to MAX_OUTER_BLOCKS blocks, else a seeded random subset of that many.
  const all = Array.from({ length: n }, (_, k) => k);
  for (const k of n <= MAX_OUTER_BLOCKS ? all : seededSubset(all, MAX_OUTER_BLOCKS, rng)) {
    const unit = Array.from({ length: n }, (_, j) => (j === k ? Poly.ONE : Poly.ZERO));
    if (!o6 || !o8) {
      failed.push('x xᵀ moments left span{P_k}');
      break;
    }
    compare(`E[q_A q_B x xᵀ] block ${der.stateVars[k]}`, o6[k].mul(ranks[k]), chiSquareExpect(ranks, lambdas, [A, B, unit]));
    compare(`E[q_A q_B q_C x xᵀ] block ${der.stateVars[k]}`, o8[k].mul(ranks[k]), chiSquareExpect(ranks, lambdas, [A, B, C, unit]));
  }
}

/** The Monte Carlo checks of every order-8 identity, on one seeded sample stream. */
function monteCarloComparisons(der: Derivation, rng: Rng, moments: MomentsFactory): Comparison[] {
  const n = der.blocks.length;
  const symbolicRank = der.blocks.some((b) => b.rank.variables().includes('d'));
  const dc = symbolicRank ? 20 : der.model.d;
  const rankVals = der.blocks.map((b) => b.rank.evaluate({ d: dc }));
  const blockOf = new Int32Array(dc);
  let j0 = 0;
  rankVals.forEach((r, k) => {
    for (let i = 0; i < r; i++) blockOf[j0++] = k;
  });
  if (j0 !== dc) throw new Error(`moments8 checks: block ranks at d = ${dc} sum to ${j0}`);
  // Expected values: the grouped Wick terms evaluated numerically (NumericMoments, equal to the exact symbolic
  // results of GaussianMoments: test/symbolic/wick.test.ts; the exact check above ties those to the χ² route).
  const lam = der.blocks.map(() => randomRational(rng, 0.5, 2.5).toNumber());
  const nm = moments(lam, rankVals);
  const rc = () => Array.from({ length: n }, () => randomRational(rng, -1, 1).toNumber());
  const [An, Bn, Cn, Dn] = [rc(), rc(), rc(), rc()];
  const e8 = nm.expect([An, Bn, Cn, Dn]);
  const o8 = nm.expectOuter([An, Bn, Cn]);
  const o6 = nm.expectOuter([An, Bn]);
  const MA = nm.M(An);
  const MB = nm.M(Bn);
  let pairs: [number, number][] = [];
  for (let a = 0; a < n; a++) for (let b = a; b < n; b++) pairs.push([a, b]);
  const allPairs = pairs.length;
  if (pairs.length > MAX_PAIRS) pairs = seededSubset(pairs, MAX_PAIRS, rng);
  const fluctBlock = pairs.map(([a, b]) => nm.fluctuationBlockCovariance(a, b, An, Bn));
  const fluctTrace = pairs.map(([a, b]) => nm.fluctuationTraceCovariance(a, b, An, Bn));
  const matrix = der.model.student === 'matrix';
  const s = der.model.signalBlock;
  const Wn = rc();
  const kappa = randomRational(rng, 0.1, 1);
  const noise = randomRational(rng, 0.2, 1);
  const kap = kappa.toNumber();
  const sig = noise.toNumber();
  const gradBlock = matrix ? pairs.map(([a, b]) => nm.gradientBlockCovariance(a, b, Wn, s, kap, sig * sig)) : [];
  const gradTrace = matrix ? pairs.map(([a, b]) => nm.gradientTraceCovariance(a, b, Wn, s, kap, sig * sig)) : [];
  const MD = nm.M(Wn.map((w, k) => w * w - (k === s ? 1 : 0)));
  const Gbar = Wn.map((w, k) => 4 * kap * w * MD[k]);

  const sd = Float64Array.from(blockOf, (k) => Math.sqrt(lam[k]));
  const sIdx = blockOf.indexOf(s);
  // Matrix entries compared: every (i, l), i ≤ l, up to MAX_ENTRIES of them; beyond, every diagonal entry and a seeded
  // random subset of the off-diagonal ones.
  let entries: [number, number][] = [];
  for (let i = 0; i < dc; i++) for (let l = i; l < dc; l++) entries.push([i, l]);
  const allEntries = entries.length;
  if (entries.length > MAX_ENTRIES) {
    const diag = entries.filter(([i, l]) => i === l);
    const off = entries.filter(([i, l]) => i !== l);
    entries = [...diag, ...seededSubset(off, Math.max(0, MAX_ENTRIES - diag.length), rng)];
  }
  const ei = Int32Array.from(entries, (e) => e[0]);
  const el = Int32Array.from(entries, (e) => e[1]);
  const nTri = entries.length;
  const acc8 = new Accumulator(1);
  const accO8 = new Accumulator(nTri);
  const accO6 = new Accumulator(nTri);
  const accFB = new Accumulator(pairs.length);
  const accFT = new Accumulator(pairs.length);
  const accGB = new Accumulator(pairs.length);
  const accGT = new Accumulator(pairs.length);
  const x = new Float64Array(dc);
  const q = new Float64Array(n);
  const trA = new Float64Array(n);
  const trB = new Float64Array(n);
  const trG = new Float64Array(n);
  for (let it = 0; it < MC_SAMPLES; it++) {
    rng.fillNormal(x);
    for (let i = 0; i < dc; i++) x[i] *= sd[i];
    const eps = matrix ? rng.normal() : 0;
    q.fill(0);
    for (let i = 0; i < dc; i++) q[blockOf[i]] += x[i] * x[i];
    let qA = 0;
    let qB = 0;
    let qC = 0;
    let qD = 0;
    let f = 0;
    for (let k = 0; k < n; k++) {
      qA += An[k] * q[k];
      qB += Bn[k] * q[k];
      qC += Cn[k] * q[k];
      qD += Dn[k] * q[k];
      f += Wn[k] * Wn[k] * q[k];
    }
    acc8.add(0, qA * qB * qC * qD);
    const w8 = qA * qB * qC;
    const w6 = qA * qB;
    const { sum: s8, sum2: q8 } = accO8;
    const { sum: s6, sum2: q6 } = accO6;
    for (let t = 0; t < nTri; t++) {
      const xx = x[ei[t]] * x[el[t]];
      const v8 = w8 * xx;
      const v6 = w6 * xx;
      s8[t] += v8;
      q8[t] += v8 * v8;
      s6[t] += v6;
      q6[t] += v6 * v6;
    }
    // Per sample, from the definitions δ(A)_il = q_A x_i x_l − [i = l] M(A)_i and (centred) g_il = 4κ r W_i x_i x_l
    // − [i = l] Ḡ_i with r = f_W(x) − y, y = x_s² + σ_ε ε: summing over i ∈ a, l ∈ b,
    //   tr(P_aδ_AP_bδ_B) = q_Aq_B q_a q_b − [a = b](q_A M(B)_a + q_B M(A)_a) q_a + [a = b] r_a M(A)_a M(B)_a,
    //   tr(P_a g P_b gᵀ) = (4κr)² W_a² q_a q_b − [a = b] 2·4κr W_a q_a Ḡ_a + [a = b] r_a Ḡ_a²,
    //   tr(P_aδ_A) = q_A q_a − r_a M(A)_a,  tr(P_a g) = 4κr W_a q_a − r_a Ḡ_a.
    const r = f - x[sIdx] * x[sIdx] - sig * eps;
    const g4 = 4 * kap * r;
    for (let k = 0; k < n; k++) {
      trA[k] = qA * q[k] - rankVals[k] * MA[k];
      trB[k] = qB * q[k] - rankVals[k] * MB[k];
      trG[k] = g4 * Wn[k] * q[k] - rankVals[k] * Gbar[k];
    }
    for (let pi = 0; pi < pairs.length; pi++) {
      const [a, b] = pairs[pi];
      let fb = qA * qB * q[a] * q[b];
      if (a === b) fb += -(qA * MB[a] + qB * MA[a]) * q[a] + rankVals[a] * MA[a] * MB[a];
      accFB.add(pi, fb);
      accFT.add(pi, trA[a] * trB[b]);
      if (matrix) {
        let gb = g4 * g4 * Wn[a] * Wn[a] * q[a] * q[b];
        if (a === b) gb += -2 * g4 * Wn[a] * q[a] * Gbar[a] + rankVals[a] * Gbar[a] * Gbar[a];
        accGB.add(pi, gb);
        accGT.add(pi, trG[a] * trG[b]);
      }
    }
  }
  const sigma = exactSigmas({ lam, rankVals, blockOf, An, Bn, Cn, Dn, MA, MB, pairs, entries, matrix, Wn, s, kap, sig, Gbar });
  const V = der.stateVars;
  const pairLabels = pairs.map(([a, b]) => `blocks (${V[a]}, ${V[b]})`);
  const expO8: number[] = [];
  const expO6: number[] = [];
  const triLabels: string[] = [];
  for (const [i, l] of entries) {
    expO8.push(i === l ? o8[blockOf[i]] : 0);
    expO6.push(i === l ? o6[blockOf[i]] : 0);
    triLabels.push(`entry (${i + 1}, ${l + 1})`);
  }
  const entryText = nTri === allEntries ? `every entry of the ${dc}×${dc} matrix` : `${nTri} of the ${allEntries} entries i ≤ l of the ${dc}×${dc} matrix (every diagonal one, seeded random off-diagonal ones)`;
  const pairText = pairs.length === allPairs ? 'every block pair a ≤ b' : `${pairs.length} seeded random block pairs of the ${allPairs}`;
  const base = `Monte Carlo, x ~ N(0, Σ) in dimension ${dc}, random variances in [0.5, 2.5], random A, B, C, D ∈ span{P_k}`;
  const out = [
    comparison('moment8-scalar', 'E[q_Aq_Bq_Cq_D] (order 8, Wick sum over 105 matchings) in the projector algebra', base, dc, acc8, [e8], sigma.scalar, ['E[q_A q_B q_C q_D]']),
    comparison('moment8-outer', 'E[q_Aq_Bq_C xxᵀ] (order 8, 105 matchings, matrix-valued) in the projector algebra', `${base}; ${entryText}`, dc, accO8, expO8, sigma.outer8, triLabels),
    comparison('moment6-outer', 'E[q_Aq_B xxᵀ] (order 6, 15 matchings) in the projector algebra', `${base}; ${entryText}`, dc, accO6, expO6, sigma.outer6, triLabels),
    comparison('moment8-fluctuation-block', 'E[tr(P_aδ(A)P_bδ(B))], δ(A) = q_A xxᵀ − M(A), M(A) = tr(AΣ)Σ + 2ΣAΣ (order 8)', `${base}; ${pairText}`, dc, accFB, fluctBlock, sigma.fluctBlock, pairLabels),
    comparison('moment8-fluctuation-trace', 'E[tr(P_aδ(A)) tr(P_bδ(B))] (order 8)', `${base}; ${pairText}`, dc, accFT, fluctTrace, sigma.fluctTrace, pairLabels),
  ];
  if (matrix) {
    const gm2 = `${base}; single-sample gradient g = 4κ(f_W(x) − y)W xxᵀ with y = (θᵀx)² + σ_ε ε, random W ∈ span{P_k}, κ = ${kappa.toString()}, σ_ε = ${noise.toString()}; ${pairText}`;
    out.push(
      comparison('moment8-gradient-block', 'Single-sample gradient covariance E[tr(P_a g P_b gᵀ)] − tr(P_aḠP_bḠᵀ), Ḡ = 4κ W M(D), with label noise (order 8)', gm2, dc, accGB, gradBlock, sigma.gradBlock, pairLabels),
      comparison('moment8-gradient-trace', 'Single-sample gradient covariance E[tr(P_a g) tr(P_b g)] − tr(P_aḠ)tr(P_bḠ), with label noise (order 8)', gm2, dc, accGT, gradTrace, sigma.gradTrace, pairLabels),
    );
  }
  return out;
}

interface EstimatorSetting {
  lam: readonly number[];
  rankVals: readonly number[];
  blockOf: Int32Array;
  An: readonly number[];
  Bn: readonly number[];
  Cn: readonly number[];
  Dn: readonly number[];
  MA: readonly number[];
  MB: readonly number[];
  pairs: readonly (readonly [number, number])[];
  entries: readonly (readonly [number, number])[];
  matrix: boolean;
  Wn: readonly number[];
  s: number;
  kap: number;
  sig: number;
  Gbar: readonly number[];
}

/**
 * The exact standard deviation of every per-sample estimator of the sampling loop (the same formulas, written as
 * polynomials in the q_k and ε for moments8-variance.ts): with e_k the form q_k and R = q_D − σ_ε ε the residual
 * (f_W(x) − y = Σ_k (W_k² − [k = s]) q_k − σ_ε ε, the signal block s of rank 1 so that x_s² = q_s),
 *   q_Aq_Bq_Cq_D;  q_Aq_Bq_C x_ix_l and q_Aq_B x_ix_l (x_i², x_l² split off their blocks; mean 0 off the diagonal);
 *   q_Aq_B e_a e_b − [a = b](M(B)_a q_A + M(A)_a q_B) e_a + [a = b] r_a M(A)_a M(B)_a;
 *   (q_A e_a − r_a M(A)_a)(q_B e_b − r_b M(B)_b);
 *   16κ² W_a² R² e_a e_b − [a = b] 8κ W_a Ḡ_a R e_a + [a = b] r_a Ḡ_a²;
 *   (4κ W_a R e_a − r_a Ḡ_a)(4κ W_b R e_b − r_b Ḡ_b).
 * Diagonal (off-diagonal) matrix entries in the same block (pair of blocks) are exchangeable: computed once per block
 * (pair).
 */
function exactSigmas(e: EstimatorSetting): { scalar: number[]; outer8: number[]; outer6: number[]; fluctBlock: number[]; fluctTrace: number[]; gradBlock: number[]; gradTrace: number[] } {
  const n = e.lam.length;
  const cs = new ChiSquareBlocks(e.lam, e.rankVals);
  const [A, B, C, D] = [e.An, e.Bn, e.Cn, e.Dn].map(quadForm);
  const unit = (k: number) => blockForm(n, k);
  const sd = (P: Term[]) => Math.sqrt(cs.variance(P));
  const outerCache = new Map<string, [number, number]>();
  const outer = ([i, l]: readonly [number, number]): [number, number] => {
    const bi = e.blockOf[i];
    const bl = e.blockOf[l];
    const key = i === l ? `${bi}` : `${Math.min(bi, bl)},${Math.max(bi, bl)}`;
    let v = outerCache.get(key);
    if (!v) {
      if (i === l) {
        const sp = cs.splitAt([bi]);
        const [a, b, c] = [A, B, C].map(sp.lift);
        const z = sp.coordinate(0);
        v = [Math.sqrt(sp.blocks.variance([{ coef: 1, factors: [a, b, c, z] }])), Math.sqrt(sp.blocks.variance([{ coef: 1, factors: [a, b, z] }]))];
      } else {
        // E[(w x_i x_l)²] = E[w² x_i² x_l²], the mean being 0
        const sp = cs.splitAt([bi, bl]);
        const [a, b, c] = [A, B, C].map(sp.lift);
        const [zi, zl] = [sp.coordinate(0), sp.coordinate(1)];
        v = [Math.sqrt(sp.blocks.expectProduct([a, a, b, b, c, c, zi, zl])), Math.sqrt(sp.blocks.expectProduct([a, a, b, b, zi, zl]))];
      }
      outerCache.set(key, v);
    }
    return v;
  };
  const outerSd = e.entries.map(outer);
  const constant = (c: number): Term => ({ coef: c, factors: [] });
  const trDelta = (F: Affine, M: readonly number[], a: number): Term[] => [{ coef: 1, factors: [F, unit(a)] }, constant(-e.rankVals[a] * M[a])];
  const fluctBlock = e.pairs.map(([a, b]) => {
    const P: Term[] = [{ coef: 1, factors: [A, B, unit(a), unit(b)] }];
    if (a === b) P.push({ coef: -e.MB[a], factors: [A, unit(a)] }, { coef: -e.MA[a], factors: [B, unit(a)] }, constant(e.rankVals[a] * e.MA[a] * e.MB[a]));
    return sd(P);
  });
  const fluctTrace = e.pairs.map(([a, b]) => sd(mulTerms(trDelta(A, e.MA, a), trDelta(B, e.MB, b))));
  let gradBlock: number[] = [];
  let gradTrace: number[] = [];
  if (e.matrix) {
    if (e.rankVals[e.s] !== 1) throw new Error(`moments8 checks: the gradient estimators take x_s² = q_s, the signal block of rank 1 (rank ${e.rankVals[e.s]})`);
    const Dq = e.Wn.map((w, k) => w * w - (k === e.s ? 1 : 0));
    const R: Affine = { q: Dq, eps: -e.sig, c: 0 };
    const g4 = 4 * e.kap;
    const trG = (a: number): Term[] => [{ coef: g4 * e.Wn[a], factors: [R, unit(a)] }, constant(-e.rankVals[a] * e.Gbar[a])];
    gradBlock = e.pairs.map(([a, b]) => {
      const P: Term[] = [{ coef: g4 * g4 * e.Wn[a] * e.Wn[a], factors: [R, R, unit(a), unit(b)] }];
      if (a === b) P.push({ coef: -2 * g4 * e.Wn[a] * e.Gbar[a], factors: [R, unit(a)] }, constant(e.rankVals[a] * e.Gbar[a] * e.Gbar[a]));
      return sd(P);
    });
    gradTrace = e.pairs.map(([a, b]) => sd(mulTerms(trG(a), trG(b))));
  }
  return { scalar: [sd([{ coef: 1, factors: [A, B, C, D] }])], outer8: outerSd.map((v) => v[0]), outer6: outerSd.map((v) => v[1]), fluctBlock, fluctTrace, gradBlock, gradTrace };
}

/** Where the Monte Carlo checks take their expected values from (replaceable for negative controls in tests). */
export type MomentsFactory = (lambda: readonly number[], rank: readonly number[]) => NumericMoments;

/** The order-8 moment checks of a derivation (seeded: the same seed gives the same numbers). */
export function moment8Checks(der: Derivation, seed: number, moments: MomentsFactory = defaultMoments): Check[] {
  return [exactCheck(der, createRng(seed, 21)), ...moment8Comparisons(der, seed, moments).map(mcCheck)];
}

/** The Monte Carlo comparisons behind moment8Checks (the same seeded streams), for calibration scripts. */
export function moment8Comparisons(der: Derivation, seed: number, moments: MomentsFactory = defaultMoments): Comparison[] {
  return monteCarloComparisons(der, createRng(seed, 22), moments);
}

const defaultMoments: MomentsFactory = (l, r) => new NumericMoments(l, r);
