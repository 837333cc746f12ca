/**
 * Brute-force reference for the finite-sample response (test only): the full d×d nonlinear GD / SpecGD map with
 * ONE sample's fluctuation of the gradient operator scaled by ε,
 *   M_ε(A) = M(A) + ε[(xᵀAx) xxᵀ − M(A) − ξ xxᵀ]   (ξ the label noise of that sample),
 * differentiated in ε by central differences. For n samples the fluctuation is the mean of n independent such
 * terms, so (cross terms between different samples have mean zero)
 *   n·(E s − s(W̄)) = E_x[s₂(x)],  n·Var s = E_x[s₁(x)²],  s(W(ε)) = s̄ + ε s₁ + ε² s₂ + O(ε³).
 * Online: a fresh x at every step (the same identities with B; expectations: see bruteMoments). No block structure and no moment formulas are
 * used here: the only inputs are Σ, θ and the update rules of model.md §2–3.
 */
import { symEigenSmall } from '../../src/core/matrix-block.js';

export interface BruteSetup {
  d: number;
  /** block variances (θ, v, bulk) in the canonical basis: direction 0 = θ, 1 = v, the rest bulk */
  lambdaTheta: number;
  lambdaV: number;
  sigma2: number;
  labelNoise: number;
  kappa: number;
  /** initial block coefficients (θ, v, bulk): W₀ = Σ a_k P_k */
  a0: [number, number, number];
  algorithm: { kind: 'gd'; eta: number } | { kind: 'specgd'; eta: number };
  mode: 'full-batch' | 'online';
  steps: number;
}

function lambdas(s: BruteSetup): number[] {
  return Array.from({ length: s.d }, (_, i) => (i === 0 ? s.lambdaTheta : i === 1 ? s.lambdaV : s.sigma2));
}

const mm = (d: number, A: number[], B: number[]): number[] => {
  const C = new Array(d * d).fill(0);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
    const a = A[i * d + k];
    if (a !== 0) for (let j = 0; j < d; j++) C[i * d + j] += a * B[k * d + j];
  }
  return C;
};
const tr = (d: number, A: number[]) => {
  let s = 0;
  for (let i = 0; i < d; i++) s += A[i * d + i];
  return s;
};
const transpose = (d: number, A: number[]) => A.map((_, idx) => A[(idx % d) * d + Math.floor(idx / d)]);

/** Symmetric eigen-decomposition (cyclic Jacobi, core/matrix-block.ts): V (columns) and eigenvalues. */
function jacobi(d: number, S: number[]): { V: number[]; w: number[] } {
  const A = Float64Array.from(S);
  const e = new Float64Array(d);
  const V = new Float64Array(d * d);
  symEigenSmall(d, A, e, V);
  return { V: Array.from(V), w: Array.from(e) };
}

/** polar(G) = G (GᵀG)^{-1/2} (G invertible). */
function polar(d: number, G: number[]): number[] {
  const { V, w } = jacobi(d, mm(d, transpose(d, G), G));
  const Vt = transpose(d, V);
  const D = V.map((_, idx) => V[idx] / Math.sqrt(w[idx % d]));
  return mm(d, G, mm(d, D, Vt));
}

/** Statistics of W: a, b, c, a_mag, b_mag, c_mag, ratio, loss. */
export const BRUTE_STATS = ['a', 'b', 'c', 'a_mag', 'b_mag', 'c_mag', 'ratio', 'loss'] as const;

function statistics(s: BruteSetup, W: number[]): number[] {
  const d = s.d;
  const lam = lambdas(s);
  const blocks = [[0], [1], Array.from({ length: d - 2 }, (_, i) => i + 2)];
  const coef = blocks.map((ix) => ix.reduce((acc, i) => acc + W[i * d + i], 0) / ix.length);
  const mag = blocks.map((ix) => {
    let f = 0;
    for (let r = 0; r < d; r++) for (const j of ix) f += W[r * d + j] ** 2;
    return Math.sqrt(f / ix.length);
  });
  const M = mm(d, transpose(d, W), W);
  const DS = M.map((x, idx) => (x - (idx === 0 ? 1 : 0)) * lam[idx % d]);
  const T = tr(d, DS);
  const loss = s.kappa * (T * T + 2 * tr(d, mm(d, DS, DS)));
  return [...coef, ...mag, coef[1] / coef[0], loss];
}

