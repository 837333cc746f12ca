/**
 * `deriveMatrixBlock(spec)`: the exact reduced population dynamics when the signal θ touches K ≥ 2 eigen-directions
 * of Σ (issue 13; the coordinates are model/coordinates.ts's, the algebra matrix-block.ts's).
 *
 * Matrix student (m = d), W = (M, c) = Σ_ij M_ij E_ij + Σ_k c_k Q_k, θθᵀ = (t tᵀ, 0), f − y = xᵀDx with
 *   D = WᵀW − θθᵀ = (MᵀM − t tᵀ, c∘c),
 *   L = κ E[(xᵀDx)²] = κ [tr(DΣ)² + 2 tr(DΣDΣ)],
 *   ∇L(W) = 4κ W [tr(DΣ)Σ + 2ΣDΣ] = (G_S, g),  G_S = 4κ M [T Λ + 2 Λ D_S Λ],  g_k = 4κ c_k [T λ_k + 2 λ_k² c_k²],
 * T = tr(DΣ) = tr(D_S Λ) + Σ_k ρ_k λ_k c_k², Λ = diag(λ) on S. ∂L/∂M_ij = (G_S)_ij and ∂L/∂c_k = ρ_k g_k (verified
 * exactly), so GD is x ← x − η̃ (G_S, g) on the coordinates, and SpecGD is x ← x − η (polar(G_S), sgn(g)) with the
 * 2×2 polar factor in closed form (core/matrix-block.ts) and a small SVD for K > 2.
 *
 * Every variance, the weights t (symbols theta_<axis>), the ranks (through d) and κ are symbolic; the model's
 * numbers are substituted exactly (`Rational.fromNumber`) when compiled. The checks (Monte Carlo of the moment
 * identities, the full-dimensional population gradient in a random basis, finite differences of the full loss) are
 * run at the model's d.
 */
import { ConfigError } from '../core/errors.js';
import { createRng, randomOrthogonal, type Rng } from '../core/rng.js';
import { mean, standardError, twoSidedNormalQuantile } from '../core/stats.js';
import type { MatrixBlockLayout } from '../core/matrix-block.js';
import type { ModelSpec } from '../model/spec.js';
import type { MatrixBlockCoordinates } from '../model/coordinates.js';
import type { Check } from './checks.js';
import { compilePoly, compilePolys } from './codegen.js';
import type { CompiledSystem } from './compiled.js';
import type { DerivationStep, ParamInfo } from './derivation.js';
import { ex, type Expr } from './expr.js';
import { MatrixBlockAlgebra, type MbElem } from './matrix-block.js';
import { Poly, Rational } from './poly.js';
import { gradSymbol, symbolLatex } from './symbols.js';

export interface MatrixBlockDerivation {
  kind: 'matrix-block';
  model: { covarianceKind: string; d: number; K: number; lossScale: number };
  coordinates: MatrixBlockCoordinates;
  stateVars: string[];
  gradSymbols: string[];
  /** Symbolic ranks of the coordinates (1 for M, ρ_k for the scalars). */
  ranks: Poly[];
  /** Variances (λ), d (when a rank uses it), κ and the weights t of θ on S, with exact values for this model. */
  params: ParamInfo[];
  /** Symbols of the weights t_1..t_K. */
  weightSymbols: string[];
  steps: DerivationStep[];
  /** T = tr(DΣ). */
  T: Poly;
  /** κ symbolic. */
  general: { loss: Poly; gradients: Poly[] };
  /** κ substituted. */
  loss: Poly;
  gradients: Poly[];
  lossPartials: Poly[];
  /** x_i − η̃ g_i. */
  gdMap: Poly[];
  /** SpecGD: the derivation steps and, for K = 2, the closed-form direction on the coordinates (gradient symbols). */
  specgd: { steps: DerivationStep[]; direction: Expr[] | null };
  checks: Check[];
}

export interface MatrixBlockDeriveOptions {
  /** Run the numeric checks (default true). */
  checks?: boolean;
  seed?: number;
}

function rankPoly(r: { coef: number; offset: number }): Poly {
  return Poly.sym('d').scale(r.coef).add(Poly.constant(r.offset));
}

