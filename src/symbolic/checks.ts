/**
 * Checks run on every derivation (issue 2, item 4), with their measured errors:
 *  (0) exact identities verified inside the engine (∂L/∂a_k = r_k g_k; the polar-factor steps);
 *  (i) each Gaussian-moment identity of the projector calculus against a seeded Monte Carlo estimate at a random
 *      point (random variances, random A, B in the algebra), tolerance k·σ̂/√N with k from a Bonferroni bound;
 * (ii) the reduced block gradients against the full-dimensional population gradient
 *      ∇L(W) = 4κ W[tr(DΣ)Σ + 2ΣDΣ] (matrix; κ = 1/4 gives model.md §2) or
 *      ∇L(w) = 4κ[T Σw + 2(wᵀΣw)Σw − 2(θᵀΣw)Σθ] (vector, model.md §4), in a random orthonormal eigenbasis, at
 *      random points on the manifold with random variances and κ: relative error ≤ 1e-12; the reduced loss against
 *      the full-dimensional L = κ[tr(DΣ)² + 2tr((DΣ)²)] likewise;
 * (iii) ∂L/∂a_k of the reduced loss against Richardson-extrapolated central finite differences of the
 *      full-dimensional loss along P_k.
 * (iv) the Gaussian moments to order 8 of the finite-sample / online theory (moments8-checks.ts): exact agreement
 *      of the Wick sums with the χ² route, and a seeded Monte Carlo check of every identity.
 * Ranks that depend on d are checked at d = 20 (they are symbolic); otherwise at the model's d.
 */
import { createRng, randomOrthogonal, type Rng } from '../core/rng.js';
import { mean, standardError, twoSidedNormalQuantile } from '../core/stats.js';
import { ProjectorAlgebra, type BasisElement, type Elem } from './algebra.js';
import { conjugateDiag, frobenius, matmul, trace } from './dense.js';
import type { SymbolicDerivation as Derivation } from './derivation.js';
import { Poly, Rational } from './poly.js';
import { moment8Checks } from './moments8-checks.js';

export interface CheckDetail {
  label: string;
  expected: number;
  measured: number;
  error: number;
  tolerance: number;
}

export interface Check {
  id: string;
  title: string;
  method: string;
  /** Dimension of the full-dimensional computation (0 for exact symbolic checks). */
  dimension: number;
  /** Monte Carlo samples or random points. */
  samples: number;
  /**
   * Error (absolute for Monte Carlo and finite differences, relative for full-matrix) and the tolerance it is
   * compared with; for several comparisons, those of the worst one (error/tolerance maximal).
   */
  error: number;
  tolerance: number;
  toleranceRule: string;
  passed: boolean;
  details: CheckDetail[];
}

const U = Number.EPSILON / 2;
const MC_SAMPLES = 20_000;
const FULL_POINTS = 3;
const FD_STEP = 1e-2;
/** Family-wise false-alarm probability of the Monte Carlo checks (Bonferroni over the compared entries). */
const MC_ALPHA = 1e-4;

/** A random rational in [lo, hi] on a grid of 1/1000 (exact, so symbolic and numeric sides see the same value). */
function randomRational(rng: Rng, lo: number, hi: number): Rational {
  return Rational.of(Math.round((lo + (hi - lo) * rng.uniform()) * 1000), 1000);
}

interface CheckSetting {
  dc: number;
  /** block of each eigen-direction (canonical eigenbasis) at dimension dc. */
  blockOf: Int32Array;
  alg: ProjectorAlgebra;
}

function setting(der: Derivation): CheckSetting {
  const symbolicRank = der.blocks.some((b) => b.rank.variables().includes('d'));
  const dc = symbolicRank ? 20 : der.model.d;
  const blockOf = new Int32Array(dc);
  let j = 0;
  der.blocks.forEach((b, k) => {
    const r = b.rank.evaluate({ d: dc });
    for (let i = 0; i < r; i++) blockOf[j++] = k;
  });
  if (j !== dc) throw new Error(`checks: block ranks at d = ${dc} sum to ${j}`);
  return { dc, blockOf, alg: new ProjectorAlgebra(der.blocks.map((b) => b.rank)) };
}