/** One run of the map with the one-sample fluctuation scaled by eps; xs[k] = the sample at step k (online) or xs[0]. */
function run(s: BruteSetup, eps: number, xs: number[][], xis: number[], at: number, record: number[]): number[][] {
  const d = s.d;
  const lam = lambdas(s);
  let W = Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? s.a0[Math.min(2, i / (d + 1))] : 0));
  const out: number[][] = [];
  for (let k = 0; k <= s.steps; k++) {
    if (record.includes(k)) out.push(statistics(s, W));
    if (k === s.steps) break;
    const x = xs[0];
    const xi = xis[0];
    // online: only step `at` carries the sample's fluctuation; full batch (at = −1): every step, the same sample
    const epsK = at < 0 || at === k ? eps : 0;
    const M = mm(d, transpose(d, W), W);
    const D = M.map((v, idx) => v - (idx === 0 ? 1 : 0));
    // M(D) = tr(DΣ)Σ + 2ΣDΣ
    let T = 0;
    for (let i = 0; i < d; i++) T += D[i * d + i] * lam[i];
    const Mop = D.map((v, idx) => 2 * lam[Math.floor(idx / d)] * v * lam[idx % d] + (Math.floor(idx / d) === idx % d ? T * lam[idx % d] : 0));
    // fluctuation (xᵀDx) xxᵀ − M(D) − ξ xxᵀ
    let q = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) q += x[i] * D[i * d + j] * x[j];
    const op = Mop.map((v, idx) => v + epsK * ((q - xi) * x[Math.floor(idx / d)] * x[idx % d] - v));
    const G = mm(d, W, op).map((v) => 4 * s.kappa * v);
    const U = s.algorithm.kind === 'gd' ? G : polar(d, G);
    W = W.map((v, i) => v - s.algorithm.eta * U[i]);
  }
  return out;
}

/**
 * Gauss–Hermite rule for N(0, 1) with m nodes (Golub–Welsch: eigenvalues of the Jacobi matrix of the probabilists'
 * Hermite polynomials, off-diagonal √k; weights = squared first components of the eigenvectors). Exact for
 * polynomials of degree ≤ 2m − 1.
 */
export function gaussHermite(m: number): { x: number[]; w: number[] } {
  const J = new Array(m * m).fill(0);
  for (let k = 1; k < m; k++) J[(k - 1) * m + k] = J[k * m + k - 1] = Math.sqrt(k);
  const { V, w } = jacobi(m, J);
  return { x: w, w: Array.from({ length: m }, (_, i) => V[i] ** 2) };
}

export interface BruteMoments {
  /** per record, per statistic: E_x[s₂] (= n × mean shift) */
  shift: number[][];
  /** per record, per statistic: E_x[s₁²] (= n × variance) */
  var: number[][];
  /** population value */
  population: number[][];
}

/**
 * Exact expectations over the sample by tensor Gauss–Hermite quadrature: s₁ is a polynomial of degree 4 in x
 * (linear in the one-sample fluctuation, itself quartic) and s₂ of degree 8, so 5 nodes per direction (degree 9)
 * and 3 for the label noise are exact. Online: the fluctuations of different steps are independent and centred, so
 * E s₂ and E s₁² are sums over the step k′ that carries the sample (each integrated by the same rule).
 * s₁, s₂ by central differences in ε with one Richardson step (truncation O(ε⁴)).
 */
export function bruteMoments(s: BruteSetup, record: number[], eps0 = 1e-3): BruteMoments {
  const lam = lambdas(s);
  const base = run(s, 0, [new Array(s.d).fill(0)], [0], -1, record);
  const R = record.length;
  const S = BRUTE_STATS.length;
  const shift = Array.from({ length: R }, () => new Array(S).fill(0));
  const vr = Array.from({ length: R }, () => new Array(S).fill(0));
  const gx = gaussHermite(5);
  const ge = s.labelNoise > 0 ? gaussHermite(3) : { x: [0], w: [1] };
  const carriers = s.mode === 'online' ? Array.from({ length: s.steps }, (_, k) => k) : [-1];
  const idx = new Array(s.d).fill(0);
  const total = 5 ** s.d;
  for (const at of carriers) {
    for (let node = 0; node < total; node++) {
      let r = node;
      let wx = 1;
      for (let i = 0; i < s.d; i++) {
        idx[i] = r % 5;
        r = Math.floor(r / 5);
        wx *= gx.w[idx[i]];
      }
      const x = idx.map((k, i) => Math.sqrt(lam[i]) * gx.x[k]);
      for (let e = 0; e < ge.x.length; e++) {
        const xi = s.labelNoise * ge.x[e];
        const w = wx * ge.w[e];
        // the one-sample fluctuation is O(‖x‖⁴ + |ξ|‖x‖²): a step ε/(that) keeps the central differences in their
        // asymptotic range at the outer nodes and well above rounding at the inner ones
        let x2 = 0;
        for (const v of x) x2 += v * v;
        const eps = eps0 / (1 + x2 * (x2 + Math.abs(xi)));
        const at1 = run(s, eps, [x], [xi], at, record);
        const am1 = run(s, -eps, [x], [xi], at, record);
        const at2 = run(s, 2 * eps, [x], [xi], at, record);
        const am2 = run(s, -2 * eps, [x], [xi], at, record);
        for (let q = 0; q < R; q++) for (let j = 0; j < S; j++) {
          const d1e = (at1[q][j] - am1[q][j]) / (2 * eps);
          const d1h = (at2[q][j] - am2[q][j]) / (4 * eps);
          const s1 = (4 * d1e - d1h) / 3;
          const d2e = (at1[q][j] + am1[q][j] - 2 * base[q][j]) / (2 * eps * eps);
          const d2h = (at2[q][j] + am2[q][j] - 2 * base[q][j]) / (8 * eps * eps);
          const s2 = (4 * d2e - d2h) / 3;
          shift[q][j] += w * s2;
          vr[q][j] += w * s1 * s1;
        }
      }
    }
  }
  return { shift, var: vr, population: base };
}