/** The algebra, Σ, θθᵀ, W and D of a model's coordinates (symbolic). */
export function matrixBlockSetting(spec: ModelSpec) {
  const co = spec.coordinates;
  if (!co) throw new Error('matrixBlockSetting: the model has no matrix-block coordinates');
  const K = co.K;
  const ranks = co.scalarRankInD.map(rankPoly);
  const alg = new MatrixBlockAlgebra(K, ranks);
  const axes = co.directions.map((j, i) => spec.blocks[co.directionBlocks[i]].axis ?? String(j + 1));
  const weightSymbols = axes.map((x) => `theta_${x}`);
  const lamS = co.directionBlocks.map((b) => Poly.sym(spec.blocks[b].varianceSymbol));
  const lamC = co.scalars.map((s) => Poly.sym(spec.blocks[s.block].varianceSymbol));
  const Sigma = alg.diag(lamS, lamC);
  const t = weightSymbols.map((s) => Poly.sym(s));
  const thetaTheta = alg.outer(t, t);
  const x = co.symbols.map((s) => Poly.sym(s));
  const W = alg.elem(x.slice(0, K * K), x.slice(K * K));
  const D = alg.sub(alg.mul(alg.transpose(W), W), thetaTheta);
  return { co, K, alg, Sigma, thetaTheta, W, D, weightSymbols, coordRanks: [...Array.from({ length: K * K }, () => Poly.ONE), ...ranks] };
}

function flat(e: MbElem): Poly[] {
  return [...e.M, ...e.c];
}

const VARIANCE_MEANING: Record<string, string> = {
  lambda_theta: 'variance along u (the signal-variance direction)',
  lambda_v: 'variance along the spike v',
  sigma2: 'bulk variance (rank d − 2)',
};

function paramsOf(spec: ModelSpec, weightSymbols: readonly string[]): ParamInfo[] {
  const co = spec.coordinates!;
  const out: ParamInfo[] = [];
  const seen = new Set<string>();
  const used = [...co.directionBlocks, ...co.scalars.map((s) => s.block)];
  for (const k of used) {
    const b = spec.blocks[k];
    if (seen.has(b.varianceSymbol)) continue;
    seen.add(b.varianceSymbol);
    out.push({ name: b.varianceSymbol, latex: symbolLatex(b.varianceSymbol), meaning: VARIANCE_MEANING[b.varianceSymbol] ?? `variance of ${b.name}`, value: Rational.fromNumber(b.variance) });
  }
  weightSymbols.forEach((s, i) => out.push({ name: s, latex: symbolLatex(s), meaning: `θ's weight on the direction ${co.directions[i] + 1} of S (θ normalized, Σ t_i² = 1)`, value: Rational.fromNumber(co.layout.weights[i]) }));
  if (co.scalarRankInD.some((r) => r.coef !== 0)) out.push({ name: 'd', latex: 'd', meaning: 'dimension', value: Rational.of(spec.d) });
  out.push({ name: 'kappa', latex: '\\kappa', meaning: 'loss scale, L = κ E[(f − y)²]', value: Rational.fromNumber(spec.lossScale) });
  return out;
}

/**
 * Largest block dimension K the symbolic derivation is run for. Its size grows as ~K⁵ (K² gradient entries, each
 * a sum over K products with T's ~K² terms): measured on the 2-core machine under load, derive + compile took
 * 1.0 s at K = 5, 2.8 s at K = 7 and 7.4 s at K = 9 (d = 30), so K = 10 stays within seconds and K = 20 would take
 * minutes. Beyond it `specgd theory` refuses (ConfigError) and `specgd simulate` still runs.
 */
export const MATRIX_BLOCK_MAX_K = 10;