function randomElem(der: Derivation, rng: Rng, withRankOne: boolean): Elem {
  const n = der.blocks.length;
  const entries: [BasisElement, Poly][] = [];
  for (let k = 0; k < n; k++) entries.push([{ kind: 'P', k }, Poly.constant(randomRational(rng, -1, 1))]);
  if (withRankOne) {
    for (let j = 0; j < n; j++) {
      for (let k = j; k < n; k++) {
        const c = Poly.constant(randomRational(rng, -1, 1));
        entries.push([{ kind: 'Q', j, k }, c]);
        if (k !== j) entries.push([{ kind: 'Q', j: k, k: j }, c]);
      }
    }
  }
  return ProjectorAlgebra.build(entries);
}

/** Dense matrix of an algebra element in the canonical eigenbasis at dimension dc. */
function denseOf(x: Elem, s: CheckSetting, env: Record<string, number>): Float64Array {
  const { dc, blockOf } = s;
  const M = new Float64Array(dc * dc);
  for (const t of x.terms.values()) {
    const c = t.coef.evaluate(env);
    for (let i = 0; i < dc; i++) {
      if (t.basis.kind === 'P') {
        if (blockOf[i] === t.basis.k) M[i * dc + i] += c;
      } else if (blockOf[i] === t.basis.j) {
        for (let l = 0; l < dc; l++) if (blockOf[l] === t.basis.k) M[i * dc + l] += c;
      }
    }
  }
  return M;
}

function quadForm(M: Float64Array, x: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let j = 0; j < n; j++) r += M[i * n + j] * x[j];
    s += x[i] * r;
  }
  return s;
}

function randomVariances(der: Derivation, rng: Rng): Record<string, Rational> {
  return Object.fromEntries(der.blocks.map((b) => [b.varianceSymbol, randomRational(rng, 0.5, 2.5)]));
}

function toNumbers(r: Record<string, Rational>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.toNumber()]));
}

function mcQuadQuad(der: Derivation, s: CheckSetting, rng: Rng): Check {
  const vars = randomVariances(der, rng);
  const env: Record<string, number> = { ...toNumbers(vars), d: s.dc };
  const vector = der.model.student === 'vector';
  const A = randomElem(der, rng, vector);
  const B = randomElem(der, rng, vector);
  const Sigma = s.alg.diag(der.blocks.map((b) => Poly.sym(b.varianceSymbol)));
  const exact = s.alg.expectQuadQuad(A, B, Sigma).evaluate(env);
  const Ad = denseOf(A, s, env);
  const Bd = denseOf(B, s, env);
  const sd = Float64Array.from(s.blockOf, (k) => Math.sqrt(env[der.blocks[k].varianceSymbol]));
  const x = new Float64Array(s.dc);
  const samples = new Float64Array(MC_SAMPLES);
  for (let it = 0; it < MC_SAMPLES; it++) {
    rng.fillNormal(x);
    for (let i = 0; i < s.dc; i++) x[i] *= sd[i];
    samples[it] = quadForm(Ad, x, s.dc) * quadForm(Bd, x, s.dc);
  }
  const estimate = mean(samples);
  const se = standardError(samples);
  const k = twoSidedNormalQuantile(MC_ALPHA);
  const err = Math.abs(estimate - exact);
  return {
    id: 'moment-quad-quad',
    title: 'E[(xᵀAx)(xᵀBx)] = tr(AΣ)tr(BΣ) + 2tr(AΣBΣ) in the projector algebra',
    method: `Monte Carlo, x ~ N(0, Σ) in dimension ${s.dc}, random variances in [0.5, 2.5], random A, B in the algebra${vector ? ' (projectors and rank-one pieces P_j𝟙𝟙ᵀP_k)' : ''}`,
    dimension: s.dc,
    samples: MC_SAMPLES,
    error: err,
    tolerance: k * se,
    toleranceRule: `k·σ̂/√N with k = ${k.toFixed(2)} (two-sided normal tail ${MC_ALPHA})`,
    passed: err <= k * se,
    details: [{ label: 'E[(xᵀAx)(xᵀBx)]', expected: exact, measured: estimate, error: err, tolerance: k * se }],
  };
}

