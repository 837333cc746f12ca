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
 * Tolerance per compared entry: k·σ̂/√N, σ̂ the sample standard deviation of the per-sample estimator, with k the
 * two-sided normal quantile at MC_ALPHA / (entries in the check) (Bonferroni within each check), as checks.ts.
 */
import { createRng, type Rng } from '../core/rng.js';
import { twoSidedNormalQuantile } from '../core/stats.js';
import type { Check, CheckDetail } from './checks.js';
import type { SymbolicDerivation as Derivation } from './derivation.js';
import { chiSquareExpect, GaussianMoments, NumericMoments } from './moments8.js';
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

/** Streaming mean and σ̂/√N of several per-sample estimators. */
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
  se(i: number): number {
    const m = this.mean(i);
    return Math.sqrt(Math.max(0, this.sum2[i] / MC_SAMPLES - m * m) / (MC_SAMPLES - 1));
  }
}

function mcCheck(id: string, title: string, method: string, dimension: number, acc: Accumulator, expected: readonly number[], labels: readonly string[]): Check {
  const m = expected.length;
  const k = twoSidedNormalQuantile(MC_ALPHA / m);
  let worst: CheckDetail | null = null;
  let worstRatio = -1;
  for (let i = 0; i < m; i++) {
    const measured = acc.mean(i);
    const tolerance = k * acc.se(i);
    const error = Math.abs(measured - expected[i]);
    const ratio = tolerance > 0 ? error / tolerance : error === 0 ? 0 : Infinity;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = { label: labels[i], expected: expected[i], measured, error, tolerance };
    }
  }
  return {
    id,
    title,
    method,
    dimension,
    samples: MC_SAMPLES,
    error: worst!.error,
    tolerance: worst!.tolerance,
    toleranceRule: m === 1 ? `k·σ̂/√N with k = ${k.toFixed(2)} (two-sided normal tail ${MC_ALPHA})` : `per entry k·σ̂/√N with k = ${k.toFixed(2)} (Bonferroni: two-sided tail ${MC_ALPHA} over ${m} entries); the entry closest to its tolerance is shown`,
    passed: worstRatio <= 1,
    details: [worst!],
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
function monteCarloChecks(der: Derivation, rng: Rng, moments: MomentsFactory): Check[] {
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
    mcCheck('moment8-scalar', 'E[q_Aq_Bq_Cq_D] (order 8, Wick sum over 105 matchings) in the projector algebra', base, dc, acc8, [e8], ['E[q_A q_B q_C q_D]']),
    mcCheck('moment8-outer', 'E[q_Aq_Bq_C xxᵀ] (order 8, 105 matchings, matrix-valued) in the projector algebra', `${base}; ${entryText}`, dc, accO8, expO8, triLabels),
    mcCheck('moment6-outer', 'E[q_Aq_B xxᵀ] (order 6, 15 matchings) in the projector algebra', `${base}; ${entryText}`, dc, accO6, expO6, triLabels),
    mcCheck('moment8-fluctuation-block', 'E[tr(P_aδ(A)P_bδ(B))], δ(A) = q_A xxᵀ − M(A), M(A) = tr(AΣ)Σ + 2ΣAΣ (order 8)', `${base}; ${pairText}`, dc, accFB, fluctBlock, pairLabels),
    mcCheck('moment8-fluctuation-trace', 'E[tr(P_aδ(A)) tr(P_bδ(B))] (order 8)', `${base}; ${pairText}`, dc, accFT, fluctTrace, pairLabels),
  ];
  if (matrix) {
    const gm2 = `${base}; single-sample gradient g = 4κ(f_W(x) − y)W xxᵀ with y = (θᵀx)² + σ_ε ε, random W ∈ span{P_k}, κ = ${kappa.toString()}, σ_ε = ${noise.toString()}; ${pairText}`;
    out.push(
      mcCheck('moment8-gradient-block', 'Single-sample gradient covariance E[tr(P_a g P_b gᵀ)] − tr(P_aḠP_bḠᵀ), Ḡ = 4κ W M(D), with label noise (order 8)', gm2, dc, accGB, gradBlock, pairLabels),
      mcCheck('moment8-gradient-trace', 'Single-sample gradient covariance E[tr(P_a g) tr(P_b g)] − tr(P_aḠ)tr(P_bḠ), with label noise (order 8)', gm2, dc, accGT, gradTrace, pairLabels),
    );
  }
  return out;
}

/** Where the Monte Carlo checks take their expected values from (replaceable for negative controls in tests). */
export type MomentsFactory = (lambda: readonly number[], rank: readonly number[]) => NumericMoments;

/** The order-8 moment checks of a derivation (seeded: the same seed gives the same numbers). */
export function moment8Checks(der: Derivation, seed: number, moments: MomentsFactory = (l, r) => new NumericMoments(l, r)): Check[] {
  return [exactCheck(der, createRng(seed, 21)), ...monteCarloChecks(der, createRng(seed, 22), moments)];
}