/** Derive the reduced loss, gradients, GD and SpecGD maps on the matrix-block coordinates (module comment). */
export function deriveMatrixBlock(spec: ModelSpec, opts: MatrixBlockDeriveOptions = {}): MatrixBlockDerivation {
  const Kreq = spec.coordinates?.K ?? 0;
  if (Kreq > MATRIX_BLOCK_MAX_K) throw new ConfigError('model.covariance.signal', `${Kreq} eigen-directions`, `a signal over at most ${MATRIX_BLOCK_MAX_K} eigen-directions for the reduced theory (its symbolic derivation grows as ~K⁵); \`specgd simulate\` runs any signal`);
  if (spec.student.kind !== 'matrix') throw new ConfigError('model.student.kind', spec.student.kind, '"matrix" for a signal spread over several eigen-directions (the matrix-block reduction of issue 13 is derived for the matrix student)');
  const { co, K, alg, Sigma, W, D, weightSymbols, coordRanks } = matrixBlockSetting(spec);
  const stateVars = [...co.symbols];
  const gradSyms = stateVars.map(gradSymbol);
  const T = alg.trace(alg.mul(D, Sigma));
  const lossUnit = alg.expectQuadQuad(D, D, Sigma);
  const Mop = alg.expectQuadOuter(D, Sigma);
  const gradUnit = flat(alg.scale(alg.mul(W, Mop), Poly.constant(4)));
  const kappaSym = Poly.sym('kappa');
  const kappa = Rational.fromNumber(spec.lossScale);
  const general = { loss: lossUnit.mul(kappaSym), gradients: gradUnit.map((g) => g.mul(kappaSym)) };
  const loss = lossUnit.scale(kappa);
  const gradients = gradUnit.map((g) => g.scale(kappa));
  const lossPartials = stateVars.map((v) => loss.diff(v));
  for (let i = 0; i < stateVars.length; i++) {
    if (!lossPartials[i].equals(gradients[i].mul(coordRanks[i]))) throw new Error(`deriveMatrixBlock: ∂L/∂${stateVars[i]} ≠ rank · g — the coordinate gradient is not the reduced gradient`);
  }
  const etaTilde = Poly.sym('eta_tilde');
  const gdMap = gradients.map((g, i) => Poly.sym(stateVars[i]).sub(etaTilde.mul(g)));
  const L = (s: string) => symbolLatex(s);
  const Mlatex = `\\begin{pmatrix}${Array.from({ length: K }, (_, i) => Array.from({ length: K }, (_, j) => L(stateVars[i * K + j])).join(' & ')).join(' \\\\ ')}\\end{pmatrix}`;
  const scalarsLatex = co.scalars.map((s, k) => `${L(stateVars[K * K + k])}\\, Q_{${L(spec.blocks[s.block].symbol)}}`).join(' + ');
  const steps: DerivationStep[] = [
    {
      text: `θ touches ${K} eigen-directions of Σ: the algebra generated by Σ and θθᵀ is M_${K}(ℝ) ⊕ ℝ^${co.scalars.length} — a ${K}×${K} block on S = span{θ_k} (matrix units E_ij = e_i e_jᵀ, E_ij E_kl = δ_jk E_il) plus one projector Q_k per remaining piece of Σ (Q_j Q_k = δ_jk Q_k, E Q = 0). W₀ = αI lies in it.`,
      latex: [`W = \\sum_{ij} M_{ij} E_{ij} + ${scalarsLatex || '0'},\\quad M = ${Mlatex}`, `\\theta\\theta^\\top = \\sum_{ij} ${L('theta_i')} ${L('theta_j')} E_{ij},\\quad \\Sigma = \\sum_i \\lambda_{k(i)} E_{ii} + \\sum_k \\lambda_k Q_k`],
    },
    {
      text: 'f − y = xᵀDx with D = WᵀW − θθᵀ = (MᵀM − ttᵀ, c∘c); the loss by the fourth-moment identity E[(xᵀAx)(xᵀBx)] = tr(AΣ)tr(BΣ) + 2tr(AΣBΣ), traces through tr E_ij = δ_ij and tr Q_k = ρ_k.',
      latex: ['L = \\kappa\\left[\\operatorname{tr}(D\\Sigma)^2 + 2\\operatorname{tr}(D\\Sigma D\\Sigma)\\right]', `T = \\operatorname{tr}(D\\Sigma) = ${T.toLatex()}`],
    },
    {
      text: 'Gradient ∇L(W) = 4κ W E[(xᵀDx) x xᵀ] = 4κ W[tr(DΣ)Σ + 2ΣDΣ], again in the algebra: a K×K block G_S and one scalar g_k per Q_k; ∂L/∂M_ij = (G_S)_ij and ∂L/∂c_k = ρ_k g_k (verified exactly).',
      latex: ['\\nabla L(W) = 4\\kappa\\, W\\left[\\operatorname{tr}(D\\Sigma)\\,\\Sigma + 2\\,\\Sigma D \\Sigma\\right] = \\sum_{ij} (G_S)_{ij} E_{ij} + \\sum_k g_k Q_k'],
    },
    { text: 'GD on the coordinates: x ← x − η̃ (G_S, g).', latex: ['M \\leftarrow M - \\tilde\\eta\\, G_S,\\qquad c_k \\leftarrow c_k - \\tilde\\eta\\, g_k'] },
  ];
  const specSteps: DerivationStep[] = [
    {
      text: 'The singular values of ∇L = G_S ⊕ g_k Q_k are those of G_S and the |g_k| (multiplicity ρ_k), with singular vectors in S and in range(Q_k): the polar factor is polar(G_S) ⊕ sgn(g_k) Q_k, and the tie rule (σ ≤ tol·σ_max dropped) applies across both.',
      latex: ['\\operatorname{polar}(\\nabla L) = \\operatorname{polar}(G_S) + \\sum_k \\operatorname{sgn}(g_k)\\, Q_k'],
    },
  ];
  let direction: Expr[] | null = null;
  if (K === 2) {
    specSteps.push({
      text: 'For a 2×2 block G = U diag(s₁, s₂)Vᵀ, cof(G) = det(G) G^{−ᵀ} = sgn(det G) U diag(s₂, s₁) Vᵀ, so G + sgn(det G) cof(G) = (s₁ + s₂) UVᵀ with (s₁ + s₂)² = ‖G‖_F² + 2|det G|. A rank-deficient G (s₂ = 0) gives G/‖G‖_F, the same formula; G = 0 gives 0.',
      latex: ['\\operatorname{polar}(G) = \\frac{G + \\operatorname{sgn}(\\det G)\\operatorname{cof}(G)}{\\sqrt{\\lVert G\\rVert_F^2 + 2\\lvert\\det G\\rvert}},\\quad \\operatorname{cof}\\begin{pmatrix}p & q\\\\ r & s\\end{pmatrix} = \\begin{pmatrix}s & -r\\\\ -q & p\\end{pmatrix}'],
    });
    const g = gradSyms.map((s) => Poly.sym(s));
    const det = g[0].mul(g[3]).sub(g[1].mul(g[2]));
    const fro = g[0].pow(2).add(g[1].pow(2)).add(g[2].pow(2)).add(g[3].pow(2));
    const den = ex.sqrt(ex.add(ex.poly(fro), ex.mul(ex.poly(Poly.constant(2)), ex.abs(ex.poly(det)))));
    const sg = ex.sgn(ex.poly(det));
    const cof = [g[3], g[2].neg(), g[1].neg(), g[0]];
    direction = [0, 1, 2, 3].map((i) => ex.div(ex.add(ex.poly(g[i]), ex.mul(sg, ex.poly(cof[i]))), den));
    for (let k = 4; k < stateVars.length; k++) direction.push(ex.sgn(ex.sym(gradSyms[k])));
  } else {
    specSteps.push({ text: `K = ${K} > 2: polar(G_S) = U_r V_rᵀ from a ${K}×${K} SVD at run time (core/matrix-block.ts).`, latex: ['\\operatorname{polar}(G_S) = U_r V_r^\\top'] });
  }
  specSteps.push({ text: 'SpecGD on the coordinates: M ← M − η polar(G_S), c_k ← c_k − η sgn(g_k).', latex: ['M \\leftarrow M - \\eta\\,\\operatorname{polar}(G_S),\\qquad c_k \\leftarrow c_k - \\eta\\,\\operatorname{sgn}(g_k)'] });
  const der: MatrixBlockDerivation = {
    kind: 'matrix-block',
    model: { covarianceKind: spec.covarianceKind, d: spec.d, K, lossScale: spec.lossScale },
    coordinates: co,
    stateVars,
    gradSymbols: gradSyms,
    ranks: coordRanks,
    params: paramsOf(spec, weightSymbols),
    weightSymbols,
    steps,
    T,
    general,
    loss,
    gradients,
    lossPartials,
    gdMap,
    specgd: { steps: specSteps, direction },
    checks: [],
  };
  if (opts.checks ?? true) der.checks = runMatrixBlockChecks(der, spec, opts.seed ?? 1);
  return der;
}