function mcQuadOuter(der: Derivation, s: CheckSetting, rng: Rng): Check {
  const vars = randomVariances(der, rng);
  const env: Record<string, number> = { ...toNumbers(vars), d: s.dc };
  const vector = der.model.student === 'vector';
  const A = randomElem(der, rng, vector);
  const Sigma = s.alg.diag(der.blocks.map((b) => Poly.sym(b.varianceSymbol)));
  const exactM = denseOf(s.alg.expectQuadOuter(A, Sigma), s, env);
  const Ad = denseOf(A, s, env);
  const n = s.dc;
  const sd = Float64Array.from(s.blockOf, (k) => Math.sqrt(env[der.blocks[k].varianceSymbol]));
  const x = new Float64Array(n);
  const sum = new Float64Array(n * n);
  const sum2 = new Float64Array(n * n);
  for (let it = 0; it < MC_SAMPLES; it++) {
    rng.fillNormal(x);
    for (let i = 0; i < n; i++) x[i] *= sd[i];
    const q = quadForm(Ad, x, n);
    for (let i = 0; i < n; i++) {
      const qi = q * x[i];
      for (let l = i; l < n; l++) {
        const v = qi * x[l];
        sum[i * n + l] += v;
        sum2[i * n + l] += v * v;
      }
    }
  }
  const m = (n * (n + 1)) / 2;
  const k = twoSidedNormalQuantile(MC_ALPHA / m);
  let worst: CheckDetail | null = null;
  let worstRatio = -1;
  for (let i = 0; i < n; i++) {
    for (let l = i; l < n; l++) {
      // Streaming σ̂/√N per entry (keeping all samples would take N·n(n+1)/2 doubles).
      const m1 = sum[i * n + l] / MC_SAMPLES;
      const se = Math.sqrt((sum2[i * n + l] / MC_SAMPLES - m1 * m1) / (MC_SAMPLES - 1));
      const err = Math.abs(m1 - exactM[i * n + l]);
      const ratio = err / (k * se);
      if (ratio > worstRatio) {
        worstRatio = ratio;
        worst = { label: `entry (${i + 1}, ${l + 1})`, expected: exactM[i * n + l], measured: m1, error: err, tolerance: k * se };
      }
    }
  }
  return {
    id: 'moment-quad-outer',
    title: 'E[(xᵀAx) x xᵀ] = tr(AΣ)Σ + 2ΣAΣ in the projector algebra',
    method: `Monte Carlo, every entry of the ${n}×${n} matrix, x ~ N(0, Σ), random variances in [0.5, 2.5], random A in the algebra`,
    dimension: n,
    samples: MC_SAMPLES,
    error: worst!.error,
    tolerance: worst!.tolerance,
    toleranceRule: `per entry k·σ̂/√N with k = ${k.toFixed(2)} (Bonferroni: two-sided tail ${MC_ALPHA} over ${m} entries); the entry closest to its tolerance is shown`,
    passed: worstRatio <= 1,
    details: [worst!],
  };
}

interface FullPoint {
  env: Record<string, number>;
  kappa: number;
  a: number[];
  lambdas: number[];
  Q: Float64Array;
}

function randomPoint(der: Derivation, s: CheckSetting, rng: Rng): FullPoint {
  const vars = toNumbers(randomVariances(der, rng));
  const kappa = randomRational(rng, 0.1, 1).toNumber();
  const a = der.blocks.map(() => randomRational(rng, -1.5, 1.5).toNumber());
  const env: Record<string, number> = { ...vars, d: s.dc, kappa };
  der.stateVars.forEach((v, k) => (env[v] = a[k]));
  return { env, kappa, a, lambdas: der.blocks.map((b) => vars[b.varianceSymbol]), Q: randomOrthogonal(s.dc, rng) };
}

interface FullModel {
  loss(aDir: number[]): number;
  gradient: Float64Array;
  reducedGradient: Float64Array;
}