/** Numeric values of the parameters for `spec`. */
export function matrixBlockParamValues(der: MatrixBlockDerivation): Record<string, number> {
  return Object.fromEntries(der.params.map((p) => [p.name, p.value.toNumber()]));
}

/** The compiled system (symbolic/compiled.ts) of a matrix-block derivation, numbers from `spec`. */
export function compileMatrixBlockSystem(der: MatrixBlockDerivation, spec: ModelSpec): CompiledSystem & { matrixBlock: MatrixBlockLayout } {
  const co = spec.coordinates!;
  const env: Record<string, number> = matrixBlockParamValues(der);
  for (const b of spec.blocks) if (b.varianceSymbol in env) env[b.varianceSymbol] = b.variance;
  env.d = spec.d;
  env.kappa = spec.lossScale;
  der.weightSymbols.forEach((s, i) => (env[s] = co.layout.weights[i]));
  const vars = der.stateVars;
  const jac: Poly[] = [];
  for (const g of der.general.gradients) for (const v of vars) jac.push(g.diff(v));
  return {
    n: vars.length,
    symbols: [...vars],
    ranks: Float64Array.from(co.ranks),
    student: 'matrix',
    loss: compilePoly(der.general.loss, vars, env),
    grad: compilePolys(der.general.gradients, vars, env),
    gradJacobian: compilePolys(jac, vars, env),
    matrixBlock: co.layout,
  };
}

/** Derivations per structure (symbols, ranks: the forms do not depend on numbers); compiled systems per spec. */
const derivations = new Map<string, MatrixBlockDerivation>();
const systems = new WeakMap<ModelSpec, CompiledSystem>();
const numeric = new Map<string, CompiledSystem>();
const CACHE = 32;

/** compileMatrixBlockSystem(deriveMatrixBlock(spec)) memoized (like compile.ts `systemFor`). */
export function matrixBlockSystemFor(spec: ModelSpec): CompiledSystem {
  const hit = systems.get(spec);
  if (hit) return hit;
  const co = spec.coordinates!;
  const key = JSON.stringify([spec.student.kind, co.symbols, co.scalarRankInD, co.directionBlocks.map((b) => spec.blocks[b].varianceSymbol), co.scalars.map((s) => spec.blocks[s.block].varianceSymbol), co.directions.map((j, i) => spec.blocks[co.directionBlocks[i]].axis ?? String(j + 1))]);
  const nkey = JSON.stringify([key, spec.d, spec.lossScale, spec.blocks.map((b) => b.variance), Array.from(co.layout.weights)]);
  let sys = numeric.get(nkey);
  if (!sys) {
    let der = derivations.get(key);
    if (!der) {
      der = deriveMatrixBlock(spec, { checks: false });
      if (derivations.size >= CACHE) derivations.delete(derivations.keys().next().value!);
      derivations.set(key, der);
    }
    sys = compileMatrixBlockSystem(der, spec);
    if (numeric.size >= CACHE) numeric.delete(numeric.keys().next().value!);
    numeric.set(nkey, sys);
  }
  systems.set(spec, sys);
  return sys;
}

// ---------------------------------------------------------------------------------------------------------------
// Checks (full-dimensional, at the model's d)

const MC_SAMPLES = 20_000;
const MC_ALPHA = 1e-4;
const FULL_POINTS = 3;
const FD_STEP = 1e-2;
const U = Number.EPSILON / 2;