/** Full-dimensional loss and gradient at W(a) = Q diag(a_blockOf) Qᵀ (matrix) or w = Q a_blockOf (vector). */
function fullModel(der: Derivation, s: CheckSetting, p: FullPoint, g: number[]): FullModel {
  const n = s.dc;
  const lam = Float64Array.from(s.blockOf, (k) => p.lambdas[k]);
  const Sigma = conjugateDiag(p.Q, lam, n);
  const sig = der.model.signalBlock;
  const sIdx = s.blockOf.indexOf(sig);
  const theta = Float64Array.from({ length: n }, (_, i) => p.Q[i * n + sIdx]);
  const thetaOuter = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) thetaOuter[i * n + j] = theta[i] * theta[j];
  const vector = der.model.student === 'vector';
  const lossAt = (aa: number[]): { L: number; DS: Float64Array; T: number; W: Float64Array } => {
    const coefs = Float64Array.from(s.blockOf, (k) => aa[k]);
    let D: Float64Array;
    let W: Float64Array;
    if (vector) {
      W = matmul(p.Q, coefs, n, n, 1);
      D = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) D[i * n + j] = W[i] * W[j] - thetaOuter[i * n + j];
    } else {
      W = conjugateDiag(p.Q, coefs, n);
      const WtW = matmul(W, W, n, n, n); // W is symmetric
      D = new Float64Array(n * n);
      for (let i = 0; i < n * n; i++) D[i] = WtW[i] - thetaOuter[i];
    }
    const DS = matmul(D, Sigma, n, n, n);
    const T = trace(DS, n);
    const L = p.kappa * (T * T + 2 * trace(matmul(DS, DS, n, n, n), n));
    return { L, DS, T, W };
  };
  const base = lossAt(p.a);
  const { DS, T } = base;
  let gradient: Float64Array;
  const reduced = Float64Array.from(s.blockOf, (k) => g[k]);
  let reducedGradient: Float64Array;
  if (vector) {
    // model.md §4: ∇L = 4κ [T Σw + 2 (wᵀΣw) Σw − 2 (θᵀΣw) Σθ].
    const w = base.W;
    const Sw = matmul(Sigma, w, n, n, 1);
    const St = matmul(Sigma, theta, n, n, 1);
    let wSw = 0;
    let tSw = 0;
    for (let i = 0; i < n; i++) {
      wSw += w[i] * Sw[i];
      tSw += theta[i] * Sw[i];
    }
    gradient = Float64Array.from({ length: n }, (_, i) => 4 * p.kappa * (T * Sw[i] + 2 * wSw * Sw[i] - 2 * tSw * St[i]));
    reducedGradient = matmul(p.Q, reduced, n, n, 1);
  } else {
    // ∇L(W) = 4κ W [tr(DΣ)Σ + 2ΣDΣ].
    const SDS = matmul(Sigma, DS, n, n, n);
    const inner = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) inner[i] = T * Sigma[i] + 2 * SDS[i];
    gradient = matmul(base.W, inner, n, n, n).map((v) => 4 * p.kappa * v);
    reducedGradient = conjugateDiag(p.Q, reduced, n);
  }
  return { loss: (aa) => lossAt(aa).L, gradient, reducedGradient };
}