/** Dense d×d matrix of a numeric element (x = coordinates) in the eigenbasis Q (columns q_j; null = identity). */
export function denseOfCoordinates(spec: ModelSpec, x: ArrayLike<number>, Q: Float64Array | null): Float64Array {
  const co = spec.coordinates!;
  const d = spec.d;
  const K = co.K;
  // Coefficient matrix in the eigenbasis, then conjugate: W = Q C Qᵀ.
  const C = new Float64Array(d * d);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) C[co.directions[i] * d + co.directions[j]] = x[i * K + j];
  const inS = new Set(co.directions);
  co.scalars.forEach((s, k) => {
    for (let j = 0; j < d; j++) if (spec.blockOf[j] === s.block && !inS.has(j)) C[j * d + j] = x[K * K + k];
  });
  if (Q === null) return C;
  const QC = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let p = 0; p < d; p++) {
    const q = Q[i * d + p];
    if (q === 0) continue;
    for (let j = 0; j < d; j++) QC[i * d + j] += q * C[p * d + j];
  }
  const W = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let p = 0; p < d; p++) s += QC[i * d + p] * Q[j * d + p];
    W[i * d + j] = s;
  }
  return W;
}

/** Coordinates of a dense d×d matrix: M_ij = q_iᵀ W q_j on S, c_k = tr(Q_k W)/ρ_k (the projection on the algebra). */
export function coordinatesOfDense(spec: ModelSpec, W: Float64Array, Q: Float64Array | null): Float64Array {
  const co = spec.coordinates!;
  const d = spec.d;
  const K = co.K;
  const q = (j: number, i: number) => (Q === null ? (i === j ? 1 : 0) : Q[i * d + j]);
  const form = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < d; i++) {
      const qa = q(a, i);
      if (qa === 0) continue;
      for (let j = 0; j < d; j++) s += qa * W[i * d + j] * q(b, j);
    }
    return s;
  };
  const out = new Float64Array(co.symbols.length);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) out[i * K + j] = form(co.directions[i], co.directions[j]);
  const inS = new Set(co.directions);
  co.scalars.forEach((s, k) => {
    let t = 0;
    for (let j = 0; j < d; j++) if (spec.blockOf[j] === s.block && !inS.has(j)) t += form(j, j);
    out[K * K + k] = t / co.ranks[K * K + k];
  });
  return out;
}

function matmulD(A: Float64Array, B: Float64Array, n: number): Float64Array {
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let p = 0; p < n; p++) {
    const a = A[i * n + p];
    if (a === 0) continue;
    for (let j = 0; j < n; j++) C[i * n + j] += a * B[p * n + j];
  }
  return C;
}

/** Full-dimensional L = κ[tr(DΣ)² + 2tr((DΣ)²)] and ∇L = 4κ W[tr(DΣ)Σ + 2ΣDΣ] (model.md §2), dense. */
export function denseLossGradient(W: Float64Array, Sigma: Float64Array, theta: Float64Array, d: number, kappa: number): { loss: number; grad: Float64Array } {
  const WtW = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += W[k * d + i] * W[k * d + j];
    WtW[i * d + j] = s - theta[i] * theta[j];
  }
  const DS = matmulD(WtW, Sigma, d);
  let T = 0;
  for (let i = 0; i < d; i++) T += DS[i * d + i];
  const DSDS = matmulD(DS, DS, d);
  let tr2 = 0;
  for (let i = 0; i < d; i++) tr2 += DSDS[i * d + i];
  const SDS = matmulD(Sigma, DS, d);
  const inner = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) inner[i] = T * Sigma[i] + 2 * SDS[i];
  const G = matmulD(W, inner, d);
  for (let i = 0; i < d * d; i++) G[i] *= 4 * kappa;
  return { loss: kappa * (T * T + 2 * tr2), grad: G };
}

function randomPoint(rng: Rng, n: number, K: number): Float64Array {
  // entries in [−1, 1] on a 1/1000 grid (exact rationals), diagonal of M shifted to keep W well conditioned
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.round((2 * rng.uniform() - 1) * 1000) / 1000;
  for (let i = 0; i < K; i++) x[i * K + i] += 1;
  return x;
}

function envOf(der: MatrixBlockDerivation, x: ArrayLike<number>): Record<string, number> {
  const env = matrixBlockParamValues(der);
  der.stateVars.forEach((s, i) => (env[s] = x[i]));
  return env;
}