function fullMatrixChecks(der: Derivation, s: CheckSetting, rng: Rng): Check[] {
  const gradDetails: CheckDetail[] = [];
  const lossDetails: CheckDetail[] = [];
  const fdDetails: CheckDetail[] = [];
  const tol = 1e-12;
  const vector = der.model.student === 'vector';
  const partial = der.stateVars.map((v) => der.general.loss.diff(v));
  for (let pi = 0; pi < FULL_POINTS; pi++) {
    const p = randomPoint(der, s, rng);
    const g = der.general.gradients.map((x) => x.evaluate(p.env));
    const fm = fullModel(der, s, p, g);
    const diff = new Float64Array(fm.gradient.length);
    for (let i = 0; i < diff.length; i++) diff[i] = fm.gradient[i] - fm.reducedGradient[i];
    const gn = frobenius(fm.gradient);
    gradDetails.push({ label: `point ${pi + 1}: ‖∇L − Σ g_k P_k${vector ? '𝟙' : ''}‖ / ‖∇L‖`, expected: gn, measured: frobenius(fm.reducedGradient), error: frobenius(diff) / gn, tolerance: tol });
    const Lfull = fm.loss(p.a);
    const Lred = der.general.loss.evaluate(p.env);
    lossDetails.push({ label: `point ${pi + 1}: |L_full − L(a)| / L_full`, expected: Lfull, measured: Lred, error: Math.abs(Lfull - Lred) / Math.abs(Lfull), tolerance: tol });
    // Finite differences along P_k with Richardson extrapolation: for the quartic L the central difference is
    // D_h = ∂_k L + (h²/6) ∂_k³L exactly, so (4 D_{h/2} − D_h)/3 = ∂_k L up to roundoff alone — an estimate that
    // does not use the reduced polynomial. Each full-dimensional loss evaluation has roundoff ≤ δL = 10·d·u·S with
    // S = 3κ (Σ_k r_k λ_k (a_k² + [k = s]))² bounding the magnitude of the summed terms, so the extrapolated
    // derivative is within (4·2δL/h + δL/h)/3 = 3δL/h of ∂_k L.
    let S = 0;
    der.blocks.forEach((b, k) => (S += b.rank.evaluate(p.env) * p.lambdas[k] * (p.a[k] ** 2 + (k === der.model.signalBlock ? 1 : 0))));
    S = 3 * p.kappa * S * S;
    const deltaL = 10 * s.dc * U * S;
    for (let k = 0; k < der.stateVars.length; k++) {
      const central = (h: number) => {
        const ap = [...p.a];
        const am = [...p.a];
        ap[k] += h;
        am[k] -= h;
        return (fm.loss(ap) - fm.loss(am)) / (2 * h);
      };
      const fd = (4 * central(FD_STEP / 2) - central(FD_STEP)) / 3;
      const exact = partial[k].evaluate(p.env);
      fdDetails.push({ label: `point ${pi + 1}: ∂L/∂${der.stateVars[k]}`, expected: exact, measured: fd, error: Math.abs(fd - exact), tolerance: (3 * deltaL) / FD_STEP });
    }
  }
  const method = `dimension ${s.dc}, random orthonormal eigenbasis, ${FULL_POINTS} random points (a_k ∈ [−1.5, 1.5], variances ∈ [0.5, 2.5], κ ∈ [0.1, 1])`;
  /** A check over several comparisons: passed iff each is within its tolerance; reports the worst one. */
  const check = (id: string, title: string, checkMethod: string, toleranceRule: string, ds: CheckDetail[]): Check => {
    const worst = ds.reduce((w, x) => (x.error / x.tolerance > w.error / w.tolerance ? x : w));
    return { id, title, method: checkMethod, dimension: s.dc, samples: FULL_POINTS, error: worst.error, tolerance: worst.tolerance, toleranceRule, passed: ds.every((x) => x.error <= x.tolerance), details: [worst] };
  };
  return [
    check(
      'full-gradient',
      vector ? 'Reduced gradients vs ∇L(w) = 4κ[TΣw + 2(wᵀΣw)Σw − 2(θᵀΣw)Σθ] in full dimension' : 'Reduced gradients vs ∇L(W) = 4κ W[tr(DΣ)Σ + 2ΣDΣ] in full dimension',
      method,
      'relative Frobenius error ≤ 1e-12',
      gradDetails,
    ),
    check('full-loss', 'Reduced loss vs L = κ[tr(DΣ)² + 2tr((DΣ)²)] in full dimension', method, 'relative error ≤ 1e-12', lossDetails),
    check(
      'finite-difference',
      'Reduced ∂L/∂a_k vs central finite differences of the full-dimensional loss along P_k',
      `${method}; Richardson extrapolation (4D_{h/2} − D_h)/3 of central differences D_h, h = ${FD_STEP} (exact for a quartic up to roundoff)`,
      'roundoff bound 3·δL/h with δL = 10·d·u·S (S bounds the magnitude of the summed loss terms)',
      fdDetails,
    ),
  ];
}

/** Run all checks on a derivation (seeded: the same seed gives the same numbers). */
export function runChecks(der: Derivation, seed: number): Check[] {
  const s = setting(der);
  // ∂L/∂a_k = r_k g_k, recomputed here on the derivation's own polynomials (deriveSymbolic also refuses a derivation
  // where it fails; the polar-factor identities of deriveSpecgd are asserted there, on symbols, and not repeated).
  const mismatched = der.stateVars.filter((v, k) => !der.loss.diff(v).equals(der.blocks[k].rank.mul(der.gradients[k])));
  const exact: Check = {
    id: 'exact-identities',
    title: 'Exact identity ∂L/∂a_k = r_k g_k',
    method: `∂L/∂a_k − r_k g_k = 0 as canonical polynomials for every block (recomputed from the derived L and g_k)${der.model.student === 'matrix' ? '; the polar-factor identities (GᵀG, (Σ s_k P_k)², G·Σ t_k P_k, UUᵀU reduce blockwise) are asserted by the engine when it derives the SpecGD map' : ''}`,
    dimension: 0,
    samples: 0,
    error: mismatched.length,
    tolerance: 0,
    toleranceRule: `exact equality of canonical polynomials (error = number of blocks where it fails${mismatched.length ? `: ${mismatched.join(', ')}` : ''})`,
    passed: mismatched.length === 0,
    details: [],
  };
  // The order-8 moments of the finite-sample / online theory (issue 11): moments8-checks.ts.
  return [exact, mcQuadQuad(der, s, createRng(seed, 11)), mcQuadOuter(der, s, createRng(seed, 12)), ...fullMatrixChecks(der, s, createRng(seed, 13)), ...moment8Checks(der, seed)];
}