/** The checks (module comment): Monte Carlo moments, full-matrix population gradient, finite differences. */
export function runMatrixBlockChecks(der: MatrixBlockDerivation, spec: ModelSpec, seed: number): Check[] {
  const d = spec.d;
  const K = der.model.K;
  const n = der.stateVars.length;
  const co = spec.coordinates!;
  const rng = createRng(seed, 71);
  const kappa = spec.lossScale;
  const env0 = matrixBlockParamValues(der);
  // θ and Σ in the canonical eigenbasis
  const theta = new Float64Array(d);
  co.directions.forEach((j, i) => (theta[j] = co.layout.weights[i]));
  const lambda = Float64Array.from(spec.eigenvalues);
  const checks: Check[] = [];

  // (i) Monte Carlo: E[(xᵀDx)²] and E[(xᵀDx) x_i x_j] on S against the algebra's identities, at a random point.
  {
    const x = randomPoint(rng, n, K).map((v) => v * 0.5);
    const W = denseOfCoordinates(spec, x, null);
    const Sigma = new Float64Array(d * d);
    for (let j = 0; j < d; j++) Sigma[j * d + j] = lambda[j];
    const Dd = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += W[k * d + i] * W[k * d + j];
      Dd[i * d + j] = s - theta[i] * theta[j];
    }
    const env = envOf(der, x);
    const lossUnit = der.general.loss.evaluate({ ...env, kappa: 1 });
    const { alg, Sigma: SigE, D } = matrixBlockSetting(spec);
    const outer = alg.expectQuadOuter(D, SigE);
    const targets: { label: string; expected: number; sample: (q: number, z: Float64Array) => number }[] = [{ label: 'E[(xᵀDx)²]', expected: lossUnit, sample: (q) => q * q }];
    for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) {
      const a = co.directions[i];
      const b = co.directions[j];
      targets.push({ label: `E[(xᵀDx) x_${a + 1} x_${b + 1}]`, expected: outer.M[i * K + j].evaluate(env), sample: (q, z) => q * z[a] * z[b] });
    }
    const vals = targets.map(() => new Float64Array(MC_SAMPLES));
    const z = new Float64Array(d);
    const sq = lambda.map(Math.sqrt);
    for (let s = 0; s < MC_SAMPLES; s++) {
      for (let j = 0; j < d; j++) z[j] = sq[j] * rng.normal();
      let q = 0;
      for (let i = 0; i < d; i++) {
        let r = 0;
        for (let j = 0; j < d; j++) r += Dd[i * d + j] * z[j];
        q += z[i] * r;
      }
      targets.forEach((t, k) => (vals[k][s] = t.sample(q, z)));
    }
    // Bonferroni over the compared entries: k = z_{1 − α/(2m)}, tolerance k·σ̂/√N.
    const kq = twoSidedNormalQuantile(MC_ALPHA / targets.length);
    const details = targets.map((t, k) => {
      const m = mean(vals[k]);
      const tol = kq * standardError(vals[k]);
      return { label: t.label, expected: t.expected, measured: m, error: Math.abs(m - t.expected), tolerance: tol };
    });
    const worst = details.reduce((w, x) => (x.error / x.tolerance > w.error / w.tolerance ? x : w));
    checks.push({ id: 'matrix-block-moments', title: 'moment identities on M_K ⊕ ℝ^m (Monte Carlo)', method: `seeded Monte Carlo, x ~ N(0, Σ), N = ${MC_SAMPLES}`, dimension: d, samples: MC_SAMPLES, error: worst.error, tolerance: worst.tolerance, toleranceRule: `k·σ̂/√N, k = ${kq.toFixed(3)} (two-sided, α = ${MC_ALPHA} Bonferroni over ${targets.length} entries)`, passed: details.every((x) => x.error <= x.tolerance), details });
  }

  // (ii) full-dimensional population gradient in a random orthonormal eigenbasis, at random points.
  {
    const details: Check['details'] = [];
    const Q = randomOrthogonal(d, createRng(seed, 72));
    const SigmaQ = denseOfCoordinatesSigma(spec, Q);
    const thetaQ = new Float64Array(d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) thetaQ[i] += Q[i * d + j] * theta[j];
    for (let p = 0; p < FULL_POINTS; p++) {
      const x = randomPoint(rng, n, K);
      const Wd = denseOfCoordinates(spec, x, Q);
      const { loss, grad } = denseLossGradient(Wd, SigmaQ, thetaQ, d, kappa);
      const env = envOf(der, x);
      const gRed = der.gradients.map((g) => g.evaluate(env));
      // The gradient must lie in the algebra: rebuild it from the reduced coordinates and compare entrywise.
      const Grec = denseOfCoordinates(spec, gRed, Q);
      let num = 0;
      let den = 0;
      for (let i = 0; i < d * d; i++) {
        num = Math.max(num, Math.abs(Grec[i] - grad[i]));
        den = Math.max(den, Math.abs(grad[i]));
      }
      details.push({ label: `∇L at point ${p + 1}`, expected: den, measured: den + num, error: num / den, tolerance: 1e-12 });
      const lRed = der.loss.evaluate(env);
      details.push({ label: `L at point ${p + 1}`, expected: loss, measured: lRed, error: Math.abs(lRed - loss) / Math.abs(loss), tolerance: 1e-12 });
    }
    const worst = details.reduce((w, x) => (x.error / x.tolerance > w.error / w.tolerance ? x : w));
    checks.push({ id: 'matrix-block-full-gradient', title: 'reduced gradient and loss = full-dimensional population ∇L, L', method: `∇L = 4κW[tr(DΣ)Σ + 2ΣDΣ] in a random orthonormal basis at ${FULL_POINTS} random points; the reduced gradient rebuilt as a d×d matrix`, dimension: d, samples: FULL_POINTS, error: worst.error, tolerance: worst.tolerance, toleranceRule: 'relative max-entry error ≤ 1e-12', passed: details.every((x) => x.error <= x.tolerance), details });
  }

  // (iii) finite differences of the full-dimensional loss along each basis element (E_ij or Q_k): rank_i · g_i.
  {
    const details: Check['details'] = [];
    const Sigma = new Float64Array(d * d);
    for (let j = 0; j < d; j++) Sigma[j * d + j] = lambda[j];
    const x = randomPoint(rng, n, K);
    const env = envOf(der, x);
    const fullLoss = (y: Float64Array) => denseLossGradient(denseOfCoordinates(spec, y, null), Sigma, theta, d, kappa).loss;
    const rankNum = der.ranks.map((r) => r.evaluate({ ...env0, d }));
    for (let i = 0; i < n; i++) {
      const cd = (h: number) => {
        const yp = Float64Array.from(x);
        const ym = Float64Array.from(x);
        yp[i] += h;
        ym[i] -= h;
        return (fullLoss(yp) - fullLoss(ym)) / (2 * h);
      };
      // Richardson: (4 D(h/2) − D(h))/3 removes the h² term; along one coordinate the loss is a quartic, whose
      // central difference has no h⁴ term (f⁽⁵⁾ = 0), so what remains is rounding: the d×d loss is computed with
      // relative error ≲ d³u (d³ multiply-adds), amplified by the weights (4·2 + 1)/3 = 3 over 2h.
      const fd = (4 * cd(FD_STEP / 2) - cd(FD_STEP)) / 3;
      const exact = rankNum[i] * der.gradients[i].evaluate(env);
      const scale = Math.abs(fullLoss(x));
      details.push({ label: `∂L/∂${der.stateVars[i]}`, expected: exact, measured: fd, error: Math.abs(fd - exact), tolerance: (3 * d ** 3 * U * scale) / FD_STEP });
    }
    const worst = details.reduce((w, x) => (x.error / x.tolerance > w.error / w.tolerance ? x : w));
    checks.push({ id: 'matrix-block-finite-differences', title: '∂L/∂x_i = rank_i · g_i (finite differences of the full loss)', method: `Richardson-extrapolated central differences, h = ${FD_STEP}`, dimension: d, samples: n, error: worst.error, tolerance: worst.tolerance, toleranceRule: 'rounding only (a quartic has no h⁴ term): 3·d³·u·|L|/h', passed: details.every((x) => x.error <= x.tolerance), details });
  }
  return checks;
}

function denseOfCoordinatesSigma(spec: ModelSpec, Q: Float64Array): Float64Array {
  const d = spec.d;
  const S = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let p = 0; p < d; p++) s += Q[i * d + p] * spec.eigenvalues[p] * Q[j * d + p];
    S[i * d + j] = s;
  }
  return S;
}
